/*
 * Words in rule files and on the command line: durations ("250ms") and
 * "did you mean" suggestions. Pure string helpers that the name tables
 * (src/sys), the loader and the CLI all use.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "faultline/base.h"

/* ---- durations ---- */

int fl_duration_parse(const char *text, uint64_t *ret_ns)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 },
		{ "us", 1000 },
		{ "ms", 1000000 },
		{ "s", 1000000000 },
	};
	const char *p = text, *int_start, *int_end, *frac_start = NULL, *frac_end = NULL;
	uint64_t unit = 0, v = 0, scale;

	if (!text)
		return -EINVAL;

	int_start = p;
	while (isdigit((unsigned char)*p))
		p++;
	int_end = p;
	if (int_end == int_start)
		return -EINVAL; /* no sign, no leading '.', no empty number */
	if (*p == '.') {
		frac_start = ++p;
		while (isdigit((unsigned char)*p))
			p++;
		frac_end = p;
		if (frac_end == frac_start)
			return -EINVAL; /* "1.s" */
	}
	for (size_t i = 0; i < FL_ARRAY_SIZE(units); i++)
		if (strcmp(p, units[i].suffix) == 0) {
			unit = units[i].ns;
			break;
		}
	if (!unit)
		return -EINVAL; /* missing or unknown unit, or trailing junk */

	for (const char *q = int_start; q < int_end; q++) {
		uint64_t d = (uint64_t)(*q - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v > UINT64_MAX / unit)
		return -ERANGE;
	v *= unit;

	/*
	 * Exact fraction: each digit is worth a tenth of the previous one.
	 * Below one nanosecond there is nothing to represent, so a non-zero
	 * digit there is an error rather than silently rounded.
	 */
	scale = unit;
	for (const char *q = frac_start; q && q < frac_end; q++) {
		uint64_t d = (uint64_t)(*q - '0');

		if (scale == 1) {
			if (d)
				return -EINVAL;
			continue;
		}
		scale /= 10;
		if (v > UINT64_MAX - d * scale)
			return -ERANGE;
		v += d * scale;
	}

	*ret_ns = v;
	return 0;
}

/* ---- did you mean ---- */

/* Longer words are not typos of any name we know; also bounds the work. */
#define SUGGEST_MAX_LEN 64

/*
 * Optimal string alignment distance (Levenshtein plus adjacent
 * transposition), case-insensitive so "enoent" finds "ENOENT".
 */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t rows[3][SUGGEST_MAX_LEN + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			size_t cost = ca != cb;
			size_t best = prev[j] + 1;

			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (prev[j - 1] + cost < best)
				best = prev[j - 1] + cost;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		size_t *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

const char *fl_did_you_mean(const char *word, const char *const *candidates, size_t n)
{
	size_t lw, limit, best_d = SIZE_MAX;
	const char *best = NULL;

	if (!word || !candidates)
		return NULL;
	lw = strlen(word);
	if (lw == 0 || lw > SUGGEST_MAX_LEN)
		return NULL;
	/* A third of the word may be wrong; short words get one edit. */
	limit = lw / 3 > 1 ? lw / 3 : 1;

	for (size_t i = 0; i < n; i++) {
		const char *c = candidates[i];
		size_t lc, d;

		if (!c)
			continue;
		lc = strlen(c);
		if (lc > SUGGEST_MAX_LEN || (lc > lw ? lc - lw : lw - lc) > limit)
			continue;
		d = edit_distance(word, lw, c, lc);
		/* First of equally close candidates wins: stable for sorted lists. */
		if (d <= limit && d < best_d) {
			best_d = d;
			best = c;
		}
	}
	return best;
}

/*
 * Names of syscalls, errnos and signals, and durations.
 *
 * Syscall tables come from libseccomp (so they track the kernel without a
 * copy in this tree), errno and signal names from glibc. The caches below
 * are built lazily on first use and live until exit; they are reachable
 * from statics, so LeakSanitizer does not count them as lost.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/sys.h"
#include "faultline/base.h"

/*
 * libseccomp's SCMP_ARCH_* values are the AUDIT_ARCH_* values; the rest of
 * faultline speaks AUDIT_ARCH_* (what PTRACE_GET_SYSCALL_INFO reports).
 */
_Static_assert(SCMP_ARCH_X86_64 == AUDIT_ARCH_X86_64, "SCMP_ARCH_X86_64 is AUDIT_ARCH_X86_64");
_Static_assert(SCMP_ARCH_X86 == AUDIT_ARCH_I386, "SCMP_ARCH_X86 is AUDIT_ARCH_I386");

/* Above every syscall number of both ABIs (the highest is in the 400s). */
#define SYSCALL_NR_LIMIT 1024

/* ---- syscalls ---- */

/*
 * One table per ABI asked about, built on first use: libseccomp hands out
 * malloc'd strings from resolve_num, so they are fetched once and kept, and
 * fl_syscall_name() can return static strings. Which ABIs exist is an arch
 * fact: callers pass their audit arch, or arch's list for the functions
 * that look across ABIs. A run that only ever names x86_64 calls never
 * resolves the i386 table.
 */
#define MAX_TABLES 8

static struct syscall_table {
	uint32_t arch;
	bool built;
	char *names[SYSCALL_NR_LIMIT];
} tables[MAX_TABLES];

static struct syscall_table *table_of(uint32_t arch)
{
	for (size_t i = 0; i < MAX_TABLES; i++) {
		struct syscall_table *t = &tables[i];

		if (t->built && t->arch == arch)
			return t;
		if (!t->built) {
			/* An audit arch libseccomp does not know has no table. */
			if (seccomp_syscall_resolve_name_arch(arch, "read") == __NR_SCMP_ERROR)
				return NULL;
			t->arch = arch;
			t->built = true;
			for (int nr = 0; nr < SYSCALL_NR_LIMIT; nr++)
				t->names[nr] = seccomp_syscall_resolve_num_arch(arch, nr);
			return t;
		}
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted, unique names over @abis (malloc'd array of static strings), or NULL on OOM. */
static const char **names_over(const uint32_t *abis, size_t n_abis, size_t *ret_n)
{
	const char **all;
	size_t n = 0, u = 0;

	*ret_n = 0;
	all = malloc(n_abis * SYSCALL_NR_LIMIT * sizeof(*all) + 1);
	if (!all)
		return NULL;
	for (size_t a = 0; a < n_abis; a++) {
		struct syscall_table *t = table_of(abis[a]);

		for (int nr = 0; t && nr < SYSCALL_NR_LIMIT; nr++)
			if (t->names[nr])
				all[n++] = t->names[nr];
	}
	qsort(all, n, sizeof(*all), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (u == 0 || strcmp(all[u - 1], all[i]) != 0)
			all[u++] = all[i];
	*ret_n = u;
	return all;
}

int fl_syscall_nr(uint32_t arch, const char *name)
{
	int nr;

	if (!name || !*name)
		return -1;
	/*
	 * Negative results are __NR_SCMP_ERROR or libseccomp's pseudo numbers
	 * for calls that exist on other ABIs only (socketcall on x86_64 is
	 * -10060): either way, not a syscall of this ABI.
	 */
	nr = seccomp_syscall_resolve_name_arch(arch, name);
	return nr < 0 ? -1 : nr;
}

const char *fl_syscall_name(uint32_t arch, int nr)
{
	struct syscall_table *t;

	if (nr < 0 || nr >= SYSCALL_NR_LIMIT)
		return NULL;
	t = table_of(arch);
	return t ? t->names[nr] : NULL;
}

int fl_syscall_known(const uint32_t *abis, size_t n_abis, const char *name)
{
	for (size_t a = 0; a < n_abis; a++)
		if (fl_syscall_nr(abis[a], name) >= 0)
			return 1;
	return 0;
}

void fl_syscall_foreach(const uint32_t *abis, size_t n_abis,
			void (*fn)(const char *name, void *ud), void *ud)
{
	size_t n;
	_cleanup_free_ const char **names = names_over(abis, n_abis, &n);

	for (size_t i = 0; names && i < n; i++)
		fn(names[i], ud);
}

const char *fl_syscall_suggest(const uint32_t *abis, size_t n_abis, const char *word)
{
	size_t n;
	_cleanup_free_ const char **names = names_over(abis, n_abis, &n);

	/* On OOM there is no suggestion; the error itself still stands. */
	return names ? fl_did_you_mean(word, names, n) : NULL;
}

/* ---- errnos ---- */

/*
 * Names glibc's strerrorname_np() never returns because their value has
 * another name first (EWOULDBLOCK is EAGAIN). Values come from the
 * headers; only the spelling is listed here.
 */
static const struct {
	const char *name;
	int value;
} errno_aliases[] = {
	{ "EWOULDBLOCK", EWOULDBLOCK },
	{ "EDEADLOCK", EDEADLOCK },
	{ "ENOTSUP", ENOTSUP },
};

static struct {
	bool built;
	const char **names; /* every errno name, ascending by value, then aliases */
	size_t n;
} en;

static void errno_cache_build(void)
{
	size_t n = 0;

	if (en.built)
		return;
	en.built = true;

	for (int e = 1; e <= FL_ERRNO_MAX; e++)
		if (strerrorname_np(e))
			n++;
	en.names = malloc((n + FL_ARRAY_SIZE(errno_aliases)) * sizeof(*en.names));
	if (!en.names)
		return;
	for (int e = 1; e <= FL_ERRNO_MAX; e++) {
		const char *s = strerrorname_np(e);

		if (s)
			en.names[en.n++] = s;
	}
	for (size_t i = 0; i < FL_ARRAY_SIZE(errno_aliases); i++)
		en.names[en.n++] = errno_aliases[i].name;
}

/*
 * Strict decimal: digits only, no sign, no leading zero (which YAML 1.1
 * would read as octal), no overflow. Returns 0 or -EINVAL / -ERANGE.
 */
static int parse_decimal(const char *s, unsigned long max, unsigned long *ret)
{
	unsigned long v = 0;

	if (!s || !isdigit((unsigned char)s[0]) || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		if (v > (max - (unsigned long)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*ret = v;
	return 0;
}

int fl_errno_from_name(const char *name)
{
	unsigned long v;

	if (!name || !*name)
		return -1;
	if (isdigit((unsigned char)name[0]))
		return parse_decimal(name, FL_ERRNO_MAX, &v) == 0 && v >= 1 ? (int)v : -1;

	for (int e = 1; e <= FL_ERRNO_MAX; e++) {
		const char *s = strerrorname_np(e);

		if (s && strcmp(s, name) == 0)
			return e;
	}
	for (size_t i = 0; i < FL_ARRAY_SIZE(errno_aliases); i++)
		if (strcmp(errno_aliases[i].name, name) == 0)
			return errno_aliases[i].value;
	return -1;
}

const char *fl_errno_name(int err)
{
	if (err < 1 || err > FL_ERRNO_MAX)
		return NULL;
	return strerrorname_np(err);
}

void fl_errno_foreach(void (*fn)(int err, const char *name, void *ud), void *ud)
{
	for (int e = 1; e <= FL_ERRNO_MAX; e++) {
		const char *s = strerrorname_np(e);

		if (s)
			fn(e, s, ud);
	}
}

const char *fl_errno_suggest(const char *word)
{
	errno_cache_build();
	return fl_did_you_mean(word, en.names, en.n);
}

/* ---- signals ---- */

/* glibc names 29 "POLL" and 6 "ABRT"; these spellings are common too. */
static const struct {
	const char *name; /* without "SIG" */
	int value;
} signal_aliases[] = {
	{ "IO", SIGIO },
	{ "IOT", SIGIOT },
	{ "CLD", SIGCHLD },
};

/* "SIG" + glibc's abbreviation, or "SIGRTMIN+n"; index is the signal. */
static char signal_names[_NSIG][24];

static const char *rt_name(int sig)
{
	char *buf = signal_names[sig];

	if (!buf[0]) {
		if (sig == SIGRTMIN)
			snprintf(buf, sizeof(signal_names[0]), "SIGRTMIN");
		else if (sig == SIGRTMAX)
			snprintf(buf, sizeof(signal_names[0]), "SIGRTMAX");
		else
			snprintf(buf, sizeof(signal_names[0]), "SIGRTMIN+%d", sig - SIGRTMIN);
	}
	return buf;
}

const char *fl_signal_name(int sig)
{
	const char *abbr;

	if (sig < 1 || sig >= _NSIG)
		return NULL;
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		return rt_name(sig);
	abbr = sigabbrev_np(sig);
	if (!abbr)
		return NULL; /* 32 and 33: glibc's own, no name */
	if (!signal_names[sig][0])
		snprintf(signal_names[sig], sizeof(signal_names[0]), "SIG%s", abbr);
	return signal_names[sig];
}

int fl_signal_from_name(const char *name)
{
	unsigned long v;

	if (!name || !*name)
		return -1;
	if (isdigit((unsigned char)name[0])) {
		if (parse_decimal(name, _NSIG - 1, &v) < 0 || v < 1 || !fl_signal_name((int)v))
			return -1;
		return (int)v;
	}
	if (strncmp(name, "SIG", 3) == 0)
		name += 3;

	if (strncmp(name, "RTMIN", 5) == 0 || strncmp(name, "RTMAX", 5) == 0) {
		bool min = name[4] == 'N';
		const char *p = name + 5;
		int sig;

		if (!*p)
			return min ? SIGRTMIN : SIGRTMAX;
		if (*p != (min ? '+' : '-') || parse_decimal(p + 1, _NSIG, &v) < 0)
			return -1;
		if (v > (unsigned long)(SIGRTMAX - SIGRTMIN))
			return -1;
		sig = min ? SIGRTMIN + (int)v : SIGRTMAX - (int)v;
		return sig;
	}

	for (int sig = 1; sig < SIGRTMIN; sig++) {
		const char *abbr = sigabbrev_np(sig);

		if (abbr && strcmp(abbr, name) == 0)
			return sig;
	}
	for (size_t i = 0; i < FL_ARRAY_SIZE(signal_aliases); i++)
		if (strcmp(signal_aliases[i].name, name) == 0)
			return signal_aliases[i].value;
	return -1;
}

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

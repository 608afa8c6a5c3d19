/*
 * libFuzzer harness of the rule loader: rule files are user input, often
 * generated or edited by hand, and faultline must answer every one of them
 * with diagnostics, never a crash, a hang or unbounded memory.
 *
 * One input is loaded twice, each time into a fresh set that is then
 * finished and freed:
 *   - as a rule file (fl_rules_load_string), the -r path;
 *   - as an inline rule (fl_rules_load_inline, up to the first NUL), the -e
 *     path, which parses the same YAML with another top level.
 * Warnings are collected too (as faultline check does), so the linter runs
 * on every input that loads.
 * Besides what the sanitizers catch, the loader's contract is checked and a
 * breach aborts (so libFuzzer keeps the input):
 *   - it returns 0 exactly when it added no error (warnings do not count);
 *   - a failed load leaves the set unchanged;
 *   - every diagnostic has a file and a message, and a position inside the
 *     text (or none);
 *   - a finished set holds only rules the matcher can use.
 *
 * The same function runs in two programs: the fuzzer (linked with
 * -fsanitize=fuzzer) and fuzz-replay (replay.c), which meson test runs over
 * tests/fuzz/corpus/ in every build.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/rules.h"
#include "fuzz_rules.h"

__attribute__((format(printf, 1, 2), noreturn))
static void broken(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_rules: contract broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Lines in @text as the loader counts them, at most: every byte could break one. */
static void check_diags(const struct fl_diags *d, size_t first, size_t len, const char *what)
{
	for (size_t i = first; i < d->n; i++) {
		const struct fl_diag *g = &d->items[i];

		if (!g->file || !g->message || !*g->message)
			broken("%s: diagnostic %zu has no file or no message", what, i);
		if (g->severity != FL_SEVERITY_ERROR && g->severity != FL_SEVERITY_WARNING)
			broken("%s: diagnostic %zu has severity %d", what, i, (int)g->severity);
		if (g->line > len + 1 || g->column > len + 1)
			broken("%s: diagnostic %zu at %u:%u is outside a text of %zu bytes (%s)",
			       what, i, g->line, g->column, len, g->message);
		if (!g->line && g->column)
			broken("%s: diagnostic %zu has a column but no line", what, i);
	}
}

static void check_rule(const struct fl_rule *r, const char *what)
{
	if (!r->name || !*r->name)
		broken("%s: a finished rule has no name", what);
	if (!r->file || !r->line)
		broken("%s: rule '%s' has no position", what, r->name);
	if (r->n_syscalls == 0 || r->n_sysnos == 0)
		broken("%s: rule '%s' names no syscall", what, r->name);
	for (size_t i = 0; i < r->n_syscalls; i++)
		if (!r->syscalls[i] || !*r->syscalls[i])
			broken("%s: rule '%s' has an empty syscall name", what, r->name);
	for (size_t i = 0; i < r->n_errors; i++)
		if (r->errors[i] <= 0 || r->errors[i] > FL_ERRNO_MAX)
			broken("%s: rule '%s' has errno %d", what, r->name, r->errors[i]);
	/* Every action a rule can have; a new one belongs here too. */
	bool effect = r->n_errors || r->has_retval || r->delay_ns || r->delay_enter_ns ||
		      r->delay_exit_ns || r->short_kind != FL_SHORT_NONE || r->signal ||
		      r->has_poke || r->corrupt_bytes || r->stat_fields || r->crash != FL_CRASH_NONE;

	if (!effect && !r->has_clock)
		broken("%s: rule '%s' has no action", what, r->name);
	if (r->has_expect && r->expect_min > r->expect_max)
		broken("%s: rule '%s' expects at least %llu and at most %llu", what, r->name,
		       (unsigned long long)r->expect_min, (unsigned long long)r->expect_max);
	if (r->n_errors && r->has_retval)
		broken("%s: rule '%s' has both error and retval", what, r->name);
	if (r->every == 0)
		broken("%s: rule '%s' has every: 0", what, r->name);
	/* Written so that NaN fails too. */
	if (!(r->probability >= 0.0 && r->probability <= 1.0))
		broken("%s: rule '%s' has probability %g", what, r->name, r->probability);
	if (r->phase != FL_PHASE_ENTER && r->phase != FL_PHASE_EXIT)
		broken("%s: rule '%s' has phase %d", what, r->name, (int)r->phase);
	/* A time rule shifts at least one clock, and only a time rule does. */
	if (r->has_clock != (r->clock_set != 0) || r->clock_set >> FL_CLOCK_N)
		broken("%s: rule '%s' has clocks 0x%x", what, r->name, r->clock_set);
	if (r->has_clock && effect)
		broken("%s: time rule '%s' has another action", what, r->name);
}

/* Diagnostics are printed too: their text must survive any input. */
static FILE *devnull(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

static void load_one(const char *text, size_t len, bool is_inline)
{
	const char *what = is_inline ? "inline" : "file";
	struct fl_diags diags = { .warnings = true };
	size_t errors;
	struct fl_rule_set *set = fl_rule_set_new();
	int r;

	if (!set)
		return;
	if (is_inline)
		r = fl_rules_load_inline(set, "-e #1", text, &diags);
	else
		r = fl_rules_load_string(set, "fuzz.yaml", text, len, &diags);
	if (r == -ENOMEM) {
		/* libFuzzer's -malloc_limit_mb finds real blowups; OOM here is not one. */
		goto out;
	}
	errors = fl_diags_count(&diags, FL_SEVERITY_ERROR);
	if ((r == 0) != (errors == 0))
		broken("%s: load returned %d with %zu errors", what, r, errors);
	if (r < 0 && (set->n_rules || set->n_sources || set->has_seed))
		broken("%s: a failed load changed the set (%zu rules)", what, set->n_rules);
	if (r == 0 && set->n_sources != 1)
		broken("%s: a good load added %zu sources", what, set->n_sources);
	check_diags(&diags, 0, len, what);
	if (devnull())
		fl_diags_print(&diags, devnull());
	if (r < 0)
		goto out;

	r = fl_rules_finish(set, &diags);
	if ((r == 0) != (fl_diags_count(&diags, FL_SEVERITY_ERROR) == errors))
		broken("%s: finish returned %d with %zu errors", what, r,
		       fl_diags_count(&diags, FL_SEVERITY_ERROR) - errors);
	check_diags(&diags, 0, len, what);
	if (r == 0)
		for (size_t i = 0; i < set->n_rules; i++)
			check_rule(&set->rules[i], what);
	if (r == 0 && set->has_seed && set->seed > (uint64_t)FL_SEED_MAX)
		broken("%s: seed %llu is out of range", what, (unsigned long long)set->seed);
out:
	fl_diags_done(&diags);
	fl_rule_set_free(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	/*
	 * A copy of exactly @size bytes: ASan then catches any read past the
	 * end, which the loader must never do (it gets a length, not a
	 * terminator). The inline form takes a C string: a second copy with a
	 * NUL after it.
	 */
	text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	load_one(text, size, false);
	free(text);

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	load_one(text, strnlen(text, size), true);
	free(text);
	return 0;
}

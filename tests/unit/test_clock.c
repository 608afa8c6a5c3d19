/*
 * The pure parts of time rules: where the auxv entry sits on an initial
 * stack (src/arch), what the loader makes of clock: rules, what the matcher
 * decides for readings and waits (counting, jumps kept, scopes), and how the
 * log says it.
 */
#include <elf.h>
#include <errno.h>
#include <linux/audit.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include <cmocka.h>

#include "host_abi.h"

#include "host_abi.h"
#include "faultline/arch.h"
#include "faultline/match.h"
#include "faultline/report.h"
#include "faultline/rules.h"
#include "faultline/sys.h"

/* An initial stack of @w-byte words: argc 2, two argv, NULL, one envp, NULL, auxv. */
static size_t make_stack(unsigned char *buf, unsigned w, const uint64_t *auxv, size_t n_aux)
{
	uint64_t words[32] = { 2, 0x1000, 0x1008, 0, 0x1010, 0 };
	size_t n = 6;

	for (size_t i = 0; i < n_aux; i++)
		words[n++] = auxv[i];
	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * w, &words[i], w); /* little-endian */
	return n * w;
}

static void test_auxv_find(void **state)
{
	static const uint64_t aux[] = { AT_PAGESZ, 4096, AT_SYSINFO_EHDR, 0x7fff0000, AT_NULL, 0 };
	static const uint64_t none[] = { AT_PAGESZ, 4096, AT_NULL, 0 };
	unsigned char buf[256];
	size_t len;

	(void)state;
	for (unsigned w = 4; w <= 8; w += 4) {
		struct fl_abi abi = { .long_size = w };

		len = make_stack(buf, w, aux, FL_ARRAY_SIZE(aux));
		/* argc, 2 argv, NULL, 1 envp, NULL, then AT_PAGESZ's pair: word 8. */
		assert_int_equal(fl_auxv_find(&abi, buf, len, AT_SYSINFO_EHDR), 8 * w);
		assert_int_equal(fl_auxv_find(&abi, buf, len, AT_PAGESZ), 6 * w);
		/* Cut short: ask for more. */
		assert_int_equal(fl_auxv_find(&abi, buf, 7 * w, AT_SYSINFO_EHDR), -E2BIG);
		assert_int_equal(fl_auxv_find(&abi, buf, 3, AT_SYSINFO_EHDR), -E2BIG);
		len = make_stack(buf, w, none, FL_ARRAY_SIZE(none));
		assert_int_equal(fl_auxv_find(&abi, buf, len, AT_SYSINFO_EHDR), -ENOENT);
		/* timespec words: the ABI's long, or 64 bits for the *_time64 calls. */
		assert_int_equal(fl_abi_time_word(&abi, false), w);
		assert_int_equal(fl_abi_time_word(&abi, true), 8);
		assert_int_equal(fl_abi_itimerspec_value_off(&abi, false), 2 * w);
		assert_int_equal(fl_abi_itimerspec_value_off(&abi, true), 16);
	}
}

static void test_clock_tables(void **state)
{
	(void)state;
	assert_int_equal(fl_clock_of_id(CLOCK_REALTIME), FL_CLOCK_REALTIME);
	assert_int_equal(fl_clock_of_id(CLOCK_REALTIME_COARSE), FL_CLOCK_REALTIME);
	assert_int_equal(fl_clock_of_id(CLOCK_MONOTONIC_RAW), FL_CLOCK_MONOTONIC);
	assert_int_equal(fl_clock_of_id(CLOCK_BOOTTIME), FL_CLOCK_BOOTTIME);
	assert_int_equal(fl_clock_of_id(CLOCK_PROCESS_CPUTIME_ID), -1);
	assert_int_equal(fl_clock_of_id(-6), -1); /* a dynamic (fd) clock */
	assert_int_equal(fl_clock_from_name("boottime"), FL_CLOCK_BOOTTIME);
	assert_int_equal(fl_clock_from_name("wall"), -1);
	assert_non_null(fl_clock_call_find("clock_gettime"));
	assert_true(fl_clock_call_find("clock_gettime64")->time64);
	assert_null(fl_clock_call_find("nanosleep")); /* relative: a duration */
}

static struct fl_rule_set *load(const char *text)
{
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };

	assert_non_null(set);
	if (fl_rules_load_inline(set, "-e", text, &d) < 0 || fl_rules_finish(set, &d) < 0) {
		fl_diags_print(&d, stderr);
		fail_msg("did not load: %s", text);
	}
	fl_diags_done(&d);
	return set;
}

static void test_loader(void **state)
{
	static const struct {
		const char *text;
		int64_t ns;
		bool jump;
		uint64_t times;
		unsigned clocks;
	} rows[] = {
		{ "{clock: {offset: +3h}}", 3 * 3600 * 1000000000LL, false, FL_TIMES_UNLIMITED, 1 },
		{ "{clock: {offset: -90s}}", -90 * 1000000000LL, false, FL_TIMES_UNLIMITED, 1 },
		{ "{clock: {offset: 400d}}", 400LL * 86400 * 1000000000LL, false, FL_TIMES_UNLIMITED, 1 },
		{ "{clock: {offset: 1.5h}}", 5400 * 1000000000LL, false, FL_TIMES_UNLIMITED, 1 },
		{ "{clock: {offset: 250ms}}", 250000000LL, false, FL_TIMES_UNLIMITED, 1 },
		{ "{clock: {jump: -10m}}", -600 * 1000000000LL, true, 1, 1 },
		{ "{clock: {jump: -10m}, times: 3}", -600 * 1000000000LL, true, 3, 1 },
		{ "{clock: {offset: 1s, clocks: [monotonic, boottime]}}", 1000000000LL, false,
		  FL_TIMES_UNLIMITED, 6 },
	};

	(void)state;
	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		struct fl_rule_set *set = load(rows[i].text);
		const struct fl_rule *r = &set->rules[0];
		bool gettime = false;

		assert_true(r->has_clock);
		assert_int_equal(r->clock_shift_ns, rows[i].ns);
		assert_int_equal(r->clock_jump, rows[i].jump);
		assert_int_equal(r->times, rows[i].times);
		assert_int_equal(r->clock_set, rows[i].clocks);
		for (size_t k = 0; k < r->n_calls; k++)
			gettime |= strcmp(r->calls[k], "clock_gettime") == 0;
		assert_true(gettime);
		fl_rule_set_free(set);
	}
}

static struct fl_call reading(int clock_id, pid_t pid)
{
	struct fl_call c = { .arch = native_abi(), .nr = SYS_clock_gettime, .pid = pid,
			     .tid = pid };

	c.args[0] = (uint64_t)clock_id;
	return c;
}

/*
 * Decisions, one letter per call: '.' nothing, 's' an injection with the
 * shift, 'q' a quiet shift (after a jump, a wait).
 */
static void run_calls(struct fl_matcher *m, const struct fl_call *calls, size_t n,
		      const char *want, const int64_t *shifts)
{
	char got[32] = "";

	for (size_t i = 0; i < n; i++) {
		struct fl_decision d = { 0 };
		bool acts = fl_matcher_decide(m, &calls[i], &d);

		got[i] = !acts ? '.' : d.clock_quiet ? 'q' : 's';
		if (acts && shifts)
			assert_int_equal(d.clock_shift_ns, shifts[i]);
	}
	assert_string_equal(got, want);
}

static void test_match_offset_and_clocks(void **state)
{
	struct fl_rule_set *set = load("{clock: {offset: +1s}, every: 2}");
	struct fl_matcher *m = fl_matcher_new(set, 1);
	const struct fl_call calls[] = {
		reading(CLOCK_REALTIME, 10), reading(CLOCK_MONOTONIC, 10),
		reading(CLOCK_REALTIME, 10), reading(CLOCK_REALTIME_COARSE, 10),
	};

	(void)state;
	/* monotonic is not this rule's clock: not counted; the coarse realtime one is. */
	run_calls(m, calls, 4, "s..s", (const int64_t[]){ 1000000000, 0, 0, 1000000000 });
	assert_int_equal(fl_matcher_stats(m)[0].matched, 3);
	assert_int_equal(fl_matcher_stats(m)[0].injected, 2);
	fl_matcher_free(m);
	fl_rule_set_free(set);
}

static void test_match_jump_kept(void **state)
{
	struct fl_rule_set *set = load("{clock: {jump: -10m}, after: 2}");
	struct fl_matcher *m = fl_matcher_new(set, 1);
	const int64_t step = -600 * 1000000000LL;
	struct fl_call sleep_abs = { .arch = native_abi(), .nr = SYS_clock_nanosleep,
				     .pid = 10, .tid = 10, .args = { CLOCK_REALTIME, TIMER_ABSTIME } };
	struct fl_call sleep_rel = sleep_abs;
	const struct fl_call calls[] = {
		reading(CLOCK_REALTIME, 10), sleep_abs, reading(CLOCK_REALTIME, 10),
		reading(CLOCK_REALTIME, 10), reading(CLOCK_REALTIME, 10), sleep_abs,
	};

	(void)state;
	sleep_rel.args[1] = 0;
	/* Before the step a wait has nothing to move; the 3rd reading steps; then all read stepped. */
	run_calls(m, calls, 6, "...sqq", (const int64_t[]){ 0, 0, 0, step, step, step });
	assert_int_equal(fl_matcher_stats(m)[0].matched, 4);
	assert_int_equal(fl_matcher_stats(m)[0].injected, 1);
	/* A relative sleep is a duration: never moved. */
	run_calls(m, &sleep_rel, 1, ".", NULL);
	fl_matcher_free(m);
	fl_rule_set_free(set);
}

static void test_match_jump_per_process(void **state)
{
	struct fl_rule_set *set = load("{clock: {jump: +1h}, per: process}");
	struct fl_matcher *m = fl_matcher_new(set, 1);
	const int64_t h = 3600 * 1000000000LL;
	const struct fl_call calls[] = {
		reading(CLOCK_REALTIME, 10), reading(CLOCK_REALTIME, 10),
		reading(CLOCK_REALTIME, 20), reading(CLOCK_REALTIME, 10),
	};

	(void)state;
	/* Each process steps at its own first reading, and keeps its own clock. */
	run_calls(m, calls, 4, "sqsq", (const int64_t[]){ h, h, h, h });
	fl_matcher_free(m);
	fl_rule_set_free(set);
}

static void test_format(void **state)
{
	struct fl_decision d = { .clock_call = FL_CCALL_GETTIME, .clock_shift_ns = 10800000000000LL };
	char buf[128];

	(void)state;
	fl_format_result(buf, sizeof(buf), &d);
	assert_string_equal(buf, "shifted +10800s");
	d.clock_shift_ns = -1200000000000LL;
	d.clock_step_ns = -600000000000LL;
	fl_format_result(buf, sizeof(buf), &d);
	assert_string_equal(buf, "jumped -600s (clock now -1200s)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auxv_find),
		cmocka_unit_test(test_clock_tables),
		cmocka_unit_test(test_loader),
		cmocka_unit_test(test_match_offset_and_clocks),
		cmocka_unit_test(test_match_jump_kept),
		cmocka_unit_test(test_match_jump_per_process),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for what issue 6 added to the loader: the 'expect' key,
 * --require-all, warnings (severity, FILE:LINE:COLUMN) and the key list
 * that `faultline list keys` prints.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "faultline/rules.h"
#include "host_abi.h"
#include "lint.h"

/* ---- helpers ---- */

static void dump_diags(const struct fl_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_message("  diag %zu: %s:%u:%u: %s: %s\n", i, d->items[i].file, d->items[i].line,
			      d->items[i].column,
			      d->items[i].severity == FL_SEVERITY_WARNING ? "warning" : "error",
			      d->items[i].message);
}

static int find_diag(const struct fl_diags *d, enum fl_severity sev, unsigned line,
		     unsigned column, const char *substr)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].severity == sev && d->items[i].line == line &&
		    d->items[i].column == column && strstr(d->items[i].message, substr))
			return (int)i;
	return -1;
}

#define expect_error(d, l, c, s) expect_diag_((d), FL_SEVERITY_ERROR, (l), (c), (s), __LINE__)
#define expect_warning(d, l, c, s) expect_diag_((d), FL_SEVERITY_WARNING, (l), (c), (s), __LINE__)

static void expect_diag_(const struct fl_diags *d, enum fl_severity sev, unsigned line,
			 unsigned column, const char *substr, int at)
{
	if (find_diag(d, sev, line, column, substr) < 0) {
		dump_diags(d);
		fail_msg("line %d: no %s at %u:%u containing \"%s\"", at,
			 sev == FL_SEVERITY_WARNING ? "warning" : "error", line, column, substr);
	}
}

/* Loads @yaml with warnings collected; returns the loader's result. */
static int load(struct fl_rule_set **set, struct fl_diags *d, const char *yaml)
{
	*set = fl_rule_set_new();
	assert_non_null(*set);
	*d = (struct fl_diags){ .warnings = true };
	return fl_rules_load_string(*set, "t.yaml", yaml, strlen(yaml), d);
}

static void done(struct fl_rule_set *set, struct fl_diags *d)
{
	fl_diags_done(d);
	fl_rule_set_free(set);
}

/* ---- expect ---- */

static void test_expect_values(void **state)
{
	struct fl_rule_set *set;
	struct fl_diags d;
	const struct fl_rule *r;

	(void)state;
	assert_int_equal(load(&set, &d,
			      "rules:\n"
			      "  - {syscall: write, error: EIO, expect: {min: 1}}\n"
			      "  - {syscall: read, error: EIO, expect: {max: 3}}\n"
			      "  - {syscall: close, error: EIO, expect: {min: 2, max: 2}}\n"
			      "  - {syscall: fsync, error: EIO}\n"
			      "  - {syscall: mkdir, error: EROFS, expect: {min: 0}}\n"
			      "  - {syscall: rmdir, error: EROFS, expect: {max: 0}}\n"), 0);
#ifdef SYS_mkdir
	if (d.n)
		dump_diags(&d);
	assert_int_equal(d.n, 0);
#else
	/*
	 * A machine without mkdir and rmdir (aarch64) loads the rules with
	 * a warning each, naming the call its programs make instead.
	 */
	{
		char mkdir_warning[128], rmdir_warning[128];

		snprintf(mkdir_warning, sizeof(mkdir_warning),
			 "mkdir is not a syscall of %s", native_name());
		snprintf(rmdir_warning, sizeof(rmdir_warning),
			 "rmdir is not a syscall of %s", native_name());
		expect_warning(&d, 6, 15, mkdir_warning);
		expect_warning(&d, 6, 15, "programs make mkdirat instead");
		expect_warning(&d, 7, 15, rmdir_warning);
		expect_warning(&d, 7, 15, "programs make unlinkat instead");
		assert_int_equal(d.n, 2);
	}
#endif
	assert_int_equal(set->n_rules, 6);

	r = &set->rules[0];
	assert_true(r->has_expect && r->expect_min_given);
	assert_int_equal(r->expect_min, 1);
	assert_true(r->expect_max == FL_TIMES_UNLIMITED);
	assert_false(fl_rule_expect_met(r, 0));
	assert_true(fl_rule_expect_met(r, 1));
	assert_true(fl_rule_expect_met(r, 1000));

	r = &set->rules[1];
	assert_true(r->has_expect);
	assert_false(r->expect_min_given);
	assert_int_equal(r->expect_min, 0);
	assert_int_equal(r->expect_max, 3);
	assert_true(fl_rule_expect_met(r, 0));
	assert_true(fl_rule_expect_met(r, 3));
	assert_false(fl_rule_expect_met(r, 4));

	r = &set->rules[2];
	assert_false(fl_rule_expect_met(r, 1));
	assert_true(fl_rule_expect_met(r, 2));
	assert_false(fl_rule_expect_met(r, 3));

	/* No expect: anything goes. */
	r = &set->rules[3];
	assert_false(r->has_expect);
	assert_true(fl_rule_expect_met(r, 0));

	/* --require-all: min 1 wherever the file did not set min itself. */
	fl_rules_require_all(set);
	assert_int_equal(set->rules[0].expect_min, 1);
	assert_int_equal(set->rules[1].expect_min, 1);
	assert_int_equal(set->rules[1].expect_max, 3);
	assert_int_equal(set->rules[2].expect_min, 2);
	assert_true(set->rules[3].has_expect);
	assert_int_equal(set->rules[3].expect_min, 1);
	assert_false(fl_rule_expect_met(&set->rules[3], 0));
	/* 'expect: {min: 0}' opted out. */
	assert_int_equal(set->rules[4].expect_min, 0);
	assert_true(fl_rule_expect_met(&set->rules[4], 0));
	/* So did 'expect: {max: 0}': the rule must never act. */
	assert_int_equal(set->rules[5].expect_min, 0);
	assert_true(fl_rule_expect_met(&set->rules[5], 0));
	assert_false(fl_rule_expect_met(&set->rules[5], 1));
	done(set, &d);
}

static void test_expect_errors(void **state)
{
	static const struct {
		const char *yaml;
		unsigned line, column;
		const char *msg;
	} cases[] = {
		{ "rules:\n  - syscall: write\n    error: EIO\n    expect: 1\n", 4, 13,
		  "key 'expect': expected a mapping with 'min' and/or 'max', such as {min: 1}, got '1'" },
		{ "rules:\n  - syscall: write\n    error: EIO\n    expect: {}\n", 4, 13,
		  "key 'expect': the mapping is empty" },
		{ "rules:\n  - syscall: write\n    error: EIO\n    expect: {mni: 1}\n", 4, 14,
		  "unknown key 'mni' in 'expect'; did you mean 'min'? (valid keys: min, max)" },
		{ "rules:\n  - syscall: write\n    error: EIO\n    expect: {min: -1}\n", 4, 19,
		  "key 'min': expected a non-negative integer" },
		{ "rules:\n  - syscall: write\n    error: EIO\n    expect: {min: \"1\"}\n", 4, 19,
		  "write numbers without quotes" },
		{ "rules:\n  - syscall: write\n    error: EIO\n    expect: {min: 1, min: 2}\n", 4, 22,
		  "duplicate key 'min'" },
		{ "rules:\n  - syscall: write\n    error: EIO\n    expect: {min: 3, max: 1}\n", 4, 19,
		  "key 'expect': min 3 is more than max 1; no run can meet it" },
		{ "rules:\n  - syscall: write\n    error: EIO\n    times: 1\n    expect: {min: 2}\n", 5, 5,
		  "key 'expect': min 2 can never be met: 'times: 1' lets the rule act at most 1 time" },
		{ "rules:\n  - syscall: write\n    error: EIO\n    probability: 0\n    expect: {min: 1}\n",
		  5, 5, "key 'expect': min 1 can never be met: 'probability: 0' never lets the rule act" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fl_rule_set *set;
		struct fl_diags d;

		print_message("case %zu\n", i);
		assert_int_equal(load(&set, &d, cases[i].yaml), -EINVAL);
		expect_error(&d, cases[i].line, cases[i].column, cases[i].msg);
		assert_int_equal(set->n_rules, 0);
		done(set, &d);
	}
}

/* ---- warnings ---- */

static void test_warnings(void **state)
{
	struct fl_rule_set *set;
	struct fl_diags d;

	(void)state;
	/* Each warning at the value (or rule) it is about; the rules still load. */
	assert_int_equal(load(&set, &d,
			      "rules:\n"                                              /* 1 */
			      "  - name: clock\n"                                     /* 2 */
			      "    syscall: [openat, clock_gettime]\n"                /* 3 */
			      "    error: EACCES\n"                                   /* 4 */
			      "  - name: never\n"                                     /* 5 */
			      "    syscall: read\n"                                   /* 6 */
			      "    error: EIO\n"                                      /* 7 */
			      "    probability: 0\n"                                  /* 8 */
			      "  - name: none\n"                                      /* 9 */
			      "    syscall: read\n"                                   /* 10 */
			      "    error: EIO\n"                                      /* 11 */
			      "    times: 0\n"                                        /* 12 */
			      "  - name: undocumented\n"                              /* 13 */
			      "    syscall: [read, openat, getpid]\n"                 /* 14 */
			      "    error: [EINTR, ENOENT, ENOSYS, ENOENT]\n"          /* 15 */
			      "    after: 1\n"                                        /* 16 */
			      "  - name: every-close\n"                               /* 17 */
			      "    syscall: [close, fsync]\n"                         /* 18 */
			      "    error: EIO\n"                                      /* 19 */
			      "  - syscall: close\n"                                  /* 20 */
			      "    error: EINTR\n"                                    /* 21 */
			      "  - name: filtered\n"                                  /* 22 */
			      "    syscall: fsync\n"                                  /* 23 */
			      "    path: /srv/**\n"                                   /* 24 */
			      "    error: EIO\n"),                                    /* 25 */
			 0);
	expect_warning(&d, 3, 23, "key 'syscall': clock_gettime is served by the vDSO on x86_64");
	expect_warning(&d, 8, 18, "key 'probability': 0 means the rule never acts");
	expect_warning(&d, 12, 12, "key 'times': 0 means the rule never acts");
	/* read(2) lacks ENOENT; open(2) has it; getpid is not in the table; ENOSYS always goes. */
	expect_warning(&d, 15, 20, "key 'error': ENOENT is not among the errors documented for "
		       "read (read(2)); a program is rarely written to handle it");
	/* getpid never fails at all; EINTR on every read reaches regular files. */
	expect_warning(&d, 15, 12, "key 'error': getpid never fails");
	expect_warning(&d, 15, 12, "key 'error': EINTR on every read or write reaches regular "
		       "files too");
	expect_warning(&d, 20, 5, "this rule never sees a call: rule 'every-close' (t.yaml:17) "
		       "comes first and acts on every call to its syscalls");
	/* Its own filters do not help a rule whose calls an earlier one takes. */
	expect_warning(&d, 22, 5, "this rule never sees a call: rule 'every-close'");
	if (d.n != 8) {
		dump_diags(&d);
		fail_msg("expected 8 warnings, got %zu diagnostics", d.n);
	}
	assert_int_equal(fl_diags_count(&d, FL_SEVERITY_WARNING), 8);
	assert_int_equal(fl_diags_count(&d, FL_SEVERITY_ERROR), 0);
	/* Sorted by position like errors. */
	for (size_t i = 1; i < d.n; i++)
		assert_true(d.items[i - 1].line <= d.items[i].line);
	assert_int_equal(set->n_rules, 7);
	done(set, &d);
}

static void test_warnings_off_by_default(void **state)
{
	static const char yaml[] = "rules:\n  - {syscall: read, error: ENOENT, times: 0}\n";
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };

	(void)state;
	assert_int_equal(fl_rules_load_string(set, "t.yaml", yaml, strlen(yaml), &d), 0);
	assert_int_equal(d.n, 0);
	done(set, &d);
}

static void test_shadowing(void **state)
{
	static const struct {
		const char *yaml;
		bool shadowed;
	} cases[] = {
		/* The later rule's syscalls must all be covered. */
		{ "rules: [{syscall: [read, write], error: EIO}, {syscall: write, error: ENOSPC}]", true },
		{ "rules: [{syscall: read, error: EIO}, {syscall: [read, write], error: EIO}]", false },
		/* Delay-only and signal-only rules act too. */
		{ "rules: [{syscall: read, delay: 1ms}, {syscall: read, error: EIO}]", true },
		{ "rules: [{syscall: read, signal: SIGUSR1}, {syscall: read, error: EIO}]", true },
		/* Anything that lets calls through does not shadow. */
		{ "rules: [{syscall: read, error: EIO, after: 1}, {syscall: read, error: EIO}]", false },
		{ "rules: [{syscall: read, error: EIO, every: 2}, {syscall: read, error: EIO}]", false },
		{ "rules: [{syscall: read, error: EIO, times: 5}, {syscall: read, error: EIO}]", false },
		{ "rules: [{syscall: read, error: EIO, probability: 0.5}, {syscall: read, error: EIO}]", false },
		{ "rules: [{syscall: read, error: EIO, fd: 3}, {syscall: read, error: EIO}]", false },
		{ "rules: [{syscall: read, short: 10}, {syscall: read, error: EIO}]", false },
		{ "rules: [{syscall: read, error: EIO, args: {2: 5}}, {syscall: read, error: EIO}]", false },
		/* A clock: rule takes only its clocks' readings and absolute waits. */
		{ "rules: [{clock: {offset: 1h}}, {syscall: clock_nanosleep, error: EINTR}]", false },
		{ "rules: [{clock: {offset: 1h}}, {clock: {jump: 1m}}]", true },
		{ "rules: [{clock: {offset: 1h}}, {clock: {offset: 1h, clocks: [realtime, monotonic]}}]", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fl_rule_set *set;
		struct fl_diags d;

		print_message("case %zu\n", i);
		assert_int_equal(load(&set, &d, cases[i].yaml), 0);
		if (cases[i].shadowed) {
			/* At the second rule's '{'. */
			const char *second = strstr(cases[i].yaml, "}, {") + 3;

			expect_warning(&d, 1, (unsigned)(second - cases[i].yaml) + 1,
				       "this rule never sees a call: the rule at t.yaml:1");
			assert_int_equal(d.n, 1);
		} else if (d.n) {
			dump_diags(&d);
			fail_msg("case %zu: expected no diagnostics", i);
		}
		done(set, &d);
	}
}

/* A rule of an earlier file shadows one of a later file. */
static void test_shadowing_across_files(void **state)
{
	static const char a[] = "rules:\n  - name: all-reads\n    syscall: read\n    error: EIO\n";
	static const char b[] = "rules:\n  - syscall: read\n    error: EAGAIN\n";
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { .warnings = true };

	(void)state;
	assert_int_equal(fl_rules_load_string(set, "a.yaml", a, strlen(a), &d), 0);
	assert_int_equal(fl_rules_load_string(set, "b.yaml", b, strlen(b), &d), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, "b.yaml");
	expect_warning(&d, 2, 5, "rule 'all-reads' (a.yaml:2) comes first");
	done(set, &d);
}

/*
 * Errnos a call never returns in that form (brk), and EINTR aimed at
 * regular files: warnings that name what is realistic.
 */
static void test_unrealistic(void **state)
{
	static const struct {
		const char *yaml;
		const char *warning; /* NULL: none */
	} cases[] = {
		{ "rules: [{syscall: brk, error: ENOMEM}]", "brk never returns an errno" },
		{ "rules: [{syscall: brk, error: ENOMEM}]", "use 'retval: 0'" },
		{ "rules: [{syscall: brk, retval: 0}]", NULL },
		{ "rules: [{syscall: [mmap, getppid], error: ENOMEM}]", "getppid never fails" },
		{ "rules: [{syscall: mmap, error: ENOMEM}]", NULL },
		{ "rules: [{syscall: read, fd_type: regular, error: EINTR}]",
		  "key 'fd_type': EINTR on regular files" },
		{ "rules: [{syscall: read, fd_type: [pipe, dir], error: EINTR}]",
		  "key 'fd_type': EINTR on regular files" },
		{ "rules: [{syscall: read, path: /srv/**, error: EINTR}]",
		  "key 'path': EINTR on the files a path names" },
		{ "rules: [{syscall: [read, write], error: [EIO, EINTR]}]",
		  "EINTR on every read or write reaches regular files" },
		{ "rules: [{syscall: read, fd_type: [pipe, fifo, socket, tty], error: EINTR}]", NULL },
		{ "rules: [{syscall: read, fd_type: socket, path: /run/*.sock, error: EINTR}]", NULL },
		{ "rules: [{syscall: read, fd: 0, error: EINTR}]", NULL },
		{ "rules: [{syscall: read, fd_type: regular, error: EIO}]", NULL },
#ifdef SYS_poll
		{ "rules: [{syscall: poll, error: EINTR}]", NULL },
#else
		/* No poll here (aarch64): the warning that names its replacement (and no other, below). */
		{ "rules: [{syscall: poll, error: EINTR}]", "programs make ppoll instead" },
#endif
		{ "rules: [{syscall: ppoll, error: EINTR}]", NULL },
	};

	(void)state;
	for (size_t i = 0; i < FL_ARRAY_SIZE(cases); i++) {
		struct fl_rule_set *set;
		struct fl_diags d;
		bool found = false;

		print_message("case %zu: %s\n", i, cases[i].yaml);
		assert_int_equal(load(&set, &d, cases[i].yaml), 0);
		for (size_t k = 0; k < d.n; k++)
			found |= cases[i].warning && strstr(d.items[k].message, cases[i].warning);
		if (cases[i].warning ? !found : d.n != 0) {
			dump_diags(&d);
			fail_msg("case %zu: want %s", i, cases[i].warning ? cases[i].warning : "no warning");
		}
		done(set, &d);
	}
#ifndef SYS_poll
	{
		struct fl_rule_set *set;
		struct fl_diags d;

		assert_int_equal(load(&set, &d, "rules: [{syscall: poll, error: EINTR}]"), 0);
		if (d.n != 1)
			dump_diags(&d);
		assert_int_equal(d.n, 1);
		done(set, &d);
	}
#endif
}

static void test_print_severity(void **state)
{
	static const char yaml[] = "rules:\n  - syscall: gettimeofday\n    error: EPERM\n"
				   "  - syscall: opn\n    error: EIO\n";
	struct fl_rule_set *set;
	struct fl_diags d;
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	(void)state;
	assert_int_equal(load(&set, &d, yaml), -EINVAL);
	f = open_memstream(&buf, &size);
	assert_non_null(f);
	fl_diags_print(&d, f);
	fclose(f);
	assert_non_null(strstr(buf, "t.yaml:2:14: warning: key 'syscall': gettimeofday is served by "
				    "the vDSO"));
	assert_non_null(strstr(buf, "t.yaml:4:14: error: key 'syscall': unknown syscall 'opn'"));
	free(buf);
	done(set, &d);
}

/* ---- the tables ---- */

static void test_errno_table(void **state)
{
	const char *page = NULL;

	(void)state;
	assert_int_equal(fl_lint_errno_documented("open", ENOENT, &page), 1);
	assert_int_equal(fl_lint_errno_documented("openat", EROFS, &page), 1);
	assert_int_equal(fl_lint_errno_documented("read", ENOENT, &page), 0);
	assert_string_equal(page, "read(2)");
	assert_int_equal(fl_lint_errno_documented("pread64", ESPIPE, &page), 1); /* via lseek(2) */
	assert_int_equal(fl_lint_errno_documented("recvfrom", ECONNRESET, &page), 1);
	assert_int_equal(fl_lint_errno_documented("connect", ECONNREFUSED, &page), 1);
	assert_int_equal(fl_lint_errno_documented("mmap", ENOSPC, &page), 0);
	assert_string_equal(page, "mmap(2)");
	assert_int_equal(fl_lint_errno_documented("close", ENOSYS, &page), 1);
	assert_int_equal(fl_lint_errno_documented("getpid", EIO, &page), -ENOENT);

	assert_true(fl_lint_vdso("clock_gettime"));
	assert_true(fl_lint_vdso("time"));
	assert_false(fl_lint_vdso("clock_nanosleep"));
}

struct keys {
	char names[64][64];
	size_t n;
};

static void add_key(const char *path, const char *expect, void *ud)
{
	struct keys *k = ud;

	assert_non_null(expect);
	assert_true(expect[0] != '\0');
	assert_true(k->n < 64);
	snprintf(k->names[k->n++], sizeof(k->names[0]), "%s", path);
}

static bool has_key(const struct keys *k, const char *path)
{
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->names[i], path))
			return true;
	return false;
}

static void test_foreach_key(void **state)
{
	struct keys k = { 0 };

	(void)state;
	fl_rules_foreach_key(add_key, &k);
	assert_true(has_key(&k, "version"));
	assert_true(has_key(&k, "seed"));
	assert_true(has_key(&k, "rules"));
	assert_true(has_key(&k, "rules[].syscall"));
	assert_true(has_key(&k, "rules[].expect"));
	assert_true(has_key(&k, "rules[].expect.min"));
	assert_true(has_key(&k, "rules[].expect.max"));
	assert_true(has_key(&k, "rules[].args.N.mask"));
	assert_false(has_key(&k, "rules[].erorr"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expect_values),
		cmocka_unit_test(test_expect_errors),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_warnings_off_by_default),
		cmocka_unit_test(test_shadowing),
		cmocka_unit_test(test_shadowing_across_files),
		cmocka_unit_test(test_unrealistic),
		cmocka_unit_test(test_print_severity),
		cmocka_unit_test(test_errno_table),
		cmocka_unit_test(test_foreach_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/rules/loader.c: rule files to rule sets, and diagnostics. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/audit.h>
#include <math.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "faultline/arch.h"
#include "faultline/rules.h"
#include "faultline/sys.h"
#include "faultline/base.h"

/* ---- helpers ---- */

static int load_str(struct fl_rule_set *set, const char *origin, const char *yaml,
		    struct fl_diags *d)
{
	return fl_rules_load_string(set, origin, yaml, strlen(yaml), d);
}

static void dump_diags(const struct fl_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_message("  diag %zu: %s:%u:%u: %s\n", i, d->items[i].file, d->items[i].line,
			      d->items[i].column, d->items[i].message);
}

/* Index of the diagnostic at @line:@column whose message contains @substr, or -1. */
static int find_diag(const struct fl_diags *d, unsigned line, unsigned column, const char *substr)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].line == line && d->items[i].column == column &&
		    strstr(d->items[i].message, substr))
			return (int)i;
	return -1;
}

static void expect_diag(const struct fl_diags *d, unsigned line, unsigned column, const char *substr)
{
	if (find_diag(d, line, column, substr) < 0) {
		dump_diags(d);
		fail_msg("no diagnostic at %u:%u containing \"%s\"", line, column, substr);
	}
}

static bool has_sysno(const struct fl_rule *r, uint32_t arch, int nr)
{
	for (size_t i = 0; i < r->n_sysnos; i++)
		if (r->sysnos[i].arch == arch && r->sysnos[i].nr == nr)
			return true;
	return false;
}

/* ---- valid input ---- */

/*
 * Where a call resolves is an ABI fact: the numbers below are the host's
 * ABIs' (x86_64 and i386, or aarch64 and arm), checked per architecture.
 * A call only the compat ABI has: i386's socketcall, arm's arm_fadvise64_64.
 */
#if defined(__x86_64__)
#define COMPAT_ONLY_CALL "socketcall"
#elif defined(__aarch64__)
#define COMPAT_ONLY_CALL "arm_fadvise64_64"
#else
#error "COMPAT_ONLY_CALL: a call of this architecture's compat ABI only"
#endif

static const char full_file[] =
	"# every key once\n"
	"version: 1\n"
	"seed: 9223372036854775807\n"
	"rules:\n"
	"  - name: config-missing\n"
	"    syscall: [open, openat]\n"
	"    error: ENOENT\n"
	"    phase: exit\n"
	"    after: 2\n"
	"    every: 3\n"
	"    times: 1\n"
	"    probability: 0.5\n"
	"  - syscall: write\n"
	"    retval: 0\n"
	"    delay: 1.5s\n"
	"  - syscall: read\n"
	"    error: [EIO, 28, EINTR]\n"
	"    after: 0x10\n"
	"  - syscall: " COMPAT_ONLY_CALL "\n"
	"    delay: 250ms\n"
	"    retval: -4096\n";

static void test_full_file(void **state)
{
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };
	const struct fl_rule *r;

	assert_non_null(set);
	assert_int_equal(load_str(set, "full.yaml", full_file, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(set->n_rules, 4);
	assert_int_equal(set->n_sources, 1);
	assert_string_equal(set->sources[0], "full.yaml");
	assert_true(set->has_seed);
	assert_true(set->seed == INT64_MAX);
	assert_string_equal(set->seed_source, "full.yaml:3");

	r = &set->rules[0];
	assert_string_equal(r->name, "config-missing");
	assert_ptr_equal(r->file, set->sources[0]);
	assert_int_equal(r->line, 5);
	assert_int_equal(r->column, 5);
	assert_int_equal(r->n_syscalls, 2);
	assert_string_equal(r->syscalls[0], "open");
	assert_string_equal(r->syscalls[1], "openat");
#if defined(__x86_64__)
	assert_int_equal(r->n_sysnos, 4);
	assert_true(has_sysno(r, AUDIT_ARCH_X86_64, 2));
	assert_true(has_sysno(r, AUDIT_ARCH_I386, 5));
	assert_true(has_sysno(r, AUDIT_ARCH_X86_64, 257));
	assert_true(has_sysno(r, AUDIT_ARCH_I386, 295));
#elif defined(__aarch64__)
	/* aarch64 has no open: three sysnos. */
	assert_int_equal(r->n_sysnos, 3);
	assert_true(has_sysno(r, AUDIT_ARCH_ARM, 5));
	assert_true(has_sysno(r, AUDIT_ARCH_AARCH64, 56));
	assert_true(has_sysno(r, AUDIT_ARCH_ARM, 322));
#endif
	assert_int_equal(r->n_errors, 1);
	assert_int_equal(r->errors[0], ENOENT);
	assert_false(r->has_retval);
	assert_int_equal(r->delay_ns, 0);
	assert_int_equal(r->phase, FL_PHASE_EXIT);
	assert_int_equal(r->after, 2);
	assert_int_equal(r->every, 3);
	assert_int_equal(r->times, 1);
	assert_true(r->probability == 0.5);

	/* Defaults. */
	r = &set->rules[1];
	assert_null(r->name); /* assigned by fl_rules_finish() */
	assert_int_equal(r->line, 13);
	assert_int_equal(r->n_errors, 0);
	assert_true(r->has_retval);
	assert_int_equal(r->retval, 0);
	assert_int_equal(r->delay_ns, 1500000000);
	assert_int_equal(r->phase, FL_PHASE_ENTER);
	assert_int_equal(r->after, 0);
	assert_int_equal(r->every, 1);
	assert_true(r->times == FL_TIMES_UNLIMITED);
	assert_true(r->probability == 1.0);

	r = &set->rules[2];
	assert_int_equal(r->n_errors, 3);
	assert_int_equal(r->errors[0], EIO);
	assert_int_equal(r->errors[1], 28);
	assert_int_equal(r->errors[2], EINTR);
	assert_int_equal(r->after, 16);

	/* Exists on the compat ABI only: one sysno. */
	r = &set->rules[3];
	assert_int_equal(r->n_sysnos, 1);
#if defined(__x86_64__)
	assert_true(has_sysno(r, AUDIT_ARCH_I386, 102));
#elif defined(__aarch64__)
	assert_true(has_sysno(r, AUDIT_ARCH_ARM, 270));
#endif
	assert_int_equal(r->delay_ns, 250000000);
	assert_int_equal(r->retval, -4096);

	assert_int_equal(fl_rules_finish(set, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(set->rules[0].name, "config-missing");
	assert_string_equal(set->rules[1].name, "rule 2");
	assert_string_equal(set->rules[2].name, "rule 3");
	assert_string_equal(set->rules[3].name, "rule 4");

	fl_diags_done(&d);
	fl_rule_set_free(set);
}

static void test_values(void **state)
{
	/* Accepted spellings, each checked through one field. */
	static const struct {
		const char *rule;
		enum { F_AFTER, F_PROB, F_RETVAL, F_DELAY, F_ERROR, F_NAME } field;
		double want;
		const char *want_name;
	} cases[] = {
		{ "{syscall: read, error: EIO, after: 0}", F_AFTER, 0, NULL },
		{ "{syscall: read, error: EIO, after: 18446744073709551615}", F_AFTER, 18446744073709551615.0, NULL },
		{ "{syscall: read, error: EIO, after: 0xff}", F_AFTER, 255, NULL },
		{ "{syscall: read, error: EIO, after: +7}", F_AFTER, 7, NULL },
		{ "{syscall: read, error: EIO, probability: 0}", F_PROB, 0, NULL },
		{ "{syscall: read, error: EIO, probability: 1}", F_PROB, 1, NULL },
		{ "{syscall: read, error: EIO, probability: .25}", F_PROB, 0.25, NULL },
		{ "{syscall: read, error: EIO, probability: 1e-3}", F_PROB, 0.001, NULL },
		{ "{syscall: read, error: EIO, probability: +0.5}", F_PROB, 0.5, NULL },
		{ "{syscall: read, retval: 9223372036854775807}", F_RETVAL, 9223372036854775807.0, NULL },
		{ "{syscall: read, retval: -9223372036854775808}", F_RETVAL, -9223372036854775808.0, NULL },
		{ "{syscall: read, retval: -4096}", F_RETVAL, -4096, NULL },
		{ "{syscall: read, retval: 0x7f}", F_RETVAL, 127, NULL },
		{ "{syscall: read, retval: +5}", F_RETVAL, 5, NULL },
		{ "{syscall: read, retval: -0x10000}", F_RETVAL, -65536, NULL },
		/* Hex is the register's bit pattern, as in args:. */
		{ "{syscall: read, retval: 0xfffffffffffff000}", F_RETVAL, -4096, NULL },
		{ "{syscall: read, retval: +0xffffffffffff0000}", F_RETVAL, -65536, NULL },
		{ "{syscall: read, retval: 0x8000000000000000}", F_RETVAL, -9223372036854775808.0, NULL },
		{ "{syscall: read, retval: 0x7fffffffffffffff}", F_RETVAL, 9223372036854775807.0, NULL },
		{ "{syscall: read, delay: '250ms'}", F_DELAY, 250e6, NULL },
		{ "{syscall: read, delay: 100ns}", F_DELAY, 100, NULL },
		{ "{syscall: read, delay: 0s, error: EIO}", F_DELAY, 0, NULL },
		{ "{syscall: read, error: 4095}", F_ERROR, 4095, NULL },
		{ "{syscall: read, error: 'EACCES'}", F_ERROR, 13, NULL },
		{ "{syscall: read, error: EWOULDBLOCK}", F_ERROR, EAGAIN, NULL },
		{ "{syscall: read, error: EIO, name: 42}", F_NAME, 0, "42" },
		{ "{syscall: read, error: EIO, name: 'a b: c'}", F_NAME, 0, "a b: c" },
	};

	for (size_t i = 0; i < FL_ARRAY_SIZE(cases); i++) {
		struct fl_rule_set *set = fl_rule_set_new();
		struct fl_diags d = { 0 };
		const struct fl_rule *r;
		double got = 0;

		if (fl_rules_load_inline(set, "-e #1", cases[i].rule, &d) != 0) {
			dump_diags(&d);
			fail_msg("%s: rejected", cases[i].rule);
		}
		r = &set->rules[0];
		switch (cases[i].field) {
		case F_AFTER:
			got = (double)r->after;
			break;
		case F_PROB:
			got = r->probability;
			break;
		case F_RETVAL:
			assert_true(r->has_retval);
			got = (double)r->retval;
			break;
		case F_DELAY:
			got = (double)r->delay_ns;
			break;
		case F_ERROR:
			assert_int_equal(r->n_errors, 1);
			got = r->errors[0];
			break;
		case F_NAME:
			assert_string_equal(r->name, cases[i].want_name);
			break;
		}
		if (got != cases[i].want)
			fail_msg("%s: got %g, want %g", cases[i].rule, got, cases[i].want);
		fl_diags_done(&d);
		fl_rule_set_free(set);
	}
}

/* Every filter and the new effects, as they land in the rule. */
static const char filter_file[] =
	"rules:\n"
	"  - name: db-down\n"
	"    syscall: [connect, sendto]\n"
	"    address: [10.0.0.0/8, '::1']\n"
	"    port: [5432, 0x1f90]\n"
	"    error: ECONNREFUSED\n"
	"  - name: data\n"
	"    syscall: [openat, read, rename]\n"
	"    path: [/srv/data/**, '@dbus-*', /]\n"
	"    process: [curl, /usr/bin/python3*]\n"
	"    signal: USR1\n"
	"  - name: short\n"
	"    syscall: [read, readv, pread64]\n"
	"    fd: [0, 3]\n"
	"    short: 50%\n"
	"    delay: 1ms\n"
	"  - name: bytes\n"
	"    syscall: write\n"
	"    short: 0x10\n"
	"    args: {0: 1, 2: {mask: 0x8000000000000000}}\n"
	"  - name: args\n"
	"    syscall: openat\n"
	"    args: {0: -100, 3: 0xffffffffffffffff}\n"
	"    signal: 9\n";

static void test_filters(void **state)
{
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };
	const struct fl_rule *r;
	char buf[64];

	if (load_str(set, "f.yaml", filter_file, &d) != 0) {
		dump_diags(&d);
		fail_msg("filter_file rejected");
	}
	assert_int_equal(set->n_rules, 5);

	r = &set->rules[0];
	assert_true(fl_rule_has_filters(r));
	assert_int_equal(r->n_addresses, 2);
	fl_addr_pattern_format(&r->addresses[0], buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.0/8");
	fl_addr_pattern_format(&r->addresses[1], buf, sizeof(buf));
	assert_string_equal(buf, "::1");
	assert_int_equal(r->n_ports, 2);
	assert_int_equal(r->ports[0], 5432);
	assert_int_equal(r->ports[1], 8080);
	assert_int_equal(r->short_kind, FL_SHORT_NONE);
	assert_int_equal(r->signal, 0);

	r = &set->rules[1];
	assert_int_equal(r->n_paths, 3);
	assert_string_equal(r->paths[0], "/srv/data/**");
	assert_string_equal(r->paths[1], "@dbus-*");
	assert_string_equal(r->paths[2], "/");
	assert_int_equal(r->n_processes, 2);
	assert_string_equal(r->processes[0], "curl");
	assert_string_equal(r->processes[1], "/usr/bin/python3*");
	assert_int_equal(r->signal, SIGUSR1);
	assert_true(fl_rule_has_action(r));
	assert_int_equal(r->n_errors, 0);

	r = &set->rules[2];
	assert_int_equal(r->n_fds, 2);
	assert_int_equal(r->fds[0], 0);
	assert_int_equal(r->fds[1], 3);
	assert_int_equal(r->short_kind, FL_SHORT_PERCENT);
	assert_int_equal(r->short_value, 50);
	assert_int_equal(r->delay_ns, 1000000);

	r = &set->rules[3];
	assert_int_equal(r->short_kind, FL_SHORT_BYTES);
	assert_int_equal(r->short_value, 16);
	assert_true(r->args[0].used);
	assert_false(r->args[0].mask);
	assert_int_equal(r->args[0].value, 1);
	assert_false(r->args[1].used);
	assert_true(r->args[2].used);
	assert_true(r->args[2].mask);
	assert_int_equal(r->args[2].value, UINT64_C(0x8000000000000000));

	r = &set->rules[4];
	assert_int_equal(r->args[0].value, (uint64_t)-100);
	assert_int_equal(r->args[3].value, UINT64_MAX);
	assert_int_equal(r->signal, SIGKILL);
	assert_true(fl_rule_has_filters(r));

	fl_diags_done(&d);
	fl_rule_set_free(set);

	/* No filters: the matcher's fast path. */
	set = fl_rule_set_new();
	assert_int_equal(fl_rules_load_inline(set, "-e #1", "{syscall: read, error: EIO}", &d), 0);
	assert_false(fl_rule_has_filters(&set->rules[0]));
	fl_rule_set_free(set);
}

static void test_inline(void **state)
{
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };
	const struct fl_rule *r;

	assert_int_equal(fl_rules_load_inline(set, "-e #1",
					      "{syscall: openat, error: EACCES, after: 2, times: 1}", &d), 0);
	assert_int_equal(fl_rules_load_inline(set, "-e #2", "syscall: close\ndelay: 1ms", &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(set->n_rules, 2);
	assert_int_equal(set->n_sources, 2);
	r = &set->rules[0];
	assert_string_equal(r->file, "-e #1");
	assert_int_equal(r->line, 1);
	assert_int_equal(r->column, 1);
	assert_int_equal(r->n_syscalls, 1);
#if defined(__x86_64__)
	assert_true(has_sysno(r, AUDIT_ARCH_X86_64, 257));
	assert_true(has_sysno(r, AUDIT_ARCH_I386, 295));
#elif defined(__aarch64__)
	assert_true(has_sysno(r, AUDIT_ARCH_AARCH64, 56));
	assert_true(has_sysno(r, AUDIT_ARCH_ARM, 322));
#endif
	assert_int_equal(r->errors[0], EACCES);
	assert_int_equal(r->after, 2);
	assert_int_equal(r->times, 1);
	assert_string_equal(set->rules[1].file, "-e #2");
	assert_int_equal(set->rules[1].delay_ns, 1000000);

	/* Diagnostics: line 1, column within the text. */
	assert_int_equal(fl_rules_load_inline(set, "-e #3", "{syscall: opn, error: EACCES}", &d), -EINVAL);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, "-e #3");
	expect_diag(&d, 1, 11, "key 'syscall': unknown syscall 'opn'; did you mean 'open'?");
	fl_diags_done(&d);

	/* Only rule keys: no seed, no rules list. */
	assert_int_equal(fl_rules_load_inline(set, "-e #4", "{syscall: read, error: EIO, seed: 1}", &d), -EINVAL);
	expect_diag(&d, 1, 29, "unknown key 'seed' in rule");
	fl_diags_done(&d);
	assert_int_equal(fl_rules_load_inline(set, "-e #5", "openat", &d), -EINVAL);
	expect_diag(&d, 1, 1, "expected a mapping of rule keys such as {syscall: openat, error: EACCES}, got 'openat'");
	fl_diags_done(&d);
	assert_int_equal(fl_rules_load_inline(set, "-e #6", "", &d), -EINVAL);
	expect_diag(&d, 0, 0, "no rule");
	fl_diags_done(&d);
	assert_int_equal(fl_rules_load_inline(set, "-e #7", "{syscall: read, error: EIO", &d), -EINVAL);
	expect_diag(&d, 1, 27, "syntax error: did not find expected ',' or '}'");
	fl_diags_done(&d);
	/* strace's poke_exit: the unknown key is the one complaint, not "no action" at 1:1. */
	assert_int_equal(fl_rules_load_inline(set, "-e #8", "{syscall: getcwd, poke_exit: {1: \"/xyz\"}}",
					      &d), -EINVAL);
	if (d.n != 1) {
		dump_diags(&d);
		fail_msg("%zu diagnostics, want 1", d.n);
	}
	expect_diag(&d, 1, 19, "unknown key 'poke_exit' in rule");
	fl_diags_done(&d);

	assert_int_equal(set->n_rules, 2);
	assert_int_equal(set->n_sources, 2);
	fl_rule_set_free(set);
}

static bool has_call(const struct fl_rule *r, const char *name)
{
	for (size_t i = 0; i < r->n_calls; i++)
		if (strcmp(r->calls[i], name) == 0)
			return true;
	return false;
}

/* "@group": its members per ABI, narrowed by filters, beside names. */
static void test_groups(void **state)
{
	static const char yaml[] =
		"rules:\n"
		"  - syscall: \"@basic-io\"\n"            /* 2 */
		"    error: EIO\n"
		"  - syscall: [\"@file-system\", \"@sync\", mmap]\n" /* 4 */
		"    path: /srv/**\n"
		"    error: EIO\n"
		"  - syscall: [read, \"@basic-io\"]\n"     /* 7 */
		"    error: EIO\n"
		"  - syscall: [\"@system-service\", \"@basic-io\"]\n" /* 9 */
		"    error: EIO\n";
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { .warnings = true };
	const struct fl_rule *r;

	assert_int_equal(load_str(set, "g.yaml", yaml, &d), 0);
	r = &set->rules[0];
	/* As written for the report; each member that some ABI has as a call. */
	assert_int_equal(r->n_syscalls, 1);
	assert_string_equal(r->syscalls[0], "@basic-io");
	assert_true(has_call(r, "read"));
	assert_true(has_call(r, "close_range"));
	assert_true(has_call(r, "_llseek"));      /* the compat ABI's only */
#if defined(__x86_64__)
	assert_true(has_sysno(r, AUDIT_ARCH_I386, 140));
	assert_true(has_sysno(r, AUDIT_ARCH_X86_64, 8)); /* lseek */
	assert_true(has_sysno(r, AUDIT_ARCH_I386, 19));
	assert_true(has_sysno(r, AUDIT_ARCH_X86_64, 0)); /* read */
	assert_true(has_sysno(r, AUDIT_ARCH_I386, 3));
#elif defined(__aarch64__)
	assert_true(has_sysno(r, AUDIT_ARCH_ARM, 140));
	assert_true(has_sysno(r, AUDIT_ARCH_AARCH64, 62)); /* lseek */
	assert_true(has_sysno(r, AUDIT_ARCH_ARM, 19));
	assert_true(has_sysno(r, AUDIT_ARCH_AARCH64, 63)); /* read */
	assert_true(has_sysno(r, AUDIT_ARCH_ARM, 3));
#endif
	assert_false(has_call(r, "openat"));

	/* path: keeps the members that take a path or fd; a name stays as given. */
	r = &set->rules[1];
	assert_int_equal(r->n_syscalls, 3);
	assert_true(has_call(r, "openat"));
	assert_true(has_call(r, "fsync"));
	assert_true(has_call(r, "mmap"));        /* a named call with an fd */
	assert_false(has_call(r, "getcwd"));     /* @file-system, but no path argument */
#if defined(__x86_64__)
	assert_false(has_sysno(r, AUDIT_ARCH_X86_64, 79));  /* getcwd */
	assert_true(has_sysno(r, AUDIT_ARCH_X86_64, 257));  /* openat */
#elif defined(__aarch64__)
	assert_false(has_sysno(r, AUDIT_ARCH_AARCH64, 17)); /* getcwd */
	assert_true(has_sysno(r, AUDIT_ARCH_AARCH64, 56));  /* openat */
#endif

	/* A name also in a group is counted once, and the linter says so. */
	r = &set->rules[2];
	assert_int_equal(r->n_syscalls, 2);
	{
		size_t reads = 0;

		for (size_t i = 0; i < r->n_calls; i++)
			reads += strcmp(r->calls[i], "read") == 0;
		assert_int_equal(reads, 1);
	}
	expect_diag(&d, 7, 15, "syscall 'read' is also in @basic-io, listed in this rule too");
	/* @system-service holds @basic-io. */
	expect_diag(&d, 9, 34, "key 'syscall': @basic-io adds nothing: each of its calls that "
		    "this build traces is already in the rule");
	assert_int_equal(fl_diags_count(&d, FL_SEVERITY_ERROR), 0);
	fl_diags_done(&d);
	fl_rule_set_free(set);
}

/* poke before a read runs: the read overwrites it, and the linter says so. */
static void test_poke_lint(void **state)
{
	static const char yaml[] =
		"rules:\n"
		"  - syscall: read\n"
		"    poke: {arg: 1, data: x}\n"        /* 3: warned */
		"  - syscall: pread64\n"
		"    phase: exit\n"
		"    poke: {arg: 1, data: x}\n"
		"  - syscall: write\n"
		"    poke: {arg: 1, data: x}\n";
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { .warnings = true };

	assert_int_equal(load_str(set, "l.yaml", yaml, &d), 0);
	expect_diag(&d, 3, 5, "key 'poke': read fills argument 1 itself, so a poke before it runs "
		    "is overwritten; use 'phase: exit'");
	assert_int_equal(d.n, 1);
	fl_diags_done(&d);
	fl_rule_set_free(set);
}

/* crash: kill | power-loss, dirs: keep | lose; power-loss needs path:, dirs needs power-loss. */
static void test_crash_keys(void **state)
{
	static const char yaml[] =
		"rules:\n"
		"  - syscall: fsync\n"
		"    crash: kill\n"
		"  - syscall: [write, fsync]\n"
		"    path: /srv/db/**\n"
		"    crash: power-loss\n"
		"    dirs: lose\n"
		"  - syscall: write\n"
		"    path: /srv/db/**\n"
		"    crash: power-loss\n";
	static const struct {
		const char *yaml, *message;
	} bad[] = {
		{ "rules:\n  - {syscall: write, crash: power-loss}\n", "power-loss needs 'path:'" },
		{ "rules:\n  - {syscall: write, crash: kill, dirs: keep}\n",
		  "key 'dirs' goes with 'crash: power-loss'" },
		{ "rules:\n  - {syscall: write, crash: kill, delay: 1s}\n",
		  "key 'crash' and key 'delay' cannot be used together" },
		{ "rules:\n  - {syscall: write, crash: kil}\n", "did you mean 'kill'?" },
		{ "rules:\n  - {syscall: write, path: /a/*, crash: power-loss, dirs: loose}\n",
		  "did you mean 'lose'?" },
	};
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };

	(void)state;
	assert_int_equal(load_str(set, "c.yaml", yaml, &d), 0);
	assert_int_equal(set->rules[0].crash, FL_CRASH_KILL);
	assert_true(fl_rule_has_action(&set->rules[0]));
	assert_int_equal(set->rules[1].crash, FL_CRASH_POWER_LOSS);
	assert_int_equal(set->rules[1].dirs, FL_DIRS_LOSE);
	assert_int_equal(set->rules[2].dirs, FL_DIRS_KEEP);
	assert_string_equal(fl_crash_mode_name(FL_CRASH_POWER_LOSS), "power-loss");
	fl_rule_set_free(set);
	for (size_t i = 0; i < FL_ARRAY_SIZE(bad); i++) {
		set = fl_rule_set_new();
		assert_int_equal(load_str(set, "c.yaml", bad[i].yaml, &d), -EINVAL);
		assert_true(d.n >= 1);
		if (!strstr(d.items[0].message, bad[i].message))
			fail_msg("case %zu: '%s' lacks '%s'", i, d.items[0].message, bad[i].message);
		fl_diags_done(&d);
		fl_rule_set_free(set);
	}
}

/* poke: the bytes as written, NULs included; groups narrowed to pointer arguments. */
static void test_poke(void **state)
{
	static const char yaml[] =
		"rules:\n"
		"  - syscall: getcwd\n"
		"    phase: exit\n"
		"    poke: {arg: 0, data: \"/xyz\\0\\xff\"}\n"
		"  - syscall: \"@basic-io\"\n"
		"    poke: {arg: 1, data: ab}\n";
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };
	const struct fl_rule *r;

	assert_int_equal(load_str(set, "k.yaml", yaml, &d), 0);
	r = &set->rules[0];
	assert_true(r->has_poke);
	assert_int_equal(r->poke_arg, 0);
	assert_int_equal(r->poke_len, 7); /* "\xff" is U+00FF: two bytes of UTF-8 */
	assert_memory_equal(r->poke_data, "/xyz\0\xc3\xbf", 7);
	assert_true(fl_rule_has_action(r));
	r = &set->rules[1];
	assert_true(has_call(r, "read"));
	assert_true(has_call(r, "pwrite64"));
	assert_false(has_call(r, "close"));
	assert_false(has_call(r, "readv")); /* argument 1 is an iovec array */
	fl_rule_set_free(set);
}

/* corrupt: values; a group narrowed to the calls that move data. */
static void test_corrupt(void **state)
{
	static const char yaml[] =
		"rules:\n"
		"  - syscall: \"@basic-io\"\n"
		"    corrupt: {bytes: 3, how: zero}\n"
		"  - syscall: sendto\n"
		"    corrupt: {bytes: 256}\n";
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };
	const struct fl_rule *r;

	assert_int_equal(load_str(set, "c.yaml", yaml, &d), 0);
	r = &set->rules[0];
	assert_int_equal(r->corrupt_bytes, 3);
	assert_int_equal(r->corrupt_how, FL_CORRUPT_ZERO);
	assert_true(has_call(r, "read"));
	assert_true(has_call(r, "pwritev2"));
	assert_false(has_call(r, "close"));
	assert_false(has_call(r, "lseek"));
	assert_true(fl_rule_has_action(r));
	assert_int_equal(set->rules[1].corrupt_how, FL_CORRUPT_FLIP);
	assert_int_equal(set->rules[1].corrupt_bytes, 256);
	fl_rule_set_free(set);
}

/* stat: the fields and values; a group narrowed to the stat calls. */
static void test_stat(void **state)
{
	static const char yaml[] =
		"rules:\n"
		"  - syscall: \"@file-system\"\n"
		"    stat: {size: 1048576, mode: 0600, uid: 0, mtime: -1}\n";
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };
	const struct fl_rule *r;

	assert_int_equal(load_str(set, "s.yaml", yaml, &d), 0);
	r = &set->rules[0];
	assert_int_equal(r->stat_fields, (1u << FL_STAT_SIZE) | (1u << FL_STAT_MODE) |
					 (1u << FL_STAT_UID) | (1u << FL_STAT_MTIME));
	assert_int_equal(r->stat_values[FL_STAT_SIZE], 1048576);
	assert_int_equal(r->stat_values[FL_STAT_MODE], 0600);
	assert_true((int64_t)r->stat_values[FL_STAT_MTIME] == -1);
	assert_true(has_call(r, "statx"));
	assert_true(has_call(r, "newfstatat"));
	assert_false(has_call(r, "openat"));
	assert_int_equal(r->n_calls, 5);
	fl_rule_set_free(set);
}

/* per: the value, and the warning when there is nothing to count. */
static void test_per(void **state)
{
	static const char yaml[] =
		"rules:\n"
		"  - syscall: read\n"
		"    error: EIO\n"
		"    per: thread\n"                  /* 4: warned */
		"  - syscall: write\n"
		"    error: EIO\n"
		"    times: 1\n"
		"    per: process\n"
		"  - syscall: close\n"
		"    error: [EIO, EINTR]\n"
		"    per: process\n"
		"  - syscall: openat\n"
		"    error: ENOENT\n"
		"    per: tree\n";
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { .warnings = true };

	assert_int_equal(load_str(set, "p.yaml", yaml, &d), 0);
	assert_int_equal(set->rules[0].per, FL_PER_THREAD);
	assert_int_equal(set->rules[1].per, FL_PER_PROCESS);
	assert_int_equal(set->rules[3].per, FL_PER_TREE);
	expect_diag(&d, 4, 5, "key 'per': the rule has no after, every, times or probability and "
		    "no errno list to pick from, so counting per thread changes nothing");
	assert_int_equal(d.n, 1);
	fl_diags_done(&d);
	fl_rule_set_free(set);
}

/* delay: {enter, exit} beside the plain form. */
static void test_delay_sides(void **state)
{
	static const char yaml[] =
		"rules:\n"
		"  - syscall: read\n"
		"    delay: {enter: 300ms, exit: 600ms}\n"
		"  - syscall: pread64\n"
		"    delay: {exit: 1s}\n"
		"    phase: exit\n"
		"    error: EIO\n"
		"  - syscall: write\n"
		"    delay: {enter: 0s, exit: 2s}\n"  /* 9 */
		"  - syscall: pwrite64\n"
		"    delay: 5ms\n";
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { .warnings = true };

	assert_int_equal(load_str(set, "d.yaml", yaml, &d), 0);
	assert_true(set->rules[0].delay_sides);
	assert_int_equal(set->rules[0].delay_ns, 0);
	assert_int_equal(set->rules[0].delay_enter_ns, 300000000);
	assert_int_equal(set->rules[0].delay_exit_ns, 600000000);
	assert_true(set->rules[1].delay_sides);
	assert_int_equal(set->rules[1].delay_enter_ns, 0);
	assert_int_equal(set->rules[1].delay_exit_ns, 1000000000);
	assert_true(fl_rule_has_action(&set->rules[0]));
	expect_diag(&d, 9, 20, "key 'delay.enter': 0 does nothing; leave it out");
	assert_int_equal(d.n, 1);
	assert_false(set->rules[3].delay_sides);
	assert_int_equal(set->rules[3].delay_ns, 5000000);
	fl_diags_done(&d);
	fl_rule_set_free(set);
}

/* ---- diagnostics ---- */

static const struct error_case {
	const char *yaml;
	size_t n_diags;
	unsigned line, column;
	const char *message; /* substring */
} error_cases[] = {
	/* Keys. */
	{ "rules:\n  - syscall: open\n    error: EIO\n    erorr: ENOENT\n", 1, 4, 5,
	  "unknown key 'erorr' in rule; did you mean 'error'? (valid keys: name, syscall, path, fd, fd_type, "
	  "address, port, process, caller, args, error, retval, short, signal, poke, corrupt, stat, clock, "
	  "delay, "
	  "phase, "
	  "after, every, "
	  "times, probability, per, expect, crash, dirs)" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    frobnicate: 1\n", 1, 4, 5,
	  "unknown key 'frobnicate' in rule (valid keys: name," },
	{ "rule:\n  - syscall: open\n", 1, 1, 1,
	  "unknown key 'rule' at the top level; did you mean 'rules'? (valid keys: version, seed, rules)" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    error: ENOENT\n", 1, 4, 5,
	  "duplicate key 'error' (first given at line 3, column 5)" },
	{ "seed: 1\nseed: 1\nrules: [{syscall: open, error: EIO}]\n", 1, 2, 1,
	  "duplicate key 'seed' (first given at line 1, column 1)" },
	{ "seed: 9223372036854775808\nrules: [{syscall: open, error: EIO}]\n", 1, 1, 7,
	  "key 'seed': 9223372036854775808 is too large (at most 9223372036854775807" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    ? \n    : 1\n", 1, 4, 6, "missing key name before ':' in rule" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    [a]: 1\n", 1, 4, 5,
	  "a key in rule is a sequence; keys are plain words" },
	/* Rule-level checks. */
	{ "rules:\n  - error: EIO\n", 1, 2, 5, "rule has no key 'syscall'" },
	{ "rules:\n  - syscall: open\n", 1, 2, 5,
	  "rule has no action; add 'error' (make the call fail), 'retval' (make it succeed with a "
	  "value), 'delay' (slow it down), 'short' (let it move fewer bytes), 'signal' (send the "
	  "caller a signal), 'poke' (write into a buffer it points to), 'corrupt' (damage the "
	  "data it moves) or 'stat' (fake file attributes)" },
	{ "rules:\n  - syscall: open\n    path: /x\n", 1, 2, 5, "rule has no action" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    retval: 0\n", 1, 4, 5,
	  "key 'error' and key 'retval' cannot be used together: error makes the call fail, retval "
	  "makes it succeed" },
	{ "rules:\n  - syscall: open\n    retval: 0\n    error: EIO\n", 1, 4, 5,
	  "key 'error' and key 'retval' cannot be used together" },
	{ "rules:\n  - syscall: open\n    delay: 0ms\n", 1, 3, 5, "key 'delay': a delay of 0 does nothing" },
	/*
	 * An unknown key may be the missing one (misspelt, or another tool's
	 * word for it): it alone is reported, not what the rule then lacks.
	 */
	{ "rules:\n  - syscall: getcwd\n    poke_exit: {1: /xyz}\n", 1, 3, 5,
	  "unknown key 'poke_exit' in rule (valid keys: name," },
	{ "rules:\n  - sycall: open\n    error: EIO\n", 1, 2, 5,
	  "unknown key 'sycall' in rule; did you mean 'syscall'?" },
	{ "rules:\n  - syscall: open\n    eror: EIO\n", 1, 3, 5,
	  "unknown key 'eror' in rule; did you mean 'error'?" },
	{ "rules:\n  - syscall: open\n    delay: 0ms\n    sgnal: USR1\n", 1, 4, 5,
	  "unknown key 'sgnal' in rule; did you mean 'signal'?" },
	{ "rules:\n  - syscall: open\n    ? \n    : EIO\n", 1, 3, 6,
	  "missing key name before ':' in rule" },
	{ "seed: 1\nrulez: []\n", 1, 2, 1, "unknown key 'rulez' at the top level" },
	{ "rules:\n  - {syscall: open, error: EIO, name: a}\n  - {syscall: open, error: EIO, name: a}\n",
	  1, 3, 39, "key 'name': duplicate rule name 'a' (first used at test.yaml:2)" },
	/* syscall. */
	{ "rules:\n  - syscall: opn\n    error: EIO\n", 1, 2, 14,
	  "key 'syscall': unknown syscall 'opn'; did you mean 'open'?" },
	{ "rules:\n  - syscall: [open, xyzzy]\n    error: EIO\n", 1, 2, 21,
	  "key 'syscall': unknown syscall 'xyzzy'" },
	{ "rules:\n  - syscall: [open, open]\n    error: EIO\n", 1, 2, 21,
	  "key 'syscall': syscall 'open' is listed twice in this rule" },
	{ "rules:\n  - syscall: 257\n    error: EIO\n", 1, 2, 14,
	  "key 'syscall': '257' is a number; give the syscall's name" },
	/* syscall groups. */
	{ "rules:\n  - syscall: \"@file-sytem\"\n    error: EIO\n", 1, 2, 14,
	  "key 'syscall': unknown syscall group \"@file-sytem\"; did you mean '@file-system'? "
	  "(faultline list groups)" },
	{ "rules:\n  - syscall: [\"@sync\", \"@sync\"]\n    error: EIO\n", 1, 2, 24,
	  "key 'syscall': group \"@sync\" is listed twice in this rule" },
	{ "rules:\n  - syscall: @sync\n    error: EIO\n", 1, 2, 14,
	  "a value starting with '@' (a syscall group such as \"@file-system\") must be quoted" },
	{ "rules:\n  - syscall: \"@signal\"\n    path: /x\n    error: EIO\n", 1, 3, 5,
	  "key 'path' can never match a call of @signal: none of them takes a path, file "
	  "descriptor or socket address" },
	{ "rules:\n  - syscall: \"@file-system\"\n    short: 1\n", 1, 3, 5,
	  "key 'short' can never match a call of @file-system: none of them takes a byte count" },
	{ "rules:\n  - syscall: \"@timer\"\n    args: {5: 1}\n    error: EIO\n", 1, 3, 5,
	  "key 'args' can never match a call of @timer: none of them takes an argument 5" },
	/* A name keeps its error beside a group that the filter narrows. */
	{ "rules:\n  - syscall: [\"@basic-io\", getpid]\n    fd: 3\n    error: EIO\n", 1, 3, 5,
	  "key 'fd' can never match getpid: getpid takes no file descriptor" },
	{ "rules:\n  - syscall: []\n    error: EIO\n", 1, 2, 14,
	  "key 'syscall': the list is empty; expected a syscall name, a quoted group such as "
	  "\"@file-system\", or a list of them" },
	{ "rules:\n  - syscall: {open: 1}\n    error: EIO\n", 1, 2, 14,
	  "key 'syscall': expected a syscall name, a quoted group such as \"@file-system\", or a "
	  "list of them, got a mapping" },
	{ "rules:\n  - syscall: [open, [read]]\n    error: EIO\n", 1, 2, 21,
	  "key 'syscall': list entry 2 is a sequence; expected a syscall name" },
	{ "rules:\n  - syscall:\n    error: EIO\n", 1, 2, 5,
	  "key 'syscall': expected a syscall name, a quoted group such as \"@file-system\", or a "
	  "list of them, got nothing" },
	/* error. */
	{ "rules:\n  - syscall: open\n    error: ENOENTT\n", 1, 3, 12,
	  "key 'error': unknown errno 'ENOENTT'; did you mean 'ENOENT'? (an errno name such as "
	  "ENOENT, or a number 1..4095)" },
	{ "rules:\n  - syscall: open\n    error: NOPE_NOT_AN_ERRNO\n", 1, 3, 12,
	  "key 'error': unknown errno 'NOPE_NOT_AN_ERRNO' (an errno name such as ENOENT" },
	{ "rules:\n  - syscall: open\n    error: 0\n", 1, 3, 12, "key 'error': 0 is outside 1..4095" },
	{ "rules:\n  - syscall: open\n    error: 4096\n", 1, 3, 12, "key 'error': 4096 is outside 1..4095" },
	{ "rules:\n  - syscall: open\n    error: -2\n", 1, 3, 12, "key 'error': -2 is outside 1..4095" },
	{ "rules:\n  - syscall: open\n    error: \"2\"\n", 1, 3, 12,
	  "key 'error': expected an errno name such as ENOENT, a number 1..4095, or a list of them, "
	  "got the string \"2\"; write numbers without quotes" },
	{ "rules:\n  - syscall: open\n    error: [EIO, EBADF, ENOSPCE]\n", 1, 3, 25,
	  "unknown errno 'ENOSPCE'; did you mean 'ENOSPC'?" },
	/* retval. */
	{ "rules:\n  - syscall: open\n    retval: -2\n", 1, 3, 13,
	  "key 'retval': -2 would make the call fail with errno 2 (ENOENT); use 'error: ENOENT'" },
	{ "rules:\n  - syscall: open\n    retval: 9223372036854775808\n", 1, 3, 13,
	  "key 'retval': 9223372036854775808 is outside the 64-bit range" },
	{ "rules:\n  - syscall: open\n    retval: 1.5\n", 1, 3, 13,
	  "key 'retval': expected an integer, got '1.5'" },
	/* Hex is a bit pattern: -4095..-1 written as one is an errno all the same. */
	{ "rules:\n  - syscall: open\n    retval: 0xfffffffffffffffe\n", 1, 3, 13,
	  "key 'retval': 0xfffffffffffffffe (-2) would make the call fail with errno 2 (ENOENT); "
	  "use 'error: ENOENT' for a failure, or a value outside -4095..-1" },
	{ "rules:\n  - syscall: open\n    retval: 0xfffffffffffff001\n", 1, 3, 13,
	  "key 'retval': 0xfffffffffffff001 (-4095) would make the call fail with errno 4095; "
	  "use 'error: 4095'" },
	{ "rules:\n  - syscall: open\n    retval: 0xffffffffffffffff\n", 1, 3, 13,
	  "would make the call fail with errno 1 (EPERM)" },
	{ "rules:\n  - syscall: open\n    retval: 0x10000000000000000\n", 1, 3, 13,
	  "key 'retval': 0x10000000000000000 has more than 64 bits (at most 0xffffffffffffffff)" },
	/* Decimal stays signed. */
	{ "rules:\n  - syscall: open\n    retval: 18446744073709547520\n", 1, 3, 13,
	  "key 'retval': 18446744073709547520 is outside the 64-bit range" },
	{ "rules:\n  - syscall: open\n    retval: '0xfffffffffffff000'\n", 1, 3, 13,
	  "key 'retval': expected an integer, got the string \"0xfffffffffffff000\"; write numbers "
	  "without quotes" },
	/* delay. */
	{ "rules:\n  - syscall: open\n    delay: 10 parsecs\n", 1, 3, 12,
	  "key 'delay': bad duration '10 parsecs'; expected a number with a unit ns, us, ms or s "
	  "(e.g. 250ms)" },
	{ "rules:\n  - syscall: open\n    delay: 250\n", 1, 3, 12,
	  "key 'delay': '250' has no unit; write it with ns, us, ms or s (e.g. 250ms; strace reads "
	  "a bare number as microseconds, faultline does not guess)" },
	{ "rules:\n  - syscall: open\n    delay: {enter: 1.5, exit: 1s}\n", 1, 3, 20,
	  "key 'delay.enter': '1.5' has no unit; write it with ns, us, ms or s" },
	{ "rules:\n  - syscall: open\n    delay: {exit: soon}\n", 1, 3, 19,
	  "key 'delay.exit': bad duration 'soon'" },
	{ "rules:\n  - syscall: open\n    delay: {}\n", 1, 3, 12,
	  "key 'delay': the mapping is empty; expected a duration such as 250ms, or {enter: T, "
	  "exit: T}" },
	{ "rules:\n  - syscall: open\n    delay: {entr: 1s}\n", 1, 3, 13,
	  "unknown key 'entr' in 'delay'; did you mean 'enter'? (valid keys: enter, exit)" },
	{ "rules:\n  - syscall: open\n    delay: [1s]\n", 1, 3, 12,
	  "key 'delay': expected a duration such as 250ms, or {enter: T, exit: T}, got a sequence" },
	{ "rules:\n  - syscall: open\n    delay: {enter: [1s]}\n", 1, 3, 20,
	  "key 'enter': expected a duration such as 300ms: held at the call's entry" },
	{ "rules:\n  - syscall: open\n    delay: {enter: 0s, exit: 0ms}\n", 1, 3, 5,
	  "key 'delay': a delay of 0 does nothing and the rule has no other action" },
	{ "rules:\n  - syscall: open\n    delay: 99999999999s\n", 1, 3, 12,
	  "key 'delay': duration '99999999999s' is too large (at most 18446744073s)" },
	/* poke. */
	{ "rules:\n  - syscall: read\n    poke: {arg: 2, data: x}\n", 1, 3, 5,
	  "key 'poke': argument 2 of read is not a pointer to a buffer" },
	{ "rules:\n  - syscall: getpid\n    poke: {arg: 0, data: x}\n", 1, 3, 5,
	  "key 'poke': getpid takes 0 arguments (counted from 0), so there is no argument 0" },
	{ "rules:\n  - syscall: uname\n    poke: {arg: 0, data: x}\n", 1, 3, 5,
	  "key 'poke' can never apply to uname: faultline does not know that syscall's arguments" },
	{ "rules:\n  - syscall: \"@signal\"\n    poke: {arg: 5, data: x}\n", 1, 3, 5,
	  "key 'poke' can never match a call of @signal: in none of them is argument 5 a pointer" },
	{ "rules:\n  - syscall: getcwd\n    poke: {arg: 0}\n", 1, 3, 11,
	  "key 'poke': no 'data'; expected a mapping {arg: N, data: \"BYTES\"}" },
	{ "rules:\n  - syscall: getcwd\n    poke: {arg: 6, data: x}\n", 1, 3, 17,
	  "key 'poke.arg': 6 is not an argument index; arguments are counted 0..5" },
	{ "rules:\n  - syscall: getcwd\n    poke: {arg: 0, data: \"\"}\n", 1, 3, 26,
	  "key 'poke.data': no bytes to write" },
	{ "rules:\n  - syscall: getcwd\n    poke: \"/x\"\n", 1, 3, 11,
	  "key 'poke': expected a mapping {arg: N, data: \"BYTES\"}" },
	/* NUL bytes are for poke's data only. */
	{ "rules:\n  - syscall: getcwd\n    poke: {arg: 0, data: x}\n    name: \"a\\0\"\n", 1, 4, 11,
	  "string contains a NUL character" },
	/* corrupt. */
	{ "rules:\n  - syscall: openat\n    corrupt: {bytes: 1}\n", 1, 3, 5,
	  "key 'corrupt' can never apply to openat: it damages the data of read, pread64" },
	{ "rules:\n  - syscall: \"@file-system\"\n    corrupt: {bytes: 1}\n", 1, 3, 5,
	  "key 'corrupt' can never match a call of @file-system: none of them reads or writes data "
	  "through a buffer" },
	{ "rules:\n  - syscall: read\n    corrupt: {bytes: 0}\n", 1, 3, 22,
	  "key 'corrupt.bytes': 0 is outside 1..256" },
	{ "rules:\n  - syscall: read\n    corrupt: {how: flip}\n", 1, 3, 14,
	  "key 'corrupt': no 'bytes'; expected a mapping {bytes: N, how: flip|zero|random}" },
	{ "rules:\n  - syscall: read\n    corrupt: {bytes: 1, how: flp}\n", 1, 3, 30,
	  "key 'corrupt.how': expected 'flip' (one bit each, the default), 'zero' or 'random' "
	  "(another value each), got 'flp'; did you mean 'flip'?" },
	{ "rules:\n  - syscall: read\n    corrupt: {bytes: 1}\n    error: EIO\n", 1, 4, 5,
	  "key 'corrupt' and key 'error' cannot be used together: corrupt damages the data the "
	  "real call moves" },
	{ "rules:\n  - syscall: read\n    corrupt: {bytes: 1}\n    phase: exit\n", 1, 4, 5,
	  "key 'corrupt' cannot be used with 'phase: exit'" },
	/* stat. */
	{ "rules:\n  - syscall: read\n    stat: {size: 1}\n", 1, 3, 5,
	  "key 'stat' can never apply to read: it fakes the result of stat, lstat, fstat, "
	  "newfstatat and statx" },
	{ "rules:\n  - syscall: stat\n    stat: {mode: 0999}\n", 1, 3, 18,
	  "key 'stat.mode': '0999' is not a mode; give the permission bits in octal" },
	{ "rules:\n  - syscall: stat\n    stat: {uid: 4294967296}\n", 1, 3, 17,
	  "key 'stat.uid': 4294967296 is more than 32 bits hold" },
	{ "rules:\n  - syscall: stat\n    stat: {}\n", 1, 3, 11, "key 'stat': the mapping is empty" },
	{ "rules:\n  - syscall: stat\n    stat: {sise: 1}\n", 1, 3, 12,
	  "unknown key 'sise' in 'stat'; did you mean 'size'?" },
	{ "rules:\n  - syscall: stat\n    stat: {size: 1}\n    error: EIO\n", 1, 4, 5,
	  "key 'stat' and key 'error' cannot be used together" },
	/* caller (this build has libdw when the tests run the filter). */
	{ "rules:\n  - syscall: write\n    caller: a/b\n    error: EIO\n", 1, 3, 13,
	  "key 'caller': bad pattern 'a/b': a function name has no '/'" },
	{ "rules:\n  - syscall: write\n    caller: [f, f]\n    error: EIO\n", 1, 3, 17,
	  "key 'caller': 'f' is listed twice" },
	/* per. */
	{ "rules:\n  - syscall: open\n    error: EIO\n    per: proces\n", 1, 4, 10,
	  "key 'per': expected 'tree', 'process' or 'thread', got 'proces'; did you mean "
	  "'process'?" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    per: [thread]\n", 1, 4, 10,
	  "key 'per': expected 'tree', 'process' or 'thread', got a sequence" },
	/* phase. */
	{ "rules:\n  - syscall: open\n    error: EIO\n    phase: entr\n", 1, 4, 12,
	  "key 'phase': expected 'enter' or 'exit', got 'entr'; did you mean 'enter'?" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    phase: [enter]\n", 1, 4, 12,
	  "key 'phase': expected 'enter' or 'exit', got a sequence" },
	/* Counters. */
	{ "rules:\n  - syscall: open\n    error: EIO\n    after: -1\n", 1, 4, 12,
	  "key 'after': expected a non-negative integer, got '-1'" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    after: \"2\"\n", 1, 4, 12,
	  "key 'after': expected a non-negative integer, got the string \"2\"; write numbers without quotes" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    after: 010\n", 1, 4, 12,
	  "key 'after': expected a non-negative integer, got '010'" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    after: 1.0\n", 1, 4, 12,
	  "key 'after': expected a non-negative integer, got '1.0'" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    after: [1]\n", 1, 4, 12,
	  "key 'after': expected a non-negative integer, got a sequence" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    after:\n", 1, 4, 5,
	  "key 'after': expected a non-negative integer, got nothing" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    every: 0\n", 1, 4, 12,
	  "key 'every': must be at least 1, got 0" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    times: 99999999999999999999999\n", 1, 4, 12,
	  "key 'times': 99999999999999999999999 is too large (at most 18446744073709551615)" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    times: 0x10000000000000000\n", 1, 4, 12,
	  "key 'times': 0x10000000000000000 is too large" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    probability: 1.5\n", 1, 4, 18,
	  "key 'probability': 1.5 is outside [0, 1]" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    probability: -0.1\n", 1, 4, 18,
	  "key 'probability': -0.1 is outside [0, 1]" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    probability: .nan\n", 1, 4, 18,
	  "key 'probability': expected a number between 0 and 1, got '.nan'" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    probability: 50%\n", 1, 4, 18,
	  "key 'probability': expected a number between 0 and 1, got '50%'" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    after: +-1\n", 1, 4, 12,
	  "key 'after': expected a non-negative integer, got '+-1'" },
	/* Long values are cut short, at a character boundary. */
	{ "rules:\n  - syscall: \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\\nx\"\n    error: EIO\n", 1, 2, 14,
	  "key 'syscall': unknown syscall \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...\"" },
	{ "rules:\n  - syscall: \"a\\tb\\x01\"\n    error: EIO\n", 1, 2, 14,
	  "key 'syscall': unknown syscall \"a\\tb\\x01\"" },
	/* name. */
	{ "rules:\n  - syscall: open\n    error: EIO\n    name: \"\"\n", 1, 4, 11, "key 'name': the name is empty" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    name: \"a\\nb\"\n", 1, 4, 11,
	  "key 'name': name \"a\\nb\" contains control characters" },
	/* Top level. */
	{ "version: 2\nrules: [{syscall: open, error: EIO}]\n", 1, 1, 10,
	  "key 'version': unsupported version 2; this faultline reads version 1" },
	{ "version: \"1\"\nrules: [{syscall: open, error: EIO}]\n", 1, 1, 10, "write numbers without quotes" },
	{ "seed: -1\nrules: [{syscall: open, error: EIO}]\n", 1, 1, 7,
	  "key 'seed': expected a non-negative integer, got '-1'" },
	{ "seed: 18446744073709551616\nrules: [{syscall: open, error: EIO}]\n", 1, 1, 7,
	  "key 'seed': 18446744073709551616 is too large" },
	{ "", 1, 0, 0, "no rules" },
	{ "# only a comment\n\n", 1, 0, 0, "no rules" },
	{ "---\n", 1, 0, 0, "no rules" },
	{ "seed: 1\n", 1, 1, 1, "no rules: missing top-level key 'rules'" },
	{ "rules: []\n", 1, 1, 8, "key 'rules': the list is empty; add at least one rule" },
	{ "rules:\n", 1, 1, 1, "key 'rules': expected a list of rules (each entry starts with '- '), got nothing" },
	{ "rules:\n  syscall: open\n", 1, 2, 3,
	  "key 'rules': expected a list of rules (each entry starts with '- '), got a mapping" },
	{ "rules:\n  - open\n", 1, 2, 5,
	  "key 'rules': entry 1 is 'open'; expected a mapping of rule keys such as 'syscall: openat'" },
	{ "- syscall: open\n", 1, 1, 1,
	  "expected a mapping with a 'rules:' list at the top level, got a sequence (put the rules "
	  "under 'rules:')" },
	{ "just text\n", 1, 1, 1, "expected a mapping with a 'rules:' list at the top level, got 'just text'" },
	/* path. */
	{ "rules:\n  - syscall: open\n    error: EIO\n    path: data/*.db\n", 1, 4, 11,
	  "key 'path': 'data/*.db' is relative; patterns are matched against absolute paths: write "
	  "'/**/data/*.db' to match it in any directory" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    path: ./x\n", 1, 4, 11,
	  "key 'path': './x' is relative; patterns are matched against absolute paths: write the "
	  "directory out" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    path: ~/x\n", 1, 4, 11,
	  "'~' is not expanded" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    path: [/a, '/b/[x']\n", 1, 4, 16,
	  "key 'path': bad pattern \"/b/[x\": '[' without a matching ']'" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    path: /srv/**.log\n", 1, 4, 11,
	  "key 'path': bad pattern '/srv/**.log': '**' must be a whole path component" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    path: /srv/\n", 1, 4, 11,
	  "key 'path': bad pattern '/srv/': trailing '/'" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    path: [/a, /a]\n", 1, 4, 16,
	  "key 'path': '/a' is listed twice in this rule" },
	{ "rules:\n  - syscall: open\n    error: EIO\n    path: []\n", 1, 4, 11,
	  "key 'path': the list is empty" },
	{ "rules:\n  - syscall: getpid\n    error: EIO\n    path: /x\n", 1, 4, 5,
	  "key 'path' can never match getpid: getpid takes no path, file descriptor or socket address" },
	{ "rules:\n  - syscall: [openat, getppid]\n    error: EIO\n    path: /x\n", 1, 4, 5,
	  "key 'path' can never match getppid" },
	{ "rules:\n  - syscall: fanotify_mark\n    error: EIO\n    path: /x\n", 1, 4, 5,
	  "key 'path' can never match fanotify_mark: faultline does not know that syscall's arguments "
	  "(filter on raw values with 'args' instead)" },
	/* fd. */
	{ "rules:\n  - syscall: read\n    error: EIO\n    fd: -1\n", 1, 4, 9,
	  "key 'fd': expected a file descriptor number or a list of them, got '-1'" },
	{ "rules:\n  - syscall: read\n    error: EIO\n    fd: 2147483648\n", 1, 4, 9,
	  "key 'fd': 2147483648 is not a file descriptor (at most 2147483647)" },
	{ "rules:\n  - syscall: read\n    error: EIO\n    fd: [3, 3]\n", 1, 4, 13,
	  "key 'fd': '3' is listed twice" },
	{ "rules:\n  - syscall: openat\n    error: EIO\n    fd: 3\n", 1, 4, 5,
	  "key 'fd' can never match openat: openat takes no file descriptor" },
	/* address and port. */
	{ "rules:\n  - syscall: connect\n    error: EIO\n    address: localhost\n", 1, 4, 14,
	  "key 'address': bad address 'localhost': expected an IPv4 or IPv6 address such as "
	  "10.0.0.1, 10.0.0.0/8 or ::1 (host names are not resolved)" },
	{ "rules:\n  - syscall: connect\n    error: EIO\n    address: 10.0.0.1/8\n", 1, 4, 14,
	  "key 'address': '10.0.0.1/8' has bits set past the prefix length; did you mean '10.0.0.0/8'?" },
	{ "rules:\n  - syscall: connect\n    error: EIO\n    address: 10.0.0.0/33\n", 1, 4, 14,
	  "key 'address': bad address '10.0.0.0/33': the prefix length after '/' must be 0..32" },
	{ "rules:\n  - syscall: connect\n    error: EIO\n    address: 300.1.1.1\n", 1, 4, 14,
	  "key 'address': bad address '300.1.1.1'" },
	{ "rules:\n  - syscall: read\n    error: EIO\n    address: ::1\n", 1, 4, 5,
	  "key 'address' can never match read: read takes no socket address (address: applies to "
	  "connect, bind, sendto and sendmsg)" },
	{ "rules:\n  - syscall: connect\n    error: ECONNREFUSED\n    port: 65536\n", 1, 4, 11,
	  "key 'port': 65536 is outside 0..65535" },
	{ "rules:\n  - syscall: connect\n    error: ECONNREFUSED\n    port: [80, http]\n", 1, 4, 16,
	  "key 'port': expected a port number 0..65535 or a list of them, got 'http'" },
	{ "rules:\n  - syscall: connect\n    error: ECONNREFUSED\n    port: \"5432\"\n", 1, 4, 11,
	  "write numbers without quotes" },
	{ "rules:\n  - syscall: read\n    error: EIO\n    port: 5432\n", 1, 4, 5,
	  "key 'port' can never match read: read takes no socket address" },
	/* process. */
	{ "rules:\n  - syscall: read\n    error: EIO\n    process: bin/curl\n", 1, 4, 14,
	  "key 'process': 'bin/curl' is relative; patterns are matched against absolute paths: "
	  "write '/**/bin/curl'" },
	{ "rules:\n  - syscall: read\n    error: EIO\n    process: 'cu[rl'\n", 1, 4, 14,
	  "key 'process': bad pattern \"cu[rl\": '[' without a matching ']'" },
	{ "rules:\n  - syscall: read\n    error: EIO\n    process: '**'\n", 1, 4, 14,
	  "key 'process': bad pattern \"**\": '**' spans directories" },
	/* args. */
	{ "rules:\n  - syscall: openat\n    error: EIO\n    args: {6: 1}\n", 1, 4, 12,
	  "key 'args': argument index 6 is outside 0..5 (a syscall has at most 6 arguments, counted "
	  "from 0)" },
	{ "rules:\n  - syscall: openat\n    error: EIO\n    args: {x: 1}\n", 1, 4, 12,
	  "key 'args': argument index 'x' is not a number 0..5" },
	{ "rules:\n  - syscall: openat\n    error: EIO\n    args: {1: 2, 1: 3}\n", 1, 4, 18,
	  "key 'args': argument 1 is given twice (first at line 4, column 12)" },
	{ "rules:\n  - syscall: openat\n    error: EIO\n    args: {2: {mask: 0}}\n", 1, 4, 22,
	  "key 'args': mask 0 holds for every value; leave the argument out" },
	{ "rules:\n  - syscall: openat\n    error: EIO\n    args: {2: {bits: 1}}\n", 1, 4, 16,
	  "key 'args': unknown key 'bits' in an argument's mapping (the only one is 'mask'" },
	{ "rules:\n  - syscall: openat\n    error: EIO\n    args: {2: [1]}\n", 1, 4, 15,
	  "key 'args': expected a mapping of argument index 0..5 to a value or to {mask: BITS}" },
	{ "rules:\n  - syscall: openat\n    error: EIO\n    args: [1]\n", 1, 4, 11,
	  "key 'args': expected a mapping of argument index 0..5" },
	{ "rules:\n  - syscall: openat\n    error: EIO\n    args: {}\n", 1, 4, 11,
	  "key 'args': the mapping is empty" },
	{ "rules:\n  - syscall: getpid\n    error: EIO\n    args: {0: 1}\n", 1, 4, 5,
	  "key 'args': argument 0 can never match getpid: it takes 0 arguments" },
	{ "rules:\n  - syscall: close\n    error: EIO\n    args: {1: 1}\n", 1, 4, 5,
	  "key 'args': argument 1 can never match close: it takes 1 argument (counted from 0)" },
	/* short. */
	{ "rules:\n  - syscall: read\n    short: 0\n", 1, 3, 12,
	  "key 'short': 0 would move no bytes, which a reader takes for end of file; use 'retval: 0'" },
	{ "rules:\n  - syscall: read\n    short: 100%\n", 1, 3, 12,
	  "key 'short': 100% does not shorten anything; use 1%..99%" },
	{ "rules:\n  - syscall: read\n    short: 12.5%\n", 1, 3, 12,
	  "key 'short': expected a byte count such as 100 or a percentage such as 50%, got '12.5%'" },
	{ "rules:\n  - syscall: read\n    short: -1\n", 1, 3, 12, "key 'short': expected a byte count" },
	{ "rules:\n  - syscall: read\n    short: '50%'\n", 1, 3, 12, "write numbers without quotes" },
	{ "rules:\n  - syscall: getpid\n    short: 1\n", 1, 3, 5,
	  "key 'short' can never match getpid: getpid takes no byte count" },
	{ "rules:\n  - syscall: [read, openat]\n    short: 1\n", 1, 3, 5,
	  "key 'short' can never match openat" },
	{ "rules:\n  - syscall: read\n    short: 10\n    error: EIO\n", 1, 4, 5,
	  "key 'short' and key 'error' cannot be used together: short lets the call run with a "
	  "smaller byte count, error replaces its result" },
	{ "rules:\n  - syscall: read\n    retval: 1\n    short: 10\n", 1, 4, 5,
	  "key 'short' and key 'retval' cannot be used together" },
	{ "rules:\n  - syscall: read\n    short: 10\n    phase: exit\n", 1, 4, 5,
	  "key 'short' cannot be used with 'phase: exit'" },
	/* signal. */
	{ "rules:\n  - syscall: read\n    signal: SIGUSR3\n", 1, 3, 13,
	  "key 'signal': unknown signal 'SIGUSR3'; did you mean 'SIGUSR1'?" },
	{ "rules:\n  - syscall: read\n    signal: NOPE_NOPE_NOPE\n", 1, 3, 13,
	  "key 'signal': unknown signal 'NOPE_NOPE_NOPE' (a name such as SIGUSR1" },
	{ "rules:\n  - syscall: read\n    signal: 0\n", 1, 3, 13, "key 'signal': unknown signal '0'" },
	{ "rules:\n  - syscall: read\n    signal: [SIGUSR1]\n", 1, 3, 13,
	  "key 'signal': expected a signal name such as SIGUSR1, got a sequence" },
	/* YAML itself. */
	{ "rules:\n  - syscall: open\n   error: EIO\n", 1, 3, 4,
	  "syntax error: did not find expected '-' indicator (while parsing a block collection at "
	  "line 2, column 3)" },
	{ "rules: [{syscall: open, error: 'EIO}]\n", 1, 2, 1,
	  "syntax error: found unexpected end of stream (while scanning a quoted scalar at line 1, column 32)" },
	{ "rules:\n  - &r {syscall: open, error: EIO}\n  - *r\n", 2, 2, 5,
	  "anchor '&r': aliases and anchors are not supported in rule files" },
	{ "rules:\n  - &r {syscall: open, error: EIO}\n  - *r\n", 2, 3, 5,
	  "alias '*r': aliases and anchors are not supported in rule files" },
	{ "rules:\n  - syscall: !!str open\n    error: EIO\n", 1, 2, 14,
	  "tag 'tag:yaml.org,2002:str': tags are not supported in rule files" },
	{ "rules: [{syscall: open, error: EIO}]\n---\nrules: [{syscall: read, error: EIO}]\n", 1, 2, 1,
	  "a second YAML document ('---'); a rule file is one document" },
	{ "rules:\n  - syscall: \"op\\0en\"\n    error: EIO\n", 1, 2, 14,
	  "string contains a NUL character" },
	{ "rules:\n  - syscall: op\xff" "en\n", 1, 2, 16,
	  "invalid UTF-8 (byte 0xff); rule files must be UTF-8 text" },
	{ "rules:\n  - syscall: op\xc0\xaf" "en\n", 1, 2, 16, "invalid UTF-8 (byte 0xc0)" },      /* overlong */
	{ "rules:\n  - syscall: \xed\xa0\x80\n", 1, 2, 14, "invalid UTF-8 (byte 0xed)" },         /* surrogate */
	{ "rules:\n  - name: \xc3\xa9t\xc3\xa9\x01\n", 1, 2, 14, "control character U+0001 is not allowed" },
	{ "rules:\r\n  - syscall: open\r\n    error: ENOENTT\r\n", 1, 3, 12, "unknown errno 'ENOENTT'" },
};

static void test_errors(void **state)
{
	for (size_t i = 0; i < FL_ARRAY_SIZE(error_cases); i++) {
		const struct error_case *c = &error_cases[i];
		struct fl_rule_set *set = fl_rule_set_new();
		struct fl_diags d = { 0 };
		int r;

		r = load_str(set, "test.yaml", c->yaml, &d);
		if (r != -EINVAL || d.n != c->n_diags || find_diag(&d, c->line, c->column, c->message) < 0) {
			print_message("case %zu:\n%s\n", i, c->yaml);
			dump_diags(&d);
			fail_msg("case %zu: returned %d with %zu diagnostics, want -EINVAL with %zu, one "
				 "at %u:%u containing \"%s\"", i, r, d.n, c->n_diags, c->line, c->column,
				 c->message);
		}
		for (size_t j = 0; j < d.n; j++)
			assert_string_equal(d.items[j].file, "test.yaml");
		/* Nothing of a bad file reaches the set. */
		assert_int_equal(set->n_rules, 0);
		assert_int_equal(set->n_sources, 0);
		assert_false(set->has_seed);
		fl_diags_done(&d);
		fl_rule_set_free(set);
	}
}

static void test_many_errors(void **state)
{
	static const char yaml[] =
		"version: 1\n"
		"rules:\n"
		"  - syscall: opn\n"          /* 3 */
		"    error: EIO\n"
		"  - syscall: read\n"         /* 5 */
		"    afer: 1\n"               /* 6: not also "no action" at 5 */
		"  - syscall: close\n"        /* 7: no action */
		"  - syscall: write\n"
		"    error: ENOSPC\n"
		"    probability: 2\n"        /* 10 */
		"    every: 0\n"              /* 11 */
		"bogus: 1\n";                 /* 12 */
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };

	assert_int_equal(load_str(set, "many.yaml", yaml, &d), -EINVAL);
	if (d.n != 6) {
		dump_diags(&d);
		fail_msg("want 6 diagnostics, got %zu", d.n);
	}
	/* In file order. */
	expect_diag(&d, 3, 14, "unknown syscall 'opn'");
	assert_int_equal(find_diag(&d, 3, 14, "opn"), 0);
	assert_int_equal(find_diag(&d, 6, 5, "unknown key 'afer' in rule; did you mean 'after'?"), 1);
	assert_int_equal(find_diag(&d, 7, 5, "rule has no action"), 2);
	assert_int_equal(find_diag(&d, 10, 18, "key 'probability': 2 is outside [0, 1]"), 3);
	assert_int_equal(find_diag(&d, 11, 12, "key 'every': must be at least 1"), 4);
	assert_int_equal(find_diag(&d, 12, 1, "unknown key 'bogus' at the top level"), 5);
	assert_int_equal(set->n_rules, 0);
	fl_diags_done(&d);
	fl_rule_set_free(set);
}

static void test_error_flood(void **state)
{
	/* Thousands of bad entries: capped, and fast (no suggestion per entry). */
	size_t n = 5000, len = 0;
	char *yaml = malloc(n * 40 + 64);
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };

	assert_non_null(yaml);
	len += (size_t)sprintf(yaml + len, "rules:\n  - error: EIO\n    syscall:\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(yaml + len, "      - nosuchcall%zu\n", i);
	assert_int_equal(fl_rules_load_string(set, "flood.yaml", yaml, len, &d), -EINVAL);
	assert_in_range(d.n, 2, 110);
	assert_non_null(strstr(d.items[d.n - 1].message, "too many errors"));
	assert_int_equal(set->n_rules, 0);
	fl_diags_done(&d);
	fl_rule_set_free(set);
	free(yaml);
}

static void test_deep_nesting(void **state)
{
	enum { DEPTH = 100000 };
	static char yaml[2 * DEPTH + 16];
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };
	size_t len = 0;

	len += (size_t)sprintf(yaml, "rules: ");
	memset(yaml + len, '[', DEPTH);
	len += DEPTH;
	memset(yaml + len, ']', DEPTH);
	len += DEPTH;
	assert_int_equal(fl_rules_load_string(set, "deep.yaml", yaml, len, &d), -EINVAL);
	assert_int_equal(d.n, 1);
	expect_diag(&d, 1, 8 + 63, "nesting deeper than 64 levels");
	fl_diags_done(&d);

	/* Shallow but wrong: a plain type error. */
	assert_int_equal(load_str(set, "deep.yaml", "rules: [[[[1]]]]\n", &d), -EINVAL);
	expect_diag(&d, 1, 9, "key 'rules': entry 1 is a sequence; expected a mapping");
	fl_diags_done(&d);
	fl_rule_set_free(set);
}

static void test_nul_byte(void **state)
{
	static const char yaml[] = "rules:\n  - syscall: op\0en\n    error: EIO\n";
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };

	assert_int_equal(fl_rules_load_string(set, "nul.yaml", yaml, sizeof(yaml) - 1, &d), -EINVAL);
	assert_int_equal(d.n, 1);
	expect_diag(&d, 2, 16, "NUL byte");
	fl_diags_done(&d);
	fl_rule_set_free(set);
}

static void test_unchanged_on_failure(void **state)
{
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };

	assert_int_equal(load_str(set, "a.yaml", "rules: [{syscall: open, error: EIO, name: a}]\n", &d), 0);
	/* Valid rules, a seed, then one mistake: none of it is kept. */
	assert_int_equal(load_str(set, "b.yaml",
				  "seed: 5\n"
				  "rules:\n"
				  "  - {syscall: read, error: EIO, name: b}\n"
				  "  - {syscall: write, error: EIO, times: x}\n", &d), -EINVAL);
	assert_int_equal(d.n, 1);
	expect_diag(&d, 4, 41, "key 'times': expected a non-negative integer, got 'x'");
	assert_int_equal(set->n_rules, 1);
	assert_int_equal(set->n_sources, 1);
	assert_string_equal(set->sources[0], "a.yaml");
	assert_false(set->has_seed);
	assert_null(set->seed_source);
	fl_diags_done(&d);

	/* The name "b" was not taken by the failed load. */
	assert_int_equal(load_str(set, "c.yaml", "rules: [{syscall: read, error: EIO, name: b}]\n", &d), 0);
	assert_int_equal(set->n_rules, 2);
	assert_string_equal(set->rules[1].file, "c.yaml");
	assert_ptr_equal(set->rules[1].file, set->sources[1]);
	fl_rule_set_free(set);
}

static void test_seed_conflict(void **state)
{
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };

	assert_int_equal(load_str(set, "a.yaml", "seed: 42\nrules: [{syscall: open, error: EIO}]\n", &d), 0);
	assert_true(set->has_seed);
	assert_int_equal(set->seed, 42);
	assert_string_equal(set->seed_source, "a.yaml:1");
	/* The same seed again is fine. */
	assert_int_equal(load_str(set, "b.yaml", "rules: [{syscall: open, error: EIO}]\nseed: 42\n", &d), 0);
	assert_string_equal(set->seed_source, "a.yaml:1");
	/* A different one names both places. */
	assert_int_equal(load_str(set, "c.yaml", "# x\nseed: 7\nrules: [{syscall: read, error: EIO}]\n", &d), -EINVAL);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, "c.yaml");
	expect_diag(&d, 2, 7, "key 'seed': 7 conflicts with seed 42 set at a.yaml:1");
	assert_int_equal(set->seed, 42);
	assert_int_equal(set->n_rules, 2);
	fl_diags_done(&d);
	fl_rule_set_free(set);
}

static void test_duplicate_names_across_loads(void **state)
{
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };

	assert_int_equal(load_str(set, "a.yaml", "rules:\n  - name: x\n    syscall: open\n    error: EIO\n", &d), 0);
	assert_int_equal(load_str(set, "b.yaml", "rules:\n  - syscall: read\n    error: EIO\n    name: x\n", &d), -EINVAL);
	assert_int_equal(d.n, 1);
	expect_diag(&d, 4, 11, "key 'name': duplicate rule name 'x' (first used at a.yaml:2)");
	fl_diags_done(&d);
	assert_int_equal(fl_rules_load_inline(set, "-e #1", "{syscall: read, error: EIO, name: x}", &d), -EINVAL);
	expect_diag(&d, 1, 35, "duplicate rule name 'x' (first used at a.yaml:2)");
	fl_diags_done(&d);
	assert_int_equal(set->n_rules, 1);
	fl_rule_set_free(set);
}

static void test_finish(void **state)
{
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };

	/* Nothing loaded. */
	assert_int_equal(fl_rules_finish(set, &d), -EINVAL);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, "<rules>");
	assert_int_equal(d.items[0].line, 0);
	assert_non_null(strstr(d.items[0].message, "no rules"));
	fl_diags_done(&d);

	/* Rule 1 took the name rule 3 would get by default. */
	assert_int_equal(load_str(set, "a.yaml",
				  "rules:\n"
				  "  - {syscall: open, error: EIO, name: rule 3}\n"
				  "  - {syscall: open, error: EIO, name: rule 2}\n"
				  "  - {syscall: open, error: EIO}\n", &d), 0);
	assert_int_equal(fl_rules_finish(set, &d), -EINVAL);
	assert_int_equal(d.n, 1);
	expect_diag(&d, 2, 5, "key 'name': 'rule 3' is also the default name of the unnamed rule at a.yaml:4");
	assert_null(set->rules[2].name);
	fl_diags_done(&d);
	fl_rule_set_free(set);

	/* Names across sources; a rule may carry its own default name. */
	set = fl_rule_set_new();
	assert_int_equal(load_str(set, "a.yaml", "rules: [{syscall: open, error: EIO, name: rule 1}, {syscall: read, error: EIO}]\n", &d), 0);
	assert_int_equal(fl_rules_load_inline(set, "-e #1", "{syscall: read, delay: 1s}", &d), 0);
	assert_int_equal(fl_rules_finish(set, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(set->rules[0].name, "rule 1");
	assert_string_equal(set->rules[1].name, "rule 2");
	assert_string_equal(set->rules[2].name, "rule 3");
	assert_string_equal(set->rules[2].file, "-e #1");
	fl_rule_set_free(set);
}

static void test_print(void **state)
{
	struct fl_diags d = { 0 };
	struct fl_rule_set *set = fl_rule_set_new();
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	assert_int_equal(load_str(set, "p.yaml", "rules:\n  - syscall: opn\n    error: EIO\n", &d), -EINVAL);
	assert_int_equal(fl_rules_finish(set, &d), -EINVAL);
	f = open_memstream(&buf, &size);
	assert_non_null(f);
	fl_diags_print(&d, f);
	fclose(f);
	assert_string_equal(buf,
			    "p.yaml:2:14: error: key 'syscall': unknown syscall 'opn'; did you mean 'open'?\n"
			    "<rules>: error: no rules: load a rule file or give an inline rule\n");
	free(buf);
	fl_diags_done(&d);
	fl_diags_done(&d); /* harmless twice */
	fl_rule_set_free(set);
	fl_rule_set_free(NULL);
}

/* ---- files ---- */

static char *write_temp(const char *data, size_t len)
{
	char *path = strdup("/tmp/fl-test-loader-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		assert_true(n > 0);
		data += n;
		len -= (size_t)n;
	}
	close(fd);
	return path;
}

static void test_files(void **state)
{
	static const char good[] = "rules:\n  - syscall: openat\n    error: ENOENT\n";
	static const char nul[] = "rules:\n  - syscall: openat\n    error: ENO\0ENT\n";
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };
	char *path, *big;
	size_t big_len = FL_MAX_RULE_FILE_SIZE + 1;

	path = write_temp(good, sizeof(good) - 1);
	assert_int_equal(fl_rules_load_file(set, path, &d), 0);
	assert_int_equal(set->n_rules, 1);
	assert_string_equal(set->rules[0].file, path);
	unlink(path);
	free(path);

	/* Over the limit by one byte, even if it were valid YAML (comments). */
	big = malloc(big_len);
	assert_non_null(big);
	memset(big, '#', big_len);
	big[big_len - 1] = '\n';
	path = write_temp(big, big_len);
	assert_int_equal(fl_rules_load_file(set, path, &d), -EFBIG);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, path);
	expect_diag(&d, 0, 0, "rule file is too large (the limit is 1048576 bytes)");
	fl_diags_done(&d);
	assert_int_equal(fl_rules_load_string(set, "big", big, big_len, &d), -EFBIG);
	expect_diag(&d, 0, 0, "too large");
	fl_diags_done(&d);
	unlink(path);
	free(path);
	free(big);

	path = write_temp(nul, sizeof(nul) - 1);
	assert_int_equal(fl_rules_load_file(set, path, &d), -EINVAL);
	assert_int_equal(d.n, 1);
	expect_diag(&d, 3, 15, "NUL byte");
	fl_diags_done(&d);
	unlink(path);
	free(path);

	assert_int_equal(fl_rules_load_file(set, "/tmp", &d), -EISDIR);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, "/tmp");
	expect_diag(&d, 0, 0, "cannot read rule file: Is a directory");
	fl_diags_done(&d);

	assert_int_equal(fl_rules_load_file(set, "/nonexistent/rules.yaml", &d), -ENOENT);
	expect_diag(&d, 0, 0, "cannot read rule file: No such file or directory");
	fl_diags_done(&d);

	assert_int_equal(set->n_rules, 1);
	assert_int_equal(set->n_sources, 1);
	fl_rule_set_free(set);
}

static void test_examples(void **state)
{
	static const char *const dirs[] = {
		FL_SOURCE_ROOT "/rules/examples/*.yaml", FL_SOURCE_ROOT "/rules/scenarios/*.yaml",
	};

	/*
	 * Every shipped example and scenario must load on its own, for every
	 * architecture faultline knows: rule files are shared between machines.
	 */
	for (const struct fl_arch *const *a = fl_arch_all(); *a; a++)
		for (size_t k = 0; k < FL_ARRAY_SIZE(dirs); k++) {
			glob_t g;

			fl_arch_select(*a);
			assert_int_equal(glob(dirs[k], 0, NULL, &g), 0);
			assert_true(g.gl_pathc >= 2);
			for (size_t i = 0; i < g.gl_pathc; i++) {
				struct fl_rule_set *set = fl_rule_set_new();
				struct fl_diags d = { 0 };

				if (fl_rules_load_file(set, g.gl_pathv[i], &d) != 0 ||
				    fl_rules_finish(set, &d) != 0) {
					dump_diags(&d);
					fail_msg("%s does not load on %s", g.gl_pathv[i], (*a)->name);
				}
				assert_true(set->n_rules > 0);
				fl_rule_set_free(set);
			}
			globfree(&g);
		}
	fl_arch_select(NULL);
}

/* The set keeps what each source said: the sweep re-emits rules from it. */
static void test_source_text(void **state)
{
	static const char file[] = "rules:\n  - syscall: openat\n    error: ENOENT\n"
				   "  - {syscall: read, error: EIO}\n";
	static const char inl[] = "{syscall: write, error: ENOSPC}";
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_rule hand = { .file = "x.yaml" };
	struct fl_rule_set bare = { .rules = &hand, .n_rules = 1 };
	struct fl_diags d = { 0 };
	const char *text = NULL;
	size_t len = 0;
	char *path;

	path = write_temp(file, sizeof(file) - 1);
	assert_int_equal(fl_rules_load_file(set, path, &d), 0);
	assert_int_equal(fl_rules_load_inline(set, "-e #1", inl, &d), 0);
	/* A source that does not load leaves no text behind. */
	assert_int_equal(fl_rules_load_inline(set, "-e #2", "{syscall: nope, error: EIO}", &d),
			 -EINVAL);
	fl_diags_done(&d);
	assert_int_equal(set->n_rules, 3);
	assert_int_equal(set->n_sources, 2);

	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(fl_rule_source_text(set, &set->rules[i], &text, &len), 0);
		assert_int_equal(len, sizeof(file) - 1);
		assert_memory_equal(text, file, len);
		assert_int_equal(text[len], '\0');
	}
	assert_int_equal(fl_rule_source_text(set, &set->rules[2], &text, &len), 0);
	assert_string_equal(text, inl);
	assert_int_equal(len, strlen(inl));

	/* Read once: the file may be gone (or a pipe) by the time a caller asks. */
	unlink(path);
	assert_int_equal(fl_rule_source_text(set, &set->rules[0], &text, &len), 0);
	assert_memory_equal(text, file, len);
	free(path);

	assert_int_equal(fl_rule_source_text(&bare, &hand, &text, &len), -ENOENT);
	fl_rule_set_free(set);
}

/* ---- rules shared between architectures ---- */

/* Load @yaml with warnings on, for architecture @arch (fl_arch_select). */
static int load_for(const char *arch, const char *yaml, struct fl_diags *d)
{
	struct fl_rule_set *set = fl_rule_set_new();
	int r;

	assert_non_null(set);
	assert_non_null(fl_arch_by_name(arch));
	fl_arch_select(fl_arch_by_name(arch));
	memset(d, 0, sizeof(*d));
	d->warnings = true;
	r = load_str(set, "t.yaml", yaml, d);
	fl_arch_select(NULL);
	fl_rule_set_free(set);
	return r;
}

static size_t count_severity(const struct fl_diags *d, enum fl_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		n += d->items[i].severity == sev;
	return n;
}

static size_t count_containing(const struct fl_diags *d, const char *substr)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		n += strstr(d->items[i].message, substr) != NULL;
	return n;
}

static void test_other_architecture_names(void **state)
{
	struct fl_diags d;

	(void)state;
	/* open: aarch64 has only openat. A warning naming it, at the name; the file loads. */
	assert_int_equal(load_for("aarch64", "rules:\n  - syscall: open\n    error: EIO\n", &d), 0);
	expect_diag(&d, 2, 14, "open is not a syscall of aarch64 (only of arm, x86_64, i386)");
	expect_diag(&d, 2, 14, "aarch64 programs make openat instead");
	assert_int_equal(count_severity(&d, FL_SEVERITY_ERROR), 0);
	fl_diags_done(&d);
	/* The same file on x86_64: nothing to say. */
	assert_int_equal(load_for("x86_64", "rules:\n  - syscall: open\n    error: EIO\n", &d), 0);
	assert_int_equal(count_containing(&d, "is not a syscall of"), 0);
	fl_diags_done(&d);
	/* Written for both: [open, openat] and [mkdir, mkdirat] are quiet on both. */
	assert_int_equal(load_for("aarch64", "rules: [{syscall: [open, openat, mkdir, mkdirat], "
				  "error: EIO}]\n", &d), 0);
	assert_int_equal(count_containing(&d, "is not a syscall of"), 0);
	fl_diags_done(&d);
	/* In a list, the warning points at the item. */
	assert_int_equal(load_for("aarch64", "rules: [{syscall: [read, pipe], error: EIO}]\n", &d), 0);
	expect_diag(&d, 1, 26, "pipe is not a syscall of aarch64");
	expect_diag(&d, 1, 26, "make pipe2 instead");
	fl_diags_done(&d);
	/* No name of the rule exists on any ABI here: an error. */
	assert_int_equal(load_for("x86_64", "rules: [{syscall: arm_fadvise64_64, error: EIO}]\n", &d),
			 -EINVAL);
	expect_diag(&d, 1, 19, "arm_fadvise64_64 is not a syscall of x86_64 (only of arm), "
		    "and no other syscall of this rule is");
	fl_diags_done(&d);
	/* A name no architecture has stays an error with a suggestion. */
	assert_int_equal(load_for("aarch64", "rules: [{syscall: opnat, error: EIO}]\n", &d), -EINVAL);
	expect_diag(&d, 1, 19, "unknown syscall 'opnat'; did you mean 'openat'?");
	fl_diags_done(&d);
}

static void test_replacements(void **state)
{
	static const struct {
		const char *legacy, *general;
	} rows[] = {
		{ "open", "openat" }, { "creat", "openat" }, { "unlink", "unlinkat" },
		{ "rmdir", "unlinkat" }, { "mkdir", "mkdirat" }, { "rename", "renameat" },
		{ "link", "linkat" }, { "symlink", "symlinkat" }, { "access", "faccessat" },
		{ "stat", "newfstatat" }, { "lstat", "newfstatat" }, { "poll", "ppoll" },
		{ "select", "pselect6" }, { "pipe", "pipe2" }, { "dup2", "dup3" },
		{ "fork", "clone" }, { "epoll_wait", "epoll_pwait" }, { "readlink", "readlinkat" },
		{ "chmod", "fchmodat" }, { "getdents", "getdents64" }, { "inotify_init", "inotify_init1" },
		{ "eventfd", "eventfd2" }, { "epoll_create", "epoll_create1" },
	};

	(void)state;
	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		const char *got = fl_syscall_replacement(AUDIT_ARCH_AARCH64, rows[i].legacy);

		/* The legacy name is x86_64's, the replacement aarch64's: libseccomp says so. */
		assert_true(fl_syscall_nr(AUDIT_ARCH_X86_64, rows[i].legacy) >= 0);
		assert_true(fl_syscall_nr(AUDIT_ARCH_AARCH64, rows[i].legacy) < 0);
		if (!got || strcmp(got, rows[i].general) != 0)
			fail_msg("%s: got %s, want %s", rows[i].legacy, got ? got : "NULL",
				 rows[i].general);
	}
	/* Nothing replaces a call with no counterpart. */
	assert_null(fl_syscall_replacement(AUDIT_ARCH_AARCH64, "uselib"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_delay_sides),
		cmocka_unit_test(test_per),
		cmocka_unit_test(test_crash_keys),
		cmocka_unit_test(test_poke),
		cmocka_unit_test(test_poke_lint),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_error_flood),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_unchanged_on_failure),
		cmocka_unit_test(test_seed_conflict),
		cmocka_unit_test(test_duplicate_names_across_loads),
		cmocka_unit_test(test_finish),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_source_text),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_other_architecture_names),
		cmocka_unit_test(test_replacements),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

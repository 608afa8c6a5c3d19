/* Unit tests for src/sys/names.c: syscall, errno, signal names, durations. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/audit.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <seccomp.h>

#include "faultline/arch.h"
#include "faultline/sys.h"
#include "faultline/base.h"

/* The ABIs faultline traces, as the loader and `list syscalls` pass them. */
#define ABIS fl_arch_list(NULL), abis_n()
/* The same with their number spans, as fl_syscall_foreach() and fl_syscall_suggest() take them. */
#define SPANS fl_arch_nr_spans(NULL), abis_n()
static size_t abis_n(void)
{
	size_t n;

	fl_arch_list(&n);
	return n;
}

static void test_arch_list(void **state)
{
	size_t n = 0;
	const uint32_t *a = fl_arch_list(&n);

	assert_int_equal(n, 2);
#if defined(__x86_64__)
	assert_int_equal(a[0], AUDIT_ARCH_X86_64);
	assert_int_equal(a[1], AUDIT_ARCH_I386);
	assert_string_equal(fl_arch_name(AUDIT_ARCH_X86_64), "x86_64");
	assert_string_equal(fl_arch_name(AUDIT_ARCH_I386), "i386");
	assert_null(fl_arch_name(AUDIT_ARCH_AARCH64));
#elif defined(__aarch64__)
	assert_int_equal(a[0], AUDIT_ARCH_AARCH64);
	assert_int_equal(a[1], AUDIT_ARCH_ARM);
	assert_string_equal(fl_arch_name(AUDIT_ARCH_AARCH64), "aarch64");
	assert_string_equal(fl_arch_name(AUDIT_ARCH_ARM), "arm");
	assert_null(fl_arch_name(AUDIT_ARCH_X86_64));
#else
#error "test_arch_list: the ABIs of this architecture"
#endif
	assert_null(fl_arch_name(0));
}

/*
 * A call only the host's compat ABI has, and a call of this architecture
 * the generic tables lack: known to the machine all the same.
 */
#if defined(__x86_64__)
#define COMPAT_ONLY "socketcall"       /* i386 only */
#define ARCH_CALL "arch_prctl"         /* x86's own */
#elif defined(__aarch64__)
#define COMPAT_ONLY "arm_fadvise64_64" /* arm only */
#define ARCH_CALL "newfstatat"         /* aarch64 only: arm has fstatat64 */
#endif

static const struct {
	uint32_t arch;
	const char *name;
	int nr; /* -1: not on this ABI */
} syscall_cases[] = {
	{ AUDIT_ARCH_X86_64, "read", 0 },
	{ AUDIT_ARCH_X86_64, "open", 2 },
	{ AUDIT_ARCH_X86_64, "openat", 257 },
	{ AUDIT_ARCH_X86_64, "exit_group", 231 },
	{ AUDIT_ARCH_X86_64, "close_range", 436 },
	{ AUDIT_ARCH_I386, "restart_syscall", 0 },
	{ AUDIT_ARCH_I386, "open", 5 },
	{ AUDIT_ARCH_I386, "openat", 295 },
	{ AUDIT_ARCH_I386, "socketcall", 102 },
	{ AUDIT_ARCH_I386, "close_range", 436 },
	/* Exists on i386 only: libseccomp gives a negative pseudo number. */
	{ AUDIT_ARCH_X86_64, "socketcall", -1 },
	{ AUDIT_ARCH_X86_64, "waitpid", -1 },
	/* Exists on x86_64 only. */
	{ AUDIT_ARCH_I386, "arch_prctl", 384 },
	{ AUDIT_ARCH_I386, "accept", -1 },
	{ AUDIT_ARCH_X86_64, "opn", -1 },
	{ AUDIT_ARCH_X86_64, "", -1 },
	/*
	 * Any ABI libseccomp knows resolves (for linting another machine's
	 * rules); which ABIs a run traces is arch's list (test_arch_list).
	 */
	{ AUDIT_ARCH_AARCH64, "openat", 56 },
	{ AUDIT_ARCH_AARCH64, "open", -1 },
	{ 0x12345678, "openat", -1 }, /* no such ABI */
};

static void test_syscall_nr_and_name(void **state)
{
	for (size_t i = 0; i < FL_ARRAY_SIZE(syscall_cases); i++) {
		const char *name = syscall_cases[i].name;
		uint32_t arch = syscall_cases[i].arch;
		int nr = syscall_cases[i].nr;

		if (fl_syscall_nr(arch, name) != nr)
			fail_msg("%s on %08x: got %d, want %d", name, arch, fl_syscall_nr(arch, name), nr);
		if (nr >= 0)
			assert_string_equal(fl_syscall_name(arch, nr), name);
	}
	assert_int_equal(fl_syscall_nr(AUDIT_ARCH_X86_64, NULL), -1);
	assert_null(fl_syscall_name(AUDIT_ARCH_X86_64, -1));
	assert_null(fl_syscall_name(AUDIT_ARCH_X86_64, 100000));
	assert_null(fl_syscall_name(AUDIT_ARCH_X86_64, 335)); /* gap in the x86_64 table */
	assert_string_equal(fl_syscall_name(AUDIT_ARCH_AARCH64, 0), "io_setup");
	assert_null(fl_syscall_name(0x12345678, 0));
	/* Static: the same pointer every time. */
	assert_ptr_equal(fl_syscall_name(AUDIT_ARCH_X86_64, 2), fl_syscall_name(AUDIT_ARCH_X86_64, 2));
}

/*
 * Names have no bound on the number: arm's private calls sit at __ARM_NR_BASE
 * (0x0f0000) and up, far above its table. A number without a name is NULL
 * however large.
 */
static void test_syscall_name_any_number(void **state)
{
	assert_string_equal(fl_syscall_name(AUDIT_ARCH_ARM, 983042), "cacheflush");
	assert_string_equal(fl_syscall_name(AUDIT_ARCH_ARM, 0x0f0001), "breakpoint");
	assert_string_equal(fl_syscall_name(AUDIT_ARCH_ARM, 0x0f0005), "set_tls");
	assert_int_equal(fl_syscall_nr(AUDIT_ARCH_ARM, "cacheflush"), 983042);
	assert_null(fl_syscall_name(AUDIT_ARCH_ARM, 0x0f07ff));
	assert_null(fl_syscall_name(AUDIT_ARCH_X86_64, 999999));
	assert_null(fl_syscall_name(AUDIT_ARCH_X86_64, INT_MAX));
	assert_null(fl_syscall_name(AUDIT_ARCH_ARM, INT_MAX));
	assert_null(fl_syscall_name(AUDIT_ARCH_X86_64, INT_MIN));
	/* Asked again (an unknown number is not kept): still NULL. */
	assert_null(fl_syscall_name(AUDIT_ARCH_X86_64, 999999));
}

/*
 * The kept names are libseccomp's, and stay where they are while more are
 * kept: a pointer handed out early is the one handed out after every
 * number of a table has been asked, twice.
 */
static void test_syscall_name_kept(void **state)
{
	const char *first = fl_syscall_name(AUDIT_ARCH_I386, 5);

	assert_string_equal(first, "open");
	for (int round = 0; round < 2; round++)
		for (int nr = 0; nr < 2048; nr++) {
			char *want = seccomp_syscall_resolve_num_arch(AUDIT_ARCH_I386, nr);
			const char *got = fl_syscall_name(AUDIT_ARCH_I386, nr);

			if (!want != !got || (want && strcmp(want, got) != 0))
				fail_msg("i386 %d: got %s, want %s", nr, got ? got : "NULL",
					 want ? want : "NULL");
			free(want);
		}
	assert_ptr_equal(fl_syscall_name(AUDIT_ARCH_I386, 5), first);
}

static void test_syscall_known(void **state)
{
	assert_true(fl_syscall_known(ABIS, "openat"));
	assert_true(fl_syscall_known(ABIS, COMPAT_ONLY));
	assert_true(fl_syscall_known(ABIS, ARCH_CALL));
	assert_false(fl_syscall_known(ABIS, "opn"));
	assert_false(fl_syscall_known(ABIS, ""));
	assert_false(fl_syscall_known(ABIS, "OPEN"));
}

struct collect {
	size_t n;
	const char *prev;
	bool sorted;
	bool has_openat, has_compat_only;
};

static void collect_syscall(const char *name, void *ud)
{
	struct collect *c = ud;

	if (c->prev && strcmp(c->prev, name) >= 0)
		c->sorted = false;
	c->prev = name;
	c->n++;
	if (strcmp(name, "openat") == 0)
		c->has_openat = true;
	if (strcmp(name, COMPAT_ONLY) == 0)
		c->has_compat_only = true;
}

static void test_syscall_foreach(void **state)
{
	struct collect c = { .sorted = true };

	fl_syscall_foreach(SPANS, collect_syscall, &c);
	/* Sorted strictly ascending means unique too. */
	assert_true(c.sorted);
	assert_true(c.has_openat);
	assert_true(c.has_compat_only);
	assert_in_range(c.n, 400, 1000);
}

static void has_name(const char *name, void *ud)
{
	struct { const char *want; bool seen; } *h = ud;

	if (strcmp(name, h->want) == 0)
		h->seen = true;
}

/*
 * `faultline list syscalls` and "did you mean" for an architecture whose
 * ABI has calls above its table: arm's private calls, under aarch64 (as
 * `check --arch aarch64` selects it on any host).
 */
static void test_syscall_foreach_private_range(void **state)
{
	struct { const char *want; bool seen; } h = { "cacheflush", false };

	fl_arch_select(fl_arch_by_name("aarch64"));
	fl_syscall_foreach(SPANS, has_name, &h);
	assert_true(h.seen);
	assert_string_equal(fl_syscall_suggest(SPANS, "cachflush"), "cacheflush");
	assert_string_equal(fl_syscall_suggest(SPANS, "set_tsl"), "set_tls");
	fl_arch_select(NULL);
}

static void test_errno_names(void **state)
{
	static const struct {
		const char *name;
		int err;
	} cases[] = {
		{ "ENOENT", ENOENT },
		{ "EPERM", 1 },
		{ "EACCES", EACCES },
		{ "EAGAIN", EAGAIN },
		{ "EWOULDBLOCK", EAGAIN }, /* alias glibc does not name */
		{ "ENOTSUP", EOPNOTSUPP },
		{ "EHWPOISON", 133 },
		{ "2", 2 },
		{ "1", 1 },
		{ "4095", 4095 },
		{ "4096", -1 },
		{ "0", -1 },
		{ "-2", -1 },
		{ "02", -1 },
		{ "2x", -1 },
		{ "", -1 },
		{ "enoent", -1 },
		{ "ENOENTT", -1 },
		{ "99999999999999999999999", -1 },
	};

	for (size_t i = 0; i < FL_ARRAY_SIZE(cases); i++) {
		int got = fl_errno_from_name(cases[i].name);

		if (got != cases[i].err)
			fail_msg("'%s': got %d, want %d", cases[i].name, got, cases[i].err);
	}
	assert_int_equal(fl_errno_from_name(NULL), -1);

	assert_string_equal(fl_errno_name(ENOENT), "ENOENT");
	assert_string_equal(fl_errno_name(1), "EPERM");
	assert_string_equal(fl_errno_name(EAGAIN), "EAGAIN");
	assert_null(fl_errno_name(0));
	assert_null(fl_errno_name(-1));
	assert_null(fl_errno_name(4095)); /* valid errno value, but nameless */
	assert_null(fl_errno_name(4096));
}

struct errno_collect {
	size_t n;
	int prev;
	bool ascending, saw_enoent;
};

static void collect_errno(int err, const char *name, void *ud)
{
	struct errno_collect *c = ud;

	if (err <= c->prev)
		c->ascending = false;
	c->prev = err;
	c->n++;
	if (err == ENOENT && strcmp(name, "ENOENT") == 0)
		c->saw_enoent = true;
}

static void test_errno_foreach(void **state)
{
	struct errno_collect c = { .ascending = true };

	fl_errno_foreach(collect_errno, &c);
	assert_true(c.ascending);
	assert_true(c.saw_enoent);
	assert_in_range(c.n, 100, 200);
}

static void test_signal_names(void **state)
{
	static const struct {
		const char *name;
		int sig;
	} cases[] = {
		{ "SIGTERM", SIGTERM },
		{ "TERM", SIGTERM },
		{ "SIGKILL", SIGKILL },
		{ "SEGV", SIGSEGV },
		{ "SIGIO", SIGIO },
		{ "SIGPOLL", SIGIO },
		{ "SIGIOT", SIGABRT },
		{ "SIGCLD", SIGCHLD },
		{ "SIGSYS", SIGSYS },
		{ "SIGRTMIN", -2 },   /* filled in below: SIGRTMIN is a function call */
		{ "SIGRTMIN+3", -3 },
		{ "RTMIN+3", -3 },
		{ "SIGRTMAX", -4 },
		{ "SIGRTMAX-1", -5 },
		{ "15", SIGTERM },
		{ "SIGRTMIN+99", -1 },
		{ "SIGRTMIN-1", -1 },
		{ "SIGRTMIN+", -1 },
		{ "SIGRTMINX", -1 },
		{ "SIGTERMX", -1 },
		{ "sigterm", -1 },
		{ "SIG", -1 },
		{ "", -1 },
		{ "0", -1 },
		{ "32", -1 }, /* glibc's own, nameless */
		{ "65", -1 },
	};

	for (size_t i = 0; i < FL_ARRAY_SIZE(cases); i++) {
		int want = cases[i].sig;

		if (want == -2)
			want = SIGRTMIN;
		else if (want == -3)
			want = SIGRTMIN + 3;
		else if (want == -4)
			want = SIGRTMAX;
		else if (want == -5)
			want = SIGRTMAX - 1;
		if (fl_signal_from_name(cases[i].name) != want)
			fail_msg("'%s': got %d, want %d", cases[i].name,
				 fl_signal_from_name(cases[i].name), want);
	}

	assert_string_equal(fl_signal_name(SIGTERM), "SIGTERM");
	assert_string_equal(fl_signal_name(SIGSEGV), "SIGSEGV");
	assert_string_equal(fl_signal_name(SIGHUP), "SIGHUP");
	assert_string_equal(fl_signal_name(SIGRTMIN), "SIGRTMIN");
	assert_string_equal(fl_signal_name(SIGRTMIN + 3), "SIGRTMIN+3");
	assert_string_equal(fl_signal_name(SIGRTMAX), "SIGRTMAX");
	assert_null(fl_signal_name(0));
	assert_null(fl_signal_name(32));
	assert_null(fl_signal_name(SIGRTMAX + 1));
	/* Round trip for every named signal. */
	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		const char *name = fl_signal_name(sig);

		if (name)
			assert_int_equal(fl_signal_from_name(name), sig);
	}
}

static void test_durations(void **state)
{
	static const struct {
		const char *text;
		int ret;
		uint64_t ns;
	} cases[] = {
		{ "250ms", 0, 250000000 },
		{ "1.5s", 0, 1500000000 },
		{ "10us", 0, 10000 },
		{ "100ns", 0, 100 },
		{ "0s", 0, 0 },
		{ "0ns", 0, 0 },
		{ "2s", 0, 2000000000 },
		{ "0.000000001s", 0, 1 },
		{ "1.0000000000s", 0, 1000000000 }, /* zeros below 1ns are exact */
		{ "0.5ms", 0, 500000 },
		{ "1.25us", 0, 1250 },
		{ "007ms", 0, 7000000 },
		{ "18446744073.709551615s", 0, UINT64_MAX },
		{ "18446744073709551615ns", 0, UINT64_MAX },
		{ "18446744073709551616ns", -ERANGE, 0 },
		{ "18446744074s", -ERANGE, 0 },
		{ "18446744073.709551616s", -ERANGE, 0 },
		{ "99999999999999999999999s", -ERANGE, 0 },
		{ "0.0000000001s", -EINVAL, 0 }, /* below 1ns */
		{ "1.5ns", -EINVAL, 0 },
		{ "250", -EINVAL, 0 },
		{ "ms", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "-1s", -EINVAL, 0 },
		{ "+1s", -EINVAL, 0 },
		{ ".5s", -EINVAL, 0 },
		{ "1.s", -EINVAL, 0 },
		{ "1 s", -EINVAL, 0 },
		{ " 1s", -EINVAL, 0 },
		{ "1s ", -EINVAL, 0 },
		{ "1sec", -EINVAL, 0 },
		{ "1m", -EINVAL, 0 },
		{ "1h", -EINVAL, 0 },
		{ "1MS", -EINVAL, 0 },
		{ "10 parsecs", -EINVAL, 0 },
		{ "1e3ms", -EINVAL, 0 },
		{ "0x10ms", -EINVAL, 0 },
	};

	for (size_t i = 0; i < FL_ARRAY_SIZE(cases); i++) {
		uint64_t ns = 12345;
		int r;

		r = fl_duration_parse(cases[i].text, &ns);
		if (r != cases[i].ret)
			fail_msg("'%s': returned %d, want %d", cases[i].text, r, cases[i].ret);
		/* Untouched on error. */
		if (ns != (r == 0 ? cases[i].ns : 12345))
			fail_msg("'%s': got %" PRIu64 " ns, want %" PRIu64, cases[i].text, ns,
				 r == 0 ? cases[i].ns : 12345);
	}
	assert_int_equal(fl_duration_parse(NULL, &(uint64_t){ 0 }), -EINVAL);
}

static void test_did_you_mean(void **state)
{
	static const char *const keys[] = { "name", "syscall", "error", "retval", "delay",
					    "phase", "after", "every", "times", "probability" };

	assert_string_equal(fl_did_you_mean("erorr", keys, FL_ARRAY_SIZE(keys)), "error");
	assert_string_equal(fl_did_you_mean("sycall", keys, FL_ARRAY_SIZE(keys)), "syscall");
	assert_string_equal(fl_did_you_mean("probablity", keys, FL_ARRAY_SIZE(keys)), "probability");
	assert_string_equal(fl_did_you_mean("Delay", keys, FL_ARRAY_SIZE(keys)), "delay");
	assert_string_equal(fl_did_you_mean("tmies", keys, FL_ARRAY_SIZE(keys)), "times");
	assert_null(fl_did_you_mean("xyzzy", keys, FL_ARRAY_SIZE(keys)));
	assert_null(fl_did_you_mean("", keys, FL_ARRAY_SIZE(keys)));
	assert_null(fl_did_you_mean("ab", keys, FL_ARRAY_SIZE(keys)));
	assert_null(fl_did_you_mean("error", keys, 0));
	assert_null(fl_did_you_mean(NULL, keys, FL_ARRAY_SIZE(keys)));

	assert_string_equal(fl_syscall_suggest(SPANS, "opn"), "open");
	assert_string_equal(fl_syscall_suggest(SPANS, "opneat"), "openat");
	assert_string_equal(fl_syscall_suggest(SPANS, "OPENAT"), "openat");
	assert_null(fl_syscall_suggest(SPANS, "xyzzy"));
	assert_null(fl_syscall_suggest(SPANS, "a_name_far_longer_than_any_syscall_name_could_ever_be_at_all_really"));

	assert_string_equal(fl_errno_suggest("ENOENTT"), "ENOENT");
	assert_string_equal(fl_errno_suggest("EACESS"), "EACCES");
	assert_string_equal(fl_errno_suggest("enoent"), "ENOENT");
	assert_string_equal(fl_errno_suggest("EWOULDBLOK"), "EWOULDBLOCK");
	assert_null(fl_errno_suggest("xyzzy"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arch_list),
		cmocka_unit_test(test_syscall_nr_and_name),
		cmocka_unit_test(test_syscall_name_any_number),
		cmocka_unit_test(test_syscall_name_kept),
		cmocka_unit_test(test_syscall_known),
		cmocka_unit_test(test_syscall_foreach),
		cmocka_unit_test(test_syscall_foreach_private_range),
		cmocka_unit_test(test_errno_names),
		cmocka_unit_test(test_errno_foreach),
		cmocka_unit_test(test_signal_names),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_did_you_mean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

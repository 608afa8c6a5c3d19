/*
 * The shared argument-kind table: sorted (bsearch), known to libseccomp,
 * and internally consistent (a dirfd is followed by its path, a socket
 * address by its length, an iovec by its count), since the matcher relies
 * on those pairs.
 */
#include <linux/audit.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "faultline/arch.h"
#include "faultline/sys.h"
#include "faultline/base.h"
#include "host_abi.h"

#if defined(__x86_64__)
/* The ABIs faultline traces, as the loader and `list syscalls` pass them. */
#define ABIS fl_arch_list(NULL), abis_n()
static size_t abis_n(void)
{
	size_t n;

	fl_arch_list(&n);
	return n;
}
#endif

/*
 * Whether @name is a syscall of some ABI of some architecture faultline
 * knows: the table is shared by all of them (select is x86's only).
 */
static bool known_anywhere(const char *name)
{
	const struct fl_arch *const *all = fl_arch_all();

	for (size_t a = 0; all[a]; a++)
		for (size_t k = 0; k < all[a]->n_abis; k++)
			if (fl_syscall_nr(all[a]->abis[k].audit_arch, name) >= 0)
				return true;
	return false;
}

static void test_table_shape(void **state)
{
	static const char kinds[] = "PTDFIOMmAULXECVNSsHpfogw";
	size_t n;
	const struct fl_sysinfo *t = fl_sysinfo_table(&n);

	assert_true(n > 100);
	for (size_t i = 0; i < n; i++) {
		const char *a = t[i].args;
		size_t len = strlen(a);

		if (i && strcmp(t[i - 1].name, t[i].name) >= 0)
			fail_msg("%s before %s: table not sorted", t[i - 1].name, t[i].name);
		if (!known_anywhere(t[i].name))
			fail_msg("%s: not a syscall on any ABI", t[i].name);
#if defined(__x86_64__)
		/* Every entry is one of x86_64's or i386's. */
		if (!fl_syscall_known(ABIS, t[i].name))
			fail_msg("%s: not a syscall of this machine's ABIs", t[i].name);
#endif
		if (len > 6)
			fail_msg("%s: more than six arguments", t[i].name);
		for (size_t k = 0; k < len; k++) {
			if (!strchr(kinds, a[k]))
				fail_msg("%s: unknown kind '%c'", t[i].name, a[k]);
			if (a[k] == FL_ARG_DIRFD && a[k + 1] != FL_ARG_PATH)
				fail_msg("%s: dirfd not followed by a path", t[i].name);
			if (a[k] == FL_ARG_SOCKADDR && a[k + 1] != FL_ARG_SOCKLEN)
				fail_msg("%s: sockaddr not followed by its length", t[i].name);
			if (a[k] == FL_ARG_IOVEC && a[k + 1] != FL_ARG_IOVCNT)
				fail_msg("%s: iovec not followed by its count", t[i].name);
			if (a[k] == FL_ARG_CREAT_MODE && (k == 0 || a[k - 1] != FL_ARG_OPEN_FLAGS))
				fail_msg("%s: creat mode without open flags before it", t[i].name);
			if (a[k] == FL_ARG_AT_FLAGS && !strchr(a, FL_ARG_DIRFD))
				fail_msg("%s: AT_* flags without a dirfd", t[i].name);
		}
		assert_ptr_equal(fl_sysinfo_find(t[i].name), &t[i]);
	}
}

static void test_lookup(void **state)
{
	static const struct {
		const char *name;
		unsigned nargs;
		unsigned caps;
	} rows[] = {
		{ "getpid", 0, 0 },
		{ "openat", 4, FL_SYS_PATH },
		{ "read", 3, FL_SYS_FD | FL_SYS_COUNT },
		{ "readv", 3, FL_SYS_FD | FL_SYS_COUNT },
		{ "connect", 3, FL_SYS_FD | FL_SYS_SOCKADDR },
		{ "sendto", 6, FL_SYS_FD | FL_SYS_SOCKADDR | FL_SYS_COUNT },
		{ "sendmsg", 3, FL_SYS_FD | FL_SYS_SOCKADDR },
		/* recvfrom's address is written by the kernel: nothing to filter on. */
		{ "recvfrom", 6, FL_SYS_FD | FL_SYS_COUNT },
		{ "symlink", 2, FL_SYS_PATH },
		{ "getrandom", 3, FL_SYS_COUNT },
		{ "rename", 2, FL_SYS_PATH },
	};

	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		const struct fl_sysinfo *si = fl_sysinfo_find(rows[i].name);

		assert_non_null(si);
		assert_int_equal(fl_sysinfo_nargs(si), rows[i].nargs);
		if (fl_sysinfo_caps(si) != rows[i].caps)
			fail_msg("%s: caps %#x, want %#x", rows[i].name, fl_sysinfo_caps(si),
				 rows[i].caps);
	}
	assert_null(fl_sysinfo_find("no_such_call"));
	assert_null(fl_sysinfo_find(NULL));
	assert_int_equal(fl_sysinfo_caps(NULL), 0);
	assert_int_equal(fl_sysinfo_nargs(NULL), 0);

	/* By number, per ABI. */
	assert_string_equal(fl_sysinfo_of(native_abi(), SYS_openat)->name, "openat");
#if defined(__x86_64__)
	assert_string_equal(fl_sysinfo_of(AUDIT_ARCH_I386, 295)->name, "openat");
#elif defined(__aarch64__)
	assert_string_equal(fl_sysinfo_of(AUDIT_ARCH_ARM, 322)->name, "openat");
#endif
	assert_null(fl_sysinfo_of(native_abi(), 100000));

	/* Argument search. */
	assert_int_equal(fl_sysinfo_arg(fl_sysinfo_find("renameat"), FL_ARG_PATH, 0), 1);
	assert_int_equal(fl_sysinfo_arg(fl_sysinfo_find("renameat"), FL_ARG_PATH, 2), 3);
	assert_int_equal(fl_sysinfo_arg(fl_sysinfo_find("renameat"), FL_ARG_PATH, 4), -1);
	assert_int_equal(fl_sysinfo_arg(fl_sysinfo_find("symlinkat"), FL_ARG_PATH, 0), 2);
	assert_int_equal(fl_sysinfo_arg(fl_sysinfo_find("getpid"), FL_ARG_FD, 0), -1);
	assert_int_equal(fl_sysinfo_arg(NULL, FL_ARG_FD, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

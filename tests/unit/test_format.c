/*
 * Argument formatting: a call plus fake tracee memory in, the text of a log
 * line's argument list out. Syscall names come from names.c (libseccomp);
 * the tracee is simulated by a table of strings at made-up addresses.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "faultline/sys.h"
#include "faultline/arch.h"
#include "faultline/report.h"
#include "faultline/base.h"
#include "host_abi.h"

#define ADDR_CONF 0x1000
#define ADDR_ESC 0x2000
#define ADDR_X 0x3000
#define ADDR_LONG 0x4000   /* 5000 x 'a' */
#define ADDR_EXACT 0x5000  /* 4096 x 'b' */
#define ADDR_B 0x6000
#define ADDR_TMP 0x7000
#define ADDR_BAD 0xdead000 /* not mapped */

static char long_path[5001];
static char exact_path[4097];

static const struct {
	uint64_t addr;
	const char *str;
} memory[] = {
	{ ADDR_CONF, "/etc/app.conf" },
	{ ADDR_ESC, "a\n\t\"\\b\x01\x7f\xff" },
	{ ADDR_X, "x" },
	{ ADDR_LONG, long_path },
	{ ADDR_EXACT, exact_path },
	{ ADDR_B, "b" },
	{ ADDR_TMP, "/tmp" },
};

static int reads; /* how many times the callback ran */

/* As the tracer's reader: at most size-1 bytes, NUL-terminated, its length. */
static ssize_t fake_read(void *ud, uint64_t addr, char *buf, size_t size)
{
	reads++;
	assert_ptr_equal(ud, &reads);
	for (size_t i = 0; i < FL_ARRAY_SIZE(memory); i++) {
		if (memory[i].addr != addr)
			continue;
		size_t len = strnlen(memory[i].str, size - 1);

		memcpy(buf, memory[i].str, len);
		buf[len] = '\0';
		return (ssize_t)len;
	}
	return -EFAULT;
}

#define AT_FDCWD64 ((uint64_t)(int64_t)-100)

/*
 * The rows are the host's calls: its native ABI (x86_64, aarch64) and its
 * 32-bit compat ABI (i386, arm), indexes into fl_arch_host()->abis. The O_*
 * flags are glibc's, which are the host's kernel values, but for
 * O_LARGEFILE: glibc's is 0 on 64-bit builds; the kernel's is
 * asm-generic's on x86 and its own on arm and arm64 (asm/fcntl.h), the
 * same for both ABIs of a machine.
 */
#define NATIVE 0
#define COMPAT 1
/*
 * The legacy calls (open, creat, rename, symlink): the native ABI's where
 * it has them (x86_64), the compat ABI's where only it has them (aarch64
 * has only the *at forms; AArch32 programs call open and friends).
 */
#ifdef SYS_open
#define LEGACY NATIVE
#else
#define LEGACY COMPAT
#endif
#if defined(__x86_64__)
#define KERNEL_O_LARGEFILE 0100000
#elif defined(__aarch64__)
#define KERNEL_O_LARGEFILE 0400000
#else
#error "KERNEL_O_LARGEFILE: see asm/fcntl.h"
#endif

/*
 * A row names its call (resolved for the row's ABI by libseccomp, so the
 * table does not depend on the host's SYS_* numbers), or gives a number
 * no ABI has (name NULL).
 */
struct format_row {
	unsigned abi; /* NATIVE or COMPAT */
	const char *name;
	int nr;
	uint64_t args[6];
	const char *want;
	const char *want_path; /* NULL: *ret_has_path must be false */
};

static const struct format_row rows[] = {
	/* The example. */
	{ NATIVE, "openat", 0, { AT_FDCWD64, ADDR_CONF, O_RDONLY },
	  "AT_FDCWD, \"/etc/app.conf\", O_RDONLY", "/etc/app.conf" },
	/* AT_FDCWD as a zero-extended 32-bit value still reads as AT_FDCWD. */
	{ NATIVE, "openat", 0, { 0xffffff9c, ADDR_CONF, O_RDONLY | O_CLOEXEC },
	  "AT_FDCWD, \"/etc/app.conf\", O_RDONLY|O_CLOEXEC", "/etc/app.conf" },
	/* Mode only shown with O_CREAT / O_TMPFILE. */
	{ NATIVE, "openat", 0, { AT_FDCWD64, ADDR_X, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644 },
	  "AT_FDCWD, \"x\", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644", "x" },
	{ NATIVE, "openat", 0, { AT_FDCWD64, ADDR_TMP, O_RDWR | O_TMPFILE, 0600 },
	  "AT_FDCWD, \"/tmp\", O_RDWR|O_TMPFILE, 0600", "/tmp" },
	{ LEGACY, "open", 0, { ADDR_X, O_WRONLY | O_SYNC | O_APPEND, 0777 },
	  "\"x\", O_WRONLY|O_SYNC|O_APPEND", "x" },
	{ LEGACY, "open", 0, { ADDR_X, O_RDWR | O_DSYNC | O_NONBLOCK | O_EXCL | O_NOFOLLOW },
	  "\"x\", O_RDWR|O_EXCL|O_NONBLOCK|O_DSYNC|O_NOFOLLOW", "x" },
	{ LEGACY, "open", 0, { ADDR_X, KERNEL_O_LARGEFILE | O_PATH | O_NOATIME | O_DIRECT },
	  "\"x\", O_RDONLY|O_DIRECT|O_LARGEFILE|O_NOATIME|O_PATH", "x" },
	{ NATIVE, "openat", 0, { AT_FDCWD64, ADDR_X, O_SYNC | KERNEL_O_LARGEFILE | O_NOFOLLOW |
				 O_DIRECT | O_NOATIME | O_PATH },
	  "AT_FDCWD, \"x\", O_RDONLY|O_SYNC|O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_PATH", "x" },
	/* Unknown bits as hex; access mode 3 isn't one. */
	{ LEGACY, "open", 0, { ADDR_X, O_RDWR | 0x80000000u },
	  "\"x\", O_RDWR|0x80000000", "x" },
	{ LEGACY, "open", 0, { ADDR_X, 3 | O_CREAT, 0 }, "\"x\", O_CREAT|0x3, 0", "x" },
	/* Escapes: \n \t \" \\ and \xNN for the rest. ret_path stays raw. */
	{ LEGACY, "open", 0, { ADDR_ESC, O_RDONLY },
	  "\"a\\n\\t\\\"\\\\b\\x01\\x7f\\xff\", O_RDONLY", "a\n\t\"\\b\x01\x7f\xff" },
	/* Unreadable pointer: its address; NULL: NULL. Neither is a path. */
	{ NATIVE, "openat", 0, { 3, ADDR_BAD, O_RDONLY | O_DIRECTORY },
	  "3, 0xdead000, O_RDONLY|O_DIRECTORY", NULL },
	{ LEGACY, "open", 0, { 0, O_RDONLY }, "NULL, O_RDONLY", NULL },
	{ LEGACY, "creat", 0, { ADDR_X, 0600 }, "\"x\", 0600", "x" },
	{ NATIVE, "mkdirat", 0, { 7, ADDR_X, 0755 }, "7, \"x\", 0755", "x" },
	/* Only the first path is "the" path, even when it can't be read. */
	{ NATIVE, "renameat2", 0, { AT_FDCWD64, ADDR_X, 5, ADDR_B, 1 },
	  "AT_FDCWD, \"x\", 5, \"b\", 0x1", "x" },
	{ LEGACY, "rename", 0, { ADDR_BAD, ADDR_B }, "0xdead000, \"b\"", NULL },
	{ NATIVE, "unlinkat", 0, { AT_FDCWD64, ADDR_X, 0x200 }, "AT_FDCWD, \"x\", 0x200", "x" },
	/* symlink's target is printed but is not the call's path: the link is. */
	{ LEGACY, "symlink", 0, { ADDR_X, ADDR_B }, "\"x\", \"b\"", "b" },
	{ NATIVE, "symlinkat", 0, { ADDR_X, AT_FDCWD64, ADDR_BAD }, "\"x\", AT_FDCWD, 0xdead000", NULL },
	{ NATIVE, "execve", 0, { ADDR_CONF, 0x7ffc1000, 0 },
	  "\"/etc/app.conf\", 0x7ffc1000, NULL", "/etc/app.conf" },
	/* fds, sizes, pointers, offsets */
	{ NATIVE, "read", 0, { 3, 0x7ffd0000, 4096 }, "3, 0x7ffd0000, 4096", NULL },
	{ NATIVE, "write", 0, { 1, 0x5000, UINT64_MAX }, "1, 0x5000, 18446744073709551615", NULL },
	{ NATIVE, "close", 0, { 0xffffffff }, "-1", NULL },
	{ NATIVE, "close", 0, { UINT64_MAX }, "-1", NULL },
	{ NATIVE, "lseek", 0, { 3, (uint64_t)-1, 2 }, "3, -1, 2", NULL },
	{ NATIVE, "pread64", 0, { 4, 0x10, 8, 1 << 20 }, "4, 0x10, 8, 1048576", NULL },
	/* Flag arguments by glibc's names, an unknown rest in hex. */
	{ NATIVE, "mmap", 0, { 0, 4096, 3, 0x22, (uint64_t)-1, 0 },
	  "NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0", NULL },
	{ NATIVE, "mmap", 0, { 0x7f0000000000, 8192, 0, 0x80000011, 3, 4096 },
	  "0x7f0000000000, 8192, PROT_NONE, MAP_SHARED|MAP_FIXED|0x80000000, 3, 4096", NULL },
	{ NATIVE, "mmap", 0, { 0, 4096, 5, 3, 3, 0 },
	  "NULL, 4096, PROT_READ|PROT_EXEC, MAP_SHARED_VALIDATE, 3, 0", NULL },
	{ NATIVE, "mprotect", 0, { 0x1000, 4096, 1 }, "0x1000, 4096, PROT_READ", NULL },
	{ NATIVE, "pipe2", 0, { 0x2000, 02004000 }, "0x2000, O_CLOEXEC|O_NONBLOCK", NULL },
	{ NATIVE, "dup3", 0, { 3, 4, 0 }, "3, 4, 0", NULL },
	{ NATIVE, "sendto", 0, { 5, 0x2000, 10, 0x4040, 0, 0 },
	  "5, 0x2000, 10, MSG_DONTWAIT|MSG_NOSIGNAL, NULL, 0", NULL },
	{ NATIVE, "wait4", 0, { (uint64_t)-1, 0x2000, 0x40000001, 0 }, "-1, 0x2000, WNOHANG|__WALL, NULL",
	  NULL },
	{ NATIVE, "fchmod", 0, { 3, 04755 }, "3, 04755", NULL },
	{ NATIVE, "getpid", 0, { 1, 2, 3 }, "", NULL },
	{ NATIVE, "exit_group", 0, { 3 }, "3", NULL },
	{ NATIVE, "socket", 0, { 2, 1, 0 }, "2, 1, 0", NULL },
	/* Not in the table (getuid) and no such syscall (999): six hex registers. */
	{ NATIVE, "getuid", 0, { 0, 1, 0x10, 0, 0, UINT64_MAX },
	  "0, 0x1, 0x10, 0, 0, 0xffffffffffffffff", NULL },
	{ NATIVE, NULL, 999, { 0, 1, 2, 3, 4, 5 }, "0, 0x1, 0x2, 0x3, 0x4, 0x5", NULL },
	/* The compat ABI (i386, arm): own numbers, 32-bit registers. */
	{ COMPAT, "openat", 0, { 0xffffff9c, ADDR_CONF, O_RDONLY | KERNEL_O_LARGEFILE },
	  "AT_FDCWD, \"/etc/app.conf\", O_RDONLY|O_LARGEFILE", "/etc/app.conf" },
	{ COMPAT, "open", 0, { ADDR_X | 0xabcd00000000ULL, O_RDONLY },
	  "\"x\", O_RDONLY", "x" },
	{ COMPAT, "lseek", 0, { 3, 0xffffffff, 0 }, "3, -1, 0", NULL },
	{ COMPAT, "close", 0, { 0xffffffff }, "-1", NULL },
};

static void test_rows(void **state)
{
	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		const struct format_row *row = &rows[i];
		struct fl_call call = { .arch = fl_arch_host()->abis[row->abi].audit_arch,
					.pid = 1, .tid = 1 };
		char buf[512], path[256];
		bool has_path = true;
		size_t n;

		call.nr = row->name ? fl_syscall_nr(call.arch, row->name) : row->nr;
		assert_true(call.nr >= 0);
		memcpy(call.args, row->args, sizeof(call.args));
		/* As src/arch reads a call: each argument cut to its ABI's width. */
		for (int a = 0; a < 6; a++)
			call.args[a] = fl_abi_arg(call.arch, call.args[a]);
		memset(path, 'Z', sizeof(path));
		n = fl_format_args(&call, fake_read, &reads, buf, sizeof(buf), path,
				   sizeof(path), &has_path);
		if (strcmp(buf, row->want) != 0)
			fail_msg("row %zu (%s): got [%s], want [%s]", i, row->name ? row->name : "?", buf, row->want);
		assert_int_equal(n, strlen(row->want));
		if (row->want_path) {
			assert_true(has_path);
			assert_string_equal(path, row->want_path);
		} else {
			if (has_path)
				fail_msg("row %zu: unexpected path [%s]", i, path);
			assert_string_equal(path, "");
		}
	}
}

static void test_long_path(void **state)
{
	uint32_t arch = fl_arch_host()->abis[LEGACY].audit_arch;
	struct fl_call call = { .arch = arch, .nr = fl_syscall_nr(arch, "open"),
				.args = { ADDR_LONG, O_RDONLY } };
	static char buf[8192], path[8192];
	char want[8192];
	bool has_path;
	size_t n;

	n = fl_format_args(&call, fake_read, &reads, buf, sizeof(buf), path, sizeof(path),
			   &has_path);
	snprintf(want, sizeof(want), "\"%.4096s\"..., O_RDONLY", long_path);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
	assert_true(has_path);
	/* The raw path holds what was read: the shown part and one byte more at most. */
	assert_true(strlen(path) >= 4096);
	assert_memory_equal(path, long_path, 4096);

	/* Exactly 4096 bytes is shown whole. */
	call.args[0] = ADDR_EXACT;
	fl_format_args(&call, fake_read, &reads, buf, sizeof(buf), path, sizeof(path), &has_path);
	snprintf(want, sizeof(want), "\"%s\", O_RDONLY", exact_path);
	assert_string_equal(buf, want);
	assert_string_equal(path, exact_path);
}

/* snprintf contract: truncated output, full length returned; small path buffer. */
static void test_truncation(void **state)
{
	struct fl_call call = { .arch = native_abi(), .nr = fl_syscall_nr(native_abi(), "openat"),
				.args = { AT_FDCWD64, ADDR_CONF, O_RDONLY } };
	const char *want = "AT_FDCWD, \"/etc/app.conf\", O_RDONLY";
	char buf[64], path[5];
	bool has_path;

	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(fl_format_args(&call, fake_read, &reads, buf, 10, path, sizeof(path),
					&has_path),
			 strlen(want));
	assert_string_equal(buf, "AT_FDCWD,");
	assert_int_equal(buf[10], 'Z');
	assert_true(has_path);
	assert_string_equal(path, "/etc");

	/* Measuring only: no buffers at all. */
	assert_int_equal(fl_format_args(&call, fake_read, &reads, NULL, 0, NULL, 0, NULL),
			 strlen(want));
	for (size_t size = 1; size < sizeof(buf); size++) {
		fl_format_args(&call, fake_read, &reads, buf, size, NULL, 0, NULL);
		assert_int_equal(strlen(buf), size - 1 < strlen(want) ? size - 1 : strlen(want));
		assert_memory_equal(buf, want, strlen(buf));
	}
}

/* Without a reader paths print as addresses and nothing is read. */
static void test_no_reader(void **state)
{
	struct fl_call call = { .arch = native_abi(), .nr = fl_syscall_nr(native_abi(), "openat"),
				.args = { AT_FDCWD64, ADDR_CONF, O_RDONLY } };
	char buf[128], path[16] = "junk";
	bool has_path = true;
	int before = reads;

	fl_format_args(&call, NULL, NULL, buf, sizeof(buf), path, sizeof(path), &has_path);
	assert_string_equal(buf, "AT_FDCWD, 0x1000, O_RDONLY");
	assert_false(has_path);
	assert_string_equal(path, "");
	assert_int_equal(reads, before);
}

static void test_cstring(void **state)
{
	char buf[64];

	assert_int_equal(fl_format_cstring(buf, sizeof(buf), "a\"b\\c\r\v\f\x1b\x80", 10), 23);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\r\\v\\f\\x1b\\x80\"");
	/* Embedded NUL is a byte like any other. */
	assert_int_equal(fl_format_cstring(buf, sizeof(buf), "a\0b", 3), 8);
	assert_string_equal(buf, "\"a\\x00b\"");
	assert_int_equal(fl_format_cstring(buf, 4, "hello", 5), 7);
	assert_string_equal(buf, "\"he");
}

/*
 * The open flags whose values differ between architectures are named by
 * the call's ABI, whichever the host is: each architecture's openat with
 * its own O_DIRECTORY, O_NOFOLLOW, O_DIRECT and O_LARGEFILE (asm/fcntl.h),
 * formatted with that architecture selected (as `check --arch` does).
 */
static void test_open_flags_per_arch(void **state)
{
	static const struct {
		const char *arch;
		uint32_t directory, nofollow, direct, largefile;
	} archs[] = {
		{ "x86_64", 0200000, 0400000, 040000, 0100000 },  /* asm-generic */
		{ "aarch64", 040000, 0100000, 0200000, 0400000 }, /* arm64, arm */
	};

	for (size_t i = 0; i < FL_ARRAY_SIZE(archs); i++) {
		const struct fl_arch *arch = fl_arch_by_name(archs[i].arch);

		assert_non_null(arch);
		fl_arch_select(arch == fl_arch_host() ? NULL : arch);
		for (size_t k = 0; k < arch->n_abis; k++) {
			uint32_t abi = arch->abis[k].audit_arch;
			struct fl_call call = { .arch = abi, .nr = fl_syscall_nr(abi, "openat"),
						.args = { AT_FDCWD64, ADDR_X } };
			char buf[256];

			assert_true(call.nr >= 0);
			call.args[2] = archs[i].directory | archs[i].nofollow;
			fl_format_args(&call, fake_read, &reads, buf, sizeof(buf), NULL, 0, NULL);
			if (strcmp(buf, "AT_FDCWD, \"x\", O_RDONLY|O_DIRECTORY|O_NOFOLLOW") != 0)
				fail_msg("%s: got [%s]", arch->abis[k].name, buf);
			call.args[2] = archs[i].direct | archs[i].largefile | O_WRONLY;
			fl_format_args(&call, fake_read, &reads, buf, sizeof(buf), NULL, 0, NULL);
			if (strcmp(buf, "AT_FDCWD, \"x\", O_WRONLY|O_DIRECT|O_LARGEFILE") != 0)
				fail_msg("%s: got [%s]", arch->abis[k].name, buf);
			/* O_TMPFILE is __O_TMPFILE (020000000) and the ABI's O_DIRECTORY. */
			call.args[2] = 020000000 | archs[i].directory | O_RDWR;
			call.args[3] = 0600;
			fl_format_args(&call, fake_read, &reads, buf, sizeof(buf), NULL, 0, NULL);
			if (strcmp(buf, "AT_FDCWD, \"x\", O_RDWR|O_TMPFILE, 0600") != 0)
				fail_msg("%s: got [%s]", arch->abis[k].name, buf);
		}
		fl_arch_select(NULL);
	}
}

/*
 * Every call the table should know gets its own signature rather than the
 * six-hex-registers fallback; catches typos and an unsorted table (bsearch).
 * With all-zero registers the fallback prints "0, 0, 0, 0, 0, 0", which no
 * signature does (every six-argument one has a pointer, printed NULL).
 */
static void test_table_covers_list(void **state)
{
	static const char *const names[] = {
		"open", "openat", "openat2", "creat", "read", "write", "pread64",
		"pwrite64", "readv", "writev", "close", "stat", "lstat", "fstat",
		"newfstatat", "statx", "access", "faccessat", "faccessat2", "unlink",
		"unlinkat", "mkdir", "mkdirat", "rmdir", "rename", "renameat",
		"renameat2", "link", "linkat", "symlink", "symlinkat", "chdir", "fchdir",
		"chmod", "fchmod", "fchmodat", "chown", "lchown", "fchown", "fchownat",
		"truncate", "ftruncate", "readlink", "readlinkat", "utimensat", "mknod",
		"mknodat", "execve", "execveat", "fsync", "fdatasync", "fallocate",
		"lseek", "getdents64", "flock", "sendfile", "copy_file_range", "socket",
		"connect", "bind", "listen", "accept", "accept4", "sendto", "recvfrom",
		"sendmsg", "recvmsg", "getpid", "getppid", "gettid", "kill", "tgkill",
		"mmap", "munmap", "mprotect", "brk", "pipe", "pipe2", "dup", "dup2",
		"dup3", "fcntl", "ioctl", "nanosleep", "clock_nanosleep", "poll", "ppoll",
		"select", "pselect6", "epoll_wait", "epoll_pwait", "wait4", "clone",
		"clone3", "fork", "vfork", "exit", "exit_group", "getrandom", "statfs",
		"fstatfs", "mount", "umount2",
	};

	for (size_t i = 0; i < FL_ARRAY_SIZE(names); i++) {
		const struct fl_arch *const *all = fl_arch_all();
		struct fl_call call = { .nr = -1 };
		char buf[256];

		/*
		 * The first ABI that has the call: the host's native one, its
		 * compat one (arm's open on aarch64), or else another
		 * architecture's (select exists on neither aarch64 nor arm),
		 * selected as `check --arch` does.
		 */
		for (size_t k = 0; call.nr < 0 && k < fl_arch_host()->n_abis; k++) {
			call.arch = fl_arch_host()->abis[k].audit_arch;
			call.nr = fl_syscall_nr(call.arch, names[i]);
		}
		for (size_t a = 0; call.nr < 0 && all[a]; a++) {
			if (all[a] == fl_arch_host())
				continue;
			fl_arch_select(all[a]);
			for (size_t k = 0; call.nr < 0 && k < all[a]->n_abis; k++) {
				call.arch = all[a]->abis[k].audit_arch;
				call.nr = fl_syscall_nr(call.arch, names[i]);
			}
		}
		if (call.nr < 0)
			fail_msg("%s: no number on any ABI", names[i]);
		fl_format_args(&call, fake_read, &reads, buf, sizeof(buf), NULL, 0, NULL);
		fl_arch_select(NULL);
		if (strcmp(buf, "0, 0, 0, 0, 0, 0") == 0)
			fail_msg("%s: not in the signature table", names[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_long_path),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_no_reader),
		cmocka_unit_test(test_cstring),
		cmocka_unit_test(test_open_flags_per_arch),
		cmocka_unit_test(test_table_covers_list),
	};

	memset(long_path, 'a', sizeof(long_path) - 1);
	memset(exact_path, 'b', sizeof(exact_path) - 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

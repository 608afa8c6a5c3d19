/* Unit tests for src/arch: the ABI tables, the ABI list and the lookups. */
#include <fcntl.h>
#include <linux/audit.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <cmocka.h>
#include <seccomp.h>

#include "faultline/arch.h"
#include "host_abi.h"

/* struct iovec and the head of struct msghdr as a 32-bit program (i386, arm) lays them out. */
struct iovec32 {
	uint32_t iov_base;
	uint32_t iov_len;
};

struct msghdr32_head {
	uint32_t msg_name;
	uint32_t msg_namelen;
};

/* struct msghdr as a 32-bit program lays it out, up to msg_iovlen. */
struct msghdr32 {
	uint32_t msg_name;
	uint32_t msg_namelen;
	uint32_t msg_iov;
	uint32_t msg_iovlen;
};

/* A 32-bit compat ABI's table (i386, arm): the structs above. */
static void check_layouts32(const struct fl_abi *abi)
{
	assert_ptr_equal(abi, &fl_arch_host()->abis[1]);
	assert_int_equal(abi->long_size, 4);
	assert_true(abi->arg_mask == UINT32_MAX);
	assert_int_equal(abi->iovec_size, sizeof(struct iovec32));
	assert_int_equal(abi->iov_len_off, offsetof(struct iovec32, iov_len));
	assert_int_equal(abi->msg_namelen_off, offsetof(struct msghdr32_head, msg_namelen));
	assert_int_equal(abi->msghdr_head, sizeof(struct msghdr32_head));
	assert_int_equal(abi->msg_iov_off, offsetof(struct msghdr32, msg_iov));
	assert_int_equal(abi->msg_iovlen_off, offsetof(struct msghdr32, msg_iovlen));
	/* A machine's two ABIs share their open(2) flags (asm/fcntl.h). */
	assert_memory_equal(&abi->open_flags, &fl_arch_host()->abis[0].open_flags,
			    sizeof(abi->open_flags));
}

#define STAT_FIELD(l, field, member) do { \
	assert_int_equal((l)->f[field].off, offsetof(struct stat, member)); \
	assert_int_equal((l)->f[field].width, sizeof(((struct stat *)0)->member)); \
} while (0)

/* A native stat layout against the compiler's struct stat. */
static void check_stat_layout(const struct fl_stat_layout *l)
{
	assert_int_equal(l->size, sizeof(struct stat));
	assert_false(l->has_mask);
	STAT_FIELD(l, FL_STAT_SIZE, st_size);
	STAT_FIELD(l, FL_STAT_MODE, st_mode);
	STAT_FIELD(l, FL_STAT_UID, st_uid);
	STAT_FIELD(l, FL_STAT_GID, st_gid);
	STAT_FIELD(l, FL_STAT_NLINK, st_nlink);
	STAT_FIELD(l, FL_STAT_INO, st_ino);
	STAT_FIELD(l, FL_STAT_ATIME, st_atim.tv_sec);
	STAT_FIELD(l, FL_STAT_MTIME, st_mtim.tv_sec);
	STAT_FIELD(l, FL_STAT_CTIME, st_ctim.tv_sec);
}

static void test_host(void **state)
{
	const struct fl_arch *host = fl_arch_host();

	assert_non_null(host);
	assert_ptr_equal(fl_arch_by_name(host->name), host);
	assert_null(fl_arch_by_name("vax"));
	assert_null(fl_arch_by_name(NULL));
	/* Native first, then compat. */
	assert_int_equal(host->n_abis, 2);
#if defined(__x86_64__)
	assert_string_equal(host->name, "x86_64");
	assert_int_equal(host->abis[0].audit_arch, AUDIT_ARCH_X86_64);
	assert_int_equal(host->abis[1].audit_arch, AUDIT_ARCH_I386);
#elif defined(__aarch64__)
	assert_string_equal(host->name, "aarch64");
	assert_int_equal(host->abis[0].audit_arch, AUDIT_ARCH_AARCH64);
	assert_int_equal(host->abis[1].audit_arch, AUDIT_ARCH_ARM);
#else
#error "test_host: which ABIs does this architecture run?"
#endif
	assert_non_null(host->get_syscall_info);
	assert_non_null(host->set_syscall_nr);
	assert_non_null(host->set_result);
	assert_non_null(host->set_arg);
}

/*
 * The host's native table is the compiler's own layout of these structs
 * (the compiler builds for that ABI): struct iovec, struct msghdr, and
 * struct stat where the table has one (glibc's is the kernel's on x86_64
 * and aarch64).
 */
static void check_native_layouts(const struct fl_abi *abi)
{
	assert_non_null(abi);
	assert_ptr_equal(abi, &fl_arch_host()->abis[0]);
	assert_int_equal(abi->long_size, sizeof(long));
	assert_int_equal(abi->long_size, sizeof(void *));
	assert_true(abi->arg_mask == UINT64_MAX);
	assert_int_equal(abi->iovec_size, sizeof(struct iovec));
	assert_int_equal(abi->iov_len_off, offsetof(struct iovec, iov_len));
	assert_int_equal(abi->msg_namelen_off, offsetof(struct msghdr, msg_namelen));
	assert_int_equal(abi->msghdr_head, offsetof(struct msghdr, msg_iov));
	assert_int_equal(abi->msg_iov_off, offsetof(struct msghdr, msg_iov));
	assert_int_equal(abi->msg_iovlen_off, offsetof(struct msghdr, msg_iovlen));
	assert_non_null(abi->stat);
	check_stat_layout(abi->stat);
	/* glibc's values of these are the host kernel's (not O_LARGEFILE: 0 on 64-bit builds). */
	assert_int_equal(abi->open_flags.directory, O_DIRECTORY);
	assert_int_equal(abi->open_flags.nofollow, O_NOFOLLOW);
	assert_int_equal(abi->open_flags.direct, O_DIRECT);
}

#if defined(__x86_64__)
static void test_x86_64_layouts(void **state)
{
	const struct fl_abi *abi = fl_abi_of(AUDIT_ARCH_X86_64);

	check_native_layouts(abi);
	assert_string_equal(abi->name, "x86_64");
	/* asm-generic/fcntl.h */
	assert_int_equal(abi->open_flags.largefile, 0100000);
}

static void test_i386_layouts(void **state)
{
	const struct fl_abi *abi = fl_abi_of(AUDIT_ARCH_I386);

	assert_non_null(abi);
	assert_string_equal(abi->name, "i386");
	check_layouts32(abi);
	/* i386's stat calls fill the old or the 64-bit struct: not described. */
	assert_null(abi->stat);
}
#endif

#if defined(__aarch64__)
static void test_aarch64_layouts(void **state)
{
	const struct fl_abi *abi = fl_abi_of(AUDIT_ARCH_AARCH64);

	check_native_layouts(abi);
	assert_string_equal(abi->name, "aarch64");
	/* arch/arm64/include/uapi/asm/fcntl.h */
	assert_int_equal(abi->open_flags.largefile, 0400000);
}

/* AArch32 EABI lays these structs out as i386 does: 32-bit words, no padding. */
static void test_arm_layouts(void **state)
{
	const struct fl_abi *abi = fl_abi_of(AUDIT_ARCH_ARM);

	assert_non_null(abi);
	assert_string_equal(abi->name, "arm");
	check_layouts32(abi);
	/* AArch32's stat calls (stat64, fstatat64) fill struct stat64: not described. */
	assert_null(abi->stat);
}
#endif

/* What every table must hold, whatever the architecture. */
static void test_tables_consistent(void **state)
{
	const struct fl_arch *host = fl_arch_host();

	assert_true(host->n_abis >= 1 && host->n_abis <= FL_ABI_MAX);
	for (size_t i = 0; i < host->n_abis; i++) {
		const struct fl_abi *abi = &host->abis[i];

		assert_true(abi->long_size == 4 || abi->long_size == 8);
		assert_true(abi->arg_mask == (abi->long_size == 8 ? UINT64_MAX : UINT32_MAX));
		assert_int_equal(abi->iovec_size, 2 * abi->long_size);
		assert_true(abi->iov_len_off + abi->long_size <= abi->iovec_size);
		assert_true(abi->msg_namelen_off >= abi->long_size);
		assert_true(abi->msg_namelen_off + 4 <= abi->msghdr_head);
		assert_true(abi->msghdr_head <= 16);
		assert_ptr_equal(fl_abi_of(abi->audit_arch), abi);
		assert_int_equal(fl_abi_index(abi->audit_arch), (int)i);
		for (size_t k = 0; k < i; k++) {
			assert_int_not_equal(host->abis[k].audit_arch, abi->audit_arch);
			assert_string_not_equal(host->abis[k].name, abi->name);
		}
	}
}

static void test_abi_of(void **state)
{
	size_t n = 0;
	const uint32_t *list = fl_arch_list(&n);

	assert_int_equal(n, 2);
	assert_non_null(fl_arch_list(NULL));
	assert_null(fl_abi_of(0));
#if defined(__x86_64__)
	assert_int_equal(list[0], AUDIT_ARCH_X86_64);
	assert_int_equal(list[1], AUDIT_ARCH_I386);
	/* ABIs this build does not trace. */
	assert_null(fl_abi_of(AUDIT_ARCH_AARCH64));
	assert_null(fl_abi_of(AUDIT_ARCH_ARM));
	assert_int_equal(fl_abi_index(AUDIT_ARCH_AARCH64), -1);
	assert_string_equal(fl_arch_name(AUDIT_ARCH_I386), "i386");
	assert_null(fl_arch_name(AUDIT_ARCH_AARCH64));
#elif defined(__aarch64__)
	assert_int_equal(list[0], AUDIT_ARCH_AARCH64);
	assert_int_equal(list[1], AUDIT_ARCH_ARM);
	assert_null(fl_abi_of(AUDIT_ARCH_X86_64));
	assert_null(fl_abi_of(AUDIT_ARCH_I386));
	assert_int_equal(fl_abi_index(AUDIT_ARCH_X86_64), -1);
	assert_string_equal(fl_arch_name(AUDIT_ARCH_ARM), "arm");
	assert_null(fl_arch_name(AUDIT_ARCH_X86_64));
#endif
}

/*
 * Every ABI's syscall number spans, as `list syscalls` and "did you mean"
 * enumerate names: in order, apart, and holding every number below 2^20
 * (above arm's private calls at 0x0f0000) that libseccomp has a name for,
 * so a libseccomp that knows newer calls shows whether a span is short.
 */
static void test_nr_spans(void **state)
{
	size_t n_list, n_spans;
	const uint32_t *list = fl_arch_list(&n_list);
	const struct fl_syscall_abi *spans = fl_arch_nr_spans(&n_spans);

	assert_int_equal(n_spans, n_list);
	for (size_t i = 0; i < n_list; i++)
		assert_int_equal(spans[i].arch, list[i]);
	for (const struct fl_arch *const *a = fl_arch_all(); *a; a++)
		for (size_t i = 0; i < (*a)->n_abis; i++) {
			const struct fl_abi *abi = &(*a)->abis[i];
			size_t k = 0;

			assert_true(abi->n_nr_spans >= 1);
			for (size_t s = 0; s < abi->n_nr_spans; s++) {
				assert_true(abi->nr_spans[s].first < abi->nr_spans[s].end);
				assert_true(abi->nr_spans[s].end <= INT32_MAX);
				if (s)
					assert_true(abi->nr_spans[s - 1].end < abi->nr_spans[s].first);
			}
			for (int nr = 0; nr < 1 << 20; nr++) {
				char *name = seccomp_syscall_resolve_num_arch(abi->audit_arch, nr);

				if (!name)
					continue;
				while (k < abi->n_nr_spans && abi->nr_spans[k].end <= (uint32_t)nr)
					k++;
				if (k == abi->n_nr_spans || (uint32_t)nr < abi->nr_spans[k].first)
					fail_msg("%s: libseccomp names %d (%s), outside its spans",
						 abi->name, nr, name);
				free(name);
			}
		}
	/* The selected architecture's, as fl_arch_list() follows it. */
	fl_arch_select(fl_arch_by_name("aarch64"));
	spans = fl_arch_nr_spans(&n_spans);
	assert_int_equal(n_spans, 2);
	assert_int_equal(spans[1].arch, AUDIT_ARCH_ARM);
	assert_int_equal(spans[1].n_spans, 2);
	assert_int_equal(spans[1].spans[1].first, 0x0f0000);
	fl_arch_select(NULL);
	assert_int_equal(fl_arch_nr_spans(NULL)[0].arch, fl_arch_list(NULL)[0]);
}

/* The compat mask: the upper halves of a 32-bit thread's registers are not its own. */
static void test_abi_arg(void **state)
{
	assert_true(fl_abi_arg(compat_abi(), UINT64_C(0xdead000000000064)) == 0x64);
	assert_true(fl_abi_arg(compat_abi(), UINT64_C(0xffffffff)) == 0xffffffff);
	assert_true(fl_abi_arg(native_abi(), UINT64_C(0xdead000000000064)) ==
		    UINT64_C(0xdead000000000064));
	/* Unknown: all 64 bits kept. */
	assert_true(fl_abi_arg(0, UINT64_C(0xdead000000000064)) == UINT64_C(0xdead000000000064));
}

static void test_load_long(void **state)
{
	const unsigned char bytes[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88 };

	assert_true(fl_abi_load_long(fl_abi_of(native_abi()), bytes) ==
		    UINT64_C(0x8807060504030201));
	assert_true(fl_abi_load_long(fl_abi_of(compat_abi()), bytes) == 0x04030201);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host),
#if defined(__x86_64__)
		cmocka_unit_test(test_x86_64_layouts),
		cmocka_unit_test(test_i386_layouts),
#elif defined(__aarch64__)
		cmocka_unit_test(test_aarch64_layouts),
		cmocka_unit_test(test_arm_layouts),
#endif
		cmocka_unit_test(test_tables_consistent),
		cmocka_unit_test(test_abi_of),
		cmocka_unit_test(test_nr_spans),
		cmocka_unit_test(test_abi_arg),
		cmocka_unit_test(test_load_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

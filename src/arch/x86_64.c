/*
 * x86_64: the native ABI and i386 (compat, int 0x80 / sysenter). The tables
 * are built on every machine; the register access only on x86_64, where the
 * same user_regs_struct layout serves both ABIs: the kernel maps
 * eax/ebx/... onto it.
 */
#include <linux/audit.h>
#include <seccomp.h>

#include "faultline/arch.h"
#include "syscall_info.h"

/*
 * libseccomp's SCMP_ARCH_* values are the AUDIT_ARCH_* values, so src/sys
 * hands an fl_abi's audit_arch to libseccomp as it is.
 */
_Static_assert(SCMP_ARCH_X86_64 == AUDIT_ARCH_X86_64, "SCMP_ARCH_X86_64 is AUDIT_ARCH_X86_64");
_Static_assert(SCMP_ARCH_X86 == AUDIT_ARCH_I386, "SCMP_ARCH_X86 is AUDIT_ARCH_I386");

/*
 * x86_64's struct stat (arch/x86/include/uapi/asm/stat.h): st_dev, st_ino,
 * st_nlink (8 bytes each), st_mode, st_uid, st_gid (4 each), pad, st_rdev,
 * st_size, st_blksize, st_blocks (8 each), then st_atime, st_atime_nsec,
 * st_mtime, ... (8 each). i386's calls of these names fill the old or the
 * 64-bit struct, not described here: stat: rules leave them alone.
 */
static const struct fl_stat_layout stat_x86_64 = {
	.size = 144,
	.f = {
		[FL_STAT_INO] = { 8, 8, 0 },
		[FL_STAT_NLINK] = { 16, 8, 0 },
		[FL_STAT_MODE] = { 24, 4, 0 },
		[FL_STAT_UID] = { 28, 4, 0 },
		[FL_STAT_GID] = { 32, 4, 0 },
		[FL_STAT_SIZE] = { 48, 8, 0 },
		[FL_STAT_ATIME] = { 72, 8, 0 },
		[FL_STAT_MTIME] = { 88, 8, 0 },
		[FL_STAT_CTIME] = { 104, 8, 0 },
	},
};

/* O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE: asm-generic/fcntl.h's, for both ABIs. */
#define X86_OPEN_FLAGS { 0200000, 0400000, 040000, 0100000 }

/*
 * Syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl, syscall_32.tbl):
 * both tables count from 0 and add each new call after the last one (in
 * the 400s today; from 424 on both give a call the same number).
 * 512..547 of the 64-bit table are x32's own numbers, never x86_64 calls;
 * 548 on are open to new calls again. 1024 leaves room for them;
 * test_arch checks that libseccomp names no call outside these spans.
 */
static const struct fl_nr_span nr_x86_64[] = { { 0, 512 }, { 548, 1024 } };
static const struct fl_nr_span nr_i386[] = { { 0, 1024 } };

static const struct fl_abi abis[] = {
	{
		.audit_arch = AUDIT_ARCH_X86_64,
		.name = "x86_64",
		.long_size = 8,
		.arg_mask = UINT64_MAX,
		.iovec_size = 16,
		.iov_len_off = 8,
		/* msg_name, msg_namelen and the padding after it */
		.msghdr_head = 16,
		.msg_namelen_off = 8,
		.msg_iov_off = 16,
		.msg_iovlen_off = 24,
		.stat = &stat_x86_64,
		.open_flags = X86_OPEN_FLAGS,
		.nr_spans = nr_x86_64,
		.n_nr_spans = sizeof(nr_x86_64) / sizeof(nr_x86_64[0]),
	},
	{
		.audit_arch = AUDIT_ARCH_I386,
		.name = "i386",
		.long_size = 4,
		/* i386 arguments are 32-bit: whatever the upper halves hold is not the tracee's. */
		.arg_mask = UINT32_MAX,
		.iovec_size = 8,
		.iov_len_off = 4,
		.msghdr_head = 8,
		.msg_namelen_off = 4,
		.msg_iov_off = 8,
		.msg_iovlen_off = 12,
		.open_flags = X86_OPEN_FLAGS,
		.nr_spans = nr_i386,
		.n_nr_spans = sizeof(nr_i386) / sizeof(nr_i386[0]),
	},
};

#if defined(__x86_64__)
#include <errno.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#define REG_OFF(r) offsetof(struct user_regs_struct, r)

static int poke_user(pid_t tid, size_t off, uint64_t value)
{
	if (ptrace(PTRACE_POKEUSER, tid, (void *)off, (void *)value) < 0)
		return -errno;
	return 0;
}

static int set_syscall_nr(pid_t tid, long nr)
{
	return poke_user(tid, REG_OFF(orig_rax), (uint64_t)nr);
}

static int set_result(pid_t tid, int64_t value)
{
	return poke_user(tid, REG_OFF(rax), (uint64_t)value);
}

static int set_arg(pid_t tid, const struct fl_abi *abi, unsigned idx, uint64_t value)
{
	static const size_t off64[6] = {
		REG_OFF(rdi), REG_OFF(rsi), REG_OFF(rdx),
		REG_OFF(r10), REG_OFF(r8), REG_OFF(r9),
	};
	/* int 0x80 convention: ebx, ecx, edx, esi, edi, ebp. */
	static const size_t off32[6] = {
		REG_OFF(rbx), REG_OFF(rcx), REG_OFF(rdx),
		REG_OFF(rsi), REG_OFF(rdi), REG_OFF(rbp),
	};

	if (idx >= 6)
		return -EINVAL;
	return poke_user(tid, abi->audit_arch == AUDIT_ARCH_I386 ? off32[idx] : off64[idx], value);
}
#endif /* __x86_64__ */

const struct fl_arch fl_arch_x86_64 = {
	.name = "x86_64",
	.abis = abis,
	.n_abis = sizeof(abis) / sizeof(abis[0]),
#if defined(__x86_64__)
	.get_syscall_info = fl_arch_ptrace_syscall_info,
	.set_syscall_nr = set_syscall_nr,
	.set_result = set_result,
	.set_arg = set_arg,
#endif
};

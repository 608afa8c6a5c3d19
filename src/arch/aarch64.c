/*
 * aarch64: the native ABI and AArch32 (32-bit ARM EABI tasks, when the CPU
 * and the kernel run them: CONFIG_COMPAT). The tables are built on every
 * machine; the register access only on aarch64.
 *
 * Registers go through regsets, arm64 has no PTRACE_POKEUSER: NT_PRSTATUS
 * for x0-x5 (r0-r5 of an AArch32 task), NT_ARM_SYSTEM_CALL for the call
 * number (-1 skips the call). Facts measured on Linux 6.1 (tests/aarch64/
 * README.md) that the rest of the tree relies on:
 *  - x0 is both the first argument and the result, and there is no orig_x0
 *    in NT_PRSTATUS: whatever is needed after the call (the log line, a
 *    phase: exit decision, a short count's undo) comes from the arguments
 *    the tracer saved at entry, never from x0 at the exit stop;
 *  - after a skip at an entry stop the exit stop still shows the first
 *    argument in x0 (no -ENOSYS preset): the result is written there,
 *    always (src/tracer does, as on x86_64);
 *  - an int argument's upper 32 bits are the caller's leftovers: the
 *    native ABI's arg_mask cannot cut them (a pointer is 64 bits), so
 *    src/match compares int arguments on their low 32 bits for every ABI;
 *  - at syscall stops the kernel overwrites x7 (r12 for AArch32) with the
 *    stop's direction and restores it afterwards: x7 is never written here
 *    (no argument lives there).
 */
#include <linux/audit.h>
#include <seccomp.h>

#include "faultline/arch.h"
#include "syscall_info.h"

/*
 * O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE: arm64's asm/fcntl.h, which
 * keeps 32-bit ARM's values so that AArch32 tasks see their own.
 */
#define ARM_OPEN_FLAGS { 040000, 0100000, 0200000, 0400000 }

_Static_assert(SCMP_ARCH_AARCH64 == AUDIT_ARCH_AARCH64, "SCMP_ARCH_AARCH64 is AUDIT_ARCH_AARCH64");
_Static_assert(SCMP_ARCH_ARM == AUDIT_ARCH_ARM, "SCMP_ARCH_ARM is AUDIT_ARCH_ARM");

/*
 * aarch64's struct stat is the generic one (include/uapi/asm-generic/stat.h):
 * st_dev, st_ino (8 bytes each), st_mode, st_nlink, st_uid, st_gid (4
 * each), st_rdev, pad (8 each), st_size (8), st_blksize, pad (4 each),
 * st_blocks (8), then st_atime, st_atime_nsec, st_mtime, ... (8 each); 128
 * bytes. Checked against the kernel's header below when built for aarch64.
 * The arm ABI's calls of these names fill struct stat64, not described
 * here: stat: rules leave them alone.
 */
static const struct fl_stat_layout stat_aarch64 = {
	.size = 128,
	.f = {
		[FL_STAT_INO] = { 8, 8, 0 },
		[FL_STAT_MODE] = { 16, 4, 0 },
		[FL_STAT_NLINK] = { 20, 4, 0 },
		[FL_STAT_UID] = { 24, 4, 0 },
		[FL_STAT_GID] = { 28, 4, 0 },
		[FL_STAT_SIZE] = { 48, 8, 0 },
		[FL_STAT_ATIME] = { 72, 8, 0 },
		[FL_STAT_MTIME] = { 88, 8, 0 },
		[FL_STAT_CTIME] = { 104, 8, 0 },
	},
};

/*
 * Syscall numbers. aarch64's table (include/uapi/asm-generic/unistd.h) and
 * arm's (arch/arm/tools/syscall.tbl, EABI: __NR_SYSCALL_BASE is 0) count
 * from 0 and add each new call after the last one (in the 400s today; from
 * 424 on both give a call the same number); 1024 leaves room for them. arm
 * also has private calls from __ARM_NR_BASE, 0x0f0000
 * (arch/arm/include/uapi/asm/unistd.h: breakpoint, cacheflush, usr26,
 * usr32, set_tls, ...), up to 0x0f07ff: arm_syscall() in
 * arch/arm/kernel/traps.c answers an unknown one there with -ENOSYS, not
 * SIGILL. test_arch checks that libseccomp names no call outside these
 * spans.
 */
static const struct fl_nr_span nr_aarch64[] = { { 0, 1024 } };
static const struct fl_nr_span nr_arm[] = { { 0, 1024 }, { 0x0f0000, 0x0f0800 } };

static const struct fl_abi abis[] = {
	{
		.audit_arch = AUDIT_ARCH_AARCH64,
		.name = "aarch64",
		.long_size = 8,
		.arg_mask = UINT64_MAX,
		.open_flags = ARM_OPEN_FLAGS,
		.iovec_size = 16,
		.iov_len_off = 8,
		/* msg_name, msg_namelen and the padding after it */
		.msghdr_head = 16,
		.msg_namelen_off = 8,
		.msg_iov_off = 16,
		.msg_iovlen_off = 24,
		.stat = &stat_aarch64,
		.nr_spans = nr_aarch64,
		.n_nr_spans = sizeof(nr_aarch64) / sizeof(nr_aarch64[0]),
	},
	{
		/* AArch32 EABI, what libseccomp and the audit subsystem call "arm" */
		.audit_arch = AUDIT_ARCH_ARM,
		.name = "arm",
		.long_size = 4,
		.arg_mask = UINT32_MAX,
		.open_flags = ARM_OPEN_FLAGS,
		.iovec_size = 8,
		.iov_len_off = 4,
		.msghdr_head = 8,
		.msg_namelen_off = 4,
		.msg_iov_off = 8,
		.msg_iovlen_off = 12,
		.nr_spans = nr_arm,
		.n_nr_spans = sizeof(nr_arm) / sizeof(nr_arm[0]),
	},
};

#if defined(__aarch64__)
#include <asm/stat.h>
#include <sys/socket.h>

#define STAT_AT(field, off, width)                                              \
	_Static_assert(offsetof(struct stat, field) == (off) &&                  \
			       sizeof(((struct stat *)0)->field) == (width),     \
		       "struct stat: " #field)
STAT_AT(st_ino, 8, 8);
STAT_AT(st_mode, 16, 4);
STAT_AT(st_nlink, 20, 4);
STAT_AT(st_uid, 24, 4);
STAT_AT(st_gid, 28, 4);
STAT_AT(st_size, 48, 8);
STAT_AT(st_atime, 72, 8);
STAT_AT(st_mtime, 88, 8);
STAT_AT(st_ctime, 104, 8);
_Static_assert(sizeof(struct stat) == 128, "struct stat: size");
_Static_assert(offsetof(struct msghdr, msg_iov) == 16 && offsetof(struct msghdr, msg_iovlen) == 24,
	       "struct msghdr");

#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#ifndef NT_ARM_SYSTEM_CALL
#define NT_ARM_SYSTEM_CALL 0x404
#endif

/*
 * NT_PRSTATUS of a stopped thread: struct user_regs_struct (x0-x30, sp, pc,
 * pstate: 272 bytes) for an AArch64 task, the 72-byte compat set (r0-r15,
 * cpsr, orig_r0) for an AArch32 one. The length the kernel gives back says
 * which; the same length goes back with the write.
 */
struct regs {
	union {
		struct user_regs_struct a64;
		uint32_t a32[18];
	} u;
	size_t len;
};

#define A32_REGS_SIZE (18 * sizeof(uint32_t))

static int get_regs(pid_t tid, struct regs *r)
{
	struct iovec iov = { &r->u, sizeof(r->u) };

	memset(r, 0, sizeof(*r));
	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	if (iov.iov_len != sizeof(r->u.a64) && iov.iov_len != A32_REGS_SIZE)
		return -EPROTO;
	r->len = iov.iov_len;
	return 0;
}

static int put_regs(pid_t tid, struct regs *r)
{
	struct iovec iov = { &r->u, r->len };

	if (ptrace(PTRACE_SETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	return 0;
}

/* Register @idx (0..5: x0-x5, or r0-r5) of @r becomes @value. */
static void put_reg(struct regs *r, unsigned idx, uint64_t value)
{
	if (r->len == A32_REGS_SIZE)
		r->u.a32[idx] = (uint32_t)value;
	else
		r->u.a64.regs[idx] = value;
}

static int set_syscall_nr(pid_t tid, long nr)
{
	/* The kernel reads an int, for either kind of task. */
	int v = (int)nr;
	struct iovec iov = { &v, sizeof(v) };

	if (ptrace(PTRACE_SETREGSET, tid, (void *)NT_ARM_SYSTEM_CALL, &iov) < 0)
		return -errno;
	return 0;
}

static int set_result(pid_t tid, int64_t value)
{
	struct regs r;
	int ret = get_regs(tid, &r);

	if (ret < 0)
		return ret;
	put_reg(&r, 0, (uint64_t)value);
	return put_regs(tid, &r);
}

static int set_arg(pid_t tid, const struct fl_abi *abi, unsigned idx, uint64_t value)
{
	struct regs r;
	int ret;

	if (idx >= 6)
		return -EINVAL;
	ret = get_regs(tid, &r);
	if (ret < 0)
		return ret;
	/* The thread runs the ABI its registers say; a caller asking for the other is wrong. */
	if ((r.len == A32_REGS_SIZE) != (abi->audit_arch == AUDIT_ARCH_ARM))
		return -EINVAL;
	put_reg(&r, idx, value & abi->arg_mask);
	return put_regs(tid, &r);
}
#endif /* __aarch64__ */

const struct fl_arch fl_arch_aarch64 = {
	.name = "aarch64",
	.abis = abis,
	.n_abis = sizeof(abis) / sizeof(abis[0]),
#if defined(__aarch64__)
	.get_syscall_info = fl_arch_ptrace_syscall_info,
	.set_syscall_nr = set_syscall_nr,
	.set_result = set_result,
	.set_arg = set_arg,
#endif
};

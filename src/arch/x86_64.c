/*
 * x86_64 register access. The same user_regs_struct layout serves both
 * 64-bit and compat (i386) threads: the kernel maps eax/ebx/... onto it.
 */
#include <errno.h>
#include <linux/audit.h>
#include <stddef.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "arch/arch.h"

#define REG_OFF(r) offsetof(struct user_regs_struct, r)

static int poke_user(pid_t tid, size_t off, uint64_t value)
{
	if (ptrace(PTRACE_POKEUSER, tid, (void *)off, (void *)value) < 0)
		return -errno;
	return 0;
}

int fl_arch_probe(pid_t tid)
{
	struct __ptrace_syscall_info info;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info), &info) < 0)
		return -errno;
	return 0;
}

int fl_arch_get_syscall_info(pid_t tid, struct fl_syscall_info *ret)
{
	struct __ptrace_syscall_info info;

	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info), &info) < 0)
		return -errno;

	memset(ret, 0, sizeof(*ret));
	ret->arch = info.arch;
	switch (info.op) {
	case PTRACE_SYSCALL_INFO_ENTRY:
		ret->op = FL_STOP_ENTRY;
		ret->nr = (int)info.entry.nr;
		memcpy(ret->args, info.entry.args, sizeof(ret->args));
		break;
	case PTRACE_SYSCALL_INFO_SECCOMP:
		ret->op = FL_STOP_SECCOMP;
		ret->nr = (int)info.seccomp.nr;
		memcpy(ret->args, info.seccomp.args, sizeof(ret->args));
		break;
	case PTRACE_SYSCALL_INFO_EXIT:
		ret->op = FL_STOP_EXIT;
		ret->rval = info.exit.rval;
		ret->is_error = info.exit.is_error;
		break;
	default:
		ret->op = FL_STOP_NONE;
		break;
	}
	/* i386 arguments are 32-bit: drop whatever the upper halves hold. */
	if (ret->arch == AUDIT_ARCH_I386)
		for (int i = 0; i < 6; i++)
			ret->args[i] &= 0xffffffffu;
	return 0;
}

int fl_arch_set_syscall_nr(pid_t tid, long nr)
{
	return poke_user(tid, REG_OFF(orig_rax), (uint64_t)nr);
}

int fl_arch_set_result(pid_t tid, int64_t value)
{
	return poke_user(tid, REG_OFF(rax), (uint64_t)value);
}

int fl_arch_set_arg(pid_t tid, uint32_t arch, unsigned idx, uint64_t value)
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
	return poke_user(tid, arch == AUDIT_ARCH_I386 ? off32[idx] : off64[idx], value);
}

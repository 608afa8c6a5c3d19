/*
 * The architecture-neutral part of reading a syscall stop: the kernel's
 * PTRACE_GET_SYSCALL_INFO says which ABI the call came in by, its number
 * and arguments (entry, seccomp) or its result (exit). Only the register
 * writes differ per architecture.
 */
#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>

#include "syscall_info.h"

int fl_arch_ptrace_syscall_info(pid_t tid, struct fl_syscall_info *ret)
{
	struct __ptrace_syscall_info info;
	const struct fl_abi *abi;

	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info), &info) < 0)
		return -errno;

	memset(ret, 0, sizeof(*ret));
	ret->arch = info.arch;
	ret->sp = info.stack_pointer;
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
	/*
	 * The one place arguments are cut to what the kernel reads of them: an
	 * i386 or AArch32 register's upper half, and on arm64 the upper half of
	 * a 64-bit register holding an int, are the caller's leftovers.
	 */
	abi = fl_abi_of(ret->arch);
	if (abi)
		for (int i = 0; i < 6; i++)
			ret->args[i] &= abi->arg_mask;
	return 0;
}

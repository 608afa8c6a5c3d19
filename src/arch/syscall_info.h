/*
 * PTRACE_GET_SYSCALL_INFO, read the same way on every architecture that has
 * it (Linux >= 5.3 on all of ours): private to src/arch.
 */
#pragma once

#include "faultline/arch.h"

/* Fill @ret for stopped @tid; arguments masked with their ABI's arg_mask. 0 or -errno. */
int fl_arch_ptrace_syscall_info(pid_t tid, struct fl_syscall_info *ret);

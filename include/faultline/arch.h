/*
 * Registers and syscall information of a stopped thread. The only place
 * that knows a register layout; the tracer and injector go through here.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum fl_stop_op {
	FL_STOP_NONE = 0,
	FL_STOP_ENTRY = 1,
	FL_STOP_EXIT = 2,
	FL_STOP_SECCOMP = 3,
};

struct fl_syscall_info {
	enum fl_stop_op op;
	uint32_t arch;      /* AUDIT_ARCH_* of the thread's current syscall ABI */
	int nr;             /* entry/seccomp only */
	uint64_t args[6];   /* entry/seccomp only */
	int64_t rval;       /* exit only */
	bool is_error;      /* exit only */
};

/* Is PTRACE_GET_SYSCALL_INFO available (Linux >= 5.3)? Probed on @tid. */
int fl_arch_probe(pid_t tid);

/* Read the syscall state of stopped @tid. Returns 0 or -errno. */
int fl_arch_get_syscall_info(pid_t tid, struct fl_syscall_info *ret);

/* Replace the syscall number (-1 skips the call). Entry/seccomp stops. */
int fl_arch_set_syscall_nr(pid_t tid, long nr);

/* Write the value the call returns to user space (-errno for a failure). */
int fl_arch_set_result(pid_t tid, int64_t value);

/* Replace argument @idx (0..5) of the call about to run, in ABI @arch. */
int fl_arch_set_arg(pid_t tid, uint32_t arch, unsigned idx, uint64_t value);

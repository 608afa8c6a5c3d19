/* Per-thread state of the tracer, in a table keyed by thread id. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "faultline/inject.h"
#include "faultline/match.h"
#include "state.h"

struct fl_tracee {
	pid_t tid;
	pid_t tgid;          /* 0 until looked up (only needed for log lines) */
	bool before_exec;    /* the spawned child before its own execve: not matched */
	bool in_group_stop;  /* parked with PTRACE_LISTEN */

	/* The call in flight that a decision holds on to (see state.h). */
	enum fl_thread_state state;
	struct fl_decision dec; /* valid unless state is FL_TS_IDLE */
	uint32_t arch;       /* the call's ABI and arguments, for short counts */
	uint64_t args[6];
	struct fl_inject_undo undo; /* what to put back at the exit stop */
	struct fl_clock_undo clock_undo; /* an absolute wait's deadline, put back at its exit */
	int nr;              /* the acting call's number */
	bool entered;        /* between a syscall-entry stop and its exit stop */
	/*
	 * An injection whose outcome is known only later is told to the sinks
	 * then (thread.c, defer_emit): a short count at the call's exit, and
	 * only if the call moved exactly what it was cut to; a delay when it
	 * ends (both sides of delay: {enter, exit}), with what was served; a
	 * corrupt once the damage is done (after a read-like call, before a
	 * write-like one). The call and what the filters saw wait here, the
	 * match's strings (path, exe, caller) owned.
	 */
	bool emit_pending;
	struct fl_call pending_call;
	struct fl_match_info pending_match;

	/* FL_TS_HELD_*: the thread stays in its stop until deadline (CLOCK_MONOTONIC ns). */
	uint64_t deadline;
	bool held_seccomp;   /* held at a seccomp stop, not a syscall-entry stop */

	/*
	 * The last core-dumping signal delivered to this thread (0: none since
	 * its exec), the thread it was delivered to (another thread's, handed
	 * to the group leader) and the executable then (malloc'd, or NULL):
	 * an exit report killed by that same signal makes it a crash.
	 */
	int crash_sig;
	pid_t crash_tid;
	char *crash_exe;

	/* corrupt: what the decision damaged (malloc'd on first use). */
	struct fl_corrupt *corrupt;
	int64_t exit_rval;            /* the result at the exit stop being handled */
};

struct fl_tracee_table {
	struct fl_tracee **slots; /* open addressing, linear probing, no tombstones */
	size_t cap;               /* power of two */
	size_t n;
};

void fl_tracee_table_init(struct fl_tracee_table *t);
void fl_tracee_table_done(struct fl_tracee_table *t);

/* The tracee with @tid, or NULL. */
struct fl_tracee *fl_tracee_find(struct fl_tracee_table *t, pid_t tid);

/* Add a zeroed tracee for @tid (or return the existing one); NULL on OOM. */
struct fl_tracee *fl_tracee_add(struct fl_tracee_table *t, pid_t tid);

/* Remove and free the tracee with @tid, if present. */
void fl_tracee_remove(struct fl_tracee_table *t, pid_t tid);

/* Iterate: for (size_t i = 0; i < t->cap; i++) if (t->slots[i]) ... */

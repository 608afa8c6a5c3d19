/*
 * The per-thread injection state machine: where a thread stands with the
 * decision on its current call. One state, not a set of flags: each stop
 * moves the thread from one state to the next through the pure functions
 * below (state.c, unit-tested); thread.c does what a transition says.
 *
 *   IDLE --entry, rule acts--> WANT_EXIT | HELD_ENTRY | IDLE (done at entry)
 *   HELD_ENTRY --delay over--> WANT_EXIT | IDLE
 *   WANT_EXIT --exit--> IDLE (applied) | HELD_EXIT | RESTARTING
 *   HELD_EXIT --delay over--> IDLE (applied)
 *   RESTARTING --entry of the same call--> WANT_EXIT
 *   RESTARTING --entry of another call--> PASSTHROUGH --its exit--> RESTARTING
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum fl_thread_state {
	FL_TS_IDLE,        /* no decision holds on to the current call */
	FL_TS_HELD_ENTRY,  /* decided; held in its entry (or seccomp) stop by a delay */
	FL_TS_WANT_EXIT,   /* decided; its exit stop finishes (or undoes) the injection */
	FL_TS_HELD_EXIT,   /* decided; held in its exit stop by a delay (phase: exit) */
	/*
	 * A shortened call ended in -ERESTART*: the kernel runs it again with
	 * the registers as they are, so the short count stays in place. Its
	 * next entry is the restart, not a new call.
	 */
	FL_TS_RESTARTING,
	/* RESTARTING, inside a call that comes first (the signal handler's rt_sigreturn ...) */
	FL_TS_PASSTHROUGH,
};

/* Must the thread stop at the current call's exit (PTRACE_SYSCALL, not PTRACE_CONT)? */
bool fl_state_wants_exit(enum fl_thread_state s);

/* Is the thread held by a delay timer? */
bool fl_state_held(enum fl_thread_state s);

/*
 * A syscall-entry (or first seccomp) stop of call @nr. Returns true when
 * this is a new call for the matcher; false when it belongs to the call
 * being restarted, and then *@next is the state to go on in.
 * @acting_nr: the number of the call the decision was for.
 */
bool fl_state_entry(enum fl_thread_state s, int nr, int acting_nr, enum fl_thread_state *next);

/* What a syscall-exit stop asks for. */
enum fl_exit_step {
	FL_EXIT_PASS,      /* nothing of ours: resume (state in *next) */
	FL_EXIT_RESTART,   /* the call restarts: resume, RESTARTING */
	FL_EXIT_HOLD,      /* hold the thread for the exit delay: HELD_EXIT */
	FL_EXIT_APPLY,     /* write the result / undo the short count now: then IDLE */
};

/*
 * A syscall-exit stop with result @rval (-512..-514: the kernel restarts
 * it). @has_undo: a short count is to be put back; @exit_delay: the
 * decision holds the thread at the exit stop (delay: T with phase exit,
 * or delay: {exit: T}).
 */
enum fl_exit_step fl_state_exit(enum fl_thread_state s, int64_t rval, bool has_undo,
				bool exit_delay, enum fl_thread_state *next);

/*
 * A thread that execs takes over its thread group leader's id, and with it
 * the leader's call in flight: the state it goes on in, from the leader's
 * (a delay is void: the old image is gone; an exit stop still finishes
 * what was done at entry).
 */
enum fl_thread_state fl_state_inherit(enum fl_thread_state leader);

/* The per-thread state machine's transitions (see state.h): pure, no ptrace. */
#include "state.h"

bool fl_state_wants_exit(enum fl_thread_state s)
{
	return s == FL_TS_WANT_EXIT || s == FL_TS_HELD_EXIT || s == FL_TS_RESTARTING ||
	       s == FL_TS_PASSTHROUGH;
}

bool fl_state_held(enum fl_thread_state s)
{
	return s == FL_TS_HELD_ENTRY || s == FL_TS_HELD_EXIT;
}

bool fl_state_entry(enum fl_thread_state s, int nr, int acting_nr, enum fl_thread_state *next)
{
	if (s != FL_TS_RESTARTING && s != FL_TS_PASSTHROUGH) {
		/* Whatever was left of the last call is over. */
		*next = FL_TS_IDLE;
		return true;
	}
	/*
	 * Between a shortened call's -ERESTARTSYS and its restart come the
	 * signal handler's own calls (rt_sigreturn at least): they go through
	 * untouched. The call itself again is still ours.
	 */
	*next = nr == acting_nr ? FL_TS_WANT_EXIT : FL_TS_PASSTHROUGH;
	return false;
}

/* The kernel's "restart this call" results (include/linux/errno.h). */
static bool restarts(int64_t rval)
{
	return rval == -512 || rval == -513 || rval == -514; /* ERESTARTSYS, ...NOINTR, ...NOHAND */
}

enum fl_exit_step fl_state_exit(enum fl_thread_state s, int64_t rval, bool has_undo,
				bool exit_delay, enum fl_thread_state *next)
{
	if (s == FL_TS_PASSTHROUGH) {
		*next = FL_TS_RESTARTING;
		return FL_EXIT_PASS;
	}
	if (s != FL_TS_WANT_EXIT && s != FL_TS_RESTARTING) {
		*next = FL_TS_IDLE;
		return FL_EXIT_PASS;
	}
	/*
	 * A shortened call interrupted by a signal is restarted by the kernel
	 * with the registers as they are: keep the short count in place until
	 * the call really ends, or it would run again in full.
	 */
	if (has_undo && restarts(rval)) {
		*next = FL_TS_RESTARTING;
		return FL_EXIT_RESTART;
	}
	if (exit_delay) {
		*next = FL_TS_HELD_EXIT;
		return FL_EXIT_HOLD;
	}
	*next = FL_TS_IDLE;
	return FL_EXIT_APPLY;
}

enum fl_thread_state fl_state_inherit(enum fl_thread_state leader)
{
	return fl_state_wants_exit(leader) ? FL_TS_WANT_EXIT : FL_TS_IDLE;
}

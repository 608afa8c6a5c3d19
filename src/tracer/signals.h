/*
 * faultline's own signals while it traces: the handler and the state it
 * leaves for the loop, which nothing else touches. In run mode, while the
 * command lives, the handler forwards a signal to it at once; after the
 * command has ended, the loop forwards it to what is left. In attach mode a
 * signal means "detach now".
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* SIGTERM, SIGHUP, SIGINT, SIGQUIT, and SIGCHLD. */
#define FL_N_SAVED_SIGNALS 5

/* The dispositions faultline was started with, for the command to inherit. */
struct fl_saved_signals {
	int signo[FL_N_SAVED_SIGNALS];
	struct sigaction old[FL_N_SAVED_SIGNALS];
	sigset_t old_mask;
};

/* Install the handler (SIGCHLD blocked, for sigtimedwait()); nothing is pending after. */
void fl_signals_install(struct fl_saved_signals *saved, bool attach);
/* Put back what fl_signals_install() found; forwarding stops. */
void fl_signals_restore(const struct fl_saved_signals *saved);

/* Run mode: the handler forwards to @pid from now on (0: the command is gone). */
void fl_signals_forward_to(pid_t pid);

/* A signal the loop is to forward to what the command left, or 0; taken once. */
int fl_signals_take_pending(void);

/* Attach mode: was a detach asked for? */
bool fl_signals_detach_requested(void);

/*
 * Was a signal forwarded since the last fl_signals_take_cut()? A thread held
 * in a delay cannot act on one (a ptrace-stopped thread runs no handler and
 * cannot die of SIGTERM), so the loop then releases the delays running now
 * rather than making the user wait; later delays run in full.
 */
bool fl_signals_cut_pending(void);
/* Read and clear it. */
bool fl_signals_take_cut(void);
/* Release the running delays at the next turn (a detach, a forward from the loop). */
void fl_signals_cut(void);

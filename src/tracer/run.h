/*
 * One run of the tracer, shared by the files of src/tracer: the loop
 * (loop.c) owns it; the per-thread state machine (thread.c), the sinks'
 * events (emit.c), attach (attach.c), spawn (spawn.c), the orphaned-group
 * emulation (pgrp.c) and /proc parsing (proc.c) act on it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "callsource.h"
#include "faultline/tracer.h"
#include "spawn.h"
#include "tracee.h"

struct fl_model;

struct tracer {
	const struct fl_tracer_config *cfg;
	struct fl_tracee_table tracees;
	pid_t main_pid;
	bool main_done;
	int main_status;      /* wait status of the command's own process */
	unsigned n_held;      /* tracees held by a delay timer */
	uint64_t next_deadline; /* the earliest of their deadlines */
	bool attach;          /* attach mode: detach (never kill) when done */
	bool detaching;       /* let every tracee go at its next stop */
	uint64_t detach_at;   /* attach mode: --duration deadline, 0 = none */
	size_t n_attached_alive; /* attach mode: -p processes still running */
	size_t n_group_stopped;  /* tracees parked in group-stop */
	bool own_group_orphaned; /* see fl_check_own_group() */
	uint64_t start_ns;
	uint64_t seq;
	uint64_t stops;       /* every waitpid() report handled */
	bool spin;            /* the last event was a call's stop: poll before sleeping */
	uint64_t poll_ns;     /* how long to poll then (loop.c: adapts to how soon stops come) */
	uint64_t idle_polls;  /* polls that found no stop before the sleep */
	int fatal;            /* -errno that ends the run */
	bool want_stack;      /* some sink wants each injection's stack */
	bool want_crashes;    /* some sink wants the crashes (crash.c) */
	bool clock_rules;     /* some rule is a clock: rule (timeshift.c) */
	struct fl_crash *crashes; /* in the order they happened; exe strings owned */
	size_t n_crashes, cap_crashes;
	struct fl_stop_source stop; /* what the matcher and the log read of this stop */
	struct fl_strset noticed; /* "KIND:PID" of the notices given (observe.c) */
	struct fl_model *model;   /* power-loss rules: their files' undo log (model.h); else NULL */
	/* crash: the tree was killed at this call (loop.c ends the run, then rolls back). */
	bool crashed;
	struct fl_crash_point crash;
	char *crash_rule_syscall; /* the crash's syscall name, owned */
	struct fl_decision crash_dec; /* the decision that crashed it */
};

static inline uint64_t fl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* loop.c: end the run with @err (the first one counts), saying what failed. */
void fl_run_fatal(struct tracer *tr, int err, const char *what, pid_t tid);
/* loop.c: a crash: rule acted on @call of @t: kill the tree, end the run. */
void fl_run_crash(struct tracer *tr, struct fl_tracee *t, const struct fl_call *call,
		  const struct fl_decision *dec);
/* loop.c: let a stopped tracee go on (or detach it, when detaching), with @sig. */
void fl_run_resume(struct tracer *tr, struct fl_tracee *t, int sig);

/* thread.c: a syscall-entry, -exit or seccomp stop of @t. */
void fl_thread_syscall_stop(struct tracer *tr, struct fl_tracee *t);
/* thread.c: release the held threads whose delay is over (all, after a forwarded signal). */
void fl_thread_run_timers(struct tracer *tr);
/* thread.c: @t execed and took over @leader's tid (NULL: unknown); carry its call over. */
void fl_thread_exec(struct tracer *tr, struct fl_tracee *t, struct fl_tracee *leader);
/* thread.c: forget @t's hold, if any (it exited). */
void fl_thread_gone(struct tracer *tr, struct fl_tracee *t);

/* timeshift.c: @t execed: take the vDSO away when a clock: rule applies to it. */
void fl_clock_exec(struct tracer *tr, struct fl_tracee *t);
/* timeshift.c: a clock: rule's decision at @t's entry stop (@call decided; told here). */
void fl_clock_entry(struct tracer *tr, struct fl_tracee *t, const struct fl_call *call,
		    const struct fl_decision *dec);
/* timeshift.c: its exit stop: shift the reading, or put the wait's deadline back. */
void fl_clock_exit(struct tracer *tr, struct fl_tracee *t);

/* emit.c: the sinks' run start, one injection, run end. */
void fl_emit_run_start(struct tracer *tr);
void fl_emit_injection(struct tracer *tr, struct fl_tracee *t, const struct fl_call *call,
		       const struct fl_decision *dec, const struct fl_match_info *match);
void fl_emit_run_end(struct tracer *tr, const struct fl_tracer_result *res);
/* emit.c: a sink's callback returned @r: when < 0, the run ends ("cannot write NAME"). */
void fl_emit_check(struct tracer *tr, const struct fl_sink *s, int r, pid_t tid);
/* emit.c: "seccomp", "ptrace" or "attach". */
const char *fl_run_mode(const struct tracer *tr);

/* crash.c: does @sig dump core (signal(7)'s Core action)? */
bool fl_crash_dumps_core(int sig);
/* crash.c: @t is about to get core-dumping @sig: note it while /proc has it. */
void fl_crash_note(struct fl_tracee *t, int sig);
/* crash.c: forget @t's note (it execed: the old image's signal is no crash of the new). */
void fl_crash_forget(struct fl_tracee *t);
/* crash.c: @t exited with @status: a crash if it died of the signal it noted. */
void fl_crash_exited(struct tracer *tr, struct fl_tracee *t, int status);
/* crash.c: free the list. */
void fl_crashes_free(struct tracer *tr);

/* attach.c: PTRACE_SEIZE with the tracer's options. 0 or -errno. */
int fl_seize(pid_t pid, bool seccomp, bool attach);
/* attach.c: seize every thread of every -p process (errors explained on cfg->err). */
int fl_attach_all(struct tracer *tr);
/* attach.c: undo what fl_attach_all() did, after a failure. */
void fl_detach_all(struct tracer *tr);

/* spawn.c: start the command, stopped and seized. 0 or -errno. */
int fl_start_command(struct tracer *tr, const struct fl_spawn_signals *sigs);

/* pgrp.c: faultline's own process group, as it would be without faultline. */
void fl_check_own_group(struct tracer *tr);

/* proc.c: the thread group of @t (from /proc once, then remembered). */
pid_t fl_tracee_tgid(struct fl_tracee *t);
/* proc.c: field @key of /proc/PID/status as an integer, or -1. */
long fl_proc_status_field(pid_t pid, const char *key);
/* proc.c: /proc/PID/comm, "?" when unreadable. */
void fl_proc_comm(pid_t pid, char *buf, size_t size);

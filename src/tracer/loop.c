/*
 * The tracer loop.
 *
 * The run lasts until every traced process has ended, like strace -f: a
 * process the command leaves behind is still traced (detaching it would turn
 * its prefiltered calls into ENOSYS failures).
 *
 * One thread, one loop: every waitpid() result becomes one fl_event (see
 * classify()), and each event is handled by one function. Delays are timers
 * in this loop: a delayed thread simply stays in its ptrace-stop while every
 * other tracee keeps running; the loop waits with a timeout (sigtimedwait on
 * SIGCHLD) only while some thread is held.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faultline/names.h"
#include "faultline/tracer.h"
#include "faultline/util.h"
#include "faultline/inject.h"
#include "tracer/callsource.h"
#include "tracer/pgrp.h"
#include "tracer/spawn.h"
#include "tracer/stack.h"
#include "tracer/tracee.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

/* What one waitpid() status means for the tracer. */
enum fl_event {
	FL_EV_SYSCALL,       /* syscall-entry or -exit stop (TRACESYSGOOD) */
	FL_EV_SECCOMP,       /* PTRACE_EVENT_SECCOMP: the prefilter asked for this call */
	FL_EV_NEW_CHILD,     /* PTRACE_EVENT_FORK/VFORK/CLONE in the parent */
	FL_EV_EXEC,          /* PTRACE_EVENT_EXEC */
	FL_EV_GROUP_STOP,    /* PTRACE_EVENT_STOP with a stop signal: job control */
	FL_EV_TRAP_STOP,     /* PTRACE_EVENT_STOP otherwise: a new child's first stop, or PTRACE_INTERRUPT */
	FL_EV_SIGNAL,        /* signal-delivery-stop: pass the signal on */
	FL_EV_EXITED,        /* the thread is gone: exit or death by signal */
	FL_EV_OTHER_EVENT,   /* any other PTRACE_EVENT_*: resume */
};

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
	bool own_group_orphaned; /* see check_own_group() */
	uint64_t start_ns;
	uint64_t seq;
	uint64_t stops;       /* every waitpid() report handled */
	int fatal;            /* -errno that ends the run */
	bool want_stack;      /* some sink wants each injection's stack */
	bool stack_warned;    /* one warning for a stack that could not be unwound */
	struct fl_stop_source stop; /* what the matcher and the log read of this stop */
};

/*
 * What the signal handler hands to the loop. In run mode, while the command
 * lives, the handler forwards a signal to it at once (forward_pid); after
 * the command has ended, the loop forwards it to what is left
 * (pending_forward). In attach mode a signal means "detach now".
 */
static volatile sig_atomic_t forward_pid;
static volatile sig_atomic_t pending_forward;
static volatile sig_atomic_t attach_mode;
static volatile sig_atomic_t detach_requested;
/*
 * Set when a signal was forwarded: a thread held in a delay could not act on
 * it (a ptrace-stopped thread runs no handler and cannot die of SIGTERM), so
 * the loop releases the delays that are running now rather than making the
 * user wait. Cleared once they are released: later delays run in full.
 */
static volatile sig_atomic_t cut_delays;

/* waitpid(WNOHANG) polls before sleeping: about 50 us of a 2-vCPU VM. */
#define FL_WAIT_SPIN 100

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	int saved_errno = errno;

	(void)uc;
	if (attach_mode) {
		detach_requested = 1;
	} else if ((sig == SIGINT || sig == SIGQUIT) && si && si->si_code == SI_KERNEL) {
		/*
		 * SIGINT/SIGQUIT typed at a terminal reach the whole foreground
		 * process group, the command included: forwarding those would
		 * deliver them twice. Only forward what was sent to faultline.
		 */
	} else if (forward_pid > 0) {
		kill((pid_t)forward_pid, sig);
		cut_delays = 1;
	} else {
		pending_forward = sig;
	}
	errno = saved_errno;
}

static void noop_handler(int sig)
{
	(void)sig;
}

static const int forwarded_signals[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
#define N_SAVED (FL_ARRAY_SIZE(forwarded_signals) + 1) /* + SIGCHLD */

struct saved_signals {
	int signo[N_SAVED];
	struct sigaction old[N_SAVED];
	sigset_t old_mask;
};

/*
 * The forwarded signals get on_signal(), except those faultline was started
 * with ignored (nohup, a shell's background job): they stay ignored, and the
 * command inherits that. SIGCHLD stays blocked so that sigtimedwait() can
 * wait for it with a timeout. The handlers are not blocked and not
 * SA_RESTART-less: they interrupt sigtimedwait(), and the loop looks at what
 * they left at every turn.
 */
static void install_signals(struct saved_signals *saved, bool attach)
{
	struct sigaction sa;
	sigset_t block;

	attach_mode = attach;
	detach_requested = 0;
	pending_forward = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < FL_ARRAY_SIZE(forwarded_signals); i++) {
		saved->signo[i] = forwarded_signals[i];
		sigaction(forwarded_signals[i], NULL, &saved->old[i]);
		if (saved->old[i].sa_handler != SIG_IGN || attach)
			sigaction(forwarded_signals[i], &sa, NULL);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = noop_handler;
	sigemptyset(&sa.sa_mask);
	saved->signo[N_SAVED - 1] = SIGCHLD;
	sigaction(SIGCHLD, &sa, &saved->old[N_SAVED - 1]);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &saved->old_mask);
}

static void restore_signals(const struct saved_signals *saved)
{
	forward_pid = 0;
	for (size_t i = 0; i < N_SAVED; i++)
		sigaction(saved->signo[i], &saved->old[i], NULL);
	sigprocmask(SIG_SETMASK, &saved->old_mask, NULL);
}

static enum fl_event classify(int status)
{
	if (WIFEXITED(status) || WIFSIGNALED(status))
		return FL_EV_EXITED;

	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;

	if (sig == (SIGTRAP | 0x80))
		return FL_EV_SYSCALL;
	switch (event) {
	case 0:
		return FL_EV_SIGNAL;
	case PTRACE_EVENT_SECCOMP:
		return FL_EV_SECCOMP;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		return FL_EV_NEW_CHILD;
	case PTRACE_EVENT_EXEC:
		return FL_EV_EXEC;
	case PTRACE_EVENT_STOP:
		switch (sig) {
		case SIGSTOP:
		case SIGTSTP:
		case SIGTTIN:
		case SIGTTOU:
			return FL_EV_GROUP_STOP;
		default:
			return FL_EV_TRAP_STOP;
		}
	default:
		return FL_EV_OTHER_EVENT;
	}
}

static void set_fatal(struct tracer *tr, int err, const char *what, pid_t tid)
{
	if (tr->fatal)
		return;
	tr->fatal = err;
	fprintf(tr->cfg->err, "faultline: [pid %d] %s: %s\n", tid, what, strerror(-err));
}

/*
 * Let a stopped tracee go on. In seccomp mode only the filter stops a thread,
 * unless we need this call's exit stop.
 */
static void resume(struct tracer *tr, struct fl_tracee *t, int sig)
{
	long r;
	pid_t tid = t->tid;

	if (tr->detaching && !t->want_exit && !t->deadline) {
		/*
		 * Nothing of ours is pending on this thread: let it go, with
		 * the signal it was about to get. A thread in group-stop stays
		 * stopped, as job control wants.
		 */
		r = ptrace(PTRACE_DETACH, tid, NULL, (void *)(long)sig);
		if (t->in_group_stop)
			tr->n_group_stopped--;
		fl_tracee_remove(&tr->tracees, tid);
	} else if (tr->cfg->prefilter && !t->want_exit) {
		r = ptrace(PTRACE_CONT, tid, NULL, (void *)(long)sig);
	} else {
		r = ptrace(PTRACE_SYSCALL, tid, NULL, (void *)(long)sig);
	}
	/* ESRCH: it was killed meanwhile; waitpid() will tell us. */
	if (r < 0 && errno != ESRCH)
		set_fatal(tr, -errno, "cannot resume", tid);
}

static pid_t tgid_of(struct fl_tracee *t)
{
	char path[64], line[256];
	_cleanup_fclose_ FILE *f = NULL;

	if (t->tgid)
		return t->tgid;
	snprintf(path, sizeof(path), "/proc/%d/status", t->tid);
	f = fopen(path, "re");
	if (!f)
		return t->tid;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &t->tgid) == 1)
			return t->tgid;
	return t->tid;
}

/*
 * Hand one decision to the sinks, at the moment it is taken. The tracer
 * gives facts; the sinks format them (the call's source serves the path
 * the matcher already read). The stack is unwound only for a sink that
 * shows it.
 */
static void emit_injection(struct tracer *tr, struct fl_tracee *t, const struct fl_call *call,
			   const struct fl_decision *dec)
{
	const struct fl_tracer_config *cfg = tr->cfg;
	struct fl_stack stack = { 0 };
	pid_t tid = t->tid;

	if (!cfg->n_sinks)
		return;
	if (tr->want_stack) {
		int r = fl_stack_capture(tgid_of(t), tid, &stack);

		/* An unwinding failure costs the stack, never the run. */
		if (r < 0 && r != -ESRCH && !tr->stack_warned) {
			fprintf(cfg->err, "faultline: warning: [pid %d] cannot unwind the stack: %s\n",
				tid, strerror(-r));
			tr->stack_warned = true;
		}
	}

	struct fl_injection inj = {
		.seq = ++tr->seq,
		.time_s = (double)(now_ns() - tr->start_ns) / 1e9,
		.pid = tgid_of(t),
		.tid = tid,
		.call = call,
		.syscall = fl_syscall_name(call->arch, call->nr),
		.rule = &fl_matcher_set(cfg->matcher)->rules[dec->rule],
		.decision = dec,
		.dry_run = cfg->dry_run,
		.match = fl_matcher_last_match(cfg->matcher),
		.stack = stack.frames,
		.n_stack = stack.n,
		.has_stack = tr->want_stack,
	};
	if (!inj.syscall)
		inj.syscall = "?";
	for (size_t i = 0; i < cfg->n_sinks; i++) {
		const struct fl_sink *s = cfg->sinks[i];
		int r = s->injection ? s->injection(s->ud, &inj) : 0;

		if (r < 0) {
			char what[128];

			snprintf(what, sizeof(what), "cannot write %s", s->name ? s->name : "an output");
			set_fatal(tr, r, what, tid);
		}
	}
	fl_stack_clear(&stack);
}

static void hold(struct tracer *tr, struct fl_tracee *t, enum fl_stop_op op, bool seccomp)
{
	t->deadline = now_ns() + t->dec.delay_ns;
	if (t->deadline == 0)
		t->deadline = 1;
	t->held_at = op;
	t->held_seccomp = seccomp;
	if (tr->n_held++ == 0 || t->deadline < tr->next_deadline)
		tr->next_deadline = t->deadline;
}

/* Report a failed injection; a thread that died meanwhile (ESRCH) is no error. */
static void check_inject(struct tracer *tr, struct fl_tracee *t, int r)
{
	/*
	 * Tracee memory faultline cannot write (an iovec array in a page
	 * even PTRACE_POKEDATA refuses) costs this one injection, not the run.
	 */
	if (r == -EFAULT)
		fprintf(tr->cfg->err, "faultline: [pid %d] cannot shorten the call: tracee memory "
			"not writable; it runs unchanged\n", t->tid);
	else if (r < 0 && r != -ESRCH)
		set_fatal(tr, r, "cannot inject", t->tid);
}

/*
 * Phase enter, at the entry (or seccomp) stop, after any delay: send the
 * signal, then skip the call and arrange for its result, or shorten its byte
 * count and let it run. At a seccomp stop a result is written at once and no
 * exit stop is needed: one stop per injected call. A short count must be
 * undone at the exit stop, so it asks for that stop.
 */
static void apply_enter(struct tracer *tr, struct fl_tracee *t, bool seccomp)
{
	int r = 0;

	if (t->dec.signal)
		r = fl_inject_signal(tgid_of(t), t->tid, t->dec.signal);
	if (r >= 0 && fl_inject_changes_result(&t->dec)) {
		r = fl_inject_skip(t->tid);
		if (r >= 0 && seccomp)
			r = fl_inject_set_result(t->tid, fl_inject_result_value(&t->dec));
		else if (r >= 0)
			t->want_exit = true;
	} else if (r >= 0 && t->dec.has_short) {
		r = fl_inject_short(t->tid, t->arch, t->args, &t->dec, &t->undo);
		if (r >= 0 && (t->undo.arg || t->undo.iov_len))
			t->want_exit = true;
	}
	if (!t->want_exit)
		t->acting = false;
	check_inject(tr, t, r);
	resume(tr, t, 0);
}

/* At the exit stop: phase exit's result and signal, or undo a short count. */
static void apply_exit(struct tracer *tr, struct fl_tracee *t)
{
	int r = 0;

	if (fl_inject_changes_result(&t->dec))
		r = fl_inject_set_result(t->tid, fl_inject_result_value(&t->dec));
	if (r >= 0 && (t->undo.arg || t->undo.iov_len))
		r = fl_inject_undo(t->tid, t->arch, &t->undo);
	if (r >= 0 && t->dec.phase == FL_PHASE_EXIT && t->dec.signal)
		r = fl_inject_signal(tgid_of(t), t->tid, t->dec.signal);
	check_inject(tr, t, r);
	t->acting = false;
	t->want_exit = false;
	resume(tr, t, 0);
}

static void on_call_entry(struct tracer *tr, struct fl_tracee *t,
			  const struct fl_syscall_info *info, bool seccomp)
{
	struct fl_matcher *m = tr->cfg->matcher;
	struct fl_call call;
	struct fl_decision dec;

	if (t->restarting) {
		/*
		 * Between a shortened call's -ERESTARTSYS and its restart come
		 * the signal handler's own calls (rt_sigreturn at least): let
		 * them through untouched. The call itself again is still ours.
		 */
		if (info->nr == t->nr)
			t->restarting = false;
		else
			t->passthrough = true;
		resume(tr, t, 0);
		return;
	}
	t->acting = false;
	t->want_exit = false;
	if (t->before_exec || tr->detaching || !fl_matcher_wants(m, info->arch, info->nr)) {
		resume(tr, t, 0);
		return;
	}

	call.arch = info->arch;
	call.nr = info->nr;
	memcpy(call.args, info->args, sizeof(call.args));
	call.tid = t->tid;
	call.pid = tgid_of(t); /* read once per thread, and only for a wanted call */
	fl_stop_source_reset(&tr->stop, t->tid);
	call.src = &tr->stop.src;

	if (!fl_matcher_decide(m, &call, &dec)) {
		resume(tr, t, 0);
		return;
	}
	emit_injection(tr, t, &call, &dec);
	if (tr->cfg->dry_run) {
		resume(tr, t, 0);
		return;
	}

	t->acting = true;
	t->dec = dec;
	t->nr = call.nr;
	t->arch = call.arch;
	memcpy(t->args, call.args, sizeof(t->args));
	if (dec.phase == FL_PHASE_EXIT) {
		t->want_exit = true;
		resume(tr, t, 0);
	} else if (dec.delay_ns) {
		hold(tr, t, FL_STOP_ENTRY, seccomp);
	} else {
		apply_enter(tr, t, seccomp);
	}
}

/* The kernel's "restart this call" results (include/linux/errno.h). */
static bool restarts(int64_t rval)
{
	return rval == -512 || rval == -513 || rval == -514; /* ERESTARTSYS, ...NOINTR, ...NOHAND */
}

static void on_call_exit(struct tracer *tr, struct fl_tracee *t, const struct fl_syscall_info *info)
{
	if (t->passthrough) {
		t->passthrough = false;
		resume(tr, t, 0);
		return;
	}
	if (!t->acting || !t->want_exit) {
		t->want_exit = false;
		resume(tr, t, 0);
		return;
	}
	/*
	 * A shortened call interrupted by a signal is restarted by the kernel
	 * with the registers as they are: keep the short count in place until
	 * the call really ends, or it would run again in full.
	 */
	if ((t->undo.arg || t->undo.iov_len) && restarts(info->rval)) {
		t->restarting = true;
		resume(tr, t, 0);
		return;
	}
	if (t->dec.phase == FL_PHASE_EXIT && t->dec.delay_ns)
		hold(tr, t, FL_STOP_EXIT, false);
	else
		apply_exit(tr, t);
}

static void on_syscall_stop(struct tracer *tr, struct fl_tracee *t, bool seccomp_event)
{
	struct fl_syscall_info info;
	int r = fl_arch_get_syscall_info(t->tid, &info);

	if (r == -ESRCH)
		return;
	if (r < 0) {
		set_fatal(tr, r, "PTRACE_GET_SYSCALL_INFO failed (faultline needs Linux >= 5.3)", t->tid);
		return;
	}
	switch (info.op) {
	case FL_STOP_ENTRY:
		t->entered = true;
		on_call_entry(tr, t, &info, false);
		break;
	case FL_STOP_SECCOMP:
		/*
		 * Resumed with PTRACE_SYSCALL (while a shortened call restarts),
		 * a thread reports a call's entry stop and then its seccomp
		 * stop: one call, already seen.
		 */
		if (t->entered)
			resume(tr, t, 0);
		else
			on_call_entry(tr, t, &info, true);
		break;
	case FL_STOP_EXIT:
		t->entered = false;
		on_call_exit(tr, t, &info);
		break;
	default:
		(void)seccomp_event;
		resume(tr, t, 0);
		break;
	}
}

static void on_exec(struct tracer *tr, struct fl_tracee *t)
{
	unsigned long former = 0;

	/*
	 * A non-leader thread that execs takes over the leader's tid; the
	 * leader vanishes without an exit report. Carry the execing thread's
	 * state over and forget the old tid.
	 */
	if (ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &former) == 0 &&
	    (pid_t)former != t->tid) {
		struct fl_tracee *old = fl_tracee_find(&tr->tracees, (pid_t)former);

		/*
		 * The leader's own state is void: its call died with the old
		 * image (a delay it was held in included).
		 */
		if (t->deadline) {
			t->deadline = 0;
			tr->n_held--;
		}
		t->acting = t->want_exit = false;
		t->restarting = t->passthrough = false;
		memset(&t->undo, 0, sizeof(t->undo));
		if (old && old->deadline) {
			old->deadline = 0;
			tr->n_held--;
		}
		if (old && old->acting) {
			t->acting = old->acting;
			t->want_exit = old->want_exit;
			t->dec = old->dec;
			t->arch = old->arch;
			memcpy(t->args, old->args, sizeof(t->args));
			t->undo = old->undo;
		}
		if (old) {
			if (old->in_group_stop)
				tr->n_group_stopped--;
			fl_tracee_remove(&tr->tracees, (pid_t)former);
		}
	}
	t->before_exec = false;
	t->tgid = t->tid;
	resume(tr, t, 0);
}

static void on_new_child(struct tracer *tr, struct fl_tracee *t)
{
	unsigned long child = 0;

	if (ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &child) == 0 && child > 0) {
		/* Its first stop may already have been seen; add() keeps that one. */
		if (!fl_tracee_add(&tr->tracees, (pid_t)child))
			set_fatal(tr, -ENOMEM, "out of memory", t->tid);
	}
	resume(tr, t, 0);
}

static void on_exited(struct tracer *tr, pid_t tid, int status)
{
	struct fl_tracee *t = fl_tracee_find(&tr->tracees, tid);

	if (t) {
		if (t->deadline)
			tr->n_held--;
		if (t->in_group_stop)
			tr->n_group_stopped--;
		fl_tracee_remove(&tr->tracees, tid);
	}
	if (tid == tr->main_pid && !tr->main_done) {
		tr->main_done = true;
		tr->main_status = status;
		/* Its pid may be reused: from now on signals go to what it left. */
		forward_pid = 0;
	}
	if (tr->attach) {
		for (size_t i = 0; i < tr->cfg->n_attach; i++)
			if (tr->cfg->attach[i] == tid && tr->n_attached_alive > 0)
				tr->n_attached_alive--;
	}
}

/*
 * faultline's own process group, which the command shares, is the one group
 * whose orphan status faultline distorts: it is a member, with a parent (the
 * shell) outside it, so the group never becomes orphaned while faultline
 * runs. Every other group is left to the kernel.
 *
 * Called when a tracee enters group-stop and after a traced process exits
 * while some tracee is stopped. When faultline's group turns orphaned -- as
 * it would be without faultline -- with a stopped traced member, do what the
 * kernel would have done: SIGHUP, then SIGCONT, to every process of the
 * group. A group seen orphaned already gets nothing, as natively. A stop
 * reported after the exit that orphaned the group (waitpid() may hand us
 * the command's exit first) counts too: it came first in the kernel, and a
 * group left stopped would hang the run.
 */
static void check_own_group(struct tracer *tr)
{
	struct fl_tracee_table *tab = &tr->tracees;
	struct fl_proc_ids self, self_parent;
	_cleanup_free_ struct fl_proc_ids *members = NULL;
	size_t n = 0;
	bool stopped = false, orphaned, was;

	if (tr->attach || fl_proc_ids(getpid(), &self) < 0 ||
	    fl_proc_ids(getppid(), &self_parent) < 0 ||
	    fl_pgrp_members(self.pgrp, self.pid, &members, &n) < 0)
		return;
	for (size_t i = 0; i < tab->cap && !stopped; i++) {
		struct fl_tracee *t = tab->slots[i];
		if (!t || !t->in_group_stop)
			continue;
		for (size_t k = 0; k < n && !stopped; k++)
			stopped = members[k].pid == tgid_of(t);
	}
	orphaned = fl_pgrp_orphaned(self.pgrp, members, n, &self, &self_parent);
	was = tr->own_group_orphaned;
	tr->own_group_orphaned = orphaned;
	if (was || !orphaned || !stopped)
		return;
	for (size_t k = 0; k < n; k++) {
		kill(members[k].pid, SIGHUP);
		kill(members[k].pid, SIGCONT);
	}
}

static void handle(struct tracer *tr, pid_t tid, int status)
{
	enum fl_event ev = classify(status);
	struct fl_tracee *t;

	if (ev == FL_EV_EXITED) {
		on_exited(tr, tid, status);
		if (tr->n_group_stopped && !tr->attach)
			check_own_group(tr);
		return;
	}

	t = fl_tracee_find(&tr->tracees, tid);
	if (!t) {
		/* A new child whose first stop beat its parent's fork event. */
		t = fl_tracee_add(&tr->tracees, tid);
		if (!t) {
			set_fatal(tr, -ENOMEM, "out of memory", tid);
			return;
		}
	}
	if (t->in_group_stop) {
		t->in_group_stop = false;
		tr->n_group_stopped--;
	}

	switch (ev) {
	case FL_EV_SYSCALL:
		on_syscall_stop(tr, t, false);
		break;
	case FL_EV_SECCOMP:
		on_syscall_stop(tr, t, true);
		break;
	case FL_EV_NEW_CHILD:
		on_new_child(tr, t);
		break;
	case FL_EV_EXEC:
		on_exec(tr, t);
		break;
	case FL_EV_GROUP_STOP:
		if (tr->detaching) {
			resume(tr, t, 0);
			break;
		}
		/*
		 * Stay stopped, but let SIGCONT and other signals wake it. The
		 * command's own SIGSTOP before its exec is faultline's start-up,
		 * not job control.
		 */
		if (t->before_exec) {
			if (ptrace(PTRACE_LISTEN, tid, NULL, NULL) < 0 && errno != ESRCH)
				set_fatal(tr, -errno, "PTRACE_LISTEN failed", tid);
			break;
		}
		t->in_group_stop = true;
		if (tr->n_group_stopped++ == 0 && !tr->attach)
			check_own_group(tr);
		if (ptrace(PTRACE_LISTEN, tid, NULL, NULL) < 0 && errno != ESRCH)
			set_fatal(tr, -errno, "PTRACE_LISTEN failed", tid);
		break;
	case FL_EV_SIGNAL:
		resume(tr, t, WSTOPSIG(status));
		break;
	case FL_EV_TRAP_STOP:
	case FL_EV_OTHER_EVENT:
	case FL_EV_EXITED:
		resume(tr, t, 0);
		break;
	}
}

/*
 * Release every held tracee whose delay is over (all of them after a
 * forwarded signal), and note the nearest deadline left. The due ones are
 * collected first: releasing one may remove it from the table (detach),
 * which moves other entries around.
 */
static void run_timers(struct tracer *tr)
{
	struct fl_tracee_table *tab = &tr->tracees;
	bool cut = cut_delays;
	uint64_t now = now_ns(), next = UINT64_MAX;
	_cleanup_free_ pid_t *due = calloc(tr->n_held + 1, sizeof(*due));
	size_t n_due = 0;

	cut_delays = 0;
	for (size_t i = 0; i < tab->cap; i++) {
		struct fl_tracee *t = tab->slots[i];
		if (!t || !t->deadline)
			continue;
		if (!cut && t->deadline > now) {
			if (t->deadline < next)
				next = t->deadline;
		} else if (due && n_due < tr->n_held) {
			due[n_due++] = t->tid;
		}
	}
	tr->next_deadline = next;
	for (size_t k = 0; k < n_due; k++) {
		struct fl_tracee *t = fl_tracee_find(tab, due[k]);
		if (!t || !t->deadline)
			continue;
		t->deadline = 0;
		tr->n_held--;
		if (t->held_at == FL_STOP_EXIT)
			apply_exit(tr, t);
		else
			apply_enter(tr, t, t->held_seccomp);
	}
}

/*
 * Let every tracee go: threads held in a delay are released at once (their
 * call finishes as decided, result included), the others are interrupted
 * and detached at their next stop (see resume()). A thread between a
 * tampered entry and its exit is detached only after its exit stop.
 */
static void start_detach(struct tracer *tr)
{
	struct fl_tracee_table *tab = &tr->tracees;

	if (tr->detaching)
		return;
	tr->detaching = true;
	cut_delays = 1;
	for (size_t i = 0; i < tab->cap; i++) {
		struct fl_tracee *t = tab->slots[i];
		if (t && !t->deadline)
			ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL);
	}
}

/* After the command has ended: a signal for it goes to what it left. */
static void forward_to_remaining(struct tracer *tr, int sig)
{
	struct fl_tracee_table *tab = &tr->tracees;
	_cleanup_free_ pid_t *sent = calloc(tab->n + 1, sizeof(*sent));
	size_t n = 0;

	for (size_t i = 0; sent && i < tab->cap; i++) {
		struct fl_tracee *t = tab->slots[i];
		bool seen = false;

		if (!t)
			continue;
		pid_t pid = tgid_of(t);
		for (size_t k = 0; k < n && !seen; k++)
			seen = sent[k] == pid;
		if (!seen) {
			sent[n++] = pid;
			kill(pid, sig);
		}
	}
}

/*
 * What the loop owes outside of tracee events: requests the signal handler
 * left, delays that are over, the --duration deadline. Checked at every turn
 * of the polling wait, so a busy tree cannot starve them.
 */
static void service(struct tracer *tr)
{
	if (detach_requested && tr->attach)
		start_detach(tr);
	if (pending_forward) {
		int sig = pending_forward;
		pending_forward = 0;
		cut_delays = 1;
		forward_to_remaining(tr, sig);
	}
	if (tr->n_held || tr->detach_at) {
		uint64_t now = now_ns();
		if (tr->n_held && (cut_delays || now >= tr->next_deadline))
			run_timers(tr);
		if (tr->detach_at && !tr->detaching && now >= tr->detach_at)
			start_detach(tr);
	}
}

/*
 * Wait for the next tracee event. In run mode, while the command lives and
 * no thread is held, this is a plain blocking waitpid(): one syscall per
 * stop on the hot path (the signal handler forwards by itself). Otherwise
 * poll waitpid() and sleep in sigtimedwait() until SIGCHLD, the next
 * deadline or a signal (whose handler interrupts it), at most 200 ms.
 */
static pid_t wait_event(struct tracer *tr, int *status)
{
	for (;;) {
		service(tr);
		if (!tr->attach && !tr->main_done && tr->n_held == 0) {
			/*
			 * A traced call comes back within microseconds; sleeping
			 * in waitpid() lets this CPU idle, and waking an idle
			 * vCPU costs far more than the stop itself (bench/: 80+
			 * us per stop instead of 14). Poll briefly first.
			 */
			for (int spin = 0; spin < FL_WAIT_SPIN; spin++) {
				pid_t pid = waitpid(-1, status, __WALL | WNOHANG);
				if (pid != 0)
					return pid;
			}
			return waitpid(-1, status, __WALL);
		}

		pid_t pid = waitpid(-1, status, __WALL | WNOHANG);
		if (pid != 0)
			return pid;

		uint64_t now = now_ns(), wait = 200000000ull;
		if (tr->n_held)
			wait = min_u64(wait, tr->next_deadline > now ? tr->next_deadline - now : 0);
		if (tr->detach_at && !tr->detaching)
			wait = min_u64(wait, tr->detach_at > now ? tr->detach_at - now : 0);
		if (wait == 0)
			continue;
		struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)wait };
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		sigtimedwait(&set, NULL, &ts);
	}
}

static void kill_all(struct tracer *tr)
{
	struct fl_tracee_table *tab = &tr->tracees;

	for (size_t i = 0; i < tab->cap; i++)
		if (tab->slots[i])
			kill(tab->slots[i]->tid, SIGKILL);
	if (!tr->main_done)
		kill(tr->main_pid, SIGKILL);
}

static int seize(pid_t pid, bool seccomp, bool attach)
{
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;

	/* Run mode: the command never outlives faultline, even on SIGKILL. */
	if (!attach)
		opts |= PTRACE_O_EXITKILL;
	if (seccomp)
		opts |= PTRACE_O_TRACESECCOMP;
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)opts) < 0)
		return -errno;
	return 0;
}

static int start_command(struct tracer *tr, const struct fl_spawn_signals *sigs)
{
	const struct fl_tracer_config *cfg = tr->cfg;
	pid_t pid;
	int r;

	r = fl_spawn_stopped(cfg->exe_path, cfg->argv, cfg->prefilter, sigs, &pid);
	if (r < 0)
		return r;
	tr->main_pid = pid;

	r = seize(pid, cfg->prefilter != NULL, false);
	struct fl_tracee *t = r < 0 ? NULL : fl_tracee_add(&tr->tracees, pid);
	if (!t) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return r < 0 ? r : -ENOMEM;
	}
	t->before_exec = true;
	t->tgid = pid;
	forward_pid = pid;
	return 0;
}

/* Field @key of /proc/PID/status as an integer, or -1. */
static long proc_status_field(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			return strtol(line + klen + 1, NULL, 10);
	return -1;
}

static void proc_comm(pid_t pid, char *buf, size_t size)
{
	char path[64];
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(buf, size, "?");
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (f && fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
}

/* Explain why PTRACE_SEIZE of @pid failed, the way a user can act on. */
static void explain_attach_error(const struct tracer *tr, pid_t pid, int err)
{
	FILE *out = tr->cfg->err;
	char comm[64];

	if (err == -ESRCH) {
		fprintf(out, "faultline: no process with pid %d\n", pid);
		return;
	}
	proc_comm(pid, comm, sizeof(comm));
	if (err == -EPERM) {
		long tracer = proc_status_field(pid, "TracerPid");
		if (tracer > 0) {
			char tcomm[64];
			proc_comm((pid_t)tracer, tcomm, sizeof(tcomm));
			fprintf(out, "faultline: pid %d (%s) is already traced by pid %ld (%s): "
				"a process has one tracer; detach the debugger or other faultline first\n",
				pid, comm, tracer, tcomm);
			return;
		}
		_cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
		int scope = -1;
		if (f && fscanf(f, "%d", &scope) != 1)
			scope = -1;
		fprintf(out, "faultline: cannot attach to pid %d (%s): permission denied: "
			"tracing needs the same user or CAP_SYS_PTRACE", pid, comm);
		if (scope >= 1)
			fprintf(out, ", and kernel.yama.ptrace_scope=%d %s", scope,
				scope == 1 ? "allows only descendants without CAP_SYS_PTRACE "
					     "(sysctl kernel.yama.ptrace_scope=0, or run as root)"
					   : "forbids it without CAP_SYS_PTRACE");
		fputc('\n', out);
		return;
	}
	fprintf(out, "faultline: cannot attach to pid %d (%s): %s\n", pid, comm, strerror(-err));
}

/*
 * Seize every thread of @pid. Threads may be created while we go: list
 * /proc/PID/task again until a pass finds none new (those created by a
 * seized thread are attached by the kernel through PTRACE_O_TRACECLONE).
 */
static int attach_process(struct tracer *tr, pid_t pid)
{
	char path[64];
	bool found_new = true;
	size_t n_seized = 0;

	/* PTRACE_SEIZE says only EPERM for "already traced": look first. */
	if (proc_status_field(pid, "TracerPid") > 0) {
		explain_attach_error(tr, pid, -EPERM);
		return -EBUSY;
	}
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	while (found_new) {
		DIR *dir = opendir(path);
		struct dirent *de;

		if (!dir) {
			if (n_seized)
				return 0; /* it exited meanwhile: the loop will see it */
			explain_attach_error(tr, pid, -ESRCH);
			return -ESRCH;
		}
		found_new = false;
		while ((de = readdir(dir))) {
			pid_t tid = (pid_t)strtol(de->d_name, NULL, 10);
			if (tid <= 0 || fl_tracee_find(&tr->tracees, tid))
				continue;
			int r = seize(tid, false, true);
			if (r == -ESRCH)
				continue; /* the thread just exited */
			/*
			 * A thread a seized thread made since we listed the
			 * directory is ours already (PTRACE_O_TRACECLONE): the
			 * kernel refuses a second seize with EPERM.
			 */
			if (r == -EPERM && proc_status_field(tid, "TracerPid") == getpid())
				r = 0;
			if (r < 0) {
				closedir(dir);
				explain_attach_error(tr, pid, r);
				return r;
			}
			struct fl_tracee *t = fl_tracee_add(&tr->tracees, tid);
			if (!t) {
				closedir(dir);
				return -ENOMEM;
			}
			t->tgid = pid;
			/* A seized thread runs on untraced until its first stop. */
			ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
			found_new = true;
			n_seized++;
		}
		closedir(dir);
	}
	return 0;
}

static int attach_all(struct tracer *tr)
{
	const struct fl_tracer_config *cfg = tr->cfg;

	tr->main_pid = cfg->attach[0];
	for (size_t i = 0; i < cfg->n_attach; i++) {
		int r = attach_process(tr, cfg->attach[i]);
		if (r < 0)
			return r;
		tr->n_attached_alive++;
	}
	if (cfg->duration_ns)
		tr->detach_at = now_ns() + cfg->duration_ns;
	return 0;
}

/* Attach mode: undo whatever attach_all() did, after a failure. */
static void detach_now(struct tracer *tr)
{
	struct fl_tracee_table *tab = &tr->tracees;

	for (size_t i = 0; i < tab->cap; i++)
		if (tab->slots[i])
			ptrace(PTRACE_DETACH, tab->slots[i]->tid, NULL, NULL);
}

static const char *mode_of(const struct tracer *tr)
{
	return tr->attach ? "attach" : tr->cfg->prefilter ? "seccomp" : "ptrace";
}

static void emit_run_start(struct tracer *tr)
{
	struct fl_run_start start = { .mode = mode_of(tr) };

	for (size_t i = 0; i < tr->cfg->n_sinks; i++) {
		const struct fl_sink *s = tr->cfg->sinks[i];
		if (s->run_start)
			s->run_start(s->ud, &start);
	}
}

/* Each sink's failure is its own (the run command asks it); later ones hear of it. */
static void emit_run_end(struct tracer *tr, const struct fl_tracer_result *res)
{
	struct fl_run_end end = {
		.result = res, .mode = mode_of(tr), .status = fl_tracer_exit_status(res),
	};

	for (size_t i = 0; i < tr->cfg->n_sinks; i++) {
		const struct fl_sink *s = tr->cfg->sinks[i];
		if (s->run_end && s->run_end(s->ud, &end) < 0)
			end.output_failed = true;
	}
}

int fl_tracer_run(const struct fl_tracer_config *cfg, struct fl_tracer_result *ret)
{
	struct tracer tr = { .cfg = cfg, .attach = cfg->n_attach > 0 };
	struct saved_signals saved;
	int r;

	fl_tracee_table_init(&tr.tracees);
	tr.start_ns = now_ns();
	for (size_t i = 0; i < cfg->n_sinks; i++)
		tr.want_stack |= cfg->sinks[i]->wants_stack;
	emit_run_start(&tr);
	forward_pid = 0;
	cut_delays = 0;

	/* Signals first: a SIGTERM during attach must find them in place. */
	install_signals(&saved, tr.attach);
	struct fl_spawn_signals sigs = {
		.n = N_SAVED, .signo = saved.signo, .action = saved.old, .mask = &saved.old_mask,
	};
	r = tr.attach ? attach_all(&tr) : start_command(&tr, &sigs);
	if (r < 0) {
		/*
		 * PTRACE_DETACH needs a stopped thread; the ones we interrupted
		 * stop soon, so wait for each briefly and let it go.
		 */
		if (tr.attach) {
			tr.detaching = true;
			detach_now(&tr);
			while (tr.tracees.n > 0) {
				int status;
				pid_t tid = waitpid(-1, &status, __WALL);
				if (tid < 0 && errno != EINTR)
					break;
				if (tid > 0) {
					ptrace(PTRACE_DETACH, tid, NULL, NULL);
					fl_tracee_remove(&tr.tracees, tid);
				}
			}
		}
		restore_signals(&saved);
		fl_tracee_table_done(&tr.tracees);
		return r;
	}
	if (!tr.attach)
		kill(tr.main_pid, SIGCONT);

	while (tr.tracees.n > 0) {
		int status;
		pid_t tid = wait_event(&tr, &status);

		if (tid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			set_fatal(&tr, -errno, "waitpid failed", 0);
			break;
		}
		tr.stops++;
		handle(&tr, tid, status);
		if (tr.fatal && tr.attach && !tr.detaching) {
			/* Attach mode never kills: let everything go, then report. */
			start_detach(&tr);
		} else if (tr.fatal && !tr.attach) {
			break;
		}
		/* The -p processes are gone: let go of children they left traced. */
		if (tr.attach && tr.n_attached_alive == 0)
			start_detach(&tr);
	}

	if (tr.fatal && !tr.attach) {
		/* Never leave anything stopped: in run mode the tree dies with us. */
		kill_all(&tr);
		while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
			;
	}
	restore_signals(&saved);
	fl_tracee_table_done(&tr.tracees);

	if (tr.fatal)
		return tr.fatal;

	memset(ret, 0, sizeof(*ret));
	ret->stops = tr.stops;
	if (tr.attach && !tr.main_done) {
		ret->detached = true;
		emit_run_end(&tr, ret);
		return 0;
	}
	if (!tr.main_done) {
		/* All tracees vanished without the command's own exit report. */
		return -ECHILD;
	}
	if (WIFEXITED(tr.main_status)) {
		ret->exited = true;
		ret->exit_code = WEXITSTATUS(tr.main_status);
	} else {
		ret->term_signal = WTERMSIG(tr.main_status);
		ret->core_dumped = WCOREDUMP(tr.main_status);
	}
	emit_run_end(&tr, ret);
	return 0;
}

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
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faultline/tracer.h"
#include "faultline/base.h"
#include "model.h"
#include "run.h"
#include "signals.h"

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

/*
 * How long to poll waitpid(WNOHANG) before sleeping, only after a call's
 * stop, when the next one is likely microseconds away. A time, not a count:
 * one poll costs 0.5 us on an idle 2-vCPU VM, 2.5 us on a busy one, and far
 * more under emulation or another tracer; 100 polls of an emulated arm64
 * machine outlasted a program's 100 ms naps.
 */
#define FL_POLL_NS 50000
/* Below this the polls have faded out: sleep at once. */
#define FL_POLL_MIN_NS 1000
/* A stop that came within this of sleeping would have been worth polling for. */
#define FL_SPIN_PAYS_NS 200000

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
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

void fl_run_fatal(struct tracer *tr, int err, const char *what, pid_t tid)
{
	if (tr->fatal)
		return;
	tr->fatal = err;
	fprintf(tr->cfg->err, "faultline: [pid %d] %s: %s\n", tid, what, strerror(-err));
}

/*
 * crash: kill the whole tree where it stands. @t stays in its stop, so
 * its call never runs; SIGKILL ends the other threads wherever they are
 * (a thread in a ptrace-stop dies without running on). The loop then
 * ends the run, reaps what is left and rolls the modelled files back.
 * The kill is one kill(2) per process, not atomic across processes: one
 * that runs meanwhile may make a few more calls.
 */
void fl_run_crash(struct tracer *tr, struct fl_tracee *t, const struct fl_call *call,
		  const struct fl_decision *dec)
{
	const struct fl_rule_set *set = fl_matcher_set(tr->cfg->matcher);
	const char *name = fl_syscall_name(call->arch, call->nr);

	tr->crashed = true;
	free(tr->crash_rule_syscall);
	tr->crash_rule_syscall = strdup(name ? name : "?");
	tr->crash = (struct fl_crash_point){
		.rule = set->rules[dec->rule].name, .syscall = tr->crash_rule_syscall,
		.pid = call->pid, .tid = call->tid, .seq = tr->seq, .mode = dec->crash,
	};
	tr->crash_dec = *dec;
	for (size_t i = 0; i < tr->tracees.cap; i++) {
		struct fl_tracee *o = tr->tracees.slots[i];

		if (o)
			kill(fl_tracee_tgid(o), SIGKILL);
	}
	kill(fl_tracee_tgid(t), SIGKILL);
}

/*
 * Let a stopped tracee go on. In seccomp mode only the filter stops a thread,
 * unless we need this call's exit stop.
 */
void fl_run_resume(struct tracer *tr, struct fl_tracee *t, int sig)
{
	long r;
	pid_t tid = t->tid;

	if (tr->detaching && !fl_state_wants_exit(t->state) && !fl_state_held(t->state)) {
		/*
		 * Nothing of ours is pending on this thread: let it go, with
		 * the signal it was about to get. A thread in group-stop stays
		 * stopped, as job control wants.
		 */
		r = ptrace(PTRACE_DETACH, tid, NULL, (void *)(long)sig);
		if (t->in_group_stop)
			tr->n_group_stopped--;
		fl_tracee_remove(&tr->tracees, tid);
	} else if (tr->cfg->prefilter && !fl_state_wants_exit(t->state)) {
		r = ptrace(PTRACE_CONT, tid, NULL, (void *)(long)sig);
	} else {
		r = ptrace(PTRACE_SYSCALL, tid, NULL, (void *)(long)sig);
	}
	/* ESRCH: it was killed meanwhile; waitpid() will tell us. */
	if (r < 0 && errno != ESRCH)
		fl_run_fatal(tr, -errno, "cannot resume", tid);
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

		fl_thread_exec(tr, t, old);
		if (old) {
			if (old->in_group_stop)
				tr->n_group_stopped--;
			fl_tracee_remove(&tr->tracees, (pid_t)former);
		}
	}
	t->before_exec = false;
	t->tgid = t->tid;
	/* A signal the old image caught is no crash of the new one. */
	fl_crash_forget(t);
	fl_clock_exec(tr, t);
	fl_run_resume(tr, t, 0);
}

static void on_new_child(struct tracer *tr, struct fl_tracee *t)
{
	unsigned long child = 0;

	if (ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &child) == 0 && child > 0) {
		/* Its first stop may already have been seen; add() keeps that one. */
		if (!fl_tracee_add(&tr->tracees, (pid_t)child))
			fl_run_fatal(tr, -ENOMEM, "out of memory", t->tid);
	}
	fl_run_resume(tr, t, 0);
}

static void on_exited(struct tracer *tr, pid_t tid, int status)
{
	struct fl_tracee *t = fl_tracee_find(&tr->tracees, tid);

	/* Per-thread (and, for a leader, per-process) counters end with it. */
	fl_matcher_forget(tr->cfg->matcher, tid);
	if (t) {
		fl_crash_exited(tr, t, status);
		fl_thread_gone(tr, t);
		if (t->in_group_stop)
			tr->n_group_stopped--;
		fl_tracee_remove(&tr->tracees, tid);
	}
	if (tid == tr->main_pid && !tr->main_done) {
		tr->main_done = true;
		tr->main_status = status;
		/* Its pid may be reused: from now on signals go to what it left. */
		fl_signals_forward_to(0);
	}
	if (tr->attach) {
		for (size_t i = 0; i < tr->cfg->n_attach; i++)
			if (tr->cfg->attach[i] == tid && tr->n_attached_alive > 0)
				tr->n_attached_alive--;
	}
}

static void handle(struct tracer *tr, pid_t tid, int status)
{
	enum fl_event ev = classify(status);
	struct fl_tracee *t;

	tr->spin = ev == FL_EV_SYSCALL || ev == FL_EV_SECCOMP;

	if (ev == FL_EV_EXITED) {
		on_exited(tr, tid, status);
		if (tr->n_group_stopped && !tr->attach)
			fl_check_own_group(tr);
		return;
	}

	t = fl_tracee_find(&tr->tracees, tid);
	if (!t) {
		/* A new child whose first stop beat its parent's fork event. */
		t = fl_tracee_add(&tr->tracees, tid);
		if (!t) {
			fl_run_fatal(tr, -ENOMEM, "out of memory", tid);
			return;
		}
	}
	if (t->in_group_stop) {
		t->in_group_stop = false;
		tr->n_group_stopped--;
	}

	switch (ev) {
	case FL_EV_SYSCALL:
	case FL_EV_SECCOMP:
		fl_thread_syscall_stop(tr, t);
		break;
	case FL_EV_NEW_CHILD:
		on_new_child(tr, t);
		break;
	case FL_EV_EXEC:
		on_exec(tr, t);
		break;
	case FL_EV_GROUP_STOP:
		if (tr->detaching) {
			fl_run_resume(tr, t, 0);
			break;
		}
		/* Stay stopped, but let SIGCONT and other signals wake it. */
		t->in_group_stop = true;
		if (tr->n_group_stopped++ == 0 && !tr->attach)
			fl_check_own_group(tr);
		if (ptrace(PTRACE_LISTEN, tid, NULL, NULL) < 0 && errno != ESRCH)
			fl_run_fatal(tr, -errno, "PTRACE_LISTEN failed", tid);
		break;
	case FL_EV_SIGNAL:
		if (tr->want_crashes && fl_crash_dumps_core(WSTOPSIG(status)))
			fl_crash_note(t, WSTOPSIG(status));
		fl_run_resume(tr, t, WSTOPSIG(status));
		break;
	case FL_EV_TRAP_STOP:
	case FL_EV_OTHER_EVENT:
	case FL_EV_EXITED:
		fl_run_resume(tr, t, 0);
		break;
	}
}

/*
 * Let every tracee go: threads held in a delay are released at once (their
 * call finishes as decided, result included), the others are interrupted
 * and detached at their next stop (see fl_run_resume()). A thread between a
 * tampered entry and its exit is detached only after its exit stop.
 */
static void start_detach(struct tracer *tr)
{
	struct fl_tracee_table *tab = &tr->tracees;

	if (tr->detaching)
		return;
	tr->detaching = true;
	fl_signals_cut();
	for (size_t i = 0; i < tab->cap; i++) {
		struct fl_tracee *t = tab->slots[i];
		if (t && !fl_state_held(t->state))
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
		pid_t pid = fl_tracee_tgid(t);
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
	int sig;

	if (fl_signals_detach_requested() && tr->attach)
		start_detach(tr);
	sig = fl_signals_take_pending();
	if (sig) {
		fl_signals_cut();
		forward_to_remaining(tr, sig);
	}
	if (tr->n_held || tr->detach_at) {
		uint64_t now = fl_now_ns();
		if (tr->n_held && (fl_signals_cut_pending() || now >= tr->next_deadline))
			fl_thread_run_timers(tr);
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
			 * us per stop instead of 14). Poll briefly first, after
			 * a call's stop. After an exec, a fork or a signal the
			 * next event is a program's start-up or more away: the
			 * polls were CPU taken from the tree (50 us of polls per
			 * event of a fork/exec loop).
			 */
			if (tr->spin && tr->poll_ns >= FL_POLL_MIN_NS) {
				uint64_t start = fl_now_ns();

				do {
					pid_t pid = waitpid(-1, status, __WALL | WNOHANG);
					if (pid != 0)
						return pid;
				} while (fl_now_ns() - start < tr->poll_ns);
				tr->idle_polls++;
			}
			if (!tr->spin)
				return waitpid(-1, status, __WALL);
			/*
			 * The poll found nothing. If the stop came soon after all,
			 * polling pays: poll fully next time. If it came late (a
			 * program between calls that do real work: reads of big
			 * files, a compiler), halve the polls: they only take CPU
			 * from the tree. Down to none, and back up at the first
			 * stop that comes soon.
			 */
			uint64_t t0 = fl_now_ns();
			pid_t pid = waitpid(-1, status, __WALL);
			tr->poll_ns = fl_now_ns() - t0 < FL_SPIN_PAYS_NS ? FL_POLL_NS : tr->poll_ns / 2;
			return pid;
		}

		pid_t pid = waitpid(-1, status, __WALL | WNOHANG);
		if (pid != 0)
			return pid;

		uint64_t now = fl_now_ns(), wait = 200000000ull;
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

/*
 * Never leave anything stopped: in run mode the tree dies with us. The table
 * is not the whole tree: a child whose parent's fork event was still queued
 * when the run failed is traced (auto-attached) but unknown, and sits in its
 * first stop. Whatever reports a stop is killed on the spot; SIGKILL ends a
 * ptrace-stopped task, PTRACE_CONT lets one held at PTRACE_EVENT_EXIT go.
 */
static void kill_and_reap_all(struct tracer *tr)
{
	kill_all(tr);
	for (;;) {
		int status;
		pid_t tid = waitpid(-1, &status, __WALL);

		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (WIFSTOPPED(status)) {
			kill(tid, SIGKILL);
			ptrace(PTRACE_CONT, tid, NULL, NULL);
		}
	}
}

/* The run is over: its result, and the sinks' run end. */
static int finish(struct tracer *tr, struct fl_tracer_result *ret)
{
	if (tr->fatal)
		return tr->fatal;

	memset(ret, 0, sizeof(*ret));
	ret->stops = tr->stops;
	ret->idle_polls = tr->idle_polls;
	if (tr->crashed) {
		/* As a shell would say of a program killed by SIGKILL: 128+9. */
		ret->crashed = true;
		ret->term_signal = SIGKILL;
		fl_emit_run_end(tr, ret);
		return 0;
	}
	if (tr->attach && !tr->main_done) {
		ret->detached = true;
		fl_emit_run_end(tr, ret);
		return 0;
	}
	if (!tr->main_done) {
		/* All tracees vanished without the command's own exit report. */
		return -ECHILD;
	}
	if (WIFEXITED(tr->main_status)) {
		ret->exited = true;
		ret->exit_code = WEXITSTATUS(tr->main_status);
	} else {
		ret->term_signal = WTERMSIG(tr->main_status);
		ret->core_dumped = WCOREDUMP(tr->main_status);
	}
	fl_emit_run_end(tr, ret);
	return 0;
}

int fl_tracer_run(const struct fl_tracer_config *cfg, struct fl_tracer_result *ret)
{
	struct tracer tr = { .cfg = cfg, .attach = cfg->n_attach > 0, .poll_ns = FL_POLL_NS };
	struct fl_saved_signals saved;
	int r;

	fl_tracee_table_init(&tr.tracees);
	tr.start_ns = fl_now_ns();
	r = fl_model_new(fl_matcher_set(cfg->matcher), &tr.model);
	if (r < 0)
		return r;
	for (size_t i = 0; i < cfg->n_sinks; i++) {
		tr.want_stack |= cfg->sinks[i]->wants_stack;
		tr.want_crashes |= cfg->sinks[i]->wants_crashes;
	}
	for (size_t i = 0; cfg->matcher && i < fl_matcher_set(cfg->matcher)->n_rules; i++)
		tr.clock_rules |= fl_matcher_set(cfg->matcher)->rules[i].has_clock;
	fl_emit_run_start(&tr);

	/* Signals first: a SIGTERM during attach must find them in place. */
	fl_signals_install(&saved, tr.attach);
	struct fl_spawn_signals sigs = {
		.n = FL_N_SAVED_SIGNALS, .signo = saved.signo, .action = saved.old, .mask = &saved.old_mask,
	};
	r = tr.attach ? fl_attach_all(&tr) : fl_start_command(&tr, &sigs);
	if (r < 0) {
		/*
		 * PTRACE_DETACH needs a stopped thread; the ones we interrupted
		 * stop soon, so wait for each briefly and let it go.
		 */
		if (tr.attach) {
			tr.detaching = true;
			fl_detach_all(&tr);
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
		fl_signals_restore(&saved);
		fl_tracee_table_done(&tr.tracees);
		fl_stop_source_done(&tr.stop);
		fl_model_free(tr.model);
		return r;
	}
	while (tr.tracees.n > 0) {
		int status;
		pid_t tid = wait_event(&tr, &status);

		if (tid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			fl_run_fatal(&tr, -errno, "waitpid failed", 0);
			break;
		}
		tr.stops++;
		handle(&tr, tid, status);
		if (tr.fatal && tr.attach && !tr.detaching) {
			/* Attach mode never kills: let everything go, then report. */
			start_detach(&tr);
		} else if ((tr.fatal || tr.crashed) && !tr.attach) {
			break;
		}
		/* The -p processes are gone: let go of children they left traced. */
		if (tr.attach && tr.n_attached_alive == 0)
			start_detach(&tr);
	}

	if ((tr.fatal || tr.crashed) && !tr.attach)
		kill_and_reap_all(&tr);
	if (tr.crashed && !tr.fatal && tr.crash.mode == FL_CRASH_POWER_LOSS && tr.model) {
		const struct fl_rule_set *set = fl_matcher_set(cfg->matcher);

		fl_model_roll_back(&tr, &set->rules[tr.crash_dec.rule], tr.crash_dec.dirs);
		tr.crash.rollbacks = tr.model->done;
		tr.crash.n_rollbacks = tr.model->n_done;
		tr.crash.incomplete = tr.model->error != 0;
	}
	fl_signals_restore(&saved);
	fl_tracee_table_done(&tr.tracees);
	fl_stop_source_done(&tr.stop);

	r = finish(&tr, ret);
	fl_model_free(tr.model);
	free(tr.crash_rule_syscall);
	fl_crashes_free(&tr);
	fl_strset_clear(&tr.noticed);
	return r;
}

/*
 * The per-thread injection state machine (states and transitions in
 * state.h): what each syscall stop of a thread does with the decision on its
 * call -- match it at entry, apply it at entry or exit, hold it for a delay,
 * keep a short count across a restart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/arch.h"
#include "faultline/inject.h"
#include "faultline/base.h"
#include "observe.h"
#include "run.h"
#include "signals.h"

static void emit_pending(struct tracer *tr, struct fl_tracee *t);

/* Keep @t in its stop for the decision's delay: state FL_TS_HELD_ENTRY or _EXIT. */
static void hold(struct tracer *tr, struct fl_tracee *t, enum fl_thread_state held, bool seccomp)
{
	t->state = held;
	t->deadline = fl_now_ns() + t->dec.delay_ns;
	t->held_seccomp = seccomp;
	if (tr->n_held++ == 0 || t->deadline < tr->next_deadline)
		tr->next_deadline = t->deadline;
}

/*
 * A short count: keep the call and what the filters saw (the matcher's
 * strings change with the next call, any thread's) until its exit says
 * whether the count bit.
 */
static void defer_short(struct fl_tracee *t, const struct fl_call *call,
			const struct fl_match_info *info)
{
	t->short_pending = true;
	t->short_call = *call;
	t->short_call.src = NULL;
	t->short_match = *info;
	t->short_match.path = info->path ? strdup(info->path) : NULL;
	t->short_match.exe = info->exe ? strdup(info->exe) : NULL;
}

static void drop_short(struct fl_tracee *t)
{
	free((char *)t->short_match.path);
	free((char *)t->short_match.exe);
	t->short_match = (struct fl_match_info){ 0 };
	t->short_pending = false;
}

/*
 * The injection did not happen after all (the count could not be
 * written, the thread died, the call did not move what it was cut to):
 * the rule's count and its 'times' budget are given back, and no sink
 * hears of it.
 */
static void take_back_short(struct tracer *tr, struct fl_tracee *t)
{
	if (!t->short_pending)
		return;
	fl_matcher_take_back(tr->cfg->matcher, t->dec.rule);
	drop_short(t);
}

/* Tell the sinks of the decision kept by defer_short(). */
static void emit_pending(struct tracer *tr, struct fl_tracee *t)
{
	if (!t->short_pending)
		return;
	fl_stop_source_reset(&tr->stop, t->tid);
	tr->stop.tgid = t->short_call.pid;
	t->short_call.src = &tr->stop.src;
	fl_emit_injection(tr, t, &t->short_call, &t->dec, &t->short_match);
	drop_short(t);
}

/*
 * At the exit of a shortened call, with its result @rval: the short
 * counts only if the call moved exactly the count it was cut to (less, or
 * an error, and the cut changed nothing); in a dry run, if it moved more
 * than that (the cut would have bitten).
 */
static void settle_short(struct tracer *tr, struct fl_tracee *t, int64_t rval)
{
	int64_t keep = (int64_t)t->dec.short_count;
	bool bit = tr->cfg->dry_run ? rval > keep : rval == keep;

	if (!t->short_pending || !t->dec.has_short)
		return;
	if (!bit)
		take_back_short(tr, t);
	else
		emit_pending(tr, t);
}

/*
 * @t's delay is over, in full or @cut short (SIGTERM, a detach): note
 * what was served, and tell the sinks, unless a short count still waits
 * for the call's exit.
 */
static void delay_over(struct tracer *tr, struct fl_tracee *t, bool cut)
{
	uint64_t start = t->deadline - t->dec.delay_ns, now = fl_now_ns();

	if (cut && now < t->deadline) {
		t->dec.delay_cut = true;
		t->dec.delay_served_ns = now > start ? now - start : 0;
	}
	if (!t->dec.has_short)
		emit_pending(tr, t);
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
		fl_run_fatal(tr, r, "cannot inject", t->tid);
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
	bool want_exit = false;
	int r = 0;

	if (t->dec.signal)
		r = fl_inject_signal(fl_tracee_tgid(t), t->tid, t->dec.signal);
	if (r >= 0 && fl_inject_changes_result(&t->dec)) {
		r = fl_inject_skip(t->tid);
		if (r >= 0 && seccomp)
			r = fl_inject_set_result(t->tid, fl_inject_result_value(&t->dec));
		else if (r >= 0)
			want_exit = true;
	} else if (r >= 0 && t->dec.has_short) {
		r = fl_inject_short(t->tid, t->arch, t->args, &t->dec, &t->undo);
		if (r >= 0 && (t->undo.arg || t->undo.iov_len))
			want_exit = true;
		else
			take_back_short(tr, t); /* the call runs unchanged */
	}
	t->state = want_exit ? FL_TS_WANT_EXIT : FL_TS_IDLE;
	check_inject(tr, t, r);
	fl_run_resume(tr, t, 0);
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
		r = fl_inject_signal(fl_tracee_tgid(t), t->tid, t->dec.signal);
	check_inject(tr, t, r);
	t->state = FL_TS_IDLE;
	fl_run_resume(tr, t, 0);
}

static void on_call_entry(struct tracer *tr, struct fl_tracee *t,
			  const struct fl_syscall_info *info, bool seccomp)
{
	struct fl_matcher *m = tr->cfg->matcher;
	struct fl_call call;
	struct fl_decision dec;

	if (!fl_state_entry(t->state, info->nr, t->nr, &t->state)) {
		/* The restart of the call we act on, or a call before it: not new. */
		fl_run_resume(tr, t, 0);
		return;
	}
	if (t->before_exec || tr->detaching) {
		fl_run_resume(tr, t, 0);
		return;
	}
	if (!fl_matcher_wants(m, info->arch, info->nr)) {
		fl_observe_call(tr, t, info, false);
		fl_run_resume(tr, t, 0);
		return;
	}

	call.arch = info->arch;
	call.nr = info->nr;
	memcpy(call.args, info->args, sizeof(call.args));
	call.tid = t->tid;
	call.pid = fl_tracee_tgid(t); /* read once per thread, and only for a wanted call */
	fl_stop_source_reset(&tr->stop, t->tid);
	tr->stop.tgid = call.pid;
	call.src = &tr->stop.src;

	if (!fl_matcher_decide(m, &call, &dec)) {
		fl_observe_call(tr, t, info, false);
		fl_run_resume(tr, t, 0);
		return;
	}
	/* What a short count or a delay did is known later: told then. */
	if (dec.has_short || (dec.delay_ns && !tr->cfg->dry_run))
		defer_short(t, &call, fl_matcher_last_match(m));
	else
		fl_emit_injection(tr, t, &call, &dec, fl_matcher_last_match(m));

	t->dec = dec;
	t->nr = call.nr;
	t->arch = call.arch;
	memcpy(t->args, call.args, sizeof(t->args));
	if (tr->cfg->dry_run) {
		fl_observe_call(tr, t, info, false);
		/* A short's exit says whether it would have bitten. */
		t->state = dec.has_short ? FL_TS_WANT_EXIT : FL_TS_IDLE;
		fl_run_resume(tr, t, 0);
		return;
	}
	if (dec.phase == FL_PHASE_EXIT) {
		t->state = FL_TS_WANT_EXIT;
		fl_run_resume(tr, t, 0);
	} else if (dec.delay_ns) {
		hold(tr, t, FL_TS_HELD_ENTRY, seccomp);
	} else {
		apply_enter(tr, t, seccomp);
	}
}

static void on_call_exit(struct tracer *tr, struct fl_tracee *t, const struct fl_syscall_info *info)
{
	bool has_undo = t->undo.arg || t->undo.iov_len;
	bool exit_delay = t->dec.phase == FL_PHASE_EXIT && t->dec.delay_ns;
	enum fl_thread_state next;
	switch (fl_state_exit(t->state, info->rval, has_undo, exit_delay, &next)) {
	case FL_EXIT_PASS:
	case FL_EXIT_RESTART:
		t->state = next;
		fl_run_resume(tr, t, 0);
		break;
	case FL_EXIT_HOLD:
		hold(tr, t, FL_TS_HELD_EXIT, false);
		break;
	case FL_EXIT_APPLY:
		settle_short(tr, t, info->rval);
		apply_exit(tr, t);
		break;
	}
}

void fl_thread_syscall_stop(struct tracer *tr, struct fl_tracee *t)
{
	struct fl_syscall_info info;
	int r = fl_arch_get_syscall_info(t->tid, &info);

	if (r == -ESRCH)
		return;
	if (r < 0) {
		fl_run_fatal(tr, r, "PTRACE_GET_SYSCALL_INFO failed (faultline needs Linux >= 5.3)", t->tid);
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
			fl_run_resume(tr, t, 0);
		else
			on_call_entry(tr, t, &info, true);
		break;
	case FL_STOP_EXIT:
		t->entered = false;
		on_call_exit(tr, t, &info);
		break;
	default:
		fl_run_resume(tr, t, 0);
		break;
	}
}

/*
 * Release every held tracee whose delay is over (all of them after a
 * forwarded signal), and note the nearest deadline left. The due ones are
 * collected first: releasing one may remove it from the table (detach),
 * which moves other entries around.
 */
/* A held thread whose delay is over (every held one after a cut), or NULL. */
static struct fl_tracee *next_due(struct tracer *tr, bool cut, uint64_t now)
{
	struct fl_tracee_table *tab = &tr->tracees;

	for (size_t i = 0; i < tab->cap; i++) {
		struct fl_tracee *t = tab->slots[i];
		if (t && fl_state_held(t->state) && (cut || t->deadline <= now))
			return t;
	}
	return NULL;
}

/*
 * Release the threads whose delay is over. Nothing here allocates: a thread
 * due must go on even when memory has run out. A release can change the
 * table (a detaching run forgets the thread), so each one scans it anew;
 * there are at most n_held of them.
 */
void fl_thread_run_timers(struct tracer *tr)
{
	struct fl_tracee_table *tab = &tr->tracees;
	bool cut = fl_signals_take_cut();
	uint64_t now = fl_now_ns(), next = UINT64_MAX;

	for (size_t budget = tr->n_held; budget > 0; budget--) {
		struct fl_tracee *t = next_due(tr, cut, now);

		if (!t)
			break;
		tr->n_held--;
		delay_over(tr, t, cut);
		if (t->state == FL_TS_HELD_EXIT)
			apply_exit(tr, t);
		else
			apply_enter(tr, t, t->held_seccomp);
	}
	for (size_t i = 0; i < tab->cap; i++) {
		struct fl_tracee *t = tab->slots[i];
		if (t && fl_state_held(t->state) && t->deadline < next)
			next = t->deadline;
	}
	tr->next_deadline = next;
}

void fl_thread_gone(struct tracer *tr, struct fl_tracee *t)
{
	if (fl_state_held(t->state)) {
		tr->n_held--;
		/* Killed in its delay: that much of it was served. */
		delay_over(tr, t, true);
	}
	take_back_short(tr, t);
	t->state = FL_TS_IDLE;
}

/*
 * The leader's own state is void: its call died with the old image (a
 * delay it was held in included). @t goes on with what the leader's call
 * still needs at its exit.
 */
void fl_thread_exec(struct tracer *tr, struct fl_tracee *t, struct fl_tracee *leader)
{
	fl_thread_gone(tr, t);
	memset(&t->undo, 0, sizeof(t->undo));
	if (!leader)
		return;
	enum fl_thread_state was = leader->state;

	fl_thread_gone(tr, leader);
	if (was == FL_TS_IDLE)
		return;
	t->state = fl_state_inherit(was);
	t->dec = leader->dec;
	t->arch = leader->arch;
	memcpy(t->args, leader->args, sizeof(t->args));
	t->undo = leader->undo;
}

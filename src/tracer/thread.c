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
#include "faultline/sys.h"
#include "faultline/base.h"
#include "model.h"
#include "observe.h"
#include "run.h"
#include "signals.h"

/*
 * How long the decision holds a thread at its call's entry and exit stops:
 * delay: T at the rule's phase, delay: {enter, exit} on both sides. A
 * delay cut short (SIGTERM, a detach, the thread gone) holds no more.
 */
static uint64_t entry_delay(const struct fl_decision *d)
{
	if (d->delay_sides)
		return d->delay_enter_ns;
	return d->phase == FL_PHASE_ENTER ? d->delay_ns : 0;
}

static uint64_t exit_delay(const struct fl_decision *d)
{
	if (d->delay_cut)
		return 0;
	if (d->delay_sides)
		return d->delay_exit_ns;
	return d->phase == FL_PHASE_EXIT ? d->delay_ns : 0;
}

/* Keep @t in its stop for @ns: state FL_TS_HELD_ENTRY or _EXIT. */
static void hold(struct tracer *tr, struct fl_tracee *t, enum fl_thread_state held, bool seccomp,
		 uint64_t ns)
{
	t->state = held;
	t->deadline = fl_now_ns() + ns;
	t->held_seccomp = seccomp;
	if (tr->n_held++ == 0 || t->deadline < tr->next_deadline)
		tr->next_deadline = t->deadline;
}

/*
 * The one way an injection is told later than it is decided (a short
 * count, a delay, a corrupt; see struct fl_tracee): keep the call and
 * what the filters saw (the matcher's strings change with the next call,
 * any thread's) until emit_pending() or take_back().
 */
static void defer_emit(struct tracer *tr, struct fl_tracee *t, const struct fl_call *call,
		       const struct fl_match_info *info)
{
	char *path = info->path ? strdup(info->path) : NULL;
	char *exe = info->exe ? strdup(info->exe) : NULL;
	char *caller = info->caller ? strdup(info->caller) : NULL;

	free((char *)t->pending_match.path);
	free((char *)t->pending_match.exe);
	free((char *)t->pending_match.caller);
	t->pending_call = *call;
	t->pending_call.src = NULL;
	t->pending_match = *info;
	t->pending_match.path = path;
	t->pending_match.exe = exe;
	t->pending_match.caller = caller;
	t->emit_pending = true;
	if ((info->path && !path) || (info->exe && !exe) || (info->caller && !caller))
		fl_run_fatal(tr, -ENOMEM, "out of memory", t->tid);
}

static void drop_pending(struct fl_tracee *t)
{
	free((char *)t->pending_match.path);
	free((char *)t->pending_match.exe);
	free((char *)t->pending_match.caller);
	t->pending_match = (struct fl_match_info){ 0 };
	t->emit_pending = false;
}

/*
 * The injection did not happen after all (the count could not be
 * written, the thread died, the call did not move what it was cut to):
 * the rule's count and its 'times' budget are given back, and no sink
 * hears of it.
 */
static void take_back(struct tracer *tr, struct fl_tracee *t)
{
	if (!t->emit_pending)
		return;
	fl_matcher_take_back(tr->cfg->matcher, t->dec.rule);
	drop_pending(t);
}

/* Tell the sinks of the decision kept by defer_emit(), with what it did. */
static void emit_pending(struct tracer *tr, struct fl_tracee *t)
{
	if (!t->emit_pending)
		return;
	fl_stop_source_reset(&tr->stop, t->tid);
	tr->stop.tgid = t->pending_call.pid;
	t->pending_call.src = &tr->stop.src;
	fl_emit_injection(tr, t, &t->pending_call, &t->dec, &t->pending_match);
	drop_pending(t);
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

	if (!t->emit_pending || !t->dec.has_short)
		return;
	if (!bit)
		take_back(tr, t);
	else
		emit_pending(tr, t);
}

/*
 * One side of @t's delay is over (the side it is held at), in full or
 * @cut short (SIGTERM, a detach, the thread gone): add what was served
 * and tell the sinks once no side is left, unless a short count (the
 * call's exit) or a corrupt (its damage) still decides what is told.
 */
static void delay_over(struct tracer *tr, struct fl_tracee *t, bool cut)
{
	bool at_exit = t->state == FL_TS_HELD_EXIT;
	uint64_t side = at_exit ? exit_delay(&t->dec) : entry_delay(&t->dec);
	uint64_t start = t->deadline - side, now = fl_now_ns();

	if (cut && now < t->deadline) {
		t->dec.delay_cut = true;
		t->dec.delay_served_ns += now > start ? now - start : 0;
	} else {
		t->dec.delay_served_ns += side;
	}
	if (t->dec.has_short || t->dec.corrupt_bytes)
		return;
	if (at_exit || t->dec.delay_cut || exit_delay(&t->dec) == 0)
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

/* Damage the first @len bytes of the call's data as the decision says. */
static void corrupt(struct tracer *tr, struct fl_tracee *t, uint64_t len, bool restore)
{
	int r;

	if (!t->corrupt)
		t->corrupt = calloc(1, sizeof(*t->corrupt));
	if (!t->corrupt) {
		fl_run_fatal(tr, -ENOMEM, "out of memory", t->tid);
		return;
	}
	r = fl_inject_corrupt(t->tid, t->arch, t->nr, t->args, len, &t->dec, restore, t->corrupt);
	if (r < 0 && r != -ESRCH)
		fprintf(tr->cfg->err, "faultline: [pid %d] corrupt stopped after %zu bytes: %s\n",
			t->tid, t->corrupt->n, strerror(-r));
	t->dec.corrupt_done = true;
	t->dec.corrupt_offsets = t->corrupt->offsets;
	t->dec.corrupt_n = t->corrupt->n;
}

/* poke at the decision's phase; a poke that does not fit is left out, and said so. */
static int poke(struct tracer *tr, struct fl_tracee *t)
{
	uint64_t room = 0;
	int r = fl_inject_poke(t->tid, t->arch, t->nr, t->args, &t->dec, &room);

	if (r == -EMSGSIZE) {
		fprintf(tr->cfg->err, "faultline: [pid %d] poke left out: %zu bytes do not fit the "
			"%llu the call's length argument gives\n", t->tid, t->dec.poke_len,
			(unsigned long long)room);
		return 0;
	}
	if (r == -EFAULT || r == -EIO) {
		fprintf(tr->cfg->err, "faultline: [pid %d] poke left out: argument %u points to "
			"no writable memory\n", t->tid, t->dec.poke_arg);
		return 0;
	}
	return r;
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
	/* An exit delay needs the exit stop, also after a result written at once. */
	bool want_exit = exit_delay(&t->dec) != 0;
	int r = 0;

	if (t->dec.phase == FL_PHASE_EXIT) {
		/* Held at entry by delay: {enter}: the call now runs, its exit acts. */
		t->state = FL_TS_WANT_EXIT;
		fl_run_resume(tr, t, 0);
		return;
	}
	if (t->dec.signal)
		r = fl_inject_signal(fl_tracee_tgid(t), t->tid, t->dec.signal);
	if (r >= 0 && t->dec.has_poke)
		r = poke(tr, t);
	if (r >= 0 && t->dec.corrupt_bytes) {
		/* A write's data is damaged now and put back at the exit; a read's at the exit. */
		if (fl_sysinfo_data_dir(fl_sysinfo_of(t->arch, t->nr)) == FL_DATA_OUT) {
			int64_t len = fl_inject_data_len(t->tid, t->arch, t->nr, t->args);

			corrupt(tr, t, len > 0 ? (uint64_t)len : 0, true);
			/* Told now, unless an exit delay is still to be served. */
			if (!exit_delay(&t->dec))
				emit_pending(tr, t);
		}
		want_exit = true;
	}
	if (t->dec.stat_fields)
		want_exit = true; /* the result is faked after the call */
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
			take_back(tr, t); /* the call runs unchanged */
	}
	t->state = want_exit ? FL_TS_WANT_EXIT : FL_TS_IDLE;
	check_inject(tr, t, r);
	fl_run_resume(tr, t, 0);
}

/* At the exit stop: phase exit's result and signal, or undo a short count. */
static void apply_exit(struct tracer *tr, struct fl_tracee *t)
{
	int r = 0;

	if (t->dec.clock_call != FL_CCALL_NONE) {
		fl_clock_exit(tr, t);
		return;
	}
	settle_short(tr, t, t->exit_rval);
	if (tr->cfg->dry_run) {
		/* Only a short's exit is waited for in a dry run: to see whether it would bite. */
		t->state = FL_TS_IDLE;
		fl_run_resume(tr, t, 0);
		return;
	}
	if (fl_inject_changes_result(&t->dec))
		r = fl_inject_set_result(t->tid, fl_inject_result_value(&t->dec));
	if (r >= 0 && (t->undo.arg || t->undo.iov_len))
		r = fl_inject_undo(t->tid, t->arch, &t->undo);
	if (r >= 0 && t->dec.phase == FL_PHASE_EXIT && t->dec.has_poke)
		r = poke(tr, t);
	if (r >= 0 && t->dec.corrupt_bytes) {
		if (t->corrupt && t->corrupt->restore)
			r = fl_inject_corrupt_undo(t->tid, t->corrupt);
		else if (t->emit_pending && !t->dec.corrupt_done)
			corrupt(tr, t, t->exit_rval > 0 ? (uint64_t)t->exit_rval : 0, false);
		emit_pending(tr, t);
	}
	/* stat: only a result there is; a failed call filled nothing. */
	if (r >= 0 && t->dec.stat_fields && t->exit_rval == 0) {
		r = fl_inject_stat(t->tid, t->arch, t->nr, t->args, &t->dec);
		if (r == -ENOTSUP || r == -EFAULT) {
			fprintf(tr->cfg->err, "faultline: [pid %d] stat left out: %s\n", t->tid,
				r == -ENOTSUP ? "this ABI's struct stat is not known" :
				"the result is in no readable memory");
			r = 0;
		}
	}
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
		if (tr->model)
			fl_model_call(tr, t, info);
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
		if (tr->model)
			fl_model_call(tr, t, info);
		fl_run_resume(tr, t, 0);
		return;
	}
	if (dec.crash != FL_CRASH_NONE && !tr->cfg->dry_run) {
		/* The call never runs: the tree dies here, and the loop ends the run. */
		fl_emit_injection(tr, t, &call, &dec, fl_matcher_last_match(m));
		fl_run_crash(tr, t, &call, &dec);
		return;
	}
	if (dec.clock_call != FL_CCALL_NONE) {
		fl_clock_entry(tr, t, &call, &dec);
		return;
	}
	/* A call that runs changes or syncs what it touches; one skipped does not. */
	if (tr->model && (tr->cfg->dry_run || !fl_inject_changes_result(&dec) ||
			  dec.phase == FL_PHASE_EXIT))
		fl_model_call(tr, t, info);
	/*
	 * What a short count, a delay or a corrupt did is known later: told
	 * then (a dry run holds no delay and damages nothing: told now).
	 */
	if (dec.has_short || (!tr->cfg->dry_run && (entry_delay(&dec) || exit_delay(&dec) ||
						    dec.corrupt_bytes)))
		defer_emit(tr, t, &call, fl_matcher_last_match(m));
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
	if (entry_delay(&dec)) {
		hold(tr, t, FL_TS_HELD_ENTRY, seccomp, entry_delay(&dec));
	} else if (dec.phase == FL_PHASE_EXIT) {
		t->state = FL_TS_WANT_EXIT;
		fl_run_resume(tr, t, 0);
	} else {
		apply_enter(tr, t, seccomp);
	}
}

static void on_call_exit(struct tracer *tr, struct fl_tracee *t, const struct fl_syscall_info *info)
{
	bool has_undo = t->undo.arg || t->undo.iov_len;
	enum fl_thread_state next;

	t->exit_rval = info->rval;
	switch (fl_state_exit(t->state, info->rval, has_undo, exit_delay(&t->dec) != 0, &next)) {
	case FL_EXIT_PASS:
	case FL_EXIT_RESTART:
		t->state = next;
		fl_run_resume(tr, t, 0);
		break;
	case FL_EXIT_HOLD:
		hold(tr, t, FL_TS_HELD_EXIT, false, exit_delay(&t->dec));
		break;
	case FL_EXIT_APPLY:
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
	if (t->corrupt)
		t->corrupt->restore = false; /* the memory it would put back is gone */
	if (t->emit_pending && t->dec.has_short) {
		take_back(tr, t);
	} else if (t->emit_pending) {
		/* A decision whose damage never came still happened: say so, without offsets. */
		if (t->dec.corrupt_bytes && !t->dec.corrupt_done) {
			t->dec.corrupt_done = true;
			t->dec.corrupt_offsets = NULL;
			t->dec.corrupt_n = 0;
		}
		emit_pending(tr, t);
	}
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
	memset(&t->clock_undo, 0, sizeof(t->clock_undo)); /* the old image's memory is gone */
	if (!leader)
		return;
	enum fl_thread_state was = leader->state;

	fl_thread_gone(tr, leader);
	/* A clock reading or wait of the old image has nothing left to do. */
	if (was == FL_TS_IDLE || leader->dec.clock_call != FL_CCALL_NONE)
		return;
	t->state = fl_state_inherit(was);
	t->dec = leader->dec;
	t->arch = leader->arch;
	memcpy(t->args, leader->args, sizeof(t->args));
	t->undo = leader->undo;
}

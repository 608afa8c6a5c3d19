/*
 * clock: rules in the tracer: each process under one loses its vDSO at
 * exec (its clock readings then come as syscalls), each reading the matcher
 * shifts is rewritten at its exit stop, and each absolute wait on a shifted
 * clock gets its deadline moved for the call and put back after it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "faultline/arch.h"
#include "faultline/inject.h"
#include "faultline/match.h"
#include "run.h"

void fl_clock_exec(struct tracer *tr, struct fl_tracee *t)
{
	struct fl_syscall_info info;
	struct fl_call call = { 0 };
	int r;

	if (!tr->clock_rules)
		return;
	/* At the exec stop: the new image's ABI and its stack pointer, before its first instruction. */
	r = fl_arch_get_syscall_info(t->tid, &info);
	if (r < 0)
		goto fail;
	call.arch = info.arch;
	call.pid = t->tid;
	call.tid = t->tid;
	fl_stop_source_reset(&tr->stop, t->tid);
	tr->stop.tgid = t->tid;
	call.src = &tr->stop.src;
	if (!fl_matcher_wants_clock(tr->cfg->matcher, &call))
		return;
	r = fl_inject_hide_vdso(t->tid, info.arch, info.sp);
	if (r >= 0 || r == -ENOENT)
		return; /* -ENOENT: a kernel without a vDSO for this ABI */
fail:
	if (r != -ESRCH)
		fprintf(tr->cfg->err, "faultline: [pid %d] cannot take the vDSO away: %s; its clock "
			"readings may not be seen\n", t->tid, strerror(-r));
}

/* A reading or a wait whose tracee memory refused the shift: say so, once per call. */
static void check(struct tracer *tr, struct fl_tracee *t, int r, const char *what)
{
	if (r < 0 && r != -ESRCH)
		fprintf(tr->cfg->err, "faultline: [pid %d] cannot %s: %s\n", t->tid, what,
			strerror(-r));
}

void fl_clock_entry(struct tracer *tr, struct fl_tracee *t, const struct fl_call *call,
		    const struct fl_decision *dec)
{
	bool wait = dec->clock_call >= FL_CCALL_NANOSLEEP; /* the waits come after the readings */

	if (!dec->clock_quiet)
		fl_emit_injection(tr, t, call, dec, fl_matcher_last_match(tr->cfg->matcher));
	t->dec = *dec;
	t->nr = call->nr;
	t->arch = call->arch;
	memcpy(t->args, call->args, sizeof(t->args));
	t->state = FL_TS_IDLE;
	if (!tr->cfg->dry_run) {
		if (wait)
			check(tr, t, fl_inject_clock_deadline(t->tid, t->arch, t->args, dec,
							      &t->clock_undo), "move the deadline");
		/* A reading is shifted at its exit; a moved deadline is put back there. */
		if (!wait || t->clock_undo.set)
			t->state = FL_TS_WANT_EXIT;
	}
	fl_run_resume(tr, t, 0);
}

void fl_clock_exit(struct tracer *tr, struct fl_tracee *t)
{
	if (t->clock_undo.set)
		check(tr, t, fl_inject_clock_undo(t->tid, &t->clock_undo), "restore the deadline");
	else
		check(tr, t, fl_inject_clock_reading(t->tid, t->arch, t->args, t->exit_rval, &t->dec),
		      "shift the reading");
	t->state = FL_TS_IDLE;
	fl_run_resume(tr, t, 0);
}

/*
 * The sweep's baseline policy: what makes a command unfit for a sweep (it
 * hangs, crashes, fails on its own, or cannot be traced without any
 * injection; or it does not make the same calls, or end the same way,
 * every time -- which --allow-unstable turns into warnings). The CLI says
 * it; this file decides it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "faultline/sweep.h"

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

bool fl_sweep_same_calls(const struct fl_sweep_report *a, const struct fl_sweep_report *b)
{
	if (a->n_calls != b->n_calls)
		return false;
	/* Paths may carry a pid or a temp name; which calls, in which order, is what counts. */
	for (size_t i = 0; i < a->n_calls; i++)
		if (!same_str(a->calls[i].syscall, b->calls[i].syscall))
			return false;
	return true;
}

bool fl_sweep_pass_crashed(const struct fl_sweep_pass *p)
{
	const struct fl_sweep_exit *ex = &p->rep.exit;

	return (!ex->exited && fl_sweep_is_crash_signal(ex->signal)) || p->sanitizer ||
	       fl_sweep_tree_crash(p->rep.crashes, p->rep.n_crashes);
}

struct fl_sweep_baseline_verdict fl_sweep_baseline_judge(const struct fl_sweep_baseline *b,
							 bool allow_unstable)
{
	const struct fl_sweep_pass *failed = NULL;
	struct fl_sweep_baseline_verdict v = { .problem = FL_SWEEP_BASELINE_OK };
	const struct fl_sweep_exit *ex0 = b->n_passes ? &b->passes[0].rep.exit : NULL;

	for (size_t i = 0; i < b->n_passes; i++) {
		const struct fl_sweep_pass *p = &b->passes[i];
		const struct fl_sweep_exit *ex = &p->rep.exit;

		if (p->job.timed_out)
			v.problem = FL_SWEEP_BASELINE_TIMED_OUT;
		else if (!p->has_report)
			v.problem = FL_SWEEP_BASELINE_FAILED;
		else if (fl_sweep_pass_crashed(p))
			v.problem = FL_SWEEP_BASELINE_CRASHED;
		if (v.problem != FL_SWEEP_BASELINE_OK) {
			v.pass = p;
			v.exit_varied = false;
			return v;
		}
		if (ex->exited != ex0->exited || ex->code != ex0->code || ex->signal != ex0->signal)
			v.exit_varied = true;
		if (!failed && (!ex->exited || ex->code != 0))
			failed = p;
	}
	/* Two passes per rule: passes[2r] and passes[2r + 1]. */
	for (size_t r = 0; r < b->n_passes / 2; r++)
		v.n_unstable += !b->stable[r];
	v.program_failed = failed != NULL;
	v.pass = failed;
	if (allow_unstable)
		return v;
	if (failed)
		v.problem = FL_SWEEP_BASELINE_PROGRAM_FAILED;
	else if (v.exit_varied || v.n_unstable) {
		v.problem = FL_SWEEP_BASELINE_UNSTABLE;
	}
	return v;
}

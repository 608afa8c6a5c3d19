/*
 * The sinks' events (see struct fl_sink in faultline/tracer.h): the tracer
 * hands over facts, the sinks format them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "faultline/sys.h"
#include "run.h"
#include "observe.h"
#include "stack.h"

/*
 * Hand one decision to the sinks, at the moment it is taken (a short
 * count, a delay, a corrupt: at the call's exit, once it is known what it
 * did; @match what the filters saw, kept from the entry). The tracer
 * gives facts; the sinks format them (the call's source serves the path
 * the matcher already read). The stack is unwound only for a sink that
 * shows it.
 */
void fl_emit_injection(struct tracer *tr, struct fl_tracee *t, const struct fl_call *call,
		       const struct fl_decision *dec, const struct fl_match_info *match)
{
	const struct fl_tracer_config *cfg = tr->cfg;
	struct fl_stack stack = { 0 };
	pid_t tid = t->tid;

	if (!cfg->n_sinks)
		return;
	if (tr->want_stack) {
		int r = fl_stack_capture(fl_tracee_tgid(t), tid, &stack);

		/* An unwinding failure costs the stack, never the run: said once per process. */
		if (r < 0 && r != -ESRCH)
			fl_observe_no_stack(tr, t, stack.why);
	}

	struct fl_injection inj = {
		.seq = ++tr->seq,
		.time_s = (double)(fl_now_ns() - tr->start_ns) / 1e9,
		.pid = fl_tracee_tgid(t),
		.tid = tid,
		.call = call,
		.syscall = fl_syscall_name(call->arch, call->nr),
		.rule = &fl_matcher_set(cfg->matcher)->rules[dec->rule],
		.decision = dec,
		.dry_run = cfg->dry_run,
		.match = match,
		.stack = stack.frames,
		.n_stack = stack.n,
		.has_stack = tr->want_stack,
		.stack_error = tr->want_stack && !stack.n && stack.why[0] ? stack.why : NULL,
	};
	if (!inj.syscall)
		inj.syscall = "?";
	for (size_t i = 0; i < cfg->n_sinks; i++) {
		const struct fl_sink *s = cfg->sinks[i];

		fl_emit_check(tr, s, s->injection ? s->injection(s->ud, &inj) : 0, tid);
	}
	fl_stack_clear(&stack);
}

void fl_emit_check(struct tracer *tr, const struct fl_sink *s, int r, pid_t tid)
{
	char what[128];

	if (r >= 0)
		return;
	snprintf(what, sizeof(what), "cannot write %s", s->name ? s->name : "an output");
	fl_run_fatal(tr, r, what, tid);
}

const char *fl_run_mode(const struct tracer *tr)
{
	return tr->attach ? "attach" : tr->cfg->prefilter ? "seccomp" : "ptrace";
}

void fl_emit_run_start(struct tracer *tr)
{
	struct fl_run_start start = { .mode = fl_run_mode(tr) };

	for (size_t i = 0; i < tr->cfg->n_sinks; i++) {
		const struct fl_sink *s = tr->cfg->sinks[i];
		if (s->run_start)
			s->run_start(s->ud, &start);
	}
}

/* Each sink's failure is its own (the run command asks it); later ones hear of it. */
void fl_emit_run_end(struct tracer *tr, const struct fl_tracer_result *res)
{
	struct fl_run_end end = {
		.result = res, .mode = fl_run_mode(tr), .status = fl_tracer_exit_status(res),
		.crashes = tr->crashes, .n_crashes = tr->n_crashes,
		.crash = tr->crashed ? &tr->crash : NULL,
	};

	for (size_t i = 0; i < tr->cfg->n_sinks; i++) {
		const struct fl_sink *s = tr->cfg->sinks[i];
		if (s->run_end && s->run_end(s->ud, &end) < 0)
			end.output_failed = true;
	}
}

/*
 * Which runs a sweep makes: one per call each rule's baseline saw and per
 * distinct errno of the rule, cut at --max-runs, each with its -e rule and
 * its reproducer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "faultline/sweep.h"
#include "parts.h"
#include "faultline/base.h"
#include "run_argv.h"

size_t fl_sweep_rule_errors(const struct fl_rule *rule, int *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < rule->n_errors; i++) {
		bool dup = false;

		for (size_t k = 0; k < i && !dup; k++)
			dup = rule->errors[k] == rule->errors[i];
		if (dup)
			continue;
		if (n < max)
			out[n] = rule->errors[i];
		n++;
	}
	return n;
}

/* ---- plan ------------------------------------------------------------------- */

int fl_sweep_plan(struct fl_sweep *sw)
{
	size_t n = 0, k = 0;
	int r;

	sw->n_targets = 0;
	for (size_t i = 0; i < sw->set->n_rules; i++)
		sw->n_targets += sw->base.passes[2 * i].rep.n_calls;
	sw->targets = calloc(sw->n_targets + 1, sizeof(*sw->targets));
	if (!sw->targets)
		return -ENOMEM;
	sw->n_wanted = 0;
	for (size_t i = 0; i < sw->set->n_rules; i++) {
		const struct fl_sweep_report *rep = &sw->base.passes[2 * i].rep;
		size_t e = sw->rules[i].n_errors;

		for (size_t c = 0; c < rep->n_calls; c++)
			sw->targets[k++] = (struct fl_sweep_target){
				.rule = i, .nth = c + 1, .call = &rep->calls[c] };
		sw->n_wanted += rep->n_calls * (e ? e : 1);
	}

	sw->n_runs = sw->n_wanted;
	if (sw->cfg.max_runs && sw->n_runs > sw->cfg.max_runs)
		sw->n_runs = (size_t)sw->cfg.max_runs;
	sw->runs = calloc(sw->n_runs + 1, sizeof(*sw->runs));
	if (!sw->runs)
		return -ENOMEM;

	for (size_t t = 0; t < sw->n_targets && n < sw->n_runs; t++) {
		const struct fl_sweep_target *tg = &sw->targets[t];
		const struct fl_sweep_rule *sr = &sw->rules[tg->rule];
		const struct fl_rule *rule = &sw->set->rules[tg->rule];

		for (size_t e = 0; e < (sr->n_errors ? sr->n_errors : 1) && n < sw->n_runs; e++) {
			struct fl_sweep_run *run = &sw->runs[n++];
			struct fl_sweep_pass *p = &run->pass;
			struct fl_sweep_rule_edit edit = {
				.set_error = sr->n_errors > 0,
				.error = sr->n_errors ? sr->errors[e] : 0,
				.set_counters = true,
				.after = tg->nth - 1,
			};
			const char *text;
			char **repro;

			run->target = t;
			run->error = edit.error;
			r = fl_sweep_rule_text(sr->src, sr->src_len, rule->line, rule->column, &edit,
					       &run->rule_text, NULL);
			if (r < 0)
				return r;
			if (asprintf(&p->report_path, "%s/run-%zu.json", sw->dir, n) < 0 ||
			    asprintf(&p->err_path, "%s/run-%zu.err", sw->dir, n) < 0)
				return -ENOMEM;
			text = run->rule_text;
			p->argv = fl_sweep_run_argv(sw, p->report_path, false, &text, 1, &r);
			if (!p->argv)
				return r;
			/* What the user pastes: the same run, with faultline's log on. */
			repro = fl_sweep_run_argv(sw, NULL, false, &text, 1, &r);
			if (!repro)
				return r;
			run->reproducer = fl_shell_join((const char *const *)repro, SIZE_MAX);
			fl_sweep_strv_free(repro);
			if (!run->reproducer)
				return -ENOMEM;
		}
	}
	return 0;
}

/*
 * The sweep's JSON report: the baseline and every run.
 *
 *	{"faultline_version":"0.1.0","command":[..],"jobs":2,"timeout_ms":10000,
 *	 "max_runs":null,
 *	 "rules":[{"name":"rule 1","rule":"{syscall: open, error: EIO}","errors":["EIO"]}],
 *	 "baseline":{"exit":{"code":0},
 *	   "passes":[{"rule":"rule 1","stable":true,"call_counts":[4,4],
 *	              "exits":[{"code":0},{"code":0}]}],
 *	   "calls":[{"call":1,"rule":"rule 1","nth":1,"syscall":"open",
 *	             "arch":"x86_64","path":"a","args":[..],
 *	             "stack":["load+0x2a (/usr/bin/app)", ..]}, ..]},
 *	 "runs":[{"run":1,"call":1,"rule":"rule 1","nth":1,"syscall":"open","path":"a",
 *	          "error":"EIO","rule_text":"{..., after: 0, times: 1}",
 *	          "outcome":"handled","exit":{"code":1},"crashes":[],"timed_out":false,
 *	          "killed":false,"injected":1,"diverged":false,"failed_path"?:"/tmp/x.2",
 *	          "sanitizer":null,
 *	          "stderr_tail":["..."],"elapsed_s":0.01,"reproducer":"faultline run ..."}],
 *	 "summary":{"calls":4,"runs":4,"runs_wanted":4,"crashed":1,"hung":0,
 *	            "not_reached":0,"handled":3,"failed":0}}
 *
 * Calls are numbered across rules, rule by rule ("call"); "nth" is the
 * call's place among the calls of its rule alone, the run's after + 1.
 * "exit" is {"code":N} or {"signal":"SIGSEGV"} as in a run's report, null
 * when there was no report (hung and killed, or failed). "crashes" too:
 * the processes of the run's tree that died of a core-dumping signal,
 * [{"pid","tid","exe","signal","main"}] ("main": the command's own; "exe"
 * null when unknown), a crash signal in any of them making the run crashed. "stack" is the
 * call site as the baseline's `run --stack` unwound it, innermost frame
 * first; absent when faultline was built without libdw or could not unwind
 * it. Strings that are
 * not valid UTF-8 (argv, paths, stderr) have each bad byte replaced by
 * U+FFFD, as src/report/json.c does.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "faultline/base.h"
#include "faultline/sys.h"
#include "faultline/sweep.h"

#define JSON_FLAGS (JSON_INDENT(1) | JSON_REAL_PRECISION(6))

static json_t *jstr(const char *s)
{
	return fl_json_string(s, NULL);
}

static json_t *jcount(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *jerrno(int err)
{
	const char *name = fl_errno_name(err);

	if (!err)
		return json_null();
	return name ? json_string(name) : json_integer(err);
}

static json_t *jexit(const struct fl_sweep_exit *ex)
{
	const char *sig;

	if (ex->exited)
		return json_pack("{s:i}", "code", ex->code);
	sig = fl_signal_name(ex->signal);
	return json_pack("{s:o}", "signal", sig ? json_string(sig) : json_integer(ex->signal));
}

static json_t *jcrashes(const struct fl_sweep_report *rep)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < rep->n_crashes; i++) {
		const struct fl_sweep_crash *c = &rep->crashes[i];
		const char *sig = fl_signal_name(c->signal);

		if (json_array_append_new(a, json_pack("{s:i,s:i,s:o,s:o,s:b}", "pid", c->pid,
						       "tid", c->tid,
						       "exe", c->exe ? jstr(c->exe) : json_null(),
						       "signal", sig ? json_string(sig) :
								       json_integer(c->signal),
						       "main", c->main)) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *jstrv(char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && v && v[i]; i++)
		if (json_array_append_new(a, jstr(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* "a\nb" -> ["a", "b"]; "" -> []. */
static json_t *jlines(const char *text)
{
	json_t *a = json_array();

	for (const char *p = text; a && p && *p;) {
		size_t n = strcspn(p, "\n");
		char *line = strndup(p, n);

		if (!line || json_array_append_new(a, jstr(line)) < 0) {
			free(line);
			json_decref(a);
			return NULL;
		}
		free(line);
		p += n + (p[n] == '\n');
	}
	return a;
}

static json_t *jcall(const struct fl_sweep *sw, size_t index)
{
	const struct fl_sweep_target *t = &sw->targets[index];
	const struct fl_sweep_call *c = t->call;
	json_t *o = json_object(), *args = json_array();
	int rc = 0;

	if (!o || !args) {
		json_decref(o);
		json_decref(args);
		return NULL;
	}
	for (int i = 0; i < 6; i++)
		rc |= json_array_append_new(args, json_integer(c->args[i]));
	rc |= json_object_set_new(o, "call", jcount(index + 1));
	rc |= json_object_set_new(o, "rule", jstr(sw->set->rules[t->rule].name));
	rc |= json_object_set_new(o, "nth", jcount(t->nth));
	rc |= json_object_set_new(o, "syscall", jstr(c->syscall));
	rc |= json_object_set_new(o, "arch", jstr(c->arch));
	if (c->path)
		rc |= json_object_set_new(o, "path", jstr(c->path));
	rc |= json_object_set_new(o, "args", args);
	if (c->n_stack) {
		json_t *stack = json_array();

		for (size_t i = 0; stack && i < c->n_stack; i++)
			rc |= json_array_append_new(stack, jstr(c->stack[i]));
		rc |= json_object_set_new(o, "stack", stack);
	}
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *jrun(const struct fl_sweep *sw, size_t index, const struct fl_sweep_run *run)
{
	const struct fl_sweep_target *t = &sw->targets[run->target];
	const struct fl_sweep_pass *p = &run->pass;
	json_t *o = json_object();
	int rc = 0;

	if (!o)
		return NULL;
	rc |= json_object_set_new(o, "run", jcount(index + 1));
	rc |= json_object_set_new(o, "call", jcount(run->target + 1));
	rc |= json_object_set_new(o, "rule", jstr(sw->set->rules[t->rule].name));
	rc |= json_object_set_new(o, "nth", jcount(t->nth));
	rc |= json_object_set_new(o, "syscall", jstr(t->call->syscall));
	if (t->call->path)
		rc |= json_object_set_new(o, "path", jstr(t->call->path));
	rc |= json_object_set_new(o, "error", jerrno(run->error));
	rc |= json_object_set_new(o, "rule_text", jstr(run->rule_text));
	rc |= json_object_set_new(o, "outcome", json_string(run->finished ?
				  fl_sweep_outcome_key(run->outcome) : "not_run"));
	rc |= json_object_set_new(o, "exit", p->has_report ? jexit(&p->rep.exit) : json_null());
	rc |= json_object_set_new(o, "crashes", p->has_report ? jcrashes(&p->rep) : json_null());
	rc |= json_object_set_new(o, "timed_out", json_boolean(p->job.timed_out));
	rc |= json_object_set_new(o, "killed", json_boolean(p->job.killed));
	rc |= json_object_set_new(o, "injected", p->has_report ? jcount(p->rep.injected) :
				  json_null());
	rc |= json_object_set_new(o, "diverged", json_boolean(run->diverged));
	/* The path it failed, when it was not the baseline's: information, not divergence. */
	if (run->path_differs)
		rc |= json_object_set_new(o, "failed_path", jstr(p->rep.calls[0].path));
	rc |= json_object_set_new(o, "sanitizer", p->sanitizer ? json_string(p->sanitizer) :
				  json_null());
	rc |= json_object_set_new(o, "stderr_tail", jlines(p->stderr_tail));
	if (!p->has_report && run->finished)
		rc |= json_object_set_new(o, "report_error", jstr(p->report_msg ? p->report_msg :
									 "no report"));
	rc |= json_object_set_new(o, "elapsed_s", json_real(p->job.elapsed_s));
	rc |= json_object_set_new(o, "reproducer", jstr(run->reproducer));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *jrules(const struct fl_sweep *sw)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < sw->set->n_rules; i++) {
		const struct fl_sweep_rule *sr = &sw->rules[i];
		json_t *errs = json_array();

		for (size_t k = 0; errs && k < sr->n_errors; k++)
			json_array_append_new(errs, jerrno(sr->errors[k]));
		if (json_array_append_new(a, json_pack("{s:o,s:o,s:o}",
						       "name", jstr(sw->set->rules[i].name),
						       "rule", jstr(sr->text),
						       "errors", errs)) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *jpass_exit(const struct fl_sweep_pass *p)
{
	return p->has_report ? jexit(&p->rep.exit) : json_null();
}

static json_t *jbaseline(const struct fl_sweep *sw)
{
	const struct fl_sweep_baseline *b = &sw->base;
	json_t *o = json_object(), *calls = json_array(), *passes = json_array();
	int rc = 0;

	if (!o || !calls || !passes) {
		json_decref(o);
		json_decref(calls);
		json_decref(passes);
		return NULL;
	}
	for (size_t i = 0; i < sw->set->n_rules && 2 * i + 1 < b->n_passes; i++) {
		const struct fl_sweep_pass *p0 = &b->passes[2 * i], *p1 = &b->passes[2 * i + 1];

		rc |= json_array_append_new(passes, json_pack("{s:o,s:b,s:[o,o],s:[o,o]}",
			"rule", jstr(sw->set->rules[i].name),
			"stable", b->stable[i],
			"call_counts", p0->has_report ? jcount(p0->rep.n_calls) : json_null(),
				       p1->has_report ? jcount(p1->rep.n_calls) : json_null(),
			"exits", jpass_exit(p0), jpass_exit(p1)));
	}
	for (size_t i = 0; i < sw->n_targets; i++)
		rc |= json_array_append_new(calls, jcall(sw, i));
	rc |= json_object_set_new(o, "exit", b->n_passes ? jpass_exit(&b->passes[0]) : json_null());
	rc |= json_object_set_new(o, "passes", passes);
	rc |= json_object_set_new(o, "calls", calls);
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *fl_sweep_json(const struct fl_sweep *sw)
{
	json_t *root = json_object(), *runs = json_array(), *sum = json_object();
	char *text = NULL;
	int rc = 0;

	if (!root || !runs || !sum) {
		json_decref(root);
		json_decref(runs);
		json_decref(sum);
		return NULL;
	}
	for (size_t i = 0; i < sw->n_runs; i++)
		rc |= json_array_append_new(runs, jrun(sw, i, &sw->runs[i]));

	rc |= json_object_set_new(sum, "calls", jcount(sw->n_targets));
	rc |= json_object_set_new(sum, "runs", jcount(sw->n_runs));
	rc |= json_object_set_new(sum, "runs_wanted", jcount(sw->n_wanted));
	for (int k = 0; k < FL_SWEEP_N_OUTCOMES; k++)
		rc |= json_object_set_new(sum, fl_sweep_outcome_key(k), jcount(sw->counts[k]));

	rc |= json_object_set_new(root, "faultline_version", json_string(FL_VERSION));
	rc |= json_object_set_new(root, "command", jstrv(sw->cfg.command));
	rc |= json_object_set_new(root, "jobs", json_integer(sw->cfg.jobs));
	rc |= json_object_set_new(root, "timeout_ms", jcount(sw->cfg.timeout_ns / 1000000));
	rc |= json_object_set_new(root, "max_runs", sw->cfg.max_runs ? jcount(sw->cfg.max_runs) :
				  json_null());
	rc |= json_object_set_new(root, "rules", jrules(sw));
	rc |= json_object_set_new(root, "baseline", jbaseline(sw));
	rc |= json_object_set_new(root, "runs", runs);
	rc |= json_object_set_new(root, "summary", sum);
	if (!rc)
		text = fl_json_dumps(root, JSON_FLAGS);
	json_decref(root);
	return text;
}

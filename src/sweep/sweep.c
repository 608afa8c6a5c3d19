/*
 * A sweep from start to end: baseline, runs (the plan is plan.c, what a
 * baseline must be is baseline.c). Every run is a `faultline run` process
 * (see sweep.h for why); this file builds their command lines and reads
 * what they left in the temp dir.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faultline/base.h"
#include "faultline/sweep.h"
#include "parts.h"
#include "run_argv.h"

/* Lines of stderr kept per run, and how far back from the end they are looked for. */
#define TAIL_LINES 5
#define TAIL_BYTES 16384

/* ---- string vectors ------------------------------------------------------ */

struct strv {
	char **v;
	size_t n;
	int err;
};

static void strv_add(struct strv *s, const char *str)
{
	char **v;

	if (s->err)
		return;
	v = realloc(s->v, (s->n + 2) * sizeof(*v));
	if (!v) {
		s->err = -ENOMEM;
		return;
	}
	s->v = v;
	s->v[s->n] = strdup(str);
	if (!s->v[s->n]) {
		s->v[s->n] = NULL;
		s->err = -ENOMEM;
		return;
	}
	s->v[++s->n] = NULL;
}

void fl_sweep_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* ---- temp dir ------------------------------------------------------------ */

static int make_dir(char **ret)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (asprintf(&dir, "%s/faultline-sweep-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
		return -ENOMEM;
	if (!mkdtemp(dir)) {
		int err = -errno;

		free(dir);
		return err;
	}
	*ret = dir;
	return 0;
}

/* Only files are ever made in it (reports, their temp files, stderr). */
static void remove_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (d) {
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	rmdir(path);
}

/* ---- reading a finished run ---------------------------------------------- */

/*
 * Sanitizer marker anywhere in the stderr file (read in chunks that overlap
 * by a marker's length, so one split between chunks is still found) and
 * its last lines.
 */
static int read_stderr(const char *path, const char **ret_sanitizer, char **ret_tail)
{
	size_t overlap = fl_sweep_sanitizer_marker_max(), keep = 0, len;
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *buf = NULL;
	const char *san = NULL;
	long size;

	*ret_sanitizer = NULL;
	*ret_tail = NULL;
	buf = malloc(65536 + TAIL_BYTES);
	if (!buf)
		return -ENOMEM;
	f = fopen(path, "re");
	if (!f) {
		*ret_tail = strdup("");
		return *ret_tail ? 0 : -ENOMEM;
	}
	for (;;) {
		size_t n = fread(buf + keep, 1, 65536, f), total = keep + n;

		if (n == 0)
			break;
		if (!san)
			san = fl_sweep_find_sanitizer(buf, total);
		keep = total < overlap ? total : overlap - 1;
		memmove(buf, buf + total - keep, keep);
	}
	*ret_sanitizer = san;

	if (fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0)
		size = 0;
	if (fseek(f, size > TAIL_BYTES ? size - TAIL_BYTES : 0, SEEK_SET) < 0)
		return -errno;
	len = fread(buf, 1, TAIL_BYTES, f);
	*ret_tail = fl_sweep_tail_lines(buf, len, TAIL_LINES);
	return *ret_tail ? 0 : -ENOMEM;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/*
 * The same call as the baseline's, compared as the baseline passes are
 * compared with each other (fl_sweep_same_calls()): by syscall and ABI.
 * Paths may carry a pid or a temporary name (mktemp), different in every
 * run; that they differ is information, not divergence.
 */
static bool same_call(const struct fl_sweep_call *a, const struct fl_sweep_call *b)
{
	return same_str(a->syscall, b->syscall) && same_str(a->arch, b->arch);
}

/* Read what a finished pass left: its report and its stderr. Then remove both files. */
static int read_pass(struct fl_sweep_pass *p)
{
	int r;

	r = fl_sweep_report_load(p->report_path, &p->rep, &p->report_msg);
	p->has_report = r == 0;
	if (r < 0 && !p->report_msg) {
		if (r == -ENOENT)
			p->report_msg = strdup("faultline wrote no report");
		else if (asprintf(&p->report_msg, "cannot read its report: %s", strerror(-r)) < 0)
			p->report_msg = NULL;
	}
	r = read_stderr(p->err_path, &p->sanitizer, &p->stderr_tail);
	/* Read: no need to keep thousands of them around. */
	unlink(p->report_path);
	unlink(p->err_path);
	return r;
}

static void pass_done(struct fl_sweep_pass *p)
{
	fl_sweep_strv_free(p->argv);
	free(p->report_path);
	free(p->err_path);
	fl_sweep_report_done(&p->rep);
	free(p->report_msg);
	free(p->stderr_tail);
}

static void finish_run(struct fl_sweep *sw, struct fl_sweep_run *run, const struct fl_sweep_job *job)
{
	struct fl_sweep_pass *p = &run->pass;
	struct fl_sweep_observed o;

	p->job = *job;
	run->finished = true;
	(void)read_pass(p);
	o = (struct fl_sweep_observed){
		.wait_status = job->wait_status,
		.timed_out = job->timed_out,
		.has_report = p->has_report,
		.exit = p->rep.exit,
		.crashes = p->rep.crashes,
		.n_crashes = p->rep.n_crashes,
		.injected = p->rep.injected,
		.sanitizer = p->sanitizer,
		.crash_sweep = sw->cfg.crash,
	};
	run->outcome = fl_sweep_classify(&o);
	if (p->has_report && p->rep.n_calls > 0) {
		const struct fl_sweep_call *want = sw->targets[run->target].call;

		run->diverged = !same_call(&p->rep.calls[0], want);
		run->path_differs = !run->diverged && !same_str(p->rep.calls[0].path, want->path);
	}
	sw->counts[run->outcome]++;
	sw->n_finished++;
	if (sw->on_run)
		sw->on_run(sw, run, sw->ud);
}

/* ---- setup ---------------------------------------------------------------- */

int fl_sweep_init(struct fl_sweep *sw, const struct fl_sweep_config *cfg,
		  const struct fl_rule_set *set, size_t *ret_rule, const char **ret_key)
{
	int r;

	*sw = (struct fl_sweep){ .cfg = *cfg, .set = set };
	sw->rules = calloc(set->n_rules + 1, sizeof(*sw->rules));
	if (!sw->rules)
		return -ENOMEM;
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *rule = &set->rules[i];
		struct fl_sweep_rule *sr = &sw->rules[i];

		r = fl_rule_source_text(set, rule, &sr->src, &sr->src_len);
		if (r < 0) {
			*ret_rule = i;
			return r;
		}
		r = fl_sweep_rule_text(sr->src, sr->src_len, rule->line, rule->column, NULL, &sr->text,
				       ret_key);
		if (r < 0) {
			*ret_rule = i;
			return r;
		}
		sr->errors = calloc(rule->n_errors + 1, sizeof(*sr->errors));
		if (!sr->errors)
			return -ENOMEM;
		sr->n_errors = fl_sweep_rule_errors(rule, sr->errors, rule->n_errors);
	}
	return make_dir(&sw->dir);
}

/* argv0 run [-q --report PATH] [--dry-run [--stack]] [--no-seccomp] -e RULE... -- COMMAND... */
char **fl_sweep_run_argv(const struct fl_sweep *sw, const char *report, bool dry_run,
			 const char *const *rules, size_t n_rules, int *ret_err)
{
	struct strv s = { 0 };

	strv_add(&s, sw->cfg.argv0);
	strv_add(&s, "run");
	if (report) {
		/* Only the run's stderr is wanted: the command's, not faultline's log. */
		strv_add(&s, "-q");
		strv_add(&s, "--report");
		strv_add(&s, report);
	}
	if (dry_run)
		strv_add(&s, "--dry-run");
	/*
	 * The call sites come from the baseline, which lists every call; the
	 * runs that fail them need no unwinding, and their reproducers stay short.
	 */
	if (dry_run && report && sw->cfg.stack)
		strv_add(&s, "--stack");
	if (sw->cfg.no_seccomp)
		strv_add(&s, "--no-seccomp");
	if (sw->cfg.check) {
		strv_add(&s, "--check");
		strv_add(&s, sw->cfg.check);
	}
	for (size_t i = 0; i < n_rules; i++) {
		strv_add(&s, "-e");
		strv_add(&s, rules[i]);
	}
	strv_add(&s, "--");
	for (size_t i = 0; sw->cfg.command[i]; i++)
		strv_add(&s, sw->cfg.command[i]);
	if (s.err) {
		fl_sweep_strv_free(s.v);
		*ret_err = s.err;
		return NULL;
	}
	return s.v;
}

/* sweep --crash: every run starts from the files as they were. */
static int restore_before(size_t index, void *ud)
{
	(void)index;
	return fl_sweep_state_restore(ud);
}

static struct fl_sweep_runner runner_for(struct fl_sweep *sw, unsigned jobs)
{
	return (struct fl_sweep_runner){
		.exe = sw->cfg.exe,
		/* The runs of a crash sweep share the files: one at a time. */
		.jobs = sw->cfg.crash ? 1 : jobs,
		.timeout_ns = sw->cfg.timeout_ns,
		.grace_ns = sw->cfg.grace_ns,
		.before = sw->cfg.crash ? restore_before : NULL,
		.ud = sw,
	};
}

/* ---- baseline -------------------------------------------------------------- */

int fl_sweep_baseline(struct fl_sweep *sw, int *ret_signal)
{
	struct fl_sweep_baseline *b = &sw->base;
	size_t n_rules = sw->set->n_rules;
	_cleanup_free_ struct fl_sweep_job *jobs = NULL;
	struct fl_sweep_runner runner;
	int r = 0;

	b->n_passes = 2 * n_rules;
	b->passes = calloc(b->n_passes + 1, sizeof(*b->passes));
	b->stable = calloc(n_rules + 1, sizeof(*b->stable));
	jobs = calloc(b->n_passes + 1, sizeof(*jobs));
	if (!b->passes || !b->stable || !jobs)
		return -ENOMEM;
	for (size_t i = 0; i < b->n_passes; i++) {
		struct fl_sweep_pass *p = &b->passes[i];
		const char *text = sw->rules[i / 2].text;

		if (asprintf(&p->report_path, "%s/baseline-%zu-%zu.json", sw->dir, i / 2 + 1,
			     i % 2 + 1) < 0 ||
		    asprintf(&p->err_path, "%s/baseline-%zu-%zu.err", sw->dir, i / 2 + 1,
			     i % 2 + 1) < 0)
			return -ENOMEM;
		p->argv = fl_sweep_run_argv(sw, p->report_path, true, &text, 1, &r);
		if (!p->argv)
			return r;
		jobs[i] = (struct fl_sweep_job){ .argv = p->argv, .err_path = p->err_path };
	}

	/*
	 * One after the other, whatever -j says: a command whose runs share
	 * state (a fixed directory, a lock, a port) would otherwise race
	 * against itself and diverge without any injection.
	 */
	runner = runner_for(sw, 1);
	r = fl_sweep_jobs_run(&runner, jobs, b->n_passes, ret_signal);
	if (r < 0)
		return r;
	for (size_t i = 0; i < b->n_passes; i++) {
		b->passes[i].job = jobs[i];
		r = read_pass(&b->passes[i]);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < n_rules; i++)
		b->stable[i] = b->passes[2 * i].has_report && b->passes[2 * i + 1].has_report &&
			       fl_sweep_same_calls(&b->passes[2 * i].rep, &b->passes[2 * i + 1].rep);
	return 0;
}

/* ---- runs ------------------------------------------------------------------- */

static void run_done(struct fl_sweep_job *job, size_t index, void *ud)
{
	struct fl_sweep *sw = ud;

	finish_run(sw, &sw->runs[index], job);
}

int fl_sweep_execute(struct fl_sweep *sw, int *ret_signal)
{
	_cleanup_free_ struct fl_sweep_job *jobs = calloc(sw->n_runs + 1, sizeof(*jobs));
	struct fl_sweep_runner runner = runner_for(sw, sw->cfg.jobs);

	if (!jobs)
		return -ENOMEM;
	for (size_t i = 0; i < sw->n_runs; i++)
		jobs[i] = (struct fl_sweep_job){
			.argv = sw->runs[i].pass.argv,
			.err_path = sw->runs[i].pass.err_path,
		};
	runner.on_done = run_done;
	runner.ud = sw;
	int r = fl_sweep_jobs_run(&runner, jobs, sw->n_runs, ret_signal);

	/* What the user had before the sweep, not what the last crash left. */
	if (sw->cfg.crash) {
		int r2 = fl_sweep_state_restore(sw);

		if (r >= 0 && r2 < 0)
			r = r2;
	}
	return r;
}

/* ---- teardown --------------------------------------------------------------- */

void fl_sweep_done(struct fl_sweep *sw)
{
	if (!sw)
		return;
	for (size_t i = 0; sw->rules && i < sw->set->n_rules; i++) {
		free(sw->rules[i].text);
		free(sw->rules[i].errors);
	}
	free(sw->rules);
	for (size_t i = 0; i < sw->base.n_passes; i++)
		pass_done(&sw->base.passes[i]);
	free(sw->base.passes);
	free(sw->base.stable);
	for (size_t i = 0; sw->runs && i < sw->n_runs; i++) {
		free(sw->runs[i].rule_text);
		free(sw->runs[i].reproducer);
		pass_done(&sw->runs[i].pass);
	}
	free(sw->runs);
	free(sw->targets);
	fl_sweep_state_free(sw);
	if (sw->dir) {
		remove_dir(sw->dir);
		free(sw->dir);
	}
	*sw = (struct fl_sweep){ 0 };
}

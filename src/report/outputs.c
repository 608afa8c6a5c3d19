/*
 * The log, the JSON report and the Markdown summary as subscribers of the
 * tracer's sink: the tracer emits raw facts (the call, the decision, what
 * the filters saw), these format them. A path argument is read through the
 * call's source, which reads each string of a stop from the tracee once,
 * however many outputs show it.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "faultline/report.h"
#include "faultline/base.h"

/* The first path argument as the program wrote it, into @buf; NULL when none. */
static const char *raw_path(const struct fl_injection *inj, char *buf, size_t size)
{
	const struct fl_call_source *src = inj->call->src;
	bool has_path = false;

	fl_format_args(inj->call, src ? src->read_string : NULL, src ? src->ud : NULL, NULL, 0,
		       buf, size, &has_path);
	return has_path ? buf : NULL;
}

static void log_run_start(void *ud, const struct fl_run_start *start)
{
	struct fl_output *o = ud;

	(void)start;
	fl_log_header(o->log, o->run->set, o->run->seed);
}

static int log_injection(void *ud, const struct fl_injection *inj)
{
	struct fl_output *o = ud;
	struct fl_injection in = *inj;
	char args[1024];

	if (!in.args_text && in.call) {
		const struct fl_call_source *src = in.call->src;

		fl_format_args(in.call, src ? src->read_string : NULL, src ? src->ud : NULL,
			       args, sizeof(args), NULL, 0, NULL);
		in.args_text = args;
	}
	fl_log_injection(o->log, &in);
	return 0;
}

static int log_notice(void *ud, const struct fl_notice *n)
{
	struct fl_output *o = ud;

	fl_log_notice(o->log, n);
	return 0;
}

static int log_run_end(void *ud, const struct fl_run_end *end)
{
	struct fl_output *o = ud;

	if (end->crash)
		fl_log_crash(o->log, end->crash);
	fl_log_summary(o->log, o->run->set, o->run->stats);
	return 0;
}

void fl_output_log(struct fl_output *o, const struct fl_run_info *run, FILE *out)
{
	*o = (struct fl_output){
		.sink = { .ud = o, .name = "the log", .run_start = log_run_start,
			  .injection = log_injection, .notice = log_notice,
			  .run_end = log_run_end },
		.run = run,
		.log = out,
		.md_fd = -1,
	};
}

static int report_injection(void *ud, const struct fl_injection *inj)
{
	struct fl_output *o = ud;
	struct fl_injection in = *inj;
	char path[4096];

	if (!in.path && in.call)
		in.path = raw_path(&in, path, sizeof(path));
	in.has_stack = o->sink.wants_stack;
	return fl_report_add(o->report, &in);
}

static int report_notice(void *ud, const struct fl_notice *n)
{
	struct fl_output *o = ud;

	return fl_report_add_notice(o->report, n);
}

/* What the report's tail says of the run. */
static struct fl_run_result run_result(const struct fl_output *o, const struct fl_run_end *end)
{
	const struct fl_tracer_result *res = end->result;

	return (struct fl_run_result){
		.set = o->run->set,
		.stats = o->run->stats,
		.seed = o->run->seed,
		.command = o->run->command,
		.exited = res->exited,
		.exit_code = res->exit_code,
		.term_signal = res->term_signal,
		.dry_run = o->run->dry_run,
		.tracer_mode = end->mode,
		.stops = res->stops,
		.idle_polls = res->idle_polls,
		.attached = o->run->attached,
		.n_attached = o->run->n_attached,
		.detached = res->detached,
	};
}

static int report_run_end(void *ud, const struct fl_run_end *end)
{
	struct fl_output *o = ud;
	struct fl_run_result rr = run_result(o, end);
	int r = 0;

	for (size_t i = 0; i < end->n_crashes && r >= 0; i++)
		r = fl_report_add_crash(o->report, &end->crashes[i]);
	if (end->crash && r >= 0)
		r = fl_report_set_crash(o->report, end->crash);
	if (r < 0) {
		fl_report_free(o->report);
		o->report = NULL;
		return o->error = r;
	}
	o->error = fl_report_close(o->report, &rr);
	o->report = NULL;
	return o->error;
}

void fl_output_report(struct fl_output *o, const struct fl_run_info *run,
		      struct fl_report *report, bool stack)
{
	*o = (struct fl_output){
		.sink = { .ud = o, .name = "the report", .wants_stack = stack,
			  .wants_crashes = true,
			  .injection = report_injection, .notice = report_notice,
			  .run_end = report_run_end },
		.run = run,
		.report = report,
		.md_fd = -1,
	};
}

static int md_run_end(void *ud, const struct fl_run_end *end)
{
	struct fl_output *o = ud;
	struct fl_run_result rr = run_result(o, end);
	int status = end->status;

	/* What the run command makes of it (see check_expectations() there). */
	if (status == 0 && o->run->set && o->run->stats &&
	    fl_expect_unmet(o->run->set, o->run->stats))
		status = FL_EXIT_EXPECTATION;
	if (end->output_failed)
		status = FL_EXIT_OWN_ERROR;
	o->error = fl_summary_md_write(o->md_fd, &rr, status);
	o->md_fd = -1; /* closed, whatever the outcome */
	return o->error;
}

void fl_output_summary_md(struct fl_output *o, const struct fl_run_info *run, int fd)
{
	*o = (struct fl_output){
		.sink = { .ud = o, .name = "the summary file", .run_end = md_run_end },
		.run = run,
		.md_fd = fd,
	};
}

void fl_output_done(struct fl_output *o)
{
	fl_report_free(o->report);
	o->report = NULL;
	if (o->md_fd >= 0)
		close(o->md_fd);
	o->md_fd = -1;
}

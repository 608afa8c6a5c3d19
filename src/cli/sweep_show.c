/*
 * What faultline sweep shows: one line per run as it ends (or a progress
 * bar on a terminal), the baseline's verdict, and the results: counts, a
 * table of runs, and for each crashed, hung or failed run its stderr and
 * the command line reproducing it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "faultline/report.h"
#include "faultline/rules.h"
#include "faultline/sweep.h"
#include "faultline/sys.h"
#include "faultline/base.h"
#include "sweep_show.h"

#define BAR_WIDTH 30
/* Longest path shown in the table; the JSON report has them whole. */
#define PATH_SHOW 60

/* `open "/etc/x"` or `read(3, ...)`: the call as the baseline saw it. */
static void describe_call(char *buf, size_t size, const struct fl_sweep_call *c)
{
	if (c->path) {
		char path[PATH_SHOW * 4 + 8];
		size_t len = strlen(c->path), n;

		n = fl_format_cstring(path, sizeof(path), c->path, len > PATH_SHOW ? PATH_SHOW : len);
		if (n >= sizeof(path))
			path[sizeof(path) - 1] = '\0';
		snprintf(buf, size, "%s %s%s", c->syscall, path, len > PATH_SHOW ? "..." : "");
	} else {
		snprintf(buf, size, "%s(%" PRId64 ", ...)", c->syscall, c->args[0]);
	}
}

/* "EIO", "= 0", "delayed 250ms": what the run did to the call, as the log says it. */
static void describe_fault(char *buf, size_t size, const struct fl_sweep *sw,
			   const struct fl_sweep_run *run)
{
	size_t r = sw->targets[run->target].rule;
	const struct fl_rule *rule = &sw->set->rules[r];
	struct fl_decision d = {
		.rule = r,
		.error = run->error,
		.has_retval = rule->has_retval,
		.retval = rule->retval,
		.delay_ns = rule->delay_ns,
		.delay_sides = rule->delay_sides,
		.delay_enter_ns = rule->delay_enter_ns,
		.delay_exit_ns = rule->delay_exit_ns,
		.phase = rule->phase,
		/* A clock: rule's run shifts that reading (a jump: steps there). */
		.clock_call = rule->has_clock ? FL_CCALL_GETTIME : FL_CCALL_NONE,
		.clock_shift_ns = rule->clock_shift_ns,
		.clock_step_ns = rule->clock_jump ? rule->clock_shift_ns : 0,
	};
	char tmp[128];

	if (rule->crash != FL_CRASH_NONE) {
		snprintf(buf, size, "crash %s", fl_crash_mode_name(rule->crash));
		return;
	}
	fl_format_result(tmp, sizeof(tmp), &d);
	snprintf(buf, size, "%s", strncmp(tmp, "= -1 ", 5) ? tmp : tmp + 5);
}

static const char *sanitizer_name(const char *marker)
{
	if (!marker)
		return NULL;
	if (!strncmp(marker, "ERROR: ", 7))
		return marker + 7;
	return "UBSan runtime error";
}

static void describe_exit(char *buf, size_t size, const struct fl_sweep_exit *ex)
{
	const char *sig;

	if (ex->exited) {
		snprintf(buf, size, "exit %d", ex->code);
		return;
	}
	sig = fl_signal_name(ex->signal);
	if (sig)
		snprintf(buf, size, "%s", sig);
	else
		snprintf(buf, size, "signal %d", ex->signal);
}

/*
 * A crash in a process other than the command's own: "SIGSEGV in pid 1234
 * (/usr/bin/helper)". Nothing (returns false) when the command itself
 * crashed -- its exit says so -- or nothing in the tree did.
 */
static bool describe_tree_crash(char *buf, size_t size, const struct fl_sweep_report *rep)
{
	const struct fl_sweep_crash *c = fl_sweep_tree_crash(rep->crashes, rep->n_crashes);
	char exe[PATH_SHOW * 4 + 8] = "?";
	const char *sig;
	size_t n = 0;

	if (!c || c->main || (!rep->exit.exited && fl_sweep_is_crash_signal(rep->exit.signal)))
		return false;
	if (c->exe) {
		/* The end of a long path: the executable's name is what counts. */
		size_t len = strlen(c->exe);
		const char *p = len > PATH_SHOW ? c->exe + len - PATH_SHOW : c->exe;

		if (p != c->exe)
			n = (size_t)snprintf(exe, sizeof(exe), "...");
		/* A file name is the program's: no control characters on the terminal. */
		for (; *p && n + 5 < sizeof(exe); p++) {
			unsigned char ch = (unsigned char)*p;

			if (ch < 0x20 || ch == 0x7f)
				n += (size_t)snprintf(exe + n, sizeof(exe) - n, "\\x%02x", ch);
			else
				exe[n++] = (char)ch;
		}
		exe[n] = '\0';
	}
	sig = fl_signal_name(c->signal);
	if (sig)
		snprintf(buf, size, "%s in pid %d (%s)", sig, c->pid, exe);
	else
		snprintf(buf, size, "signal %d in pid %d (%s)", c->signal, c->pid, exe);
	return true;
}

static void describe_result(char *buf, size_t size, const struct fl_sweep *sw,
			    const struct fl_sweep_run *run)
{
	const struct fl_sweep_pass *p = &run->pass;
	char ex[64] = "";
	char t[32];

	if (p->has_report)
		describe_exit(ex, sizeof(ex), &p->rep.exit);
	switch (run->outcome) {
	case FL_SWEEP_HUNG:
		fl_format_duration(t, sizeof(t), sw->cfg.timeout_ns);
		snprintf(buf, size, "still running after %s%s", t,
			 p->job.killed ? ", SIGKILL" : "");
		break;
	case FL_SWEEP_FAILED:
		snprintf(buf, size, "faultline: %s", p->report_msg ? p->report_msg : "no report");
		break;
	case FL_SWEEP_NOT_REACHED:
		snprintf(buf, size, "%s before the call came", ex);
		break;
	case FL_SWEEP_CHECK_FAILED:
		snprintf(buf, size, "the check failed after the crash");
		break;
	case FL_SWEEP_HANDLED:
		/* sweep --crash: the crash point is survived. */
		snprintf(buf, size, "%s", sw->cfg.crash ? "the check passed after the crash" : ex);
		break;
	case FL_SWEEP_CRASHED: {
		char tree[PATH_SHOW * 4 + 64];
		bool child = describe_tree_crash(tree, sizeof(tree), &p->rep);

		/* "SIGSEGV in pid 1234 (/bin/x), exit 0": the crash first, then how the command ended. */
		snprintf(buf, size, "%s%s%s%s%s", child ? tree : "", child ? ", " : "", ex,
			 p->sanitizer ? ", " : "", p->sanitizer ? sanitizer_name(p->sanitizer) : "");
		break;
	}
	default:
		snprintf(buf, size, "%s", ex);
		break;
	}
	if (run->diverged && p->rep.n_calls > 0) {
		char hit[PATH_SHOW * 4 + 64];
		size_t len = strlen(buf);

		describe_call(hit, sizeof(hit), &p->rep.calls[0]);
		snprintf(buf + len, size - len, " (failed %s instead)", hit);
	}
}

static void counts_text(char *buf, size_t size, const struct fl_sweep *sw)
{
	size_t o = 0;

	o += (size_t)snprintf(buf, size, "handled %zu crashed %zu hung %zu",
			      sw->counts[FL_SWEEP_HANDLED], sw->counts[FL_SWEEP_CRASHED],
			      sw->counts[FL_SWEEP_HUNG]);
	if (sw->counts[FL_SWEEP_NOT_REACHED] && o < size)
		o += (size_t)snprintf(buf + o, size - o, " not reached %zu",
				      sw->counts[FL_SWEEP_NOT_REACHED]);
	if (sw->counts[FL_SWEEP_FAILED] && o < size)
		o += (size_t)snprintf(buf + o, size - o, " failed %zu", sw->counts[FL_SWEEP_FAILED]);
	if (sw->counts[FL_SWEEP_CHECK_FAILED] && o < size)
		snprintf(buf + o, size - o, " check failed %zu", sw->counts[FL_SWEEP_CHECK_FAILED]);
}

void fl_sweep_ui_draw_bar(struct fl_sweep_ui *ui, const struct fl_sweep *sw)
{
	char bar[BAR_WIDTH + 1], counts[160];
	size_t fill = sw->n_runs ? sw->n_finished * BAR_WIDTH / sw->n_runs : BAR_WIDTH;

	for (size_t i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
	bar[BAR_WIDTH] = '\0';
	counts_text(counts, sizeof(counts), sw);
	fprintf(stderr, "\r[%s] %zu/%zu %s\033[K", bar, sw->n_finished, sw->n_runs, counts);
	fflush(stderr);
	ui->bar_shown = true;
}

void fl_sweep_ui_clear_bar(struct fl_sweep_ui *ui)
{
	if (ui->bar_shown)
		fputs("\r\033[K", stderr);
	ui->bar_shown = false;
}

void fl_sweep_ui_on_run(struct fl_sweep *sw, struct fl_sweep_run *run, void *ud)
{
	struct fl_sweep_ui *ui = ud;
	char call[PATH_SHOW * 4 + 64], fault[128], result[PATH_SHOW * 4 + 256];

	if (ui->tty) {
		fl_sweep_ui_draw_bar(ui, sw);
		return;
	}
	describe_call(call, sizeof(call), sw->targets[run->target].call);
	describe_fault(fault, sizeof(fault), sw, run);
	describe_result(result, sizeof(result), sw, run);
	fprintf(stderr, "faultline sweep: [%zu/%zu] call %zu, %s %s: %s (%s)\n", sw->n_finished,
		sw->n_runs, run->target + 1, call, fault, fl_sweep_outcome_name(run->outcome),
		result);
}

/* Stderr lines as shown: control characters (an escape sequence of the command's) as \xNN. */
static void print_tail(const char *tail)
{
	if (!tail || !*tail) {
		printf("  stderr: (nothing)\n");
		return;
	}
	printf("  stderr, last lines:\n");
	for (const char *p = tail; *p;) {
		size_t n = strcspn(p, "\n");

		fputs("    | ", stdout);
		for (size_t i = 0; i < n && i < 300; i++) {
			unsigned char ch = (unsigned char)p[i];

			if (ch < 0x20 || ch == 0x7f)
				printf("\\x%02x", ch);
			else
				putchar(ch);
		}
		if (n > 300)
			fputs("...", stdout);
		putchar('\n');
		p += n + (p[n] == '\n');
	}
}

/*
 * A crash after an errno on a call that never returns one (brk's -ENOMEM
 * taken for the new break by the C library) is of the fault's making, not
 * the program's: say so, and what models the failure.
 */
static void note_unreal_fault(const struct fl_sweep *sw, const struct fl_sweep_run *run)
{
	const char *name = sw->targets[run->target].call->syscall;
	const char *instead;
	bool known;

	if (run->outcome != FL_SWEEP_CRASHED || !run->error || !name)
		return;
	instead = fl_lint_never_errno(name, &known);
	if (!known)
		return;
	printf("  note: %s never returns an errno, so nothing checks for one: the crash is "
	       "likely of the fault's making, not the program's%s%s\n", name,
	       instead ? "; use " : "", instead ? instead : "");
}

/* Where the program made the call, as the baseline unwound it; nothing when it didn't. */
static void print_call_site(const struct fl_sweep_call *c)
{
	if (!c->n_stack)
		return;
	fputs("  call site:\n", stdout);
	for (size_t i = 0; i < c->n_stack; i++) {
		fputs("    ", stdout);
		/* Symbol and file names are the program's: no control characters on the terminal. */
		for (const char *p = c->stack[i]; *p; p++) {
			unsigned char ch = (unsigned char)*p;

			if (ch < 0x20 || ch == 0x7f)
				printf("\\x%02x", ch);
			else
				putchar(ch);
		}
		putchar('\n');
	}
}

/* The order outcomes are listed in: what needs fixing first. */
static const enum fl_sweep_outcome display_order[] = {
	FL_SWEEP_CHECK_FAILED, FL_SWEEP_CRASHED, FL_SWEEP_HUNG, FL_SWEEP_FAILED, FL_SWEEP_NOT_REACHED, FL_SWEEP_HANDLED,
};

/* Outcomes that get a paragraph with stderr and the reproducer after the table. */
static bool detailed(enum fl_sweep_outcome o)
{
	return o == FL_SWEEP_CRASHED || o == FL_SWEEP_HUNG || o == FL_SWEEP_FAILED ||
	       o == FL_SWEEP_CHECK_FAILED;
}

struct row {
	char call[PATH_SHOW * 4 + 64];
	char fault[128];
	char result[PATH_SHOW * 4 + 256];
};

static void make_row(struct row *row, const struct fl_sweep *sw, const struct fl_sweep_run *run)
{
	describe_call(row->call, sizeof(row->call), sw->targets[run->target].call);
	describe_fault(row->fault, sizeof(row->fault), sw, run);
	describe_result(row->result, sizeof(row->result), sw, run);
}

static size_t max_size(size_t a, size_t b)
{
	return a > b ? a : b;
}

static void print_table(const struct fl_sweep *sw)
{
	bool rules = sw->set->n_rules > 1;
	size_t w_out = strlen("outcome"), w_num = strlen("call"), w_rule = strlen("rule"),
	       w_call = strlen("syscall"), w_fault = strlen("fault");
	char num[32];
	struct row row;

	for (size_t i = 0; i < sw->n_runs; i++) {
		const struct fl_sweep_run *run = &sw->runs[i];

		if (!run->finished)
			continue;
		make_row(&row, sw, run);
		w_out = max_size(w_out, strlen(fl_sweep_outcome_name(run->outcome)));
		w_num = max_size(w_num, (size_t)snprintf(num, sizeof(num), "%zu", run->target + 1));
		w_rule = max_size(w_rule, strlen(sw->set->rules[sw->targets[run->target].rule].name));
		w_call = max_size(w_call, strlen(row.call));
		w_fault = max_size(w_fault, strlen(row.fault));
	}
	printf("\n%-*s  %*s  ", (int)w_out, "outcome", (int)w_num, "call");
	if (rules)
		printf("%-*s  ", (int)w_rule, "rule");
	printf("%-*s  %-*s  result\n", (int)w_call, "syscall", (int)w_fault, "fault");
	for (size_t k = 0; k < FL_ARRAY_SIZE(display_order); k++)
		for (size_t i = 0; i < sw->n_runs; i++) {
			const struct fl_sweep_run *run = &sw->runs[i];

			if (!run->finished || run->outcome != display_order[k])
				continue;
			make_row(&row, sw, run);
			printf("%-*s  %*zu  ", (int)w_out, fl_sweep_outcome_name(run->outcome),
			       (int)w_num, run->target + 1);
			if (rules)
				printf("%-*s  ", (int)w_rule,
				       sw->set->rules[sw->targets[run->target].rule].name);
			printf("%-*s  %-*s  %s\n", (int)w_call, row.call, (int)w_fault, row.fault,
			       row.result);
		}
}

void fl_sweep_print_results(const struct fl_sweep *sw, const char *cmd, bool interrupted)
{
	const struct fl_sweep_pass *first = &sw->base.passes[0];
	char ex[64];
	struct row row;

	describe_exit(ex, sizeof(ex), &first->rep.exit);
	printf("faultline sweep: %s\n", cmd);
	printf("  baseline: %s, %zu matching call%s", ex, sw->n_targets,
	       sw->n_targets == 1 ? "" : "s");
	for (size_t i = 0; i < sw->set->n_rules; i++)
		if (!sw->base.stable[i]) {
			printf(" (not the same in both runs)");
			break;
		}
	printf("\n  runs: %zu of %zu%s%s\n", sw->n_finished, sw->n_wanted,
	       sw->n_runs < sw->n_wanted ? " (--max-runs)" : "",
	       interrupted ? " (interrupted)" : "");
	for (size_t k = 0; k < FL_ARRAY_SIZE(display_order); k++) {
		enum fl_sweep_outcome o = display_order[k];

		if (sw->counts[o] || o == FL_SWEEP_CRASHED || o == FL_SWEEP_HUNG ||
		    o == FL_SWEEP_HANDLED || (o == FL_SWEEP_CHECK_FAILED && sw->cfg.crash))
			printf("  %-12s %zu\n", fl_sweep_outcome_name(o), sw->counts[o]);
	}
	if (!sw->n_finished) {
		fflush(stdout);
		return;
	}
	print_table(sw);

	for (size_t k = 0; k < FL_ARRAY_SIZE(display_order); k++) {
		if (!detailed(display_order[k]))
			continue;
		for (size_t i = 0; i < sw->n_runs; i++) {
			const struct fl_sweep_run *run = &sw->runs[i];

			if (!run->finished || run->outcome != display_order[k])
				continue;
			make_row(&row, sw, run);
			printf("\n%s: call %zu, %s %s: %s\n", fl_sweep_outcome_name(run->outcome),
			       run->target + 1, row.call, row.fault, row.result);
			if (run->path_differs) {
				char hit[PATH_SHOW * 4 + 64];

				describe_call(hit, sizeof(hit), &run->pass.rep.calls[0]);
				printf("  failed: %s (the baseline's path differs: a temporary "
				       "name?)\n", hit);
			}
			note_unreal_fault(sw, run);
			print_call_site(sw->targets[run->target].call);
			print_tail(run->pass.stderr_tail);
			printf("  reproduce: %s\n", run->reproducer);
		}
	}
	fflush(stdout);
}

/* ---- the baseline ------------------------------------------------------------ */

/*
 * sweep --crash: the check must pass after a run without any crash, or
 * every crash point would fail it (a typo in CMD, say).
 */
int fl_sweep_check_baseline_check(const struct fl_sweep *sw, const char *cmd, const char *check)
{
	for (size_t i = 0; i < sw->base.n_passes; i++) {
		const struct fl_sweep_pass *p = &sw->base.passes[i];
		int st = p->job.wait_status;

		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			continue;
		fprintf(stderr, "faultline sweep: --check %s fails after %s ran without any crash "
			"(faultline run exited %d); a crash sweep needs a check that passes first\n",
			check, cmd, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		if (p->stderr_tail && *p->stderr_tail)
			fprintf(stderr, "%s\n", p->stderr_tail);
		return -EIO;
	}
	return 0;
}

/*
 * What the baseline says (fl_sweep_baseline_judge()), said: a problem that
 * makes a sweep pointless is 125 with a reason, the rest are warnings.
 */
int fl_sweep_check_baseline(const struct fl_sweep *sw, const char *cmd)
{
	const struct fl_sweep_baseline *b = &sw->base;
	struct fl_sweep_baseline_verdict v = fl_sweep_baseline_judge(b, sw->cfg.allow_unstable);
	const char *warn = sw->cfg.allow_unstable ? "warning: " : "";
	const struct fl_sweep_pass *p = v.pass;
	char t[32];

	switch (v.problem) {
	case FL_SWEEP_BASELINE_TIMED_OUT:
		fl_format_duration(t, sizeof(t), sw->cfg.timeout_ns);
		fprintf(stderr, "faultline sweep: %s did not finish within %s without any "
			"injection; give it more time with --timeout\n", cmd, t);
		return -ETIMEDOUT;
	case FL_SWEEP_BASELINE_FAILED:
		fprintf(stderr, "faultline sweep: a baseline run (faultline run --dry-run) "
			"failed: %s\n", p->report_msg ? p->report_msg : "no report");
		if (p->stderr_tail && *p->stderr_tail)
			fprintf(stderr, "%s\n", p->stderr_tail);
		return -EIO;
	case FL_SWEEP_BASELINE_CRASHED: {
		char desc[PATH_SHOW * 4 + 128], tree[PATH_SHOW * 4 + 64];

		/* A child's crash is named with its pid; the command's is its exit. */
		if (describe_tree_crash(tree, sizeof(tree), &p->rep))
			snprintf(desc, sizeof(desc), "%s", tree);
		else
			describe_exit(desc, sizeof(desc), &p->rep.exit);
		fprintf(stderr, "faultline sweep: %s crashes without any injection (%s%s%s); "
			"a sweep needs a command that runs cleanly first\n", cmd, desc,
			p->sanitizer ? ", " : "", p->sanitizer ? sanitizer_name(p->sanitizer) : "");
		if (p->stderr_tail && *p->stderr_tail)
			fprintf(stderr, "%s\n", p->stderr_tail);
		return -EIO;
	}
	case FL_SWEEP_BASELINE_PROGRAM_FAILED:
	case FL_SWEEP_BASELINE_UNSTABLE:
	case FL_SWEEP_BASELINE_OK:
		break;
	}
	if (v.program_failed) {
		char desc[PATH_SHOW * 4 + 128];

		p = v.pass;
		describe_exit(desc, sizeof(desc), &p->rep.exit);
		fprintf(stderr, "faultline sweep: %s%s fails without any injection (%s): its runs "
			"would fail whatever the fault\n", warn, cmd, desc);
		if (p->stderr_tail && *p->stderr_tail)
			fprintf(stderr, "%s\n", p->stderr_tail);
	}
	for (size_t i = 0; i < sw->set->n_rules; i++) {
		size_t n0 = b->passes[2 * i].rep.n_calls, n1 = b->passes[2 * i + 1].rep.n_calls;

		if (b->stable[i])
			continue;
		if (n0 != n1)
			fprintf(stderr, "faultline sweep: %swithout injection, %s made %zu calls "
				"matching rule '%s' in one run and %zu in another: ", warn, cmd, n0,
				sw->set->rules[i].name, n1);
		else
			fprintf(stderr, "faultline sweep: %swithout injection, %s made the calls "
				"matching rule '%s' in a different order in two runs: ", warn, cmd,
				sw->set->rules[i].name);
		fputs("it is not deterministic, so some runs may not reach their call\n", stderr);
	}
	if (v.exit_varied)
		fprintf(stderr, "faultline sweep: %s%s did not end the same way in every run "
			"without injection\n", warn, cmd);
	if (v.problem != FL_SWEEP_BASELINE_OK) {
		fprintf(stderr, "faultline sweep: a sweep needs a command that succeeds, and "
			"makes the same calls, without any injection; --allow-unstable sweeps it "
			"anyway\n");
		return -EINVAL;
	}
	return 0;
}

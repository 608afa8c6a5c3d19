/*
 * faultline sweep: options, rule loading, progress, and the table of runs.
 * The sweep itself (baseline, runs, classification) is src/sweep/.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "faultline/names.h"
#include "faultline/report.h"
#include "faultline/rules.h"
#include "faultline/tracer.h"
#include "faultline/base.h"
#include "sweep/sweep.h"

#define DEFAULT_TIMEOUT_NS (10 * 1000000000ull)
/* SIGTERM -> SIGKILL for a hung run: enough for a command to clean up and faultline to write its report. */
#define GRACE_NS 1000000000ull
#define MAX_JOBS 1024
#define BAR_WIDTH 30
/* Longest path shown in the table; the JSON report has them whole. */
#define PATH_SHOW 60

static const char sweep_usage[] =
	"Usage: faultline sweep [OPTIONS] [--] COMMAND [ARG]...\n"
	"\n"
	"Fail each call the rules match, once, each in its own run of COMMAND, and\n"
	"report every run that crashed or hung with a command line reproducing it.\n"
	"\n"
	"COMMAND first runs twice without injection (faultline run --dry-run) to\n"
	"list the calls the rules match, in order, each given to the first rule\n"
	"that matches it. Run k then fails only call k: the rule that matched it,\n"
	"alone, with after and times set so that it acts on that call. A rule\n"
	"with several errnos gets a run per errno for each of its calls.\n"
	"\n"
	"Options:\n"
	"  -r, --rules FILE     load rules from a YAML file (repeatable)\n"
	"  -e, --rule RULE      one rule as a YAML flow mapping (repeatable), e.g.\n"
	"                       -e '{syscall: [openat, read, write], error: EIO}'\n"
	"  -j, --jobs N         runs at a time (default: the number of CPUs)\n"
	"      --timeout T      a run still going after T is hung and is killed\n"
	"                       (default 10s; 500ms, 2s, or a number of seconds)\n"
	"      --max-runs N     only the first N runs\n"
	"      --report FILE    write the baseline and every run as JSON to FILE\n"
	"      --no-seccomp     passed on to every run (see faultline run --help)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Rules must not set after, every, times or probability: the sweep decides\n"
	"which call each run fails.\n"
	"\n"
	"Each run is: crashed (COMMAND or any process it started was killed by\n"
	"SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSYS or SIGTRAP, or a sanitizer\n"
	"report on stderr), hung (still running at the timeout), handled (ended\n"
	"otherwise, whatever its exit status), not reached (the call to fail never\n"
	"came: COMMAND varies from run to run), or failed (faultline could not run\n"
	"it). Runs get stdin from /dev/null; their stdout is discarded.\n"
	"\n"
	"Exit status: 0 when no run crashed or hung; 1 when one did; 125 for\n"
	"faultline's own errors (bad rules or options, a baseline run that failed,\n"
	"crashed or hung, a run faultline could not run); 126 COMMAND is not\n"
	"executable; 127 COMMAND was not found.\n";

struct rule_source {
	bool is_inline;
	const char *text; /* a path, or the inline rule */
};

struct sweep_options {
	struct rule_source *sources;
	size_t n_sources;
	unsigned jobs;
	uint64_t timeout_ns;
	uint64_t max_runs;
	const char *report_path;
	bool no_seccomp;
	char **command;
};

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("faultline sweep: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'faultline sweep --help' for more information.\n", stderr);
	return FL_EXIT_OWN_ERROR;
}

/* "10s", "500ms" as rules write durations, or a bare number of seconds as timeout(1) takes. */
static int parse_timeout(const char *s, uint64_t *ret)
{
	uint64_t secs;

	if (fl_cli_parse_u64(s, &secs) == 0) {
		if (secs > UINT64_MAX / 1000000000ull)
			return -ERANGE;
		*ret = secs * 1000000000ull;
		return 0;
	}
	return fl_duration_parse(s, ret);
}

/*
 * The binary runs execute: this one. By its path rather than /proc/self/exe,
 * which would name every run "exe" in ps and top; /proc/self/exe only when
 * the file is gone (replaced while we run, say).
 */
static char *self_exe(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n > 0) {
		buf[n] = '\0';
		if (access(buf, X_OK) == 0)
			return strdup(buf);
	}
	return strdup("/proc/self/exe");
}

static unsigned cpu_count(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

static int parse_options(int argc, char **argv, struct sweep_options *o)
{
	enum { OPT_TIMEOUT = 0x100, OPT_MAX_RUNS, OPT_REPORT, OPT_NO_SECCOMP };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "rule", required_argument, NULL, 'e' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "max-runs", required_argument, NULL, OPT_MAX_RUNS },
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint64_t n;
	int c;

	o->sources = calloc((size_t)argc + 1, sizeof(*o->sources));
	if (!o->sources)
		return -ENOMEM;
	o->jobs = cpu_count();
	o->timeout_ns = DEFAULT_TIMEOUT_NS;

	optind = 1;
	opterr = 0;
	/* '+': stop at the first non-option, it starts the command. */
	while ((c = getopt_long(argc, argv, "+:r:e:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
		case 'e':
			o->sources[o->n_sources++] = (struct rule_source){
				.is_inline = c == 'e', .text = optarg };
			break;
		case 'j':
			if (fl_cli_parse_u64(optarg, &n) < 0 || n < 1 || n > MAX_JOBS)
				return usage_error("invalid -j '%s': expected a number of runs at a "
						   "time, 1..%d", optarg, MAX_JOBS);
			o->jobs = (unsigned)n;
			break;
		case OPT_TIMEOUT:
			if (parse_timeout(optarg, &o->timeout_ns) < 0 || o->timeout_ns == 0)
				return usage_error("invalid timeout '%s': expected a duration such as "
						   "10s or 500ms", optarg);
			break;
		case OPT_MAX_RUNS:
			if (fl_cli_parse_u64(optarg, &o->max_runs) < 0 || o->max_runs == 0)
				return usage_error("invalid --max-runs '%s': expected a number >= 1",
						   optarg);
			break;
		case OPT_REPORT:
			o->report_path = optarg;
			break;
		case OPT_NO_SECCOMP:
			o->no_seccomp = true;
			break;
		case 'h':
			fputs(sweep_usage, stdout);
			return 1;
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("no command given (faultline sweep -e RULE -- COMMAND [ARG]...)");
	if (o->n_sources == 0)
		return usage_error("no rules given: use -r FILE or -e RULE");
	o->command = argv + optind;
	return 0;
}

/* ---- rules ------------------------------------------------------------------ */

/* As the loader reads a rule file: at most FL_MAX_RULE_FILE_SIZE, pipes too. */
static int read_rule_file(const char *path, char **ret, size_t *ret_len)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0, got;

	if (!f)
		return -errno;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode))
		return -EISDIR;
	buf = malloc(FL_MAX_RULE_FILE_SIZE + 2);
	if (!buf)
		return -ENOMEM;
	while ((got = fread(buf + len, 1, FL_MAX_RULE_FILE_SIZE + 1 - len, f)) > 0) {
		len += got;
		if (len > FL_MAX_RULE_FILE_SIZE)
			return -EFBIG;
	}
	if (ferror(f))
		return -EIO;
	buf[len] = '\0';
	*ret = steal_pointer(&buf);
	*ret_len = len;
	return 0;
}

struct loaded_rules {
	struct fl_rule_set *set;
	char **files;           /* file texts, one per source (NULL for -e) */
	size_t n_files;
	const char **texts;     /* per rule: the YAML it came from */
	size_t *lens;
};

static void loaded_rules_done(struct loaded_rules *lr)
{
	for (size_t i = 0; i < lr->n_files; i++)
		free(lr->files[i]);
	free(lr->files);
	free(lr->texts);
	free(lr->lens);
	fl_rule_set_free(lr->set);
}

/*
 * Load every source in order, keeping the text each rule came from: the
 * sweep re-emits rules from it. A file is read once here (it may be a pipe)
 * and handed to the loader as a string.
 */
static int load_rules(const struct sweep_options *o, struct loaded_rules *lr)
{
	struct fl_diags diags = { 0 };
	size_t n_inline = 0;
	int ret = 0;

	lr->set = fl_rule_set_new();
	lr->files = calloc(o->n_sources + 1, sizeof(*lr->files));
	if (!lr->set || !lr->files)
		return -ENOMEM;
	lr->n_files = o->n_sources;
	for (size_t i = 0; i < o->n_sources; i++) {
		const struct rule_source *s = &o->sources[i];
		size_t before = lr->set->n_rules, len = 0;
		const char *text;
		int r;

		if (s->is_inline) {
			char origin[32];

			snprintf(origin, sizeof(origin), "-e #%zu", ++n_inline);
			r = fl_rules_load_inline(lr->set, origin, s->text, &diags);
			text = s->text;
			len = strlen(text);
		} else {
			r = read_rule_file(s->text, &lr->files[i], &len);
			if (r == -EFBIG)
				fprintf(stderr, "%s: error: rule file is too large (the limit is %d bytes)\n",
					s->text, FL_MAX_RULE_FILE_SIZE);
			else if (r < 0)
				fprintf(stderr, "%s: error: cannot read rule file: %s\n", s->text,
					strerror(-r));
			if (r < 0) {
				ret = r;
				continue;
			}
			r = fl_rules_load_string(lr->set, s->text, lr->files[i], len, &diags);
			text = lr->files[i];
		}
		if (r < 0) {
			ret = r;
			continue;
		}
		const char **texts = realloc(lr->texts, (lr->set->n_rules + 1) * sizeof(*texts));
		size_t *lens = realloc(lr->lens, (lr->set->n_rules + 1) * sizeof(*lens));

		if (texts)
			lr->texts = texts;
		if (lens)
			lr->lens = lens;
		if (!texts || !lens) {
			ret = -ENOMEM;
			break;
		}
		for (size_t k = before; k < lr->set->n_rules; k++) {
			lr->texts[k] = text;
			lr->lens[k] = len;
		}
	}
	if (ret == 0)
		ret = fl_rules_finish(lr->set, &diags);
	fl_diags_print(&diags, stderr);
	fl_diags_done(&diags);
	return ret;
}

/* ---- showing runs -------------------------------------------------------------- */

struct ui {
	bool tty;          /* stderr is a terminal: one progress bar, redrawn */
	bool bar_shown;
};

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
		.phase = rule->phase,
	};
	char tmp[128];

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
		snprintf(buf + o, size - o, " failed %zu", sw->counts[FL_SWEEP_FAILED]);
}

static void draw_bar(struct ui *ui, const struct fl_sweep *sw)
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

static void clear_bar(struct ui *ui)
{
	if (ui->bar_shown)
		fputs("\r\033[K", stderr);
	ui->bar_shown = false;
}

static void on_run(struct fl_sweep *sw, struct fl_sweep_run *run, void *ud)
{
	struct ui *ui = ud;
	char call[PATH_SHOW * 4 + 64], fault[128], result[PATH_SHOW * 4 + 256];

	if (ui->tty) {
		draw_bar(ui, sw);
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
	FL_SWEEP_CRASHED, FL_SWEEP_HUNG, FL_SWEEP_FAILED, FL_SWEEP_NOT_REACHED, FL_SWEEP_HANDLED,
};

/* Outcomes that get a paragraph with stderr and the reproducer after the table. */
static bool detailed(enum fl_sweep_outcome o)
{
	return o == FL_SWEEP_CRASHED || o == FL_SWEEP_HUNG || o == FL_SWEEP_FAILED;
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

static void print_results(const struct fl_sweep *sw, const char *cmd, bool interrupted)
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
		    o == FL_SWEEP_HANDLED)
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
			print_call_site(sw->targets[run->target].call);
			print_tail(run->pass.stderr_tail);
			printf("  reproduce: %s\n", run->reproducer);
		}
	}
	fflush(stdout);
}

/* ---- the command ------------------------------------------------------------- */

/* Problems of the baseline that make a sweep pointless: 125 with a reason. */
static int check_baseline(const struct fl_sweep *sw, const char *cmd)
{
	const struct fl_sweep_baseline *b = &sw->base;
	const struct fl_sweep_exit *ex0 = &b->passes[0].rep.exit;
	bool varied = false;
	char t[32];

	for (size_t i = 0; i < b->n_passes; i++) {
		const struct fl_sweep_pass *p = &b->passes[i];
		const struct fl_sweep_exit *ex = &p->rep.exit;

		if (p->job.timed_out) {
			fl_format_duration(t, sizeof(t), sw->cfg.timeout_ns);
			fprintf(stderr, "faultline sweep: %s did not finish within %s without any "
				"injection; give it more time with --timeout\n", cmd, t);
			return -ETIMEDOUT;
		}
		if (!p->has_report) {
			fprintf(stderr, "faultline sweep: a baseline run (faultline run --dry-run) "
				"failed: %s\n", p->report_msg ? p->report_msg : "no report");
			if (p->stderr_tail && *p->stderr_tail)
				fprintf(stderr, "%s\n", p->stderr_tail);
			return -EIO;
		}
		if ((!ex->exited && fl_sweep_is_crash_signal(ex->signal)) || p->sanitizer ||
		    fl_sweep_tree_crash(p->rep.crashes, p->rep.n_crashes)) {
			char desc[PATH_SHOW * 4 + 128], tree[PATH_SHOW * 4 + 64];

			/* A child's crash is named with its pid; the command's is its exit. */
			if (describe_tree_crash(tree, sizeof(tree), &p->rep))
				snprintf(desc, sizeof(desc), "%s", tree);
			else
				describe_exit(desc, sizeof(desc), ex);
			fprintf(stderr, "faultline sweep: %s crashes without any injection (%s%s%s); "
				"a sweep needs a command that runs cleanly first\n", cmd, desc,
				p->sanitizer ? ", " : "", p->sanitizer ? sanitizer_name(p->sanitizer) : "");
			if (p->stderr_tail && *p->stderr_tail)
				fprintf(stderr, "%s\n", p->stderr_tail);
			return -EIO;
		}
		if (ex->exited != ex0->exited || ex->code != ex0->code || ex->signal != ex0->signal)
			varied = true;
	}
	for (size_t i = 0; i < sw->set->n_rules; i++) {
		size_t n0 = b->passes[2 * i].rep.n_calls, n1 = b->passes[2 * i + 1].rep.n_calls;

		if (b->stable[i])
			continue;
		if (n0 != n1)
			fprintf(stderr, "faultline sweep: warning: without injection, %s made %zu "
				"calls matching rule '%s' in one run and %zu in another: ", cmd, n0,
				sw->set->rules[i].name, n1);
		else
			fprintf(stderr, "faultline sweep: warning: without injection, %s made the "
				"calls matching rule '%s' in a different order in two runs: ", cmd,
				sw->set->rules[i].name);
		fputs("it is not deterministic, so some runs may not reach their call\n", stderr);
	}
	if (varied)
		fprintf(stderr, "faultline sweep: warning: %s did not end the same way in every run "
			"without injection\n", cmd);
	return 0;
}

/* @out was opened before the first run, so a bad destination fails before a long sweep. */
static int write_report(const struct fl_sweep *sw, struct fl_atomic_file *out, const char *path)
{
	_cleanup_free_ char *text = fl_sweep_json(sw);
	int r;

	if (!text) {
		fl_atomic_abort(out);
		r = -ENOMEM;
	} else if (fwrite(text, 1, strlen(text), out->f) != strlen(text)) {
		r = errno ? -errno : -EIO;
		fl_atomic_abort(out);
	} else {
		r = fl_atomic_commit(out);
	}
	if (r < 0)
		fprintf(stderr, "faultline sweep: cannot write report %s: %s\n", path,
			fl_output_strerror(r));
	return r;
}

int fl_cmd_sweep(int argc, char **argv)
{
	struct sweep_options o = { 0 };
	struct loaded_rules lr = { 0 };
	struct fl_sweep sw = { 0 };
	struct fl_atomic_file report = { .direct_fd = -1 };
	struct ui ui = { .tty = isatty(STDERR_FILENO) };
	_cleanup_free_ char *exe = NULL, *cmd = NULL, *self = NULL;
	const char *bad_key = NULL;
	size_t bad_rule = 0;
	int status = FL_EXIT_OWN_ERROR, sig = 0, r;

	r = parse_options(argc, argv, &o);
	if (r != 0) {
		status = r == 1 ? 0 : FL_EXIT_OWN_ERROR;
		goto out;
	}
	cmd = fl_shell_join((const char *const *)o.command, SIZE_MAX);
	if (!cmd) {
		fprintf(stderr, "faultline: out of memory\n");
		goto out;
	}

	r = load_rules(&o, &lr);
	if (r < 0) {
		fprintf(stderr, "faultline sweep: invalid rules: nothing was run\n");
		goto out;
	}

	/* As `faultline run` would say it, before any run says it N times. */
	r = fl_resolve_command(o.command[0], &exe);
	if (r < 0) {
		fprintf(stderr, "faultline: %s: %s\n", o.command[0],
			r == -ENOENT ? "command not found" : strerror(-r));
		status = r == -ENOENT ? FL_EXIT_NOT_FOUND :
			 r == -EACCES ? FL_EXIT_NOT_EXECUTABLE : FL_EXIT_OWN_ERROR;
		goto out;
	}

	if (o.report_path && (r = fl_atomic_open(o.report_path, &report)) < 0) {
		fprintf(stderr, "faultline sweep: cannot write report %s: %s\n", o.report_path,
			fl_output_strerror(r));
		goto out;
	}
	self = self_exe();
	if (!self) {
		fprintf(stderr, "faultline: out of memory\n");
		goto out;
	}

	struct fl_sweep_config cfg = {
		.argv0 = program_invocation_name,
		.exe = self,
		.command = o.command,
		.no_seccomp = o.no_seccomp,
		/* Call sites where this build can unwind; a sweep without them still works. */
		.stack = fl_stack_available(),
		.jobs = o.jobs,
		.timeout_ns = o.timeout_ns,
		.grace_ns = o.timeout_ns < GRACE_NS ? o.timeout_ns : GRACE_NS,
		.max_runs = o.max_runs,
	};
	r = fl_sweep_init(&sw, &cfg, lr.set, lr.texts, lr.lens, &bad_rule, &bad_key);
	if (r == -EINVAL && bad_key) {
		const struct fl_rule *rule = &lr.set->rules[bad_rule];

		fprintf(stderr, "%s:%u:%u: error: rule '%s' sets '%s'; a sweep decides which call "
			"each run fails (after: k-1, times: 1 for the k-th), so swept rules must not "
			"have after, every, times or probability\n", rule->file, rule->line,
			rule->column, rule->name, bad_key);
		goto out;
	}
	if (r < 0) {
		fprintf(stderr, "faultline sweep: cannot set up the sweep: %s\n", strerror(-r));
		goto out;
	}
	sw.on_run = on_run;
	sw.ud = &ui;

	fprintf(stderr, "faultline sweep: baseline: running %s twice%s without injection\n", cmd,
		lr.set->n_rules > 1 ? " per rule" : "");
	r = fl_sweep_baseline(&sw, &sig);
	if (r == -EINTR) {
		status = 128 + sig;
		goto out;
	}
	if (r < 0) {
		fprintf(stderr, "faultline sweep: baseline: %s\n", strerror(-r));
		goto out;
	}
	if (check_baseline(&sw, cmd) < 0)
		goto out;

	r = fl_sweep_plan(&sw);
	if (r < 0) {
		fprintf(stderr, "faultline sweep: cannot plan the runs: %s\n", strerror(-r));
		goto out;
	}
	if (sw.n_runs == 0) {
		fprintf(stderr, "faultline sweep: the rules match no call of %s: nothing to sweep\n",
			cmd);
	} else {
		char t[32];

		fl_format_duration(t, sizeof(t), sw.cfg.timeout_ns);
		fprintf(stderr, "faultline sweep: %zu run%s, %u at a time, timeout %s\n", sw.n_runs,
			sw.n_runs == 1 ? "" : "s", sw.cfg.jobs, t);
		if (ui.tty)
			draw_bar(&ui, &sw);
		r = fl_sweep_execute(&sw, &sig);
		clear_bar(&ui);
		if (r < 0 && r != -EINTR) {
			fprintf(stderr, "faultline sweep: %s\n", strerror(-r));
			goto out;
		}
	}

	print_results(&sw, cmd, r == -EINTR);
	if (o.report_path && write_report(&sw, &report, o.report_path) < 0)
		goto out;
	if (r == -EINTR)
		status = 128 + sig;
	else if (sw.counts[FL_SWEEP_CRASHED] || sw.counts[FL_SWEEP_HUNG])
		status = 1;
	else if (sw.counts[FL_SWEEP_FAILED])
		status = FL_EXIT_OWN_ERROR;
	else
		status = 0;
	if (sw.counts[FL_SWEEP_NOT_REACHED])
		fprintf(stderr, "faultline sweep: warning: %zu run%s never reached the call to fail: "
			"%s does not make the same calls every time\n",
			sw.counts[FL_SWEEP_NOT_REACHED], sw.counts[FL_SWEEP_NOT_REACHED] == 1 ? "" : "s",
			cmd);

out:
	fl_atomic_abort(&report); /* a no-op once committed */
	fl_sweep_done(&sw);
	loaded_rules_done(&lr);
	free(o.sources);
	return status;
}

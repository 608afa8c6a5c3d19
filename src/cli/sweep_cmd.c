/*
 * faultline sweep: options, rule loading, and the command from start to
 * end. What it shows (progress, the table of runs, the baseline's
 * verdict) is sweep_show.c; the sweep itself (baseline, plan, runs,
 * classification) is src/sweep/.
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

#include "cli.h"
#include "faultline/sys.h"
#include "faultline/report.h"
#include "faultline/rules.h"
#include "faultline/tracer.h"
#include "faultline/base.h"
#include "faultline/sweep.h"
#include "sources.h"
#include "sweep_show.h"

#define DEFAULT_TIMEOUT_NS (10 * 1000000000ull)
/* SIGTERM -> SIGKILL for a hung run: enough for a command to clean up and faultline to write its report. */
#define GRACE_NS 1000000000ull
#define MAX_JOBS 1024

static const char sweep_usage[] =
	"Usage: faultline sweep [OPTIONS] [--] COMMAND [ARG]...\n"
	"\n"
	"Fail each call the rules match, once, each in its own run of COMMAND, and\n"
	"report every run that crashed or hung with a command line reproducing it.\n"
	"\n"
	"COMMAND first runs twice without injection (faultline run --dry-run), one\n"
	"run after the other, to list the calls the rules match, in order, each\n"
	"given to the first rule that matches it; both must exit 0 and agree. Run k then fails only call k: the rule that matched it,\n"
	"alone, with after and times set so that it acts on that call. A rule\n"
	"with several errnos gets a run per errno for each of its calls.\n"
	"\n"
	"Options:\n"
	"  -r, --rules FILE     load rules from a YAML file (repeatable; -: stdin)\n"
	"  -e, --rule RULE      one rule as a YAML flow mapping (repeatable), e.g.\n"
	"                       -e '{syscall: [openat, read, write], error: EIO}'\n"
	"  -j, --jobs N         runs at a time (default: the number of CPUs)\n"
	"      --timeout T      a run still going after T is hung and is killed\n"
	"                       (default 10s; 500ms, 2s, or a number of seconds)\n"
	"      --max-runs N     only the first N runs\n"
	"      --report FILE    write the baseline and every run as JSON to FILE (-: stdout)\n"
	"      --no-seccomp     passed on to every run (see faultline run --help)\n"
	"      --allow-unstable sweep a COMMAND that fails, or varies, without any\n"
	"                       injection (otherwise that is faultline's error, 125)\n"
	"      --crash          crash at each call instead (every rule has crash:, and\n"
	"                       path:): one run at a time, the files under the rules'\n"
	"                       paths put back as they were before every run\n"
	"      --check CMD      with --crash: after each crash, /bin/sh -c CMD decides\n"
	"                       whether the crash point is survived (exit 0)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Rules must not set after, every, times, probability or per: the sweep\n"
	"decides which call each run fails.\n"
	"\n"
	"Each run is: crashed (COMMAND or any process it started was killed by\n"
	"SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSYS or SIGTRAP, or a sanitizer\n"
	"report on stderr), hung (still running at the timeout), handled (ended\n"
	"otherwise, whatever its exit status), not reached (the call to fail never\n"
	"came: COMMAND varies from run to run), or failed (faultline could not run\n"
	"it). Runs get stdin from /dev/null; their stdout is discarded.\n"
	"\n"
	"With --crash, a run whose check fails is \"check failed\".\n"
	"\n"
	"Exit status: 0 when no run crashed, hung or failed its check; 1 when one did;\n"
	"125 for faultline's own errors (bad rules or options, a baseline run that\n"
	"failed, crashed or hung, baseline runs that disagree, a run faultline could\n"
	"not run); 126 COMMAND is not executable; 127 COMMAND was not found.\n";

struct sweep_options {
	struct fl_cli_source *sources;
	size_t n_sources;
	unsigned jobs;
	uint64_t timeout_ns;
	uint64_t max_runs;
	const char *report_path;
	bool no_seccomp;
	bool allow_unstable;
	bool crash;
	const char *check;
	char **command;
};

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
	enum { OPT_TIMEOUT = 0x100, OPT_MAX_RUNS, OPT_REPORT, OPT_NO_SECCOMP, OPT_ALLOW_UNSTABLE,
	       OPT_CRASH, OPT_CHECK };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "rule", required_argument, NULL, 'e' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "max-runs", required_argument, NULL, OPT_MAX_RUNS },
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
		{ "allow-unstable", no_argument, NULL, OPT_ALLOW_UNSTABLE },
		{ "crash", no_argument, NULL, OPT_CRASH },
		{ "check", required_argument, NULL, OPT_CHECK },
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
			o->sources[o->n_sources++] = (struct fl_cli_source){
				.is_inline = c == 'e', .text = optarg };
			break;
		case 'j':
			if (fl_cli_parse_u64(optarg, &n) < 0 || n < 1 || n > MAX_JOBS)
				return fl_cli_usage_error("sweep", "invalid -j '%s': expected a number of runs at a "
						   "time, 1..%d", optarg, MAX_JOBS);
			o->jobs = (unsigned)n;
			break;
		case OPT_TIMEOUT:
			if (parse_timeout(optarg, &o->timeout_ns) < 0 || o->timeout_ns == 0)
				return fl_cli_usage_error("sweep", "invalid timeout '%s': expected a duration such as "
						   "10s or 500ms", optarg);
			break;
		case OPT_MAX_RUNS:
			if (fl_cli_parse_u64(optarg, &o->max_runs) < 0 || o->max_runs == 0)
				return fl_cli_usage_error("sweep", "invalid --max-runs '%s': expected a number >= 1",
						   optarg);
			break;
		case OPT_REPORT:
			o->report_path = optarg;
			break;
		case OPT_NO_SECCOMP:
			o->no_seccomp = true;
			break;
		case OPT_ALLOW_UNSTABLE:
			o->allow_unstable = true;
			break;
		case OPT_CRASH:
			o->crash = true;
			break;
		case OPT_CHECK:
			o->check = optarg;
			break;
		case 'h':
			fputs(sweep_usage, stdout);
			return 1;
		case ':':
			return fl_cli_usage_error("sweep", "option '%s' needs an argument", argv[optind - 1]);
		default:
			return fl_cli_usage_error("sweep", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return fl_cli_usage_error("sweep", "no command given (faultline sweep -e RULE -- COMMAND [ARG]...)");
	if (o->n_sources == 0)
		return fl_cli_usage_error("sweep", "no rules given: use -r FILE or -e RULE");
	if (o->crash && !o->check)
		return fl_cli_usage_error("sweep", "--crash needs --check CMD: what decides whether a "
					  "crash point is survived");
	if (o->check && !o->crash)
		return fl_cli_usage_error("sweep", "--check goes with --crash");
	o->command = argv + optind;
	return 0;
}

/* ---- rules ------------------------------------------------------------------ */

/*
 * Load every source in order. The set keeps the text each rule came from:
 * the sweep re-emits rules from it, and a file (which may be a pipe) is
 * read once.
 */
static int load_rules(const struct sweep_options *o, struct fl_rule_set **ret_set)
{
	struct fl_diags diags = { 0 };
	int r;

	*ret_set = fl_rule_set_new();
	if (!*ret_set)
		return -ENOMEM;
	r = fl_cli_load_sources(*ret_set, o->sources, o->n_sources, &diags);
	fl_diags_print(&diags, stderr);
	fl_diags_done(&diags);
	return r;
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
	struct fl_rule_set *set = NULL;
	struct fl_sweep sw = { 0 };
	struct fl_atomic_file report = { .direct_fd = -1 };
	struct fl_sweep_ui ui = { .tty = isatty(STDERR_FILENO) };
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

	r = load_rules(&o, &set);
	if (r < 0) {
		fprintf(stderr, "faultline sweep: invalid rules: nothing was run\n");
		goto out;
	}

	/* A crash sweep crashes at every call; a plain one must not crash at all. */
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *rule = &set->rules[i];

		if (o.crash && (rule->crash == FL_CRASH_NONE || rule->n_paths == 0)) {
			fprintf(stderr, "%s:%u:%u: error: rule '%s' %s; sweep --crash sweeps crash: "
				"rules, and puts the files under their path: back before every run\n",
				rule->file, rule->line, rule->column, rule->name,
				rule->crash == FL_CRASH_NONE ? "has no crash:" : "has no path:");
			goto out;
		}
		if (!o.crash && rule->crash != FL_CRASH_NONE) {
			fprintf(stderr, "%s:%u:%u: error: rule '%s' has crash:; sweep its crash points "
				"with faultline sweep --crash --check CMD\n", rule->file, rule->line,
				rule->column, rule->name);
			goto out;
		}
	}

	/* As `faultline run` would say it, before any run says it N times. */
	r = fl_cli_resolve_command(o.command[0], &exe);
	if (r != 0) {
		status = r;
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
		.allow_unstable = o.allow_unstable,
		/* Call sites where this build can unwind; a sweep without them still works. */
		.stack = fl_stack_unavailable() == NULL,
		.jobs = o.jobs,
		.timeout_ns = o.timeout_ns,
		.grace_ns = o.timeout_ns < GRACE_NS ? o.timeout_ns : GRACE_NS,
		.max_runs = o.max_runs,
		.crash = o.crash,
		.check = o.check,
	};
	r = fl_sweep_init(&sw, &cfg, set, &bad_rule, &bad_key);
	if (r == -EINVAL && bad_key) {
		const struct fl_rule *rule = &set->rules[bad_rule];

		fprintf(stderr, "%s:%u:%u: error: rule '%s' sets '%s'; a sweep decides which call "
			"each run fails (after: k-1, times: 1 for the k-th), so swept rules must not "
			"have after, every, times, probability or per\n", rule->file, rule->line,
			rule->column, rule->name, bad_key);
		goto out;
	}
	if (r < 0) {
		fprintf(stderr, "faultline sweep: cannot set up the sweep: %s\n", strerror(-r));
		goto out;
	}
	sw.on_run = fl_sweep_ui_on_run;
	sw.ud = &ui;
	if (o.crash) {
		const char *where = NULL;

		r = fl_sweep_state_take(&sw, &where);
		if (r == -EINVAL) {
			fprintf(stderr, "faultline sweep: --crash: the path: pattern %s names no place "
				"of its own to put back before every run (such as /srv/myapp/db/**)\n",
				where);
			goto out;
		}
		if (r < 0) {
			fprintf(stderr, "faultline sweep: --crash: cannot copy %s: %s\n",
				where ? where : "the files' starting state", strerror(-r));
			goto out;
		}
	}

	fprintf(stderr, "faultline sweep: baseline: running %s twice%s without injection\n", cmd,
		set->n_rules > 1 ? " per rule" : "");
	r = fl_sweep_baseline(&sw, &sig);
	if (r == -EINTR) {
		status = 128 + sig;
		goto out;
	}
	if (r < 0) {
		fprintf(stderr, "faultline sweep: baseline: %s\n", strerror(-r));
		goto out;
	}
	if (fl_sweep_check_baseline(&sw, cmd) < 0)
		goto out;
	if (o.crash && fl_sweep_check_baseline_check(&sw, cmd, o.check) < 0)
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
			sw.n_runs == 1 ? "" : "s", sw.cfg.crash ? 1 : sw.cfg.jobs, t);
		if (ui.tty)
			fl_sweep_ui_draw_bar(&ui, &sw);
		r = fl_sweep_execute(&sw, &sig);
		fl_sweep_ui_clear_bar(&ui);
		if (r < 0 && r != -EINTR) {
			fprintf(stderr, "faultline sweep: %s\n", strerror(-r));
			goto out;
		}
	}

	fl_sweep_print_results(&sw, cmd, r == -EINTR);
	if (o.report_path && write_report(&sw, &report, o.report_path) < 0)
		goto out;
	if (r == -EINTR)
		status = 128 + sig;
	else if (sw.counts[FL_SWEEP_CRASHED] || sw.counts[FL_SWEEP_HUNG] ||
		 sw.counts[FL_SWEEP_CHECK_FAILED])
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
	fl_rule_set_free(set);
	free(o.sources);
	return status;
}

/*
 * faultline run: options, then the stages of libfaultline in order (rules,
 * matcher, log and report, the tracer), and the outcome mapped to an exit
 * status. The only layer besides the tracer loop that prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "faultline/base.h"
#include "faultline/match.h"
#include "faultline/sys.h"
#include "faultline/report.h"
#include "faultline/rules.h"
#include "faultline/tracer.h"
#include "faultline/filter.h"
#include "sources.h"


static const char run_usage[] =
	"Usage: faultline run [OPTIONS] [--] PROGRAM [ARG]...\n"
	"       faultline run [OPTIONS] -p PID [-p PID]... [--duration TIME]\n"
	"       faultline run [OPTIONS] --pid-of NAME [--wait TIME] [--duration TIME]\n"
	"\n"
	"Run PROGRAM under ptrace (with every process and thread it starts) and\n"
	"inject the faults the rules describe. PROGRAM's exit status is passed through.\n"
	"With -p or --pid-of, attach to running processes instead, and detach cleanly\n"
	"when TIME is over, on SIGINT/SIGTERM, or when they exit.\n"
	"\n"
	"Options:\n"
	"  -r, --rules FILE   load rules from a YAML file (repeatable; applied in order;\n"
	"                     - reads standard input)\n"
	"  -e, --rule RULE    one rule as a YAML flow mapping (repeatable), e.g.\n"
	"                     -e '{syscall: openat, error: EACCES, after: 2, times: 1}'\n"
	"  -s, --seed N       seed for every random decision (overrides the file's seed)\n"
	"  -o, --log FILE     write faultline's log to FILE instead of stderr (-: stdout)\n"
	"      --report FILE  write a JSON report of the run to FILE (-: stdout, after\n"
	"                     the program's own output)\n"
	"      --stack        with --report: each injection's user-space call stack\n"
	"                     (function+offset and file of each frame; needs libdw)\n"
	"      --summary-md FILE  append a Markdown summary table to FILE (for CI job\n"
	"                     pages, e.g. --summary-md \"$GITHUB_STEP_SUMMARY\")\n"
	"      --require-all  every rule must act at least once (as 'expect: {min: 1}'\n"
	"                     on each rule that sets no min of its own)\n"
	"  -q, --quiet        print only errors\n"
	"      --dry-run      match, count and log, but inject nothing\n"
	"      --check CMD    after the run (and a crash's roll-back), run /bin/sh -c CMD:\n"
	"                     it decides the exit status (0 passed, 122 failed)\n"
	"      --no-seccomp   stop the program at every syscall instead of only at the\n"
	"                     ones rules name (slower; same behaviour)\n"
	"      --same-cpu     run faultline and the program on one CPU: no wake-ups\n"
	"                     across CPUs (helps fork/exec-heavy trees); the program\n"
	"                     sees (and gets) a single CPU\n"
	"  -p, --pid PID      attach to a running process (repeatable)\n"
	"      --pid-of NAME  wait for a process named NAME (its command name or its\n"
	"                     argv[0]'s file name) and attach to it, with the copies\n"
	"                     of it that it forked (repeatable; combines with -p)\n"
	"      --all-matches  with --pid-of: unrelated processes of that name are all\n"
	"                     attached to (without it they are an error listing them)\n"
	"      --wait T       with --pid-of: give up after T with status 125 (default\n"
	"                     60s; 0s: look once)\n"
	"      --duration T   with -p or --pid-of: detach T after attaching (e.g. 30s)\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: PROGRAM's own; 128+N when it was killed by signal N (a 'crash'\n"
	"rule: 137, as SIGKILL; with --check, 0 when CMD passed after the crash, 122\n"
	"when it failed);\n"
	"122 PROGRAM exited 0 but a rule's expectation ('expect', --require-all) was\n"
	"not met; 125 for faultline's own errors (nothing is started); 126 PROGRAM is\n"
	"not executable; 127 PROGRAM was not found.\n";

/* One -r or -e, in the order given: rules apply in that order. */
struct run_options {
	struct fl_cli_source *sources;
	size_t n_sources;
	bool has_seed;
	uint64_t seed;
	const char *log_path;
	const char *report_path;
	const char *summary_md_path;
	bool require_all;
	bool quiet;
	bool dry_run;
	const char *check;
	bool no_seccomp;
	bool same_cpu;
	bool stack;
	pid_t *attach;
	size_t n_attach;
	size_t n_attach_required;
	const char **pid_of;
	size_t n_pid_of;
	bool all_matches;
	bool has_wait;
	uint64_t wait_ns;
	const char *wait_text;
	uint64_t duration_ns;
	char **command;
};

static int parse_run_options(int argc, char **argv, struct run_options *o)
{
	enum { OPT_REPORT = 0x100, OPT_DRY_RUN, OPT_NO_SECCOMP, OPT_DURATION, OPT_SAME_CPU,
	       OPT_SUMMARY_MD, OPT_REQUIRE_ALL, OPT_STACK, OPT_CHECK, OPT_PID_OF, OPT_ALL_MATCHES,
	       OPT_WAIT };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "rule", required_argument, NULL, 'e' },
		{ "seed", required_argument, NULL, 's' },
		{ "log", required_argument, NULL, 'o' },
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "summary-md", required_argument, NULL, OPT_SUMMARY_MD },
		{ "require-all", no_argument, NULL, OPT_REQUIRE_ALL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "check", required_argument, NULL, OPT_CHECK },
		{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
		{ "same-cpu", no_argument, NULL, OPT_SAME_CPU },
		{ "stack", no_argument, NULL, OPT_STACK },
		{ "pid", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "pid-of", required_argument, NULL, OPT_PID_OF },
		{ "all-matches", no_argument, NULL, OPT_ALL_MATCHES },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	o->sources = calloc((size_t)argc, sizeof(*o->sources));
	o->attach = calloc((size_t)argc, sizeof(*o->attach));
	o->pid_of = calloc((size_t)argc, sizeof(*o->pid_of));
	if (!o->sources || !o->attach || !o->pid_of)
		return -ENOMEM;

	optind = 1;
	opterr = 0;
	/* '+': stop at the first non-option, it starts the command. */
	while ((c = getopt_long(argc, argv, "+:r:e:s:o:p:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
		case 'e':
			o->sources[o->n_sources++] = (struct fl_cli_source){
				.is_inline = c == 'e', .text = optarg };
			break;
		case 's':
			if (fl_cli_parse_u64(optarg, &o->seed) < 0 || o->seed > FL_SEED_MAX)
				return fl_cli_usage_error("run", "invalid seed '%s': expected an integer 0..%lld",
						   optarg, (long long)FL_SEED_MAX);
			o->has_seed = true;
			break;
		case 'o':
			o->log_path = optarg;
			break;
		case OPT_REPORT:
			o->report_path = optarg;
			break;
		case OPT_SUMMARY_MD:
			o->summary_md_path = optarg;
			break;
		case OPT_REQUIRE_ALL:
			o->require_all = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_NO_SECCOMP:
			o->no_seccomp = true;
			break;
		case OPT_CHECK:
			o->check = optarg;
			break;
		case OPT_SAME_CPU:
			o->same_cpu = true;
			break;
		case OPT_STACK:
			o->stack = true;
			break;
		case 'p': {
			uint64_t pid;
			if (fl_cli_parse_u64(optarg, &pid) < 0 || pid == 0 || pid > INT32_MAX)
				return fl_cli_usage_error("run", "invalid pid '%s': expected a process id", optarg);
			o->attach[o->n_attach++] = (pid_t)pid;
			break;
		}
		case OPT_PID_OF:
			if (!*optarg || strchr(optarg, '/'))
				return fl_cli_usage_error("run", "invalid --pid-of '%s': expected a process name "
						   "(compared with the command name and argv[0]'s file name), "
						   "not a path", optarg);
			o->pid_of[o->n_pid_of++] = optarg;
			break;
		case OPT_ALL_MATCHES:
			o->all_matches = true;
			break;
		case OPT_WAIT:
			if (fl_duration_parse(optarg, &o->wait_ns) < 0)
				return fl_cli_usage_error("run", "invalid --wait '%s': expected a number with a unit "
						   "ns, us, ms or s (e.g. 60s; 0s: look once)", optarg);
			o->has_wait = true;
			o->wait_text = optarg;
			break;
		case OPT_DURATION:
			if (fl_duration_parse(optarg, &o->duration_ns) < 0 || o->duration_ns == 0)
				return fl_cli_usage_error("run", "invalid duration '%s': expected a number with a unit "
						   "ns, us, ms or s (e.g. 30s)", optarg);
			break;
		case 'h':
			fputs(run_usage, stdout);
			return 1;
		case ':':
			return fl_cli_usage_error("run", "option '%s' needs an argument", argv[optind - 1]);
		default:
			return fl_cli_usage_error("run", "unknown option '%s'", argv[optind - 1]);
		}
	}
	bool attaching = o->n_attach || o->n_pid_of;
	if (attaching && optind < argc)
		return fl_cli_usage_error("run", "give either %s or a program to run, not both",
					  o->n_attach ? "-p PID" : "--pid-of NAME");
	if (o->check && attaching)
		return fl_cli_usage_error("run", "--check goes with a program to run, not with %s",
					  o->n_attach ? "-p" : "--pid-of");
	if (o->same_cpu && attaching)
		return fl_cli_usage_error("run", "--same-cpu goes with a program to run, not with -p");
	if (o->duration_ns && !attaching)
		return fl_cli_usage_error("run", "--duration goes with -p PID or --pid-of NAME (attach mode)");
	if (o->all_matches && !o->n_pid_of)
		return fl_cli_usage_error("run", "--all-matches goes with --pid-of NAME");
	if (o->has_wait && !o->n_pid_of)
		return fl_cli_usage_error("run", "--wait goes with --pid-of NAME");
	if (!o->has_wait) {
		o->wait_ns = 60ull * 1000000000ull;
		o->wait_text = "60s";
	}
	if (o->stack && !o->report_path)
		return fl_cli_usage_error("run", "--stack goes with --report FILE: the stacks are in the report");
	const char *why;
	if (o->stack && (why = fl_stack_unavailable())) {
		fprintf(stderr, "faultline run: --stack is not supported: %s\n", why);
		return FL_EXIT_OWN_ERROR;
	}
	if (!attaching && optind >= argc)
		return fl_cli_usage_error("run", "no program to run given (faultline run -r RULES -- PROGRAM [ARG]...)");
	if (o->n_sources == 0)
		return fl_cli_usage_error("run", "no rules given: use -r FILE or -e RULE");
	o->command = argv + optind;
	return 0;
}

static uint64_t random_seed(void)
{
	uint64_t seed = 0;

	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)getpid() ^ ((uint64_t)time(NULL) << 20);
	return seed & (uint64_t)FL_SEED_MAX;
}

/*
 * A ptrace stop wakes the tracer and, after it, the tracee: on one CPU that
 * is a context switch, across CPUs an inter-processor wake-up, which costs
 * more on VMs (bench/: stops 1.1-1.4x cheaper pinned on 2 vCPUs). The
 * program inherits the affinity, hence an option and not the default.
 */
static int pin_to_current_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		return -errno;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return -errno;
	return 0;
}

/* /proc/@pid/exe, malloc'd, or NULL when it can't be read. */
static char *proc_exe(pid_t pid)
{
	char path[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/*
 * --check: after a crash its verdict is the status (0 survived, 122 not);
 * after a normal end it can only turn a 0 into 122, as an expectation does.
 */
static int check_verdict(const char *cmd, const struct fl_tracer_result *res, int status,
			 FILE *log)
{
	int st = 0, r = fl_cli_run_check(cmd, &st);

	if (r < 0) {
		fprintf(stderr, "faultline: --check: cannot run /bin/sh: %s\n", strerror(-r));
		return FL_EXIT_OWN_ERROR;
	}
	if (st == 0) {
		if (log)
			fprintf(log, "faultline: check passed%s\n", res->crashed ? " after the crash" : "");
		return res->crashed ? 0 : status;
	}
	fprintf(stderr, "faultline: check failed%s: exit %d from %s\n",
		res->crashed ? " after the crash" : "", st, cmd);
	return res->crashed || status == 0 ? FL_EXIT_EXPECTATION : status;
}

/*
 * caller: unwinds stacks: a dynamic faultline loads libdw for it now, and a
 * libdw that cannot be loaded is an error before anything runs, not a rule
 * that silently never matches.
 */
static int check_callers(const struct fl_rule_set *set)
{
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *r = &set->rules[i];
		const char *why;

		if (r->n_callers && (why = fl_stack_unavailable())) {
			fprintf(stderr, "%s:%u:%u: key 'caller': %s\n", r->file, r->line, r->column, why);
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

int fl_cmd_run(int argc, char **argv)
{
	struct run_options o = { 0 };
	struct fl_diags diags = { 0 };
	int summary_md = -1;
	struct fl_rule_set *set = NULL;
	struct fl_matcher *matcher = NULL;
	struct fl_report *report = NULL;
	struct fl_output log_out = { .md_fd = -1 }, report_out = { .md_fd = -1 },
			 md_out = { .md_fd = -1 };
	struct fl_filter *filter = NULL;
	struct fl_prefilter prefilter = { .install = fl_filter_install };
	_cleanup_free_ char *exe = NULL;
	struct fl_atomic_file log_file = { 0 };
	struct fl_attached *attached = NULL;
	FILE *log = stderr;
	int status = FL_EXIT_OWN_ERROR;
	int r;

	r = parse_run_options(argc, argv, &o);
	if (r != 0) {
		status = r == 1 ? 0 : FL_EXIT_OWN_ERROR;
		goto out;
	}

	set = fl_rule_set_new();
	if (!set) {
		fprintf(stderr, "faultline: out of memory\n");
		goto out;
	}
	/* -q prints only errors: don't even collect the warnings then. */
	diags.warnings = !o.quiet;
	r = fl_cli_load_sources(set, o.sources, o.n_sources, &diags);
	if (r < 0) {
		fl_diags_print(&diags, stderr);
		fprintf(stderr, "faultline: invalid rules: nothing was run\n");
		goto out;
	}
	if (o.require_all)
		fl_rules_require_all(set);
	if ((o.n_attach || o.n_pid_of) && fl_cli_has_crash(set)) {
		fprintf(stderr, "faultline run: a 'crash' rule goes with a program faultline starts, "
			"not with -p: attach mode never kills what it attached to\n");
		goto out;
	}
	r = check_callers(set);
	if (r < 0)
		goto out;

	r = o.n_attach || o.n_pid_of ? 0 : fl_cli_resolve_command(o.command[0], &exe);
	if (r != 0) {
		status = r;
		goto out;
	}

	uint64_t seed = o.has_seed ? o.seed : set->has_seed ? set->seed : random_seed();

	if (o.log_path) {
		/* Atomic like the report, and never through a planted symlink. */
		/* A device or "-" gets the lines as they come, like stderr would. */
		r = fl_output_open(o.log_path, true, &log_file);
		if (r < 0) {
			fprintf(stderr, "faultline: cannot create log file %s: %s\n", o.log_path,
				fl_output_strerror(r));
			goto out;
		}
		log = log_file.f;
		setvbuf(log, NULL, _IOLBF, 0);
	}
	if (o.report_path) {
		int err = 0;
		report = fl_report_open(o.report_path, &err);
		if (!report) {
			fprintf(stderr, "faultline: cannot create report %s: %s\n", o.report_path,
				fl_output_strerror(err));
			goto out;
		}
	}
	if (o.summary_md_path) {
		summary_md = fl_summary_md_open(o.summary_md_path);
		if (summary_md < 0) {
			fprintf(stderr, "faultline: cannot open summary file %s: %s\n", o.summary_md_path,
				fl_output_strerror(summary_md));
			goto out;
		}
	}
	matcher = fl_matcher_new(set, seed);
	if (!matcher) {
		fprintf(stderr, "faultline: out of memory\n");
		goto out;
	}

	if (!o.quiet) {
		/*
		 * The rules loaded, so only warnings are left: they go to the
		 * log like the rest of faultline's chatter, so that with -o the
		 * program's stderr stays its own.
		 */
		fl_diags_print(&diags, log);
	}

	/* --pid-of: wait for the processes; the run starts once they are there. */
	if (o.n_pid_of) {
		status = fl_cli_pid_of(o.pid_of, o.n_pid_of, o.all_matches, o.wait_ns, o.wait_text,
				       o.quiet ? NULL : log, &o.attach, &o.n_attach, &o.n_attach_required);
		if (status != 0)
			goto out;
		status = FL_EXIT_OWN_ERROR;
	}

	/* Attach mode: the report names the processes, by pid and executable. */
	attached = calloc(o.n_attach + 1, sizeof(*attached));
	if (!attached) {
		fprintf(stderr, "faultline: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < o.n_attach; i++) {
		attached[i].pid = o.attach[i];
		attached[i].exe = proc_exe(o.attach[i]);
	}

	/* The outputs, in the order they are written; the log's header starts the run. */
	struct fl_run_info info = {
		.set = set, .stats = fl_matcher_stats(matcher), .seed = seed,
		.command = o.command, .dry_run = o.dry_run,
		.attached = attached, .n_attached = o.n_attach,
	};
	if (!o.quiet)
		fl_output_log(&log_out, &info, log);
	if (report)
		fl_output_report(&report_out, &info, steal_pointer(&report), o.stack);
	if (summary_md >= 0) {
		fl_output_summary_md(&md_out, &info, summary_md);
		summary_md = -1;
	}
	struct fl_sink *sinks[3];
	size_t n_sinks = 0;
	if (log_out.run)
		sinks[n_sinks++] = &log_out.sink;
	if (report_out.run)
		sinks[n_sinks++] = &report_out.sink;
	if (md_out.run)
		sinks[n_sinks++] = &md_out.sink;

	struct fl_tracer_config cfg = {
		.argv = o.command,
		.exe_path = exe,
		.matcher = matcher,
		.err = stderr,
		.sinks = sinks,
		.n_sinks = n_sinks,
		.dry_run = o.dry_run,
		.attach = o.attach,
		.n_attach = o.n_attach,
		.n_attach_required = o.n_attach_required,
		.duration_ns = o.duration_ns,
		.closed_std_fds = fl_closed_std_fds,
	};
	struct fl_tracer_result res;

	if (o.same_cpu) {
		r = pin_to_current_cpu();
		if (r < 0) {
			fprintf(stderr, "faultline: --same-cpu: %s\n", strerror(-r));
			goto out;
		}
	}
	/* A running process cannot be given a filter: attach stops at every call. */
	if (!o.no_seccomp && !o.n_attach && fl_filter_available()) {
		size_t n_observed, n_model;
		const char *const *observed = fl_tracer_observed(&n_observed);
		const char *const *model = fl_tracer_model_calls(set, &n_model);
		_cleanup_free_ const char **also = calloc(n_observed + n_model + 1, sizeof(*also));

		if (!also) {
			fprintf(stderr, "faultline: out of memory\n");
			goto out;
		}
		/* The power-loss model must see every write and sync, whichever rule names them. */
		memcpy(also, observed, n_observed * sizeof(*also));
		if (n_model)
			memcpy(also + n_observed, model, n_model * sizeof(*also));
		r = fl_filter_new(set, also, n_observed + n_model, &filter);
		if (r < 0) {
			fprintf(stderr, "faultline: tracing %s failed: %s\n", o.command[0], strerror(-r));
			goto out;
		}
		prefilter.ud = filter;
		cfg.prefilter = &prefilter;
	}
	r = fl_tracer_run(&cfg, &res);
	if (r < 0) {
		/* Attach errors were explained where they happened. */
		if (!o.n_attach)
			fprintf(stderr, "faultline: tracing %s failed: %s\n", o.command[0], strerror(-r));
		goto out;
	}
	/* The tracer ended the outputs (summary, report, Markdown): what they said. */
	status = fl_tracer_exit_status(&res);
	status = fl_expect_verdict(set, fl_matcher_stats(matcher), status, o.quiet ? NULL : log,
				   stderr);
	if (o.check)
		status = check_verdict(o.check, &res, status, o.quiet ? NULL : log);
	if (report_out.error) {
		fprintf(stderr, "faultline: cannot write report %s: %s\n", o.report_path,
			strerror(-report_out.error));
		status = FL_EXIT_OWN_ERROR;
	}
	if (md_out.error) {
		fprintf(stderr, "faultline: cannot write summary file %s: %s\n",
			o.summary_md_path, strerror(-md_out.error));
		status = FL_EXIT_OWN_ERROR;
	}

out:
	if (summary_md >= 0)
		close(summary_md);
	fl_report_free(report);
	fl_output_done(&report_out);
	fl_output_done(&md_out);
	fl_filter_free(filter);
	fl_matcher_free(matcher);
	fl_rule_set_free(set);
	fl_diags_done(&diags);
	free(o.sources);
	for (size_t i = 0; attached && i < o.n_attach; i++)
		free((char *)attached[i].exe);
	free(attached);
	free(o.attach);
	free(o.pid_of);
	if (log_file.f) {
		r = fl_atomic_commit(&log_file);
		if (r < 0) {
			fprintf(stderr, "faultline: cannot write log file %s: %s\n", o.log_path, strerror(-r));
			status = FL_EXIT_OWN_ERROR;
		}
	}
	return status;
}

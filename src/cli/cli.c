/*
 * The command line: subcommands, options, help. Turns argv into a
 * configuration, runs the stages of libfaultline and maps the outcome to an
 * exit status. The only layer besides the tracer loop that prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config.h"
#include "faultline/base.h"
#include "faultline/match.h"
#include "faultline/names.h"
#include "faultline/report.h"
#include "faultline/rules.h"
#include "faultline/tracer.h"
#include "faultline/filter.h"

static const char main_usage[] =
	"Usage: faultline COMMAND [ARGS]...\n"
	"\n"
	"Run a program under ptrace and inject syscall faults described in YAML rules.\n"
	"\n"
	"Commands:\n"
	"  run [OPTIONS] -- PROGRAM [ARG]...   run PROGRAM and inject faults per the rules\n"
	"  check [OPTIONS] FILE...             validate and lint rule files\n"
	"  list syscalls|errnos|keys           list the names rules can use\n"
	"  sweep [OPTIONS] -- PROGRAM [ARG]... find the error paths that crash or hang\n"
	"\n"
	"Options:\n"
	"  -h, --help       show this help (faultline run --help for run's options)\n"
	"  -V, --version    show the version\n"
	"\n"
	"Exit status of run: the program's own; 128+N when it was killed by signal N;\n"
	"122 an expectation was not met although the program exited 0; 125 for\n"
	"faultline's own errors; 126 program not executable; 127 not found.\n";

static const char run_usage[] =
	"Usage: faultline run [OPTIONS] [--] PROGRAM [ARG]...\n"
	"       faultline run [OPTIONS] -p PID [-p PID]... [--duration TIME]\n"
	"\n"
	"Run PROGRAM under ptrace (with every process and thread it starts) and\n"
	"inject the faults the rules describe. PROGRAM's exit status is passed through.\n"
	"With -p, attach to running processes instead, and detach cleanly when TIME\n"
	"is over, on SIGINT/SIGTERM, or when they exit.\n"
	"\n"
	"Options:\n"
	"  -r, --rules FILE   load rules from a YAML file (repeatable; applied in order)\n"
	"  -e, --rule RULE    one rule as a YAML flow mapping (repeatable), e.g.\n"
	"                     -e '{syscall: openat, error: EACCES, after: 2, times: 1}'\n"
	"  -s, --seed N       seed for every random decision (overrides the file's seed)\n"
	"  -o, --log FILE     write faultline's log to FILE instead of stderr\n"
	"      --report FILE  write a JSON report of the run to FILE\n"
	"      --stack        with --report: each injection's user-space call stack\n"
	"                     (function+offset and file of each frame; needs libdw)\n"
	"      --summary-md FILE  append a Markdown summary table to FILE (for CI job\n"
	"                     pages, e.g. --summary-md \"$GITHUB_STEP_SUMMARY\")\n"
	"      --require-all  every rule must act at least once (as 'expect: {min: 1}'\n"
	"                     on each rule that sets no min of its own)\n"
	"  -q, --quiet        print only errors\n"
	"      --dry-run      match, count and log, but inject nothing\n"
	"      --no-seccomp   stop the program at every syscall instead of only at the\n"
	"                     ones rules name (slower; same behaviour)\n"
	"      --same-cpu     run faultline and the program on one CPU: each stop is\n"
	"                     cheaper, but the program sees (and gets) a single CPU\n"
	"  -p, --pid PID      attach to a running process (repeatable)\n"
	"      --duration T   with -p: detach after T (e.g. 30s, 500ms)\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: PROGRAM's own; 128+N when it was killed by signal N;\n"
	"122 PROGRAM exited 0 but a rule's expectation ('expect', --require-all) was\n"
	"not met; 125 for faultline's own errors (nothing is started); 126 PROGRAM is\n"
	"not executable; 127 PROGRAM was not found.\n";

/* One -r or -e, in the order given: rules apply in that order. */
struct rule_source {
	bool is_inline;
	const char *text; /* a path, or the inline rule */
};

struct run_options {
	struct rule_source *sources;
	size_t n_sources;
	bool has_seed;
	uint64_t seed;
	const char *log_path;
	const char *report_path;
	const char *summary_md_path;
	bool require_all;
	bool quiet;
	bool dry_run;
	bool no_seccomp;
	bool same_cpu;
	bool stack;
	pid_t *attach;
	size_t n_attach;
	uint64_t duration_ns;
	char **command;
};

__attribute__((format(printf, 2, 3)))
static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "faultline%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'faultline%s%s --help' for more information.\n",
		cmd ? " " : "", cmd ? cmd : "");
	return FL_EXIT_OWN_ERROR;
}

static int parse_run_options(int argc, char **argv, struct run_options *o)
{
	enum { OPT_REPORT = 0x100, OPT_DRY_RUN, OPT_NO_SECCOMP, OPT_DURATION, OPT_SAME_CPU,
	       OPT_SUMMARY_MD, OPT_REQUIRE_ALL, OPT_STACK };
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
		{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
		{ "same-cpu", no_argument, NULL, OPT_SAME_CPU },
		{ "stack", no_argument, NULL, OPT_STACK },
		{ "pid", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	o->sources = calloc((size_t)argc, sizeof(*o->sources));
	o->attach = calloc((size_t)argc, sizeof(*o->attach));
	if (!o->sources || !o->attach)
		return -ENOMEM;

	optind = 1;
	opterr = 0;
	/* '+': stop at the first non-option, it starts the command. */
	while ((c = getopt_long(argc, argv, "+:r:e:s:o:p:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
		case 'e':
			o->sources[o->n_sources++] = (struct rule_source){
				.is_inline = c == 'e', .text = optarg };
			break;
		case 's':
			if (fl_cli_parse_u64(optarg, &o->seed) < 0 || o->seed > FL_SEED_MAX)
				return usage_error("run", "invalid seed '%s': expected an integer 0..%lld",
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
		case OPT_SAME_CPU:
			o->same_cpu = true;
			break;
		case OPT_STACK:
			o->stack = true;
			break;
		case 'p': {
			uint64_t pid;
			if (fl_cli_parse_u64(optarg, &pid) < 0 || pid == 0 || pid > INT32_MAX)
				return usage_error("run", "invalid pid '%s': expected a process id", optarg);
			o->attach[o->n_attach++] = (pid_t)pid;
			break;
		}
		case OPT_DURATION:
			if (fl_duration_parse(optarg, &o->duration_ns) < 0 || o->duration_ns == 0)
				return usage_error("run", "invalid duration '%s': expected a number with a unit "
						   "ns, us, ms or s (e.g. 30s)", optarg);
			break;
		case 'h':
			fputs(run_usage, stdout);
			return 1;
		case ':':
			return usage_error("run", "option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_error("run", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->n_attach && optind < argc)
		return usage_error("run", "give either -p PID or a program to run, not both");
	if (o->same_cpu && o->n_attach)
		return usage_error("run", "--same-cpu goes with a program to run, not with -p");
	if (o->duration_ns && !o->n_attach)
		return usage_error("run", "--duration goes with -p PID (attach mode)");
	if (o->stack && !o->report_path)
		return usage_error("run", "--stack goes with --report FILE: the stacks are in the report");
	if (o->stack && !fl_stack_available()) {
		fprintf(stderr, "faultline run: --stack is not supported: this faultline was built "
			"without libdw (meson setup -Dlibdw=enabled)\n");
		return FL_EXIT_OWN_ERROR;
	}
	if (!o->n_attach && optind >= argc)
		return usage_error("run", "no program to run given (faultline run -r RULES -- PROGRAM [ARG]...)");
	if (o->n_sources == 0)
		return usage_error("run", "no rules given: use -r FILE or -e RULE");
	o->command = argv + optind;
	return 0;
}

static int load_sources(struct fl_rule_set *set, const struct rule_source *src, size_t n,
			struct fl_diags *diags)
{
	int ret = 0;

	for (size_t i = 0, n_inline = 0; i < n; i++) {
		int r;
		if (src[i].is_inline) {
			char origin[32];
			snprintf(origin, sizeof(origin), "-e #%zu", ++n_inline);
			r = fl_rules_load_inline(set, origin, src[i].text, diags);
		} else {
			r = fl_rules_load_file(set, src[i].text, diags);
		}
		if (r < 0)
			ret = r;
	}
	if (ret == 0)
		ret = fl_rules_finish(set, diags);
	return ret;
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

/*
 * The run is over: a rule that acted fewer or more times than its 'expect'
 * (or --require-all) allows fails it with FL_EXIT_EXPECTATION, so that a
 * chaos test that injected nothing cannot pass. A program that failed
 * keeps its own status: that is the news, and the injections (or their
 * absence) are explained either way. Said on stderr even with -q, and in
 * the log file too when there is one.
 */
static int check_expectations(const struct fl_rule_set *set, const struct fl_rule_stats *stats,
			      int status, FILE *log)
{
	size_t unmet = fl_expect_unmet(set, stats);

	if (!unmet)
		return status;
	if (log && log != stderr)
		fl_log_unmet(log, set, stats);
	fl_log_unmet(stderr, set, stats);
	if (status != 0) {
		fprintf(stderr, "faultline: %zu expectation%s not met; the program's own exit status "
			"%d stands\n", unmet, unmet == 1 ? "" : "s", status);
		return status;
	}
	fprintf(stderr, "faultline: %zu expectation%s not met: exit status %d although the "
		"program exited 0\n", unmet, unmet == 1 ? "" : "s", FL_EXIT_EXPECTATION);
	return FL_EXIT_EXPECTATION;
}

static int cmd_run(int argc, char **argv)
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
	r = load_sources(set, o.sources, o.n_sources, &diags);
	if (r < 0) {
		fl_diags_print(&diags, stderr);
		fprintf(stderr, "faultline: invalid rules: nothing was run\n");
		goto out;
	}
	if (o.require_all)
		fl_rules_require_all(set);

	r = o.n_attach ? 0 : fl_resolve_command(o.command[0], &exe);
	if (r == -ENOENT) {
		fprintf(stderr, "faultline: %s: command not found\n", o.command[0]);
		status = FL_EXIT_NOT_FOUND;
		goto out;
	}
	if (r < 0) {
		fprintf(stderr, "faultline: %s: %s\n", o.command[0], strerror(-r));
		status = r == -EACCES ? FL_EXIT_NOT_EXECUTABLE : FL_EXIT_OWN_ERROR;
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

	/* The outputs, in the order they are written; the log's header starts the run. */
	struct fl_run_info info = {
		.set = set, .stats = fl_matcher_stats(matcher), .seed = seed,
		.command = o.command, .dry_run = o.dry_run,
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
		.duration_ns = o.duration_ns,
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
		r = fl_filter_new(set, &filter);
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
	status = check_expectations(set, fl_matcher_stats(matcher), status, o.quiet ? NULL : log);
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
	free(o.attach);
	if (log_file.f) {
		r = fl_atomic_commit(&log_file);
		if (r < 0) {
			fprintf(stderr, "faultline: cannot write log file %s: %s\n", o.log_path, strerror(-r));
			status = FL_EXIT_OWN_ERROR;
		}
	}
	return status;
}

static const char check_usage[] =
	"Usage: faultline check [--strict] [--format text|json] FILE...\n"
	"\n"
	"Validate and lint rule files. Prints 'FILE: ok' for each valid file, and\n"
	"FILE:LINE:COLUMN: error: MESSAGE or FILE:LINE:COLUMN: warning: MESSAGE for\n"
	"each problem. Warnings point at rules that load but may not do what you\n"
	"think: a vDSO call that never reaches the kernel, 'times: 0', 'probability:\n"
	"0', a rule that an earlier one always takes the calls from, an errno the\n"
	"syscall is not documented to return.\n"
	"\n"
	"Options:\n"
	"      --strict         warnings make a file fail too\n"
	"      --format FORMAT  text (the default), or json: one JSON object on\n"
	"                       stdout, {\"ok\", \"errors\", \"warnings\", \"files\": [{\"file\",\n"
	"                       \"valid\", \"errors\", \"warnings\"}], \"diagnostics\": [{\"file\",\n"
	"                       \"line\", \"column\", \"severity\", \"message\"}]}\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 when every file is valid (and, with --strict, has no\n"
	"warnings), 1 otherwise, 125 on bad usage.\n";

/* One diagnostic for --format json; line and column null when unknown. */
static json_t *diag_json(const struct fl_diag *d)
{
	return json_pack("{s:s, s:o, s:o, s:s, s:s}", "file", d->file,
			 "line", d->line ? json_integer(d->line) : json_null(),
			 "column", d->line ? json_integer(d->column) : json_null(),
			 "severity", d->severity == FL_SEVERITY_WARNING ? "warning" : "error",
			 "message", d->message);
}

static int cmd_check(int argc, char **argv)
{
	enum { OPT_STRICT = 0x100, OPT_FORMAT };
	static const struct option longopts[] = {
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	json_t *root = NULL, *files = NULL, *all = NULL;
	bool strict = false, json = false;
	size_t n_errors = 0, n_warnings = 0;
	int status = 0, c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_STRICT:
			strict = true;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "json"))
				json = true;
			else if (strcmp(optarg, "text") != 0)
				return usage_error("check", "unknown format '%s' (expected text or json)",
						   optarg);
			break;
		case 'h':
			fputs(check_usage, stdout);
			return 0;
		case ':':
			return usage_error("check", "option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_error("check", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("check", "no rule file given");

	if (json) {
		root = json_object();
		files = json_array();
		all = json_array();
		if (!root || !files || !all) {
			json_decref(root);
			json_decref(files);
			json_decref(all);
			fprintf(stderr, "faultline: out of memory\n");
			return FL_EXIT_OWN_ERROR;
		}
	}
	for (int i = optind; i < argc; i++) {
		/* Each file on its own: the linter judges files, not a run's set. */
		struct fl_diags diags = { .warnings = true };
		struct fl_rule_set *set = fl_rule_set_new();
		size_t errors, warnings;
		bool valid;
		int r;

		if (!set) {
			fprintf(stderr, "faultline: out of memory\n");
			status = FL_EXIT_OWN_ERROR;
			break;
		}
		r = fl_rules_load_file(set, argv[i], &diags);
		if (r == 0)
			r = fl_rules_finish(set, &diags);
		errors = fl_diags_count(&diags, FL_SEVERITY_ERROR);
		warnings = fl_diags_count(&diags, FL_SEVERITY_WARNING);
		valid = r == 0 && !(strict && warnings);
		n_errors += errors;
		n_warnings += warnings;
		if (!valid)
			status = 1;
		if (json) {
			for (size_t k = 0; k < diags.n; k++)
				json_array_append_new(all, diag_json(&diags.items[k]));
			json_array_append_new(files, json_pack("{s:s, s:b, s:I, s:I}", "file", argv[i],
							       "valid", r == 0, "errors",
							       (json_int_t)errors, "warnings",
							       (json_int_t)warnings));
		} else {
			fl_diags_print(&diags, stderr);
			if (valid && warnings)
				printf("%s: ok (%zu warning%s)\n", argv[i], warnings,
				       warnings == 1 ? "" : "s");
			else if (valid)
				printf("%s: ok\n", argv[i]);
			else if (r == 0)
				printf("%s: %zu warning%s, and --strict makes them fail\n", argv[i],
				       warnings, warnings == 1 ? "" : "s");
		}
		fl_diags_done(&diags);
		fl_rule_set_free(set);
	}
	if (json) {
		json_object_set_new(root, "ok", json_boolean(status == 0));
		json_object_set_new(root, "errors", json_integer((json_int_t)n_errors));
		json_object_set_new(root, "warnings", json_integer((json_int_t)n_warnings));
		json_object_set_new(root, "files", files);
		json_object_set_new(root, "diagnostics", all);
		if (json_dumpf(root, stdout, JSON_INDENT(2)) < 0 || putchar('\n') == EOF) {
			fprintf(stderr, "faultline: cannot write the JSON output\n");
			status = FL_EXIT_OWN_ERROR;
		}
		json_decref(root);
	}
	return status;
}

static void print_syscall(const char *name, void *ud)
{
	(void)ud;
	puts(name);
}

static void print_errno(int err, const char *name, void *ud)
{
	(void)ud;
	const char *desc = strerrordesc_np(err);
	printf("%s %d %s\n", name, err, desc ? desc : "");
}

static void print_key(const char *path, const char *expect, void *ud)
{
	(void)ud;
	printf("%s\t%s\n", path, expect);
}

static int cmd_list(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "keys")) {
		fl_rules_foreach_key(print_key, NULL);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "syscalls")) {
		fl_syscall_foreach(print_syscall, NULL);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "errnos")) {
		fl_errno_foreach(print_errno, NULL);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("Usage: faultline list syscalls|errnos|keys\n\n"
		       "syscalls: every syscall name a rule can use, one per line\n"
		       "errnos:   every errno name, its number and description\n"
		       "keys:     every key of the rule format, as a path (rules[].expect.min)\n"
		       "          and a tab and what its value must be\n");
		return 0;
	}
	return usage_error("list", "expected 'syscalls', 'errnos' or 'keys'");
}

int fl_cli_main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(main_usage, stderr);
		return FL_EXIT_OWN_ERROR;
	}
	const char *cmd = argv[1];

	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(main_usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		printf("faultline %s\n", FL_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "sweep"))
		return fl_cmd_sweep(argc - 1, argv + 1);
	return usage_error(NULL, "unknown command '%s' (expected run, sweep, check or list)", cmd);
}

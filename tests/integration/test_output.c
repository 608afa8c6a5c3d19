/*
 * What faultline tells: the log (header, injection lines, summary), where it
 * goes (-o, -q), the JSON report (--report) and --dry-run.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "direct.h"
#include "harness.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/* The rule object named @name in the report's "rules". */
static json_t *report_rule(json_t *report, const char *name)
{
	json_t *rules = fl_json_get(report, "rules"), *rule;
	size_t i;

	json_array_foreach(rules, i, rule) {
		json_t *n = json_object_get(rule, "name");

		if (json_is_string(n) && !strcmp(json_string_value(n), name))
			return rule;
	}
	print_error("report: no rule named %s\n", name);
	fail();
	return NULL;
}

/*
 * Finds the log line "faultline: [pid P] CALL" whose part after "] " is
 * exactly @call; returns P, or -1 when there is none.
 */
static long injection_line_pid(const char *log, const char *call)
{
	char *copy = fl_strf("%s", log), *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *end;
		long pid;

		if (strncmp(l, "faultline: [pid ", 16))
			continue;
		pid = strtol(l + 16, &end, 10);
		if (end == l + 16 || strncmp(end, "] ", 2))
			continue;
		if (!strcmp(end + 2, call))
			return pid;
	}
	return -1;
}

static void expect_injection_line(const struct fl_result *r, const char *log, const char *call,
				  long pid)
{
	long got = injection_line_pid(log, call);

	if (got < 0) {
		print_error("no log line \"faultline: [pid N] %s\"\n", call);
		fl_dump(r);
		if (log != r->err)
			print_error("--- log:\n%s\n", log);
		fail();
	}
	if (pid > 0 && got != pid) {
		print_error("log line names pid %ld, the victim is %ld\n", got, pid);
		fl_dump(r);
		fail();
	}
}

/* ---- the log ------------------------------------------------------------ */

static void log_header_line_summary(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	struct fl_result r;
	char *pid_text;
	char *call = fl_strf(FL_OPEN_NAME "(" FL_OPEN_DIRFD "\"%s\", O_RDONLY) = -1 ENOENT (rule \"missing\")", file);

	(void)state;
	FL_RUN(&r, "run", "-s", "5", "-e", "{name: missing, syscall: " FL_OPEN_NAME ", error: ENOENT}", "--",
	       fl_victim(), "getpid", "+", "open", file);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "ENOENT");
	fl_assert_str(&r, "seed in header", fl_log_seed(r.err), "5");
	/* The header comes first. */
	if (strncmp(r.err, "faultline 0.1.0: seed 5", 23)) {
		print_error("stderr should start with the header\n");
		fl_dump(&r);
		fail();
	}
	pid_text = fl_line_after(r.out, "getpid[1]: ok ");
	assert_non_null(pid_text);
	expect_injection_line(&r, r.err, call, atol(pid_text));
	/* The summary at the end names the rule again. */
	if (fl_count_lines(r.err, "missing") < 2) {
		print_error("no per-rule summary naming rule \"missing\"\n");
		fl_dump(&r);
		fail();
	}
}

/* The spec's own example: openat, from the static victim (no loader calls). */
static void log_line_openat(void **state)
{
	const char *victim = fl_victim_static();
	char *file = fl_mkfile("app.conf", "data\n");
	struct fl_result r;

	(void)state;
	if (!victim)
		fl_skip("no static fl-victim (no static libc at build time)");
	FL_RUN(&r, "run", "-e", "{name: config-missing, syscall: openat, error: ENOENT}", "--", victim,
	       "getpid", "+", "openat", file);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "openat", "ENOENT");
	expect_injection_line(
		&r, r.err,
		fl_strf("openat(AT_FDCWD, \"%s\", O_RDONLY) = -1 ENOENT (rule \"config-missing\")",
			file),
		atol(fl_line_after(r.out, "getpid[1]: ok ")));
}

static void log_to_file(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *log = fl_path("faultline.log");
	struct fl_result r;
	char *text;

	(void)state;
	FL_RUN(&r, "run", "-o", log, "-s", "8", "-e", "{name: missing, syscall: " FL_OPEN_NAME ", error: ENOENT}",
	       "--", fl_victim(), "open", file);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "ENOENT");
	fl_assert_str(&r, "stderr with -o", r.err, "");
	text = fl_read_file(log);
	if (!text) {
		print_error("-o %s: no log file\n", log);
		fl_dump(&r);
		fail();
	}
	fl_assert_str(&r, "seed in the log file", fl_log_seed(text), "8");
	expect_injection_line(
		&r, text, fl_strf(FL_OPEN_NAME "(" FL_OPEN_DIRFD "\"%s\", O_RDONLY) = -1 ENOENT (rule \"missing\")", file), 0);
}

/*
 * A symlink planted at the log or report path (as someone could in a shared
 * /tmp) is replaced, never written through: its target stays untouched.
 */
static void outputs_replace_planted_symlinks(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *log = fl_path("planted.log"), *report = fl_path("planted.json");
	char *victim_log = fl_path("victim-of-log"), *victim_report = fl_path("victim-of-report");
	struct fl_result r;
	struct stat st;

	(void)state;
	assert_int_equal(symlink(victim_log, log), 0);
	assert_int_equal(symlink(victim_report, report), 0);
	FL_RUN(&r, "run", "-o", log, "--report", report, "-e", "{syscall: " FL_OPEN_NAME ", error: ENOENT}",
	       "--", fl_victim(), "open", file);
	fl_assert_exit(&r, 0);
	assert_false(fl_exists(victim_log));
	assert_false(fl_exists(victim_report));
	assert_int_equal(lstat(log, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(lstat(report, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	fl_assert_contains_(&r, "log file", fl_read_file(log), "= -1 ENOENT", true, __FILE__, __LINE__);
	json_decref(fl_load_json(report));
}

/*
 * The prefilter: 200 opens that a rule's args: filter excludes never stop
 * the victim with the seccomp prefilter (BPF checks the argument), and all
 * stop without it. The report's tracer.stops tells.
 */
static void prefilter_skips_excluded_calls(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *report = fl_path("r.json");
	struct fl_result r;
	const char *mode;
	json_int_t stops;
	json_t *j;

	(void)state;
	FL_RUN(&r, "run", "--report", report, "-e", "{syscall: " FL_OPEN_NAME ", args: {1: 0x12345}, error: EIO}",
	       "--", fl_victim(), "open", file, "200");
	fl_assert_exit(&r, 0);
	assert_int_equal(fl_count_lines(r.out, ": ok"), 200);
	j = fl_load_json(report);
	assert_int_equal(json_unpack(j, "{s:{s:s, s:I}}", "tracer", "mode", &mode, "stops", &stops), 0);
	if (!strcmp(mode, "seccomp")) {
		if (stops >= 50)
			fail_msg("%lld stops with the prefilter: excluded calls stopped", (long long)stops);
	} else {
		assert_string_equal(mode, "ptrace");
		if (stops < 400)
			fail_msg("only %lld stops without the prefilter", (long long)stops);
	}
	json_decref(j);
}

/* tracer.stops of a run of @argv (after "--") with a rule on a call nobody makes. */
static json_int_t stops_of(const char *const *argv)
{
	const char *args[16] = { "run", "-q", "--report", fl_path("r.json"), "-e", FL_NOOP_RULE, "--" };
	size_t n = 7;
	struct fl_result r;
	json_int_t stops = -1;
	json_t *j;

	while (*argv && n < 15)
		args[n++] = *argv++;
	args[n] = NULL;
	fl_run_argv(&r, args);
	fl_assert_exit(&r, 0);
	j = fl_load_json(fl_path("r.json"));
	assert_int_equal(json_unpack(j, "{s:{s:I}}", "tracer", "stops", &stops), 0);
	json_decref(j);
	return stops;
}

/*
 * Start-up stops the command nowhere before its exec: with the prefilter a
 * program that makes no call a rule names costs two tracer events, its exec
 * and its exit (five before: the child stopped itself, was listened to,
 * continued, trapped and got its SIGCONT delivered). Each process a shell
 * starts costs at most five: the fork event, the child's first stop, its
 * exec, its exit and the SIGCHLD delivered to the shell.
 */
static void start_stops_only_at_exec(void **state)
{
	const char *one[] = { "/bin/true", NULL };
	const char *shell[] = { "/bin/sh", "-c", "/bin/true; /bin/true; /bin/true; exit 0", NULL };
	const char *mode = getenv("FL_MODE");
	json_int_t stops;

	(void)state;
	stops = stops_of(one);
	if (mode && !strcmp(mode, "no-seccomp")) {
		/* Every call stops: only that it ran and counted them. */
		assert_true(stops > 2);
		return;
	}
	assert_int_equal(stops, 2);
	stops = stops_of(shell);
	if (stops > 2 + 3 * 5)
		fail_msg("%lld stops for a shell starting 3 processes: more than 5 each", (long long)stops);
}

/* --same-cpu: the program runs (and knows it runs) on a single CPU. */
static void same_cpu_pins_the_program(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--same-cpu", "-e", FL_NOOP_RULE, "--", "nproc");
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "nproc under --same-cpu", r.out, "1\n");
	FL_RUN(&r, "run", "--same-cpu", "-p", "1", "-e", FL_NOOP_RULE);
	fl_assert_exit(&r, 125);
}

static void quiet(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-q", "-e", "{syscall: " FL_OPEN_NAME ", error: ENOENT}", "--", fl_victim(), "open",
	       file);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "ENOENT");
	fl_assert_str(&r, "stderr with -q", r.err, "");

	FL_RUN(&r, "run", "--quiet", "-e", FL_NOOP_RULE, "--", fl_victim(), "exit", "4");
	fl_assert_exit(&r, 4);
	fl_assert_str(&r, "stderr with --quiet", r.err, "");
}

/* The long spellings of the options do what the short ones do. */
static void long_options(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *rules = fl_mkfile("rules.yaml",
				"rules:\n"
				"  - name: from-file\n"
				"    syscall: " FL_OPEN_NAME "\n"
				"    error: EACCES\n"
				"    times: 1\n");
	char *log = fl_path("faultline.log");
	char *report = fl_path("report.json");
	struct fl_result r;
	json_t *j;

	(void)state;
	FL_RUN(&r, "run", "--rules", rules, "--rule", "{name: inline, syscall: " FL_OPEN_NAME ", error: ENOENT}",
	       "--seed", "6", "--log", log, "--report", report, "--", fl_victim(), "open", file, "2");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "EACCES ENOENT");
	fl_assert_str(&r, "stderr with --log", r.err, "");
	fl_assert_str(&r, "seed in the --log file", fl_log_seed(fl_read_file(log)), "6");
	j = fl_load_json(report);
	assert_int_equal(fl_json_int(report_rule(j, "from-file"), "injected"), 1);
	assert_int_equal(fl_json_int(report_rule(j, "inline"), "injected"), 1);
	json_decref(j);

	FL_RUN(&r, "run", "--quiet", "--dry-run", "--rule", "{syscall: " FL_OPEN_NAME ", error: ENOENT}", "--",
	       fl_victim(), "open", file);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "ok");
	fl_assert_str(&r, "stderr with --quiet", r.err, "");
}

/* The command's own stderr is not faultline's log: -o and -q leave it. */
static void command_stderr_untouched(void **state)
{
	char *log = fl_path("faultline.log");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-q", "-o", log, "-e", FL_NOOP_RULE, "--", "/bin/sh", "-c", "echo to-stderr >&2");
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "stderr", r.err, "to-stderr\n");
}

/* ---- the report --------------------------------------------------------- */

/* Files in the test directory other than the captured output and @keep. */
static void assert_no_stray_files(const struct fl_result *r, const char *const *keep)
{
	DIR *d = opendir(fl_dir());
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d))) {
		bool ok = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
			  !strncmp(e->d_name, ".fl-stdout.", 11) ||
			  !strncmp(e->d_name, ".fl-stderr.", 11);

		for (const char *const *k = keep; *k && !ok; k++)
			ok = !strcmp(e->d_name, *k);
		if (!ok) {
			print_error("stray file %s left in the working directory "
				    "(report not written atomically?)\n",
				    e->d_name);
			closedir(d);
			fl_dump(r);
			fail();
		}
	}
	closedir(d);
}

static void report_fields(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *rules = fl_mkfile("rules.yaml",
				"rules:\n"
				"  - name: cfg\n"
				"    syscall: " FL_OPEN_NAME "\n"
				"    error: ENOENT\n"
				"    after: 1\n"
				"    times: 1\n");
	char *report = fl_path("report.json");
	struct fl_result r;
	json_t *j, *cmd, *rule, *injs, *inj, *args, *action, *arg;
	size_t i;
	const char *want_cmd[] = { fl_victim(), "open", file, "3" };

	(void)state;
	FL_RUN(&r, "run", "-s", "99", "-r", rules, "--report", report, "--", fl_victim(), "open", file,
	       "3");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "ok ENOENT ok");
	assert_no_stray_files(&r, (const char *const[]){ "exists", "rules.yaml", "report.json", NULL });

	j = fl_load_json(report);
	fl_assert_str(&r, "faultline_version", fl_json_str(j, "faultline_version"), "0.1.0");
	assert_int_equal(fl_json_int(j, "seed"), 99);
	assert_true(json_is_false(fl_json_get(j, "dry_run")));
	assert_int_equal(fl_json_int(fl_json_get(j, "exit"), "code"), 0);
	assert_null(json_object_get(fl_json_get(j, "exit"), "signal"));

	cmd = fl_json_get(j, "command");
	assert_true(json_is_array(cmd));
	assert_int_equal(json_array_size(cmd), FL_ARRAY_SIZE(want_cmd));
	for (i = 0; i < FL_ARRAY_SIZE(want_cmd); i++)
		fl_assert_str(&r, "command[i]", json_string_value(json_array_get(cmd, i)),
			      want_cmd[i]);

	assert_int_equal(json_array_size(fl_json_get(j, "rules")), 1);
	rule = report_rule(j, "cfg");
	fl_assert_str(&r, "rule syscalls[0]",
		      json_string_value(json_array_get(fl_json_get(rule, "syscalls"), 0)), FL_OPEN_NAME);
	assert_int_equal(fl_json_int(rule, "matched"), 3);
	assert_int_equal(fl_json_int(rule, "injected"), 1);

	injs = fl_json_get(j, "injections");
	assert_true(json_is_array(injs));
	assert_int_equal(json_array_size(injs), 1);
	inj = json_array_get(injs, 0);
	assert_true(fl_json_int(inj, "seq") >= 0);
	assert_true(json_is_number(fl_json_get(inj, "time_s")));
	assert_true(json_number_value(fl_json_get(inj, "time_s")) >= 0);
	assert_true(fl_json_int(inj, "pid") > 0);
	assert_int_equal(fl_json_int(inj, "tid"), fl_json_int(inj, "pid"));
	fl_assert_str(&r, "injection syscall", fl_json_str(inj, "syscall"), FL_OPEN_NAME);
	fl_assert_str(&r, "injection path", fl_json_str(inj, "path"), file);
	fl_assert_str(&r, "injection rule", fl_json_str(inj, "rule"), "cfg");
	fl_assert_str(&r, "injection phase", fl_json_str(inj, "phase"), "enter");
	args = fl_json_get(inj, "args");
	assert_true(json_is_array(args));
	assert_true(json_array_size(args) > FL_OPEN_FLAGS_ARG);
	json_array_foreach(args, i, arg)
		assert_true(json_is_integer(arg));
	assert_int_equal(json_integer_value(json_array_get(args, FL_OPEN_FLAGS_ARG)), 0); /* O_RDONLY */
	action = fl_json_get(inj, "action");
	fl_assert_str(&r, "action.error", fl_json_str(action, "error"), "ENOENT");
	json_decref(j);
}

/* Error, delay and retval actions, each with its rule, in call order. */
static void report_actions(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *rules = fl_mkfile("rules.yaml",
				"rules:\n"
				"  - name: first-open\n"
				"    syscall: " FL_OPEN_NAME "\n"
				"    error: ENOENT\n"
				"    times: 1\n"
				"  - name: slow-open\n"
				"    syscall: " FL_OPEN_NAME "\n"
				"    delay: 50ms\n"
				"  - name: fake-pid\n"
				"    syscall: getpid\n"
				"    retval: 4242\n"
				"    phase: exit\n");
	char *report = fl_path("report.json");
	struct fl_result r;
	json_t *j, *injs, *a, *b, *c;

	(void)state;
	FL_RUN(&r, "run", "-r", rules, "--report", report, "--", fl_victim(), "open", file, "2", "+",
	       "getpid");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "ENOENT ok");
	fl_assert_str(&r, "getpid", fl_line_after(r.out, "getpid[1]: "), "ok 4242");

	j = fl_load_json(report);
	injs = fl_json_get(j, "injections");
	assert_int_equal(json_array_size(injs), 3);
	a = json_array_get(injs, 0);
	b = json_array_get(injs, 1);
	c = json_array_get(injs, 2);
	assert_true(fl_json_int(a, "seq") < fl_json_int(b, "seq"));
	assert_true(fl_json_int(b, "seq") < fl_json_int(c, "seq"));

	fl_assert_str(&r, "inj 1 rule", fl_json_str(a, "rule"), "first-open");
	fl_assert_str(&r, "inj 1 action.error", fl_json_str(fl_json_get(a, "action"), "error"), "ENOENT");
	fl_assert_str(&r, "inj 2 rule", fl_json_str(b, "rule"), "slow-open");
	assert_int_equal(fl_json_int(fl_json_get(b, "action"), "delay_ms"), 50);
	fl_assert_str(&r, "inj 3 rule", fl_json_str(c, "rule"), "fake-pid");
	fl_assert_str(&r, "inj 3 syscall", fl_json_str(c, "syscall"), "getpid");
	fl_assert_str(&r, "inj 3 phase", fl_json_str(c, "phase"), "exit");
	assert_int_equal(fl_json_int(fl_json_get(c, "action"), "retval"), 4242);
	assert_null(json_object_get(c, "path"));

	assert_int_equal(fl_json_int(report_rule(j, "first-open"), "injected"), 1);
	assert_int_equal(fl_json_int(report_rule(j, "first-open"), "matched"), 2);
	assert_int_equal(fl_json_int(report_rule(j, "slow-open"), "injected"), 1);
	assert_int_equal(fl_json_int(report_rule(j, "fake-pid"), "matched"), 1);
	assert_int_equal(fl_json_int(report_rule(j, "fake-pid"), "injected"), 1);
	json_decref(j);
}

/* pid is the thread group, tid the thread. */
static void report_pid_tid(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *report = fl_path("report.json");
	struct fl_result r;
	json_t *j, *injs, *a, *b;

	(void)state;
	FL_RUN(&r, "run", "--report", report, "-e", "{syscall: " FL_OPEN_NAME ", error: ENOENT}", "--",
	       fl_victim(), "thread-open", file);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "thread-open", "ENOENT");

	j = fl_load_json(report);
	injs = fl_json_get(j, "injections");
	assert_int_equal(json_array_size(injs), 2);
	a = json_array_get(injs, 0); /* main thread */
	b = json_array_get(injs, 1); /* the new thread */
	assert_int_equal(fl_json_int(a, "tid"), fl_json_int(a, "pid"));
	assert_int_equal(fl_json_int(b, "pid"), fl_json_int(a, "pid"));
	assert_int_not_equal(fl_json_int(b, "tid"), fl_json_int(b, "pid"));
	json_decref(j);
}

static void report_exit_code(void **state)
{
	char *report = fl_path("report.json");
	struct fl_result r;
	json_t *j, *seed;
	char *header_seed, *report_seed;

	(void)state;
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--report", report, "--", fl_victim(), "exit", "42");
	fl_assert_exit(&r, 42);
	j = fl_load_json(report);
	assert_int_equal(fl_json_int(fl_json_get(j, "exit"), "code"), 42);
	assert_int_equal(json_array_size(fl_json_get(j, "injections")), 0);
	/*
	 * The random seed chosen is recorded, the same as in the log header, so
	 * the run can be replayed. Seeds are 64-bit: JSON integers above 2^63
	 * (and, for many readers, 2^53) do not survive, so a decimal string is
	 * accepted too.
	 */
	header_seed = fl_log_seed(r.err);
	assert_non_null(header_seed);
	seed = fl_json_get(j, "seed");
	if (json_is_integer(seed))
		report_seed = fl_strf("%lld", (long long)json_integer_value(seed));
	else
		report_seed = fl_strf("(not an integer)");
	fl_assert_str(&r, "report seed vs header seed", report_seed, header_seed);
	json_decref(j);
}

/* ---- dry run ------------------------------------------------------------ */

static void dry_run_injects_nothing(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *doomed = fl_mkfile("doomed", "data\n");
	char *report = fl_path("report.json");
	struct fl_result r;
	json_t *j, *rule;

	(void)state;
	FL_RUN(&r, "run", "--dry-run", "--report", report, "-e",
	       "{name: dry-open, syscall: " FL_OPEN_NAME ", error: ENOENT}", "-e",
	       "{name: dry-unlink, syscall: " FL_UNLINK_NAME ", error: EACCES}", "-e",
	       "{name: dry-pid, syscall: getpid, retval: 4242}", "--", fl_victim(), "open", file, "3",
	       "+", "unlink", doomed, "+", "getpid");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "ok ok ok");
	fl_assert_outcomes(&r, "unlink", "ok");
	assert_false(fl_exists(doomed));
	if (!strcmp(fl_line_after(r.out, "getpid[1]: "), "ok 4242")) {
		print_error("--dry-run: getpid returned the injected value\n");
		fl_dump(&r);
		fail();
	}
	fl_assert_err_has(&r, "dry-open");

	j = fl_load_json(report);
	assert_true(json_is_true(fl_json_get(j, "dry_run")));
	rule = report_rule(j, "dry-open");
	assert_int_equal(fl_json_int(rule, "matched"), 3);
	assert_int_equal(fl_json_int(rule, "injected"), 3);
	assert_int_equal(fl_json_int(report_rule(j, "dry-unlink"), "matched"), 1);
	assert_int_equal(fl_json_int(report_rule(j, "dry-pid"), "matched"), 1);
	json_decref(j);
}

/* ---- destinations that are not regular files ---------------------------- */

/* The JSON object that starts at the first '{"injections"' of @text. */
static json_t *report_in(const struct fl_result *r, const char *text)
{
	const char *at = text ? strstr(text, "{\"injections\":[") : NULL;
	json_error_t e;
	json_t *j;

	if (!at) {
		fl_dump(r);
		print_error("no JSON report in the output\n");
		fail();
	}
	j = json_loadb(at, strlen(at), JSON_DISABLE_EOF_CHECK, &e);
	if (!j) {
		fl_dump(r);
		print_error("the report in the output is not JSON: %s\n", e.text);
		fail();
	}
	return j;
}

static void assert_report_injected(const struct fl_result *r, json_t *j, json_int_t n)
{
	json_t *rules = fl_json_get(j, "rules");

	if (json_array_size(rules) != 1 || fl_json_int(json_array_get(rules, 0), "injected") != n) {
		fl_dump(r);
		print_error("expected one rule with %lld injections\n", (long long)n);
		fail();
	}
	json_decref(j);
}

/*
 * "-" is standard output for --report, -o and --summary-md. The report is
 * written whole at the end, after the program's own output, so it never
 * interleaves with it; the log lines come as they happen.
 */
static void outputs_to_stdout_dash(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	struct fl_result r;
	const char *prog, *rep;

	(void)state;
	FL_RUN(&r, "run", "--report", "-", "-e", "{syscall: " FL_OPEN_NAME ", error: ENOENT}", "--",
	       fl_victim(), "open", file);
	fl_assert_exit(&r, 0);
	prog = strstr(r.out, "open[1]");
	rep = strstr(r.out, "{\"injections\":[");
	assert_non_null(prog);
	assert_non_null(rep);
	assert_true(prog < rep);
	assert_report_injected(&r, report_in(&r, r.out), 1);
	assert_false(fl_exists(fl_path("-")));

	FL_RUN(&r, "run", "-o", "-", "-e", "{syscall: " FL_OPEN_NAME ", error: ENOENT}", "--",
	       fl_victim(), "open", file);
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "= -1 ENOENT (rule \"rule 1\")");
	fl_assert_out_has(&r, "faultline: summary");
	fl_assert_err_lacks(&r, "= -1 ENOENT (rule");

	FL_RUN(&r, "run", "-q", "--summary-md", "-", "-e", "{syscall: " FL_OPEN_NAME ", error: ENOENT}", "--",
	       fl_victim(), "open", file);
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "| rule 1 | `" FL_OPEN_NAME "` | 1 | 1 |");
	assert_false(fl_exists(fl_path("-")));
}

/*
 * A symlink of the test's own to /proc/self/fd/1, the way /dev/stdout is
 * one: the report goes to faultline's stdout (here a regular file the
 * harness reads) and the link stays a link.
 */
static void output_through_fd_link(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *link = fl_path("stdout-link"), *elink = fl_path("stderr-link");
	struct fl_result r;
	struct stat st;

	(void)state;
	assert_int_equal(symlink("/proc/self/fd/1", link), 0);
	assert_int_equal(symlink("/dev/fd/2", elink), 0);
	FL_RUN(&r, "run", "--report", link, "-o", elink, "-e", "{syscall: " FL_OPEN_NAME ", error: ENOENT}",
	       "--", fl_victim(), "open", file);
	fl_assert_exit(&r, 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(elink, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_report_injected(&r, report_in(&r, r.out), 1);
	fl_assert_err_has(&r, "= -1 ENOENT (rule \"rule 1\")");
}

/*
 * /dev/stdout itself, in a mount namespace of the test's own whose /dev is
 * a fresh tmpfs holding only the two links: the machine's /dev is never
 * at stake. Afterwards both are still symlinks.
 */
static void dev_stdout_stays_a_symlink(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	struct fl_result r;
	const char *script =
		"mount -t tmpfs fl-dev /dev || exit 99; "
		"ln -s /proc/self/fd/1 /dev/stdout && ln -s /proc/self/fd/2 /dev/stderr || exit 98; "
		"\"$0\" run --report /dev/stdout -o /dev/stderr --summary-md /dev/stdout "
		"-e '{syscall: " FL_OPEN_NAME ", error: ENOENT}' -- \"$1\" open \"$2\"; echo \"status $?\"; "
		"[ -L /dev/stdout ] && echo 'stdout: a symlink'; "
		"[ -L /dev/stderr ] && echo 'stderr: a symlink'";

	(void)state;
	if (access("/usr/bin/unshare", X_OK) < 0)
		fl_skip("no unshare(1) to make a private mount namespace with");
	/* Not under faultline: the inner run could not trace a child the outer one traces. */
	const char *const as_root[] = { "/usr/bin/unshare", "--mount", "--propagation", "private",
					"/bin/sh", "-c", script, fl_faultline(), fl_victim(), file,
					NULL };
	const char *const as_user[] = { "/usr/bin/unshare", "--user", "--map-root-user", "--mount",
					"--propagation", "private", "/bin/sh", "-c", script,
					fl_faultline(), fl_victim(), file, NULL };
	fl_run_direct(&r, geteuid() == 0 ? as_root : as_user, 20000);
	if (r.code != 0 && strstr(r.err, "unshare"))
		fl_skip("no private mount namespace here (unshare refused)");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "status 0");
	fl_assert_out_has(&r, "stdout: a symlink");
	fl_assert_out_has(&r, "stderr: a symlink");
	fl_assert_out_has(&r, "| rule 1 | `" FL_OPEN_NAME "` | 1 | 1 |");
	fl_assert_err_has(&r, "= -1 ENOENT (rule \"rule 1\")");
	assert_report_injected(&r, report_in(&r, r.out), 1);
}

/*
 * A character device (through a link of the test's own to /dev/null, so
 * that a broken build replaces the link, never /dev/null) is written, not
 * replaced.
 */
static void char_device_written_not_replaced(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *link = fl_path("null-link");
	struct fl_result r;
	struct stat st;

	(void)state;
	assert_int_equal(symlink("/dev/null", link), 0);
	FL_RUN(&r, "run", "--report", link, "-o", link, "--summary-md", link, "-e",
	       "{syscall: " FL_OPEN_NAME ", error: ENOENT}", "--", fl_victim(), "open", file);
	fl_assert_exit(&r, 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	fl_assert_out_has(&r, "open[1]");
}

/*
 * An output that cannot take what is written (/dev/full: ENOSPC on every
 * write) fails the run with 125 and says which, for the log, the report and
 * the summary alike (before: -o /dev/full lost every line and exited 0).
 */
static void full_device_125(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	struct stat st;

	(void)state;
	if (stat("/dev/full", &st) < 0 || !S_ISCHR(st.st_mode))
		fl_skip("no /dev/full on this machine");
	const char *opts[][2] = { { "-o", "log file" }, { "--report", "report" },
				  { "--summary-md", "summary" } };
	for (size_t i = 0; i < FL_ARRAY_SIZE(opts); i++) {
		struct fl_result r;

		FL_RUN(&r, "run", opts[i][0], "/dev/full", "-e", "{syscall: " FL_OPEN_NAME ", error: ENOENT}",
		       "--", fl_victim(), "open", file);
		fl_assert_exit(&r, 125);
		fl_assert_err_has(&r, "/dev/full");
		fl_assert_out_has(&r, "open[1]");
	}
}

/* A FIFO with a reader gets the whole report and stays a FIFO; one without fails at once. */
static void fifo_destination(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *fifo = fl_path("report.fifo"), *copy = fl_path("copy.json");
	struct fl_result r;
	struct stat st;
	json_t *j;
	pid_t reader;
	int status;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	FL_RUN(&r, "run", "--report", fifo, "-e", "{syscall: " FL_OPEN_NAME ", error: ENOENT}", "--",
	       fl_victim(), "open", file);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "nothing reads it");
	fl_assert_out_lacks(&r, "open[1]");

	reader = fork();
	assert_true(reader >= 0);
	if (reader == 0) {
		execl("/bin/sh", "sh", "-c", "cat \"$0\" > \"$1\"", fifo, copy, (char *)NULL);
		_exit(127);
	}
	/* The reader opens the FIFO soon; until then faultline refuses it. */
	for (int i = 0; i < 200; i++) {
		FL_RUN(&r, "run", "--report", fifo, "-e", "{syscall: " FL_OPEN_NAME ", error: ENOENT}", "--",
		       fl_victim(), "open", file);
		if (r.code != 125)
			break;
		usleep(10000);
	}
	fl_assert_exit(&r, 0);
	assert_int_equal(waitpid(reader, &status, 0), reader);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	j = fl_load_json(copy);
	assert_report_injected(&r, j, 1);
}

/* A directory as an output is refused before anything runs. */
static void directory_destination_125(void **state)
{
	char *dir = fl_path("outdir"), *marker = fl_path("ran");
	struct fl_result r;
	const char *const opts[] = { "--report", "-o", "--summary-md" };

	(void)state;
	assert_int_equal(mkdir(dir, 0700), 0);
	for (size_t i = 0; i < FL_ARRAY_SIZE(opts); i++) {
		FL_RUN(&r, "run", opts[i], dir, "-e", FL_NOOP_RULE, "--", "/bin/sh", "-c",
		       "echo > \"$0\"", marker);
		fl_assert_exit(&r, 125);
		fl_assert_err_has(&r, "it is a directory");
		assert_false(fl_exists(marker));
	}
}

/*
 * A FIFO planted by another user in a sticky directory (a /tmp of the
 * test's own) is refused at once instead of hanging faultline or feeding
 * the planter: as root, with the FIFO owned by nobody.
 */
static void planted_fifo_refused(void **state)
{
	char *sticky = fl_path("tmp"), *fifo = fl_path("tmp/summary.md");
	struct fl_result r;

	(void)state;
	if (geteuid() != 0)
		fl_skip("needs root, to plant a file as another user");
	assert_int_equal(mkdir(sticky, 0777), 0);
	assert_int_equal(chmod(sticky, 01777), 0);
	assert_int_equal(mkfifo(fifo, 0666), 0);
	assert_int_equal(chown(fifo, 65534, 65534), 0);
	FL_RUN(&r, "run", "--summary-md", fifo, "-e", FL_NOOP_RULE, "--", "/bin/true");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "belongs to another user and sits in a sticky directory");
}

/*
 * As a user who may not replace /dev/stdout (the container case): as root,
 * the run drops to nobody with setpriv(1); as anyone else it runs as is.
 * The report arrives on stdout either way.
 */
static void stdout_report_unprivileged(void **state)
{
	struct fl_result r;

	(void)state;
	if (geteuid() == 0) {
		if (access("/usr/bin/setpriv", X_OK) < 0)
			fl_skip("no setpriv(1) to drop privileges with");
		assert_int_equal(chmod(fl_dir(), 0777), 0);
		/* What the test runs, without the report: can nobody run it here at all? */
		const char *const probe[] = { "/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
					      "--clear-groups", fl_faultline(), "run", "-q", "-e",
					      FL_NOOP_RULE, "--", fl_victim(), "getpid", NULL };
		fl_run_direct(&r, probe, 20000);
		if (r.code != 0)
			fl_skip("user nobody cannot run this build's faultline or its helpers (a "
				"private build directory)");
		const char *const argv[] = { "/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
					     "--clear-groups", fl_faultline(), "run", "--report",
					     "/dev/stdout", "-e", "{syscall: getpid, retval: 4242}",
					     "--", fl_victim(), "getpid", NULL };
		fl_run_direct(&r, argv, 20000);
	} else {
		FL_RUN(&r, "run", "--report", "/dev/stdout", "-e", "{syscall: getpid, retval: 4242}",
		       "--", fl_victim(), "getpid");
	}
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "getpid[1]: ok 4242");
	assert_report_injected(&r, report_in(&r, r.out), 1);
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
		FL_TEST(log_header_line_summary),
		FL_TEST(log_line_openat),
		FL_TEST(log_to_file),
		FL_TEST(outputs_replace_planted_symlinks),
		FL_TEST(prefilter_skips_excluded_calls),
		FL_TEST(start_stops_only_at_exec),
		FL_TEST(same_cpu_pins_the_program),
		FL_TEST(quiet),
		FL_TEST(long_options),
		FL_TEST(command_stderr_untouched),
		FL_TEST(report_fields),
		FL_TEST(report_actions),
		FL_TEST(report_pid_tid),
		FL_TEST(report_exit_code),
		FL_TEST(dry_run_injects_nothing),
		FL_TEST(outputs_to_stdout_dash),
		FL_TEST(output_through_fd_link),
		FL_TEST(dev_stdout_stays_a_symlink),
		FL_TEST(char_device_written_not_replaced),
		FL_TEST(full_device_125),
		FL_TEST(fifo_destination),
		FL_TEST(directory_destination_125),
		FL_TEST(planted_fifo_refused),
		FL_TEST(stdout_report_unprivileged),
	};

	return fl_main(argc, argv, "output", tests, FL_ARRAY_SIZE(tests), true);
}

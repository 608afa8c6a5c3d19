/*
 * faultline sweep: one run per matching call against the fl-sweep-* helpers
 * (tests/helpers): one crashes on the error path of its third open, one
 * handles every error, one hangs when a read fails, one crashes only in a
 * grandchild while the command exits 0. The reproducer a sweep prints is
 * run again through sh -c and must do what the sweep saw.
 */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* tests/helpers/fl-sweep-NAME, beside fl-victim. */
static const char *helper(const char *name)
{
	char *copy = fl_strf("%s", fl_victim());

	return fl_strf("%s/fl-sweep-%s", dirname(copy), name);
}

/*
 * faultline sweep ARGS... In the no-seccomp mode every run the sweep makes
 * gets --no-seccomp (the harness adds it only to `run`).
 */
static void sweep_argv(struct fl_result *r, const char *const *args)
{
	const char *argv[64];
	const char *mode = getenv("FL_MODE");
	size_t n = 0;

	argv[n++] = "sweep";
	if (mode && !strcmp(mode, "no-seccomp"))
		argv[n++] = "--no-seccomp";
	for (size_t i = 0; args[i]; i++) {
		assert_true(n < FL_ARRAY_SIZE(argv) - 1);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	fl_run_argv(r, argv);
}

static void sweep_list(struct fl_result *r, ...)
{
	const char *args[64];
	size_t n = 0;
	va_list ap;

	va_start(ap, r);
	for (const char *a = va_arg(ap, const char *); a; a = va_arg(ap, const char *)) {
		assert_true(n < FL_ARRAY_SIZE(args) - 1);
		args[n++] = a;
	}
	va_end(ap);
	args[n] = NULL;
	sweep_argv(r, args);
}
#define SWEEP(r, ...) sweep_list((r), __VA_ARGS__, (const char *)NULL)

static void make_files(void)
{
	fl_mkfile("a", "line a\n");
	fl_mkfile("b", "line b\n");
	fl_mkfile("c", "line c\n");
	fl_mkfile("d", "line d\n");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs @line with sh -c in the test directory; returns its exit status (128+N if killed). */
static int run_sh(const char *line, int timeout_ms)
{
	double end = now_s() + timeout_ms / 1e3;
	int st = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 ||
		    chdir(fl_dir()) < 0)
			_exit(121);
		execl("/bin/sh", "sh", "-c", line, (char *)NULL);
		_exit(122);
	}
	setpgid(pid, pid);
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		if (w == pid)
			break;
		if (now_s() > end) {
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			print_error("sh -c %s did not end within %d ms\n", line, timeout_ms);
			fail();
		}
		nanosleep(&ts, NULL);
	}
	kill(-pid, SIGKILL);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* "call:outcome" of every run, space separated: "1:handled 2:handled 3:crashed". */
static char *outcomes(json_t *report)
{
	json_t *runs = fl_json_get(report, "runs"), *run;
	char *s = fl_strf("%s", "");
	size_t i;

	json_array_foreach(runs, i, run)
		s = fl_strf("%s%s%lld:%s", s, i ? " " : "", (long long)fl_json_int(run, "call"),
			    fl_json_str(run, "outcome"));
	return s;
}

/* The pid fl-sweep-tree's @role said it had ("fl-sweep-tree: grandchild 1234: ..."), or -1. */
static int tree_pid(const char *text, const char *role)
{
	const char *at = text ? strstr(text, fl_strf("fl-sweep-tree: %s ", role)) : NULL;

	return at ? atoi(at + strlen("fl-sweep-tree: ") + strlen(role) + 1) : -1;
}

/* The executable as the kernel names it (/proc/PID/exe): no symlinks in the way. */
static const char *real_helper(const char *name)
{
	char *p = realpath(helper(name), NULL), *ret;

	assert_non_null(p);
	ret = fl_strf("%s", p);
	free(p);
	return ret;
}

/*
 * @exe as the sweep's text shows it: the last 60 bytes after "..." when
 * longer (src/cli/sweep_show.c, PATH_SHOW), so that a build directory deep
 * in the file system does not change what the tests expect.
 */
static const char *shown_exe(const char *exe)
{
	size_t len = strlen(exe);

	return len > 60 ? fl_strf("...%s", exe + len - 60) : exe;
}

/* ---- cases ----------------------------------------------------------------- */

static void help(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "sweep", "--help");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "Usage: faultline sweep [OPTIONS] [--] COMMAND [ARG]...");
	fl_assert_out_has(&r, "--timeout");
	fl_assert_out_has(&r, "--max-runs");
	FL_RUN(&r, "--help");
	fl_assert_out_has(&r, "  sweep [OPTIONS] -- PROGRAM [ARG]...");
}

static void finds_crash(void **state)
{
	struct fl_result r;
	char *repro;

	(void)state;
	make_files();
	SWEEP(&r, "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "--", helper("crash"), "a", "b", "c", "d");
	fl_assert_exit(&r, 1);
	fl_assert_out_has(&r, "  baseline: exit 0, 4 matching calls\n");
	fl_assert_out_has(&r, "  crashed      1\n");
	fl_assert_out_has(&r, "  hung         0\n");
	fl_assert_out_has(&r, "  handled      3\n");
	fl_assert_out_has(&r, "\ncrashed: call 3, " FL_OPEN_NAME " \"c\" EIO: SIGSEGV\n");
	fl_assert_out_has(&r, "    | fl-sweep-crash: c: Input/output error\n");
	fl_assert_out_lacks(&r, "crashed: call 1");
	/* Not a TTY: one line per run, no progress bar. */
	assert_int_equal(fl_count_lines(r.err, "faultline sweep: ["), 4);
	fl_assert_err_lacks(&r, "\r");

	repro = fl_line_after(r.out, "  reproduce: ");
	if (!repro) {
		fl_dump(&r);
		fail_msg("no reproducer line");
	}
	fl_assert_str(&r, "reproducer",
		      strstr(repro, " run ") ? strstr(repro, " -e ") : NULL,
		      fl_strf(" -e '{syscall: " FL_OPEN_NAME ", error: EIO, after: 2, times: 1}' -- %s a b c d",
			      helper("crash")));
	/* Pasted into a shell, it crashes the same way: 128 + SIGSEGV. */
	assert_int_equal(run_sh(repro, 20000), 139);
}

static void all_handled(void **state)
{
	char *report = fl_path("ok.json");
	struct fl_result r;
	json_t *j, *sum;

	(void)state;
	make_files();
	SWEEP(&r, "--report", report, "-e", "{syscall: [" FL_OPEN_NAME ", read, write], error: EIO}", "--",
	      helper("ok"), "a", "b");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "  crashed      0\n");
	fl_assert_out_has(&r, "  hung         0\n");
	fl_assert_out_lacks(&r, "reproduce:");
	fl_assert_out_lacks(&r, "not reached");
	j = fl_load_json(report);
	sum = fl_json_get(j, "summary");
	/* open, read, read (end of file), write per file, and the loader's reads. */
	assert_true(fl_json_int(sum, "runs") >= 8);
	assert_int_equal(fl_json_int(sum, "handled"), fl_json_int(sum, "runs"));
	json_decref(j);
}

static void hang_killed_on_time(void **state)
{
	struct fl_result r;
	double t0 = now_s(), elapsed;

	(void)state;
	make_files();
	SWEEP(&r, "--timeout", "1s", "-j", "2", "-e", "{syscall: read, error: EIO}", "--",
	      helper("hang"), "a");
	elapsed = now_s() - t0;
	fl_assert_exit(&r, 1);
	fl_assert_out_has(&r, "  hung         1\n");
	fl_assert_out_has(&r, "  crashed      0\n");
	/* It ignores SIGTERM: only the SIGKILL after the grace ends it. */
	fl_assert_out_has(&r, "still running after 1s, SIGKILL");
	fl_assert_out_has(&r, "\nhung: call ");
	fl_assert_out_has(&r, "  reproduce: ");
	/* 1 s timeout + 1 s grace, and the rest is quick. */
	if (elapsed > 8.0) {
		fl_dump(&r);
		fail_msg("the sweep took %.1f s", elapsed);
	}
}

static void jobs_same_classification(void **state)
{
	char *rep1 = fl_path("j1.json"), *rep2 = fl_path("j2.json");
	struct fl_result r1, r2;
	json_t *j1, *j2;

	(void)state;
	make_files();
	SWEEP(&r1, "-j", "1", "--report", rep1, "-e", "{syscall: [" FL_OPEN_NAME ", read], error: EIO}", "--",
	      helper("crash"), "a", "b", "c", "d");
	SWEEP(&r2, "-j", "2", "--report", rep2, "-e", "{syscall: [" FL_OPEN_NAME ", read], error: EIO}", "--",
	      helper("crash"), "a", "b", "c", "d");
	fl_assert_exit(&r1, 1);
	fl_assert_exit(&r2, 1);
	j1 = fl_load_json(rep1);
	j2 = fl_load_json(rep2);
	assert_int_equal(fl_json_int(j1, "jobs"), 1);
	assert_int_equal(fl_json_int(j2, "jobs"), 2);
	fl_assert_str(&r2, "outcomes -j 2", outcomes(j2), outcomes(j1));
	assert_non_null(strstr(outcomes(j1), ":crashed"));
	json_decref(j1);
	json_decref(j2);
}

static void report_json(void **state)
{
	char *report = fl_path("sweep.json");
	json_t *j, *runs, *run, *calls, *sum, *tail;
	struct fl_result r;

	(void)state;
	make_files();
	SWEEP(&r, "--report", report, "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "--", helper("crash"),
	      "a", "b", "c", "d");
	fl_assert_exit(&r, 1);
	j = fl_load_json(report);
	fl_assert_str(&r, "outcomes", outcomes(j), "1:handled 2:handled 3:crashed 4:handled");

	sum = fl_json_get(j, "summary");
	assert_int_equal(fl_json_int(sum, "calls"), 4);
	assert_int_equal(fl_json_int(sum, "runs"), 4);
	assert_int_equal(fl_json_int(sum, "crashed"), 1);
	assert_int_equal(fl_json_int(sum, "handled"), 3);
	assert_int_equal(fl_json_int(sum, "hung"), 0);
	assert_int_equal(fl_json_int(sum, "not_reached"), 0);
	assert_true(json_is_null(fl_json_get(j, "max_runs")));

	calls = fl_json_get(fl_json_get(j, "baseline"), "calls");
	assert_int_equal(json_array_size(calls), 4);
	fl_assert_str(&r, "call 3 path", fl_json_str(json_array_get(calls, 2), "path"), "c");
	fl_assert_str(&r, "call 3 syscall", fl_json_str(json_array_get(calls, 2), "syscall"), FL_OPEN_NAME);
	assert_int_equal(fl_json_int(fl_json_get(fl_json_get(j, "baseline"), "exit"), "code"), 0);

	runs = fl_json_get(j, "runs");
	run = json_array_get(runs, 2);
	fl_assert_str(&r, "run 3 rule_text", fl_json_str(run, "rule_text"),
		      "{syscall: " FL_OPEN_NAME ", error: EIO, after: 2, times: 1}");
	fl_assert_str(&r, "run 3 error", fl_json_str(run, "error"), "EIO");
	fl_assert_str(&r, "run 3 signal", fl_json_str(fl_json_get(run, "exit"), "signal"), "SIGSEGV");
	assert_int_equal(fl_json_int(run, "injected"), 1);
	assert_true(json_is_false(fl_json_get(run, "timed_out")));
	assert_true(json_is_false(fl_json_get(run, "diverged")));
	tail = fl_json_get(run, "stderr_tail");
	fl_assert_str(&r, "run 3 stderr", json_string_value(json_array_get(tail, 0)),
		      "fl-sweep-crash: c: Input/output error");
	assert_non_null(strstr(fl_json_str(run, "reproducer"), " -e '{syscall: " FL_OPEN_NAME ", error: EIO, "
				"after: 2, times: 1}' -- "));
	run = json_array_get(runs, 0);
	assert_int_equal(fl_json_int(fl_json_get(run, "exit"), "code"), 1);
	json_decref(j);

	/* Written to a temp file and renamed: nothing left beside it. */
	DIR *d = opendir(fl_dir());
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)))
		assert_int_not_equal(strncmp(de->d_name, ".sweep.json", 11), 0);
	closedir(d);
}

static void bad_flags_125(void **state)
{
	static const char *const bad[][6] = {
		{ "--bogus", "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "--", "true", NULL },
		{ "-j", "0", "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "true", NULL },
		{ "-j", "many", "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "true", NULL },
		{ "--timeout", "soon", "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "true", NULL },
		{ "--timeout", "0s", "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "true", NULL },
		{ "--max-runs", "0", "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "true", NULL },
		{ "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", NULL },
		{ "--", "true", NULL },
		{ "-e", NULL },
	};
	struct fl_result r;

	(void)state;
	for (size_t i = 0; i < FL_ARRAY_SIZE(bad); i++) {
		sweep_argv(&r, bad[i]);
		fl_assert_exit(&r, 125);
		fl_assert_err_has(&r, "faultline sweep: ");
		fl_assert_err_has(&r, "Try 'faultline sweep --help'");
		fl_assert_err_lacks(&r, "baseline");
	}
	/* Found out before the sweep, not after it. */
	SWEEP(&r, "--report", fl_path("no-such-dir/report.json"), "-e",
	      "{syscall: " FL_OPEN_NAME ", error: EIO}", "--", fl_victim(), "getpid");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "cannot write report");
	fl_assert_err_lacks(&r, "baseline");
}

static void sweep_keys_refused_125(void **state)
{
	static const char *const keys[] = { "after: 2", "times: 1", "every: 2", "probability: 0.5" };
	struct fl_result r;

	(void)state;
	for (size_t i = 0; i < FL_ARRAY_SIZE(keys); i++) {
		SWEEP(&r, "-e", fl_strf("{syscall: " FL_OPEN_NAME ", error: EIO, %s}", keys[i]), "--",
		      fl_victim(), "getpid");
		fl_assert_exit(&r, 125);
		fl_assert_err_has(&r, fl_strf("-e #1:1:1: error: rule 'rule 1' sets '%.*s'",
					      (int)strcspn(keys[i], ":"), keys[i]));
		fl_assert_err_lacks(&r, "baseline");
	}
}

static void bad_rules_125(void **state)
{
	struct fl_result r;

	(void)state;
	SWEEP(&r, "-e", "{syscall: " FL_OPEN_NAME ", error: ENOENTT}", "--", fl_victim(), "getpid");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "did you mean 'ENOENT'?");
	fl_assert_err_has(&r, "invalid rules: nothing was run");
	SWEEP(&r, "-r", fl_path("missing.yaml"), "--", fl_victim(), "getpid");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "cannot read rule file");
}

static void not_found_127(void **state)
{
	struct fl_result r;

	(void)state;
	SWEEP(&r, "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "--", "no-such-command-fl");
	fl_assert_exit(&r, 127);
	fl_assert_err_has(&r, "no-such-command-fl: command not found");
	fl_assert_err_lacks(&r, "baseline");
}

static void baseline_crash_125(void **state)
{
	struct fl_result r;

	(void)state;
	SWEEP(&r, "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "--", fl_victim(), "crash");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "crashes without any injection (SIGSEGV)");
	fl_assert_out_lacks(&r, "runs:");
}

/*
 * Only the grandchild's error path crashes; the parent and the child exit 0,
 * so the command's exit status says nothing. The sweep must still call
 * that run crashed and say which process it was.
 */
static void crash_in_grandchild(void **state)
{
	char *report = fl_path("sweep.json");
	json_t *j, *runs, *crashes, *c;
	struct fl_result r;
	const char *exe = real_helper("tree");
	int pid;

	(void)state;
	fl_mkfile("x", "x\n");
	SWEEP(&r, "--report", report, "-e", "{syscall: " FL_OPEN_NAME ", error: ENOENT}", "--", helper("tree"),
	      "x");
	fl_assert_exit(&r, 1);
	fl_assert_out_has(&r, "  baseline: exit 0, 3 matching calls\n");
	fl_assert_out_has(&r, "  crashed      1\n");
	fl_assert_out_has(&r, "  handled      2\n");
	pid = tree_pid(r.out, "grandchild");
	if (pid <= 0) {
		fl_dump(&r);
		fail_msg("no grandchild pid in the crashed run's stderr");
	}
	fl_assert_out_has(&r, fl_strf("\ncrashed: call 3, " FL_OPEN_NAME " \"x\" ENOENT: SIGSEGV in pid %d (%s), "
				      "exit 0\n", pid, shown_exe(exe)));
	fl_assert_out_has(&r, fl_strf("    | fl-sweep-tree: grandchild %d: x: No such file or "
				      "directory\n", pid));
	fl_assert_out_lacks(&r, "crashed: call 1");
	fl_assert_out_lacks(&r, "crashed: call 2");

	j = fl_load_json(report);
	fl_assert_str(&r, "outcomes", outcomes(j), "1:handled 2:handled 3:crashed");
	runs = fl_json_get(j, "runs");
	assert_int_equal(json_array_size(fl_json_get(json_array_get(runs, 0), "crashes")), 0);
	assert_int_equal(fl_json_int(fl_json_get(json_array_get(runs, 2), "exit"), "code"), 0);
	crashes = fl_json_get(json_array_get(runs, 2), "crashes");
	assert_int_equal(json_array_size(crashes), 1);
	c = json_array_get(crashes, 0);
	assert_int_equal(fl_json_int(c, "pid"), pid);
	fl_assert_str(&r, "crash exe", fl_json_str(c, "exe"), exe);
	fl_assert_str(&r, "crash signal", fl_json_str(c, "signal"), "SIGSEGV");
	assert_true(json_is_false(fl_json_get(c, "main")));
	json_decref(j);
}

/* A child that crashes without any injection makes the baseline unusable too. */
static void baseline_tree_crash_125(void **state)
{
	struct fl_result r;

	(void)state;
	SWEEP(&r, "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}", "--", helper("tree"), "missing");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, fl_strf("crashes without any injection (SIGSEGV in pid %d (%s))",
				      tree_pid(r.err, "grandchild"), shown_exe(real_helper("tree"))));
	fl_assert_out_lacks(&r, "runs:");
}

static void max_runs(void **state)
{
	char *report = fl_path("max.json");
	struct fl_result r;
	json_t *j;

	(void)state;
	make_files();
	SWEEP(&r, "--max-runs", "2", "--report", report, "-e", "{syscall: " FL_OPEN_NAME ", error: EIO}",
	      "--", helper("crash"), "a", "b", "c", "d");
	/* The crash is call 3: not swept. */
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "  runs: 2 of 4 (--max-runs)\n");
	j = fl_load_json(report);
	fl_assert_str(&r, "outcomes", outcomes(j), "1:handled 2:handled");
	assert_int_equal(fl_json_int(fl_json_get(j, "summary"), "runs_wanted"), 4);
	assert_int_equal(fl_json_int(j, "max_runs"), 2);
	json_decref(j);
}

/*
 * A rule file in block style: the reproducer is still one self-contained -e
 * rule with every key of it, with the single errno the run injected.
 */
static void rules_file_reproducer(void **state)
{
	char *rules = fl_mkfile("rules.yaml",
				"version: 1\n"
				"rules:\n"
				"  # config files\n"
				"  - name: config open\n"
				"    syscall: [" FL_OPEN_NAME "]\n"
				"    error:\n"
				"      - EIO\n"
				"      - ENOENT\n"
				"      - EIO\n");
	struct fl_result r;
	char *repro;

	(void)state;
	make_files();
	SWEEP(&r, "-r", rules, "--", helper("crash"), "a", "b", "c", "d");
	fl_assert_exit(&r, 1);
	/* Two distinct errnos: two runs per call. */
	fl_assert_out_has(&r, "  runs: 8 of 8\n");
	fl_assert_out_has(&r, "  crashed      2\n");
	fl_assert_out_has(&r, "\ncrashed: call 3, " FL_OPEN_NAME " \"c\" EIO: SIGSEGV\n");
	fl_assert_out_has(&r, "\ncrashed: call 3, " FL_OPEN_NAME " \"c\" ENOENT: SIGSEGV\n");
	fl_assert_out_has(&r, "    | fl-sweep-crash: c: No such file or directory\n");
	fl_assert_out_has(&r, " -e '{name: config open, syscall: [" FL_OPEN_NAME "], error: ENOENT, "
			  "after: 2, times: 1}' -- ");
	repro = fl_line_after(strstr(r.out, "ENOENT: SIGSEGV"), "  reproduce: ");
	assert_non_null(repro);
	assert_int_equal(run_sh(repro, 20000), 139);
}

/* Rules are swept one at a time, each alone; calls are numbered rule by rule. */
static void several_rules(void **state)
{
	char *report = fl_path("several.json");
	json_t *j, *runs, *run;
	struct fl_result r;
	size_t i;

	(void)state;
	make_files();
	SWEEP(&r, "--report", report, "-e", "{name: opens, syscall: " FL_OPEN_NAME ", error: EACCES}",
	      "-e", "{name: unlinks, syscall: " FL_UNLINK_NAME ", error: EPERM}", "--",
	      fl_victim(), "open", "a", "2", "+", "unlink", "x", "+", "open", "b");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "  baseline: exit 0, 4 matching calls\n");
	/* With several rules the table names each run's rule. */
	fl_assert_out_has(&r, " rule ");
	j = fl_load_json(report);
	fl_assert_str(&r, "outcomes", outcomes(j), "1:handled 2:handled 3:handled 4:handled");
	runs = fl_json_get(j, "runs");
	json_array_foreach(runs, i, run) {
		static const char *const want[] = {
			"{name: opens, syscall: " FL_OPEN_NAME ", error: EACCES, after: 0, times: 1}",
			"{name: opens, syscall: " FL_OPEN_NAME ", error: EACCES, after: 1, times: 1}",
			"{name: opens, syscall: " FL_OPEN_NAME ", error: EACCES, after: 2, times: 1}",
			"{name: unlinks, syscall: " FL_UNLINK_NAME ", error: EPERM, after: 0, times: 1}",
		};

		fl_assert_str(&r, "rule_text", fl_json_str(run, "rule_text"), want[i]);
		assert_int_equal(fl_json_int(run, "injected"), 1);
	}
	fl_assert_str(&r, "run 4 path", fl_json_str(json_array_get(runs, 3), "path"), "x");
	json_decref(j);
}

static void no_matching_calls(void **state)
{
	struct fl_result r;

	(void)state;
	SWEEP(&r, "-e", "{syscall: acct, error: EPERM}", "--", fl_victim(), "getpid");
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, "the rules match no call of ");
	fl_assert_out_has(&r, "  baseline: exit 0, 0 matching calls\n");
}

/*
 * A command that opens one file fewer each time it runs: the two baseline
 * runs differ (a warning), and runs whose call no longer comes are not
 * reached rather than handled.
 */
static void not_reached(void **state)
{
	struct fl_result r;

	(void)state;
	/*
	 * Only the victim's opens of x: where that call is openat (aarch64), the
	 * shell and its loader make more of them.
	 */
	const char *rule = fl_strf("{syscall: %s, path: %s, error: EIO}", FL_OPEN_NAME,
				   fl_mkfile("x", "x\n"));

	fl_mkfile("n", "3\n");
	/* A baseline whose passes disagree is faultline's error... */
	SWEEP(&r, "-j", "1", "-e", rule, "--", "/bin/sh", "-c",
	      "n=$(cat n); echo $((n - 1)) > n; exec \"$0\" open x $n", fl_victim());
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "made 3 calls matching rule 'rule 1' in one run and 2 in another");
	fl_assert_err_has(&r, "--allow-unstable sweeps it anyway");
	/* ... unless the user says so. */
	fl_mkfile("n", "3\n");
	SWEEP(&r, "-j", "1", "--allow-unstable", "-e", rule, "--",
	      "/bin/sh", "-c", "n=$(cat n); echo $((n - 1)) > n; exec \"$0\" open x $n",
	      fl_victim());
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, "made 3 calls matching rule 'rule 1' in one run and 2 in another");
	fl_assert_err_has(&r, "warning: 2 runs never reached the call to fail");
	fl_assert_out_has(&r, "  not reached  2\n");
	fl_assert_out_has(&r, "  handled      1\n");
}

/* A sanitizer report on stderr is a crash, whatever the exit status. */
static void sanitizer_report_is_crash(void **state)
{
	struct fl_result r;

	(void)state;
	SWEEP(&r, "-e", fl_strf("{syscall: %s, path: %s, error: EIO}", FL_OPEN_NAME, fl_mkfile("x", "x\n")),
	      "--", "/bin/sh", "-c", "case $(\"$0\" open x) in *'err EIO'*) "
	      "echo '==1==ERROR: AddressSanitizer: heap-use-after-free' >&2; exit 1;; esac",
	      fl_victim());
	fl_assert_exit(&r, 1);
	fl_assert_out_has(&r, "  crashed      1\n");
	fl_assert_out_has(&r, "exit 1, AddressSanitizer");
	fl_assert_out_has(&r, "    | ==1==ERROR: AddressSanitizer: heap-use-after-free\n");
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
		FL_TEST(help),
		FL_TEST(finds_crash),
		FL_TEST(all_handled),
		FL_TEST(hang_killed_on_time),
		FL_TEST(jobs_same_classification),
		FL_TEST(report_json),
		FL_TEST(bad_flags_125),
		FL_TEST(sweep_keys_refused_125),
		FL_TEST(bad_rules_125),
		FL_TEST(not_found_127),
		FL_TEST(baseline_crash_125),
		FL_TEST(max_runs),
		FL_TEST(rules_file_reproducer),
		FL_TEST(several_rules),
		FL_TEST(no_matching_calls),
		FL_TEST(not_reached),
		FL_TEST(sanitizer_report_is_crash),
		FL_TEST(crash_in_grandchild),
		FL_TEST(baseline_tree_crash_125),
	};

	return fl_main(argc, argv, "sweep", tests, FL_ARRAY_SIZE(tests), true);
}

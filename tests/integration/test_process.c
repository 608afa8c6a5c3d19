/*
 * faultline as a process wrapper: exit statuses pass through, signal deaths
 * become 128+N, 126/127 for commands that cannot run, and SIGTERM/SIGHUP sent
 * to faultline reach the command.
 */
#include "direct.h"
#include "harness.h"

#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void exit_status_passes_through(void **state)
{
	static const char *const codes[] = { "0", "1", "42", "255" };
	struct fl_result r;

	(void)state;
	for (size_t i = 0; i < FL_ARRAY_SIZE(codes); i++) {
		FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", fl_victim(), "exit", codes[i]);
		fl_assert_exit(&r, atoi(codes[i]));
	}
}

/* Rules that never act change nothing about the status either. */
static void exit_status_with_rules(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", "{syscall: " FL_UNLINK_NAME ", error: EPERM}", "--", fl_victim(), "exit", "42");
	fl_assert_exit(&r, 42);
}

static void shell_exit_status(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", "/bin/sh", "-c", "exit 7");
	fl_assert_exit(&r, 7);
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", "/bin/sh", "-c", "/bin/true && exit 0");
	fl_assert_exit(&r, 0);
}

static void signal_death_segv(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", fl_victim(), "signal", "SEGV");
	fl_assert_exit(&r, 128 + SIGSEGV);
}

static void real_crash_segv(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", fl_victim(), "crash");
	fl_assert_exit(&r, 128 + SIGSEGV);
}

static void signal_death_term_and_kill(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", fl_victim(), "signal", "TERM");
	fl_assert_exit(&r, 128 + SIGTERM);
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", fl_victim(), "signal", "KILL");
	fl_assert_exit(&r, 128 + SIGKILL);
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", fl_victim(), "signal", "ABRT");
	fl_assert_exit(&r, 128 + SIGABRT);
}

/* A shell killed by a signal gives 128+N; a grandchild killed by one does not. */
static void shell_killed_by_signal(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", "/bin/sh", "-c", "kill -SEGV $$");
	fl_assert_exit(&r, 128 + SIGSEGV);
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", "/bin/sh", "-c", "/bin/sh -c 'kill -SEGV $$'; exit 5");
	fl_assert_exit(&r, 5);
}

static void not_executable_126(void **state)
{
	char *file = fl_mkfile("not-exec.sh", "#!/bin/sh\nexit 0\n");
	struct fl_result r;

	(void)state;
	assert_int_equal(chmod(file, 0644), 0);
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", file);
	fl_assert_exit(&r, 126);
	fl_assert_err_has(&r, "not-exec.sh");
}

static void directory_126(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", fl_dir());
	fl_assert_exit(&r, 126);
}

static void not_found_127(void **state)
{
	char *missing = fl_path("no-such-command");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", missing, "arg");
	fl_assert_exit(&r, 127);
	fl_assert_err_has(&r, "no-such-command");

	/* Looked up in PATH. */
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", "fl-no-such-command-4242");
	fl_assert_exit(&r, 127);
	fl_assert_err_has(&r, "fl-no-such-command-4242");
}

/* A command found in PATH runs (and the rules reach it). */
static void command_from_path(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", "sh", "-c", "exit 9");
	fl_assert_exit(&r, 9);
}

/* Signals the command sends itself reach its handlers. */
static void signal_handler_runs(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", fl_victim(), "handle", "USR1", "+", "handle",
	       "CHLD", "+", "handle", "TERM");
	fl_assert_exit(&r, 0);
	if (fl_count_lines(r.out, ": handled") != 3) {
		print_error("a signal did not reach the command's handler\n");
		fl_dump(&r);
		fail();
	}
}

/* SIGSTOP then SIGCONT from another process: the command stops and goes on. */
static void stop_and_continue(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", fl_victim(), "stop-cont", "+", "exit", "6");
	fl_assert_exit(&r, 6);
	fl_assert_out_has(&r, "resumed");
}

/* ---- signals sent to faultline ------------------------------------------ */

static struct fl_proc *spawn_ready(const char *report, const char *victim_cmd)
{
	struct fl_proc *p = FL_SPAWN("run", "-e", FL_NOOP_RULE, "--report", report, "--", fl_victim(), victim_cmd);

	if (!fl_wait_stdout(p, "ready", 20000)) {
		struct fl_result r;

		print_error("the victim never printed ready\n");
		kill(p->pid, SIGKILL);
		fl_finish(p, &r, 5000);
		fl_dump(&r);
		fail();
	}
	return p;
}

static void sigterm_reaches_command(void **state)
{
	char *report = fl_path("report.json");
	struct fl_proc *p = spawn_ready(report, "trap-term");
	struct fl_result r;
	json_t *j;

	(void)state;
	assert_int_equal(kill(p->pid, SIGTERM), 0);
	fl_finish(p, &r, FL_RUN_TIMEOUT_MS);
	fl_assert_out_has(&r, "got SIGTERM");
	fl_assert_exit(&r, 3);

	j = fl_load_json(report);
	assert_int_equal(json_integer_value(fl_json_get(fl_json_get(j, "exit"), "code")), 3);
	json_decref(j);
}

static void sigterm_kills_command_143(void **state)
{
	char *report = fl_path("report.json");
	struct fl_proc *p = spawn_ready(report, "sleep-forever");
	struct fl_result r;
	json_t *j;

	(void)state;
	assert_int_equal(kill(p->pid, SIGTERM), 0);
	fl_finish(p, &r, FL_RUN_TIMEOUT_MS);
	fl_assert_exit(&r, 128 + SIGTERM);

	j = fl_load_json(report);
	fl_assert_str(&r, "report exit.signal",
		      json_string_value(fl_json_get(fl_json_get(j, "exit"), "signal")), "SIGTERM");
	json_decref(j);
}

static void sighup_reaches_command(void **state)
{
	char *report = fl_path("report.json");
	struct fl_proc *p = spawn_ready(report, "sleep-forever");
	struct fl_result r;

	(void)state;
	assert_int_equal(kill(p->pid, SIGHUP), 0);
	fl_finish(p, &r, FL_RUN_TIMEOUT_MS);
	fl_assert_exit(&r, 128 + SIGHUP);
}

/*
 * SIGTERM while the command sits in an injected delay: like a real blocking
 * call, the delay must not hold off a fatal signal. The delay is 10s; the
 * run must end well before (5s is slack for loaded machines, not a speed
 * requirement).
 */
static void sigterm_during_delay(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	struct fl_proc *p;
	struct fl_result r;
	struct timespec t0, t1;
	double ms;

	(void)state;
	p = FL_SPAWN("run", "-e", "{syscall: " FL_OPEN_NAME ", delay: 10s}", "--", fl_victim(), "getpid", "+",
		     "open", file);
	if (!fl_wait_stdout(p, "getpid[1]", 20000)) {
		kill(p->pid, SIGKILL);
		fl_finish(p, &r, 5000);
		print_error("the victim never printed getpid[1]\n");
		fl_dump(&r);
		fail();
	}
	usleep(300 * 1000); /* now it is in the delayed open */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(kill(p->pid, SIGTERM), 0);
	fl_finish(p, &r, 8000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	fl_assert_exit(&r, 128 + SIGTERM);
	if (ms > 5000) {
		print_error("faultline took %.0f ms to end after SIGTERM: it waited out the delay\n",
			    ms);
		fl_dump(&r);
		fail();
	}
}

/* The report is written when the command crashes. */
static void report_on_crash(void **state)
{
	char *report = fl_path("report.json");
	struct fl_result r;
	json_t *j, *exit_obj;

	(void)state;
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--report", report, "--", fl_victim(), "crash");
	fl_assert_exit(&r, 128 + SIGSEGV);
	j = fl_load_json(report);
	exit_obj = fl_json_get(j, "exit");
	fl_assert_str(&r, "report exit.signal", json_string_value(fl_json_get(exit_obj, "signal")),
		      "SIGSEGV");
	assert_null(json_object_get(exit_obj, "code"));
	json_decref(j);
}

/* tests/helpers/fl-sweep-tree, beside fl-victim, as the kernel names it. */
static char *tree_helper(void)
{
	char *copy = fl_strf("%s", fl_victim());
	char *p = realpath(fl_strf("%s/fl-sweep-tree", dirname(copy)), NULL), *ret;

	assert_non_null(p);
	ret = fl_strf("%s", p);
	free(p);
	return ret;
}

/*
 * The report's "crashes" lists every process of the tree that died of a
 * core-dumping signal: here only the grandchild, while the command (and
 * the child between them) exit 0.
 */
static void report_lists_tree_crash(void **state)
{
	char *report = fl_path("report.json"), *exe = tree_helper();
	const char *at;
	struct fl_result r;
	json_t *j, *crashes, *c;
	int pid;

	(void)state;
	fl_mkfile("x", "x\n");
	FL_RUN(&r, "run", "-e", "{syscall: " FL_OPEN_NAME ", error: ENOENT}", "--report", report, "--", exe, "x");
	fl_assert_exit(&r, 0);
	at = strstr(r.err, "fl-sweep-tree: grandchild ");
	if (!at) {
		fl_dump(&r);
		fail_msg("the grandchild said nothing");
	}
	pid = atoi(at + strlen("fl-sweep-tree: grandchild "));
	j = fl_load_json(report);
	assert_int_equal(fl_json_int(fl_json_get(j, "exit"), "code"), 0);
	crashes = fl_json_get(j, "crashes");
	if (json_array_size(crashes) != 1) {
		fl_dump(&r);
		fail_msg("%zu crashes listed, want the grandchild's", json_array_size(crashes));
	}
	c = json_array_get(crashes, 0);
	assert_int_equal(fl_json_int(c, "pid"), pid);
	assert_int_equal(fl_json_int(c, "tid"), pid);
	fl_assert_str(&r, "crash exe", fl_json_str(c, "exe"), exe);
	fl_assert_str(&r, "crash signal", fl_json_str(c, "signal"), "SIGSEGV");
	assert_true(json_is_false(fl_json_get(c, "main")));
	json_decref(j);

	/* Nothing crashed: the array is there, empty. */
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--report", report, "--", exe, "x");
	fl_assert_exit(&r, 0);
	j = fl_load_json(report);
	assert_int_equal(json_array_size(fl_json_get(j, "crashes")), 0);
	json_decref(j);
}

/*
 * A core-dumping signal that is caught is no crash, nor one the process
 * ignores; the command's own crash is listed as "main".
 */
static void report_crashes_only_deaths(void **state)
{
	char *report = fl_path("report.json");
	struct fl_result r;
	json_t *j, *c;

	(void)state;
	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--report", report, "--", "/bin/sh", "-c",
	       "trap 'echo caught' SEGV; kill -SEGV $$; trap '' QUIT; kill -QUIT $$; exit 3");
	fl_assert_exit(&r, 3);
	fl_assert_out_has(&r, "caught\n");
	j = fl_load_json(report);
	assert_int_equal(json_array_size(fl_json_get(j, "crashes")), 0);
	json_decref(j);

	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--report", report, "--", fl_victim(), "crash");
	fl_assert_exit(&r, 128 + SIGSEGV);
	j = fl_load_json(report);
	assert_int_equal(json_array_size(fl_json_get(j, "crashes")), 1);
	c = json_array_get(fl_json_get(j, "crashes"), 0);
	fl_assert_str(&r, "crash signal", fl_json_str(c, "signal"), "SIGSEGV");
	assert_true(json_is_true(fl_json_get(c, "main")));
	json_decref(j);
}

/*
 * The prefilter needs no_new_privs only where faultline lacks CAP_SYS_ADMIN:
 * as root the command keeps setuid programs working (NoNewPrivs 0); root
 * without CAP_SYS_ADMIN in its bounding set gets no_new_privs with the
 * filter, and never without one (--no-seccomp).
 */
static void no_new_privs_only_without_cap_sys_admin(void **state)
{
	const char *mode = getenv("FL_MODE");
	bool filter = !(mode && !strcmp(mode, "no-seccomp"));
	struct fl_result r;

	(void)state;
	if (geteuid() != 0)
		fl_skip("needs root, to run with and without CAP_SYS_ADMIN");
	if (access("/usr/bin/setpriv", X_OK) < 0)
		fl_skip("no setpriv(1) to drop CAP_SYS_ADMIN with");
	FL_RUN(&r, "run", "-q", "-e", "{syscall: sethostname, error: EPERM}", "--", "/bin/grep",
	       "NoNewPrivs", "/proc/self/status");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "NoNewPrivs:\t0");

	const char *const argv[] = { "/usr/bin/setpriv", "--bounding-set=-sys_admin", fl_faultline(),
				     "run", filter ? "-q" : "--no-seccomp", "-e",
				     "{syscall: sethostname, error: EPERM}", "--", "/bin/grep",
				     "NoNewPrivs", "/proc/self/status", NULL };
	fl_run_direct(&r, argv, FL_RUN_TIMEOUT_MS);
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, filter ? "NoNewPrivs:\t1" : "NoNewPrivs:\t0");
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
		FL_TEST(exit_status_passes_through),
		FL_TEST(exit_status_with_rules),
		FL_TEST(shell_exit_status),
		FL_TEST(signal_death_segv),
		FL_TEST(real_crash_segv),
		FL_TEST(signal_death_term_and_kill),
		FL_TEST(shell_killed_by_signal),
		FL_TEST(signal_handler_runs),
		FL_TEST(stop_and_continue),
		FL_TEST(not_executable_126),
		FL_TEST(directory_126),
		FL_TEST(not_found_127),
		FL_TEST(command_from_path),
		FL_TEST(sigterm_reaches_command),
		FL_TEST(sigterm_kills_command_143),
		FL_TEST(sighup_reaches_command),
		FL_TEST(sigterm_during_delay),
		FL_TEST(report_on_crash),
		FL_TEST(report_lists_tree_crash),
		FL_TEST(report_crashes_only_deaths),
		FL_TEST(no_new_privs_only_without_cap_sys_admin),
	};

	return fl_main(argc, argv, "process", tests, FL_ARRAY_SIZE(tests), true);
}

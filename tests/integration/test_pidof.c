/*
 * run --pid-of NAME: faultline waits for a process of that name, attaches,
 * injects and detaches; an unknown name times out with 125; unrelated
 * processes of one name are an error unless --all-matches; copies a process
 * forked are attached with it. Real processes, named uniquely per test
 * (other people's processes share this machine).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define MAX_KIDS 8
static pid_t kids[MAX_KIDS];
static size_t n_kids;

static void msleep(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A name no other process has: comm holds 15 bytes, so keep it short. */
static const char *unique_name(char tag)
{
	return fl_strf("flp%d%c", (int)getpid() % 10000000, tag);
}

/*
 * Start @exe with @argv0 (its stdout to @out, every line flushed), and wait
 * until it printed @ready. The process is killed at teardown.
 */
static pid_t start(const char *exe, const char *const *argv, const char *out, const char *ready)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(121);
		setpgid(0, 0);
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	assert_true(n_kids < MAX_KIDS);
	kids[n_kids++] = pid;
	for (int i = 0; ready && i < 250; i++) {
		char *text = fl_read_file(out);
		if (text && strstr(text, ready))
			return pid;
		msleep(20);
	}
	if (ready)
		fail_msg("%s never printed %s", argv[0], ready);
	return pid;
}

/* fl-server under a symlink called @name: its comm is @name. */
static pid_t start_server_named(const char *name, const char *out)
{
	const char *server = getenv("FL_SERVER");
	char *link = fl_path(name);
	char *target = fl_mkfile(fl_strf("%s.served", name), "x\n");

	assert_non_null(server);
	if (access(link, F_OK) != 0)
		assert_int_equal(symlink(server, link), 0);
	return start(link, (const char *const[]){ name, target, NULL }, out, "tick 2:");
}

static int teardown(void **state)
{
	for (size_t i = 0; i < n_kids; i++) {
		int status;
		kill(-kids[i], SIGKILL);
		kill(kids[i], SIGKILL);
		waitpid(kids[i], &status, 0);
	}
	n_kids = 0;
	return fl_teardown(state);
}

/* No tracer, not stopped, and still ticking "ok" after faultline left. */
static void assert_unharmed(pid_t pid, const char *out)
{
	char *status = fl_read_file(fl_strf("/proc/%d/status", (int)pid));
	size_t before;

	assert_non_null(status);
	if (!strstr(status, "\nTracerPid:\t0\n"))
		fail_msg("pid %d still traced:\n%s", (int)pid, status);
	before = (size_t)fl_count_lines(fl_read_file(out), ": ok");
	msleep(200);
	if ((size_t)fl_count_lines(fl_read_file(out), ": ok") < before + 3)
		fail_msg("pid %d stopped answering after the detach:\n%s", (int)pid, fl_read_file(out));
}

#define RULE "{name: served-unreadable, syscall: [" FL_OPEN_NAMES "], path: '/**/*.served', error: EACCES}"

/* faultline is started first and waits; the process appears later (by comm). */
static void pid_of_waits_for_comm(void **state)
{
	const char *name = unique_name('a');
	char *out = fl_path("server.out");
	char *report = fl_path("report.json");
	struct fl_result r;

	(void)state;
	struct fl_proc *p = FL_SPAWN("run", "--pid-of", name, "--wait", "20s", "--duration", "600ms",
				     "--report", report, "-e", RULE);
	msleep(300);
	/* Still waiting: nothing of that name exists yet. */
	assert_int_equal(waitpid(p->pid, &p->status, WNOHANG), 0);
	pid_t pid = start_server_named(name, out);
	fl_finish(p, &r, 20000);
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, fl_strf("faultline: --pid-of %s: pid %d (%s ", name, (int)pid, name));
	fl_assert_err_has(&r, "= -1 EACCES (rule \"served-unreadable\")");
	if (fl_count_lines(fl_read_file(out), "err EACCES") < 3)
		fail_msg("no EACCES reached the process:\n%s", fl_read_file(out));
	assert_unharmed(pid, out);

	json_t *rep = fl_load_json(report);
	json_t *att = fl_json_get(rep, "attached");
	assert_int_equal(json_array_size(att), 1);
	assert_int_equal(fl_json_int(json_array_get(att, 0), "pid"), pid);
	assert_true(json_is_true(fl_json_get(fl_json_get(rep, "exit"), "detached")));
	json_decref(rep);
}

/* argv[0]'s file name names it too, where comm says something else. */
static void pid_of_matches_argv0(void **state)
{
	const char *server = getenv("FL_SERVER");
	const char *name = unique_name('b');
	char *out = fl_path("server.out");
	char *target = fl_mkfile("x.served", "x\n");
	struct fl_result r;

	(void)state;
	assert_non_null(server);
	pid_t pid = start(server, (const char *const[]){ fl_strf("/opt/app/bin/%s", name), target, NULL },
			  out, "tick 2:");
	char *comm = fl_read_file(fl_strf("/proc/%d/comm", (int)pid));
	assert_non_null(comm);
	assert_string_equal(comm, "fl-server\n");
	FL_RUN(&r, "run", "--pid-of", name, "--wait", "5s", "--duration", "400ms", "-e", RULE);
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, fl_strf("--pid-of %s: pid %d (/opt/app/bin/%s ", name, (int)pid, name));
	fl_assert_err_has(&r, "= -1 EACCES");
	assert_unharmed(pid, out);
}

/* Nothing of that name within --wait: 125, and why; --wait 0s looks once. */
static void pid_of_timeout_125(void **state)
{
	const char *name = unique_name('c');
	struct fl_result r;
	struct timespec t0, t1;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	FL_RUN(&r, "run", "--pid-of", name, "--wait", "400ms", "-e", RULE);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, fl_strf("faultline: --pid-of %s: no process named %s appeared within 400ms",
				      name, name));
	fl_assert_err_has(&r, "shareProcessNamespace: true");
	/* It did wait (no upper bound: timing belongs to benchmarks). */
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 400);
	/* Nothing was started: no log header. */
	fl_assert_err_lacks(&r, "faultline 0.1.0: seed");

	FL_RUN(&r, "run", "--pid-of", name, "--wait", "0s", "-e", RULE);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "appeared within 0s");
}

/* Two unrelated processes of one name: an error naming both, unless --all-matches. */
static void pid_of_unrelated_125_or_all(void **state)
{
	const char *name = unique_name('d');
	char *out1 = fl_path("one.out"), *out2 = fl_path("two.out");
	struct fl_result r;

	(void)state;
	pid_t a = start_server_named(name, out1);
	pid_t b = start_server_named(name, out2);
	FL_RUN(&r, "run", "--pid-of", name, "--wait", "2s", "--duration", "400ms", "-e", RULE);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, fl_strf("faultline: --pid-of %s: 2 unrelated processes are named %s:", name, name));
	fl_assert_err_has(&r, fl_strf(" pid %d (", (int)(a < b ? a : b)));
	fl_assert_err_has(&r, fl_strf(" pid %d (", (int)(a < b ? b : a)));
	fl_assert_err_has(&r, "attach to one with -p PID, or to every one with --all-matches");
	fl_assert_err_lacks(&r, "EACCES");
	assert_int_equal(fl_count_lines(fl_read_file(out1), "err"), 0);

	FL_RUN(&r, "run", "--pid-of", name, "--all-matches", "--wait", "2s", "--duration", "600ms",
	       "-e", RULE);
	fl_assert_exit(&r, 0);
	if (fl_count_lines(fl_read_file(out1), "err EACCES") < 3 ||
	    fl_count_lines(fl_read_file(out2), "err EACCES") < 3)
		fail_msg("--all-matches: both must see EACCES:\n%s\n---\n%s", fl_read_file(out1),
			 fl_read_file(out2));
	assert_unharmed(a, out1);
	assert_unharmed(b, out2);
}

/*
 * A shell named NAME and the subshell it forked (also NAME: fork keeps the
 * name) are one program: both are attached, the copy is said to be one.
 */
static void pid_of_attaches_forked_copies(void **state)
{
	const char *name = unique_name('e');
	char *link = fl_path(name), *out = fl_path("sh.out");
	char *file = fl_mkfile("f.served", "x\n");
	struct fl_result r;

	(void)state;
	assert_int_equal(symlink("/bin/sh", link), 0);
	/* `read < FILE` is a builtin: the open is the shell's own (or the subshell's). */
	char *loop = fl_strf("i=0; while :; do i=$((i+1)); if read x < %s 2>/dev/null; "
			     "then echo \"$1 tick $i: ok\"; else echo \"$1 tick $i: err\"; fi; sleep 0.02; done",
			     file);
	char *script = fl_strf("(set -- child; %s) & set -- parent; %s", loop, loop);
	pid_t pid = start(link, (const char *const[]){ name, "-c", script, NULL }, out, "child tick 2:");
	for (int i = 0; i < 100 && !strstr(fl_read_file(out), "parent tick 2:"); i++)
		msleep(20);

	FL_RUN(&r, "run", "--pid-of", name, "--wait", "2s", "--duration", "800ms", "-e", RULE);
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, fl_strf("--pid-of %s: pid %d (%s -c ", name, (int)pid, name));
	fl_assert_err_has(&r, ", a copy it forked");
	fl_assert_err_lacks(&r, "unrelated");
	char *text = fl_read_file(out);
	/* Both the shell and its forked copy met the fault. */
	int parent_err = 0, child_err = 0;
	char *copy = fl_strf("%s", text), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		bool err = strstr(line, ": err") != NULL;
		if (!strncmp(line, "parent tick", 11))
			parent_err += err;
		else if (!strncmp(line, "child tick", 10))
			child_err += err;
	}
	if (parent_err == 0 || child_err == 0)
		fail_msg("the shell (%d errors) and its copy (%d errors) must both see EACCES:\n%s",
			 parent_err, child_err, text);
}

/* The options that go with --pid-of refuse to go without it, and the reverse. */
static void pid_of_usage_125(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--all-matches", "-p", "1", "-e", RULE);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "--all-matches goes with --pid-of NAME");
	FL_RUN(&r, "run", "--wait", "1s", "-e", RULE, "--", "true");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "--wait goes with --pid-of NAME");
	FL_RUN(&r, "run", "--pid-of", "x", "-e", RULE, "--", "true");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "give either --pid-of NAME or a program to run, not both");
	FL_RUN(&r, "run", "--pid-of", "/usr/sbin/httpd", "-e", RULE);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "invalid --pid-of '/usr/sbin/httpd': expected a process name");
	FL_RUN(&r, "run", "--pid-of", "x", "--wait", "soon", "-e", RULE);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "invalid --wait 'soon'");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(pid_of_waits_for_comm, fl_setup, teardown),
		cmocka_unit_test_setup_teardown(pid_of_matches_argv0, fl_setup, teardown),
		cmocka_unit_test_setup_teardown(pid_of_timeout_125, fl_setup, teardown),
		cmocka_unit_test_setup_teardown(pid_of_unrelated_125_or_all, fl_setup, teardown),
		cmocka_unit_test_setup_teardown(pid_of_attaches_forked_copies, fl_setup, teardown),
		cmocka_unit_test_setup_teardown(pid_of_usage_125, fl_setup, teardown),
	};

	return fl_main(argc, argv, "pidof", tests, FL_ARRAY_SIZE(tests), true);
}

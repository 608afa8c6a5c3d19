/*
 * Attach mode: faultline run -p PID. A long-running helper (fl-server) opens
 * a file every 20 ms and prints the outcome; faultline attaches, injects,
 * and detaches; the helper must carry on unharmed, untraced and not stopped.
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

#include "direct.h"
#include "harness.h"

struct server {
	pid_t pid;
	char *out_path;
};

static void msleep(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Start fl-server on a file that exists, its stdout going to a file. */
static struct server start_server(void)
{
	const char *exe = getenv("FL_SERVER");
	struct server s;
	char *target = fl_mkfile("served", "x\n");

	assert_non_null(exe);
	s.out_path = fl_path("server.out");
	s.pid = fork();
	assert_true(s.pid >= 0);
	if (s.pid == 0) {
		int fd = open(s.out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(121);
		execl(exe, "fl-server", target, (char *)NULL);
		_exit(127);
	}
	/* Wait until it ticks. */
	for (int i = 0; i < 250; i++) {
		char *out = fl_read_file(s.out_path);
		if (out && strstr(out, "tick 2:"))
			return s;
		msleep(20);
	}
	fail_msg("fl-server never started ticking");
	return s;
}

/* Field "State:" / "TracerPid:" of /proc/PID/status. */
static char *status_field(pid_t pid, const char *key)
{
	char *text = fl_read_file(fl_strf("/proc/%d/status", pid));
	char *line;

	assert_non_null(text);
	line = strstr(text, key);
	assert_non_null(line);
	line += strlen(key);
	while (*line == ' ' || *line == '\t')
		line++;
	line[strcspn(line, "\n")] = '\0';
	return line;
}

/* The server is alive, untraced, not stopped, and still ticking "ok". */
static void assert_server_unharmed(struct server *s)
{
	char *before = fl_read_file(s->out_path);
	size_t ok_before = (size_t)fl_count_lines(before, ": ok");
	char *after;

	assert_string_equal(status_field(s->pid, "TracerPid:"), "0");
	char *state = status_field(s->pid, "State:");
	if (state[0] == 'T' || state[0] == 't')
		fail_msg("fl-server left stopped: State %s", state);
	msleep(200);
	after = fl_read_file(s->out_path);
	if ((size_t)fl_count_lines(after, ": ok") < ok_before + 3)
		fail_msg("fl-server stopped answering after detach:\n%s", after);
}

static void stop_server(struct server *s)
{
	int status;

	kill(s->pid, SIGKILL);
	waitpid(s->pid, &status, 0);
}

static void attach_injects_then_detaches(void **state)
{
	struct server s = start_server();
	char *pid = fl_strf("%d", s.pid);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-p", pid, "--duration", "600ms", "-e",
	       "{syscall: open, error: EACCES}");
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, "= -1 EACCES");
	/* The service saw the faults while faultline was attached... */
	if (fl_count_lines(fl_read_file(s.out_path), "err EACCES") < 3)
		fail_msg("no EACCES reached the service:\n%s", fl_read_file(s.out_path));
	/* ...and carries on normally afterwards. */
	assert_server_unharmed(&s);
	stop_server(&s);
}

/*
 * The report of an attach run has its own shape: the processes attached
 * to (pid and executable) instead of a command, and "detached" instead
 * of an exit it never saw (not {"signal": 0} and "command": []).
 */
static void attach_report_shape(void **state)
{
	struct server s = start_server();
	char *pid = fl_strf("%d", s.pid), *report = fl_path("r.json");
	struct fl_result r;
	json_t *j, *att, *one;

	(void)state;
	FL_RUN(&r, "run", "-p", pid, "--duration", "400ms", "--report", report, "-e",
	       "{syscall: open, error: EACCES}");
	/* Stopped before anything is asserted: a failing check must not leave it running. */
	stop_server(&s);
	fl_assert_exit(&r, 0);
	j = fl_load_json(report);
	assert_null(json_object_get(j, "command"));
	assert_true(json_is_true(fl_json_get(fl_json_get(j, "exit"), "detached")));
	assert_int_equal(json_object_size(fl_json_get(j, "exit")), 1);
	att = fl_json_get(j, "attached");
	assert_int_equal(json_array_size(att), 1);
	one = json_array_get(att, 0);
	assert_int_equal(fl_json_int(one, "pid"), s.pid);
	assert_non_null(strstr(fl_json_str(one, "exe"), "fl-server"));
	json_decref(j);
}

static void attach_sigterm_detaches(void **state)
{
	struct server s = start_server();
	char *pid = fl_strf("%d", s.pid);
	struct fl_proc *p;
	struct fl_result r;

	(void)state;
	p = FL_SPAWN("run", "-p", pid, "-e", "{syscall: open, error: ENOENT}");
	for (int i = 0; i < 250 && fl_count_lines(fl_read_file(s.out_path), "err ENOENT") < 2; i++)
		msleep(20);
	assert_int_equal(kill(p->pid, SIGTERM), 0);
	fl_finish(p, &r, 10000);
	fl_assert_exit(&r, 0);
	/* SIGTERM meant "detach", not "kill the service". */
	assert_int_equal(kill(s.pid, 0), 0);
	assert_server_unharmed(&s);
	stop_server(&s);
}

/* A thread held in an injected delay is let go at detach, not after 30 s. */
static void attach_releases_delay_on_detach(void **state)
{
	struct server s = start_server();
	char *pid = fl_strf("%d", s.pid);
	struct timespec t0, t1;
	struct fl_result r;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	FL_RUN(&r, "run", "-p", pid, "--duration", "300ms", "-e", "{syscall: open, delay: 30s}");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fl_assert_exit(&r, 0);
	if (t1.tv_sec - t0.tv_sec > 10)
		fail_msg("detaching waited out the 30 s delay");
	assert_server_unharmed(&s);
	stop_server(&s);
}

static void attach_no_such_process(void **state)
{
	struct fl_result r;

	(void)state;
	/* Above the largest pid_max Linux allows (2^22). */
	FL_RUN(&r, "run", "-p", "4194305", "-e", "{syscall: open, error: EIO}");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "no process with pid 4194305");
}

static void attach_already_traced(void **state)
{
	struct server s = start_server();
	char *pid = fl_strf("%d", s.pid);
	struct fl_proc *first;
	struct fl_result r1, r2;

	(void)state;
	first = FL_SPAWN("run", "-p", pid, "-e", "{syscall: acct, error: EPERM}");
	for (int i = 0; i < 250 && strcmp(status_field(s.pid, "TracerPid:"), "0") == 0; i++)
		msleep(20);
	FL_RUN(&r2, "run", "-p", pid, "-e", "{syscall: acct, error: EPERM}");
	fl_assert_exit(&r2, 125);
	fl_assert_err_has(&r2, "is already traced by pid");
	kill(first->pid, SIGTERM);
	fl_finish(first, &r1, 10000);
	fl_assert_exit(&r1, 0);
	assert_server_unharmed(&s);
	stop_server(&s);
}

static void attach_pid_and_command_125(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-p", "1", "-e", "{syscall: open, error: EIO}", "--", "true");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "either -p PID or a program");
}

/*
 * --duration is kept while the traced process keeps faultline busy: 16
 * threads stopping at every call must not starve the deadline.
 */
static void attach_busy_process_duration(void **state)
{
	const char *stress = getenv("FL_STRESS");
	struct timespec t0, t1;
	struct fl_result r;
	pid_t pid;
	int status;

	(void)state;
	assert_non_null(stress);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		execl(stress, "fl-stress", "threads-syscalls", "16", "100000000", (char *)NULL);
		_exit(127);
	}
	msleep(300);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	FL_RUN(&r, "run", "-q", "-p", fl_strf("%d", pid), "--duration", "300ms", "-e",
	       "{syscall: [read, write], error: EIO, probability: 0}");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	fl_assert_exit(&r, 0);
	if (t1.tv_sec - t0.tv_sec > 10)
		fail_msg("--duration 300ms took %ld s on a busy process", (long)(t1.tv_sec - t0.tv_sec));
}

/*
 * A shortened read interrupted by a signal is restarted by the kernel with
 * the shortened count: the program sees 10 bytes, not 100.
 */
static void short_survives_restart(void **state)
{
	const char *helper = getenv("FL_RESTART");
	struct fl_result r;

	(void)state;
	assert_non_null(helper);
	FL_RUN(&r, "run", "-e", "{syscall: read, args: {2: 100}, short: 10, times: 1}", "--", helper);
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "what read returned", r.out, "read -> 10\n");
}

/*
 * Another user's process: a clear refusal that says what is needed, and
 * nothing touched. Run as root, the test drops to nobody with setpriv(1).
 */
static void attach_permission_denied(void **state)
{
	struct server s;
	struct fl_result r;

	(void)state;
	if (geteuid() != 0)
		fl_skip("needs root, to attach as another user");
	if (access("/usr/bin/setpriv", X_OK) < 0)
		fl_skip("no setpriv(1) to drop privileges with");
	const char *const probe[] = { "/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
				      "--clear-groups", fl_faultline(), "--version", NULL };
	fl_run_direct(&r, probe, 20000);
	if (r.code != 0)
		fl_skip("user nobody cannot run this build's faultline (a private build directory)");
	s = start_server();
	const char *const argv[] = { "/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
				     "--clear-groups", fl_faultline(), "run", "-p",
				     fl_strf("%d", s.pid), "-e", "{syscall: open, error: EIO}", NULL };
	fl_run_direct(&r, argv, 20000);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "permission denied: tracing needs the same user or CAP_SYS_PTRACE");
	assert_server_unharmed(&s);
	stop_server(&s);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FL_TEST(attach_injects_then_detaches),
		FL_TEST(attach_report_shape),
		FL_TEST(attach_sigterm_detaches),
		FL_TEST(attach_releases_delay_on_detach),
		FL_TEST(attach_no_such_process),
		FL_TEST(attach_already_traced),
		FL_TEST(attach_pid_and_command_125),
		FL_TEST(attach_busy_process_duration),
		FL_TEST(short_survives_restart),
		FL_TEST(attach_permission_denied),
	};

	return fl_main(argc, argv, "attach", tests, FL_ARRAY_SIZE(tests), true);
}

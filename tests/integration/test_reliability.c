/*
 * Reliability (issue 16): faultline never leaves a process behind, stopped
 * or running untraced, whatever happens to faultline itself.
 *
 * The failures are provoked, not waited for: strace's `-e inject=` holds
 * faultline inside its first ptrace() call (the window between the child's
 * stop and PTRACE_SEIZE), and tests/helpers/fl-failalloc.c (LD_PRELOAD)
 * makes faultline's allocations fail from the moment the test says so.
 * The test process is a child subreaper, so whatever faultline orphans
 * comes back to it and can be watched and reaped.
 */
#include "direct.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

/* How long a process that must die has to do so (it takes milliseconds). */
#define DIE_WITHIN_MS 15000

static void nap_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The first child of @pid (from /proc), or 0. */
static pid_t child_of(pid_t pid)
{
	char path[64], buf[256];
	FILE *f;
	long c = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f) || sscanf(buf, "%ld", &c) != 1)
		c = 0;
	fclose(f);
	return (pid_t)c;
}

/* The state letter of /proc/PID/stat ('T' stopped, 't' traced, ...), or 0. */
static char state_of(pid_t pid)
{
	char path[64], buf[512];
	FILE *f;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return p && p[1] == ' ' ? p[2] : 0;
}

/*
 * Waits for faultline's command to exist and wait, asleep ('S'), for
 * faultline to seize it: the child of the wrapper's child (strace forks
 * probes of its own first, so the child is looked up anew each time). 0 if
 * it never does; *@ret_fl is faultline.
 */
static pid_t held_grandchild(pid_t wrapper, pid_t *ret_fl, int timeout_ms)
{
	for (int waited = 0; waited < timeout_ms; waited += 10) {
		pid_t fl = child_of(wrapper);
		pid_t c = fl > 0 ? child_of(fl) : 0;

		if (c > 0 && state_of(c) == 'S') {
			*ret_fl = fl;
			return c;
		}
		nap_ms(10);
	}
	return 0;
}

/*
 * Reaps @pid (our child: its parent died and we are the subreaper) within
 * @timeout_ms. Its wait status, or -1 when it did not end; then it is
 * killed and reaped here, so nothing outlives the test.
 */
static int reap_within(pid_t pid, int timeout_ms)
{
	int st;

	for (int waited = 0; waited < timeout_ms; waited += 10) {
		pid_t w = waitpid(pid, &st, WNOHANG | __WALL);

		if (w == pid)
			return st;
		nap_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, __WALL);
	return -1;
}

static void need_strace(void)
{
	struct fl_result r;
	const char *argv[] = { "strace", "-qq", "-o", "/dev/null", "-e", "inject=getppid:error=EPERM",
			       "true", NULL };

	fl_run_direct(&r, argv, 20000);
	if (r.code != 0)
		fl_skip("strace with -e inject= is not available here (apt-get install strace)");
}

static void be_subreaper(void)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		print_error("PR_SET_CHILD_SUBREAPER: %s\n", strerror(errno));
		fail();
	}
}

/*
 * strace holds faultline in its first ptrace() call (PTRACE_SEIZE of the
 * command) for 5 s; the command has forked and waits to be let go by then.
 */
static const char *const seize_delayed[] = {
	"strace", "-qq", "-o", "/dev/null", "-e", "trace=ptrace",
	"-e", "inject=ptrace:delay_enter=5000000:when=1", NULL,
};

/* The command leaves a file "ran" if it ever runs. */
#define RAN_COMMAND "--", "/bin/sh", "-c", "echo ran > ran"

/*
 * faultline under strace, held in PTRACE_SEIZE with its command forked and
 * waiting: the wrapper's process in *@ret_p, faultline's pid in *@ret_fl;
 * returns the command's pid.
 */
static pid_t start_held_in_seize(struct fl_proc **ret_p, pid_t *ret_fl)
{
	const char *args[] = { "run", "-q", "-e", "{syscall: getppid, error: EPERM}", RAN_COMMAND,
			       NULL };
	struct fl_result r;
	pid_t cmd;

	need_strace();
#ifdef SANITIZED
	/* LeakSanitizer refuses to run in a traced process (strace traces faultline). */
	setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
#endif
	*ret_p = fl_spawn_wrapped(seize_delayed, args);
	cmd = held_grandchild((*ret_p)->pid, ret_fl, DIE_WITHIN_MS);
	if (!cmd) {
		fl_finish(*ret_p, &r, DIE_WITHIN_MS);
		print_error("faultline's command never showed up waiting\n");
		fl_dump(&r);
		fail();
	}
	return cmd;
}

/*
 * faultline SIGKILLed between fork and PTRACE_SEIZE: its waiting child must
 * die with it (once: it stayed in state T, reparented, forever).
 */
static void spawn_killed_before_seize(void **state)
{
	struct fl_result r;
	struct fl_proc *p;
	pid_t fl = 0, cmd;
	int st;

	(void)state;
	be_subreaper();
	cmd = start_held_in_seize(&p, &fl);
	kill(fl, SIGKILL);
	st = reap_within(cmd, DIE_WITHIN_MS);
	fl_finish(p, &r, DIE_WITHIN_MS);
	if (st == -1) {
		print_error("the command (pid %d) outlived faultline's SIGKILL\n", cmd);
		fail();
	}
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL) {
		print_error("the command ended with status 0x%x, want death by SIGKILL\n", st);
		fail();
	}
	assert_false(fl_exists(fl_path("ran")));
}

/*
 * A SIGCONT (from a shell, anyone) to the command before faultline has
 * seized it must not run the command untraced, with a prefilter that fails
 * every call a rule names (once: it did). The child waits on a pipe, not in
 * a stop, so the SIGCONT changes nothing: the command runs once seized.
 */
static void spawn_continued_before_seize(void **state)
{
	struct fl_result r;
	struct fl_proc *p;
	pid_t fl = 0, cmd;

	(void)state;
	cmd = start_held_in_seize(&p, &fl);
	kill(cmd, SIGCONT);
	/* strace holds the seize for 5 s: the command must still be waiting. */
	nap_ms(300);
	if (fl_exists(fl_path("ran"))) {
		print_error("the command ran before faultline had seized it\n");
		fail();
	}
	assert_int_equal(state_of(cmd), 'S');
	fl_finish(p, &r, 30000);
	fl_assert_exit(&r, 0);
	assert_true(fl_exists(fl_path("ran")));
}

/*
 * faultline polls waitpid() before it sleeps only after a call's stop, when
 * the next stop is microseconds away. After an exec, a fork or a signal it
 * sleeps at once: the polls (100 per event) were CPU the traced tree of a
 * fork/exec loop lost. strace counts faultline's wait4() calls.
 */
static void no_polling_between_processes(void **state)
{
	char *trace = fl_path("wait4.txt");
	const char *wrap[] = { "strace", "-qq", "-o", trace, "-e", "trace=wait4", NULL };
	const char *args[] = { "run", "-q", "--report", fl_path("r.json"), "-e", FL_NOOP_RULE, "--",
			       "/bin/sh", "-c", "/bin/true; /bin/true; /bin/true; exit 0", NULL };
	const char *mode = getenv("FL_MODE");
	struct fl_result r;
	json_int_t stops = 0;
	json_t *j;
	int waits;

	(void)state;
	need_strace();
#ifdef SANITIZED
	setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
#endif
	fl_finish(fl_spawn_wrapped(wrap, args), &r, 60000);
	fl_assert_exit(&r, 0);
	if (mode && !strcmp(mode, "no-seccomp"))
		return; /* every call stops, and is followed by a poll: nothing to count */
	j = fl_load_json(fl_path("r.json"));
	assert_int_equal(json_unpack(j, "{s:{s:I}}", "tracer", "stops", &stops), 0);
	json_decref(j);
	waits = fl_count_lines(fl_read_file(trace), "wait4(");
	/* One wait per event, plus the few of start-up and the end (ECHILD). */
	if (waits > stops + 5)
		fail_msg("%d wait4() calls for %lld events: faultline polled between processes",
			 waits, (long long)stops);
}

/*
 * After a call's stop faultline polls, but only while the stops come soon:
 * a program whose matched calls are 30 ms apart (work in between that no
 * rule names) gets shorter and shorter polls, down to none (before: a full
 * poll after each of them, CPU taken from the program). The report counts
 * the polls that found nothing: each halves the next, so after 50, 25, ...
 * 1.6 us they stop; 20 polls in vain would mean no fading. A few more may
 * come from the program's start-up, whose stops come soon and reset it.
 */
static void polls_fade_when_stops_are_far_apart(void **state)
{
	enum { OPENS = 20 };
	char *report = fl_path("r.json");
	char *file = fl_mkfile("f", "x\n");
	const char *args[8 + 7 * OPENS] = { "run", "-q", "--report", report, "-e",
					    "{syscall: " FL_OPEN_NAME ", error: EIO, probability: 0}",
					    "--", fl_victim() };
	const char *mode = getenv("FL_MODE");
	json_int_t stops, idle;
	struct fl_result r;
	size_t n = 8;
	json_t *j;

	(void)state;
	for (int i = 0; i < OPENS; i++) {
		if (i)
			args[n++] = "+";
		args[n++] = "open";
		args[n++] = file;
		args[n++] = "1";
		args[n++] = "+";
		args[n++] = "nap";
		args[n++] = "30";
	}
	args[n] = NULL;
	fl_run_argv(&r, args);
	fl_assert_exit(&r, 0);
	assert_int_equal(fl_count_lines(r.out, ": ok"), OPENS);
	if (mode && !strcmp(mode, "no-seccomp"))
		return; /* every call stops: the nanosleeps too, and the start-up's many calls */
	j = fl_load_json(report);
	assert_int_equal(json_unpack(j, "{s:{s:I, s:I}}", "tracer", "stops", &stops, "idle_polls",
				     &idle), 0);
	json_decref(j);
	assert_true(stops >= OPENS);
	if (idle > 12)
		fail_msg("%lld polls in vain for %d stops 30 ms apart: the polls did not fade",
			 (long long)idle, OPENS);
}

static const char *failalloc(void)
{
	const char *so = getenv("FL_FAILALLOC");

#ifdef SANITIZED
	fl_skip("the allocation-failure shim cannot be preloaded into a sanitized faultline");
#endif
	if (getenv("FL_FAULTLINE_STATIC") && *getenv("FL_FAULTLINE_STATIC"))
		fl_skip("faultline is linked statically (-Dstatic=true): LD_PRELOAD cannot reach "
			"its allocator");
	if (!so || !*so) {
		print_error("FL_FAILALLOC is not set (run through meson test)\n");
		fail();
	}
	return so;
}

/* Opens the FIFO @path for writing within DIE_WITHIN_MS, or fails. */
static int open_fifo_writer(const char *path)
{
	for (int waited = 0; waited < DIE_WITHIN_MS; waited += 10) {
		int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

		if (fd >= 0)
			return fd;
		nap_ms(10);
	}
	print_error("nobody opened the FIFO %s for reading\n", path);
	fail();
	return -1;
}

/*
 * Out of memory while the program forks: the new child is traced but never
 * made it into faultline's table. The run must still end, with 125, and
 * take the child with it (before: faultline waited for it forever).
 */
static void fatal_error_during_fork_storm(void **state)
{
	char *fifo = fl_path("go");
	char *trigger = fl_path("no-more-memory");
	const char *so = failalloc();
	struct fl_result r;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	setenv("FL_FAILALLOC_FILE", trigger, 1);
	setenv("LD_PRELOAD", so, 1);
	struct fl_proc *p = FL_SPAWN("run", "-q", "-e", FL_NOOP_RULE, "--", "/bin/sh", "-c",
				     "echo ready; read x < go; /bin/sleep 30 & /bin/sleep 30; echo done");
	unsetenv("LD_PRELOAD");

	if (!fl_wait_stdout(p, "ready", DIE_WITHIN_MS)) {
		fl_finish(p, &r, 1000);
		fl_dump(&r);
		fail();
	}
	/* From now on faultline cannot allocate; then the shell forks. */
	fl_mkfile("no-more-memory", "");
	int fd = open_fifo_writer(fifo);
	assert_true(write(fd, "\n", 1) == 1);
	close(fd);

	fl_finish(p, &r, 30000);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "out of memory");
	fl_assert_out_lacks(&r, "done");
}

/*
 * Out of memory while a thread is held in a delay: the delay must still end
 * and the call go on (before: the thread stayed stopped and the run never
 * ended).
 */
static void delay_released_when_memory_runs_out(void **state)
{
	char *file = fl_mkfile("exists", "data\n");
	char *trigger = fl_path("no-more-memory");
	const char *so = failalloc();
	struct fl_result r;

	(void)state;
	setenv("FL_FAILALLOC_FILE", trigger, 1);
	setenv("LD_PRELOAD", so, 1);
	struct fl_proc *p = FL_SPAWN("run", "-o", "-", "-e", "{syscall: " FL_OPEN_NAME ", delay: 2s}", "--",
				     fl_victim(), "open", file, "1");
	unsetenv("LD_PRELOAD");

	/* The log line is written when the delay starts. */
	if (!fl_wait_stdout(p, "(rule ", DIE_WITHIN_MS)) {
		fl_finish(p, &r, 1000);
		fl_dump(&r);
		fail();
	}
	fl_mkfile("no-more-memory", "");
	fl_finish(p, &r, 30000);
	fl_assert_outcomes(&r, "open", "ok");
}

/*
 * Every allocation faultline makes, failed in turn (one per run): the run
 * either ends with 125 and no report, or it is the run it would have been,
 * with a complete report. Never a hang, a crash, or exit 0 with a broken
 * report (before: jansson 2.14 dropped a failed allocation inside an object
 * key and faultline wrote `{"seq":1,":0.04,...` and exited 0).
 *
 * libseccomp's own allocations are spared: when one fails inside its BPF
 * generator, libseccomp 2.5.4 crashes, spins, or silently emits a program
 * that lacks rules (all three seen here), which nothing outside it can
 * repair. faultline runs that generator once, in its own process, before
 * anything is started (README, Known limits).
 */
static void every_allocation_failure_is_clean(void **state)
{
	char *file = fl_mkfile("data", "some data\n");
	char *count = fl_path("count");
	char *report = fl_path("r.json");
	const char *so = failalloc();
	const char *args[] = { "run", "-q", "--report", report, "-e",
			       "{syscall: " FL_OPEN_NAME ", error: EACCES}", "--", fl_victim(), "open", file, "1",
			       NULL };
	struct fl_result r;
	unsigned long total = 0;

	(void)state;
	setenv("LD_PRELOAD", so, 1);
	setenv("FL_FAILALLOC_SPARE", "libseccomp", 1);
	setenv("FL_FAILALLOC_COUNT", count, 1);
	fl_run_argv(&r, args);
	unsetenv("FL_FAILALLOC_COUNT");
	fl_assert_exit(&r, 0);
	char *text = fl_read_file(count);
	assert_non_null(text);
	total = strtoul(text, NULL, 10);
	assert_true(total > 10);

	for (unsigned long n = 1; n <= total; n++) {
		char nth[32];
		json_error_t jerr;

		snprintf(nth, sizeof(nth), "%lu", n);
		setenv("FL_FAILALLOC_NTH", nth, 1);
		unlink(report);
		fl_run_argv(&r, args);
		if (r.code == 125) {
			if (fl_exists(report)) {
				fl_dump(&r);
				fail_msg("allocation %lu failed: exit 125 but a report was left", n);
			}
			continue;
		}
		if (r.code != 0) {
			fl_dump(&r);
			fail_msg("allocation %lu failed: exit %d (signal %d), want 0 or 125", n, r.code,
				 r.signal);
		}
		json_t *rep = json_load_file(report, 0, &jerr);
		if (!rep) {
			fl_dump(&r);
			fail_msg("allocation %lu failed: exit 0 with a broken report: %s (line %d col %d)",
				 n, jerr.text, jerr.line, jerr.column);
		}
		json_t *inj = json_object_get(rep, "injections");
		size_t n_inj = json_is_array(inj) ? json_array_size(inj) : 0;
		json_decref(rep);
		if (n_inj != 1 || fl_count_lines(r.out, "open[1]") != 1 ||
		    !strstr(r.out, "err EACCES")) {
			fl_dump(&r);
			fail_msg("allocation %lu failed: exit 0 but %zu injections reported", n, n_inj);
		}
	}
	unsetenv("FL_FAILALLOC_NTH");
	unsetenv("FL_FAILALLOC_SPARE");
	unsetenv("LD_PRELOAD");
}

/* Every child of @pid, appended to @out (at most @max in all); the count. */
static size_t children_of(pid_t pid, pid_t *out, size_t n, size_t max)
{
	char path[64];
	FILE *f;
	long c;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	f = fopen(path, "re");
	if (!f)
		return n;
	while (n < max && fscanf(f, "%ld", &c) == 1)
		out[n++] = (pid_t)c;
	fclose(f);
	return n;
}

/* A descendant of @root whose comm is @name, or 0. */
static pid_t descendant_named(pid_t root, const char *name)
{
	pid_t seen[512];
	size_t n = children_of(root, seen, 0, FL_ARRAY_SIZE(seen));

	for (size_t i = 0; i < n; i++) {
		char path[64], comm[64] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/comm", seen[i]);
		f = fopen(path, "re");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = 0;
			fclose(f);
		}
		comm[strcspn(comm, "\n")] = 0;
		if (!strcmp(comm, name))
			return seen[i];
		n = children_of(seen[i], seen, n, FL_ARRAY_SIZE(seen));
	}
	return 0;
}

/*
 * SIGKILL of `faultline sweep` while a run hangs: its jobs (the `faultline
 * run` processes and their programs) must die with it (before: they ran on,
 * reparented, past every --timeout).
 */
static void sweep_killed_takes_its_jobs(void **state)
{
	char *file = fl_mkfile("data", "some data\n");
	char *copy = fl_strf("%s", fl_victim());
	char *hang = fl_strf("%s/fl-sweep-hang", dirname(copy));
	struct fl_result r;
	pid_t prog = 0;

	(void)state;
	be_subreaper();
	struct fl_proc *p = FL_SPAWN("sweep", "--timeout", "600s", "-e", "{syscall: read, error: EIO}",
				     "--", hang, file);
	/* A run that hangs: the same program still there a second later. */
	for (int waited = 0; waited < DIE_WITHIN_MS; waited += 1000) {
		pid_t now = descendant_named(p->pid, "fl-sweep-hang");

		if (now && now == prog)
			break;
		prog = now;
		nap_ms(1000);
	}
	if (!prog) {
		fl_finish(p, &r, 1000);
		print_error("no run of the sweep ever hung\n");
		fl_dump(&r);
		fail();
	}
	kill(p->pid, SIGKILL);
	fl_finish(p, &r, DIE_WITHIN_MS);

	/* Whatever the sweep left is ours now (subreaper): it must end. */
	for (int waited = 0;; waited += 10) {
		pid_t left[64];
		size_t n = children_of(getpid(), left, 0, FL_ARRAY_SIZE(left));

		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			;
		if (n == 0)
			break;
		if (waited >= DIE_WITHIN_MS) {
			for (size_t i = 0; i < n; i++)
				kill(left[i], SIGKILL);
			while (waitpid(-1, NULL, __WALL) > 0)
				;
			print_error("%zu process(es) of the sweep outlived its SIGKILL\n", n);
			fail();
		}
		nap_ms(10);
	}
}

static const char *uring(void)
{
	const char *h = getenv("FL_URING");

	if (!h || !*h) {
		print_error("FL_URING is not set (run through meson test)\n");
		fail();
	}
	return h;
}

/*
 * An open through io_uring bypasses a rule on openat: faultline cannot see
 * it, and says so in the log and the report, once per process.
 */
static void io_uring_bypass_noticed(void **state)
{
	char *file = fl_mkfile("data", "some data\n");
	char *report = fl_path("r.json");
	const char *argv[] = { uring(), file, NULL };
	struct fl_result d, r;

	(void)state;
	fl_run_direct(&d, argv, 20000);
	if (strstr(d.out, "ring: unavailable"))
		fl_skip("io_uring is not available on this machine (io_uring_setup failed)");
	FL_RUN(&r, "run", "--report", report, "-e",
	       fl_strf("{syscall: openat, error: EACCES, path: '%s'}", file), "--", uring(), file);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "uring-openat", "ok");
	fl_assert_err_has(&r, "io_uring_setup: what this process submits through io_uring "
			      "bypasses every rule");
	assert_int_equal(fl_count_lines(r.err, "bypasses every rule"), 1);

	json_t *rep = fl_load_json(report);
	json_t *notices = fl_json_get(rep, "notices");
	assert_int_equal(json_array_size(notices), 1);
	fl_assert_str(&r, "notice kind", fl_json_str(json_array_get(notices, 0), "kind"),
		      "io_uring");
	json_decref(rep);
}

/*
 * The remedy the notice names, shipped as rules/scenarios/no-io-uring.yaml:
 * a program with an io_uring fallback then makes plain syscalls, and the
 * other rules get them (and no notice: no ring was made).
 */
static void io_uring_scenario_remedy(void **state)
{
	char *file = fl_mkfile("data", "some data\n");
	char *scenario = fl_strf("%s/rules/scenarios/no-io-uring.yaml", getenv("FL_SOURCE_ROOT"));
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-r", scenario, "-e",
	       fl_strf("{syscall: openat, error: EACCES, path: '%s'}", file), "--", uring(), file);
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "ring: unavailable ENOSYS");
	fl_assert_outcomes(&r, "openat", "EACCES");
	fl_assert_err_lacks(&r, "bypasses every rule");
}

/*
 * strace under faultline: its ptrace() requests fail (a process has one
 * tracer), and faultline says why, once per process, before strace's own
 * "Operation not permitted".
 */
static void ptrace_refusal_noticed(void **state)
{
	char *report = fl_path("r.json");
	struct fl_result r;

	(void)state;
	need_strace();
	FL_RUN(&r, "run", "--report", report, "-e", FL_NOOP_RULE, "--", "strace", "-o", "/dev/null",
	       "true");
	assert_int_not_equal(r.code, 0);
	fl_assert_err_has(&r, "will fail with EPERM: ");
	fl_assert_err_has(&r, "a process has only one tracer");
	fl_assert_err_has(&r, "Operation not permitted");

	json_t *rep = fl_load_json(report);
	json_t *notices = fl_json_get(rep, "notices");
	assert_true(json_array_size(notices) >= 1);
	fl_assert_str(&r, "notice kind", fl_json_str(json_array_get(notices, 0), "kind"), "ptrace");
	json_decref(rep);
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
		FL_TEST(spawn_killed_before_seize),
		FL_TEST(spawn_continued_before_seize),
		FL_TEST(no_polling_between_processes),
		FL_TEST(polls_fade_when_stops_are_far_apart),
		FL_TEST(fatal_error_during_fork_storm),
		FL_TEST(delay_released_when_memory_runs_out),
		FL_TEST(sweep_killed_takes_its_jobs),
		FL_TEST(every_allocation_failure_is_clean),
		FL_TEST(io_uring_bypass_noticed),
		FL_TEST(io_uring_scenario_remedy),
		FL_TEST(ptrace_refusal_noticed),
	};

	return fl_main(argc, argv, "reliability", tests, FL_ARRAY_SIZE(tests), true);
}

/*
 * Fidelity: a program behaves under faultline exactly as without it, as long
 * as no rule acts. Each case runs the same command three times,
 *   - without faultline,
 *   - under faultline with a rule that never matches (acct),
 *   - under faultline with a rule that matches every read, write and close
 *     at probability 0 (so those calls do stop the tracee, also with the
 *     seccomp prefilter, but are never changed),
 * and demands the same stdout and stderr bytes and the same exit status
 * (128+N for a death by signal N). Like every integration case, each runs
 * with the prefilter and with --no-seccomp.
 *
 * Then what a wrapper must also get right: a traced process killed in a
 * blocking call, faultline itself killed (its command must die with it,
 * nothing left stopped), a real parallel build, and faultline's memory over
 * 10000 short-lived processes.
 */
#include "direct.h"

#include <errno.h>
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

/* The two rule sets that must change nothing (see the top). */
static const char *const quiet_rules[] = {
	"{syscall: acct, error: EPERM}",
	"{syscall: [read, write, close], error: EIO, probability: 0}",
};

static const char *stress(void)
{
	const char *v = getenv("FL_STRESS");

	if (!v || !*v) {
		print_error("environment variable FL_STRESS is not set (run through meson test)\n");
		fail();
	}
	return v;
}

/*
 * How many times slower than the command alone a traced run may be before
 * it counts as hung. With --no-seccomp every call stops: about 3x on a
 * loaded 2-core machine for the shell loop; sanitizers add their own.
 */
#ifdef SANITIZED
#define FL_TRACED_SLOWDOWN_MAX 40
#else
#define FL_TRACED_SLOWDOWN_MAX 12
#endif

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- comparing runs ----------------------------------------------------- */

static void same_as_direct(const struct fl_result *d, const struct fl_result *r, const char *rule)
{
	if (r->timed_out || r->signal || r->code != d->code || strcmp(r->out, d->out) ||
	    strcmp(r->err, d->err)) {
		print_error("under faultline with %s the command behaved differently.\n", rule);
		print_error("=== without faultline:\n");
		fl_dump(d);
		print_error("=== under faultline:\n");
		fl_dump(r);
		if (r->code != d->code)
			print_error("exit status %d, without faultline %d\n", r->code, d->code);
		fail();
	}
}

/*
 * Runs @argv (NULL-terminated) without faultline and under faultline with
 * each of quiet_rules; all three must agree. Returns the run without
 * faultline in *@ret (may be NULL). faultline runs with -q, so stderr is
 * the command's alone (no log, and no warning that probability 0 never
 * acts).
 */
static void compare_rules(const char *const *argv, struct fl_result *ret, size_t first_rule)
{
	struct fl_result d, r;
	const char *args[64];
	size_t n = 0, k;

	double t0 = now_ms();
	fl_run_direct(&d, argv, FL_RUN_TIMEOUT_MS);
	/*
	 * faultline's bound comes from the machine: a multiple of what the
	 * command took without it, here and now (a loaded CI runner slows
	 * both), never less than the harness default.
	 */
	int within = (int)((now_ms() - t0) * FL_TRACED_SLOWDOWN_MAX);
	if (within < FL_RUN_TIMEOUT_MS)
		within = FL_RUN_TIMEOUT_MS;
	args[n++] = "run";
	args[n++] = "-q";
	args[n++] = "-e";
	k = n++;
	args[n++] = "--";
	for (size_t i = 0; argv[i]; i++) {
		assert_true(n < FL_ARRAY_SIZE(args) - 1);
		args[n++] = argv[i];
	}
	args[n] = NULL;
	for (size_t i = first_rule; i < FL_ARRAY_SIZE(quiet_rules); i++) {
		args[k] = quiet_rules[i];
		fl_finish(fl_spawn_argv(args), &r, within);
		same_as_direct(&d, &r, quiet_rules[i]);
	}
	if (ret)
		*ret = d;
}

static void compare(const char *const *argv, struct fl_result *ret)
{
	compare_rules(argv, ret, 0);
}

/*
 * For the slowest cases: with --no-seccomp every call stops whatever the
 * rules say, so the rule that never matches takes the same path as the one
 * at probability 0 and only the latter runs.
 */
static void compare_heavy(const char *const *argv, struct fl_result *ret)
{
	const char *mode = getenv("FL_MODE");

	compare_rules(argv, ret, mode && !strcmp(mode, "no-seccomp") ? 1 : 0);
}

#define COMPARE(ret, ...)                                                        \
	do {                                                                     \
		const char *const argv_[] = { __VA_ARGS__, NULL };               \
		compare(argv_, (ret));                                           \
	} while (0)
#define COMPARE_HEAVY(ret, ...)                                                  \
	do {                                                                     \
		const char *const argv_[] = { __VA_ARGS__, NULL };               \
		compare_heavy(argv_, (ret));                                     \
	} while (0)

/* The run without faultline printed @line (so the case tests what it should). */
static void direct_has_line(const struct fl_result *d, const char *line)
{
	if (!fl_has_line(d->out, line)) {
		print_error("without faultline the command did not print \"%s\"\n", line);
		fl_dump(d);
		fail();
	}
}

/* ---- cases: the same behaviour ------------------------------------------ */

static void exit_statuses(void **state)
{
	static const char *const codes[] = { "0", "1", "42", "255" };
	struct fl_result d;

	(void)state;
	for (size_t i = 0; i < FL_ARRAY_SIZE(codes); i++) {
		COMPARE(&d, stress(), "exit", codes[i]);
		assert_int_equal(d.code, atoi(codes[i]));
	}
}

/* Bytes, not lines: NUL, 0xff, no final newline, and both streams. */
static void output_bytes(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE(&d, stress(), "stderr", "some text");
	direct_has_line(&d, "out 99 some text");
	COMPARE(&d, "/bin/sh", "-c", "printf 'a\\000b\\377c'; printf 'e\\001' >&2");
	assert_int_equal(d.code, 0);
}

/* Deaths by the signals that dump core: 128+N, as a shell reports them. */
static void core_signals(void **state)
{
	static const char *const sigs[] = { "SEGV", "ABRT", "QUIT", "FPE", "BUS", "ILL" };
	struct fl_result d;

	(void)state;
	COMPARE(&d, fl_victim(), "crash");
	assert_int_equal(d.code, 128 + SIGSEGV);
	for (size_t i = 0; i < FL_ARRAY_SIZE(sigs); i++)
		COMPARE(&d, fl_victim(), "signal", sigs[i]);
}

/* yes dies of SIGPIPE when head is done; the pipeline's status is head's. */
static void sigpipe_pipeline(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE(&d, "/bin/sh", "-c", "yes | head -n 1");
	fl_assert_str(&d, "output", d.out, "y\n");
	assert_int_equal(d.code, 0);
	/* The command itself killed by SIGPIPE. */
	COMPARE(&d, stress(), "sigpipe");
	assert_int_equal(d.code, 128 + SIGPIPE);
}

/* A child stops itself; its parent sees the stop, continues it, reaps it. */
static void job_control(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE(&d, stress(), "jobctl");
	direct_has_line(&d, "child stopped by SIGSTOP");
	direct_has_line(&d, "child continued");
	direct_has_line(&d, "child exited 7");
}

/* The same with a multi-threaded child: every thread stops (group-stop). */
static void group_stop_threads(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE(&d, stress(), "jobctl-threads");
	direct_has_line(&d, "child frozen while stopped: yes");
	direct_has_line(&d, "child ran after SIGCONT: yes");
}

static void sigchld_handling(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE(&d, stress(), "sigchld");
	direct_has_line(&d, "SIGCHLD CLD_STOPPED 19");
	direct_has_line(&d, "SIGCHLD CLD_CONTINUED 18");
	direct_has_line(&d, "SIGCHLD CLD_KILLED 15");
}

static void vfork_children(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE(&d, stress(), "vfork");
	direct_has_line(&d, "vfork child exited 3, wrote 42");
	direct_has_line(&d, "vfork+exec child exited 4");
}

/* With SIGCHLD ignored the kernel reaps; wait() ends with ECHILD. */
static void sigchld_ignored(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE(&d, stress(), "sigchld-ignored");
	direct_has_line(&d, "wait: -1 ECHILD");
}

/* Queued real-time signals arrive each with its value and sender. */
static void queued_signals(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE(&d, stress(), "sigqueue");
	direct_has_line(&d, "queued signals: 5 delivered, values 1500, SI_QUEUE 5");
}

/* The exec'ing thread becomes the leader: same pid, one thread. */
static void exec_from_thread(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE(&d, stress(), "thread-exec");
	direct_has_line(&d, "after exec: same pid yes, threads 1");
}

/* The main thread execs while other threads run: they vanish. */
static void exec_from_leader_with_threads(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE(&d, stress(), "leader-exec");
	direct_has_line(&d, "after exec: same pid yes, threads 1");
}

static void threads_exit_while_others_run(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE(&d, stress(), "threads-exit");
	direct_has_line(&d, "threads done: 208");
}

/* The main thread exits first; the process lives on in its last thread. */
static void leader_exits_first(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE(&d, stress(), "leader-exit");
	assert_int_equal(d.code, 5);
}

/* 1000 short-lived processes, each exec'd by a shell. */
static void shell_loop_1000(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE_HEAVY(&d, "/bin/sh", "-c",
		      "i=0; while [ $i -lt 1000 ]; do /bin/true || exit 1; i=$((i+1)); done; echo $i");
	fl_assert_str(&d, "output", d.out, "1000\n");
}

/*
 * 64 threads make read, write and close at once (300 rounds each: with the
 * second rule set every one of them stops the thread).
 */
static void threads_64_syscalls(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE_HEAVY(&d, stress(), "threads-syscalls", "64", "300");
	direct_has_line(&d, "64 threads x 300 rounds: read 19200, write 19200, close 19200");
}

/* A child blocked in read(2) on a pipe is SIGKILLed by its parent. */
static void kill_blocked_child(void **state)
{
	struct fl_result d;

	(void)state;
	COMPARE(&d, stress(), "kill-blocked");
	direct_has_line(&d, "child killed by SIGKILL");
}

/*
 * The command exits while its child is stopped. Without faultline the
 * child's process group is orphaned at that moment and the kernel sends it
 * SIGHUP and SIGCONT, so the child dies and the run ends. faultline is a
 * member of that group too (the command inherits its group), and it has a
 * parent outside the group: the group is never orphaned, the child stays
 * stopped, and faultline, which waits for every traced process, must not
 * wait forever.
 */
static void orphaned_stopped_child(void **state)
{
	const char *const argv[] = { stress(), "orphan-stopped", NULL };
	struct fl_result d, r;
	struct fl_proc *p;

	(void)state;
	fl_run_direct(&d, argv, 10000);
	fl_assert_exit(&d, 3);
	fl_assert_str(&d, "output", d.out, "child stopped by SIGSTOP\n");
	for (size_t i = 0; i < FL_ARRAY_SIZE(quiet_rules); i++) {
		p = FL_SPAWN("run", "-q", "-e", quiet_rules[i], "--", argv[0], argv[1]);
		/* Without faultline this takes milliseconds. */
		fl_finish(p, &r, 5000);
		same_as_direct(&d, &r, quiet_rules[i]);
	}
}

/*
 * A signal faultline was started with ignored (nohup, a shell's background
 * job) stays ignored for the command, as it would without faultline.
 */
static void ignored_signal_inherited(void **state)
{
	const char *script = "trap '' HUP; exec \"$0\" run -q -e '{syscall: acct, error: EPERM}' -- "
			     "/bin/sh -c 'kill -HUP $$; echo survived SIGHUP'";
	const char *const argv[] = { "/bin/sh", "-c", script, fl_faultline(), NULL };
	struct fl_result r;

	(void)state;
	fl_run_direct(&r, argv, 20000);
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "output", r.out, "survived SIGHUP\n");
}

/*
 * After the command has exited, faultline still waits for what it left
 * running; a SIGTERM to faultline then reaches those processes (not the
 * command's old, maybe reused, pid), so `timeout faultline run ...` works.
 */
static void signal_reaches_leftovers(void **state)
{
	struct fl_proc *p;
	struct fl_result r;

	(void)state;
	p = FL_SPAWN("run", "-q", "-e", "{syscall: acct, error: EPERM}", "--", "/bin/sh", "-c",
		     "sleep 60 & echo started; exit 0");
	if (!fl_wait_stdout(p, "started", 20000))
		fail_msg("the command never started");
	usleep(300 * 1000);
	assert_int_equal(kill(p->pid, SIGTERM), 0);
	fl_finish(p, &r, 10000);
	/* The command's own status: it exited 0 before the signal. */
	fl_assert_exit(&r, 0);
}

/*
 * Only faultline's own process group needs the orphaned-group emulation: a
 * stopped process in a group that was orphaned all along (setsid) is left
 * alone when something else exits, as the kernel leaves it.
 */
static void orphaned_elsewhere_left_alone(void **state)
{
	const char *script = "setsid sleep 60 & W=$!; sleep 0.3; kill -STOP $W; sleep 0.3; "
			     "/bin/true; sleep 0.3; if kill -0 $W 2>/dev/null; then echo alive; "
			     "else echo gone; fi; kill -9 $W";
	const char *const argv[] = { "/bin/sh", "-c", script, NULL };
	struct fl_result d, r;

	(void)state;
	fl_run_direct(&d, argv, 20000);
	fl_assert_str(&d, "output", d.out, "alive\n");
	FL_RUN(&r, "run", "-q", "-e", "{syscall: acct, error: EPERM}", "--", argv[0], argv[1], argv[2]);
	fl_assert_str(&r, "output under faultline", r.out, "alive\n");
}

/* ---- cases: killing ----------------------------------------------------- */

/* "KEY PID" in @text, or -1. */
static pid_t pid_after(const char *text, const char *key)
{
	char *rest = fl_line_after(text, key);

	return rest ? (pid_t)atoi(rest) : -1;
}

/* The traced command, blocked in read(2), is SIGKILLed from outside. */
static void command_killed_in_read(void **state)
{
	const char *const argv[] = { stress(), "block-read", NULL };
	struct fl_result r;
	struct fl_proc *p;
	pid_t pid;

	(void)state;
	for (size_t i = 0; i < FL_ARRAY_SIZE(quiet_rules); i++) {
		p = FL_SPAWN("run", "-o", fl_path("log"), "-e", quiet_rules[i], "--", argv[0], argv[1]);
		if (!fl_wait_stdout(p, "ready ", 20000)) {
			fl_finish(p, &r, 1000);
			print_error("the command never printed ready\n");
			fl_dump(&r);
			fail();
		}
		pid = pid_after(fl_read_file(p->out_path), "ready ");
		assert_true(pid > 1);
		/* In read(2) by now, or soon: the kill works either way. */
		sleep_ms(100);
		assert_int_equal(kill(pid, SIGKILL), 0);
		fl_finish(p, &r, 10000);
		fl_assert_exit(&r, 128 + SIGKILL);
		fl_assert_out_lacks(&r, "read returned");
	}
}

/* Reaped (as subreaper) within @ms; false when still there. */
static bool reaped_within(pid_t pid, int ms, int *status)
{
	double end = now_ms() + ms;

	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);

		if (w == pid)
			return true;
		/* Not (yet) ours and gone from /proc: reaped by someone else. */
		if (w < 0 && errno == ECHILD && kill(pid, 0) < 0 && errno == ESRCH)
			return true;
		if (now_ms() > end)
			return false;
		sleep_ms(5);
	}
}

static char proc_state(pid_t pid)
{
	char *stat = fl_read_file(fl_strf("/proc/%d/stat", (int)pid));
	char *p = stat ? strrchr(stat, ')') : NULL;

	return p && p[1] == ' ' ? p[2] : '?';
}

/*
 * faultline killed by SIGKILL cannot clean up; its tracees must die with it
 * (PTRACE_O_EXITKILL) rather than run on untraced or stay stopped. This
 * process becomes a subreaper, so the orphans come to it and it can wait.
 */
static void faultline_killed_takes_command(void **state)
{
	struct fl_proc *p;
	struct fl_result r;
	pid_t parent, child;
	int st;

	(void)state;
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	p = FL_SPAWN("run", "-o", fl_path("log"), "-e", quiet_rules[1], "--", stress(), "sleep-tree");
	if (!fl_wait_stdout(p, "ready", 20000)) {
		fl_finish(p, &r, 1000);
		print_error("the command never printed ready\n");
		fl_dump(&r);
		fail();
	}
	parent = pid_after(fl_read_file(p->out_path), "parent ");
	child = pid_after(fl_read_file(p->out_path), "child ");
	assert_true(parent > 1 && child > 1);

	/* faultline alone, not its process group. */
	assert_int_equal(kill(p->pid, SIGKILL), 0);
	assert_int_equal(waitpid(p->pid, &st, 0), p->pid);
	p->reaped = true;
	p->status = st;
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	for (int i = 0; i < 2; i++) {
		pid_t pid = i ? child : parent;

		if (!reaped_within(pid, 5000, &st)) {
			char state_now = proc_state(pid);

			fl_finish(p, &r, 1000); /* kills the group: nothing outlives the test */
			reaped_within(pid, 5000, &st);
			print_error("the traced %s (pid %d) outlived faultline's SIGKILL by 5 s, "
				    "state %c (%s)\n", i ? "child" : "command", (int)pid, state_now,
				    state_now == 't' || state_now == 'T' ? "left stopped" : "running");
			fl_dump(&r);
			fail();
		}
	}
	fl_finish(p, &r, 1000);
}

/* ---- cases: real work --------------------------------------------------- */

static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	bool found = false;

	if (!path)
		return false;
	copy = fl_strf("%s", path);
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save))
		found = access(fl_strf("%s/%s", *dir ? dir : ".", prog), X_OK) == 0;
	return found;
}

/* A small C project: five files, one header, a Makefile. */
static char *make_project(const char *name)
{
	char *dir = fl_path(name);

	assert_int_equal(mkdir(dir, 0755), 0);
	fl_mkfile(fl_strf("%s/parts.h", name), "int part1(void);\nint part2(void);\n"
		  "int part3(void);\nint part4(void);\n");
	for (int i = 1; i <= 4; i++)
		fl_mkfile(fl_strf("%s/part%d.c", name, i),
			  fl_strf("#include \"parts.h\"\nint part%d(void)\n{\n\treturn %d;\n}\n", i,
				  i * 10));
	fl_mkfile(fl_strf("%s/main.c", name),
		  "#include <stdio.h>\n#include \"parts.h\"\n"
		  "int main(void)\n{\n"
		  "\tprintf(\"sum %d\\n\", part1() + part2() + part3() + part4());\n"
		  "\treturn 0;\n}\n");
	fl_mkfile(fl_strf("%s/Makefile", name),
		  "OBJS = main.o part1.o part2.o part3.o part4.o\n"
		  "prog: $(OBJS)\n\t$(CC) -o $@ $(OBJS)\n"
		  "%.o: %.c parts.h\n\t$(CC) -O1 -c -o $@ $<\n");
	return dir;
}

/* `make -j2` builds a program under faultline, which then runs. */
static void real_build(void **state)
{
	struct fl_result r, run;

	(void)state;
	if (!in_path("make") || !in_path("cc"))
		fl_skip("make or cc is not installed");
	for (size_t i = 0; i < FL_ARRAY_SIZE(quiet_rules); i++) {
		char *dir = make_project(fl_strf("proj%zu", i));

		FL_RUN(&r, "run", "-q", "-e", quiet_rules[i], "--", "make", "-s",
		       "-j2", "-C", dir, "CC=cc");
		fl_assert_exit(&r, 0);
		fl_assert_str(&r, "make's stderr", r.err, "");
		{
			const char *const argv[] = { fl_strf("%s/prog", dir), NULL };

			fl_run_direct(&run, argv, 10000);
			fl_assert_exit(&run, 0);
			fl_assert_str(&run, "the built program's output", run.out, "sum 100\n");
		}
	}
}

/* ---- faultline's memory ------------------------------------------------- */

/* VmHWM of @pid in KiB, or -1 when it is gone. */
static long vm_hwm(pid_t pid)
{
	char *status = fl_read_file(fl_strf("/proc/%d/status", (int)pid));
	char *line = status ? strstr(status, "\nVmHWM:") : NULL;

	return line ? atol(line + 7) : -1;
}

/*
 * 10000 short-lived processes, one after the other. faultline keeps state
 * per traced process; it must be freed as each exits, so its peak memory
 * after 10000 is what it was after 1000. Under ASan freed memory sits in a
 * quarantine, so the sanitized build only gets the (much looser) bound.
 */
#define SPAWNED 10000
#ifdef SANITIZED
#define GROWTH_MAX_KIB (256 * 1024)
#define HWM_MAX_KIB (1024 * 1024)
#else
#define GROWTH_MAX_KIB 1024
#define HWM_MAX_KIB (8 * 1024)
#endif

static void memory_flat_over_10000_processes(void **state)
{
	struct fl_proc *p;
	struct fl_result r;
	long at_1000 = -1, last = -1;
	double end = now_ms() + 120000;

	(void)state;
	p = FL_SPAWN("run", "-o", fl_path("log"), "-e", quiet_rules[1], "--", stress(), "spawn-many",
		     fl_strf("%d", SPAWNED));
	if (!fl_wait_stdout(p, "spawned 1000\n", 60000)) {
		fl_finish(p, &r, 1000);
		print_error("the command never got to 1000 processes\n");
		fl_dump(&r);
		fail();
	}
	at_1000 = vm_hwm(p->pid);
	assert_true(at_1000 > 0);
	/* Poll until it ends: the last value read is the peak of the whole run. */
	while (now_ms() < end) {
		long v = vm_hwm(p->pid);
		int st;

		if (v > 0)
			last = v;
		if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
			p->reaped = true;
			p->status = st;
			break;
		}
		sleep_ms(20);
	}
	fl_finish(p, &r, 1000);
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, fl_strf("%d of %d children exited as expected", SPAWNED, SPAWNED));
	print_message("faultline VmHWM: %ld KiB after 1000 processes, %ld KiB after %d\n", at_1000,
		      last, SPAWNED);
	if (last - at_1000 > GROWTH_MAX_KIB || last > HWM_MAX_KIB) {
		print_error("faultline's peak memory grew from %ld KiB (1000 processes) to %ld KiB "
			    "(%d processes); limits: growth %d KiB, peak %d KiB\n", at_1000, last,
			    SPAWNED, GROWTH_MAX_KIB, HWM_MAX_KIB);
		fl_dump(&r);
		fail();
	}
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
		FL_TEST(exit_statuses),
		FL_TEST(output_bytes),
		FL_TEST(core_signals),
		FL_TEST(sigpipe_pipeline),
		FL_TEST(job_control),
		FL_TEST(group_stop_threads),
		FL_TEST(sigchld_handling),
		FL_TEST(sigchld_ignored),
		FL_TEST(queued_signals),
		FL_TEST(vfork_children),
		FL_TEST(exec_from_thread),
		FL_TEST(exec_from_leader_with_threads),
		FL_TEST(threads_exit_while_others_run),
		FL_TEST(leader_exits_first),
		FL_TEST(shell_loop_1000),
		FL_TEST(threads_64_syscalls),
		FL_TEST(kill_blocked_child),
		FL_TEST(orphaned_stopped_child),
		FL_TEST(command_killed_in_read),
		FL_TEST(faultline_killed_takes_command),
		FL_TEST(real_build),
		FL_TEST(memory_flat_over_10000_processes),
		FL_TEST(ignored_signal_inherited),
		FL_TEST(signal_reaches_leftovers),
		FL_TEST(orphaned_elsewhere_left_alone),
	};

	return fl_main(argc, argv, "fidelity", tests, FL_ARRAY_SIZE(tests), true);
}

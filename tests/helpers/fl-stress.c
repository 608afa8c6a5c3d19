/*
 * fl-stress: process, thread and signal shapes that a tracer easily gets
 * wrong, for tests/integration/test_fidelity.c. Each subcommand prints what
 * it observed in a form that does not depend on timing, pids or scheduling,
 * so a run under faultline can be compared byte for byte with a run without.
 *
 * Plain libc, no faultline code, never sanitized (see README).
 *
 * Usage: fl-stress CMD [ARGS]
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *self = "/proc/self/exe";

static void usage(void)
{
	fprintf(stderr,
		"usage: fl-stress CMD [ARGS]\n"
		"  jobctl             a child stops itself (SIGSTOP), the parent sees it stop,\n"
		"                     checks it is frozen, continues it and reaps it\n"
		"  jobctl-threads     the same with a child of 4 busy threads (group-stop)\n"
		"  orphan-stopped     exit 3 while a child is stopped (the kernel then\n"
		"                     sends the orphaned group SIGHUP and SIGCONT)\n"
		"  sigchld            SIGCHLD with siginfo for exited, killed, stopped and\n"
		"                     continued children\n"
		"  sigchld-ignored    SIGCHLD set to SIG_IGN: wait() ends with ECHILD\n"
		"  sigqueue           five queued real-time signals with values\n"
		"  leader-exec        the main thread execs while other threads run\n"
		"  vfork              vfork children that exit and that exec\n"
		"  thread-exec        a non-leader thread execs while other threads run\n"
		"  threads-exit       threads exit while others make syscalls\n"
		"  leader-exit        the main thread exits first; the last thread exits 5\n"
		"  threads-syscalls T N  T threads make N rounds of read/write/close each\n"
		"  kill-blocked       a child blocked in read(2) on a pipe is SIGKILLed\n"
		"  block-read         print 'ready PID', then block in read(2) forever\n"
		"  sleep-tree         fork; both print their pid and sleep forever\n"
		"  spawn-many N       fork N children one after the other, each exits;\n"
		"                     prints spawned K every 1000\n"
		"  sigpipe            write into a pipe without a reader\n"
		"  stderr TEXT        write TEXT to stderr and stdout, interleaved\n");
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "fl-stress: %s: %s\n", what, strerror(errno));
	exit(99);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/* "exited 7", "killed by SIGKILL", ... */
static const char *status_text(int st)
{
	static char buf[64];

	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by SIG%s%s", sigabbrev_np(WTERMSIG(st)),
			 WCOREDUMP(st) ? " (core)" : "");
	else if (WIFSTOPPED(st))
		snprintf(buf, sizeof(buf), "stopped by SIG%s", sigabbrev_np(WSTOPSIG(st)));
	else if (WIFCONTINUED(st))
		snprintf(buf, sizeof(buf), "continued");
	else
		snprintf(buf, sizeof(buf), "status 0x%x", st);
	return buf;
}

static pid_t xfork(void)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork");
	return pid;
}

static int xwaitpid(pid_t pid, int options)
{
	int st;

	while (waitpid(pid, &st, options) < 0)
		if (errno != EINTR)
			die("waitpid");
	return st;
}

/* 'R', 'S', 'T', 't', 'Z', ... from /proc/PID/stat; 0 when gone. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* ---- job control -------------------------------------------------------- */

/* [0]: the child's progress, [1]: set by the parent to let the child exit. */
static atomic_ulong *shared_counter(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static atomic_ulong *counter;

static void *busy_thread(void *arg)
{
	(void)arg;
	for (;;) {
		syscall(SYS_getppid);
		atomic_fetch_add(counter, 1);
	}
	return NULL;
}

/*
 * The child stops itself; the parent must see the stop (WUNTRACED), see the
 * child frozen while stopped (its counter does not move), continue it, see
 * WCONTINUED, and finally its exit. Under a tracer, a stop that is reported
 * to the tracer but not kept (the tracee resumed at once) shows up here as a
 * counter that moves.
 */
static int jobctl(int n_threads)
{
	unsigned long before, after;
	pid_t pid;
	int st;

	counter = shared_counter();
	pid = xfork();
	if (pid == 0) {
		pthread_t t;

		for (int i = 0; i < n_threads; i++)
			if (pthread_create(&t, NULL, busy_thread, NULL))
				_exit(98);
		/* Run a while before stopping, the threads with us. */
		while (atomic_load(counter) < 1000) {
			syscall(SYS_getppid);
			atomic_fetch_add(counter, 1);
		}
		raise(SIGSTOP);
		atomic_fetch_add(counter, 1);
		/*
		 * Exit only once the parent saw the continue: a child that is
		 * already dead reports its exit instead of WCONTINUED.
		 */
		while (!atomic_load(&counter[1]))
			sleep_ms(1);
		_exit(7);
	}
	st = xwaitpid(pid, WUNTRACED);
	say("child %s\n", status_text(st));
	if (!WIFSTOPPED(st))
		return 1;
	before = atomic_load(counter);
	sleep_ms(200);
	after = atomic_load(counter);
	say("child frozen while stopped: %s\n", before == after ? "yes" : "no");
	if (before != after)
		fprintf(stderr, "fl-stress: counter moved %lu -> %lu\n", before, after);
	say("child state while stopped: %s\n",
	    proc_state(pid) == 'T' || proc_state(pid) == 't' ? "stopped" : "running");

	if (kill(pid, SIGCONT) < 0)
		die("kill");
	st = xwaitpid(pid, WCONTINUED);
	say("child %s\n", status_text(st));
	atomic_store(&counter[1], 1);
	st = xwaitpid(pid, 0);
	say("child %s\n", status_text(st));
	say("child ran after SIGCONT: %s\n", atomic_load(&counter[0]) > after ? "yes" : "no");
	return 0;
}

/*
 * The parent exits while its child is stopped. The child's process group
 * is orphaned then, and POSIX has the kernel send SIGHUP and SIGCONT to a
 * newly orphaned group with a stopped member: the child dies of SIGHUP.
 */
static int orphan_stopped(void)
{
	pid_t pid = xfork();
	int st;

	if (pid == 0) {
		raise(SIGSTOP);
		say("orphan resumed\n");
		_exit(0);
	}
	st = xwaitpid(pid, WUNTRACED);
	say("child %s\n", status_text(st));
	return 3;
}

/* ---- SIGCHLD ------------------------------------------------------------ */

struct chld_event {
	int code;
	int status;
};

static struct chld_event chld_events[16];
static volatile sig_atomic_t n_chld;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (n_chld < (sig_atomic_t)(sizeof(chld_events) / sizeof(chld_events[0]))) {
		chld_events[n_chld].code = si->si_code;
		chld_events[n_chld].status = si->si_status;
		n_chld++;
	}
}

static const char *cld_code(int code)
{
	switch (code) {
	case CLD_EXITED: return "CLD_EXITED";
	case CLD_KILLED: return "CLD_KILLED";
	case CLD_DUMPED: return "CLD_DUMPED";
	case CLD_STOPPED: return "CLD_STOPPED";
	case CLD_CONTINUED: return "CLD_CONTINUED";
	case CLD_TRAPPED: return "CLD_TRAPPED";
	}
	return "?";
}

/*
 * Waits until SIGCHLD number @want was handled; SIGCHLD is blocked outside
 * this wait, @unblocked is the mask to wait with. Gives up after 10 s: the
 * output then shows the missing signal instead of the test timing out.
 */
static void await_chld(const sigset_t *unblocked, sig_atomic_t want)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (int i = 0; n_chld < want && i < 1000; i++) {
		sigset_t blocked;

		sigprocmask(SIG_SETMASK, unblocked, &blocked);
		nanosleep(&ts, NULL);
		sigprocmask(SIG_SETMASK, &blocked, NULL);
	}
}

static int sigchld(void)
{
	struct sigaction sa = { 0 };
	sigset_t block, old;
	pid_t pid;
	int st;

	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		die("sigaction");
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);

	/* One at a time: SIGCHLD does not queue. */
	for (int i = 1; i <= 3; i++) {
		pid = xfork();
		if (pid == 0)
			_exit(i);
		await_chld(&old, n_chld + 1);
		st = xwaitpid(pid, 0);
		say("wait: %s\n", status_text(st));
	}

	pid = xfork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		for (;;)
			pause();
	}
	kill(pid, SIGSTOP);
	await_chld(&old, n_chld + 1);
	st = xwaitpid(pid, WUNTRACED);
	say("wait: %s\n", status_text(st));
	kill(pid, SIGCONT);
	await_chld(&old, n_chld + 1);
	st = xwaitpid(pid, WCONTINUED);
	say("wait: %s\n", status_text(st));
	kill(pid, SIGTERM);
	await_chld(&old, n_chld + 1);
	st = xwaitpid(pid, 0);
	say("wait: %s\n", status_text(st));

	sigprocmask(SIG_SETMASK, &old, NULL);
	for (int i = 0; i < n_chld; i++)
		say("SIGCHLD %s %d\n", cld_code(chld_events[i].code), chld_events[i].status);
	return 0;
}

/*
 * SIGCHLD ignored: children are reaped by the kernel, and wait() only
 * returns (ECHILD) once all of them are gone.
 */
static int sigchld_ignored(void)
{
	pid_t w;
	int st, err;

	signal(SIGCHLD, SIG_IGN);
	for (int i = 0; i < 3; i++) {
		pid_t pid = xfork();

		if (pid == 0) {
			sleep_ms(20 * i);
			_exit(i);
		}
	}
	w = wait(&st);
	err = errno;
	say("wait: %d %s\n", (int)w, w < 0 ? strerrorname_np(err) : status_text(st));
	return 0;
}

/* ---- queued signals ----------------------------------------------------- */

static volatile sig_atomic_t n_rt, rt_sum, rt_code_ok;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	n_rt++;
	rt_sum += si->si_value.sival_int;
	if (si->si_code == SI_QUEUE && si->si_pid == getpid())
		rt_code_ok++;
}

/* Real-time signals queue, each with its value, while blocked. */
static int sigqueue_values(void)
{
	struct sigaction sa = { 0 };
	sigset_t set;

	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGRTMIN, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 1; i <= 5; i++)
		sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = i * 100 });
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	say("queued signals: %d delivered, values %d, SI_QUEUE %d\n", (int)n_rt, (int)rt_sum,
	    (int)rt_code_ok);
	return 0;
}

/* ---- vfork -------------------------------------------------------------- */

static int do_vfork(void)
{
	static volatile int written_by_child;
	pid_t pid;
	int st;

	fflush(NULL);
	pid = vfork();
	if (pid < 0)
		die("vfork");
	if (pid == 0) {
		/* Shares the parent's memory until it exits or execs. */
		written_by_child = 42;
		_exit(3);
	}
	st = xwaitpid(pid, 0);
	say("vfork child %s, wrote %d\n", status_text(st), written_by_child);

	fflush(NULL);
	pid = vfork();
	if (pid < 0)
		die("vfork");
	if (pid == 0) {
		char *argv[] = { "fl-stress", "exit", "4", NULL };

		execv(self, argv);
		_exit(127);
	}
	st = xwaitpid(pid, 0);
	say("vfork+exec child %s\n", status_text(st));

	fflush(NULL);
	pid = vfork();
	if (pid < 0)
		die("vfork");
	if (pid == 0) {
		char *argv[] = { "no-such-program", NULL };

		execv("/nonexistent/no-such-program", argv);
		_exit(127);
	}
	st = xwaitpid(pid, 0);
	say("vfork+failed exec child %s\n", status_text(st));
	return 0;
}

/* ---- exec from a non-leader thread -------------------------------------- */

static char pid_arg[32];

static void *exec_thread(void *arg)
{
	char *argv[] = { "fl-stress", "after-exec", pid_arg, NULL };

	(void)arg;
	sleep_ms(20); /* with the spinner running */
	execv(self, argv);
	die("execv");
	return NULL;
}

static void *spin_thread(void *arg)
{
	(void)arg;
	for (;;)
		syscall(SYS_getppid);
	return NULL;
}

static int thread_exec(void)
{
	pthread_t t;

	snprintf(pid_arg, sizeof(pid_arg), "%d", (int)getpid());
	say("before exec\n");
	for (int i = 0; i < 3; i++)
		if (pthread_create(&t, NULL, spin_thread, NULL))
			die("pthread_create");
	if (pthread_create(&t, NULL, exec_thread, NULL))
		die("pthread_create");
	for (;;)
		pause();
	return 0;
}

/* The exec'ing thread takes over the process: same pid, one thread. */
static int after_exec(const char *old_pid)
{
	char line[256];
	int threads = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &threads) == 1)
			break;
	if (f)
		fclose(f);
	say("after exec: same pid %s, threads %d\n", atoi(old_pid) == getpid() ? "yes" : "no",
	    threads);
	return 0;
}

/* The main thread execs while other threads make syscalls. */
static int leader_exec(void)
{
	char *argv[] = { "fl-stress", "after-exec", pid_arg, NULL };
	pthread_t t;

	snprintf(pid_arg, sizeof(pid_arg), "%d", (int)getpid());
	for (int i = 0; i < 4; i++)
		if (pthread_create(&t, NULL, spin_thread, NULL))
			die("pthread_create");
	sleep_ms(20);
	fflush(NULL);
	execv(self, argv);
	die("execv");
	return 1;
}

/* ---- threads exiting ---------------------------------------------------- */

static atomic_int stop_workers;

static void *short_thread(void *arg)
{
	(void)arg;
	syscall(SYS_getppid);
	return (void *)1;
}

static void *worker_thread(void *arg)
{
	long n = 0;

	(void)arg;
	/* At least once: a worker that starts late must not count differently. */
	do {
		syscall(SYS_getppid);
		n++;
	} while (!atomic_load(&stop_workers));
	return (void *)(n > 0 ? 1L : 0L);
}

static int threads_exit(void)
{
	pthread_t workers[8];
	long ok = 0;

	for (int i = 0; i < 8; i++)
		if (pthread_create(&workers[i], NULL, worker_thread, NULL))
			die("pthread_create");
	/* 200 threads start and exit while the workers run. */
	for (int i = 0; i < 200; i++) {
		pthread_t t;
		void *ret;

		if (pthread_create(&t, NULL, short_thread, NULL))
			die("pthread_create");
		if (i % 2 == 0) {
			pthread_join(t, &ret);
			ok += (long)ret;
		} else {
			pthread_detach(t);
			ok++;
		}
	}
	atomic_store(&stop_workers, 1);
	for (int i = 0; i < 8; i++) {
		void *ret;

		pthread_join(workers[i], &ret);
		ok += (long)ret;
	}
	say("threads done: %ld\n", ok);
	return 0;
}

static void *last_thread(void *arg)
{
	(void)arg;
	/* Until the leader is a zombie: its state shows Z. */
	for (int i = 0; i < 500 && proc_state(getpid()) != 'Z'; i++)
		sleep_ms(2);
	for (int i = 0; i < 1000; i++)
		syscall(SYS_getppid);
	say("last thread: leader gone %s\n", proc_state(getpid()) == 'Z' ? "yes" : "no");
	exit(5);
}

static int leader_exit(void)
{
	pthread_t t;

	for (int i = 0; i < 3; i++)
		if (pthread_create(&t, NULL, spin_thread, NULL))
			die("pthread_create");
	if (pthread_create(&t, NULL, last_thread, NULL))
		die("pthread_create");
	say("leader exits\n");
	pthread_exit(NULL);
}

/* ---- many threads making syscalls at once ------------------------------- */

struct sys_counts {
	long rounds;
	long read_ok, write_ok, close_ok;
};

static pthread_barrier_t start_line;

static void *syscall_thread(void *arg)
{
	struct sys_counts *c = arg;
	char buf[64];
	int zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	pthread_barrier_wait(&start_line);
	for (long i = 0; i < c->rounds; i++) {
		int fd;

		if (read(zero, buf, sizeof(buf)) == (ssize_t)sizeof(buf))
			c->read_ok++;
		if (write(null, buf, sizeof(buf)) == (ssize_t)sizeof(buf))
			c->write_ok++;
		fd = dup(null);
		if (fd >= 0 && close(fd) == 0)
			c->close_ok++;
	}
	close(zero);
	close(null);
	return NULL;
}

static int threads_syscalls(int n_threads, long rounds)
{
	pthread_t *t = calloc((size_t)n_threads, sizeof(*t));
	struct sys_counts *c = calloc((size_t)n_threads, sizeof(*c));
	long r = 0, w = 0, cl = 0;

	if (!t || !c)
		die("calloc");
	pthread_barrier_init(&start_line, NULL, (unsigned)n_threads);
	for (int i = 0; i < n_threads; i++) {
		c[i].rounds = rounds;
		if (pthread_create(&t[i], NULL, syscall_thread, &c[i]))
			die("pthread_create");
	}
	for (int i = 0; i < n_threads; i++) {
		pthread_join(t[i], NULL);
		r += c[i].read_ok;
		w += c[i].write_ok;
		cl += c[i].close_ok;
	}
	say("%d threads x %ld rounds: read %ld, write %ld, close %ld\n", n_threads, rounds, r, w,
	    cl);
	free(t);
	free(c);
	return r == w && w == cl && r == n_threads * rounds ? 0 : 1;
}

/* ---- SIGKILL in a blocking call ----------------------------------------- */

/* Waits until @pid sleeps (in the read). */
static bool await_sleeping(pid_t pid)
{
	for (int i = 0; i < 2000; i++) {
		if (proc_state(pid) == 'S')
			return true;
		sleep_ms(1);
	}
	return false;
}

static int kill_blocked(void)
{
	int p[2], st;
	pid_t pid;

	if (pipe(p) < 0)
		die("pipe");
	pid = xfork();
	if (pid == 0) {
		char c;

		close(p[1]);
		(void)!read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	say("child blocked in read: %s\n", await_sleeping(pid) ? "yes" : "no");
	sleep_ms(50);
	kill(pid, SIGKILL);
	st = xwaitpid(pid, 0);
	say("child %s\n", status_text(st));
	/* The pipe still works: its reader is gone, so write gets EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	say("write to the dead reader's pipe: %s\n",
	    write(p[1], "x", 1) < 0 ? strerrorname_np(errno) : "ok");
	return 0;
}

static int block_read(void)
{
	int p[2];
	char c;

	if (pipe(p) < 0)
		die("pipe");
	say("ready %d\n", (int)getpid());
	/* The write end stays open: this read never returns. */
	(void)!read(p[0], &c, 1);
	say("read returned\n");
	return 1;
}

static int sleep_tree(void)
{
	pid_t pid = xfork();

	if (pid == 0) {
		say("child %d\n", (int)getpid());
		for (;;)
			pause();
	}
	/* The child's line first: the tests wait for "ready". */
	for (int i = 0; i < 2000 && proc_state(pid) != 'S'; i++)
		sleep_ms(1);
	say("parent %d\n", (int)getpid());
	say("ready\n");
	for (;;)
		pause();
	return 0;
}

/* ---- many processes ----------------------------------------------------- */

static int spawn_many(long n)
{
	long ok = 0;

	for (long i = 0; i < n; i++) {
		pid_t pid = xfork();
		int st;

		if (pid == 0)
			_exit((int)(i & 0x7f));
		st = xwaitpid(pid, 0);
		if (WIFEXITED(st) && WEXITSTATUS(st) == (int)(i & 0x7f))
			ok++;
		else
			fprintf(stderr, "fl-stress: child %ld: %s\n", i, status_text(st));
		/* Progress, for tests that measure something along the way. */
		if ((i + 1) % 1000 == 0)
			say("spawned %ld\n", i + 1);
	}
	say("%ld of %ld children exited as expected\n", ok, n);
	return ok == n ? 0 : 1;
}

static int sigpipe(void)
{
	int p[2];

	if (pipe(p) < 0)
		die("pipe");
	close(p[0]);
	say("writing\n");
	signal(SIGPIPE, SIG_DFL);
	(void)!write(p[1], "x", 1);
	say("survived SIGPIPE\n");
	return 1;
}

static int interleave(const char *text)
{
	for (int i = 0; i < 100; i++) {
		fprintf(stdout, "out %d %s\n", i, text);
		fflush(stdout);
		fprintf(stderr, "err %d %s\n", i, text);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	struct rlimit no_core = { 0, 0 };

	/* Crashes here are deliberate: no core files in the test directories. */
	setrlimit(RLIMIT_CORE, &no_core);
	if (argc < 2)
		usage();
	cmd = argv[1];
	if (!strcmp(cmd, "jobctl"))
		return jobctl(0);
	if (!strcmp(cmd, "jobctl-threads"))
		return jobctl(4);
	if (!strcmp(cmd, "sigchld"))
		return sigchld();
	if (!strcmp(cmd, "orphan-stopped"))
		return orphan_stopped();
	if (!strcmp(cmd, "sigchld-ignored"))
		return sigchld_ignored();
	if (!strcmp(cmd, "sigqueue"))
		return sigqueue_values();
	if (!strcmp(cmd, "leader-exec"))
		return leader_exec();
	if (!strcmp(cmd, "vfork"))
		return do_vfork();
	if (!strcmp(cmd, "thread-exec"))
		return thread_exec();
	if (!strcmp(cmd, "after-exec") && argc == 3)
		return after_exec(argv[2]);
	if (!strcmp(cmd, "threads-exit"))
		return threads_exit();
	if (!strcmp(cmd, "leader-exit"))
		return leader_exit();
	if (!strcmp(cmd, "threads-syscalls") && argc == 4)
		return threads_syscalls(atoi(argv[2]), atol(argv[3]));
	if (!strcmp(cmd, "kill-blocked"))
		return kill_blocked();
	if (!strcmp(cmd, "block-read"))
		return block_read();
	if (!strcmp(cmd, "sleep-tree"))
		return sleep_tree();
	if (!strcmp(cmd, "spawn-many") && argc == 3)
		return spawn_many(atol(argv[2]));
	if (!strcmp(cmd, "sigpipe"))
		return sigpipe();
	if (!strcmp(cmd, "stderr") && argc == 3)
		return interleave(argv[2]);
	if (!strcmp(cmd, "exit") && argc == 3)
		return atoi(argv[2]);
	usage();
}

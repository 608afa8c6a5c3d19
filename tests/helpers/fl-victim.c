/*
 * fl-victim: the program the integration tests run under faultline.
 *
 * Plain libc, no faultline code. Each subcommand makes a known sequence of
 * system calls and prints what it saw on stdout, one line per call, in a
 * form the tests parse:
 *
 *     OP[I] TARGET: ok [VALUE]
 *     OP[I] TARGET: err ENAME
 *
 * (TARGET is omitted where there is none, e.g. "getpid[1]: ok 4242").
 *
 * Calls that rules are meant to hit are made with syscall(2) so that the
 * syscall is the one the test names and libc can neither cache nor swap it:
 * "open" is the legacy open(2) syscall, which the dynamic loader never uses
 * (it uses openat), so a rule on `open` sees only the victim's own calls even
 * in a dynamically linked victim. "openat" is meant for the static build,
 * which makes no openat before main.
 *
 * Usage: fl-victim [--tag T] CMD [ARGS] [+ CMD [ARGS]]...
 *   --tag T prefixes every OP with "T-".
 *   "+" chains subcommands in one process.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fl-compat.h"

extern char **environ;

static const char *tag = "";
static const char *self_path = "/proc/self/exe";

static void usage(void)
{
	fprintf(stderr,
		"usage: fl-victim [--tag T] CMD [ARGS] [+ CMD [ARGS]]...\n"
		"  open PATH [N]      legacy open(2) N times (default 1)\n"
		"  openat PATH [N]    openat(2) N times\n"
		"  unlink PATH        unlink(2)\n"
		"  getpid [N]         getpid(2) N times, printing the raw value\n"
		"  retval-check       same as getpid 1\n"
		"  fork-open PATH     open in the parent, then in a forked child\n"
		"  thread-open PATH   open in the main thread, then in a new thread\n"
		"  exec-open PATH     open, then re-exec self to open again\n"
		"  spawn-open PATH    posix_spawn (vfork) self to open PATH\n"
		"  thread-exec PATH   a non-main thread re-execs self to open PATH\n"
		"  threads-open PATH T N  T threads open PATH N times each, at once\n"
		"  write PATH TEXT    create/truncate PATH and write TEXT\n"
		"  read PATH          print PATH's first line\n"
		"  exit N             exit with status N\n"
		"  signal SIG         raise SIG (name without SIG, or number)\n"
		"  crash              write through a NULL pointer\n"
		"  handle SIG         raise SIG with a handler installed; print handled\n"
		"  stop-cont          SIGSTOP self; a child sends SIGCONT; print resumed\n"
		"  delay-race PATH    open PATH while another thread calls getppid\n"
		"  sleep-forever      print ready, then pause() forever\n"
		"  nap MS             nanosleep MS milliseconds (no output)\n"
		"  trap-term          print ready; on SIGTERM print got SIGTERM, exit 3\n");
	exit(2);
}

static const char *ename(int err)
{
	static char buf[32];
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static long parse_long(const char *text)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 0);
	if (errno || end == text || *end) {
		fprintf(stderr, "fl-victim: bad number '%s'\n", text);
		exit(2);
	}
	return v;
}

/* "OP[I] TARGET: " */
static void head(const char *op, long i, const char *target)
{
	printf("%s%s%s[%ld]%s%s: ", tag, *tag ? "-" : "", op, i,
	       target ? " " : "", target ? target : "");
}

static void result(const char *op, long i, const char *target, long ret, int err)
{
	/* One line at a time, even from several threads. */
	flockfile(stdout);
	head(op, i, target);
	if (ret == -1)
		printf("err %s\n", ename(err));
	else
		printf("ok\n");
	fflush(stdout);
	funlockfile(stdout);
}

static void do_open(const char *op, const char *path, long n, bool at)
{
	for (long i = 1; i <= n; i++) {
		long fd;

		errno = 0;
		if (at)
			fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
		else
			fd = fl_sys_open(path, O_RDONLY);
		result(op, i, path, fd, errno);
		if (fd >= 0)
			close((int)fd);
	}
}

static void *thread_open(void *path)
{
	do_open("thread-open", path, 1, false);
	return NULL;
}

struct storm {
	const char *path;
	long n;
	int id;
	pthread_barrier_t *go;
};

static void *storm_thread(void *arg)
{
	struct storm *st = arg;
	char op[32];

	snprintf(op, sizeof(op), "t%d-open", st->id);
	pthread_barrier_wait(st->go);
	do_open(op, st->path, st->n, false);
	return NULL;
}

static void *thread_exec(void *path)
{
	char *args[] = { "fl-victim", "--tag", "thread-exec", "open", path, NULL };

	fflush(stdout);
	execv(self_path, args);
	perror("fl-victim: execv");
	exit(1);
}

static int signal_from_text(const char *text)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
		{ "ILL", SIGILL }, { "ABRT", SIGABRT }, { "BUS", SIGBUS },
		{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 },
		{ "SEGV", SIGSEGV }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },
		{ "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CHLD", SIGCHLD },
		{ "CONT", SIGCONT }, { "STOP", SIGSTOP }, { "WINCH", SIGWINCH },
	};

	if (!strncmp(text, "SIG", 3))
		text += 3;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!strcmp(text, sigs[i].name))
			return sigs[i].sig;
	return (int)parse_long(text);
}

static void no_core(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
}

/* ---- delay-race --------------------------------------------------------- */

static atomic_ulong race_iters;
static atomic_int race_done;

static void *race_counter(void *arg)
{
	while (!atomic_load(&race_done)) {
		syscall(SYS_getppid);
		atomic_fetch_add(&race_iters, 1);
	}
	return arg;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int delay_race(const char *path)
{
	pthread_t b;
	unsigned long before, after, paced;
	double t0, t1;
	long fd;
	int err;

	if (pthread_create(&b, NULL, race_counter, NULL)) {
		fprintf(stderr, "fl-victim: pthread_create failed\n");
		return 1;
	}
	/* B must be up and running before A's call starts. */
	t0 = now_ms();
	while (atomic_load(&race_iters) < 10 && now_ms() - t0 < 10000)
		sched_yield();

	/* B's pace on this machine, undisturbed: its calls in 100 ms. */
	paced = atomic_load(&race_iters);
	t0 = now_ms();
	while (now_ms() - t0 < 100)
		sched_yield();
	paced = atomic_load(&race_iters) - paced;

	before = atomic_load(&race_iters);
	t0 = now_ms();
	errno = 0;
	fd = fl_sys_open(path, O_RDONLY);
	err = errno;
	t1 = now_ms();
	after = atomic_load(&race_iters);
	atomic_store(&race_done, 1);
	pthread_join(b, NULL);

	result("delay-race-open", 1, path, fd, err);
	printf("delay-race: elapsed_ms=%.0f during=%lu before=%lu per_100ms=%lu\n", t1 - t0,
	       after - before, before, paced);
	fflush(stdout);
	if (fd >= 0)
		close((int)fd);
	return 0;
}

/* ---- signals ------------------------------------------------------------ */

static volatile sig_atomic_t handled_sig;

static void on_signal(int sig)
{
	handled_sig = sig;
}

static void on_term(int sig)
{
	static const char msg[] = "got SIGTERM\n";
	ssize_t n = write(STDOUT_FILENO, msg, sizeof(msg) - 1);

	(void)n;
	(void)sig;
	_exit(3);
}

static void say_ready(void)
{
	printf("ready\n");
	fflush(stdout);
}

/* ---- dispatcher --------------------------------------------------------- */

/* Runs one subcommand from argv[0..argc); returns how many words it used. */
static int run_one(int argc, char **argv, int *status)
{
	const char *cmd = argv[0];
	int nargs = 0;

#define NEED(k) do { if (argc < 1 + (k)) usage(); nargs = (k); } while (0)
/* One optional numeric argument: present if the next word is not "+". */
#define OPT_N(pos, dflt) \
	((argc > (pos) && strcmp(argv[pos], "+")) ? (nargs = (pos), parse_long(argv[pos])) : (dflt))

	if (!strcmp(cmd, "open") || !strcmp(cmd, "openat")) {
		long n;

		NEED(1);
		n = OPT_N(2, 1);
		do_open(cmd, argv[1], n, !strcmp(cmd, "openat"));
	} else if (!strcmp(cmd, "unlink")) {
		long r;

		NEED(1);
		errno = 0;
		r = fl_sys_unlink(argv[1]);
		result("unlink", 1, argv[1], r, errno);
	} else if (!strcmp(cmd, "getpid") || !strcmp(cmd, "retval-check")) {
		long n = 1;

		if (!strcmp(cmd, "getpid"))
			n = OPT_N(1, 1);
		for (long i = 1; i <= n; i++) {
			long r;
			int err;

			errno = 0;
			r = syscall(SYS_getpid);
			err = errno;
			head("getpid", i, NULL);
			if (r == -1)
				printf("err %s\n", ename(err));
			else
				printf("ok %ld\n", r);
			fflush(stdout);
		}
	} else if (!strcmp(cmd, "fork-open")) {
		pid_t pid;
		int st;

		NEED(1);
		do_open("parent-open", argv[1], 1, false);
		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			perror("fl-victim: fork");
			*status = 1;
			return nargs;
		}
		if (pid == 0) {
			do_open("child-open", argv[1], 1, false);
			_exit(0);
		}
		if (waitpid(pid, &st, 0) < 0) {
			perror("fl-victim: waitpid");
			*status = 1;
		} else if (WIFEXITED(st)) {
			printf("child-exit: %d\n", WEXITSTATUS(st));
			*status = WEXITSTATUS(st);
		} else {
			printf("child-signal: %d\n", WTERMSIG(st));
			*status = 128 + WTERMSIG(st);
		}
		fflush(stdout);
	} else if (!strcmp(cmd, "thread-open")) {
		pthread_t t;

		NEED(1);
		do_open("main-open", argv[1], 1, false);
		if (pthread_create(&t, NULL, thread_open, argv[1])) {
			fprintf(stderr, "fl-victim: pthread_create failed\n");
			*status = 1;
			return nargs;
		}
		pthread_join(t, NULL);
	} else if (!strcmp(cmd, "exec-open")) {
		char *args[] = { "fl-victim", "--tag", "post-exec", "open", argv[1], NULL };

		NEED(1);
		do_open("pre-exec-open", argv[1], 1, false);
		fflush(stdout);
		execv(self_path, args);
		perror("fl-victim: execv");
		exit(1);
	} else if (!strcmp(cmd, "threads-open")) {
		pthread_barrier_t go;
		pthread_t t[64];
		struct storm st[64];
		long nt;

		NEED(3);
		nt = parse_long(argv[2]);
		if (nt < 1 || nt > 64)
			usage();
		pthread_barrier_init(&go, NULL, (unsigned)nt);
		for (long i = 0; i < nt; i++) {
			st[i] = (struct storm){ argv[1], parse_long(argv[3]), (int)i + 1, &go };
			if (pthread_create(&t[i], NULL, storm_thread, &st[i])) {
				fprintf(stderr, "fl-victim: pthread_create failed\n");
				exit(1);
			}
		}
		for (long i = 0; i < nt; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&go);
	} else if (!strcmp(cmd, "thread-exec")) {
		pthread_t t;

		NEED(1);
		if (pthread_create(&t, NULL, thread_exec, argv[1])) {
			fprintf(stderr, "fl-victim: pthread_create failed\n");
			*status = 1;
			return nargs;
		}
		/* The exec replaces the whole process, this thread included. */
		for (;;)
			pause();
	} else if (!strcmp(cmd, "spawn-open")) {
		char *args[] = { "fl-victim", "--tag", "spawned", "open", argv[1], NULL };
		pid_t pid;
		int st, err;

		NEED(1);
		fflush(stdout);
		err = posix_spawn(&pid, self_path, NULL, NULL, args, environ);
		if (err) {
			fprintf(stderr, "fl-victim: posix_spawn: %s\n", strerror(err));
			*status = 1;
			return nargs;
		}
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st)) {
			fprintf(stderr, "fl-victim: spawned child failed\n");
			*status = 1;
		} else {
			printf("spawned-exit: %d\n", WEXITSTATUS(st));
			*status = WEXITSTATUS(st);
		}
		fflush(stdout);
	} else if (!strcmp(cmd, "handle")) {
		struct sigaction sa = { .sa_handler = on_signal };
		int sig;

		NEED(1);
		sig = signal_from_text(argv[1]);
		sigemptyset(&sa.sa_mask);
		sigaction(sig, &sa, NULL);
		raise(sig);
		printf("handle %d: %s\n", sig, handled_sig == sig ? "handled" : "not handled");
		fflush(stdout);
	} else if (!strcmp(cmd, "stop-cont")) {
		pid_t parent = getpid(), pid;
		int st;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			/* Keep sending SIGCONT until the parent is gone past its stop. */
			for (int i = 0; i < 200; i++) {
				struct timespec ts = { 0, 50 * 1000 * 1000 };

				nanosleep(&ts, NULL);
				if (kill(parent, SIGCONT) < 0)
					break;
			}
			_exit(0);
		}
		raise(SIGSTOP);
		printf("resumed\n");
		fflush(stdout);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	} else if (!strcmp(cmd, "write")) {
		int fd;
		ssize_t n;
		size_t len;

		NEED(2);
		len = strlen(argv[2]);
		fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			result("write", 1, argv[1], -1, errno);
			return nargs;
		}
		errno = 0;
		n = write(fd, argv[2], len);
		result("write", 1, argv[1], n < 0 ? -1 : 0, errno);
		close(fd);
	} else if (!strcmp(cmd, "read")) {
		char buf[4096];
		ssize_t n;
		int fd;

		NEED(1);
		fd = open(argv[1], O_RDONLY);
		if (fd < 0) {
			result("read", 1, argv[1], -1, errno);
			return nargs;
		}
		errno = 0;
		n = read(fd, buf, sizeof(buf) - 1);
		if (n < 0) {
			result("read", 1, argv[1], -1, errno);
		} else {
			buf[n] = 0;
			buf[strcspn(buf, "\n")] = 0;
			head("read", 1, argv[1]);
			printf("ok %s\n", buf);
			fflush(stdout);
		}
		close(fd);
	} else if (!strcmp(cmd, "exit")) {
		NEED(1);
		fflush(stdout);
		exit((int)parse_long(argv[1]));
	} else if (!strcmp(cmd, "signal")) {
		int sig;

		NEED(1);
		sig = signal_from_text(argv[1]);
		no_core();
		fflush(stdout);
		signal(sig, SIG_DFL);
		raise(sig);
		printf("signal %d: survived\n", sig);
		fflush(stdout);
		exit(99);
	} else if (!strcmp(cmd, "crash")) {
		volatile int *volatile p = NULL;

		no_core();
		fflush(stdout);
		*p = 1;
		exit(99);
	} else if (!strcmp(cmd, "delay-race")) {
		NEED(1);
		*status = delay_race(argv[1]);
	} else if (!strcmp(cmd, "nap")) {
		NEED(1);
		long ms = atol(argv[1]);
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	} else if (!strcmp(cmd, "sleep-forever")) {
		say_ready();
		for (;;)
			pause();
	} else if (!strcmp(cmd, "trap-term")) {
		struct sigaction sa = { .sa_handler = on_term };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
		say_ready();
		for (;;)
			pause();
	} else {
		fprintf(stderr, "fl-victim: unknown command '%s'\n", cmd);
		usage();
	}
	return nargs;
#undef NEED
#undef OPT_N
}

int main(int argc, char **argv)
{
	int status = 0;
	int i = 1;

	/* Line-buffered even into a file: lines must survive a crash or kill. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (argc > 2 && !strcmp(argv[1], "--tag")) {
		tag = argv[2];
		i = 3;
	}
	if (i >= argc)
		usage();
	while (i < argc) {
		i += 1 + run_one(argc - i, argv + i, &status);
		if (i < argc) {
			if (strcmp(argv[i], "+"))
				usage();
			i++;
		}
	}
	fflush(stdout);
	return status;
}

#include "direct.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void nap(void)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

void fl_run_direct(struct fl_result *r, const char *const *argv, int timeout_ms)
{
	static unsigned counter;
	char *out = fl_strf("%s/.direct-stdout.%u", fl_dir(), ++counter);
	char *err = fl_strf("%s/.direct-stderr.%u", fl_dir(), counter);
	int fd_in, fd_out, fd_err, st = 0;
	double end = now_ms() + timeout_ms;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->cmdline = fl_strf("(without faultline) %s ...", argv[0]);
	fd_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fd_out = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	fd_err = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd_in >= 0 && fd_out >= 0 && fd_err >= 0);

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sigset_t none;

		/* As the harness starts faultline: same signals, same group setup. */
		setpgid(0, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(fd_in, 0) < 0 || dup2(fd_out, 1) < 0 || dup2(fd_err, 2) < 0)
			_exit(121);
		if (chdir(fl_dir()) < 0)
			_exit(122);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "direct: execvp %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	setpgid(pid, pid);
	close(fd_in);
	close(fd_out);
	close(fd_err);

	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			print_error("waitpid: %s\n", strerror(errno));
			fail();
		}
		if (now_ms() > end) {
			r->timed_out = true;
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			break;
		}
		nap();
	}
	/* Whatever the command left behind in its group must not outlive the test. */
	kill(-pid, SIGKILL);
	r->status = st;
	r->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	r->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + r->signal;
	r->out = fl_read_file(out);
	r->err = fl_read_file(err);
	if (!r->out)
		r->out = fl_strf("%s", "");
	if (!r->err)
		r->err = fl_strf("%s", "");
	if (r->timed_out) {
		print_error("the command did not end within %d ms without faultline; killed it\n",
			    timeout_ms);
		fl_dump(r);
		fail();
	}
}

void fl_finish_rss(struct fl_proc *p, struct fl_result *r, int timeout_ms, long *ret_kib)
{
	double end = now_ms() + timeout_ms;
	struct rusage ru;
	int st;

	*ret_kib = -1;
	while (!p->reaped) {
		pid_t w = wait4(p->pid, &st, WNOHANG, &ru);

		if (w == p->pid) {
			p->reaped = true;
			p->status = st;
			*ret_kib = ru.ru_maxrss;
			break;
		}
		if (w < 0 && errno != EINTR)
			break;
		if (now_ms() > end)
			break; /* fl_finish() kills it and reports the timeout */
		nap();
	}
	fl_finish(p, r, 1000);
}

double fl_stop_ms(void)
{
	static double cached = -1;
	const char *const argv[] = { fl_victim(), "getpid", "1000", NULL };
	struct fl_result d, r;
	double t0, direct, traced;

	if (cached >= 0)
		return cached;
	t0 = now_ms();
	fl_run_direct(&d, argv, FL_RUN_TIMEOUT_MS);
	direct = now_ms() - t0;
	t0 = now_ms();
	FL_RUN(&r, "run", "-q", "--no-seccomp", "-e",
	       "{syscall: getpid, error: EPERM, probability: 0}", "--", argv[0], argv[1], argv[2]);
	traced = now_ms() - t0;
	fl_assert_exit(&r, 0);
	cached = traced > direct ? (traced - direct) / 2000 : 0;
	return cached;
}

long fl_scale_by_stop(long n, long min)
{
	double per = fl_stop_ms();
	long k = per > 0.05 ? (long)(n * 0.05 / per) : n;

	print_message("%.3f ms per stop here: %ld of %ld\n", per, k < min ? min : k, n);
	return k < min ? min : k;
}

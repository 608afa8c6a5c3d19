/*
 * The runner: `faultline run` processes, a few at a time, each with a
 * deadline. Everything happens in one loop around sigtimedwait(): SIGCHLD
 * says a job may have ended, the timeout is the nearest deadline, and
 * SIGINT/SIGTERM/SIGHUP to the sweep end everything.
 *
 * Each job is the leader of its own process group, and the command it
 * traces is in that group too (faultline does not move it). So a job past
 * its deadline can be killed whole: first SIGTERM to faultline alone, which
 * forwards it to the command and still writes the report; if that doesn't
 * end it within the grace, SIGKILL to the group. Tracees that left the
 * group die with faultline through PTRACE_O_EXITKILL. Each job has
 * PR_SET_PDEATHSIG(SIGKILL): it dies with the sweep.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faultline/base.h"
#include "faultline/sweep.h"
#include "parts.h"

struct slot {
	size_t job;          /* index into jobs */
	uint64_t start_ns;
	uint64_t kill_at_ns; /* once timed out: when SIGKILL goes */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void noop_handler(int sig)
{
	(void)sig;
}

/* The child side of a start: never returns. */
static void exec_job(const struct fl_sweep_runner *r, const struct fl_sweep_job *job,
		     const sigset_t *mask, pid_t sweep)
{
	int in, out, err;

	/*
	 * A job dies with its sweep, however the sweep ends (SIGKILL
	 * included): nobody else would ever enforce its deadline. The run's
	 * PTRACE_O_EXITKILL then takes the program's whole tree.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != sweep)
		_exit(FL_EXIT_OWN_ERROR);
	setpgid(0, 0);
	sigprocmask(SIG_SETMASK, mask, NULL);
	err = open(job->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (err < 0 || in < 0 || out < 0)
		_exit(FL_EXIT_OWN_ERROR);
	/*
	 * stdin: runs go in parallel, none may take the terminal's input. The
	 * command's stdout is not looked at; its stderr is, for sanitizer
	 * reports and the tail shown with a crash.
	 */
	if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
	    dup2(err, STDERR_FILENO) < 0)
		_exit(FL_EXIT_OWN_ERROR);
	execv(r->exe, job->argv);
	dprintf(STDERR_FILENO, "faultline sweep: cannot run %s: %s\n", r->exe, strerror(errno));
	_exit(FL_EXIT_OWN_ERROR);
}

static int start_job(const struct fl_sweep_runner *r, struct fl_sweep_job *job,
		     const sigset_t *child_mask)
{
	pid_t sweep = getpid(), pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		exec_job(r, job, child_mask, sweep);
	/* Both sides set the group: whichever runs first, it exists before any kill. */
	setpgid(pid, pid);
	job->pid = pid;
	return 0;
}

/* Reaps @s's job if it ended. The group is killed first, while the zombie
 * leader still holds its id, so nothing it left behind outlives it. */
static bool reap(struct slot *s, struct fl_sweep_job *job)
{
	siginfo_t si = { 0 };

	if (waitid(P_PID, (id_t)job->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0)
		return false;
	kill(-job->pid, SIGKILL);
	while (waitpid(job->pid, &job->wait_status, 0) < 0 && errno == EINTR)
		;
	job->elapsed_s = (double)(now_ns() - s->start_ns) / 1e9;
	job->done = true;
	return true;
}

static void kill_all(struct slot *slots, size_t n, struct fl_sweep_job *jobs)
{
	for (size_t i = 0; i < n; i++) {
		pid_t pid = jobs[slots[i].job].pid;

		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &jobs[slots[i].job].wait_status, 0) < 0 && errno == EINTR)
			;
	}
}

int fl_sweep_jobs_run(const struct fl_sweep_runner *r, struct fl_sweep_job *jobs, size_t n,
		      int *ret_signal)
{
	static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = noop_handler }, old_chld;
	sigset_t wait_set, old_mask;
	unsigned max = r->jobs ? r->jobs : 1;
	_cleanup_free_ struct slot *slots = calloc(max, sizeof(*slots));
	size_t running = 0, next = 0;
	int ret = 0;

	if (ret_signal)
		*ret_signal = 0;
	if (!slots)
		return -ENOMEM;

	/*
	 * SIGCHLD needs a handler (not SIG_DFL) to be sure it is queued while
	 * blocked; the stop signals are blocked and waited for the same way,
	 * so no handler runs in the middle of a start.
	 */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, &old_chld);
	sigemptyset(&wait_set);
	sigaddset(&wait_set, SIGCHLD);
	for (size_t i = 0; i < FL_ARRAY_SIZE(stop_signals); i++)
		sigaddset(&wait_set, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &wait_set, &old_mask);

	for (;;) {
		uint64_t now, wake = UINT64_MAX;
		struct timespec ts;
		siginfo_t si;
		int sig;

		while (running < max && next < n) {
			jobs[next].done = false;
			jobs[next].timed_out = jobs[next].killed = false;
			ret = r->before ? r->before(next, r->ud) : 0;
			if (ret >= 0)
				ret = start_job(r, &jobs[next], &old_mask);
			if (ret < 0)
				goto stop;
			slots[running++] = (struct slot){ .job = next, .start_ns = now_ns() };
			next++;
		}
		if (running == 0)
			break;

		now = now_ns();
		for (size_t i = 0; i < running; i++) {
			const struct fl_sweep_job *job = &jobs[slots[i].job];
			uint64_t at = job->timed_out ? slots[i].kill_at_ns :
						       slots[i].start_ns + r->timeout_ns;

			if (job->killed)
				continue;
			if (at < wake)
				wake = at;
		}
		if (wake == UINT64_MAX)
			wake = now + 1000000000ull; /* only killed jobs left: just reap */
		wake = wake > now ? wake - now : 0;
		ts.tv_sec = (time_t)(wake / 1000000000ull);
		ts.tv_nsec = (long)(wake % 1000000000ull);

		sig = sigtimedwait(&wait_set, &si, &ts);
		if (sig > 0 && sig != SIGCHLD) {
			if (ret_signal)
				*ret_signal = sig;
			ret = -EINTR;
			goto stop;
		}

		for (size_t i = 0; i < running;) {
			struct fl_sweep_job *job = &jobs[slots[i].job];
			size_t index = slots[i].job;

			if (!reap(&slots[i], job)) {
				i++;
				continue;
			}
			slots[i] = slots[--running];
			if (r->on_done)
				r->on_done(job, index, r->ud);
		}

		now = now_ns();
		for (size_t i = 0; i < running; i++) {
			struct fl_sweep_job *job = &jobs[slots[i].job];

			if (!job->timed_out && now >= slots[i].start_ns + r->timeout_ns) {
				/* faultline forwards SIGTERM to the command and still writes its report. */
				kill(job->pid, SIGTERM);
				job->timed_out = true;
				slots[i].kill_at_ns = now + r->grace_ns;
			} else if (job->timed_out && !job->killed && now >= slots[i].kill_at_ns) {
				kill(-job->pid, SIGKILL);
				job->killed = true;
			}
		}
	}
	goto out;

stop:
	kill_all(slots, running, jobs);
out:
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGCHLD, &old_chld, NULL);
	return ret;
}

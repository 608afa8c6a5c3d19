/*
 * Crashes anywhere in the traced tree, noted for the sinks that want them
 * (the JSON report's "crashes") and handed over at run end.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faultline/base.h"
#include "run.h"

/*
 * Crashes anywhere in the tree. A process that dies of a core-dumping
 * signal got that signal in a signal-delivery-stop first (every signal but
 * SIGKILL stops a traced thread on delivery), while it was still alive: note
 * the signal and the executable there, off the hot path and with no stop
 * of our own (PTRACE_O_TRACEEXIT would cost every exit one). When that
 * thread's exit report says it was killed by the same signal, the process
 * crashed; one that caught the signal and lived on is no crash.
 */
bool fl_crash_dumps_core(int sig)
{
	switch (sig) {
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGILL:
	case SIGQUIT:
	case SIGSEGV:
	case SIGSYS:
	case SIGTRAP:
	case SIGXCPU:
	case SIGXFSZ:
		return true;
	default:
		return false;
	}
}

void fl_crash_note(struct fl_tracee *t, int sig)
{
	char path[64], exe[4096];
	ssize_t n;

	(void)fl_tracee_tgid(t); /* looked up while /proc still has it */
	snprintf(path, sizeof(path), "/proc/%d/exe", t->tid);
	n = readlink(path, exe, sizeof(exe) - 1);
	free(t->crash_exe);
	t->crash_exe = NULL;
	if (n >= 0) {
		exe[n] = '\0';
		t->crash_exe = strdup(exe); /* NULL on OOM: the crash just has no exe */
	}
	t->crash_sig = sig;
	t->crash_tid = t->tid;
}

void fl_crash_forget(struct fl_tracee *t)
{
	free(t->crash_exe);
	t->crash_exe = NULL;
	t->crash_sig = 0;
	t->crash_tid = 0;
}

/*
 * @t exited, killed by the signal it noted. Every thread of the process
 * reports that death; the group leader reports last, so a thread other
 * than the leader hands its note on to the leader, and the crash is
 * recorded once per process, at the leader's exit.
 */
static void crash_exit(struct tracer *tr, struct fl_tracee *t)
{
	pid_t pid = t->tgid ? t->tgid : t->tid;
	struct fl_tracee *leader = pid != t->tid ? fl_tracee_find(&tr->tracees, pid) : NULL;

	if (leader) {
		/* This note is the one the process died of: it replaces any older one. */
		free(leader->crash_exe);
		leader->crash_exe = t->crash_exe;
		leader->crash_sig = t->crash_sig;
		leader->crash_tid = t->crash_tid;
		t->crash_exe = NULL;
		return;
	}
	if (tr->n_crashes == tr->cap_crashes) {
		size_t cap = tr->cap_crashes ? tr->cap_crashes * 2 : 4;
		struct fl_crash *v = realloc(tr->crashes, cap * sizeof(*v));

		if (!v) {
			fl_run_fatal(tr, -ENOMEM, "out of memory", t->tid);
			return;
		}
		tr->crashes = v;
		tr->cap_crashes = cap;
	}
	/* The sinks hear of them at run end; the list owns the exe from now on. */
	tr->crashes[tr->n_crashes++] = (struct fl_crash){
		.pid = pid,
		.tid = t->crash_tid,
		.signal = t->crash_sig,
		.exe = steal_pointer(&t->crash_exe),
		.main = pid == tr->main_pid,
	};
}

void fl_crash_exited(struct tracer *tr, struct fl_tracee *t, int status)
{
	if (t->crash_sig && WIFSIGNALED(status) && WTERMSIG(status) == t->crash_sig)
		crash_exit(tr, t);
}

void fl_crashes_free(struct tracer *tr)
{
	for (size_t i = 0; i < tr->n_crashes; i++)
		free((char *)tr->crashes[i].exe);
	free(tr->crashes);
	tr->crashes = NULL;
	tr->n_crashes = tr->cap_crashes = 0;
}

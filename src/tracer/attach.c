/*
 * Attach mode: seize every thread of running processes, and explain a
 * refusal the way a user can act on.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "faultline/base.h"
#include "run.h"

int fl_seize(pid_t pid, bool seccomp, bool attach)
{
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;

	/* Run mode: the command never outlives faultline, even on SIGKILL. */
	if (!attach)
		opts |= PTRACE_O_EXITKILL;
	if (seccomp)
		opts |= PTRACE_O_TRACESECCOMP;
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)opts) < 0)
		return -errno;
	return 0;
}

/* Explain why PTRACE_SEIZE of @pid failed, the way a user can act on. */
static void explain_attach_error(const struct tracer *tr, pid_t pid, int err)
{
	FILE *out = tr->cfg->err;
	char comm[64];

	if (err == -ESRCH) {
		fprintf(out, "faultline: no process with pid %d\n", pid);
		return;
	}
	fl_proc_comm(pid, comm, sizeof(comm));
	if (err == -EPERM) {
		long tracer = fl_proc_status_field(pid, "TracerPid");
		if (tracer > 0) {
			char tcomm[64];
			fl_proc_comm((pid_t)tracer, tcomm, sizeof(tcomm));
			fprintf(out, "faultline: pid %d (%s) is already traced by pid %ld (%s): "
				"a process has one tracer; detach the debugger or other faultline first\n",
				pid, comm, tracer, tcomm);
			return;
		}
		_cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
		int scope = -1;
		if (f && fscanf(f, "%d", &scope) != 1)
			scope = -1;
		fprintf(out, "faultline: cannot attach to pid %d (%s): permission denied: "
			"tracing needs the same user or CAP_SYS_PTRACE", pid, comm);
		if (scope >= 1)
			fprintf(out, ", and kernel.yama.ptrace_scope=%d %s", scope,
				scope == 1 ? "allows only descendants without CAP_SYS_PTRACE "
					     "(sysctl kernel.yama.ptrace_scope=0, or run as root)"
					   : "forbids it without CAP_SYS_PTRACE");
		fputc('\n', out);
		return;
	}
	fprintf(out, "faultline: cannot attach to pid %d (%s): %s\n", pid, comm, strerror(-err));
}

/*
 * Seize every thread of @pid. Threads may be created while we go: list
 * /proc/PID/task again until a pass finds none new (those created by a
 * seized thread are attached by the kernel through PTRACE_O_TRACECLONE).
 */
static int attach_process(struct tracer *tr, pid_t pid, bool may_vanish)
{
	char path[64];
	bool found_new = true;
	size_t n_seized = 0;

	/* PTRACE_SEIZE says only EPERM for "already traced": look first. */
	if (fl_proc_status_field(pid, "TracerPid") > 0) {
		explain_attach_error(tr, pid, -EPERM);
		return -EBUSY;
	}
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	while (found_new) {
		DIR *dir = opendir(path);
		struct dirent *de;

		if (!dir) {
			if (n_seized)
				return 0; /* it exited meanwhile: the loop will see it */
			if (may_vanish)
				return -ESRCH;
			explain_attach_error(tr, pid, -ESRCH);
			return -ESRCH;
		}
		found_new = false;
		while ((de = readdir(dir))) {
			pid_t tid = (pid_t)strtol(de->d_name, NULL, 10);
			if (tid <= 0 || fl_tracee_find(&tr->tracees, tid))
				continue;
			int r = fl_seize(tid, false, true);
			if (r == -ESRCH)
				continue; /* the thread just exited */
			/*
			 * A thread a seized thread made since we listed the
			 * directory is ours already (PTRACE_O_TRACECLONE): the
			 * kernel refuses a second seize with EPERM.
			 */
			if (r == -EPERM && fl_proc_status_field(tid, "TracerPid") == getpid())
				r = 0;
			if (r < 0) {
				closedir(dir);
				explain_attach_error(tr, pid, r);
				return r;
			}
			struct fl_tracee *t = fl_tracee_add(&tr->tracees, tid);
			if (!t) {
				closedir(dir);
				return -ENOMEM;
			}
			t->tgid = pid;
			/* A seized thread runs on untraced until its first stop. */
			ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
			found_new = true;
			n_seized++;
		}
		closedir(dir);
	}
	return 0;
}

int fl_attach_all(struct tracer *tr)
{
	const struct fl_tracer_config *cfg = tr->cfg;

	tr->main_pid = cfg->attach[0];
	for (size_t i = 0; i < cfg->n_attach; i++) {
		bool may_vanish = cfg->n_attach_required && i >= cfg->n_attach_required;
		int r = attach_process(tr, cfg->attach[i], may_vanish);
		if (r == -ESRCH && may_vanish)
			continue; /* a forked copy that ended meanwhile */
		if (r < 0)
			return r;
		tr->n_attached_alive++;
	}
	if (cfg->duration_ns)
		tr->detach_at = fl_now_ns() + cfg->duration_ns;
	return 0;
}

/* Attach mode: undo whatever fl_attach_all() did, after a failure. */
void fl_detach_all(struct tracer *tr)
{
	struct fl_tracee_table *tab = &tr->tracees;

	for (size_t i = 0; i < tab->cap; i++)
		if (tab->slots[i])
			ptrace(PTRACE_DETACH, tab->slots[i]->tid, NULL, NULL);
}

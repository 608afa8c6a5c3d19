#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "faultline/base.h"
#include "pgrp.h"
#include "run.h"

int fl_proc_ids(pid_t pid, struct fl_proc_ids *ret)
{
	char path[64], buf[512];
	_cleanup_fclose_ FILE *f = NULL;
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f))
		return -EIO;
	/* comm may hold spaces and parentheses: the fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d %d %d", &ret->ppid, &ret->pgrp, &ret->session) != 3)
		return -EIO;
	ret->pid = pid;
	return 0;
}

bool fl_pgrp_orphaned(pid_t pgrp, const struct fl_proc_ids *members, size_t n,
		      const struct fl_proc_ids *self, const struct fl_proc_ids *self_parent)
{
	for (size_t i = 0; i < n; i++) {
		const struct fl_proc_ids *m = &members[i];
		struct fl_proc_ids parent;

		if (m->pgrp != pgrp || m->pid == self->pid)
			continue;
		if (m->ppid == self->pid)
			parent = *self_parent; /* natively, the command's parent is ours */
		else if (fl_proc_ids(m->ppid, &parent) < 0)
			continue; /* parent gone: it holds nothing together */
		if (parent.pgrp != pgrp && parent.session == m->session)
			return false;
	}
	return true;
}

int fl_pgrp_members(pid_t pgrp, pid_t exclude, struct fl_proc_ids **ret, size_t *ret_n)
{
	DIR *dir = opendir("/proc");
	struct fl_proc_ids *v = NULL, ids;
	size_t n = 0, cap = 0;
	struct dirent *de;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		pid_t pid = (pid_t)strtol(de->d_name, NULL, 10);

		if (pid <= 0 || pid == exclude || fl_proc_ids(pid, &ids) < 0 || ids.pgrp != pgrp)
			continue;
		if (n == cap) {
			struct fl_proc_ids *nv = realloc(v, (cap ? cap * 2 : 16) * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(dir);
				return -ENOMEM;
			}
			v = nv;
			cap = cap ? cap * 2 : 16;
		}
		v[n++] = ids;
	}
	closedir(dir);
	*ret = v;
	*ret_n = n;
	return 0;
}

/*
 * faultline's own process group, which the command shares, is the one group
 * whose orphan status faultline distorts: it is a member, with a parent (the
 * shell) outside it, so the group never becomes orphaned while faultline
 * runs. Every other group is left to the kernel.
 *
 * Called when a tracee enters group-stop and after a traced process exits
 * while some tracee is stopped. When faultline's group turns orphaned -- as
 * it would be without faultline -- with a stopped traced member, do what the
 * kernel would have done: SIGHUP, then SIGCONT, to every process of the
 * group. A group seen orphaned already gets nothing, as natively. A stop
 * reported after the exit that orphaned the group (waitpid() may hand us
 * the command's exit first) counts too: it came first in the kernel, and a
 * group left stopped would hang the run.
 */
void fl_check_own_group(struct tracer *tr)
{
	struct fl_tracee_table *tab = &tr->tracees;
	struct fl_proc_ids self, self_parent;
	_cleanup_free_ struct fl_proc_ids *members = NULL;
	size_t n = 0;
	bool stopped = false, orphaned, was;

	if (tr->attach || fl_proc_ids(getpid(), &self) < 0 ||
	    fl_proc_ids(getppid(), &self_parent) < 0 ||
	    fl_pgrp_members(self.pgrp, self.pid, &members, &n) < 0)
		return;
	for (size_t i = 0; i < tab->cap && !stopped; i++) {
		struct fl_tracee *t = tab->slots[i];
		if (!t || !t->in_group_stop)
			continue;
		for (size_t k = 0; k < n && !stopped; k++)
			stopped = members[k].pid == fl_tracee_tgid(t);
	}
	orphaned = fl_pgrp_orphaned(self.pgrp, members, n, &self, &self_parent);
	was = tr->own_group_orphaned;
	tr->own_group_orphaned = orphaned;
	if (was || !orphaned || !stopped)
		return;
	for (size_t k = 0; k < n; k++) {
		kill(members[k].pid, SIGHUP);
		kill(members[k].pid, SIGCONT);
	}
}

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "faultline/util.h"
#include "tracer/pgrp.h"

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

/*
 * Orphaned process groups, as the kernel would see them without faultline.
 *
 * POSIX has the kernel send SIGHUP then SIGCONT to a process group that
 * becomes orphaned while one of its members is stopped. faultline sits in
 * the command's process group with a parent outside it (the shell), so that
 * group never becomes orphaned while faultline runs: a child the command
 * leaves stopped would wait forever, and faultline with it. The tracer asks
 * here, after a traced process exits, which groups would now be orphaned.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* One traced process, as /proc/PID/stat gives it. */
struct fl_proc_ids {
	pid_t pid;
	pid_t ppid;
	pid_t pgrp;
	pid_t session;
};

/* Read the ids of process @pid. Returns 0 or -errno. */
int fl_proc_ids(pid_t pid, struct fl_proc_ids *ret);

/*
 * Every process of group @pgrp but @exclude, from a scan of /proc (traced
 * or not: a shell that started faultline belongs to the group too). Returns
 * 0 with a malloc'd array the caller frees, or -errno.
 */
int fl_pgrp_members(pid_t pgrp, pid_t exclude, struct fl_proc_ids **ret, size_t *ret_n);

/*
 * Would process group @pgrp be orphaned without faultline (@self, whose own
 * parent is @self_parent)? A group is orphaned when no member has a parent
 * in another group of the same session. @members are the group's processes
 * (faultline itself excluded); a member whose parent is faultline counts as
 * a child of faultline's parent, where it would be natively.
 */
bool fl_pgrp_orphaned(pid_t pgrp, const struct fl_proc_ids *members, size_t n,
		      const struct fl_proc_ids *self, const struct fl_proc_ids *self_parent);

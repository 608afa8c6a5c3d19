/*
 * run --pid-of NAME: the processes of this pid namespace that NAME names,
 * read from /proc, and which of them are one program's tree.
 *
 * A process is named NAME when its command name (/proc/PID/comm, what ps,
 * top and pgrep show) is NAME, or the file name of its argv[0] is (what
 * pidof compares; it also covers names longer than comm's 15 bytes).
 * Kernel threads and zombies (no command line) never match, nor faultline
 * itself.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faultline/base.h"
#include "faultline/tracer.h"
#include "run.h"

/* /proc/PID/cmdline, NULs turned into spaces; NULL when empty or unreadable. */
static char *read_cmdline(pid_t pid, size_t *ret_argv0_len)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	char *buf = NULL;
	size_t len = 0, cap = 0;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		if (cap - len < 256) {
			char *n = realloc(buf, cap + 4096);
			if (!n) {
				free(buf);
				return NULL;
			}
			buf = n;
			cap += 4096;
		}
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len > 65536)
			break; /* enough to name it */
	}
	if (len == 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*ret_argv0_len = strlen(buf);
	while (len > 0 && buf[len - 1] == '\0')
		len--;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[len] = '\0';
	return buf;
}

bool fl_proc_name_matches(const char *name, const char *comm, const char *argv0, size_t argv0_len)
{
	const char *base = argv0;

	if (!strcmp(comm, name))
		return true;
	for (size_t i = 0; i < argv0_len; i++)
		if (argv0[i] == '/')
			base = argv0 + i + 1;
	return (size_t)(argv0 + argv0_len - base) == strlen(name) &&
	       !strncmp(base, name, strlen(name));
}

void fl_named_procs_free(struct fl_named_proc *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++)
		free(p[i].cmdline);
	free(p);
}

int fl_proc_find_named(const char *name, struct fl_named_proc **ret, size_t *ret_n)
{
	DIR *dir = opendir("/proc");
	struct fl_named_proc *found = NULL;
	size_t n = 0, cap = 0;
	pid_t self = getpid();
	struct dirent *de;

	*ret = NULL;
	*ret_n = 0;
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char *end;
		long v = strtol(de->d_name, &end, 10);
		if (*end || v <= 0 || (pid_t)v == self)
			continue;
		pid_t pid = (pid_t)v;
		char comm[64];
		size_t argv0_len = 0;

		/* No command line: a kernel thread, or a zombie. */
		_cleanup_free_ char *cmdline = read_cmdline(pid, &argv0_len);
		if (!cmdline)
			continue;
		fl_proc_comm(pid, comm, sizeof(comm));
		if (!fl_proc_name_matches(name, comm, cmdline, argv0_len))
			continue;
		if (n == cap) {
			struct fl_named_proc *m = realloc(found, (cap ? 2 * cap : 8) * sizeof(*found));
			if (!m) {
				fl_named_procs_free(found, n);
				closedir(dir);
				return -ENOMEM;
			}
			found = m;
			cap = cap ? 2 * cap : 8;
		}
		long ppid = fl_proc_status_field(pid, "PPid");
		found[n++] = (struct fl_named_proc){
			.pid = pid, .ppid = ppid > 0 ? (pid_t)ppid : 0,
			.cmdline = steal_pointer(&cmdline) };
	}
	closedir(dir);
	*ret = found;
	*ret_n = n;
	return 0;
}

/* Is @ppid one of @p's pids? */
static bool is_match(const struct fl_named_proc *p, size_t n, pid_t ppid)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].pid == ppid)
			return true;
	return false;
}

size_t fl_named_procs_order(struct fl_named_proc *p, size_t n)
{
	size_t n_roots = 0;

	/* Roots first (a match whose parent is not one), each group by pid. */
	for (size_t i = 0; i < n; i++)
		p[i].root = !is_match(p, n, p[i].ppid);
	for (size_t i = 1; i < n; i++) {
		struct fl_named_proc x = p[i];
		size_t j = i;
		while (j > 0 && (p[j - 1].root < x.root ||
				 (p[j - 1].root == x.root && p[j - 1].pid > x.pid))) {
			p[j] = p[j - 1];
			j--;
		}
		p[j] = x;
	}
	for (size_t i = 0; i < n; i++)
		n_roots += p[i].root;
	return n_roots;
}

/*
 * Directory entries in the power-loss model, and the calls that name a
 * modelled file by path. With dirs: lose, a creation (open with O_CREAT,
 * creat, mkdir) or a rename into or out of the modelled paths, made since
 * the last fsync of the directory that holds the new name, is undone
 * after the crash, newest first: a created entry is removed, a renamed
 * one moved back, and a file it replaced put back with the content that
 * file has after its own roll-back. Whatever the mode, open with O_TRUNC
 * and truncate(2) of a modelled file log what they cut.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faultline/base.h"
#include "faultline/inject.h"
#include "model.h"
#include "run.h"

/* The absolute path call argument @addr names, relative to @dirfd (AT_FDCWD: the cwd). */
static int resolve(pid_t tid, pid_t pid, int dirfd, uint64_t addr, char *buf, size_t size)
{
	char rel[PATH_MAX], base[PATH_MAX], link[64];
	ssize_t n = fl_tracee_read_string(tid, addr, rel, sizeof(rel));

	if (n <= 0)
		return -EFAULT;
	if (rel[0] != '/') {
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, dirfd);
		n = readlink(link, base, sizeof(base) - 1);
		if (n <= 0 || base[0] != '/')
			return -ENOENT;
		base[n] = '\0';
	}
	return fl_path_join(rel[0] == '/' ? "/" : base, rel, buf, size) < 0 ? -ENAMETOOLONG : 0;
}

/* The directory @path is in: its dev and inode; 0 or -errno. */
static int parent_of(const char *path, dev_t *ret_dev, ino_t *ret_ino)
{
	char dir[PATH_MAX];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return -EINVAL;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) < 0)
		return -errno;
	*ret_dev = st.st_dev;
	*ret_ino = st.st_ino;
	return 0;
}

static struct fl_dirop *push(struct tracer *tr, enum fl_dirop_kind kind, const char *path,
			     const char *from)
{
	struct fl_model *m = tr->model;
	struct fl_dirop *op;

	if (m->n_ops == m->cap_ops) {
		size_t cap = m->cap_ops ? 2 * m->cap_ops : 8;
		struct fl_dirop *n = realloc(m->ops, cap * sizeof(*n));

		if (!n)
			goto oom;
		m->ops = n;
		m->cap_ops = cap;
	}
	op = &m->ops[m->n_ops];
	*op = (struct fl_dirop){ .kind = kind, .path = strdup(path),
				 .from = from ? strdup(from) : NULL, .replaced_fd = -1 };
	if (!op->path || (from && !op->from) || parent_of(path, &op->dir_dev, &op->dir_ino) < 0) {
		free(op->path);
		free(op->from);
		goto oom;
	}
	m->n_ops++;
	return op;
oom:
	fprintf(tr->cfg->err, "faultline: power-loss model: cannot log the entry %s\n", path);
	return NULL;
}

/* open(at) with O_TRUNC, truncate(2): log what is cut of a modelled file at @path. */
static void cut(struct tracer *tr, const char *path, uint64_t from)
{
	int fd;

	if (!fl_model_covers(tr->model, NULL, path))
		return;
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return; /* not there (nothing to cut), or not a file faultline may open */
	struct fl_mfile *f = fl_model_file_of_own(tr, fd, path);

	if (f)
		fl_model_will_change(tr, f, from, UINT64_MAX);
}

static void opened(struct tracer *tr, const char *path, uint64_t flags)
{
	struct stat st;
	bool exists = lstat(path, &st) == 0;

	if (exists && (flags & O_TRUNC) && S_ISREG(st.st_mode))
		cut(tr, path, 0);
	if (!exists && (flags & O_CREAT) && tr->model->dirs && fl_model_covers(tr->model, NULL, path))
		push(tr, FL_DIROP_CREATE, path, NULL);
}

static void renamed(struct tracer *tr, const char *from, const char *to)
{
	struct fl_model *m = tr->model;
	struct fl_dirop *op;
	struct stat st;

	if (!m->dirs || (!fl_model_covers(m, NULL, from) && !fl_model_covers(m, NULL, to)))
		return;
	if (lstat(from, &st) < 0)
		return; /* the rename will fail */
	op = push(tr, FL_DIROP_RENAME, to, from);
	if (!op || lstat(to, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	/* The file it replaces: kept open, its content put back after its own roll-back. */
	op->replaced_fd = open(to, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	op->replaced_mode = st.st_mode & 07777;
	if (op->replaced_fd >= 0 && fl_model_covers(m, NULL, to)) {
		int dup_fd = fcntl(op->replaced_fd, F_DUPFD_CLOEXEC, 0);

		if (dup_fd >= 0)
			fl_model_file_of_own(tr, dup_fd, to);
	}
}

void fl_dirlog_call(struct tracer *tr, struct fl_tracee *t, const struct fl_syscall_info *info,
		    const char *name)
{
	const uint64_t *a = info->args;
	pid_t pid = fl_tracee_tgid(t);
	char path[PATH_MAX], to[PATH_MAX];

	if (!strcmp(name, "open") || !strcmp(name, "creat")) {
		uint64_t flags = !strcmp(name, "creat") ? O_CREAT | O_TRUNC | O_WRONLY : a[1];

		if (resolve(t->tid, pid, AT_FDCWD, a[0], path, sizeof(path)) == 0)
			opened(tr, path, flags);
	} else if (!strcmp(name, "openat") || !strcmp(name, "openat2")) {
		uint64_t flags = a[2];

		/* openat2's flags are the first field of its struct open_how. */
		if (!strcmp(name, "openat2") &&
		    fl_tracee_read_mem(t->tid, a[2], &flags, sizeof(flags)) != sizeof(flags))
			return;
		if (resolve(t->tid, pid, (int)a[0], a[1], path, sizeof(path)) == 0)
			opened(tr, path, flags);
	} else if (!strcmp(name, "truncate")) {
		if (resolve(t->tid, pid, AT_FDCWD, a[0], path, sizeof(path)) == 0)
			cut(tr, path, a[1]);
	} else if (!strcmp(name, "rename")) {
		if (resolve(t->tid, pid, AT_FDCWD, a[0], path, sizeof(path)) == 0 &&
		    resolve(t->tid, pid, AT_FDCWD, a[1], to, sizeof(to)) == 0)
			renamed(tr, path, to);
	} else if (!strcmp(name, "renameat") || !strcmp(name, "renameat2")) {
		if (resolve(t->tid, pid, (int)a[0], a[1], path, sizeof(path)) == 0 &&
		    resolve(t->tid, pid, (int)a[2], a[3], to, sizeof(to)) == 0)
			renamed(tr, path, to);
	} else if (!strcmp(name, "mkdir") || !strcmp(name, "mkdirat")) {
		bool at = !strcmp(name, "mkdirat");
		struct stat st;

		if (!tr->model->dirs)
			return;
		if (resolve(t->tid, pid, at ? (int)a[0] : AT_FDCWD, at ? a[1] : a[0], path,
			    sizeof(path)) == 0 && lstat(path, &st) < 0 &&
		    fl_model_covers(tr->model, NULL, path))
			push(tr, FL_DIROP_CREATE, path, NULL);
	}
}

static void drop(struct fl_dirop *op)
{
	free(op->path);
	free(op->from);
	if (op->replaced_fd >= 0)
		close(op->replaced_fd);
}

void fl_dirlog_durable(struct fl_model *m, dev_t dev, ino_t ino, bool all)
{
	size_t k = 0;

	for (size_t i = 0; i < m->n_ops; i++) {
		struct fl_dirop *op = &m->ops[i];

		if (all || (op->dir_dev == dev && (ino == 0 || op->dir_ino == ino)))
			drop(op);
		else
			m->ops[k++] = *op;
	}
	m->n_ops = k;
}

void fl_dirlog_free(struct fl_model *m)
{
	fl_dirlog_durable(m, 0, 0, true);
	free(m->ops);
}

/* Write what @fd holds into a new file @path (mode @mode), through a temporary name. */
static int put_back(int fd, const char *path, unsigned mode)
{
	char tmp[PATH_MAX + 32], buf[65536];
	off_t off = 0;
	ssize_t n;
	int out;

	snprintf(tmp, sizeof(tmp), "%s.faultline-restore", path);
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (out < 0)
		return -errno;
	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			close(out);
			unlink(tmp);
			return -EIO;
		}
		off += n;
	}
	close(out);
	if (n < 0 || rename(tmp, path) < 0) {
		int err = n < 0 ? -EIO : -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

void fl_dirlog_roll_back(struct tracer *tr, const struct fl_rule *rule)
{
	struct fl_model *m = tr->model;

	for (size_t i = m->n_ops; i-- > 0;) {
		struct fl_dirop *op = &m->ops[i];
		struct stat st;
		int r = 0;

		if (!fl_model_covers(m, rule, op->path) &&
		    !(op->from && fl_model_covers(m, rule, op->from)))
			continue;
		if (op->kind == FL_DIROP_CREATE) {
			if (lstat(op->path, &st) < 0)
				continue;
			r = S_ISDIR(st.st_mode) ? rmdir(op->path) : unlink(op->path);
			r = r < 0 ? -errno : 0;
			if (r == 0 && !fl_model_note(m, "created", op->path, NULL, 0, 0))
				r = -ENOMEM;
		} else {
			if (lstat(op->path, &st) == 0 && rename(op->path, op->from) < 0)
				r = -errno;
			if (r == 0 && op->replaced_fd >= 0)
				r = put_back(op->replaced_fd, op->path, op->replaced_mode);
			if (r == 0 && !fl_model_note(m, "renamed", op->path, op->from, 0, 0))
				r = -ENOMEM;
		}
		if (r < 0)
			fprintf(tr->cfg->err, "faultline: power loss: cannot undo the entry %s: %s\n",
				op->path, strerror(-r));
	}
	fl_dirlog_durable(m, 0, 0, true);
}

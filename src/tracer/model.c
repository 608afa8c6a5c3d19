/*
 * The undo log of the power-loss model. A modelled file is known by its
 * inode, from the first change faultline sees on: faultline opens it
 * itself through /proc/PID/fd/N (its own open file description, so the
 * program's offset and flags are untouched) and, before each call that
 * changes bytes the file has, reads those bytes with pread(). A durability
 * point drops the log. After the crash the log is played back newest
 * first and the file cut to the size it had at its durability point: each
 * byte ends up as the oldest record of it says, which is its durable
 * value, since no byte changes outside a recorded range. Records may
 * cover more than the call changed (a whole file where the range is not
 * known); that is harmless for the same reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faultline/base.h"
#include "model.h"
#include "run.h"

int fl_model_new(const struct fl_rule_set *set, struct fl_model **ret)
{
	_cleanup_free_ struct fl_model *m = NULL;
	size_t n = 0;

	*ret = NULL;
	for (size_t i = 0; i < set->n_rules; i++)
		if (set->rules[i].crash == FL_CRASH_POWER_LOSS)
			n += set->rules[i].n_paths;
	if (n == 0)
		return 0;
	m = calloc(1, sizeof(*m));
	if (!m || !(m->patterns = calloc(n, sizeof(*m->patterns))))
		return -ENOMEM;
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *r = &set->rules[i];

		if (r->crash != FL_CRASH_POWER_LOSS)
			continue;
		for (size_t k = 0; k < r->n_paths; k++)
			m->patterns[m->n_patterns++] = r->paths[k];
		m->dirs |= r->dirs == FL_DIRS_LOSE;
	}
	*ret = steal_pointer(&m);
	return 0;
}

static void drop_log(struct fl_mfile *f)
{
	for (size_t i = 0; i < f->n_recs; i++)
		free(f->recs[i].old);
	f->n_recs = 0;
}

void fl_model_free(struct fl_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_files; i++) {
		drop_log(&m->files[i]);
		free(m->files[i].recs);
		free(m->files[i].path);
		if (m->files[i].fd >= 0)
			close(m->files[i].fd);
	}
	free(m->files);
	fl_dirlog_free(m);
	for (size_t i = 0; i < m->n_done; i++) {
		free((char *)m->done[i].path);
		free((char *)m->done[i].from);
	}
	free(m->done);
	free(m->patterns);
	free(m);
}

bool fl_model_covers(const struct fl_model *m, const struct fl_rule *rule, const char *path)
{
	if (rule) {
		for (size_t i = 0; i < rule->n_paths; i++)
			if (fl_glob_match(rule->paths[i], path))
				return true;
		return false;
	}
	for (size_t i = 0; i < m->n_patterns; i++)
		if (fl_glob_match(m->patterns[i], path))
			return true;
	return false;
}

static void model_failed(struct tracer *tr, int err, const char *what, const char *path)
{
	struct fl_model *m = tr->model;

	if (!m->error)
		fprintf(tr->cfg->err, "faultline: power-loss model: %s %s: %s; its roll-back "
			"will be incomplete\n", what, path, strerror(-err));
	if (!m->error)
		m->error = err;
}

static struct fl_mfile *find(struct fl_model *m, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < m->n_files; i++)
		if (m->files[i].dev == dev && m->files[i].ino == ino)
			return &m->files[i];
	return NULL;
}

/* Take @fd (faultline's, O_RDWR) as the file at @path; NULL (and @fd closed) on failure. */
static struct fl_mfile *add(struct tracer *tr, int fd, const struct stat *st, const char *path)
{
	struct fl_model *m = tr->model;
	struct fl_mfile *f;

	if (m->n_files == m->cap_files) {
		size_t cap = m->cap_files ? 2 * m->cap_files : 8;
		struct fl_mfile *n = realloc(m->files, cap * sizeof(*n));

		if (!n) {
			close(fd);
			model_failed(tr, -ENOMEM, "cannot follow", path);
			return NULL;
		}
		m->files = n;
		m->cap_files = cap;
	}
	f = &m->files[m->n_files];
	*f = (struct fl_mfile){ .dev = st->st_dev, .ino = st->st_ino, .fd = fd,
				.path = strdup(path) };
	if (!f->path) {
		close(fd);
		model_failed(tr, -ENOMEM, "cannot follow", path);
		return NULL;
	}
	m->n_files++;
	return f;
}

struct fl_mfile *fl_model_file_of_own(struct tracer *tr, int fd, const char *path)
{
	struct stat st;
	struct fl_mfile *f;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	f = find(tr->model, st.st_dev, st.st_ino);
	if (f)
		close(fd);
	else
		f = add(tr, fd, &st, path);
	if (f)
		f->size = (uint64_t)st.st_size;
	return f;
}

struct fl_mfile *fl_model_file_of_fd(struct tracer *tr, pid_t pid, int fd)
{
	char link[64], path[4096];
	struct stat st;
	struct fl_mfile *f;
	ssize_t n;
	int own;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	/* One stat per call: pipes, sockets and terminals stop here. */
	if (stat(link, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	f = find(tr->model, st.st_dev, st.st_ino);
	if (f) {
		f->size = (uint64_t)st.st_size;
		return f;
	}
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0 || path[0] != '/' || st.st_nlink == 0)
		return NULL; /* an unlinked file does not survive a crash anyway */
	path[n] = '\0';
	if (!fl_model_covers(tr->model, NULL, path))
		return NULL;
	own = open(link, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (own < 0) {
		model_failed(tr, -errno, "cannot open", path);
		return NULL;
	}
	f = add(tr, own, &st, path);
	if (f)
		f->size = (uint64_t)st.st_size;
	return f;
}

void fl_model_will_change(struct tracer *tr, struct fl_mfile *f, uint64_t off, uint64_t len)
{
	struct fl_model *m = tr->model;
	uint64_t size = f->size, end;
	struct fl_undo_rec *rec;
	ssize_t got;

	/* The size the lookup of this call saw: the call has not run yet. */
	if (!f->dirty) {
		f->dirty = true;
		f->size0 = size;
	}
	/* Bytes past the end are new: cutting the file back undoes them. */
	if (off >= size)
		return;
	end = len > size - off ? size : off + len;
	if (f->n_recs == f->cap_recs) {
		size_t cap = f->cap_recs ? 2 * f->cap_recs : 16;
		struct fl_undo_rec *n = realloc(f->recs, cap * sizeof(*n));

		if (!n) {
			model_failed(tr, -ENOMEM, "cannot log", f->path);
			return;
		}
		f->recs = n;
		f->cap_recs = cap;
	}
	rec = &f->recs[f->n_recs];
	rec->off = off;
	rec->len = (size_t)(end - off);
	rec->old = malloc(rec->len ? rec->len : 1);
	if (!rec->old) {
		model_failed(tr, -ENOMEM, "cannot log", f->path);
		return;
	}
	got = pread(f->fd, rec->old, rec->len, (off_t)off);
	if (got < 0) {
		model_failed(tr, -errno, "cannot read", f->path);
		free(rec->old);
		return;
	}
	rec->len = (size_t)got;
	m->logged += rec->len;
	f->n_recs++;
}

void fl_model_durable(struct fl_model *m, struct fl_mfile *f)
{
	for (size_t i = 0; i < f->n_recs; i++)
		m->logged -= f->recs[i].len;
	drop_log(f);
	f->dirty = false;
}

/*
 * The range's data is durable, its size is not (sync_file_range writes
 * data only): records lose the part inside the range; the cut back to
 * size0 still undoes an extension.
 */
void fl_model_durable_range(struct fl_model *m, struct fl_mfile *f, uint64_t off, uint64_t len)
{
	uint64_t end = len == 0 || off + len < off ? UINT64_MAX : off + len;

	for (size_t i = 0; i < f->n_recs; i++) {
		struct fl_undo_rec *r = &f->recs[i];
		uint64_t r_end = r->off + r->len;

		if (r_end <= off || r->off >= end)
			continue;
		if (r->off >= off && r_end <= end) {
			m->logged -= r->len;
			r->len = 0;
		} else if (r->off < off && r_end > end) {
			continue; /* a hole in the middle: keep it whole (pessimistic) */
		} else if (r->off < off) {
			m->logged -= r_end - off;
			r->len = (size_t)(off - r->off);
		} else {
			size_t cut = (size_t)(end - r->off);

			memmove(r->old, r->old + cut, r->len - cut);
			m->logged -= cut;
			r->len -= cut;
			r->off = end;
		}
	}
}

void fl_model_durable_dev(struct fl_model *m, dev_t dev, bool all)
{
	for (size_t i = 0; i < m->n_files; i++)
		if (all || m->files[i].dev == dev)
			fl_model_durable(m, &m->files[i]);
	fl_dirlog_durable(m, dev, 0, all);
}

bool fl_model_note(struct fl_model *m, const char *what, const char *path, const char *from,
		   uint64_t size, uint64_t bytes)
{
	struct fl_rollback *d;

	if (m->n_done == m->cap_done) {
		size_t cap = m->cap_done ? 2 * m->cap_done : 8;
		struct fl_rollback *n = realloc(m->done, cap * sizeof(*n));

		if (!n)
			return false;
		m->done = n;
		m->cap_done = cap;
	}
	d = &m->done[m->n_done];
	*d = (struct fl_rollback){ .what = what, .path = strdup(path), .from = from ? strdup(from) : NULL,
				   .size = size, .bytes = bytes };
	if (!d->path || (from && !d->from)) {
		free((char *)d->path);
		free((char *)d->from);
		return false;
	}
	m->n_done++;
	return true;
}

static int roll_back_file(struct fl_mfile *f, uint64_t *ret_bytes)
{
	uint64_t bytes = 0;

	for (size_t i = f->n_recs; i-- > 0;) {
		const struct fl_undo_rec *r = &f->recs[i];
		size_t done = 0;

		while (done < r->len) {
			ssize_t w = pwrite(f->fd, r->old + done, r->len - done, (off_t)(r->off + done));

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return w < 0 ? -errno : -EIO;
			done += (size_t)w;
		}
		bytes += r->len;
	}
	if (ftruncate(f->fd, (off_t)f->size0) < 0)
		return -errno;
	*ret_bytes = bytes;
	return 0;
}

void fl_model_roll_back(struct tracer *tr, const struct fl_rule *rule, enum fl_dirs_mode dirs)
{
	struct fl_model *m = tr->model;

	for (size_t i = 0; i < m->n_files; i++) {
		struct fl_mfile *f = &m->files[i];
		uint64_t bytes = 0;
		int r;

		if (!f->dirty || !fl_model_covers(m, rule, f->path))
			continue;
		r = roll_back_file(f, &bytes);
		if (r < 0) {
			fprintf(tr->cfg->err, "faultline: power loss: cannot roll %s back: %s\n",
				f->path, strerror(-r));
			continue;
		}
		if (!fl_model_note(m, "content", f->path, NULL, f->size0, bytes))
			fl_run_fatal(tr, -ENOMEM, "out of memory", 0);
		fl_model_durable(m, f);
	}
	if (dirs == FL_DIRS_LOSE)
		fl_dirlog_roll_back(tr, rule);
}

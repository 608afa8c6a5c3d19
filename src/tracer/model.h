/*
 * The power-loss model (README "Crash consistency"): for the files under
 * the path: patterns of the crash: power-loss rules, an undo log of what
 * was changed since each file's last durability point (model.c), the
 * calls that change or sync them (model_calls.c), and, with dirs: lose,
 * the directory entries made since their directory's last fsync
 * (dirlog.c). After the crash the tracer rolls them back.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "faultline/arch.h"
#include "faultline/rules.h"
#include "faultline/tracer.h"

struct tracer;
struct fl_tracee;

/* One old range of a file, read before a call overwrote or cut it. */
struct fl_undo_rec {
	uint64_t off;
	size_t len;
	unsigned char *old;
};

/* One modelled file (an inode), known from its first change on. */
struct fl_mfile {
	dev_t dev;
	ino_t ino;
	int fd;            /* faultline's own, O_RDWR, opened through /proc/PID/fd/N */
	char *path;        /* its path when first seen */
	bool dirty;        /* changed since its last durability point */
	uint64_t size0;    /* its size at that point */
	uint64_t size;     /* its size as the lookup that returned it saw it (one stat per call) */
	struct fl_undo_rec *recs;
	size_t n_recs, cap_recs;
};

/* A directory entry made since its directory's last fsync (dirs: lose). */
enum fl_dirop_kind { FL_DIROP_CREATE, FL_DIROP_RENAME };

struct fl_dirop {
	enum fl_dirop_kind kind;
	char *path;        /* CREATE: the new entry; RENAME: the new name */
	char *from;        /* RENAME: the old name */
	dev_t dir_dev;     /* the directory whose fsync makes it durable (path's) */
	ino_t dir_ino;
	int replaced_fd;   /* RENAME over an existing file: that file, to put back; else -1 */
	unsigned replaced_mode;
};

struct fl_model {
	const char **patterns;  /* of every power-loss rule (borrowed from the rules) */
	size_t n_patterns;
	bool dirs;              /* some rule has dirs: lose: track entries */
	struct fl_mfile *files;
	size_t n_files, cap_files;
	struct fl_dirop *ops;
	size_t n_ops, cap_ops;
	uint64_t logged;        /* old bytes held, all files */
	/* After the crash: what was rolled back, for the sinks. */
	struct fl_rollback *done;
	size_t n_done, cap_done;
	int error;              /* the first failure of the model (-errno), said once */
};

/* model.c: the model for @set's power-loss rules; *@ret NULL when it has none. 0 or -ENOMEM. */
int fl_model_new(const struct fl_rule_set *set, struct fl_model **ret);
void fl_model_free(struct fl_model *m);

/* model.c: is @path under the patterns of some power-loss rule (@rule NULL), or of @rule? */
bool fl_model_covers(const struct fl_model *m, const struct fl_rule *rule, const char *path);

/*
 * model.c: the modelled file open as @fd in process @pid, or NULL (not a
 * regular file, not under the patterns, unreadable). Opens faultline's own
 * descriptor to it the first time.
 */
struct fl_mfile *fl_model_file_of_fd(struct tracer *tr, pid_t pid, int fd);
/* model.c: the same for a file faultline opened itself (@fd is handed over); NULL: not taken. */
struct fl_mfile *fl_model_file_of_own(struct tracer *tr, int fd, const char *path);

/* model.c: bytes [@off, @off + @len) of @f are about to change (@len UINT64_MAX: to the end). */
void fl_model_will_change(struct tracer *tr, struct fl_mfile *f, uint64_t off, uint64_t len);
/* model.c: @f is durable as it is now (fsync, fdatasync, an O_SYNC write done). */
void fl_model_durable(struct fl_model *m, struct fl_mfile *f);
/* model.c: bytes [@off, @off + @len) of @f are durable, but not its size (sync_file_range). */
void fl_model_durable_range(struct fl_model *m, struct fl_mfile *f, uint64_t off, uint64_t len);
/* model.c: every modelled file on device @dev (syncfs), or every one (@all: sync) is durable. */
void fl_model_durable_dev(struct fl_model *m, dev_t dev, bool all);

/* model.c: after the crash, put @rule's files back as they were at their durability points. */
void fl_model_roll_back(struct tracer *tr, const struct fl_rule *rule, enum fl_dirs_mode dirs);
/* model.c: note a roll-back for the sinks; false on OOM. */
bool fl_model_note(struct fl_model *m, const char *what, const char *path, const char *from,
		   uint64_t size, uint64_t bytes);

/* model_calls.c: the calls the model must see (for the prefilter), NULL-free list. */
const char *const *fl_model_call_names(size_t *ret_n);
/* model_calls.c: @t is about to make call @info (it will run): log or sync what it touches. */
void fl_model_call(struct tracer *tr, struct fl_tracee *t, const struct fl_syscall_info *info);

/* dirlog.c: the call @info of @t makes, renames or syncs directory entries (dirs: lose). */
void fl_dirlog_call(struct tracer *tr, struct fl_tracee *t, const struct fl_syscall_info *info,
		    const char *name);
/* dirlog.c: a directory (@dev, @ino) was fsynced: its entries are durable (sync: @all). */
void fl_dirlog_durable(struct fl_model *m, dev_t dev, ino_t ino, bool all);
/* dirlog.c: undo the entries of @rule's paths not made durable, newest first. */
void fl_dirlog_roll_back(struct tracer *tr, const struct fl_rule *rule);
void fl_dirlog_free(struct fl_model *m);

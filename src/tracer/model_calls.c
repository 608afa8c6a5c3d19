/*
 * Which calls change or sync a modelled file, and how (README "Crash
 * consistency"): at the entry of a call that is going to run, before it
 * runs, the bytes it may change are logged (model.c) and a durability
 * point drops the log. A durability point counts from the call's entry:
 * a thread killed while another's fsync is under way finds it done.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faultline/arch.h"
#include "faultline/base.h"
#include "faultline/inject.h"
#include "faultline/sys.h"
#include "model.h"
#include "observe.h"
#include "run.h"

#ifndef SYNC_FILE_RANGE_WAIT_AFTER
#define SYNC_FILE_RANGE_WAIT_AFTER 4
#endif

enum kind {
	K_WRITE,      /* write, writev: at the file position, or the end with O_APPEND */
	K_PWRITE,     /* pwrite64, pwritev, pwritev2: at args[3] */
	K_SENDFILE,   /* sendfile: into args[0] at its position, args[3] bytes */
	K_COPY,       /* copy_file_range: into args[2], at *args[3] or its position, args[4] bytes */
	K_TRUNCATE,   /* ftruncate, ftruncate64: to args[1] */
	K_FALLOCATE,  /* fallocate: from args[2] on */
	K_FSYNC,      /* fsync, fdatasync */
	K_RANGE_SYNC, /* sync_file_range: durable with SYNC_FILE_RANGE_WAIT_AFTER */
	K_SYNCFS,
	K_SYNC,
	K_MMAP,       /* a shared writable mapping is not modelled: warn */
	K_PATH,       /* open, openat, openat2, creat, truncate, rename*, mkdir*: dirlog.c and O_TRUNC */
};

static const struct {
	const char *name;
	enum kind kind;
} calls[] = {
	{ "write", K_WRITE }, { "writev", K_WRITE },
	{ "pwrite64", K_PWRITE }, { "pwritev", K_PWRITE }, { "pwritev2", K_PWRITE },
	{ "sendfile", K_SENDFILE }, { "copy_file_range", K_COPY },
	{ "ftruncate", K_TRUNCATE }, { "ftruncate64", K_TRUNCATE }, { "fallocate", K_FALLOCATE },
	{ "fsync", K_FSYNC }, { "fdatasync", K_FSYNC }, { "sync_file_range", K_RANGE_SYNC },
	{ "syncfs", K_SYNCFS }, { "sync", K_SYNC }, { "mmap", K_MMAP },
	{ "open", K_PATH }, { "openat", K_PATH }, { "openat2", K_PATH }, { "creat", K_PATH },
	{ "truncate", K_PATH }, { "rename", K_PATH }, { "renameat", K_PATH },
	{ "renameat2", K_PATH }, { "mkdir", K_PATH }, { "mkdirat", K_PATH },
};

#define N_CALLS FL_ARRAY_SIZE(calls)

const char *const *fl_model_call_names(size_t *ret_n)
{
	static const char *names[N_CALLS];

	for (size_t i = 0; i < N_CALLS; i++)
		names[i] = calls[i].name;
	*ret_n = N_CALLS;
	return names;
}

const char *const *fl_tracer_model_calls(const struct fl_rule_set *set, size_t *ret_n)
{
	for (size_t i = 0; i < set->n_rules; i++)
		if (set->rules[i].crash == FL_CRASH_POWER_LOSS)
			return fl_model_call_names(ret_n);
	*ret_n = 0;
	return NULL;
}

/* The numbers of the calls on @arch, looked up once per ABI (see observe.c). */
static const int *call_nrs(uint32_t arch)
{
	static struct {
		uint32_t arch;
		int nr[N_CALLS];
	} cache[FL_ABI_MAX];
	static size_t n_cache;

	for (size_t i = 0; i < n_cache; i++)
		if (cache[i].arch == arch)
			return cache[i].nr;
	if (n_cache == FL_ARRAY_SIZE(cache))
		return NULL;
	cache[n_cache].arch = arch;
	for (size_t k = 0; k < N_CALLS; k++)
		cache[n_cache].nr[k] = fl_syscall_nr(arch, calls[k].name);
	return cache[n_cache++].nr;
}

/*
 * "pos:" and "flags:" of /proc/PID/fdinfo/FD, the first two lines; 0 or
 * -errno. One open and one read: this runs at every write to a modelled file.
 */
static int fd_info(pid_t pid, int fd, uint64_t *ret_pos, unsigned *ret_flags)
{
	char path[64], buf[256];
	unsigned long long pos;
	unsigned flags;
	ssize_t n;
	int in;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	n = read(in, buf, sizeof(buf) - 1);
	close(in);
	if (n <= 0)
		return n < 0 ? -errno : -EINVAL;
	buf[n] = '\0';
	if (sscanf(buf, "pos: %llu flags: %o", &pos, &flags) != 2)
		return -EINVAL;
	*ret_pos = pos;
	*ret_flags = flags;
	return 0;
}

/* A 64-bit offset in one argument register: only on ABIs whose longs are 64-bit. */
static bool wide(uint32_t arch)
{
	const struct fl_abi *abi = fl_abi_of(arch);

	return abi && abi->long_size == 8;
}

/*
 * A write-like call into @fd at @off (UINT64_MAX: at the file position)
 * of @len bytes (UINT64_MAX: not known). A file opened O_SYNC or O_DSYNC
 * is durable once the write is done: nothing of it is logged.
 */
static void will_write(struct tracer *tr, pid_t pid, int fd, uint64_t off, uint64_t len)
{
	struct fl_mfile *f = fl_model_file_of_fd(tr, pid, fd);
	uint64_t pos = 0;
	unsigned flags = 0;

	if (!f)
		return;
	if (fd_info(pid, fd, &pos, &flags) < 0) {
		fl_model_will_change(tr, f, 0, UINT64_MAX); /* where is not known: all of it */
		return;
	}
	if (flags & O_DSYNC) {
		fl_model_durable(tr->model, f);
		return;
	}
	if (flags & O_APPEND)
		off = UINT64_MAX - 1; /* past the end, whatever the end is: nothing to read */
	else if (off == UINT64_MAX)
		off = pos;
	fl_model_will_change(tr, f, off, len);
}

static uint64_t data_len(struct fl_tracee *t, const struct fl_syscall_info *info)
{
	int64_t n = fl_inject_data_len(t->tid, info->arch, info->nr, info->args);

	return n < 0 ? UINT64_MAX : (uint64_t)n;
}

/* fsync of a file or a directory. */
static void synced(struct tracer *tr, pid_t pid, int fd)
{
	char link[64];
	struct stat st;
	struct fl_mfile *f;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	if (stat(link, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		fl_dirlog_durable(tr->model, st.st_dev, st.st_ino, false);
		return;
	}
	f = fl_model_file_of_fd(tr, pid, fd);
	if (f)
		fl_model_durable(tr->model, f);
}

static void mmap_call(struct tracer *tr, struct fl_tracee *t, const struct fl_syscall_info *info,
		      pid_t pid)
{
	char text[512];
	struct fl_mfile *f;

	if (!(info->args[2] & PROT_WRITE) || !(info->args[3] & MAP_SHARED) ||
	    (info->args[3] & MAP_ANONYMOUS))
		return;
	f = fl_model_file_of_fd(tr, pid, (int)info->args[4]);
	if (!f)
		return;
	snprintf(text, sizeof(text), "mmap(PROT_WRITE, MAP_SHARED) of %s: writes through the "
		 "mapping are not in the power-loss model, so a roll-back of this file may keep "
		 "them", f->path);
	fl_observe_notice(tr, t, "mmap", text);
}

void fl_model_call(struct tracer *tr, struct fl_tracee *t, const struct fl_syscall_info *info)
{
	const int *nrs = call_nrs(info->arch);
	const uint64_t *a = info->args;
	pid_t pid;
	size_t k;

	if (!nrs || info->nr < 0)
		return;
	for (k = 0; k < N_CALLS && nrs[k] != info->nr; k++)
		;
	if (k == N_CALLS)
		return;
	pid = fl_tracee_tgid(t);
	switch (calls[k].kind) {
	case K_WRITE:
		will_write(tr, pid, (int)a[0], UINT64_MAX, data_len(t, info));
		break;
	case K_PWRITE:
		/* pwritev2 with offset -1 writes at the position, as writev does. */
		if (!wide(info->arch))
			will_write(tr, pid, (int)a[0], 0, UINT64_MAX);
		else
			will_write(tr, pid, (int)a[0], a[3], data_len(t, info));
		break;
	case K_SENDFILE:
		will_write(tr, pid, (int)a[0], UINT64_MAX, a[3]);
		break;
	case K_COPY: {
		uint64_t off = UINT64_MAX;

		if (a[3] && fl_tracee_read_mem(t->tid, a[3], &off, sizeof(off)) != sizeof(off))
			off = 0; /* unreadable: the whole file */
		will_write(tr, pid, (int)a[2], off, a[3] && off == 0 ? UINT64_MAX : a[4]);
		break;
	}
	case K_TRUNCATE:
	case K_FALLOCATE: {
		struct fl_mfile *f = fl_model_file_of_fd(tr, pid, (int)a[0]);
		uint64_t from = calls[k].kind == K_TRUNCATE ? a[1] : a[2];

		if (f)
			fl_model_will_change(tr, f, wide(info->arch) ? from : 0, UINT64_MAX);
		break;
	}
	case K_FSYNC:
		synced(tr, pid, (int)a[0]);
		break;
	case K_RANGE_SYNC: {
		struct fl_mfile *f;

		/* Only the 64-bit layout (fd, offset, nbytes, flags) is known here. */
		if (!wide(info->arch) || !(a[3] & SYNC_FILE_RANGE_WAIT_AFTER))
			break;
		f = fl_model_file_of_fd(tr, pid, (int)a[0]);
		if (f)
			fl_model_durable_range(tr->model, f, a[1], a[2]);
		break;
	}
	case K_SYNCFS: {
		char link[64];
		struct stat st;

		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, (int)a[0]);
		if (stat(link, &st) == 0)
			fl_model_durable_dev(tr->model, st.st_dev, false);
		break;
	}
	case K_SYNC:
		fl_model_durable_dev(tr->model, 0, true);
		break;
	case K_MMAP:
		mmap_call(tr, t, info, pid);
		break;
	case K_PATH:
		fl_dirlog_call(tr, t, info, calls[k].name);
		break;
	}
}

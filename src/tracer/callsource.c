/*
 * The fl_call_source of a stopped thread (see callsource.h): tracee memory
 * through the injector, /proc/TID links and unix socket names here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "callsource.h"
#include "faultline/inject.h"
#include "unixsock.h"

static ssize_t source_read_mem(void *ud, uint64_t addr, void *buf, size_t len)
{
	const struct fl_stop_source *s = ud;

	return fl_tracee_read_mem(s->tid, addr, buf, len);
}

/* What fl_tracee_read_string(@size) gives, from the FL_STOP_STRING_MAX read in @e. */
static ssize_t from_cache(const struct fl_stop_string *e, char *buf, size_t size)
{
	size_t max = size - 1;

	/* A string shorter than the buffer: found, as the direct read would. */
	if (e->result >= 0 && (size_t)e->result < max) {
		memcpy(buf, e->buf, (size_t)e->result + 1);
		return e->result;
	}
	/* The first size-1 bytes are there and none is NUL: too long. */
	if (e->got >= max) {
		memcpy(buf, e->buf, max);
		buf[max] = '\0';
		return -ENAMETOOLONG;
	}
	/* Unreadable before size-1 bytes: the same failure. */
	memcpy(buf, e->buf, e->got);
	buf[e->got] = '\0';
	return e->result;
}

ssize_t fl_stop_source_read_string(void *ud, uint64_t addr, char *buf, size_t size)
{
	struct fl_stop_source *s = ud;
	struct fl_stop_string *e = NULL;

	if (size == 0 || size > FL_STOP_STRING_MAX || addr == 0)
		return fl_tracee_read_string(s->tid, addr, buf, size);
	for (size_t i = 0; i < s->n_strings && !e; i++)
		if (s->strings[i].addr == addr)
			e = &s->strings[i];
	if (!e) {
		if (s->n_strings == FL_STOP_STRINGS)
			return fl_tracee_read_string(s->tid, addr, buf, size);
		e = &s->strings[s->n_strings++];
		e->addr = addr;
		e->result = fl_tracee_read_string(s->tid, addr, e->buf, sizeof(e->buf));
		/* On failure the bytes read before hold no NUL: strlen() counts them. */
		e->got = e->result >= 0 ? (size_t)e->result : strlen(e->buf);
	}
	return from_cache(e, buf, size);
}

/*
 * /proc/TID/... rather than /proc/PID/...: a thread may have its own cwd
 * (unshare(CLONE_FS)) and fd table (clone without CLONE_FILES).
 */
static ssize_t source_proc_link(void *ud, enum fl_proc_link what, int fd, char *buf, size_t size)
{
	pid_t tid = ((const struct fl_stop_source *)ud)->tid;
	char path[64];
	ssize_t n;

	if (size == 0)
		return -EINVAL;
	switch (what) {
	case FL_LINK_CWD:
		snprintf(path, sizeof(path), "/proc/%d/cwd", tid);
		break;
	case FL_LINK_FD:
		if (fd < 0)
			return -EBADF;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", tid, fd);
		break;
	case FL_LINK_EXE:
		snprintf(path, sizeof(path), "/proc/%d/exe", tid);
		break;
	case FL_LINK_UNIX_NAME: {
		char link[64];
		unsigned long long ino;

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", tid, fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			return -errno;
		link[n] = '\0';
		if (sscanf(link, "socket:[%llu]", &ino) != 1)
			return -ENOTSOCK;
		return fl_unix_socket_name(ino, buf, size);
	}
	default:
		return -EINVAL;
	}
	n = readlink(path, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

/* caller: the stack, unwound once per stop (libdwfl, as for --stack). */
static ssize_t source_stack(void *ud, pid_t pid, const char *const **ret_frames)
{
	struct fl_stop_source *s = ud;

	if (!s->stack_done) {
		s->stack_done = true;
		s->stack_result = fl_stack_capture(pid, s->tid, &s->stack);
	}
	*ret_frames = (const char *const *)s->stack.frames;
	return s->stack_result < 0 ? s->stack_result : (ssize_t)s->stack.n;
}

void fl_stop_source_done(struct fl_stop_source *s)
{
	fl_stack_clear(&s->stack);
	s->stack_done = false;
}

void fl_stop_source_reset(struct fl_stop_source *s, pid_t tid)
{
	fl_stop_source_done(s);
	s->tid = tid;
	s->n_strings = 0;
	s->src.stack = source_stack;
	s->src.ud = s;
	s->src.read_mem = source_read_mem;
	s->src.read_string = fl_stop_source_read_string;
	s->src.proc_link = source_proc_link;
}

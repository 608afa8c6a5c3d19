/*
 * The fl_call_source of a stopped thread (see callsource.h): tracee memory
 * through the injector, /proc/TID links and unix socket names here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
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

/*
 * A copy of the tracee's @fd in faultline (pidfd_getfd(2), Linux >= 5.6;
 * the tracer has the ptrace access it needs), close-on-exec; or -errno.
 */
static int copy_fd(pid_t tgid, int fd)
{
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_getfd)
	int pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
	int copy, err;

	if (pidfd < 0)
		return -errno;
	copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	err = errno;
	close(pidfd);
	return copy < 0 ? -err : copy;
#else
	(void)tgid;
	(void)fd;
	return -ENOSYS;
#endif
}

/*
 * Is the character device @rdev behind @fd a terminal? isatty(3) on a copy
 * of the fd, which asks the driver itself; where no copy can be had, by
 * device number (devices.txt: 4 virtual consoles and serial ports, 5
 * /dev/tty, /dev/console and /dev/ptmx, 136-143 Unix98 pty slaves).
 */
static bool is_tty(pid_t tgid, int fd, dev_t rdev)
{
	int copy = copy_fd(tgid, fd);
	unsigned maj = major(rdev);

	if (copy >= 0) {
		bool tty = isatty(copy);

		close(copy);
		return tty;
	}
	return maj == 4 || maj == 5 || (maj >= 136 && maj <= 143);
}

/* The "pos:" of /proc/TID/fdinfo/@fd. */
static bool fd_pos(pid_t tid, int fd, uint64_t *ret)
{
	char path[64], line[128];
	bool ok = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", tid, fd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!ok && fgets(line, sizeof(line), f))
		ok = sscanf(line, "pos: %" SCNu64, ret) == 1;
	fclose(f);
	return ok;
}

static int source_fd_clock(void *ud, int fd, int *ret)
{
	const struct fl_stop_source *s = ud;
	char path[64], line[128];
	bool ok = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", s->tid, fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (!ok && fgets(line, sizeof(line), f))
		ok = sscanf(line, "clockid: %d", ret) == 1;
	fclose(f);
	return ok ? 0 : -ENOTTY;
}

static int source_timer_clock(void *ud, int id, int *ret)
{
	const struct fl_stop_source *s = ud;
	char path[64], line[128];
	bool in = false, ok = false;
	int got;
	FILE *f;

	/* "ID: N", then its "signal:", "notify:" and "ClockID: C" lines, per timer. */
	snprintf(path, sizeof(path), "/proc/%d/timers", s->tgid ? s->tgid : s->tid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (!ok && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "ID: %d", &got) == 1)
			in = got == id;
		else if (in)
			ok = sscanf(line, "ClockID: %d", ret) == 1;
	}
	fclose(f);
	return ok ? 0 : -ENOENT;
}

static int source_link_facts(void *ud, enum fl_proc_link what, int fd, struct fl_link_facts *ret)
{
	const struct fl_stop_source *s = ud;
	char path[64], link[64];
	struct stat st;
	ssize_t n;

	switch (what) {
	case FL_LINK_CWD:
		snprintf(path, sizeof(path), "/proc/%d/cwd", s->tid);
		break;
	case FL_LINK_FD:
		if (fd < 0)
			return -EBADF;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", s->tid, fd);
		break;
	case FL_LINK_EXE:
		snprintf(path, sizeof(path), "/proc/%d/exe", s->tid);
		break;
	default:
		return -EINVAL;
	}
	/* stat(2) follows the magic link to the open file itself, pipes and sockets too. */
	if (stat(path, &st) < 0)
		return -errno;
	*ret = (struct fl_link_facts){
		.mode = st.st_mode, .size = (uint64_t)st.st_size, .nlink = st.st_nlink,
	};
	if (what != FL_LINK_FD)
		return 0;
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	ret->type = fl_fd_type_classify(st.st_mode, link,
					S_ISCHR(st.st_mode) && is_tty(s->tgid, fd, st.st_rdev));
	ret->has_pos = fd_pos(s->tid, fd, &ret->pos);
	return 0;
}

static int source_fd_available(void *ud, int fd, uint64_t *ret)
{
	const struct fl_stop_source *s = ud;
	int copy = copy_fd(s->tgid, fd), n, err = 0;

	if (copy < 0)
		return copy;
	if (ioctl(copy, FIONREAD, &n) < 0)
		err = -errno;
	close(copy);
	if (err)
		return err;
	*ret = n < 0 ? 0 : (uint64_t)n;
	return 0;
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
	s->tgid = tid;
	s->n_strings = 0;
	s->src.stack = source_stack;
	s->src.ud = s;
	s->src.read_mem = source_read_mem;
	s->src.read_string = fl_stop_source_read_string;
	s->src.proc_link = source_proc_link;
	s->src.link_facts = source_link_facts;
	s->src.fd_available = source_fd_available;
	s->src.fd_clock = source_fd_clock;
	s->src.timer_clock = source_timer_clock;
}

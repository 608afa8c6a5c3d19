/*
 * Kinds of file behind a descriptor (the fd_type: filter), and which
 * argument of a read-like call is where its data comes from (short:
 * bounds a percentage by what that source can give).
 *
 * Real systems give EINTR and short transfers on pipes, sockets and
 * terminals, not on regular files: a rule aims at them by kind.
 */
#include <string.h>
#include <sys/stat.h>

#include "faultline/base.h"
#include "faultline/sys.h"

static const char *const type_names[FL_FD_TYPE_MAX] = {
	[FL_FD_REGULAR] = "regular",
	[FL_FD_DIR] = "dir",
	[FL_FD_PIPE] = "pipe",
	[FL_FD_FIFO] = "fifo",
	[FL_FD_SOCKET] = "socket",
	[FL_FD_TTY] = "tty",
	[FL_FD_CHARDEV] = "chardev",
	[FL_FD_BLOCKDEV] = "blockdev",
	[FL_FD_EVENTFD] = "eventfd",
	[FL_FD_EPOLL] = "epoll",
	[FL_FD_TIMERFD] = "timerfd",
	[FL_FD_SIGNALFD] = "signalfd",
	[FL_FD_INOTIFY] = "inotify",
	[FL_FD_PIDFD] = "pidfd",
	[FL_FD_ANON] = "anon_inode",
};

const char *fl_fd_type_name(enum fl_fd_type t)
{
	return (unsigned)t < FL_FD_TYPE_MAX ? type_names[t] : NULL;
}

int fl_fd_type_from_name(const char *name)
{
	for (int t = 0; name && t < FL_FD_TYPE_MAX; t++)
		if (strcmp(type_names[t], name) == 0)
			return t;
	return -1;
}

/*
 * The anonymous inodes /proc shows as "anon_inode:[eventfd]" (the brackets
 * are missing for some, "anon_inode:inotify"), by the name the kernel gives
 * them in fs/anon_inodes.c callers.
 */
static const struct {
	const char *name;
	enum fl_fd_type type;
} anon_names[] = {
	{ "eventfd", FL_FD_EVENTFD },
	{ "eventpoll", FL_FD_EPOLL },
	{ "timerfd", FL_FD_TIMERFD },
	{ "signalfd", FL_FD_SIGNALFD },
	{ "inotify", FL_FD_INOTIFY },
	{ "pidfd", FL_FD_PIDFD },
};

enum fl_fd_type fl_fd_type_classify(unsigned mode, const char *link, bool tty)
{
	static const char anon[] = "anon_inode:";

	if (link && strncmp(link, anon, sizeof(anon) - 1) == 0) {
		const char *n = link + sizeof(anon) - 1;
		size_t len;

		if (*n == '[')
			n++;
		len = strcspn(n, "]");
		for (size_t i = 0; i < FL_ARRAY_SIZE(anon_names); i++)
			if (strlen(anon_names[i].name) == len && strncmp(anon_names[i].name, n, len) == 0)
				return anon_names[i].type;
		return FL_FD_ANON;
	}
	switch (mode & S_IFMT) {
	case S_IFREG:
		return FL_FD_REGULAR;
	case S_IFDIR:
		return FL_FD_DIR;
	case S_IFIFO:
		/* An unnamed pipe is "pipe:[INODE]"; a FIFO has a path. */
		return link && strncmp(link, "pipe:", 5) == 0 ? FL_FD_PIPE : FL_FD_FIFO;
	case S_IFSOCK:
		return FL_FD_SOCKET;
	case S_IFCHR:
		return tty ? FL_FD_TTY : FL_FD_CHARDEV;
	case S_IFBLK:
		return FL_FD_BLOCKDEV;
	default:
		return FL_FD_ANON;
	}
}

/*
 * Where a read-like call's data comes from. Calls not listed write, or
 * make their data (getrandom): what they ask for is what they would move.
 */
static const struct {
	const char *name;
	struct fl_data_source src;
} sources[] = {
	{ "copy_file_range", { 0, 1, FL_OFFSET_POINTER } },
	{ "pread64", { 0, 3, FL_OFFSET_REGISTER } },
	{ "preadv", { 0, 3, FL_OFFSET_REGISTER } },
	{ "preadv2", { 0, 3, FL_OFFSET_REGISTER } },
	{ "read", { 0, -1, FL_OFFSET_NONE } },
	{ "readv", { 0, -1, FL_OFFSET_NONE } },
	{ "recvfrom", { 0, -1, FL_OFFSET_NONE } },
	{ "sendfile", { 1, 2, FL_OFFSET_POINTER } },
	{ "sendfile64", { 1, 2, FL_OFFSET_POINTER } },
	{ "splice", { 0, 1, FL_OFFSET_POINTER } },
	{ "tee", { 0, -1, FL_OFFSET_NONE } },
};

bool fl_sysinfo_source(const struct fl_sysinfo *si, struct fl_data_source *ret)
{
	for (size_t i = 0; si && i < FL_ARRAY_SIZE(sources); i++) {
		if (strcmp(sources[i].name, si->name) == 0) {
			*ret = sources[i].src;
			return true;
		}
	}
	return false;
}

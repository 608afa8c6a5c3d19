#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faultline/base.h"

/* "N" as a descriptor number, or -1. */
static int fd_number(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

/* The descriptor of faultline's own that @path itself names, or -1. */
static int own_fd_name(const char *path)
{
	char self[32];
	const char *rest = NULL;

	if (!strcmp(path, "-") || !strcmp(path, "/dev/stdout"))
		return 1;
	if (!strcmp(path, "/dev/stderr"))
		return 2;
	if (!strcmp(path, "/dev/stdin"))
		return 0;
	snprintf(self, sizeof(self), "/proc/%d/fd/", (int)getpid());
	if (!strncmp(path, "/dev/fd/", 8))
		rest = path + 8;
	else if (!strncmp(path, "/proc/self/fd/", 14))
		rest = path + 14;
	else if (!strncmp(path, "/proc/thread-self/fd/", 21))
		rest = path + 21;
	else if (!strncmp(path, self, strlen(self)))
		rest = path + strlen(self);
	return rest ? fd_number(rest) : -1;
}

/*
 * The descriptor of faultline's own that @path names, directly or through a
 * chain of symlinks (/dev/stdout -> /proc/self/fd/1, or a link of the
 * user's own to it), or -1. The chain is followed by its text: a
 * /proc/PID/fd/N link itself points at the open file, which may be a pipe,
 * a socket or a deleted file that no path reaches.
 */
int fl_own_fd_path(const char *path)
{
	_cleanup_free_ char *cur = strdup(path);

	for (int hop = 0; cur && hop < 40; hop++) {
		char target[4096];
		ssize_t n;
		int fd = own_fd_name(cur);

		if (fd >= 0)
			return fd;
		n = readlink(cur, target, sizeof(target) - 1);
		if (n < 0 || n == sizeof(target) - 1)
			return -1;
		target[n] = '\0';
		if (target[0] == '/') {
			free(cur);
			cur = strdup(target);
		} else {
			_cleanup_free_ char *dir = strdup(cur);
			char *next = NULL;

			if (!dir || asprintf(&next, "%s/%s", dirname(dir), target) < 0)
				next = NULL;
			free(cur);
			cur = next;
		}
	}
	return -1;
}

/*
 * A file owned by neither us nor the directory's owner, in a sticky
 * directory (/tmp, /dev/shm): somebody else put it there.
 */
static int check_planted(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	struct stat st, dir;

	if (!copy)
		return -ENOMEM;
	if (lstat(path, &st) < 0 || st.st_uid == geteuid())
		return 0;
	if (stat(dirname(copy), &dir) == 0 && (dir.st_mode & S_ISVTX) && dir.st_uid != st.st_uid)
		return -EPERM;
	return 0;
}

int fl_output_open_direct(const char *path, int *ret_fd)
{
	struct stat st;
	int fd, r;

	*ret_fd = -1;
	if (!*path || path[strlen(path) - 1] == '/')
		return -EISDIR;
	fd = fl_own_fd_path(path);
	if (fd >= 0) {
		if (fcntl(fd, F_GETFD) < 0)
			return -EBADF;
		fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return -errno;
		*ret_fd = fd;
		return 1;
	}
	if (stat(path, &st) < 0)
		return 0; /* nothing there (or a dangling link): a new file */
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	r = check_planted(path);
	if (r < 0 || S_ISREG(st.st_mode))
		return r;
	if (S_ISBLK(st.st_mode))
		return -ENOTBLK;
	if (S_ISSOCK(st.st_mode))
		return -ENXIO;
	/* O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of hanging. */
	fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 1;
}

const char *fl_output_strerror(int err)
{
	switch (err) {
	case -EISDIR:
		return "it is a directory; give a file name";
	case -ENXIO:
		return "nothing reads it (a FIFO no process has open for reading, or a socket)";
	case -EPERM:
		return "it belongs to another user and sits in a sticky directory: refusing a "
		       "file planted there (remove it, or choose another name)";
	case -EBADF:
		return "it names a file descriptor faultline does not have open";
	case -ENOTBLK:
		return "it is a block device; faultline does not write reports onto disks";
	default:
		return strerror(-err);
	}
}

/* An unlinked temporary file, for text that must reach a direct destination whole. */
static int open_spool(void)
{
	const char *dir = getenv("TMPDIR");
	int fd = -1;

	if (dir && *dir)
		fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		fd = memfd_create("faultline-spool", MFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int open_direct(int dest, bool stream, struct fl_atomic_file *af)
{
	int fd = stream ? dest : open_spool(), err;

	if (fd < 0) {
		close(dest);
		return fd;
	}
	af->f = fdopen(fd, stream ? "w" : "w+");
	if (!af->f) {
		err = -errno;
		close(fd);
		if (!stream)
			close(dest);
		return err;
	}
	af->direct = true;
	af->direct_fd = stream ? -1 : dest;
	af->spooled = !stream;
	return 0;
}

int fl_output_open(const char *path, bool stream, struct fl_atomic_file *ret)
{
	_cleanup_free_ char *dcopy = NULL, *bcopy = NULL;
	struct fl_atomic_file af = { .direct_fd = -1 };
	mode_t mask;
	int fd, err;

	err = fl_output_open_direct(path, &fd);
	if (err < 0)
		return err;
	af.path = strdup(path);
	if (!af.path)
		return -ENOMEM;
	if (err > 0) {
		err = open_direct(fd, stream, &af);
		if (err < 0) {
			free(af.path);
			return err;
		}
		*ret = af;
		return 0;
	}

	dcopy = strdup(path);
	bcopy = strdup(path);
	/* Beside the destination, so the final rename() stays in one filesystem. */
	if (!dcopy || !bcopy ||
	    asprintf(&af.tmp_path, "%s/.%s.XXXXXX", dirname(dcopy), basename(bcopy)) < 0) {
		free(af.path);
		return -ENOMEM;
	}
	fd = mkostemp(af.tmp_path, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(af.path);
		free(af.tmp_path);
		return err;
	}
	/*
	 * mkostemp() makes the file 0600; give it the permissions any file the
	 * user creates gets. faultline is single-threaded, so reading the umask
	 * by setting it is safe.
	 */
	mask = umask(0);
	umask(mask);
	af.f = fchmod(fd, 0666 & ~mask) == 0 ? fdopen(fd, "w") : NULL;
	if (!af.f) {
		err = -errno;
		close(fd);
		fl_atomic_abort(&af);
		return err;
	}
	*ret = af;
	return 0;
}

int fl_atomic_open(const char *path, struct fl_atomic_file *ret)
{
	return fl_output_open(path, false, ret);
}

static void release(struct fl_atomic_file *af)
{
	if (af->direct && af->direct_fd >= 0)
		close(af->direct_fd);
	free(af->path);
	free(af->tmp_path);
	*af = (struct fl_atomic_file){ .direct_fd = -1 };
}

void fl_atomic_abort(struct fl_atomic_file *af)
{
	if (af->f)
		fclose(af->f);
	if (af->tmp_path)
		unlink(af->tmp_path);
	release(af);
}

/* Copy the spool to the direct destination, in order, all of it. */
static int copy_spool(struct fl_atomic_file *af)
{
	char buf[65536];
	int in = fileno(af->f);
	ssize_t n;

	if (lseek(in, 0, SEEK_SET) < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(af->direct_fd, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return w < 0 ? -errno : -EIO;
			off += w;
		}
	}
	return 0;
}

static int commit_direct(struct fl_atomic_file *af)
{
	int err = 0;

	/* A write that failed mid-run (ENOSPC on /dev/full) left only the flag. */
	if (fflush(af->f) != 0)
		err = -errno;
	else if (ferror(af->f))
		err = -EIO;
	if (!err && af->spooled)
		err = copy_spool(af);
	if (fclose(af->f) != 0 && !err)
		err = -errno;
	af->f = NULL;
	release(af);
	return err;
}

int fl_atomic_commit(struct fl_atomic_file *af)
{
	int err = 0;

	if (!af->f)
		return -EBADF;
	if (af->direct)
		return commit_direct(af);
	if (fflush(af->f) != 0 || fsync(fileno(af->f)) < 0)
		err = -errno;
	else if (ferror(af->f))
		err = -EIO;
	if (fclose(af->f) != 0 && !err)
		err = -errno;
	af->f = NULL;
	if (!err && rename(af->tmp_path, af->path) < 0)
		err = -errno;
	if (err) {
		fl_atomic_abort(af);
		return err;
	}

	/* Make the rename itself durable; best effort, the file is complete. */
	_cleanup_free_ char *dcopy = strdup(af->path);
	if (dcopy) {
		_cleanup_close_ int dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0)
			(void)fsync(dfd);
	}
	release(af);
	return 0;
}

int fl_atomic_write(const char *path, const char *text, size_t len)
{
	struct fl_atomic_file af;
	int r = fl_atomic_open(path, &af);

	if (r < 0)
		return r;
	if (fwrite(text, 1, len, af.f) != len) {
		r = errno ? -errno : -EIO;
		fl_atomic_abort(&af);
		return r;
	}
	return fl_atomic_commit(&af);
}

unsigned fl_reserve_std_fds(void)
{
	unsigned closed = 0;

	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free descriptor: this one, since those below are open. */
		int n = open("/dev/null", O_RDWR | O_NOCTTY);

		if (n == fd)
			closed |= 1u << fd;
		else if (n >= 0)
			close(n);
	}
	return closed;
}

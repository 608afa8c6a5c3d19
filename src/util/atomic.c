#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faultline/atomic.h"
#include "faultline/util.h"

int fl_atomic_open(const char *path, struct fl_atomic_file *ret)
{
	_cleanup_free_ char *dcopy = strdup(path), *bcopy = strdup(path);
	struct fl_atomic_file af = { 0 };
	mode_t mask;
	int fd, err;

	if (!dcopy || !bcopy)
		return -ENOMEM;
	if (!*path || path[strlen(path) - 1] == '/')
		return -EISDIR;
	af.path = strdup(path);
	/* Beside the destination, so the final rename() stays in one filesystem. */
	if (!af.path || asprintf(&af.tmp_path, "%s/.%s.XXXXXX", dirname(dcopy), basename(bcopy)) < 0) {
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

static void release(struct fl_atomic_file *af)
{
	free(af->path);
	free(af->tmp_path);
	af->path = af->tmp_path = NULL;
	af->f = NULL;
}

void fl_atomic_abort(struct fl_atomic_file *af)
{
	if (af->f)
		fclose(af->f);
	if (af->tmp_path)
		unlink(af->tmp_path);
	release(af);
}

int fl_atomic_commit(struct fl_atomic_file *af)
{
	int err = 0;

	if (!af->f)
		return -EBADF;
	if (fflush(af->f) != 0 || fsync(fileno(af->f)) < 0)
		err = -errno;
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

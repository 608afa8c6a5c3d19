/* Writing a whole file so readers see the old one or the new one, never half. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faultline/util.h"
#include "sweep/sweep.h"

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fl_sweep_write_atomic(const char *path, const char *text, size_t len)
{
	_cleanup_free_ char *dcopy = NULL, *bcopy = NULL, *tmp = NULL;
	_cleanup_close_ int fd = -1;
	mode_t mask;
	int r;

	if (!path || !*path)
		return -ENOENT;
	if (path[strlen(path) - 1] == '/')
		return -EISDIR;
	dcopy = strdup(path);
	bcopy = strdup(path);
	if (!dcopy || !bcopy)
		return -ENOMEM;
	/* Beside the destination, so rename() stays within one filesystem. */
	if (asprintf(&tmp, "%s/.%s.XXXXXX", dirname(dcopy), basename(bcopy)) < 0) {
		tmp = NULL;
		return -ENOMEM;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;

	/* mkostemp() makes it 0600; a report gets what any new file of the user gets. */
	mask = umask(0);
	umask(mask);
	r = fchmod(fd, 0666 & ~mask) < 0 ? -errno : 0;
	if (r == 0)
		r = write_all(fd, text, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0) {
		int f = fd;

		fd = -1;
		if (close(f) < 0)
			r = -errno;
	}
	/* rename() replaces a symlink at @path rather than writing through it. */
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

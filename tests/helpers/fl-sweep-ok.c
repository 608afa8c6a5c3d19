/*
 * fl-sweep-ok: a program that handles every error, for faultline sweep.
 *
 * Usage: fl-sweep-ok FILE...
 *
 * Copies each FILE to stdout: open(2) (the legacy syscall, see
 * fl-sweep-crash.c), read(2) until end of file, write(2). Any failure is
 * reported on stderr and the program goes on with the next file, exiting 1
 * at the end. A sweep over open, read and write finds every run handled.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fl-compat.h"

static int copy(const char *path)
{
	char buf[4096];
	ssize_t n;
	long fd;

	fd = fl_sys_open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while ((n = read((int)fd, buf, sizeof(buf))) > 0) {
		if (write(STDOUT_FILENO, buf, (size_t)n) != n) {
			int err = n < 0 ? errno : EIO;

			close((int)fd);
			return -err;
		}
	}
	if (n < 0) {
		int err = errno;

		close((int)fd);
		return -err;
	}
	close((int)fd);
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;

	for (int i = 1; i < argc; i++) {
		int r = copy(argv[i]);

		if (r < 0) {
			fprintf(stderr, "fl-sweep-ok: %s: %s\n", argv[i], strerror(-r));
			status = 1;
		}
	}
	return status;
}

/*
 * bench-pwrite N FILE
 *
 * A database's write pattern: N times, overwrite one 4 KiB page of a
 * 1 MiB FILE in place (pwrite64, pages in turn), with an fdatasync every
 * 64 writes. For the cost of the power-loss model (issue 14), whose undo
 * log reads the old 4 KiB before every one of those writes.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char page[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: %s N FILE\n", argv[0]);
		return 2;
	}
	long n = atol(argv[1]);
	int fd = open(argv[2], O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0 || ftruncate(fd, 1 << 20) < 0) {
		perror(argv[2]);
		return 1;
	}
	for (long i = 0; i < n; i++) {
		memset(page, 'a' + (int)(i % 26), sizeof(page));
		if (pwrite(fd, page, sizeof(page), (off_t)(i % 256) * 4096) != (ssize_t)sizeof(page)) {
			perror("pwrite");
			return 1;
		}
		if (i % 64 == 63 && fdatasync(fd) < 0) {
			perror("fdatasync");
			return 1;
		}
	}
	return close(fd) < 0;
}

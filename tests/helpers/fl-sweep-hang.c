/*
 * fl-sweep-hang: a program that hangs when a read fails, for faultline sweep.
 *
 * Usage: fl-sweep-hang FILE
 *
 * Reads the first block of FILE. If the read fails it waits forever for the
 * data to come (the bug), and it ignores SIGTERM, like a service that stops
 * only on its own terms: the sweep's SIGTERM at the timeout does nothing and
 * only the SIGKILL after it ends the run.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[512];
	ssize_t n;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: fl-sweep-hang FILE\n");
		return 2;
	}
	signal(SIGTERM, SIG_IGN);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	n = read(fd, buf, sizeof(buf));
	while (n < 0) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		/* Waiting for a retry that never comes. */
		nanosleep(&ts, NULL);
	}
	printf("read %zd bytes\n", n);
	close(fd);
	return 0;
}

/*
 * A long-running "service" for the attach tests: every 20 ms it opens PATH
 * with the raw open syscall and prints "tick N: ok" or "tick N: err ENAME",
 * until it is killed. Prints "ready PID" first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fl-compat.h"

int main(int argc, char **argv)
{
	struct timespec tick = { .tv_sec = 0, .tv_nsec = 20 * 1000 * 1000 };

	if (argc != 2) {
		fprintf(stderr, "usage: fl-server PATH\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready %d\n", getpid());
	for (unsigned long n = 1;; n++) {
		long fd = fl_sys_open(argv[1], O_RDONLY);
		if (fd >= 0) {
			close((int)fd);
			printf("tick %lu: ok\n", n);
		} else {
			printf("tick %lu: err %s\n", n, strerrorname_np(errno));
		}
		nanosleep(&tick, NULL);
	}
}

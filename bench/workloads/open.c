/*
 * bench-open N PATH [any|ok|injected]
 *
 * N times openat(AT_FDCWD, PATH, O_RDONLY) through syscall(2) (so libc
 * cannot turn it into another call), closing what opened. With "ok" every
 * call must succeed, with "injected" every one must fail with EACCES.
 * For the big rule file rows: a rule on openat with path: matches each.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n, ok = 0, injected = 0;
	const char *want;

	if (argc < 3 || (n = atol(argv[1])) < 0) {
		fprintf(stderr, "usage: %s N PATH [any|ok|injected]\n", argv[0]);
		return 125;
	}
	want = argc > 3 ? argv[3] : "any";
	for (long i = 0; i < n; i++) {
		long fd = syscall(SYS_openat, AT_FDCWD, argv[2], O_RDONLY);

		if (fd >= 0) {
			ok++;
			close((int)fd);
		} else if (errno == EACCES) {
			injected++;
		}
	}
	if (!strcmp(want, "ok") && ok != n)
		return 1;
	if (!strcmp(want, "injected") && injected != n)
		return 1;
	return 0;
}

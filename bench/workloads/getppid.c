/*
 * bench-getppid N [any|ok|EPERM]
 *
 * Makes N getppid calls through syscall(2), so libc cannot cache or skip
 * them. The optional second argument says what every call must return;
 * a mismatch exits 3, so a benchmark row that silently stopped injecting
 * (or injected where it should not) fails instead of looking fast.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s N [any|ok|EPERM]\n", argv[0]);
		return 2;
	}
	long n = atol(argv[1]);
	const char *expect = argc > 2 ? argv[2] : "any";
	int want_ok = strcmp(expect, "ok") == 0;
	int want_eperm = strcmp(expect, "EPERM") == 0;
	long bad = 0;

	for (long i = 0; i < n; i++) {
		errno = 0;
		long r = syscall(SYS_getppid);
		if (want_ok)
			bad += r <= 0;
		else if (want_eperm)
			bad += !(r == -1 && errno == EPERM);
	}
	if (bad) {
		fprintf(stderr, "bench-getppid: %ld of %ld calls did not return %s\n",
			bad, n, expect);
		return 3;
	}
	return 0;
}

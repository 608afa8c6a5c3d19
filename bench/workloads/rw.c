/*
 * bench-rw N [any|real|injected]
 *
 * A `dd bs=1` loop: N times, read 1 byte from /dev/zero and write it to
 * /dev/null. Built statically by bench/run: a rule `retval: 1` on read would
 * otherwise also hit the dynamic loader's read of libc's ELF header.
 *
 * The byte is set to 'x' before every read. A real read from /dev/zero
 * overwrites it with 0; an injected read (the call is skipped, only the
 * return value is set) leaves it alone. So "real"/"injected" check which
 * one happened on every iteration; a mismatch exits 3.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s N [any|real|injected]\n", argv[0]);
		return 2;
	}
	long n = atol(argv[1]);
	const char *expect = argc > 2 ? argv[2] : "any";
	int want_real = strcmp(expect, "real") == 0;
	int want_injected = strcmp(expect, "injected") == 0;
	int in = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	int out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	long bad = 0;

	if (in < 0 || out < 0) {
		perror("bench-rw: open");
		return 2;
	}
	for (long i = 0; i < n; i++) {
		volatile char c = 'x';
		if (read(in, (char *)&c, 1) != 1 || write(out, (char *)&c, 1) != 1) {
			perror("bench-rw: read/write");
			return 3;
		}
		if (want_real)
			bad += c != 0;
		else if (want_injected)
			bad += c != 'x';
	}
	if (bad) {
		fprintf(stderr, "bench-rw: %ld of %ld reads were not %s\n", bad, n, expect);
		return 3;
	}
	return 0;
}

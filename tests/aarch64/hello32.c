/*
 * tests/aarch64/hello32.c: a static armhf (AArch32) program for the arm64 VM.
 *   hello32               prints "aarch32 runs", exits 0: the kernel runs AArch32
 *   hello32 expect-eperm  mkdirat(/tmp/fl-probe-dir) must fail with EPERM and
 *                         leave no directory (probe aarch32 injects it)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "expect-eperm")) {
		long r = syscall(SYS_mkdirat, AT_FDCWD, "/tmp/fl-probe-dir", 0755);
		if (r != -1 || errno != EPERM)
			return 1;
		if (access("/tmp/fl-probe-dir", F_OK) == 0)
			return 2;
		return 0;
	}
	printf("aarch32 runs (sizeof(long) %zu)\n", sizeof(long));
	return 0;
}

/*
 * fl-stack: one open(2) from a function with a name nothing else has, for
 * the --stack tests (test_stack.c): its call stack must show that name.
 *
 * Usage: fl-stack FILE
 *
 * Built with -O0 -g so the function keeps its frame and its symbol. Prints
 * "ok" when the open worked, else the error; exits 0 either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fl-compat.h"

__attribute__((noinline)) int fl_stack_marker_open(const char *path);

__attribute__((noinline)) int fl_stack_marker_open(const char *path)
{
	/* The legacy syscall: the dynamic loader uses openat only. */
	long fd = fl_sys_open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	close((int)fd);
	return 0;
}

int main(int argc, char **argv)
{
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: fl-stack FILE\n");
		return 2;
	}
	r = fl_stack_marker_open(argv[1]);
	if (r < 0)
		printf("%s\n", strerror(-r));
	else
		printf("ok\n");
	return 0;
}

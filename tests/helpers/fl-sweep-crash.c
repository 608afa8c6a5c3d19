/*
 * fl-sweep-crash: a program with one bad error path, for faultline sweep.
 *
 * Usage: fl-sweep-crash FILE...
 *
 * Opens each FILE with the legacy open(2) syscall (made with syscall(2): the
 * dynamic loader only uses openat, so a rule on `open` sees exactly these
 * calls) and prints its first line. Every failed open is handled -- a
 * message, exit status 1 at the end -- except the third: that one's error
 * path uses the NULL result, a deliberate NULL dereference (SIGSEGV). A sweep
 * over `open` must find exactly that run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fl-compat.h"

struct config {
	const char *path;
	char first_line[256];
};

/*
 * Every open goes through here: the sweep tests look for this name in the
 * call site of the crashing run. noinline, and not a tail call, so the
 * frame is there even at -O2.
 */
__attribute__((noinline)) static long fl_sweep_crash_open(const char *path)
{
	long fd = fl_sys_open(path, O_RDONLY);

	__asm__ volatile("" ::: "memory");
	return fd;
}

static struct config *load(const char *path)
{
	struct config *c;
	ssize_t n;
	long fd;

	fd = fl_sweep_crash_open(path);
	if (fd < 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->path = path;
	n = read((int)fd, c->first_line, sizeof(c->first_line) - 1);
	if (n > 0)
		c->first_line[strcspn(c->first_line, "\n")] = '\0';
	close((int)fd);
	return c;
}

int main(int argc, char **argv)
{
	/* The crash is the point; a core file of it is not. */
	struct rlimit no_core = { 0, 0 };
	int status = 0;

	setrlimit(RLIMIT_CORE, &no_core);
	for (int i = 1; i < argc; i++) {
		struct config *c = load(argv[i]);
		int err = errno;

		if (!c) {
			fprintf(stderr, "fl-sweep-crash: %s: %s\n", argv[i], strerror(err));
			if (i == 3) {
				/* The bug: this path goes on as if the file were there. */
				volatile struct config *volatile bad = c;

				printf("%s: %s\n", bad->path, bad->first_line);
			}
			status = 1;
			continue;
		}
		printf("%s: %s\n", c->path, c->first_line);
		free(c);
	}
	return status;
}

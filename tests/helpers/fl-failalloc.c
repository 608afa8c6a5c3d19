/*
 * fl-failalloc: an LD_PRELOAD shim that makes faultline run out of memory
 * on cue, for the reliability tests (issue 16).
 *
 * In a process whose name is "faultline" (the traced program inherits
 * LD_PRELOAD but has another name, so it is left alone):
 *  - FL_FAILALLOC_FILE=PATH: once PATH exists, every malloc, calloc and
 *    realloc fails with ENOMEM. Checked at every call (one access(2)): the
 *    test creates the file at the moment it wants the failures to start.
 *  - FL_FAILALLOC_NTH=N: the N-th allocation of the process (counting all
 *    three from its start, 1-based) fails, only that one.
 *  - FL_FAILALLOC_COUNT=PATH: at exit(), the number of allocations made is
 *    written to PATH, so a test knows how many N there are to try.
 *  - FL_FAILALLOC_SPARE=NAME: allocations made directly by a library whose
 *    file name contains NAME are neither counted nor failed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

static unsigned long n_calls;

static int failing(void *caller)
{
	const char *file, *nth, *spare = getenv("FL_FAILALLOC_SPARE");
	Dl_info info;

	if (strcmp(program_invocation_short_name, "faultline") != 0)
		return 0;
	if (spare && dladdr(caller, &info) && info.dli_fname && strstr(info.dli_fname, spare))
		return 0;
	n_calls++;
	nth = getenv("FL_FAILALLOC_NTH");
	if (nth && strtoul(nth, NULL, 10) == n_calls)
		return 1;
	file = getenv("FL_FAILALLOC_FILE");
	return file && access(file, F_OK) == 0;
}

__attribute__((destructor)) static void write_count(void)
{
	const char *path = getenv("FL_FAILALLOC_COUNT");
	char buf[32];
	int fd, n;

	if (!path || strcmp(program_invocation_short_name, "faultline") != 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%lu\n", n_calls);
	if (write(fd, buf, (size_t)n) != n)
		n = -1;
	close(fd);
}

void *malloc(size_t size)
{
	if (failing(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	if (failing(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	if (failing(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, size);
}

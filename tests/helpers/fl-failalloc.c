/*
 * fl-failalloc: an LD_PRELOAD shim that makes faultline run out of memory
 * on cue, for the reliability tests (issue 16).
 *
 * Once the file named by FL_FAILALLOC_FILE exists, every malloc, calloc and
 * realloc in a process whose name is "faultline" fails with ENOMEM. The
 * traced program inherits LD_PRELOAD but has another name, so it is left
 * alone. Checked at every call (one access(2)): the test creates the file at
 * the moment it wants the failures to start.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

static int failing(void)
{
	const char *file = getenv("FL_FAILALLOC_FILE");

	if (!file || strcmp(program_invocation_short_name, "faultline") != 0)
		return 0;
	return access(file, F_OK) == 0;
}

void *malloc(size_t size)
{
	if (failing()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	if (failing()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	if (failing()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, size);
}

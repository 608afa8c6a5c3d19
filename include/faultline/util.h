/* Small helpers shared by every stage: cleanup attributes and hand-over. */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void fl_freep(void *p)
{
	free(*(void **)p);
}

static inline void fl_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fl_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(fl_freep)
#define _cleanup_close_ _cleanup_(fl_closep)
#define _cleanup_fclose_ _cleanup_(fl_fclosep)

/* Take ownership of *pp, leaving NULL behind so a cleanup attribute skips it. */
#define steal_pointer(pp)                       \
	({                                      \
		__typeof__(*(pp)) _p = *(pp);   \
		*(pp) = NULL;                   \
		_p;                             \
	})

#define FL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses of faultline itself, stable and documented in the README. */
enum {
	FL_EXIT_OWN_ERROR = 125,  /* bad rules, bad flags, tracer failure */
	FL_EXIT_NOT_EXECUTABLE = 126,
	FL_EXIT_NOT_FOUND = 127,
	/*
	 * The program exited 0, but a rule's 'expect' (or --require-all) was
	 * not met. Not one a shell or common tool gives: below xargs' 123,
	 * timeout(1)'s 124 and the 125..127 above, above the sysexits.h range
	 * (64..78).
	 */
	FL_EXIT_EXPECTATION = 122,
};

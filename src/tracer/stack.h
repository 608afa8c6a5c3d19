/*
 * The user-space stack of a ptrace-stopped thread, through elfutils' libdwfl
 * (optional at build time: meson -Dlibdw=...). Used for --stack: where in
 * the program each injected call was made.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "faultline/tracer.h"

/* Deep enough to reach the program's own code from inside libc and its callers. */
#define FL_STACK_MAX_FRAMES 16

struct fl_stack {
	size_t n;
	/*
	 * malloc'd, innermost first: "func+0x1a (/usr/bin/prog)", or
	 * "0x7f12... (/lib/x86_64-linux-gnu/libc.so.6)" where no symbol
	 * covers the address, or "0x7f12..." outside every module.
	 */
	char *frames[FL_STACK_MAX_FRAMES];
	/* When fl_stack_capture() failed: why, in a few words for people. */
	char why[256];
};

/* fl_stack_unavailable() is in faultline/tracer.h: the run command asks it. */

/*
 * Unwind thread @tid of process @tgid, which the caller has ptrace-stopped
 * (libdwfl reads its registers and memory with ptrace, and must not attach
 * itself). Fills @st (zeroed, or filled by an earlier call: cleared first)
 * and returns the frame count (> 0), or
 * -EOPNOTSUPP without libdw (or when it cannot be loaded), -ESRCH when the
 * thread is gone, -ENODATA when not even the first frame could be read,
 * -ENOENT when /proc is not mounted (the unwinder reads /proc/PID/maps),
 * -ENOMEM; then @st->why says it for people.
 * A stack that cannot be unwound all the way is returned as far as it went.
 * Not thread-safe: a few processes' module maps are cached between calls.
 */
int fl_stack_capture(pid_t tgid, pid_t tid, struct fl_stack *st);

/* Free the frames; @st may then be reused. */
void fl_stack_clear(struct fl_stack *st);

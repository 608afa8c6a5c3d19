#pragma once

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "faultline/tracer.h"


/* The signal state faultline was started with, for the command to inherit. */
struct fl_spawn_signals {
	size_t n;
	const int *signo;
	const struct sigaction *action;
	const sigset_t *mask;
};

/*
 * Fork the command; the child takes back the signal state in @sigs (NULL:
 * default dispositions, nothing blocked) and waits, running, until one byte
 * arrives on the pipe @ret_go (the parent writes it to ret_go[1] once it
 * has seized the child; end of file makes the child exit 125 without
 * running anything). Then it runs @filter and execs @exe_path with the fds
 * 0-2 set in @close_std_fds closed. Returns 0 with the child's pid and both
 * ends of the pipe (close-on-exec; the caller closes them), or -errno.
 */
int fl_spawn_held(const char *exe_path, char *const *argv,
		  const struct fl_prefilter *filter, const struct fl_spawn_signals *sigs,
		  unsigned close_std_fds, pid_t *ret_pid, int ret_go[2]);

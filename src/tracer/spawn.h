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
 * default dispositions, nothing blocked), stops itself with SIGSTOP, and
 * after the parent has seized it and sent SIGCONT, runs @filter and execs
 * @exe_path with the fds 0-2 set in @close_std_fds closed.
 * Returns 0 with the child stopped (group-stop, not yet traced) and
 * *@ret_go_fd the socket to send one byte on once it is seized (and to
 * close): only then does the child go on, whoever continues it. -errno.
 */
int fl_spawn_stopped(const char *exe_path, char *const *argv,
		     const struct fl_prefilter *filter, const struct fl_spawn_signals *sigs,
		     unsigned close_std_fds, pid_t *ret_pid, int *ret_go_fd);

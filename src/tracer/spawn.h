#pragma once

#include <sys/types.h>

/* Something the child runs right before execve(), e.g. loading a BPF filter. */
struct fl_spawn_filter {
	int (*install)(void *ud); /* >= 0 or -1 with errno set; runs in the child */
	void *ud;
};

/*
 * Fork the command; the child stops itself with SIGSTOP, and after the
 * parent has seized it and sent SIGCONT, runs @filter and execs @exe_path.
 * Returns 0 with the child stopped (group-stop, not yet traced), or -errno.
 */
int fl_spawn_stopped(const char *exe_path, char *const *argv,
		     const struct fl_spawn_filter *filter, pid_t *ret_pid);

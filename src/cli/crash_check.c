/*
 * run --check CMD (README "Crash consistency"): after the run, and after a
 * crash's roll-back, CMD decides whether what is on disk is survivable.
 * It runs as /bin/sh -c CMD, untraced, with faultline's stdin, and its
 * output on faultline's stderr.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "faultline/rules.h"

extern char **environ;

bool fl_cli_has_crash(const struct fl_rule_set *set)
{
	for (size_t i = 0; i < set->n_rules; i++)
		if (set->rules[i].crash != FL_CRASH_NONE)
			return true;
	return false;
}

int fl_cli_run_check(const char *cmd, int *ret_status)
{
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int r, status;

	/* What it says goes with faultline's own words, on stderr: a sweep keeps its last lines. */
	if (posix_spawn_file_actions_init(&fa) != 0)
		return -ENOMEM;
	posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	r = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return -r;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	*ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}

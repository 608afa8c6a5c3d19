/*
 * Private to src/cli: the commands, each in its own file, and option
 * parsing they share. Each fl_cmd_* gets argv from the command's name on
 * (@argv[0] is "run", "check", ...) and returns the process exit status.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct fl_rule_set;

int fl_cmd_run(int argc, char **argv);   /* run.c */
int fl_cmd_check(int argc, char **argv); /* check.c */
int fl_cmd_list(int argc, char **argv);  /* list.c */
int fl_cmd_sweep(int argc, char **argv); /* sweep_cmd.c */
int fl_cmd_report(int argc, char **argv); /* report_cmd.c */

/* crash_check.c: does a rule of @set have crash:? */
bool fl_cli_has_crash(const struct fl_rule_set *set);
/* crash_check.c: run /bin/sh -c @cmd; its exit status (128+N: signal N) in *@ret_status. 0 or -errno. */
int fl_cli_run_check(const char *cmd, int *ret_status);

/* Fds 0-2 that were closed when faultline started (fl_reserve_std_fds()), main.c. */
extern unsigned fl_closed_std_fds;

/*
 * A strict unsigned 64-bit decimal for option values: no sign, no junk, no
 * overflow. Returns 0, -EINVAL or -ERANGE.
 */
int fl_cli_parse_u64(const char *s, uint64_t *ret);

/*
 * run --pid-of (pidof.c): wait up to @wait_ns (@wait_text as the user wrote
 * it) for each of @names, then append the pids to *@attach (realloc'd):
 * the named processes, then the copies they forked; *@n_required is set to
 * the count before those copies. Lines about what was found go to @log
 * (NULL: none). Returns 0, or FL_EXIT_OWN_ERROR after saying why.
 */
int fl_cli_pid_of(const char *const *names, size_t n_names, bool all, uint64_t wait_ns,
		  const char *wait_text, FILE *log, pid_t **attach, size_t *n_attach,
		  size_t *n_required);

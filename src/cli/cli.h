/*
 * Private to src/cli: the commands, each in its own file, and option
 * parsing they share. Each fl_cmd_* gets argv from the command's name on
 * (@argv[0] is "run", "check", ...) and returns the process exit status.
 */
#pragma once

#include <stdint.h>

int fl_cmd_run(int argc, char **argv);   /* run.c */
int fl_cmd_check(int argc, char **argv); /* check.c */
int fl_cmd_list(int argc, char **argv);  /* list.c */
int fl_cmd_sweep(int argc, char **argv); /* sweep_cmd.c */

/* Fds 0-2 that were closed when faultline started (fl_reserve_std_fds()), main.c. */
extern unsigned fl_closed_std_fds;

/*
 * A strict unsigned 64-bit decimal for option values: no sign, no junk, no
 * overflow. Returns 0, -EINVAL or -ERANGE.
 */
int fl_cli_parse_u64(const char *s, uint64_t *ret);

#pragma once

#include <stdint.h>

/* Entry point of the command line: returns the process exit status. */
int fl_cli_main(int argc, char **argv);

/* faultline sweep ARGS... (src/cli/sweep.c); @argv[0] is "sweep". */
int fl_cmd_sweep(int argc, char **argv);

/*
 * A strict unsigned 64-bit decimal for option values: no sign, no junk, no
 * overflow. Returns 0, -EINVAL or -ERANGE.
 */
int fl_cli_parse_u64(const char *s, uint64_t *ret);

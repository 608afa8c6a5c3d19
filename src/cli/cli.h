#pragma once

/* Entry point of the command line: returns the process exit status. */
int fl_cli_main(int argc, char **argv);

/* faultline sweep ARGS... (src/cli/sweep.c); @argv[0] is "sweep". */
int fl_cmd_sweep(int argc, char **argv);

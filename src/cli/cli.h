#pragma once

/* Entry point of the command line: returns the process exit status. */
int fl_cli_main(int argc, char **argv);

/*
 * argv -> command -> exit status: the top-level usage and the dispatch to
 * each command (run.c, check.c, list.c, sweep_cmd.c, report_cmd.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "faultline/base.h"
#include "sources.h"

static const char main_usage[] =
	"Usage: faultline COMMAND [ARGS]...\n"
	"\n"
	"Run a program under ptrace and inject syscall faults described in YAML rules.\n"
	"\n"
	"Commands:\n"
	"  run [OPTIONS] -- PROGRAM [ARG]...   run PROGRAM and inject faults per the rules\n"
	"  check [OPTIONS] FILE...             validate and lint rule files\n"
	"  list syscalls|errnos|groups|keys    list the names rules can use\n"
	"  sweep [OPTIONS] -- PROGRAM [ARG]... find the error paths that crash or hang\n"
	"  report merge REPORT|DIR...         one summary of many runs' JSON reports\n"
	"\n"
	"Options:\n"
	"  -h, --help       show this help (faultline run --help for run's options)\n"
	"  -V, --version    show the version\n"
	"\n"
	"Exit status of run: the program's own; 128+N when it was killed by signal N;\n"
	"122 an expectation was not met although the program exited 0; 125 for\n"
	"faultline's own errors; 126 program not executable; 127 not found.\n";

unsigned fl_closed_std_fds;

int main(int argc, char **argv)
{
	fl_closed_std_fds = fl_reserve_std_fds();
	if (argc < 2) {
		fputs(main_usage, stderr);
		return FL_EXIT_OWN_ERROR;
	}
	const char *cmd = argv[1];

	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(main_usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		printf("faultline %s\n", FL_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return fl_cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "check"))
		return fl_cmd_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "list"))
		return fl_cmd_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "sweep"))
		return fl_cmd_sweep(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return fl_cmd_report(argc - 1, argv + 1);
	return fl_cli_usage_error(NULL, "unknown command '%s' (expected run, sweep, check, list or report)", cmd);
}

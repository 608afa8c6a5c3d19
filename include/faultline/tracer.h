/*
 * The tracer: starts the command under ptrace, follows its whole process
 * tree, turns every waitpid() result into one event, offers syscall stops to
 * the matcher and applies decisions through the injector.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "faultline/match.h"
#include "faultline/report.h"

struct fl_tracer_config {
	char *const *argv;       /* the command, NULL-terminated */
	const char *exe_path;    /* argv[0] resolved by fl_resolve_command() */
	struct fl_matcher *matcher; /* borrowed; its stats are updated */
	FILE *log;               /* injection lines; NULL: none (--quiet) */
	FILE *err;               /* faultline's own errors and warnings */
	struct fl_report *report; /* NULL: no JSON report */
	bool dry_run;            /* match, count and log; change nothing */
	bool seccomp;            /* install the BPF prefilter (one stop per matched call) */
};

struct fl_tracer_result {
	bool exited;     /* true: exit_code is valid; false: term_signal is */
	int exit_code;
	int term_signal;
	bool core_dumped;
};

/*
 * Run the command to completion. Returns 0 with *ret filled, or -errno when
 * faultline itself failed (the command is killed then, never left stopped).
 */
int fl_tracer_run(const struct fl_tracer_config *cfg, struct fl_tracer_result *ret);

/*
 * Find @name like a shell does (a name with a '/' is used as it is, others
 * are searched in $PATH). Returns 0 with a malloc'd path in *ret_path,
 * -ENOENT when there is no such command (exit 127), -EACCES when it exists
 * but cannot be executed (exit 126).
 */
int fl_resolve_command(const char *name, char **ret_path);

/* Exit status a shell would give for @res: the code, or 128+signal. */
int fl_tracer_exit_status(const struct fl_tracer_result *res);

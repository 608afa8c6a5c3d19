/*
 * The tracer: starts the command under ptrace, follows its whole process
 * tree, turns every waitpid() result into one event, offers syscall stops to
 * the matcher and applies decisions through the injector.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdio.h>

#include "faultline/match.h"
#include "faultline/report.h"

/*
 * Something the command runs right before execve(), in the child: the run
 * command's BPF prefilter (faultline/filter.h), opaque to the tracer.
 */
struct fl_prefilter {
	int (*install)(void *ud); /* >= 0 or -1 with errno set; runs in the child */
	void *ud;
};

struct fl_tracer_config {
	char *const *argv;       /* the command, NULL-terminated */
	const char *exe_path;    /* argv[0] resolved by fl_resolve_command() */
	struct fl_matcher *matcher; /* borrowed; its stats are updated */
	FILE *log;               /* injection lines; NULL: none (--quiet) */
	FILE *err;               /* faultline's own errors and warnings */
	struct fl_report *report; /* NULL: no JSON report */
	bool dry_run;            /* match, count and log; change nothing */
	/*
	 * Run mode: the prefilter to install (one stop per matched call, the
	 * rest never stops). NULL: every call stops (--no-seccomp, attach).
	 */
	const struct fl_prefilter *prefilter;
	bool stack;              /* unwind each injected call's stack into the report (needs libdw) */

	/*
	 * Attach mode (n_attach > 0): trace these running processes (every
	 * thread, and the children they make from then on) instead of starting
	 * argv; detach when duration_ns (0: no limit) is over, on SIGINT,
	 * SIGTERM, SIGHUP or SIGQUIT, or when they have all exited. Never kills.
	 */
	const pid_t *attach;
	size_t n_attach;
	uint64_t duration_ns;
};

struct fl_tracer_result {
	bool detached;   /* attach mode: let go while the first process still ran */
	bool exited;     /* true: exit_code is valid; false: term_signal is */
	int exit_code;
	int term_signal;
	bool core_dumped;
	uint64_t stops;  /* ptrace stops handled: what the prefilter saves shows here */
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

/* Exit status a shell would give for @res: the code, or 128+signal; 0 after a detach. */
int fl_tracer_exit_status(const struct fl_tracer_result *res);

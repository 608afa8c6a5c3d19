/*
 * The tracer: starts the command under ptrace (with the prefilter the run
 * command built) or attaches to running processes, follows the whole
 * process tree, turns every waitpid() result into one event, offers
 * syscall stops to the matcher, applies decisions through the injector,
 * and emits what happened to the output sinks (struct fl_sink), which
 * format it: the tracer prints only its own errors.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdio.h>

#include "faultline/match.h"
#include "faultline/rules.h"

/*
 * One injection, as it happened. Strings are borrowed for the call. The
 * tracer leaves args_text and path NULL: a sink that shows them formats
 * them from call (whose src reads the tracee's strings, once per stop).
 */
struct fl_injection {
	uint64_t seq;          /* 1, 2, ... in order of injection */
	double time_s;         /* seconds since the command started */
	pid_t pid;
	pid_t tid;
	const struct fl_call *call;
	const char *syscall;   /* name in the call's ABI */
	const char *args_text; /* formatted args, as fl_format_args() gives */
	const char *path;      /* first path argument as the program wrote it, NULL when none */
	const struct fl_rule *rule;
	const struct fl_decision *decision;
	bool dry_run;
	/*
	 * What the rule's filters saw (fl_matcher_last_match()), NULL when not
	 * given. Its path, when set, is the absolute path the rule matched and
	 * replaces @path in the report.
	 */
	const struct fl_match_info *match;
	/*
	 * With --stack: the thread's user-space stack at the call, innermost
	 * frame first: "func+0x1a (/usr/bin/prog)", or "0x7f12...
	 * (/lib/x86_64-linux-gnu/libc.so.6)" where no symbol covers the address,
	 * or "0x7f12..." outside every module; n_stack 0 when
	 * not asked for or when it could not be unwound.
	 */
	char *const *stack;
	size_t n_stack;
	bool has_stack;        /* --stack was given: the report lists "stack" */
	const char *stack_error; /* with has_stack and n_stack 0: why there is none, else NULL */
};

/* The run begins: the command is about to start, or the processes to be attached. */
struct fl_run_start {
	const char *mode;        /* "seccomp", "ptrace" or "attach" */
};

struct fl_tracer_result;

/*
 * A traced process that died of a core-dumping signal (signal(7): SIGSEGV,
 * SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGQUIT, SIGSYS, SIGTRAP, SIGXCPU,
 * SIGXFSZ), whichever process of the tree it was.
 */
struct fl_crash {
	pid_t pid;        /* the process (thread group) */
	pid_t tid;        /* the thread the signal was delivered to */
	int signal;
	const char *exe;  /* its executable then (/proc/PID/exe), NULL when unknown; borrowed for the call */
	bool main;        /* the command's own process (the one "exit" is about) */
};

/*
 * Something faultline cannot see or cannot allow, said once per process:
 * "io_uring" (io_uring_setup succeeded: what the process submits through
 * the ring bypasses every rule), "ptrace" (the process asks for a tracer
 * and will be refused: it already has one, faultline) or "stack" (--stack
 * cannot unwind its calls, e.g. without /proc).
 */
struct fl_notice {
	pid_t pid;        /* the process (thread group) */
	pid_t tid;        /* the thread that made the call */
	const char *kind; /* "io_uring", "ptrace", "stack" */
	const char *text; /* one line, for people */
};

/* The syscalls the tracer watches for notices: the prefilter must stop them. */
const char *const *fl_tracer_observed(size_t *ret_n);
/*
 * The syscalls the power-loss model of @set must see (writes, syncs,
 * opens, renames): none (NULL) when no rule has crash: power-loss.
 */
const char *const *fl_tracer_model_calls(const struct fl_rule_set *set, size_t *ret_n);

/*
 * What a power loss undid (README "Crash consistency"): "content" (a
 * file's bytes and size put back as at its last durability point: @size
 * it was cut to, @bytes of old content written back), "created" (an
 * entry made since its directory's last fsync, removed) or "renamed"
 * (@path moved back to @from; a file it had replaced put back).
 */
struct fl_rollback {
	const char *what;
	const char *path;
	const char *from;
	uint64_t size;
	uint64_t bytes;
};

/* Where a crash: rule killed the tree. */
struct fl_crash_point {
	const char *rule;     /* its name */
	const char *syscall;  /* the call it acted on, which never ran */
	pid_t pid;
	pid_t tid;
	uint64_t seq;         /* the injection's seq in the log and report */
	enum fl_crash_mode mode;
	const struct fl_rollback *rollbacks; /* power-loss: what was undone, in order */
	size_t n_rollbacks;
	bool incomplete;      /* power-loss: the model failed somewhere (said on stderr) */
};

/* The run is over, and faultline did not fail (else no sink hears of it). */
struct fl_run_end {
	const struct fl_tracer_result *result;
	const char *mode;        /* as in fl_run_start */
	/* Crashes in the tree, in the order they happened (noted only for a sink that wants them). */
	const struct fl_crash *crashes;
	size_t n_crashes;
	int status;              /* fl_tracer_exit_status() of result */
	bool output_failed;      /* the run end of an earlier sink failed */
	const struct fl_crash_point *crash; /* a crash: rule killed the tree; NULL: none */
};

/*
 * One output of the run: the tracer calls each sink in the order given, at
 * the start, at every injection and at the end. Any callback may be NULL.
 * A failing injection() (-errno) ends the run with "cannot write NAME".
 */
struct fl_sink {
	void *ud;
	const char *name;        /* "the report": for error messages */
	bool wants_stack;        /* unwind each injected call's stack for it (needs libdw) */
	bool wants_crashes;      /* note the processes that die of a crash, for run end */
	void (*run_start)(void *ud, const struct fl_run_start *start);
	int (*injection)(void *ud, const struct fl_injection *inj);
	int (*notice)(void *ud, const struct fl_notice *notice);
	int (*run_end)(void *ud, const struct fl_run_end *end);
};

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
	FILE *err;               /* faultline's own errors and warnings */
	struct fl_sink *const *sinks; /* the outputs, borrowed */
	size_t n_sinks;
	bool dry_run;            /* match, count and log; change nothing */
	/*
	 * Run mode: the prefilter to install (one stop per matched call, the
	 * rest never stops). NULL: every call stops (--no-seccomp, attach).
	 */
	const struct fl_prefilter *prefilter;

	/*
	 * Attach mode (n_attach > 0): trace these running processes (every
	 * thread, and the children they make from then on) instead of starting
	 * argv; detach when duration_ns (0: no limit) is over, on SIGINT,
	 * SIGTERM, SIGHUP or SIGQUIT, or when they have all exited. Never kills.
	 */
	const pid_t *attach;
	size_t n_attach;
	/*
	 * attach[n_attach_required..] may have exited by the time they are
	 * seized (--pid-of's forked copies of the named process): skipped
	 * then. 0: every one is required.
	 */
	size_t n_attach_required;
	uint64_t duration_ns;

	/*
	 * Run mode: fds 0-2 (bit N: fd N) that faultline found closed and
	 * filled with /dev/null (fl_reserve_std_fds()): the command gets
	 * them closed again, as it was started.
	 */
	unsigned closed_std_fds;
};

struct fl_tracer_result {
	bool detached;   /* attach mode: let go while the first process still ran */
	bool exited;     /* true: exit_code is valid; false: term_signal is */
	int exit_code;
	int term_signal;
	bool core_dumped;
	bool crashed;    /* a crash: rule killed the tree (term_signal is SIGKILL) */
	uint64_t stops;  /* ptrace stops handled: what the prefilter saves shows here */
	/*
	 * Times the tracer polled for the next stop after a call's stop, found
	 * none within its budget and went to sleep: fewer and fewer while the
	 * stops come far apart (src/tracer/loop.c).
	 */
	uint64_t idle_polls;
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

/*
 * run --pid-of (pidof.c): a process of this pid namespace named @name, by
 * its command name (/proc/PID/comm) or its argv[0]'s file name.
 */
struct fl_named_proc {
	pid_t pid;
	pid_t ppid;
	char *cmdline;  /* its arguments joined by spaces, for messages */
	bool root;      /* set by fl_named_procs_order(): its parent is not named @name */
};

/* Does a process with @comm and argv[0] (@argv0_len bytes) match @name? */
bool fl_proc_name_matches(const char *name, const char *comm, const char *argv0, size_t argv0_len);

/*
 * Every process named @name but faultline itself, kernel threads and
 * zombies, in /proc's order. Returns 0 (*ret_n may be 0) or -errno.
 */
int fl_proc_find_named(const char *name, struct fl_named_proc **ret, size_t *ret_n);

/*
 * Sort @p: the roots (matches whose parent is no match) first, then the
 * rest, each by pid; returns how many roots there are. One root: every
 * match is in its process tree (one program and the copies it forked).
 */
size_t fl_named_procs_order(struct fl_named_proc *p, size_t n);

void fl_named_procs_free(struct fl_named_proc *p, size_t n);

/*
 * NULL when call stacks can be unwound (--stack, caller:), else why not, for
 * a message: a build without libdw, or libdw that cannot be loaded (a
 * dynamic faultline loads it at the first call of this or of an unwind).
 */
const char *fl_stack_unavailable(void);

/* Exit status a shell would give for @res: the code, or 128+signal; 0 after a detach. */
int fl_tracer_exit_status(const struct fl_tracer_result *res);

/*
 * faultline sweep: fail each matching call of a command once, in its own
 * run, and sort the runs by what the command did about it.
 *
 * Every run, the baseline included, is a real `faultline run` of this very
 * faultline binary, with its own JSON report. The sweep never traces anything
 * itself: the engine stays in one place, each run is isolated in its own
 * process group (a hung run can be killed whole), and the reproducer printed
 * for a run is the very command line that run executed, minus -q/--report.
 *
 * Pure parts (rule text, shell quoting, classification, report parsing, run
 * planning) are separate from the process runner so unit tests reach them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "faultline/rules.h"

/* ---- outcomes ----------------------------------------------------------- */

enum fl_sweep_outcome {
	FL_SWEEP_CRASHED,     /* crash signal or sanitizer report */
	FL_SWEEP_HUNG,        /* still running at the timeout; killed */
	FL_SWEEP_NOT_REACHED, /* ended, but the call to fail never came */
	FL_SWEEP_HANDLED,     /* ended on its own: any exit status */
	FL_SWEEP_FAILED,      /* faultline itself could not run it (no report) */
	FL_SWEEP_N_OUTCOMES,
};

/* "crashed", "hung", "not reached", "handled", "failed". */
const char *fl_sweep_outcome_name(enum fl_sweep_outcome o);
/* Same, as a JSON key: "not_reached". */
const char *fl_sweep_outcome_key(enum fl_sweep_outcome o);

/* How a command ended, as its run's report says. */
struct fl_sweep_exit {
	bool exited;    /* true: code is valid; false: killed by signal */
	int code;
	int signal;
};

/*
 * A process of the traced tree that died of a core-dumping signal, as the
 * run's report lists it ("crashes"): the command itself or any process it
 * started, whatever the command's own exit status.
 */
struct fl_sweep_crash {
	int pid;
	int tid;             /* the thread the signal was delivered to */
	int signal;
	char *exe;           /* its executable, NULL when the report had none */
	bool main;           /* the command's own process */
};

/* Everything a run's outcome is decided from. */
struct fl_sweep_observed {
	int wait_status;     /* of the `faultline run` process */
	bool timed_out;      /* the sweep killed it at --timeout */
	bool has_report;     /* its JSON report was written and read */
	struct fl_sweep_exit exit; /* valid with has_report */
	const struct fl_sweep_crash *crashes; /* valid with has_report */
	size_t n_crashes;
	uint64_t injected;   /* calls the run's rule acted on, per its report */
	const char *sanitizer; /* fl_sweep_find_sanitizer() on its stderr, or NULL */
};

/*
 * SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSYS and SIGTRAP (what
 * __builtin_trap() and int3 raise): signals that mean the program broke.
 * Death by any other signal (SIGPIPE, SIGTERM, ...) is a way of ending,
 * and so are the other core-dumping ones (SIGQUIT, SIGXCPU, SIGXFSZ): a
 * user's ^\ or a resource limit, not a bug.
 */
bool fl_sweep_is_crash_signal(int sig);

/*
 * The crash to name among @n entries of a run's "crashes": the first with
 * a crash signal (fl_sweep_is_crash_signal()) in a process other than the
 * command's own, else the command's own, else NULL. A run with one
 * crashed, wherever in the tree.
 */
const struct fl_sweep_crash *fl_sweep_tree_crash(const struct fl_sweep_crash *c, size_t n);

/*
 * The first sanitizer report marker in @buf: "ERROR: AddressSanitizer",
 * "ERROR: LeakSanitizer", "ERROR: MemorySanitizer", "ERROR:
 * HWAddressSanitizer", UBSan's ": runtime error: ". Returns the marker as
 * a static string, or NULL.
 */
const char *fl_sweep_find_sanitizer(const char *buf, size_t len);
/* The longest marker, for scanning a file in overlapping chunks. */
size_t fl_sweep_sanitizer_marker_max(void);

/*
 * The outcome, in this order of precedence: timed out -> hung; no report ->
 * failed (faultline could not run the command: its own error); the rule
 * never acted -> not reached (whatever happened, it wasn't this fault);
 * a crash signal that killed the command or any process of its tree
 * (fl_sweep_tree_crash()), or a sanitizer marker -> crashed; else handled.
 */
enum fl_sweep_outcome fl_sweep_classify(const struct fl_sweep_observed *o);

/*
 * The last @n lines of @buf (a trailing newline does not start a line), as
 * a malloc'd string without the final newline. "" for empty input. NULL on
 * OOM.
 */
char *fl_sweep_tail_lines(const char *buf, size_t len, size_t n);

/* ---- shell quoting ------------------------------------------------------- */

/*
 * @arg as one POSIX shell word: unchanged when it is made only of
 * [A-Za-z0-9_@%+=:,./-] (and not empty), else in single quotes with each '
 * written as '\''. malloc'd; NULL on OOM.
 */
char *fl_shell_quote(const char *arg);
/* @n words (NULL-terminated when n is SIZE_MAX), quoted, joined by spaces. */
char *fl_shell_join(const char *const *argv, size_t n);

/* ---- rule text ----------------------------------------------------------- */

/* What a swept rule's -e text changes from the rule as written. */
struct fl_sweep_rule_edit {
	bool set_error;      /* replace 'error' with the single errno @error */
	int error;
	bool set_counters;   /* append after: @after, times: 1 */
	uint64_t after;
};

/*
 * The rule whose mapping starts at @line:@column (1-based, as struct
 * fl_rule records it) in the YAML @text, as a one-line YAML flow mapping
 * for -e: "{syscall: openat, error: EIO, after: 16, times: 1}". Every key
 * of the rule is copied as written (so keys this code doesn't know are
 * kept), in order, values in flow style; then @edit applies.
 *
 * Keys the sweep decides -- after, every, times, probability -- must not be
 * in the rule: then -EINVAL with *@ret_key set to the first one (static).
 * -ENOENT when no mapping starts there, -EBADMSG when @text is no YAML.
 * On success 0 and a malloc'd string in *@ret.
 */
int fl_sweep_rule_text(const char *text, size_t len, unsigned line, unsigned column,
		       const struct fl_sweep_rule_edit *edit, char **ret, const char **ret_key);

/* ---- reports of `faultline run` ------------------------------------------ */

/* One injection of a run's report: in a dry-run baseline, one matching call. */
struct fl_sweep_call {
	char *syscall;     /* name in the call's ABI */
	char *arch;        /* "x86_64", "i386" */
	char *path;        /* first path argument (lossy UTF-8), or NULL */
	int64_t args[6];
	char *rule;        /* name of the rule that matched */
	int error;         /* errno injected, 0 when none */
	char **stack;      /* the call site, innermost frame first (run --stack) */
	size_t n_stack;    /* 0: the run had no --stack, or it could not unwind */
};

struct fl_sweep_report {
	struct fl_sweep_exit exit;
	struct fl_sweep_call *calls;
	size_t n_calls;
	struct fl_sweep_crash *crashes; /* "crashes", in the order they died */
	size_t n_crashes;
	uint64_t injected;   /* sum of "injected" over the report's rules */
};

/*
 * Parse the JSON report `faultline run --report` wrote (see
 * src/report/json.c). 0, -ENOMEM, or -EBADMSG with a message in *@ret_msg
 * (malloc'd; may be NULL).
 */
int fl_sweep_report_parse(const char *text, size_t len, struct fl_sweep_report *ret,
			  char **ret_msg);
int fl_sweep_report_load(const char *path, struct fl_sweep_report *ret, char **ret_msg);
void fl_sweep_report_done(struct fl_sweep_report *r);

/* ---- planning ------------------------------------------------------------ */

/*
 * The distinct errnos of @rule in the order first written ([EIO, EIO,
 * ENOSPC] -> EIO, ENOSPC): each gets its own run, so no run depends on a
 * random pick. Returns the count (0 when the rule has no error), writing at
 * most @max to @out.
 */
size_t fl_sweep_rule_errors(const struct fl_rule *rule, int *out, size_t max);

/* ---- processes ----------------------------------------------------------- */

/* One `faultline run` to start, and what became of it. */
struct fl_sweep_job {
	char *const *argv;       /* argv[0] is only shown; fl_sweep_runner.exe runs */
	const char *err_path;    /* stdout goes to /dev/null, stderr here */
	/* Filled by fl_sweep_jobs_run(): */
	pid_t pid;
	int wait_status;
	bool timed_out;          /* SIGTERM at the timeout */
	bool killed;             /* and SIGKILL to its process group after the grace */
	double elapsed_s;
	bool done;
};

struct fl_sweep_runner {
	const char *exe;          /* what to exec: faultline's own binary */
	unsigned jobs;            /* at most this many at once, >= 1 */
	uint64_t timeout_ns;      /* per job */
	uint64_t grace_ns;        /* SIGTERM -> SIGKILL */
	/* Called in the sweep's process as each job ends; may be NULL. */
	void (*on_done)(struct fl_sweep_job *job, size_t index, void *ud);
	void *ud;
};

/*
 * Run @n jobs, up to r->jobs at a time, each in its own process group with
 * stdin from /dev/null. A job past the timeout gets SIGTERM (faultline
 * forwards it to the command), then after the grace SIGKILL to its whole
 * process group; faultline's PTRACE_O_EXITKILL takes every tracee with it.
 * SIGINT, SIGTERM and SIGHUP to the sweep kill every job and return
 * -EINTR with the signal in *@ret_signal. 0 when every job ended, or -errno.
 */
int fl_sweep_jobs_run(const struct fl_sweep_runner *r, struct fl_sweep_job *jobs, size_t n,
		      int *ret_signal);

/* ---- the sweep's own report --------------------------------------------- */


/* ---- a whole sweep --------------------------------------------------------- */

/*
 * Several rules are swept one at a time: each rule's calls are the calls it
 * matches when it is the only rule (its own baseline), and a run has that
 * rule alone with after: K-1, times: 1. So a run fails exactly the call its
 * rule's baseline saw as K-th, whatever filters the rule has, and its
 * reproducer is that one rule. A call two rules match is swept once for
 * each, with each rule's own action. Calls are numbered across rules in
 * rule order: rule 1's calls first.
 */

struct fl_sweep_config {
	const char *argv0;        /* how faultline was invoked: reproducers start with it */
	const char *exe;          /* what runs execute: faultline's own binary */
	char *const *command;     /* NULL-terminated */
	bool no_seccomp;          /* passed on to every run */
	bool stack;               /* baseline runs get --stack: each call's call site */
	unsigned jobs;            /* >= 1 */
	uint64_t timeout_ns;
	uint64_t grace_ns;        /* SIGTERM -> SIGKILL for a hung run */
	uint64_t max_runs;        /* 0: no limit */
};

/* A rule of the set, as the sweep uses it. */
struct fl_sweep_rule {
	const char *src;          /* the YAML it was loaded from (borrowed) */
	size_t src_len;
	char *text;               /* as -e text, unedited: the rule as written */
	int *errors;              /* distinct errnos, one run each; n_errors 0: none */
	size_t n_errors;
};

/* One `faultline run` the sweep made and what it left. */
struct fl_sweep_pass {
	char **argv;
	char *report_path;
	char *err_path;
	struct fl_sweep_job job;
	bool has_report;
	struct fl_sweep_report rep;
	char *report_msg;         /* why there is no report */
	const char *sanitizer;    /* marker found on its stderr, or NULL */
	char *stderr_tail;        /* last lines of its stderr */
};

/* One call to fail: the @nth call its rule matches alone. */
struct fl_sweep_target {
	size_t rule;
	uint64_t nth;             /* 1-based */
	const struct fl_sweep_call *call; /* in the rule's first baseline pass */
};

struct fl_sweep_run {
	size_t target;            /* 0-based index into fl_sweep.targets: "call target+1" */
	int error;                /* the one errno it injects; 0: the rule has none */
	char *rule_text;          /* its -e rule: the rule with after: nth-1, times: 1 */
	char *reproducer;         /* pass.argv without -q/--report, shell-quoted */
	struct fl_sweep_pass pass;
	bool finished;
	/* It failed another call than the baseline's (the program varies). */
	bool diverged;
	enum fl_sweep_outcome outcome;
};

struct fl_sweep_baseline {
	/* Rule r alone, --dry-run: passes[2r] and passes[2r + 1]. */
	struct fl_sweep_pass *passes;
	size_t n_passes;
	bool *stable;             /* per rule: same calls, same order, both passes */
};

struct fl_sweep {
	struct fl_sweep_config cfg;
	const struct fl_rule_set *set; /* borrowed */
	struct fl_sweep_rule *rules;   /* one per set->rules */
	char *dir;                     /* temp dir of reports and stderr files */
	struct fl_sweep_baseline base;
	struct fl_sweep_target *targets; /* every rule's calls, rule by rule */
	size_t n_targets;
	struct fl_sweep_run *runs;
	size_t n_runs;
	size_t n_wanted;               /* runs before the --max-runs cut */
	size_t counts[FL_SWEEP_N_OUTCOMES];
	size_t n_finished;
	/* Called as each run ends, results filled in. */
	void (*on_run)(struct fl_sweep *sw, struct fl_sweep_run *run, void *ud);
	void *ud;
};

/*
 * Set up @sw for @set, whose rule i was loaded from the YAML @texts[i]
 * (@lens[i] bytes: the file, or the -e text). Makes the temp dir.
 * -EINVAL when a rule has a key the sweep sets itself: *@ret_rule and
 * *@ret_key say which. Other -errno: faultline's own trouble.
 */
int fl_sweep_init(struct fl_sweep *sw, const struct fl_sweep_config *cfg,
		  const struct fl_rule_set *set, const char *const *texts, const size_t *lens,
		  size_t *ret_rule, const char **ret_key);

/*
 * Run the command twice per rule with that rule alone in --dry-run, and
 * read what it did. 0 whether or not those runs went well (the caller
 * judges from sw->base), -EINTR (signal in *@ret_signal) or -errno.
 */
int fl_sweep_baseline(struct fl_sweep *sw, int *ret_signal);

/* Targets from each rule's first pass, runs for them cut at max_runs. 0 or -errno. */
int fl_sweep_plan(struct fl_sweep *sw);

/* Every planned run, sw->on_run as each ends. 0, -EINTR or -errno. */
int fl_sweep_execute(struct fl_sweep *sw, int *ret_signal);

/* The sweep's JSON report (see json.c), malloc'd; NULL on OOM. */
char *fl_sweep_json(const struct fl_sweep *sw);

/* Frees everything and removes the temp dir. */
void fl_sweep_done(struct fl_sweep *sw);

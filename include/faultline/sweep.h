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
 * This is the sweep's interface to the CLI; the parts behind it (rule
 * text, classification, report parsing, run planning, the process runner)
 * are declared in src/sweep/parts.h, where unit tests reach them.
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
	FL_SWEEP_CHECK_FAILED, /* sweep --crash: the --check failed after the crash */
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

/* ---- shell quoting ------------------------------------------------------- */

/*
 * @arg as one POSIX shell word: unchanged when it is made only of
 * [A-Za-z0-9_@%+=:,./-] (and not empty), else in single quotes with each '
 * written as '\''. malloc'd; NULL on OOM.
 */
char *fl_shell_quote(const char *arg);
/* @n words (NULL-terminated when n is SIZE_MAX), quoted, joined by spaces. */
char *fl_shell_join(const char *const *argv, size_t n);

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
	bool allow_unstable;      /* sweep a baseline that failed or varied (else 125) */
	/*
	 * sweep --crash: every rule is a crash: rule; each run gets --check
	 * @check, one run at a time, and the files under the rules' path:
	 * patterns are put back as they were at the start before every run.
	 */
	bool crash;
	const char *check;
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
	/*
	 * The same call, on another path than the baseline's (a temporary
	 * name, a pid): information only; pass.rep.calls[0] has it.
	 */
	bool path_differs;
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
	struct fl_sweep_state *state;  /* sweep --crash: the files' starting state (state.c) */
	/* Called as each run ends, results filled in. */
	void (*on_run)(struct fl_sweep *sw, struct fl_sweep_run *run, void *ud);
	void *ud;
};

/*
 * sweep --crash: copy what the crash rules' path: patterns name (the
 * directory or file before the first pattern character of each) into
 * @sw's temp dir, to be put back before every run. -EINVAL with
 * *@ret_path (static) for a pattern that names no such place or "/".
 */
int fl_sweep_state_take(struct fl_sweep *sw, const char **ret_path);
/* Put the files back as fl_sweep_state_take() found them. 0 or -errno. */
int fl_sweep_state_restore(struct fl_sweep *sw);

/*
 * Set up @sw for @set, loaded by the rules loader (which keeps the YAML
 * each rule came from: fl_rule_source_text()). Makes the temp dir.
 * -EINVAL when a rule has a key the sweep sets itself: *@ret_rule and
 * *@ret_key say which; -ENOENT (*@ret_rule) when the set lacks a rule's
 * text. Other -errno: faultline's own trouble.
 */
int fl_sweep_init(struct fl_sweep *sw, const struct fl_sweep_config *cfg,
		  const struct fl_rule_set *set, size_t *ret_rule, const char **ret_key);

/*
 * Run the command twice per rule with that rule alone in --dry-run, and
 * read what it did. 0 whether or not those runs went well (the caller
 * judges from sw->base), -EINTR (signal in *@ret_signal) or -errno.
 */
int fl_sweep_baseline(struct fl_sweep *sw, int *ret_signal);

/*
 * What the baseline says about the command (baseline.c). A sweep needs a
 * command that, without injection, finishes within the timeout, lets
 * `faultline run --dry-run` write its report, and does not crash; the
 * first pass that fails one of these ends the sweep (faultline's own
 * error). Nor may it fail on its own (exit status other than 0, or a
 * signal) or vary (its two passes of a rule see different calls, or the
 * passes end differently): a sweep of it would blame the faults for what
 * the command does anyway. Unless the user allows it (allow_unstable):
 * then those are warnings and the command is swept all the same.
 */
enum fl_sweep_baseline_problem {
	FL_SWEEP_BASELINE_OK = 0,
	FL_SWEEP_BASELINE_TIMED_OUT, /* still running at the timeout */
	FL_SWEEP_BASELINE_FAILED,    /* faultline run --dry-run left no report */
	FL_SWEEP_BASELINE_CRASHED,   /* crashed (fl_sweep_pass_crashed()) */
	FL_SWEEP_BASELINE_PROGRAM_FAILED, /* exited non-zero, or was killed, on its own */
	FL_SWEEP_BASELINE_UNSTABLE,  /* passes that disagree (exit_varied, n_unstable) */
};

struct fl_sweep_baseline_verdict {
	enum fl_sweep_baseline_problem problem;
	const struct fl_sweep_pass *pass; /* the first pass with the problem (or program_failed) */
	/* With FL_SWEEP_BASELINE_OK, _PROGRAM_FAILED and _UNSTABLE: */
	bool program_failed; /* the first pass that did is @pass */
	bool exit_varied;   /* the passes did not all end the same way (exit or signal) */
	size_t n_unstable;  /* rules whose two passes saw different calls (!b->stable[i]) */
};

/*
 * Judge @b, filled by fl_sweep_baseline(). With @allow_unstable a failing
 * or varying command is FL_SWEEP_BASELINE_OK, the facts still set.
 */
struct fl_sweep_baseline_verdict fl_sweep_baseline_judge(const struct fl_sweep_baseline *b,
							 bool allow_unstable);

/*
 * Did pass @p crash: killed by a crash signal, a sanitizer report on its
 * stderr, or a crash anywhere in its process tree (fl_sweep_tree_crash())?
 */
bool fl_sweep_pass_crashed(const struct fl_sweep_pass *p);

/*
 * Did two baseline passes see the same calls: the same syscalls in the same
 * order? (Paths may carry a pid or a temp name, so they do not count.)
 */
bool fl_sweep_same_calls(const struct fl_sweep_report *a, const struct fl_sweep_report *b);

/* Targets from each rule's first pass, runs for them cut at max_runs. 0 or -errno. */
int fl_sweep_plan(struct fl_sweep *sw);

/* Every planned run, sw->on_run as each ends. 0, -EINTR or -errno. */
int fl_sweep_execute(struct fl_sweep *sw, int *ret_signal);

/* The sweep's JSON report (see json.c), malloc'd; NULL on OOM. */
char *fl_sweep_json(const struct fl_sweep *sw);

/* Frees everything and removes the temp dir. */
void fl_sweep_done(struct fl_sweep *sw);

/*
 * Private to src/sweep: the parts behind a sweep. The pure ones (how a run
 * is classified, a swept rule's -e text, reading a run's report, the
 * errnos a rule gets runs for) are separate from the process runner so
 * that unit tests reach them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faultline/rules.h"
#include "faultline/sweep.h"

/* ---- classification ------------------------------------------------------ */

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
	bool crash_sweep;    /* sweep --crash: faultline's status is the --check verdict */
};

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

/* ---- sweep --crash: the files' starting state (state.c) ------------------- */

void fl_sweep_state_free(struct fl_sweep *sw);

/* ---- processes ----------------------------------------------------------- */

struct fl_sweep_runner {
	const char *exe;          /* what to exec: faultline's own binary */
	unsigned jobs;            /* at most this many at once, >= 1 */
	uint64_t timeout_ns;      /* per job */
	uint64_t grace_ns;        /* SIGTERM -> SIGKILL */
	/* Called in the sweep's process as each job ends; may be NULL. */
	void (*on_done)(struct fl_sweep_job *job, size_t index, void *ud);
	/* Called in the sweep's process right before job @index starts (0 or -errno ends the runs); may be NULL. */
	int (*before)(size_t index, void *ud);
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

/*
 * What faultline tells the user: the log (header, one line per injection,
 * summary), the JSON report and the Markdown summary. Each is a subscriber
 * of the tracer's output sink (struct fl_sink in faultline/tracer.h):
 * the tracer hands over fl_injection records and the run's start and end;
 * these format them. Nothing in here calls ptrace.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "faultline/match.h"
#include "faultline/rules.h"
#include "faultline/tracer.h"

/*
 * Reads a NUL-terminated string of at most @size-1 bytes at @addr in the
 * tracee into @buf. Returns its length, or -errno (unmapped, ...). Supplied
 * by the tracer so formatting stays testable without a tracee.
 */
typedef ssize_t (*fl_read_string_fn)(void *ud, uint64_t addr, char *buf, size_t size);

/*
 * Format the arguments of @call for a log line: path arguments as quoted C
 * strings (read through @read_str; an unreadable pointer prints as its hex
 * address), AT_FDCWD and open flags symbolically, other arguments as decimal
 * numbers (pointers in hex). Writes at most @size bytes (NUL included) to @buf
 * and returns the length it needed (like snprintf).
 * If @ret_path is not NULL and the call has a path argument, the raw path
 * (unescaped, NUL-terminated, truncated to @path_size-1) goes there and
 * *ret_has_path is set. Only the first path argument (FL_ARG_PATH in
 * sys.h: symlink's target is printed but is not one) counts: when it
 * can't be read (or is NULL), *ret_has_path is false even if a later one
 * could be.
 * @read_str may be NULL: paths then print as addresses.
 * Paths longer than 4096 bytes print their first 4096 and then "...".
 */
size_t fl_format_args(const struct fl_call *call, fl_read_string_fn read_str, void *ud,
		      char *buf, size_t size, char *ret_path, size_t path_size,
		      bool *ret_has_path);

/*
 * @len bytes at @s as a quoted C string, the way paths are shown: \n \t \r
 * \v \f \" \\ and \xNN for every other byte outside printable ASCII.
 * snprintf-like: returns the length needed.
 */
size_t fl_format_cstring(char *buf, size_t size, const char *s, size_t len);

/* "250ms", "1s", "10us", "7ns": the largest unit that divides @ns exactly. */
size_t fl_format_duration(char *buf, size_t size, uint64_t ns);

/*
 * The outcome part of a log line: "= -1 ENOENT", "= 5", "delayed 250ms",
 * "= -1 EIO after 250ms delay", "shortened to 100 of 4096 bytes";
 * ", signal SIGUSR1" when the rule sends one ("signal SIGUSR1" alone);
 * with FL_PHASE_EXIT a " [exit]" suffix. snprintf-like.
 */
size_t fl_format_result(char *buf, size_t size, const struct fl_decision *d);

/*
 * Log header: "faultline 0.1.0: seed 42, 3 rules from rules/a.yaml, -e #1"
 * (control characters in source names shown as \xNN).
 */
void fl_log_header(FILE *out, const struct fl_rule_set *set, uint64_t seed);

/*
 * One line per injection, e.g.
 * faultline: [pid 4242] openat(AT_FDCWD, "/etc/app.conf", O_RDONLY) = -1 ENOENT (rule "config-missing")
 * The pid shown is the thread's (tid), as strace does. With dry_run the line
 * reads "faultline: [pid 4242] would inject: openat(...) = -1 ENOENT (...)".
 * See fl_format_result() for the outcome part. What the rule's filters
 * matched follows in brackets, each only when the rule filtered on it:
 *   [path "/srv/data/a.db"]      the absolute path (quoted like arguments)
 *   [address 10.0.0.5:5432]      or [address [::1]:5432] for IPv6
 *   [process "/usr/bin/curl"]
 * e.g. faultline: [pid 42] read(3, 0x7ffd0000, 4096) shortened to 100 of
 * 4096 bytes (rule "short-reads") [path "/srv/data/a.db"]
 * Written with one fwrite().
 */
void fl_log_injection(FILE *out, const struct fl_injection *inj);
/* "faultline: [pid N] TEXT": a notice (struct fl_notice), one line. */
void fl_log_notice(FILE *out, const struct fl_notice *n);
/* Where a crash: rule killed the tree, and what a power loss rolled back. */
void fl_log_crash(FILE *out, const struct fl_crash_point *c);

/*
 * Summary per rule: matched calls and injections, columns sized to fit:
 * faultline: summary
 * faultline:   rule             syscalls     matched  injected
 * faultline:   config-missing   open,openat        3         2
 */
void fl_log_summary(FILE *out, const struct fl_rule_set *set, const struct fl_rule_stats *stats);

/*
 * A rule's expectation in a few characters, for the summaries: ">=1",
 * "<=3", "1..3", "=2"; "" when it has none. snprintf-like.
 * (When any rule has one, fl_log_summary() adds an "expect" column with
 * these, and "NOT MET" after each that the run missed.)
 */
size_t fl_format_expect(char *buf, size_t size, const struct fl_rule *r);

/* How many rules of @set did not meet their expectation ('expect', --require-all). */
size_t fl_expect_unmet(const struct fl_rule_set *set, const struct fl_rule_stats *stats);

/*
 * One line per rule that did not meet its expectation, with what it did:
 * faultline: expectation not met: rule "db-down" (ci.yaml:12) acted 0 times
 * on 0 matching calls; expected >=1
 */
void fl_log_unmet(FILE *out, const struct fl_rule_set *set, const struct fl_rule_stats *stats);

/*
 * The run is over: a rule that acted fewer or more times than its 'expect'
 * (or --require-all) allows fails it with FL_EXIT_EXPECTATION, so that a
 * chaos test that injected nothing cannot pass. A program that failed
 * keeps its own @status: that is the news, and the injections (or their
 * absence) are explained either way. Said on @err even with -q, and in
 * @log too when there is one (NULL: none). Returns the exit status.
 */
int fl_expect_verdict(const struct fl_rule_set *set, const struct fl_rule_stats *stats,
		      int status, FILE *log, FILE *err);

/*
 * JSON report, streamed so memory stays flat however many injections there
 * are: fl_report_open() creates a temp file beside @path, fl_report_add()
 * appends one injection, fl_report_close() writes the rest and renames the
 * temp file over @path (atomic) and frees the report. fl_report_free()
 * instead of close removes the temp file. Returns NULL/-errno on failure.
 *
 * {"injections":[{"seq","time_s","pid","tid","arch","syscall","args":[6 ints],
 *   "path"?,"path_hex"?,"address"?,"port"?,"process"?,"process_hex"?,"rule","phase":"enter"|"exit",
 *   "action":{"delay_ms"?,"error"?|"retval"?|"short"?,"short_of"?,"signal"?},
 *   "stack"?:["func+0x1a (/usr/bin/prog)", ...]}, ...],
 *  "faultline_version","seed","command":[..],"exit":{"code"}|{"signal"},
 *  "crashes":[{"pid","tid","exe","exe_hex"?,"signal","main"}],
 *  "dry_run","rules":[{"name","syscalls","matched","injected","expect"?:{"min","max"?},
 *  "expect_met"}],"expectations_met"}
 * Encoding details (non-UTF-8 bytes, seeds >= 2^63) are described in json.c.
 */
struct fl_report;

struct fl_report *fl_report_open(const char *path, int *ret_err);
int fl_report_add(struct fl_report *r, const struct fl_injection *inj);

/* Note a crash, in the order they happen; the report lists them at the end. 0 or -errno. */
int fl_report_add_crash(struct fl_report *r, const struct fl_crash *c);
/* The crash point of a crash: rule, for the report's "crash" (kept, written at the end). */
int fl_report_set_crash(struct fl_report *r, const struct fl_crash_point *c);
/* A notice for the report's "notices" (kept, written at the end). */
int fl_report_add_notice(struct fl_report *r, const struct fl_notice *n);

struct fl_run_result {
	const struct fl_rule_set *set;
	const struct fl_rule_stats *stats;
	uint64_t seed;
	char *const *command;  /* argv, NULL-terminated */
	bool exited;           /* true: exit_code valid; false: killed by term_signal */
	int exit_code;
	int term_signal;
	bool dry_run;
	/*
	 * How the tracer worked: "seccomp" (prefilter, one stop per matched
	 * call), "ptrace" (--no-seccomp: every call stops) or "attach"; and how
	 * many ptrace stops it handled, and how often it polled in vain for the
	 * next (struct fl_tracer_result). NULL mode: not reported.
	 */
	const char *tracer_mode;
	uint64_t stops;
	uint64_t idle_polls;
	/*
	 * Attach mode: the processes attached to (-p), with their executables
	 * as faultline found them (NULL: unknown), instead of a command; and
	 * whether faultline let them go while they ran (then "exit" is
	 * {"detached": true}).
	 */
	const struct fl_attached *attached;
	size_t n_attached;
	bool detached;
};

/*
 * Finish the report, rename it over the destination and free @r, whatever
 * the outcome (don't fl_report_free() it afterwards). On failure the temp
 * file is removed and the destination left as it was. 0 or -errno.
 */
int fl_report_close(struct fl_report *r, const struct fl_run_result *res);
/* Abandon a report that won't be closed: removes its temp file, frees @r. NULL ok. */
void fl_report_free(struct fl_report *r);

/*
 * --summary-md: a Markdown section for CI job pages (GitHub's
 * $GITHUB_STEP_SUMMARY, GitLab artifacts): a heading with the command, a
 * line with the seed, exit status and sources, and a table
 * | rule | syscalls | matched | injected | expected | met |
 * followed by what was not met. The file is appended to, never replaced,
 * since CI systems collect several steps' summaries in one file; it is
 * opened first (so a bad path fails before anything runs, like --report)
 * and never through a symlink. The section is written with one write(2),
 * so concurrent writers do not interleave.
 */
int fl_summary_md_open(const char *path);
/*
 * Writes the section for @res to @fd (from fl_summary_md_open()) and
 * closes it. @status is faultline's own exit status. 0 or -errno.
 */
int fl_summary_md_write(int fd, const struct fl_run_result *res, int status);

/*
 * The outputs as tracer sinks. Each knows from the run command what it knew
 * before the run (@run, which must outlive it) and hears the rest from the
 * tracer; give &out->sink to fl_tracer_config.sinks.
 */
/* A process attach mode traced (-p PID). */
struct fl_attached {
	pid_t pid;
	const char *exe; /* /proc/PID/exe when attaching; NULL when unknown */
};

struct fl_run_info {
	const struct fl_rule_set *set;
	const struct fl_rule_stats *stats;
	uint64_t seed;
	char *const *command;  /* argv, NULL-terminated */
	bool dry_run;
	const struct fl_attached *attached; /* attach mode; n_attached 0 otherwise */
	size_t n_attached;
};

struct fl_output {
	struct fl_sink sink;
	const struct fl_run_info *run;
	FILE *log;                 /* the log: header, lines, summary */
	struct fl_report *report;  /* the JSON report: closed at run end, then NULL */
	int md_fd;                 /* --summary-md: written and closed at run end, then -1 */
	int error;                 /* 0, or the -errno its run end failed with */
};

/* The log on @out: header at run start, a line per injection, the summary at the end. */
void fl_output_log(struct fl_output *o, const struct fl_run_info *run, FILE *out);

/*
 * The JSON report @report (from fl_report_open()), taken over: each
 * injection is added, and the run end closes it (o->error on failure).
 * With @stack, the tracer unwinds each injected call's stack for it.
 * Free what is left with fl_output_done() if the run never ended.
 */
void fl_output_report(struct fl_output *o, const struct fl_run_info *run,
		      struct fl_report *report, bool stack);

/*
 * The Markdown summary on @fd (from fl_summary_md_open()), taken over:
 * written at run end with faultline's exit status as the run command will
 * give it (the expectations applied; 125 when an earlier output failed).
 */
void fl_output_summary_md(struct fl_output *o, const struct fl_run_info *run, int fd);

/* Release what a run that never ended left: the report's temp file, the fd. */
void fl_output_done(struct fl_output *o);

/*
 * faultline report merge (merge.c): the JSON reports of several runs of one
 * rule set summed per rule. fl_merge_add_file() reads one report; a file
 * that is not JSON, not a run report, or of another rule set than the
 * first is refused with -EINVAL and a malloc'd message in *ret_err
 * ("FILE:LINE:COLUMN: ..." for syntax, "FILE: rules[1].matched: ..." for
 * shape, "FILE: not a report of the rule set of FIRST: ..." otherwise).
 * @from_log: @path is a container's log holding the report that run
 * --report - printed last (kubectl logs); the report is found in it.
 */
struct fl_merge;
struct fl_merge *fl_merge_new(void);
int fl_merge_add_file(struct fl_merge *m, const char *path, bool from_log, char **ret_err);
/* Rules whose expectation the sums miss. */
size_t fl_merge_unmet(const struct fl_merge *m);
/* The summary: header, per-rule sums, which reports each rule fired in. */
void fl_merge_print(const struct fl_merge *m, FILE *out);
/* One line per rule whose expectation the sums miss, as run says it. */
void fl_merge_print_unmet(const struct fl_merge *m, FILE *out);
/* The Markdown section on @fd (from fl_summary_md_open(), taken over and closed). */
int fl_merge_markdown(const struct fl_merge *m, int fd);
void fl_merge_free(struct fl_merge *m);

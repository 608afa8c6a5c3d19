/*
 * Harness of the integration tests: runs the real faultline binary on the
 * helper programs and hands back what happened.
 *
 * Paths come from the environment (set by meson):
 *   FAULTLINE          the faultline binary
 *   FL_VICTIM          tests/helpers/fl-victim
 *   FL_VICTIM_STATIC   its static build, empty when none could be built
 *   FL_SOURCE_ROOT     the source tree
 *
 * Every test gets a fresh temporary directory (fl_setup/fl_teardown), which
 * is faultline's working directory and where its stdout/stderr are captured.
 * Everything the harness allocates is freed at teardown, so tests do not
 * free results.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/types.h>

#include <cmocka.h>
#include <jansson.h>

/*
 * A rule that never acts: acct(2) is called by nobody here. For runs that are
 * about the process, not injection (faultline run requires at least one rule).
 */
#define FL_NOOP_RULE "{name: never, syscall: acct, error: EPERM}"

/* Default wall-clock limit of one faultline run; past it the run is killed. */
#define FL_RUN_TIMEOUT_MS 30000

struct fl_result {
	int status;      /* raw wait status of faultline */
	int code;        /* exit code, or -1 when it did not exit normally */
	int signal;      /* signal that killed faultline, or 0 */
	bool timed_out;  /* killed by the harness after the timeout */
	char *out;       /* faultline's (and the command's) stdout */
	char *err;       /* faultline's (and the command's) stderr */
	char *cmdline;   /* for messages */
};

struct fl_proc {
	pid_t pid;       /* faultline, also its process group */
	char *out_path;
	char *err_path;
	char *cmdline;
	bool reaped;
	int status;      /* valid once reaped */
};

/* ---- environment -------------------------------------------------------- */
const char *fl_faultline(void);
const char *fl_victim(void);
/* NULL when the static victim was not built; callers skip(). */
const char *fl_victim_static(void);

/* ---- fixture ------------------------------------------------------------ */
int fl_setup(void **state);
int fl_teardown(void **state);
/* The current test's temporary directory. */
const char *fl_dir(void);
/* "<dir>/<name>", freed at teardown. */
char *fl_path(const char *name);
/* Creates <dir>/<name> with @content; returns its path. */
char *fl_mkfile(const char *name, const char *content);
/* printf into a string freed at teardown. */
char *fl_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- running faultline -------------------------------------------------- */
/*
 * Runs `faultline ARGS...` (NULL-terminated; the program name is added) with
 * stdin from /dev/null and waits at most FL_RUN_TIMEOUT_MS.
 */
void fl_run_argv(struct fl_result *r, const char *const *args);
void fl_run_list(struct fl_result *r, ...);
#define FL_RUN(r, ...) fl_run_list((r), __VA_ARGS__, (const char *)NULL)

/* Asynchronous form, for tests that signal faultline while it runs. */
struct fl_proc *fl_spawn_argv(const char *const *args);
/*
 * The same run under a wrapper command (NULL-terminated, e.g. strace and its
 * options, which then runs faultline and ARGS); the process is the wrapper.
 */
struct fl_proc *fl_spawn_wrapped(const char *const *wrapper, const char *const *args);
struct fl_proc *fl_spawn_list(const char *first, ...);
#define FL_SPAWN(...) fl_spawn_list(__VA_ARGS__, (const char *)NULL)
/* Waits until the captured stdout contains @needle; false on timeout. */
bool fl_wait_stdout(struct fl_proc *p, const char *needle, int timeout_ms);
/* Waits for faultline to end (or kills it after @timeout_ms). */
void fl_finish(struct fl_proc *p, struct fl_result *r, int timeout_ms);

/* ---- reading output ----------------------------------------------------- */
/*
 * The victim prints "OP[I] TARGET: ok ..." / "OP[I] TARGET: err ENAME".
 * Returns the outcomes of every line of @op in order, space separated:
 * "ok" for success, the errno name for an error; "" when there are none.
 */
char *fl_outcomes(const char *text, const char *op);
/* Rest of the first line that starts with @prefix (after it), or NULL. */
char *fl_line_after(const char *text, const char *prefix);
/* Number of lines of @text that contain @needle. */
int fl_count_lines(const char *text, const char *needle);
/* True when some line of @text equals @line exactly. */
bool fl_has_line(const char *text, const char *line);
/* Whole file as a string (freed at teardown), or NULL. */
char *fl_read_file(const char *path);
bool fl_exists(const char *path);
/*
 * The seed in faultline's log header "faultline 0.1.0: seed N, ..." as a
 * string of digits, or NULL when there is no such header line.
 */
char *fl_log_seed(const char *log);
/* Parses the JSON file at @path; fails the test when missing or invalid. */
json_t *fl_load_json(const char *path);
/*
 * Member @key of a report object, failing the test (and showing the object)
 * when it is missing or of another type. Borrowed references.
 */
json_t *fl_json_get(json_t *obj, const char *key);
const char *fl_json_str(json_t *obj, const char *key);
json_int_t fl_json_int(json_t *obj, const char *key);

/* ---- assertions that show the whole run when they fail ------------------ */
void fl_dump(const struct fl_result *r);
void fl_assert_exit_(const struct fl_result *r, int code, const char *file, int line);
void fl_assert_contains_(const struct fl_result *r, const char *what, const char *hay,
			 const char *needle, bool want, const char *file, int line);
void fl_assert_str_(const struct fl_result *r, const char *what, const char *got,
		    const char *want, const char *file, int line);

/* faultline exited normally with @code (not timed out, not killed). */
#define fl_assert_exit(r, code) fl_assert_exit_((r), (code), __FILE__, __LINE__)
#define fl_assert_out_has(r, s) fl_assert_contains_((r), "stdout", (r)->out, (s), true, __FILE__, __LINE__)
#define fl_assert_out_lacks(r, s) fl_assert_contains_((r), "stdout", (r)->out, (s), false, __FILE__, __LINE__)
#define fl_assert_err_has(r, s) fl_assert_contains_((r), "stderr", (r)->err, (s), true, __FILE__, __LINE__)
#define fl_assert_err_lacks(r, s) fl_assert_contains_((r), "stderr", (r)->err, (s), false, __FILE__, __LINE__)
/* String equality that dumps the run (r may be NULL). */
#define fl_assert_str(r, what, got, want) fl_assert_str_((r), (what), (got), (want), __FILE__, __LINE__)
/* Outcomes of @op in the run's stdout equal @want, e.g. "ok ENOENT ok". */
#define fl_assert_outcomes(r, op, want) \
	fl_assert_str_((r), "outcomes of " op, fl_outcomes((r)->out, (op)), (want), __FILE__, __LINE__)

/*
 * Skips the current test, saying why. A program run for one test that skips
 * exits 77, so meson shows SKIP rather than OK.
 */
#define fl_skip(why) do { fl_note_skip(why); skip(); } while (0)
void fl_note_skip(const char *why);

/* ---- main --------------------------------------------------------------- */
/*
 * Common main of the test programs.
 *   prog                run every test
 *   prog NAME...        run only the named tests (an unknown name fails)
 *   prog --list         print the test names
 *   prog --check-listed NAME...  fail unless NAME... is exactly the set of
 *                       tests (keeps meson.build and the C file in step)
 * When @needs_ptrace and this process may not ptrace a child, exits 77
 * (skipped) instead of running anything.
 */
int fl_main(int argc, char **argv, const char *group, const struct CMUnitTest *tests,
	    size_t n_tests, bool needs_ptrace);

#define FL_TEST(fn) cmocka_unit_test_setup_teardown(fn, fl_setup, fl_teardown)
#define FL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

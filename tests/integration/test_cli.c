/*
 * faultline's command line without tracing anything: --version, --help,
 * list, check, and the errors that must stop `run` before the command starts
 * (exit 125).
 */
#include "harness.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static void version(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "--version");
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "--version output", r.out, "faultline 0.1.0\n");
}

static void help(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "--help");
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "run");
	fl_assert_out_has(&r, "check");
	fl_assert_out_has(&r, "list");
}

static void run_help(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--help");
	fl_assert_exit(&r, 0);
	for (const char *const *opt = (const char *const[]){ "--rules", "--rule", "--seed", "--log",
							   "--report", "--quiet", "--dry-run", NULL };
	     *opt; opt++)
		fl_assert_out_has(&r, *opt);
}

static void list_syscalls(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "list", "syscalls");
	fl_assert_exit(&r, 0);
	if (!fl_has_line(r.out, "openat") || !fl_has_line(r.out, "open") ||
	    !fl_has_line(r.out, "getpid") || !fl_has_line(r.out, "unlinkat")) {
		print_error("list syscalls lacks a line openat/open/getpid/unlinkat\n");
		fl_dump(&r);
		fail();
	}
	/* One bare name per line. */
	for (const char *p = r.out; *p; p++)
		if (*p == ' ' || *p == '\t') {
			print_error("list syscalls: a line holds more than a name\n");
			fl_dump(&r);
			fail();
		}
	assert_true(fl_count_lines(r.out, "") > 250);
}

static void list_errnos(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "list", "errnos");
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "ENOENT line", fl_line_after(r.out, "ENOENT "),
		      "2 No such file or directory");
	fl_assert_str(&r, "EACCES line", fl_line_after(r.out, "EACCES "), "13 Permission denied");
}

/* ---- check -------------------------------------------------------------- */

static const char good_rules[] =
	"seed: 42\n"
	"rules:\n"
	"  - name: config-missing\n"
	"    syscall: openat\n"
	"    error: ENOENT\n"
	"    after: 2\n"
	"    times: 1\n"
	"  - syscall: [read, write]\n"
	"    fd_type: [pipe, socket]\n"
	"    error: [EIO, EINTR]\n"
	"    probability: 0.25\n"
	"  - syscall: getpid\n"
	"    retval: 4242\n"
	"    phase: exit\n"
	"  - syscall: fsync\n"
	"    delay: 250ms\n"
	"    every: 3\n";

/* Asserts one "FILE:LINE:COLUMN: error: ..." line for @file in stderr;
 * returns its LINE (and *col). */
static long error_location(const struct fl_result *r, const char *file, long *col)
{
	char *prefix = fl_strf("%s:", file);
	char *rest = fl_line_after(r->err, prefix);
	char *end;
	long line, column;

	if (!rest) {
		print_error("no error line starting with \"%s\" on stderr\n", prefix);
		fl_dump(r);
		fail();
	}
	line = strtol(rest, &end, 10);
	if (end == rest || *end != ':')
		goto bad;
	rest = end + 1;
	column = strtol(rest, &end, 10);
	if (end == rest || strncmp(end, ": error: ", 9))
		goto bad;
	if (line < 1 || column < 1)
		goto bad;
	*col = column;
	return line;
bad:
	print_error("error line is not FILE:LINE:COLUMN: error: MESSAGE\n");
	fl_dump(r);
	fail();
	return -1;
}

static void check_ok(void **state)
{
	char *file = fl_mkfile("good.yaml", good_rules);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "check", file);
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "check stdout", r.out, fl_strf("%s: ok\n", file));
	fl_assert_str(&r, "check stderr", r.err, "");
}

static void check_bad_errno_location(void **state)
{
	char *file = fl_mkfile("bad.yaml",
			       "rules:\n"
			       "  - name: one\n"
			       "    syscall: openat\n"
			       "    error: ENOPE\n");
	struct fl_result r;
	long col;

	(void)state;
	FL_RUN(&r, "check", file);
	fl_assert_exit(&r, 1);
	fl_assert_out_lacks(&r, ": ok");
	if (error_location(&r, file, &col) != 4) {
		print_error("error should point at line 4 (the bad errno)\n");
		fl_dump(&r);
		fail();
	}
	fl_assert_err_has(&r, "ENOPE");
}

static void check_bad_syscall_location(void **state)
{
	char *file = fl_mkfile("bad.yaml",
			       "rules:\n"
			       "  - syscall: openat\n"
			       "    error: ENOENT\n"
			       "  - syscall: opnat\n"
			       "    error: ENOENT\n");
	struct fl_result r;
	long col;

	(void)state;
	FL_RUN(&r, "check", file);
	fl_assert_exit(&r, 1);
	if (error_location(&r, file, &col) != 4) {
		print_error("error should point at line 4 (the bad syscall)\n");
		fl_dump(&r);
		fail();
	}
	fl_assert_err_has(&r, "opnat");
}

static void check_yaml_syntax_error(void **state)
{
	char *file = fl_mkfile("broken.yaml",
			       "rules:\n"
			       "  - syscall: [openat, read\n"
			       "    error: ENOENT\n");
	struct fl_result r;
	long col;

	(void)state;
	FL_RUN(&r, "check", file);
	fl_assert_exit(&r, 1);
	assert_true(error_location(&r, file, &col) >= 2);
}

static void check_unknown_key(void **state)
{
	char *file = fl_mkfile("typo.yaml",
			       "rules:\n"
			       "  - syscall: openat\n"
			       "    error: ENOENT\n"
			       "    tmes: 2\n");
	struct fl_result r;
	long col;

	(void)state;
	FL_RUN(&r, "check", file);
	fl_assert_exit(&r, 1);
	if (error_location(&r, file, &col) != 4) {
		print_error("error should point at line 4 (the unknown key)\n");
		fl_dump(&r);
		fail();
	}
	fl_assert_err_has(&r, "tmes");
}

static void check_several_files(void **state)
{
	char *good = fl_mkfile("good.yaml", good_rules);
	char *bad = fl_mkfile("bad.yaml", "rules:\n  - syscall: openat\n    error: ENOPE\n");
	char *good2 = fl_mkfile("good2.yaml", "rules:\n  - syscall: close\n    error: EBADF\n");
	struct fl_result r;
	long col;

	(void)state;
	FL_RUN(&r, "check", good, bad, good2);
	fl_assert_exit(&r, 1);
	if (!fl_has_line(r.out, fl_strf("%s: ok", good)) ||
	    !fl_has_line(r.out, fl_strf("%s: ok", good2))) {
		print_error("each valid file should get its FILE: ok line\n");
		fl_dump(&r);
		fail();
	}
	fl_assert_out_lacks(&r, fl_strf("%s: ok", bad));
	assert_int_equal(error_location(&r, bad, &col), 3);
}

static void check_missing_file(void **state)
{
	char *file = fl_path("no-such.yaml");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "check", file);
	fl_assert_exit(&r, 1);
	fl_assert_err_has(&r, file);
}

/* Every example shipped in rules/examples/ passes check. */
static void check_examples(void **state)
{
	const char *root = getenv("FL_SOURCE_ROOT");
	char *dir;
	DIR *d;
	struct dirent *e;
	const char *args[64] = { "check" };
	size_t n = 1;
	struct fl_result r;

	(void)state;
	assert_non_null(root);
	dir = fl_strf("%s/rules/examples", root);
	d = opendir(dir);
	if (!d)
		fl_skip("no rules/examples directory");
	while ((e = readdir(d)) && n < FL_ARRAY_SIZE(args) - 1) {
		size_t len = strlen(e->d_name);

		if ((len > 5 && !strcmp(e->d_name + len - 5, ".yaml")) ||
		    (len > 4 && !strcmp(e->d_name + len - 4, ".yml")))
			args[n++] = fl_strf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n == 1)
		fl_skip("no *.yaml in rules/examples");
	args[n] = NULL;
	fl_run_argv(&r, args);
	fl_assert_exit(&r, 0);
	assert_int_equal(fl_count_lines(r.out, ": ok"), (int)n - 1);
}

/* ---- errors of run that start nothing: 125 ------------------------------ */

static void assert_not_started(const struct fl_result *r, const char *marker)
{
	if (fl_exists(marker)) {
		print_error("the command ran (it created %s) although faultline failed\n", marker);
		fl_dump(r);
		fail();
	}
}

static void unknown_flag_125(void **state)
{
	char *marker = fl_path("marker");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "--no-such-flag", "--", fl_victim(), "write", marker, "x");
	fl_assert_exit(&r, 125);
	assert_not_started(&r, marker);
	fl_assert_err_has(&r, "no-such-flag");
}

static void bad_rule_file_125(void **state)
{
	char *marker = fl_path("marker");
	char *rules = fl_mkfile("bad.yaml", "rules:\n  - syscall: openat\n    error: ENOPE\n");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-r", rules, "--", fl_victim(), "write", marker, "x");
	fl_assert_exit(&r, 125);
	assert_not_started(&r, marker);
	fl_assert_err_has(&r, rules);
	fl_assert_err_has(&r, "ENOPE");
}

static void missing_rule_file_125(void **state)
{
	char *marker = fl_path("marker");
	char *rules = fl_path("absent.yaml");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-r", rules, "--", fl_victim(), "write", marker, "x");
	fl_assert_exit(&r, 125);
	assert_not_started(&r, marker);
	fl_assert_err_has(&r, rules);
}

static void bad_inline_rule_125(void **state)
{
	char *marker = fl_path("marker");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", "{syscall: no_such_call, error: ENOENT}", "--", fl_victim(), "write",
	       marker, "x");
	fl_assert_exit(&r, 125);
	assert_not_started(&r, marker);
	fl_assert_err_has(&r, "no_such_call");

	FL_RUN(&r, "run", "-e", "{syscall: openat, error: ENOENT", "--", fl_victim(), "write",
	       marker, "x");
	fl_assert_exit(&r, 125);
	assert_not_started(&r, marker);
}

static void bad_seed_125(void **state)
{
	char *marker = fl_path("marker");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-s", "not-a-number", "-e", "{syscall: openat, error: ENOENT}", "--",
	       fl_victim(), "write", marker, "x");
	fl_assert_exit(&r, 125);
	assert_not_started(&r, marker);
}

static void no_command_125(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", "{syscall: openat, error: ENOENT}");
	fl_assert_exit(&r, 125);
	FL_RUN(&r, "run", "-e", "{syscall: openat, error: ENOENT}", "--");
	fl_assert_exit(&r, 125);
}

/* -q silences the log, not errors. */
static void quiet_still_reports_errors(void **state)
{
	char *rules = fl_mkfile("bad.yaml", "rules:\n  - syscall: openat\n    error: ENOPE\n");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-q", "-r", rules, "--", fl_victim(), "exit", "0");
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "ENOPE");
}

/* check --arch: lint a rule file for another machine's syscall names. */
static void check_arch(void **state)
{
	char *file = fl_mkfile("legacy.yaml", "rules:\n  - syscall: open\n    error: ENOENT\n");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "check", "--arch", "aarch64", file);
	fl_assert_exit(&r, 0);
	fl_assert_err_has(&r, fl_strf("%s:2:14: warning: key 'syscall': open is not a syscall of "
				      "aarch64", file));
	fl_assert_err_has(&r, "aarch64 programs make openat instead");
	fl_assert_out_has(&r, fl_strf("%s: ok (1 warning)", file));
	/* --strict turns it into a failure, as any warning. */
	FL_RUN(&r, "check", "--strict", "--arch", "aarch64", file);
	fl_assert_exit(&r, 1);
	FL_RUN(&r, "check", "--arch", "x86_64", file);
	fl_assert_exit(&r, 0);
	fl_assert_err_lacks(&r, "not a syscall of");
	fl_assert_out_has(&r, fl_strf("%s: ok", file));
	/* "Did you mean" knows arm's private calls, numbered far above its table. */
	file = fl_mkfile("flush.yaml", "rules:\n  - syscall: cachflush\n    error: ENOENT\n");
	FL_RUN(&r, "check", "--arch", "aarch64", file);
	fl_assert_exit(&r, 1);
	fl_assert_err_has(&r, fl_strf("%s:2:14: error: key 'syscall': unknown syscall 'cachflush'; "
				      "did you mean 'cacheflush'?", file));
}

static void check_unknown_arch_125(void **state)
{
	char *file = fl_mkfile("r.yaml", "rules: [{syscall: read, error: EIO}]\n");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "check", "--arch", "sparc", file);
	fl_assert_exit(&r, 125);
	fl_assert_err_has(&r, "unknown architecture 'sparc' (expected x86_64 or aarch64)");
}

/* Every shipped example and scenario loads for every architecture faultline knows. */
static void check_shipped_every_arch(void **state)
{
	static const char *const arches[] = { "x86_64", "aarch64" };
	static const char *const dirs[] = { "rules/examples", "rules/scenarios" };
	const char *root = getenv("FL_SOURCE_ROOT");

	(void)state;
	assert_non_null(root);
	for (size_t a = 0; a < FL_ARRAY_SIZE(arches); a++) {
		const char *args[64] = { "check", "--arch", arches[a] };
		size_t n = 3;
		struct fl_result r;

		for (size_t k = 0; k < FL_ARRAY_SIZE(dirs); k++) {
			char *dir = fl_strf("%s/%s", root, dirs[k]);
			DIR *d = opendir(dir);
			struct dirent *e;

			assert_non_null(d);
			while ((e = readdir(d)) && n < FL_ARRAY_SIZE(args) - 1) {
				size_t len = strlen(e->d_name);

				if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml"))
					args[n++] = fl_strf("%s/%s", dir, e->d_name);
			}
			closedir(d);
		}
		assert_true(n > 3 + 10);
		args[n] = NULL;
		fl_run_argv(&r, args);
		fl_assert_exit(&r, 0);
		fl_assert_err_lacks(&r, ": error:");
		assert_int_equal(fl_count_lines(r.out, ": ok"), (int)n - 3);
	}
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
		FL_TEST(version),
		FL_TEST(help),
		FL_TEST(run_help),
		FL_TEST(list_syscalls),
		FL_TEST(list_errnos),
		FL_TEST(check_ok),
		FL_TEST(check_bad_errno_location),
		FL_TEST(check_bad_syscall_location),
		FL_TEST(check_yaml_syntax_error),
		FL_TEST(check_unknown_key),
		FL_TEST(check_several_files),
		FL_TEST(check_missing_file),
		FL_TEST(check_examples),
		FL_TEST(check_arch),
		FL_TEST(check_unknown_arch_125),
		FL_TEST(check_shipped_every_arch),
		FL_TEST(unknown_flag_125),
		FL_TEST(bad_rule_file_125),
		FL_TEST(missing_rule_file_125),
		FL_TEST(bad_inline_rule_125),
		FL_TEST(bad_seed_125),
		FL_TEST(no_command_125),
		FL_TEST(quiet_still_reports_errors),
	};

	return fl_main(argc, argv, "cli", tests, FL_ARRAY_SIZE(tests), false);
}

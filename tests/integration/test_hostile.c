/*
 * Hostile input through the real binary.
 *
 * Rule files: `faultline check FILE` (exit 1) and `faultline run -r FILE --
 * true` (exit 125, nothing run) answer alias bombs, deep nesting, huge files,
 * NUL bytes, invalid UTF-8, overflowing and negative numbers, empty files,
 * directories and unreadable files with FILE:LINE:COLUMN (or FILE: for the
 * file as a whole) messages, in bounded time and memory.
 *
 * Tracee memory: path pointers that are NULL, unmapped, in the kernel half,
 * unterminated for pages, or rewritten and unmapped by another thread while
 * faultline reads them. faultline must not crash; the log shows the pointer
 * in hex; the command gets exactly what the rules say.
 */
#include "direct.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
/*
 * faultline's peak memory on a bad rule file, in KiB: the file is at most
 * 1 MiB and the loader needs a few times that. Only blowups get past this.
 */
#ifdef SANITIZED
#define RULES_MAX_RSS_KIB (512 * 1024)
#else
#define RULES_MAX_RSS_KIB (64 * 1024)
#endif

/*
 * Rule files are refused or loaded within this (they take milliseconds; the
 * longest shapes of rules_long_lists 0.2 s of CPU, 7 s under ASan).
 */
#ifdef SANITIZED
#define RULES_TIMEOUT_MS 60000
#else
#define RULES_TIMEOUT_MS 20000
#endif

static const char *env_or_fail(const char *name)
{
	const char *v = getenv(name);

	if (!v || !*v) {
		print_error("environment variable %s is not set (run through meson test)\n", name);
		fail();
	}
	return v;
}

static const char *badptr(void)
{
	return env_or_fail("FL_BADPTR");
}

/* ---- rule files --------------------------------------------------------- */

static char *mkfile_bytes(const char *name, const void *data, size_t len)
{
	char *path = fl_path(name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t lh = strlen(head), lu = strlen(unit), lt = strlen(tail);
	char *s = fl_strf("%*s", (int)(lh + lu * n + lt), ""), *p;

	memcpy(s, head, lh);
	p = s + lh;
	for (size_t i = 0; i < n; i++, p += lu)
		memcpy(p, unit, lu);
	memcpy(p, tail, lt + 1);
	return s;
}

/*
 * Runs faultline with @args (NULL-terminated) and checks that it ended by
 * itself with @code, quickly and within RULES_MAX_RSS_KIB.
 */
/* When not -1, faultline runs as this user (see rules_unreadable). */
static uid_t spawn_euid = (uid_t)-1;

static void run_bounded(struct fl_result *r, const char *const *args, int code)
{
	struct fl_proc *p;
	long kib;

	if (spawn_euid != (uid_t)-1)
		assert_int_equal(setresuid(spawn_euid, spawn_euid, 0), 0);
	p = fl_spawn_argv(args);
	if (spawn_euid != (uid_t)-1)
		assert_int_equal(setresuid(0, 0, 0), 0);

	fl_finish_rss(p, r, RULES_TIMEOUT_MS, &kib);
	fl_assert_exit(r, code);
	if (kib > RULES_MAX_RSS_KIB) {
		print_error("faultline used %ld KiB (limit %d KiB)\n", kib, RULES_MAX_RSS_KIB);
		fl_dump(r);
		fail();
	}
}

/*
 * @where is the expected start of the message after the file name:
 * ":LINE:COLUMN: error: " for a position, ": error: " for the whole file.
 */
static void expect_refused(const char *file, const char *where, const char *msg)
{
	const char *check[] = { "check", file, NULL };
	const char *run[] = { "run", "-r", file, "--", "true", NULL };
	char *want = fl_strf("%s%s", file, where);
	struct fl_result r;

	run_bounded(&r, check, 1);
	fl_assert_out_lacks(&r, ": ok");
	fl_assert_err_has(&r, want);
	fl_assert_err_has(&r, msg);

	run_bounded(&r, run, 125);
	fl_assert_err_has(&r, want);
	fl_assert_err_has(&r, msg);
	fl_assert_err_has(&r, "nothing was run");
}

static void rules_alias_bomb(void **state)
{
	char *file = fl_mkfile("bomb.yaml",
			       "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
			       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
			       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
			       "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
			       "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
			       "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
			       "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
			       "rules:\n"
			       "  - syscall: *i\n"
			       "    error: EIO\n");

	(void)state;
	expect_refused(file, ":1:4: error: ", "anchor '&a'");
	expect_refused(file, ":2:8: error: ", "alias '*a'");
}

static void rules_deep_nesting(void **state)
{
	char *text = repeat("rules: ", "[", 100000, "\n");
	char *file = fl_mkfile("deep.yaml", text);

	(void)state;
	expect_refused(file, ":1:71: error: ", "nesting deeper than 64 levels");
}

static void rules_big_file(void **state)
{
	/* Valid YAML all the way, one byte over the limit. */
	char *text = repeat("# ", "x", 1024 * 1024, "\n");
	char *file = fl_mkfile("big.yaml", text);

	(void)state;
	expect_refused(file, ": error: ", "too large");
}

/* "HEAD" then "PREFIX<i>," for i in 0..n-1 (no comma after the last), then TAIL. */
static char *numbered_list(const char *head, const char *prefix, size_t n, const char *tail)
{
	size_t cap = strlen(head) + n * (strlen(prefix) + 12) + strlen(tail) + 1;
	char *s = fl_strf("%*s", (int)cap, ""), *p = s;

	/* fl_strf() never returns NULL; said for GCC's -Wformat-overflow under ASan. */
	if (!p)
		abort();
	p += sprintf(p, "%s", head);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s%zu", i ? "," : "", prefix, i);
	sprintf(p, "%s", tail);
	return s;
}

/* check says ok, and run installs it and runs `true` (exit 0), each bounded. */
static void expect_loads(const char *file)
{
	const char *check[] = { "check", file, NULL };
	const char *run[] = { "run", "-q", "-r", file, "--", "true", NULL };
	struct fl_result r;

	assert_true(strlen(fl_read_file(file)) < 1024 * 1024);
	run_bounded(&r, check, 0);
	run_bounded(&r, run, 0);
}

/*
 * Long lists and many rules under 1 MiB load in bounded time (before: a
 * 250k-entry error: list took 34 s in check, a 150k-entry fd: list kept run
 * inside libseccomp past 120 s, a 10k fd: list passed check and failed run
 * with "cannot install the seccomp filter"). The calls are ones `true`
 * never makes, so the run's exit is true's.
 */
static void rules_long_lists(void **state)
{
	(void)state;
	/* Each errno once per list entry: the lint of documented errnos. */
	expect_loads(fl_mkfile("errors.yaml", repeat("rules:\n- {syscall: connect, error: [", "EIO,",
						       240000, "EIO]}\n")));
	expect_loads(fl_mkfile("paths.yaml", numbered_list("rules:\n- {syscall: mkdirat, error: "
							   "EACCES, path: [", "/p/", 60000, "]}\n")));
	expect_loads(fl_mkfile("fds.yaml", numbered_list("rules:\n- {syscall: recvfrom, error: "
							 "EIO, fd: [", "", 150000, "]}\n")));
	expect_loads(fl_mkfile("fds10k.yaml", numbered_list("rules:\n- {syscall: recvfrom, error: "
							    "EIO, fd: [", "", 10000, "]}\n")));
	expect_loads(fl_mkfile("rules.yaml", repeat("rules:\n", "- {syscall: acct, error: EPERM, "
						    "args: {0: 7}}\n", 22000, "")));
}

static void rules_nul_bytes(void **state)
{
	static const char text[] = "rules:\n  - syscall: open\0at\n    error: EIO\n";
	char *file = mkfile_bytes("nul.yaml", text, sizeof(text) - 1);

	(void)state;
	expect_refused(file, ":2:18: error: ", "NUL byte");
}

static void rules_invalid_utf8(void **state)
{
	char *file = fl_mkfile("latin1.yaml", "rules:\n  - syscall: " FL_OPEN_NAME "\n    error: EIO\n"
				"    name: caf\xe9\n");

	(void)state;
	expect_refused(file, ":4:14: error: ", "invalid UTF-8");
}

static void rules_number_overflow(void **state)
{
	char *file = fl_mkfile("overflow.yaml", "rules:\n  - syscall: " FL_OPEN_NAME "\n    error: EIO\n"
				"    after: 18446744073709551616\n");
	char *seed = fl_mkfile("seed.yaml", "seed: 99999999999999999999999999999999\n"
				"rules: [{syscall: " FL_OPEN_NAME ", error: EIO}]\n");

	(void)state;
	expect_refused(file, ":4:12: error: ", "too large");
	expect_refused(seed, ":1:7: error: ", "seed");
}

static void rules_negative_count(void **state)
{
	char *file = fl_mkfile("negative.yaml", "rules:\n  - syscall: " FL_OPEN_NAME "\n    error: EIO\n"
				"    times: -1\n");

	(void)state;
	expect_refused(file, ":4:12: error: ", "times");
}

static void rules_empty_file(void **state)
{
	char *file = fl_mkfile("empty.yaml", "");

	(void)state;
	expect_refused(file, ": error: ", "empty");
}

static void rules_directory(void **state)
{
	char *dir = fl_path("rules.d");

	(void)state;
	assert_int_equal(mkdir(dir, 0755), 0);
	expect_refused(dir, ": error: ", "Is a directory");
}

/*
 * A FIFO nobody writes as a rule file: refused at once (opening it would
 * block forever); so is a device. Without the fix this hangs to the
 * bounded run's timeout.
 */
static void rules_fifo(void **state)
{
	char *fifo = fl_path("rules.fifo");

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	expect_refused(fifo, ": error: ", "it is a FIFO; give a regular file, or '-' for standard input");
	expect_refused("/dev/zero", ": error: ", "it is a character device");
}

/* '-' is standard input; a shell's <(...) (/dev/fd/N) reads too. */
static void rules_from_stdin(void **state)
{
	char *file = fl_mkfile("r.yaml", "rules: [{syscall: " FL_OPEN_NAME ", error: ENOENT}]\n");
	char *target = fl_mkfile("exists", "data\n");
	struct fl_result r;
	const char *const argv[] = { "/bin/sh", "-c", "\"$0\" run -r - -- \"$1\" open \"$2\" < \"$3\"",
				     fl_faultline(), fl_victim(), target, file, NULL };

	(void)state;
	fl_run_direct(&r, argv, 20000);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "ENOENT");
	fl_assert_err_has(&r, "1 rule from -");
}

/*
 * faultline started with stderr closed (2>&-): the report's temporary file
 * must not become fd 2 and take in the log lines. The report stays valid
 * JSON, and the command still starts with fd 2 closed, as natively.
 */
static void stderr_closed(void **state)
{
	char *report = fl_path("r.json");
	struct fl_result r, native;
	const char *probe = "if [ -e /proc/$$/fd/2 ]; then echo fd2-open; else echo fd2-closed; fi";
	const char *const argv[] = { "/bin/sh", "-c",
				     "\"$0\" run --report \"$1\" -e '{syscall: getpid, retval: 4242}' -- "
				     "\"$2\" getpid + getpid 2>&-; \"$0\" run -q -e "
				     "'{syscall: acct, error: EPERM}' -- /bin/sh -c \"$3\" 2>&-",
				     fl_faultline(), report, fl_victim(), probe, NULL };
	const char *const direct[] = { "/bin/sh", "-c", "/bin/sh -c \"$0\" 2>&-", probe, NULL };

	(void)state;
	fl_run_direct(&r, argv, 20000);
	fl_assert_exit(&r, 0);
	assert_int_equal(fl_count_lines(r.out, "getpid[1]: ok 4242"), 2);
	json_t *j = fl_load_json(report);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
		json_object_get(j, "rules"), 0), "injected")), 2);
	json_decref(j);
	fl_run_direct(&native, direct, 20000);
	fl_assert_out_has(&native, "fd2-closed");
	fl_assert_out_has(&r, "fd2-closed");
}

/*
 * Mode 000. root reads such files anyway, so as root faultline runs as
 * nobody (65534): this process sets its real and effective uid to nobody
 * around the fork, keeping 0 as its saved uid to switch back. (With only
 * the effective uid switched faultline would not be dumpable, and a
 * sanitized build's LeakSanitizer fails in such a process.) Where that is
 * not possible, the test skips.
 */
static void rules_unreadable(void **state)
{
	char *file = fl_mkfile("secret.yaml", "rules: [{syscall: " FL_OPEN_NAME ", error: EIO}]\n");

	(void)state;
	assert_int_equal(chmod(file, 0), 0);
	if (geteuid() == 0) {
		if (setresuid(65534, 65534, 0) < 0)
			fl_skip("running as root and cannot become nobody (setresuid 65534): "
				"root reads mode-000 files, so there is nothing to test");
		bool reachable = access(fl_faultline(), X_OK) == 0;
		assert_int_equal(setresuid(0, 0, 0), 0);
		if (!reachable)
			fl_skip("user nobody cannot reach this build's faultline (a private build "
				"directory)");
		/* nobody creates faultline's output files here. */
		assert_int_equal(chmod(fl_dir(), 0777), 0);
		spawn_euid = 65534;
	}
	expect_refused(file, ": error: ", "cannot read rule file: Permission denied");
	spawn_euid = (uid_t)-1;
}

/* ---- tracee memory ------------------------------------------------------ */

static const char *const rules_open_unlink = "{syscall: [" FL_OPEN_NAME ", " FL_UNLINK_NAME "], error: EACCES}";

/*
 * Where the architecture has no open(2) or unlink(2) (aarch64), fl-badptr's
 * "open" and "unlink" are openat and unlinkat (fl-compat.h): its "openat"
 * kind is then the same call as its "open", and a rule on one is a rule on
 * both. The log shows their dirfd first (FL_OPEN_DIRFD).
 */
#ifdef SYS_open
#define LEGACY_CALLS 1
#else
#define LEGACY_CALLS 0
#endif

#if LEGACY_CALLS
/* Lines of @text that start with @prefix, joined by newlines. */
static char *lines_starting(const char *text, const char *prefix)
{
	char *res = fl_strf("%s", "");
	size_t plen = strlen(prefix);

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		if (len >= plen && !strncmp(l, prefix, plen))
			res = fl_strf("%s%.*s\n", res, (int)len, l);
		l = nl ? nl + 1 : NULL;
	}
	return res;
}
#endif

/*
 * Every log line of @syscall shows its path argument as NULL, a hex address
 * or a quoted string, and the right result. Returns how many there were.
 */
static int check_log_lines(const struct fl_result *r, const char *log, const char *syscall)
{
	char *needle = fl_strf("] %s(", syscall);
	int n = 0;

	for (const char *l = strstr(log, needle); l; l = strstr(l + 1, needle)) {
		const char *arg = l + strlen(needle);
		const char *eol = strchr(arg, '\n');
		bool ok;

		if (!strncmp(arg, "AT_FDCWD, ", 10))
			arg += 10;
		ok = !strncmp(arg, "NULL", 4) ||
			  (!strncmp(arg, "0x", 2) && strspn(arg + 2, "0123456789abcdef") > 0) ||
			  arg[0] == '"';

		if (!ok || !eol || !memmem(arg, (size_t)(eol - arg), "= -1 EACCES", 11)) {
			print_error("bad log line for %s: %.*s\n", syscall,
				    eol ? (int)(eol - l) : 200, l);
			fl_dump(r);
			fail();
		}
		n++;
	}
	return n;
}

static void tracee_bad_pointers_injected(void **state)
{
	const char *direct_argv[] = { badptr(), "all", NULL };
	char *log = fl_path("log");
	struct fl_result d, r;
	char *text;

	(void)state;
	fl_run_direct(&d, direct_argv, FL_RUN_TIMEOUT_MS);
	fl_assert_exit(&d, 0);
	FL_RUN(&r, "run", "-o", log, "-e", rules_open_unlink, "--", badptr(), "all");
	fl_assert_exit(&r, 0);

	/* open and unlink get the injected error whatever their pointer... */
	fl_assert_str(&r, "open results", fl_outcomes(r.out, "open"),
		      "EACCES EACCES EACCES EACCES EACCES EACCES");
	fl_assert_str(&r, "unlink results", fl_outcomes(r.out, "unlink"),
		      "EACCES EACCES EACCES EACCES EACCES EACCES");
	fl_assert_str(&r, "openat without faultline", fl_outcomes(d.out, "openat"),
		      "EFAULT EFAULT EFAULT EFAULT ENAMETOOLONG EFAULT");
#if LEGACY_CALLS
	/* ...and openat, which no rule names, is left to the kernel. */
	fl_assert_str(&r, "openat lines", lines_starting(r.out, "openat["),
		      lines_starting(d.out, "openat["));
#else
	/* ...and so is openat: the rule's open is openat here. */
	fl_assert_str(&r, "openat results", fl_outcomes(r.out, "openat"),
		      "EACCES EACCES EACCES EACCES EACCES EACCES");
#endif

	text = fl_read_file(log);
	assert_non_null(text);
	assert_int_equal(check_log_lines(&r, text, FL_OPEN_NAME), LEGACY_CALLS ? 6 : 12);
	assert_int_equal(check_log_lines(&r, text, FL_UNLINK_NAME), 6);
	if (!strstr(text, FL_OPEN_NAME "(" FL_OPEN_DIRFD "NULL, ") ||
	    !strstr(text, FL_UNLINK_NAME "(" FL_OPEN_DIRFD "NULL") ||
	    !strstr(text, FL_OPEN_NAME "(" FL_OPEN_DIRFD "0xffffffffff600000, ") ||
	    !strstr(text, FL_UNLINK_NAME "(" FL_OPEN_DIRFD "0x8000000000000000")) {
		print_error("the log should show NULL and the addresses in hex\n%s\n", text);
		fail();
	}
}

/* --dry-run: every call is matched and logged, none is changed. */
static void tracee_bad_pointers_dry_run(void **state)
{
	const char *direct_argv[] = { badptr(), "all", NULL };
	char *log = fl_path("log");
	struct fl_result d, r;
	char *text;

	(void)state;
	fl_run_direct(&d, direct_argv, FL_RUN_TIMEOUT_MS);
	FL_RUN(&r, "run", "--dry-run", "-o", log, "-e",
	       "{syscall: [open, openat, unlink, unlinkat], error: EACCES}", "--", badptr(), "all");
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "output under --dry-run", r.out, d.out);
	text = fl_read_file(log);
	assert_non_null(text);
	/* The dynamic loader's openat calls come first, with real paths. */
	if ((LEGACY_CALLS && (fl_count_lines(text, "would inject: open(") != 6 ||
			      fl_count_lines(text, "would inject: unlink(") != 6 ||
			      fl_count_lines(text, "would inject: openat(AT_FDCWD, NULL") != 1 ||
			      fl_count_lines(text, "would inject: openat(AT_FDCWD, 0x") != 5)) ||
	    (!LEGACY_CALLS && (fl_count_lines(text, "would inject: unlinkat(AT_FDCWD, ") != 6 ||
			       fl_count_lines(text, "would inject: openat(AT_FDCWD, NULL") != 2 ||
			       fl_count_lines(text, "would inject: openat(AT_FDCWD, 0x") != 10))) {
		print_error("expected 6 open, 6 unlink and 6 bad openat lines in the log:\n%s\n", text);
		fail();
	}
}

/* `path:` filters are newer than this test; skip while check refuses them. */
static bool path_filters_supported(void)
{
	char *file = fl_mkfile("path-probe.yaml", "rules: [{syscall: " FL_OPEN_NAME ", path: /tmp/x, error: EIO}]\n");
	struct fl_result r;

	FL_RUN(&r, "check", file);
	return r.code == 0;
}

/*
 * With a path filter an unreadable path matches nothing: every bad pointer
 * gets the kernel's own answer, and a readable path under the filter gets
 * the injected one.
 */
static void tracee_bad_pointers_path_filter(void **state)
{
	const char *direct_argv[] = { badptr(), "all", NULL };
	const char *rule = "{syscall: [open, openat, unlink, unlinkat], path: /tmp/**, error: EACCES}";
	struct fl_result d, r;

	(void)state;
	if (!path_filters_supported())
		fl_skip("faultline check does not accept the path: key yet");
	fl_run_direct(&d, direct_argv, FL_RUN_TIMEOUT_MS);
	FL_RUN(&r, "run", "-o", fl_path("log"), "-e", rule, "--", badptr(), "all");
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "output with a path filter", r.out, d.out);

	FL_RUN(&r, "run", "-o", fl_path("log"), "-e", rule, "--", badptr(), "good",
	       "/tmp/fl-no-such-dir-4242/x");
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "calls on a matching path", fl_outcomes(r.out, "open"), "EACCES");
	fl_assert_str(&r, "calls on a matching path", fl_outcomes(r.out, "openat"), "EACCES");
	fl_assert_str(&r, "calls on a matching path", fl_outcomes(r.out, "unlink"), "EACCES");
}

/* "race: N NAME" lines into a count per result; fails on anything not in @allowed. */
static long race_total(const struct fl_result *r, const char *allowed)
{
	long total = 0;

	for (const char *l = strstr(r->out, "race: "); l; l = strstr(l + 1, "\nrace: ")) {
		char name[64];
		long n;

		if (*l == '\n')
			l++;
		if (sscanf(l, "race: %ld %63s", &n, name) != 2)
			continue;
		if (!strcmp(name, "calls"))
			continue;
		if (!strstr(allowed, fl_strf(" %s ", name))) {
			print_error("result %s is not one of%s\n", name, allowed);
			fl_dump(r);
			fail();
		}
		total += n;
	}
	return total;
}

/*
 * The path buffer changes and disappears while faultline reads it. Without
 * a path filter every call is injected regardless of what was read.
 */
static void tracee_pointer_race(void **state)
{
	struct fl_result r;
	/* 5000 calls, fewer where a stop costs more (emulation) */
	long n = fl_scale_by_stop(5000, 500);

	(void)state;
	FL_RUN(&r, "run", "-o", fl_path("log"), "-e", rules_open_unlink, "--", badptr(), "race",
	       fl_strf("%ld", n));
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, fl_strf("race: %ld calls", n));
	fl_assert_out_has(&r, fl_strf("race: %ld EACCES", n));
}

/*
 * With a path filter a call is injected when faultline read the matching
 * path, and otherwise gets the kernel's answer; which one is up to the race.
 */
static void tracee_pointer_race_path_filter(void **state)
{
	struct fl_result r;
	long n;

	(void)state;
	if (!path_filters_supported())
		fl_skip("faultline check does not accept the path: key yet");
	n = fl_scale_by_stop(5000, 500);
	FL_RUN(&r, "run", "-o", fl_path("log"), "-e",
	       "{syscall: [" FL_OPEN_NAME ", " FL_UNLINK_NAME "], path: /nonexistent-fl-badptr/*, error: EACCES}", "--",
	       badptr(), "race", fl_strf("%ld", n));
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, fl_strf("race: %ld calls", n));
	assert_int_equal(race_total(&r, " EACCES ENOENT EFAULT ENAMETOOLONG "), n);
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
		FL_TEST(rules_alias_bomb),
		FL_TEST(rules_deep_nesting),
		FL_TEST(rules_big_file),
		FL_TEST(rules_long_lists),
		FL_TEST(rules_nul_bytes),
		FL_TEST(rules_invalid_utf8),
		FL_TEST(rules_number_overflow),
		FL_TEST(rules_negative_count),
		FL_TEST(rules_empty_file),
		FL_TEST(rules_directory),
		FL_TEST(rules_fifo),
		FL_TEST(rules_from_stdin),
		FL_TEST(stderr_closed),
		FL_TEST(rules_unreadable),
		FL_TEST(tracee_bad_pointers_injected),
		FL_TEST(tracee_bad_pointers_dry_run),
		FL_TEST(tracee_bad_pointers_path_filter),
		FL_TEST(tracee_pointer_race),
		FL_TEST(tracee_pointer_race_path_filter),
	};

	return fl_main(argc, argv, "hostile", tests, FL_ARRAY_SIZE(tests), true);
}

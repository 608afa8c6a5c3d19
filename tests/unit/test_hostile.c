/*
 * Hostile rule files through the loader API: each gets a clear diagnostic,
 * never a crash, a hang or unbounded memory.
 *
 * Every input is loaded twice. First in a forked child under an alarm, whose
 * peak RSS the parent reads with wait4(): a crash, a hang or a memory
 * blowup there fails the test with a message instead of taking the test
 * program down. Then in this process, where the diagnostics are checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "faultline/rules.h"

/* A load that takes longer than this hangs (a 1 MiB file takes milliseconds). */
#define LOAD_TIMEOUT_S 20

/*
 * Peak memory one load may add, in KiB. The loader needs a few times the
 * file (libyaml's tokens, the tree); the bound is generous so that it only
 * catches blowups (an alias bomb expanded would need gigabytes). ASan's
 * redzones and quarantine cost more.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifdef SANITIZED
#define LOAD_MAX_RSS_KIB (512 * 1024)
#else
#define LOAD_MAX_RSS_KIB (64 * 1024)
#endif

/* ---- helpers ---- */

static void dump_diags(const struct fl_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_message("  diag %zu: %s:%u:%u: %s\n", i, d->items[i].file, d->items[i].line,
			      d->items[i].column, d->items[i].message);
}

/* The diagnostic whose message contains @substr; fails when there is none. */
static const struct fl_diag *expect_diag(const struct fl_diags *d, const char *substr)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->items[i].message, substr))
			return &d->items[i];
	dump_diags(d);
	fail_msg("no diagnostic containing \"%s\"", substr);
	return NULL;
}

static void expect_at(const struct fl_diags *d, const char *substr, unsigned line, unsigned column)
{
	const struct fl_diag *g = expect_diag(d, substr);

	if (g->line != line || g->column != column) {
		dump_diags(d);
		fail_msg("\"%s\" is at %u:%u, want %u:%u", substr, g->line, g->column, line, column);
	}
}

/* 1-based line and column of the first @needle in @text (ASCII, LF lines). */
static void pos_of(const char *text, const char *needle, unsigned *line, unsigned *column)
{
	const char *at = strstr(text, needle);

	assert_non_null(at);
	*line = 1;
	*column = 1;
	for (const char *p = text; p < at; p++) {
		if (*p == '\n' || *p == '\r') {
			++*line;
			*column = 1;
		} else {
			++*column;
		}
	}
}

/* A diagnostic containing @substr at the first @needle of @text. */
static void expect_at_text(const struct fl_diags *d, const char *substr, const char *text,
			   const char *needle)
{
	unsigned line, column;

	pos_of(text, needle, &line, &column);
	expect_at(d, substr, line, column);
}

enum load_kind {
	LOAD_STRING,
	LOAD_FILE,
};

/* Load @text (or the file @text names) into a fresh set and finish it. */
static int load(enum load_kind kind, const char *text, size_t len, struct fl_diags *d)
{
	struct fl_rule_set *set = fl_rule_set_new();
	int r;

	if (!set)
		return -ENOMEM;
	if (kind == LOAD_FILE)
		r = fl_rules_load_file(set, text, d);
	else
		r = fl_rules_load_string(set, "hostile.yaml", text, len, d);
	if (r == 0)
		r = fl_rules_finish(set, d);
	else if (set->n_rules != 0)
		r = -EBADE; /* a failed load must leave the set as it was: empty */
	fl_rule_set_free(set);
	return r;
}

static long child_rss_kib(pid_t pid, int *status)
{
	struct rusage ru;

	if (wait4(pid, status, 0, &ru) != pid)
		fail_msg("wait4: %s", strerror(errno));
	return ru.ru_maxrss;
}

/*
 * Load in a child: fails unless it returns (no crash, no hang) with peak
 * memory within LOAD_MAX_RSS_KIB of an idle child's. Then load here and
 * return the result, with the diagnostics in @d.
 */
static int load_bounded(enum load_kind kind, const char *text, size_t len, struct fl_diags *d)
{
	long idle, used;
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	idle = child_rss_kib(pid, &st);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct fl_diags cd = { 0 };
		int r;

		alarm(LOAD_TIMEOUT_S);
		r = load(kind, text, len, &cd);
		fl_diags_done(&cd);
		_exit(r == 0 ? 0 : r == -ENOMEM ? 2 : 1);
	}
	used = child_rss_kib(pid, &st);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		fail_msg("loading did not end within %d s", LOAD_TIMEOUT_S);
	if (WIFSIGNALED(st))
		fail_msg("loading crashed: %s", strsignal(WTERMSIG(st)));
	if (!WIFEXITED(st) || WEXITSTATUS(st) > 1)
		fail_msg("loading ended with status 0x%x (2: out of memory)", st);
	if (used - idle > LOAD_MAX_RSS_KIB)
		fail_msg("loading took %ld KiB (limit %d KiB)", used - idle, LOAD_MAX_RSS_KIB);
	print_message("  peak memory of the load: %ld KiB over an idle child\n", used - idle);

	return load(kind, text, len, d);
}

static int load_str(const char *text, struct fl_diags *d)
{
	return load_bounded(LOAD_STRING, text, strlen(text), d);
}

/* A string of @n copies of @unit followed by @tail, freed by the caller. */
static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t lh = strlen(head), lu = strlen(unit), lt = strlen(tail);
	char *s = malloc(lh + lu * n + lt + 1), *p;

	assert_non_null(s);
	memcpy(s, head, lh);
	p = s + lh;
	for (size_t i = 0; i < n; i++, p += lu)
		memcpy(p, unit, lu);
	memcpy(p, tail, lt + 1);
	return s;
}

static char tmp_dir[] = "/tmp/fl-hostile-XXXXXX";

static int make_tmp_dir(void **state)
{
	(void)state;
	if (!mkdtemp(tmp_dir))
		return -1;
	/* Others may enter: the unreadable-file case reads as nobody. */
	return chmod(tmp_dir, 0755);
}

static int remove_tmp_dir(void **state)
{
	char cmd[sizeof(tmp_dir) + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *tmp_file(const char *name, const char *content, size_t len, mode_t mode)
{
	char *path;
	int fd;

	assert_true(asprintf(&path, "%s/%s", tmp_dir, name) > 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

/* ---- cases ---- */

/*
 * "Billion laughs": nine aliases per level, nine levels. Expanded it is 9^9
 * strings; the loader must refuse the first anchor, not expand anything.
 */
static void test_alias_bomb(void **state)
{
	static const char bomb[] =
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
		"    error: EIO\n";
	struct fl_diags d = { 0 };

	(void)state;
	assert_int_equal(load_str(bomb, &d), -EINVAL);
	expect_at(&d, "anchor '&a'", 1, 4);
	expect_at(&d, "alias '*a'", 2, 8);
	/* One message per anchor and alias would be 90; the cap keeps it readable. */
	assert_true(d.n <= 101);
	fl_diags_done(&d);
}

/* An alias bomb made of 100000 aliases of one anchor, in 700 KB. */
static void test_alias_flood(void **state)
{
	char *text = repeat("x: &a [a]\nrules: [", "*a, ", 100000, "]\n");
	struct fl_diags d = { 0 };

	(void)state;
	assert_int_equal(load_str(text, &d), -EINVAL);
	expect_at(&d, "anchor '&a'", 1, 4);
	expect_diag(&d, "too many errors");
	assert_true(d.n <= 101);
	fl_diags_done(&d);
	free(text);
}

static void test_deep_nesting_flow(void **state)
{
	char *text = repeat("rules: ", "[", 100000, "\n");
	struct fl_diags d = { 0 };

	(void)state;
	assert_int_equal(load_str(text, &d), -EINVAL);
	/* rules: is level 1; the 64th '[' is level 65. */
	expect_at(&d, "nesting deeper than 64 levels", 1, 8 + 63);
	fl_diags_done(&d);
	free(text);

	text = repeat("", "{a: ", 100000, "\n");
	assert_int_equal(load_str(text, &d), -EINVAL);
	expect_diag(&d, "nesting deeper than 64 levels");
	fl_diags_done(&d);
	free(text);
}

/* Block style: each level one more space and "- ". */
static void test_deep_nesting_block(void **state)
{
	size_t n = 5000, cap = n * (n + 3) + 16, o = 0;
	char *text = malloc(cap);
	struct fl_diags d = { 0 };

	(void)state;
	assert_non_null(text);
	o += (size_t)snprintf(text, cap, "rules:\n");
	for (size_t i = 0; i < n; i++) {
		memset(text + o, ' ', i + 1);
		o += i + 1;
		memcpy(text + o, "-\n", 2);
		o += 2;
	}
	text[o] = '\0';
	assert_true(o < FL_MAX_RULE_FILE_SIZE * 13); /* 12.5 MB: over the limit */
	/* Cut to the size limit: still thousands of levels. */
	text[FL_MAX_RULE_FILE_SIZE] = '\0';
	assert_int_equal(load_str(text, &d), -EINVAL);
	expect_diag(&d, "nesting deeper than 64 levels");
	fl_diags_done(&d);
	free(text);
}

static void test_big_file(void **state)
{
	size_t big = FL_MAX_RULE_FILE_SIZE + 1;
	char *text = malloc(big + 1), *path;
	struct fl_diags d = { 0 };

	(void)state;
	assert_non_null(text);
	memset(text, '#', big);
	text[big] = '\0';
	assert_int_equal(load_bounded(LOAD_STRING, text, big, &d), -EFBIG);
	expect_diag(&d, "too large");
	fl_diags_done(&d);

	/* From a file: refused by its size, before it is read. */
	path = tmp_file("big.yaml", text, big, 0644);
	assert_int_equal(load_bounded(LOAD_FILE, path, 0, &d), -EFBIG);
	assert_string_equal(d.items[0].file, path);
	expect_diag(&d, "too large");
	fl_diags_done(&d);

	/*
	 * A stream has no size to look at: the read stops at the limit. A
	 * stream reaches the loader as a descriptor faultline has ('-',
	 * /dev/fd/N); /dev/zero by its name is a device, refused unread.
	 */
	int zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	char fdpath[32];

	assert_true(zero >= 0);
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", zero);
	assert_int_equal(load_bounded(LOAD_FILE, fdpath, 0, &d), -EFBIG);
	expect_diag(&d, "too large");
	fl_diags_done(&d);
	close(zero);
	assert_int_equal(load_bounded(LOAD_FILE, "/dev/zero", 0, &d), -EINVAL);
	expect_diag(&d, "it is a character device");
	fl_diags_done(&d);
	free(path);
	free(text);
}

/* Just under the limit and valid: 30000 rules load, in bounded time and memory. */
static void test_big_valid_file(void **state)
{
	char *text = repeat("rules:\n", "  - {syscall: open, error: EIO}\n", 30000, "");
	struct fl_diags d = { 0 };

	(void)state;
	assert_true(strlen(text) < FL_MAX_RULE_FILE_SIZE);
	assert_int_equal(load_str(text, &d), 0);
	assert_int_equal(d.n, 0);
	free(text);

	/* One scalar of almost 1 MiB: a name that long is refused, and shown cut short. */
	text = repeat("rules:\n  - syscall: open\n    error: EIO\n    name: ", "x",
		      FL_MAX_RULE_FILE_SIZE - 64, "\n");
	assert_int_equal(load_str(text, &d), -EINVAL);
	expect_at(&d, "is longer than", 4, 11);
	assert_true(strlen(d.items[0].message) < 300);
	fl_diags_done(&d);
	free(text);

	/* The same as an unknown syscall: no suggestion search over 1 MiB. */
	text = repeat("rules:\n  - error: EIO\n    syscall: ", "y", FL_MAX_RULE_FILE_SIZE - 64, "\n");
	assert_int_equal(load_str(text, &d), -EINVAL);
	expect_at(&d, "unknown syscall", 3, 14);
	fl_diags_done(&d);
	free(text);
}

static void test_nul_bytes(void **state)
{
	static const char text[] = "rules:\n  - syscall: open\0at\n    error: EIO\n";
	struct fl_diags d = { 0 };

	(void)state;
	assert_int_equal(load_bounded(LOAD_STRING, text, sizeof(text) - 1, &d), -EINVAL);
	expect_at(&d, "NUL byte", 2, 18);
	fl_diags_done(&d);

	/* Only NULs. */
	char zeros[4096] = { 0 };
	assert_int_equal(load_bounded(LOAD_STRING, zeros, sizeof(zeros), &d), -EINVAL);
	expect_at(&d, "NUL byte", 1, 1);
	fl_diags_done(&d);
}

static void test_invalid_utf8(void **state)
{
	/* A lone continuation byte, an overlong '/', a surrogate, a cut sequence. */
	static const char *const bad[] = {
		"rules:\n  - syscall: open\n    error: EIO\n    name: \x80x\n",
		"rules:\n  - syscall: open\n    error: EIO\n    name: \xc0\xafx\n",
		"rules:\n  - syscall: open\n    error: EIO\n    name: \xed\xa0\x80x\n",
		"rules:\n  - syscall: open\n    error: EIO\n    name: \xe2\x82",
	};
	/* Split so that no \x escape swallows the letter after it. */
	static const char utf16[] = "\xff\xfe" "r\x00" "u\x00" "l\x00" "e\x00" "s\x00" ":\x00";
	struct fl_diags d = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load_str(bad[i], &d), -EINVAL);
		expect_at(&d, "invalid UTF-8", 4, 11);
		fl_diags_done(&d);
	}
	/* UTF-16 with a BOM is not UTF-8 either. */
	assert_int_equal(load_bounded(LOAD_STRING, utf16, sizeof(utf16) - 1, &d), -EINVAL);
	expect_at(&d, "invalid UTF-8", 1, 1);
	fl_diags_done(&d);
}

static void test_number_overflow(void **state)
{
	/* Each diagnostic points at the value: the text after the last ": " or "{... ". */
	static const struct {
		const char *text;
		const char *value;
		const char *msg;
	} cases[] = {
		{ "rules:\n- {syscall: open, error: EIO, after: 18446744073709551616}\n",
		  "18446744073709551616", "too large" },
		{ "rules:\n- {syscall: open, error: EIO, times: 99999999999999999999999999999}\n",
		  "99999", "too large" },
		{ "rules:\n- {syscall: open, error: EIO, every: 0x10000000000000000}\n",
		  "0x1", "too large" },
		{ "rules:\n- {syscall: open, retval: 9223372036854775808}\n",
		  "9223372036854775808", "outside the 64-bit range" },
		{ "rules:\n- {syscall: open, retval: -9223372036854775809}\n",
		  "-9223372036854775809", "outside the 64-bit range" },
		{ "seed: 9223372036854775808\nrules:\n- {syscall: open, error: EIO}\n",
		  "9223372036854775808", "seed" },
		{ "seed: 18446744073709551616\nrules:\n- {syscall: open, error: EIO}\n",
		  "18446744073709551616", "seed" },
		{ "rules:\n- {syscall: open, error: 4096}\n", "4096", "error" },
		{ "rules:\n- {syscall: open, error: 99999999999999999999}\n", "9999", "error" },
		{ "rules:\n- {syscall: open, error: EIO, probability: 1e999}\n", "1e999",
		  "probability" },
		{ "rules:\n- {syscall: open, delay: 18446744073709551616s}\n", "18446744073709551616s",
		  "delay" },
		{ "rules:\n- {syscall: open, delay: 99999999999s}\n", "99999999999s", "delay" },
		{ "version: 18446744073709551617\nrules:\n- {syscall: open, error: EIO}\n",
		  "18446744073709551617", "version" },
	};
	struct fl_diags d = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("  %s", cases[i].text);
		assert_int_equal(load_str(cases[i].text, &d), -EINVAL);
		expect_at_text(&d, cases[i].msg, cases[i].text, cases[i].value);
		fl_diags_done(&d);
	}
}

static void test_negative_counts(void **state)
{
	static const char *const keys[] = { "after", "every", "times", "seed", "version" };
	struct fl_diags d = { 0 };
	char text[200];

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		bool top = !strcmp(keys[i], "seed") || !strcmp(keys[i], "version");

		if (top)
			snprintf(text, sizeof(text), "%s: -1\nrules: [{syscall: open, error: EIO}]\n",
				 keys[i]);
		else
			snprintf(text, sizeof(text), "rules: [{syscall: open, error: EIO, %s: -1}]\n",
				 keys[i]);
		print_message("  %s", text);
		assert_int_equal(load_str(text, &d), -EINVAL);
		expect_at_text(&d, keys[i], text, "-1");
		fl_diags_done(&d);
	}
	static const char *const more[] = {
		"rules: [{syscall: open, error: -5}]\n",
		"rules: [{syscall: open, error: EIO, probability: -0.5}]\n",
		"rules: [{syscall: open, delay: -1s}]\n",
		"rules: [{syscall: open, error: EIO, times: -0}]\n",
	};
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++) {
		print_message("  %s", more[i]);
		assert_int_equal(load_str(more[i], &d), -EINVAL);
		expect_at_text(&d, "key '", more[i], "-");
		fl_diags_done(&d);
	}
}

static void test_empty(void **state)
{
	static const char *const empties[] = { "", "\n\n\n", "# nothing\n", "---\n", "---\n...\n", "~\n" };
	struct fl_diags d = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		assert_int_equal(load_str(empties[i], &d), -EINVAL);
		expect_diag(&d, "no rules");
		fl_diags_done(&d);
	}
	/* An empty file on disk, and /dev/null. */
	char *path = tmp_file("empty.yaml", "", 0, 0644);
	assert_int_equal(load_bounded(LOAD_FILE, path, 0, &d), -EINVAL);
	expect_diag(&d, "empty");
	assert_string_equal(d.items[0].file, path);
	fl_diags_done(&d);
	/* An empty stream (/dev/null on a descriptor, as '< /dev/null' gives). */
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char fdpath[32];

	assert_true(null >= 0);
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", null);
	assert_int_equal(load_bounded(LOAD_FILE, fdpath, 0, &d), -EINVAL);
	expect_diag(&d, "empty");
	fl_diags_done(&d);
	close(null);
	free(path);
}

static void test_directory(void **state)
{
	struct fl_diags d = { 0 };

	(void)state;
	assert_int_equal(load_bounded(LOAD_FILE, tmp_dir, 0, &d), -EISDIR);
	assert_string_equal(d.items[0].file, tmp_dir);
	expect_diag(&d, "Is a directory");
	fl_diags_done(&d);
}

/*
 * Mode 000. root reads it anyway, so as root the load runs in a child that
 * became nobody (65534) first; where that is not possible either, skip.
 */
static void test_unreadable(void **state)
{
	char *path = tmp_file("secret.yaml", "rules: [{syscall: open, error: EIO}]\n", 37, 0);
	struct fl_diags d = { 0 };
	int pipefd[2], st;
	char buf[512] = "";
	ssize_t n;
	pid_t pid;

	(void)state;
	if (geteuid() != 0) {
		assert_int_equal(load_bounded(LOAD_FILE, path, 0, &d), -EACCES);
		assert_string_equal(d.items[0].file, path);
		expect_diag(&d, "Permission denied");
		fl_diags_done(&d);
		free(path);
		return;
	}

	assert_int_equal(pipe(pipefd), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct fl_rule_set *set = fl_rule_set_new();
		int r;

		close(pipefd[0]);
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(77);
		alarm(LOAD_TIMEOUT_S);
		r = fl_rules_load_file(set, path, &d);
		dprintf(pipefd[1], "%d %s|%u|%s", r, d.n ? d.items[0].file : "",
			d.n ? d.items[0].line : 99, d.n ? d.items[0].message : "");
		_exit(0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], buf, sizeof(buf) - 1);
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		print_message("SKIP: running as root and cannot become nobody (setuid 65534): "
			      "root reads mode-000 files, so there is nothing to test\n");
		free(path);
		skip();
	}
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_true(n > 0);
	buf[n] = '\0';
	print_message("  as nobody: %s\n", buf);
	char *want;
	assert_true(asprintf(&want, "%d %s|0|cannot read rule file: Permission denied", -EACCES,
			     path) > 0);
	assert_string_equal(buf, want);
	free(want);
	free(path);
}

/* Control characters, a BOM in the middle, lone CRs: positioned, not crashing. */
static void test_control_characters(void **state)
{
	struct fl_diags d = { 0 };

	(void)state;
	assert_int_equal(load_str("rules:\n  - syscall: open\x01\n    error: EIO\n", &d), -EINVAL);
	expect_at(&d, "U+0001", 2, 18);
	fl_diags_done(&d);
	assert_int_equal(load_str("rules:\r  - syscall: open\r    error: EIO\x1b\r", &d), -EINVAL);
	expect_at(&d, "U+001B", 3, 15);
	fl_diags_done(&d);
	assert_int_equal(load_str("rules:\n  - syscall: open\n    error: \"EIO\\0\"\n", &d), -EINVAL);
	expect_diag(&d, "NUL");
	fl_diags_done(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_alias_flood),
		cmocka_unit_test(test_deep_nesting_flow),
		cmocka_unit_test(test_deep_nesting_block),
		cmocka_unit_test(test_big_file),
		cmocka_unit_test(test_big_valid_file),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_number_overflow),
		cmocka_unit_test(test_negative_counts),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_control_characters),
	};

	return cmocka_run_group_tests(tests, make_tmp_dir, remove_tmp_dir);
}

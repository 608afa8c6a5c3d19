/*
 * Path globs and lexical normalization (src/base/glob.c, path.c): tables
 * of pattern, path and expected outcome.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "faultline/base.h"

static const struct {
	const char *pattern;
	const char *path;
	bool match;
} glob_rows[] = {
	/* Literal components. */
	{ "/etc/app.conf", "/etc/app.conf", true },
	{ "/etc/app.conf", "/etc/app.confx", false },
	{ "/etc/app.conf", "/etc", false },
	{ "/etc", "/etc/app.conf", false },
	{ "/", "/", true },
	{ "/", "/etc", false },
	/* '*' stays within one component, matches empty and dotfiles. */
	{ "/srv/*.log", "/srv/a.log", true },
	{ "/srv/*.log", "/srv/.log", true },
	{ "/srv/*.log", "/srv/.hidden.log", true },
	{ "/srv/*.log", "/srv/a/b.log", false },
	{ "/srv/*", "/srv", false },
	{ "/*", "/", false },
	{ "/*", "/etc", true },
	{ "/srv/a*b*c", "/srv/aXbYc", true },
	{ "/srv/a*b*c", "/srv/abbbc", true },
	{ "/srv/a*b*c", "/srv/acb", false },
	{ "/srv/*a*a*a*a*a*a*b", "/srv/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
	/* '?' is one byte, not '/', and needs a byte. */
	{ "/tmp/?", "/tmp/x", true },
	{ "/tmp/?", "/tmp/", false },
	{ "/tmp/?", "/tmp/xy", false },
	{ "/tmp?x", "/tmp/x", false },
	{ "/tmp/\xc3\xa9", "/tmp/\xc3\xa9", true },
	{ "/tmp/?", "/tmp/\xc3\xa9", false }, /* two bytes */
	{ "/tmp/??", "/tmp/\xc3\xa9", true },
	/* Sets. */
	{ "/dev/sd[a-c]", "/dev/sdb", true },
	{ "/dev/sd[a-c]", "/dev/sdd", false },
	{ "/dev/sd[!a-c]", "/dev/sdd", true },
	{ "/dev/sd[^a-c]", "/dev/sda", false },
	{ "/x/[]]", "/x/]", true },
	{ "/x/[!]]", "/x/]", false },
	{ "/x/[!]]", "/x/a", true },
	{ "/x/[a-]", "/x/-", true },
	{ "/log/[[:digit:]][[:digit:]].txt", "/log/42.txt", true },
	{ "/log/[[:digit:]][[:digit:]].txt", "/log/4a.txt", false },
	{ "/log/[[:alpha:]_]*", "/log/_x", true },
	{ "/log/[[:upper:]]", "/log/q", false },
	{ "/x/[\\]]", "/x/]", true },
	/* Escapes. */
	{ "/x/\\*", "/x/*", true },
	{ "/x/\\*", "/x/a", false },
	{ "/x/a\\?", "/x/a?", true },
	{ "/x/a\\?", "/x/ab", false },
	/* "**": zero or more whole components. */
	{ "/srv/**", "/srv", true },
	{ "/srv/**", "/srv/a", true },
	{ "/srv/**", "/srv/a/b/c", true },
	{ "/srv/**", "/srvx", false },
	{ "/srv/**", "/", false },
	{ "/srv/**/x.log", "/srv/x.log", true },
	{ "/srv/**/x.log", "/srv/a/x.log", true },
	{ "/srv/**/x.log", "/srv/a/b/x.log", true },
	{ "/srv/**/x.log", "/srv/a/b/x.logs", false },
	{ "/srv/**/x.log", "/srv/x.log/a", false },
	{ "/srv/**/x.log", "/x.log", false },
	{ "/**", "/", true },
	{ "/**", "/a/b", true },
	{ "/**/*.db", "/var/lib/app/main.db", true },
	{ "/**/*.db", "/main.db", true },
	{ "/**/*.db", "/var/lib/app", false },
	{ "/a/**/b/**/c", "/a/b/c", true },
	{ "/a/**/b/**/c", "/a/x/b/y/z/c", true },
	{ "/a/**/b/**/c", "/a/x/y/z/c", false },
	{ "/a/**/**/b", "/a/b", true },
	{ "/a/**/b/c", "/a/b/b/c", true },
	{ "/a/**/b/c", "/a/b/x/b/c", true },
	{ "/a/**/b/c", "/a/b/x/b/d", false },
	{ "/**/a/**/a/**/a/**/a/**/b", "/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/c", false },
	/* Abstract sockets only match '@' patterns, and the other way round. */
	{ "@dbus-*", "@dbus-abc", true },
	{ "@dbus-*", "/dbus-abc", false },
	{ "/**", "@x", false },
	{ "/*", "@x", false },
	{ "@*", "/x", false },
	{ "@/tmp/**", "@/tmp/.X11-unix/X0", true },
};

static void test_glob_match(void **state)
{
	for (size_t i = 0; i < FL_ARRAY_SIZE(glob_rows); i++) {
		const char *msg = NULL;

		if (fl_glob_check(glob_rows[i].pattern, &msg) != 0)
			fail_msg("row %zu: pattern '%s' refused: %s", i, glob_rows[i].pattern, msg);
		if (fl_glob_match(glob_rows[i].pattern, glob_rows[i].path) != glob_rows[i].match)
			fail_msg("row %zu: '%s' on '%s': want %s", i, glob_rows[i].pattern,
				 glob_rows[i].path, glob_rows[i].match ? "match" : "no match");
	}
}

static const struct {
	const char *pattern;
	const char *msg; /* NULL: valid */
} check_rows[] = {
	{ "/srv/**", NULL },
	{ "/", NULL },
	{ "@", NULL },
	{ "@name/with/slashes", NULL },
	{ "/x/[]]", NULL },
	{ "/x/\\*", NULL },
	{ "", "the pattern is empty" },
	{ "srv/*.log", "relative pattern; patterns are absolute" },
	{ "*.log", "relative pattern" },
	{ "./x", "relative pattern" },
	{ "~/x", "relative pattern" },
	{ "/srv/", "trailing '/'; paths are matched without one" },
	{ "/srv//x", "empty path component ('//')" },
	{ "/srv/./x", "'.' or '..' component" },
	{ "/srv/../x", "'.' or '..' component" },
	{ "/srv/..", "'.' or '..' component" },
	{ "/srv/a**", "'**' must be a whole path component" },
	{ "/srv/**.log", "'**' must be a whole path component" },
	{ "/***", "'**' must be a whole path component" },
	{ "/srv/[ab", "'[' without a matching ']'" },
	{ "/srv/[a/b]", "'[' without a matching ']'" },
	{ "/srv/[]", "'[' without a matching ']'" },
	{ "/srv/[[:digits:]]", "unknown character class" },
	{ "/srv/[[:digit]", "'[:' without a matching ':]'" },
	{ "/srv/[z-a]", "reversed range" },
	{ "/srv/x\\", "quotes nothing" },
};

static void test_glob_check(void **state)
{
	char big[FL_GLOB_MAX + 2];
	const char *msg;

	for (size_t i = 0; i < FL_ARRAY_SIZE(check_rows); i++) {
		int r;

		msg = NULL;
		r = fl_glob_check(check_rows[i].pattern, &msg);
		if (!check_rows[i].msg) {
			if (r != 0)
				fail_msg("row %zu: '%s' refused: %s", i, check_rows[i].pattern, msg);
			continue;
		}
		if (r != -EINVAL || !msg || !strstr(msg, check_rows[i].msg))
			fail_msg("row %zu: '%s': got %d \"%s\", want \"%s\"", i, check_rows[i].pattern,
				 r, msg ? msg : "", check_rows[i].msg);
	}

	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(fl_glob_check(big, &msg), -EINVAL);
	assert_non_null(strstr(msg, "longer than 4096"));
	big[FL_GLOB_MAX] = '\0';
	assert_int_equal(fl_glob_check(big, &msg), 0);
}

static void test_glob_name(void **state)
{
	static const struct {
		const char *pattern, *name;
		bool match;
	} rows[] = {
		{ "curl", "curl", true },
		{ "curl", "curl2", false },
		{ "python3*", "python3.11", true },
		{ "python3*", "python", false },
		{ "*sh", "bash", true },
		{ "*sh", ".sh", true },
		{ "[bd]ash", "dash", true },
		{ "?", "", false },
		{ "*", "", true },
	};
	const char *msg;

	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		assert_int_equal(fl_glob_check_name(rows[i].pattern, &msg), 0);
		if (fl_glob_match_name(rows[i].pattern, rows[i].name) != rows[i].match)
			fail_msg("row %zu: '%s' on '%s'", i, rows[i].pattern, rows[i].name);
	}
	assert_int_equal(fl_glob_check_name("", &msg), -EINVAL);
	assert_int_equal(fl_glob_check_name("a/b", &msg), -EINVAL);
	assert_int_equal(fl_glob_check_name("**", &msg), -EINVAL);
	assert_non_null(strstr(msg, "to match any name use '*'"));
	assert_int_equal(fl_glob_check_name("a**", &msg), -EINVAL);
	assert_int_equal(fl_glob_check_name("[a", &msg), -EINVAL);
}

static void test_normalize(void **state)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
		{ "/", "/" },
		{ "//", "/" },
		{ "/etc/", "/etc" },
		{ "/etc//app.conf", "/etc/app.conf" },
		{ "/./etc/./app.conf/.", "/etc/app.conf" },
		{ "/a/b/../c", "/a/c" },
		{ "/a/b/../../c", "/c" },
		{ "/..", "/" },
		{ "/../../x", "/x" },
		{ "/a/..", "/" },
		{ "/a/b/..", "/a" },
		{ "/a/...", "/a/..." },
		{ "/a/..b/.c", "/a/..b/.c" },
		{ "///a///b///", "/a/b" },
	};
	char buf[64];

	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		snprintf(buf, sizeof(buf), "%s", rows[i].in);
		assert_int_equal(fl_path_normalize(buf), strlen(rows[i].out));
		if (strcmp(buf, rows[i].out) != 0)
			fail_msg("'%s' -> '%s', want '%s'", rows[i].in, buf, rows[i].out);
	}
	snprintf(buf, sizeof(buf), "a/b");
	assert_int_equal(fl_path_normalize(buf), -EINVAL);
}

static void test_join(void **state)
{
	static const struct {
		const char *base, *rel, *out;
	} rows[] = {
		{ "/home/u", "data/x.db", "/home/u/data/x.db" },
		{ "/home/u", "./x", "/home/u/x" },
		{ "/home/u", "../v/x", "/home/v/x" },
		{ "/home/u", "../../../x", "/x" },
		{ "/", "x", "/x" },
		{ "/home/u", "/etc/passwd", "/etc/passwd" },
		{ NULL, "/etc/passwd", "/etc/passwd" },
		{ "/home/u", ".", "/home/u" },
		{ "/home/u", "x/", "/home/u/x" },
	};
	char buf[64], small[8];

	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		ssize_t n = fl_path_join(rows[i].base, rows[i].rel, buf, sizeof(buf));

		if (n < 0 || strcmp(buf, rows[i].out) != 0)
			fail_msg("row %zu: got %zd '%s', want '%s'", i, n, n < 0 ? "" : buf,
				 rows[i].out);
		assert_int_equal(n, strlen(rows[i].out));
	}
	assert_int_equal(fl_path_join("pipe:[3]", "x", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(fl_path_join(NULL, "x", buf, sizeof(buf)), -EINVAL);
	/* "/abc" + "/" + "de" + NUL = 8 bytes fits; one more doesn't. */
	assert_int_equal(fl_path_join("/abc", "de", small, sizeof(small)), 7);
	assert_int_equal(fl_path_join("/abc", "def", small, sizeof(small)), -ENAMETOOLONG);
	assert_int_equal(fl_path_join("/", "/abcdefgh", small, sizeof(small)), -ENAMETOOLONG);
}

static void test_strip_deleted(void **state)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "/tmp/x (deleted)");
	assert_true(fl_path_strip_deleted(buf));
	assert_string_equal(buf, "/tmp/x");
	assert_false(fl_path_strip_deleted(buf));
	assert_string_equal(buf, "/tmp/x");
	snprintf(buf, sizeof(buf), " (deleted)");
	assert_false(fl_path_strip_deleted(buf));
	snprintf(buf, sizeof(buf), "pipe:[4]");
	assert_false(fl_path_strip_deleted(buf));
}

/* ---- against a naive reference ---- */

/* Exponential but obviously right: one component, '*' and '?' and literals. */
static bool ref_comp(const char *p, const char *pe, const char *n, const char *ne)
{
	if (p == pe)
		return n == ne;
	if (*p == '*')
		return ref_comp(p + 1, pe, n, ne) || (n < ne && ref_comp(p, pe, n + 1, ne));
	if (n == ne)
		return false;
	return (*p == '?' || *p == *n) && ref_comp(p + 1, pe, n + 1, ne);
}

/* Components as arrays: "/" is one empty component, like the real thing. */
static size_t split(const char *s, const char **starts, const char **ends)
{
	size_t n = 0;

	if (strcmp(s, "/") == 0) {
		starts[0] = ends[0] = s;
		return 1;
	}
	for (;;) {
		const char *e = s + strcspn(s, "/");

		starts[n] = s;
		ends[n++] = e;
		if (!*e)
			return n;
		s = e + 1;
	}
}

static bool ref_path(const char **ps, const char **pe, size_t np, const char **ns,
		     const char **ne, size_t nn)
{
	if (np == 0)
		return nn == 0;
	if (pe[0] - ps[0] == 2 && ps[0][0] == '*' && ps[0][1] == '*')
		return ref_path(ps + 1, pe + 1, np - 1, ns, ne, nn) ||
		       (nn > 0 && ref_path(ps, pe, np, ns + 1, ne + 1, nn - 1));
	return nn > 0 && ref_comp(ps[0], pe[0], ns[0], ne[0]) &&
	       ref_path(ps + 1, pe + 1, np - 1, ns + 1, ne + 1, nn - 1);
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* "/" + up to 5 components from @alphabet, each up to 3 units long. */
static void random_path(char *buf, const char *const *units, size_t n_units, bool pattern)
{
	size_t comps = 1 + rnd(5), o = 0;

	for (size_t c = 0; c < comps; c++) {
		buf[o++] = '/';
		if (pattern && rnd(4) == 0) {
			memcpy(buf + o, "**", 2);
			o += 2;
			continue;
		}
		for (size_t k = 1 + rnd(3); k > 0; k--) {
			const char *u = units[rnd((unsigned)n_units)];

			memcpy(buf + o, u, strlen(u));
			o += strlen(u);
		}
	}
	buf[o] = '\0';
}

static void test_glob_reference(void **state)
{
	static const char *const path_units[] = { "a", "b" };
	static const char *const pat_units[] = { "a", "b", "*", "?" };
	char pat[64], path[64];
	const char *ps[16], *pe[16], *ns[16], *ne[16];

	for (int i = 0; i < 200000; i++) {
		bool want;
		size_t np, nn;
		const char *msg;

		random_path(pat, pat_units, FL_ARRAY_SIZE(pat_units), true);
		random_path(path, path_units, FL_ARRAY_SIZE(path_units), false);
		if (fl_glob_check(pat, &msg) != 0)
			continue; /* "a**" and such */
		np = split(pat, ps, pe);
		nn = split(path, ns, ne);
		want = ref_path(ps, pe, np, ns, ne, nn);
		if (fl_glob_match(pat, path) != want)
			fail_msg("'%s' on '%s': want %s", pat, path, want ? "match" : "no match");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob_match),
		cmocka_unit_test(test_glob_check),
		cmocka_unit_test(test_glob_reference),
		cmocka_unit_test(test_glob_name),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_strip_deleted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

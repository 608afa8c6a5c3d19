/*
 * Socket address decoding and address patterns (src/base/sockaddr.c):
 * real struct sockaddr_* bytes in, decoded fields out; then patterns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>

#include "faultline/base.h"

static size_t make_in(void *buf, const char *ip, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	assert_int_equal(inet_pton(AF_INET, ip, &sin.sin_addr), 1);
	memcpy(buf, &sin, sizeof(sin));
	return sizeof(sin);
}

static size_t make_in6(void *buf, const char *ip, uint16_t port)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	assert_int_equal(inet_pton(AF_INET6, ip, &sin6.sin6_addr), 1);
	memcpy(buf, &sin6, sizeof(sin6));
	return sizeof(sin6);
}

/* As a program would pass it: @name_len bytes of sun_path after the family. */
static size_t make_un(void *buf, const char *name, size_t name_len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	memcpy(sun.sun_path, name, name_len);
	memcpy(buf, &sun, sizeof(sun));
	return offsetof(struct sockaddr_un, sun_path) + name_len;
}

static void expect_text(const struct fl_sockaddr *sa, const char *want)
{
	char buf[160];

	assert_int_equal(fl_sockaddr_format(sa, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void test_decode_inet(void **state)
{
	struct sockaddr_storage ss;
	struct fl_sockaddr sa;
	size_t len;

	len = make_in(&ss, "127.0.0.1", 5432);
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_int_equal(sa.family, AF_INET);
	assert_int_equal(sa.port, 5432);
	assert_memory_equal(sa.addr, "\x7f\x00\x00\x01", 4);
	assert_false(sa.v4mapped);
	expect_text(&sa, "127.0.0.1");
	/* Longer is fine (the kernel reads 16 bytes); shorter is refused. */
	assert_int_equal(fl_sockaddr_decode(&ss, sizeof(ss), &sa), 0);
	assert_int_equal(sa.port, 5432);
	assert_int_equal(fl_sockaddr_decode(&ss, len - 1, &sa), -EINVAL);
	assert_int_equal(fl_sockaddr_decode(&ss, 1, &sa), -EINVAL);
	assert_int_equal(fl_sockaddr_decode(&ss, 0, &sa), -EINVAL);

	len = make_in6(&ss, "::1", 443);
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_int_equal(sa.family, AF_INET6);
	assert_int_equal(sa.port, 443);
	assert_false(sa.v4mapped);
	expect_text(&sa, "::1");
	/* Without sin6_scope_id (RFC 2133 size) still decodes; less doesn't. */
	assert_int_equal(fl_sockaddr_decode(&ss, 24, &sa), 0);
	assert_int_equal(fl_sockaddr_decode(&ss, 23, &sa), -EINVAL);

	len = make_in6(&ss, "::ffff:10.1.2.3", 80);
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_true(sa.v4mapped);
	assert_memory_equal(sa.addr + 12, "\x0a\x01\x02\x03", 4);
	expect_text(&sa, "::ffff:10.1.2.3");

	/* Port 0 and 65535 survive byte order. */
	len = make_in(&ss, "0.0.0.0", 65535);
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_int_equal(sa.port, 65535);
}

static void test_decode_unix(void **state)
{
	struct sockaddr_storage ss;
	struct fl_sockaddr sa;
	char long_name[sizeof(((struct sockaddr_un *)0)->sun_path)];
	size_t len;

	/* With or without the NUL in the length. */
	len = make_un(&ss, "/run/db.sock", 13);
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_int_equal(sa.family, AF_UNIX);
	assert_string_equal(sa.path, "/run/db.sock");
	len = make_un(&ss, "/run/db.sock", 12);
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_string_equal(sa.path, "/run/db.sock");
	expect_text(&sa, "/run/db.sock");
	/* The given length cuts the name; so does the first NUL. */
	len = make_un(&ss, "/run/db.sock", 4);
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_string_equal(sa.path, "/run");
	len = make_un(&ss, "/a\0/b", 5);
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_string_equal(sa.path, "/a");
	/* Relative names stay relative: the matcher knows the cwd. */
	len = make_un(&ss, "sock", 5);
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_string_equal(sa.path, "sock");

	/* Abstract: exactly the given bytes, NULs inside shown as '@'. */
	len = make_un(&ss, "\0dbus-x", 7);
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_string_equal(sa.path, "@dbus-x");
	len = make_un(&ss, "\0a\0b\0", 5);
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_string_equal(sa.path, "@a@b@");
	len = make_un(&ss, "\0", 1);
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_string_equal(sa.path, "@");

	/* Unnamed: only the family. */
	len = make_un(&ss, "", 0);
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_int_equal(sa.family, AF_UNIX);
	assert_string_equal(sa.path, "");

	/* A full sun_path without NUL, and one byte too many. */
	memset(long_name, 'x', sizeof(long_name));
	long_name[0] = '/';
	len = make_un(&ss, long_name, sizeof(long_name));
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_int_equal(strlen(sa.path), sizeof(long_name));
	assert_int_equal(fl_sockaddr_decode(&ss, len + 1, &sa), -EINVAL);
	long_name[0] = '\0';
	len = make_un(&ss, long_name, sizeof(long_name));
	assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
	assert_int_equal(strlen(sa.path), sizeof(long_name));
	assert_int_equal(sa.path[0], '@');
}

static void test_decode_other(void **state)
{
	struct sockaddr_storage ss = { .ss_family = AF_NETLINK };
	struct fl_sockaddr sa;

	assert_int_equal(fl_sockaddr_decode(&ss, sizeof(ss), &sa), -EAFNOSUPPORT);
	ss.ss_family = AF_UNSPEC;
	assert_int_equal(fl_sockaddr_decode(&ss, sizeof(ss), &sa), -EAFNOSUPPORT);
	assert_int_equal(sa.family, AF_UNSPEC);
	expect_text(&sa, "family 0");
}

static void test_patterns(void **state)
{
	static const struct {
		const char *pattern;
		const char *addr;  /* literal: v4, v6 or v4-mapped v6 */
		bool match;
	} rows[] = {
		{ "127.0.0.1", "127.0.0.1", true },
		{ "127.0.0.1", "127.0.0.2", false },
		{ "10.0.0.0/8", "10.255.1.2", true },
		{ "10.0.0.0/8", "11.0.0.1", false },
		{ "10.0.0.0/8", "::ffff:10.9.9.9", true },  /* v4-mapped */
		{ "10.0.0.0/8", "::ffff:11.9.9.9", false },
		{ "10.0.0.0/8", "::a00:1", false },          /* v4-compatible is not mapped */
		{ "192.168.1.128/25", "192.168.1.200", true },
		{ "192.168.1.128/25", "192.168.1.127", false },
		{ "0.0.0.0/0", "8.8.8.8", true },
		{ "0.0.0.0/0", "::1", false },
		{ "::1", "::1", true },
		{ "::1", "127.0.0.1", false },
		{ "::/0", "2001:db8::1", true },
		{ "::/0", "10.0.0.1", false },
		{ "fe80::/10", "fe80::1", true },
		{ "fe80::/10", "febf::1", true },
		{ "fe80::/10", "fec0::1", false },
		{ "2001:db8::/32", "2001:db8:ffff::1", true },
		{ "::ffff:10.0.0.0/104", "::ffff:10.2.3.4", true },
		{ "::ffff:10.0.0.0/104", "10.2.3.4", false }, /* v6 patterns: AF_INET6 only */
	};

	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		struct fl_addr_pattern p;
		struct sockaddr_storage ss;
		struct fl_sockaddr sa;
		const char *msg = NULL;
		size_t len;

		if (fl_addr_pattern_parse(rows[i].pattern, &p, &msg) != 0)
			fail_msg("row %zu: '%s' refused: %s", i, rows[i].pattern, msg);
		if (strchr(rows[i].addr, ':'))
			len = make_in6(&ss, rows[i].addr, 1);
		else
			len = make_in(&ss, rows[i].addr, 1);
		assert_int_equal(fl_sockaddr_decode(&ss, len, &sa), 0);
		if (fl_addr_pattern_match(&p, &sa) != rows[i].match)
			fail_msg("row %zu: '%s' on %s: want %s", i, rows[i].pattern, rows[i].addr,
				 rows[i].match ? "match" : "no match");
	}
}

static void test_pattern_unix_never(void **state)
{
	struct fl_addr_pattern p;
	struct sockaddr_storage ss;
	struct fl_sockaddr sa;
	const char *msg;

	assert_int_equal(fl_addr_pattern_parse("0.0.0.0/0", &p, &msg), 0);
	assert_int_equal(fl_sockaddr_decode(&ss, make_un(&ss, "/x", 2), &sa), 0);
	assert_false(fl_addr_pattern_match(&p, &sa));
}

static void test_pattern_errors(void **state)
{
	static const struct {
		const char *text;
		int ret;
		const char *msg;
		const char *fixed; /* -EDOM: the network address */
	} rows[] = {
		{ "", -EINVAL, "expected an IPv4 or IPv6 address", NULL },
		{ "localhost", -EINVAL, "host names are not resolved", NULL },
		{ "10.0.0", -EINVAL, "expected an IPv4 or IPv6 address", NULL },
		{ "10.0.0.256", -EINVAL, "expected an IPv4 or IPv6 address", NULL },
		{ "fe80::1%eth0", -EINVAL, "expected an IPv4 or IPv6 address", NULL },
		{ "/8", -EINVAL, "expected an IPv4 or IPv6 address", NULL },
		{ "10.0.0.0/", -EINVAL, "must be 0..32", NULL },
		{ "10.0.0.0/33", -EINVAL, "must be 0..32", NULL },
		{ "10.0.0.0/08", -EINVAL, "must be 0..32", NULL },
		{ "10.0.0.0/-1", -EINVAL, "must be 0..32", NULL },
		{ "::/129", -EINVAL, "must be 0..128", NULL },
		{ "10.0.0.1/8", -EDOM, "bits set past the prefix", "10.0.0.0/8" },
		{ "192.168.1.255/25", -EDOM, "bits set past the prefix", "192.168.1.128/25" },
		{ "fe80::1/10", -EDOM, "bits set past the prefix", "fe80::/10" },
	};

	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		struct fl_addr_pattern p;
		const char *msg = NULL;
		int r = fl_addr_pattern_parse(rows[i].text, &p, &msg);

		if (r != rows[i].ret || !msg || !strstr(msg, rows[i].msg))
			fail_msg("row %zu: '%s': got %d \"%s\"", i, rows[i].text, r, msg ? msg : "");
		if (rows[i].fixed) {
			char buf[64];

			fl_addr_pattern_format(&p, buf, sizeof(buf));
			assert_string_equal(buf, rows[i].fixed);
		}
	}
}

static void test_pattern_format(void **state)
{
	static const char *const rows[] = { "127.0.0.1", "10.0.0.0/8", "::1", "2001:db8::/32",
					    "0.0.0.0/0" };

	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		struct fl_addr_pattern p;
		const char *msg;
		char buf[64];

		assert_int_equal(fl_addr_pattern_parse(rows[i], &p, &msg), 0);
		assert_int_equal(fl_addr_pattern_format(&p, buf, sizeof(buf)), strlen(rows[i]));
		assert_string_equal(buf, rows[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_inet),
		cmocka_unit_test(test_decode_unix),
		cmocka_unit_test(test_decode_other),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_pattern_unix_never),
		cmocka_unit_test(test_pattern_errors),
		cmocka_unit_test(test_pattern_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

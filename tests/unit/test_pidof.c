/*
 * run --pid-of's pure parts (src/tracer/pidof.c): which names match a
 * process, and how the matches split into roots and forked copies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "faultline/tracer.h"

static bool m(const char *name, const char *comm, const char *argv0)
{
	return fl_proc_name_matches(name, comm, argv0, strlen(argv0));
}

static void name_matches_comm_or_argv0_basename(void **state)
{
	(void)state;
	assert_true(m("httpd", "httpd", "/usr/sbin/httpd"));
	assert_true(m("httpd", "httpd", "httpd"));
	/* comm alone: nginx rewrites its argv[0] ("nginx: master process ..."). */
	assert_true(m("nginx", "nginx", "nginx: master process /usr/sbin/nginx"));
	/* argv[0] alone: an interpreter's comm, or a name past comm's 15 bytes. */
	assert_true(m("my-app", "python3", "/srv/bin/my-app"));
	assert_true(m("a-very-long-service-name", "a-very-long-ser", "/opt/a-very-long-service-name"));
	/* Never a prefix, a suffix, or comm's truncation. */
	assert_false(m("a-very-long-service-name", "a-very-long-ser", "/opt/other"));
	assert_false(m("http", "httpd", "/usr/sbin/httpd"));
	assert_false(m("httpd", "httpd2", "/usr/sbin/httpd2"));
	assert_false(m("sbin/httpd", "bash", "/usr/sbin/httpd"));
	assert_false(m("httpd", "sh", "/usr/sbin/httpd.sh"));
	/* argv[0] ending in '/' names nothing. */
	assert_false(m("x", "sh", "/x/"));
}

static void order_roots_first(void **state)
{
	/* 30 forked 31 and 33; 33 forked 34; 50 is unrelated (parent 1). */
	struct fl_named_proc p[] = {
		{ .pid = 34, .ppid = 33 }, { .pid = 31, .ppid = 30 }, { .pid = 50, .ppid = 1 },
		{ .pid = 30, .ppid = 1 }, { .pid = 33, .ppid = 30 },
	};

	(void)state;
	assert_int_equal(fl_named_procs_order(p, 5), 2);
	const pid_t want[] = { 30, 50, 31, 33, 34 };
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(p[i].pid, want[i]);
		assert_int_equal(p[i].root, i < 2);
	}
}

static void order_one_tree(void **state)
{
	/* A parent whose parent is no match (pid 7, a shell) and its copies. */
	struct fl_named_proc p[] = { { .pid = 12, .ppid = 9 }, { .pid = 9, .ppid = 7 } };

	(void)state;
	assert_int_equal(fl_named_procs_order(p, 2), 1);
	assert_int_equal(p[0].pid, 9);
	assert_true(p[0].root);
	assert_false(p[1].root);
	assert_int_equal(fl_named_procs_order(p, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_matches_comm_or_argv0_basename),
		cmocka_unit_test(order_roots_first),
		cmocka_unit_test(order_one_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

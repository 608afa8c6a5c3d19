/*
 * Unit tests for src/cli/sources.c, what run and sweep share: -r/-e
 * sources loaded in order with inline rules numbered "-e #N" among
 * themselves, and the shell's exit statuses for a command that cannot run.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "faultline/rules.h"
#include "faultline/base.h"
#include "sources.h"

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/fl-cli-sources-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_inline_origin(void **state)
{
	char buf[32];

	fl_cli_inline_origin(buf, sizeof(buf), 1);
	assert_string_equal(buf, "-e #1");
	fl_cli_inline_origin(buf, sizeof(buf), 12);
	assert_string_equal(buf, "-e #12");
}

/* Files and inline rules apply in the order given; only inline ones are numbered. */
static void test_load_in_order(void **state)
{
	char *path = write_temp("rules:\n  - {syscall: openat, error: ENOENT}\n");
	const struct fl_cli_source src[] = {
		{ .is_inline = true, .text = "{syscall: read, error: EIO}" },
		{ .is_inline = false, .text = path },
		{ .is_inline = true, .text = "{syscall: write, error: ENOSPC}" },
	};
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };

	assert_int_equal(fl_cli_load_sources(set, src, 3, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(set->n_rules, 3);
	assert_int_equal(set->n_sources, 3);
	assert_string_equal(set->sources[0], "-e #1");
	assert_string_equal(set->sources[1], path);
	assert_string_equal(set->sources[2], "-e #2");
	assert_string_equal(set->rules[0].syscalls[0], "read");
	assert_string_equal(set->rules[1].syscalls[0], "openat");
	assert_string_equal(set->rules[2].syscalls[0], "write");
	/* Finished: default names over the whole set. */
	assert_string_equal(set->rules[2].name, "rule 3");
	fl_rule_set_free(set);
	unlink(path);
	free(path);
}

/* Every source is loaded, so one run shows the mistakes of all; the set is not finished. */
static void test_load_every_source(void **state)
{
	const struct fl_cli_source src[] = {
		{ .is_inline = true, .text = "{syscall: nope, error: EIO}" },
		{ .is_inline = false, .text = "/nonexistent/rules.yaml" },
		{ .is_inline = true, .text = "{syscall: read, error: ENOPE}" },
		{ .is_inline = true, .text = "{syscall: read, error: EIO}" },
	};
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };

	assert_int_equal(fl_cli_load_sources(set, src, 4, &d), -EINVAL);
	assert_int_equal(d.n, 3);
	assert_string_equal(d.items[0].file, "-e #1");
	assert_string_equal(d.items[1].file, "/nonexistent/rules.yaml");
	assert_non_null(strstr(d.items[1].message, "cannot read rule file"));
	assert_string_equal(d.items[2].file, "-e #2");
	assert_int_equal(set->n_rules, 1);
	assert_null(set->rules[0].name);
	fl_diags_done(&d);
	fl_rule_set_free(set);
}

static void test_resolve_command(void **state)
{
	char *path = write_temp("#!/bin/sh\n");
	char *exe = NULL;

	assert_int_equal(fl_cli_resolve_command("/bin/sh", &exe), 0);
	assert_string_equal(exe, "/bin/sh");
	free(exe);
	exe = NULL;
	assert_int_equal(fl_cli_resolve_command("/nonexistent/prog", &exe), FL_EXIT_NOT_FOUND);
	assert_int_equal(fl_cli_resolve_command("fl-no-such-command-anywhere", &exe),
			 FL_EXIT_NOT_FOUND);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(fl_cli_resolve_command(path, &exe), FL_EXIT_NOT_EXECUTABLE);
	assert_null(exe);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline_origin),
		cmocka_unit_test(test_load_in_order),
		cmocka_unit_test(test_load_every_source),
		cmocka_unit_test(test_resolve_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

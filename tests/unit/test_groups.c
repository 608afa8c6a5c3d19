/*
 * Unit tests for src/sys/groups.c: the syscall groups, and that their
 * membership is what `systemd-analyze syscall-filter` of systemd 252 says
 * (checked against the real program where it is installed in that version).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "faultline/sys.h"

static bool in(const char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static void test_find(void **state)
{
	const struct fl_syscall_group *g = fl_syscall_group_find("@sync");
	size_t n;

	assert_non_null(g);
	assert_string_equal(g->name, "@sync");
	assert_string_equal(g->description, "Synchronize files and memory to storage");
	assert_null(fl_syscall_group_find("sync"));
	assert_null(fl_syscall_group_find("@nope"));
	assert_null(fl_syscall_group_find(NULL));
	assert_string_equal(fl_syscall_group_suggest("@file-sytem"), "@file-system");
	assert_string_equal(fl_syscall_groups_origin(), "systemd 252");
	fl_syscall_groups(&n);
	assert_int_equal(n, 29);
}

/* Nested groups are expanded; the result is sorted and unique. */
static void test_expand(void **state)
{
	const char **names;
	size_t n;

	assert_int_equal(fl_syscall_group_expand(fl_syscall_group_find("@sync"), &names, &n), 0);
	assert_int_equal(n, 7);
	assert_true(in(names, n, "fsync"));
	assert_true(in(names, n, "sync_file_range2"));
	free(names);

	assert_int_equal(fl_syscall_group_expand(fl_syscall_group_find("@system-service"),
						 &names, &n), 0);
	assert_true(in(names, n, "read"));     /* from @basic-io */
	assert_true(in(names, n, "brk"));      /* from @default */
	assert_true(in(names, n, "ioctl"));    /* its own */
	assert_false(in(names, n, "reboot"));
	for (size_t i = 0; i < n; i++) {
		assert_true(names[i][0] != '@');
		if (i)
			assert_true(strcmp(names[i - 1], names[i]) < 0);
	}
	free(names);

	/* @known holds @obsolete. */
	assert_int_equal(fl_syscall_group_expand(fl_syscall_group_find("@known"), &names, &n), 0);
	assert_true(in(names, n, "create_module"));
	assert_true(n > 400);
	free(names);
}

/*
 * The table against systemd-analyze syscall-filter of systemd 252: the same
 * groups in the same order, with the same description and direct members.
 */
static void test_systemd(void **state)
{
	FILE *p = popen("systemd-analyze --version 2>/dev/null", "r");
	char line[512], *buf = NULL;
	size_t n_groups, g = SIZE_MAX, m = 0, len = 0;
	const struct fl_syscall_group *groups = fl_syscall_groups(&n_groups);
	bool described = false;

	if (!p || !fgets(line, sizeof(line), p) || strncmp(line, "systemd 252 ", 12) != 0) {
		if (p)
			pclose(p);
		skip(); /* reported by cmocka as SKIPPED */
	}
	pclose(p);
	p = popen("systemd-analyze syscall-filter --no-pager 2>/dev/null", "r");
	assert_non_null(p);
	while (getline(&buf, &len, p) > 0) {
		char *s = buf + strspn(buf, " "), *end = s + strcspn(s, "\n");

		*end = '\0';
		if (strncmp(buf, "# Ungrouped", 11) == 0)
			break;
		if (!*s)
			continue;
		if (buf[0] == '@') {
			if (g != SIZE_MAX)
				assert_null(groups[g].members[m]); /* no member of ours left over */
			g = g == SIZE_MAX ? 0 : g + 1;
			assert_true(g < n_groups);
			assert_string_equal(groups[g].name, s);
			m = 0;
			described = false;
			continue;
		}
		assert_true(g != SIZE_MAX);
		if (s[0] == '#') {
			if (!described)
				assert_string_equal(groups[g].description, s + 2);
			described = true;
			continue;
		}
		assert_non_null(groups[g].members[m]);
		assert_string_equal(groups[g].members[m], s);
		m++;
	}
	free(buf);
	pclose(p);
	assert_true(g != SIZE_MAX);
	assert_null(groups[g].members[m]);
	assert_int_equal(g + 1, n_groups);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_systemd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

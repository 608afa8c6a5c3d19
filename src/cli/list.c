/* faultline list syscalls|errnos|groups|keys: the names rules can use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "faultline/arch.h"
#include "faultline/rules.h"
#include "faultline/sys.h"
#include "sources.h"

static void print_syscall(const char *name, void *ud)
{
	(void)ud;
	puts(name);
}

static void print_errno(int err, const char *name, void *ud)
{
	(void)ud;
	const char *desc = strerrordesc_np(err);
	printf("%s %d %s\n", name, err, desc ? desc : "");
}

static void print_key(const char *path, const char *expect, void *ud)
{
	(void)ud;
	printf("%s\t%s\n", path, expect);
}

/*
 * list groups: each group and its description. list groups NAME...: the
 * calls each group stands for in this build, one per line, with the ABIs
 * that have it (members of other architectures only are left out, as
 * rules leave them out).
 */
static int list_groups(int argc, char **argv)
{
	size_t n, n_abis;
	const struct fl_syscall_group *groups = fl_syscall_groups(&n);
	const uint32_t *abis = fl_arch_list(&n_abis);

	if (argc == 0) {
		for (size_t i = 0; i < n; i++)
			printf("%s\t%s\n", groups[i].name, groups[i].description);
		return 0;
	}
	for (int a = 0; a < argc; a++)
		if (!fl_syscall_group_find(argv[a])) {
			const char *hint = fl_syscall_group_suggest(argv[a]);

			if (hint)
				return fl_cli_usage_error("list", "unknown group '%s'; did you mean "
							  "'%s'?", argv[a], hint);
			return fl_cli_usage_error("list", "unknown group '%s' (faultline list "
						  "groups names them)", argv[a]);
		}
	for (int a = 0; a < argc; a++) {
		const struct fl_syscall_group *g = fl_syscall_group_find(argv[a]);
		const char **members;
		size_t n_members;

		if (fl_syscall_group_expand(g, &members, &n_members) < 0) {
			fprintf(stderr, "faultline list: out of memory\n");
			return FL_EXIT_OWN_ERROR;
		}
		for (size_t i = 0; i < n_members; i++) {
			const char *sep = "\t";

			if (!fl_syscall_known(abis, n_abis, members[i]))
				continue;
			if (argc > 1)
				printf("%s\t", g->name);
			fputs(members[i], stdout);
			for (size_t k = 0; k < n_abis; k++) {
				if (fl_syscall_nr(abis[k], members[i]) < 0)
					continue;
				printf("%s%s", sep, fl_arch_name(abis[k]));
				sep = " ";
			}
			putchar('\n');
		}
		free(members);
	}
	return 0;
}

int fl_cmd_list(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "groups"))
		return list_groups(argc - 2, argv + 2);
	if (argc == 2 && !strcmp(argv[1], "keys")) {
		fl_rules_foreach_key(print_key, NULL);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "syscalls")) {
		size_t n_abis;
		const struct fl_syscall_abi *abis = fl_arch_nr_spans(&n_abis);

		fl_syscall_foreach(abis, n_abis, print_syscall, NULL);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "errnos")) {
		fl_errno_foreach(print_errno, NULL);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("Usage: faultline list syscalls|errnos|keys\n"
		       "       faultline list groups [GROUP]...\n\n"
		       "syscalls: every syscall name a rule can use, one per line\n"
		       "errnos:   every errno name, its number and description\n"
		       "groups:   every syscall group (systemd's SystemCallFilter= sets, as %s\n"
		       "          lists them), a tab and its description; with GROUPs, the\n"
		       "          calls each stands for here, a tab and the ABIs that have it\n"
		       "keys:     every key of the rule format, as a path (rules[].expect.min)\n"
		       "          and a tab and what its value must be\n", fl_syscall_groups_origin());
		return 0;
	}
	return fl_cli_usage_error("list", "expected 'syscalls', 'errnos', 'groups' or 'keys'");
}

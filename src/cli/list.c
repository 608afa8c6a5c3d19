/* faultline list syscalls|errnos|keys: the names rules can use. */
#include <stdio.h>
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

int fl_cmd_list(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "keys")) {
		fl_rules_foreach_key(print_key, NULL);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "syscalls")) {
		size_t n_abis;
		const uint32_t *abis = fl_arch_list(&n_abis);

		fl_syscall_foreach(abis, n_abis, print_syscall, NULL);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "errnos")) {
		fl_errno_foreach(print_errno, NULL);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("Usage: faultline list syscalls|errnos|keys\n\n"
		       "syscalls: every syscall name a rule can use, one per line\n"
		       "errnos:   every errno name, its number and description\n"
		       "keys:     every key of the rule format, as a path (rules[].expect.min)\n"
		       "          and a tab and what its value must be\n");
		return 0;
	}
	return fl_cli_usage_error("list", "expected 'syscalls', 'errnos' or 'keys'");
}

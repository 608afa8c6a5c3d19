/*
 * Private to src/cli: what run and sweep share. Rule sources (-r FILE and
 * -e RULE, loaded in the order given, inline ones named "-e #N"), usage
 * errors, and resolving the command to run with the shell's exit statuses.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "faultline/rules.h"

/* One -r or -e, in the order given: rules apply in that order. */
struct fl_cli_source {
	bool is_inline;
	const char *text; /* a path, or the inline rule */
};

/*
 * "faultline CMD: MESSAGE" and a pointer to CMD's --help on stderr (@cmd
 * NULL: the top level). Returns FL_EXIT_OWN_ERROR.
 */
__attribute__((format(printf, 2, 3)))
int fl_cli_usage_error(const char *cmd, const char *fmt, ...);

/* The origin diagnostics give the @nth (1-based) inline rule: "-e #N". */
void fl_cli_inline_origin(char *buf, size_t size, size_t nth);

/*
 * Load @n sources into @set in order (every one, so that one run shows
 * the mistakes of all), then fl_rules_finish() when all loaded. Returns 0
 * or the last -errno; the diagnostics are in @diags.
 */
int fl_cli_load_sources(struct fl_rule_set *set, const struct fl_cli_source *src, size_t n,
			struct fl_diags *diags);

/*
 * Resolve @name as the shell would (fl_resolve_command()). Returns 0 with
 * *@ret_exe set, or says why on stderr ("faultline: NAME: command not
 * found") and returns the exit status a shell gives for it:
 * FL_EXIT_NOT_FOUND (127), FL_EXIT_NOT_EXECUTABLE (126), else
 * FL_EXIT_OWN_ERROR.
 */
int fl_cli_resolve_command(const char *name, char **ret_exe);

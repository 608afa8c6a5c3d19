/*
 * Private to src/sweep: the command line of one `faultline run` the sweep
 * starts (sweep.c), shared with the planner (plan.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "faultline/sweep.h"

/*
 * argv0 run [-q --report PATH] [--dry-run [--stack]] [--no-seccomp]
 * -e RULE... -- COMMAND..., NULL-terminated; free with fl_sweep_strv_free().
 * NULL with -errno in *@ret_err.
 */
char **fl_sweep_run_argv(const struct fl_sweep *sw, const char *report, bool dry_run,
			 const char *const *rules, size_t n_rules, int *ret_err);

void fl_sweep_strv_free(char **v);

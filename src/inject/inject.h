/*
 * Applying a decision to a stopped thread: skip the call, write its result.
 * The tracer decides when (which stop); this decides how.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "faultline/match.h"

/* Does @dec replace the call's result (error or retval)? */
bool fl_inject_changes_result(const struct fl_decision *dec);

/* The value the call returns to user space: -errno or the retval. */
int64_t fl_inject_result_value(const struct fl_decision *dec);

/*
 * At an entry or seccomp stop: make the kernel skip the call. The result is
 * then written with fl_inject_set_result() (at the seccomp stop itself, or at
 * the exit stop that follows an entry stop).
 */
int fl_inject_skip(pid_t tid);

/* Write the call's result register. */
int fl_inject_set_result(pid_t tid, int64_t value);

/* observe.c: notices for what faultline cannot see or allow. */
#pragma once

#include <stdbool.h>

#include "faultline/arch.h"

struct tracer;
struct fl_tracee;

/*
 * At the entry of any call of @t: a notice when it is io_uring_setup or a
 * ptrace request that will fail because faultline traces it. @acted: a
 * rule acted on this call (no ring gets made when one fails it).
 */
/* Tell the sinks of @kind (once per process): @text says what. */
void fl_observe_notice(struct tracer *tr, struct fl_tracee *t, const char *kind, const char *text);
/*
 * --stack could not unwind a call of @t: a notice ("stack") saying @why,
 * once per process (the report's injections say it each: stack_error).
 */
void fl_observe_no_stack(struct tracer *tr, struct fl_tracee *t, const char *why);

void fl_observe_call(struct tracer *tr, struct fl_tracee *t, const struct fl_syscall_info *info,
		     bool acted);

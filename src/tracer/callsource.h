/*
 * The matcher's fl_call_source for a stopped thread: its memory (through the
 * injector's tracee memory access) and its /proc links. Strings are read
 * from the tracee at most once per stop: the matcher and the log formatter
 * share what the first of them read (a path several rules and the log line
 * need is one read).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "faultline/match.h"
#include "stack.h"

/* Longer than any string the matcher (4096) or the log (4098) asks for. */
#define FL_STOP_STRING_MAX 4104
/* A call has at most two path arguments (rename and friends). */
#define FL_STOP_STRINGS 2

struct fl_stop_string {
	uint64_t addr;
	ssize_t result; /* fl_tracee_read_string() of FL_STOP_STRING_MAX bytes */
	size_t got;     /* bytes of buf read (the string, or the prefix before a failure) */
	char buf[FL_STOP_STRING_MAX];
};

/* The facts of one stop, read lazily; reused from stop to stop. */
struct fl_stop_source {
	pid_t tid;
	pid_t tgid;     /* its process (pidfd_getfd needs one); reset sets it to tid */
	size_t n_strings;
	struct fl_stop_string strings[FL_STOP_STRINGS];
	/* The thread's stack, unwound on the first ask (caller:), kept for the stop. */
	bool stack_done;
	ssize_t stack_result;
	struct fl_stack stack;
	struct fl_call_source src;
};

/* Free what the last stop kept (at the end of the run). */
void fl_stop_source_done(struct fl_stop_source *s);

/* Start a new stop of thread @tid: forget what the last one read. */
void fl_stop_source_reset(struct fl_stop_source *s, pid_t tid);

/*
 * A string at @addr of the stopped thread, as fl_tracee_read_string() of
 * @size bytes would return it, read from the tracee once per stop and
 * address. Has the fl_read_string_fn signature; @ud is the fl_stop_source.
 */
ssize_t fl_stop_source_read_string(void *ud, uint64_t addr, char *buf, size_t size);

/* Reading the memory of a stopped tracee. Tracee memory is untrusted. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "faultline/match.h"

/*
 * Read a NUL-terminated string at @addr of @tid into @buf (at most size-1
 * bytes, always terminated). Returns the string's length, -ENAMETOOLONG when
 * no NUL came within size-1 bytes (buf holds the prefix), or -errno when the
 * memory cannot be read (NULL, unmapped).
 */
ssize_t fl_tracee_read_string(pid_t tid, uint64_t addr, char *buf, size_t size);

/* Adapter with the fl_read_string_fn signature; @ud points to a pid_t. */
ssize_t fl_tracee_read_string_cb(void *ud, uint64_t addr, char *buf, size_t size);

/* Up to @len bytes at @addr of @tid; returns the count read (short at an unmapped page) or -errno. */
ssize_t fl_tracee_read_mem(pid_t tid, uint64_t addr, void *buf, size_t len);

/*
 * The fl_call_source of a stopped thread: its memory and its /proc links.
 * @tid must outlive the source (point at the tracee's own field).
 */
void fl_tracee_call_source(const pid_t *tid, struct fl_call_source *ret);

/* Write @len bytes at @addr of @tid. Returns 0 or -errno. */
int fl_tracee_write_mem(pid_t tid, uint64_t addr, const void *buf, size_t len);

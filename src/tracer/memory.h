/* Reading the memory of a stopped tracee. Tracee memory is untrusted. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Read a NUL-terminated string at @addr of @tid into @buf (at most size-1
 * bytes, always terminated). Returns the string's length, -ENAMETOOLONG when
 * no NUL came within size-1 bytes (buf holds the prefix), or -errno when the
 * memory cannot be read (NULL, unmapped).
 */
ssize_t fl_tracee_read_string(pid_t tid, uint64_t addr, char *buf, size_t size);

/* Adapter with the fl_read_string_fn signature; @ud points to a pid_t. */
ssize_t fl_tracee_read_string_cb(void *ud, uint64_t addr, char *buf, size_t size);

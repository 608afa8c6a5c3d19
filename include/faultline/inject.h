/*
 * Applying a decision to a stopped thread: skip the call, write its result,
 * shorten its byte count, send a signal. The tracer decides when (which
 * stop); this decides how.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
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

/*
 * What a short count changed, to put back at the call's exit: the program
 * may reuse its registers (the syscall ABI preserves them) and its iovecs.
 */
struct fl_inject_undo {
	bool arg;            /* restore args[arg_idx] */
	unsigned arg_idx;
	uint64_t arg_value;
	bool iov_len;        /* restore one iov_len in tracee memory */
	uint64_t iov_len_addr;
	uint64_t iov_len_value;
	unsigned iov_len_size; /* the ABI's long_size */
};

/*
 * At an entry or seccomp stop: clamp the call's byte count as @dec says
 * (dec->has_short). @args are the call's arguments in ABI @arch. Fills
 * @undo; returns 0 or -errno (the call then runs unchanged).
 */
int fl_inject_short(pid_t tid, uint32_t arch, const uint64_t args[6],
		    const struct fl_decision *dec, struct fl_inject_undo *undo);

/* Put back what fl_inject_short() changed; clears @undo. */
int fl_inject_undo(pid_t tid, uint32_t arch, struct fl_inject_undo *undo);

/*
 * poke: write dec->poke_data through argument dec->poke_arg of call @nr
 * (@args, ABI @arch). When the next argument is the call's length for that
 * buffer (read's count, getcwd's size), more bytes than it says are not
 * written: -EMSGSIZE, with *@ret_room the room there was. 0 or -errno.
 */
int fl_inject_poke(pid_t tid, uint32_t arch, int nr, const uint64_t args[6],
		   const struct fl_decision *dec, uint64_t *ret_room);

/* What corrupt damaged in one call, and what to put back after a write-like one. */
struct fl_corrupt {
	size_t n;                          /* bytes damaged */
	uint64_t offsets[FL_CORRUPT_MAX];  /* in the call's data, ascending */
	uint64_t addrs[FL_CORRUPT_MAX];    /* where each is in the tracee */
	uint8_t old[FL_CORRUPT_MAX];       /* what was there */
	bool restore;                      /* put old back at the exit stop (write-like) */
};

/*
 * corrupt: damage dec->corrupt_bytes bytes of the first @len bytes of the
 * data of call @nr (@args, ABI @arch): its buffer, or its iovec buffers in
 * order. Offsets and values come from dec->corrupt_seed; fills @c (with
 * @restore set, for a write-like call). 0 or -errno.
 */
int fl_inject_corrupt(pid_t tid, uint32_t arch, int nr, const uint64_t args[6], uint64_t len,
		      const struct fl_decision *dec, bool restore, struct fl_corrupt *c);
/* Put back what fl_inject_corrupt() changed (when c->restore). */
int fl_inject_corrupt_undo(pid_t tid, struct fl_corrupt *c);
/* The byte count a write-like call asks to move (its count, or its iovecs' total), or -errno. */
int64_t fl_inject_data_len(pid_t tid, uint32_t arch, int nr, const uint64_t args[6]);

/*
 * stat: overwrite dec->stat_fields of the struct stat or statx that call
 * @nr (@args, ABI @arch) filled. -ENOTSUP when the ABI's struct stat is not
 * known (i386); 0 or -errno.
 */
int fl_inject_stat(pid_t tid, uint32_t arch, int nr, const uint64_t args[6],
		   const struct fl_decision *dec);

/* ---- clock: (clock_memory.c) ---- */

/*
 * At the exit of a reading that returned @rval (ABI @arch, arguments
 * @args): move the time it stored (or, for time(2), returned) on by
 * dec->clock_shift_ns. A failed reading is left alone. 0 or -errno.
 */
int fl_inject_clock_reading(pid_t tid, uint32_t arch, const uint64_t args[6], int64_t rval,
			    const struct fl_decision *dec);

/* What a moved deadline was, to put back at the wait's exit. */
struct fl_clock_undo {
	bool set;
	uint64_t addr;
	unsigned len;
	unsigned char old[16];
};

/*
 * At the entry of an absolute wait: move its deadline back by
 * dec->clock_shift_ns (a timerfd's disarming zero is left as it is), and
 * note in @undo what to put back. 0 or -errno.
 */
int fl_inject_clock_deadline(pid_t tid, uint32_t arch, const uint64_t args[6],
			     const struct fl_decision *dec, struct fl_clock_undo *undo);
/* At the wait's exit: the program's struct as it passed it; clears @undo. */
int fl_inject_clock_undo(pid_t tid, struct fl_clock_undo *undo);

/*
 * At the exec stop of a new image (ABI @arch, stack pointer @sp): turn
 * the auxiliary vector's AT_SYSINFO_EHDR entry into AT_IGNORE, so that the C
 * library (glibc, musl) and the Go runtime find no vDSO and read clocks
 * through syscalls. 0, -ENOENT when there was none (a kernel without a
 * vDSO, or a second look), or -errno.
 */
int fl_inject_hide_vdso(pid_t tid, uint32_t arch, uint64_t sp);

/* Send @sig to thread @tid of @tgid (delivered when it returns to user space). */
int fl_inject_signal(pid_t tgid, pid_t tid, int sig);

/*
 * Tracee memory (untrusted). Read a NUL-terminated string at @addr of @tid
 * into @buf (at most size-1 bytes, always terminated). Returns the string's
 * length, -ENAMETOOLONG when no NUL came within size-1 bytes (buf holds the
 * prefix), or -errno when the memory cannot be read (NULL, unmapped; buf
 * then holds the bytes read before, none of them NUL).
 */
ssize_t fl_tracee_read_string(pid_t tid, uint64_t addr, char *buf, size_t size);

/* Up to @len bytes at @addr of @tid; returns the count read (short at an unmapped page) or -errno. */
ssize_t fl_tracee_read_mem(pid_t tid, uint64_t addr, void *buf, size_t len);

/* Write @len bytes at @addr of @tid. Returns 0 or -errno. */
int fl_tracee_write_mem(pid_t tid, uint64_t addr, const void *buf, size_t len);

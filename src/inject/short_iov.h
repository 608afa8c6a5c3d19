/*
 * The pure part of shortening a readv-family call: which iovec entry crosses
 * the byte budget and what it becomes. Private to src/inject.
 */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "faultline/arch.h"

/* UIO_MAXIOV: the kernel refuses a call with more entries. */
#define FL_SHORT_IOV_MAX 1024

struct fl_short_iov {
	uint64_t count;     /* the new iovec count: the cut entry is the last */
	uint64_t len_addr;  /* tracee address of the cut entry's iov_len */
	uint64_t old_len;   /* what it held */
	uint64_t new_len;   /* what it becomes: the rest of the budget */
	unsigned len_size;  /* bytes of iov_len (the ABI's long) */
};

/* Reads @len bytes at @addr of the tracee; returns the count read or -errno. */
typedef ssize_t (*fl_short_iov_read_fn)(void *ud, uint64_t addr, void *buf, size_t len);

/*
 * The iovec array at @base has @count entries of ABI @abi. Keep the leading
 * buffers that fit in @budget, cut the one that crosses it, drop the rest.
 * Returns 1 with *@ret filled when an entry must be cut, 0 when the buffers
 * ask for less than the budget (nothing to change), -EFAULT when an entry
 * can't be read.
 */
int fl_short_iov_plan(const struct fl_abi *abi, uint64_t base, uint64_t count, uint64_t budget,
		      fl_short_iov_read_fn read, void *ud, struct fl_short_iov *ret);

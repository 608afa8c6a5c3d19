/*
 * corrupt: damage chosen bytes of the data a call moves, in the tracee's
 * buffer (one buffer, or an iovec array's buffers in order, as one stream
 * of bytes). The offsets and the new values come from a xoshiro256**
 * stream seeded with the decision's corrupt_seed: the same seed damages
 * the same bytes the same way.
 *
 *	flip    one bit of each byte (bit b, b drawn from 0..7)
 *	zero    each byte set to 0 (a byte that was 0 stays so)
 *	random  each byte XORed with a value drawn from 1..255 (so it changes)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/arch.h"
#include "faultline/base.h"
#include "faultline/inject.h"
#include "faultline/sys.h"

/* UIO_MAXIOV. */
#define IOV_MAX_ENTRIES 1024

struct segment {
	uint64_t base, len;
};

/* The call's buffers, in order; returns how many, or -errno. */
static int segments(pid_t tid, uint32_t arch, int nr, const uint64_t args[6],
		    struct segment *seg, size_t max)
{
	const struct fl_sysinfo *si = fl_sysinfo_of(arch, nr);
	const struct fl_abi *abi = fl_abi_of(arch);
	int v = fl_sysinfo_arg(si, FL_ARG_IOVEC, 0), c = fl_sysinfo_arg(si, FL_ARG_COUNT, 0);
	uint64_t count, iov_addr;
	size_t n = 0;

	if (!si || !abi || !fl_sysinfo_data_dir(si))
		return -EINVAL;
	if (strcmp(si->name, "recvmsg") == 0 || strcmp(si->name, "sendmsg") == 0) {
		/* The buffers are the iovecs of the struct msghdr argument 1 points to. */
		unsigned char hdr[32];
		unsigned need = abi->msg_iovlen_off + abi->long_size;

		if (!abi->msg_iov_off || need > sizeof(hdr))
			return -EINVAL;
		if (fl_tracee_read_mem(tid, args[1], hdr, need) != (ssize_t)need)
			return -EFAULT;
		iov_addr = fl_abi_load_long(abi, hdr + abi->msg_iov_off);
		count = fl_abi_load_long(abi, hdr + abi->msg_iovlen_off);
	} else if (v >= 0) {
		iov_addr = args[v];
		count = args[v + 1] & 0xffffffffu;
	} else {
		if (c < 1 || si->args[c - 1] != FL_ARG_ADDR)
			return -EINVAL;
		seg[0] = (struct segment){ args[c - 1], args[c] };
		return 1;
	}
	if (count > IOV_MAX_ENTRIES)
		return -EINVAL;
	for (uint64_t i = 0; i < count && n < max; i++) {
		unsigned char iov[16];
		ssize_t got = fl_tracee_read_mem(tid, iov_addr + i * abi->iovec_size, iov,
						 abi->iovec_size);

		if (got != (ssize_t)abi->iovec_size)
			return got < 0 ? (int)got : -EFAULT;
		seg[n].base = fl_abi_load_long(abi, iov);
		seg[n].len = fl_abi_load_long(abi, iov + abi->iov_len_off);
		n++;
	}
	return (int)n;
}

int64_t fl_inject_data_len(pid_t tid, uint32_t arch, int nr, const uint64_t args[6])
{
	_cleanup_free_ struct segment *seg = calloc(IOV_MAX_ENTRIES, sizeof(*seg));
	uint64_t total = 0;
	int n;

	if (!seg)
		return -ENOMEM;
	n = segments(tid, arch, nr, args, seg, IOV_MAX_ENTRIES);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		total += seg[i].len;
	return total > INT64_MAX ? INT64_MAX : (int64_t)total;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int fl_inject_corrupt(pid_t tid, uint32_t arch, int nr, const uint64_t args[6], uint64_t len,
		      const struct fl_decision *dec, bool restore, struct fl_corrupt *c)
{
	_cleanup_free_ struct segment *seg = calloc(IOV_MAX_ENTRIES, sizeof(*seg));
	struct fl_prng prng;
	uint64_t total = 0, want;
	size_t k = 0;
	int n;

	memset(c, 0, sizeof(*c));
	if (!seg)
		return -ENOMEM;
	n = segments(tid, arch, nr, args, seg, IOV_MAX_ENTRIES);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		total += seg[i].len;
	if (len > total)
		len = total;
	want = dec->corrupt_bytes < len ? dec->corrupt_bytes : len;
	if (want > FL_CORRUPT_MAX)
		want = FL_CORRUPT_MAX;

	/* Distinct offsets: all of them when there are no more than wanted. */
	fl_prng_seed(&prng, dec->corrupt_seed);
	while (c->n < want) {
		uint64_t off = want == len ? c->n : fl_prng_below(&prng, len);
		bool dup = false;

		for (size_t i = 0; i < c->n && !dup; i++)
			dup = c->offsets[i] == off;
		if (!dup)
			c->offsets[c->n++] = off;
	}
	qsort(c->offsets, c->n, sizeof(c->offsets[0]), cmp_u64);

	/* Walk the segments once, in offset order. */
	for (uint64_t i = 0, seg_start = 0; k < c->n && i < (uint64_t)n; i++) {
		while (k < c->n && c->offsets[k] < seg_start + seg[i].len) {
			uint64_t addr = seg[i].base + (c->offsets[k] - seg_start);
			uint8_t byte, now;
			int r;

			if (fl_tracee_read_mem(tid, addr, &byte, 1) != 1)
				return -EFAULT;
			switch (dec->corrupt_how) {
			case FL_CORRUPT_ZERO:
				now = 0;
				break;
			case FL_CORRUPT_RANDOM:
				now = byte ^ (uint8_t)(1 + fl_prng_below(&prng, 255));
				break;
			case FL_CORRUPT_FLIP:
			default:
				now = byte ^ (uint8_t)(1u << fl_prng_below(&prng, 8));
				break;
			}
			r = fl_tracee_write_mem(tid, addr, &now, 1);
			if (r < 0) {
				c->n = k; /* what was done can still be put back */
				return r;
			}
			c->addrs[k] = addr;
			c->old[k] = byte;
			k++;
		}
		seg_start += seg[i].len;
	}
	c->n = k;
	c->restore = restore;
	return 0;
}

int fl_inject_corrupt_undo(pid_t tid, struct fl_corrupt *c)
{
	int ret = 0;

	if (!c->restore)
		return 0;
	/* Backwards, so that a byte damaged twice ends as it first was. */
	for (size_t i = c->n; i-- > 0;) {
		int r = fl_tracee_write_mem(tid, c->addrs[i], &c->old[i], 1);

		if (r < 0)
			ret = r;
	}
	c->restore = false;
	return ret;
}

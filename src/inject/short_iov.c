/*
 * Where to cut an iovec array for a short readv/writev: pure, so the unit
 * tests drive it with fake tracee memory (tests/unit/test_short_iov.c).
 */
#include <errno.h>
#include <string.h>

#include "short_iov.h"

int fl_short_iov_plan(const struct fl_abi *abi, uint64_t base, uint64_t count, uint64_t budget,
		      fl_short_iov_read_fn read, void *ud, struct fl_short_iov *ret)
{
	unsigned esize = abi->iovec_size;

	if (esize > 16)
		return -EINVAL;
	for (uint64_t i = 0; i < count && i < FL_SHORT_IOV_MAX; i++) {
		unsigned char entry[16];
		uint64_t len;

		if (read(ud, base + i * esize, entry, esize) != (ssize_t)esize)
			return -EFAULT;
		len = fl_abi_load_long(abi, entry + abi->iov_len_off);
		if (len < budget) {
			budget -= len;
			continue;
		}
		/* Entry i crosses the limit: it becomes the last one, cut to the budget. */
		*ret = (struct fl_short_iov){
			.count = i + 1,
			.len_addr = base + i * esize + abi->iov_len_off,
			.old_len = len,
			.new_len = budget,
			.len_size = abi->long_size,
		};
		return 1;
	}
	return 0;
}

#include <errno.h>
#include <linux/audit.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arch/arch.h"
#include "faultline/inject.h"

bool fl_inject_changes_result(const struct fl_decision *dec)
{
	return dec->error != 0 || dec->has_retval;
}

int64_t fl_inject_result_value(const struct fl_decision *dec)
{
	if (dec->error)
		return -(int64_t)dec->error;
	return dec->retval;
}

int fl_inject_skip(pid_t tid)
{
	/* -1 is no syscall on any ABI: the kernel returns without running one. */
	return fl_arch_set_syscall_nr(tid, -1);
}

int fl_inject_set_result(pid_t tid, int64_t value)
{
	return fl_arch_set_result(tid, value);
}

/*
 * readv-family: keep the leading buffers that fit in the budget, cut the
 * one that crosses it, and lower the count so the rest are not used.
 */
static int short_iov(pid_t tid, uint32_t arch, const uint64_t args[6],
		     const struct fl_decision *dec, struct fl_inject_undo *undo)
{
	bool compat = arch == AUDIT_ARCH_I386;
	unsigned esize = compat ? 8 : 16, lsize = compat ? 4 : 8;
	uint64_t base = args[dec->short_arg], count = args[dec->short_arg + 1];
	uint64_t budget = dec->short_count;
	int r;

	for (uint64_t i = 0; i < count && i < 1024; i++) {
		unsigned char entry[16];
		uint64_t len = 0;

		if (fl_tracee_read_mem(tid, base + i * esize, entry, esize) != (ssize_t)esize)
			return -EFAULT;
		memcpy(&len, entry + lsize, lsize); /* little-endian: low bytes first */
		if (len < budget) {
			budget -= len;
			continue;
		}
		/* Entry i crosses the limit: it becomes the last one, cut to the budget. */
		uint64_t addr = base + i * esize + lsize;
		r = fl_tracee_write_mem(tid, addr, &budget, lsize);
		if (r < 0)
			return r;
		*undo = (struct fl_inject_undo){
			.iov_len = true, .iov_len_addr = addr, .iov_len_value = len,
			.iov_len_size = lsize,
			.arg = true, .arg_idx = (unsigned)dec->short_arg + 1, .arg_value = count,
		};
		r = fl_arch_set_arg(tid, arch, (unsigned)dec->short_arg + 1, i + 1);
		if (r < 0) {
			fl_inject_undo(tid, arch, undo);
			return r;
		}
		return 0;
	}
	return 0; /* the buffers ask for no more than the budget: nothing to cut */
}

int fl_inject_short(pid_t tid, uint32_t arch, const uint64_t args[6],
		    const struct fl_decision *dec, struct fl_inject_undo *undo)
{
	memset(undo, 0, sizeof(*undo));
	if (!dec->has_short || dec->short_arg < 0 || dec->short_arg > 5)
		return 0;
	if (dec->short_iov)
		return dec->short_arg < 5 ? short_iov(tid, arch, args, dec, undo) : -EINVAL;

	int r = fl_arch_set_arg(tid, arch, (unsigned)dec->short_arg, dec->short_count);
	if (r < 0)
		return r;
	*undo = (struct fl_inject_undo){
		.arg = true, .arg_idx = (unsigned)dec->short_arg, .arg_value = args[dec->short_arg],
	};
	return 0;
}

int fl_inject_undo(pid_t tid, uint32_t arch, struct fl_inject_undo *undo)
{
	int r = 0, r2;

	if (undo->iov_len)
		r = fl_tracee_write_mem(tid, undo->iov_len_addr, &undo->iov_len_value,
					undo->iov_len_size);
	if (undo->arg) {
		r2 = fl_arch_set_arg(tid, arch, undo->arg_idx, undo->arg_value);
		if (r == 0)
			r = r2;
	}
	memset(undo, 0, sizeof(*undo));
	return r;
}

int fl_inject_signal(pid_t tgid, pid_t tid, int sig)
{
	if (syscall(SYS_tgkill, tgid, tid, sig) < 0)
		return -errno;
	return 0;
}

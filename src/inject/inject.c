#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "faultline/arch.h"
#include "faultline/inject.h"
#include "faultline/sys.h"
#include "short_iov.h"

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

int fl_inject_poke(pid_t tid, uint32_t arch, int nr, const uint64_t args[6],
		   const struct fl_decision *dec, uint64_t *ret_room)
{
	const struct fl_sysinfo *si = fl_sysinfo_of(arch, nr);
	unsigned a = dec->poke_arg;

	if (a >= 6)
		return -EINVAL;
	if (si && a + 1 < fl_sysinfo_nargs(si) &&
	    (si->args[a + 1] == FL_ARG_COUNT || si->args[a + 1] == FL_ARG_UNSIGNED) &&
	    args[a + 1] < dec->poke_len) {
		*ret_room = args[a + 1];
		return -EMSGSIZE;
	}
	return fl_tracee_write_mem(tid, args[a], dec->poke_data, dec->poke_len);
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

static ssize_t read_tracee(void *ud, uint64_t addr, void *buf, size_t len)
{
	return fl_tracee_read_mem(*(const pid_t *)ud, addr, buf, len);
}

/*
 * readv-family: keep the leading buffers that fit in the budget, cut the
 * one that crosses it, and lower the count so the rest are not used.
 */
static int short_iov(pid_t tid, uint32_t arch, const uint64_t args[6],
		     const struct fl_decision *dec, struct fl_inject_undo *undo)
{
	const struct fl_abi *abi = fl_abi_of(arch);
	uint64_t count = args[dec->short_arg + 1];
	struct fl_short_iov cut;
	int r;

	if (!abi)
		return -EINVAL;
	r = fl_short_iov_plan(abi, args[dec->short_arg], count, dec->short_count,
			      read_tracee, &tid, &cut);
	if (r <= 0)
		return r; /* 0: the buffers ask for less than the budget: nothing to cut */
	/* little-endian: the low len_size bytes of new_len come first */
	r = fl_tracee_write_mem(tid, cut.len_addr, &cut.new_len, cut.len_size);
	if (r < 0)
		return r;
	*undo = (struct fl_inject_undo){
		.iov_len = true, .iov_len_addr = cut.len_addr, .iov_len_value = cut.old_len,
		.iov_len_size = cut.len_size,
		.arg = true, .arg_idx = (unsigned)dec->short_arg + 1, .arg_value = count,
	};
	r = fl_arch_set_arg(tid, arch, (unsigned)dec->short_arg + 1, cut.count);
	if (r < 0) {
		fl_inject_undo(tid, arch, undo);
		return r;
	}
	return 0;
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

/* A little-endian field of @width bytes. */
static void put_le(unsigned char *p, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int fl_inject_stat(pid_t tid, uint32_t arch, int nr, const uint64_t args[6],
		   const struct fl_decision *dec)
{
	const char *name = fl_syscall_name(arch, nr);
	const struct fl_sysinfo *si = fl_sysinfo_of(arch, nr);
	const struct fl_abi *abi = fl_abi_of(arch);
	const struct fl_stat_layout *l;
	unsigned char buf[256];
	uint32_t mask = 0;
	int a = fl_sysinfo_arg(si, FL_ARG_ADDR, 0);

	if (!name || !abi || a < 0)
		return -EINVAL;
	l = strcmp(name, "statx") == 0 ? fl_statx_layout() : abi->stat;
	if (!l)
		return -ENOTSUP;
	if (fl_tracee_read_mem(tid, args[a], buf, l->size) != (ssize_t)l->size)
		return -EFAULT;
	for (unsigned f = 0; f < FL_STAT_N_FIELDS; f++) {
		uint64_t v = dec->stat_values[f];

		if (!(dec->stat_fields & (1u << f)) || !l->f[f].width)
			continue;
		if (f == FL_STAT_MODE) /* the file type stays */
			v = (get_le(buf + l->f[f].off, l->f[f].width) & ~(uint64_t)07777) | (v & 07777);
		put_le(buf + l->f[f].off, l->f[f].width, v);
		mask |= l->f[f].mask_bit;
	}
	if (l->has_mask) /* statx: the faked fields count as filled */
		put_le(buf, 4, get_le(buf, 4) | mask);
	return fl_tracee_write_mem(tid, args[a], buf, l->size);
}

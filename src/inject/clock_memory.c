/*
 * clock: rules in the tracee: the time a reading stored (or returned) moved
 * on by the shift, an absolute wait's deadline moved back by it and put
 * back after the call, and the vDSO taken away at exec so that readings are
 * syscalls at all. Struct layouts come from src/arch.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/arch.h"
#include "faultline/inject.h"
#include "faultline/sys.h"

#define NS 1000000000LL

/* Floor division and its remainder, for negative shifts. */
static int64_t floor_div(int64_t a, int64_t b, int64_t *ret_rem)
{
	int64_t q = a / b, r = a % b;

	if (r < 0) {
		r += b;
		q--;
	}
	*ret_rem = r;
	return q;
}

static int64_t load_signed(const unsigned char *p, unsigned w)
{
	uint64_t v = 0;

	memcpy(&v, p, w);
	if (w == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

static void store(unsigned char *p, unsigned w, int64_t v)
{
	uint64_t u = (uint64_t)v;

	memcpy(p, &u, w); /* little-endian: the low bytes */
}

/*
 * {sec, frac} at @p, words of @w bytes, frac in units of @unit ns (1:
 * timespec, 1000: timeval), moved by @shift ns. 64-bit time wraps after
 * 292 billion years; 32-bit time_t wraps in 2038, as the program's own
 * would.
 */
static void shift_pair(unsigned char *p, unsigned w, int64_t unit, int64_t shift)
{
	int64_t sec = load_signed(p, w), frac = load_signed(p + w, w), rem;
	int64_t per = NS / unit, dsec = floor_div(shift, NS, &rem);

	frac += rem / unit;
	sec += dsec + frac / per;
	frac %= per;
	if (frac < 0) {
		frac += per;
		sec--;
	}
	store(p, w, sec);
	store(p + w, w, frac);
}

int fl_inject_clock_reading(pid_t tid, uint32_t arch, const uint64_t args[6], int64_t rval,
			    const struct fl_decision *dec)
{
	const struct fl_abi *abi = fl_abi_of(arch);
	unsigned char buf[16];
	unsigned w;
	uint64_t addr;
	int64_t unit = 1, rem;
	int r;

	if (!abi)
		return -ENOTSUP;
	w = fl_abi_time_word(abi, dec->clock_time64);
	switch (dec->clock_call) {
	case FL_CCALL_GETTIME:
		addr = args[1];
		break;
	case FL_CCALL_GETTIMEOFDAY:
		addr = args[0];
		unit = 1000;
		break;
	case FL_CCALL_TIME: {
		/* time(2) returns the seconds, and stores them too when given a pointer. */
		int64_t t = rval + floor_div(dec->clock_shift_ns, NS, &rem);

		if (rval < 0 && rval >= -4095)
			return 0;
		if (abi->long_size == 4)
			t = (int32_t)t;
		r = fl_arch_set_result(tid, t);
		if (r < 0 || !args[0])
			return r;
		store(buf, w, t);
		return fl_tracee_write_mem(tid, args[0], buf, w);
	}
	default:
		return -EINVAL;
	}
	if (rval != 0 || !addr)
		return 0; /* it failed, or stored nothing (gettimeofday(NULL, tz)) */
	ssize_t n = fl_tracee_read_mem(tid, addr, buf, 2 * w);
	if (n != (ssize_t)(2 * w))
		return n < 0 ? (int)n : -EFAULT;
	shift_pair(buf, w, unit, dec->clock_shift_ns);
	return fl_tracee_write_mem(tid, addr, buf, 2 * w);
}

int fl_inject_clock_deadline(pid_t tid, uint32_t arch, const uint64_t args[6],
			     const struct fl_decision *dec, struct fl_clock_undo *undo)
{
	const struct fl_abi *abi = fl_abi_of(arch);
	unsigned char buf[16];
	unsigned w;
	uint64_t addr = args[2];
	ssize_t n;
	int r;

	memset(undo, 0, sizeof(*undo));
	if (!abi)
		return -ENOTSUP;
	w = fl_abi_time_word(abi, dec->clock_time64);
	/* A timer's deadline is its struct itimerspec's it_value. */
	if (dec->clock_call == FL_CCALL_TIMERFD || dec->clock_call == FL_CCALL_TIMER)
		addr += fl_abi_itimerspec_value_off(abi, dec->clock_time64);
	else if (dec->clock_call == FL_CCALL_FUTEX)
		addr = args[3];
	else if (dec->clock_call != FL_CCALL_NANOSLEEP)
		return -EINVAL;
	if (!addr)
		return 0; /* the kernel will say EFAULT */
	n = fl_tracee_read_mem(tid, addr, buf, 2 * w);
	if (n != (ssize_t)(2 * w))
		return n < 0 ? (int)n : -EFAULT;
	if ((dec->clock_call == FL_CCALL_TIMERFD || dec->clock_call == FL_CCALL_TIMER) &&
	    load_signed(buf, w) == 0 &&
	    load_signed(buf + w, w) == 0)
		return 0; /* disarms the timer: no moment to move */
	memcpy(undo->old, buf, 2 * w);
	shift_pair(buf, w, 1, -dec->clock_shift_ns);
	r = fl_tracee_write_mem(tid, addr, buf, 2 * w);
	if (r < 0)
		return r;
	undo->set = true;
	undo->addr = addr;
	undo->len = 2 * w;
	return 0;
}

int fl_inject_clock_undo(pid_t tid, struct fl_clock_undo *undo)
{
	int r = 0;

	if (undo->set)
		r = fl_tracee_write_mem(tid, undo->addr, undo->old, undo->len);
	memset(undo, 0, sizeof(*undo));
	return r;
}

/* The initial stack is read this much at a time, up to FL_STACK_MAX (argv and envp pointers). */
#define FL_STACK_CHUNK 16384
#define FL_STACK_MAX (8u << 20)

int fl_inject_hide_vdso(pid_t tid, uint32_t arch, uint64_t sp)
{
	const struct fl_abi *abi = fl_abi_of(arch);
	unsigned char word[8];
	unsigned char *buf = NULL;
	size_t len = 0;
	long at = -E2BIG;
	int r;

	if (!abi)
		return -ENOTSUP;
	while (at == -E2BIG && len < FL_STACK_MAX) {
		size_t want = len ? len * 2 : FL_STACK_CHUNK, ask = want - len;
		unsigned char *p = realloc(buf, want);
		ssize_t n;

		if (!p) {
			free(buf);
			return -ENOMEM;
		}
		buf = p;
		n = fl_tracee_read_mem(tid, sp + len, buf + len, ask);
		if (n <= 0) {
			at = n < 0 ? n : -EFAULT;
			break;
		}
		len += (size_t)n;
		at = fl_auxv_find(abi, buf, len, AT_SYSINFO_EHDR);
		if ((size_t)n < ask)
			break; /* the stack's mapping ends here */
	}
	free(buf);
	if (at < 0)
		return (int)at;
	store(word, abi->long_size, AT_IGNORE);
	r = fl_tracee_write_mem(tid, sp + (uint64_t)at, word, abi->long_size);
	return r;
}

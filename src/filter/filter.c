#include <errno.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "faultline/arch.h"
#include "faultline/sys.h"
#include "faultline/base.h"
#include "faultline/filter.h"

#if FL_HAVE_SECCOMP_FILTER
#include <seccomp.h>

/*
 * The BPF program, generated in faultline's own process before anything is
 * started: the child installs it with seccomp(2) directly and allocates
 * nothing (libseccomp 2.5.4's generator spins when an allocation fails in
 * it, which in the child would leave the command stopped for ever).
 */
struct fl_filter {
	struct sock_filter *insns;
	unsigned short len;
	bool nnp; /* set no_new_privs first (faultline lacks CAP_SYS_ADMIN) */
};

/*
 * CAP_SYS_ADMIN lets a process install a filter without no_new_privs. Asked
 * of the kernel once (capget), not read from /proc/self/status.
 */
static bool have_cap_sys_admin(void)
{
	static int known = -1;

	if (known < 0) {
		struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
		struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };

		known = syscall(SYS_capget, &hdr, data) == 0 &&
			(data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN));
	}
	return known;
}

/*
 * The integer filters of @rule that BPF can check for syscall @name (fd:,
 * args:), as libseccomp comparisons; the call must pass all of them. Returns
 * how many were written to @cmp, for one value @fd of the fd: list (ignored
 * when the rule has none).
 */
static unsigned int_filters(const struct fl_rule *rule, const char *name, int fd,
			    struct scmp_arg_cmp cmp[7])
{
	const struct fl_sysinfo *si = fl_sysinfo_find(name);
	unsigned n = 0;

	for (unsigned a = 0; a < 6; a++) {
		const struct fl_arg_filter *af = &rule->args[a];
		if (!af->used)
			continue;
		/* As the matcher: an int argument is its register's low 32 bits. */
		if (fl_sysinfo_arg_is_int(si, (int)a)) {
			uint32_t v = (uint32_t)af->value;
			cmp[n++] = SCMP_CMP(a, SCMP_CMP_MASKED_EQ, af->mask ? v : 0xffffffffu, v);
		} else {
			cmp[n++] = af->mask ? SCMP_CMP(a, SCMP_CMP_MASKED_EQ, af->value, af->value)
					    : SCMP_CMP(a, SCMP_CMP_EQ, af->value);
		}
	}
	if (rule->n_fds) {
		int idx = fl_sysinfo_arg(si, FL_ARG_FD, 0);
		/* An fd is an int: the upper half of the register is not part of it. */
		if (idx >= 0)
			cmp[n++] = SCMP_CMP((unsigned)idx, SCMP_CMP_MASKED_EQ, 0xffffffffu, (uint32_t)fd);
	}
	return n;
}

/* Past this many fd:/args: comparisons in all, the prefilter stops narrowing. */
#define FL_FILTER_MAX_NARROWED 256

static bool has_int_filters(const struct fl_rule *rule)
{
	for (unsigned a = 0; a < 6; a++)
		if (rule->args[a].used)
			return true;
	return rule->n_fds > 0;
}

/*
 * SCMP_ACT_TRACE for syscall @name as @rule names it: narrowed by the rule's
 * fd:/args: filters where BPF can check them (one BPF rule per fd: value,
 * OR-ed by libseccomp), so the calls they exclude never stop. Filters that
 * need tracee memory or /proc (path:, address:, process:) are left to the
 * matcher. When libseccomp cannot express a comparison (e.g. on a
 * multiplexed i386 call), the syscall is traced unconditionally: slower,
 * never wrong.
 */
static int add_syscall(scmp_filter_ctx ctx, const struct fl_rule *rule, const char *name,
		       bool narrow, struct fl_strset *plain)
{
	/*
	 * By name: libseccomp translates it for each ABI of the filter (a
	 * negative pseudo number for calls the native ABI lacks, e.g. i386's
	 * socketcall).
	 */
	int nr = seccomp_syscall_resolve_name(name);
	struct scmp_arg_cmp cmp[7];
	size_t n_fd = rule->n_fds ? rule->n_fds : 1;
	int r = 0;

	if (nr == __NR_SCMP_ERROR)
		return -ENOENT;
	/* Traced unconditionally already: nothing a narrower rule could add. */
	if (fl_strset_has(plain, name))
		return 0;
	for (size_t k = 0; narrow && r == 0 && k < n_fd && has_int_filters(rule); k++) {
		unsigned n = int_filters(rule, name, rule->n_fds ? rule->fds[k] : 0, cmp);
		r = seccomp_rule_add_array(ctx, SCMP_ACT_TRACE(0), nr, n, cmp);
		if (r == -EEXIST)
			r = 0;
		if (r == 0 && k + 1 == n_fd)
			return 0;
	}
	if (fl_strset_add(plain, name) < 0)
		return -ENOMEM;
	r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 0);
	return r == -EEXIST ? 0 : r;
}

/*
 * A clock: rule's call @name, narrowed in BPF to what the rule can act on:
 * a clock_gettime of one of its clocks' ids, an absolute clock_nanosleep on
 * one, an absolute timerfd_settime (its clock is the fd's: the matcher reads
 * it), gettimeofday and time only for realtime. So a rule on realtime never
 * stops the CLOCK_MONOTONIC readings a runtime makes all the time, and a
 * futex only with FUTEX_WAIT_BITSET (an absolute wait) on one of its clocks.
 */
static int add_clock_call(scmp_filter_ctx ctx, const struct fl_rule *rule, const char *name,
			  bool narrow, struct fl_strset *plain)
{
	const struct fl_clock_callinfo *ci = fl_clock_call_find(name);
	int nr = seccomp_syscall_resolve_name(name);
	int r = 0;

	if (nr == __NR_SCMP_ERROR)
		return -ENOENT;
	if (ci && ci->kind == FL_CCALL_FUTEX) {
		/* Only FUTEX_WAIT_BITSET, on the rule's clocks (futex is hot: never all of it). */
		const uint32_t mask = FL_FUTEX_CMD_MASK | FL_FUTEX_CLOCK_REALTIME;

		if (!(rule->clock_set & ((1u << FL_CLOCK_REALTIME) | (1u << FL_CLOCK_MONOTONIC))))
			return 0;
		if (!narrow || fl_strset_has(plain, name))
			return add_syscall(ctx, rule, name, false, plain);
		if (rule->clock_set & (1u << FL_CLOCK_REALTIME))
			r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 1,
					     SCMP_A1(SCMP_CMP_MASKED_EQ, mask,
						     FL_FUTEX_WAIT_BITSET | FL_FUTEX_CLOCK_REALTIME));
		if ((r == 0 || r == -EEXIST) && (rule->clock_set & (1u << FL_CLOCK_MONOTONIC)))
			r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 1,
					     SCMP_A1(SCMP_CMP_MASKED_EQ, mask, FL_FUTEX_WAIT_BITSET));
		return r == 0 || r == -EEXIST ? 0 : add_syscall(ctx, rule, name, false, plain);
	}
	if (!ci || (ci->kind != FL_CCALL_GETTIME && ci->kind != FL_CCALL_NANOSLEEP &&
		    ci->kind != FL_CCALL_TIMERFD && ci->kind != FL_CCALL_TIMER)) {
		if (!(rule->clock_set & (1u << FL_CLOCK_REALTIME)))
			return 0; /* gettimeofday and time read realtime only */
		return add_syscall(ctx, rule, name, narrow, plain);
	}
	if (!narrow || fl_strset_has(plain, name))
		return add_syscall(ctx, rule, name, false, plain);
	if (ci->kind == FL_CCALL_TIMERFD || ci->kind == FL_CCALL_TIMER) {
		/* TFD_TIMER_ABSTIME and TIMER_ABSTIME are both 1. */
		_Static_assert(TFD_TIMER_ABSTIME == TIMER_ABSTIME, "one flag bit for both");
		r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, TIMER_ABSTIME, TIMER_ABSTIME));
		return r == 0 || r == -EEXIST ? 0 : add_syscall(ctx, rule, name, false, plain);
	}
	for (int c = 0; c < FL_CLOCK_N && r == 0; c++) {
		if (!(rule->clock_set & (1u << c)))
			continue;
		for (const int *id = fl_clock_ids((enum fl_clock)c); *id >= 0 && r == 0; id++) {
			struct scmp_arg_cmp cmp[2] = {
				SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, (uint32_t)*id),
				SCMP_A1(SCMP_CMP_MASKED_EQ, TIMER_ABSTIME, TIMER_ABSTIME),
			};

			r = seccomp_rule_add_array(ctx, SCMP_ACT_TRACE(0), nr,
						   ci->kind == FL_CCALL_NANOSLEEP ? 2 : 1, cmp);
			if (r == -EEXIST)
				r = 0;
		}
	}
	/* libseccomp could not say it: trace every such call, the matcher decides. */
	return r == 0 ? 0 : add_syscall(ctx, rule, name, false, plain);
}

/* The BPF program of @ctx into @f (owned there), or a negative errno. */
static int export_program(scmp_filter_ctx ctx, struct fl_filter *f)
{
	int fd = memfd_create("faultline-bpf", MFD_CLOEXEC);
	off_t len;
	int r;

	if (fd < 0)
		return -errno;
	r = seccomp_export_bpf(ctx, fd);
	len = r < 0 ? -1 : lseek(fd, 0, SEEK_END);
	if (r == 0 && len < 0)
		r = -errno;
	if (r == 0 && (len == 0 || len % (off_t)sizeof(struct sock_filter)))
		r = -EINVAL;
	if (r == 0 && len / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		r = -E2BIG;
	if (r == 0) {
		free(f->insns);
		f->insns = malloc((size_t)len);
		if (!f->insns)
			r = -ENOMEM;
	}
	if (r == 0 && pread(fd, f->insns, (size_t)len, 0) != len)
		r = errno ? -errno : -EIO;
	if (r == 0)
		f->len = (unsigned short)(len / (off_t)sizeof(struct sock_filter));
	close(fd);
	return r;
}

/*
 * The filter for @set. Narrowed (fd:/args: checked in BPF) while that
 * stays small; past FL_FILTER_MAX_NARROWED comparisons in all, or a program
 * longer than the kernel takes (BPF_MAXINSNS), every named syscall is traced
 * unconditionally and the matcher decides: slower, never wrong, and never a
 * rule file that check accepts and run cannot install.
 */
static int build(const struct fl_rule_set *set, const char *const *also, size_t n_also,
		 bool narrow, scmp_filter_ctx *ret)
{
	_cleanup_(fl_strset_clear) struct fl_strset plain = { 0 };
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return -ENOMEM;
	/*
	 * Let calls of ABIs the filter doesn't list (x32) run: a prefilter
	 * must never change what the program sees.
	 */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, have_cap_sys_admin() ? 0 : 1);

	size_t n_arch;
	const uint32_t *arches = fl_arch_list(&n_arch);
	for (size_t i = 0; r == 0 && i < n_arch; i++) {
		if (arches[i] == seccomp_arch_native())
			continue;
		r = seccomp_arch_add(ctx, arches[i]);
		if (r == -EEXIST)
			r = 0;
	}

	for (size_t i = 0; r == 0 && i < set->n_rules; i++) {
		const struct fl_rule *rule = &set->rules[i];
		for (size_t j = 0; r == 0 && j < rule->n_calls; j++)
			r = rule->has_clock ? add_clock_call(ctx, rule, rule->calls[j], narrow, &plain) :
			    add_syscall(ctx, rule, rule->calls[j], narrow, &plain);
	}
	for (size_t i = 0; r == 0 && i < n_also; i++) {
		int nr = seccomp_syscall_resolve_name(also[i]);

		if (nr == __NR_SCMP_ERROR || fl_strset_has(&plain, also[i]))
			continue; /* not a call of this architecture */
		r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 0);
		if (r == -EEXIST)
			r = 0;
	}
	if (r < 0) {
		seccomp_release(ctx);
		return r;
	}
	*ret = ctx;
	return 0;
}

int fl_filter_new(const struct fl_rule_set *set, const char *const *also, size_t n_also,
		  struct fl_filter **ret)
{
	struct fl_filter *f = calloc(1, sizeof(*f));
	size_t comparisons = 0;
	int r;

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *rule = &set->rules[i];
		if (has_int_filters(rule))
			comparisons += rule->n_calls * (rule->n_fds ? rule->n_fds : 1);
	}
	bool narrow = comparisons <= FL_FILTER_MAX_NARROWED;
	scmp_filter_ctx ctx = NULL;

	f->nnp = !have_cap_sys_admin();
	r = build(set, also, n_also, narrow, &ctx);
	if (r == 0)
		r = export_program(ctx, f);
	if (r == -E2BIG && narrow) {
		/* Too long for the kernel: trace the named calls unconditionally. */
		seccomp_release(ctx);
		ctx = NULL;
		r = build(set, also, n_also, false, &ctx);
		if (r == 0)
			r = export_program(ctx, f);
	}
	seccomp_release(ctx);
	if (r < 0) {
		fl_filter_free(f);
		return r;
	}
	*ret = f;
	return 0;
}

void fl_filter_free(struct fl_filter *f)
{
	if (!f)
		return;
	free(f->insns);
	free(f);
}

/* In the child, before exec: plain syscalls, no allocation. */
int fl_filter_install(void *filter)
{
	struct fl_filter *f = filter;
	struct sock_fprog prog = { .len = f->len, .filter = f->insns };

	if (f->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0 ? -1 : 0;
}

bool fl_filter_available(void)
{
	return true;
}

#else /* !FL_HAVE_SECCOMP_FILTER */

int fl_filter_new(const struct fl_rule_set *set, const char *const *also, size_t n_also,
		  struct fl_filter **ret)
{
	(void)set;
	(void)also;
	(void)n_also;
	*ret = NULL;
	return -EOPNOTSUPP;
}

void fl_filter_free(struct fl_filter *f)
{
	(void)f;
}

int fl_filter_install(void *filter)
{
	(void)filter;
	errno = EOPNOTSUPP;
	return -1;
}

bool fl_filter_available(void)
{
	return false;
}

#endif

#include <errno.h>
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

struct fl_filter {
	scmp_filter_ctx ctx;
};

/* CAP_SYS_ADMIN lets a process install a filter without no_new_privs. */
static bool have_cap_sys_admin(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long eff;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			return (eff >> 21) & 1;
	return false;
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

/*
 * SCMP_ACT_TRACE for syscall @name as @rule names it: narrowed by the rule's
 * fd:/args: filters where BPF can check them (one BPF rule per fd: value,
 * OR-ed by libseccomp), so the calls they exclude never stop. Filters that
 * need tracee memory or /proc (path:, address:, process:) are left to the
 * matcher. When libseccomp cannot express a comparison (e.g. on a
 * multiplexed i386 call), the syscall is traced unconditionally: slower,
 * never wrong.
 */
static int add_syscall(scmp_filter_ctx ctx, const struct fl_rule *rule, const char *name)
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
	for (size_t k = 0; r == 0 && k < n_fd; k++) {
		unsigned n = int_filters(rule, name, rule->n_fds ? rule->fds[k] : 0, cmp);
		r = seccomp_rule_add_array(ctx, SCMP_ACT_TRACE(0), nr, n, cmp);
		if (r == -EEXIST)
			r = 0;
	}
	if (r < 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 0);
	return r == -EEXIST ? 0 : r;
}

int fl_filter_new(const struct fl_rule_set *set, struct fl_filter **ret)
{
	struct fl_filter *f = calloc(1, sizeof(*f));
	int r;

	if (!f)
		return -ENOMEM;
	f->ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!f->ctx) {
		free(f);
		return -ENOMEM;
	}

	/*
	 * Let calls of ABIs the filter doesn't list (x32) run: a prefilter
	 * must never change what the program sees.
	 */
	r = seccomp_attr_set(f->ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	if (r == 0)
		r = seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_NNP, have_cap_sys_admin() ? 0 : 1);

	size_t n_arch;
	const uint32_t *arches = fl_arch_list(&n_arch);
	for (size_t i = 0; r == 0 && i < n_arch; i++) {
		if (arches[i] == seccomp_arch_native())
			continue;
		r = seccomp_arch_add(f->ctx, arches[i]);
		if (r == -EEXIST)
			r = 0;
	}

	for (size_t i = 0; r == 0 && i < set->n_rules; i++) {
		const struct fl_rule *rule = &set->rules[i];
		for (size_t j = 0; r == 0 && j < rule->n_calls; j++)
			r = add_syscall(f->ctx, rule, rule->calls[j]);
	}
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
	seccomp_release(f->ctx);
	free(f);
}

int fl_filter_install(void *filter)
{
	struct fl_filter *f = filter;
	int r = seccomp_load(f->ctx);

	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

bool fl_filter_available(void)
{
	return true;
}

#else /* !FL_HAVE_SECCOMP_FILTER */

int fl_filter_new(const struct fl_rule_set *set, struct fl_filter **ret)
{
	(void)set;
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

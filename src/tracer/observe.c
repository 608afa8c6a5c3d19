/*
 * What faultline cannot see or cannot allow, said out loud (issue 16):
 *  - io_uring: opens, reads and writes submitted through a ring never
 *    enter a syscall faultline can stop. When a process sets one up (and
 *    no rule made io_uring_setup fail), the sinks hear of it, once per
 *    process.
 *  - ptrace: a process has one tracer, faultline; a debugger or strace
 *    under faultline asking for PTRACE_TRACEME, or attaching to a process
 *    faultline traces, gets EPERM. Said once per process, at the call.
 * The prefilter stops both calls (fl_tracer_observed()); they are rare, so
 * that costs nothing measurable.
 *  - stack: --stack was asked for and a process's calls cannot be unwound
 *    (no /proc in a container, no libdw frame): said once per process,
 *    rather than a bare "stack": [] in the report.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>

#include "faultline/sys.h"
#include "faultline/base.h"
#include "run.h"
#include "observe.h"

static const char *const observed[] = { "io_uring_setup", "ptrace" };

const char *const *fl_tracer_observed(size_t *ret_n)
{
	*ret_n = FL_ARRAY_SIZE(observed);
	return observed;
}

/* Once per process and kind: false when this one was said already. */
static bool first_time(struct tracer *tr, pid_t pid, const char *kind)
{
	char key[48];
	int r;

	snprintf(key, sizeof(key), "%s:%d", kind, (int)pid);
	r = fl_strset_add(&tr->noticed, key);
	return r != 0; /* out of memory: say it again rather than never */
}

void fl_observe_notice(struct tracer *tr, struct fl_tracee *t, const char *kind, const char *text)
{
	const struct fl_tracer_config *cfg = tr->cfg;
	struct fl_notice n = { .pid = fl_tracee_tgid(t), .tid = t->tid, .kind = kind, .text = text };

	if (!first_time(tr, n.pid, kind))
		return;
	for (size_t i = 0; i < cfg->n_sinks; i++) {
		const struct fl_sink *s = cfg->sinks[i];

		fl_emit_check(tr, s, s->notice ? s->notice(s->ud, &n) : 0, t->tid);
	}
}

static const char *request_name(unsigned long req)
{
	switch (req) {
	case PTRACE_TRACEME:
		return "PTRACE_TRACEME";
	case PTRACE_ATTACH:
		return "PTRACE_ATTACH";
	case PTRACE_SEIZE:
		return "PTRACE_SEIZE";
	default:
		return NULL;
	}
}

/*
 * The numbers of the observed calls on @arch, looked up once per ABI: this
 * runs at every stop no rule wants (every stop with --no-seccomp), so it
 * compares two integers, not names.
 */
static const int *observed_nrs(uint32_t arch)
{
	static struct {
		uint32_t arch;
		int nr[FL_ARRAY_SIZE(observed)];
	} cache[8];
	static size_t n_cache;

	for (size_t i = 0; i < n_cache; i++)
		if (cache[i].arch == arch)
			return cache[i].nr;
	if (n_cache == FL_ARRAY_SIZE(cache))
		return NULL;
	cache[n_cache].arch = arch;
	for (size_t k = 0; k < FL_ARRAY_SIZE(observed); k++)
		cache[n_cache].nr[k] = fl_syscall_nr(arch, observed[k]);
	return cache[n_cache++].nr;
}

void fl_observe_call(struct tracer *tr, struct fl_tracee *t, const struct fl_syscall_info *info,
		     bool acted)
{
	const int *nrs = observed_nrs(info->arch);
	char text[256];

	if (acted || !nrs || info->nr < 0 || (info->nr != nrs[0] && info->nr != nrs[1]))
		return;
	if (info->nr == nrs[0]) { /* io_uring_setup */
		fl_observe_notice(tr, t, "io_uring",
		     "io_uring_setup: what this process submits through io_uring bypasses every rule "
		     "(faultline sees only syscalls); the rule {syscall: io_uring_setup, error: ENOSYS} "
		     "makes most programs fall back to plain syscalls");
		return;
	}
	const char *req = request_name((unsigned long)info->args[0]);
	if (!req)
		return;
	if ((unsigned long)info->args[0] == PTRACE_TRACEME) {
		snprintf(text, sizeof(text), "ptrace(%s) will fail with EPERM: this process is traced "
			 "by faultline, and a process has only one tracer (a debugger or strace cannot "
			 "run under faultline)", req);
	} else {
		pid_t target = (pid_t)info->args[1];

		if (!fl_tracee_find(&tr->tracees, target))
			return;
		snprintf(text, sizeof(text), "ptrace(%s, %d) will fail with EPERM: process %d is "
			 "traced by faultline, and a process has only one tracer (a debugger or "
			 "strace cannot run under faultline)", req, (int)target, (int)target);
	}
	fl_observe_notice(tr, t, "ptrace", text);
}

void fl_observe_no_stack(struct tracer *tr, struct fl_tracee *t, const char *why)
{
	char text[320];

	snprintf(text, sizeof(text), "--stack: no call stacks for this process: %s", why);
	fl_observe_notice(tr, t, "stack", text);
}

/*
 * The time rule's part of a decision (clock: {offset | jump}): which calls
 * are readings of its clocks and which are absolute waits on them, what a
 * reading counts, and what a jump leaves behind.
 *
 * offset: each reading the rule acts on (after, every, times, probability
 * as for any rule) is shifted by the offset. jump: each time the rule acts
 * its scope's clocks step by the jump, and every later reading in that
 * scope (the tree, or a process or thread with per:) is shifted by the sum
 * of the steps: those readings are the step's consequence, not injections
 * of their own (clock_quiet). Waits count nothing and are never told: an
 * absolute wait is moved by the shift its clock has in force (an offset
 * rule's offset whatever its counters, a jump rule's steps so far), so that
 * it ends when the shifted clock reaches its deadline.
 */
#include <time.h>
#include <string.h>

#include "faultline/base.h"
#include "faultline/match.h"
#include "faultline/sys.h"
#include "matcher.h"

#ifndef TFD_TIMER_ABSTIME
#define TFD_TIMER_ABSTIME 1
#endif

/*
 * Reading, or waiting: which clock the call is about, or -1. A timerfd's
 * clock is in its fdinfo, a POSIX timer's in /proc/PID/timers (read
 * through the call source).
 */
static int call_clock(const struct fl_clock_callinfo *ci, const struct fl_call *call, bool *ret_wait)
{
	*ret_wait = false;
	switch (ci->kind) {
	case FL_CCALL_GETTIME:
		return fl_clock_of_id((int32_t)call->args[0]);
	case FL_CCALL_GETTIMEOFDAY:
	case FL_CCALL_TIME:
		return FL_CLOCK_REALTIME;
	case FL_CCALL_NANOSLEEP:
		*ret_wait = true;
		/* A relative sleep is a duration: no clock shift changes it. */
		if (!((uint32_t)call->args[1] & TIMER_ABSTIME))
			return -1;
		return fl_clock_of_id((int32_t)call->args[0]);
	case FL_CCALL_TIMERFD: {
		int id;

		*ret_wait = true;
		if (!((uint32_t)call->args[1] & TFD_TIMER_ABSTIME) || !call->src ||
		    !call->src->fd_clock ||
		    call->src->fd_clock(call->src->ud, (int32_t)call->args[0], &id) < 0)
			return -1;
		return fl_clock_of_id(id);
	}
	case FL_CCALL_TIMER: {
		int id;

		*ret_wait = true;
		if (!((uint32_t)call->args[1] & TIMER_ABSTIME) || !call->src ||
		    !call->src->timer_clock ||
		    call->src->timer_clock(call->src->ud, (int32_t)call->args[0], &id) < 0)
			return -1;
		return fl_clock_of_id(id);
	}
	case FL_CCALL_FUTEX: {
		uint32_t op = (uint32_t)call->args[1];

		*ret_wait = true;
		if ((op & FL_FUTEX_CMD_MASK) != FL_FUTEX_WAIT_BITSET || !call->args[3])
			return -1;
		return op & FL_FUTEX_CLOCK_REALTIME ? FL_CLOCK_REALTIME : FL_CLOCK_MONOTONIC;
	}
	case FL_CCALL_NONE:
		break;
	}
	return -1;
}

bool fl_clock_applies(const struct fl_rule *r, const struct fl_call *call, struct fl_decision *d)
{
	const struct fl_clock_callinfo *ci = fl_clock_call_find(fl_syscall_name(call->arch, call->nr));
	bool wait;
	int c;

	if (!ci)
		return false;
	c = call_clock(ci, call, &wait);
	if (c < 0 || !(r->clock_set & (1u << c)))
		return false;
	d->clock_call = ci->kind;
	d->clock_time64 = ci->time64;
	return true;
}

bool fl_clock_decide(struct fl_matcher *m, size_t i, const struct fl_call *call,
		     struct fl_decision *d)
{
	const struct fl_rule *r = &m->set->rules[i];
	struct fl_rule_stats *st = &m->stats[i];
	struct fl_scope *sc = NULL;
	struct fl_counts c;
	int64_t *jumped = &m->jumped[i];
	bool wait = d->clock_call >= FL_CCALL_NANOSLEEP;

	if (r->per != FL_PER_TREE) {
		sc = fl_scope_get(m, i, r->per == FL_PER_THREAD ? call->tid : call->pid);
		if (!sc)
			return false; /* out of memory: the rule cannot count this call */
		jumped = &sc->jumped;
	}
	d->rule = i;
	if (wait) {
		d->clock_quiet = true;
		d->clock_shift_ns = r->clock_jump ? *jumped : r->clock_shift_ns;
		return d->clock_shift_ns != 0;
	}

	st->matched++; /* the report's counts are the tree's */
	if (sc) {
		sc->matched++;
		c = (struct fl_counts){ sc->matched, sc->injected, &sc->prng };
	} else {
		c = (struct fl_counts){ st->matched, st->injected, &st->prng };
	}
	if (!fl_rule_eligible(r, &c) || !fl_rule_draw(r, c.prng)) {
		/* After a jump the clock stays where it stepped to. */
		d->clock_quiet = true;
		d->clock_shift_ns = r->clock_jump ? *jumped : 0;
		return d->clock_shift_ns != 0;
	}
	st->injected++;
	if (sc)
		sc->injected++;
	if (r->clock_jump) {
		/* Saturating: steps past 292 years stop where 64 bits end. */
		if (__builtin_add_overflow(*jumped, r->clock_shift_ns, jumped))
			*jumped = r->clock_shift_ns < 0 ? INT64_MIN : INT64_MAX;
		d->clock_shift_ns = *jumped;
		d->clock_step_ns = r->clock_shift_ns;
	} else {
		d->clock_shift_ns = r->clock_shift_ns;
	}
	return true;
}

bool fl_process_matches_exe(const struct fl_rule *r, const char *exe)
{
	const char *base = strrchr(exe, '/');

	base = base ? base + 1 : exe;
	for (size_t k = 0; k < r->n_processes; k++) {
		const char *p = r->processes[k];

		if (strchr(p, '/') ? fl_glob_match(p, exe) : fl_glob_match_name(p, base))
			return true;
	}
	return false;
}

bool fl_matcher_wants_clock(struct fl_matcher *m, const struct fl_call *call)
{
	char exe[4096];
	bool have_exe = false, tried = false;

	for (size_t i = 0; m && i < m->set->n_rules; i++) {
		const struct fl_rule *r = &m->set->rules[i];

		if (!r->has_clock)
			continue;
		if (!r->n_processes)
			return true;
		if (!tried && call->src && call->src->proc_link) {
			ssize_t n = call->src->proc_link(call->src->ud, FL_LINK_EXE, 0, exe, sizeof(exe));

			have_exe = n > 0 && (size_t)n < sizeof(exe);
			if (have_exe)
				exe[n] = '\0';
		}
		tried = true;
		if (have_exe && fl_process_matches_exe(r, exe))
			return true;
	}
	return false;
}

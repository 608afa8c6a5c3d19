/*
 * What a swept run's ending means: crashed, hung, not reached, handled or
 * failed. Pure: the runner and the report parser gather the facts.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "faultline/base.h"
#include "faultline/sweep.h"
#include "parts.h"

static const char *const outcome_names[FL_SWEEP_N_OUTCOMES] = {
	[FL_SWEEP_CRASHED] = "crashed",
	[FL_SWEEP_HUNG] = "hung",
	[FL_SWEEP_CHECK_FAILED] = "check failed",
	[FL_SWEEP_NOT_REACHED] = "not reached",
	[FL_SWEEP_HANDLED] = "handled",
	[FL_SWEEP_FAILED] = "failed",
};

static const char *const outcome_keys[FL_SWEEP_N_OUTCOMES] = {
	[FL_SWEEP_CRASHED] = "crashed",
	[FL_SWEEP_HUNG] = "hung",
	[FL_SWEEP_CHECK_FAILED] = "check_failed",
	[FL_SWEEP_NOT_REACHED] = "not_reached",
	[FL_SWEEP_HANDLED] = "handled",
	[FL_SWEEP_FAILED] = "failed",
};

const char *fl_sweep_outcome_name(enum fl_sweep_outcome o)
{
	return (unsigned)o < FL_SWEEP_N_OUTCOMES ? outcome_names[o] : "?";
}

const char *fl_sweep_outcome_key(enum fl_sweep_outcome o)
{
	return (unsigned)o < FL_SWEEP_N_OUTCOMES ? outcome_keys[o] : "?";
}

bool fl_sweep_is_crash_signal(int sig)
{
	switch (sig) {
	case SIGSEGV:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGILL:
	case SIGSYS:
	case SIGTRAP:
		return true;
	default:
		return false;
	}
}

const struct fl_sweep_crash *fl_sweep_tree_crash(const struct fl_sweep_crash *c, size_t n)
{
	const struct fl_sweep_crash *own = NULL;

	for (size_t i = 0; c && i < n; i++) {
		if (!fl_sweep_is_crash_signal(c[i].signal))
			continue;
		if (!c[i].main)
			return &c[i];
		if (!own)
			own = &c[i];
	}
	return own;
}

/*
 * What the sanitizers print first in a report. UBSan's is matched with the
 * ": " before it (it follows FILE:LINE:COL or "<unknown>") so a program
 * merely saying "runtime error:" in a sentence of its own is less likely
 * to count.
 */
static const char *const sanitizer_markers[] = {
	"ERROR: AddressSanitizer",
	"ERROR: LeakSanitizer",
	"ERROR: MemorySanitizer",
	"ERROR: HWAddressSanitizer",
	": runtime error: ",
};

const char *fl_sweep_find_sanitizer(const char *buf, size_t len)
{
	const char *best = NULL, *best_at = NULL;

	if (!buf)
		return NULL;
	for (size_t i = 0; i < FL_ARRAY_SIZE(sanitizer_markers); i++) {
		const char *m = sanitizer_markers[i];
		const char *at = memmem(buf, len, m, strlen(m));

		if (at && (!best_at || at < best_at)) {
			best = m;
			best_at = at;
		}
	}
	return best;
}

size_t fl_sweep_sanitizer_marker_max(void)
{
	size_t max = 0;

	for (size_t i = 0; i < FL_ARRAY_SIZE(sanitizer_markers); i++)
		if (strlen(sanitizer_markers[i]) > max)
			max = strlen(sanitizer_markers[i]);
	return max;
}

enum fl_sweep_outcome fl_sweep_classify(const struct fl_sweep_observed *o)
{
	if (o->timed_out)
		return FL_SWEEP_HUNG;
	/*
	 * faultline writes the report whenever the command ran to its end,
	 * crash or not; without one it failed before or while tracing, and
	 * the wait status is only faultline's own.
	 */
	if (!o->has_report)
		return FL_SWEEP_FAILED;
	if (o->injected == 0)
		return FL_SWEEP_NOT_REACHED;
	/* sweep --crash: the run crashed where it was told; its --check decides. */
	if (o->crash_sweep) {
		if (WIFEXITED(o->wait_status) && WEXITSTATUS(o->wait_status) == FL_EXIT_EXPECTATION)
			return FL_SWEEP_CHECK_FAILED;
		if (WIFEXITED(o->wait_status) && WEXITSTATUS(o->wait_status) == 0)
			return FL_SWEEP_HANDLED;
		return FL_SWEEP_FAILED;
	}
	if (!o->exit.exited && fl_sweep_is_crash_signal(o->exit.signal))
		return FL_SWEEP_CRASHED;
	/* A child that crashed is a crash, however well its parent took it. */
	if (fl_sweep_tree_crash(o->crashes, o->n_crashes))
		return FL_SWEEP_CRASHED;
	if (o->sanitizer)
		return FL_SWEEP_CRASHED;
	return FL_SWEEP_HANDLED;
}

char *fl_sweep_tail_lines(const char *buf, size_t len, size_t n)
{
	size_t end = len, start;
	char *out;

	if (!buf)
		len = end = 0;
	while (end > 0 && buf[end - 1] == '\n')
		end--;
	start = end;
	if (n > 0) {
		size_t lines = 1;

		while (start > 0) {
			if (buf[start - 1] == '\n' && lines++ == n)
				break;
			start--;
		}
	}
	out = malloc(end - start + 1);
	if (!out)
		return NULL;
	memcpy(out, buf + start, end - start);
	out[end - start] = '\0';
	return out;
}

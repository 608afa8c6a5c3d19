/*
 * Running a command without faultline, the way the harness runs faultline
 * (stdin from /dev/null, own process group, in the test's directory, output
 * captured to files), so that the two runs can be compared; and faultline's
 * peak memory.
 */
#pragma once

#include "harness.h"

/*
 * Runs @argv (NULL-terminated; argv[0] is the program, looked up in PATH)
 * and waits at most @timeout_ms. r->code is what faultline would exit with:
 * the exit status, or 128+N after a death by signal N (r->signal is N).
 */
void fl_run_direct(struct fl_result *r, const char *const *argv, int timeout_ms);

/*
 * Like fl_finish(), and also reports faultline's peak RSS (ru_maxrss, KiB)
 * in *@ret_kib, -1 when it could not be had. Only faultline's own: its
 * traced children are not waited for by this process, so their memory is
 * not in the count.
 */
void fl_finish_rss(struct fl_proc *p, struct fl_result *r, int timeout_ms, long *ret_kib);

/*
 * What a stopped call costs faultline on this machine, in ms: 1000 getpid
 * calls that stop (at entry and exit, --no-seccomp) and are matched but not
 * injected, less the same program without faultline. ~0.03 ms natively,
 * ten times that and more in an emulated arm64 VM. Heavy cases scale their
 * work with it.
 */
double fl_stop_ms(void);

/*
 * @n scaled for this machine: @n where a stop costs 0.05 ms or less, fewer
 * in proportion where it costs more, never under @min.
 */
long fl_scale_by_stop(long n, long min);

/*
 * The clocks a clock: rule names, which kernel clock ids read each
 * (include/uapi/linux/time.h: the same on every architecture), and the calls
 * that read them or wait for a moment on them. Pure tables.
 */
#include <string.h>
#include <time.h>

#include "faultline/base.h"
#include "faultline/sys.h"

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif

static const char *const names[FL_CLOCK_N] = {
	[FL_CLOCK_REALTIME] = "realtime",
	[FL_CLOCK_MONOTONIC] = "monotonic",
	[FL_CLOCK_BOOTTIME] = "boottime",
};

/*
 * The coarse and alarm variants, and TAI (realtime plus the leap-second
 * offset), read the same time as their clock: a program comparing them
 * must see them move together.
 */
static const int realtime_ids[] = { CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_REALTIME_ALARM,
				    CLOCK_TAI, -1 };
static const int monotonic_ids[] = { CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE,
				     -1 };
static const int boottime_ids[] = { CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, -1 };

static const int *const ids[FL_CLOCK_N] = {
	[FL_CLOCK_REALTIME] = realtime_ids,
	[FL_CLOCK_MONOTONIC] = monotonic_ids,
	[FL_CLOCK_BOOTTIME] = boottime_ids,
};

const char *fl_clock_name(enum fl_clock c)
{
	return (unsigned)c < FL_CLOCK_N ? names[c] : NULL;
}

int fl_clock_from_name(const char *name)
{
	for (int c = 0; c < FL_CLOCK_N; c++)
		if (strcmp(names[c], name) == 0)
			return c;
	return -1;
}

const int *fl_clock_ids(enum fl_clock c)
{
	return (unsigned)c < FL_CLOCK_N ? ids[c] : NULL;
}

int fl_clock_of_id(int64_t id)
{
	for (int c = 0; c < FL_CLOCK_N; c++)
		for (const int *p = ids[c]; *p >= 0; p++)
			if (*p == id)
				return c;
	return -1;
}

/*
 * The readings, then the absolute waits. The *_time64 forms are the 32-bit
 * ABIs' (i386, arm) calls with 64-bit time.
 */
static const struct fl_clock_callinfo calls[] = {
	{ "clock_gettime", FL_CCALL_GETTIME, false },
	{ "clock_gettime64", FL_CCALL_GETTIME, true },
	{ "gettimeofday", FL_CCALL_GETTIMEOFDAY, false },
	{ "time", FL_CCALL_TIME, false },
	{ "clock_nanosleep", FL_CCALL_NANOSLEEP, false },
	{ "clock_nanosleep_time64", FL_CCALL_NANOSLEEP, true },
	{ "timerfd_settime", FL_CCALL_TIMERFD, false },
	{ "timerfd_settime64", FL_CCALL_TIMERFD, true },
	{ "timer_settime", FL_CCALL_TIMER, false },
	{ "timer_settime64", FL_CCALL_TIMER, true },
	{ "futex", FL_CCALL_FUTEX, false },
	{ "futex_time64", FL_CCALL_FUTEX, true },
};

const struct fl_clock_callinfo *fl_clock_call_find(const char *name)
{
	for (size_t i = 0; name && i < FL_ARRAY_SIZE(calls); i++)
		if (strcmp(calls[i].name, name) == 0)
			return &calls[i];
	return NULL;
}

const struct fl_clock_callinfo *fl_clock_calls(size_t *ret_n)
{
	*ret_n = FL_ARRAY_SIZE(calls);
	return calls;
}

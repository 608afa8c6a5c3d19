/*
 * What a program sees of time, for the clock: rule tests (test_clock.c).
 *   fl-clock auxv             getauxval(AT_SYSINFO_EHDR), in hex
 *   fl-clock now              realtime by clock_gettime, gettimeofday and
 *                             time, one line each: "NAME SECONDS.FRACTION"
 *   fl-clock mono             CLOCK_MONOTONIC and CLOCK_BOOTTIME readings
 *   fl-clock readings N       N clock_gettime(CLOCK_REALTIME) readings, one a line
 *   fl-clock sleep-until S    read realtime T, clock_nanosleep(TIMER_ABSTIME)
 *                             until T + S seconds, read it again: prints
 *                             "start T", "deadline D", "woke W" (realtime as
 *                             the program reads it) and "arg ok" when the
 *                             struct it passed is as it was
 *   fl-clock timerfd-until S  the same through a timerfd (TFD_TIMER_ABSTIME)
 *   fl-clock timer-until S    the same through a POSIX timer (TIMER_ABSTIME, SIGALRM)
 *   fl-clock cond-until S     the same through pthread_cond_timedwait (a futex
 *                             FUTEX_WAIT_BITSET on realtime), which times out
 *   fl-clock loop N           N clock_gettime(CLOCK_REALTIME) calls (bench/)
 * Built dynamically and, where there is a static libc, statically
 * (fl-clock-static): glibc's static start-up reads the auxv itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static double ts_s(const struct timespec *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

static struct timespec realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "auxv") == 0) {
		printf("AT_SYSINFO_EHDR 0x%lx\n", getauxval(AT_SYSINFO_EHDR));
	} else if (strcmp(mode, "now") == 0) {
		struct timespec ts = realtime();
		struct timeval tv;

		gettimeofday(&tv, NULL);
		printf("clock_gettime %.6f\n", ts_s(&ts));
		printf("gettimeofday %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
		printf("time %ld\n", (long)time(NULL));
	} else if (strcmp(mode, "mono") == 0) {
		struct timespec m, b;

		clock_gettime(CLOCK_MONOTONIC, &m);
		clock_gettime(CLOCK_BOOTTIME, &b);
		printf("monotonic %.6f\nboottime %.6f\n", ts_s(&m), ts_s(&b));
	} else if (strcmp(mode, "readings") == 0 && argc > 2) {
		for (long i = 0, n = atol(argv[2]); i < n; i++) {
			struct timespec ts = realtime();

			printf("reading %ld %.6f\n", i + 1, ts_s(&ts));
		}
	} else if (strcmp(mode, "loop") == 0 && argc > 2) {
		struct timespec ts;

		for (long i = 0, n = atol(argv[2]); i < n; i++)
			clock_gettime(CLOCK_REALTIME, &ts);
	} else if ((strcmp(mode, "sleep-until") == 0 || strcmp(mode, "timerfd-until") == 0 ||
		    strcmp(mode, "timer-until") == 0 || strcmp(mode, "cond-until") == 0) && argc > 2) {
		struct timespec start = realtime(), dl = start, copy, woke;
		double s = atof(argv[2]);
		int r = 0;

		dl.tv_sec += (time_t)s;
		dl.tv_nsec += (long)((s - (double)(time_t)s) * 1e9);
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
		copy = dl;
		if (mode[0] == 's') {
			r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &dl, NULL);
		} else if (strcmp(mode, "cond-until") == 0) {
			pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
			pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
			int e = 0;

			pthread_mutex_lock(&mu);
			while (e == 0)
				e = pthread_cond_timedwait(&cv, &mu, &dl);
			pthread_mutex_unlock(&mu);
			r = e != ETIMEDOUT;
		} else if (strcmp(mode, "timer-until") == 0) {
			struct sigevent se = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
			struct itimerspec its = { .it_value = dl };
			sigset_t set;
			timer_t timer;
			int sig;

			sigemptyset(&set);
			sigaddset(&set, SIGALRM);
			sigprocmask(SIG_BLOCK, &set, NULL);
			if (timer_create(CLOCK_REALTIME, &se, &timer) < 0 ||
			    timer_settime(timer, TIMER_ABSTIME, &its, NULL) < 0 ||
			    sigwait(&set, &sig) != 0)
				r = 1;
			dl = its.it_value;
		} else {
			struct itimerspec its = { .it_value = dl };
			uint64_t n;
			int fd = timerfd_create(CLOCK_REALTIME, 0);

			if (fd < 0 || timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) < 0 ||
			    read(fd, &n, sizeof(n)) != sizeof(n))
				r = 1;
			dl = its.it_value;
		}
		woke = realtime();
		printf("start %.6f\ndeadline %.6f\nwoke %.6f\n", ts_s(&start), ts_s(&copy), ts_s(&woke));
		printf("arg %s\n", memcmp(&dl, &copy, sizeof(dl)) == 0 ? "ok" : "changed");
		return r ? 1 : 0;
	} else {
		fprintf(stderr, "usage: fl-clock auxv|now|mono|readings N|loop N|sleep-until S|timerfd-until S|timer-until S|cond-until S\n");
		return 2;
	}
	return 0;
}

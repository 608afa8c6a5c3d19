/*
 * bench-clock N [any|vdso|novdso]
 *
 * Makes N clock_gettime(CLOCK_REALTIME) calls through the C library, as a
 * program reads the time: from the vDSO when the process has one, by the
 * syscall when faultline took it away (a clock: rule). The optional second
 * argument says which the process must have (getauxval(AT_SYSINFO_EHDR));
 * a mismatch exits 3, so a row that measured the other path fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct timespec ts;
	const char *expect = argc > 2 ? argv[2] : "any";
	long n;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s N [any|vdso|novdso]\n", argv[0]);
		return 2;
	}
	n = atol(argv[1]);
	if ((strcmp(expect, "vdso") == 0 && !getauxval(AT_SYSINFO_EHDR)) ||
	    (strcmp(expect, "novdso") == 0 && getauxval(AT_SYSINFO_EHDR))) {
		fprintf(stderr, "bench-clock: the process %s a vDSO\n",
			getauxval(AT_SYSINFO_EHDR) ? "has" : "has no");
		return 3;
	}
	for (long i = 0; i < n; i++)
		if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
			return 1;
	return 0;
}

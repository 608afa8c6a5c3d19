/*
 * bench-seccomp-floor PROGRAM [ARG]...
 *
 * Installs a one-instruction seccomp filter that allows every syscall, then
 * execs PROGRAM. Not a faultline configuration: it is the kernel's own cost
 * of having *any* seccomp filter (every syscall takes the slow entry path and
 * runs the filter), i.e. the floor under "faultline, rule on an unused
 * syscall". If that row misses its target by about as much as this one, the
 * miss is the kernel's, not faultline's.
 */
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 1, .filter = allow };

	if (argc < 2) {
		fprintf(stderr, "usage: %s PROGRAM [ARG]...\n", argv[0]);
		return 125;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		perror("bench-seccomp-floor: seccomp");
		return 125;
	}
	execvp(argv[1], argv + 1);
	perror("bench-seccomp-floor: exec");
	return 127;
}

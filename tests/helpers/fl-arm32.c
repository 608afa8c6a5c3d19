/*
 * The AArch32 counterpart of fl-int80, built with the armhf cross compiler
 * as a static 32-bit ARM (EABI) program and run on aarch64: getpid is 20
 * there, and 20 is epoll_create1 for aarch64. A rule must match the call by
 * the ABI it was made in, never by its bare number. Prints "compat getpid:
 * N" (the raw result) and "real pid: N" (from /proc/self, which makes no
 * getpid).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	char self[32] = "";
	long r = syscall(SYS_getpid);

	printf("compat getpid: %ld\n", r);
	if (readlink("/proc/self", self, sizeof(self) - 1) < 0)
		return 1;
	printf("real pid: %s\n", self);
	return 0;
}

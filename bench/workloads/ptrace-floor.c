/*
 * bench-ptrace-floor N [poll]
 *
 * The least a ptrace fault injector can do per call, as a reference for
 * what one stop costs on this machine: a child installs a seccomp filter
 * that returns SECCOMP_RET_TRACE for getppid and ALLOW for everything else,
 * and calls getppid N times; the parent, which has PTRACE_SEIZEd it with
 * PTRACE_O_TRACESECCOMP, skips each call at its seccomp stop and sets the
 * result to -EPERM (x86_64: two PTRACE_POKEUSERs; aarch64: NT_ARM_SYSTEM_CALL
 * and NT_PRSTATUS), then PTRACE_CONT. No syscall-info read, no decision, no
 * polling; with "poll", 50 us of waitpid(WNOHANG) before each blocking wait, as
 * faultline's loop does after a call's stop (an idle vCPU that has to be
 * woken costs more than the stop). Exits 0 when the child saw exactly N
 * injected EPERMs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/elf.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef NT_ARM_SYSTEM_CALL
#define NT_ARM_SYSTEM_CALL 0x404
#endif

static int child(long n, int go)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	long injected = 0;
	char c;

	/* The parent has seized us once this read returns. */
	if (read(go, &c, 1) != 1)
		return 125;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return 125;
	for (long i = 0; i < n; i++)
		if (syscall(SYS_getppid) == -1 && errno == EPERM)
			injected++;
	return injected == n ? 0 : 1;
}

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static int skip_with_eperm(pid_t pid)
{
#if defined(__x86_64__)
	if (ptrace(PTRACE_POKEUSER, pid, (void *)offsetof(struct user_regs_struct, orig_rax),
		   (void *)-1L) < 0)
		return -1;
	return (int)ptrace(PTRACE_POKEUSER, pid, (void *)offsetof(struct user_regs_struct, rax),
			   (void *)(long)-EPERM);
#elif defined(__aarch64__)
	int nr = -1;
	struct iovec sc = { &nr, sizeof(nr) };
	struct user_regs_struct regs;
	struct iovec rv = { &regs, sizeof(regs) };

	if (ptrace(PTRACE_SETREGSET, pid, (void *)NT_ARM_SYSTEM_CALL, &sc) < 0 ||
	    ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRSTATUS, &rv) < 0)
		return -1;
	regs.regs[0] = (uint64_t)(long)-EPERM;
	return (int)ptrace(PTRACE_SETREGSET, pid, (void *)NT_PRSTATUS, &rv);
#else
#error "bench-ptrace-floor: x86_64 and aarch64 only"
#endif
}

int main(int argc, char **argv)
{
	int go[2], status;
	long n;
	pid_t pid;
	long poll_ns;

	if (argc < 2 || argc > 3 || (n = atol(argv[1])) < 0) {
		fprintf(stderr, "usage: %s N [poll]\n", argv[0]);
		return 125;
	}
	if (pipe(go) < 0)
		return 125;
	pid = fork();
	if (pid < 0)
		return 125;
	if (pid == 0) {
		close(go[1]);
		_exit(child(n, go[0]));
	}
	close(go[0]);
	if (ptrace(PTRACE_SEIZE, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)) < 0) {
		perror("bench-ptrace-floor: PTRACE_SEIZE");
		kill(pid, SIGKILL);
		return 125;
	}
	if (write(go[1], "g", 1) != 1)
		return 125;
	poll_ns = argc == 3 ? 50000 : 0;
	for (;;) {
		pid_t w = 0;

		for (long t0 = poll_ns ? now_ns() : 0; poll_ns && w == 0 && now_ns() - t0 < poll_ns;)
			w = waitpid(pid, &status, __WALL | WNOHANG);
		if (w == 0)
			w = waitpid(pid, &status, __WALL);
		if (w < 0)
			return 125;
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
		int sig = 0;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			if (skip_with_eperm(pid) < 0) {
				perror("bench-ptrace-floor: ptrace");
				kill(pid, SIGKILL);
				return 125;
			}
		} else if (status >> 16 == 0) {
			sig = WSTOPSIG(status); /* a signal for the child: pass it on */
		}
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
}

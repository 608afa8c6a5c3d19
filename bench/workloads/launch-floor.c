/*
 * bench-launch-floor PROGRAM [ARG...]
 *
 * The least a seccomp-prefiltered ptrace launcher can do to run a program,
 * as a reference for what faultline's start-up costs on this machine: fork
 * a child that waits on a pipe, PTRACE_SEIZE it (PTRACE_O_TRACESECCOMP,
 * TRACEEXEC, EXITKILL), let it go; the child installs a filter that returns
 * SECCOMP_RET_TRACE for sethostname and ALLOW for everything else, and execs
 * PROGRAM; the parent resumes the exec event and any other stop, and exits
 * with the program's status. No rule file, no options, no report: bench/run
 * links it statically, so no dynamic loader either. Exits 125 on its own
 * error.
 */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void child(int go, char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_sethostname, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	char c;

	/* The parent has seized us once this read returns. */
	if (read(go, &c, 1) != 1)
		_exit(125);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		_exit(125);
	execv(argv[0], argv);
	_exit(127);
}

int main(int argc, char **argv)
{
	int go[2], st;
	pid_t pid;

	if (argc < 2 || pipe2(go, O_CLOEXEC) < 0)
		return 125;
	pid = fork();
	if (pid < 0)
		return 125;
	if (pid == 0) {
		close(go[1]);
		child(go[0], argv + 1);
	}
	close(go[0]);
	if (ptrace(PTRACE_SEIZE, pid, 0,
		   (void *)(long)(PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) < 0 ||
	    write(go[1], "g", 1) != 1)
		return 125;
	for (;;) {
		if (waitpid(pid, &st, __WALL) < 0)
			return 125;
		if (WIFEXITED(st))
			return WEXITSTATUS(st);
		if (WIFSIGNALED(st))
			return 128 + WTERMSIG(st);
		/* An event stop resumes as it is; a signal stop passes its signal on. */
		int sig = WSTOPSIG(st) == SIGTRAP && (st >> 16) ? 0 : WSTOPSIG(st);
		if (ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig) < 0)
			return 125;
	}
}

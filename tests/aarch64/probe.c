/*
 * tests/aarch64/probe.c: the ptrace and seccomp mechanics the aarch64 port of
 * faultline relies on, checked on a real arm64 kernel (tests/aarch64/run boots
 * one under qemu-system-aarch64). Built statically with aarch64-linux-gnu-gcc;
 * it needs nothing but the kernel.
 *
 *   probe seccomp           a SECCOMP_RET_TRACE stop: PTRACE_GET_SYSCALL_INFO
 *                           reads the call, NT_ARM_SYSTEM_CALL = -1 skips it,
 *                           x0 (NT_PRSTATUS) carries -EPERM back; no side effect
 *   probe syscall-stops     the same without seccomp (faultline --no-seccomp):
 *                           skip at the entry stop, result at the exit stop;
 *                           and a call that runs, its result overwritten at exit;
 *                           whether a write to x7 at a syscall stop reaches the tracee
 *   probe bench-seccomp N [pin]  N injected seccomp stops, timed; with pin,
 *                           tracer and tracee share CPU 0 (faultline --same-cpu)
 *   probe bench-syscall N [pin]  N calls through entry+exit syscall stops, timed
 *   probe aarch32 PROG      PROG is a static armhf (AArch32) program
 *                           (tests/aarch64/hello32.c): trace it from this
 *                           64-bit tracer, check the ABI the kernel reports
 *                           (AUDIT_ARCH_ARM, EABI numbers) and inject into it
 *
 * Exit status: 0 ok, 1 failed, 77 skipped (meson's convention). Lines
 * "FACT name value" are measurements the runner reports.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if !defined(__aarch64__)
#error "probe.c is for aarch64"
#endif

#ifndef NT_ARM_SYSTEM_CALL
#define NT_ARM_SYSTEM_CALL 0x404
#endif
#define ARM_NR_MKDIRAT 323 /* EABI number of mkdirat (arch/arm/tools/syscall.tbl) */

static int failures;

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			printf("FAIL %s:%d: %s: ", __func__, __LINE__, #cond); \
			printf(__VA_ARGS__);                                 \
			printf("\n");                                        \
			failures++;                                          \
		}                                                            \
	} while (0)

static void die(const char *what)
{
	printf("FAIL: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A filter that returns SECCOMP_RET_TRACE for (arch, nr), ALLOW for the rest. */
static void install_filter(uint32_t arch, uint32_t nr, uint32_t action)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("PR_SET_NO_NEW_PRIVS");
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		die("PR_SET_SECCOMP");
}

/* fork; the child waits on a pipe until the parent has seized it. */
struct kid {
	pid_t pid;
	int go;
};

static struct kid spawn(void (*body)(void *), void *arg, unsigned long options)
{
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char c;
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(90);
		close(p[0]);
		body(arg);
		_exit(91);
	}
	close(p[0]);
	if (ptrace(PTRACE_SEIZE, pid, 0, options | PTRACE_O_EXITKILL) < 0)
		die("PTRACE_SEIZE");
	return (struct kid){ pid, p[1] };
}

static void release(struct kid *k)
{
	if (write(k->go, "g", 1) != 1)
		die("write");
	close(k->go);
}

static void get_info(pid_t pid, struct __ptrace_syscall_info *info)
{
	memset(info, 0, sizeof(*info));
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(*info), info);
	if (n <= 0)
		die("PTRACE_GET_SYSCALL_INFO");
}

static void set_nr(pid_t pid, int nr)
{
	struct iovec iov = { &nr, sizeof(nr) };
	if (ptrace(PTRACE_SETREGSET, pid, NT_ARM_SYSTEM_CALL, &iov) < 0)
		die("PTRACE_SETREGSET NT_ARM_SYSTEM_CALL");
}

static int get_nr(pid_t pid)
{
	int nr = 0;
	struct iovec iov = { &nr, sizeof(nr) };
	if (ptrace(PTRACE_GETREGSET, pid, NT_ARM_SYSTEM_CALL, &iov) < 0)
		die("PTRACE_GETREGSET NT_ARM_SYSTEM_CALL");
	return nr;
}

static void get_regs(pid_t pid, struct user_regs_struct *r)
{
	struct iovec iov = { r, sizeof(*r) };
	if (ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov) < 0)
		die("PTRACE_GETREGSET NT_PRSTATUS");
}

static void set_x0(pid_t pid, int64_t v)
{
	struct user_regs_struct r;
	get_regs(pid, &r);
	r.regs[0] = (uint64_t)v;
	struct iovec iov = { &r, sizeof(r) };
	if (ptrace(PTRACE_SETREGSET, pid, NT_PRSTATUS, &iov) < 0)
		die("PTRACE_SETREGSET NT_PRSTATUS");
}

static int wait_stop(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, __WALL) != pid)
		die("waitpid");
	return st;
}

static const char probe_dir[] = "/tmp/fl-probe-dir";

/* ---- probe seccomp ---- */

static void seccomp_child(void *arg)
{
	(void)arg;
	rmdir(probe_dir);
	install_filter(AUDIT_ARCH_AARCH64, __NR_mkdirat, SECCOMP_RET_TRACE | 0x1234);
	long r = syscall(SYS_mkdirat, (long)AT_FDCWD, probe_dir, 0755);
	int e = errno;
	if (r != -1 || e != EPERM)
		_exit(10);
	if (access(probe_dir, F_OK) == 0)
		_exit(11); /* the call ran: not skipped */
	_exit(0);
}

static int probe_seccomp(void)
{
	struct kid k = spawn(seccomp_child, NULL, PTRACE_O_TRACESECCOMP);
	release(&k);
	int st = wait_stop(k.pid);
	CHECK(WIFSTOPPED(st) && st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)),
	      "status %#x", st);
	if (failures)
		return 1;
	struct __ptrace_syscall_info info;
	get_info(k.pid, &info);
	CHECK(info.op == PTRACE_SYSCALL_INFO_SECCOMP, "op %u", info.op);
	CHECK(info.arch == AUDIT_ARCH_AARCH64, "arch %#x", info.arch);
	CHECK(info.seccomp.nr == __NR_mkdirat, "nr %llu", (unsigned long long)info.seccomp.nr);
	CHECK(info.seccomp.args[0] == (uint64_t)(int64_t)AT_FDCWD, "args[0] %#llx",
	      (unsigned long long)info.seccomp.args[0]);
	CHECK(info.seccomp.args[2] == 0755, "args[2] %#llo", (unsigned long long)info.seccomp.args[2]);
	CHECK(info.seccomp.ret_data == 0x1234, "ret_data %#x", info.seccomp.ret_data);
	char path[sizeof(probe_dir)] = "";
	struct iovec local = { path, sizeof(path) }, remote = { (void *)info.seccomp.args[1], sizeof(path) };
	CHECK(process_vm_readv(k.pid, &local, 1, &remote, 1, 0) == sizeof(path) &&
	      !strcmp(path, probe_dir), "path %s", path);
	/* x0 is the first argument at this stop; the syscall number register. */
	struct user_regs_struct r;
	get_regs(k.pid, &r);
	CHECK(r.regs[0] == info.seccomp.args[0], "x0 %#llx", (unsigned long long)r.regs[0]);
	CHECK(r.regs[8] == __NR_mkdirat, "x8 %llu", (unsigned long long)r.regs[8]);
	CHECK(get_nr(k.pid) == __NR_mkdirat, "NT_ARM_SYSTEM_CALL reads %d", get_nr(k.pid));
	set_nr(k.pid, -1);
	set_x0(k.pid, -EPERM);
	if (ptrace(PTRACE_CONT, k.pid, 0, 0) < 0)
		die("PTRACE_CONT");
	st = wait_stop(k.pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "child status %#x (10: no -EPERM, 11: the call ran)", st);
	if (!failures)
		printf("ok: seccomp stop read (nr, args, ret_data), skipped via NT_ARM_SYSTEM_CALL, -EPERM via x0\n");
	return failures ? 1 : 0;
}

/* ---- probe syscall-stops ---- */

static void syscall_child(void *arg)
{
	(void)arg;
	rmdir(probe_dir);
	long r = syscall(SYS_mkdirat, (long)AT_FDCWD, probe_dir, 0755);
	if (r != -1 || errno != EPERM)
		_exit(10);
	if (access(probe_dir, F_OK) == 0)
		_exit(11);
	/* phase exit: the call runs, its result is overwritten */
	r = syscall(SYS_getppid);
	if (r != 4242)
		_exit(12);
	/* the tracer writes 0x2222 to x7 at this call's entry stop */
	register long x8 __asm__("x8") = __NR_getpid;
	register long x0 __asm__("x0");
	register long x7 __asm__("x7") = 0x1111;
	__asm__ volatile("svc #0" : "=r"(x0), "+r"(x7) : "r"(x8) : "memory");
	printf("FACT x7_written_at_syscall_stop_reaches_tracee %s\n",
	       x7 == 0x2222 ? "yes" : x7 == 0x1111 ? "no" : "other");
	fflush(stdout);
	_exit(0);
}

static int probe_syscall_stops(void)
{
	struct kid k = spawn(syscall_child, NULL, PTRACE_O_TRACESYSGOOD);
	if (ptrace(PTRACE_INTERRUPT, k.pid, 0, 0) < 0)
		die("PTRACE_INTERRUPT");
	wait_stop(k.pid);
	if (ptrace(PTRACE_SYSCALL, k.pid, 0, 0) < 0)
		die("PTRACE_SYSCALL");
	release(&k);
	int state = 0; /* 0: before mkdirat, 1: at its exit, 2: getppid exit, 3: done */
	bool x7_ok = true;
	for (;;) {
		int st = wait_stop(k.pid);
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			      "child status %#x (10: no -EPERM, 11: ran, 12: getppid not 4242)", st);
			break;
		}
		int sig = 0;
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
			struct __ptrace_syscall_info info;
			get_info(k.pid, &info);
			CHECK(info.arch == AUDIT_ARCH_AARCH64, "arch %#x", info.arch);
			struct user_regs_struct r;
			get_regs(k.pid, &r);
			/* arm64 reports the direction in x7 at syscall stops */
			if (r.regs[7] != (info.op == PTRACE_SYSCALL_INFO_EXIT ? 1u : 0u))
				x7_ok = false;
			if (info.op == PTRACE_SYSCALL_INFO_ENTRY && info.entry.nr == __NR_mkdirat) {
				CHECK(state == 0, "state %d", state);
				CHECK(info.entry.args[2] == 0755, "args[2] %#llo",
				      (unsigned long long)info.entry.args[2]);
				set_nr(k.pid, -1);
				state = 1;
			} else if (info.op == PTRACE_SYSCALL_INFO_EXIT && state == 1) {
				/* the skipped call's exit stop: x0 is what the kernel left */
				/* arm64 leaves x0 alone: rval is the first argument */
				printf("FACT skipped_call_exit_rval_is_arg0 %s\n",
				       info.exit.rval == AT_FDCWD ? "yes" : "no");
				set_x0(k.pid, -EPERM);
				state = 2;
			} else if (info.op == PTRACE_SYSCALL_INFO_ENTRY && info.entry.nr == __NR_getppid) {
				CHECK(state == 2, "state %d", state);
				state = 3;
			} else if (info.op == PTRACE_SYSCALL_INFO_EXIT && state == 3) {
				CHECK(info.exit.rval == getpid(), "getppid rval %lld", (long long)info.exit.rval);
				CHECK(r.regs[0] == (uint64_t)getpid(), "x0 at exit %#llx: the result",
				      (unsigned long long)r.regs[0]);
				set_x0(k.pid, 4242);
				state = 4;
			} else if (info.op == PTRACE_SYSCALL_INFO_ENTRY && info.entry.nr == __NR_getpid &&
				   state == 4) {
				r.regs[7] = 0x2222;
				struct iovec iov = { &r, sizeof(r) };
				if (ptrace(PTRACE_SETREGSET, k.pid, NT_PRSTATUS, &iov) < 0)
					die("PTRACE_SETREGSET NT_PRSTATUS");
				state = 5;
			}
		} else if (st >> 16 == PTRACE_EVENT_STOP) {
			sig = 0;
		} else {
			sig = WSTOPSIG(st);
		}
		if (ptrace(PTRACE_SYSCALL, k.pid, 0, sig) < 0)
			die("PTRACE_SYSCALL");
	}
	CHECK(state == 5, "state %d", state);
	printf("FACT x7_is_syscall_direction_at_syscall_stops %s\n", x7_ok ? "yes" : "no");
	if (!failures)
		printf("ok: entry stop skip (NT_ARM_SYSTEM_CALL -1), -EPERM at the exit stop; exit-phase overwrite of x0\n");
	return failures ? 1 : 0;
}

/* ---- benchmarks ---- */

static long bench_n;

static void bench_child(void *arg)
{
	uint32_t action = *(uint32_t *)arg;
	if (action)
		install_filter(AUDIT_ARCH_AARCH64, __NR_mkdirat, action);
	for (long i = 0; i < bench_n; i++)
		if (syscall(SYS_mkdirat, (long)AT_FDCWD, probe_dir, 0755) != -1 || errno != EPERM)
			_exit(10);
	_exit(0);
}

/* The loop with SECCOMP_RET_ERRNO and no tracer: the cost of the call itself. */
static double bench_baseline(void)
{
	uint32_t action = SECCOMP_RET_ERRNO | EPERM;
	double t0 = now();
	pid_t pid = fork();
	if (pid == 0)
		bench_child(&action);
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "baseline child %#x", st);
	return now() - t0;
}

static int bench_seccomp(long n)
{
	bench_n = n;
	double base = bench_baseline();
	uint32_t action = SECCOMP_RET_TRACE;
	double t0 = now();
	struct kid k = spawn(bench_child, &action, PTRACE_O_TRACESECCOMP);
	release(&k);
	long stops = 0;
	for (;;) {
		int st = wait_stop(k.pid);
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %#x", st);
			break;
		}
		int sig = 0;
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			struct __ptrace_syscall_info info;
			get_info(k.pid, &info);
			set_nr(k.pid, -1);
			set_x0(k.pid, -EPERM);
			stops++;
		} else if (!(st >> 16)) {
			sig = WSTOPSIG(st);
		}
		ptrace(PTRACE_CONT, k.pid, 0, sig);
	}
	double t = now() - t0;
	CHECK(stops == n, "%ld stops", stops);
	printf("FACT seccomp_injected_stops %ld\n", stops);
	printf("FACT seccomp_total_s %.3f\n", t);
	printf("FACT seccomp_baseline_s %.3f\n", base);
	printf("FACT seccomp_us_per_injected_stop %.1f\n", (t - base) / n * 1e6);
	return failures ? 1 : 0;
}

static int bench_syscall(long n)
{
	bench_n = n;
	double base = bench_baseline();
	uint32_t action = 0;
	double t0 = now();
	struct kid k = spawn(bench_child, &action, PTRACE_O_TRACESYSGOOD);
	if (ptrace(PTRACE_INTERRUPT, k.pid, 0, 0) < 0)
		die("PTRACE_INTERRUPT");
	wait_stop(k.pid);
	ptrace(PTRACE_SYSCALL, k.pid, 0, 0);
	release(&k);
	long injected = 0, stops = 0;
	bool skipping = false;
	for (;;) {
		int st = wait_stop(k.pid);
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %#x", st);
			break;
		}
		int sig = 0;
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
			struct __ptrace_syscall_info info;
			get_info(k.pid, &info);
			stops++;
			if (info.op == PTRACE_SYSCALL_INFO_ENTRY && info.entry.nr == __NR_mkdirat) {
				set_nr(k.pid, -1);
				skipping = true;
			} else if (info.op == PTRACE_SYSCALL_INFO_EXIT && skipping) {
				set_x0(k.pid, -EPERM);
				skipping = false;
				injected++;
			}
		} else if (!(st >> 16)) {
			sig = WSTOPSIG(st);
		}
		ptrace(PTRACE_SYSCALL, k.pid, 0, sig);
	}
	double t = now() - t0;
	CHECK(injected == n, "%ld injected", injected);
	printf("FACT syscall_stops %ld\n", stops);
	printf("FACT syscall_total_s %.3f\n", t);
	printf("FACT syscall_us_per_injected_call %.1f\n", (t - base) / n * 1e6);
	printf("FACT syscall_us_per_stop %.1f\n", (t - base) / stops * 1e6);
	return failures ? 1 : 0;
}

/* ---- probe aarch32 ---- */

static const char *aarch32_prog;

static void aarch32_child(void *arg)
{
	(void)arg;
	rmdir(probe_dir);
	/* A filter installed by this 64-bit process stays across the exec and
	 * sees the 32-bit program's calls as AUDIT_ARCH_ARM. */
	install_filter(AUDIT_ARCH_ARM, ARM_NR_MKDIRAT, SECCOMP_RET_TRACE);
	execl(aarch32_prog, aarch32_prog, "expect-eperm", (char *)NULL);
	printf("exec %s: %s\n", aarch32_prog, strerror(errno));
	fflush(stdout);
	_exit(errno == ENOEXEC ? 77 : 13);
}

/* struct pt_regs of arm (32-bit): r0..r15, cpsr, orig_r0 */
struct arm_regs {
	uint32_t r[18];
};

static int probe_aarch32(const char *prog)
{
	aarch32_prog = prog;
	struct kid k = spawn(aarch32_child, NULL, PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEEXEC);
	release(&k);
	bool seen = false, exec_seen = false;
	for (;;) {
		int st = wait_stop(k.pid);
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
				printf("SKIP: this CPU or kernel does not run AArch32 programs\n");
				printf("FACT aarch32 no\n");
				return 77;
			}
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			      "aarch32 program status %#x (1: no -EPERM, 2: the call ran)", st);
			break;
		}
		int sig = 0;
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
			exec_seen = true;
		} else if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			struct __ptrace_syscall_info info;
			get_info(k.pid, &info);
			CHECK(info.arch == AUDIT_ARCH_ARM, "arch %#x", info.arch);
			CHECK(info.seccomp.nr == ARM_NR_MKDIRAT, "nr %llu", (unsigned long long)info.seccomp.nr);
			CHECK(info.seccomp.args[0] == (uint32_t)AT_FDCWD, "args[0] %#llx (zero-extended?)",
			      (unsigned long long)info.seccomp.args[0]);
			CHECK(info.seccomp.args[2] == 0755, "args[2] %#llo",
			      (unsigned long long)info.seccomp.args[2]);
			struct arm_regs r;
			struct iovec iov = { &r, sizeof(r) };
			if (ptrace(PTRACE_GETREGSET, k.pid, NT_PRSTATUS, &iov) < 0)
				die("PTRACE_GETREGSET NT_PRSTATUS (aarch32)");
			printf("FACT aarch32_prstatus_bytes %zu\n", iov.iov_len);
			CHECK(iov.iov_len == 72, "NT_PRSTATUS of an AArch32 tracee: %zu bytes", iov.iov_len);
			CHECK(r.r[7] == ARM_NR_MKDIRAT, "r7 %u", r.r[7]);
			CHECK(get_nr(k.pid) == ARM_NR_MKDIRAT, "NT_ARM_SYSTEM_CALL reads %d", get_nr(k.pid));
			set_nr(k.pid, -1);
			r.r[0] = (uint32_t)-EPERM;
			iov.iov_len = sizeof(r);
			if (ptrace(PTRACE_SETREGSET, k.pid, NT_PRSTATUS, &iov) < 0)
				die("PTRACE_SETREGSET NT_PRSTATUS (aarch32)");
			seen = true;
		} else if (!(st >> 16)) {
			sig = WSTOPSIG(st);
		}
		ptrace(PTRACE_CONT, k.pid, 0, sig);
	}
	CHECK(exec_seen, "no exec event");
	CHECK(seen, "no seccomp stop for the AArch32 mkdirat");
	printf("FACT aarch32 %s\n", failures ? "broken" : "yes");
	if (!failures)
		printf("ok: AArch32 tracee: AUDIT_ARCH_ARM, EABI nr, skipped via NT_ARM_SYSTEM_CALL, -EPERM via r0\n");
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *what = argc > 1 ? argv[1] : "";
	if (argc > 3 && !strcmp(argv[3], "pin")) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0)
			die("sched_setaffinity");
	}
	if (!strcmp(what, "seccomp"))
		return probe_seccomp();
	if (!strcmp(what, "syscall-stops"))
		return probe_syscall_stops();
	if (!strcmp(what, "bench-seccomp") && argc > 2)
		return bench_seccomp(atol(argv[2]));
	if (!strcmp(what, "bench-syscall") && argc > 2)
		return bench_syscall(atol(argv[2]));
	if (!strcmp(what, "aarch32") && argc > 2)
		return probe_aarch32(argv[2]);
	fprintf(stderr, "usage: probe seccomp|syscall-stops|bench-seccomp N [pin]|"
			"bench-syscall N [pin]|aarch32 PROG\n");
	return 2;
}

/*
 * The architecture guard: a syscall number means nothing without its ABI.
 * A helper calls getpid through the host's 32-bit compat ABI, where it is
 * number 20; 20 is another call natively. Rules must match it as getpid and
 * never as that other call.
 *   x86_64:  fl-int80, int $0x80 from a 64-bit program (i386); 20 is writev
 *   aarch64: fl-arm32, a 32-bit ARM (AArch32) program; 20 is epoll_create1
 */
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#if defined(__x86_64__)
#define COMPAT_ABI "i386"
#define SAME_NR "writev"            /* x86_64's 20 */
#define CALL_LINE "int80 getpid: "
#define REAL_LINE "native getpid: "
#elif defined(__aarch64__)
#define COMPAT_ABI "AArch32 (arm)"
#define SAME_NR "epoll_create1"     /* aarch64's 20 */
#define CALL_LINE "compat getpid: "
#define REAL_LINE "real pid: "
#else
#error "test_arch.c knows the compat ABI of x86_64 and aarch64 only (tests/integration/meson.build)"
#endif

static const char *compat32(void)
{
	const char *p = getenv("FL_COMPAT32");

	if (!p || !*p)
		fl_skip("no 32-bit helper was built: on aarch64 it needs the armhf cross compiler "
			"(gcc-arm-linux-gnueabihf) at meson setup");
	return p;
}

/*
 * Probe the compat ABI once, outside faultline: kernels without it differ.
 * x86_64 with ia32_emulation=0: int $0x80 returns -ENOSYS; kernels built
 * without IA32 emulation, and hardened ones, kill the caller with SIGSEGV.
 * aarch64 without CONFIG_COMPAT (or a CPU without AArch32 at EL0): the
 * 32-bit program does not exec. Either way the machine, not faultline,
 * lacks the ABI: skip with the reason.
 */
static void require_compat(void)
{
	static char why[160];
	static int probed; /* 0: not yet, 1: present, -1: absent */
	const char *helper = compat32();
	char out[256] = "";
	int fds[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (!probed) {
		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			dup2(fds[1], 1);
			close(fds[0]);
			execl(helper, helper, (char *)NULL);
			_exit(127);
		}
		close(fds[1]);
		while ((n = read(fds[0], out + got, sizeof(out) - 1 - (size_t)got)) > 0)
			got += n;
		out[got] = '\0';
		close(fds[0]);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		probed = 1;
		if (WIFSIGNALED(status)) {
			snprintf(why, sizeof(why), "this kernel has no " COMPAT_ABI " syscall ABI: the "
				 "helper is killed with %s", strsignal(WTERMSIG(status)));
			probed = -1;
		} else if (strstr(out, CALL_LINE "-38")) {
			snprintf(why, sizeof(why), "this kernel has no " COMPAT_ABI " syscall ABI: "
				 "the call returns -ENOSYS (ia32_emulation off)");
			probed = -1;
		} else if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !got) {
			snprintf(why, sizeof(why), "this kernel or CPU runs no " COMPAT_ABI " programs: "
				 "%s does not execute", helper);
			probed = -1;
		} else {
			/* Anything else is a broken helper, not a missing ABI. */
			assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
			assert_non_null(strstr(out, CALL_LINE));
		}
	}
	if (probed < 0)
		fl_skip(why);
}

static void compat_call_matched_by_its_name(void **state)
{
	struct fl_result r;

	(void)state;
	require_compat();
	FL_RUN(&r, "run", "-e", "{syscall: getpid, retval: 4242}", "--", compat32());
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, CALL_LINE "4242");
	fl_assert_err_has(&r, "getpid() = 4242");
}

static void compat_call_not_matched_by_same_number(void **state)
{
	struct fl_result r;
	char *want;

	(void)state;
	require_compat();
	/* SAME_NR is 20 natively, like getpid in the compat ABI. */
	FL_RUN(&r, "run", "-e", "{syscall: " SAME_NR ", error: EACCES}", "--", compat32());
	fl_assert_exit(&r, 0);
	fl_assert_out_lacks(&r, CALL_LINE "-13");
	fl_assert_err_lacks(&r, "EACCES (rule");
	/* The raw result is the real pid. */
	want = fl_line_after(r.out, REAL_LINE);
	assert_non_null(want);
	fl_assert_out_has(&r, fl_strf(CALL_LINE "%s", want));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FL_TEST(compat_call_matched_by_its_name),
		FL_TEST(compat_call_not_matched_by_same_number),
	};

	return fl_main(argc, argv, "arch", tests, FL_ARRAY_SIZE(tests), true);
}

/*
 * The architecture guard: a syscall number means nothing without its ABI.
 * fl-int80 calls getpid through int $0x80 (i386 number 20), which on x86_64
 * would be writev. Rules must match it as getpid and never as writev.
 */
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static const char *int80(void)
{
	const char *p = getenv("FL_INT80");

	assert_non_null(p);
	return p;
}

/*
 * Probe the i386 ABI once, outside faultline: kernels without it differ.
 * With ia32_emulation=0 int $0x80 returns -ENOSYS; kernels built without
 * IA32 emulation, and hardened ones, kill the caller with SIGSEGV instead.
 * Either way the machine, not faultline, lacks the ABI: skip with the reason.
 */
static void require_ia32(void)
{
	static char why[160];
	static int probed; /* 0: not yet, 1: present, -1: absent */
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
			execl(int80(), int80(), (char *)NULL);
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
			snprintf(why, sizeof(why), "this kernel has no i386 syscall ABI: int $0x80 "
				 "kills the caller with %s", strsignal(WTERMSIG(status)));
			probed = -1;
		} else if (strstr(out, "int80 getpid: -38")) {
			snprintf(why, sizeof(why), "this kernel has no i386 syscall ABI: int $0x80 "
				 "returns -ENOSYS (ia32_emulation off)");
			probed = -1;
		} else {
			/* Anything else is a broken helper, not a missing ABI. */
			assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
			assert_non_null(strstr(out, "int80 getpid: "));
		}
	}
	if (probed < 0)
		fl_skip(why);
}

static void i386_call_matched_by_its_name(void **state)
{
	struct fl_result r;

	(void)state;
	require_ia32();
	FL_RUN(&r, "run", "-e", "{syscall: getpid, retval: 4242}", "--", int80());
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "int80 getpid: 4242");
	fl_assert_err_has(&r, "getpid() = 4242");
}

static void i386_call_not_matched_by_same_number(void **state)
{
	struct fl_result r;
	char *want;

	(void)state;
	require_ia32();
	/* writev is 20 on x86_64, like getpid on i386. */
	FL_RUN(&r, "run", "-e", "{syscall: writev, error: EACCES}", "--", int80());
	fl_assert_exit(&r, 0);
	fl_assert_out_lacks(&r, "int80 getpid: -13");
	fl_assert_err_lacks(&r, "EACCES (rule");
	/* The raw result is the real pid. */
	want = fl_line_after(r.out, "native getpid: ");
	assert_non_null(want);
	fl_assert_out_has(&r, fl_strf("int80 getpid: %s", want));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FL_TEST(i386_call_matched_by_its_name),
		FL_TEST(i386_call_not_matched_by_same_number),
	};

	return fl_main(argc, argv, "arch", tests, FL_ARRAY_SIZE(tests), true);
}

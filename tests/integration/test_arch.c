/*
 * The architecture guard: a syscall number means nothing without its ABI.
 * fl-int80 calls getpid through int $0x80 (i386 number 20), which on x86_64
 * would be writev. Rules must match it as getpid and never as writev.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static const char *int80(void)
{
	const char *p = getenv("FL_INT80");

	assert_non_null(p);
	return p;
}

/* Skip when the kernel runs no i386 code (ia32_emulation=0): -ENOSYS. */
static void require_ia32(void)
{
	struct fl_result r;

	FL_RUN(&r, "run", "-e", FL_NOOP_RULE, "--", int80());
	fl_assert_exit(&r, 0);
	if (strstr(r.out, "int80 getpid: -38"))
		fl_skip("this kernel has no i386 syscall ABI (ia32_emulation off)");
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

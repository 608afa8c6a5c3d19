/*
 * Which call replaces a legacy one on an ABI that lacks it: a fact about
 * the generic syscall ABIs, kept here with the other ABI knowledge. The
 * names themselves and whether an ABI has one come from libseccomp
 * (src/sys).
 */
#include <stdio.h>
#include <string.h>

#include "faultline/arch.h"
#include "faultline/base.h"
#include "faultline/sys.h"

/*
 * The call that does a legacy call's job on an ABI without it. The generic
 * syscall ABIs (aarch64, riscv64) kept only the general forms: open is
 * openat there, pipe is pipe2, poll is ppoll. Most follow a pattern, tried
 * in this order; the rest are listed. Either way a candidate counts only
 * when libseccomp says the ABI has it.
 */
static const struct {
	const char *legacy, *general;
} replaced_by[] = {
	{ "creat", "openat" },
	{ "rmdir", "unlinkat" },
	{ "stat", "newfstatat" },
	{ "lstat", "newfstatat" },
	{ "fork", "clone" },
	{ "vfork", "clone" },
	{ "select", "pselect6" },
	{ "epoll_wait", "epoll_pwait" },
	{ "dup2", "dup3" },
	{ "signalfd", "signalfd4" },
	{ "lchown", "fchownat" },
	{ "utime", "utimensat" },
	{ "utimes", "utimensat" },
	{ "futimesat", "utimensat" },
	{ "time", "clock_gettime" },
	{ "alarm", "setitimer" },
	{ "pause", "rt_sigsuspend" },
	{ "getpgrp", "getpgid" },
	{ "waitpid", "wait4" },
	{ "ustat", "statfs" },
};

const char *fl_syscall_replacement(uint32_t abi, const char *name)
{
	static char buf[64];
	/* before and after the name */
	static const char *const forms[][2] = {
		{ "", "at" }, { "", "2" }, { "", "1" }, { "", "64" }, { "p", "" },
		{ "f", "at" }, { "newf", "at" }, { "", "4" },
	};

	for (size_t i = 0; i < FL_ARRAY_SIZE(replaced_by); i++)
		if (strcmp(replaced_by[i].legacy, name) == 0)
			return fl_syscall_nr(abi, replaced_by[i].general) >= 0 ?
			       replaced_by[i].general : NULL;
	for (size_t i = 0; i < FL_ARRAY_SIZE(forms); i++) {
		int n = snprintf(buf, sizeof(buf), "%s%s%s", forms[i][0], name, forms[i][1]);
		int nr;

		if (n < 0 || (size_t)n >= sizeof(buf))
			continue;
		nr = fl_syscall_nr(abi, buf);
		if (nr >= 0)
			return fl_syscall_name(abi, nr); /* static, unlike buf */
	}
	return NULL;
}

#include "arch/arch.h"
#include "inject/inject.h"

bool fl_inject_changes_result(const struct fl_decision *dec)
{
	return dec->error != 0 || dec->has_retval;
}

int64_t fl_inject_result_value(const struct fl_decision *dec)
{
	if (dec->error)
		return -(int64_t)dec->error;
	return dec->retval;
}

int fl_inject_skip(pid_t tid)
{
	/* -1 is no syscall on any ABI: the kernel returns without running one. */
	return fl_arch_set_syscall_nr(tid, -1);
}

int fl_inject_set_result(pid_t tid, int64_t value)
{
	return fl_arch_set_result(tid, value);
}

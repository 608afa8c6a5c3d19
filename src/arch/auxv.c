/*
 * Where things are in memory a new image starts with: the auxiliary vector
 * on the initial stack (to take the vDSO away from a process under a time
 * rule), and the time structs the clock calls pass. Little-endian words of
 * the ABI's size, as every architecture here has.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "faultline/arch.h"

/* Word @i of @stack, or false past @len. */
static bool word(const struct fl_abi *abi, const void *stack, size_t len, size_t i, uint64_t *ret)
{
	size_t w = abi->long_size;

	if (i > len / w - 1 || len < w)
		return false;
	*ret = fl_abi_load_long(abi, (const unsigned char *)stack + i * w);
	return true;
}

long fl_auxv_find(const struct fl_abi *abi, const void *stack, size_t len, uint64_t type)
{
	uint64_t argc, v, t;
	size_t i;

	if (!word(abi, stack, len, 0, &argc))
		return -E2BIG;
	/* argc, argv[argc], NULL: the environment starts after them. */
	if (argc > len)
		return -E2BIG;
	i = 1 + (size_t)argc + 1;
	if (!word(abi, stack, len, i - 1, &v))
		return -E2BIG;
	if (v != 0)
		return -EPROTO; /* not the layout execve(2) leaves */
	for (;; i++) {
		if (!word(abi, stack, len, i, &v))
			return -E2BIG;
		if (v == 0)
			break;
	}
	for (i++;; i += 2) {
		if (!word(abi, stack, len, i, &t) || !word(abi, stack, len, i + 1, &v))
			return -E2BIG;
		if (t == AT_NULL)
			return -ENOENT;
		if (t == type)
			return (long)(i * abi->long_size);
	}
}

unsigned fl_abi_time_word(const struct fl_abi *abi, bool time64)
{
	/* time_t and long are the ABI's long; __kernel_timespec is 64-bit everywhere. */
	return time64 ? 8 : abi->long_size;
}

unsigned fl_abi_itimerspec_value_off(const struct fl_abi *abi, bool time64)
{
	/* it_interval, a timespec of two words, comes first. */
	return 2 * fl_abi_time_word(abi, time64);
}

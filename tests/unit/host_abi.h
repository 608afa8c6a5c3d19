/*
 * The ABIs of the machine the unit tests run on, for tests of generic logic
 * (matching, filters, reports) that need some ABI's calls as sample data:
 * they take the host's, so the same logic is tested on every architecture
 * faultline builds for. Tests of one ABI's own facts (layouts, masks,
 * numbers) name that ABI and run where its architecture is the host.
 */
#pragma once

#include <stdint.h>

#include "faultline/arch.h"

/* The host's native ABI (AUDIT_ARCH_X86_64 on x86_64, AUDIT_ARCH_AARCH64 on aarch64). */
static inline uint32_t native_abi(void)
{
	return fl_arch_host()->abis[0].audit_arch;
}

/*
 * The host's 32-bit compat ABI (i386 on x86_64, arm on aarch64): every
 * architecture faultline knows has one, second in its list.
 */
static inline uint32_t compat_abi(void)
{
	return fl_arch_host()->abis[1].audit_arch;
}

/* The name of the host's native ABI ("x86_64", "aarch64"). */
static inline const char *native_name(void)
{
	return fl_arch_host()->abis[0].name;
}

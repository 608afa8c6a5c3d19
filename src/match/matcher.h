/*
 * The matcher's state, private to src/match (and to its unit tests, which
 * check what it allocates). Other folders use the accessors in
 * faultline/match.h.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "faultline/match.h"

struct fl_call_cache;

struct fl_matcher {
	const struct fl_rule_set *set; /* borrowed */
	struct fl_rule_stats *stats;   /* owned, n_rules entries */
	uint64_t seed;
	/*
	 * Bit per (abi, nr): does any rule name it? Quick rejection
	 * per stop. Index 0: AUDIT_ARCH_X86_64, 1: AUDIT_ARCH_I386; lengths in
	 * bytes.
	 */
	uint8_t *wanted[2];
	size_t wanted_len[2];
	/* What filters read of the call being decided, read once. */
	struct fl_call_cache *cache;
	struct fl_match_info last;
};

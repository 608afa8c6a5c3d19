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
struct fl_syscall_map;

struct fl_matcher {
	const struct fl_rule_set *set; /* borrowed */
	struct fl_rule_stats *stats;   /* owned, n_rules entries */
	uint64_t seed;
	/* Which syscalls of which ABI any rule names. */
	struct fl_syscall_map *wanted;
	/* What filters read of the call being decided, read once. */
	struct fl_call_cache *cache;
	struct fl_match_info last;
};

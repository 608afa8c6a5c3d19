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

/*
 * What the fds of the call being decided are (fdfacts.c): stat(2) through
 * /proc, read at most once per call and fd argument.
 */
struct fl_fd_cache {
	const struct fl_call *call;
	unsigned tried, ok; /* bit i: argument i */
	struct fl_link_facts facts[6];
};

/* A new call: forget the last one's facts. */
void fl_fd_cache_reset(struct fl_fd_cache *fc, const struct fl_call *call);

/* The facts of the fd in argument @i, or NULL when they can't be read. */
const struct fl_link_facts *fl_fd_cache_arg(struct fl_fd_cache *fc, int i);

/* fd_type: does any fd argument of the call have one of @r's types? */
bool fl_fd_type_matches(const struct fl_rule *r, struct fl_fd_cache *fc,
			const struct fl_sysinfo *si);

/*
 * short: how much of @asked (the count register or the iovec total,
 * already capped at FL_MAX_RW_COUNT; @asked_raw as passed) the call can
 * really move, and so the count to let through, into @d. False when the
 * call can't be shortened (it could not move more than that anyway).
 */
bool fl_short_plan(const struct fl_rule *r, struct fl_fd_cache *fc, const struct fl_sysinfo *si,
		   uint64_t asked, uint64_t asked_raw, struct fl_decision *d);

/*
 * Drop the " (deleted)" /proc adds to an unlinked file's name in @buf (read
 * from @what, @fd), but only when the source says the file is unlinked
 * (st_nlink 0): "/d/log (deleted)" may be a file's real name.
 */
void fl_strip_deleted(const struct fl_call *call, enum fl_proc_link what, int fd, char *buf);

struct fl_matcher {
	const struct fl_rule_set *set; /* borrowed */
	struct fl_rule_stats *stats;   /* owned, n_rules entries */
	uint64_t seed;
	/* Which syscalls of which ABI any rule names. */
	struct fl_syscall_map *wanted;
	/* What filters read of the call being decided, read once. */
	struct fl_call_cache *cache;
	struct fl_fd_cache *fds;
	struct fl_match_info last;
};

/*
 * The matcher's state, private to src/match (and to its unit tests, which
 * check what it allocates). Other folders use the accessors in
 * faultline/match.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "faultline/match.h"

struct fl_call_cache;
struct fl_syscall_map;

/* One rule's counters and stream in one process or thread (scopes.c). */
struct fl_scope {
	uint64_t key;      /* (rule + 1) << 32 | id; 0: empty slot; UINT64_MAX: forgotten */
	uint64_t matched;
	uint64_t injected;
	struct fl_prng prng;
	int64_t jumped;    /* clock: {jump}: the sum of the steps taken in this scope */
};

struct fl_scopes {
	struct fl_scope *slots; /* open addressing, linear probing */
	size_t cap;             /* power of two, or 0 */
	size_t used;            /* slots not empty (tombstones included) */
};
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
	/* per: process | thread (scopes.c). */
	uint64_t *stream_seeds;        /* x_i: what rule i's tree stream was seeded with */
	uint64_t *n_scopes;            /* scopes made per rule so far: the next k */
	struct fl_scopes scopes;
	int64_t *jumped;               /* clock: {jump}, per: tree: rule i's steps so far */
	struct fl_rule_index *index;   /* NULL: try every rule (fl_matcher_set_linear) */
};

/* ---- clock_decide.c ---- */

/*
 * Is @call one clock: rule @r acts on, by its registers: a reading of one
 * of its clocks, or an absolute wait on one? Fills d->clock_call and
 * d->clock_time64.
 */
bool fl_clock_applies(const struct fl_rule *r, const struct fl_call *call, struct fl_decision *d);
/*
 * Rule @i (a clock: rule whose filters passed) on @call: count a reading,
 * draw, step a jump; true when it shifts the call, with the shift in @d.
 * Rules after it don't see the call then.
 */
bool fl_clock_decide(struct fl_matcher *m, size_t i, const struct fl_call *call,
		     struct fl_decision *d);
/* process: does executable @exe (an absolute path) match one of @r's patterns? */
bool fl_process_matches_exe(const struct fl_rule *r, const char *exe);

/* ---- index.c: which rules can match a call ---- */

struct fl_rule_index;
struct fl_rule_index *fl_index_new(const struct fl_rule_set *set);
void fl_index_free(struct fl_rule_index *ix);
/* The rules naming (@arch, @nr), ascending; *@ret_n of them. */
const uint32_t *fl_index_candidates(const struct fl_rule_index *ix, uint32_t arch, int nr,
				    size_t *ret_n);
/* Rule @rule is a candidate only if fl_index_marked() after marking the call's paths. */
bool fl_index_by_path(const struct fl_rule_index *ix, size_t rule);
/* Forget the marks of the last call. */
void fl_index_new_call(struct fl_rule_index *ix);
/* Mark every rule with a pattern whose literal prefix starts @path. */
void fl_index_mark_path(struct fl_rule_index *ix, const char *path);
bool fl_index_marked(const struct fl_rule_index *ix, size_t rule);
/* m->wanted: a bit per (ABI, number) some rule names. */
int fl_build_wanted(struct fl_matcher *m);
void fl_wanted_free(struct fl_syscall_map *w);

/* ---- caller.c ---- */

/* caller: does a function on the calling thread's stack match? Sets info->caller. */
bool fl_caller_matches(const struct fl_rule *r, const struct fl_call *call,
		       struct fl_match_info *info);

/* ---- counters.c ---- */

/* The counters a rule's after/every/times read, and its stream: the tree's or a scope's. */
struct fl_counts {
	uint64_t matched;
	uint64_t injected;
	struct fl_prng *prng;
};

/* Seed rule i's tree stream from @seed (see counters.c); xs[i] keeps what it was seeded with. */
void fl_seed_streams(struct fl_rule_stats *stats, uint64_t *xs, size_t n, uint64_t seed);
/* Is the call that made @c->matched eligible under after/every/times? */
bool fl_rule_eligible(const struct fl_rule *r, const struct fl_counts *c);
/* probability: does the rule act on an eligible call (draws only for 0 < p < 1)? */
bool fl_rule_draw(const struct fl_rule *r, struct fl_prng *prng);
/* The errno to inject: errors[0], or a seeded pick from the list. */
int fl_pick_error(const struct fl_rule *r, struct fl_prng *prng);

/*
 * Rule @rule's scope for process or thread @id, made (with its stream) on
 * first use. NULL on OOM.
 */
struct fl_scope *fl_scope_get(struct fl_matcher *m, size_t rule, pid_t id);
/* Thread @id ended: forget every scope keyed on it (its own, or its process's). */
void fl_scopes_forget(struct fl_matcher *m, pid_t id);
void fl_scopes_done(struct fl_scopes *s);

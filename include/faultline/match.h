/*
 * The matcher: a pure function of (rule set, counters, call, PRNG) to a
 * decision. No ptrace here; the tracer fills an fl_call and applies the
 * fl_decision through the injector.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "faultline/prng.h"
#include "faultline/rules.h"

/* Links under /proc/PID/ that a filter may need. */
enum fl_proc_link {
	FL_LINK_CWD, /* /proc/PID/cwd */
	FL_LINK_FD,  /* /proc/PID/fd/N */
	FL_LINK_EXE, /* /proc/PID/exe */
};

/*
 * How the matcher reads what lies beyond a call's registers: tracee memory
 * and /proc links. The tracer supplies these (reading lazily, only when a
 * filter asks); unit tests supply fakes. All return a length or -errno;
 * tracee memory is untrusted (NULL, unmapped, unterminated).
 */
struct fl_call_source {
	void *ud;
	/* Up to @len bytes at @addr; returns the count read. */
	ssize_t (*read_mem)(void *ud, uint64_t addr, void *buf, size_t len);
	/* A NUL-terminated string (see fl_tracee_read_string()). */
	ssize_t (*read_string)(void *ud, uint64_t addr, char *buf, size_t size);
	/* readlink() of /proc/PID/cwd, /proc/PID/fd/@fd or /proc/PID/exe. */
	ssize_t (*proc_link)(void *ud, enum fl_proc_link what, int fd, char *buf, size_t size);
};

/* One syscall entry as the tracer saw it. */
struct fl_call {
	uint32_t arch;   /* AUDIT_ARCH_* of the calling thread */
	int nr;          /* syscall number in that ABI */
	uint64_t args[6];
	pid_t pid;       /* thread group id */
	pid_t tid;
	const struct fl_call_source *src; /* NULL: no filter can look further */
};

/* Per-rule counters; index i belongs to set->rules[i]. */
struct fl_rule_stats {
	uint64_t matched;  /* calls this rule saw that matched it */
	uint64_t injected; /* calls it acted on (in dry-run: would have) */
	struct fl_prng prng;
};

struct fl_decision {
	size_t rule;          /* index into the set */
	int error;            /* errno to inject, 0 for none */
	bool has_retval;
	int64_t retval;
	uint64_t delay_ns;
	enum fl_phase phase;
};

struct fl_matcher {
	const struct fl_rule_set *set; /* borrowed */
	struct fl_rule_stats *stats;   /* owned, n_rules entries */
	uint64_t seed;
	/*
	 * Private. Bit per (abi, nr): does any rule name it? Quick rejection
	 * per stop. Index 0: AUDIT_ARCH_X86_64, 1: AUDIT_ARCH_I386; lengths in
	 * bytes.
	 */
	uint8_t *wanted[2];
	size_t wanted_len[2];
};

/*
 * Build a matcher over @set with @seed. Rule i's stream is seeded with the
 * (i+1)-th splitmix64 output from state @seed (see match.c), so it depends
 * only on (seed, i). Returns NULL on OOM. @set must outlive it.
 */
struct fl_matcher *fl_matcher_new(const struct fl_rule_set *set, uint64_t seed);
void fl_matcher_free(struct fl_matcher *m);

/* Cheap: does any rule name syscall @nr of @arch? */
bool fl_matcher_wants(const struct fl_matcher *m, uint32_t arch, int nr);

/*
 * Offer a call to the rules in order. Each rule whose syscall (and, later,
 * filters) match counts the call; the first one that acts wins and fills
 * @ret; rules after it don't see the call. Returns true when a rule acts.
 */
bool fl_matcher_decide(struct fl_matcher *m, const struct fl_call *call,
		       struct fl_decision *ret);

/*
 * The rule set: what a rule file (or an inline -e rule) says, after
 * validation. Produced by the loader (src/rules/), read by the matcher and
 * the report. Everything in here is owned by the fl_rule_set.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "faultline/arch.h"
#include "faultline/base.h"
#include "faultline/sys.h"

#define FL_TIMES_UNLIMITED UINT64_MAX
#define FL_MAX_RULE_FILE_SIZE (1024 * 1024)
/* Seeds are 0..2^63-1: every JSON reader takes them as integers. */
#define FL_SEED_MAX INT64_MAX

enum fl_phase {
	FL_PHASE_ENTER = 0, /* skip the call, write the result */
	FL_PHASE_EXIT = 1,  /* let the call run, overwrite its result */
};

/*
 * per: the scope of a rule's counters (after, every, times) and of its
 * PRNG stream. The report's counts stay totals over the tree.
 */
enum fl_per {
	FL_PER_TREE = 0, /* the whole traced tree (the default) */
	FL_PER_PROCESS,  /* each process (thread group) on its own */
	FL_PER_THREAD,   /* each thread on its own, as strace's when= counts */
};

/* corrupt: how the chosen bytes are damaged. */
enum fl_corrupt_how {
	FL_CORRUPT_FLIP = 0, /* one bit of each flipped */
	FL_CORRUPT_ZERO,     /* each set to 0 */
	FL_CORRUPT_RANDOM,   /* each set to another value */
};

/*
 * crash: what a rule that acts does to the traced tree (README "Crash
 * consistency"): it is killed with SIGKILL at the call, before the call
 * runs; with power-loss the files under the rule's path: patterns then
 * lose what was not durable.
 */
enum fl_crash_mode {
	FL_CRASH_NONE = 0,
	FL_CRASH_KILL,
	FL_CRASH_POWER_LOSS,
};

/* dirs: what a power loss does to directory entries not made durable. */
enum fl_dirs_mode {
	FL_DIRS_KEEP = 0, /* they survive (the default; ext4's usual behaviour) */
	FL_DIRS_LOSE,     /* creations and renames since the directory's last fsync are undone */
};

/* Most bytes one corrupt: damages per call. */
#define FL_CORRUPT_MAX 256

/* args: one raw argument register compared with a value. */
struct fl_arg_filter {
	bool used;
	bool mask;      /* true: all bits of value set in the argument; false: equal */
	uint64_t value; /* i386 calls compare the low 32 bits only */
};

/* short: how much of a read/write-like call's byte count to let through. */
enum fl_short_kind {
	FL_SHORT_NONE = 0,
	FL_SHORT_BYTES,   /* short_value bytes (>= 1) */
	FL_SHORT_PERCENT, /* short_value percent (1..99), rounded down, at least 1 byte */
};

/* One syscall a rule names, resolved for one ABI. */
struct fl_sysno {
	uint32_t arch; /* AUDIT_ARCH_* (== SCMP_ARCH_* for real ABIs) */
	int nr;
};

struct fl_rule {
	char *name;        /* unique; "rule N" (1-based over the set) if not given */
	const char *file;  /* points into fl_rule_set.sources */
	unsigned line;     /* 1-based position of the rule's mapping */
	unsigned column;

	char **syscalls;   /* as written: canonical names and "@group"s, in order */
	size_t n_syscalls;
	/*
	 * Every syscall the rule acts on, unique: its names, and the members
	 * of its groups that an ABI of fl_arch_list() has and that its filters
	 * and effects apply to. Point into syscalls or at static strings.
	 */
	const char **calls;
	size_t n_calls;
	struct fl_sysno *sysnos; /* each call resolved for every ABI in fl_arch_list() */
	size_t n_sysnos;

	int *errors;       /* errno values to pick from; n_errors == 0: no error */
	size_t n_errors;
	bool has_retval;
	int64_t retval;
	uint64_t delay_ns; /* delay: T, at the rule's phase; 0: none */
	/*
	 * delay: {enter: T1, exit: T2} (delay_sides): held at the call's
	 * entry stop before it runs or is skipped, and at its exit stop
	 * before the program sees the result, whatever the phase. Then
	 * delay_ns is 0.
	 */
	bool delay_sides;
	uint64_t delay_enter_ns;
	uint64_t delay_exit_ns;
	enum fl_phase phase;

	uint64_t after;    /* let this many matching calls through */
	uint64_t every;    /* >= 1 */
	uint64_t times;    /* FL_TIMES_UNLIMITED when not given */
	double probability; /* [0, 1], 1.0 when not given */
	enum fl_per per;   /* what after/every/times and the stream count over */

	/*
	 * Filters (see the top of src/rules/loader.c for their semantics): each
	 * is optional, all given ones must hold (AND); a list holds when any of
	 * its entries does (OR). A call must pass them to count as matched.
	 */
	char **paths;      /* path: patterns (faultline/base.h) */
	size_t n_paths;
	int *fds;          /* fd: */
	size_t n_fds;
	struct fl_addr_pattern *addresses; /* address: */
	size_t n_addresses;
	uint16_t *ports;   /* port: */
	size_t n_ports;
	char **processes;  /* process: name patterns, or path patterns if they have a '/' */
	size_t n_processes;
	/*
	 * caller: function name patterns; one must match a function on the
	 * calling thread's user-space stack (unwound with libdw, only for a
	 * call that passed every other filter).
	 */
	char **callers;
	size_t n_callers;
	struct fl_arg_filter args[6]; /* args: */
	uint32_t fd_types; /* fd_type: bit (1 << enum fl_fd_type) per kind listed; 0: none */

	/* Effects besides error/retval/delay. */
	enum fl_short_kind short_kind;
	uint64_t short_value;
	int signal;        /* sent to the calling thread when the rule acts; 0: none */
	/*
	 * poke: {arg, data}: poke_len bytes written into the buffer argument
	 * poke_arg points to, at the rule's phase (before the call runs, or
	 * after it ran); never more than the call's own length argument says
	 * the buffer holds, where it has one.
	 */
	bool has_poke;
	unsigned poke_arg;
	unsigned char *poke_data;
	size_t poke_len;
	/*
	 * corrupt: {bytes, how}: corrupt_bytes (1..FL_CORRUPT_MAX; 0: none)
	 * bytes of the data a read-like call returned are damaged after it,
	 * or of what a write-like call stores before it (and put back after).
	 */
	uint64_t corrupt_bytes;
	enum fl_corrupt_how corrupt_how;
	/*
	 * stat: {size: N, mode: 0600, ...}: after a stat, lstat, fstat,
	 * newfstatat or statx that succeeded, these fields of its result are
	 * overwritten. stat_fields has bit 1 << FL_STAT_* per field given.
	 */
	unsigned stat_fields;
	uint64_t stat_values[FL_STAT_N_FIELDS];
	/*
	 * crash: kill | power-loss; never with another effect. With
	 * power-loss, paths are also the files and directories whose
	 * durability is modelled, and dirs says what becomes of their entries.
	 */
	enum fl_crash_mode crash;
	enum fl_dirs_mode dirs;

	/*
	 * clock: {offset: +3h} or {jump: -10m}, clocks: [...]: a time rule. It
	 * names no syscall: its calls are those of fl_clock_calls() (faultline/
	 * sys.h) that an ABI has. The calls it counts are the readings of its
	 * clocks (clock_gettime of one of their ids, gettimeofday and time for
	 * realtime). offset: each reading the rule acts on reads clock_shift_ns
	 * later; jump: each time the rule acts (once, unless 'times' says
	 * more), its scope's clocks step by clock_shift_ns, and every reading
	 * from that one on reads the sum of its steps. An absolute wait on a
	 * shifted clock gets the inverse shift. clock_set: bit 1 << FL_CLOCK_*
	 * per clock; the processes under such a rule lose their vDSO at exec.
	 */
	bool has_clock;
	bool clock_jump;
	int64_t clock_shift_ns;
	unsigned clock_set;

	/*
	 * expect: how many times the rule must act (its "injected" count,
	 * dry-run included) for the run to pass; see fl_rule_expect_met().
	 * expect_min 0 and expect_max FL_TIMES_UNLIMITED when not given.
	 * has_expect: the file or --require-all set a bound.
	 * expect_min_given: the file set min (then --require-all leaves the
	 * rule alone, so 'expect: {min: 0}' opts a rule out of it).
	 */
	bool has_expect;
	bool expect_min_given;
	uint64_t expect_min;
	uint64_t expect_max;
};

/* Does @r have any filter beyond its syscall names? */
bool fl_rule_has_filters(const struct fl_rule *r);

/* "kill", "power-loss" ("none" for FL_CRASH_NONE). */
const char *fl_crash_mode_name(enum fl_crash_mode m);

/* Does @r do anything to a call it acts on (error, retval, delay, short, signal, crash)? */
bool fl_rule_has_action(const struct fl_rule *r);

/* Did @r act a number of times its 'expect' allows? True when it has none. */
bool fl_rule_expect_met(const struct fl_rule *r, uint64_t injected);

struct fl_source_text {
	char *text; /* NUL-terminated */
	size_t len;
};

struct fl_rule_set {
	struct fl_rule *rules;
	size_t n_rules;
	bool has_seed;
	uint64_t seed;
	const char *seed_source; /* where the seed came from, for diagnostics */
	char **sources;          /* every file/origin loaded, in order */
	size_t n_sources;
	/*
	 * What each source said: texts[i] is the YAML of sources[i] (the
	 * file's contents, or the -e text), so that no one reads a rule file
	 * twice (the sweep re-emits rules from it). NULL in a set built by hand.
	 */
	struct fl_source_text *texts;
};

/*
 * The YAML text rule @r of @set was loaded from: its whole file, or its -e
 * text (@r's line and column are positions in it). Returns 0, or -ENOENT
 * when the set does not have it (a set built by hand).
 */
int fl_rule_source_text(const struct fl_rule_set *set, const struct fl_rule *r,
			const char **ret_text, size_t *ret_len);

enum fl_severity {
	/* The zero value, so that every diagnostic made without one is an error. */
	FL_SEVERITY_ERROR = 0,
	/*
	 * Advisory (a rule that can never act, an errno the call is not
	 * documented to return, ...): the rules still load and run.
	 */
	FL_SEVERITY_WARNING,
};

/* One diagnostic: FILE:LINE:COLUMN: message. line/column 0 when unknown. */
struct fl_diag {
	char *file;
	unsigned line;
	unsigned column;
	char *message; /* "key 'error': unknown errno 'ENOENTT'; did you mean 'ENOENT'?" */
	enum fl_severity severity;
};

struct fl_diags {
	struct fl_diag *items;
	size_t n;
	/*
	 * Set by the caller before loading: also collect warnings (faultline
	 * check, and run without -q). Off by default, so callers that only
	 * care whether rules load see errors only.
	 */
	bool warnings;
};

/* Returns a new empty set, or NULL on OOM. Free with fl_rule_set_free(). */
struct fl_rule_set *fl_rule_set_new(void);
void fl_rule_set_free(struct fl_rule_set *set);

/*
 * Parse a rule file and append its rules to @set. Every problem found is
 * appended to @diags (the caller owns them; free with fl_diags_done()).
 * Returns 0 when the file was valid, -EINVAL when diagnostics were added,
 * another -errno when the file could not be read (a diagnostic is added too).
 * On failure @set is left unchanged.
 */
int fl_rules_load_file(struct fl_rule_set *set, const char *path, struct fl_diags *diags);

/* Same, from memory; @origin names it in diagnostics (e.g. a file name). */
int fl_rules_load_string(struct fl_rule_set *set, const char *origin,
			 const char *text, size_t len, struct fl_diags *diags);

/*
 * One rule given inline as a YAML flow mapping ("{syscall: openat, error:
 * EACCES}"), with the same keys as an entry of "rules:". @origin is e.g.
 * "-e #1" and names it in diagnostics.
 */
int fl_rules_load_inline(struct fl_rule_set *set, const char *origin,
			 const char *text, struct fl_diags *diags);

/*
 * Checks across everything loaded: at least one rule, names unique across
 * sources, default names assigned. Call once after the last load.
 * Returns 0 or -EINVAL with diagnostics added.
 */
int fl_rules_finish(struct fl_rule_set *set, struct fl_diags *diags);

/*
 * --require-all: every rule whose file did not set 'expect: {min: ...}'
 * (or 'max: 0') must act at least once.
 */
void fl_rules_require_all(struct fl_rule_set *set);

/*
 * Calls @fn for every key the loader accepts, as a path: "version",
 * "rules[].syscall", "rules[].expect.min", "rules[].args.N.mask"; @expect
 * says what its value must be. For `faultline list keys`, which keeps
 * rules/schema.json in step with the loader.
 */
void fl_rules_foreach_key(void (*fn)(const char *path, const char *expect, void *ud), void *ud);

/*
 * Does syscall @name never fail with an errno (brk, getpid, ...; the
 * linter's table)? Then *@ret_known is set and the result says what
 * models its failure instead (NULL: nothing, it cannot fail). An injected
 * errno on such a call reaches the program as a value it does not check.
 */
const char *fl_lint_never_errno(const char *name, bool *ret_known);

void fl_diags_done(struct fl_diags *diags);
/* Number of diagnostics of @severity. */
size_t fl_diags_count(const struct fl_diags *diags, enum fl_severity severity);
/* Print each as "FILE:LINE:COLUMN: error: MESSAGE\n" (or "warning:"). */
void fl_diags_print(const struct fl_diags *diags, FILE *out);

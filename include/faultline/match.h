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

#include "faultline/base.h"
#include "faultline/rules.h"

/* Links under /proc/PID/ that a filter may need. */
enum fl_proc_link {
	FL_LINK_CWD, /* /proc/PID/cwd */
	FL_LINK_FD,  /* /proc/PID/fd/N */
	FL_LINK_EXE, /* /proc/PID/exe */
	/*
	 * Not a link, but asked the same way: the name of the unix socket open
	 * as fd N (whose FL_LINK_FD reads "socket:[INODE]"): the path it is
	 * bound to, or if it has none, the one its connected peer is bound to
	 * (a client connected to /run/db.sock gives "/run/db.sock"; so does
	 * the server's accepted socket). Abstract names as "@name". -ENOENT
	 * when neither has a name, -ENOTSOCK / -EAFNOSUPPORT for other fds,
	 * -EINVAL when the source can't tell (then unix socket fds match no
	 * path: pattern).
	 */
	FL_LINK_UNIX_NAME,
};

/*
 * What stat(2) through a /proc/PID link says of the file behind it (the
 * file the link leads to, not the link), and for an fd its position.
 */
struct fl_link_facts {
	unsigned mode;       /* st_mode */
	uint64_t size;       /* st_size */
	uint64_t nlink;      /* st_nlink: 0 once the file was unlinked */
	enum fl_fd_type type; /* FL_LINK_FD only: fl_fd_type_classify() of it */
	bool has_pos;        /* FL_LINK_FD only: the "pos" of /proc/PID/fdinfo/N */
	uint64_t pos;
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
	/*
	 * The calling thread's user-space stack, innermost first, as --stack
	 * gives it ("func+0x1a (/usr/bin/prog)"), unwound at most once per
	 * stop: the frame count, or -errno. NULL: no stack to be had.
	 */
	ssize_t (*stack)(void *ud, pid_t pid, const char *const **ret_frames);
	/* stat(2) of /proc/PID/cwd, fd/@fd or exe (not FL_LINK_UNIX_NAME); 0 or -errno. */
	int (*link_facts)(void *ud, enum fl_proc_link what, int fd, struct fl_link_facts *ret);
	/*
	 * The bytes a read of pipe, FIFO, socket or terminal @fd would find
	 * now (FIONREAD on a copy of the fd). 0 or -errno (-EPERM, -ENOSYS:
	 * the copy is not permitted here; -ENOTTY: the fd has no such count).
	 */
	int (*fd_available)(void *ud, int fd, uint64_t *ret);
	/* The clock id (CLOCK_*) timerfd @fd counts on ("clockid:" of its fdinfo). 0 or -errno. */
	int (*fd_clock)(void *ud, int fd, int *ret);
	/* The clock id POSIX timer @id of the calling process counts on (/proc/PID/timers). */
	int (*timer_clock)(void *ud, int id, int *ret);
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

enum fl_short_basis {
	FL_SHORT_BASIS_ASKED = 0,
	FL_SHORT_BASIS_FILE_SIZE,
	FL_SHORT_BASIS_AVAILABLE,
	FL_SHORT_BASIS_UNKNOWN,
};

struct fl_decision {
	size_t rule;          /* index into the set */
	int error;            /* errno to inject, 0 for none */
	bool has_retval;
	int64_t retval;
	uint64_t delay_ns;       /* at the phase's stop */
	/* delay: {enter, exit}: held at the entry stop, and at the exit stop (delay_ns is 0). */
	bool delay_sides;
	uint64_t delay_enter_ns;
	uint64_t delay_exit_ns;
	enum fl_phase phase;

	/*
	 * short: the call runs for real (at entry, after any delay) but may
	 * move at most short_count of the short_of bytes it asked for. Never
	 * together with error/retval; always FL_PHASE_ENTER.
	 *  - short_iov false: args[short_arg] is the byte count register (read,
	 *    write, pread64, pwrite64, recvfrom, sendto, sendfile,
	 *    copy_file_range, splice, tee, getrandom): set it to short_count.
	 *  - short_iov true: args[short_arg] is a struct iovec array and
	 *    args[short_arg + 1] its count (readv, writev, preadv, pwritev,
	 *    preadv2, pwritev2): make the buffers total short_count bytes (keep
	 *    the leading entries, cut the one that crosses the limit, drop the
	 *    rest, e.g. by lowering the count and one iov_len).
	 * Whatever is changed in registers or tracee memory should be restored
	 * at the call's exit, since the program may reuse it.
	 */
	bool has_short;
	bool short_iov;
	int short_arg;
	uint64_t short_count; /* 1 <= short_count < short_of */
	uint64_t short_of;    /* asked for, capped at FL_MAX_RW_COUNT */

	/*
	 * What short_of is of: FL_SHORT_BASIS_FILE_SIZE (the bytes left in a
	 * regular file from the call's offset), _AVAILABLE (what a pipe or
	 * socket holds), _ASKED (a write, or getrandom: the call moves all it
	 * asks for) or _UNKNOWN (no bound known: the call's count). Whatever
	 * the basis, the injection only counts if the call, at its exit,
	 * moved exactly short_count (see fl_matcher_take_back()).
	 */
	enum fl_short_basis short_basis;
	uint64_t short_asked; /* the count register (or iovec total) as the program passed it */

	int signal;           /* send to the calling thread (call->tid) when acting; 0: none */

	/* poke: write poke_len bytes of poke_data (the rule's) through args[poke_arg], at phase. */
	bool has_poke;
	unsigned poke_arg;
	const unsigned char *poke_data;
	size_t poke_len;

	/*
	 * corrupt: damage corrupt_bytes bytes of the call's data, how as
	 * corrupt_how, offsets and values from a PRNG seeded with corrupt_seed
	 * (drawn from the rule's stream). The tracer fills corrupt_offsets
	 * (ascending, corrupt_n of them, in the call's data) once it has done
	 * so: after a read-like call, before a write-like one.
	 */
	uint64_t corrupt_bytes;
	enum fl_corrupt_how corrupt_how;
	uint64_t corrupt_seed;
	bool corrupt_done;
	const uint64_t *corrupt_offsets;
	size_t corrupt_n;

	/* stat: fields to fake after the call succeeded (bit 1 << FL_STAT_*), values the rule's. */
	unsigned stat_fields;
	const uint64_t *stat_values;
	/* crash: kill the tree before the call runs; power-loss: and roll the rule's files back. */
	enum fl_crash_mode crash;
	enum fl_dirs_mode dirs;
	/*
	 * clock: (a time rule). clock_call says what the call does: a reading
	 * (FL_CCALL_GETTIME, _GETTIMEOFDAY, _TIME), whose result is moved
	 * clock_shift_ns on at its exit; or an absolute wait (FL_CCALL_NANOSLEEP,
	 * _TIMERFD), whose deadline is moved clock_shift_ns back before it runs
	 * and put back after. clock_time64: its struct has 64-bit fields.
	 * clock_quiet: no injection of its own (a reading after a jump, a
	 * wait): the rule's counts and the sinks never hear of it.
	 */
	enum fl_clock_call clock_call;
	bool clock_time64;
	bool clock_quiet;
	int64_t clock_shift_ns;
	int64_t clock_step_ns;  /* jump: the step this injection took (the shift is all steps) */
	/*
	 * Filled by the tracer, not the matcher: the delay ended before its
	 * time (SIGTERM to faultline, a detach, the thread killed) after
	 * delay_served_ns of its delay_ns.
	 */
	bool delay_cut;
	uint64_t delay_served_ns;
};

/* "file-size", "available", "asked", "unknown". */
const char *fl_short_basis_name(enum fl_short_basis b);

/* The most a read or write moves in one call (the kernel's MAX_RW_COUNT on 4k pages). */
#define FL_MAX_RW_COUNT UINT64_C(0x7ffff000)

/*
 * What a rule's filters saw in the call it acted on, for the log and the
 * report. Only what the acting rule's filters looked at is filled in.
 */
struct fl_match_info {
	/*
	 * The absolute, normalized path that passed path: (of rename's two
	 * paths the one that matched; for an fd, the file behind it; for a
	 * unix socket its name, "@name" for abstract ones). NULL when the rule
	 * has no path: filter.
	 */
	const char *path;
	/* The socket address that passed address: or port:. */
	bool has_sockaddr;
	struct fl_sockaddr sockaddr;
	/* The executable that passed process:, NULL when the rule has none. */
	const char *exe;
	/* The stack frame that passed caller: ("save_config+0x1a (/usr/bin/app)"), or NULL. */
	const char *caller;
};

/* The rule set's state in one run: counters, PRNG streams, what filters read. */
struct fl_matcher;

/*
 * Build a matcher over @set with @seed. Rule i's stream is seeded with the
 * (i+1)-th splitmix64 output from state @seed (see match.c), so it depends
 * only on (seed, i). Returns NULL on OOM. @set must outlive it.
 */
struct fl_matcher *fl_matcher_new(const struct fl_rule_set *set, uint64_t seed);
void fl_matcher_free(struct fl_matcher *m);
/*
 * Decide by trying every rule in turn instead of only the candidates the
 * rule index (by syscall, by literal path prefix) gives: the same
 * decisions, slower; for tests that compare the two.
 */
void fl_matcher_set_linear(struct fl_matcher *m);

/* The rule set it was built over (borrowed). */
const struct fl_rule_set *fl_matcher_set(const struct fl_matcher *m);
/* Per-rule counters, set->n_rules entries: rule i's at index i. */
struct fl_rule_stats *fl_matcher_stats(const struct fl_matcher *m);
/* The seed it was built with. */
uint64_t fl_matcher_seed(const struct fl_matcher *m);

/*
 * Thread @tid has ended (and, when it was a thread group leader, its
 * process): the per: thread and per: process counters and streams keyed
 * on it are dropped, so a process or thread that reuses the id starts
 * afresh. The rules' tree totals are kept.
 */
void fl_matcher_forget(struct fl_matcher *m, pid_t tid);

/* Cheap: does any rule name syscall @nr of @arch? */
bool fl_matcher_wants(const struct fl_matcher *m, uint32_t arch, int nr);

/*
 * Offer a call to the rules in order. Each rule whose syscall and filters
 * match counts the call; the first one that acts wins and fills @ret; rules
 * after it don't see the call. Returns true when a rule acts.
 *
 * Filters read beyond the registers through call->src, lazily and at most
 * once per call each (a path several rules filter on is resolved once), and
 * only for rules whose syscall matched: a rule set without filters costs no
 * tracee read at all. With call->src NULL, filters that need more than the
 * registers (path, address, port, process, short on the iovec calls) don't
 * match.
 */
bool fl_matcher_decide(struct fl_matcher *m, const struct fl_call *call,
		       struct fl_decision *ret);

/*
 * What the acting rule's filters saw (see struct fl_match_info), after
 * fl_matcher_decide() returned true. Its strings live in the matcher: valid
 * until the next fl_matcher_decide() or fl_matcher_free(), so copy them
 * before holding on to a decision across calls.
 */
const struct fl_match_info *fl_matcher_last_match(const struct fl_matcher *m);

/*
 * Does a clock: rule apply to the process making @call (its process:
 * filter, read through call->src)? At an exec: then the new image loses its
 * vDSO, so that its clock readings become syscalls the rule sees.
 */
bool fl_matcher_wants_clock(struct fl_matcher *m, const struct fl_call *call);

/*
 * A decision fl_matcher_decide() returned did not happen after all (a
 * short count the call did not reach, an injection the tracee's memory
 * refused): rule @rule's injected count goes back down, which also gives
 * its 'times' budget back.
 */
void fl_matcher_take_back(struct fl_matcher *m, size_t rule);

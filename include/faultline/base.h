/*
 * base: the pure helpers every layer may use (the bottom layer): cleanup
 * attributes, exit statuses, output files, JSON strings, path patterns,
 * socket addresses, the PRNG. Nothing here knows a syscall, an ABI or a
 * rule. One section per source file.
 */
#pragma once

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

/* ==== Cleanup attributes, hand-over and faultline's exit statuses ==== */

static inline void fl_freep(void *p)
{
	free(*(void **)p);
}

static inline void fl_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fl_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(fl_freep)
#define _cleanup_close_ _cleanup_(fl_closep)
#define _cleanup_fclose_ _cleanup_(fl_fclosep)

/* Take ownership of *pp, leaving NULL behind so a cleanup attribute skips it. */
#define steal_pointer(pp)                       \
	({                                      \
		__typeof__(*(pp)) _p = *(pp);   \
		*(pp) = NULL;                   \
		_p;                             \
	})

#define FL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses of faultline itself, stable and documented in the README. */
enum {
	FL_EXIT_OWN_ERROR = 125,  /* bad rules, bad flags, tracer failure */
	FL_EXIT_NOT_EXECUTABLE = 126,
	FL_EXIT_NOT_FOUND = 127,
	/*
	 * The program exited 0, but a rule's 'expect' (or --require-all) was
	 * not met. Not one a shell or common tool gives: below xargs' 123,
	 * timeout(1)'s 124 and the 125..127 above, above the sysexits.h range
	 * (64..78).
	 */
	FL_EXIT_EXPECTATION = 122,
};

/* ==== Output files (src/base/atomic.c) ==== */

/*
 * Where faultline's output files go (the log with -o, the JSON reports,
 * --summary-md), and how they are written.
 *
 * A regular file, or a path that does not exist yet, appears whole or not
 * at all: it is written to a temporary file beside the destination and
 * renamed over it. rename() replaces a symlink at the destination instead
 * of writing through it, so a link planted in a shared directory (/tmp)
 * cannot redirect faultline's output.
 *
 * Anything else is never renamed over, or it would be destroyed: "-" is
 * standard output; /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N
 * are faultline's own descriptors, written through a dup() of them; an
 * existing character device, FIFO or socket (also behind a symlink, such as
 * /dev/null) is opened and written directly, in order.
 */

struct fl_atomic_file {
	FILE *f;         /* write here */
	char *path;      /* destination */
	char *tmp_path;  /* ".NAME.XXXXXX" beside it, until committed; NULL when direct */
	bool direct;     /* a destination written directly (see above), through direct_fd */
	int direct_fd;
	bool spooled;    /* direct: f is a spool copied to direct_fd at commit */
};

/*
 * For a destination that must be written directly, an open descriptor for
 * it: returns 1 with *ret_fd set. Returns 0 (and *ret_fd = -1) for a
 * regular file or a path that does not exist yet, which the caller writes
 * its own way. Errors: -EISDIR (a directory, or a path ending in '/'),
 * -ENXIO (a FIFO no process reads, or a socket), -EPERM (a file owned by
 * another user in a sticky directory such as /tmp: a planted one, refused
 * as the kernel's protected_fifos and protected_regular do), -EBADF (an
 * fd path naming a descriptor faultline does not have open), or what
 * open() said.
 */
int fl_output_open_direct(const char *path, int *ret_fd);

/*
 * The descriptor of faultline's own that @path names ("-" is 1 here; also
 * /dev/stdin, /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N, or a
 * chain of symlinks leading to one), or -1.
 */
int fl_own_fd_path(const char *path);

/*
 * Called first thing: put /dev/null on any of fds 0-2 that is closed
 * (`faultline ... 2>&-`), so that no file faultline opens later (a report's
 * temporary file) becomes its stdin, stdout or stderr and takes in what is
 * written there. Returns the mask (bit N: fd N) of those it filled, which
 * the traced command gets closed again, as it was started.
 */
unsigned fl_reserve_std_fds(void);

/* strerror() for the errors above, in words a user can act on. */
const char *fl_output_strerror(int err);

/*
 * Open @path for output (see the top of this file). A regular file gets the
 * temporary file (mode 0666 & ~umask, close-on-exec). A direct destination
 * is written in order as the writes come when @stream, else spooled to an
 * unlinked temporary file and copied out in one go at commit, so that it
 * too gets the whole text or nothing. Returns 0 or -errno. On success
 * release with fl_atomic_commit() or fl_atomic_abort().
 */
int fl_output_open(const char *path, bool stream, struct fl_atomic_file *ret);

/* fl_output_open(path, false, ret): whole or nothing. */
int fl_atomic_open(const char *path, struct fl_atomic_file *ret);

/*
 * Flush, fsync and rename over the destination; for a direct one, flush
 * (and copy the spool). Always releases @af.
 */
int fl_atomic_commit(struct fl_atomic_file *af);

/* All of @text at once: open, write, commit. Returns 0 or -errno. */
int fl_atomic_write(const char *path, const char *text, size_t len);

/* Remove the temporary file and release @af. Safe on a zeroed struct. */
void fl_atomic_abort(struct fl_atomic_file *af);

/* ==== A set of strings (src/base/strset.c) ==== */

/* Zero-initialize; fl_strset_clear() frees it (and leaves it empty, reusable). */
struct fl_strset {
	char **slots;
	size_t cap, n;
};

/* Adds a copy of @key: 1 when added, 0 when it was already there, -ENOMEM. */
int fl_strset_add(struct fl_strset *s, const char *key);
bool fl_strset_has(const struct fl_strset *s, const char *key);
void fl_strset_clear(struct fl_strset *s);

/* ==== JSON strings (src/base/jsonstr.c) ==== */

/* JSON strings from arbitrary bytes (paths, argv) for the reports. */

/*
 * A JSON string for the NUL-terminated bytes @s (NULL: ""). JSON strings are
 * UTF-8: each byte that is not part of valid UTF-8 becomes U+FFFD, and
 * *ret_lossy (if given) says whether that happened. NULL on OOM.
 */
json_t *fl_json_string(const char *s, bool *ret_lossy);

/*
 * json_dumps(), but NULL (out of memory) also when any allocation failed
 * during the dump, which jansson itself can let pass with a truncated key.
 * The text is freed with free().
 */
char *fl_json_dumps(const json_t *json, size_t flags);

/* ==== Path patterns and path normalization (src/base/glob.c, src/base/path.c) ==== */

/*
 * Paths as filters see them: glob patterns (path: and process:) and the
 * lexical normalization applied to a call's path before it is matched.
 * Pure: no file system access, no locale.
 *
 * Patterns
 *   A pattern is absolute ("/srv/data/db-*.sqlite") or names an abstract unix
 *   socket ("@dbus-*"; '@' stands for the leading NUL byte, as in ss(8)).
 *   It is split at '/' into components; within one component
 *	*	any run of bytes (also none)
 *	?	one byte
 *	[abc] [a-z] [[:digit:]]  one byte of a set; [!...] or [^...] negates;
 *		']' first in the set is literal; classes are ASCII only
 *	\x	the byte x itself
 *   and a component that is exactly "**" matches zero or more whole
 *   components: "**" as the last component after /srv matches /srv and
 *   everything below it; "**" between /srv and x.log matches /srv/x.log and
 *   /srv/a/b/x.log. (A C comment can't spell those patterns out; see the
 *   table in tests/unit/test_glob.c.)
 *   Unlike the shell, '*', '?' and '**' also match names that start with
 *   '.', and matching is byte-wise ('?' is one byte, not one UTF-8 character).
 *   Because paths are normalized before matching, a pattern with an empty
 *   component ("//"), a "." or ".." component or a trailing '/' could never
 *   match and is refused by fl_glob_check(); so is a relative pattern.
 */

/* Longest pattern accepted: PATH_MAX, like the paths it matches. */
#define FL_GLOB_MAX 4096

/*
 * Is @pattern a valid path pattern (see above)? Returns 0, or -EINVAL with
 * *@ret_msg set to a static description of the first problem, e.g. "'**'
 * must be a whole path component; within a name use '*'".
 */
int fl_glob_check(const char *pattern, const char **ret_msg);

/*
 * The same for a pattern of one name (no '/'), as process: uses for
 * basenames: any byte but '/', and no "**".
 */
int fl_glob_check_name(const char *pattern, const char **ret_msg);

/* Does the normalized absolute path (or "@abstract" name) @path match @pattern? */
bool fl_glob_match(const char *pattern, const char *path);

/* Does @name (one component, no '/') match the one-component @pattern? */
bool fl_glob_match_name(const char *pattern, const char *name);

/*
 * Normalize absolute @path in place, lexically: "//" and "." components go,
 * ".." removes the component before it ("/.." is "/"), a trailing '/' goes.
 * Symlinks are not resolved: "/a/link/.." is "/a" whatever link points to.
 * Returns the new length, or -EINVAL when @path is not absolute.
 */
ssize_t fl_path_normalize(char *path);

/*
 * @rel made absolute against the absolute directory @base (unless it is
 * absolute already) and normalized, into @buf. Returns the length, or
 * -ENAMETOOLONG when it does not fit in @size, -EINVAL when @base is needed
 * but not absolute.
 */
ssize_t fl_path_join(const char *base, const char *rel, char *buf, size_t size);

/*
 * /proc shows a file that was unlinked while open as "PATH (deleted)".
 * Remove that suffix in place; true when there was one.
 */
bool fl_path_strip_deleted(char *path);

/* ==== PRNG (src/base/prng.c) ==== */

/*
 * The PRNG behind every seeded decision: xoshiro256** (Blackman & Vigna),
 * its state filled from the seed by splitmix64. Each rule has its own stream
 * (see fl_matcher_new), so one rule's draws never shift another's.
 */

struct fl_prng {
	uint64_t s[4];
};

void fl_prng_seed(struct fl_prng *prng, uint64_t seed);
uint64_t fl_prng_next(struct fl_prng *prng);
/* Uniform in [0, 1), 53 bits. */
double fl_prng_double(struct fl_prng *prng);
/* Uniform in [0, n), unbiased; n >= 1. */
uint64_t fl_prng_below(struct fl_prng *prng, uint64_t n);
/* splitmix64 step: also used to derive per-rule seeds. */
uint64_t fl_splitmix64(uint64_t *state);

/* ==== Socket addresses and address patterns (src/base/sockaddr.c) ==== */

/*
 * Socket addresses as the address:, port: and path: filters see them: a
 * decoder for the bytes a call passes (connect, bind, sendto, sendmsg's
 * msg_name) and address patterns ("10.0.0.0/8", "::1"). Pure.
 */

/*
 * A decoded address. AF_UNIX names: a pathname as given (possibly relative:
 * the matcher makes it absolute against the caller's cwd, as the kernel
 * does), "@name" for an abstract name (the leading NUL shown as '@', and
 * any NUL inside the name too, as /proc/net/unix does), "" for an unnamed
 * socket (only sa_family given).
 */
struct fl_sockaddr {
	int family;         /* AF_INET, AF_INET6 or AF_UNIX */
	uint8_t addr[16];   /* network order: AF_INET in addr[0..4), AF_INET6 all 16 */
	bool v4mapped;      /* AF_INET6 ::ffff:a.b.c.d; the IPv4 address is addr[12..16) */
	uint16_t port;      /* host order; AF_INET and AF_INET6 only */
	char path[112];     /* AF_UNIX only; sun_path has 108 bytes, plus '@' and NUL */
};

/*
 * Decode @len bytes of a struct sockaddr. The length rules are the kernel's:
 * AF_INET needs 16 bytes, AF_INET6 24 (sin6_scope_id may be left out),
 * AF_UNIX at least sa_family and at most sizeof(struct sockaddr_un).
 * Returns 0, -EINVAL when @len is wrong for the family (the kernel would
 * refuse the call too), -EAFNOSUPPORT for any other family.
 */
int fl_sockaddr_decode(const void *buf, size_t len, struct fl_sockaddr *ret);

/*
 * The address of @sa as text: "127.0.0.1", "::1", "::ffff:10.0.0.1", or the
 * AF_UNIX name as is. snprintf-like; returns the length needed.
 */
size_t fl_sockaddr_format(const struct fl_sockaddr *sa, char *buf, size_t size);

/*
 * An address pattern of the address: filter: an IPv4 or IPv6 literal,
 * optionally followed by /PREFIX (CIDR). An IPv4 pattern also matches
 * IPv4-mapped IPv6 addresses (::ffff:10.1.2.3 for 10.0.0.0/8), since that is
 * how a dual-stack socket connects to an IPv4 host; an IPv6 pattern matches
 * AF_INET6 addresses only.
 */
struct fl_addr_pattern {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network order, host bits zero */
	unsigned prefix;  /* 0..32 or 0..128; the full length without '/' */
};

/*
 * Parse @text. Returns 0; -EINVAL with *@ret_msg when it is not an address
 * pattern; -EDOM when the address has bits set past the prefix
 * ("10.0.0.1/8"): *@ret is then filled in with those bits cleared, so the
 * caller can suggest the network address.
 */
int fl_addr_pattern_parse(const char *text, struct fl_addr_pattern *ret, const char **ret_msg);

/* "10.0.0.0/8", "::1" (no prefix when it is the full length). snprintf-like. */
size_t fl_addr_pattern_format(const struct fl_addr_pattern *p, char *buf, size_t size);

/* Does @sa (AF_INET or AF_INET6) lie in @p? AF_UNIX never does. */
bool fl_addr_pattern_match(const struct fl_addr_pattern *p, const struct fl_sockaddr *sa);

/* ---- words: durations and suggestions (words.c) ---- */

/*
 * Parse "250ms", "1.5s", "10us", "100ns", "2s" into nanoseconds.
 * A unit is required. Returns 0 or -EINVAL (bad syntax) / -ERANGE (overflow).
 */
int fl_duration_parse(const char *text, uint64_t *ret_ns);

/*
 * Closest candidate to @word by edit distance among @n @candidates, or NULL
 * when none is close enough to be a plausible typo.
 */
const char *fl_did_you_mean(const char *word, const char *const *candidates, size_t n);

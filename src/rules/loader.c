/*
 * The rule loader: YAML text -> validated struct fl_rule_set.
 *
 * Three passes over a source:
 *   1. fl_scan_text() (text.c): NUL bytes, invalid UTF-8 and control
 *      characters are found here, with their line and column, before
 *      libyaml sees them (libyaml reports only a byte offset for those).
 *   2. fl_build_tree() (yaml.c): libyaml's event parser builds a small tree
 *      of scalars, sequences and mappings with 1-based positions. Anything
 *      the rule format does not use (anchors, aliases, tags, several
 *      documents, absurd nesting) is rejected here.
 *   3. the tree is checked against key tables (keytable.c): one table per
 *      mapping kind (top level, rule, expect), one entry and one parse
 *      function per key (keys.c, filter_keys.c; values in syntax.c). A new
 *      key is a new enum value (load.h), table entry and function. Checks
 *      that span keys or rules are in checks.c, every warning in lint.c,
 *      diagnostics in diag.c.
 *
 * This file: whole documents and inline rules, moving a valid source's
 * rules into the set (commit), the entry points, reading a file, and the
 * list of keys.
 *
 * Every problem becomes a diagnostic and checking goes on, so one run shows
 * all mistakes of a file. Rules are collected in a pending list and only
 * moved into the set when the whole source was valid.
 *
 * Number syntax (plain scalars only: `after: "2"` is an error, so a number
 * never silently becomes a string or the other way round):
 *   integers: decimal without leading zeros (YAML 1.1 reads "010" as octal,
 *             YAML 1.2 as decimal: rejecting it avoids the ambiguity), or
 *             0x followed by hex digits (YAML 1.2 core); an optional '+',
 *             and '-' only where negative values make sense (retval, args).
 *             Register values (retval, args) in hex are the register's bit
 *             pattern, up to 0xffffffffffffffff (0xfffffffffffff000 is
 *             retval -4096); retval in decimal is a signed 64-bit value.
 *   floats:   YAML 1.2 core syntax, [-+]?(.D+|D+(.D*)?)([eE][-+]?D+)?, no
 *             .inf/.nan.
 *
 * Filters (all optional; a call must pass every one given, and a list
 * passes when any entry does). Which arguments of which syscall they read
 * comes from the table in src/sys/sysinfo.c; a filter that can never hold
 * for one of the rule's syscalls (path: on getpid, port: on read) is an
 * error naming both.
 *   path: PATTERN | [PATTERN, ...]
 *	Glob over absolute paths (syntax in faultline/base.h: '*', '?',
 *	[...] within a component, a whole "**" component for any depth).
 *	Relative patterns are refused. The call's path is read from the
 *	tracee, made absolute against its cwd or dirfd (AT_FDCWD: the cwd; an
 *	empty path with AT_EMPTY_PATH: the dirfd itself) and normalized
 *	lexically ('.', '..', '//'); symlinks are NOT resolved, so path:
 *	matches the path as the program named it, and a file that does not
 *	exist yet (O_CREAT, mkdir) matches too. Paths looked at:
 *	  - every path argument (open*, stat*, access*, unlink*, mkdir*, rename*
 *	    (either path), link* (either), symlink* (the new link, not its
 *	    target), chdir, chmod*, chown*, truncate, readlink*, utimensat,
 *	    mknod*, execve*, statfs, xattr calls, ...);
 *	  - the file behind every fd argument (read, write, close, fstat, ...;
 *	    sendfile, copy_file_range, splice: either fd), from /proc/PID/fd.
 *	    A file unlinked while open ("/tmp/x (deleted)" in /proc) matches
 *	    as "/tmp/x": the program still works on what it opened under that
 *	    name. The suffix is dropped only when stat(2) through the link
 *	    says st_nlink 0: a file may be named "x (deleted)". Pipes, anonymous inodes and sockets have no path and never
 *	    match, except unix sockets with a name (bound, or connected to a
 *	    bound peer), which match as that name;
 *	  - the AF_UNIX address of connect, bind, sendto and sendmsg (relative
 *	    names made absolute against the cwd; abstract names as "@name", so
 *	    they match '@' patterns only).
 *	A call whose path can't be read (bad pointer, unreadable /proc) never
 *	matches a rule with path:.
 *   fd: N | [N, ...]
 *	The call's first fd argument (read's fd, sendfile's out_fd, mmap's fd;
 *	a dirfd is not one).
 *   fd_type: KIND | [KIND, ...]
 *	The file behind any of the call's fd arguments is of one of these
 *	kinds (fl_fd_type_name(): regular, dir, pipe, fifo, socket, tty,
 *	chardev, blockdev, eventfd, epoll, timerfd, signalfd, inotify, pidfd,
 *	anon_inode), from stat(2) through /proc/PID/fd/N and its link text; a
 *	character device is a tty when isatty(3) says so of a copy of the fd.
 *   address: ADDR[/PREFIX] | [...]   and   port: N | [N, ...]
 *	The IPv4/IPv6 address and port passed to connect, bind, sendto or
 *	sendmsg (msg_name). IPv4 patterns also match v4-mapped IPv6 addresses.
 *	A call without an address (sendto on a connected socket) or with a
 *	unix address never matches. "port: 5432" alone is "the database is
 *	down".
 *   process: PATTERN | [...]
 *	The calling process's executable (/proc/PID/exe): a pattern without
 *	'/' is matched against its basename ("curl", "python3*"), one with '/'
 *	against the full path ("/usr/bin/py*").
 *   args: {N: VALUE, N: {mask: BITS}, ...}
 *	Raw argument N (0..5): equal to VALUE, or with all of BITS set.
 *	Values may be negative (-100 for AT_FDCWD) or hex. On i386 only the
 *	low 32 bits count.
 *
 * Effects besides error, retval and delay:
 *   short: N | P%
 *	Let a read/write-like call (read, write, pread64, pwrite64, readv,
 *	writev, preadv(2), pwritev(2), recvfrom, sendto, sendfile,
 *	copy_file_range, splice, tee, getrandom) run for real with at most N
 *	bytes, or P percent (1..99) of what it can really move, rounded down
 *	but at least 1 byte (0 would read as end of file): for a read from a
 *	regular file, the bytes left after its offset; from a pipe, FIFO,
 *	socket or terminal, what it holds (FIONREAD); for a write, what it
 *	asks for; where none of that is known, what it asks for, and the
 *	result decides (see fl_matcher_take_back()). For the iovec calls the
 *	limit is on the total of all buffers. A call that could not move more
 *	than that can't be shortened and doesn't match the rule. Not with error or
 *	retval, not with phase: exit.
 *   signal: NAME
 *	Send NAME (SIGUSR1, USR1, SIGRTMIN+2 or a number) to the calling
 *	thread when the rule acts, alone or together with any other effect.
 *   crash: kill | power-loss     and   dirs: keep | lose
 *	Kill the traced tree at the call, before it runs; power-loss also
 *	rolls the files under path: back to their last durability point, and
 *	with dirs: lose undoes un-fsynced creations and renames (crash_keys.c,
 *	src/tracer/model.h). No other effect with it; power-loss needs path:.
 *
 * Expectations:
 *   expect: {min: N, max: M}   (either or both)
 *	The run fails (exit status 122, FL_EXIT_EXPECTATION) when the rule
 *	acted fewer than N or more than M times, so that a chaos test that
 *	injected nothing cannot pass silently. `run --require-all` gives min 1
 *	to every rule that does not set min itself. min > max, or a min that
 *	'times' or 'probability: 0' rule out, is an error.
 *
 * Warnings (collected only when fl_diags.warnings is set; the rules load
 * and run all the same): a syscall the x86_64 vDSO serves, 'times: 0' and
 * 'probability: 0', an errno none of the rule's syscalls is documented to
 * return (tables in lint.c), and a rule shadowed by an earlier one that
 * acts on every call to all of its syscalls.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faultline/rules.h"
#include "faultline/base.h"
#include "lint.h"
#include "load.h"

static void load_done(struct load *ld)
{
	for (size_t i = 0; i < ld->n_rules; i++)
		fl_rule_done(&ld->rules[i].r);
	free(ld->rules);
	ld->rules = NULL;
	fl_strset_clear(&ld->listed);
	ld->n_rules = 0;
}

/* ---- documents ---- */

static void load_document(struct load *ld, const struct node *root)
{
	struct key_seen seen = { 0 };

	if (!root || node_is_null(root)) {
		fl_load_error(ld, 0, 0, "no rules: the file is empty; expected a top-level 'rules:' list");
		return;
	}
	if (root->kind != NODE_MAPPING) {
		report_at(ld, root, "expected a mapping with a 'rules:' list at the top level, got %s%s",
			  fl_describe(root).s,
			  root->kind == NODE_SEQUENCE ? " (put the rules under 'rules:')" : "");
		return;
	}
	fl_parse_mapping(ld, root, fl_top_keys, N_TOP_KEYS, "at the top level", ld, &seen);
	/* As for a rule's missing keys (check_rule): an unknown key may be 'rules'. */
	if (!seen.key[TK_RULES] && !seen.unknown && !too_many_errors(ld))
		report_at(ld, root, "no rules: missing top-level key 'rules' (a list of rules, "
			  "e.g. 'rules: [{syscall: openat, error: ENOENT}]')");
}

static void load_inline_rule(struct load *ld, const struct node *root)
{
	if (!root || node_is_null(root)) {
		fl_load_error(ld, 0, 0, "no rule: the text is empty; expected a mapping such as "
		       "{syscall: openat, error: EACCES}");
		return;
	}
	if (root->kind != NODE_MAPPING) {
		report_at(ld, root, "expected a mapping of rule keys such as {syscall: openat, "
			  "error: EACCES}, got %s", fl_describe(root).s);
		return;
	}
	fl_parse_rule(ld, root);
}

/* Move the pending rules into the set. Allocates first: on -ENOMEM nothing changed. */
static int commit(struct load *ld)
{
	struct fl_rule_set *set = ld->set;
	_cleanup_free_ char *source = NULL, *seed_source = NULL, *text = NULL;
	struct fl_source_text *texts;
	struct fl_rule *rules;
	char **sources;

	source = strdup(ld->origin);
	text = malloc(ld->len + 1);
	if (!source || !text)
		return -ENOMEM;
	memcpy(text, ld->text, ld->len);
	text[ld->len] = '\0';
	if (ld->has_seed && !set->has_seed &&
	    asprintf(&seed_source, "%s:%u", ld->origin, ld->seed_line) < 0) {
		seed_source = NULL;
		return -ENOMEM;
	}
	sources = realloc(set->sources, (set->n_sources + 1) * sizeof(*sources));
	if (!sources)
		return -ENOMEM;
	set->sources = sources;
	/* One text per source, like sources. */
	texts = realloc(set->texts, (set->n_sources + 1) * sizeof(*texts));
	if (!texts)
		return -ENOMEM;
	set->texts = texts;
	rules = realloc(set->rules, (set->n_rules + ld->n_rules + 1) * sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	set->rules = rules;

	for (size_t i = 0; i < ld->n_rules; i++) {
		rules[set->n_rules] = ld->rules[i].r;
		rules[set->n_rules++].file = source;
	}
	ld->n_rules = 0;
	texts[set->n_sources] = (struct fl_source_text){ steal_pointer(&text), ld->len };
	sources[set->n_sources++] = steal_pointer(&source);
	if (ld->has_seed && !set->has_seed) {
		set->has_seed = true;
		set->seed = ld->seed;
		set->seed_source = steal_pointer(&seed_source);
	}
	return 0;
}

enum load_mode {
	LOAD_FILE,
	LOAD_INLINE,
};

static int load_text(struct fl_rule_set *set, const char *origin, const char *text, size_t len,
		     struct fl_diags *diags, enum load_mode mode)
{
	_cleanup_(node_freep) struct node *root = NULL;
	struct load ld = {
		.set = set,
		.origin = origin ? origin : "<rules>",
		.text = text,
		.len = len,
		.diags = diags,
		.first_diag = diags->n,
	};
	int r;

	if (len > FL_MAX_RULE_FILE_SIZE) {
		r = fl_diags_addf(diags, ld.origin, 0, 0, "rules are too large (%zu bytes; the limit "
			       "is %d bytes)", len, FL_MAX_RULE_FILE_SIZE);
		return r < 0 ? r : -EFBIG;
	}

	r = fl_scan_text(&ld, text, len, SIZE_MAX, NULL, NULL);
	if (r == 0)
		r = fl_build_tree(&ld, text, len, &root);
	if (r == 0) {
		if (mode == LOAD_FILE)
			load_document(&ld, root);
		else
			load_inline_rule(&ld, root);
		if (!too_many_errors(&ld))
			fl_check_names(&ld);
		/* Only over rules that loaded: half-parsed ones would mislead. */
		if (ld.n_errors == 0)
			fl_lint_shadowed(&ld);
	}
	if (ld.n_errors == 0 && !ld.oom) {
		r = commit(&ld);
		if (r < 0)
			ld.oom = true;
	}
	fl_sort_diags(&ld);
	if (ld.n_errors >= MAX_ERRORS)
		fl_diags_addf(diags, ld.origin, 0, 0, "too many errors; stopped after %d", MAX_ERRORS);
	load_done(&ld);

	if (ld.oom) {
		fl_diags_addf(diags, ld.origin, 0, 0, "out of memory");
		return -ENOMEM;
	}
	return ld.n_errors ? -EINVAL : 0;
}

int fl_rules_load_string(struct fl_rule_set *set, const char *origin, const char *text,
			 size_t len, struct fl_diags *diags)
{
	return load_text(set, origin, text, len, diags, LOAD_FILE);
}

int fl_rules_load_inline(struct fl_rule_set *set, const char *origin, const char *text,
			 struct fl_diags *diags)
{
	if (!text)
		text = "";
	return load_text(set, origin, text, strlen(text), diags, LOAD_INLINE);
}

/* What a rule file that is no regular file is, for the message. */
static const char *file_kind(mode_t mode)
{
	return S_ISFIFO(mode) ? "a FIFO" : S_ISCHR(mode) ? "a character device" :
	       S_ISBLK(mode) ? "a block device" : S_ISSOCK(mode) ? "a socket" : "not a regular file";
}

/* read_file(): a rule file that is no regular file (an errno no call returns). */
#define EFTYPE_RULES 4094

/*
 * Read at most FL_MAX_RULE_FILE_SIZE + 1 bytes: a bigger file is refused
 * without reading it all. A rule file is a regular file, or a descriptor
 * faultline already has: "-" (standard input), /dev/stdin, /dev/fd/N (a
 * shell's <(...)), read as a stream. A named FIFO or a device is refused
 * at once (@ret_kind says which): opening a FIFO nobody writes would block
 * forever. O_NONBLOCK makes that open return instead of waiting.
 */
static int read_file(const char *path, char **ret, size_t *ret_len, const char **ret_kind)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;
	int own = strcmp(path, "-") == 0 ? 0 : fl_own_fd_path(path);

	if (own >= 0) {
		fd = fcntl(own, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return errno == EBADF ? -EBADF : -errno;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0)
			return -errno;
	}
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (own < 0 && !S_ISREG(st.st_mode)) {
		*ret_kind = file_kind(st.st_mode);
		return -EFTYPE_RULES;
	}
	if (S_ISREG(st.st_mode) && st.st_size > FL_MAX_RULE_FILE_SIZE)
		return -EFBIG;

	buf = malloc(FL_MAX_RULE_FILE_SIZE + 2);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, buf + len, FL_MAX_RULE_FILE_SIZE + 1 - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > FL_MAX_RULE_FILE_SIZE)
			return -EFBIG;
	}
	buf[len] = '\0';
	*ret = steal_pointer(&buf);
	*ret_len = len;
	return 0;
}

int fl_rules_load_file(struct fl_rule_set *set, const char *path, struct fl_diags *diags)
{
	_cleanup_free_ char *text = NULL;
	const char *kind = NULL;
	size_t len = 0;
	int r, q;

	r = read_file(path, &text, &len, &kind);
	if (r == -EFTYPE_RULES) {
		q = fl_diags_addf(diags, path, 0, 0, "cannot read rule file: it is %s; give a regular "
			       "file, or '-' for standard input", kind);
		return q < 0 ? q : -EINVAL;
	}
	if (r == -EFBIG) {
		q = fl_diags_addf(diags, path, 0, 0, "rule file is too large (the limit is %d bytes)",
			       FL_MAX_RULE_FILE_SIZE);
		return q < 0 ? q : r;
	}
	if (r < 0) {
		q = fl_diags_addf(diags, path, 0, 0, "cannot read rule file: %s", strerror(-r));
		return q < 0 ? q : r;
	}
	return load_text(set, path, text, len, diags, LOAD_FILE);
}

/* ---- the keys, for `faultline list keys` ---- */

void fl_rules_foreach_key(void (*fn)(const char *path, const char *expect, void *ud), void *ud)
{
	char path[64];

	for (size_t i = 0; i < N_TOP_KEYS; i++)
		fn(fl_top_keys[i].name, fl_top_keys[i].expect, ud);
	for (size_t i = 0; i < N_RULE_KEYS; i++) {
		snprintf(path, sizeof(path), "rules[].%s", fl_rule_keys[i].name);
		fn(path, fl_rule_keys[i].expect, ud);
	}
	for (size_t i = 0; i < N_EXPECT_KEYS; i++) {
		snprintf(path, sizeof(path), "rules[].expect.%s", fl_expect_keys[i].name);
		fn(path, fl_expect_keys[i].expect, ud);
	}
	for (size_t i = 0; i < N_POKE_KEYS; i++) {
		snprintf(path, sizeof(path), "rules[].poke.%s", fl_poke_keys[i].name);
		fn(path, fl_poke_keys[i].expect, ud);
	}
	for (size_t i = 0; i < N_CORRUPT_KEYS; i++) {
		snprintf(path, sizeof(path), "rules[].corrupt.%s", fl_corrupt_keys[i].name);
		fn(path, fl_corrupt_keys[i].expect, ud);
	}
	for (size_t i = 0; i < FL_STAT_N_FIELDS; i++) {
		snprintf(path, sizeof(path), "rules[].stat.%s", fl_stat_keys[i].name);
		fn(path, fl_stat_keys[i].expect, ud);
	}
	for (size_t i = 0; i < N_DELAY_KEYS; i++) {
		snprintf(path, sizeof(path), "rules[].delay.%s", fl_delay_keys[i].name);
		fn(path, fl_delay_keys[i].expect, ud);
	}
	for (size_t i = 0; i < N_CLOCK_KEYS; i++) {
		snprintf(path, sizeof(path), "rules[].clock.%s", fl_clock_keys[i].name);
		fn(path, fl_clock_keys[i].expect, ud);
	}
	/* parse_arg_mask()'s one key. */
	fn("rules[].args.N.mask", "an integer whose bits must all be set in argument N", ud);
}


/*
 * The rule loader: YAML text -> validated struct fl_rule_set.
 *
 * Three passes over a source:
 *   1. check_text(): NUL bytes, invalid UTF-8 and control characters are
 *      found here, with their line and column, before libyaml sees them
 *      (libyaml reports only a byte offset for those).
 *   2. build_tree(): libyaml's event parser builds a small tree of scalars,
 *      sequences and mappings with 1-based positions. Anything the rule
 *      format does not use (anchors, aliases, tags, several documents,
 *      absurd nesting) is rejected here.
 *   3. the tree is checked against key tables: one table per mapping kind
 *      (top level, rule), one entry and one parse function per key. A new
 *      key is a new enum value, table entry and function.
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
 * comes from the table in src/match/sysinfo.c; a filter that can never hold
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
 *	    name. Pipes, anonymous inodes and sockets have no path and never
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
 *	bytes, or P percent (1..99) of what it asked for, rounded down but at
 *	least 1 byte (0 would read as end of file). For the iovec calls the
 *	limit is on the total of all buffers. A call that asks for no more than
 *	that can't be shortened and doesn't match the rule. Not with error or
 *	retval, not with phase: exit.
 *   signal: NAME
 *	Send NAME (SIGUSR1, USR1, SIGRTMIN+2 or a number) to the calling
 *	thread when the rule acts, alone or together with any other effect.
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
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "faultline/arch.h"
#include "faultline/names.h"
#include "faultline/base.h"
#include "faultline/rules.h"
#include "faultline/sysinfo.h"
#include "rules/lint.h"

/* Rule files are a few levels deep; anything deeper is not a rule file. */
#define MAX_DEPTH 64
/* After this many errors in one source, stop: the rest is noise. */
#define MAX_ERRORS 100
/* Values quoted in messages are cut to this many characters. */
#define SHOW_MAX 40
#define NAME_MAX_LEN 128

/* ---- small helpers ---- */

/* Make room for @need elements; returns the (maybe moved) array or NULL. */
static void *grow_array(void *ptr, size_t *cap, size_t need, size_t size)
{
	size_t n;
	void *p;

	if (need <= *cap)
		return ptr;
	n = *cap ? *cap * 2 : 4;
	if (n < need)
		n = need;
	if (n > SIZE_MAX / size)
		return NULL;
	p = realloc(ptr, n * size);
	if (!p)
		return NULL;
	*cap = n;
	return p;
}

/* ---- diagnostics ---- */

static int diags_push(struct fl_diags *diags, const char *file, unsigned line,
		      unsigned column, char *message, enum fl_severity severity)
{
	struct fl_diag *items;
	char *f;

	f = strdup(file ? file : "<rules>");
	items = realloc(diags->items, (diags->n + 1) * sizeof(*items));
	if (!f || !items) {
		free(f);
		if (items)
			diags->items = items;
		free(message);
		return -ENOMEM;
	}
	diags->items = items;
	items[diags->n++] = (struct fl_diag){
		.file = f,
		.line = line,
		.column = column,
		.message = message,
		.severity = severity,
	};
	return 0;
}

__attribute__((format(printf, 5, 6)))
static int diags_addf(struct fl_diags *diags, const char *file, unsigned line,
		      unsigned column, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return diags_push(diags, file, line, column, msg, FL_SEVERITY_ERROR);
}

void fl_diags_done(struct fl_diags *diags)
{
	if (!diags)
		return;
	for (size_t i = 0; i < diags->n; i++) {
		free(diags->items[i].file);
		free(diags->items[i].message);
	}
	free(diags->items);
	diags->items = NULL;
	diags->n = 0;
}

size_t fl_diags_count(const struct fl_diags *diags, enum fl_severity severity)
{
	size_t n = 0;

	for (size_t i = 0; i < diags->n; i++)
		n += diags->items[i].severity == severity;
	return n;
}

void fl_diags_print(const struct fl_diags *diags, FILE *out)
{
	for (size_t i = 0; i < diags->n; i++) {
		const struct fl_diag *d = &diags->items[i];
		const char *label = d->severity == FL_SEVERITY_WARNING ? "warning" : "error";

		if (d->line)
			fprintf(out, "%s:%u:%u: %s: %s\n", d->file, d->line, d->column, label,
				d->message);
		else
			fprintf(out, "%s: %s: %s\n", d->file, label, d->message);
	}
}

/* ---- the rule set ---- */

static void rule_done(struct fl_rule *r)
{
	free(r->name);
	for (size_t i = 0; i < r->n_syscalls; i++)
		free(r->syscalls[i]);
	free(r->syscalls);
	free(r->sysnos);
	free(r->errors);
	for (size_t i = 0; i < r->n_paths; i++)
		free(r->paths[i]);
	free(r->paths);
	free(r->fds);
	free(r->addresses);
	free(r->ports);
	for (size_t i = 0; i < r->n_processes; i++)
		free(r->processes[i]);
	free(r->processes);
	*r = (struct fl_rule){ 0 };
}

bool fl_rule_has_filters(const struct fl_rule *r)
{
	if (r->n_paths || r->n_fds || r->n_addresses || r->n_ports || r->n_processes)
		return true;
	for (size_t i = 0; i < FL_ARRAY_SIZE(r->args); i++)
		if (r->args[i].used)
			return true;
	return false;
}

bool fl_rule_has_action(const struct fl_rule *r)
{
	return r->n_errors || r->has_retval || r->delay_ns || r->short_kind != FL_SHORT_NONE ||
	       r->signal;
}

bool fl_rule_expect_met(const struct fl_rule *r, uint64_t injected)
{
	if (!r->has_expect)
		return true;
	return injected >= r->expect_min && injected <= r->expect_max;
}

void fl_rules_require_all(struct fl_rule_set *set)
{
	for (size_t i = 0; i < set->n_rules; i++) {
		struct fl_rule *r = &set->rules[i];

		/*
		 * The file's own min wins: 'expect: {min: 0}' opts a rule out,
		 * and so does 'expect: {max: 0}' (the rule must never act).
		 */
		if (r->expect_min_given || r->expect_max == 0)
			continue;
		r->expect_min = 1;
		r->has_expect = true;
	}
}

struct fl_rule_set *fl_rule_set_new(void)
{
	return calloc(1, sizeof(struct fl_rule_set));
}

void fl_rule_set_free(struct fl_rule_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n_rules; i++)
		rule_done(&set->rules[i]);
	free(set->rules);
	for (size_t i = 0; i < set->n_sources; i++)
		free(set->sources[i]);
	free(set->sources);
	/* Owned by the set; const only to readers. */
	free((char *)set->seed_source);
	free(set);
}

/* ---- the tree ---- */

enum node_kind {
	NODE_SCALAR,
	NODE_SEQUENCE,
	NODE_MAPPING,
};

struct node {
	enum node_kind kind;
	unsigned line, column; /* 1-based */
	bool quoted;           /* scalar written in quotes or as a block scalar */
	char *text;            /* scalar, NUL-terminated */
	size_t len;
	struct node **kids;    /* sequence items; mapping keys and values alternating */
	size_t n_kids, cap_kids;
};

static void node_free(struct node *n)
{
	if (!n)
		return;
	/* Depth is bounded by MAX_DEPTH, so recursion is fine. */
	for (size_t i = 0; i < n->n_kids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n);
}

static void node_freep(struct node **n)
{
	node_free(*n);
}

/* A YAML null: empty plain scalar, "~" or null/Null/NULL. */
static bool node_is_null(const struct node *n)
{
	if (n->kind != NODE_SCALAR || n->quoted)
		return false;
	return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
	       strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

/* ---- one load ---- */

struct pending_rule {
	struct fl_rule r;
	unsigned name_line, name_column;
};

struct load {
	struct fl_rule_set *set; /* only read until commit() */
	const char *origin;
	struct fl_diags *diags;
	size_t first_diag;       /* this load's diagnostics start here */
	unsigned n_errors;
	unsigned n_warnings;
	bool oom;

	struct pending_rule *rules;
	size_t n_rules, cap_rules;

	bool has_seed;
	uint64_t seed;
	unsigned seed_line, seed_column;
};

static void load_done(struct load *ld)
{
	for (size_t i = 0; i < ld->n_rules; i++)
		rule_done(&ld->rules[i].r);
	free(ld->rules);
	ld->rules = NULL;
	ld->n_rules = 0;
}

static bool too_many_errors(const struct load *ld)
{
	return ld->n_errors >= MAX_ERRORS || ld->oom;
}

__attribute__((format(printf, 4, 5)))
static void report(struct load *ld, unsigned line, unsigned column, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int r;

	ld->n_errors++;
	if (ld->n_errors > MAX_ERRORS)
		return;
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0 || diags_push(ld->diags, ld->origin, line, column, msg, FL_SEVERITY_ERROR) < 0)
		ld->oom = true;
}

#define report_at(ld, node, ...) report((ld), (node)->line, (node)->column, __VA_ARGS__)

/*
 * An advisory diagnostic: the rules still load. Only collected when the
 * caller asked for warnings (fl_diags.warnings), and never counted as an
 * error.
 */
__attribute__((format(printf, 4, 5)))
static void warn(struct load *ld, unsigned line, unsigned column, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int r;

	if (!ld->diags->warnings || ld->oom)
		return;
	if (++ld->n_warnings > MAX_ERRORS)
		return;
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0 || diags_push(ld->diags, ld->origin, line, column, msg, FL_SEVERITY_WARNING) < 0)
		ld->oom = true;
}

#define warn_at(ld, node, ...) warn((ld), (node)->line, (node)->column, __VA_ARGS__)

struct diag_sort {
	struct fl_diag d;
	size_t seq;
};

static int cmp_diag(const void *a, const void *b)
{
	const struct diag_sort *x = a, *y = b;

	if (x->d.line != y->d.line)
		return x->d.line < y->d.line ? -1 : 1;
	if (x->d.column != y->d.column)
		return x->d.column < y->d.column ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Checks run per key, then per rule, then per file, so diagnostics come
 * out of order; put this load's in file order (stable for equal positions,
 * position-less ones first).
 */
static void sort_diags(struct load *ld)
{
	size_t n = ld->diags->n - ld->first_diag;
	_cleanup_free_ struct diag_sort *tmp = NULL;

	if (n < 2)
		return;
	tmp = calloc(n, sizeof(*tmp));
	if (!tmp)
		return; /* unsorted is still correct */
	for (size_t i = 0; i < n; i++)
		tmp[i] = (struct diag_sort){ ld->diags->items[ld->first_diag + i], i };
	qsort(tmp, n, sizeof(*tmp), cmp_diag);
	for (size_t i = 0; i < n; i++)
		ld->diags->items[ld->first_diag + i] = tmp[i].d;
}

/* A value as shown in a message: escaped, cut short, in quotes. */
struct shown {
	char s[SHOW_MAX * 4 + 16];
};

static struct shown show_text(const char *text, size_t len, char quote)
{
	struct shown out;
	size_t o = 0, chars = 0;

	out.s[o++] = quote;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		/* Count and cut at character starts, never inside a UTF-8 sequence. */
		if ((c & 0xc0) != 0x80) {
			if (chars == SHOW_MAX) {
				memcpy(out.s + o, "...", 3);
				o += 3;
				break;
			}
			chars++;
		}
		if (c == '\n') {
			memcpy(out.s + o, "\\n", 2);
			o += 2;
		} else if (c == '\t') {
			memcpy(out.s + o, "\\t", 2);
			o += 2;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out.s + o, 5, "\\x%02x", c);
		} else {
			out.s[o++] = (char)c;
		}
	}
	out.s[o++] = quote;
	out.s[o] = '\0';
	return out;
}

static struct shown show(const struct node *n)
{
	return show_text(n->text, n->len, n->quoted ? '"' : '\'');
}

struct described {
	char s[sizeof(struct shown) + 16];
};

/* "nothing", "a sequence", "a mapping", "'foo'" or "the string \"2\"". */
static struct described describe(const struct node *n)
{
	struct described out;

	if (n->kind == NODE_SEQUENCE)
		snprintf(out.s, sizeof(out.s), "a sequence");
	else if (n->kind == NODE_MAPPING)
		snprintf(out.s, sizeof(out.s), "a mapping");
	else if (node_is_null(n))
		snprintf(out.s, sizeof(out.s), "nothing");
	else if (n->quoted)
		snprintf(out.s, sizeof(out.s), "the string %s", show(n).s);
	else
		snprintf(out.s, sizeof(out.s), "%s", show(n).s);
	return out;
}

/* ---- pass 1: the bytes ---- */

/*
 * Decode one UTF-8 character at @p (of @left bytes). Returns its length, or
 * 0 when the bytes are not valid UTF-8 (overlong forms, surrogates, beyond
 * U+10FFFF and truncated sequences included).
 */
static size_t utf8_decode(const unsigned char *p, size_t left, uint32_t *ret)
{
	uint32_t c, min;
	size_t len;

	if (p[0] < 0x80) {
		*ret = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2, c = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3, c = p[0] & 0x0f, min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4, c = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (left < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*ret = c;
	return len;
}

/* What libyaml's reader accepts (yaml_parser_update_buffer()). */
static bool yaml_printable(uint32_t c)
{
	return c == 0x09 || c == 0x0a || c == 0x0d || (c >= 0x20 && c <= 0x7e) || c == 0x85 ||
	       (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
	       (c >= 0x10000 && c <= 0x10ffff);
}

/*
 * Walk the text as libyaml counts positions: lines break at LF, CR, CRLF,
 * NEL, LS and PS; columns count characters; a leading BOM is not counted.
 * Reports the first NUL, the first invalid UTF-8 and the first disallowed
 * control character. If @stop_at is not SIZE_MAX, only computes the
 * position of byte offset @stop_at into *@ret_line / *@ret_column.
 */
static int scan_text(struct load *ld, const char *text, size_t len, size_t stop_at,
		     unsigned *ret_line, unsigned *ret_column)
{
	const unsigned char *p = (const unsigned char *)text;
	unsigned line = 1, column = 1;
	bool seen_nul = false, seen_utf8 = false, seen_ctrl = false;
	size_t i = 0;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		uint32_t c = 0;
		size_t n;

		if (i >= stop_at)
			break;
		n = utf8_decode(p + i, len - i, &c);
		if (n == 0) {
			if (!seen_utf8 && ld)
				report(ld, line, column,
				       "invalid UTF-8 (byte 0x%02x); rule files must be UTF-8 text", p[i]);
			seen_utf8 = true;
			n = 1;
		} else if (c == 0) {
			if (!seen_nul && ld)
				report(ld, line, column, "NUL byte; rule files must be text");
			seen_nul = true;
		} else if (!yaml_printable(c)) {
			if (!seen_ctrl && ld)
				report(ld, line, column,
				       "control character U+%04" PRIX32 " is not allowed in YAML", c);
			seen_ctrl = true;
		}

		if (c == '\r' && i + 1 < len && p[i + 1] == '\n') {
			n = 2;
			c = '\n';
		}
		if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029) {
			line++;
			column = 1;
		} else {
			column++;
		}
		i += n;
	}
	if (ret_line)
		*ret_line = line;
	if (ret_column)
		*ret_column = column;
	return seen_nul || seen_utf8 || seen_ctrl ? -EINVAL : 0;
}

/* ---- pass 2: the tree ---- */

static void report_yaml_error(struct load *ld, const yaml_parser_t *p, const char *text, size_t len)
{
	unsigned line, column, end_line, end_column;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		ld->oom = true;
		break;
	case YAML_READER_ERROR:
		/* Normally caught by scan_text(); libyaml only gives an offset. */
		scan_text(NULL, text, len, p->problem_offset, &line, &column);
		report(ld, line, column, "%s", p->problem ? p->problem : "unreadable input");
		break;
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
	default:
		/*
		 * At the end of the stream libyaml's mark is on a line of its
		 * own that is not in the text ("{a: 1" fails at 2:1); point just
		 * past the last character instead.
		 */
		line = (unsigned)p->problem_mark.line + 1;
		column = (unsigned)p->problem_mark.column + 1;
		scan_text(NULL, text, len, SIZE_MAX, &end_line, &end_column);
		if (line > end_line || (line == end_line && column > end_column)) {
			line = end_line;
			column = end_column;
		}
		if (p->context)
			report(ld, line, column, "syntax error: %s (%s at line %zu, column %zu)",
			       p->problem ? p->problem : "invalid YAML", p->context,
			       p->context_mark.line + 1, p->context_mark.column + 1);
		else
			report(ld, line, column, "syntax error: %s",
			       p->problem ? p->problem : "invalid YAML");
		break;
	}
}

/* Anchors, aliases and tags: YAML features rule files do not need. */
static void check_node_props(struct load *ld, const yaml_mark_t *m, const yaml_char_t *anchor,
			     const yaml_char_t *tag)
{
	if (anchor)
		report(ld, (unsigned)m->line + 1, (unsigned)m->column + 1,
		       "anchor '&%s': aliases and anchors are not supported in rule files; "
		       "write the value out", (const char *)anchor);
	if (tag)
		report(ld, (unsigned)m->line + 1, (unsigned)m->column + 1,
		       "tag '%s': tags are not supported in rule files; write the plain value",
		       (const char *)tag);
}

static yaml_parser_t *yaml_parser_new(void)
{
	yaml_parser_t *p = malloc(sizeof(*p));

	if (p && !yaml_parser_initialize(p)) {
		free(p);
		return NULL;
	}
	return p;
}

static void yaml_parser_freep(yaml_parser_t **p)
{
	if (*p) {
		yaml_parser_delete(*p);
		free(*p);
	}
}

/*
 * Returns 0 with *@ret_root (NULL for a stream without documents), -EINVAL
 * when diagnostics were added, -ENOMEM.
 */
static int build_tree(struct load *ld, const char *text, size_t len, struct node **ret_root)
{
	_cleanup_(yaml_parser_freep) yaml_parser_t *parser = NULL;
	_cleanup_(node_freep) struct node *root = NULL;
	struct node *stack[MAX_DEPTH];
	size_t depth = 0;
	unsigned docs = 0, errors_before = ld->n_errors;
	bool done = false;

	parser = yaml_parser_new();
	if (!parser)
		return -ENOMEM;
	yaml_parser_set_input_string(parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING);

	while (!done) {
		yaml_event_t ev;
		struct node *n = NULL;

		if (!yaml_parser_parse(parser, &ev)) {
			report_yaml_error(ld, parser, text, len);
			return ld->oom ? -ENOMEM : -EINVAL;
		}

		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				report(ld, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
				       "a second YAML document ('---'); a rule file is one document, "
				       "put all rules under one 'rules:' list");
				done = true;
			}
			break;
		case YAML_ALIAS_EVENT:
			report(ld, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
			       "alias '*%s': aliases and anchors are not supported in rule files; "
			       "write the value out", (const char *)ev.data.alias.anchor);
			/* A stand-in keeps mappings in key/value pairs; nothing is checked after this. */
			n = calloc(1, sizeof(*n));
			if (n)
				n->text = strdup("");
			if (!n || !n->text)
				goto oom;
			break;
		case YAML_SCALAR_EVENT:
			check_node_props(ld, &ev.start_mark, ev.data.scalar.anchor, ev.data.scalar.tag);
			n = calloc(1, sizeof(*n));
			if (!n)
				goto oom;
			n->kind = NODE_SCALAR;
			n->len = ev.data.scalar.length;
			n->text = malloc(n->len + 1);
			if (!n->text)
				goto oom;
			memcpy(n->text, ev.data.scalar.value, n->len);
			n->text[n->len] = '\0';
			n->quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
			if (memchr(n->text, '\0', n->len))
				report(ld, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
				       "string contains a NUL character ('\\0')");
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (ev.type == YAML_SEQUENCE_START_EVENT)
				check_node_props(ld, &ev.start_mark, ev.data.sequence_start.anchor,
						 ev.data.sequence_start.tag);
			else
				check_node_props(ld, &ev.start_mark, ev.data.mapping_start.anchor,
						 ev.data.mapping_start.tag);
			if (depth == MAX_DEPTH) {
				report(ld, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
				       "nesting deeper than %d levels; rule files are a few levels deep",
				       MAX_DEPTH);
				yaml_event_delete(&ev);
				return -EINVAL;
			}
			n = calloc(1, sizeof(*n));
			if (!n)
				goto oom;
			n->kind = ev.type == YAML_SEQUENCE_START_EVENT ? NODE_SEQUENCE : NODE_MAPPING;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}

		if (n) {
			n->line = (unsigned)ev.start_mark.line + 1;
			n->column = (unsigned)ev.start_mark.column + 1;
			if (depth == 0) {
				/* Only one document gets here; a second one stops the loop. */
				root = n;
			} else {
				struct node *parent = stack[depth - 1];
				struct node **kids = grow_array(parent->kids, &parent->cap_kids,
								parent->n_kids + 1, sizeof(*kids));

				if (!kids)
					goto oom;
				parent->kids = kids;
				kids[parent->n_kids++] = n;
			}
			if (n->kind != NODE_SCALAR)
				stack[depth++] = n;
		}
		yaml_event_delete(&ev);
		continue;
oom:
		/* @n was not attached yet. */
		node_free(n);
		yaml_event_delete(&ev);
		ld->oom = true;
		return -ENOMEM;
	}

	if (ld->n_errors != errors_before)
		return -EINVAL;
	*ret_root = steal_pointer(&root);
	return 0;
}

/* ---- pass 3: keys ---- */

/*
 * How a key's value is shaped, checked before its parse function runs:
 *   SHAPE_SCALAR: one non-null scalar; parse() gets it.
 *   SHAPE_LIST:   one non-null scalar or a non-empty sequence of them;
 *                 parse() is called for each.
 *   SHAPE_ANY:    anything but null; parse() gets the node as is.
 */
enum key_shape {
	SHAPE_SCALAR,
	SHAPE_LIST,
	SHAPE_ANY,
};

struct key_def;
typedef int (*key_parse_fn)(struct load *ld, void *obj, const struct key_def *def,
			    const struct node *key, const struct node *value);

struct key_def {
	const char *name;
	enum key_shape shape;
	const char *expect; /* "a non-negative integer": completes "expected ..." */
	key_parse_fn parse;
};

/* Keys found in one mapping, by index in its table. */
struct key_seen {
	const struct node *key[32];
	const struct node *value[32];
	bool ok[32];
	/* An unknown key (or a null or non-scalar one) was given. */
	bool unknown;
};

static int bad_value(struct load *ld, const struct key_def *def, const struct node *v)
{
	report_at(ld, v, "key '%s': expected %s, got %s", def->name, def->expect, describe(v).s);
	return -EINVAL;
}

/* Does a quoted value look like it was meant as a number? */
static bool looks_numeric(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (*s == '.')
		s++;
	return isdigit((unsigned char)*s);
}

static int quoted_number(struct load *ld, const struct key_def *def, const struct node *v)
{
	report_at(ld, v, "key '%s': expected %s, got the string %s; write numbers without quotes",
		  def->name, def->expect, show(v).s);
	return -EINVAL;
}

/* Integer magnitude per the syntax at the top of this file; sign not included. */
static int parse_magnitude(const char *s, uint64_t *ret)
{
	uint64_t v = 0;

	if (s[0] == '0' && s[1] == 'x') {
		s += 2;
		if (!*s)
			return -EINVAL;
		for (; *s; s++) {
			unsigned d;

			if (!isxdigit((unsigned char)*s))
				return -EINVAL;
			d = isdigit((unsigned char)*s) ? (unsigned)(*s - '0') :
							 (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
			if (v > (UINT64_MAX >> 4))
				return -ERANGE;
			v = (v << 4) | d;
		}
	} else {
		if (!isdigit((unsigned char)s[0]) || (s[0] == '0' && s[1]))
			return -EINVAL;
		for (; *s; s++) {
			uint64_t d = (uint64_t)(*s - '0');

			if (!isdigit((unsigned char)*s))
				return -EINVAL;
			if (v > (UINT64_MAX - d) / 10)
				return -ERANGE;
			v = v * 10 + d;
		}
	}
	*ret = v;
	return 0;
}

static int get_u64(struct load *ld, const struct key_def *def, const struct node *v, uint64_t *ret)
{
	int r;

	if (v->quoted)
		return looks_numeric(v->text) ? quoted_number(ld, def, v) : bad_value(ld, def, v);
	r = parse_magnitude(v->text + (v->text[0] == '+'), ret);
	if (r == -ERANGE) {
		report_at(ld, v, "key '%s': %s is too large (at most %" PRIu64 ")", def->name,
			  v->text, UINT64_MAX);
		return r;
	}
	if (r < 0)
		return bad_value(ld, def, v);
	return 0;
}

static int get_i64(struct load *ld, const struct key_def *def, const struct node *v, int64_t *ret)
{
	bool neg = v->text[0] == '-';
	uint64_t mag;
	int r;

	if (v->quoted)
		return looks_numeric(v->text) ? quoted_number(ld, def, v) : bad_value(ld, def, v);
	r = parse_magnitude(v->text + (neg || v->text[0] == '+'), &mag);
	if (r == 0 && mag > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
		r = -ERANGE;
	if (r == -ERANGE) {
		report_at(ld, v, "key '%s': %s is outside the 64-bit range (%" PRId64 "..%" PRId64 ")",
			  def->name, v->text, INT64_MIN, INT64_MAX);
		return r;
	}
	if (r < 0)
		return bad_value(ld, def, v);
	/* Negate in unsigned arithmetic: -INT64_MIN does not exist as int64. */
	*ret = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
}

/* YAML 1.2 core float syntax, without .inf and .nan. */
static bool float_syntax(const char *s)
{
	bool digits = false;

	if (*s == '-' || *s == '+')
		s++;
	while (isdigit((unsigned char)*s))
		s++, digits = true;
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s))
			s++, digits = true;
	}
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

static int get_double(struct load *ld, const struct key_def *def, const struct node *v, double *ret)
{
	static locale_t c_locale;

	if (v->quoted)
		return looks_numeric(v->text) ? quoted_number(ld, def, v) : bad_value(ld, def, v);
	if (!float_syntax(v->text))
		return bad_value(ld, def, v);
	/* "0.5" must not depend on the user's LC_NUMERIC. */
	if (!c_locale)
		c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (!c_locale) {
		ld->oom = true;
		return -ENOMEM;
	}
	*ret = strtod_l(v->text, NULL, c_locale);
	return 0;
}

/* Strings: any scalar style, but not a number where a name is wanted. */
static bool has_control_chars(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* ---- rule keys ---- */

enum {
	RK_NAME,
	RK_SYSCALL,
	RK_PATH,
	RK_FD,
	RK_ADDRESS,
	RK_PORT,
	RK_PROCESS,
	RK_ARGS,
	RK_ERROR,
	RK_RETVAL,
	RK_SHORT,
	RK_SIGNAL,
	RK_DELAY,
	RK_PHASE,
	RK_AFTER,
	RK_EVERY,
	RK_TIMES,
	RK_PROBABILITY,
	RK_EXPECT,
	N_RULE_KEYS,
};

_Static_assert(N_RULE_KEYS <= 32, "struct key_seen holds 32 keys");

struct rule_state {
	struct pending_rule *p;
	struct key_seen seen;
};

#define RULE(obj) (&((struct rule_state *)(obj))->p->r)

static int parse_name(struct load *ld, void *obj, const struct key_def *def,
		      const struct node *key, const struct node *v)
{
	struct rule_state *rs = obj;

	if (v->len == 0) {
		report_at(ld, v, "key '%s': the name is empty; leave the key out for a default "
			  "name", def->name);
		return -EINVAL;
	}
	if (v->len > NAME_MAX_LEN) {
		report_at(ld, v, "key '%s': name %s is longer than %d bytes", def->name, show(v).s,
			  NAME_MAX_LEN);
		return -EINVAL;
	}
	if (has_control_chars(v->text)) {
		report_at(ld, v, "key '%s': name %s contains control characters", def->name, show(v).s);
		return -EINVAL;
	}
	RULE(obj)->name = strdup(v->text);
	if (!RULE(obj)->name) {
		ld->oom = true;
		return -ENOMEM;
	}
	rs->p->name_line = v->line;
	rs->p->name_column = v->column;
	return 0;
}

static int parse_syscall(struct load *ld, void *obj, const struct key_def *def,
			 const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	const uint32_t *arches;
	size_t n_arches;
	const char *hint;
	char *name, **names;

	if (looks_numeric(v->text)) {
		report_at(ld, v, "key '%s': %s is a number; give the syscall's name "
			  "(numbers differ between ABIs)", def->name, show(v).s);
		return -EINVAL;
	}
	if (!fl_syscall_known(v->text)) {
		hint = too_many_errors(ld) ? NULL : fl_syscall_suggest(v->text);
		if (hint)
			report_at(ld, v, "key '%s': unknown syscall %s; did you mean '%s'?",
				  def->name, show(v).s, hint);
		else
			report_at(ld, v, "key '%s': unknown syscall %s", def->name, show(v).s);
		return -EINVAL;
	}
	for (size_t i = 0; i < r->n_syscalls; i++)
		if (strcmp(r->syscalls[i], v->text) == 0) {
			report_at(ld, v, "key '%s': syscall %s is listed twice in this rule",
				  def->name, show(v).s);
			return -EINVAL;
		}
	if (fl_lint_vdso(v->text))
		warn_at(ld, v, "key '%s': %s is served by the vDSO on x86_64: the C library "
			"answers it without entering the kernel, so this rule only sees raw "
			"syscall(2) uses and i386 programs", def->name, v->text);

	arches = fl_arch_list(&n_arches);
	name = strdup(v->text);
	names = name ? realloc(r->syscalls, (r->n_syscalls + 1) * sizeof(*names)) : NULL;
	if (!names) {
		free(name);
		ld->oom = true;
		return -ENOMEM;
	}
	r->syscalls = names;
	names[r->n_syscalls++] = name;

	for (size_t a = 0; a < n_arches; a++) {
		int nr = fl_syscall_nr(arches[a], name);
		struct fl_sysno *s;

		if (nr < 0)
			continue; /* exists on another ABI only */
		s = realloc(r->sysnos, (r->n_sysnos + 1) * sizeof(*s));
		if (!s) {
			ld->oom = true;
			return -ENOMEM;
		}
		r->sysnos = s;
		s[r->n_sysnos++] = (struct fl_sysno){ .arch = arches[a], .nr = nr };
	}
	return 0;
}

#define ERRNO_HINT "(an errno name such as ENOENT, or a number 1..4095)"

static int parse_error(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	int err, *errors;

	if (looks_numeric(v->text)) {
		int64_t n;

		if (get_i64(ld, def, v, &n) < 0)
			return -EINVAL;
		if (n < 1 || n > FL_ERRNO_MAX) {
			report_at(ld, v, "key '%s': %s is outside 1..%d " ERRNO_HINT, def->name,
				  v->text, FL_ERRNO_MAX);
			return -EINVAL;
		}
		err = (int)n;
	} else {
		err = fl_errno_from_name(v->text);
		if (err < 0) {
			const char *hint = too_many_errors(ld) ? NULL : fl_errno_suggest(v->text);

			if (hint)
				report_at(ld, v, "key '%s': unknown errno %s; did you mean '%s'? " ERRNO_HINT,
					  def->name, show(v).s, hint);
			else
				report_at(ld, v, "key '%s': unknown errno %s " ERRNO_HINT, def->name,
					  show(v).s);
			return -EINVAL;
		}
	}
	/* Repeats are allowed on purpose: [EIO, EIO, ENOSPC] weights the pick. */
	errors = realloc(r->errors, (r->n_errors + 1) * sizeof(*errors));
	if (!errors) {
		ld->oom = true;
		return -ENOMEM;
	}
	r->errors = errors;
	errors[r->n_errors++] = err;
	return 0;
}

/*
 * retval: decimal is a signed 64-bit value; hex (0x...) is the register's
 * bit pattern, up to 2^64-1, as in args: (0xfffffffffffff000 is -4096).
 */
static int parse_retval(struct load *ld, void *obj, const struct key_def *def,
			const struct node *key, const struct node *v)
{
	const char *t = v->text + (v->text[0] == '+');
	char shown[32] = "", fix[32];
	int64_t val;

	if (!v->quoted && t[0] == '0' && t[1] == 'x') {
		uint64_t bits;
		int r = parse_magnitude(t, &bits);

		if (r == -ERANGE) {
			report_at(ld, v, "key '%s': %s has more than 64 bits (at most "
				  "0xffffffffffffffff)", def->name, v->text);
			return -EINVAL;
		}
		if (r < 0)
			return bad_value(ld, def, v);
		val = (int64_t)bits;
		snprintf(shown, sizeof(shown), " (%" PRId64 ")", val);
	} else if (get_i64(ld, def, v, &val) < 0) {
		return -EINVAL;
	}
	/* The kernel ABI reads -4095..-1 as -errno: that is a failure, not a value. */
	if (val >= -FL_ERRNO_MAX && val <= -1) {
		const char *name = fl_errno_name((int)-val);

		if (name)
			snprintf(fix, sizeof(fix), "%s", name);
		else
			snprintf(fix, sizeof(fix), "%d", (int)-val);
		report_at(ld, v, "key '%s': %s%s would make the call fail with errno %d%s%s%s; "
			  "use 'error: %s' for a failure, or a value outside -4095..-1",
			  def->name, v->text, shown, (int)-val, name ? " (" : "", name ? name : "",
			  name ? ")" : "", fix);
		return -EINVAL;
	}
	RULE(obj)->has_retval = true;
	RULE(obj)->retval = val;
	return 0;
}

static int parse_delay(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	uint64_t ns;
	int r;

	r = fl_duration_parse(v->text, &ns);
	if (r == -ERANGE) {
		report_at(ld, v, "key '%s': duration %s is too large (at most %" PRIu64 "s)",
			  def->name, show(v).s, UINT64_MAX / 1000000000);
		return r;
	}
	if (r < 0) {
		report_at(ld, v, "key '%s': bad duration %s; expected a number with a unit ns, us, "
			  "ms or s (e.g. 250ms)", def->name, show(v).s);
		return r;
	}
	RULE(obj)->delay_ns = ns;
	return 0;
}

static int parse_phase(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	static const char *const phases[] = { "enter", "exit" };
	const char *hint;

	if (strcmp(v->text, "enter") == 0) {
		RULE(obj)->phase = FL_PHASE_ENTER;
		return 0;
	}
	if (strcmp(v->text, "exit") == 0) {
		RULE(obj)->phase = FL_PHASE_EXIT;
		return 0;
	}
	hint = fl_did_you_mean(v->text, phases, FL_ARRAY_SIZE(phases));
	if (hint)
		report_at(ld, v, "key '%s': expected %s, got %s; did you mean '%s'?", def->name,
			  def->expect, describe(v).s, hint);
	else
		bad_value(ld, def, v);
	return -EINVAL;
}

static int parse_after(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	return get_u64(ld, def, v, &RULE(obj)->after);
}

static int parse_every(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	uint64_t n;

	if (get_u64(ld, def, v, &n) < 0)
		return -EINVAL;
	if (n == 0) {
		report_at(ld, v, "key '%s': must be at least 1, got 0 (every: 1 acts on every "
			  "matching call, every: 3 on every third)", def->name);
		return -EINVAL;
	}
	RULE(obj)->every = n;
	return 0;
}

static int parse_times(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	if (get_u64(ld, def, v, &RULE(obj)->times) < 0)
		return -EINVAL;
	if (RULE(obj)->times == 0)
		warn_at(ld, v, "key '%s': 0 means the rule never acts; remove the rule, or run "
			"with --dry-run to only count calls", def->name);
	return 0;
}

static int parse_probability(struct load *ld, void *obj, const struct key_def *def,
			     const struct node *key, const struct node *v)
{
	double p = 0;

	if (get_double(ld, def, v, &p) < 0)
		return -EINVAL;
	if (!(p >= 0.0 && p <= 1.0)) {
		report_at(ld, v, "key '%s': %s is outside [0, 1]", def->name, v->text);
		return -EINVAL;
	}
	RULE(obj)->probability = p;
	if (p == 0.0)
		warn_at(ld, v, "key '%s': 0 means the rule never acts; remove the rule, or run "
			"with --dry-run to only count calls", def->name);
	return 0;
}

/* ---- filters ---- */

/* Append a copy of @s to *@arr; false on OOM (ld->oom set). */
static bool push_string(struct load *ld, char ***arr, size_t *n, const char *s)
{
	char *copy = strdup(s);
	char **a = copy ? realloc(*arr, (*n + 1) * sizeof(**arr)) : NULL;

	if (!a) {
		free(copy);
		ld->oom = true;
		return false;
	}
	*arr = a;
	a[(*n)++] = copy;
	return true;
}

static bool listed(char *const *arr, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(arr[i], s) == 0)
			return true;
	return false;
}

static int listed_twice(struct load *ld, const struct key_def *def, const struct node *v)
{
	report_at(ld, v, "key '%s': %s is listed twice in this rule", def->name, show(v).s);
	return -EINVAL;
}

/*
 * A relative pattern could only be a mistake: paths are matched absolute.
 * Say what to write instead.
 */
static void report_relative(struct load *ld, const struct key_def *def, const struct node *v)
{
	const char *t = v->text;

	if (t[0] == '~')
		report_at(ld, v, "key '%s': %s is relative; patterns are absolute and '~' is not "
			  "expanded: write the home directory out (e.g. /home/NAME/...)",
			  def->name, show(v).s);
	else if (strcmp(t, ".") == 0 || strcmp(t, "..") == 0 || strncmp(t, "./", 2) == 0 ||
		 strncmp(t, "../", 3) == 0)
		report_at(ld, v, "key '%s': %s is relative; patterns are matched against absolute "
			  "paths: write the directory out (e.g. /srv/app/...)", def->name, show(v).s);
	else
		report_at(ld, v, "key '%s': %s is relative; patterns are matched against absolute "
			  "paths: write '/**/%s' to match it in any directory", def->name, show(v).s,
			  t);
}

static int parse_path(struct load *ld, void *obj, const struct key_def *def,
		      const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	const char *msg;

	if (fl_glob_check(v->text, &msg) < 0) {
		if (v->text[0] && v->text[0] != '/' && v->text[0] != '@')
			report_relative(ld, def, v);
		else
			report_at(ld, v, "key '%s': bad pattern %s: %s", def->name, show(v).s, msg);
		return -EINVAL;
	}
	if (listed(r->paths, r->n_paths, v->text))
		return listed_twice(ld, def, v);
	return push_string(ld, &r->paths, &r->n_paths, v->text) ? 0 : -ENOMEM;
}

static int parse_process(struct load *ld, void *obj, const struct key_def *def,
			 const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	const char *msg;

	if (strchr(v->text, '/')) {
		if (v->text[0] != '/') {
			report_relative(ld, def, v);
			return -EINVAL;
		}
		if (fl_glob_check(v->text, &msg) < 0) {
			report_at(ld, v, "key '%s': bad pattern %s: %s", def->name, show(v).s, msg);
			return -EINVAL;
		}
	} else if (fl_glob_check_name(v->text, &msg) < 0) {
		report_at(ld, v, "key '%s': bad pattern %s: %s", def->name, show(v).s, msg);
		return -EINVAL;
	}
	if (listed(r->processes, r->n_processes, v->text))
		return listed_twice(ld, def, v);
	return push_string(ld, &r->processes, &r->n_processes, v->text) ? 0 : -ENOMEM;
}

static int parse_fd(struct load *ld, void *obj, const struct key_def *def,
		    const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	uint64_t n;
	int *fds;

	if (get_u64(ld, def, v, &n) < 0)
		return -EINVAL;
	if (n > INT32_MAX) {
		report_at(ld, v, "key '%s': %s is not a file descriptor (at most %d)", def->name,
			  v->text, INT32_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < r->n_fds; i++)
		if (r->fds[i] == (int)n)
			return listed_twice(ld, def, v);
	fds = realloc(r->fds, (r->n_fds + 1) * sizeof(*fds));
	if (!fds) {
		ld->oom = true;
		return -ENOMEM;
	}
	r->fds = fds;
	fds[r->n_fds++] = (int)n;
	return 0;
}

static int parse_port(struct load *ld, void *obj, const struct key_def *def,
		      const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	uint16_t *ports;
	uint64_t n;

	if (get_u64(ld, def, v, &n) < 0)
		return -EINVAL;
	if (n > 65535) {
		report_at(ld, v, "key '%s': %s is outside 0..65535", def->name, v->text);
		return -EINVAL;
	}
	for (size_t i = 0; i < r->n_ports; i++)
		if (r->ports[i] == n)
			return listed_twice(ld, def, v);
	ports = realloc(r->ports, (r->n_ports + 1) * sizeof(*ports));
	if (!ports) {
		ld->oom = true;
		return -ENOMEM;
	}
	r->ports = ports;
	ports[r->n_ports++] = (uint16_t)n;
	return 0;
}

static int parse_address(struct load *ld, void *obj, const struct key_def *def,
			 const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	struct fl_addr_pattern p, *a;
	const char *msg;
	char net[64];
	int ret;

	if (v->quoted && looks_numeric(v->text) && !strchr(v->text, ':'))
		return quoted_number(ld, def, v);
	ret = fl_addr_pattern_parse(v->text, &p, &msg);
	if (ret == -EDOM) {
		fl_addr_pattern_format(&p, net, sizeof(net));
		report_at(ld, v, "key '%s': %s has bits set past the prefix length; did you mean "
			  "'%s'?", def->name, show(v).s, net);
		return -EINVAL;
	}
	if (ret < 0) {
		report_at(ld, v, "key '%s': bad address %s: %s", def->name, show(v).s, msg);
		return -EINVAL;
	}
	for (size_t i = 0; i < r->n_addresses; i++)
		if (memcmp(&r->addresses[i], &p, sizeof(p)) == 0)
			return listed_twice(ld, def, v);
	a = realloc(r->addresses, (r->n_addresses + 1) * sizeof(*a));
	if (!a) {
		ld->oom = true;
		return -ENOMEM;
	}
	r->addresses = a;
	a[r->n_addresses++] = p;
	return 0;
}

/* An argument value: any 64-bit pattern, written signed or unsigned. */
static int get_reg(struct load *ld, const struct key_def *def, const struct node *v, uint64_t *ret)
{
	int64_t i;

	if (v->kind != NODE_SCALAR || node_is_null(v))
		return bad_value(ld, def, v);
	if (v->text[0] != '-')
		return get_u64(ld, def, v, ret);
	if (get_i64(ld, def, v, &i) < 0)
		return -EINVAL;
	*ret = (uint64_t)i;
	return 0;
}

/* {mask: BITS} */
static int parse_arg_mask(struct load *ld, const struct key_def *def, const struct node *map,
			  struct fl_arg_filter *f)
{
	const struct node *mask = NULL;

	for (size_t i = 0; i + 1 < map->n_kids; i += 2) {
		const struct node *k = map->kids[i];

		if (k->kind != NODE_SCALAR || strcmp(k->text, "mask") != 0) {
			report_at(ld, k, "key '%s': unknown key %s in an argument's mapping (the "
				  "only one is 'mask', e.g. {mask: 0x40})", def->name, describe(k).s);
			return -EINVAL;
		}
		if (mask) {
			report_at(ld, k, "key '%s': duplicate key 'mask'", def->name);
			return -EINVAL;
		}
		mask = map->kids[i + 1];
	}
	if (!mask) {
		report_at(ld, map, "key '%s': expected {mask: BITS}, got an empty mapping", def->name);
		return -EINVAL;
	}
	if (get_reg(ld, def, mask, &f->value) < 0)
		return -EINVAL;
	if (f->value == 0) {
		report_at(ld, mask, "key '%s': mask 0 holds for every value; leave the argument out",
			  def->name);
		return -EINVAL;
	}
	f->mask = true;
	return 0;
}

static int parse_args(struct load *ld, void *obj, const struct key_def *def,
		      const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	struct fl_arg_filter args[6] = { 0 };
	const struct node *first[6] = { 0 };
	int ret = 0;

	if (v->kind != NODE_MAPPING)
		return bad_value(ld, def, v);
	if (v->n_kids == 0) {
		report_at(ld, v, "key '%s': the mapping is empty; expected %s", def->name, def->expect);
		return -EINVAL;
	}
	for (size_t i = 0; i + 1 < v->n_kids && !too_many_errors(ld); i += 2) {
		const struct node *k = v->kids[i], *val = v->kids[i + 1];
		uint64_t idx;

		if (k->kind != NODE_SCALAR || k->quoted || parse_magnitude(k->text, &idx) < 0) {
			report_at(ld, k, "key '%s': argument index %s is not a number 0..5",
				  def->name, describe(k).s);
			ret = -EINVAL;
			continue;
		}
		if (idx > 5) {
			report_at(ld, k, "key '%s': argument index %s is outside 0..5 (a syscall has "
				  "at most 6 arguments, counted from 0)", def->name, k->text);
			ret = -EINVAL;
			continue;
		}
		if (first[idx]) {
			report_at(ld, k, "key '%s': argument %" PRIu64 " is given twice (first at "
				  "line %u, column %u)", def->name, idx, first[idx]->line,
				  first[idx]->column);
			ret = -EINVAL;
			continue;
		}
		first[idx] = k;
		args[idx].used = true;
		if (val->kind == NODE_MAPPING) {
			if (parse_arg_mask(ld, def, val, &args[idx]) < 0)
				ret = -EINVAL;
		} else if (get_reg(ld, def, val, &args[idx].value) < 0) {
			ret = -EINVAL;
		}
	}
	if (ret == 0)
		memcpy(r->args, args, sizeof(args));
	return ret;
}

/* ---- more effects ---- */

static int parse_short(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	size_t len = v->len;
	bool percent = len > 1 && v->text[len - 1] == '%';
	_cleanup_free_ char *num = NULL;
	uint64_t n;

	if (v->quoted)
		return looks_numeric(v->text) ? quoted_number(ld, def, v) : bad_value(ld, def, v);
	num = strndup(v->text, percent ? len - 1 : len);
	if (!num) {
		ld->oom = true;
		return -ENOMEM;
	}
	if (parse_magnitude(num, &n) == -ERANGE) {
		report_at(ld, v, "key '%s': %s is too large", def->name, v->text);
		return -EINVAL;
	}
	if (parse_magnitude(num, &n) < 0)
		return bad_value(ld, def, v);
	if (n == 0) {
		report_at(ld, v, "key '%s': %s would move no bytes, which a reader takes for end of "
			  "file; use 'retval: 0' for that", def->name, v->text);
		return -EINVAL;
	}
	if (percent && n >= 100) {
		report_at(ld, v, "key '%s': %s does not shorten anything; use 1%%..99%%", def->name,
			  v->text);
		return -EINVAL;
	}
	r->short_kind = percent ? FL_SHORT_PERCENT : FL_SHORT_BYTES;
	r->short_value = n;
	return 0;
}

static int parse_signal(struct load *ld, void *obj, const struct key_def *def,
			const struct node *key, const struct node *v)
{
	const char *names[40];
	const char *hint;
	size_t n = 0;
	int sig;

	if (v->quoted && looks_numeric(v->text))
		return quoted_number(ld, def, v);
	sig = fl_signal_from_name(v->text);
	if (sig > 0) {
		RULE(obj)->signal = sig;
		return 0;
	}
	for (int i = 1; i < 32 && n < FL_ARRAY_SIZE(names); i++)
		if (fl_signal_name(i))
			names[n++] = fl_signal_name(i);
	hint = fl_did_you_mean(v->text, names, n);
	if (hint)
		report_at(ld, v, "key '%s': unknown signal %s; did you mean '%s'?", def->name,
			  show(v).s, hint);
	else
		report_at(ld, v, "key '%s': unknown signal %s (a name such as SIGUSR1 or USR1, "
			  "SIGRTMIN+N, or a number)", def->name, show(v).s);
	return -EINVAL;
}

/* ---- expect ---- */

enum {
	EK_MIN,
	EK_MAX,
	N_EXPECT_KEYS,
};

static void parse_mapping(struct load *ld, const struct node *map, const struct key_def *defs,
			  size_t n_defs, const char *where, void *obj, struct key_seen *seen);

static int parse_expect_min(struct load *ld, void *obj, const struct key_def *def,
			    const struct node *key, const struct node *v)
{
	if (get_u64(ld, def, v, &RULE(obj)->expect_min) < 0)
		return -EINVAL;
	RULE(obj)->expect_min_given = true;
	return 0;
}

static int parse_expect_max(struct load *ld, void *obj, const struct key_def *def,
			    const struct node *key, const struct node *v)
{
	return get_u64(ld, def, v, &RULE(obj)->expect_max);
}

static const struct key_def expect_keys[N_EXPECT_KEYS] = {
	[EK_MIN] = { "min", SHAPE_SCALAR, "a non-negative integer (the fewest times the rule "
		     "must act)", parse_expect_min },
	[EK_MAX] = { "max", SHAPE_SCALAR, "a non-negative integer (the most times the rule "
		     "may act)", parse_expect_max },
};

/*
 * expect: {min: N, max: M}: a run in which the rule acted fewer than N or
 * more than M times fails (exit status 122), so that a chaos test that
 * injected nothing cannot pass silently.
 */
static int parse_expect(struct load *ld, void *obj, const struct key_def *def,
			const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	struct key_seen seen = { 0 };
	unsigned errors = ld->n_errors;

	if (v->kind != NODE_MAPPING)
		return bad_value(ld, def, v);
	if (v->n_kids == 0) {
		report_at(ld, v, "key '%s': the mapping is empty; expected %s", def->name, def->expect);
		return -EINVAL;
	}
	parse_mapping(ld, v, expect_keys, N_EXPECT_KEYS, "in 'expect'", obj, &seen);
	if (ld->n_errors != errors)
		return -EINVAL;
	if (r->expect_min > r->expect_max) {
		report_at(ld, seen.value[EK_MIN], "key 'expect': min %" PRIu64 " is more than max %"
			  PRIu64 "; no run can meet it", r->expect_min, r->expect_max);
		return -EINVAL;
	}
	r->has_expect = true;
	return 0;
}

static const struct key_def rule_keys[N_RULE_KEYS] = {
	[RK_NAME] = { "name", SHAPE_SCALAR, "a rule name", parse_name },
	[RK_SYSCALL] = { "syscall", SHAPE_LIST, "a syscall name or a list of them", parse_syscall },
	[RK_PATH] = { "path", SHAPE_LIST,
		      "an absolute path pattern such as /srv/data/** or a list of them", parse_path },
	[RK_FD] = { "fd", SHAPE_LIST, "a file descriptor number or a list of them", parse_fd },
	[RK_ADDRESS] = { "address", SHAPE_LIST,
			 "an IP address such as 10.0.0.1 or ::1, a network such as 10.0.0.0/8, "
			 "or a list of them", parse_address },
	[RK_PORT] = { "port", SHAPE_LIST, "a port number 0..65535 or a list of them", parse_port },
	[RK_PROCESS] = { "process", SHAPE_LIST,
			 "an executable name pattern such as curl, an absolute path pattern such "
			 "as /usr/bin/*, or a list of them", parse_process },
	[RK_ARGS] = { "args", SHAPE_ANY,
		      "a mapping of argument index 0..5 to a value or to {mask: BITS}, such as "
		      "{1: 0x80000}", parse_args },
	[RK_ERROR] = { "error", SHAPE_LIST,
		       "an errno name such as ENOENT, a number 1..4095, or a list of them", parse_error },
	[RK_RETVAL] = { "retval", SHAPE_SCALAR, "an integer", parse_retval },
	[RK_SHORT] = { "short", SHAPE_SCALAR,
		       "a byte count such as 100 or a percentage such as 50%", parse_short },
	[RK_SIGNAL] = { "signal", SHAPE_SCALAR, "a signal name such as SIGUSR1", parse_signal },
	[RK_DELAY] = { "delay", SHAPE_SCALAR, "a duration such as 250ms", parse_delay },
	[RK_PHASE] = { "phase", SHAPE_SCALAR, "'enter' or 'exit'", parse_phase },
	[RK_AFTER] = { "after", SHAPE_SCALAR, "a non-negative integer", parse_after },
	[RK_EVERY] = { "every", SHAPE_SCALAR, "an integer >= 1", parse_every },
	[RK_TIMES] = { "times", SHAPE_SCALAR, "a non-negative integer", parse_times },
	[RK_PROBABILITY] = { "probability", SHAPE_SCALAR, "a number between 0 and 1",
			     parse_probability },
	[RK_EXPECT] = { "expect", SHAPE_ANY,
			"a mapping with 'min' and/or 'max', such as {min: 1}", parse_expect },
};

/* ---- top-level keys ---- */

enum {
	TK_VERSION,
	TK_SEED,
	TK_RULES,
	N_TOP_KEYS,
};

_Static_assert(N_TOP_KEYS <= 32, "struct key_seen holds 32 keys");

static void parse_rule(struct load *ld, const struct node *map);

static int parse_version(struct load *ld, void *obj, const struct key_def *def,
			 const struct node *key, const struct node *v)
{
	uint64_t n;

	if (get_u64(ld, def, v, &n) < 0)
		return -EINVAL;
	if (n != 1) {
		report_at(ld, v, "key '%s': unsupported version %" PRIu64 "; this faultline reads "
			  "version 1", def->name, n);
		return -EINVAL;
	}
	return 0;
}

static int parse_seed(struct load *ld, void *obj, const struct key_def *def,
		      const struct node *key, const struct node *v)
{
	uint64_t seed;

	if (get_u64(ld, def, v, &seed) < 0)
		return -EINVAL;
	if (seed > FL_SEED_MAX) {
		report_at(ld, v, "key '%s': %" PRIu64 " is too large (at most %" PRIu64
			  ", so that the report can give it as a JSON integer)",
			  def->name, seed, (uint64_t)FL_SEED_MAX);
		return -EINVAL;
	}
	if (ld->set->has_seed && ld->set->seed != seed) {
		report_at(ld, v, "key '%s': %" PRIu64 " conflicts with seed %" PRIu64 " set at %s; "
			  "a run has one seed", def->name, seed, ld->set->seed,
			  ld->set->seed_source ? ld->set->seed_source : "?");
		return -EINVAL;
	}
	ld->has_seed = true;
	ld->seed = seed;
	ld->seed_line = key->line;
	ld->seed_column = key->column;
	return 0;
}

static int parse_rules(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	if (v->kind != NODE_SEQUENCE)
		return bad_value(ld, def, v);
	if (v->n_kids == 0) {
		report_at(ld, v, "key '%s': the list is empty; add at least one rule", def->name);
		return -EINVAL;
	}
	for (size_t i = 0; i < v->n_kids && !too_many_errors(ld); i++) {
		const struct node *item = v->kids[i];

		if (item->kind != NODE_MAPPING)
			report_at(ld, item, "key '%s': entry %zu is %s; expected a mapping of rule "
				  "keys such as 'syscall: openat'", def->name, i + 1,
				  describe(item).s);
		else
			parse_rule(ld, item);
	}
	return 0;
}

static const struct key_def top_keys[N_TOP_KEYS] = {
	[TK_VERSION] = { "version", SHAPE_SCALAR, "the number 1", parse_version },
	[TK_SEED] = { "seed", SHAPE_SCALAR, "a non-negative integer", parse_seed },
	[TK_RULES] = { "rules", SHAPE_ANY, "a list of rules (each entry starts with '- ')",
		       parse_rules },
};

/* ---- mappings ---- */

struct key_names {
	char s[512];
};

static struct key_names key_list(const struct key_def *defs, size_t n)
{
	struct key_names out;
	size_t o = 0;

	out.s[0] = '\0';
	for (size_t i = 0; i < n && o < sizeof(out.s); i++)
		o += (size_t)snprintf(out.s + o, sizeof(out.s) - o, "%s%s", i ? ", " : "", defs[i].name);
	return out;
}

/* Runs def->parse on @v after checking its shape. Returns 0 or -errno. */
static int parse_value(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	int ret = 0;

	if (node_is_null(v)) {
		report_at(ld, key, "key '%s': expected %s, got nothing", def->name, def->expect);
		return -EINVAL;
	}
	switch (def->shape) {
	case SHAPE_ANY:
		return def->parse(ld, obj, def, key, v);
	case SHAPE_SCALAR:
		if (v->kind != NODE_SCALAR)
			return bad_value(ld, def, v);
		return def->parse(ld, obj, def, key, v);
	case SHAPE_LIST:
		if (v->kind == NODE_SCALAR)
			return def->parse(ld, obj, def, key, v);
		if (v->kind != NODE_SEQUENCE)
			return bad_value(ld, def, v);
		if (v->n_kids == 0) {
			report_at(ld, v, "key '%s': the list is empty; expected %s", def->name,
				  def->expect);
			return -EINVAL;
		}
		for (size_t i = 0; i < v->n_kids && !too_many_errors(ld); i++) {
			const struct node *item = v->kids[i];
			int r;

			if (item->kind != NODE_SCALAR || node_is_null(item)) {
				report_at(ld, item, "key '%s': list entry %zu is %s; expected %s",
					  def->name, i + 1, describe(item).s, def->expect);
				ret = -EINVAL;
				continue;
			}
			r = def->parse(ld, obj, def, key, item);
			if (r < 0)
				ret = r;
		}
		return ret;
	}
	return -EINVAL;
}

static void parse_mapping(struct load *ld, const struct node *map, const struct key_def *defs,
			  size_t n_defs, const char *where, void *obj, struct key_seen *seen)
{
	for (size_t i = 0; i + 1 < map->n_kids && !too_many_errors(ld); i += 2) {
		const struct node *k = map->kids[i], *v = map->kids[i + 1];
		const struct key_def *def = NULL;
		size_t idx;

		if (k->kind != NODE_SCALAR) {
			report_at(ld, k, "a key %s is %s; keys are plain words such as '%s'", where,
				  describe(k).s, defs[0].name);
			seen->unknown = true;
			continue;
		}
		if (node_is_null(k)) {
			report_at(ld, k, "missing key name before ':' %s (valid keys: %s)", where,
				  key_list(defs, n_defs).s);
			seen->unknown = true;
			continue;
		}
		for (idx = 0; idx < n_defs; idx++)
			if (strcmp(defs[idx].name, k->text) == 0) {
				def = &defs[idx];
				break;
			}
		if (!def) {
			const char *names[FL_ARRAY_SIZE(seen->key)];
			const char *hint;

			for (size_t j = 0; j < n_defs && j < FL_ARRAY_SIZE(names); j++)
				names[j] = defs[j].name;
			hint = fl_did_you_mean(k->text, names, n_defs);
			if (hint)
				report_at(ld, k, "unknown key %s %s; did you mean '%s'? (valid keys: %s)",
					  show(k).s, where, hint, key_list(defs, n_defs).s);
			else
				report_at(ld, k, "unknown key %s %s (valid keys: %s)", show(k).s, where,
					  key_list(defs, n_defs).s);
			seen->unknown = true;
			continue;
		}
		if (seen->key[idx]) {
			report_at(ld, k, "duplicate key '%s' (first given at line %u, column %u)",
				  def->name, seen->key[idx]->line, seen->key[idx]->column);
			continue;
		}
		seen->key[idx] = k;
		seen->value[idx] = v;
		seen->ok[idx] = parse_value(ld, obj, def, k, v) == 0;
	}
}

/* The key written later of two (for "cannot be used together" messages). */
static const struct node *later(const struct node *a, const struct node *b)
{
	if (a->line != b->line)
		return a->line > b->line ? a : b;
	return a->column > b->column ? a : b;
}

/*
 * What a filter or effect needs from a call's arguments (FL_SYS_* of
 * sysinfo.h, any one of them), and how to say so when a call lacks it.
 */
static const struct {
	int key;
	unsigned needs;
	const char *lacks; /* completes "NAME takes no ..." */
} key_needs[] = {
	{ RK_PATH, FL_SYS_PATH | FL_SYS_FD | FL_SYS_SOCKADDR,
	  "path, file descriptor or socket address" },
	{ RK_FD, FL_SYS_FD, "file descriptor" },
	{ RK_ADDRESS, FL_SYS_SOCKADDR, "socket address (address: applies to connect, bind, "
	  "sendto and sendmsg)" },
	{ RK_PORT, FL_SYS_SOCKADDR, "socket address (port: applies to connect, bind, sendto "
	  "and sendmsg)" },
	{ RK_SHORT, FL_SYS_COUNT, "byte count (short: applies to read, write, pread64, pwrite64, "
	  "readv, writev, preadv, pwritev, recvfrom, sendto and the like)" },
};

/*
 * A filter that can never hold for one of the rule's syscalls is a mistake
 * (path: on getpid): say so, naming both, rather than never matching.
 */
static void check_applicable(struct load *ld, const struct rule_state *rs)
{
	const struct node *const *seen = rs->seen.key;
	const struct fl_rule *r = &rs->p->r;

	for (size_t i = 0; i < r->n_syscalls && !too_many_errors(ld); i++) {
		const char *name = r->syscalls[i];
		const struct fl_sysinfo *si = fl_sysinfo_find(name);
		unsigned caps = fl_sysinfo_caps(si), nargs = fl_sysinfo_nargs(si);

		for (size_t k = 0; k < FL_ARRAY_SIZE(key_needs); k++) {
			const struct node *key = seen[key_needs[k].key];

			if (!key || !rs->seen.ok[key_needs[k].key] || (caps & key_needs[k].needs))
				continue;
			if (!si)
				report_at(ld, key, "key '%s' can never match %s: faultline does not know "
					  "that syscall's arguments (filter on raw values with "
					  "'args' instead)", rule_keys[key_needs[k].key].name, name);
			else
				report_at(ld, key, "key '%s' can never match %s: %s takes no %s",
					  rule_keys[key_needs[k].key].name, name, name,
					  key_needs[k].lacks);
		}
		/* Raw registers exist for any call; only a known arity can rule one out. */
		if (si && seen[RK_ARGS] && rs->seen.ok[RK_ARGS]) {
			for (unsigned a = nargs; a < 6; a++) {
				if (!r->args[a].used)
					continue;
				report_at(ld, seen[RK_ARGS], "key 'args': argument %u can never match "
					  "%s: it takes %u argument%s (counted from 0)", a, name, nargs,
					  nargs == 1 ? "" : "s");
				break;
			}
		}
	}
}

/*
 * Advice: an errno that none of the man pages of the rule's syscalls lists
 * (read with ENOENT) tests an error path the program may not have. One
 * warning per errno, at its first place in the 'error' value, naming the
 * syscalls whose pages lack it; syscalls lint.c knows nothing about are
 * left out.
 */
static void check_errnos_documented(struct load *ld, const struct rule_state *rs)
{
	const struct node *value = rs->seen.value[RK_ERROR];
	const struct fl_rule *r = &rs->p->r;

	if (!value || !rs->seen.ok[RK_ERROR] || !ld->diags->warnings)
		return;
	for (size_t e = 0; e < r->n_errors; e++) {
		_cleanup_free_ char *list = NULL;
		const struct node *where;
		const char *name = fl_errno_name(r->errors[e]);
		size_t len = 0, n_bad = 0;
		bool repeat = false;
		FILE *f;

		for (size_t k = 0; k < e; k++)
			repeat |= r->errors[k] == r->errors[e];
		if (repeat)
			continue;
		/* Entry e of the list is errors[e]: a valid list parses one to one. */
		where = value->kind == NODE_SEQUENCE && e < value->n_kids ? value->kids[e] : value;
		f = open_memstream(&list, &len);
		if (!f) {
			ld->oom = true;
			return;
		}
		for (size_t i = 0; i < r->n_syscalls; i++) {
			const char *page = NULL;

			if (fl_lint_errno_documented(r->syscalls[i], r->errors[e], &page) != 0)
				continue;
			fprintf(f, "%s%s (%s)", n_bad ? ", " : "", r->syscalls[i], page);
			n_bad++;
		}
		if (fclose(f) != 0) {
			ld->oom = true;
			return;
		}
		if (!n_bad)
			continue;
		if (name)
			warn_at(ld, where, "key 'error': %s is not among the errors documented for "
				"%s; a program is rarely written to handle it (see ERRORS in the man "
				"page)", name, list);
		else
			warn_at(ld, where, "key 'error': errno %d is not among the errors documented "
				"for %s; a program is rarely written to handle it (see ERRORS in the "
				"man page)", r->errors[e], list);
	}
}

/* An 'expect' that no run can meet is a mistake, not a test. */
static void check_expect(struct load *ld, const struct rule_state *rs)
{
	const struct node *at = rs->seen.key[RK_EXPECT];
	const struct fl_rule *r = &rs->p->r;

	if (!at || !rs->seen.ok[RK_EXPECT] || r->expect_min == 0)
		return;
	if (rs->seen.ok[RK_TIMES] && r->times < r->expect_min)
		report_at(ld, at, "key 'expect': min %" PRIu64 " can never be met: 'times: %" PRIu64
			  "' lets the rule act at most %" PRIu64 " time%s", r->expect_min, r->times,
			  r->times, r->times == 1 ? "" : "s");
	else if (rs->seen.ok[RK_PROBABILITY] && r->probability == 0.0)
		report_at(ld, at, "key 'expect': min %" PRIu64 " can never be met: 'probability: 0' "
			  "never lets the rule act", r->expect_min);
}

/* Checks that span keys of one rule. */
static void check_rule(struct load *ld, const struct node *map, struct rule_state *rs)
{
	const struct node *const *seen = rs->seen.key;
	const struct fl_rule *r = &rs->p->r;
	bool result = seen[RK_ERROR] || seen[RK_RETVAL];
	/*
	 * A key that is missing may be an unknown one misspelt ('sycall') or in
	 * another tool's words ('poke_exit', 'inject'): then the unknown key is
	 * the news (its message lists the valid keys), and complaints about
	 * what the rule lacks are left out rather than put before it.
	 */
	bool unknown = rs->seen.unknown;

	if (!seen[RK_SYSCALL] && !unknown)
		report_at(ld, map, "rule has no key 'syscall'; say which syscall(s) it acts on "
			  "(e.g. syscall: openat)");
	if (!result && !seen[RK_DELAY] && !seen[RK_SHORT] && !seen[RK_SIGNAL] && !unknown)
		report_at(ld, map, "rule has no action; add 'error' (make the call fail), 'retval' "
			  "(make it succeed with a value), 'delay' (slow it down), 'short' (let it "
			  "move fewer bytes) or 'signal' (send the caller a signal)");
	if (seen[RK_ERROR] && seen[RK_RETVAL])
		report_at(ld, later(seen[RK_ERROR], seen[RK_RETVAL]),
			  "key 'error' and key 'retval' cannot be used together: "
			  "error makes the call fail, retval makes it succeed");
	if (seen[RK_SHORT] && result) {
		const struct node *other = seen[RK_ERROR] ? seen[RK_ERROR] : seen[RK_RETVAL];

		report_at(ld, later(seen[RK_SHORT], other), "key 'short' and key '%s' cannot be "
			  "used together: short lets the call run with a smaller byte count, %s "
			  "replaces its result", seen[RK_ERROR] ? "error" : "retval",
			  seen[RK_ERROR] ? "error" : "retval");
	}
	if (seen[RK_SHORT] && seen[RK_PHASE] && rs->seen.ok[RK_PHASE] && r->phase == FL_PHASE_EXIT)
		report_at(ld, later(seen[RK_SHORT], seen[RK_PHASE]), "key 'short' cannot be used "
			  "with 'phase: exit': the byte count is shortened before the call runs");
	if (rs->seen.ok[RK_DELAY] && r->delay_ns == 0 && !result && !seen[RK_SHORT] &&
	    !seen[RK_SIGNAL] && !unknown)
		report_at(ld, seen[RK_DELAY], "key 'delay': a delay of 0 does nothing and the rule "
			  "has no other action; use a positive duration or add 'error' or 'retval'");
	check_applicable(ld, rs);
	check_expect(ld, rs);
	check_errnos_documented(ld, rs);
}

static void parse_rule(struct load *ld, const struct node *map)
{
	struct pending_rule *rules;
	struct rule_state rs = { 0 };

	rules = grow_array(ld->rules, &ld->cap_rules, ld->n_rules + 1, sizeof(*rules));
	if (!rules) {
		ld->oom = true;
		return;
	}
	ld->rules = rules;
	/* Kept even when invalid: its name still takes part in the duplicate check. */
	rs.p = &rules[ld->n_rules++];
	*rs.p = (struct pending_rule){
		.r = {
			.line = map->line,
			.column = map->column,
			.phase = FL_PHASE_ENTER,
			.after = 0,
			.every = 1,
			.times = FL_TIMES_UNLIMITED,
			.probability = 1.0,
			.expect_max = FL_TIMES_UNLIMITED,
		},
	};
	parse_mapping(ld, map, rule_keys, N_RULE_KEYS, "in rule", &rs, &rs.seen);
	if (!too_many_errors(ld))
		check_rule(ld, map, &rs);
}

/* ---- names ---- */

struct name_ref {
	const char *name;
	size_t order;  /* set rules first, then pending ones */
};

static int cmp_name_ref(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_name_ref_name(const void *a, const void *b)
{
	return strcmp(((const struct name_ref *)a)->name, ((const struct name_ref *)b)->name);
}

/* Explicit names must be unique over the whole set, this source included. */
static void check_names(struct load *ld)
{
	const struct fl_rule_set *set = ld->set;
	_cleanup_free_ struct name_ref *refs = NULL;
	size_t n = 0;

	refs = calloc(set->n_rules + ld->n_rules + 1, sizeof(*refs));
	if (!refs) {
		ld->oom = true;
		return;
	}
	for (size_t i = 0; i < set->n_rules; i++)
		if (set->rules[i].name)
			refs[n++] = (struct name_ref){ set->rules[i].name, i };
	for (size_t i = 0; i < ld->n_rules; i++)
		if (ld->rules[i].r.name)
			refs[n++] = (struct name_ref){ ld->rules[i].r.name, set->n_rules + i };
	qsort(refs, n, sizeof(*refs), cmp_name_ref);

	for (size_t i = 1; i < n; i++) {
		size_t first = i - 1;
		const struct pending_rule *dup;
		const char *file;
		unsigned line;

		if (strcmp(refs[i].name, refs[i - 1].name) != 0)
			continue;
		while (first > 0 && strcmp(refs[first - 1].name, refs[i].name) == 0)
			first--;
		/* Set rules sort first and never clash with each other. */
		dup = &ld->rules[refs[i].order - set->n_rules];
		if (refs[first].order < set->n_rules) {
			file = set->rules[refs[first].order].file;
			line = set->rules[refs[first].order].line;
		} else {
			file = ld->origin;
			line = ld->rules[refs[first].order - set->n_rules].r.line;
		}
		report(ld, dup->name_line, dup->name_column,
		       "key 'name': duplicate rule name %s (first used at %s:%u); rule names "
		       "must be unique", show_text(dup->r.name, strlen(dup->r.name), '\'').s,
		       file, line);
	}
}

/* ---- shadowed rules ---- */

/*
 * A rule that acts on every call it matches: no filters, no counters, no
 * probability, and not 'short' (which passes calls that ask for too few
 * bytes). Rules after it never see those calls.
 */
static bool always_acts(const struct fl_rule *r)
{
	return !fl_rule_has_filters(r) && r->after == 0 && r->every == 1 &&
	       r->times == FL_TIMES_UNLIMITED && r->probability >= 1.0 &&
	       r->short_kind == FL_SHORT_NONE && fl_rule_has_action(r);
}

static bool covers(const struct fl_rule *early, const struct fl_rule *late)
{
	for (size_t i = 0; i < late->n_syscalls; i++)
		if (!listed(early->syscalls, early->n_syscalls, late->syscalls[i]))
			return false;
	return late->n_syscalls > 0;
}

/*
 * Warn about each rule of this source that can never act because an
 * earlier one (of this source or of one loaded before) always acts on all
 * of its syscalls first: rules are tried in order and the first that acts
 * wins.
 */
static void check_shadowed(struct load *ld)
{
	const struct fl_rule_set *set = ld->set;

	if (!ld->diags->warnings)
		return;
	for (size_t i = 0; i < ld->n_rules; i++) {
		const struct fl_rule *late = &ld->rules[i].r;
		const struct fl_rule *early = NULL;
		const char *file = ld->origin;

		for (size_t j = 0; j < set->n_rules && !early; j++)
			if (always_acts(&set->rules[j]) && covers(&set->rules[j], late)) {
				early = &set->rules[j];
				file = early->file;
			}
		for (size_t j = 0; j < i && !early; j++)
			if (always_acts(&ld->rules[j].r) && covers(&ld->rules[j].r, late))
				early = &ld->rules[j].r;
		if (!early)
			continue;
		if (early->name)
			warn(ld, late->line, late->column, "this rule never sees a call: rule '%s' "
			     "(%s:%u) comes first and acts on every call to its syscalls; put this "
			     "rule first or give that one a filter", early->name, file, early->line);
		else
			warn(ld, late->line, late->column, "this rule never sees a call: the rule at "
			     "%s:%u comes first and acts on every call to its syscalls; put this "
			     "rule first or give that one a filter", file, early->line);
	}
}

/* ---- documents ---- */

static void load_document(struct load *ld, const struct node *root)
{
	struct key_seen seen = { 0 };

	if (!root || node_is_null(root)) {
		report(ld, 0, 0, "no rules: the file is empty; expected a top-level 'rules:' list");
		return;
	}
	if (root->kind != NODE_MAPPING) {
		report_at(ld, root, "expected a mapping with a 'rules:' list at the top level, got %s%s",
			  describe(root).s,
			  root->kind == NODE_SEQUENCE ? " (put the rules under 'rules:')" : "");
		return;
	}
	parse_mapping(ld, root, top_keys, N_TOP_KEYS, "at the top level", ld, &seen);
	/* As for a rule's missing keys (check_rule): an unknown key may be 'rules'. */
	if (!seen.key[TK_RULES] && !seen.unknown && !too_many_errors(ld))
		report_at(ld, root, "no rules: missing top-level key 'rules' (a list of rules, "
			  "e.g. 'rules: [{syscall: openat, error: ENOENT}]')");
}

static void load_inline_rule(struct load *ld, const struct node *root)
{
	if (!root || node_is_null(root)) {
		report(ld, 0, 0, "no rule: the text is empty; expected a mapping such as "
		       "{syscall: openat, error: EACCES}");
		return;
	}
	if (root->kind != NODE_MAPPING) {
		report_at(ld, root, "expected a mapping of rule keys such as {syscall: openat, "
			  "error: EACCES}, got %s", describe(root).s);
		return;
	}
	parse_rule(ld, root);
}

/* Move the pending rules into the set. Allocates first: on -ENOMEM nothing changed. */
static int commit(struct load *ld)
{
	struct fl_rule_set *set = ld->set;
	_cleanup_free_ char *source = NULL, *seed_source = NULL;
	struct fl_rule *rules;
	char **sources;

	source = strdup(ld->origin);
	if (!source)
		return -ENOMEM;
	if (ld->has_seed && !set->has_seed &&
	    asprintf(&seed_source, "%s:%u", ld->origin, ld->seed_line) < 0) {
		seed_source = NULL;
		return -ENOMEM;
	}
	sources = realloc(set->sources, (set->n_sources + 1) * sizeof(*sources));
	if (!sources)
		return -ENOMEM;
	set->sources = sources;
	rules = realloc(set->rules, (set->n_rules + ld->n_rules + 1) * sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	set->rules = rules;

	for (size_t i = 0; i < ld->n_rules; i++) {
		rules[set->n_rules] = ld->rules[i].r;
		rules[set->n_rules++].file = source;
	}
	ld->n_rules = 0;
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
		.diags = diags,
		.first_diag = diags->n,
	};
	int r;

	if (len > FL_MAX_RULE_FILE_SIZE) {
		r = diags_addf(diags, ld.origin, 0, 0, "rules are too large (%zu bytes; the limit "
			       "is %d bytes)", len, FL_MAX_RULE_FILE_SIZE);
		return r < 0 ? r : -EFBIG;
	}

	r = scan_text(&ld, text, len, SIZE_MAX, NULL, NULL);
	if (r == 0)
		r = build_tree(&ld, text, len, &root);
	if (r == 0) {
		if (mode == LOAD_FILE)
			load_document(&ld, root);
		else
			load_inline_rule(&ld, root);
		if (!too_many_errors(&ld))
			check_names(&ld);
		/* Only over rules that loaded: half-parsed ones would mislead. */
		if (ld.n_errors == 0)
			check_shadowed(&ld);
	}
	if (ld.n_errors == 0 && !ld.oom) {
		r = commit(&ld);
		if (r < 0)
			ld.oom = true;
	}
	sort_diags(&ld);
	if (ld.n_errors >= MAX_ERRORS)
		diags_addf(diags, ld.origin, 0, 0, "too many errors; stopped after %d", MAX_ERRORS);
	load_done(&ld);

	if (ld.oom) {
		diags_addf(diags, ld.origin, 0, 0, "out of memory");
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

/*
 * Read at most FL_MAX_RULE_FILE_SIZE + 1 bytes: a bigger file is refused
 * without reading it all, pipes and /dev/stdin work too.
 */
static int read_file(const char *path, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
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
	size_t len = 0;
	int r, q;

	r = read_file(path, &text, &len);
	if (r == -EFBIG) {
		q = diags_addf(diags, path, 0, 0, "rule file is too large (the limit is %d bytes)",
			       FL_MAX_RULE_FILE_SIZE);
		return q < 0 ? q : r;
	}
	if (r < 0) {
		q = diags_addf(diags, path, 0, 0, "cannot read rule file: %s", strerror(-r));
		return q < 0 ? q : r;
	}
	return load_text(set, path, text, len, diags, LOAD_FILE);
}

/* ---- the keys, for `faultline list keys` ---- */

void fl_rules_foreach_key(void (*fn)(const char *path, const char *expect, void *ud), void *ud)
{
	char path[64];

	for (size_t i = 0; i < N_TOP_KEYS; i++)
		fn(top_keys[i].name, top_keys[i].expect, ud);
	for (size_t i = 0; i < N_RULE_KEYS; i++) {
		snprintf(path, sizeof(path), "rules[].%s", rule_keys[i].name);
		fn(path, rule_keys[i].expect, ud);
	}
	for (size_t i = 0; i < N_EXPECT_KEYS; i++) {
		snprintf(path, sizeof(path), "rules[].expect.%s", expect_keys[i].name);
		fn(path, expect_keys[i].expect, ud);
	}
	/* parse_arg_mask()'s one key. */
	fn("rules[].args.N.mask", "an integer whose bits must all be set in argument N", ud);
}

/* ---- across sources ---- */

int fl_rules_finish(struct fl_rule_set *set, struct fl_diags *diags)
{
	_cleanup_free_ struct name_ref *refs = NULL;
	size_t n = 0, errors = 0;

	if (set->n_rules == 0) {
		int r = diags_addf(diags, set->n_sources ? set->sources[0] : "<rules>", 0, 0,
				   "no rules: load a rule file or give an inline rule");
		return r < 0 ? r : -EINVAL;
	}

	refs = calloc(set->n_rules, sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	for (size_t i = 0; i < set->n_rules; i++)
		if (set->rules[i].name)
			refs[n++] = (struct name_ref){ set->rules[i].name, i };
	qsort(refs, n, sizeof(*refs), cmp_name_ref);

	/* The loader refuses duplicates as they come; this also covers sets built by hand. */
	for (size_t i = 1; i < n; i++) {
		const struct fl_rule *dup = &set->rules[refs[i].order];
		size_t first = i - 1;

		if (strcmp(refs[i].name, refs[i - 1].name) != 0)
			continue;
		while (first > 0 && strcmp(refs[first - 1].name, refs[i].name) == 0)
			first--;
		errors++;
		if (diags_addf(diags, dup->file, dup->line, dup->column,
			       "key 'name': duplicate rule name '%s' (first used at %s:%u); rule "
			       "names must be unique", dup->name, set->rules[refs[first].order].file,
			       set->rules[refs[first].order].line) < 0)
			return -ENOMEM;
	}

	/* A default name "rule N" must not be taken by a rule that named itself so. */
	for (size_t i = 0; i < set->n_rules; i++) {
		char buf[32];
		struct name_ref key = { buf, 0 }, *hit;
		const struct fl_rule *owner;

		if (set->rules[i].name)
			continue;
		snprintf(buf, sizeof(buf), "rule %zu", i + 1);
		hit = bsearch(&key, refs, n, sizeof(*refs), cmp_name_ref_name);
		if (!hit)
			continue;
		owner = &set->rules[hit->order];
		errors++;
		if (diags_addf(diags, owner->file, owner->line, owner->column,
			       "key 'name': '%s' is also the default name of the unnamed rule at "
			       "%s:%u; choose another name", owner->name, set->rules[i].file,
			       set->rules[i].line) < 0)
			return -ENOMEM;
	}
	if (errors)
		return -EINVAL;

	for (size_t i = 0; i < set->n_rules; i++) {
		if (set->rules[i].name)
			continue;
		if (asprintf(&set->rules[i].name, "rule %zu", i + 1) < 0) {
			set->rules[i].name = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

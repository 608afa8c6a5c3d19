/*
 * Private to src/rules: what the loader's parts share. One struct load is
 * one source being loaded (diag.c reports into it, keys.c and friends fill
 * its pending rules, loader.c commits them); struct node is the YAML tree
 * (yaml.c); struct key_def a key of a key table (keytable.c runs them).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/rules.h"

/* Rule files are a few levels deep; anything deeper is not a rule file. */
#define MAX_DEPTH 64
/* After this many errors in one source, stop: the rest is noise. */
#define MAX_ERRORS 100
/* Values quoted in messages are cut to this many characters. */
#define SHOW_MAX 40
#define NAME_MAX_LEN 128

/* ---- small helpers ---- */

/* Make room for @need elements; returns the (maybe moved) array or NULL. */
static inline void *grow_array(void *ptr, size_t *cap, size_t need, size_t size)
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

/* A YAML null: empty plain scalar, "~" or null/Null/NULL. */
static inline bool node_is_null(const struct node *n)
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
	const char *text;        /* the source, kept by the set on commit() */
	size_t len;
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

	/* The entries seen so far of the list under key node listed_key. */
	struct fl_strset listed;
	const struct node *listed_key;
};

/* ---- diagnostics (diag.c) ---- */

/* Append a diagnostic to @diags outside of a load (file-level messages). */
__attribute__((format(printf, 5, 6)))
int fl_diags_addf(struct fl_diags *diags, const char *file, unsigned line, unsigned column,
		  const char *fmt, ...);

/* This load made MAX_ERRORS errors or ran out of memory: stop checking. */
static inline bool too_many_errors(const struct load *ld)
{
	return ld->n_errors >= MAX_ERRORS || ld->oom;
}

/* An error of this load at @line:@column (0 when unknown). */
__attribute__((format(printf, 4, 5)))
void fl_load_error(struct load *ld, unsigned line, unsigned column, const char *fmt, ...);
#define report_at(ld, node, ...) fl_load_error((ld), (node)->line, (node)->column, __VA_ARGS__)

/*
 * An advisory diagnostic: the rules still load. Only collected when the
 * caller asked for warnings (fl_diags.warnings), and never counted as an
 * error.
 */
__attribute__((format(printf, 4, 5)))
void fl_load_warn(struct load *ld, unsigned line, unsigned column, const char *fmt, ...);
#define warn_at(ld, node, ...) fl_load_warn((ld), (node)->line, (node)->column, __VA_ARGS__)

/* Put this load's diagnostics in file order. */
void fl_sort_diags(struct load *ld);

/* A value as shown in a message: escaped, cut short, in quotes. */
struct shown {
	char s[SHOW_MAX * 4 + 16];
};

struct shown fl_show_text(const char *text, size_t len, char quote);
static inline struct shown show(const struct node *n)
{
	return fl_show_text(n->text, n->len, n->quoted ? '"' : '\'');
}

struct described {
	char s[sizeof(struct shown) + 16];
};

/* "nothing", "a sequence", "a mapping", "'foo'" or "the string \"2\"". */
struct described fl_describe(const struct node *n);

/* ---- the rule set (ruleset.c) ---- */

/* Free what @r owns and zero it. */
void fl_rule_done(struct fl_rule *r);

/* ---- pass 1: the bytes (text.c) ---- */

/*
 * Report the first NUL byte, invalid UTF-8 and disallowed control
 * character of @text, with their line and column as libyaml counts them.
 * Returns 0 or -EINVAL. With @stop_at not SIZE_MAX, only computes the
 * position of that byte offset into *@ret_line / *@ret_column (@ld may be
 * NULL then).
 */
int fl_scan_text(struct load *ld, const char *text, size_t len, size_t stop_at,
		 unsigned *ret_line, unsigned *ret_column);

/* ---- pass 2: the tree (yaml.c) ---- */

void fl_node_free(struct node *n);
static inline void node_freep(struct node **n)
{
	fl_node_free(*n);
}

/* Parse @text into a tree; errors are reported into @ld. */
int fl_build_tree(struct load *ld, const char *text, size_t len, struct node **ret_root);

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

/* ---- rule keys ---- */

enum {
	RK_NAME,
	RK_SYSCALL,
	RK_PATH,
	RK_FD,
	RK_FD_TYPE,
	RK_ADDRESS,
	RK_PORT,
	RK_PROCESS,
	RK_CALLER,
	RK_ARGS,
	RK_ERROR,
	RK_RETVAL,
	RK_SHORT,
	RK_SIGNAL,
	RK_POKE,
	RK_CORRUPT,
	RK_STAT,
	RK_CLOCK,
	RK_DELAY,
	RK_PHASE,
	RK_AFTER,
	RK_EVERY,
	RK_TIMES,
	RK_PROBABILITY,
	RK_PER,
	RK_EXPECT,
	RK_CRASH,
	RK_DIRS,
	N_RULE_KEYS,
};

_Static_assert(N_RULE_KEYS <= 32, "struct key_seen holds 32 keys");

struct rule_state {
	struct pending_rule *p;
	struct key_seen seen;
	/*
	 * For each of p->r.calls, the 'syscall' entry that brought it in: a
	 * name, or a "@group" (whose members the checks may leave out).
	 */
	const struct node **call_by;
	size_t cap_calls;
};

#define RULE(obj) (&((struct rule_state *)(obj))->p->r)

/* ---- expect ---- */

enum {
	EK_MIN,
	EK_MAX,
	N_EXPECT_KEYS,
};

/* ---- delay: {enter, exit} ---- */

enum {
	DK_ENTER,
	DK_EXIT,
	N_DELAY_KEYS,
};

/* ---- poke: {arg, data} ---- */

enum {
	PK_ARG,
	PK_DATA,
	N_POKE_KEYS,
};

/* ---- corrupt: {bytes, how} ---- */

enum {
	CK_BYTES,
	CK_HOW,
	N_CORRUPT_KEYS,
};

/* ---- clock: {offset | jump, clocks} ---- */

enum {
	KK_OFFSET,
	KK_JUMP,
	KK_CLOCKS,
	N_CLOCK_KEYS,
};

/* Most bytes one poke writes. */
#define POKE_MAX 4096

/* ---- top-level keys ---- */

enum {
	TK_VERSION,
	TK_SEED,
	TK_RULES,
	N_TOP_KEYS,
};

_Static_assert(N_TOP_KEYS <= 32, "struct key_seen holds 32 keys");

/* ---- value syntax (syntax.c) ---- */

/* "key 'K': expected ..., got ...": returns -EINVAL. */
int fl_bad_value(struct load *ld, const struct key_def *def, const struct node *v);
/* Does a quoted value look like it was meant as a number? */
bool fl_looks_numeric(const char *s);
int fl_quoted_number(struct load *ld, const struct key_def *def, const struct node *v);
/* Integer magnitude per the syntax at the top of loader.c; sign not included. */
int fl_parse_magnitude(const char *s, uint64_t *ret);
int fl_get_u64(struct load *ld, const struct key_def *def, const struct node *v, uint64_t *ret);
int fl_get_i64(struct load *ld, const struct key_def *def, const struct node *v, int64_t *ret);
int fl_get_double(struct load *ld, const struct key_def *def, const struct node *v, double *ret);
bool fl_has_control_chars(const char *s);

/* ---- the key parsers (keys.c, filter_keys.c) ---- */

extern const struct key_def fl_rule_keys[N_RULE_KEYS];
extern const struct key_def fl_expect_keys[N_EXPECT_KEYS];
extern const struct key_def fl_delay_keys[N_DELAY_KEYS];
extern const struct key_def fl_poke_keys[N_POKE_KEYS];
extern const struct key_def fl_corrupt_keys[N_CORRUPT_KEYS];
extern const struct key_def fl_stat_keys[FL_STAT_N_FIELDS];
extern const struct key_def fl_clock_keys[N_CLOCK_KEYS];
/* clock: (clock_keys.c), and the checks of a clock: rule's other keys and its calls. */
int fl_parse_clock(struct load *ld, void *obj, const struct key_def *def,
		   const struct node *key, const struct node *v);
void fl_check_clock_rule(struct load *ld, struct rule_state *rs);
int fl_parse_stat(struct load *ld, void *obj, const struct key_def *def,
		  const struct node *key, const struct node *v);
int fl_parse_corrupt(struct load *ld, void *obj, const struct key_def *def,
		     const struct node *key, const struct node *v);

/* crash: and dirs: (crash_keys.c), and their checks across the rule's keys. */
int fl_parse_crash(struct load *ld, void *obj, const struct key_def *def,
		   const struct node *key, const struct node *v);
int fl_parse_dirs(struct load *ld, void *obj, const struct key_def *def,
		  const struct node *key, const struct node *v);
void fl_check_crash(struct load *ld, const struct rule_state *rs);

/* The effects that write tracee memory (effect_keys.c). */
int fl_parse_poke(struct load *ld, void *obj, const struct key_def *def,
		  const struct node *key, const struct node *v);
extern const struct key_def fl_top_keys[N_TOP_KEYS];

bool fl_listed(char *const *arr, size_t n, const char *s);
int fl_parse_path(struct load *ld, void *obj, const struct key_def *def,
		  const struct node *key, const struct node *v);
int fl_parse_process(struct load *ld, void *obj, const struct key_def *def,
		     const struct node *key, const struct node *v);
int fl_parse_caller(struct load *ld, void *obj, const struct key_def *def,
		    const struct node *key, const struct node *v);
int fl_parse_fd(struct load *ld, void *obj, const struct key_def *def,
		const struct node *key, const struct node *v);
int fl_parse_fd_type(struct load *ld, void *obj, const struct key_def *def,
		     const struct node *key, const struct node *v);
int fl_parse_port(struct load *ld, void *obj, const struct key_def *def,
		  const struct node *key, const struct node *v);
int fl_parse_address(struct load *ld, void *obj, const struct key_def *def,
		     const struct node *key, const struct node *v);
int fl_parse_args(struct load *ld, void *obj, const struct key_def *def,
		  const struct node *key, const struct node *v);

/* ---- syscall names and groups (syscalls.c) ---- */

/* The parser of 'syscall': a name or a "@group", once per list entry. */
int fl_parse_syscall(struct load *ld, void *obj, const struct key_def *def,
		     const struct node *key, const struct node *v);
/*
 * Leave out the calls of @rs that came from a group and for which @keep
 * returns false; then error at @at for each group left with none, saying
 * "@why" about it. Returns the number of calls left out.
 */
size_t fl_calls_narrow(struct load *ld, struct rule_state *rs, const struct node *at,
		       bool (*keep)(const char *call, const void *ud), const void *ud,
		       const char *why);
/* Add call @name (a static string) to @rs, brought in by @by. 0 or -ENOMEM. */
int fl_calls_add(struct load *ld, struct rule_state *rs, const char *name, const struct node *by);
/* Resolve each call of @rs for every ABI into its sysnos (after the checks). */
void fl_calls_resolve(struct load *ld, struct rule_state *rs);

/* ---- the key-table engine (keytable.c) ---- */

/*
 * Check each key of @map against @defs and run its parser; what was found
 * goes to @seen. @where completes messages ("in rule").
 */
void fl_parse_mapping(struct load *ld, const struct node *map, const struct key_def *defs,
		      size_t n_defs, const char *where, void *obj, struct key_seen *seen);

/* ---- cross-key checks (checks.c) ---- */

/* Parse one rule mapping into a pending rule and run the checks spanning its keys. */
void fl_parse_rule(struct load *ld, const struct node *map);
/* Explicit names must be unique over the whole set, this source included. */
void fl_check_names(struct load *ld);

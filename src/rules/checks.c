/*
 * Checks that span keys: within a rule (an action is given, keys that
 * cannot be used together, filters that can never apply to a syscall, an
 * expect no run can meet), and across rules (unique names, in a source and
 * over the whole set).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/arch.h"
#include "faultline/sys.h"
#include "faultline/rules.h"
#include "faultline/base.h"
#include "lint.h"
#include "load.h"

/* The key written later of two (for "cannot be used together" messages). */
static const struct node *later(const struct node *a, const struct node *b)
{
	if (a->line != b->line)
		return a->line > b->line ? a : b;
	return a->column > b->column ? a : b;
}

/*
 * What a filter or effect needs from a call's arguments (FL_SYS_* of
 * sys.h, any one of them), and how to say so when a call lacks it.
 */
static const struct {
	int key;
	unsigned needs;
	const char *lacks; /* completes "NAME takes no ..." */
} key_needs[] = {
	{ RK_PATH, FL_SYS_PATH | FL_SYS_FD | FL_SYS_SOCKADDR,
	  "path, file descriptor or socket address" },
	{ RK_FD, FL_SYS_FD, "file descriptor" },
	{ RK_FD_TYPE, FL_SYS_FD, "file descriptor" },
	{ RK_ADDRESS, FL_SYS_SOCKADDR, "socket address (address: applies to connect, bind, "
	  "sendto and sendmsg)" },
	{ RK_PORT, FL_SYS_SOCKADDR, "socket address (port: applies to connect, bind, sendto "
	  "and sendmsg)" },
	{ RK_SHORT, FL_SYS_COUNT, "byte count (short: applies to read, write, pread64, pwrite64, "
	  "readv, writev, preadv, pwritev, recvfrom, sendto and the like)" },
};

struct needs {
	unsigned caps;   /* FL_SYS_* (any one), or 0 */
	unsigned nargs;  /* with caps 0: the call takes at least this many arguments */
	int ptr_arg;     /* >= 0: instead, argument ptr_arg points to memory of the caller's */
	bool data;       /* instead, the call moves data through a buffer (fl_sysinfo_data_dir) */
	bool stat;       /* instead, the call fills a struct stat or statx */
};

static const char *const stat_calls[] = { "stat", "lstat", "fstat", "newfstatat", "statx" };

/* Argument kinds that point into the caller's memory (an iovec array is not a buffer). */
static bool is_pointer(const struct fl_sysinfo *si, unsigned i)
{
	return si && i < fl_sysinfo_nargs(si) && strchr("APTSH", si->args[i]);
}

static bool call_has(const char *call, const void *ud)
{
	const struct needs *n = ud;
	const struct fl_sysinfo *si = fl_sysinfo_find(call);

	if (n->data)
		return fl_sysinfo_data_dir(si) != 0;
	if (n->stat) {
		for (size_t i = 0; i < FL_ARRAY_SIZE(stat_calls); i++)
			if (strcmp(call, stat_calls[i]) == 0)
				return true;
		return false;
	}
	if (n->ptr_arg >= 0)
		return is_pointer(si, (unsigned)n->ptr_arg);
	if (n->caps)
		return fl_sysinfo_caps(si) & n->caps;
	return si && fl_sysinfo_nargs(si) >= n->nargs;
}

/* poke: argument N must point to memory on every call (a group is narrowed to those). */
static void check_pointer_arg(struct load *ld, struct rule_state *rs, int key, unsigned arg)
{
	const struct node *at = rs->seen.key[key];
	struct fl_rule *r = &rs->p->r;
	struct needs needs = { .ptr_arg = (int)arg };
	const char *name = fl_rule_keys[key].name;
	char why[96];

	for (size_t i = 0; i < r->n_calls && !too_many_errors(ld); i++) {
		const struct fl_sysinfo *si = fl_sysinfo_find(r->calls[i]);

		if (rs->call_by[i]->text[0] == '@' || is_pointer(si, arg))
			continue;
		if (!si)
			report_at(ld, at, "key '%s' can never apply to %s: faultline does not know "
				  "that syscall's arguments", name, r->calls[i]);
		else if (arg >= fl_sysinfo_nargs(si))
			report_at(ld, at, "key '%s': %s takes %u argument%s (counted from 0), so "
				  "there is no argument %u", name, r->calls[i], fl_sysinfo_nargs(si),
				  fl_sysinfo_nargs(si) == 1 ? "" : "s", arg);
		else
			report_at(ld, at, "key '%s': argument %u of %s is not a pointer to a buffer",
				  name, arg, r->calls[i]);
	}
	snprintf(why, sizeof(why), "in none of them is argument %u a pointer to a buffer", arg);
	fl_calls_narrow(ld, rs, at, call_has, &needs, why);
}

/*
 * A filter that can never hold for one of the rule's syscalls is a mistake
 * (path: on getpid): say so, naming both, rather than never matching. A
 * group is narrowed to the members it can hold for instead (path: with
 * @file-system leaves out getcwd); a group left with none is the mistake.
 */
static void check_applicable(struct load *ld, struct rule_state *rs)
{
	const struct node *const *seen = rs->seen.key;
	struct fl_rule *r = &rs->p->r;
	int max_arg = -1;

	for (size_t k = 0; k < FL_ARRAY_SIZE(key_needs); k++) {
		const struct node *key = seen[key_needs[k].key];
		struct needs needs = { .caps = key_needs[k].needs, .ptr_arg = -1 };
		char why[256];

		if (!key || !rs->seen.ok[key_needs[k].key])
			continue;
		for (size_t i = 0; i < r->n_calls && !too_many_errors(ld); i++) {
			const char *name = r->calls[i];
			const struct fl_sysinfo *si = fl_sysinfo_find(name);

			if (rs->call_by[i]->text[0] == '@' || call_has(name, &needs))
				continue;
			if (!si)
				report_at(ld, key, "key '%s' can never match %s: faultline does not know "
					  "that syscall's arguments (filter on raw values with "
					  "'args' instead)", fl_rule_keys[key_needs[k].key].name, name);
			else
				report_at(ld, key, "key '%s' can never match %s: %s takes no %s",
					  fl_rule_keys[key_needs[k].key].name, name, name,
					  key_needs[k].lacks);
		}
		snprintf(why, sizeof(why), "none of them takes a %s", key_needs[k].lacks);
		fl_calls_narrow(ld, rs, key, call_has, &needs, why);
	}
	if (seen[RK_POKE] && rs->seen.ok[RK_POKE]) {
		bool result = seen[RK_ERROR] || seen[RK_RETVAL];

		check_pointer_arg(ld, rs, RK_POKE, r->poke_arg);
		/*
		 * Before a read-like call runs, its buffer is about to be filled
		 * by the call itself: a poke there is overwritten.
		 */
		for (size_t i = 0; i < r->n_calls && r->phase == FL_PHASE_ENTER && !result; i++) {
			const struct fl_sysinfo *si = fl_sysinfo_find(r->calls[i]);
			int buf = fl_sysinfo_arg(si, FL_ARG_ADDR, 0);

			if (rs->call_by[i]->text[0] == '@' || fl_sysinfo_data_dir(si) != FL_DATA_IN ||
			    buf != (int)r->poke_arg)
				continue;
			warn_at(ld, seen[RK_POKE], "key 'poke': %s fills argument %u itself, so a poke "
				"before it runs is overwritten; use 'phase: exit' to change what it "
				"returns", r->calls[i], r->poke_arg);
		}
	}
	if (seen[RK_CORRUPT] && rs->seen.ok[RK_CORRUPT]) {
		struct needs needs = { .data = true, .ptr_arg = -1 };

		for (size_t i = 0; i < r->n_calls && !too_many_errors(ld); i++)
			if (rs->call_by[i]->text[0] != '@' && !call_has(r->calls[i], &needs))
				report_at(ld, seen[RK_CORRUPT], "key 'corrupt' can never apply to %s: it "
					  "damages the data of read, pread64, readv, preadv, preadv2, "
					  "recvfrom, recvmsg, write, pwrite64, writev, pwritev, "
					  "pwritev2, sendto and sendmsg", r->calls[i]);
		fl_calls_narrow(ld, rs, seen[RK_CORRUPT], call_has, &needs,
				"none of them reads or writes data through a buffer");
	}
	if (seen[RK_STAT] && rs->seen.ok[RK_STAT]) {
		struct needs needs = { .stat = true, .ptr_arg = -1 };

		for (size_t i = 0; i < r->n_calls && !too_many_errors(ld); i++)
			if (rs->call_by[i]->text[0] != '@' && !call_has(r->calls[i], &needs))
				report_at(ld, seen[RK_STAT], "key 'stat' can never apply to %s: it fakes "
					  "the result of stat, lstat, fstat, newfstatat and statx",
					  r->calls[i]);
		fl_calls_narrow(ld, rs, seen[RK_STAT], call_has, &needs,
				"none of them is stat, lstat, fstat, newfstatat or statx");
	}
	/* Raw registers exist for any call; only a known arity can rule one out. */
	if (!seen[RK_ARGS] || !rs->seen.ok[RK_ARGS])
		return;
	for (int a = 0; a < 6; a++)
		if (r->args[a].used)
			max_arg = a;
	if (max_arg < 0)
		return;
	for (size_t i = 0; i < r->n_calls && !too_many_errors(ld); i++) {
		const struct fl_sysinfo *si = fl_sysinfo_find(r->calls[i]);
		unsigned nargs = fl_sysinfo_nargs(si);

		if (rs->call_by[i]->text[0] == '@' || !si || (int)nargs > max_arg)
			continue;
		for (unsigned a = nargs; a < 6; a++) {
			if (!r->args[a].used)
				continue;
			report_at(ld, seen[RK_ARGS], "key 'args': argument %u can never match "
				  "%s: it takes %u argument%s (counted from 0)", a, r->calls[i], nargs,
				  nargs == 1 ? "" : "s");
			break;
		}
	}
	{
		struct needs needs = { .nargs = (unsigned)max_arg + 1, .ptr_arg = -1 };
		char why[128];

		snprintf(why, sizeof(why), "none of them takes an argument %d", max_arg);
		fl_calls_narrow(ld, rs, seen[RK_ARGS], call_has, &needs, why);
	}
}

/*
 * Where syscall @name exists besides the native ABI of @here: "arm,
 * x86_64, i386" (the other ABIs of this architecture first), into @buf.
 */
static void abis_having(const struct fl_arch *here, const char *name, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int pass = 0; pass < 2; pass++)
		for (const struct fl_arch *const *a = fl_arch_all(); *a; a++) {
			if ((pass == 0) != (*a == here))
				continue;
			for (size_t i = (*a == here); i < (*a)->n_abis; i++) {
				int n;

				if (fl_syscall_nr((*a)->abis[i].audit_arch, name) < 0 || len >= size)
					continue;
				n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
					     (*a)->abis[i].name);
				if (n > 0)
					len += (size_t)n;
			}
		}
}

/* The item of syscall value @v that names @name (the scalar itself, or a sequence's item). */
static const struct node *syscall_item(const struct node *v, const char *name)
{
	for (size_t i = 0; v->kind == NODE_SEQUENCE && i < v->n_kids; i++)
		if (v->kids[i]->kind == NODE_SCALAR && strcmp(v->kids[i]->text, name) == 0)
			return v->kids[i];
	return v;
}

static bool rule_lists(const struct fl_rule *r, const char *name)
{
	for (size_t i = 0; i < r->n_syscalls; i++)
		if (strcmp(r->syscalls[i], name) == 0)
			return true;
	return false;
}

/*
 * Rule files are shared between machines: a syscall of another
 * architecture (open, which aarch64 lacks) is a warning naming the call
 * that replaces it here, unless the rule lists that too; a rule none of
 * whose syscalls exists on any ABI of this architecture is an error.
 */
static void check_architecture(struct load *ld, const struct rule_state *rs)
{
	const struct fl_rule *r = &rs->p->r;
	const struct node *v = rs->seen.value[RK_SYSCALL];
	const struct fl_arch *here = fl_arch_selected();
	uint32_t native;

	if (!v || !rs->seen.ok[RK_SYSCALL] || !here || !here->n_abis)
		return;
	native = here->abis[0].audit_arch;
	/* Some call of the rule (its names and its groups' members) exists here. */
	bool some_here = false;
	for (size_t j = 0; j < r->n_calls && !some_here; j++)
		for (size_t a = 0; a < here->n_abis && !some_here; a++)
			some_here = fl_syscall_nr(here->abis[a].audit_arch, r->calls[j]) >= 0;
	for (size_t i = 0; i < r->n_syscalls && !too_many_errors(ld); i++) {
		const char *name = r->syscalls[i], *repl;
		char where[128], instead[160] = "";

		if (name[0] == '@')
			continue; /* a group stands for its members of this architecture */
		if (fl_syscall_nr(native, name) >= 0)
			continue;
		repl = fl_syscall_replacement(native, name);
		if (repl && rule_lists(r, repl) && some_here)
			continue; /* [open, openat]: written for both */
		abis_having(here, name, where, sizeof(where));
		if (repl)
			snprintf(instead, sizeof(instead), "; %s programs make %s instead: list it "
				 "too (syscall: [%s, %s])", here->name, repl, name, repl);
		else
			snprintf(instead, sizeof(instead), "; no %s call replaces it", here->name);
		if (some_here)
			warn_at(ld, syscall_item(v, name), "key 'syscall': %s is not a syscall of %s "
				"(only of %s), so %s programs never make it%s", name, here->name,
				where, here->name, instead);
		else
			report_at(ld, syscall_item(v, name), "key 'syscall': %s is not a syscall of "
				  "%s (only of %s), and no other syscall of this rule is%s", name,
				  here->name, where, instead);
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

	if (seen[RK_CLOCK]) {
		/* A time rule: its calls come from its clocks (clock_keys.c). */
		fl_check_clock_rule(ld, rs);
		check_expect(ld, rs);
		return;
	}
	if (!seen[RK_SYSCALL] && !unknown)
		report_at(ld, map, "rule has no key 'syscall'; say which syscall(s) it acts on "
			  "(e.g. syscall: openat)");
	if (!result && !seen[RK_DELAY] && !seen[RK_SHORT] && !seen[RK_SIGNAL] && !seen[RK_POKE] &&
	    !seen[RK_CORRUPT] && !seen[RK_STAT] && !seen[RK_CRASH] && !unknown)
		report_at(ld, map, "rule has no action; add 'error' (make the call fail), 'retval' "
			  "(make it succeed with a value), 'delay' (slow it down), 'short' (let it "
			  "move fewer bytes), 'signal' (send the caller a signal), 'poke' (write "
			  "into a buffer it points to), 'corrupt' (damage the data it moves) or "
			  "'stat' (fake file attributes); or 'crash' (kill the program there); or make "
			  "it a time rule with 'clock' and no 'syscall'");
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
	if (seen[RK_STAT]) {
		/* The real call must run and succeed; its result is what is faked. */
		static const int others[] = { RK_ERROR, RK_RETVAL, RK_SHORT, RK_POKE, RK_CORRUPT };

		for (size_t k = 0; k < FL_ARRAY_SIZE(others); k++)
			if (seen[others[k]])
				report_at(ld, later(seen[RK_STAT], seen[others[k]]), "key 'stat' and "
					  "key '%s' cannot be used together: stat fakes fields of the "
					  "real call's result", fl_rule_keys[others[k]].name);
	}
	if (seen[RK_CORRUPT]) {
		/* The real call must run, on its own buffer. */
		static const int others[] = { RK_ERROR, RK_RETVAL, RK_SHORT, RK_POKE };

		for (size_t k = 0; k < FL_ARRAY_SIZE(others); k++)
			if (seen[others[k]])
				report_at(ld, later(seen[RK_CORRUPT], seen[others[k]]), "key 'corrupt' "
					  "and key '%s' cannot be used together: corrupt damages the "
					  "data the real call moves", fl_rule_keys[others[k]].name);
		if (seen[RK_PHASE] && rs->seen.ok[RK_PHASE] && r->phase == FL_PHASE_EXIT)
			report_at(ld, later(seen[RK_CORRUPT], seen[RK_PHASE]), "key 'corrupt' "
				  "cannot be used with 'phase: exit': it damages what a read returns "
				  "after the call and what a write stores before it by itself; leave "
				  "'phase' out");
	}
	if (seen[RK_SHORT] && seen[RK_PHASE] && rs->seen.ok[RK_PHASE] && r->phase == FL_PHASE_EXIT)
		report_at(ld, later(seen[RK_SHORT], seen[RK_PHASE]), "key 'short' cannot be used "
			  "with 'phase: exit': the byte count is shortened before the call runs");
	if (rs->seen.ok[RK_DELAY] && (r->delay_ns | r->delay_enter_ns | r->delay_exit_ns) == 0 &&
	    !result && !seen[RK_SHORT] && !seen[RK_SIGNAL] && !seen[RK_POKE] && !unknown)
		report_at(ld, seen[RK_DELAY], "key 'delay': a delay of 0 does nothing and the rule "
			  "has no other action; use a positive duration or add 'error' or 'retval'");
	fl_check_crash(ld, rs);
	check_architecture(ld, rs);
	/*
	 * per: scopes counters and the stream; a rule that counts nothing and
	 * draws nothing acts the same in every scope.
	 */
	if (seen[RK_PER] && rs->seen.ok[RK_PER] && r->per != FL_PER_TREE && !seen[RK_AFTER] &&
	    !seen[RK_EVERY] && !seen[RK_TIMES] && !seen[RK_PROBABILITY] && r->n_errors < 2)
		warn_at(ld, seen[RK_PER], "key 'per': the rule has no after, every, times or "
			"probability and no errno list to pick from, so counting per %s changes "
			"nothing", r->per == FL_PER_PROCESS ? "process" : "thread");
	check_applicable(ld, rs);
	check_expect(ld, rs);
	fl_lint_errnos_documented(ld, rs);
	fl_lint_errno_form(ld, rs);
	fl_lint_eintr_files(ld, rs);
}

void fl_parse_rule(struct load *ld, const struct node *map)
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
	fl_parse_mapping(ld, map, fl_rule_keys, N_RULE_KEYS, "in rule", &rs, &rs.seen);
	if (!too_many_errors(ld))
		check_rule(ld, map, &rs);
	if (!too_many_errors(ld))
		fl_calls_resolve(ld, &rs);
	free(rs.call_by);
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
void fl_check_names(struct load *ld)
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
		fl_load_error(ld, dup->name_line, dup->name_column,
		       "key 'name': duplicate rule name %s (first used at %s:%u); rule names "
		       "must be unique", fl_show_text(dup->r.name, strlen(dup->r.name), '\'').s,
		       file, line);
	}
}

/* ---- across sources ---- */

int fl_rules_finish(struct fl_rule_set *set, struct fl_diags *diags)
{
	_cleanup_free_ struct name_ref *refs = NULL;
	size_t n = 0, errors = 0;

	if (set->n_rules == 0) {
		int r = fl_diags_addf(diags, set->n_sources ? set->sources[0] : "<rules>", 0, 0,
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
		if (fl_diags_addf(diags, dup->file, dup->line, dup->column,
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
		if (fl_diags_addf(diags, owner->file, owner->line, owner->column,
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


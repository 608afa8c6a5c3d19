/*
 * The rule index: which rules can match a call at all, so that a big rule
 * file costs a call what its few candidates cost, not one try per rule.
 *
 * Two keys, both exact filters (a rule left out could never have matched):
 *   - the syscall: per ABI and number, the rules that name it, in order;
 *   - the literal prefix of path: patterns (the bytes before the first
 *     '*', '?', '[' or '\'): a rule whose every pattern has one can only
 *     match a call one of whose paths starts with one of them. A byte trie
 *     of the prefixes marks those rules for the call being decided.
 * The matcher still tries each candidate in file order with every filter,
 * so decisions, counters and first-match order are those of trying all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/arch.h"
#include "faultline/match.h"
#include "matcher.h"

struct trie_node {
	uint32_t child;    /* first child, 0 = none (node 0 is the root) */
	uint32_t sibling;  /* next child of the same parent, 0 = none */
	uint32_t rules;    /* head of this prefix's rule list in entries, 0 = none */
	unsigned char c;
};

struct trie_entry {
	uint32_t rule;
	uint32_t next;     /* 0 = end */
};

struct fl_rule_index {
	/* ABI a, number nr: ids[off[a][nr] .. off[a][nr + 1]). */
	uint32_t *off[FL_ABI_MAX];
	size_t n_nr[FL_ABI_MAX];
	uint32_t *ids;

	size_t n_rules;
	bool *by_path;     /* rule i is only a candidate when marked */
	uint32_t *mark;    /* == gen: some path of this call has one of its prefixes */
	uint32_t gen;
	struct trie_node *nodes;
	size_t n_nodes, cap_nodes;
	struct trie_entry *entries; /* entry 0 unused */
	size_t n_entries, cap_entries;
};

static size_t literal_prefix(const char *pattern)
{
	size_t n = strcspn(pattern, "*?[\\");

	/* A pattern "DIR/" then "**" matches DIR itself too (zero components). */
	if (n && pattern[n - 1] == '/' && pattern[n] == '*' && pattern[n + 1] == '*')
		n--;
	return n;
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap * 2 : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * size);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

/* The node for @s[0..len), made as needed; 0 on ENOMEM (the root is never asked for). */
static uint32_t trie_node_for(struct fl_rule_index *ix, const char *s, size_t len)
{
	uint32_t node = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		uint32_t k = ix->nodes[node].child, last = 0;

		while (k && ix->nodes[k].c != c) {
			last = k;
			k = ix->nodes[k].sibling;
		}
		if (!k) {
			if (!grow((void **)&ix->nodes, &ix->cap_nodes, ix->n_nodes + 1, sizeof(*ix->nodes)))
				return 0;
			k = (uint32_t)ix->n_nodes++;
			ix->nodes[k] = (struct trie_node){ .c = c };
			if (last)
				ix->nodes[last].sibling = k;
			else
				ix->nodes[node].child = k;
		}
		node = k;
	}
	return node;
}

static int index_paths(struct fl_rule_index *ix, const struct fl_rule_set *set)
{
	if (!grow((void **)&ix->nodes, &ix->cap_nodes, 1, sizeof(*ix->nodes)) ||
	    !grow((void **)&ix->entries, &ix->cap_entries, 1, sizeof(*ix->entries)))
		return -ENOMEM;
	ix->nodes[0] = (struct trie_node){ 0 };
	ix->n_nodes = ix->n_entries = 1;
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *r = &set->rules[i];
		bool all = r->n_paths > 0;

		for (size_t k = 0; all && k < r->n_paths; k++)
			all = literal_prefix(r->paths[k]) > 0;
		if (!all)
			continue;
		ix->by_path[i] = true;
		for (size_t k = 0; k < r->n_paths; k++) {
			uint32_t node = trie_node_for(ix, r->paths[k], literal_prefix(r->paths[k]));

			if (!node || !grow((void **)&ix->entries, &ix->cap_entries, ix->n_entries + 1,
					   sizeof(*ix->entries)))
				return -ENOMEM;
			ix->entries[ix->n_entries] = (struct trie_entry){ (uint32_t)i, ix->nodes[node].rules };
			ix->nodes[node].rules = (uint32_t)ix->n_entries++;
		}
	}
	return 0;
}

static int index_syscalls(struct fl_rule_index *ix, const struct fl_rule_set *set)
{
	size_t total = 0;

	for (size_t i = 0; i < set->n_rules; i++)
		for (size_t k = 0; k < set->rules[i].n_sysnos; k++) {
			const struct fl_sysno *s = &set->rules[i].sysnos[k];
			int abi = fl_abi_index(s->arch);

			if (abi >= 0 && s->nr >= 0 && (size_t)s->nr + 1 > ix->n_nr[abi])
				ix->n_nr[abi] = (size_t)s->nr + 1;
		}
	for (int abi = 0; abi < FL_ABI_MAX; abi++) {
		ix->off[abi] = calloc(ix->n_nr[abi] + 2, sizeof(uint32_t));
		if (!ix->off[abi])
			return -ENOMEM;
	}
	/* Count per (abi, nr) into off[nr + 2], prefix sums, then fill with off[nr + 1] as cursor. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < set->n_rules; i++) {
			const struct fl_rule *r = &set->rules[i];

			for (size_t k = 0; k < r->n_sysnos; k++) {
				int abi = fl_abi_index(r->sysnos[k].arch);
				int nr = r->sysnos[k].nr;
				bool dup = false;

				if (abi < 0 || nr < 0)
					continue;
				/* A rule naming one call twice (a group and a name) is one candidate. */
				for (size_t j = 0; j < k && !dup; j++)
					dup = r->sysnos[j].arch == r->sysnos[k].arch && r->sysnos[j].nr == nr;
				if (dup)
					continue;
				if (pass == 0)
					ix->off[abi][nr + 2]++;
				else
					ix->ids[ix->off[abi][nr + 1]++] = (uint32_t)i;
			}
		}
		if (pass == 0) {
			for (int abi = 0; abi < FL_ABI_MAX; abi++) {
				for (size_t nr = 2; nr < ix->n_nr[abi] + 2; nr++)
					ix->off[abi][nr] += ix->off[abi][nr - 1];
				for (size_t nr = 0; nr < ix->n_nr[abi] + 2; nr++)
					ix->off[abi][nr] += (uint32_t)total;
				total = ix->off[abi][ix->n_nr[abi] + 1];
			}
			ix->ids = calloc(total + 1, sizeof(*ix->ids));
			if (!ix->ids)
				return -ENOMEM;
		}
	}
	return 0;
}

void fl_index_free(struct fl_rule_index *ix)
{
	if (!ix)
		return;
	for (int abi = 0; abi < FL_ABI_MAX; abi++)
		free(ix->off[abi]);
	free(ix->ids);
	free(ix->by_path);
	free(ix->mark);
	free(ix->nodes);
	free(ix->entries);
	free(ix);
}

struct fl_rule_index *fl_index_new(const struct fl_rule_set *set)
{
	struct fl_rule_index *ix = calloc(1, sizeof(*ix));

	if (!ix)
		return NULL;
	ix->n_rules = set->n_rules;
	ix->by_path = calloc(set->n_rules + 1, sizeof(*ix->by_path));
	ix->mark = calloc(set->n_rules + 1, sizeof(*ix->mark));
	if (!ix->by_path || !ix->mark || index_syscalls(ix, set) < 0 || index_paths(ix, set) < 0) {
		fl_index_free(ix);
		return NULL;
	}
	return ix;
}

const uint32_t *fl_index_candidates(const struct fl_rule_index *ix, uint32_t arch, int nr,
				    size_t *ret_n)
{
	int abi = fl_abi_index(arch);

	if (abi < 0 || nr < 0 || (size_t)nr >= ix->n_nr[abi]) {
		*ret_n = 0;
		return ix->ids;
	}
	/* After the fill pass off[nr] is where nr's ids start, off[nr + 1] where they end. */
	*ret_n = ix->off[abi][nr + 1] - ix->off[abi][nr];
	return ix->ids + ix->off[abi][nr];
}

bool fl_index_by_path(const struct fl_rule_index *ix, size_t rule)
{
	return ix->by_path[rule];
}

void fl_index_new_call(struct fl_rule_index *ix)
{
	if (++ix->gen == 0) {
		/* Wrapped: no mark may look current. */
		memset(ix->mark, 0, sizeof(*ix->mark) * (ix->n_rules + 1));
		ix->gen = 1;
	}
}

void fl_index_mark_path(struct fl_rule_index *ix, const char *path)
{
	uint32_t node = 0;

	for (const char *p = path;; p++) {
		for (uint32_t e = ix->nodes[node].rules; e; e = ix->entries[e].next)
			ix->mark[ix->entries[e].rule] = ix->gen;
		if (!*p)
			break;
		uint32_t k = ix->nodes[node].child;
		while (k && ix->nodes[k].c != (unsigned char)*p)
			k = ix->nodes[k].sibling;
		if (!k)
			break;
		node = k;
	}
}

bool fl_index_marked(const struct fl_rule_index *ix, size_t rule)
{
	return ix->mark[rule] == ix->gen;
}

/* ---- the syscalls any rule names: fl_matcher_wants() at every stop ---- */

/*
 * Bit per (abi, nr): does any rule name it? Quick rejection per stop. The
 * first index is fl_abi_index(); lengths in bytes.
 */
struct fl_syscall_map {
	uint8_t *bits[FL_ABI_MAX];
	size_t len[FL_ABI_MAX];
};

int fl_build_wanted(struct fl_matcher *m)
{
	const struct fl_rule_set *set = m->set;
	struct fl_syscall_map *w;
	size_t len[FL_ABI_MAX] = { 0 };

	w = m->wanted = calloc(1, sizeof(*m->wanted));
	if (!w)
		return -ENOMEM;

	/* First pass: how many bits each ABI's map needs. */
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *r = &set->rules[i];

		for (size_t k = 0; k < r->n_sysnos; k++) {
			int abi = fl_abi_index(r->sysnos[k].arch);
			int nr = r->sysnos[k].nr;

			if (abi < 0 || nr < 0)
				continue;
			if ((size_t)nr / 8 + 1 > len[abi])
				len[abi] = (size_t)nr / 8 + 1;
		}
	}

	for (int abi = 0; abi < FL_ABI_MAX; abi++) {
		if (!len[abi])
			continue;
		w->bits[abi] = calloc(len[abi], 1);
		if (!w->bits[abi])
			return -ENOMEM;
		w->len[abi] = len[abi];
	}

	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *r = &set->rules[i];

		for (size_t k = 0; k < r->n_sysnos; k++) {
			int abi = fl_abi_index(r->sysnos[k].arch);
			int nr = r->sysnos[k].nr;

			if (abi < 0 || nr < 0)
				continue;
			w->bits[abi][nr / 8] |= (uint8_t)(1u << (nr % 8));
		}
	}
	return 0;
}

void fl_wanted_free(struct fl_syscall_map *w)
{
	if (!w)
		return;
	for (int abi = 0; abi < FL_ABI_MAX; abi++)
		free(w->bits[abi]);
	free(w);
}

bool fl_matcher_wants(const struct fl_matcher *m, uint32_t arch, int nr)
{
	int abi = fl_abi_index(arch);

	if (!m || abi < 0 || nr < 0 || (size_t)nr / 8 >= m->wanted->len[abi])
		return false;
	return m->wanted->bits[abi][nr / 8] & (1u << (nr % 8));
}

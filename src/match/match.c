/*
 * The matcher: rules in file order, counters per rule, one PRNG stream per
 * rule. Pure: no ptrace, no I/O, so every decision can be replayed in a unit
 * test from (rule set, seed, call sequence).
 */
#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/match.h"
#include "faultline/util.h"

/* Index of @arch in fl_matcher.wanted[], or -1 for an ABI we don't trace. */
static int abi_index(uint32_t arch)
{
	switch (arch) {
	case AUDIT_ARCH_X86_64:
		return 0;
	case AUDIT_ARCH_I386:
		return 1;
	default:
		return -1;
	}
}

/*
 * Per-rule streams: rule i is seeded with the (i+1)-th output of splitmix64
 * started from the run's seed, i.e.
 *
 *	uint64_t st = seed, x;
 *	for (k = 0; k <= i; k++)
 *		x = fl_splitmix64(&st);
 *	fl_prng_seed(&stats[i].prng, x);
 *
 * so rule i's draws depend only on (seed, i): adding a rule after it, or
 * another rule drawing more or less often, never changes what it decides.
 * This derivation is part of the reproducibility contract; don't change it
 * without changing the documented one.
 */
static void seed_streams(struct fl_rule_stats *stats, size_t n, uint64_t seed)
{
	uint64_t st = seed;

	for (size_t i = 0; i < n; i++)
		fl_prng_seed(&stats[i].prng, fl_splitmix64(&st));
}

static int build_wanted(struct fl_matcher *m)
{
	const struct fl_rule_set *set = m->set;
	size_t len[2] = { 0, 0 };

	/* First pass: how many bits each ABI's map needs. */
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *r = &set->rules[i];

		for (size_t k = 0; k < r->n_sysnos; k++) {
			int abi = abi_index(r->sysnos[k].arch);
			int nr = r->sysnos[k].nr;

			if (abi < 0 || nr < 0)
				continue;
			if ((size_t)nr / 8 + 1 > len[abi])
				len[abi] = (size_t)nr / 8 + 1;
		}
	}

	for (int abi = 0; abi < 2; abi++) {
		if (!len[abi])
			continue;
		m->wanted[abi] = calloc(len[abi], 1);
		if (!m->wanted[abi])
			return -ENOMEM;
		m->wanted_len[abi] = len[abi];
	}

	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *r = &set->rules[i];

		for (size_t k = 0; k < r->n_sysnos; k++) {
			int abi = abi_index(r->sysnos[k].arch);
			int nr = r->sysnos[k].nr;

			if (abi < 0 || nr < 0)
				continue;
			m->wanted[abi][nr / 8] |= (uint8_t)(1u << (nr % 8));
		}
	}
	return 0;
}

struct fl_matcher *fl_matcher_new(const struct fl_rule_set *set, uint64_t seed)
{
	struct fl_matcher *m;

	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->set = set;
	m->seed = seed;

	/* One extra entry so an empty set still gets a non-NULL array. */
	m->stats = calloc(set->n_rules + 1, sizeof(*m->stats));
	if (!m->stats)
		goto fail;
	seed_streams(m->stats, set->n_rules, seed);

	if (build_wanted(m) < 0)
		goto fail;
	return m;

fail:
	fl_matcher_free(m);
	return NULL;
}

void fl_matcher_free(struct fl_matcher *m)
{
	if (!m)
		return;
	free(m->wanted[0]);
	free(m->wanted[1]);
	free(m->stats);
	free(m);
}

bool fl_matcher_wants(const struct fl_matcher *m, uint32_t arch, int nr)
{
	int abi = abi_index(arch);

	if (!m || abi < 0 || nr < 0 || (size_t)nr / 8 >= m->wanted_len[abi])
		return false;
	return m->wanted[abi][nr / 8] & (1u << (nr % 8));
}

static bool sysno_matches(const struct fl_rule *r, const struct fl_call *call)
{
	for (size_t k = 0; k < r->n_sysnos; k++)
		if (r->sysnos[k].arch == call->arch && r->sysnos[k].nr == call->nr)
			return true;
	return false;
}

/*
 * Does @call count for @r at all? Targeting filters (paths, pids, ...) go
 * here as further checks; whatever passes them bumps the rule's counter.
 */
static bool rule_matches(const struct fl_rule *r, const struct fl_call *call)
{
	return sysno_matches(r, call);
}

/*
 * With m = the new matched count: skip the first `after`, then act on every
 * `every`-th one, at most `times` times.
 */
static bool rule_eligible(const struct fl_rule *r, const struct fl_rule_stats *st)
{
	uint64_t m = st->matched;
	uint64_t every = r->every ? r->every : 1; /* the loader ensures >= 1 */

	if (m <= r->after)
		return false;
	if ((m - r->after - 1) % every != 0)
		return false;
	return st->injected < r->times;
}

/*
 * probability 1 acts without drawing and probability 0 (or anything not
 * above 0, NaN included) never acts without drawing, so such rules leave
 * their stream untouched and the draw count per rule is predictable.
 */
static bool rule_draw(const struct fl_rule *r, struct fl_rule_stats *st)
{
	if (r->probability >= 1.0)
		return true;
	if (!(r->probability > 0.0))
		return false;
	return fl_prng_double(&st->prng) < r->probability;
}

static int pick_error(const struct fl_rule *r, struct fl_rule_stats *st)
{
	if (r->n_errors == 0)
		return 0;
	if (r->n_errors == 1)
		return r->errors[0];
	return r->errors[fl_prng_below(&st->prng, r->n_errors)];
}

bool fl_matcher_decide(struct fl_matcher *m, const struct fl_call *call,
		       struct fl_decision *ret)
{
	const struct fl_rule_set *set = m->set;

	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *r = &set->rules[i];
		struct fl_rule_stats *st = &m->stats[i];

		if (!rule_matches(r, call))
			continue;
		st->matched++;
		if (!rule_eligible(r, st) || !rule_draw(r, st))
			continue;

		st->injected++;
		*ret = (struct fl_decision){
			.rule = i,
			.error = pick_error(r, st),
			.has_retval = r->has_retval,
			.retval = r->retval,
			.delay_ns = r->delay_ns,
			.phase = r->phase,
		};
		return true;
	}
	return false;
}

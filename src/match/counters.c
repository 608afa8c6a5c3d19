/*
 * What a rule counts and draws: whether a matching call is eligible
 * (after, every, times), the probability draw and the errno pick, the
 * per-rule streams, and the counters and streams per process or per
 * thread (per: process | thread): one scope per (rule, tgid or tid), made on the first call the
 * rule matches in it, forgotten when that thread ends so that a reused id
 * starts afresh, as a new process or thread would.
 *
 * Streams. Rule i's tree stream is seeded with x_i, the (i+1)-th splitmix64
 * output from the run's seed (match.c). Its k-th scope (k = 0, 1, ... in
 * the order the processes or threads first make a call the rule matches)
 * is seeded with the (k+1)-th splitmix64 output from state x_i:
 *
 *	uint64_t st = x_i + k * 0x9e3779b97f4a7c15, y = fl_splitmix64(&st);
 *	fl_prng_seed(&scope->prng, y);
 *
 * so a scope's draws depend only on (seed, i, k). Children that start one
 * after another get the same k in every run; siblings racing to their
 * first call may swap theirs (and the counters, which need no stream,
 * never depend on k).
 */
#include <stdlib.h>

#include "faultline/base.h"
#include "matcher.h"

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
void fl_seed_streams(struct fl_rule_stats *stats, uint64_t *xs, size_t n, uint64_t seed)
{
	uint64_t st = seed;

	for (size_t i = 0; i < n; i++) {
		xs[i] = fl_splitmix64(&st);
		fl_prng_seed(&stats[i].prng, xs[i]); /* per: scopes derive theirs from xs[i] */
	}
}

bool fl_rule_eligible(const struct fl_rule *r, const struct fl_counts *c)
{
	uint64_t m = c->matched;
	uint64_t every = r->every ? r->every : 1; /* the loader ensures >= 1 */

	if (m <= r->after)
		return false;
	if ((m - r->after - 1) % every != 0)
		return false;
	return c->injected < r->times;
}

/*
 * probability 1 acts without drawing and probability 0 (or anything not
 * above 0, NaN included) never acts without drawing, so such rules leave
 * their stream untouched and the draw count per rule is predictable.
 */
bool fl_rule_draw(const struct fl_rule *r, struct fl_prng *prng)
{
	if (r->probability >= 1.0)
		return true;
	if (!(r->probability > 0.0))
		return false;
	return fl_prng_double(prng) < r->probability;
}

int fl_pick_error(const struct fl_rule *r, struct fl_prng *prng)
{
	if (r->n_errors == 0)
		return 0;
	if (r->n_errors == 1)
		return r->errors[0];
	return r->errors[fl_prng_below(prng, r->n_errors)];
}


#define GAMMA UINT64_C(0x9e3779b97f4a7c15)
#define TOMB UINT64_MAX

static uint64_t scope_key(size_t rule, pid_t id)
{
	return ((uint64_t)(rule + 1) << 32) | (uint32_t)id;
}

static size_t slot_of(uint64_t key, size_t cap)
{
	uint64_t h = key * GAMMA;

	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static struct fl_scope *find(struct fl_scopes *s, uint64_t key)
{
	if (!s->cap)
		return NULL;
	for (size_t i = slot_of(key, s->cap);; i = (i + 1) & (s->cap - 1)) {
		if (s->slots[i].key == key)
			return &s->slots[i];
		if (s->slots[i].key == 0)
			return NULL;
	}
}

/* Double the table (or make the first), dropping tombstones. */
static int grow(struct fl_scopes *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64;
	struct fl_scope *old = s->slots, *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	s->used = 0;
	for (size_t i = 0; i < s->cap; i++) {
		size_t j;

		if (old[i].key == 0 || old[i].key == TOMB)
			continue;
		for (j = slot_of(old[i].key, cap); slots[j].key; j = (j + 1) & (cap - 1))
			;
		slots[j] = old[i];
		s->used++;
	}
	free(old);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

struct fl_scope *fl_scope_get(struct fl_matcher *m, size_t rule, pid_t id)
{
	struct fl_scopes *s = &m->scopes;
	uint64_t key = scope_key(rule, id), st;
	struct fl_scope *sc = find(s, key);
	size_t i;

	if (sc)
		return sc;
	/* At most half full, tombstones included, so probes stay short and end. */
	if ((s->used + 1) * 2 > s->cap && grow(s) < 0)
		return NULL;
	for (i = slot_of(key, s->cap); s->slots[i].key && s->slots[i].key != TOMB;
	     i = (i + 1) & (s->cap - 1))
		;
	sc = &s->slots[i];
	if (sc->key == 0)
		s->used++;
	*sc = (struct fl_scope){ .key = key };
	st = m->stream_seeds[rule] + m->n_scopes[rule]++ * GAMMA;
	fl_prng_seed(&sc->prng, fl_splitmix64(&st));
	return sc;
}

void fl_scopes_forget(struct fl_matcher *m, pid_t id)
{
	for (size_t r = 0; r < m->set->n_rules && m->scopes.cap; r++) {
		struct fl_scope *sc;

		if (m->set->rules[r].per == FL_PER_TREE)
			continue;
		sc = find(&m->scopes, scope_key(r, id));
		if (sc)
			sc->key = TOMB;
	}
}

void fl_scopes_done(struct fl_scopes *s)
{
	free(s->slots);
	*s = (struct fl_scopes){ 0 };
}

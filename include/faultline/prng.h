/*
 * The PRNG behind every seeded decision: xoshiro256** (Blackman & Vigna),
 * its state filled from the seed by splitmix64. Each rule has its own stream
 * (see fl_matcher_new), so one rule's draws never shift another's.
 */
#pragma once

#include <stdint.h>

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

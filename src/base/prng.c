/*
 * xoshiro256** 1.0 with its state filled by splitmix64, both after the
 * public-domain reference algorithms of David Blackman and Sebastiano Vigna
 * (https://prng.di.unimi.it/). Written out here rather than borrowed from
 * libc so that a seed gives the same decisions on every platform and every
 * faultline build: the exact output sequence is part of the reproducibility
 * contract, and tests/unit/test_prng.c pins it with known-answer vectors.
 */
#include "faultline/base.h"

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t fl_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * The four state words are four consecutive splitmix64 outputs from @seed,
 * as the xoshiro authors recommend. splitmix64's output function is a
 * bijection of a state that changes on every step, so the four words can't
 * all be zero (the one state xoshiro must never be in).
 */
void fl_prng_seed(struct fl_prng *prng, uint64_t seed)
{
	uint64_t st = seed;

	for (int i = 0; i < 4; i++)
		prng->s[i] = fl_splitmix64(&st);
}

uint64_t fl_prng_next(struct fl_prng *prng)
{
	uint64_t *s = prng->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);

	return result;
}

/* The top 53 bits (the best ones) scaled by 2^-53: every value k/2^53. */
double fl_prng_double(struct fl_prng *prng)
{
	return (double)(fl_prng_next(prng) >> 11) * 0x1.0p-53;
}

/*
 * Lemire's multiply-and-reject ("Fast Random Integer Generation in an
 * Interval", 2019): the high word of x * n is uniform in [0, n) once the
 * low word is outside the 2^64 mod n values that would over-represent some
 * results. Usually costs one draw and no division; a plain modulo would bias
 * errno picks towards the first entries for large n.
 */
uint64_t fl_prng_below(struct fl_prng *prng, uint64_t n)
{
	unsigned __int128 m;
	uint64_t low;

	if (n <= 1)
		return 0; /* n == 0 is a caller bug; answer something in range of 1 */

	m = (unsigned __int128)fl_prng_next(prng) * n;
	low = (uint64_t)m;
	if (low < n) {
		uint64_t threshold = -n % n; /* == 2^64 mod n */

		while (low < threshold) {
			m = (unsigned __int128)fl_prng_next(prng) * n;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

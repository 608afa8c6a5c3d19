/*
 * The PRNG's exact output is part of the reproducibility contract (same seed,
 * same faults, on every machine and build), so these are known-answer tests
 * against the reference algorithms, plus range and rough-uniformity checks of
 * what the matcher draws.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "faultline/base.h"

static void test_splitmix64_seed0(void **state)
{
	static const uint64_t want[] = {
		UINT64_C(0xe220a8397b1dcdaf), UINT64_C(0x6e789e6aa1b965f4),
		UINT64_C(0x06c45d188009454f), UINT64_C(0xf88bb8a8724c81ec),
		UINT64_C(0x1b39896a51a8749b),
	};
	uint64_t st = 0;

	for (size_t i = 0; i < FL_ARRAY_SIZE(want); i++)
		assert_int_equal(fl_splitmix64(&st), want[i]);
}

/* The widely published vector (6457827717110365317, 3203168211198807973, ...). */
static void test_splitmix64_seed1234567(void **state)
{
	static const uint64_t want[] = {
		UINT64_C(6457827717110365317), UINT64_C(3203168211198807973),
		UINT64_C(9817491932198370423), UINT64_C(4593380528125082431),
		UINT64_C(16408922859458223821),
	};
	uint64_t st = 1234567;

	for (size_t i = 0; i < FL_ARRAY_SIZE(want); i++)
		assert_int_equal(fl_splitmix64(&st), want[i]);
}

/* Reference xoshiro256** from state {1, 2, 3, 4}, independent of seeding. */
static void test_xoshiro_reference_state(void **state)
{
	static const uint64_t want[] = {
		UINT64_C(11520), UINT64_C(0), UINT64_C(1509978240),
		UINT64_C(1215971899390074240), UINT64_C(0x10e0b61ce1009d80),
		UINT64_C(0x0870021ce143ad00),
	};
	struct fl_prng p = { .s = { 1, 2, 3, 4 } };

	for (size_t i = 0; i < FL_ARRAY_SIZE(want); i++)
		assert_int_equal(fl_prng_next(&p), want[i]);
}

/* fl_prng_seed: state = four splitmix64 outputs; pins the whole pipeline. */
static void test_seeded_vectors(void **state)
{
	static const uint64_t want0[] = {
		UINT64_C(0x99ec5f36cb75f2b4), UINT64_C(0xbf6e1f784956452a),
		UINT64_C(0x1a5f849d4933e6e0), UINT64_C(0x6aa594f1262d2d2c),
		UINT64_C(0xbba5ad4a1f842e59),
	};
	static const uint64_t want42[] = {
		UINT64_C(0x15780b2e0c2ec716), UINT64_C(0x6104d9866d113a7e),
		UINT64_C(0xae17533239e499a1), UINT64_C(0xecb8ad4703b360a1),
		UINT64_C(0xfde6dc7fe2ec5e64),
	};
	struct fl_prng p;

	fl_prng_seed(&p, 0);
	assert_int_equal(p.s[0], UINT64_C(0xe220a8397b1dcdaf));
	assert_int_equal(p.s[3], UINT64_C(0xf88bb8a8724c81ec));
	for (size_t i = 0; i < FL_ARRAY_SIZE(want0); i++)
		assert_int_equal(fl_prng_next(&p), want0[i]);

	fl_prng_seed(&p, 42);
	for (size_t i = 0; i < FL_ARRAY_SIZE(want42); i++)
		assert_int_equal(fl_prng_next(&p), want42[i]);
}

static void test_determinism(void **state)
{
	struct fl_prng a, b, c;
	int differ = 0;

	fl_prng_seed(&a, 99);
	fl_prng_seed(&b, 99);
	fl_prng_seed(&c, 100);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = fl_prng_next(&a);

		assert_int_equal(x, fl_prng_next(&b));
		differ += x != fl_prng_next(&c);
	}
	assert_true(differ > 990);
}

static void test_double_range(void **state)
{
	struct fl_prng p;
	double sum = 0, lo = 1, hi = 0;
	const int n = 100000;

	/* The extremes of the mapping: 0 -> 0.0, all ones -> just below 1. */
	memset(&p, 0, sizeof(p));
	p.s[0] = 1; /* next() = rotl(s[1]*5,7)*9 = 0 with s[1] == 0 */
	assert_true(fl_prng_double(&p) == 0.0);

	fl_prng_seed(&p, 7);
	for (int i = 0; i < n; i++) {
		double d = fl_prng_double(&p);

		assert_true(d >= 0.0);
		assert_true(d < 1.0);
		sum += d;
		if (d < lo)
			lo = d;
		if (d > hi)
			hi = d;
	}
	assert_true(sum / n > 0.49 && sum / n < 0.51);
	assert_true(lo < 0.001);
	assert_true(hi > 0.999);
	assert_true((double)(UINT64_MAX >> 11) * 0x1.0p-53 < 1.0);
}

static void test_below_range_and_uniformity(void **state)
{
	static const uint64_t ns[] = { 1, 2, 3, 7, 10, 1000, UINT64_C(1) << 63,
				       UINT64_MAX };
	struct fl_prng p;

	fl_prng_seed(&p, 2024);
	for (size_t k = 0; k < FL_ARRAY_SIZE(ns); k++)
		for (int i = 0; i < 10000; i++)
			assert_true(fl_prng_below(&p, ns[k]) < ns[k]);

	/* 7 buckets x 70000 draws: each expects 10000; allow +-4% (> 10 sigma). */
	{
		unsigned counts[7] = { 0 };

		for (int i = 0; i < 70000; i++)
			counts[fl_prng_below(&p, 7)]++;
		for (int b = 0; b < 7; b++)
			assert_in_range(counts[b], 9600, 10400);
	}

	/*
	 * n = 3 * 2^62: a plain modulo would hit [0, 2^62) twice as often as the
	 * rest, putting 5/8 of the draws below n/2; unbiased it's 1/2.
	 */
	{
		uint64_t n = (UINT64_C(1) << 63) + (UINT64_C(1) << 62);
		unsigned low = 0;

		for (int i = 0; i < 30000; i++)
			low += fl_prng_below(&p, n) < n / 2;
		assert_in_range(low, 14400, 15600);
	}
}

static void test_below_one_draws_nothing(void **state)
{
	struct fl_prng a, b;

	fl_prng_seed(&a, 5);
	b = a;
	assert_int_equal(fl_prng_below(&a, 1), 0);
	assert_memory_equal(&a, &b, sizeof(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_splitmix64_seed0),
		cmocka_unit_test(test_splitmix64_seed1234567),
		cmocka_unit_test(test_xoshiro_reference_state),
		cmocka_unit_test(test_seeded_vectors),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_double_range),
		cmocka_unit_test(test_below_range_and_uniformity),
		cmocka_unit_test(test_below_one_draws_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The matcher, table-driven: rule parameters and a call sequence in, the
 * decision for each call out. Rule sets are built by hand (sysnos filled
 * directly) so these tests don't depend on the loader or on libseccomp.
 */
#include <errno.h>
#include <linux/audit.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "faultline/match.h"
#include "faultline/base.h"

/*
 * The host's ABIs and numbers, spelled out so the test doesn't need the
 * name table: native and compat (x86_64 and i386, or aarch64 and arm), and
 * an ABI this build does not trace (the other architecture's).
 */
#if defined(__x86_64__)
#define NATIVE AUDIT_ARCH_X86_64
#define COMPAT AUDIT_ARCH_I386
#define FOREIGN AUDIT_ARCH_AARCH64
#define N_READ 0
#define N_CLOSE 3 /* == i386 read: the same number means another call per ABI */
#define N_OPENAT 257
#define C_OPENAT 295
#elif defined(__aarch64__)
#define NATIVE AUDIT_ARCH_AARCH64
#define COMPAT AUDIT_ARCH_ARM
#define FOREIGN AUDIT_ARCH_X86_64
#define N_READ 63
#define N_CLOSE 57
#define N_OPENAT 56
#define C_OPENAT 322
#else
#error "test_match: the ABIs and numbers of this architecture"
#endif

#define N(nr) { NATIVE, (nr) }
#define C(nr) { COMPAT, (nr) }

#define MAX_RULES 3
#define MAX_CALLS 16

struct rule_spec {
	struct fl_sysno sysnos[4];
	size_t n_sysnos;
	int errors[4];
	size_t n_errors;
	uint64_t after;
	uint64_t every;   /* 0 here means 1 */
	uint64_t times;   /* only with times_set, else unlimited */
	bool times_set;
	double prob;      /* only with prob_set, else 1.0 */
	bool prob_set;
};

#define TIMES(n) .times = (n), .times_set = true
#define PROB(p) .prob = (p), .prob_set = true
#define ON(...) .sysnos = { __VA_ARGS__ }, .n_sysnos = FL_ARRAY_SIZE(((struct fl_sysno[]){ __VA_ARGS__ }))

struct match_row {
	const char *what;
	struct rule_spec rules[MAX_RULES];
	size_t n_rules;
	struct fl_sysno calls[MAX_CALLS]; /* ends at the first { 0, 0 } */
	/* per call: '.' no rule acts, '0'.. index of the rule that acts */
	const char *expect;
	uint64_t matched[MAX_RULES];
};

static struct match_row rows[] = {
	{ "defaults act on every call",
	  { { ON(N(N_OPENAT)) } }, 1,
	  { N(N_OPENAT), N(N_OPENAT), N(N_OPENAT), N(N_OPENAT) },
	  "0000", { 4 } },
	{ "after 2 lets two through",
	  { { ON(N(N_OPENAT)), .after = 2 } }, 1,
	  { N(N_OPENAT), N(N_OPENAT), N(N_OPENAT), N(N_OPENAT), N(N_OPENAT) },
	  "..000", { 5 } },
	{ "every 2 acts on the 1st, 3rd, 5th",
	  { { ON(N(N_OPENAT)), .every = 2 } }, 1,
	  { N(N_OPENAT), N(N_OPENAT), N(N_OPENAT), N(N_OPENAT), N(N_OPENAT),
	    N(N_OPENAT) },
	  "0.0.0.", { 6 } },
	{ "after 1 every 3: m = 2, 5, 8",
	  { { ON(N(N_OPENAT)), .after = 1, .every = 3 } }, 1,
	  { N(N_OPENAT), N(N_OPENAT), N(N_OPENAT), N(N_OPENAT), N(N_OPENAT),
	    N(N_OPENAT), N(N_OPENAT), N(N_OPENAT), N(N_OPENAT) },
	  ".0..0..0.", { 9 } },
	{ "times 2 stops after two",
	  { { ON(N(N_OPENAT)), TIMES(2) } }, 1,
	  { N(N_OPENAT), N(N_OPENAT), N(N_OPENAT), N(N_OPENAT) },
	  "00..", { 4 } },
	{ "after 1 every 2 times 2: m = 2, 4, not 6",
	  { { ON(N(N_OPENAT)), .after = 1, .every = 2, TIMES(2) } }, 1,
	  { N(N_OPENAT), N(N_OPENAT), N(N_OPENAT), N(N_OPENAT), N(N_OPENAT),
	    N(N_OPENAT), N(N_OPENAT) },
	  ".0.0...", { 7 } },
	{ "times 0 never acts but counts",
	  { { ON(N(N_OPENAT)), TIMES(0) } }, 1,
	  { N(N_OPENAT), N(N_OPENAT), N(N_OPENAT) },
	  "...", { 3 } },
	{ "first match wins; the later rule doesn't count calls it didn't see",
	  { { ON(N(N_OPENAT)), TIMES(1) }, { ON(N(N_OPENAT)) } }, 2,
	  { N(N_OPENAT), N(N_OPENAT), N(N_OPENAT), N(N_OPENAT) },
	  "0111", { 4, 3 } },
	{ "a matching rule that doesn't act passes the call on",
	  { { ON(N(N_OPENAT)), .after = 2 }, { ON(N(N_OPENAT)) } }, 2,
	  { N(N_OPENAT), N(N_OPENAT), N(N_OPENAT), N(N_OPENAT) },
	  "1100", { 4, 2 } },
	{ "probability 0 passes the call on to the next rule",
	  { { ON(N(N_OPENAT)), PROB(0.0) }, { ON(N(N_OPENAT)), .every = 2 } }, 2,
	  { N(N_OPENAT), N(N_OPENAT), N(N_OPENAT) },
	  "1.1", { 3, 3 } },
	{ "rules only see their own syscalls",
	  { { ON(N(N_OPENAT)) }, { ON(N(N_READ)), .after = 1 } }, 2,
	  { N(N_READ), N(N_OPENAT), N(N_CLOSE), N(N_READ), N(N_OPENAT) },
	  ".0.10", { 2, 2 } },
	{ "one rule, several syscalls, one counter",
	  { { ON(N(N_OPENAT), N(N_READ)), .every = 2 } }, 1,
	  { N(N_OPENAT), N(N_READ), N(N_READ), N(N_OPENAT) },
	  "0.0.", { 4 } },
	{ "a compat number with the native arch (and back) doesn't match",
	  { { ON(N(N_OPENAT), C(C_OPENAT)) } }, 1,
	  { N(C_OPENAT), C(N_OPENAT), C(C_OPENAT), N(N_OPENAT) },
	  "..00", { 2 } },
	{ "same number, other ABI: the compat call isn't the native close",
	  { { ON(N(N_CLOSE)) } }, 1,
	  { C(N_CLOSE), N(N_CLOSE) },
	  ".0", { 1 } },
	{ "an arch this build does not trace never matches",
	  { { ON(N(N_OPENAT)) } }, 1,
	  { { FOREIGN, N_OPENAT }, N(N_OPENAT) },
	  ".0", { 1 } },
};

/* Owns nothing: points into the spec, which outlives it. */
struct built {
	struct fl_rule rules[MAX_RULES];
	struct fl_rule_set set;
};

static void build(struct built *b, struct rule_spec *specs, size_t n)
{
	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < n; i++) {
		struct rule_spec *s = &specs[i];
		struct fl_rule *r = &b->rules[i];

		r->name = (char *)"r";
		r->sysnos = s->sysnos;
		r->n_sysnos = s->n_sysnos;
		r->errors = s->errors;
		r->n_errors = s->n_errors;
		r->after = s->after;
		r->every = s->every ? s->every : 1;
		r->times = s->times_set ? s->times : FL_TIMES_UNLIMITED;
		r->probability = s->prob_set ? s->prob : 1.0;
	}
	b->set.rules = b->rules;
	b->set.n_rules = n;
}

static struct fl_call call_of(struct fl_sysno s)
{
	return (struct fl_call){ .arch = s.arch, .nr = s.nr, .pid = 100, .tid = 100 };
}

static void test_rows(void **state)
{
	for (size_t k = 0; k < FL_ARRAY_SIZE(rows); k++) {
		struct match_row *row = &rows[k];
		struct built b;
		struct fl_matcher *m;
		uint64_t injected[MAX_RULES] = { 0 };
		size_t n;

		build(&b, row->rules, row->n_rules);
		m = fl_matcher_new(&b.set, 42);
		assert_non_null(m);

		for (n = 0; n < MAX_CALLS && row->calls[n].arch; n++) {
			struct fl_call call = call_of(row->calls[n]);
			struct fl_decision d;
			bool acted = fl_matcher_decide(m, &call, &d);
			char got = acted ? (char)('0' + d.rule) : '.';

			if (got != row->expect[n])
				fail_msg("row \"%s\": call %zu: got '%c', want '%c'", row->what, n,
					 got, row->expect[n]);
			if (acted)
				injected[d.rule]++;
		}
		assert_int_equal(n, strlen(row->expect));
		for (size_t i = 0; i < row->n_rules; i++) {
			if (fl_matcher_stats(m)[i].matched != row->matched[i])
				fail_msg("row \"%s\": rule %zu matched %llu, want %llu", row->what, i,
					 (unsigned long long)fl_matcher_stats(m)[i].matched,
					 (unsigned long long)row->matched[i]);
			assert_int_equal(fl_matcher_stats(m)[i].injected, injected[i]);
		}
		fl_matcher_free(m);
	}
}

/*
 * Every (after, every, times) in a small grid against the formula written
 * out independently: acts on the m-th match when m > after,
 * (m - after - 1) % every == 0 and fewer than `times` acted before.
 */
static void test_counter_grid(void **state)
{
	static const uint64_t timeses[] = { 0, 1, 2, 5, FL_TIMES_UNLIMITED };

	for (uint64_t after = 0; after <= 4; after++)
		for (uint64_t every = 1; every <= 4; every++)
			for (size_t t = 0; t < FL_ARRAY_SIZE(timeses); t++) {
				struct rule_spec spec = { ON(N(N_OPENAT)), .after = after,
							  .every = every, TIMES(timeses[t]) };
				struct fl_call call = call_of((struct fl_sysno)N(N_OPENAT));
				struct built b;
				struct fl_matcher *m;
				uint64_t done = 0;

				build(&b, &spec, 1);
				m = fl_matcher_new(&b.set, 1);
				assert_non_null(m);
				for (uint64_t i = 1; i <= 30; i++) {
					struct fl_decision d;
					bool want = i > after && (i - after - 1) % every == 0 &&
						    done < timeses[t];

					assert_int_equal(fl_matcher_decide(m, &call, &d), want);
					done += want;
				}
				assert_int_equal(fl_matcher_stats(m)[0].matched, 30);
				assert_int_equal(fl_matcher_stats(m)[0].injected, done);
				fl_matcher_free(m);
			}
}

/* per: process | thread: counters per tgid or tid; tree totals unchanged. */
static void test_per_scope(void **state)
{
	struct rule_spec spec = { ON(N(N_OPENAT)), .after = 1, TIMES(2) };
	static const pid_t tids[] = { 10, 11, 10, 11, 10, 11, 10, 11, 12, 12, 12 };
	struct built b;
	struct fl_matcher *m;
	struct fl_decision d;

	build(&b, &spec, 1);
	b.rules[0].per = FL_PER_THREAD;
	m = fl_matcher_new(&b.set, 5);
	assert_non_null(m);
	for (size_t i = 0; i < FL_ARRAY_SIZE(tids); i++) {
		struct fl_call call = call_of((struct fl_sysno)N(N_OPENAT));
		/* Each thread's 2nd and 3rd calls (strace's when=2..3). */
		bool want = (i >= 2 && i <= 5) || i == 9 || i == 10;

		call.pid = 10;
		call.tid = tids[i];
		assert_int_equal(fl_matcher_decide(m, &call, &d), want);
	}
	assert_int_equal(fl_matcher_stats(m)[0].matched, FL_ARRAY_SIZE(tids));
	assert_int_equal(fl_matcher_stats(m)[0].injected, 6);
	/* Thread 11 ends; a new thread 11 starts counting afresh. */
	fl_matcher_forget(m, 11);
	{
		struct fl_call call = call_of((struct fl_sysno)N(N_OPENAT));

		call.pid = 10;
		call.tid = 11;
		assert_false(fl_matcher_decide(m, &call, &d));
		assert_true(fl_matcher_decide(m, &call, &d));
		call.tid = 10;   /* thread 10 was not forgotten: done */
		assert_false(fl_matcher_decide(m, &call, &d));
	}
	fl_matcher_free(m);

	/* per: process counts by tgid: two threads of one process share. */
	build(&b, &spec, 1);
	b.rules[0].per = FL_PER_PROCESS;
	m = fl_matcher_new(&b.set, 5);
	assert_non_null(m);
	{
		static const pid_t pids[] = { 20, 20, 30, 20, 30, 30, 30 };
		static const bool want[] = { false, true, false, true, true, true, false };

		for (size_t i = 0; i < FL_ARRAY_SIZE(pids); i++) {
			struct fl_call call = call_of((struct fl_sysno)N(N_OPENAT));

			call.pid = pids[i];
			call.tid = pids[i] + (pid_t)i; /* another thread each time */
			assert_int_equal(fl_matcher_decide(m, &call, &d), want[i]);
		}
	}
	fl_matcher_free(m);
}

/*
 * A scope's stream is the documented one: its k-th scope (in order of
 * first match) is seeded with the (k+1)-th splitmix64 output from x_i,
 * where x_i seeds rule i's tree stream.
 */
static void test_per_streams(void **state)
{
	struct rule_spec specs[2] = {
		{ ON(N(N_READ)) },
		{ ON(N(N_OPENAT)), PROB(0.5) },
	};
	const uint64_t seed = 1234;
	static const pid_t order[] = { 7, 3, 9 }; /* scopes k = 0, 1, 2 */
	struct built b;
	struct fl_matcher *m;

	build(&b, specs, 2);
	b.rules[1].per = FL_PER_THREAD;
	m = fl_matcher_new(&b.set, seed);
	assert_non_null(m);
	for (int round = 0; round < 20; round++)
		for (size_t k = 0; k < FL_ARRAY_SIZE(order); k++) {
			struct fl_call call = call_of((struct fl_sysno)N(N_OPENAT));
			struct fl_prng want;
			uint64_t st = seed, xi, sk;
			struct fl_decision d;
			bool acts;

			fl_splitmix64(&st);
			xi = fl_splitmix64(&st);            /* rule 1's x_i */
			sk = xi + k * UINT64_C(0x9e3779b97f4a7c15);
			fl_prng_seed(&want, fl_splitmix64(&sk));
			for (int j = 0; j < round; j++)
				fl_prng_double(&want);
			acts = fl_prng_double(&want) < 0.5;
			call.tid = order[k];
			assert_int_equal(fl_matcher_decide(m, &call, &d), acts);
		}
	fl_matcher_free(m);
}

static void test_decision_fields(void **state)
{
	struct rule_spec specs[2] = {
		{ ON(N(N_READ)) },
		{ ON(N(N_OPENAT)), .errors = { EACCES }, .n_errors = 1 },
	};
	struct fl_call call = call_of((struct fl_sysno)N(N_OPENAT));
	struct fl_decision d;
	struct built b;
	struct fl_matcher *m;

	build(&b, specs, 2);
	b.rules[1].has_retval = true;
	b.rules[1].retval = -7;
	b.rules[1].delay_ns = 250000000;
	b.rules[1].phase = FL_PHASE_EXIT;
	m = fl_matcher_new(&b.set, 0);
	assert_non_null(m);

	memset(&d, 0xa5, sizeof(d));
	assert_true(fl_matcher_decide(m, &call, &d));
	assert_int_equal(d.rule, 1);
	assert_int_equal(d.error, EACCES);
	assert_true(d.has_retval);
	assert_int_equal(d.retval, -7);
	assert_int_equal(d.delay_ns, 250000000);
	assert_int_equal(d.phase, FL_PHASE_EXIT);

	/* No errors listed: error 0 (a delay- or retval-only rule). */
	call = call_of((struct fl_sysno)N(N_READ));
	assert_true(fl_matcher_decide(m, &call, &d));
	assert_int_equal(d.rule, 0);
	assert_int_equal(d.error, 0);
	assert_false(d.has_retval);
	assert_int_equal(d.delay_ns, 0);
	assert_int_equal(d.phase, FL_PHASE_ENTER);
	fl_matcher_free(m);
}

/* Documented derivation: rule i <- (i+1)-th splitmix64 output from the seed. */
static void test_stream_derivation(void **state)
{
	struct rule_spec specs[3] = { { ON(N(1)) }, { ON(N(2)) }, { ON(N(3)) } };
	const uint64_t seed = 0x0123456789abcdefULL;
	uint64_t st = seed;
	struct built b;
	struct fl_matcher *m;

	build(&b, specs, 3);
	m = fl_matcher_new(&b.set, seed);
	assert_non_null(m);
	assert_int_equal(fl_matcher_seed(m), seed);
	for (size_t i = 0; i < 3; i++) {
		struct fl_prng want;

		fl_prng_seed(&want, fl_splitmix64(&st));
		assert_memory_equal(&fl_matcher_stats(m)[i].prng, &want, sizeof(want));
	}
	fl_matcher_free(m);
}

/* Run @n openat calls; decisions[i]: '.' or '0' + rule, errors[i]: errno. */
static void run_openats(const struct fl_rule_set *set, uint64_t seed, size_t n, char *decisions,
			int *errors)
{
	struct fl_call call = call_of((struct fl_sysno)N(N_OPENAT));
	struct fl_matcher *m = fl_matcher_new(set, seed);

	assert_non_null(m);
	for (size_t i = 0; i < n; i++) {
		struct fl_decision d;
		bool acted = fl_matcher_decide(m, &call, &d);

		decisions[i] = acted ? (char)('0' + d.rule) : '.';
		if (errors)
			errors[i] = acted ? d.error : 0;
	}
	decisions[n] = '\0';
	fl_matcher_free(m);
}

static void test_probability_seeded(void **state)
{
	struct rule_spec spec = { ON(N(N_OPENAT)), PROB(0.3) };
	char a[401], b2[401], c[401];
	size_t acted = 0;
	struct built b;

	build(&b, &spec, 1);
	run_openats(&b.set, 42, 400, a, NULL);
	run_openats(&b.set, 42, 400, b2, NULL);
	run_openats(&b.set, 43, 400, c, NULL);
	assert_string_equal(a, b2);
	assert_string_not_equal(a, c);
	for (size_t i = 0; i < 400; i++)
		acted += a[i] == '0';
	/* mean 120, sd ~9.2 */
	assert_in_range(acted, 80, 160);
}

/* Probability 0 and 1 never draw, so their streams stay as seeded. */
static void test_probability_extremes_draw_nothing(void **state)
{
	struct rule_spec specs[2] = {
		{ ON(N(N_OPENAT)), PROB(0.0) },
		{ ON(N(N_OPENAT)), PROB(1.0) },
	};
	struct fl_call call = call_of((struct fl_sysno)N(N_OPENAT));
	struct fl_prng p0, p1;
	struct built b;
	struct fl_matcher *m;

	build(&b, specs, 2);
	m = fl_matcher_new(&b.set, 9);
	assert_non_null(m);
	p0 = fl_matcher_stats(m)[0].prng;
	p1 = fl_matcher_stats(m)[1].prng;
	for (int i = 0; i < 50; i++) {
		struct fl_decision d;

		assert_true(fl_matcher_decide(m, &call, &d));
		assert_int_equal(d.rule, 1);
	}
	assert_int_equal(fl_matcher_stats(m)[0].matched, 50);
	assert_int_equal(fl_matcher_stats(m)[0].injected, 0);
	assert_int_equal(fl_matcher_stats(m)[1].injected, 50);
	assert_memory_equal(&fl_matcher_stats(m)[0].prng, &p0, sizeof(p0));
	assert_memory_equal(&fl_matcher_stats(m)[1].prng, &p1, sizeof(p1));
	fl_matcher_free(m);
}

/*
 * A rule's decisions depend only on (seed, its index, the calls it sees):
 * changing rule 0's probability, which changes how often rule 0 draws,
 * leaves rule 1's decisions on read() alone.
 */
static void test_streams_independent(void **state)
{
	struct rule_spec specs[2] = {
		{ ON(N(N_OPENAT)), PROB(0.5) },
		{ ON(N(N_READ)), PROB(0.5) },
	};
	char first[201], second[201];

	for (int pass = 0; pass < 2; pass++) {
		char *out = pass ? second : first;
		struct built b;
		struct fl_matcher *m;

		specs[0].prob = pass ? 0.9 : 0.1;
		build(&b, specs, 2);
		m = fl_matcher_new(&b.set, 77);
		assert_non_null(m);
		for (int i = 0; i < 200; i++) {
			struct fl_call open_call = call_of((struct fl_sysno)N(N_OPENAT));
			struct fl_call read_call = call_of((struct fl_sysno)N(N_READ));
			struct fl_decision d;

			fl_matcher_decide(m, &open_call, &d);
			out[i] = fl_matcher_decide(m, &read_call, &d) ? 'y' : 'n';
		}
		out[200] = '\0';
		fl_matcher_free(m);
	}
	assert_string_equal(first, second);
}

static void test_errno_picks(void **state)
{
	static const int list[3] = { ENOENT, EACCES, EIO };
	struct rule_spec spec = { ON(N(N_OPENAT)), .errors = { ENOENT, EACCES, EIO },
				  .n_errors = 3 };
	static int e1[3000], e2[3000];
	static char d1[3001], d2[3001];
	unsigned counts[3] = { 0 };
	struct built b;

	build(&b, &spec, 1);
	run_openats(&b.set, 5, 3000, d1, e1);
	run_openats(&b.set, 5, 3000, d2, e2);
	assert_memory_equal(e1, e2, sizeof(e1));
	for (size_t i = 0; i < 3000; i++) {
		size_t k;

		for (k = 0; k < 3 && list[k] != e1[i]; k++)
			;
		assert_true(k < 3);
		counts[k]++;
	}
	for (size_t k = 0; k < 3; k++)
		assert_in_range(counts[k], 850, 1150);

	/* A different seed picks differently. */
	run_openats(&b.set, 6, 3000, d2, e2);
	assert_memory_not_equal(e1, e2, sizeof(e1));
}

/* One listed errno: no draw, the stream stays as seeded. */
static void test_single_errno_no_draw(void **state)
{
	struct rule_spec spec = { ON(N(N_OPENAT)), .errors = { ENOSPC }, .n_errors = 1 };
	struct fl_call call = call_of((struct fl_sysno)N(N_OPENAT));
	struct fl_decision d;
	struct fl_prng p;
	struct built b;
	struct fl_matcher *m;

	build(&b, &spec, 1);
	m = fl_matcher_new(&b.set, 3);
	assert_non_null(m);
	p = fl_matcher_stats(m)[0].prng;
	for (int i = 0; i < 10; i++) {
		assert_true(fl_matcher_decide(m, &call, &d));
		assert_int_equal(d.error, ENOSPC);
	}
	assert_memory_equal(&fl_matcher_stats(m)[0].prng, &p, sizeof(p));
	fl_matcher_free(m);
}

static void test_wants(void **state)
{
	struct rule_spec specs[2] = {
		{ ON(N(N_OPENAT), C(C_OPENAT), N(-1)) },
		{ ON(N(N_READ), C(1000)) },
	};
	struct built b;
	struct fl_matcher *m;

	build(&b, specs, 2);
	m = fl_matcher_new(&b.set, 0);
	assert_non_null(m);
	assert_true(fl_matcher_wants(m, NATIVE, N_OPENAT));
	assert_true(fl_matcher_wants(m, NATIVE, N_READ));
	assert_true(fl_matcher_wants(m, COMPAT, C_OPENAT));
	assert_true(fl_matcher_wants(m, COMPAT, 1000));
	assert_false(fl_matcher_wants(m, NATIVE, 1));
	assert_false(fl_matcher_wants(m, NATIVE, N_OPENAT - 1));
	assert_false(fl_matcher_wants(m, NATIVE, N_OPENAT + 1));
	assert_false(fl_matcher_wants(m, NATIVE, C_OPENAT));
	assert_false(fl_matcher_wants(m, COMPAT, N_OPENAT));
	assert_false(fl_matcher_wants(m, FOREIGN, N_OPENAT));
	assert_false(fl_matcher_wants(m, NATIVE, -1));
	assert_false(fl_matcher_wants(m, NATIVE, 100000));
	assert_false(fl_matcher_wants(m, NATIVE, 0x40000000 | N_OPENAT));
	assert_false(fl_matcher_wants(NULL, NATIVE, N_OPENAT));
	fl_matcher_free(m);
}

static void test_empty_set(void **state)
{
	struct fl_rule_set set = { 0 };
	struct fl_call call = call_of((struct fl_sysno)N(N_OPENAT));
	struct fl_decision d;
	struct fl_matcher *m = fl_matcher_new(&set, 1);

	assert_non_null(m);
	assert_false(fl_matcher_wants(m, NATIVE, N_OPENAT));
	assert_false(fl_matcher_wants(m, COMPAT, 0));
	assert_false(fl_matcher_decide(m, &call, &d));
	fl_matcher_free(m);
	fl_matcher_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_counter_grid),
		cmocka_unit_test(test_per_scope),
		cmocka_unit_test(test_per_streams),
		cmocka_unit_test(test_decision_fields),
		cmocka_unit_test(test_stream_derivation),
		cmocka_unit_test(test_probability_seeded),
		cmocka_unit_test(test_probability_extremes_draw_nothing),
		cmocka_unit_test(test_streams_independent),
		cmocka_unit_test(test_errno_picks),
		cmocka_unit_test(test_single_errno_no_draw),
		cmocka_unit_test(test_wants),
		cmocka_unit_test(test_empty_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

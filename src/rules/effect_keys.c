/*
 * The keys of the effects that write the tracee's memory: poke (given
 * bytes into a buffer argument) and corrupt (damage the data a read-like
 * call returns or a write-like call stores). Which calls they apply to is checked with
 * the other cross-key checks (checks.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/base.h"
#include "faultline/rules.h"
#include "load.h"

static int parse_poke_arg(struct load *ld, void *obj, const struct key_def *def,
			  const struct node *key, const struct node *v)
{
	uint64_t n;

	if (fl_get_u64(ld, def, v, &n) < 0)
		return -EINVAL;
	if (n > 5) {
		report_at(ld, v, "key 'poke.arg': %s is not an argument index; arguments are "
			  "counted 0..5", v->text);
		return -EINVAL;
	}
	RULE(obj)->poke_arg = (unsigned)n;
	return 0;
}

static int parse_poke_data(struct load *ld, void *obj, const struct key_def *def,
			   const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);

	if (v->len == 0) {
		report_at(ld, v, "key 'poke.data': no bytes to write");
		return -EINVAL;
	}
	if (v->len > POKE_MAX) {
		report_at(ld, v, "key 'poke.data': %zu bytes is more than one poke writes (at most "
			  "%d)", v->len, POKE_MAX);
		return -EINVAL;
	}
	free(r->poke_data);
	r->poke_data = malloc(v->len);
	if (!r->poke_data) {
		ld->oom = true;
		return -ENOMEM;
	}
	memcpy(r->poke_data, v->text, v->len);
	r->poke_len = v->len;
	return 0;
}

const struct key_def fl_poke_keys[N_POKE_KEYS] = {
	[PK_ARG] = { "arg", SHAPE_SCALAR, "the index 0..5 of the pointer argument to write "
		     "through", parse_poke_arg },
	[PK_DATA] = { "data", SHAPE_SCALAR, "the bytes to write, as a string (YAML escapes "
		      "such as \"\\0\" and \"\\xff\" for any byte, in double quotes)", parse_poke_data },
};

/*
 * poke: {arg: N, data: "..."}: at the rule's phase, write the bytes into
 * the buffer argument N points to (strace's poke_enter=@argN=, poke_exit=).
 */
int fl_parse_poke(struct load *ld, void *obj, const struct key_def *def,
		  const struct node *key, const struct node *v)
{
	struct key_seen seen = { 0 };
	unsigned errors = ld->n_errors;

	if (v->kind != NODE_MAPPING)
		return fl_bad_value(ld, def, v);
	fl_parse_mapping(ld, v, fl_poke_keys, N_POKE_KEYS, "in 'poke'", obj, &seen);
	if (ld->n_errors != errors)
		return -EINVAL;
	for (size_t i = 0; i < N_POKE_KEYS; i++)
		if (!seen.key[i] && !seen.unknown) {
			report_at(ld, v, "key 'poke': no '%s'; expected %s", fl_poke_keys[i].name,
				  def->expect);
			return -EINVAL;
		}
	if (seen.unknown)
		return -EINVAL;
	RULE(obj)->has_poke = true;
	return 0;
}

static int parse_corrupt_bytes(struct load *ld, void *obj, const struct key_def *def,
			       const struct node *key, const struct node *v)
{
	uint64_t n;

	if (fl_get_u64(ld, def, v, &n) < 0)
		return -EINVAL;
	if (n < 1 || n > FL_CORRUPT_MAX) {
		report_at(ld, v, "key 'corrupt.bytes': %s is outside 1..%d", v->text, FL_CORRUPT_MAX);
		return -EINVAL;
	}
	RULE(obj)->corrupt_bytes = n;
	return 0;
}

static int parse_corrupt_how(struct load *ld, void *obj, const struct key_def *def,
			     const struct node *key, const struct node *v)
{
	static const char *const hows[] = { "flip", "zero", "random" };
	const char *hint;

	for (size_t i = 0; i < FL_ARRAY_SIZE(hows); i++)
		if (strcmp(v->text, hows[i]) == 0) {
			RULE(obj)->corrupt_how = (enum fl_corrupt_how)i;
			return 0;
		}
	hint = fl_did_you_mean(v->text, hows, FL_ARRAY_SIZE(hows));
	if (hint)
		report_at(ld, v, "key 'corrupt.how': expected %s, got %s; did you mean '%s'?",
			  def->expect, fl_describe(v).s, hint);
	else
		report_at(ld, v, "key 'corrupt.how': expected %s, got %s", def->expect,
			  fl_describe(v).s);
	return -EINVAL;
}

const struct key_def fl_corrupt_keys[N_CORRUPT_KEYS] = {
	[CK_BYTES] = { "bytes", SHAPE_SCALAR, "how many bytes to damage per call, 1..256",
		       parse_corrupt_bytes },
	[CK_HOW] = { "how", SHAPE_SCALAR, "'flip' (one bit each, the default), 'zero' or 'random' "
		     "(another value each)", parse_corrupt_how },
};

/*
 * corrupt: {bytes: N, how: flip | zero | random}: IOChaos's mistake. The
 * offsets and values come from the rule's stream: the same seed damages
 * the same bytes the same way.
 */
int fl_parse_corrupt(struct load *ld, void *obj, const struct key_def *def,
		     const struct node *key, const struct node *v)
{
	struct key_seen seen = { 0 };
	unsigned errors = ld->n_errors;

	if (v->kind != NODE_MAPPING)
		return fl_bad_value(ld, def, v);
	fl_parse_mapping(ld, v, fl_corrupt_keys, N_CORRUPT_KEYS, "in 'corrupt'", obj, &seen);
	if (ld->n_errors != errors)
		return -EINVAL;
	if (!seen.key[CK_BYTES]) {
		report_at(ld, v, "key 'corrupt': no 'bytes'; expected %s", def->expect);
		return -EINVAL;
	}
	return 0;
}

/*
 * The keys of the effects that write the tracee's memory: poke (given
 * bytes into a buffer argument). Which calls they apply to is checked with
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

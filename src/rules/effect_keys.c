/*
 * The keys of the effects that write the tracee's memory: poke (given
 * bytes into a buffer argument) and corrupt (damage the data a read-like
 * call returns or a write-like call stores), and the one that rewrites a
 * result in memory: stat (fake file attributes). Which calls they apply to is checked with
 * the other cross-key checks (checks.c).
 */
#include <errno.h>
#include <inttypes.h>
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

/* Which field a stat key is: its index in fl_stat_keys, found by name. */
static enum fl_stat_field stat_field(const struct key_def *def)
{
	for (unsigned f = 0; f < FL_STAT_N_FIELDS; f++)
		if (strcmp(fl_stat_field_name((enum fl_stat_field)f), def->name) == 0)
			return (enum fl_stat_field)f;
	return FL_STAT_N_FIELDS;
}

static int parse_stat_field(struct load *ld, void *obj, const struct key_def *def,
			    const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	enum fl_stat_field f = stat_field(def);
	uint64_t u = 0;

	switch (f) {
	case FL_STAT_MODE: {
		/* Permission bits, in octal as ls and chmod write them: 0600, 644, 0o4755. */
		const char *t = v->text + (strncmp(v->text, "0o", 2) == 0 ? 2 : 0);

		if (v->quoted || !*t || strspn(t, "01234567") != strlen(t) || strlen(t) > 5 ||
		    (u = strtoull(t, NULL, 8)) > 07777) {
			report_at(ld, v, "key 'stat.mode': %s is not a mode; give the permission bits "
				  "in octal, 0000..07777 (e.g. 0600)", show(v).s);
			return -EINVAL;
		}
		break;
	}
	case FL_STAT_ATIME:
	case FL_STAT_MTIME:
	case FL_STAT_CTIME: {
		int64_t t;

		if (fl_get_i64(ld, def, v, &t) < 0)
			return -EINVAL;
		u = (uint64_t)t;
		break;
	}
	default:
		if (fl_get_u64(ld, def, v, &u) < 0)
			return -EINVAL;
		if ((f == FL_STAT_UID || f == FL_STAT_GID || f == FL_STAT_NLINK) && u > UINT32_MAX) {
			report_at(ld, v, "key 'stat.%s': %s is more than 32 bits hold", def->name, v->text);
			return -EINVAL;
		}
		break;
	}
	if (f >= FL_STAT_N_FIELDS)
		return -EINVAL;
	r->stat_values[f] = u;
	r->stat_fields |= 1u << f;
	return 0;
}

const struct key_def fl_stat_keys[FL_STAT_N_FIELDS] = {
	[FL_STAT_SIZE] = { "size", SHAPE_SCALAR, "the size in bytes", parse_stat_field },
	[FL_STAT_MODE] = { "mode", SHAPE_SCALAR, "the permission bits in octal, such as 0600 (the "
			   "file type is kept)", parse_stat_field },
	[FL_STAT_UID] = { "uid", SHAPE_SCALAR, "the owner's user id", parse_stat_field },
	[FL_STAT_GID] = { "gid", SHAPE_SCALAR, "the group id", parse_stat_field },
	[FL_STAT_NLINK] = { "nlink", SHAPE_SCALAR, "the number of hard links", parse_stat_field },
	[FL_STAT_INO] = { "ino", SHAPE_SCALAR, "the inode number", parse_stat_field },
	[FL_STAT_ATIME] = { "atime", SHAPE_SCALAR, "the access time, in seconds since the epoch",
			    parse_stat_field },
	[FL_STAT_MTIME] = { "mtime", SHAPE_SCALAR, "the modification time, in seconds since the "
			    "epoch", parse_stat_field },
	[FL_STAT_CTIME] = { "ctime", SHAPE_SCALAR, "the status change time, in seconds since the "
			    "epoch", parse_stat_field },
};

/*
 * stat: {size: N, ...}: IOChaos's attrOverride. After the real call
 * succeeded, the given fields of its result are overwritten.
 */
int fl_parse_stat(struct load *ld, void *obj, const struct key_def *def,
		  const struct node *key, const struct node *v)
{
	struct key_seen seen = { 0 };
	unsigned errors = ld->n_errors;

	if (v->kind != NODE_MAPPING)
		return fl_bad_value(ld, def, v);
	if (v->n_kids == 0) {
		report_at(ld, v, "key 'stat': the mapping is empty; expected %s", def->expect);
		return -EINVAL;
	}
	fl_parse_mapping(ld, v, fl_stat_keys, FL_STAT_N_FIELDS, "in 'stat'", obj, &seen);
	return ld->n_errors != errors ? -EINVAL : 0;
}

/*
 * The key-table engine: checks a mapping's keys against a table (unknown,
 * duplicate, misspelt keys), a value's shape (scalar, list, any), and runs
 * each key's parser.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "faultline/sys.h"
#include "faultline/base.h"
#include "load.h"

/* ---- mappings ---- */

struct key_names {
	char s[512];
};

static struct key_names key_list(const struct key_def *defs, size_t n)
{
	struct key_names out;
	size_t o = 0;

	out.s[0] = '\0';
	for (size_t i = 0; i < n && o < sizeof(out.s); i++)
		o += (size_t)snprintf(out.s + o, sizeof(out.s) - o, "%s%s", i ? ", " : "", defs[i].name);
	return out;
}

/* Runs def->parse on @v after checking its shape. Returns 0 or -errno. */
static int parse_value(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	int ret = 0;

	if (node_is_null(v)) {
		report_at(ld, key, "key '%s': expected %s, got nothing", def->name, def->expect);
		return -EINVAL;
	}
	switch (def->shape) {
	case SHAPE_ANY:
		return def->parse(ld, obj, def, key, v);
	case SHAPE_SCALAR:
		if (v->kind != NODE_SCALAR)
			return fl_bad_value(ld, def, v);
		return def->parse(ld, obj, def, key, v);
	case SHAPE_LIST:
		if (v->kind == NODE_SCALAR)
			return def->parse(ld, obj, def, key, v);
		if (v->kind != NODE_SEQUENCE)
			return fl_bad_value(ld, def, v);
		if (v->n_kids == 0) {
			report_at(ld, v, "key '%s': the list is empty; expected %s", def->name,
				  def->expect);
			return -EINVAL;
		}
		for (size_t i = 0; i < v->n_kids && !too_many_errors(ld); i++) {
			const struct node *item = v->kids[i];
			int r;

			if (item->kind != NODE_SCALAR || node_is_null(item)) {
				report_at(ld, item, "key '%s': list entry %zu is %s; expected %s",
					  def->name, i + 1, fl_describe(item).s, def->expect);
				ret = -EINVAL;
				continue;
			}
			r = def->parse(ld, obj, def, key, item);
			if (r < 0)
				ret = r;
		}
		return ret;
	}
	return -EINVAL;
}

void fl_parse_mapping(struct load *ld, const struct node *map, const struct key_def *defs,
			  size_t n_defs, const char *where, void *obj, struct key_seen *seen)
{
	for (size_t i = 0; i + 1 < map->n_kids && !too_many_errors(ld); i += 2) {
		const struct node *k = map->kids[i], *v = map->kids[i + 1];
		const struct key_def *def = NULL;
		size_t idx;

		if (k->kind != NODE_SCALAR) {
			report_at(ld, k, "a key %s is %s; keys are plain words such as '%s'", where,
				  fl_describe(k).s, defs[0].name);
			seen->unknown = true;
			continue;
		}
		if (node_is_null(k)) {
			report_at(ld, k, "missing key name before ':' %s (valid keys: %s)", where,
				  key_list(defs, n_defs).s);
			seen->unknown = true;
			continue;
		}
		for (idx = 0; idx < n_defs; idx++)
			if (strcmp(defs[idx].name, k->text) == 0) {
				def = &defs[idx];
				break;
			}
		if (!def) {
			const char *names[FL_ARRAY_SIZE(seen->key)];
			const char *hint;

			for (size_t j = 0; j < n_defs && j < FL_ARRAY_SIZE(names); j++)
				names[j] = defs[j].name;
			hint = fl_did_you_mean(k->text, names, n_defs);
			if (hint)
				report_at(ld, k, "unknown key %s %s; did you mean '%s'? (valid keys: %s)",
					  show(k).s, where, hint, key_list(defs, n_defs).s);
			else
				report_at(ld, k, "unknown key %s %s (valid keys: %s)", show(k).s, where,
					  key_list(defs, n_defs).s);
			seen->unknown = true;
			continue;
		}
		if (seen->key[idx]) {
			report_at(ld, k, "duplicate key '%s' (first given at line %u, column %u)",
				  def->name, seen->key[idx]->line, seen->key[idx]->column);
			continue;
		}
		seen->key[idx] = k;
		seen->value[idx] = v;
		seen->ok[idx] = parse_value(ld, obj, def, k, v) == 0;
	}
}


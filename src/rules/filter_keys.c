/*
 * The parsers of the filter keys: path, process, fd, fd_type, port, address, args.
 * Their semantics are described at the top of loader.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "faultline/base.h"
#include "faultline/rules.h"
#include "load.h"

/* ---- filters ---- */

/* Append a copy of @s to *@arr; false on OOM (ld->oom set). */
static bool push_string(struct load *ld, char ***arr, size_t *n, const char *s)
{
	char *copy = strdup(s);
	char **a = copy ? fl_grow(*arr, *n, sizeof(**arr)) : NULL;

	if (!a) {
		free(copy);
		ld->oom = true;
		return false;
	}
	*arr = a;
	a[(*n)++] = copy;
	return true;
}

bool fl_listed(char *const *arr, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(arr[i], s) == 0)
			return true;
	return false;
}

static int listed_twice(struct load *ld, const struct key_def *def, const struct node *v)
{
	report_at(ld, v, "key '%s': %s is listed twice in this rule", def->name, show(v).s);
	return -EINVAL;
}

/*
 * Whether the entry @canon (its canonical text) came earlier in the list
 * under @key; records it. A hash set, so a list of n entries costs O(n).
 * Out of memory: false, with the load marked so.
 */
static bool listed_before(struct load *ld, const struct node *key, const char *canon)
{
	int r;

	if (ld->listed_key != key) {
		fl_strset_clear(&ld->listed);
		ld->listed_key = key;
	}
	r = fl_strset_add(&ld->listed, canon);
	if (r < 0)
		ld->oom = true;
	return r == 0;
}

/*
 * A relative pattern could only be a mistake: paths are matched absolute.
 * Say what to write instead.
 */
static void report_relative(struct load *ld, const struct key_def *def, const struct node *v)
{
	const char *t = v->text;

	if (t[0] == '~')
		report_at(ld, v, "key '%s': %s is relative; patterns are absolute and '~' is not "
			  "expanded: write the home directory out (e.g. /home/NAME/...)",
			  def->name, show(v).s);
	else if (strcmp(t, ".") == 0 || strcmp(t, "..") == 0 || strncmp(t, "./", 2) == 0 ||
		 strncmp(t, "../", 3) == 0)
		report_at(ld, v, "key '%s': %s is relative; patterns are matched against absolute "
			  "paths: write the directory out (e.g. /srv/app/...)", def->name, show(v).s);
	else
		report_at(ld, v, "key '%s': %s is relative; patterns are matched against absolute "
			  "paths: write '/**/%s' to match it in any directory", def->name, show(v).s,
			  t);
}

int fl_parse_path(struct load *ld, void *obj, const struct key_def *def,
		      const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	const char *msg;

	if (fl_glob_check(v->text, &msg) < 0) {
		if (v->text[0] && v->text[0] != '/' && v->text[0] != '@')
			report_relative(ld, def, v);
		else
			report_at(ld, v, "key '%s': bad pattern %s: %s", def->name, show(v).s, msg);
		return -EINVAL;
	}
	if (listed_before(ld, key, v->text))
		return listed_twice(ld, def, v);
	return push_string(ld, &r->paths, &r->n_paths, v->text) ? 0 : -ENOMEM;
}

int fl_parse_process(struct load *ld, void *obj, const struct key_def *def,
			 const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	const char *msg;

	if (strchr(v->text, '/')) {
		if (v->text[0] != '/') {
			report_relative(ld, def, v);
			return -EINVAL;
		}
		if (fl_glob_check(v->text, &msg) < 0) {
			report_at(ld, v, "key '%s': bad pattern %s: %s", def->name, show(v).s, msg);
			return -EINVAL;
		}
	} else if (fl_glob_check_name(v->text, &msg) < 0) {
		report_at(ld, v, "key '%s': bad pattern %s: %s", def->name, show(v).s, msg);
		return -EINVAL;
	}
	if (listed_before(ld, key, v->text))
		return listed_twice(ld, def, v);
	return push_string(ld, &r->processes, &r->n_processes, v->text) ? 0 : -ENOMEM;
}

/*
 * caller: a function on the calling thread's stack, by name pattern. The
 * stack is unwound with libdw, as --stack does; a build without it cannot.
 */
int fl_parse_caller(struct load *ld, void *obj, const struct key_def *def,
		    const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	const char *msg;

	if (!FL_HAVE_LIBDW) {
		report_at(ld, v, "key '%s': this faultline was built without libdw (meson "
			  "-Dlibdw=enabled, with libdw-dev installed), which it needs to unwind the "
			  "caller's stack", def->name);
		return -EINVAL;
	}
	if (v->len == 0 || strchr(v->text, '/') || fl_glob_check_name(v->text, &msg) < 0) {
		report_at(ld, v, "key '%s': bad pattern %s: %s", def->name, show(v).s,
			  v->len == 0 ? "it is empty" : strchr(v->text, '/') ?
			  "a function name has no '/'" : msg);
		return -EINVAL;
	}
	if (listed_before(ld, key, v->text))
		return listed_twice(ld, def, v);
	return push_string(ld, &r->callers, &r->n_callers, v->text) ? 0 : -ENOMEM;
}

int fl_parse_fd(struct load *ld, void *obj, const struct key_def *def,
		    const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	uint64_t n;
	int *fds;

	if (fl_get_u64(ld, def, v, &n) < 0)
		return -EINVAL;
	if (n > INT32_MAX) {
		report_at(ld, v, "key '%s': %s is not a file descriptor (at most %d)", def->name,
			  v->text, INT32_MAX);
		return -EINVAL;
	}
	char canon[24];

	snprintf(canon, sizeof(canon), "%" PRIu64, n);
	if (listed_before(ld, key, canon))
		return listed_twice(ld, def, v);
	fds = fl_grow(r->fds, r->n_fds, sizeof(*fds));
	if (!fds) {
		ld->oom = true;
		return -ENOMEM;
	}
	r->fds = fds;
	fds[r->n_fds++] = (int)n;
	return 0;
}

/* fd_type: the kind of file behind any of the call's fds (fl_fd_type_name()). */
int fl_parse_fd_type(struct load *ld, void *obj, const struct key_def *def,
		     const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	const char *names[FL_FD_TYPE_MAX];
	int t = fl_fd_type_from_name(v->text);

	if (t < 0) {
		const char *hint;
		char list[256];
		size_t len = 0;

		for (int k = 0; k < FL_FD_TYPE_MAX; k++) {
			names[k] = fl_fd_type_name((enum fl_fd_type)k);
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
						k ? ", " : "", names[k]);
			if (len >= sizeof(list))
				len = sizeof(list) - 1;
		}
		hint = fl_did_you_mean(v->text, names, FL_FD_TYPE_MAX);
		if (hint)
			report_at(ld, v, "key '%s': unknown kind of file %s; did you mean '%s'? (one "
				  "of %s)", def->name, show(v).s, hint, list);
		else
			report_at(ld, v, "key '%s': unknown kind of file %s; expected one of %s",
				  def->name, show(v).s, list);
		return -EINVAL;
	}
	if (r->fd_types & (1u << t))
		return listed_twice(ld, def, v);
	r->fd_types |= 1u << t;
	return 0;
}

int fl_parse_port(struct load *ld, void *obj, const struct key_def *def,
		      const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	uint16_t *ports;
	uint64_t n;

	if (fl_get_u64(ld, def, v, &n) < 0)
		return -EINVAL;
	if (n > 65535) {
		report_at(ld, v, "key '%s': %s is outside 0..65535", def->name, v->text);
		return -EINVAL;
	}
	char canon[24];

	snprintf(canon, sizeof(canon), "%" PRIu64, n);
	if (listed_before(ld, key, canon))
		return listed_twice(ld, def, v);
	ports = fl_grow(r->ports, r->n_ports, sizeof(*ports));
	if (!ports) {
		ld->oom = true;
		return -ENOMEM;
	}
	r->ports = ports;
	ports[r->n_ports++] = (uint16_t)n;
	return 0;
}

int fl_parse_address(struct load *ld, void *obj, const struct key_def *def,
			 const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	struct fl_addr_pattern p, *a;
	const char *msg;
	char net[64];
	int ret;

	if (v->quoted && fl_looks_numeric(v->text) && !strchr(v->text, ':'))
		return fl_quoted_number(ld, def, v);
	ret = fl_addr_pattern_parse(v->text, &p, &msg);
	if (ret == -EDOM) {
		fl_addr_pattern_format(&p, net, sizeof(net));
		report_at(ld, v, "key '%s': %s has bits set past the prefix length; did you mean "
			  "'%s'?", def->name, show(v).s, net);
		return -EINVAL;
	}
	if (ret < 0) {
		report_at(ld, v, "key '%s': bad address %s: %s", def->name, show(v).s, msg);
		return -EINVAL;
	}
	fl_addr_pattern_format(&p, net, sizeof(net));
	if (listed_before(ld, key, net))
		return listed_twice(ld, def, v);
	a = fl_grow(r->addresses, r->n_addresses, sizeof(*a));
	if (!a) {
		ld->oom = true;
		return -ENOMEM;
	}
	r->addresses = a;
	a[r->n_addresses++] = p;
	return 0;
}

/* An argument value: any 64-bit pattern, written signed or unsigned. */
static int get_reg(struct load *ld, const struct key_def *def, const struct node *v, uint64_t *ret)
{
	int64_t i;

	if (v->kind != NODE_SCALAR || node_is_null(v))
		return fl_bad_value(ld, def, v);
	if (v->text[0] != '-')
		return fl_get_u64(ld, def, v, ret);
	if (fl_get_i64(ld, def, v, &i) < 0)
		return -EINVAL;
	*ret = (uint64_t)i;
	return 0;
}

/* {mask: BITS} */
static int parse_arg_mask(struct load *ld, const struct key_def *def, const struct node *map,
			  struct fl_arg_filter *f)
{
	const struct node *mask = NULL;

	for (size_t i = 0; i + 1 < map->n_kids; i += 2) {
		const struct node *k = map->kids[i];

		if (k->kind != NODE_SCALAR || strcmp(k->text, "mask") != 0) {
			report_at(ld, k, "key '%s': unknown key %s in an argument's mapping (the "
				  "only one is 'mask', e.g. {mask: 0x40})", def->name, fl_describe(k).s);
			return -EINVAL;
		}
		if (mask) {
			report_at(ld, k, "key '%s': duplicate key 'mask'", def->name);
			return -EINVAL;
		}
		mask = map->kids[i + 1];
	}
	if (!mask) {
		report_at(ld, map, "key '%s': expected {mask: BITS}, got an empty mapping", def->name);
		return -EINVAL;
	}
	if (get_reg(ld, def, mask, &f->value) < 0)
		return -EINVAL;
	if (f->value == 0) {
		report_at(ld, mask, "key '%s': mask 0 holds for every value; leave the argument out",
			  def->name);
		return -EINVAL;
	}
	f->mask = true;
	return 0;
}

int fl_parse_args(struct load *ld, void *obj, const struct key_def *def,
		      const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	struct fl_arg_filter args[6] = { 0 };
	const struct node *first[6] = { 0 };
	int ret = 0;

	if (v->kind != NODE_MAPPING)
		return fl_bad_value(ld, def, v);
	if (v->n_kids == 0) {
		report_at(ld, v, "key '%s': the mapping is empty; expected %s", def->name, def->expect);
		return -EINVAL;
	}
	for (size_t i = 0; i + 1 < v->n_kids && !too_many_errors(ld); i += 2) {
		const struct node *k = v->kids[i], *val = v->kids[i + 1];
		uint64_t idx;

		if (k->kind != NODE_SCALAR || k->quoted || fl_parse_magnitude(k->text, &idx) < 0) {
			report_at(ld, k, "key '%s': argument index %s is not a number 0..5",
				  def->name, fl_describe(k).s);
			ret = -EINVAL;
			continue;
		}
		if (idx > 5) {
			report_at(ld, k, "key '%s': argument index %s is outside 0..5 (a syscall has "
				  "at most 6 arguments, counted from 0)", def->name, k->text);
			ret = -EINVAL;
			continue;
		}
		if (first[idx]) {
			report_at(ld, k, "key '%s': argument %" PRIu64 " is given twice (first at "
				  "line %u, column %u)", def->name, idx, first[idx]->line,
				  first[idx]->column);
			ret = -EINVAL;
			continue;
		}
		first[idx] = k;
		args[idx].used = true;
		if (val->kind == NODE_MAPPING) {
			if (parse_arg_mask(ld, def, val, &args[idx]) < 0)
				ret = -EINVAL;
		} else if (get_reg(ld, def, val, &args[idx].value) < 0) {
			ret = -EINVAL;
		}
	}
	if (ret == 0)
		memcpy(r->args, args, sizeof(args));
	return ret;
}


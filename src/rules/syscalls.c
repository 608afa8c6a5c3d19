/*
 * The 'syscall' key: names and "@group"s (systemd's SystemCallFilter=
 * sets, src/sys/groups.c), and the rule's calls they make up.
 *
 * A name must exist on some ABI this build traces, or it is an error. A
 * group stands for its members that exist on some such ABI (members of
 * other architectures only are left out without a word), so "@sync" means
 * the same family on x86_64, i386 and any other ABI. The checks then
 * narrow a group to the members its filters and effects can apply to
 * ('path:' leaves out the calls that take no path, fd or socket address),
 * where the same filter on a name that cannot take it is an error. Each
 * call is resolved to a number per ABI only after that.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/arch.h"
#include "faultline/base.h"
#include "faultline/rules.h"
#include "faultline/sys.h"
#include "lint.h"
#include "load.h"

static bool is_group(const struct node *by)
{
	return by->text[0] == '@';
}

static int add_call(struct load *ld, struct rule_state *rs, const char *name,
		    const struct node *by);

int fl_calls_add(struct load *ld, struct rule_state *rs, const char *name, const struct node *by)
{
	return add_call(ld, rs, name, by);
}

/* Index of @name in the rule's calls, or -1. */
static ssize_t find_call(const struct fl_rule *r, const char *name)
{
	for (size_t i = 0; i < r->n_calls; i++)
		if (strcmp(r->calls[i], name) == 0)
			return (ssize_t)i;
	return -1;
}

static int add_call(struct load *ld, struct rule_state *rs, const char *name,
		    const struct node *by)
{
	struct fl_rule *r = &rs->p->r;
	size_t cap = rs->cap_calls;
	const struct node **bys;
	const char **calls;

	bys = grow_array(rs->call_by, &cap, r->n_calls + 1, sizeof(*bys));
	if (!bys)
		goto oom;
	rs->call_by = bys;
	cap = rs->cap_calls;
	calls = grow_array(r->calls, &cap, r->n_calls + 1, sizeof(*calls));
	if (!calls)
		goto oom;
	rs->cap_calls = cap;
	r->calls = calls;
	calls[r->n_calls] = name;
	bys[r->n_calls++] = by;
	return 0;
oom:
	ld->oom = true;
	return -ENOMEM;
}

/* Append @v's text to the rule's syscalls as written; returns it, or NULL on OOM. */
static const char *add_written(struct load *ld, struct fl_rule *r, const struct node *v)
{
	char *name = strdup(v->text);
	char **names = name ? realloc(r->syscalls, (r->n_syscalls + 1) * sizeof(*names)) : NULL;

	if (!names) {
		free(name);
		ld->oom = true;
		return NULL;
	}
	r->syscalls = names;
	names[r->n_syscalls++] = name;
	return name;
}

static int parse_group(struct load *ld, struct rule_state *rs, const struct key_def *def,
		       const struct node *v)
{
	struct fl_rule *r = &rs->p->r;
	const struct fl_syscall_group *g = fl_syscall_group_find(v->text);
	_cleanup_free_ const char **members = NULL;
	const uint32_t *arches;
	size_t n_arches, n_members, added = 0;
	const char *hint;

	if (!g) {
		hint = too_many_errors(ld) ? NULL : fl_syscall_group_suggest(v->text);
		if (hint)
			report_at(ld, v, "key '%s': unknown syscall group %s; did you mean '%s'? "
				  "(faultline list groups)", def->name, show(v).s, hint);
		else
			report_at(ld, v, "key '%s': unknown syscall group %s (faultline list "
				  "groups)", def->name, show(v).s);
		return -EINVAL;
	}
	if (fl_listed(r->syscalls, r->n_syscalls, v->text)) {
		report_at(ld, v, "key '%s': group %s is listed twice in this rule", def->name,
			  show(v).s);
		return -EINVAL;
	}
	if (!add_written(ld, r, v))
		return -ENOMEM;
	if (fl_syscall_group_expand(g, &members, &n_members) < 0) {
		ld->oom = true;
		return -ENOMEM;
	}
	arches = fl_arch_list(&n_arches);
	for (size_t i = 0; i < n_members; i++) {
		ssize_t at;

		if (!fl_syscall_known(arches, n_arches, members[i]))
			continue; /* a call of another architecture */
		at = find_call(r, members[i]);
		if (at >= 0) {
			if (!is_group(rs->call_by[at]))
				warn_at(ld, rs->call_by[at], "key '%s': syscall '%s' is also in %s, "
					"listed in this rule too; one of them is enough",
					def->name, members[i], v->text);
			continue;
		}
		if (add_call(ld, rs, members[i], v) < 0)
			return -ENOMEM;
		added++;
	}
	if (added == 0)
		warn_at(ld, v, "key '%s': %s adds nothing: each of its calls that this build "
			"traces is already in the rule", def->name, v->text);
	return 0;
}

/* True when some ABI of some architecture faultline knows has syscall @name. */
static bool known_elsewhere(const char *name)
{
	for (const struct fl_arch *const *a = fl_arch_all(); *a; a++)
		for (size_t i = 0; i < (*a)->n_abis; i++)
			if (fl_syscall_nr((*a)->abis[i].audit_arch, name) >= 0)
				return true;
	return false;
}

int fl_parse_syscall(struct load *ld, void *obj, const struct key_def *def,
		     const struct node *key, const struct node *v)
{
	struct rule_state *rs = obj;
	struct fl_rule *r = RULE(obj);
	const uint32_t *arches;
	size_t n_arches;
	const char *hint, *name;
	ssize_t at;

	if (v->text[0] == '@')
		return parse_group(ld, rs, def, v);
	if (fl_looks_numeric(v->text)) {
		report_at(ld, v, "key '%s': %s is a number; give the syscall's name "
			  "(numbers differ between ABIs)", def->name, show(v).s);
		return -EINVAL;
	}
	arches = fl_arch_list(&n_arches);
	/*
	 * A name of another architecture faultline supports is no error here
	 * (rule files are shared between machines): checks.c warns about it,
	 * and fails a rule none of whose names exists on this one.
	 */
	if (!fl_syscall_known(arches, n_arches, v->text) && !known_elsewhere(v->text)) {
		const struct fl_syscall_abi *spans = fl_arch_nr_spans(&n_arches);

		hint = too_many_errors(ld) ? NULL : fl_syscall_suggest(spans, n_arches, v->text);
		if (hint)
			report_at(ld, v, "key '%s': unknown syscall %s; did you mean '%s'?",
				  def->name, show(v).s, hint);
		else
			report_at(ld, v, "key '%s': unknown syscall %s", def->name, show(v).s);
		return -EINVAL;
	}
	if (fl_listed(r->syscalls, r->n_syscalls, v->text)) {
		report_at(ld, v, "key '%s': syscall %s is listed twice in this rule",
			  def->name, show(v).s);
		return -EINVAL;
	}
	fl_lint_syscall(ld, def, v);

	name = add_written(ld, r, v);
	if (!name)
		return -ENOMEM;
	at = find_call(r, name);
	if (at >= 0) {
		warn_at(ld, v, "key '%s': syscall %s is also in %s, listed in this rule too; one "
			"of them is enough", def->name, show(v).s, rs->call_by[at]->text);
		return 0;
	}
	return add_call(ld, rs, name, v);
}

size_t fl_calls_narrow(struct load *ld, struct rule_state *rs, const struct node *at,
		       bool (*keep)(const char *call, const void *ud), const void *ud,
		       const char *why)
{
	struct fl_rule *r = &rs->p->r;
	size_t n = 0, dropped = 0;

	for (size_t g = 0; g < r->n_syscalls; g++) {
		const char *group = r->syscalls[g];
		size_t had = 0, left = 0;

		if (group[0] != '@')
			continue;
		for (size_t i = 0; i < r->n_calls; i++) {
			if (strcmp(rs->call_by[i]->text, group) != 0)
				continue;
			had++;
			left += keep(r->calls[i], ud);
		}
		if (had && !left)
			report_at(ld, at, "key '%s' can never match a call of %s: %s",
				  at->text, group, why);
	}
	for (size_t i = 0; i < r->n_calls; i++) {
		if (is_group(rs->call_by[i]) && !keep(r->calls[i], ud)) {
			dropped++;
			continue;
		}
		r->calls[n] = r->calls[i];
		rs->call_by[n++] = rs->call_by[i];
	}
	r->n_calls = n;
	return dropped;
}

void fl_calls_resolve(struct load *ld, struct rule_state *rs)
{
	struct fl_rule *r = &rs->p->r;
	size_t n_arches, cap = 0;
	const uint32_t *arches = fl_arch_list(&n_arches);

	for (size_t i = 0; i < r->n_calls; i++) {
		for (size_t a = 0; a < n_arches; a++) {
			int nr = fl_syscall_nr(arches[a], r->calls[i]);
			struct fl_sysno *s;

			if (nr < 0)
				continue; /* exists on another ABI only */
			s = grow_array(r->sysnos, &cap, r->n_sysnos + 1, sizeof(*s));
			if (!s) {
				ld->oom = true;
				return;
			}
			r->sysnos = s;
			s[r->n_sysnos++] = (struct fl_sysno){ .arch = arches[a], .nr = nr };
		}
	}
}

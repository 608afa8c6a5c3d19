/*
 * The rule set's lifecycle and what callers ask of a rule: has it filters,
 * an action, were its expectations met.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "faultline/rules.h"
#include "faultline/base.h"
#include "load.h"

/* ---- the rule set ---- */

void fl_rule_done(struct fl_rule *r)
{
	free(r->name);
	for (size_t i = 0; i < r->n_syscalls; i++)
		free(r->syscalls[i]);
	free(r->syscalls);
	free(r->calls);
	free(r->sysnos);
	free(r->errors);
	for (size_t i = 0; i < r->n_paths; i++)
		free(r->paths[i]);
	free(r->paths);
	free(r->fds);
	free(r->addresses);
	free(r->ports);
	for (size_t i = 0; i < r->n_processes; i++)
		free(r->processes[i]);
	free(r->processes);
	for (size_t i = 0; i < r->n_callers; i++)
		free(r->callers[i]);
	free(r->callers);
	free(r->poke_data);
	*r = (struct fl_rule){ 0 };
}

bool fl_rule_has_filters(const struct fl_rule *r)
{
	if (r->n_paths || r->n_fds || r->n_addresses || r->n_ports || r->n_processes ||
	    r->n_callers || r->fd_types)
		return true;
	for (size_t i = 0; i < FL_ARRAY_SIZE(r->args); i++)
		if (r->args[i].used)
			return true;
	return false;
}

bool fl_rule_has_action(const struct fl_rule *r)
{
	return r->n_errors || r->has_retval || r->delay_ns || r->delay_enter_ns ||
	       r->delay_exit_ns || r->short_kind != FL_SHORT_NONE || r->has_poke ||
	       r->corrupt_bytes || r->stat_fields || r->has_clock ||
	       r->signal || r->crash != FL_CRASH_NONE;
}

bool fl_rule_expect_met(const struct fl_rule *r, uint64_t injected)
{
	if (!r->has_expect)
		return true;
	return injected >= r->expect_min && injected <= r->expect_max;
}

void fl_rules_require_all(struct fl_rule_set *set)
{
	for (size_t i = 0; i < set->n_rules; i++) {
		struct fl_rule *r = &set->rules[i];

		/*
		 * The file's own min wins: 'expect: {min: 0}' opts a rule out,
		 * and so does 'expect: {max: 0}' (the rule must never act).
		 */
		if (r->expect_min_given || r->expect_max == 0)
			continue;
		r->expect_min = 1;
		r->has_expect = true;
	}
}

int fl_rule_source_text(const struct fl_rule_set *set, const struct fl_rule *r,
			const char **ret_text, size_t *ret_len)
{
	if (!set->texts)
		return -ENOENT;
	/* r->file points into set->sources: one entry per load, so the pointer names it. */
	for (size_t i = 0; i < set->n_sources; i++)
		if (set->sources[i] == r->file && set->texts[i].text) {
			*ret_text = set->texts[i].text;
			*ret_len = set->texts[i].len;
			return 0;
		}
	return -ENOENT;
}

struct fl_rule_set *fl_rule_set_new(void)
{
	return calloc(1, sizeof(struct fl_rule_set));
}

void fl_rule_set_free(struct fl_rule_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n_rules; i++)
		fl_rule_done(&set->rules[i]);
	free(set->rules);
	for (size_t i = 0; i < set->n_sources; i++) {
		free(set->sources[i]);
		if (set->texts)
			free(set->texts[i].text);
	}
	free(set->sources);
	free(set->texts);
	/* Owned by the set; const only to readers. */
	free((char *)set->seed_source);
	free(set);
}


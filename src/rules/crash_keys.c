/*
 * The keys of a crash (README "Crash consistency"): crash: kill |
 * power-loss, and dirs: keep | lose, what a power loss does to directory
 * entries. A crash is the whole effect: the call never runs and nothing
 * after it does, so no other effect can go with it.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "faultline/base.h"
#include "faultline/rules.h"
#include "load.h"

static const char *const crash_names[] = { "kill", "power-loss" };
static const char *const dirs_names[] = { "keep", "lose" };

const char *fl_crash_mode_name(enum fl_crash_mode m)
{
	switch (m) {
	case FL_CRASH_KILL:
		return "kill";
	case FL_CRASH_POWER_LOSS:
		return "power-loss";
	case FL_CRASH_NONE:
		break;
	}
	return "none";
}

/* @v is one of @names: its index, or -EINVAL with a message. */
static int one_of(struct load *ld, const struct key_def *def, const struct node *v,
		  const char *const *names, size_t n)
{
	const char *hint;

	for (size_t i = 0; i < n; i++)
		if (strcmp(v->text, names[i]) == 0)
			return (int)i;
	hint = fl_did_you_mean(v->text, names, n);
	if (hint)
		report_at(ld, v, "key '%s': expected %s, got %s; did you mean '%s'?", def->name,
			  def->expect, show(v).s, hint);
	else
		report_at(ld, v, "key '%s': expected %s, got %s", def->name, def->expect, show(v).s);
	return -EINVAL;
}

int fl_parse_crash(struct load *ld, void *obj, const struct key_def *def,
		   const struct node *key, const struct node *v)
{
	int i = one_of(ld, def, v, crash_names, FL_ARRAY_SIZE(crash_names));

	if (i < 0)
		return i;
	RULE(obj)->crash = i == 0 ? FL_CRASH_KILL : FL_CRASH_POWER_LOSS;
	return 0;
}

int fl_parse_dirs(struct load *ld, void *obj, const struct key_def *def,
		  const struct node *key, const struct node *v)
{
	int i = one_of(ld, def, v, dirs_names, FL_ARRAY_SIZE(dirs_names));

	if (i < 0)
		return i;
	RULE(obj)->dirs = i == 0 ? FL_DIRS_KEEP : FL_DIRS_LOSE;
	return 0;
}

void fl_check_crash(struct load *ld, const struct rule_state *rs)
{
	static const int others[] = { RK_ERROR, RK_RETVAL, RK_SHORT, RK_SIGNAL, RK_POKE,
				      RK_CORRUPT, RK_STAT, RK_DELAY, RK_PHASE };
	const struct node *const *seen = rs->seen.key;
	const struct fl_rule *r = &rs->p->r;

	if (seen[RK_DIRS] && (!seen[RK_CRASH] || (rs->seen.ok[RK_CRASH] &&
						  r->crash != FL_CRASH_POWER_LOSS)))
		report_at(ld, seen[RK_DIRS], "key 'dirs' goes with 'crash: power-loss': it says "
			  "what a power loss does to directory entries");
	if (!seen[RK_CRASH])
		return;
	for (size_t k = 0; k < FL_ARRAY_SIZE(others); k++)
		if (seen[others[k]])
			report_at(ld, seen[others[k]], "key 'crash' and key '%s' cannot be used "
				  "together: the program is killed before the call runs, so nothing "
				  "else happens to it", fl_rule_keys[others[k]].name);
	if (rs->seen.ok[RK_CRASH] && r->crash == FL_CRASH_POWER_LOSS && !seen[RK_PATH] &&
	    !rs->seen.unknown)
		report_at(ld, seen[RK_CRASH], "key 'crash': power-loss needs 'path:' naming the "
			  "files whose durability is modelled, such as path: /srv/data/**");
}

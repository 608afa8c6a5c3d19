/*
 * One parser per rule key (effects, counters, expect) and per top-level
 * key, and the key tables that list them. The filters' parsers are in
 * filter_keys.c. A new key is a new enum value (load.h), table entry and
 * function.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/base.h"
#include "faultline/rules.h"
#include "faultline/sys.h"
#include "lint.h"
#include "load.h"

static int parse_name(struct load *ld, void *obj, const struct key_def *def,
		      const struct node *key, const struct node *v)
{
	struct rule_state *rs = obj;

	if (v->len == 0) {
		report_at(ld, v, "key '%s': the name is empty; leave the key out for a default "
			  "name", def->name);
		return -EINVAL;
	}
	if (v->len > NAME_MAX_LEN) {
		report_at(ld, v, "key '%s': name %s is longer than %d bytes", def->name, show(v).s,
			  NAME_MAX_LEN);
		return -EINVAL;
	}
	if (fl_has_control_chars(v->text)) {
		report_at(ld, v, "key '%s': name %s contains control characters", def->name, show(v).s);
		return -EINVAL;
	}
	RULE(obj)->name = strdup(v->text);
	if (!RULE(obj)->name) {
		ld->oom = true;
		return -ENOMEM;
	}
	rs->p->name_line = v->line;
	rs->p->name_column = v->column;
	return 0;
}

#define ERRNO_HINT "(an errno name such as ENOENT, or a number 1..4095)"

static int parse_error(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	int err, *errors;

	if (fl_looks_numeric(v->text)) {
		int64_t n;

		if (fl_get_i64(ld, def, v, &n) < 0)
			return -EINVAL;
		if (n < 1 || n > FL_ERRNO_MAX) {
			report_at(ld, v, "key '%s': %s is outside 1..%d " ERRNO_HINT, def->name,
				  v->text, FL_ERRNO_MAX);
			return -EINVAL;
		}
		err = (int)n;
	} else {
		err = fl_errno_from_name(v->text);
		if (err < 0) {
			const char *hint = too_many_errors(ld) ? NULL : fl_errno_suggest(v->text);

			if (hint)
				report_at(ld, v, "key '%s': unknown errno %s; did you mean '%s'? " ERRNO_HINT,
					  def->name, show(v).s, hint);
			else
				report_at(ld, v, "key '%s': unknown errno %s " ERRNO_HINT, def->name,
					  show(v).s);
			return -EINVAL;
		}
	}
	/* Repeats are allowed on purpose: [EIO, EIO, ENOSPC] weights the pick. */
	errors = fl_grow(r->errors, r->n_errors, sizeof(*errors));
	if (!errors) {
		ld->oom = true;
		return -ENOMEM;
	}
	r->errors = errors;
	errors[r->n_errors++] = err;
	return 0;
}

/*
 * retval: decimal is a signed 64-bit value; hex (0x...) is the register's
 * bit pattern, up to 2^64-1, as in args: (0xfffffffffffff000 is -4096).
 */
static int parse_retval(struct load *ld, void *obj, const struct key_def *def,
			const struct node *key, const struct node *v)
{
	const char *t = v->text + (v->text[0] == '+');
	char shown[32] = "", fix[32];
	int64_t val;

	if (!v->quoted && t[0] == '0' && t[1] == 'x') {
		uint64_t bits;
		int r = fl_parse_magnitude(t, &bits);

		if (r == -ERANGE) {
			report_at(ld, v, "key '%s': %s has more than 64 bits (at most "
				  "0xffffffffffffffff)", def->name, v->text);
			return -EINVAL;
		}
		if (r < 0)
			return fl_bad_value(ld, def, v);
		val = (int64_t)bits;
		snprintf(shown, sizeof(shown), " (%" PRId64 ")", val);
	} else if (fl_get_i64(ld, def, v, &val) < 0) {
		return -EINVAL;
	}
	/* The kernel ABI reads -4095..-1 as -errno: that is a failure, not a value. */
	if (val >= -FL_ERRNO_MAX && val <= -1) {
		const char *name = fl_errno_name((int)-val);

		if (name)
			snprintf(fix, sizeof(fix), "%s", name);
		else
			snprintf(fix, sizeof(fix), "%d", (int)-val);
		report_at(ld, v, "key '%s': %s%s would make the call fail with errno %d%s%s%s; "
			  "use 'error: %s' for a failure, or a value outside -4095..-1",
			  def->name, v->text, shown, (int)-val, name ? " (" : "", name ? name : "",
			  name ? ")" : "", fix);
		return -EINVAL;
	}
	RULE(obj)->has_retval = true;
	RULE(obj)->retval = val;
	return 0;
}

/* A duration value of key @what ("delay", "delay.enter"): 0 or -EINVAL. */
static int get_duration(struct load *ld, const char *what, const struct node *v, uint64_t *ret)
{
	int r;

	if (v->kind != NODE_SCALAR || node_is_null(v)) {
		report_at(ld, v, "key '%s': expected a duration such as 250ms, got %s", what,
			  fl_describe(v).s);
		return -EINVAL;
	}
	r = fl_duration_parse(v->text, ret);
	if (r == -ERANGE) {
		report_at(ld, v, "key '%s': duration %s is too large (at most %" PRIu64 "s)",
			  what, show(v).s, UINT64_MAX / 1000000000);
		return -EINVAL;
	}
	if (r < 0 && v->text[0] && strspn(v->text, "0123456789.") == v->len) {
		report_at(ld, v, "key '%s': %s has no unit; write it with ns, us, ms or s (e.g. "
			  "%sms; strace reads a bare number as microseconds, faultline does not "
			  "guess)", what, show(v).s, v->text);
		return -EINVAL;
	}
	if (r < 0) {
		report_at(ld, v, "key '%s': bad duration %s; expected a number with a unit ns, us, "
			  "ms or s (e.g. 250ms)", what, show(v).s);
		return -EINVAL;
	}
	return 0;
}

static int parse_delay_enter(struct load *ld, void *obj, const struct key_def *def,
			     const struct node *key, const struct node *v)
{
	return get_duration(ld, "delay.enter", v, &RULE(obj)->delay_enter_ns);
}

static int parse_delay_exit(struct load *ld, void *obj, const struct key_def *def,
			    const struct node *key, const struct node *v)
{
	return get_duration(ld, "delay.exit", v, &RULE(obj)->delay_exit_ns);
}

const struct key_def fl_delay_keys[N_DELAY_KEYS] = {
	[DK_ENTER] = { "enter", SHAPE_SCALAR, "a duration such as 300ms: held at the call's "
		       "entry, before it runs (or is skipped)", parse_delay_enter },
	[DK_EXIT] = { "exit", SHAPE_SCALAR, "a duration such as 600ms: held at the call's exit, "
		      "before the program sees its result", parse_delay_exit },
};

/*
 * delay: T holds the call for T at the rule's phase; delay: {enter: T1,
 * exit: T2} holds it on both sides (strace's delay_enter and delay_exit),
 * whatever the phase.
 */
static int parse_delay(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	struct key_seen seen = { 0 };
	unsigned errors = ld->n_errors;

	if (v->kind == NODE_SCALAR)
		return get_duration(ld, def->name, v, &r->delay_ns);
	if (v->kind != NODE_MAPPING)
		return fl_bad_value(ld, def, v);
	if (v->n_kids == 0) {
		report_at(ld, v, "key '%s': the mapping is empty; expected %s", def->name, def->expect);
		return -EINVAL;
	}
	fl_parse_mapping(ld, v, fl_delay_keys, N_DELAY_KEYS, "in 'delay'", obj, &seen);
	if (ld->n_errors != errors)
		return -EINVAL;
	r->delay_sides = true;
	if (seen.key[DK_ENTER] && r->delay_enter_ns == 0)
		warn_at(ld, seen.value[DK_ENTER], "key 'delay.enter': 0 does nothing; leave it out");
	if (seen.key[DK_EXIT] && r->delay_exit_ns == 0)
		warn_at(ld, seen.value[DK_EXIT], "key 'delay.exit': 0 does nothing; leave it out");
	return 0;
}

static int parse_phase(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	static const char *const phases[] = { "enter", "exit" };
	const char *hint;

	if (strcmp(v->text, "enter") == 0) {
		RULE(obj)->phase = FL_PHASE_ENTER;
		return 0;
	}
	if (strcmp(v->text, "exit") == 0) {
		RULE(obj)->phase = FL_PHASE_EXIT;
		return 0;
	}
	hint = fl_did_you_mean(v->text, phases, FL_ARRAY_SIZE(phases));
	if (hint)
		report_at(ld, v, "key '%s': expected %s, got %s; did you mean '%s'?", def->name,
			  def->expect, fl_describe(v).s, hint);
	else
		fl_bad_value(ld, def, v);
	return -EINVAL;
}

static int parse_after(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	return fl_get_u64(ld, def, v, &RULE(obj)->after);
}

static int parse_every(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	uint64_t n;

	if (fl_get_u64(ld, def, v, &n) < 0)
		return -EINVAL;
	if (n == 0) {
		report_at(ld, v, "key '%s': must be at least 1, got 0 (every: 1 acts on every "
			  "matching call, every: 3 on every third)", def->name);
		return -EINVAL;
	}
	RULE(obj)->every = n;
	return 0;
}

static int parse_times(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	if (fl_get_u64(ld, def, v, &RULE(obj)->times) < 0)
		return -EINVAL;
	if (RULE(obj)->times == 0)
		fl_lint_never_acts(ld, def, v);
	return 0;
}

static int parse_probability(struct load *ld, void *obj, const struct key_def *def,
			     const struct node *key, const struct node *v)
{
	double p = 0;

	if (fl_get_double(ld, def, v, &p) < 0)
		return -EINVAL;
	if (!(p >= 0.0 && p <= 1.0)) {
		report_at(ld, v, "key '%s': %s is outside [0, 1]", def->name, v->text);
		return -EINVAL;
	}
	RULE(obj)->probability = p;
	if (p == 0.0)
		fl_lint_never_acts(ld, def, v);
	return 0;
}

static int parse_per(struct load *ld, void *obj, const struct key_def *def,
		     const struct node *key, const struct node *v)
{
	static const char *const pers[] = { "tree", "process", "thread" };
	const char *hint;

	for (size_t i = 0; i < FL_ARRAY_SIZE(pers); i++)
		if (strcmp(v->text, pers[i]) == 0) {
			RULE(obj)->per = (enum fl_per)i;
			return 0;
		}
	hint = fl_did_you_mean(v->text, pers, FL_ARRAY_SIZE(pers));
	if (hint)
		report_at(ld, v, "key '%s': expected %s, got %s; did you mean '%s'?", def->name,
			  def->expect, fl_describe(v).s, hint);
	else
		fl_bad_value(ld, def, v);
	return -EINVAL;
}

/* ---- more effects ---- */

static int parse_short(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	size_t len = v->len;
	bool percent = len > 1 && v->text[len - 1] == '%';
	_cleanup_free_ char *num = NULL;
	uint64_t n;

	if (v->quoted)
		return fl_looks_numeric(v->text) ? fl_quoted_number(ld, def, v) : fl_bad_value(ld, def, v);
	num = strndup(v->text, percent ? len - 1 : len);
	if (!num) {
		ld->oom = true;
		return -ENOMEM;
	}
	if (fl_parse_magnitude(num, &n) == -ERANGE) {
		report_at(ld, v, "key '%s': %s is too large", def->name, v->text);
		return -EINVAL;
	}
	if (fl_parse_magnitude(num, &n) < 0)
		return fl_bad_value(ld, def, v);
	if (n == 0) {
		report_at(ld, v, "key '%s': %s would move no bytes, which a reader takes for end of "
			  "file; use 'retval: 0' for that", def->name, v->text);
		return -EINVAL;
	}
	if (percent && n >= 100) {
		report_at(ld, v, "key '%s': %s does not shorten anything; use 1%%..99%%", def->name,
			  v->text);
		return -EINVAL;
	}
	r->short_kind = percent ? FL_SHORT_PERCENT : FL_SHORT_BYTES;
	r->short_value = n;
	return 0;
}

static int parse_signal(struct load *ld, void *obj, const struct key_def *def,
			const struct node *key, const struct node *v)
{
	const char *names[40];
	const char *hint;
	size_t n = 0;
	int sig;

	if (v->quoted && fl_looks_numeric(v->text))
		return fl_quoted_number(ld, def, v);
	sig = fl_signal_from_name(v->text);
	if (sig > 0) {
		RULE(obj)->signal = sig;
		return 0;
	}
	for (int i = 1; i < 32 && n < FL_ARRAY_SIZE(names); i++)
		if (fl_signal_name(i))
			names[n++] = fl_signal_name(i);
	hint = fl_did_you_mean(v->text, names, n);
	if (hint)
		report_at(ld, v, "key '%s': unknown signal %s; did you mean '%s'?", def->name,
			  show(v).s, hint);
	else
		report_at(ld, v, "key '%s': unknown signal %s (a name such as SIGUSR1 or USR1, "
			  "SIGRTMIN+N, or a number)", def->name, show(v).s);
	return -EINVAL;
}


static int parse_expect_min(struct load *ld, void *obj, const struct key_def *def,
			    const struct node *key, const struct node *v)
{
	if (fl_get_u64(ld, def, v, &RULE(obj)->expect_min) < 0)
		return -EINVAL;
	RULE(obj)->expect_min_given = true;
	return 0;
}

static int parse_expect_max(struct load *ld, void *obj, const struct key_def *def,
			    const struct node *key, const struct node *v)
{
	return fl_get_u64(ld, def, v, &RULE(obj)->expect_max);
}

const struct key_def fl_expect_keys[N_EXPECT_KEYS] = {
	[EK_MIN] = { "min", SHAPE_SCALAR, "a non-negative integer (the fewest times the rule "
		     "must act)", parse_expect_min },
	[EK_MAX] = { "max", SHAPE_SCALAR, "a non-negative integer (the most times the rule "
		     "may act)", parse_expect_max },
};

/*
 * expect: {min: N, max: M}: a run in which the rule acted fewer than N or
 * more than M times fails (exit status 122), so that a chaos test that
 * injected nothing cannot pass silently.
 */
static int parse_expect(struct load *ld, void *obj, const struct key_def *def,
			const struct node *key, const struct node *v)
{
	struct fl_rule *r = RULE(obj);
	struct key_seen seen = { 0 };
	unsigned errors = ld->n_errors;

	if (v->kind != NODE_MAPPING)
		return fl_bad_value(ld, def, v);
	if (v->n_kids == 0) {
		report_at(ld, v, "key '%s': the mapping is empty; expected %s", def->name, def->expect);
		return -EINVAL;
	}
	fl_parse_mapping(ld, v, fl_expect_keys, N_EXPECT_KEYS, "in 'expect'", obj, &seen);
	if (ld->n_errors != errors)
		return -EINVAL;
	if (r->expect_min > r->expect_max) {
		report_at(ld, seen.value[EK_MIN], "key 'expect': min %" PRIu64 " is more than max %"
			  PRIu64 "; no run can meet it", r->expect_min, r->expect_max);
		return -EINVAL;
	}
	r->has_expect = true;
	return 0;
}

const struct key_def fl_rule_keys[N_RULE_KEYS] = {
	[RK_NAME] = { "name", SHAPE_SCALAR, "a rule name", parse_name },
	[RK_SYSCALL] = { "syscall", SHAPE_LIST,
			"a syscall name, a quoted group such as \"@file-system\", or a list "
			"of them", fl_parse_syscall },
	[RK_PATH] = { "path", SHAPE_LIST,
		      "an absolute path pattern such as /srv/data/** or a list of them", fl_parse_path },
	[RK_FD] = { "fd", SHAPE_LIST, "a file descriptor number or a list of them", fl_parse_fd },
	[RK_FD_TYPE] = { "fd_type", SHAPE_LIST,
			 "a kind of file such as pipe, socket, tty or regular, or a list of them",
			 fl_parse_fd_type },
	[RK_ADDRESS] = { "address", SHAPE_LIST,
			 "an IP address such as 10.0.0.1 or ::1, a network such as 10.0.0.0/8, "
			 "or a list of them", fl_parse_address },
	[RK_PORT] = { "port", SHAPE_LIST, "a port number 0..65535 or a list of them", fl_parse_port },
	[RK_PROCESS] = { "process", SHAPE_LIST,
			 "an executable name pattern such as curl, an absolute path pattern such "
			 "as /usr/bin/*, or a list of them", fl_parse_process },
	[RK_CALLER] = { "caller", SHAPE_LIST,
			"a function name pattern such as save_config or json_*, or a list of them",
			fl_parse_caller },
	[RK_ARGS] = { "args", SHAPE_ANY,
		      "a mapping of argument index 0..5 to a value or to {mask: BITS}, such as "
		      "{1: 0x80000}", fl_parse_args },
	[RK_ERROR] = { "error", SHAPE_LIST,
		       "an errno name such as ENOENT, a number 1..4095, or a list of them", parse_error },
	[RK_RETVAL] = { "retval", SHAPE_SCALAR, "an integer", parse_retval },
	[RK_SHORT] = { "short", SHAPE_SCALAR,
		       "a byte count such as 100 or a percentage such as 50%", parse_short },
	[RK_SIGNAL] = { "signal", SHAPE_SCALAR, "a signal name such as SIGUSR1", parse_signal },
	[RK_POKE] = { "poke", SHAPE_ANY, "a mapping {arg: N, data: \"BYTES\"}, such as {arg: 0, "
		      "data: \"/xyz\\0\"}", fl_parse_poke },
	[RK_CORRUPT] = { "corrupt", SHAPE_ANY, "a mapping {bytes: N, how: flip|zero|random}, such "
			 "as {bytes: 3, how: flip}", fl_parse_corrupt },
	[RK_STAT] = { "stat", SHAPE_ANY, "a mapping of stat fields to fake, such as {size: "
		      "1048576, mode: 0600}", fl_parse_stat },
	[RK_CLOCK] = { "clock", SHAPE_ANY, "a mapping {offset: T} or {jump: T}, with T a signed "
		       "duration such as +3h, -90s or 400d, and optionally clocks: [realtime, "
		       "monotonic, boottime]", fl_parse_clock },
	[RK_DELAY] = { "delay", SHAPE_ANY, "a duration such as 250ms, or {enter: T, exit: T}",
		       parse_delay },
	[RK_PHASE] = { "phase", SHAPE_SCALAR, "'enter' or 'exit'", parse_phase },
	[RK_AFTER] = { "after", SHAPE_SCALAR, "a non-negative integer", parse_after },
	[RK_EVERY] = { "every", SHAPE_SCALAR, "an integer >= 1", parse_every },
	[RK_TIMES] = { "times", SHAPE_SCALAR, "a non-negative integer", parse_times },
	[RK_PROBABILITY] = { "probability", SHAPE_SCALAR, "a number between 0 and 1",
			     parse_probability },
	[RK_PER] = { "per", SHAPE_SCALAR, "'tree', 'process' or 'thread'", parse_per },
	[RK_EXPECT] = { "expect", SHAPE_ANY,
			"a mapping with 'min' and/or 'max', such as {min: 1}", parse_expect },
	[RK_CRASH] = { "crash", SHAPE_SCALAR, "'kill' or 'power-loss'", fl_parse_crash },
	[RK_DIRS] = { "dirs", SHAPE_SCALAR, "'keep' or 'lose'", fl_parse_dirs },
};


static int parse_version(struct load *ld, void *obj, const struct key_def *def,
			 const struct node *key, const struct node *v)
{
	uint64_t n;

	if (fl_get_u64(ld, def, v, &n) < 0)
		return -EINVAL;
	if (n != 1) {
		report_at(ld, v, "key '%s': unsupported version %" PRIu64 "; this faultline reads "
			  "version 1", def->name, n);
		return -EINVAL;
	}
	return 0;
}

static int parse_seed(struct load *ld, void *obj, const struct key_def *def,
		      const struct node *key, const struct node *v)
{
	uint64_t seed;

	if (fl_get_u64(ld, def, v, &seed) < 0)
		return -EINVAL;
	if (seed > FL_SEED_MAX) {
		report_at(ld, v, "key '%s': %" PRIu64 " is too large (at most %" PRIu64
			  ", so that the report can give it as a JSON integer)",
			  def->name, seed, (uint64_t)FL_SEED_MAX);
		return -EINVAL;
	}
	if (ld->set->has_seed && ld->set->seed != seed) {
		report_at(ld, v, "key '%s': %" PRIu64 " conflicts with seed %" PRIu64 " set at %s; "
			  "a run has one seed", def->name, seed, ld->set->seed,
			  ld->set->seed_source ? ld->set->seed_source : "?");
		return -EINVAL;
	}
	ld->has_seed = true;
	ld->seed = seed;
	ld->seed_line = key->line;
	ld->seed_column = key->column;
	return 0;
}

static int parse_rules(struct load *ld, void *obj, const struct key_def *def,
		       const struct node *key, const struct node *v)
{
	if (v->kind != NODE_SEQUENCE)
		return fl_bad_value(ld, def, v);
	if (v->n_kids == 0) {
		report_at(ld, v, "key '%s': the list is empty; add at least one rule", def->name);
		return -EINVAL;
	}
	for (size_t i = 0; i < v->n_kids && !too_many_errors(ld); i++) {
		const struct node *item = v->kids[i];

		if (item->kind != NODE_MAPPING)
			report_at(ld, item, "key '%s': entry %zu is %s; expected a mapping of rule "
				  "keys such as 'syscall: openat'", def->name, i + 1,
				  fl_describe(item).s);
		else
			fl_parse_rule(ld, item);
	}
	return 0;
}

const struct key_def fl_top_keys[N_TOP_KEYS] = {
	[TK_VERSION] = { "version", SHAPE_SCALAR, "the number 1", parse_version },
	[TK_SEED] = { "seed", SHAPE_SCALAR, "a non-negative integer", parse_seed },
	[TK_RULES] = { "rules", SHAPE_ANY, "a list of rules (each entry starts with '- ')",
		       parse_rules },
};


/*
 * The time rule: clock: {offset: +3h} or {jump: -10m}, with clocks:
 * [realtime, monotonic, boottime]. It names no syscall; the calls it acts on
 * (the readings of a clock and the absolute waits on one) come from src/sys's
 * table, and the keys that make no sense for them are refused here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/arch.h"
#include "faultline/base.h"
#include "faultline/rules.h"
#include "faultline/sys.h"
#include "load.h"

/*
 * A signed duration: an optional + or -, a number (a fraction allowed) and a
 * unit ns, us, ms, s, m (minutes), h or d (days of 86400 s). 0 or -EINVAL /
 * -ERANGE (past what 64 bits of nanoseconds hold, about 292 years).
 */
static int parse_shift(const char *text, int64_t *ret)
{
	static const struct {
		char unit;
		uint64_t s;
	} big[] = { { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	char buf[64];
	bool neg = false;
	uint64_t ns, mult = 1;
	size_t len;
	int r;

	if (*text == '+' || *text == '-')
		neg = *text++ == '-';
	len = strlen(text);
	if (len == 0 || len + 2 > sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, len + 1);
	for (size_t i = 0; i < FL_ARRAY_SIZE(big); i++)
		if (buf[len - 1] == big[i].unit) {
			buf[len - 1] = 's';
			mult = big[i].s;
		}
	/* "10m" is "10s" now, 60 times over; "10ms" ends in 's' and was left alone. */
	r = fl_duration_parse(buf, &ns);
	if (r < 0)
		return r;
	if (ns > (uint64_t)INT64_MAX / mult)
		return -ERANGE;
	ns *= mult;
	*ret = neg ? -(int64_t)ns : (int64_t)ns;
	return 0;
}

static int parse_amount(struct load *ld, void *obj, const struct key_def *def, const struct node *v,
			bool jump)
{
	struct fl_rule *r = RULE(obj);
	int64_t ns;
	int e = parse_shift(v->text, &ns);

	if (e == -ERANGE) {
		report_at(ld, v, "key 'clock.%s': %s is more than 64 bits of nanoseconds hold "
			  "(about 292 years)", def->name, show(v).s);
		return -EINVAL;
	}
	if (e < 0 && !v->quoted && v->len && strspn(v->text, "+-0123456789.") == v->len) {
		report_at(ld, v, "key 'clock.%s': %s has no unit; write it with ns, us, ms, s, m, h "
			  "or d (e.g. %sh)", def->name, show(v).s, v->text);
		return -EINVAL;
	}
	if (e < 0 || v->quoted) {
		report_at(ld, v, "key 'clock.%s': expected %s, got %s", def->name, def->expect,
			  fl_describe(v).s);
		return -EINVAL;
	}
	r->clock_jump = jump;
	r->clock_shift_ns = ns;
	return 0;
}

static int parse_offset(struct load *ld, void *obj, const struct key_def *def,
			const struct node *key, const struct node *v)
{
	return parse_amount(ld, obj, def, v, false);
}

static int parse_jump(struct load *ld, void *obj, const struct key_def *def,
		      const struct node *key, const struct node *v)
{
	return parse_amount(ld, obj, def, v, true);
}

static int parse_clocks(struct load *ld, void *obj, const struct key_def *def,
			const struct node *key, const struct node *v)
{
	static const char *const names[] = { "realtime", "monotonic", "boottime" };
	struct fl_rule *r = RULE(obj);
	int c = fl_clock_from_name(v->text);
	const char *hint;

	if (c >= 0) {
		if (r->clock_set & (1u << c)) {
			report_at(ld, v, "key 'clock.clocks': %s is listed twice", show(v).s);
			return -EINVAL;
		}
		r->clock_set |= 1u << c;
		return 0;
	}
	hint = fl_did_you_mean(v->text, names, FL_ARRAY_SIZE(names));
	if (hint)
		report_at(ld, v, "key 'clock.clocks': unknown clock %s; did you mean '%s'?",
			  show(v).s, hint);
	else
		report_at(ld, v, "key 'clock.clocks': unknown clock %s; expected %s", show(v).s,
			  def->expect);
	return -EINVAL;
}

const struct key_def fl_clock_keys[N_CLOCK_KEYS] = {
	[KK_OFFSET] = { "offset", SHAPE_SCALAR, "a signed duration such as +3h, -90s or 400d "
			"(units ns, us, ms, s, m, h, d): every reading the rule acts on is "
			"shifted by it", parse_offset },
	[KK_JUMP] = { "jump", SHAPE_SCALAR, "a signed duration such as -10m: when the rule acts, "
		      "the clock steps by it, and reads so from then on", parse_jump },
	[KK_CLOCKS] = { "clocks", SHAPE_LIST, "'realtime' (the default), 'monotonic' or "
			"'boottime', or a list of them", parse_clocks },
};

int fl_parse_clock(struct load *ld, void *obj, const struct key_def *def,
		   const struct node *key, const struct node *v)
{
	struct key_seen seen = { 0 };
	unsigned errors = ld->n_errors;
	struct fl_rule *r = RULE(obj);

	if (v->kind != NODE_MAPPING)
		return fl_bad_value(ld, def, v);
	fl_parse_mapping(ld, v, fl_clock_keys, N_CLOCK_KEYS, "in 'clock'", obj, &seen);
	if (ld->n_errors != errors || seen.unknown)
		return -EINVAL;
	if (seen.key[KK_OFFSET] && seen.key[KK_JUMP]) {
		report_at(ld, seen.key[KK_JUMP], "key 'clock': 'offset' and 'jump' cannot be used "
			  "together: offset shifts each reading, jump steps the clock once");
		return -EINVAL;
	}
	if (!seen.key[KK_OFFSET] && !seen.key[KK_JUMP]) {
		report_at(ld, v, "key 'clock': no 'offset' or 'jump'; expected %s", def->expect);
		return -EINVAL;
	}
	if (!r->clock_set)
		r->clock_set = 1u << FL_CLOCK_REALTIME;
	r->has_clock = true;
	return 0;
}

/* The rule keys that have nothing to act on in a clock reading, and why. */
static const struct {
	int key;
	const char *why;
} refused[] = {
	{ RK_SYSCALL, "a clock: rule names no syscall: it acts on the readings of its clocks "
		      "(clock_gettime, gettimeofday, time) and the absolute waits on them" },
	{ RK_ERROR, "a clock: rule changes what a reading says, not whether it fails" },
	{ RK_RETVAL, "a clock: rule changes what a reading says, not what it returns" },
	{ RK_SHORT, "a reading moves no bytes" },
	{ RK_SIGNAL, "give the signal its own rule" },
	{ RK_POKE, "a clock: rule writes the shifted time itself" },
	{ RK_CORRUPT, "a reading moves no data" },
	{ RK_STAT, "file times are the file system's; a clock: rule leaves them alone" },
	{ RK_DELAY, "give the delay its own rule" },
	{ RK_PHASE, "the reading is shifted after the call, the wait's deadline before it" },
	{ RK_PATH, "a clock reading has no path" },
	{ RK_FD, "a clock reading has no fd" },
	{ RK_FD_TYPE, "a clock reading has no fd" },
	{ RK_ADDRESS, "a clock reading has no socket address" },
	{ RK_PORT, "a clock reading has no socket address" },
	{ RK_ARGS, "the clocks are chosen with clock.clocks" },
};

void fl_check_clock_rule(struct load *ld, struct rule_state *rs)
{
	const struct node *const *seen = rs->seen.key;
	struct fl_rule *r = &rs->p->r;
	size_t n_calls, n_abis;
	const struct fl_clock_callinfo *calls = fl_clock_calls(&n_calls);
	const uint32_t *abis = fl_arch_list(&n_abis);
	const struct node *at = seen[RK_CLOCK];

	for (size_t i = 0; i < FL_ARRAY_SIZE(refused); i++)
		if (seen[refused[i].key])
			report_at(ld, seen[refused[i].key], "key '%s' cannot be used in a clock: rule: %s",
				  fl_rule_keys[refused[i].key].name, refused[i].why);
	if (!rs->seen.ok[RK_CLOCK])
		return;
	if (r->clock_shift_ns == 0)
		warn_at(ld, at, "key 'clock': a shift of 0 changes no reading (the processes it "
			"applies to still lose their vDSO)");
	/* A jump is a step: once, unless the rule says how many. */
	if (r->clock_jump && !seen[RK_TIMES])
		r->times = 1;
	for (size_t i = 0; i < n_calls; i++) {
		char **sys;
		size_t cap = r->n_syscalls;

		if (!fl_syscall_known(abis, n_abis, calls[i].name))
			continue;
		if (fl_calls_add(ld, rs, calls[i].name, at) < 0) {
			ld->oom = true;
			return;
		}
		/* The summary and report name the native ABI's calls (not i386's *_time64 twins). */
		if (n_abis && fl_syscall_nr(abis[0], calls[i].name) < 0)
			continue;
		sys = grow_array(r->syscalls, &cap, r->n_syscalls + 1, sizeof(*sys));
		if (!sys) {
			ld->oom = true;
			return;
		}
		r->syscalls = sys;
		sys[r->n_syscalls] = strdup(calls[i].name);
		if (!sys[r->n_syscalls]) {
			ld->oom = true;
			return;
		}
		r->n_syscalls++;
	}
}

/*
 * The JSON report, streamed: the head and each injection are written as they
 * come, so a run with a million injections needs no more memory than one with
 * three. Every value is built and escaped by jansson; the only hand-written
 * JSON is the punctuation joining the pieces.
 *
 * Layout (one injection per line):
 *
 *	{"injections":[
 *	{"seq":1,"time_s":0.01,"pid":..,"tid":..,"arch":"x86_64","syscall":"openat",
 *	 "args":[-100,..],"path":"/etc/app.conf","rule":"config-missing",
 *	 "phase":"enter","action":{"error":"ENOENT"}},
 *	...
 *	],"faultline_version":"0.1.0","seed":42,"command":[..],"exit":{"code":1},
 *	"crashes":[{"pid":1236,"tid":1236,"exe":"/usr/bin/helper","signal":"SIGSEGV",
 *	 "main":false}],
 *	"dry_run":false,"rules":[{"name":..,"syscalls":[..],"matched":3,"injected":1,
 *	 "expect":{"min":1},"expect_met":true}],
 *	"rule_sources":[{"origin":"ci/chaos.yaml","text":"version: 1\n..."}],
 *	"expectations_met":true}
 *
 * Encoding choices, part of the report's contract:
 *  - "args": the six raw argument registers as signed 64-bit integers.
 *  - "action": {"error": "ENOENT"}, {"retval": N} or {"short": 100,
 *    "short_of": 4096, "short_basis": "file-size", "asked": 9223372035781033984}
 *    (bytes let through of those the call could move, how that bound is
 *    known: "file-size", "available", "asked" or "unknown", and the count
 *    the program passed), with
 *    "delay_ms" first when the rule delays: an integer for whole
 *    milliseconds (50), else a fractional number (0.25); with delay:
 *    {enter, exit}, "delay_ms" is their sum and "delay_enter_ms" and
 *    "delay_exit_ms" follow it; a delay cut short (SIGTERM, a detach)
 *    gives what was served, to the microsecond, with "delay_cut": true
 *    and "delay_of_ms" the full one (both sides' sum for enter/exit);
 *    "poke": {"arg": N, "bytes": N} when the rule
 *    writes into a buffer; "stat": {"size": N, "mode": "0600", ...} (the
 *    faked fields; mode in octal); "corrupt": {"how", "bytes" (asked), "offsets"
 *    (ascending, into the call's data; left out in a dry run)}; "signal":
 *    "SIGUSR1" last when the rule sends one; "clock": {"offset_ms": N}
 *    for a clock: rule's reading (the shift it read with), with "jump_ms"
 *    the step when a jump took it. An errno or signal with no name
 *    is given as its number.
 *  - "path": the absolute path a path: filter matched (see struct
 *    fl_match_info), else the first path argument as the program wrote it.
 *    "address" ("10.0.0.5", "::1") and "port" (an integer) when an address:
 *    or port: filter matched; "process" (the executable's path, with
 *    "process_hex" as for paths) when a process: filter did.
 *  - strings must be UTF-8 in JSON but paths and argv are arbitrary bytes:
 *    each byte that isn't part of valid UTF-8 becomes U+FFFD. When that
 *    happens to a path, "path_hex" also holds its exact bytes in lowercase
 *    hex, so nothing is lost.
 *  - "seed" is a JSON integer: seeds are limited to 0..2^63-1 (FL_SEED_MAX)
 *    so that every JSON reader holds them exactly.
 *  - "exit": {"code": N} or {"signal": "SIGSEGV"} (a number when unnamed);
 *    in attach mode {"detached": true} when faultline let the processes go
 *    while they ran, and "attached": [{"pid": N, "exe": "/usr/bin/x"}]
 *    (exe null when unknown) instead of "command".
 *  - "crashes": every traced process that died of a core-dumping signal
 *    (signal(7): SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGQUIT, SIGSEGV, SIGSYS,
 *    SIGTRAP, SIGXCPU, SIGXFSZ), the command's own included ("main": true,
 *    and "exit" says the same), in the order they died; [] when none. A
 *    child that crashed while the command exited 0 shows only here. "pid"
 *    is the process, "tid" the thread the signal was delivered to; "exe"
 *    its executable at that moment, null when it could not be read, with
 *    "exe_hex" as for paths.
 *  - "stack" (with --stack): the frames, innermost first; when there are
 *    none, "stack_error" says why (no /proc, say), and a "stack" notice
 *    says it once per process.
 *  - "notices": what faultline could not see or allow, once per process
 *    and kind, in order: {"pid", "tid", "kind": "io_uring" | "ptrace" |
 *    "mmap" | "stack", "message"}; [] when none. "io_uring": the process set up a ring, and
 *    what it submits there bypasses every rule. "ptrace": it asked for a
 *    tracer (PTRACE_TRACEME, or attaching to a process faultline traces)
 *    and was refused: a process has one tracer. "mmap": it mapped a file
 *    of the power-loss model shared and writable (those writes are not
 *    modelled).
 *  - "crash": only when a crash: rule killed the tree: {"mode": "kill" |
 *    "power-loss", "rule", "syscall", "pid", "tid", "seq" (the injection's),
 *    "rolled_back": [{"what": "content" | "created" | "renamed", "path",
 *    "from"?, "size"?, "bytes"?}], "complete"}; "exit" is {"signal":
 *    "SIGKILL"} then.
 *  - "rules": each with "source" (the file, or "-e #N") and "line" of its
 *    mapping there; "rule_sources": every rule file and -e text loaded, in
 *    order, as {"origin", "text"} (what it said, whole), so that reports
 *    of one rule set can be told from others (faultline report merge).
 *  - "expect": the rule's expectation ('expect:' or --require-all), only
 *    when it has one; "max" only when bounded. "expect_met" is true for a
 *    rule without one; "expectations_met" is true when every rule's is.
 */
#include <inttypes.h>
#include <jansson.h>
#include <linux/audit.h>
#include <string.h>

#include "config.h"
#include "faultline/base.h"
#include "faultline/arch.h"
#include "faultline/sys.h"
#include "faultline/report.h"

/* Enough digits that times and delays round-trip, without 0.1 -> 0.10000000000000001. */
#define FL_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

struct fl_report {
	struct fl_atomic_file out; /* temp file beside the destination */
	uint64_t n;     /* injections written */
	int err;        /* first write error, sticky */
	json_t *crashes; /* built as they come (few), written at the end */
	json_t *notices; /* the same */
	json_t *crash;   /* a crash: rule's crash point, or NULL */
};

static json_t *jstr(const char *s)
{
	return fl_json_string(s, NULL);
}

static json_t *jhex(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = strlen(s);
	_cleanup_free_ char *buf = malloc(2 * len + 1);

	if (!buf)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		buf[2 * i] = hex[(unsigned char)s[i] >> 4];
		buf[2 * i + 1] = hex[(unsigned char)s[i] & 0xf];
	}
	return json_stringn(buf, 2 * len);
}

/* Counters are uint64_t; JSON readers want int64. Saturate (never reached in practice). */
static json_t *jcount(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

/* Whole milliseconds as an integer (50), anything finer as a real (0.25). */
static json_t *jdelay_ms(uint64_t ns)
{
	if (ns % 1000000 == 0 && ns / 1000000 <= INT64_MAX)
		return json_integer((json_int_t)(ns / 1000000));
	return json_real((double)ns / 1e6);
}

/* A signed shift in milliseconds, as jdelay_ms() writes a delay. */
static json_t *jshift_ms(int64_t ns)
{
	if (ns % 1000000 == 0)
		return json_integer((json_int_t)(ns / 1000000));
	return json_real((double)ns / 1e6);
}

static json_t *jerrno(int err)
{
	const char *name = fl_errno_name(err);

	return name ? json_string(name) : json_integer(err);
}

/*
 * json_object_set_new() and json_array_append_new() take a NULL value as an
 * error and steal the reference either way, so building can go on and fail
 * once at the end.
 */
static int jset(json_t *obj, const char *key, json_t *v)
{
	return json_object_set_new(obj, key, v);
}

static int write_all(struct fl_report *r, const char *s, size_t len)
{
	if (r->err)
		return r->err;
	errno = 0;
	if (fwrite(s, 1, len, r->out.f) != len)
		r->err = errno ? -errno : -EIO;
	return r->err;
}

struct fl_report *fl_report_open(const char *path, int *ret_err)
{
	struct fl_report *r = calloc(1, sizeof(*r));
	int err;

	if (!r) {
		err = -ENOMEM;
		goto fail;
	}
	err = path && *path ? fl_atomic_open(path, &r->out) : -ENOENT;
	if (err < 0)
		goto fail;
	err = write_all(r, "{\"injections\":[", 15);
	if (err < 0)
		goto fail;
	return r;

fail:
	fl_report_free(r);
	if (ret_err)
		*ret_err = err;
	return NULL;
}

static const char *arch_name(uint32_t arch)
{
	const char *name = fl_arch_name(arch);

	return name ? name : "unknown";
}

static json_t *build_injection(const struct fl_injection *inj)
{
	const struct fl_decision *d = inj->decision;
	const struct fl_call *call = inj->call;
	const struct fl_match_info *m = inj->match;
	/* The path a filter matched, absolute, says more than the raw argument. */
	const char *path = m && m->path ? m->path : inj->path;
	json_t *o = json_object(), *args = json_array(), *action = json_object();
	const char *name = inj->syscall;
	int rc = 0;

	if (!o || !args || !action) {
		json_decref(o);
		json_decref(args);
		json_decref(action);
		return NULL;
	}
	if (!name && call)
		name = fl_syscall_name(call->arch, call->nr);

	rc |= jset(o, "seq", jcount(inj->seq));
	rc |= jset(o, "time_s", json_real(inj->time_s));
	rc |= jset(o, "pid", json_integer(inj->pid));
	rc |= jset(o, "tid", json_integer(inj->tid));
	if (call)
		rc |= jset(o, "arch", json_string(arch_name(call->arch)));
	if (name)
		rc |= jset(o, "syscall", jstr(name));
	else
		rc |= jset(o, "syscall", json_null());
	for (int i = 0; call && i < 6; i++)
		rc |= json_array_append_new(args, json_integer((json_int_t)(int64_t)call->args[i]));
	rc |= jset(o, "args", args);
	if (path) {
		bool lossy;

		rc |= jset(o, "path", fl_json_string(path, &lossy));
		if (lossy)
			rc |= jset(o, "path_hex", jhex(path));
	}
	if (m && m->has_sockaddr) {
		char addr[64];

		fl_sockaddr_format(&m->sockaddr, addr, sizeof(addr));
		rc |= jset(o, "address", json_string(addr));
		rc |= jset(o, "port", json_integer(m->sockaddr.port));
	}
	if (m && m->exe) {
		bool lossy;

		rc |= jset(o, "process", fl_json_string(m->exe, &lossy));
		if (lossy)
			rc |= jset(o, "process_hex", jhex(m->exe));
	}
	if (m && m->caller) {
		bool lossy;

		rc |= jset(o, "caller", fl_json_string(m->caller, &lossy));
	}
	rc |= jset(o, "rule", jstr(inj->rule ? inj->rule->name : ""));
	rc |= jset(o, "phase", json_string(d->phase == FL_PHASE_EXIT ? "exit" : "enter"));

	if (d->delay_sides) {
		uint64_t total = d->delay_enter_ns + d->delay_exit_ns;

		if (total < d->delay_enter_ns)
			total = UINT64_MAX;
		/* What the program waited in all (or, cut, what it was served), then each side. */
		if (d->delay_cut) {
			rc |= jset(action, "delay_ms", jdelay_ms(d->delay_served_ns / 1000 * 1000));
			rc |= jset(action, "delay_cut", json_true());
			rc |= jset(action, "delay_of_ms", jdelay_ms(total));
		} else {
			rc |= jset(action, "delay_ms", jdelay_ms(total));
		}
		rc |= jset(action, "delay_enter_ms", jdelay_ms(d->delay_enter_ns));
		rc |= jset(action, "delay_exit_ms", jdelay_ms(d->delay_exit_ns));
	} else if (d->delay_ns && d->delay_cut) {
		/* What was served, and that it was cut (SIGTERM, a detach). */
		rc |= jset(action, "delay_ms", jdelay_ms(d->delay_served_ns / 1000 * 1000));
		rc |= jset(action, "delay_cut", json_true());
		rc |= jset(action, "delay_of_ms", jdelay_ms(d->delay_ns));
	} else if (d->delay_ns) {
		rc |= jset(action, "delay_ms", jdelay_ms(d->delay_ns));
	}
	if (d->error) {
		rc |= jset(action, "error", jerrno(d->error));
	} else if (d->has_retval) {
		rc |= jset(action, "retval", json_integer(d->retval));
	} else if (d->has_short) {
		rc |= jset(action, "short", jcount(d->short_count));
		rc |= jset(action, "short_of", jcount(d->short_of));
		rc |= jset(action, "short_basis", json_string(fl_short_basis_name(d->short_basis)));
		rc |= jset(action, "asked", jcount(d->short_asked));
	}
	if (d->corrupt_bytes) {
		static const char *const hows[] = { "flip", "zero", "random" };
		json_t *corrupt = json_object();

		rc |= jset(corrupt, "how", json_string((unsigned)d->corrupt_how < 3 ?
						       hows[d->corrupt_how] : "?"));
		rc |= jset(corrupt, "bytes", jcount(d->corrupt_bytes));
		if (d->corrupt_done) {
			json_t *offs = json_array();

			for (size_t i = 0; i < d->corrupt_n; i++)
				rc |= json_array_append_new(offs, jcount(d->corrupt_offsets[i]));
			rc |= jset(corrupt, "offsets", offs);
		}
		rc |= jset(action, "corrupt", corrupt);
	}
	if (d->stat_fields) {
		json_t *st = json_object();

		for (unsigned f = 0; f < FL_STAT_N_FIELDS; f++) {
			char mode[16];

			if (!(d->stat_fields & (1u << f)))
				continue;
			if (f == FL_STAT_MODE) {
				snprintf(mode, sizeof(mode), "%04" PRIo64, d->stat_values[f]);
				rc |= jset(st, "mode", json_string(mode));
			} else if (f >= FL_STAT_ATIME) {
				rc |= jset(st, fl_stat_field_name(f), json_integer((json_int_t)d->stat_values[f]));
			} else {
				rc |= jset(st, fl_stat_field_name(f), jcount(d->stat_values[f]));
			}
		}
		rc |= jset(action, "stat", st);
	}
	if (d->clock_call != FL_CCALL_NONE) {
		json_t *clock = json_object();

		rc |= jset(clock, "offset_ms", jshift_ms(d->clock_shift_ns));
		if (d->clock_step_ns)
			rc |= jset(clock, "jump_ms", jshift_ms(d->clock_step_ns));
		rc |= jset(action, "clock", clock);
	}
	if (d->has_poke) {
		json_t *poke = json_object();

		rc |= jset(poke, "arg", json_integer(d->poke_arg));
		rc |= jset(poke, "bytes", jcount(d->poke_len));
		rc |= jset(action, "poke", poke);
	}
	if (d->signal) {
		const char *sig = fl_signal_name(d->signal);

		rc |= jset(action, "signal", sig ? json_string(sig) : json_integer(d->signal));
	}
	if (d->crash)
		rc |= jset(action, "crash", json_string(fl_crash_mode_name(d->crash)));
	rc |= jset(o, "action", action);
	if (inj->has_stack) {
		json_t *stack = json_array();

		/* Frames name files and symbols of the program: any bytes, like paths. */
		for (size_t i = 0; stack && i < inj->n_stack; i++) {
			bool lossy;

			rc |= json_array_append_new(stack, fl_json_string(inj->stack[i], &lossy));
		}
		rc |= jset(o, "stack", stack);
		if (inj->stack_error)
			rc |= jset(o, "stack_error", jstr(inj->stack_error));
	}

	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int fl_report_add(struct fl_report *r, const struct fl_injection *inj)
{
	json_t *o;
	char *text;
	int err;

	if (!r || !r->out.f)
		return -EBADF;
	if (r->err)
		return r->err;

	o = build_injection(inj);
	text = o ? fl_json_dumps(o, FL_JSON_FLAGS) : NULL;
	json_decref(o);
	if (!text)
		return -ENOMEM;

	err = write_all(r, r->n ? ",\n" : "\n", r->n ? 2 : 1);
	if (err >= 0)
		err = write_all(r, text, strlen(text));
	free(text);
	if (err < 0)
		return err;
	r->n++;
	return 0;
}

int fl_report_add_crash(struct fl_report *r, const struct fl_crash *c)
{
	const char *sig = fl_signal_name(c->signal);
	json_t *o;
	int rc = 0;

	if (!r)
		return -EBADF;
	if (!r->crashes && !(r->crashes = json_array()))
		return -ENOMEM;
	o = json_object();
	if (!o)
		return -ENOMEM;
	rc |= jset(o, "pid", json_integer(c->pid));
	rc |= jset(o, "tid", json_integer(c->tid));
	if (c->exe) {
		bool lossy;

		rc |= jset(o, "exe", fl_json_string(c->exe, &lossy));
		if (lossy)
			rc |= jset(o, "exe_hex", jhex(c->exe));
	} else {
		rc |= jset(o, "exe", json_null());
	}
	rc |= jset(o, "signal", sig ? json_string(sig) : json_integer(c->signal));
	rc |= jset(o, "main", json_boolean(c->main));
	if (rc) {
		json_decref(o);
		return -ENOMEM;
	}
	return json_array_append_new(r->crashes, o) ? -ENOMEM : 0;
}

int fl_report_set_crash(struct fl_report *r, const struct fl_crash_point *c)
{
	json_t *o, *rb;
	int rc = 0;

	if (!r)
		return -EBADF;
	o = json_object();
	rb = json_array();
	if (!o || !rb) {
		json_decref(o);
		json_decref(rb);
		return -ENOMEM;
	}
	rc |= jset(o, "mode", json_string(fl_crash_mode_name(c->mode)));
	rc |= jset(o, "rule", jstr(c->rule));
	rc |= jset(o, "syscall", jstr(c->syscall));
	rc |= jset(o, "pid", json_integer(c->pid));
	rc |= jset(o, "tid", json_integer(c->tid));
	rc |= jset(o, "seq", jcount(c->seq));
	for (size_t i = 0; i < c->n_rollbacks; i++) {
		const struct fl_rollback *b = &c->rollbacks[i];
		json_t *e = json_object();

		rc |= jset(e, "what", json_string(b->what));
		rc |= jset(e, "path", jstr(b->path));
		if (b->from)
			rc |= jset(e, "from", jstr(b->from));
		if (!strcmp(b->what, "content")) {
			rc |= jset(e, "size", jcount(b->size));
			rc |= jset(e, "bytes", jcount(b->bytes));
		}
		rc |= json_array_append_new(rb, e);
	}
	rc |= jset(o, "rolled_back", rb);
	rc |= jset(o, "complete", json_boolean(!c->incomplete));
	if (rc) {
		json_decref(o);
		return -ENOMEM;
	}
	json_decref(r->crash);
	r->crash = o;
	return 0;
}

int fl_report_add_notice(struct fl_report *r, const struct fl_notice *n)
{
	json_t *o;

	if (!r)
		return -EBADF;
	if (!r->notices && !(r->notices = json_array()))
		return -ENOMEM;
	o = json_pack("{s:I, s:I, s:s, s:s}", "pid", (json_int_t)n->pid, "tid", (json_int_t)n->tid,
		      "kind", n->kind, "message", n->text);
	if (!o)
		return -ENOMEM;
	return json_array_append_new(r->notices, o) ? -ENOMEM : 0;
}

static json_t *build_rules(const struct fl_rule_set *set, const struct fl_rule_stats *stats)
{
	json_t *rules = json_array();
	int rc = 0;

	if (!rules)
		return NULL;
	for (size_t i = 0; set && i < set->n_rules; i++) {
		const struct fl_rule *rule = &set->rules[i];
		json_t *o = json_object(), *sys = json_array();

		if (!o || !sys) {
			json_decref(o);
			json_decref(sys);
			rc = -1;
			break;
		}
		for (size_t k = 0; k < rule->n_syscalls; k++)
			rc |= json_array_append_new(sys, jstr(rule->syscalls[k]));
		rc |= jset(o, "name", jstr(rule->name));
		if (rule->file) {
			rc |= jset(o, "source", jstr(rule->file));
			rc |= jset(o, "line", json_integer(rule->line));
		}
		rc |= jset(o, "syscalls", sys);
		rc |= jset(o, "matched", jcount(stats ? stats[i].matched : 0));
		rc |= jset(o, "injected", jcount(stats ? stats[i].injected : 0));
		if (rule->has_expect) {
			json_t *ex = json_object();

			rc |= jset(ex, "min", jcount(rule->expect_min));
			if (rule->expect_max != FL_TIMES_UNLIMITED)
				rc |= jset(ex, "max", jcount(rule->expect_max));
			rc |= jset(o, "expect", ex);
		}
		rc |= jset(o, "expect_met",
			   json_boolean(fl_rule_expect_met(rule, stats ? stats[i].injected : 0)));
		rc |= json_array_append_new(rules, o);
	}
	if (rc) {
		json_decref(rules);
		return NULL;
	}
	return rules;
}

static json_t *build_tail(const struct fl_report *r, const struct fl_run_result *res)
{
	json_t *o = json_object(), *cmd = json_array(), *ex = json_object();
	int rc = 0;

	if (!o || !cmd || !ex) {
		json_decref(o);
		json_decref(cmd);
		json_decref(ex);
		return NULL;
	}
	rc |= jset(o, "faultline_version", json_string(FL_VERSION));
	rc |= jset(o, "seed", json_integer((json_int_t)res->seed));
	if (res->n_attached) {
		/* Attach mode: no command, the processes instead. */
		json_t *att = json_array();

		for (size_t i = 0; att && i < res->n_attached; i++)
			rc |= json_array_append_new(att, json_pack("{s:I, s:o}", "pid",
				(json_int_t)res->attached[i].pid, "exe",
				res->attached[i].exe ? jstr(res->attached[i].exe) : json_null()));
		rc |= jset(o, "attached", att);
		json_decref(cmd);
	} else {
		for (size_t i = 0; res->command && res->command[i]; i++)
			rc |= json_array_append_new(cmd, jstr(res->command[i]));
		rc |= jset(o, "command", cmd);
	}
	if (res->n_attached && res->detached) {
		rc |= jset(ex, "detached", json_true());
	} else if (res->exited) {
		rc |= jset(ex, "code", json_integer(res->exit_code));
	} else {
		const char *sig = fl_signal_name(res->term_signal);

		rc |= jset(ex, "signal", sig ? json_string(sig) : json_integer(res->term_signal));
	}
	rc |= jset(o, "exit", ex);
	rc |= jset(o, "crashes", r->crashes ? json_incref(r->crashes) : json_array());
	rc |= jset(o, "notices", r->notices ? json_incref(r->notices) : json_array());
	if (r->crash)
		rc |= jset(o, "crash", json_incref(r->crash));
	rc |= jset(o, "dry_run", json_boolean(res->dry_run));
	if (res->tracer_mode)
		rc |= jset(o, "tracer", json_pack("{s:s, s:I, s:I}", "mode", res->tracer_mode,
						  "stops", (json_int_t)res->stops, "idle_polls",
						  (json_int_t)res->idle_polls));
	rc |= jset(o, "rules", build_rules(res->set, res->stats));
	if (res->set && res->set->texts) {
		/* What the rules said: report merge refuses reports of other rule sets. */
		json_t *srcs = json_array();

		for (size_t i = 0; srcs && i < res->set->n_sources; i++)
			rc |= json_array_append_new(srcs, json_pack("{s:o, s:o}",
				"origin", jstr(res->set->sources[i]),
				"text", fl_json_string(res->set->texts[i].text, NULL)));
		rc |= jset(o, "rule_sources", srcs);
	}
	rc |= jset(o, "expectations_met",
		   json_boolean(!res->set || !res->stats || fl_expect_unmet(res->set, res->stats) == 0));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int fl_report_close(struct fl_report *r, const struct fl_run_result *res)
{
	json_t *tail;
	char *text;
	int err;

	if (!r)
		return -EBADF;
	if (!r->out.f) {
		err = -EBADF;
		goto fail;
	}
	if (r->err) {
		err = r->err;
		goto fail;
	}

	tail = build_tail(r, res);
	text = tail ? fl_json_dumps(tail, FL_JSON_FLAGS) : NULL;
	json_decref(tail);
	if (!text) {
		err = -ENOMEM;
		goto fail;
	}
	/*
	 * The tail object dumps as {"faultline_version":...}; its members go
	 * after the array, so drop its '{' and let its '}' close the report.
	 */
	err = write_all(r, r->n ? "\n]," : "],", r->n ? 3 : 2);
	if (err >= 0)
		err = write_all(r, text + 1, strlen(text + 1));
	if (err >= 0)
		err = write_all(r, "\n", 1);
	free(text);
	if (err < 0)
		goto fail;

	/* fsync, then rename() over the destination (never through a symlink there). */
	err = fl_atomic_commit(&r->out);
	fl_report_free(r);
	return err;

fail:
	fl_report_free(r); /* removes the temp file */
	return err;
}

void fl_report_free(struct fl_report *r)
{
	if (!r)
		return;
	fl_atomic_abort(&r->out); /* a no-op once committed */
	json_decref(r->crashes);
	json_decref(r->crash);
	json_decref(r->notices);
	free(r);
}

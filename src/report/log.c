/*
 * The human-readable log: a header naming the seed and rule sources, one
 * line per injection in strace's shape, and a summary table at the end.
 * Every line starts with "faultline: " so it can be told apart from the
 * traced program's own stderr.
 */
#include <inttypes.h>
#include <jansson.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "faultline/sys.h"
#include "faultline/report.h"
#include "text.h"
#include "faultline/base.h"

#define FL_LOG_PREFIX "faultline: "

/* @s as a quoted C string (fl_format_cstring()), onto @f. */
static void put_cstring(FILE *f, const char *s)
{
	size_t len = strlen(s);
	size_t need = fl_format_cstring(NULL, 0, s, len) + 1;
	_cleanup_free_ char *q = malloc(need);

	if (!q)
		return;
	fl_format_cstring(q, need, s, len);
	fputs(q, f);
}

/* " [path \"/x\"] [address 10.0.0.1:80]": what the rule's filters saw. */
static void put_match(FILE *f, const struct fl_match_info *m)
{
	if (!m)
		return;
	if (m->path) {
		fputs(" [path ", f);
		put_cstring(f, m->path);
		fputc(']', f);
	}
	if (m->has_sockaddr) {
		char addr[64];

		fl_sockaddr_format(&m->sockaddr, addr, sizeof(addr));
		if (m->sockaddr.family == AF_INET6)
			fprintf(f, " [address [%s]:%u]", addr, (unsigned)m->sockaddr.port);
		else
			fprintf(f, " [address %s:%u]", addr, (unsigned)m->sockaddr.port);
	}
	if (m->exe) {
		fputs(" [process ", f);
		put_cstring(f, m->exe);
		fputc(']', f);
	}
	if (m->caller) {
		fputs(" [caller ", f);
		put_cstring(f, m->caller);
		fputc(']', f);
	}
}

/*
 * A rule name as a JSON string ("config-missing", control characters as
 * \uXXXX). Names come from YAML and so are valid UTF-8; should one not be,
 * fall back to the C-style quoting used for paths. Never fails to print.
 */
static void put_quoted_name(FILE *out, const char *name)
{
	json_t *js = json_string(name ? name : "");
	char *text = js ? fl_json_dumps(js, JSON_ENCODE_ANY) : NULL;

	if (text) {
		fputs(text, out);
	} else {
		size_t len = strlen(name);
		size_t need = fl_format_cstring(NULL, 0, name, len) + 1;
		_cleanup_free_ char *q = malloc(need);

		if (q) {
			fl_format_cstring(q, need, name, len);
			fputs(q, out);
		} else {
			fputs("\"?\"", out);
		}
	}
	free(text);
	json_decref(js);
}

/*
 * Free text (file names) without quotes, control characters as \xNN so a
 * hostile name can't break the one-line-per-entry shape or the terminal.
 */
void fl_put_plain(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

void fl_log_header(FILE *out, const struct fl_rule_set *set, uint64_t seed)
{
	_cleanup_free_ char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);

	if (!f)
		return;
	fprintf(f, "faultline %s: seed %" PRIu64 ", %zu rule%s", FL_VERSION, seed,
		set->n_rules, set->n_rules == 1 ? "" : "s");
	for (size_t i = 0; i < set->n_sources; i++) {
		fputs(i ? ", " : " from ", f);
		fl_put_plain(f, set->sources[i]);
	}
	fputc('\n', f);
	if (fclose(f) == 0)
		fwrite(line, 1, len, out);
}

void fl_log_injection(FILE *out, const struct fl_injection *inj)
{
	_cleanup_free_ char *line = NULL;
	_cleanup_free_ char *args = NULL;
	const char *args_text = inj->args_text;
	const char *name = inj->syscall;
	char result[512];
	char nrname[32];
	size_t len = 0;
	FILE *f;

	if (!name && inj->call)
		name = fl_syscall_name(inj->call->arch, inj->call->nr);
	if (!name) {
		snprintf(nrname, sizeof(nrname), "syscall_%d", inj->call ? inj->call->nr : -1);
		name = nrname;
	}
	if (!args_text && inj->call) {
		size_t need = fl_format_args(inj->call, NULL, NULL, NULL, 0, NULL, 0, NULL) + 1;

		args = malloc(need);
		if (args)
			fl_format_args(inj->call, NULL, NULL, args, need, NULL, 0, NULL);
		args_text = args;
	}
	fl_format_result(result, sizeof(result), inj->decision);

	/* Built in memory and written at once: one line stays one write. */
	f = open_memstream(&line, &len);
	if (!f)
		return;
	fprintf(f, FL_LOG_PREFIX "[pid %d] %s%s(%s) %s (rule ",
		(int)(inj->tid ? inj->tid : inj->pid), inj->dry_run ? "would inject: " : "",
		name, args_text ? args_text : "", result);
	put_quoted_name(f, inj->rule ? inj->rule->name : NULL);
	fputc(')', f);
	put_match(f, inj->match);
	fputc('\n', f);
	if (fclose(f) == 0)
		fwrite(line, 1, len, out);
}

void fl_log_notice(FILE *out, const struct fl_notice *n)
{
	_cleanup_free_ char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);

	if (!f)
		return;
	fprintf(f, FL_LOG_PREFIX "[pid %d] ", (int)n->tid);
	fl_put_plain(f, n->text);
	fputc('\n', f);
	if (fclose(f) == 0)
		fwrite(line, 1, len, out);
}

void fl_log_crash(FILE *out, const struct fl_crash_point *c)
{
	_cleanup_free_ char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);

	if (!f)
		return;
	fprintf(f, FL_LOG_PREFIX "crashed (%s) at %s of pid %d (tid %d), injection %" PRIu64
		", rule \"", fl_crash_mode_name(c->mode), c->syscall, (int)c->pid, (int)c->tid,
		c->seq);
	fl_put_plain(f, c->rule);
	fputs("\": the traced tree was killed with SIGKILL before the call ran\n", f);
	if (c->mode == FL_CRASH_POWER_LOSS) {
		fprintf(f, FL_LOG_PREFIX "power loss: %zu roll-back%s%s\n", c->n_rollbacks,
			c->n_rollbacks == 1 ? "" : "s", c->incomplete ? " (incomplete: see above)" : "");
		for (size_t i = 0; i < c->n_rollbacks; i++) {
			const struct fl_rollback *b = &c->rollbacks[i];

			fputs(FL_LOG_PREFIX "  ", f);
			fl_put_plain(f, b->path);
			if (!strcmp(b->what, "content"))
				fprintf(f, ": content as at its last durability point (%" PRIu64
					" bytes; %" PRIu64 " old bytes written back)\n", b->size, b->bytes);
			else if (!strcmp(b->what, "created"))
				fputs(": created since its directory's last fsync, removed\n", f);
			else {
				fputs(": renamed since its directory's last fsync, moved back to ", f);
				fl_put_plain(f, b->from);
				fputc('\n', f);
			}
		}
	}
	if (fclose(f) == 0)
		fwrite(line, 1, len, out);
}

/* @n strings joined by @sep, each through fl_put_plain(); NULL on OOM. */
static char *join_plain(char *const *strs, size_t n, char sep)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	for (size_t k = 0; k < n; k++) {
		if (k)
			fputc(sep, f);
		fl_put_plain(f, strs[k] ? strs[k] : "");
	}
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static int digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

void fl_log_unmet(FILE *out, const struct fl_rule_set *set, const struct fl_rule_stats *stats)
{
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *r = &set->rules[i];
		_cleanup_free_ char *line = NULL;
		char want[64];
		size_t len = 0;
		FILE *f;

		if (fl_rule_expect_met(r, stats[i].injected))
			continue;
		fl_format_expect(want, sizeof(want), r);
		f = open_memstream(&line, &len);
		if (!f)
			return;
		fputs(FL_LOG_PREFIX "expectation not met: rule ", f);
		put_quoted_name(f, r->name);
		if (r->file) {
			fputs(" (", f);
			fl_put_plain(f, r->file);
			fprintf(f, ":%u)", r->line);
		}
		fprintf(f, " acted %" PRIu64 " time%s on %" PRIu64 " matching call%s; expected %s\n",
			stats[i].injected, stats[i].injected == 1 ? "" : "s", stats[i].matched,
			stats[i].matched == 1 ? "" : "s", want);
		if (fclose(f) == 0)
			fwrite(line, 1, len, out);
	}
}

/*
 *	faultline: summary
 *	faultline:   rule             syscalls       matched  injected
 *	faultline:   config-missing   open,openat          3         1
 * Columns are as wide as their widest cell; names are left-aligned, counts
 * right-aligned, no trailing blanks. When a rule has an expectation, an
 * "expect" column follows (">=1", and " NOT MET" when the run missed it).
 */
void fl_log_summary(FILE *out, const struct fl_rule_set *set, const struct fl_rule_stats *stats)
{
	/* cells[2i]: rule i's name, cells[2i+1]: its syscalls, display-safe */
	_cleanup_free_ char **cells = NULL;
	_cleanup_free_ char *text = NULL;
	int w_name = 4, w_sys = 8, w_matched = 7, w_injected = 8;
	bool any_expect = false;
	size_t len = 0;
	FILE *f;

	for (size_t i = 0; i < set->n_rules; i++)
		any_expect |= set->rules[i].has_expect;

	cells = calloc(2 * set->n_rules + 1, sizeof(*cells));
	if (!cells)
		return;
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *r = &set->rules[i];
		int n;

		cells[2 * i] = join_plain(&r->name, 1, ',');
		cells[2 * i + 1] = join_plain(r->syscalls, r->n_syscalls, ',');
		n = cells[2 * i] ? (int)strlen(cells[2 * i]) : 0;
		if (n > w_name)
			w_name = n;
		n = cells[2 * i + 1] ? (int)strlen(cells[2 * i + 1]) : 0;
		if (n > w_sys)
			w_sys = n;
		if (digits(stats[i].matched) > w_matched)
			w_matched = digits(stats[i].matched);
		if (digits(stats[i].injected) > w_injected)
			w_injected = digits(stats[i].injected);
	}

	f = open_memstream(&text, &len);
	if (f) {
		fputs(FL_LOG_PREFIX "summary\n", f);
		fprintf(f, FL_LOG_PREFIX "  %-*s   %-*s  %*s  %*s%s\n", w_name, "rule", w_sys,
			"syscalls", w_matched, "matched", w_injected, "injected",
			any_expect ? "  expect" : "");
		for (size_t i = 0; i < set->n_rules; i++) {
			char want[64] = "";

			if (any_expect && set->rules[i].has_expect) {
				want[0] = want[1] = ' ';
				fl_format_expect(want + 2, sizeof(want) - 16, &set->rules[i]);
				if (!fl_rule_expect_met(&set->rules[i], stats[i].injected))
					strcat(want, " NOT MET");
			}
			fprintf(f, FL_LOG_PREFIX "  %-*s   %-*s  %*" PRIu64 "  %*" PRIu64 "%s\n",
				w_name, cells[2 * i] ? cells[2 * i] : "",
				w_sys, cells[2 * i + 1] ? cells[2 * i + 1] : "",
				w_matched, stats[i].matched, w_injected, stats[i].injected, want);
		}
		if (fclose(f) == 0)
			fwrite(text, 1, len, out);
	}
	for (size_t i = 0; i < 2 * set->n_rules; i++)
		free(cells[i]);
}

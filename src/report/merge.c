/*
 * faultline report merge: the JSON reports of several runs of one rule set
 * (the pods of a fleet, the shards of a CI job) as one summary: per rule
 * the sums of matched and injected calls, which reports it fired in, and
 * its expectation checked against the sum -- so "the fault fired
 * somewhere" can be asserted when each run saw only part of the traffic.
 *
 * Reports are of one rule set when their "rule_sources" (every rule file
 * and -e text, whole, in order) are the same and their rules the same
 * ones at the same places (name, source, line): anything else is refused,
 * saying where the two differ, since adding up counts of different rules
 * would be a lie. Seeds, commands and versions may differ.
 *
 * The reports are read with jansson: a syntax error is FILE:LINE:COLUMN
 * (jansson's position); jansson keeps no positions of values, so a report
 * of the wrong shape is named by the JSON path of what is wrong
 * (FILE: rules[1].matched: ...).
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/base.h"
#include "faultline/report.h"
#include "faultline/rules.h"
#include "text.h"

#define FL_LOG_PREFIX "faultline: "

struct fl_merge {
	char **names;            /* the reports, as given */
	size_t n_reports;
	json_t *sources;         /* the first report's rule_sources */
	struct fl_rule_set set;  /* the first report's rules: name, syscalls, expect, file, line */
	struct fl_rule_stats *sums;
	uint64_t **injected_by;  /* [rule][report] */
	uint64_t **matched_by;
};

struct fl_merge *fl_merge_new(void)
{
	return calloc(1, sizeof(struct fl_merge));
}

void fl_merge_free(struct fl_merge *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_reports; i++)
		free(m->names[i]);
	free(m->names);
	for (size_t i = 0; i < m->set.n_rules; i++) {
		struct fl_rule *r = &m->set.rules[i];
		free(r->name);
		for (size_t k = 0; k < r->n_syscalls; k++)
			free(r->syscalls[k]);
		free(r->syscalls);
		free((char *)r->file);
		free(m->injected_by[i]);
		free(m->matched_by[i]);
	}
	free(m->set.rules);
	free(m->sums);
	free(m->injected_by);
	free(m->matched_by);
	json_decref(m->sources);
	free(m);
}

static int errf(char **ret_err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int errf(char **ret_err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(ret_err, fmt, ap) < 0)
		*ret_err = NULL;
	va_end(ap);
	return -EINVAL;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* Member @key of @obj at @where, of type @type (JSON_TRUE: a count >= 0). */
static json_t *member(const char *file, json_t *obj, const char *where, const char *key,
		      json_type type, bool optional, char **ret_err, int *rc)
{
	json_t *v = json_object_get(obj, key);
	const char *want = type == JSON_OBJECT ? "an object" : type == JSON_ARRAY ? "an array" :
			   type == JSON_STRING ? "a string" : "a count (an integer >= 0)";

	if (*rc < 0)
		return NULL;
	if (!v) {
		if (!optional)
			*rc = errf(ret_err, "%s: %s%s%s: missing: this is not a faultline run report "
				   "(faultline run --report FILE)", file, where, *where ? "." : "", key);
		return NULL;
	}
	bool ok = type == JSON_TRUE ? json_is_integer(v) && json_integer_value(v) >= 0
				    : json_typeof(v) == type;
	if (!ok) {
		*rc = errf(ret_err, "%s: %s%s%s: expected %s, got %s", file, where, *where ? "." : "",
			   key, want, type_name(v));
		return NULL;
	}
	return v;
}

/* Where two reports' rule sources differ, for the refusal. */
static char *sources_differ(json_t *a, json_t *b)
{
	char *why = NULL;
	size_t na = json_array_size(a), nb = json_array_size(b);

	for (size_t i = 0; i < na && i < nb; i++) {
		const char *oa = json_string_value(json_object_get(json_array_get(a, i), "origin"));
		const char *ob = json_string_value(json_object_get(json_array_get(b, i), "origin"));
		const char *ta = json_string_value(json_object_get(json_array_get(a, i), "text"));
		const char *tb = json_string_value(json_object_get(json_array_get(b, i), "text"));

		if (strcmp(oa, ob)) {
			if (asprintf(&why, "its rule source %zu is %s, theirs %s", i + 1, ob, oa) < 0)
				why = NULL;
			return why;
		}
		if (strcmp(ta, tb)) {
			unsigned line = 1;
			for (size_t k = 0; ta[k] && ta[k] == tb[k]; k++)
				line += ta[k] == '\n';
			if (asprintf(&why, "%s says something else from line %u on", oa, line) < 0)
				why = NULL;
			return why;
		}
	}
	if (na != nb && asprintf(&why, "it loaded %zu rule sources, they %zu", nb, na) < 0)
		why = NULL;
	return why;
}

static int check_shape(const char *file, json_t *root, char **ret_err)
{
	int rc = 0;

	if (!json_is_object(root))
		return errf(ret_err, "%s:1:1: expected a faultline run report (a JSON object), got %s",
			    file, type_name(root));
	member(file, root, "", "faultline_version", JSON_STRING, false, ret_err, &rc);
	json_t *rules = member(file, root, "", "rules", JSON_ARRAY, false, ret_err, &rc);
	json_t *srcs = member(file, root, "", "rule_sources", JSON_ARRAY, true, ret_err, &rc);
	if (rc < 0)
		return rc;
	if (!srcs)
		return errf(ret_err, "%s: rule_sources: missing: the faultline that wrote this report "
			    "does not record which rules it counted; run it again with this one", file);
	for (size_t i = 0; i < json_array_size(srcs); i++) {
		char where[64];
		json_t *s = json_array_get(srcs, i);
		snprintf(where, sizeof(where), "rule_sources[%zu]", i);
		if (!json_is_object(s))
			return errf(ret_err, "%s: %s: expected an object, got %s", file, where, type_name(s));
		member(file, s, where, "origin", JSON_STRING, false, ret_err, &rc);
		member(file, s, where, "text", JSON_STRING, false, ret_err, &rc);
	}
	for (size_t i = 0; rc == 0 && i < json_array_size(rules); i++) {
		char where[64];
		json_t *r = json_array_get(rules, i);
		snprintf(where, sizeof(where), "rules[%zu]", i);
		if (!json_is_object(r))
			return errf(ret_err, "%s: %s: expected an object, got %s", file, where, type_name(r));
		member(file, r, where, "name", JSON_STRING, false, ret_err, &rc);
		member(file, r, where, "source", JSON_STRING, false, ret_err, &rc);
		member(file, r, where, "line", JSON_TRUE, false, ret_err, &rc);
		member(file, r, where, "matched", JSON_TRUE, false, ret_err, &rc);
		member(file, r, where, "injected", JSON_TRUE, false, ret_err, &rc);
		json_t *sys = member(file, r, where, "syscalls", JSON_ARRAY, false, ret_err, &rc);
		for (size_t k = 0; rc == 0 && k < json_array_size(sys); k++)
			if (!json_is_string(json_array_get(sys, k)))
				rc = errf(ret_err, "%s: %s.syscalls[%zu]: expected a string, got %s", file,
					  where, k, type_name(json_array_get(sys, k)));
		json_t *ex = member(file, r, where, "expect", JSON_OBJECT, true, ret_err, &rc);
		if (ex) {
			char w2[80];
			snprintf(w2, sizeof(w2), "%s.expect", where);
			member(file, ex, w2, "min", JSON_TRUE, false, ret_err, &rc);
			member(file, ex, w2, "max", JSON_TRUE, true, ret_err, &rc);
		}
	}
	return rc;
}

static uint64_t count(json_t *obj, const char *key)
{
	return (uint64_t)json_integer_value(json_object_get(obj, key));
}

/* The first report: its rules become the merge's. */
static int adopt_rules(struct fl_merge *m, json_t *root)
{
	json_t *rules = json_object_get(root, "rules");
	size_t n = json_array_size(rules);

	m->set.rules = calloc(n + 1, sizeof(*m->set.rules));
	m->sums = calloc(n + 1, sizeof(*m->sums));
	m->injected_by = calloc(n + 1, sizeof(*m->injected_by));
	m->matched_by = calloc(n + 1, sizeof(*m->matched_by));
	if (!m->set.rules || !m->sums || !m->injected_by || !m->matched_by)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_array_get(rules, i), *sys = json_object_get(j, "syscalls");
		json_t *ex = json_object_get(j, "expect");
		struct fl_rule *r = &m->set.rules[i];

		m->set.n_rules = i + 1;
		r->name = strdup(json_string_value(json_object_get(j, "name")));
		r->file = strdup(json_string_value(json_object_get(j, "source")));
		r->line = (unsigned)count(j, "line");
		r->syscalls = calloc(json_array_size(sys) + 1, sizeof(*r->syscalls));
		if (!r->name || !r->file || !r->syscalls)
			return -ENOMEM;
		for (size_t k = 0; k < json_array_size(sys); k++) {
			r->syscalls[k] = strdup(json_string_value(json_array_get(sys, k)));
			if (!r->syscalls[k])
				return -ENOMEM;
			r->n_syscalls = k + 1;
		}
		r->expect_max = FL_TIMES_UNLIMITED;
		if (ex) {
			r->has_expect = true;
			r->expect_min = count(ex, "min");
			if (json_object_get(ex, "max"))
				r->expect_max = count(ex, "max");
		}
	}
	m->sources = json_incref(json_object_get(root, "rule_sources"));
	return 0;
}

/* Is @root's rule set the merge's? Else why not. */
static int same_rule_set(const struct fl_merge *m, const char *file, json_t *root, char **ret_err)
{
	json_t *rules = json_object_get(root, "rules");
	_cleanup_free_ char *why = NULL;

	if (!json_equal(m->sources, json_object_get(root, "rule_sources"))) {
		why = sources_differ(m->sources, json_object_get(root, "rule_sources"));
		return errf(ret_err, "%s: not a report of the rule set of %s: %s", file, m->names[0],
			    why ? why : "their rule sources differ");
	}
	if (json_array_size(rules) != m->set.n_rules)
		return errf(ret_err, "%s: not a report of the rule set of %s: it has %zu rules, %s %zu",
			    file, m->names[0], json_array_size(rules), m->names[0], m->set.n_rules);
	for (size_t i = 0; i < m->set.n_rules; i++) {
		json_t *j = json_array_get(rules, i);
		const struct fl_rule *r = &m->set.rules[i];
		const char *name = json_string_value(json_object_get(j, "name"));
		const char *src = json_string_value(json_object_get(j, "source"));

		if (strcmp(name, r->name) || strcmp(src, r->file) || count(j, "line") != r->line)
			return errf(ret_err, "%s: not a report of the rule set of %s: its rule %zu is "
				    "\"%s\" (%s:%" PRIu64 "), theirs \"%s\" (%s:%u)", file, m->names[0],
				    i + 1, name, src, count(j, "line"), r->name, r->file, r->line);
	}
	return 0;
}

/* The whole of @path, NUL-terminated; NULL with errno set. */
static char *read_all(const char *path, size_t *ret_len)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			char *n = realloc(buf, cap + 65536);
			if (!n) {
				free(buf);
				return NULL;
			}
			buf = n;
			cap += 65536;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

/*
 * Line of @text where the last report starts ("{"injections":[" at a line
 * start), or 0; *@ret_at its offset.
 */
static unsigned embedded_report_line(const char *text, size_t *ret_at)
{
	unsigned line = 1, found = 0;

	for (const char *p = text; *p; p++) {
		if ((p == text || p[-1] == '\n') && !strncmp(p, "{\"injections\":[", 15)) {
			found = line;
			if (ret_at)
				*ret_at = (size_t)(p - text);
		}
		line += *p == '\n';
	}
	return found;
}

int fl_merge_add_file(struct fl_merge *m, const char *path, bool from_log, char **ret_err)
{
	_cleanup_free_ char *text = NULL;
	json_error_t e;
	json_t *root;
	size_t len = 0;
	int r;

	*ret_err = NULL;
	text = read_all(path, &len);
	if (!text)
		return errf(ret_err, "%s: cannot read it: %s", path, strerror(errno));
	if (from_log) {
		/*
		 * A container's log (kubectl logs, podman logs) of a run with
		 * --report -: the report is its last part, from the line it
		 * starts on; faultline's own last lines (an unmet expectation)
		 * may follow it.
		 */
		size_t at = 0;
		unsigned line = embedded_report_line(text, &at);
		if (!line)
			return errf(ret_err, "%s: no faultline report in this log (faultline run --report - "
				    "prints one, from a line starting {\"injections\":[)", path);
		root = json_loadb(text + at, len - at, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &e);
		if (!root)
			return errf(ret_err, "%s:%u:%d: not a JSON report: %s", path,
				    line - 1 + (unsigned)(e.line > 0 ? e.line : 1), e.column > 0 ? e.column : 1,
				    e.text);
	} else {
		root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
	}
	if (!root) {
		unsigned at = embedded_report_line(text, NULL);
		if (at > 1)
			return errf(ret_err, "%s:%d:%d: not a JSON report: %s (a report starts at line %u, "
				    "after other output, as in a container's log with --report -: "
				    "merge such logs with --from-logs)", path, e.line,
				    e.column > 0 ? e.column : 1, e.text, at);
		return errf(ret_err, "%s:%d:%d: not a JSON report: %s", path, e.line > 0 ? e.line : 1,
			    e.column > 0 ? e.column : 1, e.text);
	}
	r = check_shape(path, root, ret_err);
	if (r == 0 && m->n_reports > 0)
		r = same_rule_set(m, path, root, ret_err);
	if (r == 0 && m->n_reports == 0)
		r = adopt_rules(m, root);
	if (r == 0) {
		char **names = realloc(m->names, (m->n_reports + 1) * sizeof(*names));
		char *name = strdup(path);
		if (names)
			m->names = names;
		if (!names || !name) {
			free(name);
			r = -ENOMEM;
		} else {
			names[m->n_reports] = name;
		}
	}
	for (size_t i = 0; r == 0 && i < m->set.n_rules; i++) {
		json_t *j = json_array_get(json_object_get(root, "rules"), i);
		uint64_t *inj = realloc(m->injected_by[i], (m->n_reports + 1) * sizeof(*inj));
		if (inj)
			m->injected_by[i] = inj;
		uint64_t *mat = realloc(m->matched_by[i], (m->n_reports + 1) * sizeof(*mat));
		if (mat)
			m->matched_by[i] = mat;
		if (!inj || !mat) {
			r = -ENOMEM;
			break;
		}
		inj[m->n_reports] = count(j, "injected");
		mat[m->n_reports] = count(j, "matched");
	}
	if (r == 0) {
		for (size_t i = 0; i < m->set.n_rules; i++) {
			m->sums[i].matched += m->matched_by[i][m->n_reports];
			m->sums[i].injected += m->injected_by[i][m->n_reports];
		}
		m->n_reports++;
	}
	if (r == -ENOMEM && !*ret_err)
		errf(ret_err, "%s: out of memory", path);
	json_decref(root);
	return r;
}

size_t fl_merge_unmet(const struct fl_merge *m)
{
	return m->n_reports ? fl_expect_unmet(&m->set, m->sums) : 0;
}

static size_t fired_in(const struct fl_merge *m, size_t rule)
{
	size_t n = 0;

	for (size_t k = 0; k < m->n_reports; k++)
		n += m->injected_by[rule][k] > 0;
	return n;
}

/*
 *	faultline: report merge: 2 reports, 1 rule from /rules/chaos.yaml
 *	faultline: summary
 *	faultline:   rule ...                         (the sums, as run prints them)
 *	faultline: rule "config-unreadable" fired in 2 of 2 reports: a.json (1), b.json (2)
 * and, from fl_merge_print_unmet(), what run says of an unmet expectation:
 *	faultline: expectation not met: rule "x" (/rules/chaos.yaml:9) acted 0 times ...
 */
void fl_merge_print(const struct fl_merge *m, FILE *out)
{
	fprintf(out, FL_LOG_PREFIX "report merge: %zu report%s, %zu rule%s from ", m->n_reports,
		m->n_reports == 1 ? "" : "s", m->set.n_rules, m->set.n_rules == 1 ? "" : "s");
	for (size_t i = 0; i < json_array_size(m->sources); i++) {
		fputs(i ? ", " : "", out);
		fl_put_plain(out, json_string_value(json_object_get(json_array_get(m->sources, i), "origin")));
	}
	fputc('\n', out);
	fl_log_summary(out, &m->set, m->sums);
	for (size_t i = 0; i < m->set.n_rules; i++) {
		size_t n = fired_in(m, i), listed = 0;

		fputs(FL_LOG_PREFIX "rule \"", out);
		fl_put_plain(out, m->set.rules[i].name);
		if (n == 0) {
			fprintf(out, "\" fired in none of the %zu reports\n", m->n_reports);
			continue;
		}
		fprintf(out, "\" fired in %zu of %zu report%s:", n, m->n_reports, m->n_reports == 1 ? "" : "s");
		for (size_t k = 0; k < m->n_reports; k++) {
			if (!m->injected_by[i][k])
				continue;
			fputs(listed++ ? ", " : " ", out);
			fl_put_plain(out, m->names[k]);
			fprintf(out, " (%" PRIu64 ")", m->injected_by[i][k]);
		}
		fputc('\n', out);
	}
}

void fl_merge_print_unmet(const struct fl_merge *m, FILE *out)
{
	fl_log_unmet(out, &m->set, m->sums);
}

/*
 *	### faultline: 2 reports merged
 *
 *	1 rule from `/rules/chaos.yaml` · every expectation met
 *
 *	| rule | syscalls | matched | injected | expected | met | fired in |
 *	|---|---|---:|---:|---|---|---|
 *	| config-unreadable | `open`, `openat` | 3 | 2 | >=1 | yes | 2 of 2: `a.json` (1), `b.json` (1) |
 */
int fl_merge_markdown(const struct fl_merge *m, int fd)
{
	_cleanup_close_ int owned = fd;
	_cleanup_free_ char *text = NULL;
	size_t len = 0, unmet = fl_merge_unmet(m);
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return -ENOMEM;
	fprintf(f, "### faultline: %zu report%s merged\n\n%zu rule%s from ", m->n_reports,
		m->n_reports == 1 ? "" : "s", m->set.n_rules, m->set.n_rules == 1 ? "" : "s");
	for (size_t i = 0; i < json_array_size(m->sources); i++) {
		fputs(i ? ", " : "", f);
		fl_md_code(f, json_string_value(json_object_get(json_array_get(m->sources, i), "origin")));
	}
	if (unmet)
		fprintf(f, " · **%zu expectation%s not met: faultline exits %d**\n\n", unmet,
			unmet == 1 ? "" : "s", FL_EXIT_EXPECTATION);
	else
		fputs(" · every expectation met\n\n", f);
	fputs("| rule | syscalls | matched | injected | expected | met | fired in |\n"
	      "|---|---|---:|---:|---|---|---|\n", f);
	for (size_t i = 0; i < m->set.n_rules; i++) {
		const struct fl_rule *r = &m->set.rules[i];
		char want[64] = "";
		size_t listed = 0;

		fputs("| ", f);
		fl_md_text(f, r->name);
		fputs(" | ", f);
		for (size_t k = 0; k < r->n_syscalls; k++) {
			fputs(k ? ", " : "", f);
			fl_md_code(f, r->syscalls[k]);
		}
		fl_format_expect(want, sizeof(want), r);
		fprintf(f, " | %" PRIu64 " | %" PRIu64 " | ", m->sums[i].matched, m->sums[i].injected);
		fl_md_text(f, want);
		fprintf(f, " | %s | %zu of %zu", !r->has_expect ? "" :
			fl_rule_expect_met(r, m->sums[i].injected) ? "yes" : "**no**",
			fired_in(m, i), m->n_reports);
		for (size_t k = 0; k < m->n_reports; k++) {
			if (!m->injected_by[i][k])
				continue;
			fputs(listed++ ? ", " : ": ", f);
			fl_md_code(f, m->names[k]);
			fprintf(f, " (%" PRIu64 ")", m->injected_by[i][k]);
		}
		fputs(" |\n", f);
	}
	fputc('\n', f);
	if (fclose(f) != 0)
		return -ENOMEM;
	owned = -1;
	return fl_summary_md_append(fd, text, len);
}

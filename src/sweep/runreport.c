/*
 * Reading the JSON report of one `faultline run` (format: src/report/json.c).
 * The sweep takes from it the command's real ending (a signal is a name
 * there, where faultline's exit status 128+N would be ambiguous), the
 * processes of its tree that crashed, the calls acted on, and how many.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/sys.h"
#include "faultline/base.h"
#include "faultline/sweep.h"
#include "parts.h"

__attribute__((format(printf, 2, 3)))
static int bad(char **ret_msg, const char *fmt, ...)
{
	va_list ap;

	if (ret_msg) {
		va_start(ap, fmt);
		if (vasprintf(ret_msg, fmt, ap) < 0)
			*ret_msg = NULL;
		va_end(ap);
	}
	return -EBADMSG;
}

static char *dup_str(json_t *v)
{
	return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

/* "ENOENT" or a number, as json.c writes an errno. */
static int errno_of(json_t *v)
{
	if (json_is_integer(v))
		return (int)json_integer_value(v);
	if (json_is_string(v)) {
		int e = fl_errno_from_name(json_string_value(v));

		return e > 0 ? e : 0;
	}
	return 0;
}

static int parse_call(json_t *o, struct fl_sweep_call *c, char **ret_msg)
{
	json_t *args = json_object_get(o, "args"), *v;
	size_t i;

	if (!json_is_object(o))
		return bad(ret_msg, "an injection is not an object");
	c->syscall = dup_str(json_object_get(o, "syscall"));
	c->rule = dup_str(json_object_get(o, "rule"));
	c->arch = dup_str(json_object_get(o, "arch"));
	if (!c->syscall || !c->rule || !c->arch)
		return bad(ret_msg, "an injection lacks \"syscall\", \"rule\" or \"arch\"");
	v = json_object_get(o, "path");
	if (v) {
		c->path = dup_str(v);
		if (!c->path)
			return -ENOMEM;
	}
	json_array_foreach(args, i, v) {
		if (i < 6 && json_is_integer(v))
			c->args[i] = json_integer_value(v);
	}
	c->error = errno_of(json_object_get(json_object_get(o, "action"), "error"));
	/* Only with --stack; a frame that is no string is skipped rather than fatal. */
	v = json_object_get(o, "stack");
	if (json_is_array(v) && json_array_size(v)) {
		json_t *f;

		c->stack = calloc(json_array_size(v) + 1, sizeof(*c->stack));
		if (!c->stack)
			return -ENOMEM;
		json_array_foreach(v, i, f) {
			if (!json_is_string(f))
				continue;
			c->stack[c->n_stack] = strdup(json_string_value(f));
			if (!c->stack[c->n_stack])
				return -ENOMEM;
			c->n_stack++;
		}
	}
	return 0;
}

static int parse_exit(json_t *ex, struct fl_sweep_exit *out, char **ret_msg)
{
	json_t *code = json_object_get(ex, "code"), *sig = json_object_get(ex, "signal");

	if (json_is_integer(code)) {
		*out = (struct fl_sweep_exit){ .exited = true, .code = (int)json_integer_value(code) };
		return 0;
	}
	if (json_is_integer(sig)) {
		*out = (struct fl_sweep_exit){ .signal = (int)json_integer_value(sig) };
		return 0;
	}
	if (json_is_string(sig)) {
		int s = fl_signal_from_name(json_string_value(sig));

		if (s <= 0)
			return bad(ret_msg, "unknown signal \"%s\"", json_string_value(sig));
		*out = (struct fl_sweep_exit){ .signal = s };
		return 0;
	}
	return bad(ret_msg, "no \"exit\" with \"code\" or \"signal\"");
}

/* A signal as json.c writes one: "SIGSEGV" or a number; 0 when neither. */
static int signal_of(json_t *v)
{
	if (json_is_integer(v))
		return (int)json_integer_value(v);
	if (json_is_string(v)) {
		int s = fl_signal_from_name(json_string_value(v));

		return s > 0 ? s : 0;
	}
	return 0;
}

static int parse_crash(json_t *o, struct fl_sweep_crash *c, char **ret_msg)
{
	json_t *pid = json_object_get(o, "pid"), *tid = json_object_get(o, "tid");
	json_t *exe = json_object_get(o, "exe");

	if (!json_is_object(o) || !json_is_integer(pid))
		return bad(ret_msg, "a crash is not an object with a \"pid\"");
	c->pid = (int)json_integer_value(pid);
	c->tid = json_is_integer(tid) ? (int)json_integer_value(tid) : c->pid;
	c->signal = signal_of(json_object_get(o, "signal"));
	if (!c->signal)
		return bad(ret_msg, "crash of pid %d has no known \"signal\"", c->pid);
	c->main = json_is_true(json_object_get(o, "main"));
	if (json_is_string(exe) && !(c->exe = strdup(json_string_value(exe))))
		return -ENOMEM;
	return 0;
}

int fl_sweep_report_parse(const char *text, size_t len, struct fl_sweep_report *ret,
			  char **ret_msg)
{
	json_error_t jerr;
	json_t *root, *inj, *rules, *crashes, *v;
	size_t i;
	int r;

	if (ret_msg)
		*ret_msg = NULL;
	*ret = (struct fl_sweep_report){ 0 };
	root = json_loadb(text, len, 0, &jerr);
	if (!root)
		return bad(ret_msg, "not JSON: %s (line %d)", jerr.text, jerr.line);

	inj = json_object_get(root, "injections");
	rules = json_object_get(root, "rules");
	if (!json_is_array(inj) || !json_is_array(rules)) {
		r = bad(ret_msg, "no \"injections\" or \"rules\" array");
		goto out;
	}
	r = parse_exit(json_object_get(root, "exit"), &ret->exit, ret_msg);
	if (r < 0)
		goto out;

	ret->calls = calloc(json_array_size(inj) + 1, sizeof(*ret->calls));
	if (!ret->calls) {
		r = -ENOMEM;
		goto out;
	}
	json_array_foreach(inj, i, v) {
		r = parse_call(v, &ret->calls[ret->n_calls++], ret_msg);
		if (r < 0)
			goto out;
	}
	/* Absent from the reports of a faultline before it had them: none known. */
	crashes = json_object_get(root, "crashes");
	if (crashes && !json_is_array(crashes)) {
		r = bad(ret_msg, "\"crashes\" is not an array");
		goto out;
	}
	ret->crashes = calloc(json_array_size(crashes) + 1, sizeof(*ret->crashes));
	if (!ret->crashes) {
		r = -ENOMEM;
		goto out;
	}
	json_array_foreach(crashes, i, v) {
		r = parse_crash(v, &ret->crashes[ret->n_crashes++], ret_msg);
		if (r < 0)
			goto out;
	}
	json_array_foreach(rules, i, v) {
		json_t *n = json_object_get(v, "injected");

		if (!json_is_integer(n) || json_integer_value(n) < 0) {
			r = bad(ret_msg, "rule %zu has no \"injected\" count", i + 1);
			goto out;
		}
		ret->injected += (uint64_t)json_integer_value(n);
	}
	r = 0;
out:
	json_decref(root);
	if (r < 0)
		fl_sweep_report_done(ret);
	return r;
}

int fl_sweep_report_load(const char *path, struct fl_sweep_report *ret, char **ret_msg)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;

	if (ret_msg)
		*ret_msg = NULL;
	*ret = (struct fl_sweep_report){ 0 };
	f = fopen(path, "re");
	if (!f)
		return -errno;
	/* A dry run over a busy program can list many calls: read it whole. */
	for (size_t cap = 0;;) {
		size_t got;

		if (cap - len < 65536) {
			char *p = realloc(buf, cap + 65536 + 1);

			if (!p)
				return -ENOMEM;
			buf = p;
			cap += 65536;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		return -EIO;
	return fl_sweep_report_parse(buf, len, ret, ret_msg);
}

void fl_sweep_report_done(struct fl_sweep_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_calls; i++) {
		free(r->calls[i].syscall);
		free(r->calls[i].arch);
		free(r->calls[i].path);
		free(r->calls[i].rule);
		for (size_t j = 0; j < r->calls[i].n_stack; j++)
			free(r->calls[i].stack[j]);
		free(r->calls[i].stack);
	}
	free(r->calls);
	for (size_t i = 0; i < r->n_crashes; i++)
		free(r->crashes[i].exe);
	free(r->crashes);
	*r = (struct fl_sweep_report){ 0 };
}

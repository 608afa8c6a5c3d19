/*
 * Shell quoting of reproducers: the line printed for a crash must paste into
 * any POSIX shell and run exactly the argv the sweep ran.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/base.h"
#include "faultline/sweep.h"

/* Characters no POSIX shell treats specially anywhere in a word. */
static bool is_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_@%+=:,./-", c) != NULL;
}

static char *quote(const char *arg, bool force)
{
	size_t len = strlen(arg), n = 2;
	bool plain = len > 0 && !force;
	char *out, *o;

	for (size_t i = 0; i < len; i++) {
		/* strchr() finds the terminating NUL too: no NUL in a C string anyway. */
		if (!is_safe((unsigned char)arg[i]))
			plain = false;
		n += arg[i] == '\'' ? 4 : 1;
	}
	if (plain)
		return strdup(arg);

	out = malloc(n + 1);
	if (!out)
		return NULL;
	o = out;
	*o++ = '\'';
	for (size_t i = 0; i < len; i++) {
		if (arg[i] == '\'') {
			/* Close the quote, an escaped quote, reopen: '\'' */
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = arg[i];
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

char *fl_shell_quote(const char *arg)
{
	return quote(arg, false);
}

char *fl_shell_join(const char *const *argv, size_t n)
{
	char *out = NULL;
	size_t len = 0;

	for (size_t i = 0; i < n && argv[i]; i++) {
		/* A first word with '=' would be read as an assignment, not a command. */
		_cleanup_free_ char *q = quote(argv[i], i == 0 && strchr(argv[i], '='));
		size_t qlen;
		char *grown;

		if (!q) {
			free(out);
			return NULL;
		}
		qlen = strlen(q);
		grown = realloc(out, len + (len ? 1 : 0) + qlen + 1);
		if (!grown) {
			free(out);
			return NULL;
		}
		out = grown;
		if (len)
			out[len++] = ' ';
		memcpy(out + len, q, qlen + 1);
		len += qlen;
	}
	return out ? out : strdup("");
}

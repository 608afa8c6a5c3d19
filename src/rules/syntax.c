/*
 * Value syntax of rule files: integers, floats, and strings that must not
 * be numbers. The number syntax is described at the top of loader.c.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

int fl_bad_value(struct load *ld, const struct key_def *def, const struct node *v)
{
	report_at(ld, v, "key '%s': expected %s, got %s", def->name, def->expect, fl_describe(v).s);
	return -EINVAL;
}

/* Does a quoted value look like it was meant as a number? */
bool fl_looks_numeric(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (*s == '.')
		s++;
	return isdigit((unsigned char)*s);
}

int fl_quoted_number(struct load *ld, const struct key_def *def, const struct node *v)
{
	report_at(ld, v, "key '%s': expected %s, got the string %s; write numbers without quotes",
		  def->name, def->expect, show(v).s);
	return -EINVAL;
}

/* Integer magnitude per the syntax at the top of this file; sign not included. */
int fl_parse_magnitude(const char *s, uint64_t *ret)
{
	uint64_t v = 0;

	if (s[0] == '0' && s[1] == 'x') {
		s += 2;
		if (!*s)
			return -EINVAL;
		for (; *s; s++) {
			unsigned d;

			if (!isxdigit((unsigned char)*s))
				return -EINVAL;
			d = isdigit((unsigned char)*s) ? (unsigned)(*s - '0') :
							 (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
			if (v > (UINT64_MAX >> 4))
				return -ERANGE;
			v = (v << 4) | d;
		}
	} else {
		if (!isdigit((unsigned char)s[0]) || (s[0] == '0' && s[1]))
			return -EINVAL;
		for (; *s; s++) {
			uint64_t d = (uint64_t)(*s - '0');

			if (!isdigit((unsigned char)*s))
				return -EINVAL;
			if (v > (UINT64_MAX - d) / 10)
				return -ERANGE;
			v = v * 10 + d;
		}
	}
	*ret = v;
	return 0;
}

int fl_get_u64(struct load *ld, const struct key_def *def, const struct node *v, uint64_t *ret)
{
	int r;

	if (v->quoted)
		return fl_looks_numeric(v->text) ? fl_quoted_number(ld, def, v) : fl_bad_value(ld, def, v);
	r = fl_parse_magnitude(v->text + (v->text[0] == '+'), ret);
	if (r == -ERANGE) {
		report_at(ld, v, "key '%s': %s is too large (at most %" PRIu64 ")", def->name,
			  v->text, UINT64_MAX);
		return r;
	}
	if (r < 0)
		return fl_bad_value(ld, def, v);
	return 0;
}

int fl_get_i64(struct load *ld, const struct key_def *def, const struct node *v, int64_t *ret)
{
	bool neg = v->text[0] == '-';
	uint64_t mag;
	int r;

	if (v->quoted)
		return fl_looks_numeric(v->text) ? fl_quoted_number(ld, def, v) : fl_bad_value(ld, def, v);
	r = fl_parse_magnitude(v->text + (neg || v->text[0] == '+'), &mag);
	if (r == 0 && mag > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
		r = -ERANGE;
	if (r == -ERANGE) {
		report_at(ld, v, "key '%s': %s is outside the 64-bit range (%" PRId64 "..%" PRId64 ")",
			  def->name, v->text, INT64_MIN, INT64_MAX);
		return r;
	}
	if (r < 0)
		return fl_bad_value(ld, def, v);
	/* Negate in unsigned arithmetic: -INT64_MIN does not exist as int64. */
	*ret = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
}

/* YAML 1.2 core float syntax, without .inf and .nan. */
static bool float_syntax(const char *s)
{
	bool digits = false;

	if (*s == '-' || *s == '+')
		s++;
	while (isdigit((unsigned char)*s))
		s++, digits = true;
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s))
			s++, digits = true;
	}
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

int fl_get_double(struct load *ld, const struct key_def *def, const struct node *v, double *ret)
{
	static locale_t c_locale;

	if (v->quoted)
		return fl_looks_numeric(v->text) ? fl_quoted_number(ld, def, v) : fl_bad_value(ld, def, v);
	if (!float_syntax(v->text))
		return fl_bad_value(ld, def, v);
	/* "0.5" must not depend on the user's LC_NUMERIC. */
	if (!c_locale)
		c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (!c_locale) {
		ld->oom = true;
		return -ENOMEM;
	}
	*ret = strtod_l(v->text, NULL, c_locale);
	return 0;
}

/* Strings: any scalar style, but not a number where a name is wanted. */
bool fl_has_control_chars(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}


/*
 * Glob patterns over normalized paths (syntax in faultline/base.h).
 *
 * Written here rather than on fnmatch(3): fnmatch quietly takes a malformed
 * pattern ("[a") as literal text and has no "**", while the loader wants to
 * refuse such a pattern with a reason, and the matcher wants "**" without
 * exponential backtracking. Both levels use the classic single-backtrack
 * wildcard algorithm: on a mismatch only the most recent '*' (in a
 * component) or "**" (over components) takes one more unit. That is exact
 * because every other token matches exactly one unit (one byte, or one
 * component), and keeps matching O(pattern x path).
 */
#include <errno.h>
#include <string.h>

#include "faultline/base.h"

/* ---- one component ---- */

static bool class_has(const char *name, size_t len, unsigned char c)
{
	bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
	bool digit = c >= '0' && c <= '9';
	bool graph = c > 0x20 && c < 0x7f;

#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
	if (IS("alpha"))
		return upper || lower;
	if (IS("digit"))
		return digit;
	if (IS("alnum"))
		return upper || lower || digit;
	if (IS("upper"))
		return upper;
	if (IS("lower"))
		return lower;
	if (IS("xdigit"))
		return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	if (IS("space"))
		return c == ' ' || (c >= '\t' && c <= '\r');
	if (IS("blank"))
		return c == ' ' || c == '\t';
	if (IS("punct"))
		return graph && !upper && !lower && !digit;
	if (IS("graph"))
		return graph;
	if (IS("print"))
		return graph || c == ' ';
	if (IS("cntrl"))
		return c < 0x20 || c == 0x7f;
#undef IS
	return false;
}

static bool class_known(const char *name, size_t len)
{
	static const char *const names[] = {
		"alpha", "digit", "alnum", "upper", "lower", "xdigit",
		"space", "blank", "punct", "graph", "print", "cntrl",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return true;
	return false;
}

/*
 * The set starting at the '[' at @p, within [p, pe). Returns the position
 * after its ']' and whether @c is in it, or NULL (and *@ret_msg) when the
 * set is malformed.
 */
static const char *parse_set(const char *p, const char *pe, unsigned char c, bool *ret_in,
			     const char **ret_msg)
{
	const char *q = p + 1;
	bool negate = false, in = false, first = true;

	if (q < pe && (*q == '!' || *q == '^')) {
		negate = true;
		q++;
	}
	while (q < pe) {
		unsigned char lo, hi;

		if (*q == ']' && !first) {
			*ret_in = in != negate;
			return q + 1;
		}
		first = false;
		if (*q == '[' && q + 1 < pe && q[1] == ':') {
			const char *name = q + 2, *end = name;

			while (end + 1 < pe && !(end[0] == ':' && end[1] == ']'))
				end++;
			if (end + 1 >= pe) {
				*ret_msg = "'[:' without a matching ':]' in a set";
				return NULL;
			}
			if (!class_known(name, (size_t)(end - name))) {
				*ret_msg = "unknown character class in '[:...:]' (known: alpha, digit, "
					   "alnum, upper, lower, xdigit, space, blank, punct, graph, "
					   "print, cntrl)";
				return NULL;
			}
			if (class_has(name, (size_t)(end - name), c))
				in = true;
			q = end + 2;
			continue;
		}
		if (*q == '\\' && q + 1 < pe)
			q++;
		lo = (unsigned char)*q++;
		hi = lo;
		if (q + 1 < pe && *q == '-' && q[1] != ']') {
			q++;
			if (*q == '\\' && q + 1 < pe)
				q++;
			hi = (unsigned char)*q++;
			if (hi < lo) {
				*ret_msg = "reversed range in a set (write [a-z], not [z-a])";
				return NULL;
			}
		}
		if (c >= lo && c <= hi)
			in = true;
	}
	*ret_msg = "'[' without a matching ']' in the same path component";
	return NULL;
}

/*
 * Does the token at *@pp (anything but '*') match byte @c? Moves *@pp past
 * the token. Patterns are checked at load time; should a malformed set get
 * here anyway, its '[' is taken literally.
 */
static bool token_match(const char **pp, const char *pe, unsigned char c)
{
	const char *p = *pp, *msg;
	bool in = false;

	switch (*p) {
	case '?':
		*pp = p + 1;
		return true;
	case '[': {
		const char *end = parse_set(p, pe, c, &in, &msg);

		if (end) {
			*pp = end;
			return in;
		}
		*pp = p + 1;
		return c == '[';
	}
	case '\\':
		if (p + 1 < pe) {
			*pp = p + 2;
			return (unsigned char)p[1] == c;
		}
		*pp = p + 1; /* a trailing backslash is itself */
		return c == '\\';
	default:
		*pp = p + 1;
		return (unsigned char)*p == c;
	}
}

static bool comp_match(const char *p, const char *pe, const char *n, const char *ne)
{
	const char *star_p = NULL, *star_n = NULL;

	while (n < ne) {
		const char *q = p;

		if (p < pe && *p == '*') {
			while (p < pe && *p == '*')
				p++;
			star_p = p;
			star_n = n;
			continue;
		}
		if (p < pe && token_match(&q, pe, (unsigned char)*n)) {
			p = q;
			n++;
			continue;
		}
		if (!star_p)
			return false;
		/* The last '*' takes one more byte. */
		p = star_p;
		n = ++star_n;
	}
	while (p < pe && *p == '*')
		p++;
	return p == pe;
}

/* Checks one component [p, pe) of a pattern. */
static int check_comp(const char *p, const char *pe, const char **ret_msg)
{
	bool whole_dstar = pe - p == 2 && p[0] == '*' && p[1] == '*';

	for (const char *q = p; q < pe; q++) {
		bool in;

		if (*q == '*' && q + 1 < pe && q[1] == '*' && !whole_dstar) {
			*ret_msg = "'**' must be a whole path component (as in /srv/**/x.log); within "
				   "a name use '*'";
			return -EINVAL;
		}
		if (*q == '\\') {
			if (q + 1 == pe) {
				*ret_msg = "'\\' at the end of a path component quotes nothing";
				return -EINVAL;
			}
			q++;
		} else if (*q == '[') {
			const char *end = parse_set(q, pe, 0, &in, ret_msg);

			if (!end)
				return -EINVAL;
			q = end - 1;
		}
	}
	return 0;
}

/* ---- whole paths ---- */

/* End of the component starting at @s. */
static const char *comp_end(const char *s)
{
	return s + strcspn(s, "/");
}

/*
 * Start of the component after the one at @s in string @str, or NULL when
 * it is the last. "/" alone is one empty component (the root), so that a
 * pattern "/" plus "*" does not match it.
 */
static const char *comp_next(const char *str, const char *s)
{
	const char *e = comp_end(s);

	if (*e != '/' || (e == str && e[1] == '\0'))
		return NULL;
	return e + 1;
}

static bool is_dstar(const char *s)
{
	return s[0] == '*' && s[1] == '*' && (s[2] == '/' || s[2] == '\0');
}

bool fl_glob_match(const char *pattern, const char *path)
{
	const char *p = pattern, *n = path;
	const char *star_p = NULL, *star_n = NULL;
	bool star = false;

	for (;;) {
		if (p && is_dstar(p)) {
			/* "**" takes no component for now; more on a mismatch. */
			star = true;
			star_p = p = comp_next(pattern, p);
			star_n = n;
			if (!p)
				return true; /* trailing "**": whatever is left */
			continue;
		}
		if (!p && !n)
			return true;
		if (p && n && comp_match(p, comp_end(p), n, comp_end(n))) {
			p = comp_next(pattern, p);
			n = comp_next(path, n);
			continue;
		}
		if (!star || !star_n)
			return false;
		/* The last "**" takes one more component. */
		star_n = comp_next(path, star_n);
		n = star_n;
		p = star_p;
		if (!n)
			return false;
	}
}

bool fl_glob_match_name(const char *pattern, const char *name)
{
	return comp_match(pattern, pattern + strlen(pattern), name, name + strlen(name));
}

int fl_glob_check(const char *pattern, const char **ret_msg)
{
	size_t len = strlen(pattern);
	const char *s;

	if (len == 0) {
		*ret_msg = "the pattern is empty";
		return -EINVAL;
	}
	if (len > FL_GLOB_MAX) {
		*ret_msg = "the pattern is longer than 4096 bytes (PATH_MAX)";
		return -EINVAL;
	}
	if (pattern[0] != '/' && pattern[0] != '@') {
		*ret_msg = "relative pattern; patterns are absolute (start with '/'), or name an "
			   "abstract unix socket ('@name')";
		return -EINVAL;
	}
	if (strcmp(pattern, "/") == 0)
		return 0;
	if (pattern[len - 1] == '/') {
		*ret_msg = "trailing '/'; paths are matched without one (write /srv/data for the "
			   "directory, /srv/data/** for it and everything below it)";
		return -EINVAL;
	}

	/* The first component is "" for '/' patterns, "@name" for abstract ones. */
	for (s = pattern; s; s = comp_next(pattern, s)) {
		const char *e = comp_end(s);
		size_t n = (size_t)(e - s);

		if (s != pattern && n == 0) {
			*ret_msg = "empty path component ('//'); paths are matched normalized, "
				   "without '//'";
			return -EINVAL;
		}
		if (pattern[0] == '/' && ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))) {
			*ret_msg = "'.' or '..' component; paths are normalized before matching, so "
				   "they never contain one";
			return -EINVAL;
		}
		if (check_comp(s, e, ret_msg) < 0)
			return -EINVAL;
	}
	return 0;
}

int fl_glob_check_name(const char *pattern, const char **ret_msg)
{
	size_t len = strlen(pattern);

	if (len == 0) {
		*ret_msg = "the pattern is empty";
		return -EINVAL;
	}
	if (strchr(pattern, '/')) {
		*ret_msg = "a name pattern has no '/'";
		return -EINVAL;
	}
	if (strcmp(pattern, "**") == 0) {
		*ret_msg = "'**' spans directories; to match any name use '*'";
		return -EINVAL;
	}
	return check_comp(pattern, pattern + len, ret_msg);
}

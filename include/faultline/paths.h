/*
 * Paths as filters see them: glob patterns (path: and process:) and the
 * lexical normalization applied to a call's path before it is matched.
 * Pure: no file system access, no locale.
 *
 * Patterns
 *   A pattern is absolute ("/srv/data/db-*.sqlite") or names an abstract unix
 *   socket ("@dbus-*"; '@' stands for the leading NUL byte, as in ss(8)).
 *   It is split at '/' into components; within one component
 *	*	any run of bytes (also none)
 *	?	one byte
 *	[abc] [a-z] [[:digit:]]  one byte of a set; [!...] or [^...] negates;
 *		']' first in the set is literal; classes are ASCII only
 *	\x	the byte x itself
 *   and a component that is exactly "**" matches zero or more whole
 *   components: "**" as the last component after /srv matches /srv and
 *   everything below it; "**" between /srv and x.log matches /srv/x.log and
 *   /srv/a/b/x.log. (A C comment can't spell those patterns out; see the
 *   table in tests/unit/test_glob.c.)
 *   Unlike the shell, '*', '?' and '**' also match names that start with
 *   '.', and matching is byte-wise ('?' is one byte, not one UTF-8 character).
 *   Because paths are normalized before matching, a pattern with an empty
 *   component ("//"), a "." or ".." component or a trailing '/' could never
 *   match and is refused by fl_glob_check(); so is a relative pattern.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Longest pattern accepted: PATH_MAX, like the paths it matches. */
#define FL_GLOB_MAX 4096

/*
 * Is @pattern a valid path pattern (see above)? Returns 0, or -EINVAL with
 * *@ret_msg set to a static description of the first problem, e.g. "'**'
 * must be a whole path component; within a name use '*'".
 */
int fl_glob_check(const char *pattern, const char **ret_msg);

/*
 * The same for a pattern of one name (no '/'), as process: uses for
 * basenames: any byte but '/', and no "**".
 */
int fl_glob_check_name(const char *pattern, const char **ret_msg);

/* Does the normalized absolute path (or "@abstract" name) @path match @pattern? */
bool fl_glob_match(const char *pattern, const char *path);

/* Does @name (one component, no '/') match the one-component @pattern? */
bool fl_glob_match_name(const char *pattern, const char *name);

/*
 * Normalize absolute @path in place, lexically: "//" and "." components go,
 * ".." removes the component before it ("/.." is "/"), a trailing '/' goes.
 * Symlinks are not resolved: "/a/link/.." is "/a" whatever link points to.
 * Returns the new length, or -EINVAL when @path is not absolute.
 */
ssize_t fl_path_normalize(char *path);

/*
 * @rel made absolute against the absolute directory @base (unless it is
 * absolute already) and normalized, into @buf. Returns the length, or
 * -ENAMETOOLONG when it does not fit in @size, -EINVAL when @base is needed
 * but not absolute.
 */
ssize_t fl_path_join(const char *base, const char *rel, char *buf, size_t size);

/*
 * /proc shows a file that was unlinked while open as "PATH (deleted)".
 * Remove that suffix in place; true when there was one.
 */
bool fl_path_strip_deleted(char *path);

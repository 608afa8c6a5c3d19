/*
 * Lexical path normalization: what the matcher does to a call's path before
 * matching it against path: patterns. Symlinks are not resolved on purpose:
 * path: matches the path as the program named it (made absolute), so a
 * pattern can name files that don't exist yet (O_CREAT, mkdir) and the
 * matcher never touches the tracee's file system.
 */
#include <errno.h>
#include <string.h>

#include "faultline/base.h"

ssize_t fl_path_normalize(char *path)
{
	size_t r = 0, w = 0;

	if (path[0] != '/')
		return -EINVAL;
	/* Invariant: path[0..w) is normalized and never ends in '/' (w == 0: root). */
	while (path[r]) {
		size_t start, len;

		while (path[r] == '/')
			r++;
		start = r;
		while (path[r] && path[r] != '/')
			r++;
		len = r - start;

		if (len == 0 || (len == 1 && path[start] == '.'))
			continue;
		if (len == 2 && path[start] == '.' && path[start + 1] == '.') {
			while (w > 0 && path[w - 1] != '/')
				w--;
			if (w > 0)
				w--; /* the '/' before the component */
			continue;
		}
		/* w <= start - 1 always holds, so the move never overlaps badly. */
		path[w++] = '/';
		memmove(path + w, path + start, len);
		w += len;
	}
	if (w == 0)
		path[w++] = '/';
	path[w] = '\0';
	return (ssize_t)w;
}

ssize_t fl_path_join(const char *base, const char *rel, char *buf, size_t size)
{
	size_t blen, rlen = strlen(rel);

	if (rel[0] == '/') {
		if (rlen + 1 > size)
			return -ENAMETOOLONG;
		memcpy(buf, rel, rlen + 1);
		return fl_path_normalize(buf);
	}
	if (!base || base[0] != '/')
		return -EINVAL;
	blen = strlen(base);
	if (blen + 1 + rlen + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf, base, blen);
	buf[blen] = '/';
	memcpy(buf + blen + 1, rel, rlen + 1);
	return fl_path_normalize(buf);
}

bool fl_path_strip_deleted(char *path)
{
	static const char suffix[] = " (deleted)";
	size_t len = strlen(path), n = sizeof(suffix) - 1;

	if (len <= n || strcmp(path + len - n, suffix) != 0)
		return false;
	path[len - n] = '\0';
	return true;
}

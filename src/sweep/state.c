/*
 * sweep --crash: the modelled files' starting state. Every run crashes
 * and leaves the files as its crash point had them; the next run must
 * start from what the first one found. Before the baseline, the place each
 * crash rule's path: pattern names (the directory or file before its
 * first pattern character: /srv/db for the pattern /srv/db/ and two stars) is copied into a
 * temporary directory, and before every run (and at the end) it is
 * removed and copied back: files with their bytes and permission bits,
 * directories, symlinks. Anything else (a socket, a FIFO) is left out.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faultline/base.h"
#include "faultline/sweep.h"
#include "parts.h"

struct fl_sweep_state {
	char *dir;        /* the copies: DIR/0, DIR/1, ... */
	char **places;    /* absolute paths, none under another */
	bool *absent;     /* the place did not exist at the start */
	size_t n;
};

static int copy_tree(const char *from, const char *to);

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), out, r = 0;
	ssize_t n;

	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode & 07777);
	if (out < 0) {
		r = -errno;
		close(in);
		return r;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			r = -EIO;
			break;
		}
	if (n < 0)
		r = -errno;
	if (fchmod(out, mode & 07777) < 0 && r == 0)
		r = -errno;
	close(in);
	if (close(out) < 0 && r == 0)
		r = -errno;
	return r;
}

static int copy_tree(const char *from, const char *to)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (lstat(from, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode))
		return copy_file(from, to, st.st_mode);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlink(from, target, sizeof(target) - 1);

		if (n < 0)
			return -errno;
		target[n] = '\0';
		return symlink(target, to) < 0 ? -errno : 0;
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	if (mkdir(to, 0700) < 0)
		return -errno;
	d = opendir(from);
	if (!d)
		return -errno;
	while (r == 0 && (de = readdir(d))) {
		_cleanup_free_ char *a = NULL, *b = NULL;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&a, "%s/%s", from, de->d_name) < 0 ||
		    asprintf(&b, "%s/%s", to, de->d_name) < 0) {
			r = -ENOMEM;
			break;
		}
		r = copy_tree(a, b);
	}
	closedir(d);
	if (r == 0 && chmod(to, st.st_mode & 07777) < 0)
		r = -errno;
	return r;
}

/* rm -rf @path, without following symlinks. */
static int remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? -errno : 0;
	/* A directory the program (or its crash) left unwritable still goes. */
	chmod(path, 0700);
	d = opendir(path);
	if (!d)
		return -errno;
	while (r == 0 && (de = readdir(d))) {
		_cleanup_free_ char *a = NULL;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&a, "%s/%s", path, de->d_name) < 0)
			r = -ENOMEM;
		else
			r = remove_tree(a);
	}
	closedir(d);
	if (r == 0 && rmdir(path) < 0)
		r = -errno;
	return r;
}

/* The place @pattern names: the part before the component with its first pattern character. */
static char *place_of(const char *pattern)
{
	size_t meta = strcspn(pattern, "*?[");
	char *p = strndup(pattern, meta);
	char *slash;

	if (!p)
		return NULL;
	if (pattern[meta]) {
		slash = strrchr(p, '/');
		if (slash)
			*slash = '\0';
	}
	return p;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

static int add_place(struct fl_sweep_state *s, char *place)
{
	for (size_t i = 0; i < s->n; i++)
		if (under(place, s->places[i])) {
			free(place);
			return 0;
		}
	/* A new place above earlier ones takes them in. */
	for (size_t i = 0; i < s->n;)
		if (under(s->places[i], place)) {
			free(s->places[i]);
			s->places[i] = s->places[--s->n];
		} else {
			i++;
		}
	s->places[s->n++] = place;
	return 0;
}

void fl_sweep_state_free(struct fl_sweep *sw)
{
	struct fl_sweep_state *s = sw->state;

	if (!s)
		return;
	if (s->dir) {
		remove_tree(s->dir);
		free(s->dir);
	}
	for (size_t i = 0; i < s->n; i++)
		free(s->places[i]);
	free(s->places);
	free(s->absent);
	free(s);
	sw->state = NULL;
}

int fl_sweep_state_take(struct fl_sweep *sw, const char **ret_path)
{
	const struct fl_rule_set *set = sw->set;
	const char *tmp = getenv("TMPDIR");
	struct fl_sweep_state *s;
	size_t cap = 0;
	int r;

	for (size_t i = 0; i < set->n_rules; i++)
		cap += set->rules[i].n_paths;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	sw->state = s;
	s->places = calloc(cap + 1, sizeof(*s->places));
	s->absent = calloc(cap + 1, sizeof(*s->absent));
	if (!s->places || !s->absent)
		return -ENOMEM;
	for (size_t i = 0; i < set->n_rules; i++)
		for (size_t k = 0; k < set->rules[i].n_paths; k++) {
			char *place = place_of(set->rules[i].paths[k]);

			if (!place)
				return -ENOMEM;
			/* A place of its own: never a top directory such as /home, removed each run. */
			if (place[0] != '/' || !strchr(place + 1, '/')) {
				free(place);
				*ret_path = set->rules[i].paths[k];
				return -EINVAL;
			}
			add_place(s, place);
		}
	if (asprintf(&s->dir, "%s/faultline-state-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0) {
		s->dir = NULL;
		return -ENOMEM;
	}
	if (!mkdtemp(s->dir)) {
		r = -errno;
		free(s->dir);
		s->dir = NULL;
		return r;
	}
	for (size_t i = 0; i < s->n; i++) {
		_cleanup_free_ char *copy = NULL;
		struct stat st;

		if (lstat(s->places[i], &st) < 0) {
			if (errno != ENOENT)
				return -errno;
			s->absent[i] = true;
			continue;
		}
		if (asprintf(&copy, "%s/%zu", s->dir, i) < 0)
			return -ENOMEM;
		r = copy_tree(s->places[i], copy);
		if (r < 0) {
			*ret_path = s->places[i];
			return r;
		}
	}
	return 0;
}

int fl_sweep_state_restore(struct fl_sweep *sw)
{
	struct fl_sweep_state *s = sw->state;
	int r = 0;

	for (size_t i = 0; s && i < s->n && r == 0; i++) {
		_cleanup_free_ char *copy = NULL;

		r = remove_tree(s->places[i]);
		if (r < 0 || s->absent[i])
			continue;
		if (asprintf(&copy, "%s/%zu", s->dir, i) < 0)
			return -ENOMEM;
		r = copy_tree(copy, s->places[i]);
	}
	return r;
}

/*
 * Files that appear whole or not at all: written to a temporary file beside
 * the destination and renamed over it. rename() replaces a symlink at the
 * destination instead of writing through it, so a link planted in a shared
 * directory (/tmp) cannot redirect faultline's output.
 */
#pragma once

#include <stdio.h>

struct fl_atomic_file {
	FILE *f;         /* write here */
	char *path;      /* destination */
	char *tmp_path;  /* ".NAME.XXXXXX" beside it, until committed */
};

/*
 * Create the temporary file for @path (mode 0666 & ~umask, close-on-exec).
 * Returns 0 or -errno. On success release with fl_atomic_commit() or
 * fl_atomic_abort().
 */
int fl_atomic_open(const char *path, struct fl_atomic_file *ret);

/* Flush, fsync and rename over the destination. Always releases @af. */
int fl_atomic_commit(struct fl_atomic_file *af);

/* All of @text at once: open, write, commit. Returns 0 or -errno. */
int fl_atomic_write(const char *path, const char *text, size_t len);

/* Remove the temporary file and release @af. Safe on a zeroed struct. */
void fl_atomic_abort(struct fl_atomic_file *af);

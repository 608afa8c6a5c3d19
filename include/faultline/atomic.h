/*
 * Where faultline's output files go (the log with -o, the JSON reports,
 * --summary-md), and how they are written.
 *
 * A regular file, or a path that does not exist yet, appears whole or not
 * at all: it is written to a temporary file beside the destination and
 * renamed over it. rename() replaces a symlink at the destination instead
 * of writing through it, so a link planted in a shared directory (/tmp)
 * cannot redirect faultline's output.
 *
 * Anything else is never renamed over, or it would be destroyed: "-" is
 * standard output; /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N
 * are faultline's own descriptors, written through a dup() of them; an
 * existing character device, FIFO or socket (also behind a symlink, such as
 * /dev/null) is opened and written directly, in order.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

struct fl_atomic_file {
	FILE *f;         /* write here */
	char *path;      /* destination */
	char *tmp_path;  /* ".NAME.XXXXXX" beside it, until committed; NULL when direct */
	bool direct;     /* a destination written directly (see above), through direct_fd */
	int direct_fd;
	bool spooled;    /* direct: f is a spool copied to direct_fd at commit */
};

/*
 * For a destination that must be written directly, an open descriptor for
 * it: returns 1 with *ret_fd set. Returns 0 (and *ret_fd = -1) for a
 * regular file or a path that does not exist yet, which the caller writes
 * its own way. Errors: -EISDIR (a directory, or a path ending in '/'),
 * -ENXIO (a FIFO no process reads, or a socket), -EPERM (a file owned by
 * another user in a sticky directory such as /tmp: a planted one, refused
 * as the kernel's protected_fifos and protected_regular do), -EBADF (an
 * fd path naming a descriptor faultline does not have open), or what
 * open() said.
 */
int fl_output_open_direct(const char *path, int *ret_fd);

/* strerror() for the errors above, in words a user can act on. */
const char *fl_output_strerror(int err);

/*
 * Open @path for output (see the top of this file). A regular file gets the
 * temporary file (mode 0666 & ~umask, close-on-exec). A direct destination
 * is written in order as the writes come when @stream, else spooled to an
 * unlinked temporary file and copied out in one go at commit, so that it
 * too gets the whole text or nothing. Returns 0 or -errno. On success
 * release with fl_atomic_commit() or fl_atomic_abort().
 */
int fl_output_open(const char *path, bool stream, struct fl_atomic_file *ret);

/* fl_output_open(path, false, ret): whole or nothing. */
int fl_atomic_open(const char *path, struct fl_atomic_file *ret);

/*
 * Flush, fsync and rename over the destination; for a direct one, flush
 * (and copy the spool). Always releases @af.
 */
int fl_atomic_commit(struct fl_atomic_file *af);

/* All of @text at once: open, write, commit. Returns 0 or -errno. */
int fl_atomic_write(const char *path, const char *text, size_t len);

/* Remove the temporary file and release @af. Safe on a zeroed struct. */
void fl_atomic_abort(struct fl_atomic_file *af);

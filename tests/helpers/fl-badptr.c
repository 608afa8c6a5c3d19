/*
 * fl-badptr: open(2), openat(2) and unlink(2) with path pointers that a
 * tracer must not trust. faultline reads the path of such calls (to log them
 * and to match path filters); none of these may crash it or make it hang.
 *
 * Plain libc, no faultline code, never sanitized (see README). The calls are
 * made with syscall(2) so that libc passes the pointers on untouched.
 *
 * Usage:
 *   fl-badptr all        each bad pointer once per syscall; prints
 *                        "SYSCALL[1] KIND: ok" or "SYSCALL[1] KIND: err ENAME"
 *                        (fl-victim's form, for the harness's fl_outcomes())
 *   fl-badptr good PATH  the three calls on a real pointer to PATH
 *   fl-badptr race N     N calls (open and unlink in turn) on one buffer that
 *                        another thread keeps rewriting and unmapping;
 *                        prints how many calls ended with which result
 *
 * Kinds of pointer in "all":
 *   null           NULL
 *   unmapped       a page that was unmapped
 *   kernel         an address in the kernel half (the vsyscall page)
 *   noncanonical   an address no x86_64 process can map
 *   unterminated   12 KiB of 'a' without a NUL, then an unreadable page
 *   edge           5 bytes of 'a' right before an unreadable page
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fl-compat.h"

#define PAGE 4096

/* A path no test environment has: unlink and open fail with ENOENT. */
#define MISSING "/nonexistent-fl-badptr/x"

static void die(const char *what)
{
	fprintf(stderr, "fl-badptr: %s: %s\n", what, strerror(errno));
	exit(99);
}

/*
 * The calls, by kind rather than number: where the architecture has no
 * open or unlink (aarch64), "open" and "unlink" are openat and unlinkat
 * (fl-compat.h) and two kinds would share a number.
 */
enum kind { K_OPEN, K_OPENAT, K_UNLINK };

static long call(enum kind k, uintptr_t ptr, int *err)
{
	long r;

	errno = 0;
	switch (k) {
	case K_OPEN:
		r = fl_sys_open((const char *)ptr, O_RDONLY | O_CLOEXEC);
		break;
	case K_OPENAT:
		r = syscall(SYS_openat, AT_FDCWD, ptr, O_RDONLY | O_CLOEXEC);
		break;
	default:
		r = fl_sys_unlink((const char *)ptr);
		break;
	}
	*err = errno;
	if (r >= 0 && k != K_UNLINK)
		close((int)r);
	return r;
}

static const struct {
	enum kind k;
	const char *name;
} calls[] = {
	{ K_OPEN, "open" },
	{ K_OPENAT, "openat" },
	{ K_UNLINK, "unlink" },
};

static void print_call(const char *name, const char *kind, long r, int err)
{
	if (r < 0)
		printf("%s[1] %s: err %s\n", name, kind, strerrorname_np(err));
	else
		printf("%s[1] %s: ok\n", name, kind);
	fflush(stdout);
}

static void all_calls(const char *kind, uintptr_t ptr)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		int err;
		long r = call(calls[i].k, ptr, &err);

		print_call(calls[i].name, kind, r, err);
	}
}

/* @n readable pages followed by one unreadable page. */
static char *pages_then_hole(size_t n)
{
	char *p = mmap(NULL, (n + 1) * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	if (mprotect(p + n * PAGE, PAGE, PROT_NONE) < 0)
		die("mprotect");
	return p;
}

static int all(void)
{
	char *gone, *long_run, *edge;

	all_calls("null", 0);

	gone = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (gone == MAP_FAILED)
		die("mmap");
	if (munmap(gone, PAGE) < 0)
		die("munmap");
	all_calls("unmapped", (uintptr_t)gone);

	all_calls("kernel", (uintptr_t)0xffffffffff600000ull);
	all_calls("noncanonical", (uintptr_t)0x8000000000000000ull);

	long_run = pages_then_hole(3);
	memset(long_run, 'a', 3 * PAGE);
	all_calls("unterminated", (uintptr_t)long_run);

	edge = pages_then_hole(1);
	memset(edge, 'a', PAGE);
	all_calls("edge", (uintptr_t)(edge + PAGE - 5));
	return 0;
}

static int good(const char *path)
{
	all_calls("good", (uintptr_t)path);
	return 0;
}

/* ---- race --------------------------------------------------------------- */

static char *race_buf;
static atomic_int race_stop;

/*
 * Rewrites the buffer between a real path and a page without a NUL, and
 * takes it away and gives it back: a reader of the tracee's memory sees any
 * of these in the middle of a read.
 */
static void *flipper(void *arg)
{
	(void)arg;
	for (unsigned long i = 0; !atomic_load(&race_stop); i++) {
		switch (i % 4) {
		case 0:
			memcpy(race_buf, MISSING, sizeof(MISSING));
			break;
		case 1:
			memset(race_buf, 'a', PAGE);
			break;
		case 2:
			if (mprotect(race_buf, PAGE, PROT_NONE) < 0)
				die("mprotect");
			break;
		case 3:
			if (mprotect(race_buf, PAGE, PROT_READ | PROT_WRITE) < 0)
				die("mprotect");
			break;
		}
	}
	return NULL;
}

struct tally {
	int err; /* 0: ok */
	long n;
};

static int race(long n)
{
	struct tally t[16] = { 0 };
	size_t n_t = 0;
	pthread_t th;

	race_buf = pages_then_hole(1);
	memcpy(race_buf, MISSING, sizeof(MISSING));
	if (pthread_create(&th, NULL, flipper, NULL))
		die("pthread_create");
	for (long i = 0; i < n; i++) {
		int err = 0;
		size_t k;

		if (call(i % 2 ? K_UNLINK : K_OPEN, (uintptr_t)race_buf, &err) >= 0)
			err = 0;
		for (k = 0; k < n_t && t[k].err != err; k++)
			;
		if (k == n_t && n_t < sizeof(t) / sizeof(t[0]))
			t[n_t++].err = err;
		if (k < n_t)
			t[k].n++;
	}
	atomic_store(&race_stop, 1);
	pthread_join(th, NULL);

	printf("race: %ld calls\n", n);
	for (size_t k = 0; k < n_t; k++)
		printf("race: %ld %s\n", t[k].n, t[k].err ? strerrorname_np(t[k].err) : "ok");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "all"))
		return all();
	if (argc == 3 && !strcmp(argv[1], "good"))
		return good(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "race"))
		return race(atol(argv[2]));
	fprintf(stderr, "usage: fl-badptr all | good PATH | race N\n");
	return 2;
}

/*
 * fl-sweep-tree: a crash deep in the process tree, for faultline sweep and
 * the run report's "crashes".
 *
 * Usage: fl-sweep-tree FILE
 *
 * Three processes, one after the other: the parent opens FILE, then forks a
 * child, which opens FILE and forks a grandchild, which opens FILE. Each
 * open is the legacy open(2) syscall (made with syscall(2): the dynamic
 * loader only uses openat, so a rule on `open` sees exactly these three
 * calls) and each process says on stderr how it went:
 *     fl-sweep-tree: parent|child|grandchild PID: FILE: ok|STRERROR
 * The parent and the child handle a failed open, wait for their child and
 * exit 0 whatever became of it. The grandchild's error path uses the NULL
 * result, a deliberate NULL dereference (SIGSEGV): the command as a whole
 * exits 0, and only a tracer that watches every process sees the crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fl-compat.h"

struct config {
	const char *path;
	char first_line[256];
};

static struct config *load(const char *role, const char *path)
{
	struct config *c;
	long fd = fl_sys_open(path, O_RDONLY);
	int err = errno;
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "fl-sweep-tree: %s %d: %s: %s\n", role, (int)getpid(), path,
			strerror(err));
		return NULL;
	}
	fprintf(stderr, "fl-sweep-tree: %s %d: %s: ok\n", role, (int)getpid(), path);
	c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->path = path;
	n = read((int)fd, c->first_line, sizeof(c->first_line) - 1);
	if (n > 0)
		c->first_line[strcspn(c->first_line, "\n")] = '\0';
	close((int)fd);
	return c;
}

/* Fork; the child runs @fn. Waits for it and ignores how it ended. */
static void spawn(void (*fn)(const char *), const char *path)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fl-sweep-tree: fork");
		exit(2);
	}
	if (pid == 0) {
		fn(path);
		fflush(NULL);
		_exit(0);
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static void grandchild(const char *path)
{
	struct config *c = load("grandchild", path);

	if (!c) {
		/* The bug: this path goes on as if the file were there. */
		volatile struct config *volatile bad = c;

		printf("%s: %s\n", bad->path, bad->first_line);
	}
	free(c);
}

static void child(const char *path)
{
	free(load("child", path));
	spawn(grandchild, path);
}

int main(int argc, char **argv)
{
	/* The crash is the point; a core file of it is not. */
	struct rlimit no_core = { 0, 0 };

	if (argc != 2) {
		fprintf(stderr, "usage: fl-sweep-tree FILE\n");
		return 2;
	}
	setrlimit(RLIMIT_CORE, &no_core);
	free(load("parent", argv[1]));
	spawn(child, argv[1]);
	return 0;
}

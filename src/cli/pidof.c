/*
 * run --pid-of NAME: wait until a process named NAME appears, then hand its
 * pid (and those of the copies of it that it forked) to attach mode.
 *
 * The rules, as faultline(1) documents them: a process is named NAME when
 * its command name (comm) or its argv[0]'s file name is NAME. The matches
 * must form one process tree -- one program and the copies it forked (a
 * pre-forking server's workers, a request being served) -- unless
 * --all-matches says that every one is wanted; unrelated matches are an
 * error that lists them, never a guess. Nothing by that name within --wait
 * (default 60 s) is an error too. --duration starts once attached.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "faultline/base.h"
#include "faultline/tracer.h"

#define POLL_NS (50 * 1000 * 1000ull)
#define LISTED_MAX 8

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ull),
			       .tv_nsec = (long)(ns % 1000000000ull) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static bool listed(const pid_t *pids, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Wait for @name; on success *ret holds its matches, ordered (roots first). */
static int wait_named(const char *name, uint64_t wait_ns, const char *wait_text,
		      struct fl_named_proc **ret, size_t *ret_n, size_t *ret_roots)
{
	uint64_t deadline = now_ns() + wait_ns;

	for (;;) {
		int r = fl_proc_find_named(name, ret, ret_n);
		if (r < 0) {
			fprintf(stderr, "faultline: --pid-of %s: cannot list the processes in /proc: %s\n",
				name, strerror(-r));
			return r;
		}
		if (*ret_n > 0)
			break;
		uint64_t now = now_ns();
		if (now >= deadline) {
			fprintf(stderr, "faultline: --pid-of %s: no process named %s appeared within %s "
				"(the name is compared with each process's command name and its "
				"argv[0]'s file name; faultline sees the processes of its own pid "
				"namespace only: in Kubernetes, shareProcessNamespace: true)\n",
				name, name, wait_text);
			return -ESRCH;
		}
		sleep_ns(deadline - now < POLL_NS ? deadline - now : POLL_NS);
	}
	*ret_roots = fl_named_procs_order(*ret, *ret_n);
	return 0;
}

int fl_cli_pid_of(const char *const *names, size_t n_names, bool all, uint64_t wait_ns,
		  const char *wait_text, FILE *log, pid_t **attach, size_t *n_attach,
		  size_t *n_required)
{
	pid_t *roots = NULL, *copies = NULL;
	size_t n_roots = 0, n_copies = 0, cap = 0;
	int status = FL_EXIT_OWN_ERROR;

	for (size_t k = 0; k < n_names; k++) {
		struct fl_named_proc *p = NULL;
		size_t n = 0, nr = 0;

		if (wait_named(names[k], wait_ns, wait_text, &p, &n, &nr) < 0)
			goto out;
		if (nr > 1 && !all) {
			fprintf(stderr, "faultline: --pid-of %s: %zu unrelated processes are named %s:",
				names[k], nr, names[k]);
			for (size_t i = 0; i < nr && i < LISTED_MAX; i++)
				fprintf(stderr, "%s pid %d (%s)", i ? "," : "", (int)p[i].pid, p[i].cmdline);
			if (nr > LISTED_MAX)
				fprintf(stderr, ", and %zu more", nr - LISTED_MAX);
			fprintf(stderr, "; attach to one with -p PID, or to every one with --all-matches\n");
			fl_named_procs_free(p, n);
			goto out;
		}
		if (cap < n_roots + n_copies + n) {
			cap = n_roots + n_copies + n;
			pid_t *a = realloc(roots, cap * sizeof(*a)), *b = a ? realloc(copies, cap * sizeof(*b)) : NULL;
			if (a)
				roots = a;
			if (b)
				copies = b;
			if (!a || !b) {
				fprintf(stderr, "faultline: out of memory\n");
				fl_named_procs_free(p, n);
				goto out;
			}
		}
		for (size_t i = 0; i < n; i++) {
			if (listed(*attach, *n_attach, p[i].pid) || listed(roots, n_roots, p[i].pid) ||
			    listed(copies, n_copies, p[i].pid))
				continue;
			if (p[i].root)
				roots[n_roots++] = p[i].pid;
			else
				copies[n_copies++] = p[i].pid;
			if (log)
				fprintf(log, "faultline: --pid-of %s: pid %d (%s)%s\n", names[k], (int)p[i].pid,
					p[i].cmdline, p[i].root ? "" : ", a copy it forked");
		}
		fl_named_procs_free(p, n);
	}

	/* -p's pids, then the named processes (required), then their copies. */
	pid_t *a = realloc(*attach, (*n_attach + n_roots + n_copies + 1) * sizeof(*a));
	if (!a) {
		fprintf(stderr, "faultline: out of memory\n");
		goto out;
	}
	*attach = a;
	for (size_t i = 0; i < n_roots; i++)
		a[(*n_attach)++] = roots[i];
	*n_required = *n_attach;
	for (size_t i = 0; i < n_copies; i++)
		a[(*n_attach)++] = copies[i];
	status = 0;
out:
	free(roots);
	free(copies);
	return status;
}

/*
 * bench-threads T K
 *
 * T threads that are all alive at the same time (a barrier after creation
 * and another before exit), each making K getppid calls. Used to measure the
 * tracer's peak memory with T traced threads.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_barrier_t start, finish;
static long calls;

static void *worker(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start);
	for (long i = 0; i < calls; i++)
		syscall(SYS_getppid);
	pthread_barrier_wait(&finish);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s THREADS CALLS\n", argv[0]);
		return 2;
	}
	int t = atoi(argv[1]);
	calls = atol(argv[2]);
	pthread_t *tids = calloc((size_t)t, sizeof(*tids));
	pthread_attr_t attr;

	if (t < 1 || !tids)
		return 2;
	/* Small stacks: the workload's own memory is not what is measured. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_barrier_init(&start, NULL, (unsigned)t);
	pthread_barrier_init(&finish, NULL, (unsigned)t);
	for (int i = 0; i < t; i++) {
		int e = pthread_create(&tids[i], &attr, worker, NULL);
		if (e) {
			fprintf(stderr, "bench-threads: pthread_create: %d\n", e);
			return 3;
		}
	}
	for (int i = 0; i < t; i++)
		pthread_join(tids[i], NULL);
	return 0;
}

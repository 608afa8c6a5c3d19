/*
 * Small programs for test_effects.c (syscall groups, and the effects and
 * counting scopes of issue 12), one per subcommand. Each prints one line
 * per call it makes, with the raw result, so a test can tell what the
 * program saw. Run it without arguments for the list.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *err_name(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "?";
}

/*
 * fsync-abis FILE: fsync(FILE) through the i386 ABI (int $0x80, eax 118)
 * and through the native one. Prints "int80 fsync: N" (the raw result,
 * -errno on failure) and "native fsync: ok" or "native fsync: err ENAME".
 * fsync FILE: the native one only.
 */
static int fsync_abis(const char *file, int abis)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0) {
		perror(file);
		return 1;
	}
#ifdef __x86_64__
	if (abis) {
		long r;

		__asm__ volatile("int $0x80" : "=a"(r) : "a"(118L), "b"((long)fd) : "memory");
		printf("int80 fsync: %ld\n", r);
	}
#else
	if (abis)
		printf("int80 fsync: none\n");
#endif
	if (fsync(fd) == 0)
		printf("native fsync: ok\n");
	else
		printf("native fsync: err %s\n", err_name(errno));
	fflush(stdout);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * delay-sides DIR: mkdir(DIR) while a second thread watches DIR with stat.
 * The watcher only counts what it saw while the mkdir had not returned
 * (the flag unchanged before and after its stat): DIR missing 200 ms or more
 * after the call began (held before it ran), and when it first saw DIR
 * there. Prints whether DIR was there 300 ms or more before mkdir returned
 * (held after it ran: a thread is not descheduled that long between a
 * call's return and the next instruction), and how long mkdir took at least.
 */
static struct {
	const char *dir;
	int64_t start;
	atomic_int returned;
	int missing_late;
	int64_t first_seen; /* 0: never seen while the call was in flight */
} watch;

static void *watcher(void *arg)
{
	(void)arg;
	while (!atomic_load(&watch.returned)) {
		struct stat st;
		int before = atomic_load(&watch.returned);
		int there = stat(watch.dir, &st) == 0;
		int64_t t = now_ms();

		if (!before && !atomic_load(&watch.returned)) {
			if (there && !watch.first_seen)
				watch.first_seen = t;
			else if (!there && t - watch.start >= 200)
				watch.missing_late = 1;
		}
		usleep(5000);
	}
	return NULL;
}

static int delay_sides(const char *dir)
{
	pthread_t th;
	int r, e;

	watch.dir = dir;
	watch.start = now_ms();
	if (pthread_create(&th, NULL, watcher, NULL) != 0)
		return 1;
	int64_t done;

	r = mkdir(dir, 0700);
	e = errno;
	done = now_ms();
	atomic_store(&watch.returned, 1);
	pthread_join(th, NULL);
	if (r == 0)
		printf("mkdir: ok\n");
	else
		printf("mkdir: err %s\n", err_name(e));
	printf("took at least 900ms: %s\n", now_ms() - watch.start >= 900 ? "yes" : "no");
	printf("missing 200ms into the call: %s\n", watch.missing_late ? "yes" : "no");
	printf("there 300ms before the call returned: %s\n",
	       watch.first_seen && done - watch.first_seen >= 300 ? "yes" : "no");
	return 0;
}

/* The parent pid from /proc/self/stat, without calling getppid. */
static long real_ppid(void)
{
	char buf[512], *p;
	long ppid = -1;
	FILE *f = fopen("/proc/self/stat", "r");

	if (f && fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 2, "%*c %ld", &ppid);
	if (f)
		fclose(f);
	return ppid;
}

/* @n getppid calls, each printed as "WHO getppid[I]: real" or its value. */
static void getppids(const char *who, int n)
{
	long ppid = real_ppid();

	for (int i = 1; i <= n; i++) {
		long r = syscall(SYS_getppid);

		if (r == ppid)
			printf("%s getppid[%d]: real\n", who, i);
		else
			printf("%s getppid[%d]: %ld\n", who, i, r);
	}
	fflush(stdout);
}

static int calls_per;

static void *thread_calls(void *arg)
{
	getppids(arg, calls_per);
	return NULL;
}

/* threads N: thread1 makes N getppid calls, then (after it ended) thread2. */
static int threads(int n)
{
	char *names[2] = { "thread1", "thread2" };

	calls_per = n;
	for (int i = 0; i < 2; i++) {
		pthread_t th;

		if (pthread_create(&th, NULL, thread_calls, names[i]) != 0)
			return 1;
		pthread_join(th, NULL);
	}
	return 0;
}

/* forks K N: K children one after another, each making N getppid calls. */
static int forks(int k, int n)
{
	for (int c = 1; c <= k; c++) {
		pid_t pid;
		int status;

		fflush(stdout);
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			char who[32];

			snprintf(who, sizeof(who), "child%d", c);
			getppids(who, n);
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
			return 1;
	}
	return 0;
}

/*
 * getcwd: the working directory through libc's getcwd (a 4096-byte
 * buffer), then the raw call with a 3-byte buffer holding "ab": prints
 * "getcwd: PATH" and "getcwd small: RESULT, buffer ab".
 */
static int show_getcwd(void)
{
	char buf[4096], small[3] = "ab";
	long r;

	if (getcwd(buf, sizeof(buf)))
		printf("getcwd: %s\n", buf);
	else
		printf("getcwd: err %s\n", err_name(errno));
	r = syscall(SYS_getcwd, small, sizeof(small));
	small[2] = '\0';
	if (r < 0)
		printf("getcwd small: err %s, buffer %s\n", err_name(errno), small);
	else
		printf("getcwd small: %ld, buffer %s\n", r, small);
	return 0;
}

/*
 * write-check FILE1 FILE2: 64 bytes into FILE1 with write(2) and into FILE2
 * with writev(2) (two buffers of 32), then says whether its own buffers
 * still hold what they held ("buffer unchanged: yes") and whether what the
 * files hold differs from them ("FILE stored differs: yes").
 */
static int write_check(const char *f1, const char *f2)
{
	char buf[64], orig[64], back[64];
	struct iovec iov[2] = { { buf, 32 }, { buf + 32, 32 } };
	const char *files[2] = { f1, f2 };

	for (int i = 0; i < 64; i++)
		buf[i] = orig[i] = (char)('A' + i % 26);
	for (int i = 0; i < 2; i++) {
		int fd = open(files[i], O_RDWR | O_CREAT | O_TRUNC, 0600);
		ssize_t n;

		if (fd < 0)
			return 1;
		n = i == 0 ? write(fd, buf, sizeof(buf)) : writev(fd, iov, 2);
		printf("%s: wrote %zd\n", i == 0 ? "write" : "writev", n);
		printf("%s buffer unchanged: %s\n", i == 0 ? "write" : "writev",
		       memcmp(buf, orig, sizeof(buf)) == 0 ? "yes" : "no");
		if (pread(fd, back, sizeof(back), 0) != (ssize_t)sizeof(back))
			return 1;
		printf("%s stored differs: %s\n", i == 0 ? "write" : "writev",
		       memcmp(back, orig, sizeof(back)) ? "yes" : "no");
		close(fd);
	}
	return 0;
}

/*
 * caller FILE: the same write(2) of one line to FILE, made from
 * save_config() and then from save_log(); prints each one's outcome.
 */
__attribute__((noinline)) static int write_line(int fd, const char *who)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%s\n", who);
	ssize_t r = write(fd, line, (size_t)n);

	if (r < 0)
		printf("%s write: err %s\n", who, err_name(errno));
	else
		printf("%s write: ok\n", who);
	return r < 0 ? -1 : 0;
}

__attribute__((noinline)) int save_config(int fd);
__attribute__((noinline)) int save_config(int fd)
{
	int r = write_line(fd, "save_config");

	return r; /* not a tail call: this frame stays on the stack */
}

__attribute__((noinline)) int save_log(int fd);
__attribute__((noinline)) int save_log(int fd)
{
	int r = write_line(fd, "save_log");

	return r;
}

static int callers(const char *file)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return 1;
	save_config(fd);
	save_log(fd);
	close(fd);
	return 0;
}

/*
 * msg: 64 bytes through a socketpair, sent with sendmsg(2) from two iovecs
 * and received with recvmsg(2) into two. Prints whether the sender's
 * buffer is unchanged and whether what arrived differs from what was sent,
 * and at which offsets ("differs at: 3 17").
 */
static int msg(void)
{
	char out[64], orig[64], in[64];
	struct iovec oiov[2] = { { out, 32 }, { out + 32, 32 } };
	struct iovec iiov[2] = { { in, 40 }, { in + 40, 24 } };
	struct msghdr om = { .msg_iov = oiov, .msg_iovlen = 2 };
	struct msghdr im = { .msg_iov = iiov, .msg_iovlen = 2 };
	int sv[2];
	ssize_t got = 0, n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	for (int i = 0; i < 64; i++)
		out[i] = orig[i] = (char)('a' + i % 26);
	printf("sendmsg: %zd\n", sendmsg(sv[0], &om, 0));
	printf("send buffer unchanged: %s\n", memcmp(out, orig, 64) == 0 ? "yes" : "no");
	while (got < 64 && (n = recvmsg(sv[1], &im, 0)) > 0) {
		got += n;
		break; /* one call: a stream socket hands over what is there */
	}
	printf("recvmsg: %zd\n", got);
	printf("differs at:");
	for (int i = 0; i < got; i++)
		if (in[i] != orig[i])
			printf(" %d", i);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "msg") == 0)
		return msg();
	if (argc == 3 && strcmp(argv[1], "caller") == 0)
		return callers(argv[2]);
	if (argc == 4 && strcmp(argv[1], "write-check") == 0)
		return write_check(argv[2], argv[3]);
	if (argc == 2 && strcmp(argv[1], "getcwd") == 0)
		return show_getcwd();
	if (argc == 3 && strcmp(argv[1], "threads") == 0)
		return threads(atoi(argv[2]));
	if (argc == 4 && strcmp(argv[1], "forks") == 0)
		return forks(atoi(argv[2]), atoi(argv[3]));
	if (argc == 3 && strcmp(argv[1], "delay-sides") == 0)
		return delay_sides(argv[2]);
	if (argc == 3 && strcmp(argv[1], "fsync-abis") == 0)
		return fsync_abis(argv[2], 1);
	if (argc == 3 && strcmp(argv[1], "fsync") == 0)
		return fsync_abis(argv[2], 0);
	fprintf(stderr, "usage: fl-effects fsync-abis|fsync FILE\n"
		"       fl-effects delay-sides DIR\n"
		"       fl-effects threads N | forks K N\n"
		"       fl-effects getcwd\n"
		"       fl-effects write-check FILE1 FILE2\n"
		"       fl-effects caller FILE\n"
		"       fl-effects msg\n");
	return 2;
}

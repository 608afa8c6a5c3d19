/*
 * Small programs for test_effects.c (syscall groups, and the effects and
 * counting scopes of issue 12), one per subcommand. Each prints one line
 * per call it makes, with the raw result, so a test can tell what the
 * program saw. Run it without arguments for the list.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "fsync-abis") == 0)
		return fsync_abis(argv[2], 1);
	if (argc == 3 && strcmp(argv[1], "fsync") == 0)
		return fsync_abis(argv[2], 0);
	fprintf(stderr, "usage: fl-effects fsync-abis|fsync FILE\n");
	return 2;
}

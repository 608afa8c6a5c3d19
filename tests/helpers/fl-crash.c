/*
 * Programs that keep a file, for the crash-consistency tests
 * (test_crash.c). The file holds one 64-byte record: "v=NNNNNNNNNN " and
 * a payload whose every byte says the version, then '\n'. Each update
 * writes version v+1 in two halves, then appends v+1 to ACK (the update
 * is acknowledged: a user was told it is saved).
 *
 *   fl-crash init FILE            write version 0, fsync it and its directory
 *   fl-crash inplace FILE ACK N   N updates in place, no fsync (wrong)
 *   fl-crash atomic FILE ACK N    N updates each to FILE.tmp, fsync, rename over
 *                                 FILE, fsync the directory (right)
 *   fl-crash rename FILE ACK N    the same without the directory fsync
 *   fl-crash check FILE ACK       exit 0 when FILE holds a whole record whose
 *                                 version is at least the last one in ACK
 *   fl-crash durable FILE         write 4096 bytes, fsync, then change them with
 *                                 pwrite, write, writev, ftruncate and fallocate,
 *                                 then fsync again (the roll-back test crashes there)
 *   fl-crash point KIND FILE      write 4096 bytes and fsync; then KIND: osync (100 bytes
 *                                 at 0 through an O_DSYNC fd, then more through a plain
 *                                 one), copy (copy_file_range into it), sendfile (into it,
 *                                 past its end), range (100 bytes at 0 and more past the
 *                                 end, sync_file_range of the first 100 with WAIT_AFTER),
 *                                 syncfs or sync (100 bytes at 0, then the call, then
 *                                 more), mmap (a shared writable mapping); then fdatasync
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <unistd.h>

#define REC 64

static void die(const char *what, const char *path)
{
	fprintf(stderr, "fl-crash: %s %s: %s\n", what, path, strerror(errno));
	exit(2);
}

static void record(char *buf, unsigned v)
{
	snprintf(buf, REC, "v=%010u ", v);
	memset(buf + 13, 'a' + (int)(v % 26), REC - 14);
	buf[REC - 1] = '\n';
}

static void put(int fd, const char *buf, size_t len, const char *path)
{
	if (write(fd, buf, len) != (ssize_t)len)
		die("cannot write", path);
}

static void sync_dir(const char *file)
{
	char *copy = strdup(file);
	int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY);

	if (dfd < 0 || fsync(dfd) < 0)
		die("cannot fsync the directory of", file);
	close(dfd);
	free(copy);
}

static void ack(int afd, unsigned v)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%u\n", v);

	put(afd, line, (size_t)n, "ACK");
}

static int update(const char *mode, const char *file, const char *ackf, unsigned n)
{
	char buf[REC], tmp[4096];
	int afd = open(ackf, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);

	if (afd < 0)
		die("cannot open", ackf);
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	for (unsigned v = 1; v <= n; v++) {
		int fd;

		record(buf, v);
		if (!strcmp(mode, "inplace")) {
			fd = open(file, O_RDWR);
			if (fd < 0)
				die("cannot open", file);
			if (pwrite(fd, buf, REC / 2, 0) != REC / 2 ||
			    pwrite(fd, buf + REC / 2, REC / 2, REC / 2) != REC / 2)
				die("cannot write", file);
			close(fd);
		} else {
			fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0)
				die("cannot open", tmp);
			put(fd, buf, REC / 2, tmp);
			put(fd, buf + REC / 2, REC / 2, tmp);
			if (fsync(fd) < 0)
				die("cannot fsync", tmp);
			close(fd);
			if (rename(tmp, file) < 0)
				die("cannot rename", tmp);
			if (!strcmp(mode, "atomic"))
				sync_dir(file);
		}
		ack(afd, v);
	}
	close(afd);
	return 0;
}

static int check(const char *file, const char *ackf)
{
	char buf[REC + 1], want[REC], line[32];
	unsigned v = 0, acked = 0;
	FILE *a = fopen(ackf, "r");
	int fd = open(file, O_RDONLY);
	ssize_t got;

	while (a && fgets(line, sizeof(line), a))
		acked = (unsigned)strtoul(line, NULL, 10);
	if (a)
		fclose(a);
	if (fd < 0) {
		printf("check: %s: %s\n", file, strerror(errno));
		return 1;
	}
	got = read(fd, buf, sizeof(buf));
	close(fd);
	if (got != REC || sscanf(buf, "v=%10u ", &v) != 1) {
		printf("check: %s: not a whole record (%zd bytes)\n", file, got);
		return 1;
	}
	record(want, v);
	if (memcmp(buf, want, REC) != 0) {
		printf("check: %s: version %u is torn\n", file, v);
		return 1;
	}
	if (v < acked) {
		printf("check: %s: version %u, but %u was acknowledged\n", file, v, acked);
		return 1;
	}
	printf("check: %s: version %u (acknowledged %u)\n", file, v, acked);
	return 0;
}

static unsigned char pattern(size_t i, unsigned salt)
{
	return (unsigned char)(i * 7 + 3 + salt * 101);
}

static int durable(const char *file)
{
	unsigned char a[4096], b[3000];
	struct iovec iov[2] = { { b, 100 }, { b + 100, 200 } };
	int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die("cannot open", file);
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = pattern(i, 0);
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = pattern(i, 1);
	put(fd, (char *)a, 1000, file);
	put(fd, (char *)a + 1000, sizeof(a) - 1000, file);
	if (fsync(fd) < 0)
		die("cannot fsync", file);
	/* Now everything after this is lost in a power cut. */
	if (pwrite(fd, b, 100, 1000) != 100)
		die("cannot pwrite", file);
	if (lseek(fd, 0, SEEK_END) < 0)
		die("cannot seek", file);
	put(fd, (char *)b, sizeof(b), file);  /* extends to 7096 */
	if (ftruncate(fd, 2000) < 0)          /* cuts old bytes 2000..4095 */
		die("cannot ftruncate", file);
	if (pwritev(fd, iov, 2, 1900) != 300) /* over old bytes and past the cut */
		die("cannot pwritev", file);
	if (fallocate(fd, 0, 0, 10000) < 0 && errno != EOPNOTSUPP)
		die("cannot fallocate", file);
	if (fdatasync(fd) < 0)                /* the crash comes here */
		die("cannot fdatasync", file);
	close(fd);
	return 0;
}

static void must(bool ok, const char *what, const char *path)
{
	if (!ok)
		die(what, path);
}

static int point(const char *kind, const char *file)
{
	unsigned char a[4096], b[1000];
	char src[4096];
	int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644), sfd;

	must(fd >= 0, "cannot open", file);
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = pattern(i, 0);
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = pattern(i, 1);
	put(fd, (char *)a, sizeof(a), file);
	must(fsync(fd) == 0, "cannot fsync", file);
	if (!strcmp(kind, "osync")) {
		int dfd = open(file, O_WRONLY | O_DSYNC);

		must(dfd >= 0, "cannot open O_DSYNC", file);
		must(pwrite(dfd, b, 100, 0) == 100, "cannot pwrite", file);
		close(dfd);
		must(pwrite(fd, b, 100, 200) == 100, "cannot pwrite", file);
	} else if (!strcmp(kind, "copy") || !strcmp(kind, "sendfile")) {
		snprintf(src, sizeof(src), "%s.src", file);
		sfd = open(src, O_RDWR | O_CREAT | O_TRUNC, 0644);
		must(sfd >= 0, "cannot open", src);
		put(sfd, (char *)b, sizeof(b), src);
		if (!strcmp(kind, "copy")) {
			loff_t in = 0, out = 500;

			must(copy_file_range(sfd, &in, fd, &out, 300, 0) == 300,
			     "cannot copy_file_range into", file);
		} else {
			off_t in = 0;

			must(lseek(fd, 4000, SEEK_SET) == 4000, "cannot seek", file);
			must(sendfile(fd, sfd, &in, 1000) == 1000, "cannot sendfile into", file);
		}
		close(sfd);
	} else if (!strcmp(kind, "range")) {
		must(pwrite(fd, b, 100, 0) == 100, "cannot pwrite", file);
		must(pwrite(fd, b, 100, 5000) == 100, "cannot pwrite", file);
		must(sync_file_range(fd, 0, 100, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
				     SYNC_FILE_RANGE_WAIT_AFTER) == 0, "cannot sync_file_range", file);
	} else if (!strcmp(kind, "syncfs") || !strcmp(kind, "sync")) {
		must(pwrite(fd, b, 100, 0) == 100, "cannot pwrite", file);
		if (!strcmp(kind, "sync"))
			sync();
		else
			must(syncfs(fd) == 0, "cannot syncfs", file);
		must(pwrite(fd, b, 100, 200) == 100, "cannot pwrite", file);
	} else if (!strcmp(kind, "mmap")) {
		unsigned char *m = mmap(NULL, sizeof(a), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		must(m != MAP_FAILED, "cannot mmap", file);
		munmap(m, sizeof(a));
	} else {
		fprintf(stderr, "fl-crash: unknown point %s\n", kind);
		return 2;
	}
	must(fdatasync(fd) == 0, "cannot fdatasync", file);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	char buf[REC];

	if (argc == 3 && !strcmp(argv[1], "init")) {
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			die("cannot open", argv[2]);
		record(buf, 0);
		put(fd, buf, REC, argv[2]);
		if (fsync(fd) < 0)
			die("cannot fsync", argv[2]);
		close(fd);
		sync_dir(argv[2]);
		return 0;
	}
	if (argc == 5 && (!strcmp(argv[1], "inplace") || !strcmp(argv[1], "atomic") ||
			  !strcmp(argv[1], "rename")))
		return update(argv[1], argv[2], argv[3], (unsigned)strtoul(argv[4], NULL, 10));
	if (argc == 4 && !strcmp(argv[1], "check"))
		return check(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "durable"))
		return durable(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "point"))
		return point(argv[2], argv[3]);
	fprintf(stderr, "usage: fl-crash init|inplace|atomic|rename|check|durable FILE [ACK [N]]\n");
	return 2;
}

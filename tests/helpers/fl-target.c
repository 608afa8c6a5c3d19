/*
 * fl-target: the program the targeting tests (test_target.c) run under
 * faultline, for the path:, fd:, address:, port:, process: and args:
 * filters and the short: and signal: effects.
 *
 * Plain libc, no faultline code. Every call a rule is meant to hit is made
 * with syscall(2), so it is exactly the syscall the test names. Output is
 * one line per call, as fl-victim's:
 *
 *     OP[I] TARGET: ok [DETAILS]
 *     OP[I] TARGET: err ENAME
 *
 * DETAILS are "key=value" words; "data=" is always last and shows the bytes
 * with non-printable ones (and '\', '|') as \xHH.
 *
 * Usage: fl-target CMD [ARGS] [+ CMD [ARGS]]...   (run without arguments
 * for the list of commands)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "fl-compat.h"

#define MAX_IOV 8

static void usage(void)
{
	fprintf(stderr,
		"usage: fl-target CMD [ARGS] [+ CMD [ARGS]]...\n"
		"  cd DIR               chdir(2)\n"
		"  open PATH            openat(AT_FDCWD, PATH, O_RDONLY), then close\n"
		"  open-u32 PATH        the same, but AT_FDCWD's register holds 0xffffff9c\n"
		"                       (zero-extended, as from an int passed to syscall(2))\n"
		"  create PATH          openat(AT_FDCWD, PATH, O_WRONLY|O_CREAT|O_TRUNC)\n"
		"  openat-in DIR NAME   open DIR (O_DIRECTORY), then openat(dirfd, NAME)\n"
		"  stat-empty PATH      open PATH with O_PATH, newfstatat(fd, \"\", AT_EMPTY_PATH)\n"
		"  mkdir PATH           mkdir(2)\n"
		"  rename OLD NEW       rename(2)\n"
		"  link OLD NEW         link(2)\n"
		"  symlink TARGET LINK  symlink(2)\n"
		"  rename-in D1 N1 D2 N2  open D1 and D2, renameat2(d1, N1, d2, N2, 0)\n"
		"  read PATH N [K]      open PATH, K (default 1) read(2)s of N bytes each;\n"
		"                       prints n=, off= (the file offset after it), data=\n"
		"  read2 A B N          open A and B, then one read of N bytes from each\n"
		"  rename-read OLD NEW  open OLD, rename it to NEW, read 100 bytes via the fd\n"
		"  unlink-read PATH     open PATH, unlink it, read 100 bytes via the fd\n"
		"  write PATH TEXT      create PATH, one write(2) of TEXT; prints n=\n"
		"  write-fd FD TEXT     write(2) TEXT to FD as it is\n"
		"  readv PATH LEN...    open PATH, one readv(2) into buffers of LEN bytes\n"
		"                       (prefilled with '.'); prints n=, lens= and bases=\n"
		"                       (the iovec array after the call), data=A|B|...\n"
		"  writev PATH TEXT...  create PATH, one writev(2) of the TEXTs; n=, lens=, bases=\n"
		"  connect ADDR PORT    TCP connect(2) to an IPv4 or IPv6 literal\n"
		"  udp ADDR PORT        sendto(2), then sendmsg(2) with msg_name, of one UDP\n"
		"                       datagram to an IPv4 or IPv6 literal\n"
		"  uconnect PATH        connect(2) a unix stream socket to PATH (\"@name\":\n"
		"                       the abstract name)\n"
		"  ubind PATH           bind(2) a unix stream socket to PATH\n"
		"  usend PATH TEXT      uconnect, then write(2) (op uwrite) and sendto(2)\n"
		"                       without address (op usendto) of TEXT on it\n"
		"  userve PATH TEXT     listen on unix PATH, connect to it, accept; write(2)\n"
		"                       TEXT on the accepted socket (op swrite), then on\n"
		"                       the client's (op cwrite)\n"
		"  upair TEXT           write(2) TEXT on one end of a unix socketpair (op pwrite)\n"
		"  sig-open SIG PATH    with a handler for SIG, a new thread opens PATH;\n"
		"                       prints handler: caller|main|other|none (the thread\n"
		"                       the handler ran on)\n"
		"  exit N               exit with status N\n");
	exit(2);
}

static const char *ename(int err)
{
	static char buf[32];
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static long parse_long(const char *text)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 0);
	if (errno || end == text || *end) {
		fprintf(stderr, "fl-target: bad number '%s'\n", text);
		exit(2);
	}
	return v;
}

static int signal_from_text(const char *text)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM },
		{ "HUP", SIGHUP }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
	};

	if (!strncmp(text, "SIG", 3))
		text += 3;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!strcmp(text, sigs[i].name))
			return sigs[i].sig;
	return (int)parse_long(text);
}

/*
 * One line "OP[I] TARGET: ok DETAILS" or "... err ENAME" (when @ret is -1).
 * @details may be NULL.
 */
static void result(const char *op, long i, const char *target, long ret, int err,
		   const char *details)
{
	flockfile(stdout);
	printf("%s[%ld]%s%s: ", op, i, target ? " " : "", target ? target : "");
	if (ret == -1)
		printf("err %s\n", ename(err));
	else if (details && *details)
		printf("ok %s\n", details);
	else
		printf("ok\n");
	fflush(stdout);
	funlockfile(stdout);
}

/* Appends @len bytes of @buf to @out (size @size), escaped for data=. */
static void escape(char *out, size_t size, const char *buf, size_t len)
{
	size_t used = strlen(out);

	for (size_t k = 0; k < len && used + 5 < size; k++) {
		unsigned char ch = (unsigned char)buf[k];

		if (ch > ' ' && ch < 0x7f && ch != '\\' && ch != '|')
			out[used++] = (char)ch;
		else
			used += (size_t)snprintf(out + used, size - used, "\\x%02x", ch);
	}
	out[used] = '\0';
}

/*
 * The int arguments are passed as long, sign-extended as glibc's wrappers
 * pass them: syscall(2) is variadic, and an int passed to it leaves the
 * upper half of its register undefined (in practice zero).
 */
static long raw_open(int dirfd, const char *path, int flags)
{
	return syscall(SYS_openat, (long)dirfd, path, (long)flags, 0644L);
}

/* Opens @path for the read commands; on failure prints OP's error line. */
static int open_for(const char *op, const char *path, int flags)
{
	long fd = raw_open(AT_FDCWD, path, flags);

	if (fd < 0) {
		result(op, 1, path, -1, errno, NULL);
		return -1;
	}
	return (int)fd;
}

/* One read(2) of @n bytes from @fd, printed as OP[I] TARGET: ok n= off= data=. */
static void read_once(const char *op, long i, const char *target, int fd, long n)
{
	char *buf = malloc((size_t)n + 1);
	char details[4096];
	long got;
	int err;

	if (!buf)
		exit(1);
	errno = 0;
	got = syscall(SYS_read, (long)fd, buf, (size_t)n);
	err = errno;
	if (got >= 0) {
		snprintf(details, sizeof(details), "n=%ld off=%ld data=", got,
			 (long)lseek(fd, 0, SEEK_CUR));
		escape(details, sizeof(details), buf, (size_t)got);
	}
	result(op, i, target, got, err, details);
	free(buf);
}

/* ---- sig-open ----------------------------------------------------------- */

static pid_t main_tid;
static volatile pid_t opener_tid;
static volatile pid_t handler_tid;

static void on_signal(int sig)
{
	(void)sig;
	handler_tid = (pid_t)syscall(SYS_gettid);
}

static void *sig_opener(void *path)
{
	long fd;
	int err;

	opener_tid = (pid_t)syscall(SYS_gettid);
	errno = 0;
	fd = raw_open(AT_FDCWD, path, O_RDONLY);
	err = errno;
	result("sig-open", 1, path, fd, err, NULL);
	if (fd >= 0)
		close((int)fd);
	return NULL;
}

static void sig_open(int sig, const char *path)
{
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t t;
	const char *who;

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	main_tid = (pid_t)syscall(SYS_gettid);
	if (pthread_create(&t, NULL, sig_opener, (void *)path)) {
		fprintf(stderr, "fl-target: pthread_create failed\n");
		exit(1);
	}
	pthread_join(t, NULL);
	if (!handler_tid)
		who = "none";
	else if (handler_tid == opener_tid)
		who = "caller";
	else if (handler_tid == main_tid)
		who = "main";
	else
		who = "other";
	printf("handler: %s\n", who);
	fflush(stdout);
}

/* ---- iovecs ------------------------------------------------------------- */

/* "lens=4,4,4 bases=same": the iovec array as the program sees it after the call. */
static void iov_state(char *out, size_t size, const struct iovec *iov, const struct iovec *orig,
		      int n)
{
	size_t used;
	bool same = true;

	snprintf(out, size, "lens=");
	for (int k = 0; k < n; k++) {
		used = strlen(out);
		snprintf(out + used, size - used, "%s%zu", k ? "," : "", iov[k].iov_len);
		same &= iov[k].iov_base == orig[k].iov_base;
	}
	used = strlen(out);
	snprintf(out + used, size - used, " bases=%s", same ? "same" : "changed");
}

static void do_readv(const char *path, int n, char **lens)
{
	struct iovec iov[MAX_IOV], orig[MAX_IOV];
	char details[4096], state[256];
	long got;
	int fd, err;

	if (n < 1 || n > MAX_IOV)
		usage();
	fd = open_for("readv", path, O_RDONLY);
	if (fd < 0)
		return;
	for (int k = 0; k < n; k++) {
		iov[k].iov_len = (size_t)parse_long(lens[k]);
		iov[k].iov_base = malloc(iov[k].iov_len + 1);
		if (!iov[k].iov_base)
			exit(1);
		memset(iov[k].iov_base, '.', iov[k].iov_len);
	}
	memcpy(orig, iov, sizeof(iov));
	errno = 0;
	got = syscall(SYS_readv, (long)fd, iov, (long)n);
	err = errno;
	iov_state(state, sizeof(state), iov, orig, n);
	snprintf(details, sizeof(details), "n=%ld %s data=", got, state);
	for (int k = 0; k < n; k++) {
		if (k)
			strcat(details, "|");
		escape(details, sizeof(details), orig[k].iov_base, orig[k].iov_len);
	}
	result("readv", 1, path, got, err, details);
	for (int k = 0; k < n; k++)
		free(orig[k].iov_base);
	close(fd);
}

static void do_writev(const char *path, int n, char **texts)
{
	struct iovec iov[MAX_IOV], orig[MAX_IOV];
	char details[512], state[256];
	long got;
	int fd, err;

	if (n < 1 || n > MAX_IOV)
		usage();
	fd = open_for("writev", path, O_WRONLY | O_CREAT | O_TRUNC);
	if (fd < 0)
		return;
	for (int k = 0; k < n; k++) {
		iov[k].iov_base = texts[k];
		iov[k].iov_len = strlen(texts[k]);
	}
	memcpy(orig, iov, sizeof(iov));
	errno = 0;
	got = syscall(SYS_writev, (long)fd, iov, (long)n);
	err = errno;
	iov_state(state, sizeof(state), iov, orig, n);
	snprintf(details, sizeof(details), "n=%ld %s", got, state);
	result("writev", 1, path, got, err, details);
	close(fd);
}

/* ---- sockets ------------------------------------------------------------ */

/* @addr and @port_text as a socket address; returns its length. */
static socklen_t inet_address(const char *addr, const char *port_text,
			      struct sockaddr_storage *ret)
{
	struct sockaddr_storage ss;
	socklen_t len;
	long port = parse_long(port_text);

	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			usage();
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
			usage();
		len = sizeof(*s4);
	}
	*ret = ss;
	return len;
}

static void do_connect(const char *addr, const char *port_text)
{
	struct sockaddr_storage ss;
	socklen_t len = inet_address(addr, port_text, &ss);
	char target[128];
	long r;
	int fd, err;

	snprintf(target, sizeof(target), "%s %s", addr, port_text);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		result("connect", 1, target, -1, errno, NULL);
		return;
	}
	errno = 0;
	r = syscall(SYS_connect, (long)fd, &ss, (long)len);
	err = errno;
	result("connect", 1, target, r, err, NULL);
	close(fd);
}

static void do_udp(const char *addr, const char *port_text)
{
	struct sockaddr_storage ss;
	socklen_t len = inet_address(addr, port_text, &ss);
	char target[128], msg[] = "datagram";
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) - 1 };
	struct msghdr mh = { .msg_name = &ss, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1 };
	long r;
	int fd, err;

	snprintf(target, sizeof(target), "%s %s", addr, port_text);
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		result("sendto", 1, target, -1, errno, NULL);
		return;
	}
	errno = 0;
	r = syscall(SYS_sendto, (long)fd, msg, sizeof(msg) - 1, 0L, &ss, (long)len);
	err = errno;
	result("sendto", 1, target, r < 0 ? -1 : 0, err, NULL);
	errno = 0;
	r = syscall(SYS_sendmsg, (long)fd, &mh, 0L);
	err = errno;
	result("sendmsg", 1, target, r < 0 ? -1 : 0, err, NULL);
	close(fd);
}

/* @path as a unix address ("@name": abstract); returns its length. */
static socklen_t unix_address(const char *path, struct sockaddr_un *sun)
{
	size_t len = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (len >= sizeof(sun->sun_path)) {
		fprintf(stderr, "fl-target: socket path too long: %s\n", path);
		exit(2);
	}
	memcpy(sun->sun_path, path, len);
	if (path[0] != '@')
		return sizeof(*sun);
	sun->sun_path[0] = '\0';
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
}

/* OP ("uconnect" or "ubind") on a new unix stream socket; the fd, or -1. */
static int unix_op(const char *op, const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = unix_address(path, &sun);
	long r;
	int fd, err;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		result(op, 1, path, -1, errno, NULL);
		return -1;
	}
	errno = 0;
	r = syscall(!strcmp(op, "ubind") ? SYS_bind : SYS_connect, (long)fd, &sun, (long)len);
	err = errno;
	result(op, 1, path, r, err, NULL);
	if (r < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void do_usend(const char *path, const char *text)
{
	size_t len = strlen(text);
	long r;
	int fd = unix_op("uconnect", path), err;

	if (fd < 0)
		return;
	errno = 0;
	r = syscall(SYS_write, (long)fd, text, len);
	err = errno;
	result("uwrite", 1, path, r < 0 ? -1 : 0, err, NULL);
	errno = 0;
	r = syscall(SYS_sendto, (long)fd, text, len, (long)MSG_NOSIGNAL, NULL, 0L);
	err = errno;
	result("usendto", 1, path, r < 0 ? -1 : 0, err, NULL);
	close(fd);
}

static void do_userve(const char *path, const char *text)
{
	struct sockaddr_un sun;
	socklen_t len = unix_address(path, &sun);
	size_t n = strlen(text);
	int lfd, cfd, sfd;
	long r;
	int err;

	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || cfd < 0 || bind(lfd, (struct sockaddr *)&sun, len) < 0 ||
	    listen(lfd, 1) < 0 || connect(cfd, (struct sockaddr *)&sun, len) < 0 ||
	    (sfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
		fprintf(stderr, "fl-target: unix server on %s: %s\n", path, strerror(errno));
		exit(1);
	}
	errno = 0;
	r = syscall(SYS_write, (long)sfd, text, n);
	err = errno;
	result("swrite", 1, path, r < 0 ? -1 : 0, err, NULL);
	errno = 0;
	r = syscall(SYS_write, (long)cfd, text, n);
	err = errno;
	result("cwrite", 1, path, r < 0 ? -1 : 0, err, NULL);
	close(sfd);
	close(cfd);
	close(lfd);
}

static void do_upair(const char *text)
{
	int sv[2];
	long r;
	int err;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		fprintf(stderr, "fl-target: socketpair: %s\n", strerror(errno));
		exit(1);
	}
	errno = 0;
	r = syscall(SYS_write, (long)sv[0], text, strlen(text));
	err = errno;
	result("pwrite", 1, NULL, r < 0 ? -1 : 0, err, NULL);
	close(sv[0]);
	close(sv[1]);
}

/* ---- dispatcher --------------------------------------------------------- */

/* Words of this command: up to the next "+" or the end. */
static int words(int argc, char **argv)
{
	int n = 0;

	while (n < argc && strcmp(argv[n], "+"))
		n++;
	return n;
}

static void run_one(int argc, char **argv)
{
	const char *cmd = argv[0];
	char details[256];
	long r;
	int err;

#define NEED(k) do { if (argc != 1 + (k)) usage(); } while (0)

	if (!strcmp(cmd, "cd")) {
		NEED(1);
		errno = 0;
		r = chdir(argv[1]);
		result("cd", 1, argv[1], r, errno, NULL);
	} else if (!strcmp(cmd, "open") || !strcmp(cmd, "create")) {
		bool create = !strcmp(cmd, "create");

		NEED(1);
		errno = 0;
		r = raw_open(AT_FDCWD, argv[1], create ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY);
		err = errno;
		result(cmd, 1, argv[1], r, err, NULL);
		if (r >= 0)
			close((int)r);
	} else if (!strcmp(cmd, "open-u32")) {
		NEED(1);
		errno = 0;
		r = syscall(SYS_openat, (long)(uint32_t)AT_FDCWD, argv[1], (long)O_RDONLY, 0L);
		err = errno;
		result(cmd, 1, argv[1], r, err, NULL);
		if (r >= 0)
			close((int)r);
	} else if (!strcmp(cmd, "openat-in")) {
		long dirfd;

		NEED(2);
		dirfd = raw_open(AT_FDCWD, argv[1], O_RDONLY | O_DIRECTORY);
		if (dirfd < 0) {
			result("opendir", 1, argv[1], -1, errno, NULL);
			return;
		}
		errno = 0;
		r = raw_open((int)dirfd, argv[2], O_RDONLY);
		err = errno;
		result("openat-in", 1, argv[2], r, err, NULL);
		if (r >= 0)
			close((int)r);
		close((int)dirfd);
	} else if (!strcmp(cmd, "stat-empty")) {
		struct stat st;
		long fd;

		NEED(1);
		fd = raw_open(AT_FDCWD, argv[1], O_PATH);
		if (fd < 0) {
			result("stat-empty", 1, argv[1], -1, errno, NULL);
			return;
		}
		errno = 0;
		r = syscall(SYS_newfstatat, fd, "", &st, (long)AT_EMPTY_PATH);
		err = errno;
		snprintf(details, sizeof(details), "size=%lld", r == 0 ? (long long)st.st_size : -1LL);
		result("stat-empty", 1, argv[1], r, err, details);
		close((int)fd);
	} else if (!strcmp(cmd, "mkdir")) {
		NEED(1);
		errno = 0;
		r = fl_sys_mkdir(argv[1], 0755L);
		result("mkdir", 1, argv[1], r, errno, NULL);
	} else if (!strcmp(cmd, "rename") || !strcmp(cmd, "link")) {
		char target[8192];

		NEED(2);
		snprintf(target, sizeof(target), "%s %s", argv[1], argv[2]);
		errno = 0;
		r = !strcmp(cmd, "rename") ? fl_sys_rename(argv[1], argv[2]) : fl_sys_link(argv[1], argv[2]);
		result(cmd, 1, target, r, errno, NULL);
	} else if (!strcmp(cmd, "symlink")) {
		char target[8192];

		NEED(2);
		snprintf(target, sizeof(target), "%s %s", argv[1], argv[2]);
		errno = 0;
		r = fl_sys_symlink(argv[1], argv[2]);
		result(cmd, 1, target, r, errno, NULL);
	} else if (!strcmp(cmd, "rename-in")) {
		char target[8192];
		long d1, d2;

		NEED(4);
		d1 = raw_open(AT_FDCWD, argv[1], O_RDONLY | O_DIRECTORY);
		d2 = raw_open(AT_FDCWD, argv[3], O_RDONLY | O_DIRECTORY);
		if (d1 < 0 || d2 < 0) {
			fprintf(stderr, "fl-target: cannot open %s or %s\n", argv[1], argv[3]);
			exit(1);
		}
		snprintf(target, sizeof(target), "%s %s", argv[2], argv[4]);
		errno = 0;
		r = syscall(SYS_renameat2, d1, argv[2], d2, argv[4], 0L);
		result(cmd, 1, target, r, errno, NULL);
		close((int)d1);
		close((int)d2);
	} else if (!strcmp(cmd, "read")) {
		long n, k = 1;
		int fd;

		if (argc != 3 && argc != 4)
			usage();
		n = parse_long(argv[2]);
		if (argc == 4)
			k = parse_long(argv[3]);
		fd = open_for("read", argv[1], O_RDONLY);
		if (fd < 0)
			return;
		for (long i = 1; i <= k; i++)
			read_once("read", i, argv[1], fd, n);
		close(fd);
	} else if (!strcmp(cmd, "read2")) {
		int a, b;
		long n;

		NEED(3);
		n = parse_long(argv[3]);
		a = open_for("read", argv[1], O_RDONLY);
		b = open_for("read", argv[2], O_RDONLY);
		if (a >= 0)
			read_once("read", 1, argv[1], a, n);
		if (b >= 0)
			read_once("read", 2, argv[2], b, n);
		if (a >= 0)
			close(a);
		if (b >= 0)
			close(b);
	} else if (!strcmp(cmd, "rename-read") || !strcmp(cmd, "unlink-read")) {
		bool ren = !strcmp(cmd, "rename-read");
		int fd;

		NEED(ren ? 2 : 1);
		fd = open_for("read", argv[1], O_RDONLY);
		if (fd < 0)
			return;
		if (ren ? rename(argv[1], argv[2]) : unlink(argv[1])) {
			fprintf(stderr, "fl-target: %s %s: %s\n", ren ? "rename" : "unlink", argv[1],
				strerror(errno));
			exit(1);
		}
		read_once("read", 1, argv[ren ? 2 : 1], fd, 100);
		close(fd);
	} else if (!strcmp(cmd, "write")) {
		int fd;

		NEED(2);
		fd = open_for("write", argv[1], O_WRONLY | O_CREAT | O_TRUNC);
		if (fd < 0)
			return;
		errno = 0;
		r = syscall(SYS_write, (long)fd, argv[2], strlen(argv[2]));
		err = errno;
		snprintf(details, sizeof(details), "n=%ld", r);
		result("write", 1, argv[1], r, err, details);
		close(fd);
	} else if (!strcmp(cmd, "write-fd")) {
		NEED(2);
		errno = 0;
		r = syscall(SYS_write, parse_long(argv[1]), argv[2], strlen(argv[2]));
		err = errno;
		snprintf(details, sizeof(details), "n=%ld", r);
		result("write-fd", 1, argv[1], r, err, details);
	} else if (!strcmp(cmd, "readv")) {
		if (argc < 3)
			usage();
		do_readv(argv[1], argc - 2, argv + 2);
	} else if (!strcmp(cmd, "writev")) {
		if (argc < 3)
			usage();
		do_writev(argv[1], argc - 2, argv + 2);
	} else if (!strcmp(cmd, "connect")) {
		NEED(2);
		do_connect(argv[1], argv[2]);
	} else if (!strcmp(cmd, "udp")) {
		NEED(2);
		do_udp(argv[1], argv[2]);
	} else if (!strcmp(cmd, "uconnect") || !strcmp(cmd, "ubind")) {
		int fd;

		NEED(1);
		fd = unix_op(cmd, argv[1]);
		if (fd >= 0)
			close(fd);
	} else if (!strcmp(cmd, "usend")) {
		NEED(2);
		do_usend(argv[1], argv[2]);
	} else if (!strcmp(cmd, "userve")) {
		NEED(2);
		do_userve(argv[1], argv[2]);
	} else if (!strcmp(cmd, "upair")) {
		NEED(1);
		do_upair(argv[1]);
	} else if (!strcmp(cmd, "sig-open")) {
		NEED(2);
		sig_open(signal_from_text(argv[1]), argv[2]);
	} else if (!strcmp(cmd, "exit")) {
		NEED(1);
		fflush(stdout);
		exit((int)parse_long(argv[1]));
	} else {
		fprintf(stderr, "fl-target: unknown command '%s'\n", cmd);
		usage();
	}
#undef NEED
}

int main(int argc, char **argv)
{
	int i = 1;

	/* Line-buffered even into a file: lines must survive a kill. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	while (i < argc) {
		int n = words(argc - i, argv + i);

		if (n == 0)
			usage();
		run_one(n, argv + i);
		i += n;
		if (i < argc)
			i++; /* the "+" */
	}
	fflush(stdout);
	return 0;
}

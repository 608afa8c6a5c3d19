/*
 * Targeting: the path:, fd:, address:, port:, process: and args: filters
 * and the short: and signal: effects, on real processes. Each case asserts
 * what the traced program saw (fl-target prints every call's outcome), and
 * that calls the rule does not name are left alone.
 *
 * fl-target makes its calls with syscall(2), so a rule's syscall is exactly
 * the one the helper command names. Rules carry a path: filter wherever
 * they can, so the dynamic loader's own calls never match them.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------ */

static const char *fl_target(void)
{
	const char *v = getenv("FL_TARGET");

	if (!v || !*v) {
		print_error("environment variable FL_TARGET is not set (run through meson test)\n");
		fail();
	}
	return v;
}

/* mkdir -p of @name under the test directory; returns its path. */
static char *mkdir_in(const char *name)
{
	char *path = fl_path(name);
	char *copy = fl_strf("%s", path);

	for (char *p = copy + strlen(fl_dir()) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			goto bad;
		*p = '/';
	}
	if (mkdir(copy, 0755) < 0 && errno != EEXIST)
		goto bad;
	return path;
bad:
	print_error("mkdir %s: %s\n", copy, strerror(errno));
	fail();
	return NULL;
}

/* The data after "OP[I] TARGET: " of the helper's line, or NULL. */
static char *line_of(const struct fl_result *r, const char *op, int i, const char *target)
{
	return fl_line_after(r->out, fl_strf("%s[%d] %s: ", op, i, target));
}

#define assert_line(r, op, i, target, want) \
	fl_assert_str((r), fl_strf("%s[%d] %s", (op), (i), (target)), \
		      line_of((r), (op), (i), (target)), (want))

static void assert_file(const struct fl_result *r, const char *path, const char *want)
{
	fl_assert_str(r, fl_strf("content of %s", path), fl_read_file(path), want);
}

/* The only injection of the report at @path. */
static json_t *only_injection(const struct fl_result *r, json_t *report)
{
	json_t *injs = fl_json_get(report, "injections");

	if (!json_is_array(injs) || json_array_size(injs) != 1) {
		print_error("report: want exactly one injection, got %zu\n",
			    json_is_array(injs) ? json_array_size(injs) : 0);
		fl_dump(r);
		fail();
	}
	return json_array_get(injs, 0);
}

/* ---- listeners the traced program connects to ----------------------------- */

/*
 * A TCP listener of the test process on @addr port 0; returns the fd and the
 * port it got, or -1 when the address family or address is not available.
 * Connections complete in the backlog: nobody needs to accept them.
 */
static int tcp_listener(const char *addr, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			return -1;
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
			return -1;
		len = sizeof(*s4);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
						 ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static int must_tcp_listener(const char *addr, int *port)
{
	int fd = tcp_listener(addr, port);

	if (fd < 0) {
		print_error("cannot listen on %s: %s\n", addr, strerror(errno));
		fail();
	}
	return fd;
}

/* A unix stream listener on @path; "@name" is the abstract name. */
static int unix_listener(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(sun);
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		fl_skip("the test directory's path is too long for a unix socket");
	memcpy(sun.sun_path, path, strlen(path));
	if (path[0] == '@') {
		sun.sun_path[0] = '\0';
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, len) < 0 || listen(fd, 16) < 0) {
		print_error("cannot listen on unix socket %s: %s\n", path, strerror(errno));
		fail();
	}
	return fd;
}

/* ---- path: -------------------------------------------------------------- */

/* An absolute path: that file fails, another file with the same call doesn't. */
static void path_absolute(void **state)
{
	char *data = mkdir_in("data");
	char *x = fl_mkfile("data/x", "x\n"), *y = fl_mkfile("data/y", "y\n");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: openat, path: \"%s/x\", error: EACCES}", data),
	       "--", fl_target(), "open", x, "+", "open", y);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "EACCES ok");
	fl_assert_err_has(&r, fl_strf("= -1 EACCES (rule \"rule 1\") [path \"%s\"]", x));
	assert_int_equal(fl_count_lines(r.err, "EACCES (rule"), 1);
}

/*
 * A relative path is made absolute against the cwd of the caller at the
 * time of the call: "data/x" matches DIR/data/(any name) only while the helper is
 * in DIR, not after it changed into DIR/other (which has a data/x too).
 */
static void path_relative_to_cwd(void **state)
{
	char *data = mkdir_in("data"), *other = mkdir_in("other/data");
	struct fl_result r;

	(void)state;
	(void)other;
	fl_mkfile("data/x", "x\n");
	fl_mkfile("other/data/x", "other x\n");
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: openat, path: \"%s/*\", error: EACCES}", data),
	       "--", fl_target(), "cd", fl_dir(), "+", "open", "data/x", "+", "cd",
	       fl_path("other"), "+", "open", "data/x");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "cd", "ok ok");
	fl_assert_outcomes(&r, "open", "EACCES ok");
	fl_assert_err_has(&r, fl_strf("[path \"%s/x\"]", data));
}

/* openat(dirfd, "x"): the name is relative to the directory dirfd is open on. */
static void path_through_dirfd(void **state)
{
	char *data = mkdir_in("data"), *other = mkdir_in("other");
	struct fl_result r;

	(void)state;
	fl_mkfile("data/x", "x\n");
	fl_mkfile("other/x", "other x\n");
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: openat, path: \"%s/*\", error: EACCES}", data),
	       "--", fl_target(), "openat-in", data, "x", "+", "openat-in", other, "x");
	fl_assert_exit(&r, 0);
	/* Opening the directory itself (DIR/data) is no match for DIR/data/x. */
	fl_assert_outcomes(&r, "opendir", "");
	fl_assert_outcomes(&r, "openat-in", "EACCES ok");
	fl_assert_err_has(&r, fl_strf("[path \"%s/x\"]", data));
}

/* '..' is resolved lexically: sub/../data/x is data/x, data/../other/x is not. */
static void path_dotdot(void **state)
{
	char *data = mkdir_in("data");
	struct fl_result r;

	(void)state;
	mkdir_in("sub");
	mkdir_in("other");
	fl_mkfile("data/x", "x\n");
	fl_mkfile("other/x", "other x\n");
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: openat, path: \"%s/x\", error: EACCES}", data),
	       "--", fl_target(), "cd", fl_dir(), "+", "open", "sub/../data/x", "+", "open",
	       fl_path("sub/../data/./x"), "+", "open", "data/../other/x", "+", "open",
	       "./data//x");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "EACCES EACCES ok EACCES");
	assert_int_equal(fl_count_lines(r.err, fl_strf("[path \"%s/x\"]", data)), 3);
}

/* An AT_EMPTY_PATH call with "" names the file its fd is open on. */
static void path_empty_with_at_empty_path(void **state)
{
	char *x = fl_mkfile("x", "12345"), *y = fl_mkfile("y", "1");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: newfstatat, path: \"%s\", error: EIO}", x), "--",
	       fl_target(), "stat-empty", x, "+", "stat-empty", y);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "stat-empty", "EIO ok");
	assert_line(&r, "stat-empty", 1, y, "ok size=1");
}

/* A file that doesn't exist yet matches when O_CREAT would create it. */
static void path_create_new_file(void **state)
{
	char *data = mkdir_in("data"), *other = mkdir_in("other");
	char *fresh = fl_strf("%s/fresh", data), *elsewhere = fl_strf("%s/fresh", other);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: openat, path: \"%s/*\", error: EACCES}", data),
	       "--", fl_target(), "create", fresh, "+", "create", elsewhere);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "create", "EACCES ok");
	assert_false(fl_exists(fresh));
	assert_true(fl_exists(elsewhere));
}

static void path_mkdir_new_dir(void **state)
{
	char *data = mkdir_in("data"), *other = mkdir_in("other");
	char *fresh = fl_strf("%s/newdir", data), *elsewhere = fl_strf("%s/newdir", other);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: mkdir, path: \"%s/*\", error: EROFS}", data),
	       "--", fl_target(), "mkdir", fresh, "+", "mkdir", elsewhere);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "mkdir", "EROFS ok");
	assert_false(fl_exists(fresh));
	assert_true(fl_exists(elsewhere));
	fl_assert_err_has(&r, fl_strf("[path \"%s\"]", fresh));
}

/* "**" spans any number of directories, none included. */
static void path_doublestar(void **state)
{
	char *tree = mkdir_in("tree");
	char *a = fl_mkfile("tree/a.db", "a"), *b, *txt, *outside;
	struct fl_result r;

	(void)state;
	mkdir_in("tree/x/y");
	b = fl_mkfile("tree/x/y/b.db", "b");
	txt = fl_mkfile("tree/x/y/b.txt", "t");
	outside = fl_mkfile("c.db", "c");
	FL_RUN(&r, "run", "-e",
	       fl_strf("{syscall: openat, path: \"%s/**/*.db\", error: EACCES}", tree), "--",
	       fl_target(), "open", a, "+", "open", b, "+", "open", txt, "+", "open", outside);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "EACCES EACCES ok ok");
}

/*
 * Symlinks in the path the program names are not followed: a rule on the
 * real directory misses a path through a link to it, a rule on the link
 * catches it.
 */
static void path_symlink_not_resolved(void **state)
{
	char *real = mkdir_in("real"), *link = fl_path("link");
	char *via_link = fl_strf("%s/x", link), *direct;
	struct fl_result r;

	(void)state;
	direct = fl_mkfile("real/x", "x");
	assert_int_equal(symlink(real, link), 0);
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: openat, path: \"%s/*\", error: EACCES}", real),
	       "--", fl_target(), "open", via_link, "+", "open", direct);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "ok EACCES");

	FL_RUN(&r, "run", "-e", fl_strf("{syscall: openat, path: \"%s/*\", error: EACCES}", link),
	       "--", fl_target(), "open", via_link, "+", "open", direct);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "EACCES ok");
}

/* symlink(2): the new link's path counts, not the target it points to. */
static void symlink_new_link_only(void **state)
{
	char *locked = mkdir_in("locked"), *free_dir = mkdir_in("free");
	char *in_locked = fl_strf("%s/l", locked), *in_free = fl_strf("%s/l", free_dir);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e",
	       fl_strf("{syscall: symlink, path: \"%s/**\", error: EROFS}", locked), "--",
	       fl_target(), "symlink", fl_strf("%s/target", free_dir), in_locked, "+", "symlink",
	       fl_strf("%s/target", locked), in_free);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "symlink", "EROFS ok");
	assert_false(fl_exists(in_locked));
	assert_true(fl_exists(in_free));
}

/* ---- path: on an fd --------------------------------------------------------- */

/* read(fd): the file the fd is open on; the other fd is left alone. */
static void path_on_fd_read(void **state)
{
	char *a = fl_mkfile("a", "aaa"), *b = fl_mkfile("b", "bbb");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: read, path: \"%s\", error: EIO}", a), "--",
	       fl_target(), "read2", a, b, "100");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "read", "EIO ok");
	assert_line(&r, "read", 2, b, "ok n=3 off=3 data=bbb");
	fl_assert_err_has(&r, fl_strf("[path \"%s\"]", a));
}

/*
 * An open file renamed: the fd matches by its new name, as /proc shows it,
 * and no longer by the name it was opened as.
 */
static void path_on_fd_renamed(void **state)
{
	char *old = fl_path("old"), *new = fl_path("new");
	struct fl_result r;

	(void)state;
	fl_mkfile("old", "content");
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: read, path: \"%s\", error: EIO}", new), "--",
	       fl_target(), "rename-read", old, new);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "read", "EIO");
	fl_assert_err_has(&r, fl_strf("[path \"%s\"]", new));

	assert_int_equal(rename(new, old), 0);
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: read, path: \"%s\", error: EIO}", old), "--",
	       fl_target(), "rename-read", old, new);
	fl_assert_exit(&r, 0);
	assert_line(&r, "read", 1, new, "ok n=7 off=7 data=content");
}

/* Unlinked while open: still matches by its old name, without " (deleted)". */
static void path_on_fd_deleted(void **state)
{
	char *f = fl_mkfile("doomed", "content");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: read, path: \"%s\", error: EIO}", f), "--",
	       fl_target(), "unlink-read", f);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "read", "EIO");
	assert_false(fl_exists(f));
	fl_assert_err_has(&r, fl_strf("[path \"%s\"]", f));
	fl_assert_err_lacks(&r, "(deleted)");
}

/* ---- fd: ------------------------------------------------------------------ */

static void fd_filter(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", "{syscall: write, fd: 2, error: EIO}", "--", fl_target(),
	       "write-fd", "2", "to-stderr\n", "+", "write-fd", "1", "to-stdout\n");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "write-fd", "EIO ok");
	assert_line(&r, "write-fd", 1, "1", "ok n=10");
	fl_assert_out_has(&r, "to-stdout\n");
	fl_assert_err_lacks(&r, "to-stderr");
	fl_assert_err_has(&r, "write(2, ");
}

/* ---- rename and link: either path ------------------------------------------ */

static void rename_either_path(void **state)
{
	char *locked = mkdir_in("locked"), *free_dir = mkdir_in("free");
	char *in = fl_mkfile("free/in", "1"), *out = fl_mkfile("locked/out", "2");
	char *c = fl_mkfile("free/c", "3");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: rename, path: \"%s/*\", error: EXDEV}", locked),
	       "--", fl_target(), "rename", in, fl_strf("%s/in", locked), "+", "rename", out,
	       fl_strf("%s/out", free_dir), "+", "rename", c, fl_strf("%s/d", free_dir));
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "rename", "EXDEV EXDEV ok");
	assert_true(fl_exists(in));
	assert_true(fl_exists(out));
	assert_true(fl_exists(fl_strf("%s/d", free_dir)));
	/* The log names the path that matched: the new one, then the old one. */
	fl_assert_err_has(&r, fl_strf("[path \"%s/in\"]", locked));
	fl_assert_err_has(&r, fl_strf("[path \"%s\"]", out));
}

/* renameat2 with two dirfds: each name is relative to its own dirfd. */
static void rename_at_dirfds(void **state)
{
	char *locked = mkdir_in("locked"), *free_dir = mkdir_in("free");
	struct fl_result r;

	(void)state;
	fl_mkfile("free/a", "1");
	fl_mkfile("free/b", "2");
	FL_RUN(&r, "run", "-e",
	       fl_strf("{syscall: renameat2, path: \"%s/*\", error: EXDEV}", locked), "--",
	       fl_target(), "rename-in", free_dir, "a", locked, "a", "+", "rename-in", locked, "b",
	       free_dir, "b2", "+", "rename-in", free_dir, "b", free_dir, "c");
	fl_assert_exit(&r, 0);
	/* free/a -> locked/a: the new path; locked/b -> free/b2: the old; free -> free: ok. */
	fl_assert_outcomes(&r, "rename-in", "EXDEV EXDEV ok");
	fl_assert_err_has(&r, fl_strf("[path \"%s/a\"]", locked));
	fl_assert_err_has(&r, fl_strf("[path \"%s/b\"]", locked));
	assert_true(fl_exists(fl_strf("%s/a", free_dir)));
	assert_true(fl_exists(fl_strf("%s/c", free_dir)));
}

static void link_either_path(void **state)
{
	char *locked = mkdir_in("locked"), *free_dir = mkdir_in("free");
	char *in = fl_mkfile("free/in", "1"), *out = fl_mkfile("locked/out", "2");
	char *c = fl_mkfile("free/c", "3");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: link, path: \"%s/*\", error: EPERM}", locked),
	       "--", fl_target(), "link", in, fl_strf("%s/in", locked), "+", "link", out,
	       fl_strf("%s/out", free_dir), "+", "link", c, fl_strf("%s/d", free_dir));
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "link", "EPERM EPERM ok");
	assert_false(fl_exists(fl_strf("%s/in", locked)));
	assert_false(fl_exists(fl_strf("%s/out", free_dir)));
	assert_true(fl_exists(fl_strf("%s/d", free_dir)));
}

/* ---- port: and address: ------------------------------------------------- */

static void port_refused(void **state)
{
	int p1, p2;
	int l1 = must_tcp_listener("127.0.0.1", &p1), l2 = must_tcp_listener("127.0.0.1", &p2);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: connect, port: %d, error: ECONNREFUSED}", p1),
	       "--", fl_target(), "connect", "127.0.0.1", fl_strf("%d", p1), "+", "connect",
	       "127.0.0.1", fl_strf("%d", p2));
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "connect", "ECONNREFUSED ok");
	close(l1);
	close(l2);
}

/* address: 127.0.0.1 and ::1 are told apart (IPv6 loopback if there is one). */
static void address_v4_vs_v6(void **state)
{
	int p4, p6;
	int l4 = must_tcp_listener("127.0.0.1", &p4), l6 = tcp_listener("::1", &p6);
	struct fl_result r;

	(void)state;
	if (l6 < 0)
		fl_skip("no IPv6 loopback (::1) here");
	FL_RUN(&r, "run", "-e", "{syscall: connect, address: \"::1\", error: ECONNREFUSED}", "--",
	       fl_target(), "connect", "127.0.0.1", fl_strf("%d", p4), "+", "connect", "::1",
	       fl_strf("%d", p6));
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "connect", "ok ECONNREFUSED");

	FL_RUN(&r, "run", "-e", "{syscall: connect, address: 127.0.0.1, error: ECONNREFUSED}", "--",
	       fl_target(), "connect", "127.0.0.1", fl_strf("%d", p4), "+", "connect", "::1",
	       fl_strf("%d", p6));
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "connect", "ECONNREFUSED ok");
	close(l4);
	close(l6);
}

/*
 * A network: 127.0.0.0/8 holds 127.0.0.1, 127.0.0.2 and the v4-mapped
 * ::ffff:127.0.0.1 a dual-stack socket uses; 127.0.0.0/31 only the first.
 */
static void address_cidr(void **state)
{
	int p1, p2, p6 = 0;
	int l1 = must_tcp_listener("127.0.0.1", &p1), l2 = must_tcp_listener("127.0.0.2", &p2);
	int l6 = tcp_listener("::1", &p6);
	const char *args[32];
	struct fl_result r;
	size_t n = 0;

	(void)state;
	args[n++] = "run";
	args[n++] = "-e";
	args[n++] = "{syscall: connect, address: 127.0.0.0/8, error: ECONNREFUSED}";
	args[n++] = "--";
	args[n++] = fl_target();
	args[n++] = "connect";
	args[n++] = "127.0.0.1";
	args[n++] = fl_strf("%d", p1);
	args[n++] = "+";
	args[n++] = "connect";
	args[n++] = "127.0.0.2";
	args[n++] = fl_strf("%d", p2);
	if (l6 >= 0) {
		args[n++] = "+";
		args[n++] = "connect";
		args[n++] = "::ffff:127.0.0.1";
		args[n++] = fl_strf("%d", p1);
		args[n++] = "+";
		args[n++] = "connect";
		args[n++] = "::1";
		args[n++] = fl_strf("%d", p6);
	}
	args[n] = NULL;
	fl_run_argv(&r, args);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "connect",
			   l6 >= 0 ? "ECONNREFUSED ECONNREFUSED ECONNREFUSED ok" :
				     "ECONNREFUSED ECONNREFUSED");

	args[2] = "{syscall: connect, address: 127.0.0.0/31, error: ECONNREFUSED}";
	fl_run_argv(&r, args);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "connect",
			   l6 >= 0 ? "ECONNREFUSED ok ECONNREFUSED ok" : "ECONNREFUSED ok");
	close(l1);
	close(l2);
	if (l6 >= 0)
		close(l6);
}

/* sendto and sendmsg (msg_name) carry the address too: UDP to a port. */
static void port_sendto_sendmsg(void **state)
{
	int p1, p2;
	int l1 = must_tcp_listener("127.0.0.1", &p1), l2 = must_tcp_listener("127.0.0.1", &p2);
	struct fl_result r;

	(void)state;
	/* Ports of the TCP listeners are taken for TCP only; UDP sends need no receiver. */
	FL_RUN(&r, "run", "-e",
	       fl_strf("{syscall: [sendto, sendmsg], port: %d, error: ENETUNREACH}", p1), "--",
	       fl_target(), "udp", "127.0.0.1", fl_strf("%d", p1), "+", "udp", "127.0.0.1",
	       fl_strf("%d", p2));
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "sendto", "ENETUNREACH ok");
	fl_assert_outcomes(&r, "sendmsg", "ENETUNREACH ok");
	close(l1);
	close(l2);
}

/* ---- unix sockets ---------------------------------------------------------- */

/* connect to a unix socket whose path matches, absolute or relative to the cwd. */
static void unix_connect_path(void **state)
{
	char *a = fl_path("a.sock"), *b = fl_path("b.sock");
	int la = unix_listener(a), lb = unix_listener(b);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e",
	       fl_strf("{syscall: connect, path: \"%s\", error: ECONNREFUSED}", a), "--",
	       fl_target(), "uconnect", a, "+", "uconnect", b, "+", "cd", fl_dir(), "+",
	       "uconnect", "a.sock", "+", "uconnect", "b.sock");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "uconnect", "ECONNREFUSED ok ECONNREFUSED ok");
	fl_assert_err_has(&r, fl_strf("[path \"%s\"]", a));
	close(la);
	close(lb);
}

/* write/sendto on a connected unix socket: matched by the peer's path. */
static void unix_fd_peer_path(void **state)
{
	char *a = fl_path("a.sock"), *b = fl_path("b.sock");
	int la = unix_listener(a), lb = unix_listener(b);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e",
	       fl_strf("{syscall: [write, sendto], path: \"%s\", error: ECONNRESET}", a), "--",
	       fl_target(), "usend", a, "hello", "+", "usend", b, "hello");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "uconnect", "ok ok");
	fl_assert_outcomes(&r, "uwrite", "ECONNRESET ok");
	fl_assert_outcomes(&r, "usendto", "ECONNRESET ok");
	close(la);
	close(lb);
}

/*
 * The server's side too: a socket accepted from a listener bound to PATH
 * is named PATH, as is the client connected to it.
 */
static void unix_server_side(void **state)
{
	char *a = fl_path("a.sock"), *b = fl_path("b.sock");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: write, path: \"%s\", error: ECONNRESET}", a),
	       "--", fl_target(), "userve", a, "hi", "+", "userve", b, "hi");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "swrite", "ECONNRESET ok");
	fl_assert_outcomes(&r, "cwrite", "ECONNRESET ok");
}

/*
 * A socketpair has no name: no path pattern matches its fds. (fd: keeps
 * the rule off the helper's stdout, a file that the first pattern matches.)
 */
static void unix_socketpair_no_name(void **state)
{
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e",
	       "{syscall: write, fd: [3, 4, 5, 6, 7, 8, 9], path: [\"/**\", \"@*\"], error: EIO}",
	       "--", fl_target(), "upair", "hi");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "pwrite", "ok");
}

/* bind(2) to a unix path: the address it names, absolute or relative. */
static void unix_bind_path(void **state)
{
	char *a = fl_path("a.sock"), *b = fl_path("b.sock");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: bind, path: \"%s\", error: EADDRINUSE}", a),
	       "--", fl_target(), "ubind", a, "+", "ubind", b, "+", "cd", fl_dir(), "+", "ubind",
	       "a.sock");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "ubind", "EADDRINUSE ok EADDRINUSE");
	assert_false(fl_exists(a));
	assert_true(fl_exists(b));
}

/*
 * Abstract names match '@' patterns: in connect's address, and as the name
 * of a connected socket's peer for write/sendto on its fd.
 */
static void unix_abstract(void **state)
{
	char *name = fl_strf("@fl-target-%d", (int)getpid());
	char *other = fl_strf("@fl-other-%d", (int)getpid());
	int la = unix_listener(name), lb = unix_listener(other);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", "{syscall: connect, path: \"@fl-target-*\", error: ECONNREFUSED}",
	       "-e", fl_strf("{syscall: [write, sendto], path: \"%s\", error: ECONNRESET}", other),
	       "--", fl_target(), "uconnect", name, "+", "usend", other, "hi");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "uconnect", "ECONNREFUSED ok");
	fl_assert_outcomes(&r, "uwrite", "ECONNRESET");
	fl_assert_outcomes(&r, "usendto", "ECONNRESET");
	fl_assert_err_has(&r, fl_strf("[path \"%s\"]", name));
	fl_assert_err_has(&r, fl_strf("[path \"%s\"]", other));

	/* A path pattern is no match for an abstract name. */
	FL_RUN(&r, "run", "-e", "{syscall: connect, path: \"/**\", error: ECONNREFUSED}", "--",
	       fl_target(), "uconnect", name);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "uconnect", "ok");
	close(la);
	close(lb);
}

/* ---- process: ------------------------------------------------------------ */

/* A shell runs the helper, then cat; both open the same file. */
static void run_tree(struct fl_result *r, const char *process, const char *file)
{
	FL_RUN(r, "run", "-e",
	       fl_strf("{syscall: openat, path: \"%s\", process: \"%s\", error: EACCES}", file,
		       process),
	       "--", "sh", "-c", "\"$0\" open \"$1\"; cat \"$1\"", fl_target(), file);
}

static void process_basename(void **state)
{
	char *f = fl_mkfile("shared", "shared content\n");
	struct fl_result r;

	(void)state;
	run_tree(&r, "fl-target", f);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "EACCES");
	fl_assert_out_has(&r, "shared content\n");

	run_tree(&r, "cat", f);
	fl_assert_exit(&r, 1);
	fl_assert_outcomes(&r, "open", "ok");
	fl_assert_out_lacks(&r, "shared content");
	fl_assert_err_has(&r, fl_strf("cat: %s: Permission denied", f));
}

/* A pattern with '/' is matched against the executable's full path. */
static void process_full_path(void **state)
{
	char *f = fl_mkfile("shared", "shared content\n");
	char real[PATH_MAX];
	struct fl_result r;

	(void)state;
	assert_non_null(realpath(fl_target(), real));
	run_tree(&r, fl_strf("%s/fl-targ*", dirname(real)), f);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "EACCES");
	fl_assert_out_has(&r, "shared content\n");

	run_tree(&r, "/nonexistent/fl-target", f);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "ok");
	fl_assert_out_has(&r, "shared content\n");
}

/* ---- args: ------------------------------------------------------------------ */

/* Only the open with O_CREAT (0x40) set in its flags fails. */
static void args_mask_creat(void **state)
{
	char *f = fl_mkfile("exists", "x"), *fresh = fl_path("fresh");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", "{syscall: openat, args: {2: {mask: 0x40}}, error: EROFS}", "--",
	       fl_target(), "open", f, "+", "create", fresh, "+", "open", f);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "ok ok");
	fl_assert_outcomes(&r, "create", "EROFS");
	assert_false(fl_exists(fresh));
}

/*
 * Equality: dirfd AT_FDCWD (-100) and flags exactly O_RDONLY. The opens of
 * openat-in (O_DIRECTORY; a real dirfd) don't match.
 */
static void args_equal(void **state)
{
	char *data = mkdir_in("data"), *x = fl_mkfile("data/x", "x");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e",
	       fl_strf("{syscall: openat, args: {0: -100, 2: 0}, path: \"%s/**\", error: EACCES}",
		       fl_dir()),
	       "--", fl_target(), "open", x, "+", "openat-in", data, "x");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "EACCES");
	fl_assert_outcomes(&r, "opendir", "");
	fl_assert_outcomes(&r, "openat-in", "ok");
}

/*
 * AT_FDCWD as an int: the kernel reads only the low 32 bits of the
 * register, so -100 is AT_FDCWD whether the upper half is sign-extended
 * (glibc's wrappers) or zero (an int passed to syscall(2), assembly), and
 * the log shows AT_FDCWD either way. args: {0: -100} should match both.
 */
static void args_equal_int_register(void **state)
{
	char *x = fl_mkfile("x", "x");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e",
	       fl_strf("{syscall: openat, args: {0: -100}, path: \"%s\", error: EACCES}", x), "--",
	       fl_target(), "open", x, "+", "open-u32", x);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "EACCES");
	fl_assert_outcomes(&r, "open-u32", "EACCES");
}

/* ---- short: ---------------------------------------------------------------- */

#define DIGITS "0123456789abcdefghij"

/* read(fd, buf, 100) returns 5, the first 5 bytes; the offset moved by 5 only. */
static void short_read_count(void **state)
{
	char *f = fl_mkfile("data", DIGITS);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: read, path: \"%s\", short: 5, times: 1}", f),
	       "--", fl_target(), "read", f, "100", "2");
	fl_assert_exit(&r, 0);
	assert_line(&r, "read", 1, f, "ok n=5 off=5 data=01234");
	assert_line(&r, "read", 2, f, "ok n=15 off=20 data=56789abcdefghij");
	/* Of the 20 bytes the file holds, not of the 100 asked for. */
	fl_assert_err_has(&r, "shortened to 5 of 20 bytes (file-size; asked 100) (rule \"rule 1\")");
}

/* P% of the count asked for, rounded down, at least 1 byte. */
static void short_read_percent(void **state)
{
	char *f = fl_mkfile("data", DIGITS);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: read, path: \"%s\", short: 50%%}", f), "--",
	       fl_target(), "read", f, "7", "+", "read", f, "20");
	fl_assert_exit(&r, 0);
	fl_assert_str(&r, "reads", fl_outcomes(r.out, "read"), "ok ok");
	assert_true(fl_has_line(r.out, fl_strf("read[1] %s: ok n=3 off=3 data=012", f)));
	assert_true(fl_has_line(r.out, fl_strf("read[1] %s: ok n=10 off=10 data=0123456789", f)));

	FL_RUN(&r, "run", "-e", fl_strf("{syscall: read, path: \"%s\", short: 1%%}", f), "--",
	       fl_target(), "read", f, "20");
	fl_assert_exit(&r, 0);
	assert_line(&r, "read", 1, f, "ok n=1 off=1 data=0");
}

/* A call asking for no more than the limit can't be shortened: no match. */
static void short_not_below_asked(void **state)
{
	char *f = fl_mkfile("data", DIGITS), *report = fl_path("report.json");
	struct fl_result r;
	json_t *j;

	(void)state;
	FL_RUN(&r, "run", "--report", report, "-e",
	       fl_strf("{name: s, syscall: read, path: \"%s\", short: 5}", f), "--", fl_target(),
	       "read", f, "5", "+", "read", f, "3");
	fl_assert_exit(&r, 0);
	assert_true(fl_has_line(r.out, fl_strf("read[1] %s: ok n=5 off=5 data=01234", f)));
	assert_true(fl_has_line(r.out, fl_strf("read[1] %s: ok n=3 off=3 data=012", f)));
	j = fl_load_json(report);
	assert_int_equal(json_array_size(fl_json_get(j, "injections")), 0);
	assert_int_equal(fl_json_int(json_array_get(fl_json_get(j, "rules"), 0), "matched"), 0);
	json_decref(j);
}

/* Only N bytes land in the file, and write returns N. */
static void short_write(void **state)
{
	char *f = fl_path("out");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: write, path: \"%s\", short: 4}", f), "--",
	       fl_target(), "write", f, "abcdefghij");
	fl_assert_exit(&r, 0);
	assert_line(&r, "write", 1, f, "ok n=4");
	assert_file(&r, f, "abcd");
	fl_assert_err_has(&r, "shortened to 4 of 10 bytes");
}

/*
 * readv: the budget is spread over the buffers in order (the one crossing it
 * is cut, the rest untouched), and the program's iovec array is as it was.
 */
static void short_readv(void **state)
{
	char *f = fl_mkfile("data", DIGITS);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: readv, path: \"%s\", short: 6}", f), "--",
	       fl_target(), "readv", f, "4", "4", "4", "+", "readv", f, "2", "3", "8", "+", "readv",
	       f, "3", "3");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "readv", "ok ok ok");
	assert_true(fl_has_line(r.out, fl_strf("readv[1] %s: ok n=6 lens=4,4,4 bases=same "
					       "data=0123|45..|....", f)));
	assert_true(fl_has_line(r.out, fl_strf("readv[1] %s: ok n=6 lens=2,3,8 bases=same "
					       "data=01|234|5.......", f)));
	/* Asks for exactly 6: not shortened. */
	assert_true(fl_has_line(r.out, fl_strf("readv[1] %s: ok n=6 lens=3,3 bases=same "
					       "data=012|345", f)));
	assert_int_equal(fl_count_lines(r.err, "shortened to 6 of"), 2);
}

static void short_writev(void **state)
{
	char *f = fl_path("out");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: writev, path: \"%s\", short: 6}", f), "--",
	       fl_target(), "writev", f, "abcd", "efgh", "ijkl");
	fl_assert_exit(&r, 0);
	assert_line(&r, "writev", 1, f, "ok n=6 lens=4,4,4 bases=same");
	assert_file(&r, f, "abcdef");
	fl_assert_err_has(&r, "shortened to 6 of 12 bytes");
}

/* ---- signal: ---------------------------------------------------------------- */

/* The signal goes to the thread that made the call, which then proceeds. */
static void signal_to_calling_thread(void **state)
{
	char *f = fl_mkfile("f", "x");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: openat, path: \"%s\", signal: SIGUSR1}", f), "--",
	       fl_target(), "sig-open", "USR1", f);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "sig-open", "ok");
	fl_assert_str(&r, "handler", fl_line_after(r.out, "handler: "), "caller");
}

static void signal_with_error(void **state)
{
	char *f = fl_mkfile("f", "x");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e",
	       fl_strf("{syscall: openat, path: \"%s\", error: EIO, signal: SIGUSR1}", f), "--",
	       fl_target(), "sig-open", "USR1", f);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "sig-open", "EIO");
	fl_assert_str(&r, "handler", fl_line_after(r.out, "handler: "), "caller");
}

/* SIGTERM with its default action ends the program: faultline exits 128+15. */
static void signal_term_kills(void **state)
{
	char *f = fl_mkfile("f", "x");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: openat, path: \"%s\", signal: SIGTERM}", f), "--",
	       fl_target(), "open", f, "+", "exit", "7");
	fl_assert_exit(&r, 143);
	fl_assert_out_lacks(&r, "open[1]");
}

/* ---- retval: with a path filter ----------------------------------------------- */

/* retval: 0 on read is end of file, for that file only. */
static void retval_eof_on_path(void **state)
{
	char *a = fl_mkfile("a", "aaa"), *b = fl_mkfile("b", "bbb");
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: read, path: \"%s\", retval: 0}", a), "--",
	       fl_target(), "read2", a, b, "100");
	fl_assert_exit(&r, 0);
	assert_line(&r, "read", 1, a, "ok n=0 off=0 data=");
	assert_line(&r, "read", 2, b, "ok n=3 off=3 data=bbb");
}

/* ---- real programs ---------------------------------------------------------- */

/*
 * cp into a full directory: cp reports "No space left on device" naming the
 * destination and exits 1; reading the source is unaffected.
 */
static void real_cp_enospc(void **state)
{
	char *src = fl_mkfile("src.txt", "the source\n"), *dst_dir = mkdir_in("dst");
	char *dst = fl_strf("%s/copy.txt", dst_dir);
	char *rule = fl_strf("{syscall: [write, copy_file_range, pwrite64], path: \"%s/**\", "
			     "error: ENOSPC}", dst_dir);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e", rule, "--", "cp", src, dst);
	fl_assert_exit(&r, 1);
	fl_assert_err_has(&r, "No space left on device");
	fl_assert_err_has(&r, fl_strf("%s'", dst));
	fl_assert_err_has(&r, fl_strf("ENOSPC (rule \"rule 1\") [path \"%s\"]", dst));
	fl_assert_err_lacks(&r, fl_strf("cannot open '%s'", src));
	assert_file(&r, src, "the source\n");

	/* Under the same rule, the source reads fine. */
	FL_RUN(&r, "run", "-e", rule, "--", "cat", src);
	fl_assert_exit(&r, 0);
	fl_assert_out_has(&r, "the source\n");
	fl_assert_err_lacks(&r, "ENOSPC");
}

/* cp copes with short copies: it loops, and the copy is complete. */
static void real_cp_short_copy(void **state)
{
	char *src = fl_mkfile("src.txt", DIGITS DIGITS "\n"), *dst_dir = mkdir_in("dst");
	char *dst = fl_strf("%s/copy.txt", dst_dir);
	struct fl_result r;

	(void)state;
	FL_RUN(&r, "run", "-e",
	       fl_strf("{syscall: [copy_file_range, write], path: \"%s/**\", short: 7}", dst_dir),
	       "--", "cp", src, dst);
	fl_assert_exit(&r, 0);
	/* 41 bytes, 7 at a time. */
	if (fl_count_lines(r.err, "shortened to 7 of") < 5) {
		print_error("want at least 5 shortened copies\n");
		fl_dump(&r);
		fail();
	}
	assert_file(&r, dst, DIGITS DIGITS "\n");
}

/* cat of two files, one denied: the other's content, the error, exit 1. */
static void real_cat_one_file_denied(void **state)
{
	char *a = fl_mkfile("a.txt", "content of a\n");
	struct fl_result r;

	(void)state;
	fl_mkfile("b.txt", "content of b\n");
	FL_RUN(&r, "run", "-e", fl_strf("{syscall: openat, path: \"%s\", error: EACCES}", a), "--",
	       "cat", "a.txt", "b.txt");
	fl_assert_exit(&r, 1);
	fl_assert_err_has(&r, "cat: a.txt: Permission denied");
	fl_assert_out_has(&r, "content of b\n");
	fl_assert_out_lacks(&r, "content of a");
}

/* ---- the report ------------------------------------------------------------- */

/* The path a path: filter matched: absolute and normalized. */
static void report_path_resolved(void **state)
{
	char *data = mkdir_in("data"), *report = fl_path("report.json");
	struct fl_result r;
	json_t *j, *inj;

	(void)state;
	mkdir_in("sub");
	fl_mkfile("data/x", "x");
	FL_RUN(&r, "run", "--report", report, "-e",
	       fl_strf("{syscall: openat, path: \"%s/*\", error: EACCES}", data), "--", fl_target(),
	       "cd", fl_dir(), "+", "open", "sub/../data/x");
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "open", "EACCES");
	j = fl_load_json(report);
	inj = only_injection(&r, j);
	fl_assert_str(&r, "path", fl_json_str(inj, "path"), fl_strf("%s/x", data));
	fl_assert_str(&r, "action.error", fl_json_str(fl_json_get(inj, "action"), "error"), "EACCES");
	json_decref(j);
}

static void report_address_port(void **state)
{
	char *report = fl_path("report.json");
	int port, l = must_tcp_listener("127.0.0.1", &port);
	struct fl_result r;
	json_t *j, *inj;

	(void)state;
	FL_RUN(&r, "run", "--report", report, "-e",
	       fl_strf("{syscall: connect, port: %d, error: ECONNREFUSED}", port), "--",
	       fl_target(), "connect", "127.0.0.1", fl_strf("%d", port));
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "connect", "ECONNREFUSED");
	j = fl_load_json(report);
	inj = only_injection(&r, j);
	fl_assert_str(&r, "address", fl_json_str(inj, "address"), "127.0.0.1");
	assert_int_equal(fl_json_int(inj, "port"), port);
	json_decref(j);
	close(l);
}

static void report_short(void **state)
{
	char *f = fl_mkfile("data", DIGITS), *report = fl_path("report.json");
	struct fl_result r;
	json_t *j, *inj, *action;

	(void)state;
	FL_RUN(&r, "run", "--report", report, "-e",
	       fl_strf("{syscall: read, path: \"%s\", short: 5}", f), "--", fl_target(), "read", f,
	       "100");
	fl_assert_exit(&r, 0);
	assert_line(&r, "read", 1, f, "ok n=5 off=5 data=01234");
	j = fl_load_json(report);
	inj = only_injection(&r, j);
	action = fl_json_get(inj, "action");
	assert_int_equal(fl_json_int(action, "short"), 5);
	/* What the file held, how that was known, and what was asked. */
	assert_int_equal(fl_json_int(action, "short_of"), 20);
	fl_assert_str(&r, "short_basis", fl_json_str(action, "short_basis"), "file-size");
	assert_int_equal(fl_json_int(action, "asked"), 100);
	assert_null(json_object_get(action, "error"));
	fl_assert_str(&r, "path", fl_json_str(inj, "path"), f);
	json_decref(j);
}

/* process: puts the executable's full path in the report; signal: the signal. */
static void report_process_signal(void **state)
{
	char *f = fl_mkfile("f", "x"), *report = fl_path("report.json");
	char real[PATH_MAX];
	struct fl_result r;
	json_t *j, *inj;

	(void)state;
	assert_non_null(realpath(fl_target(), real));
	FL_RUN(&r, "run", "--report", report, "-e",
	       fl_strf("{syscall: openat, path: \"%s\", process: fl-target, error: EIO, "
		       "signal: SIGUSR1}", f),
	       "--", fl_target(), "sig-open", "USR1", f);
	fl_assert_exit(&r, 0);
	fl_assert_outcomes(&r, "sig-open", "EIO");
	j = fl_load_json(report);
	inj = only_injection(&r, j);
	fl_assert_str(&r, "process", fl_json_str(inj, "process"), real);
	fl_assert_str(&r, "action.error", fl_json_str(fl_json_get(inj, "action"), "error"), "EIO");
	fl_assert_str(&r, "action.signal", fl_json_str(fl_json_get(inj, "action"), "signal"), "SIGUSR1");
	json_decref(j);
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
		FL_TEST(path_absolute),
		FL_TEST(path_relative_to_cwd),
		FL_TEST(path_through_dirfd),
		FL_TEST(path_dotdot),
		FL_TEST(path_empty_with_at_empty_path),
		FL_TEST(path_create_new_file),
		FL_TEST(path_mkdir_new_dir),
		FL_TEST(path_doublestar),
		FL_TEST(path_symlink_not_resolved),
		FL_TEST(symlink_new_link_only),
		FL_TEST(path_on_fd_read),
		FL_TEST(path_on_fd_renamed),
		FL_TEST(path_on_fd_deleted),
		FL_TEST(fd_filter),
		FL_TEST(rename_either_path),
		FL_TEST(rename_at_dirfds),
		FL_TEST(link_either_path),
		FL_TEST(port_refused),
		FL_TEST(address_v4_vs_v6),
		FL_TEST(address_cidr),
		FL_TEST(port_sendto_sendmsg),
		FL_TEST(unix_connect_path),
		FL_TEST(unix_fd_peer_path),
		FL_TEST(unix_server_side),
		FL_TEST(unix_socketpair_no_name),
		FL_TEST(unix_bind_path),
		FL_TEST(unix_abstract),
		FL_TEST(process_basename),
		FL_TEST(process_full_path),
		FL_TEST(args_mask_creat),
		FL_TEST(args_equal),
		FL_TEST(args_equal_int_register),
		FL_TEST(short_read_count),
		FL_TEST(short_read_percent),
		FL_TEST(short_not_below_asked),
		FL_TEST(short_write),
		FL_TEST(short_readv),
		FL_TEST(short_writev),
		FL_TEST(signal_to_calling_thread),
		FL_TEST(signal_with_error),
		FL_TEST(signal_term_kills),
		FL_TEST(retval_eof_on_path),
		FL_TEST(real_cp_enospc),
		FL_TEST(real_cp_short_copy),
		FL_TEST(real_cat_one_file_denied),
		FL_TEST(report_path_resolved),
		FL_TEST(report_address_port),
		FL_TEST(report_short),
		FL_TEST(report_process_signal),
	};

	return fl_main(argc, argv, "target", tests, FL_ARRAY_SIZE(tests), true);
}

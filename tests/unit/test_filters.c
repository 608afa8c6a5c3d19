/*
 * The matcher's filters and effects, against a fake tracee: an
 * fl_call_source over a table of memory regions and /proc links. Rules come
 * from the loader (inline YAML), calls are built by hand. The fake counts
 * every read, so the tests also check that a call is read at most once and
 * not at all when no filter needs it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <cmocka.h>

#include "faultline/arch.h"
#include "faultline/match.h"
#include "faultline/sys.h"
#include "faultline/rules.h"
#include "faultline/base.h"
#include "matcher.h" /* private: m->cache */
#include "host_abi.h"

/* ---- the fake tracee ---- */

#define A_REL 0x1000      /* "data/a.db" */
#define A_ABS 0x1100      /* "/srv/data/b.db" */
#define A_DOTDOT 0x1200   /* "../etc/passwd" */
#define A_EMPTY 0x1300    /* "" */
#define A_XLOG 0x1400     /* "x.log" */
#define A_MESSY 0x1500    /* "/srv/./data/../data//c.db" */
#define A_NEWDIR 0x1600   /* "new/dir/" */
#define A_TARGET 0x1700   /* "/srv/data/target" */
#define A_IN 0x2000       /* 127.0.0.1:5432 */
#define A_IN6 0x2100      /* [::1]:443 */
#define A_MAPPED 0x2200   /* [::ffff:10.1.2.3]:5432 */
#define A_UN 0x2300       /* unix /run/db.sock */
#define A_UN_ABS 0x2400   /* unix @dbus */
#define A_UN_REL 0x2500   /* unix "sock" */
#define A_MSG 0x3000      /* msghdr -> A_IN */
#define A_MSG_NONAME 0x3100
#define A_IOV 0x4000      /* 3 iovecs: 100, 200, 300 bytes */
#define A_IOV32 0x4100    /* the same as 32-bit iovecs (i386, arm) */
#define A_BAD 0xdead0000  /* unmapped */

struct region {
	uint64_t addr;
	uint8_t bytes[128];
	size_t len;
};

static struct region mem[24];
static size_t n_mem;

static const struct {
	int fd;
	const char *link;
	const char *unix_name; /* FL_LINK_UNIX_NAME; NULL: -ENOENT */
	/* link_facts (size 0: a regular file's size bounds nothing) */
	enum fl_fd_type type;
	uint64_t nlink, size, pos;
	int avail; /* fd_available: bytes, or -errno */
} fds[] = {
	{ 3, "/srv/data/a.db", NULL, FL_FD_REGULAR, 1, 0, 0, -ENOTTY },
	{ 4, "/tmp/x (deleted)", NULL, FL_FD_REGULAR, 0, 0, 0, -ENOTTY },
	{ 5, "pipe:[4]", NULL, FL_FD_PIPE, 1, 0, 0, 0 },
	{ 6, "socket:[123]", "/run/db.sock", FL_FD_SOCKET, 1, 0, 0, -EPERM },
	{ 7, "socket:[124]", NULL, FL_FD_SOCKET, 1, 0, 0, -EPERM },
	{ 8, "/srv", NULL, FL_FD_DIR, 2, 4096, 0, -ENOTTY },
	{ 9, "socket:[125]", "@abstract-x", FL_FD_SOCKET, 1, 0, 0, -EPERM },
	{ 10, "socket:[126]", NULL, FL_FD_SOCKET, 1, 0, 0, -EPERM },
	/* A file whose real name ends in " (deleted)": still linked. */
	{ 11, "/d/log (deleted)", NULL, FL_FD_REGULAR, 1, 0, 0, -ENOTTY },
	/* 1000 bytes, read up to 600. */
	{ 12, "/srv/data/big", NULL, FL_FD_REGULAR, 1, 1000, 600, -ENOTTY },
	{ 13, "pipe:[5]", NULL, FL_FD_PIPE, 1, 0, 0, 40 },
	{ 14, "/dev/pts/3", NULL, FL_FD_TTY, 1, 0, 0, 0 },
	{ 15, "/var/fifo", NULL, FL_FD_FIFO, 1, 0, 0, 7 },
};

static const char *fake_cwd = "/home/u";
static const char *fake_exe = "/usr/bin/curl";
static uint64_t fake_exe_nlink = 1;

static struct {
	int read_mem, read_string, cwd, fd, exe, unix_name;
} counts;

static void add_region(uint64_t addr, const void *bytes, size_t len)
{
	assert_true(n_mem < FL_ARRAY_SIZE(mem) && len <= sizeof(mem[0].bytes));
	mem[n_mem].addr = addr;
	memcpy(mem[n_mem].bytes, bytes, len);
	mem[n_mem++].len = len;
}

static void add_string(uint64_t addr, const char *s)
{
	add_region(addr, s, strlen(s) + 1);
}

static const struct region *find_region(uint64_t addr)
{
	for (size_t i = 0; i < n_mem; i++)
		if (addr >= mem[i].addr && addr < mem[i].addr + mem[i].len)
			return &mem[i];
	return NULL;
}

static ssize_t fake_read_mem(void *ud, uint64_t addr, void *buf, size_t len)
{
	const struct region *r = find_region(addr);
	size_t off, n;

	counts.read_mem++;
	if (!r)
		return -EFAULT;
	off = (size_t)(addr - r->addr);
	n = r->len - off < len ? r->len - off : len;
	memcpy(buf, r->bytes + off, n);
	return (ssize_t)n;
}

static ssize_t fake_read_string(void *ud, uint64_t addr, char *buf, size_t size)
{
	const struct region *r = find_region(addr);
	size_t len;

	counts.read_string++;
	if (!r)
		return -EFAULT;
	len = strnlen((const char *)r->bytes + (addr - r->addr), size - 1);
	memcpy(buf, r->bytes + (addr - r->addr), len);
	buf[len] = '\0';
	return (ssize_t)len;
}

static ssize_t put(char *buf, size_t size, const char *s)
{
	size_t len = strlen(s);

	if (len > size - 1)
		len = size - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return (ssize_t)len;
}

static ssize_t fake_proc_link(void *ud, enum fl_proc_link what, int fd, char *buf, size_t size)
{
	switch (what) {
	case FL_LINK_CWD:
		counts.cwd++;
		return put(buf, size, fake_cwd);
	case FL_LINK_EXE:
		counts.exe++;
		return put(buf, size, fake_exe);
	case FL_LINK_FD:
		counts.fd++;
		for (size_t i = 0; i < FL_ARRAY_SIZE(fds); i++)
			if (fds[i].fd == fd)
				return put(buf, size, fds[i].link);
		return -ENOENT;
	case FL_LINK_UNIX_NAME:
		counts.unix_name++;
		for (size_t i = 0; i < FL_ARRAY_SIZE(fds); i++)
			if (fds[i].fd == fd)
				return fds[i].unix_name ? put(buf, size, fds[i].unix_name) : -ENOENT;
		return -ENOTSOCK;
	}
	return -EINVAL;
}

static int fake_link_facts(void *ud, enum fl_proc_link what, int fd, struct fl_link_facts *ret)
{
	*ret = (struct fl_link_facts){ .nlink = 1 };
	switch (what) {
	case FL_LINK_CWD:
		return 0;
	case FL_LINK_EXE:
		ret->nlink = fake_exe_nlink;
		return 0;
	case FL_LINK_FD:
		for (size_t i = 0; i < FL_ARRAY_SIZE(fds); i++) {
			if (fds[i].fd != fd)
				continue;
			ret->type = fds[i].type;
			ret->nlink = fds[i].nlink;
			ret->size = fds[i].size;
			ret->has_pos = true;
			ret->pos = fds[i].pos;
			return 0;
		}
		return -ENOENT;
	default:
		return -EINVAL;
	}
}

static int fake_fd_available(void *ud, int fd, uint64_t *ret)
{
	for (size_t i = 0; i < FL_ARRAY_SIZE(fds); i++) {
		if (fds[i].fd != fd)
			continue;
		if (fds[i].avail < 0)
			return fds[i].avail;
		*ret = (uint64_t)fds[i].avail;
		return 0;
	}
	return -EBADF;
}

static const struct fl_call_source source = {
	.read_mem = fake_read_mem,
	.read_string = fake_read_string,
	.proc_link = fake_proc_link,
	.link_facts = fake_link_facts,
	.fd_available = fake_fd_available,
};

static int setup_memory(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(5432) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
	struct sockaddr_in6 mapped = { .sin6_family = AF_INET6, .sin6_port = htons(5432) };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct msghdr msg = { .msg_name = (void *)(uintptr_t)A_IN, .msg_namelen = sizeof(sin) };
	struct iovec iov[3] = {
		{ (void *)0x9000, 100 }, { (void *)0x9100, 200 }, { (void *)0x9200, 300 },
	};
	uint32_t iov32[6] = { 0x9000, 100, 0x9100, 200, 0x9200, 300 };

	n_mem = 0;
	add_string(A_REL, "data/a.db");
	add_string(A_ABS, "/srv/data/b.db");
	add_string(A_DOTDOT, "../etc/passwd");
	add_string(A_EMPTY, "");
	add_string(A_XLOG, "x.log");
	add_string(A_MESSY, "/srv/./data/../data//c.db");
	add_string(A_NEWDIR, "new/dir/");
	add_string(A_TARGET, "/srv/data/target");

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	add_region(A_IN, &sin, sizeof(sin));
	inet_pton(AF_INET6, "::1", &sin6.sin6_addr);
	add_region(A_IN6, &sin6, sizeof(sin6));
	inet_pton(AF_INET6, "::ffff:10.1.2.3", &mapped.sin6_addr);
	add_region(A_MAPPED, &mapped, sizeof(mapped));
	memcpy(sun.sun_path, "/run/db.sock", 13);
	add_region(A_UN, &sun, sizeof(sun));
	memcpy(sun.sun_path, "\0dbus", 5);
	add_region(A_UN_ABS, &sun, sizeof(sun));
	memcpy(sun.sun_path, "sock\0", 5);
	add_region(A_UN_REL, &sun, sizeof(sun));
	add_region(A_MSG, &msg, sizeof(msg));
	msg.msg_name = NULL;
	msg.msg_namelen = 0;
	add_region(A_MSG_NONAME, &msg, sizeof(msg));
	add_region(A_IOV, iov, sizeof(iov));
	add_region(A_IOV32, iov32, sizeof(iov32));
	return 0;
}

/* ---- running one call ---- */

/*
 * The calls are the host's: its native ABI's numbers (SYS_read is the
 * host's read), and its 32-bit compat ABI for the cases about 32-bit
 * registers and layouts (i386 on x86_64, arm on aarch64).
 */
#define NATIVE native_abi()
#define COMPAT compat_abi()
#define FDCWD ((uint64_t)(int64_t)-100)

struct outcome {
	bool acted;
	struct fl_decision d;
	char path[256];   /* fl_match_info.path, "" when NULL */
	char exe[256];
	bool has_sockaddr;
	struct fl_sockaddr sa;
	uint64_t matched[4];
};

static struct fl_rule_set *load(const char *const *yaml)
{
	struct fl_rule_set *set = fl_rule_set_new();
	struct fl_diags d = { 0 };

	for (size_t i = 0; yaml[i]; i++) {
		if (fl_rules_load_inline(set, "-e", yaml[i], &d) != 0) {
			fl_diags_print(&d, stderr);
			fail_msg("rule %s refused", yaml[i]);
		}
	}
	assert_int_equal(fl_rules_finish(set, &d), 0);
	fl_diags_done(&d);
	return set;
}

/*
 * The call as the tracer hands it over: src/arch cuts each argument to its
 * ABI's width when it reads the call (registers of a 32-bit call carry
 * noise above 32 bits here, as the kernel's do).
 */
static struct fl_call as_read(const struct fl_call *call)
{
	struct fl_call c = *call;

	for (int i = 0; i < 6; i++)
		c.args[i] = fl_abi_arg(c.arch, c.args[i]);
	return c;
}

static struct outcome run_call(const char *const *yaml, const struct fl_call *raw)
{
	struct fl_rule_set *set = load(yaml);
	struct fl_matcher *m = fl_matcher_new(set, 1);
	struct outcome o = { 0 };
	const struct fl_match_info *info;
	struct fl_call read = as_read(raw), *call = &read;

	assert_non_null(m);
	o.acted = fl_matcher_decide(m, call, &o.d);
	info = fl_matcher_last_match(m);
	if (info->path)
		snprintf(o.path, sizeof(o.path), "%s", info->path);
	if (info->exe)
		snprintf(o.exe, sizeof(o.exe), "%s", info->exe);
	o.has_sockaddr = info->has_sockaddr;
	o.sa = info->sockaddr;
	for (size_t i = 0; i < set->n_rules && i < 4; i++)
		o.matched[i] = fl_matcher_stats(m)[i].matched;
	fl_matcher_free(m);
	fl_rule_set_free(set);
	return o;
}

/* One rule, one call: does it act, and on which path? */
struct path_row {
	const char *rule;
	const char *syscall;
	uint64_t args[6];
	const char *want_path; /* NULL: no match */
};

static void run_path_rows(const struct path_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *yaml[] = { rows[i].rule, NULL };
		struct fl_call call = { .arch = NATIVE, .nr = fl_syscall_nr(NATIVE, rows[i].syscall),
					.src = &source };
		struct outcome o;

		assert_true(call.nr >= 0);
		memcpy(call.args, rows[i].args, sizeof(call.args));
		o = run_call(yaml, &call);
		if (o.acted != (rows[i].want_path != NULL))
			fail_msg("row %zu (%s on %s): %s, want %s", i, rows[i].rule, rows[i].syscall,
				 o.acted ? "acted" : "no match", rows[i].want_path ? "a match" : "no match");
		if (rows[i].want_path && strcmp(o.path, rows[i].want_path) != 0)
			fail_msg("row %zu (%s): matched on '%s', want '%s'", i, rows[i].rule, o.path,
				 rows[i].want_path);
		if (!rows[i].want_path && o.path[0])
			fail_msg("row %zu: info path '%s' set without a match", i, o.path);
	}
}

/* ---- paths ---- */

static void test_path_resolution(void **state)
{
	static const struct path_row rows[] = {
		/*
		 * Relative to the cwd, or to AT_FDCWD. The legacy calls (open,
		 * mkdir, rename, symlink) only where the host has them: aarch64
		 * has only their *at forms, which every host runs below.
		 */
#ifdef SYS_open
		{ "{syscall: open, path: /home/u/data/*.db, error: EIO}", "open",
		  { A_REL, O_RDONLY }, "/home/u/data/a.db" },
#endif
		{ "{syscall: openat, path: /home/u/data/*.db, error: EIO}", "openat",
		  { FDCWD, A_REL, O_RDONLY }, "/home/u/data/a.db" },
		/* AT_FDCWD as a zero-extended 32-bit value is still AT_FDCWD. */
		{ "{syscall: openat, path: /home/u/data/*.db, error: EIO}", "openat",
		  { 0xffffff9c, A_REL, O_RDONLY }, "/home/u/data/a.db" },
		/* Relative to a dirfd (fd 8 is /srv). */
		{ "{syscall: openat, path: /srv/x.log, error: EIO}", "openat",
		  { 8, A_XLOG, O_RDONLY }, "/srv/x.log" },
		{ "{syscall: openat, path: /home/u/x.log, error: EIO}", "openat",
		  { 8, A_XLOG, O_RDONLY }, NULL },
		/* A dirfd that isn't a directory, or isn't open: no path. */
		{ "{syscall: openat, path: '/**', error: EIO}", "openat", { 5, A_XLOG }, NULL },
		{ "{syscall: openat, path: '/**', error: EIO}", "openat", { 99, A_XLOG }, NULL },
		/* An absolute path ignores the dirfd, and is normalized. */
		{ "{syscall: openat, path: /srv/data/c.db, error: EIO}", "openat",
		  { 99, A_MESSY, O_RDONLY }, "/srv/data/c.db" },
		/* '..' is lexical. */
		{ "{syscall: openat, path: /home/etc/passwd, error: EIO}", "openat",
		  { FDCWD, A_DOTDOT }, "/home/etc/passwd" },
		/* A directory that doesn't exist yet, trailing '/' and all. */
#ifdef SYS_mkdir
		{ "{syscall: mkdir, path: /home/u/new/**, error: EIO}", "mkdir",
		  { A_NEWDIR, 0755 }, "/home/u/new/dir" },
#endif
		{ "{syscall: mkdirat, path: /home/u/new/**, error: EIO}", "mkdirat",
		  { FDCWD, A_NEWDIR, 0755 }, "/home/u/new/dir" },
		/* Unreadable or NULL pointers never match. */
		{ "{syscall: openat, path: '/**', error: EIO}", "openat", { FDCWD, A_BAD }, NULL },
#ifdef SYS_open
		{ "{syscall: open, path: '/**', error: EIO}", "open", { 0 }, NULL },
#endif
		{ "{syscall: openat, path: '/**', error: EIO}", "openat", { FDCWD, 0 }, NULL },
		/* "" is the dirfd itself only with AT_EMPTY_PATH. */
		{ "{syscall: newfstatat, path: /srv/data/a.db, error: EIO}", "newfstatat",
		  { 3, A_EMPTY, 0x7000, 0x1000 }, "/srv/data/a.db" },
		{ "{syscall: newfstatat, path: '/**', error: EIO}", "newfstatat",
		  { 3, A_EMPTY, 0x7000, 0 }, NULL },
#ifdef SYS_open
		{ "{syscall: open, path: '/**', error: EIO}", "open", { A_EMPTY }, NULL },
#endif
		{ "{syscall: openat, path: '/**', error: EIO}", "openat", { 3, A_EMPTY }, NULL },
		/* Two paths: either one. */
#ifdef SYS_rename
		{ "{syscall: rename, path: /srv/data/**, error: EXDEV}", "rename",
		  { A_REL, A_ABS }, "/srv/data/b.db" },
		{ "{syscall: rename, path: /home/u/**, error: EXDEV}", "rename",
		  { A_REL, A_ABS }, "/home/u/data/a.db" },
#endif
		{ "{syscall: renameat, path: /srv/data/**, error: EXDEV}", "renameat",
		  { FDCWD, A_REL, FDCWD, A_ABS }, "/srv/data/b.db" },
		{ "{syscall: renameat, path: /home/u/**, error: EXDEV}", "renameat",
		  { FDCWD, A_REL, FDCWD, A_ABS }, "/home/u/data/a.db" },
		{ "{syscall: renameat2, path: /srv/x.log, error: EXDEV}", "renameat2",
		  { FDCWD, A_REL, 8, A_XLOG, 0 }, "/srv/x.log" },
		{ "{syscall: linkat, path: /srv/x.log, error: EXDEV}", "linkat",
		  { FDCWD, A_REL, 8, A_XLOG, 0 }, "/srv/x.log" },
		/* symlink: the link, not its target. */
#ifdef SYS_symlink
		{ "{syscall: symlink, path: /srv/data/target, error: EIO}", "symlink",
		  { A_TARGET, A_XLOG }, NULL },
		{ "{syscall: symlink, path: /home/u/x.log, error: EIO}", "symlink",
		  { A_TARGET, A_XLOG }, "/home/u/x.log" },
#endif
		{ "{syscall: symlinkat, path: /srv/data/target, error: EIO}", "symlinkat",
		  { A_TARGET, FDCWD, A_XLOG }, NULL },
		{ "{syscall: symlinkat, path: /home/u/x.log, error: EIO}", "symlinkat",
		  { A_TARGET, FDCWD, A_XLOG }, "/home/u/x.log" },
		{ "{syscall: symlinkat, path: /srv/x.log, error: EIO}", "symlinkat",
		  { A_TARGET, 8, A_XLOG }, "/srv/x.log" },
		/* Lists: any pattern. */
#ifdef SYS_open
		{ "{syscall: open, path: [/nope, /home/u/data/**], error: EIO}", "open",
		  { A_REL }, "/home/u/data/a.db" },
#endif
		{ "{syscall: openat, path: [/nope, /home/u/data/**], error: EIO}", "openat",
		  { FDCWD, A_REL }, "/home/u/data/a.db" },
	};

	run_path_rows(rows, FL_ARRAY_SIZE(rows));
}

static void test_path_fds(void **state)
{
	static const struct path_row rows[] = {
		{ "{syscall: read, path: /srv/data/*.db, error: EIO}", "read", { 3, 0x9000, 10 },
		  "/srv/data/a.db" },
		{ "{syscall: read, path: /srv/other, error: EIO}", "read", { 3, 0x9000, 10 }, NULL },
		/* Unlinked while open: matches by its name. */
		{ "{syscall: write, path: /tmp/x, error: EIO}", "write", { 4, 0x9000, 1 }, "/tmp/x" },
		/* Named "log (deleted)" but not deleted: that is its name. */
		{ "{syscall: write, path: /d/log, error: EIO}", "write", { 11, 0x9000, 1 }, NULL },
		{ "{syscall: write, path: '/d/log (deleted)', error: EIO}", "write", { 11, 0x9000, 1 },
		  "/d/log (deleted)" },
		/* Pipes have no path; nor have closed fds or negative ones. */
		{ "{syscall: read, path: '/**', error: EIO}", "read", { 5, 0x9000, 1 }, NULL },
		{ "{syscall: read, path: '/**', error: EIO}", "read", { 42, 0x9000, 1 }, NULL },
		{ "{syscall: mmap, path: '/**', error: EIO}", "mmap",
		  { 0, 4096, 3, 0x22, (uint64_t)-1, 0 }, NULL },
		{ "{syscall: mmap, path: /srv/data/a.db, error: EIO}", "mmap",
		  { 0, 4096, 1, 1, 3, 0 }, "/srv/data/a.db" },
		/* Unix sockets match by name: bound, a peer's, abstract. */
		{ "{syscall: sendto, path: /run/*.sock, error: EPIPE}", "sendto",
		  { 6, 0x9000, 10, 0, 0, 0 }, "/run/db.sock" },
		{ "{syscall: write, path: /run/db.sock, error: EPIPE}", "write", { 6, 0x9000, 1 },
		  "/run/db.sock" },
		{ "{syscall: read, path: '/**', error: EIO}", "read", { 7, 0x9000, 1 }, NULL },
		{ "{syscall: read, path: '@abstract-*', error: EIO}", "read", { 9, 0x9000, 1 },
		  "@abstract-x" },
		{ "{syscall: read, path: '/**', error: EIO}", "read", { 9, 0x9000, 1 }, NULL },
		/* Two fds: either one. */
		{ "{syscall: sendfile, path: /srv/data/a.db, error: EIO}", "sendfile",
		  { 6, 3, 0, 100 }, "/srv/data/a.db" },
		{ "{syscall: copy_file_range, path: /tmp/x, error: EIO}", "copy_file_range",
		  { 3, 0, 4, 0, 100, 0 }, "/tmp/x" },
		{ "{syscall: splice, path: /run/db.sock, error: EIO}", "splice",
		  { 3, 0, 6, 0, 100, 0 }, "/run/db.sock" },
		{ "{syscall: fchdir, path: /srv, error: EIO}", "fchdir", { 8 }, "/srv" },
		/* Socket addresses: pathname (relative to the cwd) or abstract. */
		{ "{syscall: connect, path: /run/db.sock, error: ECONNREFUSED}", "connect",
		  { 10, A_UN, sizeof(struct sockaddr_un) }, "/run/db.sock" },
		{ "{syscall: connect, path: /home/u/sock, error: ECONNREFUSED}", "connect",
		  { 10, A_UN_REL, sizeof(struct sockaddr_un) }, "/home/u/sock" },
		{ "{syscall: bind, path: '@dbus', error: EADDRINUSE}", "bind",
		  { 10, A_UN_ABS, offsetof(struct sockaddr_un, sun_path) + 5 }, "@dbus" },
		{ "{syscall: connect, path: '/**', error: ECONNREFUSED}", "connect",
		  { 10, A_IN, sizeof(struct sockaddr_in) }, NULL },
	};

	run_path_rows(rows, FL_ARRAY_SIZE(rows));
}

/* ---- fd, args, process ---- */

static void test_register_filters(void **state)
{
	static const struct path_row rows[] = {
		/* want_path "" here means "acts", NULL "doesn't". */
		{ "{syscall: read, fd: 3, error: EIO}", "read", { 3 }, "" },
		{ "{syscall: read, fd: [0, 1, 2], error: EIO}", "read", { 3 }, NULL },
		{ "{syscall: read, fd: [0, 3], error: EIO}", "read", { 3 }, "" },
		/* fd is the low 32 bits as an int. */
		{ "{syscall: read, fd: 3, error: EIO}", "read", { 0xffffffff00000003 }, "" },
		/* The first fd argument: sendfile's out_fd. */
		{ "{syscall: sendfile, fd: 6, error: EIO}", "sendfile", { 6, 3 }, "" },
		{ "{syscall: sendfile, fd: 3, error: EIO}", "sendfile", { 6, 3 }, NULL },
		/* args: raw equality, mask, several at once. */
		{ "{syscall: openat, args: {0: -100}, error: EIO}", "openat", { FDCWD, A_REL }, "" },
		/*
		 * An int argument (the dirfd) is its register's low 32 bits, as
		 * the kernel reads it: AT_FDCWD zero-extended still matches...
		 */
		{ "{syscall: openat, args: {0: -100}, error: EIO}", "openat", { 0xffffff9c, A_REL }, "" },
		/* ...but a count is all 64 bits. */
		{ "{syscall: read, args: {2: 5}, error: EIO}", "read", { 3, A_REL, 0x100000005 }, NULL },
		{ "{syscall: read, args: {2: 5}, error: EIO}", "read", { 3, A_REL, 5 }, "" },
		{ "{syscall: openat, args: {2: {mask: 0x40}}, error: EIO}", "openat",
		  { FDCWD, A_REL, O_WRONLY | O_CREAT | O_TRUNC }, "" },
		{ "{syscall: openat, args: {2: {mask: 0x240}}, error: EIO}", "openat",
		  { FDCWD, A_REL, O_WRONLY | O_CREAT }, NULL },
		{ "{syscall: openat, args: {2: {mask: 0x40}}, error: EIO}", "openat",
		  { FDCWD, A_REL, O_RDONLY }, NULL },
		{ "{syscall: openat, args: {0: -100, 2: 0}, error: EIO}", "openat",
		  { FDCWD, A_REL, 0 }, "" },
		{ "{syscall: openat, args: {0: -100, 2: 0}, error: EIO}", "openat",
		  { FDCWD, A_REL, 1 }, NULL },
		{ "{syscall: write, args: {2: 0xffffffffffffffff}, error: EIO}", "write",
		  { 1, 0, UINT64_MAX }, "" },
		/* process: basename without '/', full path with one. */
		{ "{syscall: read, process: curl, error: EIO}", "read", { 0 }, "" },
		{ "{syscall: read, process: 'cu*', error: EIO}", "read", { 0 }, "" },
		{ "{syscall: read, process: [wget, curl], error: EIO}", "read", { 0 }, "" },
		{ "{syscall: read, process: wget, error: EIO}", "read", { 0 }, NULL },
		{ "{syscall: read, process: bin, error: EIO}", "read", { 0 }, NULL },
		{ "{syscall: read, process: '/usr/bin/*', error: EIO}", "read", { 0 }, "" },
		{ "{syscall: read, process: '/usr/**', error: EIO}", "read", { 0 }, "" },
		{ "{syscall: read, process: '/bin/*', error: EIO}", "read", { 0 }, NULL },
		/* AND: every filter must hold. */
		{ "{syscall: read, fd: 3, process: curl, path: '/srv/**', error: EIO}", "read",
		  { 3 }, "/srv/data/a.db" },
		{ "{syscall: read, fd: 3, process: wget, path: '/srv/**', error: EIO}", "read",
		  { 3 }, NULL },
		{ "{syscall: read, fd: 4, process: curl, path: '/srv/**', error: EIO}", "read",
		  { 3 }, NULL },
	};

	run_path_rows(rows, FL_ARRAY_SIZE(rows));
}

static void test_process_info(void **state)
{
	const char *yaml[] = { "{syscall: read, process: curl, error: EIO}", NULL };
	struct fl_call call = { .arch = NATIVE, .nr = SYS_read, .args = { 3 }, .src = &source };
	struct outcome o = run_call(yaml, &call);

	assert_true(o.acted);
	assert_string_equal(o.exe, "/usr/bin/curl");
	assert_string_equal(o.path, "");

	/* A replaced binary ("(deleted)") still has its name. */
	fake_exe = "/usr/bin/curl (deleted)";
	fake_exe_nlink = 0;
	o = run_call(yaml, &call);
	assert_true(o.acted);
	assert_string_equal(o.exe, "/usr/bin/curl");

	/* One really named so keeps the suffix: "curl (deleted)" is not curl. */
	fake_exe_nlink = 1;
	o = run_call(yaml, &call);
	fake_exe = "/usr/bin/curl";
	assert_false(o.acted);
}

/* fd_type: any of the call's fds of one of the kinds listed. */
static void test_fd_type(void **state)
{
	static const struct path_row rows[] = {
		{ "{syscall: read, fd_type: pipe, error: EINTR}", "read", { 5, 0x9000, 1 }, "" },
		{ "{syscall: read, fd_type: [pipe, socket, tty], error: EINTR}", "read",
		  { 14, 0x9000, 1 }, "" },
		{ "{syscall: read, fd_type: [pipe, socket, tty], error: EINTR}", "read",
		  { 3, 0x9000, 1 }, NULL },
		{ "{syscall: read, fd_type: fifo, error: EINTR}", "read", { 15, 0x9000, 1 }, "" },
		{ "{syscall: read, fd_type: pipe, error: EINTR}", "read", { 15, 0x9000, 1 }, NULL },
		{ "{syscall: read, fd_type: regular, error: EIO}", "read", { 3, 0x9000, 1 }, "" },
		{ "{syscall: fchdir, fd_type: dir, error: EIO}", "fchdir", { 8 }, "" },
		/* Either fd of a two-fd call; a closed fd is of no kind. */
		{ "{syscall: sendfile, fd_type: regular, error: EIO}", "sendfile", { 6, 3, 0, 100 }, "" },
		{ "{syscall: read, fd_type: regular, error: EIO}", "read", { 42, 0x9000, 1 }, NULL },
		/* With path: both must hold. */
		{ "{syscall: read, fd_type: socket, path: /run/db.sock, error: EIO}", "read",
		  { 6, 0x9000, 1 }, "/run/db.sock" },
		{ "{syscall: read, fd_type: pipe, path: /run/db.sock, error: EIO}", "read",
		  { 6, 0x9000, 1 }, NULL },
	};

	run_path_rows(rows, FL_ARRAY_SIZE(rows));
}

/*
 * short: P% is of what the call can move: what is left of a regular file
 * after its offset, what a pipe holds; the count asked for otherwise.
 */
static void test_short_bound(void **state)
{
	static const uint64_t at_700 = 700, at_2000 = 2000;
	static const struct {
		const char *rule, *syscall;
		uint64_t args[6];
		uint64_t want_count, want_of; /* 0: no match */
		enum fl_short_basis basis;
	} rows[] = {
		/* 1000 bytes at position 600: 400 left, whatever the count says. */
		{ "{syscall: read, short: 50%}", "read", { 12, 0x9000, 1u << 20 }, 200, 400,
		  FL_SHORT_BASIS_FILE_SIZE },
		{ "{syscall: copy_file_range, short: 50%}", "copy_file_range",
		  { 12, 0, 4, 0, 9223372035781033984u, 0 }, 200, 400, FL_SHORT_BASIS_FILE_SIZE },
		/* An offset of its own: the register, or a loff_t in memory. */
		{ "{syscall: pread64, short: 50%}", "pread64", { 12, 0x9000, 4096, 900 }, 50, 100,
		  FL_SHORT_BASIS_FILE_SIZE },
		{ "{syscall: copy_file_range, short: 50%}", "copy_file_range",
		  { 12, 0xb000, 4, 0, 4096, 0 }, 150, 300, FL_SHORT_BASIS_FILE_SIZE },
		/* At or past the end: nothing to shorten. */
		{ "{syscall: copy_file_range, short: 50%}", "copy_file_range",
		  { 12, 0xb008, 4, 0, 4096, 0 }, 0, 0, FL_SHORT_BASIS_FILE_SIZE },
		{ "{syscall: read, short: 400}", "read", { 12, 0x9000, 4096 }, 0, 0,
		  FL_SHORT_BASIS_FILE_SIZE },
		/* Fewer left than asked: the count asked still bounds it. */
		{ "{syscall: read, short: 50%}", "read", { 12, 0x9000, 100 }, 50, 100,
		  FL_SHORT_BASIS_FILE_SIZE },
		/* A pipe holding 40 bytes; one holding none gives no bound. */
		{ "{syscall: read, short: 50%}", "read", { 13, 0x9000, 65536 }, 20, 40,
		  FL_SHORT_BASIS_AVAILABLE },
		{ "{syscall: read, short: 50%}", "read", { 5, 0x9000, 65536 }, 32768, 65536,
		  FL_SHORT_BASIS_UNKNOWN },
		/* No copy of the fd permitted: no bound either. */
		{ "{syscall: recvfrom, short: 50%}", "recvfrom", { 6, 0x9000, 4096, 0, 0, 0 }, 2048,
		  4096, FL_SHORT_BASIS_UNKNOWN },
		/* A size of 0 (/proc files) bounds nothing. */
		{ "{syscall: read, short: 50%}", "read", { 3, 0x9000, 4096 }, 2048, 4096,
		  FL_SHORT_BASIS_UNKNOWN },
		/* Writes move what they ask for. */
		{ "{syscall: write, short: 50%}", "write", { 12, 0x9000, 4096 }, 2048, 4096,
		  FL_SHORT_BASIS_ASKED },
	};

	add_region(0xb000, &at_700, sizeof(at_700));
	add_region(0xb008, &at_2000, sizeof(at_2000));
	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		const char *yaml[] = { rows[i].rule, NULL };
		struct fl_call call = { .arch = NATIVE, .nr = fl_syscall_nr(NATIVE, rows[i].syscall),
					.src = &source };
		struct outcome o;

		memcpy(call.args, rows[i].args, sizeof(call.args));
		o = run_call(yaml, &call);
		if (o.acted != (rows[i].want_count != 0))
			fail_msg("row %zu (%s on %s): %s", i, rows[i].rule, rows[i].syscall,
				 o.acted ? "acted" : "no match");
		if (!o.acted)
			continue;
		if (o.d.short_count != rows[i].want_count || o.d.short_of != rows[i].want_of ||
		    o.d.short_basis != rows[i].basis)
			fail_msg("row %zu: short %" PRIu64 " of %" PRIu64 " (%s), want %" PRIu64
				 " of %" PRIu64 " (%s)", i, o.d.short_count, o.d.short_of,
				 fl_short_basis_name(o.d.short_basis), rows[i].want_count,
				 rows[i].want_of, fl_short_basis_name(rows[i].basis));
		assert_int_equal(o.d.short_asked, rows[i].args[fl_sysinfo_arg(
			fl_sysinfo_find(rows[i].syscall), FL_ARG_COUNT, 0)]);
	}
}

/* A decision taken back lowers the count and gives the 'times' budget back. */
static void test_take_back(void **state)
{
	const char *yaml[] = { "{syscall: read, short: 1, times: 1}", NULL };
	struct fl_rule_set *set = load(yaml);
	struct fl_matcher *m = fl_matcher_new(set, 1);
	struct fl_call call = { .arch = NATIVE, .nr = SYS_read, .args = { 5, 0x9000, 100 },
				.src = &source };
	struct fl_decision d;

	assert_true(fl_matcher_decide(m, &call, &d));
	assert_false(fl_matcher_decide(m, &call, &d));
	fl_matcher_take_back(m, 0);
	assert_int_equal(fl_matcher_stats(m)[0].injected, 0);
	assert_true(fl_matcher_decide(m, &call, &d));
	assert_int_equal(fl_matcher_stats(m)[0].injected, 1);
	assert_int_equal(fl_matcher_stats(m)[0].matched, 3);
	fl_matcher_free(m);
	fl_rule_set_free(set);
}

/* ---- sockets ---- */

struct sock_row {
	const char *rule;
	const char *syscall;
	uint64_t args[6];
	const char *want_addr; /* NULL: no match */
	int want_port;
};

static void test_sockaddr_filters(void **state)
{
	static const struct sock_row rows[] = {
		{ "{syscall: connect, port: 5432, error: ECONNREFUSED}", "connect",
		  { 10, A_IN, 16 }, "127.0.0.1", 5432 },
		{ "{syscall: connect, port: [80, 443], error: ECONNREFUSED}", "connect",
		  { 10, A_IN, 16 }, NULL, 0 },
		{ "{syscall: connect, port: [80, 443], error: ECONNREFUSED}", "connect",
		  { 10, A_IN6, 28 }, "::1", 443 },
		{ "{syscall: connect, address: 127.0.0.0/8, error: ECONNREFUSED}", "connect",
		  { 10, A_IN, 16 }, "127.0.0.1", 5432 },
		{ "{syscall: connect, address: '::1', error: ECONNREFUSED}", "connect",
		  { 10, A_IN, 16 }, NULL, 0 },
		{ "{syscall: connect, address: '::1', error: ECONNREFUSED}", "connect",
		  { 10, A_IN6, 28 }, "::1", 443 },
		/* IPv4 patterns see through v4-mapped addresses. */
		{ "{syscall: connect, address: 10.0.0.0/8, port: 5432, error: ECONNREFUSED}", "connect",
		  { 10, A_MAPPED, 28 }, "::ffff:10.1.2.3", 5432 },
		{ "{syscall: connect, address: 10.0.0.0/8, port: 80, error: ECONNREFUSED}", "connect",
		  { 10, A_MAPPED, 28 }, NULL, 0 },
		{ "{syscall: connect, address: [192.168.0.0/16, 10.0.0.0/8], error: ECONNREFUSED}",
		  "connect", { 10, A_MAPPED, 28 }, "::ffff:10.1.2.3", 5432 },
		/* Unix addresses have no port; no address, short ones: no match. */
		{ "{syscall: connect, port: 0, error: ECONNREFUSED}", "connect",
		  { 10, A_UN, sizeof(struct sockaddr_un) }, NULL, 0 },
		{ "{syscall: sendto, port: 5432, error: EPIPE}", "sendto",
		  { 10, 0x9000, 10, 0, 0, 0 }, NULL, 0 },
		{ "{syscall: sendto, port: 5432, error: EPIPE}", "sendto",
		  { 10, 0x9000, 10, 0, A_IN, 16 }, "127.0.0.1", 5432 },
		{ "{syscall: connect, port: 5432, error: ECONNREFUSED}", "connect",
		  { 10, A_IN, 8 }, NULL, 0 },
		{ "{syscall: connect, port: 5432, error: ECONNREFUSED}", "connect",
		  { 10, A_IN, 200 }, NULL, 0 },
		{ "{syscall: connect, port: 5432, error: ECONNREFUSED}", "connect",
		  { 10, A_BAD, 16 }, NULL, 0 },
		/* sendmsg: msg_name. */
		{ "{syscall: sendmsg, port: 5432, error: EPIPE}", "sendmsg", { 10, A_MSG, 0 },
		  "127.0.0.1", 5432 },
		{ "{syscall: sendmsg, port: 5432, error: EPIPE}", "sendmsg", { 10, A_MSG_NONAME, 0 },
		  NULL, 0 },
		{ "{syscall: sendmsg, port: 5432, error: EPIPE}", "sendmsg", { 10, A_BAD, 0 }, NULL, 0 },
	};

	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		const char *yaml[] = { rows[i].rule, NULL };
		struct fl_call call = { .arch = NATIVE, .nr = fl_syscall_nr(NATIVE, rows[i].syscall),
					.src = &source };
		struct outcome o;
		char text[64];

		memcpy(call.args, rows[i].args, sizeof(call.args));
		o = run_call(yaml, &call);
		if (o.acted != (rows[i].want_addr != NULL))
			fail_msg("row %zu (%s): %s", i, rows[i].rule, o.acted ? "acted" : "no match");
		if (!o.acted)
			continue;
		assert_true(o.has_sockaddr);
		fl_sockaddr_format(&o.sa, text, sizeof(text));
		assert_string_equal(text, rows[i].want_addr);
		assert_int_equal(o.sa.port, rows[i].want_port);
	}
}

/* ---- short and signal ---- */

struct short_row {
	const char *rule;
	const char *syscall;
	uint64_t args[6];
	uint64_t want_count, want_of; /* want_count 0: no match */
	int want_arg;
	bool want_iov;
};

static void test_short(void **state)
{
	static const struct short_row rows[] = {
		{ "{syscall: read, short: 100}", "read", { 3, 0x9000, 4096 }, 100, 4096, 2, false },
		{ "{syscall: read, short: 100}", "read", { 3, 0x9000, 101 }, 100, 101, 2, false },
		/* Asking for no more than that: nothing to shorten, no match. */
		{ "{syscall: read, short: 100}", "read", { 3, 0x9000, 100 }, 0, 0, 0, false },
		{ "{syscall: read, short: 100}", "read", { 3, 0x9000, 0 }, 0, 0, 0, false },
		/* Percentages round down, but never to 0 bytes. */
		{ "{syscall: read, short: 50%}", "read", { 3, 0x9000, 4096 }, 2048, 4096, 2, false },
		{ "{syscall: read, short: 50%}", "read", { 3, 0x9000, 3 }, 1, 3, 2, false },
		{ "{syscall: read, short: 1%}", "read", { 3, 0x9000, 50 }, 1, 50, 2, false },
		{ "{syscall: read, short: 99%}", "read", { 3, 0x9000, 2 }, 1, 2, 2, false },
		{ "{syscall: read, short: 50%}", "read", { 3, 0x9000, 1 }, 0, 0, 0, false },
		/* A count beyond what the kernel moves in one call is capped first. */
		{ "{syscall: write, short: 50%}", "write", { 1, 0x9000, UINT64_MAX },
		  FL_MAX_RW_COUNT / 2, FL_MAX_RW_COUNT, 2, false },
		{ "{syscall: pwrite64, short: 10}", "pwrite64", { 1, 0x9000, 4096, 0 }, 10, 4096, 2, false },
		{ "{syscall: sendto, short: 10}", "sendto", { 6, 0x9000, 4096, 0, 0, 0 }, 10, 4096, 2, false },
		{ "{syscall: recvfrom, short: 10}", "recvfrom", { 6, 0x9000, 4096, 0, 0, 0 }, 10, 4096, 2, false },
		{ "{syscall: getrandom, short: 10}", "getrandom", { 0x9000, 32, 0 }, 10, 32, 1, false },
		/* The iovec calls: a budget over all buffers (100 + 200 + 300). */
		{ "{syscall: readv, short: 250}", "readv", { 3, A_IOV, 3 }, 250, 600, 1, true },
		{ "{syscall: writev, short: 50%}", "writev", { 3, A_IOV, 3 }, 300, 600, 1, true },
		{ "{syscall: preadv, short: 1}", "preadv", { 3, A_IOV, 2, 0 }, 1, 300, 1, true },
		{ "{syscall: readv, short: 600}", "readv", { 3, A_IOV, 3 }, 0, 0, 0, false },
		{ "{syscall: readv, short: 1}", "readv", { 3, A_IOV, 0 }, 0, 0, 0, false },
		{ "{syscall: readv, short: 1}", "readv", { 3, A_BAD, 3 }, 0, 0, 0, false },
		{ "{syscall: readv, short: 1}", "readv", { 3, A_IOV, 2000 }, 0, 0, 0, false },
		{ "{syscall: readv, short: 1}", "readv", { 3, A_IOV, (uint64_t)-1 }, 0, 0, 0, false },
		/* With a filter: both must hold. */
		{ "{syscall: read, fd: 3, short: 10}", "read", { 3, 0x9000, 20 }, 10, 20, 2, false },
		{ "{syscall: read, fd: 4, short: 10}", "read", { 3, 0x9000, 20 }, 0, 0, 0, false },
	};

	for (size_t i = 0; i < FL_ARRAY_SIZE(rows); i++) {
		const char *yaml[] = { rows[i].rule, NULL };
		struct fl_call call = { .arch = NATIVE, .nr = fl_syscall_nr(NATIVE, rows[i].syscall),
					.src = &source };
		struct outcome o;

		memcpy(call.args, rows[i].args, sizeof(call.args));
		o = run_call(yaml, &call);
		if (o.acted != (rows[i].want_count != 0))
			fail_msg("row %zu (%s on %s): %s", i, rows[i].rule, rows[i].syscall,
				 o.acted ? "acted" : "no match");
		/* A call that can't be shortened isn't counted either. */
		assert_int_equal(o.matched[0], o.acted);
		if (!o.acted)
			continue;
		assert_true(o.d.has_short);
		if (o.d.short_count != rows[i].want_count || o.d.short_of != rows[i].want_of)
			fail_msg("row %zu: short %" PRIu64 " of %" PRIu64 ", want %" PRIu64 " of %" PRIu64,
				 i, o.d.short_count, o.d.short_of, rows[i].want_count, rows[i].want_of);
		assert_int_equal(o.d.short_arg, rows[i].want_arg);
		assert_int_equal(o.d.short_iov, rows[i].want_iov);
		assert_int_equal(o.d.error, 0);
		assert_false(o.d.has_retval);
		assert_int_equal(o.d.phase, FL_PHASE_ENTER);
	}
}

static void test_short_compat(void **state)
{
	const char *yaml[] = { "{syscall: [read, readv], short: 50%}", NULL };
	/* The compat ABI's read and readv; registers above 32 bits are noise. */
	struct fl_call call = { .arch = COMPAT, .nr = fl_syscall_nr(COMPAT, "read"),
				.args = { 3, 0x9000, 0xdead000000000064 }, .src = &source };
	struct outcome o;

#if defined(__x86_64__)
	/* i386 read is 3, readv 145. */
	assert_int_equal(call.nr, 3);
	assert_int_equal(fl_syscall_nr(COMPAT, "readv"), 145);
#endif
	assert_true(call.nr >= 0);
	o = run_call(yaml, &call);

	assert_true(o.acted);
	assert_int_equal(o.d.short_of, 100);
	assert_int_equal(o.d.short_count, 50);

	/* 8-byte iovecs: 100 + 200 + 300. */
	call.nr = fl_syscall_nr(COMPAT, "readv");
	assert_true(call.nr >= 0);
	call.args[1] = A_IOV32;
	call.args[2] = 3;
	o = run_call(yaml, &call);
	assert_true(o.acted);
	assert_true(o.d.short_iov);
	assert_int_equal(o.d.short_of, 600);
	assert_int_equal(o.d.short_count, 300);
}

static void test_signal(void **state)
{
	const char *alone[] = { "{syscall: write, signal: SIGUSR1}", NULL };
	const char *with[] = { "{syscall: write, signal: TERM, error: EIO, delay: 1ms}", NULL };
	const char *with_short[] = { "{syscall: write, signal: SIGPIPE, short: 1}", NULL };
	struct fl_call call = { .arch = NATIVE, .nr = SYS_write, .args = { 1, 0x9000, 10 },
				.src = &source };
	struct outcome o;

	o = run_call(alone, &call);
	assert_true(o.acted);
	assert_int_equal(o.d.signal, SIGUSR1);
	assert_int_equal(o.d.error, 0);
	assert_false(o.d.has_retval);
	assert_false(o.d.has_short);

	o = run_call(with, &call);
	assert_true(o.acted);
	assert_int_equal(o.d.signal, SIGTERM);
	assert_int_equal(o.d.error, EIO);
	assert_int_equal(o.d.delay_ns, 1000000);

	o = run_call(with_short, &call);
	assert_true(o.acted);
	assert_int_equal(o.d.signal, SIGPIPE);
	assert_true(o.d.has_short);
	assert_int_equal(o.d.short_count, 1);
}

/* ---- caching and cost ---- */

static void test_read_once(void **state)
{
	/* Three rules look at openat's path; the first two don't match it. */
	const char *yaml[] = {
		"{syscall: openat, path: /nope/**, error: EIO}",
		"{syscall: openat, path: /home/u/data/b*, process: curl, error: EIO}",
		"{syscall: openat, path: /home/u/data/*.db, process: curl, error: EACCES}",
		NULL,
	};
	struct fl_rule_set *set = load(yaml);
	struct fl_matcher *m = fl_matcher_new(set, 1);
	struct fl_call call = { .arch = NATIVE, .nr = SYS_openat, .args = { FDCWD, A_REL },
				.src = &source };
	struct fl_decision d;

	memset(&counts, 0, sizeof(counts));
	assert_true(fl_matcher_decide(m, &call, &d));
	assert_int_equal(d.rule, 2);
	assert_int_equal(d.error, EACCES);
	assert_int_equal(counts.read_string, 1);
	assert_int_equal(counts.cwd, 1);
	assert_int_equal(counts.exe, 1);
	assert_int_equal(counts.read_mem, 0);
	/* Filters that don't hold don't count the call. */
	assert_int_equal(fl_matcher_stats(m)[0].matched, 0);
	assert_int_equal(fl_matcher_stats(m)[1].matched, 0);
	assert_int_equal(fl_matcher_stats(m)[2].matched, 1);
	assert_string_equal(fl_matcher_last_match(m)->path, "/home/u/data/a.db");
	assert_string_equal(fl_matcher_last_match(m)->exe, "/usr/bin/curl");

	/* The next call is read afresh. */
	call.args[1] = A_ABS;
	memset(&counts, 0, sizeof(counts));
	assert_false(fl_matcher_decide(m, &call, &d));
	assert_int_equal(counts.read_string, 1);
	assert_null(fl_matcher_last_match(m)->path);

	/* A call no rule names costs nothing; neither does a filterless rule. */
	call.nr = SYS_read;
	memset(&counts, 0, sizeof(counts));
	assert_false(fl_matcher_decide(m, &call, &d));
	assert_int_equal(counts.read_string + counts.read_mem + counts.cwd + counts.fd + counts.exe, 0);
	fl_matcher_free(m);
	fl_rule_set_free(set);
}

/* A read too small to shorten costs no /proc read, even with path: on the rule. */
static void test_short_before_proc(void **state)
{
	const char *yaml[] = { "{syscall: read, path: '/srv/**', short: 100}", NULL };
	struct fl_call call = { .arch = NATIVE, .nr = SYS_read, .args = { 3, 0x9000, 50 },
				.src = &source };

	memset(&counts, 0, sizeof(counts));
	assert_false(run_call(yaml, &call).acted);
	assert_int_equal(counts.fd + counts.cwd + counts.read_string + counts.read_mem, 0);
	call.args[2] = 500;
	assert_true(run_call(yaml, &call).acted);
	assert_int_equal(counts.fd, 1);
}

static void test_no_filters_no_reads(void **state)
{
	const char *yaml[] = { "{syscall: openat, error: EIO}", NULL };
	struct fl_rule_set *set = load(yaml);
	struct fl_matcher *m = fl_matcher_new(set, 1);
	struct fl_call call = { .arch = NATIVE, .nr = SYS_openat, .args = { FDCWD, A_REL },
				.src = &source };
	struct fl_decision d;

	memset(&counts, 0, sizeof(counts));
	assert_true(fl_matcher_decide(m, &call, &d));
	assert_int_equal(counts.read_string + counts.read_mem + counts.cwd + counts.fd + counts.exe, 0);
	assert_null(m->cache);
	assert_null(fl_matcher_last_match(m)->path);
	assert_false(fl_matcher_last_match(m)->has_sockaddr);
	/* Without a source too. */
	call.src = NULL;
	assert_true(fl_matcher_decide(m, &call, &d));
	fl_matcher_free(m);
	fl_rule_set_free(set);
}

static void test_no_source(void **state)
{
	/* Register filters still work; anything that reads further doesn't match. */
	static const char *const rules[] = {
		"{syscall: read, fd: 3, error: EIO}",
		"{syscall: read, args: {2: 10}, error: EIO}",
		"{syscall: read, short: 5}",
	};
	static const char *const no_rules[] = {
		"{syscall: read, path: '/**', error: EIO}",
		"{syscall: read, process: '*', error: EIO}",
		"{syscall: connect, port: 5432, error: EIO}",
		"{syscall: readv, short: 5}",
	};
	struct fl_call call = { .arch = NATIVE, .nr = SYS_read, .args = { 3, A_IOV, 10 } };

	for (size_t i = 0; i < FL_ARRAY_SIZE(rules); i++) {
		const char *yaml[] = { rules[i], NULL };

		assert_true(run_call(yaml, &call).acted);
	}
	for (size_t i = 0; i < FL_ARRAY_SIZE(no_rules); i++) {
		const char *yaml[] = { no_rules[i], NULL };
		struct fl_call c2 = call;

		c2.nr = fl_syscall_nr(NATIVE, strstr(no_rules[i], "connect") ? "connect" :
					   strstr(no_rules[i], "readv") ? "readv" : "read");
		c2.args[2] = strstr(no_rules[i], "readv") ? 3 : 16;
		if (run_call(yaml, &c2).acted)
			fail_msg("%s acted without a source", no_rules[i]);
	}
}

static void test_compat_paths(void **state)
{
	/* The compat ABI's openat; the pointer's upper 32 bits are not the tracee's. */
	const char *yaml[] = { "{syscall: openat, path: /home/u/data/a.db, args: {0: -100}, error: EIO}",
			       NULL };
	struct fl_call call = { .arch = COMPAT, .nr = fl_syscall_nr(COMPAT, "openat"),
				.args = { 0xffffff9c, 0xffffffff00000000 | A_REL, 0 },
				.src = &source };
	struct outcome o;

#if defined(__x86_64__)
	assert_int_equal(call.nr, 295); /* i386 openat */
#endif
	assert_true(call.nr >= 0);
	o = run_call(yaml, &call);

	assert_true(o.acted);
	assert_string_equal(o.path, "/home/u/data/a.db");
}

/* Unreadable /proc: no cwd, no links. A rule with path: then never matches. */
static ssize_t no_proc(void *ud, enum fl_proc_link what, int fd, char *buf, size_t size)
{
	return -EACCES;
}

static void test_unreadable_proc(void **state)
{
	struct fl_call_source src = source;
	const char *yaml[] = { "{syscall: [openat, read], path: '/**', error: EIO}", NULL };
	struct fl_call call = { .arch = NATIVE, .nr = SYS_openat, .args = { FDCWD, A_REL },
				.src = &src };

	src.proc_link = no_proc;
	assert_false(run_call(yaml, &call).acted);
	call.nr = SYS_read;
	call.args[0] = 3;
	assert_false(run_call(yaml, &call).acted);
	/* An absolute path needs no /proc. */
	call.nr = SYS_openat;
	call.args[0] = FDCWD;
	call.args[1] = A_ABS;
	assert_true(run_call(yaml, &call).acted);
}

/* The seeded stream is unaffected by filters: rejected calls draw nothing. */
static void test_filters_keep_streams(void **state)
{
	const char *yaml[] = { "{syscall: read, fd: 3, error: [EIO, ENOSPC, EINTR], probability: 0.5}",
			       NULL };
	struct fl_rule_set *set = load(yaml);
	struct fl_matcher *a = fl_matcher_new(set, 7), *b = fl_matcher_new(set, 7);
	struct fl_call hit = { .arch = NATIVE, .nr = SYS_read, .args = { 3 }, .src = &source };
	struct fl_call miss = { .arch = NATIVE, .nr = SYS_read, .args = { 4 }, .src = &source };

	for (int i = 0; i < 200; i++) {
		struct fl_decision da = { 0 }, db = { 0 };
		bool ra, rb;

		/* b sees a miss before every hit; the hits must decide the same. */
		assert_false(fl_matcher_decide(b, &miss, &db));
		ra = fl_matcher_decide(a, &hit, &da);
		rb = fl_matcher_decide(b, &hit, &db);
		assert_int_equal(ra, rb);
		assert_int_equal(da.error, db.error);
	}
	assert_int_equal(fl_matcher_stats(a)[0].matched, 200);
	assert_int_equal(fl_matcher_stats(b)[0].matched, 200);
	fl_matcher_free(a);
	fl_matcher_free(b);
	fl_rule_set_free(set);
}

/*
 * The rule index (by syscall, by literal path prefix) decides exactly what
 * trying every rule in turn decides: the same rule acts with the same
 * error, the same path is reported, and every rule's matched and injected
 * counters end the same, over a mix of indexed and unindexable patterns,
 * counters, probabilities, per: thread and 200 rules that never match.
 */
static void test_index_same_as_linear(void **state)
{
	static const char *const head[] = {
		"{syscall: read, error: EINTR, probability: 0.1}",
		"{syscall: openat, path: '/srv/data/*', error: EIO, probability: 0.5}",
		"{syscall: [openat, open], path: ['/home/u/*/a.db', '/srv/**'], error: EACCES, every: 2}",
		"{syscall: openat, path: '/**/b.db', error: ENOENT, times: 3}",
		"{syscall: read, fd: 3, error: EIO, after: 1}",
		"{syscall: read, path: /srv/data/a.db, error: EBADF, probability: 0.3}",
		"{syscall: openat, path: /srv/data/b.db, error: EPERM, per: thread, probability: 0.5}",
		"{syscall: connect, path: '/run/*', error: ECONNREFUSED, every: 3}",
		"{syscall: [open, openat], path: '/srv/x.log', error: ENOSPC, probability: 0.5}",
		"{syscall: open, path: '/s*/**', error: EROFS, probability: 0.5}",
	};
	static const char *const tail[] = {
		"{syscall: openat, path: '/home/u/data/*', error: EEXIST}",
		"{syscall: read, error: EAGAIN, probability: 0.5}",
		"{syscall: connect, error: ETIMEDOUT}",
		"{syscall: open, error: EMFILE}",
	};
	const size_t n_filler = 200;
	const char *yaml[FL_ARRAY_SIZE(head) + 200 + FL_ARRAY_SIZE(tail) + 1];
	char filler[200][96];
	size_t n = 0;
	struct {
		const char *sys;
		uint64_t args[6];
	} calls[] = {
		{ "openat", { FDCWD, A_REL, O_RDONLY } },  /* /home/u/data/a.db */
		{ "openat", { FDCWD, A_ABS, O_RDONLY } },  /* /srv/data/b.db */
		{ "open", { A_MESSY, O_RDONLY } },         /* /srv/data/c.db */
		{ "openat", { 8, A_XLOG, O_RDONLY } },     /* /srv/x.log */
		{ "open", { A_XLOG, O_RDONLY } },          /* /home/u/x.log */
		{ "read", { 3, 0x9000, 10 } },             /* /srv/data/a.db */
		{ "read", { 12, 0x9000, 10 } },            /* /srv/data/big */
		{ "read", { 5, 0x9000, 10 } },             /* a pipe */
		{ "connect", { 10, A_UN, sizeof(struct sockaddr_un) } },
		{ "openat", { FDCWD, A_BAD, O_RDONLY } },  /* unreadable */
	};

	(void)state;
	for (size_t i = 0; i < FL_ARRAY_SIZE(head); i++)
		yaml[n++] = head[i];
	for (size_t i = 0; i < n_filler; i++) {
		snprintf(filler[i], sizeof(filler[i]),
			 "{syscall: [openat, open, read], path: '/nonexistent/d%zu/*', error: EIO}", i);
		yaml[n++] = filler[i];
	}
	for (size_t i = 0; i < FL_ARRAY_SIZE(tail); i++)
		yaml[n++] = tail[i];
	yaml[n] = NULL;

	struct fl_rule_set *set = load(yaml);
	struct fl_matcher *fast = fl_matcher_new(set, 42), *slow = fl_matcher_new(set, 42);

	assert_non_null(fast);
	assert_non_null(slow);
	fl_matcher_set_linear(slow);
	for (int k = 0; k < 600; k++) {
		struct fl_call raw = { .arch = native_abi(), .src = &source, .tid = 100 + k % 3,
				       .pid = 100 };
		struct fl_decision df = { 0 }, ds = { 0 };
		const struct fl_match_info *fi, *si;
		bool af, as;

		raw.nr = fl_syscall_nr(native_abi(), calls[k % FL_ARRAY_SIZE(calls)].sys);
		/* open: only where the machine has it (not aarch64) */
		if (raw.nr < 0 && !strcmp(calls[k % FL_ARRAY_SIZE(calls)].sys, "open"))
			continue;
		assert_true(raw.nr >= 0);
		memcpy(raw.args, calls[k % FL_ARRAY_SIZE(calls)].args, sizeof(raw.args));
		struct fl_call call = as_read(&raw);

		af = fl_matcher_decide(fast, &call, &df);
		as = fl_matcher_decide(slow, &call, &ds);
		if (af != as || (af && (df.rule != ds.rule || df.error != ds.error)))
			fail_msg("call %d (%s): index %s rule %zu error %d, linear %s rule %zu error %d", k,
				 calls[k % FL_ARRAY_SIZE(calls)].sys, af ? "acts" : "passes", df.rule,
				 df.error, as ? "acts" : "passes", ds.rule, ds.error);
		fi = fl_matcher_last_match(fast);
		si = fl_matcher_last_match(slow);
		if (af && ((fi->path == NULL) != (si->path == NULL) ||
			   (fi->path && strcmp(fi->path, si->path))))
			fail_msg("call %d: path %s vs %s", k, fi->path ? fi->path : "(none)",
				 si->path ? si->path : "(none)");
	}
	size_t acted_rules = 0;
	for (size_t i = 0; i < set->n_rules; i++) {
		assert_int_equal(fl_matcher_stats(fast)[i].matched, fl_matcher_stats(slow)[i].matched);
		assert_int_equal(fl_matcher_stats(fast)[i].injected, fl_matcher_stats(slow)[i].injected);
		acted_rules += fl_matcher_stats(fast)[i].injected > 0;
	}
	/* The mix really exercises the rules: most of the head and the tail act. */
	assert_true(acted_rules >= 8);
	for (size_t i = FL_ARRAY_SIZE(head); i < FL_ARRAY_SIZE(head) + n_filler; i++)
		assert_int_equal(fl_matcher_stats(fast)[i].matched, 0);
	fl_matcher_free(fast);
	fl_matcher_free(slow);
	fl_rule_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_resolution),
		cmocka_unit_test(test_path_fds),
		cmocka_unit_test(test_register_filters),
		cmocka_unit_test(test_process_info),
		cmocka_unit_test(test_sockaddr_filters),
		cmocka_unit_test(test_short),
		cmocka_unit_test(test_short_compat),
		cmocka_unit_test(test_fd_type),
		cmocka_unit_test(test_short_bound),
		cmocka_unit_test(test_take_back),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_read_once),
		cmocka_unit_test(test_short_before_proc),
		cmocka_unit_test(test_no_filters_no_reads),
		cmocka_unit_test(test_no_source),
		cmocka_unit_test(test_compat_paths),
		cmocka_unit_test(test_unreadable_proc),
		cmocka_unit_test(test_filters_keep_streams),
		cmocka_unit_test(test_index_same_as_linear),
	};

	return cmocka_run_group_tests(tests, setup_memory, NULL);
}

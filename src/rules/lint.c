/*
 * Every warning of the loader (faultline check): a syscall the vDSO
 * serves, 'times: 0' and 'probability: 0', an errno none of the rule's
 * syscalls is documented to return, a rule shadowed by an earlier one; and
 * the fact tables behind them. See lint.h.
 *
 * The errno lists are the ERRORS sections of the Linux man-pages 6.03
 * (Debian 12's manpages-dev), page by page; a page that refers to others
 * ("pread() can fail with any error specified for read(2) or lseek(2)")
 * is the union of them. They are advice: a rule that injects something
 * else still loads and runs, since real kernels and file systems return
 * more than the pages list, but a program is rarely written to handle an
 * errno its call is not documented to return, so the test may be
 * exercising nothing real.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "faultline/base.h"
#include "lint.h"
#include "load.h"

/*
 * vdso(7), "x86-64 functions": __vdso_clock_gettime, __vdso_getcpu,
 * __vdso_gettimeofday, __vdso_time. Since Linux 5.3 the x86 vDSO also
 * exports __vdso_clock_getres (arch/x86/entry/vdso/vdso.lds.S), and glibc
 * calls it there.
 */
static const char *const vdso_calls[] = {
	"clock_gettime", "clock_getres", "gettimeofday", "time", "getcpu",
};

bool fl_lint_vdso(const char *name)
{
	for (size_t i = 0; i < FL_ARRAY_SIZE(vdso_calls); i++)
		if (strcmp(vdso_calls[i], name) == 0)
			return true;
	return false;
}

/* Each list ends with 0. */

/* man 2 open, ERRORS (also openat, creat). */
static const int open_errs[] = {
	EACCES, EBADF, EBUSY, EDQUOT, EEXIST, EFAULT, EFBIG, EINTR, EINVAL, EISDIR, ELOOP,
	EMFILE, ENAMETOOLONG, ENFILE, ENODEV, ENOENT, ENOMEM, ENOSPC, ENOTDIR, ENXIO,
	EOPNOTSUPP, EOVERFLOW, EPERM, EROFS, ETXTBSY, EWOULDBLOCK, 0,
};

/*
 * man 2 read, ERRORS. The page adds "Other errors may occur, depending on
 * the object connected to fd": on a socket, those of net_errs.
 */
static const int read_errs[] = {
	EAGAIN, EBADF, EFAULT, EINTR, EINVAL, EIO, EISDIR, 0,
};

/* man 2 write, ERRORS (and "other errors ... depending on the object", as for read). */
static const int write_errs[] = {
	EAGAIN, EBADF, EDESTADDRREQ, EDQUOT, EFAULT, EFBIG, EINTR, EINVAL, EIO, ENOSPC, EPERM,
	EPIPE, 0,
};

/* man 2 lseek, ERRORS: pread(2) and pwrite(2) add these to read's and write's. */
static const int lseek_errs[] = {
	EBADF, EINVAL, ENXIO, EOVERFLOW, ESPIPE, 0,
};

/* man 2 readv, ERRORS: those of read(2) and write(2), and these. */
static const int readv_errs[] = {
	EINVAL, EOPNOTSUPP, 0,
};

/* man 2 close, ERRORS. */
static const int close_errs[] = {
	EBADF, EDQUOT, EINTR, EIO, ENOSPC, 0,
};

/* man 2 fsync, ERRORS (also fdatasync). */
static const int fsync_errs[] = {
	EBADF, EDQUOT, EINTR, EINVAL, EIO, ENOSPC, EROFS, 0,
};

/* man 2 fallocate, ERRORS. */
static const int fallocate_errs[] = {
	EBADF, EFBIG, EINTR, EINVAL, EIO, ENODEV, ENOSPC, EOPNOTSUPP, EPERM, ESPIPE,
	ETXTBSY, 0,
};

/* man 2 truncate, ERRORS (also ftruncate). */
static const int truncate_errs[] = {
	EACCES, EBADF, EFAULT, EFBIG, EINTR, EINVAL, EIO, EISDIR, ELOOP, ENAMETOOLONG, ENOENT,
	ENOTDIR, EPERM, EROFS, ETXTBSY, 0,
};

/* man 2 copy_file_range, ERRORS. */
static const int copy_file_range_errs[] = {
	EBADF, EFBIG, EINVAL, EIO, EISDIR, ENOMEM, ENOSPC, EOPNOTSUPP, EOVERFLOW, EPERM,
	ETXTBSY, EXDEV, 0,
};

/* man 2 sendfile, ERRORS. */
static const int sendfile_errs[] = {
	EAGAIN, EBADF, EFAULT, EINVAL, EIO, ENOMEM, EOVERFLOW, ESPIPE, 0,
};

/* man 2 unlink, ERRORS (also unlinkat). */
static const int unlink_errs[] = {
	EACCES, EBADF, EBUSY, EFAULT, EINVAL, EIO, EISDIR, ELOOP, ENAMETOOLONG, ENOENT, ENOMEM,
	ENOTDIR, EPERM, EROFS, 0,
};

/* man 2 rmdir, ERRORS. */
static const int rmdir_errs[] = {
	EACCES, EBUSY, EEXIST, EFAULT, EINVAL, ELOOP, ENAMETOOLONG, ENOENT, ENOMEM, ENOTDIR,
	ENOTEMPTY, EPERM, EROFS, 0,
};

/* man 2 mkdir, ERRORS (also mkdirat). */
static const int mkdir_errs[] = {
	EACCES, EBADF, EDQUOT, EEXIST, EFAULT, EINVAL, ELOOP, EMLINK, ENAMETOOLONG, ENOENT,
	ENOMEM, ENOSPC, ENOTDIR, EPERM, EROFS, 0,
};

/* man 2 rename, ERRORS (also renameat, renameat2). */
static const int rename_errs[] = {
	EACCES, EBADF, EBUSY, EDQUOT, EEXIST, EFAULT, EINVAL, EISDIR, ELOOP, EMLINK,
	ENAMETOOLONG, ENOENT, ENOMEM, ENOSPC, ENOTDIR, ENOTEMPTY, EPERM, EROFS, EXDEV, 0,
};

/* man 2 mmap, ERRORS. */
static const int mmap_errs[] = {
	EACCES, EAGAIN, EBADF, EEXIST, EINVAL, ENFILE, ENODEV, ENOEXEC, ENOMEM, EOVERFLOW,
	EPERM, ETXTBSY, 0,
};

/* man 2 pipe, ERRORS (also pipe2). */
static const int pipe_errs[] = {
	EFAULT, EINVAL, EMFILE, ENFILE, ENOPKG, 0,
};

/* man 2 dup, ERRORS (also dup2, dup3). */
static const int dup_errs[] = {
	EBADF, EBUSY, EINTR, EINVAL, EMFILE, 0,
};

/* man 2 poll, ERRORS (also ppoll). */
static const int poll_errs[] = {
	EFAULT, EINTR, EINVAL, ENOMEM, 0,
};

/* man 2 select, ERRORS (also pselect6). */
static const int select_errs[] = {
	EBADF, EINTR, EINVAL, ENOMEM, 0,
};

/* man 2 epoll_wait, ERRORS (also epoll_pwait). */
static const int epoll_wait_errs[] = {
	EBADF, EFAULT, EINTR, EINVAL, 0,
};

/* man 2 nanosleep, ERRORS; clock_nanosleep(2) adds ENOTSUP (== EOPNOTSUPP). */
static const int nanosleep_errs[] = {
	EFAULT, EINTR, EINVAL, EOPNOTSUPP, 0,
};

/* man 2 socket, ERRORS. */
static const int socket_errs[] = {
	EACCES, EAFNOSUPPORT, EINVAL, EMFILE, ENFILE, ENOBUFS, ENOMEM, EPROTONOSUPPORT, 0,
};

/* man 2 connect, ERRORS. */
static const int connect_errs[] = {
	EACCES, EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN, EALREADY, EBADF, ECONNREFUSED,
	EFAULT, EINPROGRESS, EINTR, EISCONN, ENETUNREACH, ENOTSOCK, EPERM, EPROTOTYPE,
	ETIMEDOUT, 0,
};

/* man 2 accept, ERRORS (also accept4). */
static const int accept_errs[] = {
	EAGAIN, EBADF, ECONNABORTED, EFAULT, EINTR, EINVAL, EMFILE, ENFILE, ENOBUFS, ENOMEM,
	ENOSR, ENOTSOCK, EOPNOTSUPP, EPERM, EPROTO, EPROTONOSUPPORT, ESOCKTNOSUPPORT,
	ETIMEDOUT, 0,
};

/* man 2 send, ERRORS (also sendto, sendmsg, sendmmsg). */
static const int send_errs[] = {
	EACCES, EAGAIN, EALREADY, EBADF, ECONNRESET, EDESTADDRREQ, EFAULT, EINTR, EINVAL,
	EISCONN, EMSGSIZE, ENOBUFS, ENOMEM, ENOTCONN, ENOTSOCK, EOPNOTSUPP, EPIPE, 0,
};

/* man 2 recv, ERRORS (also recvfrom, recvmsg, recvmmsg). */
static const int recv_errs[] = {
	EAGAIN, EBADF, ECONNREFUSED, EFAULT, EINTR, EINVAL, ENOMEM, ENOTCONN, ENOTSOCK, 0,
};

/* man 2 bind, ERRORS. */
static const int bind_errs[] = {
	EACCES, EADDRINUSE, EADDRNOTAVAIL, EBADF, EFAULT, EINVAL, ELOOP, ENAMETOOLONG, ENOENT,
	ENOMEM, ENOTDIR, ENOTSOCK, EROFS, 0,
};

/* man 2 listen, ERRORS. */
static const int listen_errs[] = {
	EADDRINUSE, EBADF, ENOTSOCK, EOPNOTSUPP, 0,
};

/*
 * The socket pages say "additional errors may be generated and returned
 * from the underlying protocol modules; see their manual pages":
 * tcp(7) ERRORS (EPIPE, ETIMEDOUT; "any errors defined for ip(7) or the
 * generic socket layer may also be returned"), ip(7) ERRORS, udp(7)
 * (ECONNREFUSED from an ICMP error), unix(7) ERRORS. ECONNRESET is in
 * unix(7) and send(2); on TCP it is what a reset connection gives every
 * later read, write, send or recv (the kernel's tcp_reset()), the most
 * common network failure there is.
 */
static const int net_errs[] = {
	EACCES, EADDRINUSE, EADDRNOTAVAIL, EAGAIN, EALREADY, ECONNABORTED, ECONNREFUSED,
	ECONNRESET, EHOSTUNREACH, EINVAL, EISCONN, EMSGSIZE, ENETUNREACH, ENOBUFS, ENOMEM,
	ENOPROTOOPT, ENOTCONN, EOPNOTSUPP, EPERM, EPIPE, ETIMEDOUT, 0,
};

/* unix(7) ERRORS: what the same calls give on AF_UNIX sockets. */
static const int unix_errs[] = {
	EADDRINUSE, EBADF, ECONNREFUSED, ECONNRESET, EFAULT, EINVAL, EISCONN, ENFILE, ENOENT,
	ENOMEM, ENOTCONN, EOPNOTSUPP, EPERM, EPIPE, EPROTONOSUPPORT, EPROTOTYPE,
	ESOCKTNOSUPPORT, ESRCH, ETOOMANYREFS, 0,
};

#define SETS(...) ((const int *const[]){ __VA_ARGS__, NULL })

static const struct {
	const char *name;
	const char *page;
	const int *const *sets; /* NULL-terminated */
} errdocs[] = {
	{ "open", "open(2)", SETS(open_errs) },
	{ "openat", "open(2)", SETS(open_errs) },
	{ "creat", "open(2)", SETS(open_errs) },
	{ "read", "read(2)", SETS(read_errs, net_errs) },
	{ "write", "write(2)", SETS(write_errs, net_errs) },
	{ "pread64", "pread(2)", SETS(read_errs, lseek_errs) },
	{ "pwrite64", "pwrite(2)", SETS(write_errs, lseek_errs) },
	{ "readv", "readv(2)", SETS(readv_errs, read_errs, write_errs, net_errs) },
	{ "writev", "writev(2)", SETS(readv_errs, read_errs, write_errs, net_errs) },
	{ "preadv", "preadv(2)", SETS(readv_errs, read_errs, write_errs, lseek_errs) },
	{ "pwritev", "pwritev(2)", SETS(readv_errs, read_errs, write_errs, lseek_errs) },
	{ "close", "close(2)", SETS(close_errs) },
	{ "fsync", "fsync(2)", SETS(fsync_errs) },
	{ "fdatasync", "fdatasync(2)", SETS(fsync_errs) },
	{ "fallocate", "fallocate(2)", SETS(fallocate_errs) },
	{ "truncate", "truncate(2)", SETS(truncate_errs) },
	{ "ftruncate", "ftruncate(2)", SETS(truncate_errs) },
	{ "copy_file_range", "copy_file_range(2)", SETS(copy_file_range_errs) },
	{ "sendfile", "sendfile(2)", SETS(sendfile_errs) },
	{ "unlink", "unlink(2)", SETS(unlink_errs) },
	{ "unlinkat", "unlink(2)", SETS(unlink_errs) },
	{ "rmdir", "rmdir(2)", SETS(rmdir_errs) },
	{ "mkdir", "mkdir(2)", SETS(mkdir_errs) },
	{ "mkdirat", "mkdir(2)", SETS(mkdir_errs) },
	{ "rename", "rename(2)", SETS(rename_errs) },
	{ "renameat", "rename(2)", SETS(rename_errs) },
	{ "renameat2", "rename(2)", SETS(rename_errs) },
	{ "mmap", "mmap(2)", SETS(mmap_errs) },
	{ "pipe", "pipe(2)", SETS(pipe_errs) },
	{ "pipe2", "pipe(2)", SETS(pipe_errs) },
	{ "dup", "dup(2)", SETS(dup_errs) },
	{ "dup2", "dup(2)", SETS(dup_errs) },
	{ "dup3", "dup(2)", SETS(dup_errs) },
	{ "poll", "poll(2)", SETS(poll_errs) },
	{ "ppoll", "poll(2)", SETS(poll_errs) },
	{ "select", "select(2)", SETS(select_errs) },
	{ "pselect6", "select(2)", SETS(select_errs) },
	{ "epoll_wait", "epoll_wait(2)", SETS(epoll_wait_errs) },
	{ "epoll_pwait", "epoll_wait(2)", SETS(epoll_wait_errs) },
	{ "nanosleep", "nanosleep(2)", SETS(nanosleep_errs) },
	{ "clock_nanosleep", "clock_nanosleep(2)", SETS(nanosleep_errs) },
	{ "socket", "socket(2)", SETS(socket_errs) },
	{ "connect", "connect(2)", SETS(connect_errs, net_errs, unix_errs) },
	{ "accept", "accept(2)", SETS(accept_errs, net_errs, unix_errs) },
	{ "accept4", "accept(2)", SETS(accept_errs, net_errs, unix_errs) },
	{ "bind", "bind(2)", SETS(bind_errs) },
	{ "listen", "listen(2)", SETS(listen_errs) },
	{ "send", "send(2)", SETS(send_errs, net_errs, unix_errs) },
	{ "sendto", "send(2)", SETS(send_errs, net_errs, unix_errs) },
	{ "sendmsg", "send(2)", SETS(send_errs, net_errs, unix_errs) },
	{ "sendmmsg", "sendmmsg(2)", SETS(send_errs, net_errs, unix_errs) },
	{ "recv", "recv(2)", SETS(recv_errs, net_errs, unix_errs) },
	{ "recvfrom", "recv(2)", SETS(recv_errs, net_errs, unix_errs) },
	{ "recvmsg", "recv(2)", SETS(recv_errs, net_errs, unix_errs) },
	{ "recvmmsg", "recvmmsg(2)", SETS(recv_errs, net_errs, unix_errs) },
};

int fl_lint_errno_documented(const char *name, int err, const char **ret_page)
{
	for (size_t i = 0; i < FL_ARRAY_SIZE(errdocs); i++) {
		if (strcmp(errdocs[i].name, name) != 0)
			continue;
		/*
		 * Any call can fail with ENOSYS: a kernel without it, or a
		 * seccomp filter (containers) that blocks it.
		 */
		if (err == ENOSYS)
			return 1;
		for (const int *const *set = errdocs[i].sets; *set; set++)
			for (const int *e = *set; *e; e++)
				if (*e == err)
					return 1;
		if (ret_page)
			*ret_page = errdocs[i].page;
		return 0;
	}
	return -ENOENT;
}

/* ---- the loader's warnings ---- */

void fl_lint_syscall(struct load *ld, const struct key_def *def, const struct node *v)
{
	if (fl_lint_vdso(v->text))
		warn_at(ld, v, "key '%s': %s is served by the vDSO on x86_64: the C library "
			"answers it without entering the kernel, so this rule only sees raw "
			"syscall(2) uses and i386 programs; to change what programs read of the "
			"clock, use a clock: rule instead ({clock: {offset: +3h}}, no syscall:), "
			"which takes the vDSO away", def->name, v->text);
}

void fl_lint_never_acts(struct load *ld, const struct key_def *def, const struct node *v)
{
	warn_at(ld, v, "key '%s': 0 means the rule never acts; remove the rule, or run "
		"with --dry-run to only count calls", def->name);
}

/*
 * Advice: an errno that none of the man pages of the rule's syscalls lists
 * (read with ENOENT) tests an error path the program may not have. One
 * warning per errno, at its first place in the 'error' value, naming the
 * syscalls whose pages lack it; syscalls lint.c knows nothing about are
 * left out.
 */
void fl_lint_errnos_documented(struct load *ld, const struct rule_state *rs)
{
	const struct node *value = rs->seen.value[RK_ERROR];
	const struct fl_rule *r = &rs->p->r;

	if (!value || !rs->seen.ok[RK_ERROR] || !ld->diags->warnings)
		return;
	/* Each errno once, at its first place: a bitmap, so a long list costs O(n). */
	int max_err = 0;
	for (size_t e = 0; e < r->n_errors; e++)
		if (r->errors[e] > max_err)
			max_err = r->errors[e];
	_cleanup_free_ unsigned char *done = calloc((size_t)max_err / 8 + 1, 1);
	if (!done) {
		ld->oom = true;
		return;
	}
	for (size_t e = 0; e < r->n_errors; e++) {
		_cleanup_free_ char *list = NULL;
		const struct node *where;
		const char *name;
		size_t len = 0, n_bad = 0;
		int err = r->errors[e];
		FILE *f;

		if (err <= 0 || (done[err / 8] & (1u << (err % 8))))
			continue;
		done[err / 8] |= (unsigned char)(1u << (err % 8));
		name = fl_errno_name(err);
		/* Entry e of the list is errors[e]: a valid list parses one to one. */
		where = value->kind == NODE_SEQUENCE && e < value->n_kids ? value->kids[e] : value;
		f = open_memstream(&list, &len);
		if (!f) {
			ld->oom = true;
			return;
		}
		for (size_t i = 0; i < r->n_calls; i++) {
			const char *page = NULL;

			if (rs->call_by[i]->text[0] == '@')
				continue; /* below */
			if (fl_lint_errno_documented(r->calls[i], r->errors[e], &page) != 0)
				continue;
			fprintf(f, "%s%s (%s)", n_bad ? ", " : "", r->calls[i], page);
			n_bad++;
		}
		/*
		 * A group's members differ in what they return: only a group none
		 * of whose known members is documented to return the errno is named.
		 */
		for (size_t g = 0; g < r->n_syscalls; g++) {
			size_t known = 0, documented = 0;

			if (r->syscalls[g][0] != '@')
				continue;
			for (size_t i = 0; i < r->n_calls; i++) {
				const char *page;
				int d;

				if (strcmp(rs->call_by[i]->text, r->syscalls[g]) != 0)
					continue;
				d = fl_lint_errno_documented(r->calls[i], r->errors[e], &page);
				known += d >= 0;
				documented += d == 1;
			}
			if (!known || documented)
				continue;
			fprintf(f, "%sany call of %s", n_bad ? ", " : "", r->syscalls[g]);
			n_bad++;
		}
		if (fclose(f) != 0) {
			ld->oom = true;
			return;
		}
		if (!n_bad)
			continue;
		if (name)
			warn_at(ld, where, "key 'error': %s is not among the errors documented for "
				"%s; a program is rarely written to handle it (see ERRORS in the man "
				"page)", name, list);
		else
			warn_at(ld, where, "key 'error': errno %d is not among the errors documented "
				"for %s; a program is rarely written to handle it (see ERRORS in the "
				"man page)", r->errors[e], list);
	}
}

/* ---- errnos a call never returns, EINTR where it never happens ---- */

/*
 * Calls that never fail with an errno: brk(2) answers a refused request
 * with the unchanged break (glibc's brk() compares; sbrk's callers then
 * fall back to mmap), and the others cannot fail at all (their man pages:
 * "These functions are always successful"). An injected -errno reaches
 * the program as a value it does not check: glibc takes brk's -12 for the
 * new break and malloc crashes, in the C library, not in the program.
 */
static const struct {
	const char *name;
	const char *instead; /* what models its failure, NULL: nothing does */
} never_errno[] = {
	{ "brk", "'retval: 0' (the break unchanged: malloc falls back to mmap, as "
		 "rules/scenarios/memory-pressure.yaml does)" },
	{ "getegid", NULL }, { "geteuid", NULL }, { "getgid", NULL }, { "getpgrp", NULL },
	{ "getpid", NULL }, { "getppid", NULL }, { "gettid", NULL }, { "getuid", NULL },
	{ "sched_yield", NULL }, { "sync", NULL }, { "umask", NULL },
};

const char *fl_lint_never_errno(const char *name, bool *ret_known)
{
	for (size_t i = 0; i < FL_ARRAY_SIZE(never_errno); i++) {
		if (strcmp(never_errno[i].name, name) == 0) {
			*ret_known = true;
			return never_errno[i].instead;
		}
	}
	*ret_known = false;
	return NULL;
}

void fl_lint_errno_form(struct load *ld, const struct rule_state *rs)
{
	const struct node *value = rs->seen.value[RK_ERROR];
	const struct fl_rule *r = &rs->p->r;

	if (!value || !rs->seen.ok[RK_ERROR] || !ld->diags->warnings)
		return;
	for (size_t i = 0; i < r->n_calls; i++) {
		bool known;
		const char *instead = fl_lint_never_errno(r->calls[i], &known);

		if (!known)
			continue;
		if (instead)
			warn_at(ld, value, "key 'error': %s never returns an errno: the kernel "
				"refuses it by returning the old break, and the C library takes "
				"-errno for an address and crashes (a crash of faultline's making, "
				"not the program's); use %s", r->calls[i], instead);
		else
			warn_at(ld, value, "key 'error': %s never fails, so no program checks its "
				"result: the -errno reaches it as a value (a pid, an id, a mask) and "
				"what breaks is of faultline's making", r->calls[i]);
	}
}

/* Kinds of file that never give EINTR: the kernel finishes their I/O first. */
#define NO_EINTR_TYPES ((1u << FL_FD_REGULAR) | (1u << FL_FD_DIR) | (1u << FL_FD_BLOCKDEV))

/*
 * EINTR on a read or write of a regular file is not what real systems do
 * (signal(7): disk I/O is not interrupted), and a rule on every read
 * reaches the dynamic loader reading shared libraries ("cannot read file
 * data: Error 4"). Warn when a rule aims EINTR at regular files: by
 * fd_type, by path: (files) without fd_type, or at every fd of a
 * read/write-like call.
 */
void fl_lint_eintr_files(struct load *ld, const struct rule_state *rs)
{
	const struct node *value = rs->seen.value[RK_ERROR];
	const struct fl_rule *r = &rs->p->r;
	bool eintr = false, rw = false;

	if (!value || !rs->seen.ok[RK_ERROR] || !ld->diags->warnings)
		return;
	for (size_t e = 0; e < r->n_errors; e++)
		eintr |= r->errors[e] == EINTR;
	for (size_t i = 0; i < r->n_calls; i++) {
		unsigned caps = fl_sysinfo_caps(fl_sysinfo_find(r->calls[i]));

		rw |= (caps & FL_SYS_COUNT) && (caps & FL_SYS_FD);
	}
	if (!eintr || !rw)
		return;
	if (r->fd_types & NO_EINTR_TYPES)
		warn_at(ld, rs->seen.value[RK_FD_TYPE], "key 'fd_type': EINTR on regular files, "
			"directories or block devices does not happen (the kernel finishes disk "
			"I/O before it looks at signals); aim it at pipe, fifo, socket and tty");
	else if (!r->fd_types && r->n_paths)
		warn_at(ld, rs->seen.value[RK_PATH], "key 'path': EINTR on the files a path names "
			"does not happen (the kernel finishes disk I/O before it looks at "
			"signals); add 'fd_type: [pipe, fifo, socket, tty]' if the path is a FIFO "
			"or a socket");
	else if (!r->fd_types && !r->n_fds)
		warn_at(ld, value, "key 'error': EINTR on every read or write reaches regular files "
			"too, the dynamic loader's reads of shared libraries included, where it "
			"never happens; add 'fd_type: [pipe, fifo, socket, tty]'");
}

/* ---- shadowed rules ---- */

/*
 * A rule that acts on every call it matches: no filters, no counters, no
 * probability, and not 'short' (which passes calls that ask for too few
 * bytes). Rules after it never see those calls.
 */
static bool always_acts(const struct fl_rule *r)
{
	return !fl_rule_has_filters(r) && r->after == 0 && r->every == 1 &&
	       r->times == FL_TIMES_UNLIMITED && r->probability >= 1.0 &&
	       r->short_kind == FL_SHORT_NONE && fl_rule_has_action(r);
}

static bool covers(const struct fl_rule *early, const struct fl_rule *late)
{
	/*
	 * A clock: rule acts only on its clocks' readings and absolute waits:
	 * never all of a syscall rule's calls; another clock: rule's only when
	 * its clocks are among the earlier one's.
	 */
	if (early->has_clock)
		return late->has_clock && (late->clock_set & ~early->clock_set) == 0;
	for (size_t i = 0; i < late->n_calls; i++) {
		bool listed = false;

		for (size_t j = 0; j < early->n_calls && !listed; j++)
			listed = strcmp(early->calls[j], late->calls[i]) == 0;
		if (!listed)
			return false;
	}
	return late->n_calls > 0;
}

/*
 * Warn about each rule of this source that can never act because an
 * earlier one (of this source or of one loaded before) always acts on all
 * of its syscalls first: rules are tried in order and the first that acts
 * wins.
 */
void fl_lint_shadowed(struct load *ld)
{
	const struct fl_rule_set *set = ld->set;
	/* The rules that always act, in order: usually few, so n rules cost O(n). */
	_cleanup_free_ const struct fl_rule **acting = NULL;
	_cleanup_free_ const char **acting_file = NULL;
	size_t n_acting = 0;

	if (!ld->diags->warnings)
		return;
	acting = calloc(set->n_rules + ld->n_rules + 1, sizeof(*acting));
	acting_file = calloc(set->n_rules + ld->n_rules + 1, sizeof(*acting_file));
	if (!acting || !acting_file) {
		ld->oom = true;
		return;
	}
	for (size_t j = 0; j < set->n_rules; j++)
		if (always_acts(&set->rules[j])) {
			acting_file[n_acting] = set->rules[j].file;
			acting[n_acting++] = &set->rules[j];
		}
	for (size_t i = 0; i < ld->n_rules; i++) {
		const struct fl_rule *late = &ld->rules[i].r;
		const struct fl_rule *early = NULL;
		const char *file = ld->origin;

		for (size_t k = 0; k < n_acting && !early; k++)
			if (covers(acting[k], late)) {
				early = acting[k];
				file = acting_file[k] ? acting_file[k] : ld->origin;
			}
		if (always_acts(late)) {
			acting_file[n_acting] = NULL; /* this source */
			acting[n_acting++] = late;
		}
		if (!early)
			continue;
		if (early->name)
			fl_load_warn(ld, late->line, late->column, "this rule never sees a call: rule '%s' "
			     "(%s:%u) comes first and acts on every call to its syscalls; put this "
			     "rule first or give that one a filter", early->name, file, early->line);
		else
			fl_load_warn(ld, late->line, late->column, "this rule never sees a call: the rule at "
			     "%s:%u comes first and acts on every call to its syscalls; put this "
			     "rule first or give that one a filter", file, early->line);
	}
}


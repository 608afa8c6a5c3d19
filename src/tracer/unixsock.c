/*
 * /proc/PID/fd/N of a socket reads only "socket:[INODE]"; the name a unix
 * socket is bound to (or connected to) comes from NETLINK_SOCK_DIAG, asked
 * for that one inode (unix_diag's exact lookup).
 */
#include <errno.h>
#include <stdbool.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "faultline/base.h"
#include "unixsock.h"

struct diag_answer {
	char name[256];  /* as the kernel gives it: abstract names start with NUL */
	size_t name_len; /* 0: not bound */
	uint32_t peer;   /* 0: no peer */
};

static int diag_query(int fd, uint32_t ino, struct diag_answer *ret)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} q = {
		.nlh = {
			.nlmsg_len = sizeof(q),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST,
		},
		.req = {
			.sdiag_family = AF_UNIX,
			.udiag_states = ~0u,
			.udiag_ino = ino,
			.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER,
			/* No cookie to check: look the inode up as it is. */
			.udiag_cookie = { ~0u, ~0u },
		},
	};
	union {
		struct nlmsghdr nlh;
		char bytes[8192];
	} buf;
	ssize_t n;

	memset(ret, 0, sizeof(*ret));
	if (send(fd, &q, sizeof(q), 0) < 0)
		return -errno;
	n = recv(fd, &buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	for (struct nlmsghdr *h = &buf.nlh; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);
			/* The exact lookup says ENOENT for an inode that is no unix socket. */
			return e->error == -ENOENT ? -EAFNOSUPPORT : e->error;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
			continue;
		const struct unix_diag_msg *m = NLMSG_DATA(h);
		int len = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
		for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
			size_t plen = RTA_PAYLOAD(a);
			if (a->rta_type == UNIX_DIAG_NAME && plen > 0) {
				ret->name_len = plen < sizeof(ret->name) ? plen : sizeof(ret->name);
				memcpy(ret->name, RTA_DATA(a), ret->name_len);
			} else if (a->rta_type == UNIX_DIAG_PEER && plen >= sizeof(uint32_t)) {
				memcpy(&ret->peer, RTA_DATA(a), sizeof(uint32_t));
			}
		}
		return 0;
	}
	return -EIO;
}

static ssize_t format_name(const struct diag_answer *a, char *buf, size_t size)
{
	const char *name = a->name;
	size_t len = a->name_len;
	size_t at = 0;

	if (size == 0)
		return -EINVAL;
	if (name[0] == '\0') {
		/* Abstract: "@name", as ss(8) and lsof show it. */
		buf[at++] = '@';
		name++;
		len--;
	} else {
		len = strnlen(name, len);
	}
	if (at + len >= size)
		return -ENAMETOOLONG;
	memcpy(buf + at, name, len);
	buf[at + len] = '\0';
	return (ssize_t)(at + len);
}

/*
 * A client whose connection is not accepted yet has a peer the exact lookup
 * cannot find (the server's embryo socket). The listening socket knows it:
 * its pending connections (UDIAG_SHOW_ICONS) list the clients' inodes. Dump
 * the listening unix sockets and take the name of the one that lists @ino.
 */
static int listener_of(int fd, uint32_t ino, struct diag_answer *ret)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} q = {
		.nlh = {
			.nlmsg_len = sizeof(q),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		},
		.req = {
			.sdiag_family = AF_UNIX,
			.udiag_states = 1u << 10, /* TCP_LISTEN */
			.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_ICONS,
		},
	};
	union {
		struct nlmsghdr nlh;
		char bytes[32768];
	} buf;
	bool found = false;

	memset(ret, 0, sizeof(*ret));
	if (send(fd, &q, sizeof(q), 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, &buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (struct nlmsghdr *h = &buf.nlh; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return found ? 0 : -ENOENT;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((const struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (found || h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
				continue; /* keep reading to the end of the dump */
			const struct unix_diag_msg *m = NLMSG_DATA(h);
			int len = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
			struct diag_answer a = { 0 };
			bool lists_it = false;
			for (struct rtattr *at = (struct rtattr *)(m + 1); RTA_OK(at, len); at = RTA_NEXT(at, len)) {
				size_t plen = RTA_PAYLOAD(at);
				if (at->rta_type == UNIX_DIAG_NAME && plen > 0) {
					a.name_len = plen < sizeof(a.name) ? plen : sizeof(a.name);
					memcpy(a.name, RTA_DATA(at), a.name_len);
				} else if (at->rta_type == UNIX_DIAG_ICONS) {
					const uint32_t *icons = RTA_DATA(at);
					for (size_t i = 0; i < plen / sizeof(uint32_t); i++)
						lists_it |= icons[i] == ino;
				}
			}
			if (lists_it && a.name_len) {
				*ret = a;
				found = true;
			}
		}
	}
}

ssize_t fl_unix_socket_name(uint64_t ino, char *buf, size_t size)
{
	_cleanup_close_ int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	struct diag_answer a;
	int r;

	if (fd < 0)
		return -errno;
	if (ino > UINT32_MAX)
		return -EAFNOSUPPORT;
	r = diag_query(fd, (uint32_t)ino, &a);
	if (r < 0)
		return r;
	if (a.name_len)
		return format_name(&a, buf, size);
	/*
	 * A connected client is unnamed: it is known by where it connected.
	 * Its peer before accept() is an embryo with no inode (peer 0), which
	 * only the listening socket knows.
	 */
	r = a.peer ? diag_query(fd, a.peer, &a) : -EAFNOSUPPORT;
	if (r == -EAFNOSUPPORT)
		r = listener_of(fd, (uint32_t)ino, &a);
	if (r < 0)
		return r == -EAFNOSUPPORT ? -ENOENT : r;
	return a.name_len ? format_name(&a, buf, size) : -ENOENT;
}

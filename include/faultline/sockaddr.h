/*
 * Socket addresses as the address:, port: and path: filters see them: a
 * decoder for the bytes a call passes (connect, bind, sendto, sendmsg's
 * msg_name) and address patterns ("10.0.0.0/8", "::1"). Pure.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A decoded address. AF_UNIX names: a pathname as given (possibly relative:
 * the matcher makes it absolute against the caller's cwd, as the kernel
 * does), "@name" for an abstract name (the leading NUL shown as '@', and
 * any NUL inside the name too, as /proc/net/unix does), "" for an unnamed
 * socket (only sa_family given).
 */
struct fl_sockaddr {
	int family;         /* AF_INET, AF_INET6 or AF_UNIX */
	uint8_t addr[16];   /* network order: AF_INET in addr[0..4), AF_INET6 all 16 */
	bool v4mapped;      /* AF_INET6 ::ffff:a.b.c.d; the IPv4 address is addr[12..16) */
	uint16_t port;      /* host order; AF_INET and AF_INET6 only */
	char path[112];     /* AF_UNIX only; sun_path has 108 bytes, plus '@' and NUL */
};

/*
 * Decode @len bytes of a struct sockaddr. The length rules are the kernel's:
 * AF_INET needs 16 bytes, AF_INET6 24 (sin6_scope_id may be left out),
 * AF_UNIX at least sa_family and at most sizeof(struct sockaddr_un).
 * Returns 0, -EINVAL when @len is wrong for the family (the kernel would
 * refuse the call too), -EAFNOSUPPORT for any other family.
 */
int fl_sockaddr_decode(const void *buf, size_t len, struct fl_sockaddr *ret);

/*
 * The address of @sa as text: "127.0.0.1", "::1", "::ffff:10.0.0.1", or the
 * AF_UNIX name as is. snprintf-like; returns the length needed.
 */
size_t fl_sockaddr_format(const struct fl_sockaddr *sa, char *buf, size_t size);

/*
 * An address pattern of the address: filter: an IPv4 or IPv6 literal,
 * optionally followed by /PREFIX (CIDR). An IPv4 pattern also matches
 * IPv4-mapped IPv6 addresses (::ffff:10.1.2.3 for 10.0.0.0/8), since that is
 * how a dual-stack socket connects to an IPv4 host; an IPv6 pattern matches
 * AF_INET6 addresses only.
 */
struct fl_addr_pattern {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network order, host bits zero */
	unsigned prefix;  /* 0..32 or 0..128; the full length without '/' */
};

/*
 * Parse @text. Returns 0; -EINVAL with *@ret_msg when it is not an address
 * pattern; -EDOM when the address has bits set past the prefix
 * ("10.0.0.1/8"): *@ret is then filled in with those bits cleared, so the
 * caller can suggest the network address.
 */
int fl_addr_pattern_parse(const char *text, struct fl_addr_pattern *ret, const char **ret_msg);

/* "10.0.0.0/8", "::1" (no prefix when it is the full length). snprintf-like. */
size_t fl_addr_pattern_format(const struct fl_addr_pattern *p, char *buf, size_t size);

/* Does @sa (AF_INET or AF_INET6) lie in @p? AF_UNIX never does. */
bool fl_addr_pattern_match(const struct fl_addr_pattern *p, const struct fl_sockaddr *sa);

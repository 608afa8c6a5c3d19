/*
 * Socket address decoding and address patterns. The bytes come from tracee
 * memory and are untrusted: every length is checked against what was read,
 * nothing is assumed to be terminated.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "faultline/base.h"

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int fl_sockaddr_decode(const void *buf, size_t len, struct fl_sockaddr *ret)
{
	const uint8_t *b = buf;
	sa_family_t family;

	*ret = (struct fl_sockaddr){ 0 };
	if (len < sizeof(family))
		return -EINVAL;
	memcpy(&family, b, sizeof(family));
	ret->family = family;

	switch (family) {
	case AF_INET: {
		struct sockaddr_in sin;

		if (len < sizeof(sin))
			return -EINVAL;
		memcpy(&sin, b, sizeof(sin));
		memcpy(ret->addr, &sin.sin_addr, 4);
		ret->port = ntohs(sin.sin_port);
		return 0;
	}
	case AF_INET6: {
		/* The kernel's SIN6_LEN_RFC2133: everything up to sin6_scope_id. */
		const size_t min = offsetof(struct sockaddr_in6, sin6_scope_id);
		struct sockaddr_in6 sin6 = { 0 };

		if (len < min)
			return -EINVAL;
		memcpy(&sin6, b, min);
		memcpy(ret->addr, &sin6.sin6_addr, 16);
		ret->port = ntohs(sin6.sin6_port);
		ret->v4mapped = memcmp(ret->addr, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0;
		return 0;
	}
	case AF_UNIX: {
		const size_t off = offsetof(struct sockaddr_un, sun_path);
		const char *sp = (const char *)b + off;
		size_t n;

		if (len > sizeof(struct sockaddr_un))
			return -EINVAL;
		n = len - off;
		if (n == 0)
			return 0; /* unnamed */
		if (sp[0] == '\0') {
			/* Abstract: exactly n - 1 bytes after the NUL, NULs included. */
			ret->path[0] = '@';
			for (size_t i = 1; i < n; i++)
				ret->path[i] = sp[i] ? sp[i] : '@';
			ret->path[n] = '\0';
			return 0;
		}
		/* A pathname ends at its first NUL or at the given length. */
		n = strnlen(sp, n);
		memcpy(ret->path, sp, n);
		ret->path[n] = '\0';
		return 0;
	}
	default:
		return -EAFNOSUPPORT;
	}
}

size_t fl_sockaddr_format(const struct fl_sockaddr *sa, char *buf, size_t size)
{
	char tmp[INET6_ADDRSTRLEN] = "";
	int n;

	switch (sa->family) {
	case AF_INET:
		inet_ntop(AF_INET, sa->addr, tmp, sizeof(tmp));
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, sa->addr, tmp, sizeof(tmp));
		break;
	case AF_UNIX:
		n = snprintf(buf, size, "%s", sa->path);
		return n < 0 ? 0 : (size_t)n;
	default:
		snprintf(tmp, sizeof(tmp), "family %d", sa->family);
		break;
	}
	n = snprintf(buf, size, "%s", tmp);
	return n < 0 ? 0 : (size_t)n;
}

/* Strict decimal 0..@max without leading zeros or sign. */
static int parse_prefix(const char *s, unsigned max, unsigned *ret)
{
	unsigned v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return -ERANGE;
	}
	*ret = v;
	return 0;
}

int fl_addr_pattern_parse(const char *text, struct fl_addr_pattern *ret, const char **ret_msg)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t hlen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned bits;
	bool cut = false;
	int r;

	*ret = (struct fl_addr_pattern){ 0 };
	if (hlen == 0 || hlen >= sizeof(host)) {
		*ret_msg = "expected an IPv4 or IPv6 address such as 10.0.0.1, 10.0.0.0/8 or ::1";
		return -EINVAL;
	}
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, ret->addr) == 1) {
		ret->family = AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, host, ret->addr) == 1) {
		ret->family = AF_INET6;
		bits = 128;
	} else {
		*ret_msg = "expected an IPv4 or IPv6 address such as 10.0.0.1, 10.0.0.0/8 or ::1 "
			   "(host names are not resolved)";
		return -EINVAL;
	}
	ret->prefix = bits;
	if (slash) {
		r = parse_prefix(slash + 1, bits, &ret->prefix);
		if (r < 0) {
			*ret_msg = ret->family == AF_INET ? "the prefix length after '/' must be 0..32" :
							     "the prefix length after '/' must be 0..128";
			return -EINVAL;
		}
	}
	for (unsigned i = ret->prefix; i < bits; i++) {
		uint8_t bit = (uint8_t)(0x80u >> (i % 8));

		if (ret->addr[i / 8] & bit) {
			ret->addr[i / 8] &= (uint8_t)~bit;
			cut = true;
		}
	}
	if (cut) {
		*ret_msg = "the address has bits set past the prefix length";
		return -EDOM;
	}
	return 0;
}

size_t fl_addr_pattern_format(const struct fl_addr_pattern *p, char *buf, size_t size)
{
	char tmp[INET6_ADDRSTRLEN] = "?";
	unsigned full = p->family == AF_INET ? 32 : 128;
	int n;

	inet_ntop(p->family, p->addr, tmp, sizeof(tmp));
	if (p->prefix == full)
		n = snprintf(buf, size, "%s", tmp);
	else
		n = snprintf(buf, size, "%s/%u", tmp, p->prefix);
	return n < 0 ? 0 : (size_t)n;
}

static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (!rest)
		return true;
	return ((a[whole] ^ b[whole]) & (uint8_t)(0xff00u >> rest)) == 0;
}

bool fl_addr_pattern_match(const struct fl_addr_pattern *p, const struct fl_sockaddr *sa)
{
	if (p->family == AF_INET) {
		if (sa->family == AF_INET)
			return prefix_equal(p->addr, sa->addr, p->prefix);
		if (sa->family == AF_INET6 && sa->v4mapped)
			return prefix_equal(p->addr, sa->addr + 12, p->prefix);
		return false;
	}
	if (p->family == AF_INET6 && sa->family == AF_INET6)
		return prefix_equal(p->addr, sa->addr, p->prefix);
	return false;
}

/*
 * The matcher: rules in file order, counters per rule, one PRNG stream per
 * rule. Pure: no ptrace, no I/O of its own; what filters need beyond the
 * registers (paths, socket addresses, /proc links) comes through the call's
 * fl_call_source, so every decision can be replayed in a unit test from
 * (rule set, seed, call sequence, fake source).
 *
 * Filters read lazily and remember per call what they read (struct
 * fl_call_cache): several rules filtering on one call's path resolve it
 * once, and a call whose syscall no filtered rule names reads nothing.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "faultline/arch.h"
#include "faultline/base.h"
#include "faultline/match.h"
#include "faultline/sys.h"
#include "matcher.h"

/*
 * Room for a cwd or dirfd (at most PATH_MAX - 1 bytes as /proc shows it)
 * plus '/' plus a relative path (at most PATH_MAX - 1, or the kernel would
 * refuse the call), plus a NUL.
 */
#define PATH_BUF (2 * 4096 + 8)
/* Longest path string the kernel accepts: PATH_MAX including the NUL. */
#define RAW_PATH_MAX 4096
/* UIO_MAXIOV: more iovec entries and the kernel refuses the call. */
#define IOV_MAX_ENTRIES 1024
#define FL_AT_FDCWD (-100)
#define FL_AT_EMPTY_PATH 0x1000

/* Items of a call, one bit each in tried/ok. */
enum {
	ITEM_ARG0 = 0,  /* ..ITEM_ARG0 + 5: the path argument i names, or its fd's file */
	ITEM_CWD = 6,
	ITEM_EXE = 7,
	ITEM_SOCKADDR = 8,
	ITEM_SUN = 9,   /* the sockaddr's unix name made absolute */
	ITEM_IOV = 10,  /* total of the iovec buffers */
};

struct fl_call_cache {
	const struct fl_call *call;
	const struct fl_sysinfo *si;
	bool si_done;
	unsigned tried, ok;
	uint64_t iov_total;
	struct fl_sockaddr sa;
	char cwd[PATH_BUF];
	char exe[PATH_BUF];
	char sun[PATH_BUF];
	char arg[6][PATH_BUF];
	unsigned marked;       /* path slots (args 0-5, then the unix name) given to the index */
	char raw[PATH_BUF];    /* a path string as read */
	char dir[PATH_BUF];    /* the dirfd it is relative to */
};

struct fl_matcher *fl_matcher_new(const struct fl_rule_set *set, uint64_t seed)
{
	struct fl_matcher *m;

	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->set = set;
	m->seed = seed;

	/* One extra entry so an empty set still gets a non-NULL array. */
	m->stats = calloc(set->n_rules + 1, sizeof(*m->stats));
	m->stream_seeds = calloc(set->n_rules + 1, sizeof(*m->stream_seeds));
	m->n_scopes = calloc(set->n_rules + 1, sizeof(*m->n_scopes));
	m->jumped = calloc(set->n_rules + 1, sizeof(*m->jumped));
	if (!m->stats || !m->stream_seeds || !m->n_scopes || !m->jumped)
		goto fail;
	fl_seed_streams(m->stats, m->stream_seeds, set->n_rules, seed);

	if (fl_build_wanted(m) < 0)
		goto fail;
	m->index = fl_index_new(set);
	if (!m->index)
		goto fail;
	/* Only filters read past the registers; without them no buffers. */
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct fl_rule *r = &set->rules[i];

		if (fl_rule_has_filters(r) || r->short_kind != FL_SHORT_NONE) {
			m->cache = calloc(1, sizeof(*m->cache));
			m->fds = calloc(1, sizeof(*m->fds));
			if (!m->cache || !m->fds)
				goto fail;
			break;
		}
	}
	return m;

fail:
	fl_matcher_free(m);
	return NULL;
}

const struct fl_rule_set *fl_matcher_set(const struct fl_matcher *m)
{
	return m->set;
}

struct fl_rule_stats *fl_matcher_stats(const struct fl_matcher *m)
{
	return m->stats;
}

uint64_t fl_matcher_seed(const struct fl_matcher *m)
{
	return m->seed;
}

void fl_matcher_free(struct fl_matcher *m)
{
	if (!m)
		return;
	fl_wanted_free(m->wanted);
	free(m->cache);
	free(m->fds);
	free(m->stats);
	free(m->stream_seeds);
	free(m->n_scopes);
	free(m->jumped);
	fl_index_free(m->index);
	fl_scopes_done(&m->scopes);
	free(m);
}

void fl_matcher_set_linear(struct fl_matcher *m)
{
	fl_index_free(m->index);
	m->index = NULL;
}

void fl_matcher_forget(struct fl_matcher *m, pid_t tid)
{
	if (m)
		fl_scopes_forget(m, tid);
}

static bool sysno_matches(const struct fl_rule *r, const struct fl_call *call)
{
	for (size_t k = 0; k < r->n_sysnos; k++)
		if (r->sysnos[k].arch == call->arch && r->sysnos[k].nr == call->nr)
			return true;
	return false;
}

/* ---- what filters read, once per call ---- */

/*
 * Argument @i as the kernel reads it: src/arch cut it to its ABI's width
 * (an i386 register is 32 bits) when it read the call, the one place that
 * masks a call's arguments.
 */
static uint64_t reg(const struct fl_call *call, int i)
{
	return call->args[i];
}

static int reg_int(const struct fl_call *call, int i)
{
	return (int)(int32_t)(uint32_t)call->args[i];
}

static const struct fl_sysinfo *cache_si(struct fl_call_cache *c)
{
	if (!c->si_done) {
		c->si = fl_sysinfo_of(c->call->arch, c->call->nr);
		c->si_done = true;
	}
	return c->si;
}

/* Did a previous filter already try @item? Then *@ret_ok says how it went. */
static bool cached(struct fl_call_cache *c, unsigned item, bool *ret_ok)
{
	if (!(c->tried & (1u << item)))
		return false;
	*ret_ok = c->ok & (1u << item);
	return true;
}

static bool remember(struct fl_call_cache *c, unsigned item, bool ok)
{
	c->tried |= 1u << item;
	if (ok)
		c->ok |= 1u << item;
	return ok;
}

/*
 * A /proc link into @buf: absolute, normalized, " (deleted)" dropped when
 * the file is. Anything else ("pipe:[4]", "anon_inode:[eventpoll]") fails.
 */
static bool read_link(const struct fl_call *call, enum fl_proc_link what, int fd, char *buf)
{
	const struct fl_call_source *src = call->src;
	ssize_t n;

	if (!src || !src->proc_link)
		return false;
	/* The lead's reader fills size - 1 bytes at most: a full buffer may be cut. */
	n = src->proc_link(src->ud, what, fd, buf, RAW_PATH_MAX + 1);
	if (n <= 0 || n >= RAW_PATH_MAX)
		return false;
	buf[n] = '\0';
	if (buf[0] != '/')
		return false;
	fl_strip_deleted(call, what, fd, buf);
	return fl_path_normalize(buf) > 0;
}

static const char *call_cwd(struct fl_call_cache *c)
{
	bool ok;

	if (!cached(c, ITEM_CWD, &ok))
		ok = remember(c, ITEM_CWD, read_link(c->call, FL_LINK_CWD, 0, c->cwd));
	return ok ? c->cwd : NULL;
}

/* Path argument @i (FL_ARG_PATH): read, made absolute, normalized. */
static bool resolve_path_arg(struct fl_call_cache *c, const struct fl_sysinfo *si, int i)
{
	const struct fl_call *call = c->call;
	const struct fl_call_source *src = call->src;
	uint64_t addr = reg(call, i);
	int dirfd = FL_AT_FDCWD;
	const char *base;
	ssize_t n;

	if (!src || !src->read_string || !addr)
		return false;
	n = src->read_string(src->ud, addr, c->raw, RAW_PATH_MAX);
	if (n < 0 || n >= RAW_PATH_MAX)
		return false;
	c->raw[n] = '\0';
	if (i > 0 && si->args[i - 1] == FL_ARG_DIRFD)
		dirfd = reg_int(call, i - 1);

	if (c->raw[0] == '/')
		return fl_path_join(NULL, c->raw, c->arg[i], PATH_BUF) > 0;
	if (c->raw[0] == '\0') {
		/* "" names the dirfd itself with AT_EMPTY_PATH; else the kernel says ENOENT. */
		int e = fl_sysinfo_arg(si, FL_ARG_AT_FLAGS, i + 1);

		if (e < 0 || !(reg(call, e) & FL_AT_EMPTY_PATH))
			return false;
	}
	if (dirfd == FL_AT_FDCWD)
		base = call_cwd(c);
	else
		base = read_link(call, FL_LINK_FD, dirfd, c->dir) ? c->dir : NULL;
	return base && fl_path_join(base, c->raw, c->arg[i], PATH_BUF) > 0;
}

/* The file behind fd argument @i (FL_ARG_FD), or a unix socket's name. */
static bool resolve_fd_arg(struct fl_call_cache *c, int i)
{
	const struct fl_call *call = c->call;
	const struct fl_call_source *src = call->src;
	int fd = reg_int(call, i);
	char *out = c->arg[i];
	ssize_t n;

	if (fd < 0 || !src || !src->proc_link)
		return false;
	n = src->proc_link(src->ud, FL_LINK_FD, fd, out, RAW_PATH_MAX + 1);
	if (n <= 0 || n >= RAW_PATH_MAX)
		return false;
	out[n] = '\0';
	if (out[0] == '/') {
		fl_strip_deleted(call, FL_LINK_FD, fd, out);
		return fl_path_normalize(out) > 0;
	}
	if (strncmp(out, "socket:[", 8) != 0)
		return false; /* pipes, anonymous inodes: no path */
	n = src->proc_link(src->ud, FL_LINK_UNIX_NAME, fd, out, RAW_PATH_MAX + 1);
	if (n <= 0 || n >= RAW_PATH_MAX)
		return false;
	out[n] = '\0';
	if (out[0] == '@')
		return true;
	return out[0] == '/' && fl_path_normalize(out) > 0;
}

/* What argument @i names as a path (path: candidates), or NULL. */
static const char *arg_path(struct fl_call_cache *c, const struct fl_sysinfo *si, int i)
{
	bool ok;

	if (!cached(c, ITEM_ARG0 + (unsigned)i, &ok)) {
		if (si->args[i] == FL_ARG_PATH)
			ok = resolve_path_arg(c, si, i);
		else
			ok = resolve_fd_arg(c, i);
		remember(c, ITEM_ARG0 + (unsigned)i, ok);
	}
	return ok ? c->arg[i] : NULL;
}

/* The socket address of connect/bind/sendto (FL_ARG_SOCKADDR) or sendmsg's msg_name. */
static bool read_sockaddr(struct fl_call_cache *c, const struct fl_sysinfo *si)
{
	const struct fl_call *call = c->call;
	const struct fl_call_source *src = call->src;
	const struct fl_abi *abi = fl_abi_of(call->arch);
	struct sockaddr_storage buf;
	uint64_t addr, len;
	int i;

	if (!src || !src->read_mem || !abi)
		return false;
	i = fl_sysinfo_arg(si, FL_ARG_SOCKADDR, 0);
	if (i >= 0) {
		addr = reg(call, i);
		len = (uint32_t)call->args[i + 1];
	} else {
		/* struct msghdr starts with msg_name and msg_namelen. */
		uint8_t hdr[16];
		size_t hlen = abi->msghdr_head;
		uint32_t namelen;

		i = fl_sysinfo_arg(si, FL_ARG_MSGHDR, 0);
		if (i < 0 || !reg(call, i) || hlen > sizeof(hdr) ||
		    src->read_mem(src->ud, reg(call, i), hdr, hlen) != (ssize_t)hlen)
			return false;
		addr = fl_abi_load_long(abi, hdr);
		memcpy(&namelen, hdr + abi->msg_namelen_off, 4);
		len = namelen;
	}
	/* The kernel refuses more than a sockaddr_storage; no address at all isn't one. */
	if (!addr || len == 0 || len > sizeof(buf))
		return false;
	if (src->read_mem(src->ud, addr, &buf, len) != (ssize_t)len)
		return false;
	return fl_sockaddr_decode(&buf, len, &c->sa) == 0;
}

static const struct fl_sockaddr *call_sockaddr(struct fl_call_cache *c, const struct fl_sysinfo *si)
{
	bool ok;

	if (!cached(c, ITEM_SOCKADDR, &ok))
		ok = remember(c, ITEM_SOCKADDR, read_sockaddr(c, si));
	return ok ? &c->sa : NULL;
}

/* The unix name in the call's socket address, absolute ("@name" as is). */
static const char *call_sun(struct fl_call_cache *c, const struct fl_sysinfo *si)
{
	const struct fl_sockaddr *sa;
	bool ok;

	if (cached(c, ITEM_SUN, &ok))
		return ok ? c->sun : NULL;
	sa = call_sockaddr(c, si);
	ok = false;
	if (sa && sa->family == AF_UNIX && sa->path[0]) {
		if (sa->path[0] == '@') {
			memcpy(c->sun, sa->path, strlen(sa->path) + 1);
			ok = true;
		} else if (sa->path[0] == '/') {
			ok = fl_path_join(NULL, sa->path, c->sun, PATH_BUF) > 0;
		} else {
			/* Like bind(2) and connect(2): relative to the caller's cwd. */
			const char *cwd = call_cwd(c);

			ok = cwd && fl_path_join(cwd, sa->path, c->sun, PATH_BUF) > 0;
		}
	}
	remember(c, ITEM_SUN, ok);
	return ok ? c->sun : NULL;
}

static const char *call_exe(struct fl_call_cache *c)
{
	bool ok;

	if (!cached(c, ITEM_EXE, &ok))
		ok = remember(c, ITEM_EXE, read_link(c->call, FL_LINK_EXE, 0, c->exe));
	return ok ? c->exe : NULL;
}

/* Total bytes of the iovec array at argument @i, capped like the kernel caps it. */
static bool read_iov_total(struct fl_call_cache *c, int i)
{
	const struct fl_call *call = c->call;
	const struct fl_call_source *src = call->src;
	const struct fl_abi *abi = fl_abi_of(call->arch);
	size_t esize = abi ? abi->iovec_size : 0;
	int count = reg_int(call, i + 1);
	uint8_t buf[256];
	uint64_t addr = reg(call, i), total = 0;

	if (count < 0 || count > IOV_MAX_ENTRIES || !src || !src->read_mem || !abi ||
	    esize > sizeof(buf))
		return false;
	for (int done = 0; done < count;) {
		int batch = count - done < (int)(sizeof(buf) / esize) ? count - done :
									(int)(sizeof(buf) / esize);
		size_t want = (size_t)batch * esize;

		if (src->read_mem(src->ud, addr + (uint64_t)done * esize, buf, want) != (ssize_t)want)
			return false;
		for (int k = 0; k < batch; k++) {
			const uint8_t *entry = buf + (size_t)k * esize;
			uint64_t len = fl_abi_load_long(abi, entry + abi->iov_len_off);

			/* The kernel refuses a negative ssize_t length. */
			if (len > (uint64_t)INT64_MAX)
				return false;
			total = total + len > FL_MAX_RW_COUNT ? FL_MAX_RW_COUNT : total + len;
		}
		done += batch;
	}
	c->iov_total = total;
	return true;
}

/* ---- filters ---- */

static bool fd_matches(const struct fl_rule *r, const struct fl_call *call,
		       const struct fl_sysinfo *si)
{
	int i = fl_sysinfo_arg(si, FL_ARG_FD, 0), fd;

	if (i < 0)
		return false;
	fd = reg_int(call, i);
	for (size_t k = 0; k < r->n_fds; k++)
		if (r->fds[k] == fd)
			return true;
	return false;
}

static bool args_match(const struct fl_rule *r, const struct fl_call *call,
		       const struct fl_sysinfo *si)
{
	for (int i = 0; i < 6; i++) {
		const struct fl_arg_filter *f = &r->args[i];
		/* The value compares at the width of the ABI's registers. */
		uint64_t v = reg(call, i), want = fl_abi_arg(call->arch, f->value);

		if (!f->used)
			continue;
		/*
		 * The kernel reads an int argument (fd, flags, mode) from the
		 * low 32 bits of its register, whatever the upper half holds:
		 * so does the filter, or {0: -100} would miss an AT_FDCWD
		 * passed zero-extended.
		 */
		if (fl_sysinfo_arg_is_int(si, i)) {
			v = (uint32_t)v;
			want = (uint32_t)want;
		}
		if (f->mask ? (v & want) != want : v != want)
			return false;
	}
	return true;
}

static bool sockaddr_matches(const struct fl_rule *r, struct fl_call_cache *c,
			     const struct fl_sysinfo *si, struct fl_match_info *info)
{
	const struct fl_sockaddr *sa = call_sockaddr(c, si);
	bool ok = false;

	if (!sa || (sa->family != AF_INET && sa->family != AF_INET6))
		return false;
	for (size_t k = 0; k < r->n_ports && !ok; k++)
		ok = r->ports[k] == sa->port;
	if (r->n_ports && !ok)
		return false;
	ok = false;
	for (size_t k = 0; k < r->n_addresses && !ok; k++)
		ok = fl_addr_pattern_match(&r->addresses[k], sa);
	if (r->n_addresses && !ok)
		return false;
	info->has_sockaddr = true;
	info->sockaddr = *sa;
	return true;
}

static bool path_in(const struct fl_rule *r, const char *path)
{
	for (size_t k = 0; k < r->n_paths; k++)
		if (fl_glob_match(r->paths[k], path))
			return true;
	return false;
}

/* Any of the call's paths (path args, fds' files, unix address) in any pattern. */
static bool path_matches(const struct fl_rule *r, struct fl_call_cache *c,
			 const struct fl_sysinfo *si, struct fl_match_info *info)
{
	for (int i = 0; i < 6 && si->args[i]; i++) {
		const char *p;

		if (si->args[i] != FL_ARG_PATH && si->args[i] != FL_ARG_FD)
			continue;
		p = arg_path(c, si, i);
		if (p && path_in(r, p)) {
			info->path = p;
			return true;
		}
	}
	if (fl_sysinfo_caps(si) & FL_SYS_SOCKADDR) {
		const char *p = call_sun(c, si);

		if (p && path_in(r, p)) {
			info->path = p;
			return true;
		}
	}
	return false;
}

static bool process_matches(const struct fl_rule *r, struct fl_call_cache *c,
			    struct fl_match_info *info)
{
	const char *exe = call_exe(c);

	if (!exe || !fl_process_matches_exe(r, exe))
		return false;
	info->exe = exe;
	return true;
}

/*
 * Can @r's path: patterns match at all? The index marks the rules whose
 * literal prefix starts a path of the call, reading the call's paths in the
 * order path_matches() does and only as far as needed to mark @r: what is
 * read is what path_matches() reads, and a rule left unmarked could not
 * have matched (index.c).
 */
static bool path_candidate(const struct fl_matcher *m, const struct fl_rule *r,
			   struct fl_call_cache *c, const struct fl_sysinfo *si)
{
	size_t i = (size_t)(r - m->set->rules);

	if (!m->index || !fl_index_by_path(m->index, i))
		return true;
	while (!fl_index_marked(m->index, i) && c->marked < 7) {
		unsigned slot = c->marked++;
		const char *p = NULL;

		if (slot < 6 && !si->args[slot])
			c->marked = 6; /* path_matches() stops at the first argument-less slot */
		else if (slot < 6 && (si->args[slot] == FL_ARG_PATH || si->args[slot] == FL_ARG_FD))
			p = arg_path(c, si, (int)slot);
		else if (slot == 6 && (fl_sysinfo_caps(si) & FL_SYS_SOCKADDR))
			p = call_sun(c, si);
		if (p)
			fl_index_mark_path(m->index, p);
	}
	return fl_index_marked(m->index, i);
}

/*
 * short: the count to let through, into @d (fdfacts.c bounds it by what
 * the call can really move). False when the call can't be shortened (it
 * could not move more than that, or its count can't be read): then the
 * rule doesn't match it (see loader.c).
 */
static bool short_applies(const struct fl_matcher *m, const struct fl_rule *r,
			  const struct fl_sysinfo *si, struct fl_decision *d)
{
	struct fl_call_cache *c = m->cache;
	const struct fl_call *call = c->call;
	int i = fl_sysinfo_arg(si, FL_ARG_COUNT, 0);
	bool iov = false, ok;
	uint64_t asked, raw;

	if (i >= 0) {
		asked = raw = reg(call, i);
		if (asked > FL_MAX_RW_COUNT)
			asked = FL_MAX_RW_COUNT;
	} else {
		i = fl_sysinfo_arg(si, FL_ARG_IOVEC, 0);
		if (i < 0)
			return false;
		iov = true;
		if (!cached(c, ITEM_IOV, &ok))
			ok = remember(c, ITEM_IOV, read_iov_total(c, i));
		if (!ok)
			return false;
		asked = raw = c->iov_total;
	}
	if (!fl_short_plan(r, m->fds, si, asked, raw, d))
		return false;
	d->short_iov = iov;
	d->short_arg = i;
	return true;
}

/*
 * Does @call count for @r at all? Cheapest checks first: registers, then
 * tracee memory, then /proc. Fills @info with what the filters saw and @d
 * with the short count.
 */
static bool rule_matches(const struct fl_matcher *m, const struct fl_rule *r,
			 const struct fl_call *call, struct fl_match_info *info,
			 struct fl_decision *d)
{
	struct fl_call_cache *c = m->cache;
	const struct fl_sysinfo *si;

	if (!sysno_matches(r, call))
		return false;
	if (!c)
		return true; /* no rule in the set has filters */
	if (!fl_rule_has_filters(r) && r->short_kind == FL_SHORT_NONE)
		return true;

	si = cache_si(c);
	if (r->n_fds && !fd_matches(r, call, si))
		return false;
	if (!args_match(r, call, si))
		return false;
	/* The loader refuses these on calls the table doesn't know; be safe anyway. */
	if (!si && (r->n_paths || r->n_addresses || r->n_ports || r->short_kind || r->fd_types))
		return false;
	/* A count register (or an iovec array) is cheaper than any /proc link. */
	if (r->short_kind != FL_SHORT_NONE && !short_applies(m, r, si, d))
		return false;
	if ((r->n_addresses || r->n_ports) && !sockaddr_matches(r, c, si, info))
		return false;
	if (r->n_paths && (!path_candidate(m, r, c, si) || !path_matches(r, c, si, info)))
		return false;
	if (r->n_processes && !process_matches(r, c, info))
		return false;
	if (r->fd_types && !fl_fd_type_matches(r, m->fds, si))
		return false;
	/* Unwinding is the dearest of all: only for a call every other filter let through. */
	if (r->n_callers && !fl_caller_matches(r, call, info))
		return false;
	return true;
}

/* Rule @i on @call: counts it if it matches; true with *@ret filled if it acts. */
static bool try_rule(struct fl_matcher *m, size_t i, const struct fl_call *call,
		     struct fl_decision *ret)
{
	const struct fl_rule *r = &m->set->rules[i];
	struct fl_rule_stats *st = &m->stats[i];
	struct fl_match_info info = { 0 };
	struct fl_decision d = { 0 };

	struct fl_scope *sc = NULL;
	struct fl_counts c;

	if (r->has_clock && !fl_clock_applies(r, call, &d))
		return false;
	if (!rule_matches(m, r, call, &info, &d))
		return false;
	if (r->has_clock) {
		if (!fl_clock_decide(m, i, call, &d))
			return false;
		*ret = d;
		m->last = info;
		return true;
	}
	st->matched++; /* the report's counts are the tree's */
	if (r->per != FL_PER_TREE) {
		sc = fl_scope_get(m, i, r->per == FL_PER_THREAD ? call->tid : call->pid);
		if (!sc)
			return false; /* out of memory: the rule cannot count this call */
		sc->matched++;
		c = (struct fl_counts){ sc->matched, sc->injected, &sc->prng };
	} else {
		c = (struct fl_counts){ st->matched, st->injected, &st->prng };
	}
	if (!fl_rule_eligible(r, &c) || !fl_rule_draw(r, c.prng))
		return false;

	st->injected++;
	if (sc)
		sc->injected++;
	d.rule = i;
	d.error = fl_pick_error(r, c.prng);
	d.has_retval = r->has_retval;
	d.retval = r->retval;
	d.delay_ns = r->delay_ns;
	d.delay_sides = r->delay_sides;
	d.delay_enter_ns = r->delay_enter_ns;
	d.delay_exit_ns = r->delay_exit_ns;
	d.phase = r->phase;
	d.signal = r->signal;
	d.has_poke = r->has_poke;
	d.poke_arg = r->poke_arg;
	d.poke_data = r->poke_data;
	d.poke_len = r->poke_len;
	d.stat_fields = r->stat_fields;
	d.stat_values = r->stat_values;
	d.crash = r->crash;
	d.dirs = r->dirs;
	if (r->corrupt_bytes) {
		d.corrupt_bytes = r->corrupt_bytes;
		d.corrupt_how = r->corrupt_how;
		d.corrupt_seed = fl_prng_next(c.prng);
	}
	*ret = d;
	m->last = info;
	return true;
}

/*
 * With m = the new matched count: skip the first `after`, then act on every
 * `every`-th one, at most `times` times.
 */
bool fl_matcher_decide(struct fl_matcher *m, const struct fl_call *call,
		       struct fl_decision *ret)
{
	const struct fl_rule_set *set = m->set;

	m->last = (struct fl_match_info){ 0 };
	if (m->cache) {
		/* A new call: forget what was read for the last one. */
		m->cache->call = call;
		m->cache->si_done = false;
		m->cache->tried = 0;
		m->cache->ok = 0;
		m->cache->marked = 0;
		if (m->index)
			fl_index_new_call(m->index);
		fl_fd_cache_reset(m->fds, call);
	}

	if (!m->index) {
		for (size_t i = 0; i < set->n_rules; i++)
			if (try_rule(m, i, call, ret))
				return true;
		return false;
	}
	/*
	 * The same rules in the same order, less those that do not name the
	 * call (index.c); and once some rule's path check has had every path
	 * of the call marked (path_candidate()), less the path rules left
	 * unmarked, which path_candidate() would refuse.
	 */
	size_t n;
	const uint32_t *ids = fl_index_candidates(m->index, call->arch, call->nr, &n);

	for (size_t k = 0; k < n; k++) {
		if (m->cache && m->cache->marked == 7 && fl_index_by_path(m->index, ids[k]) &&
		    !fl_index_marked(m->index, ids[k]))
			continue;
		if (try_rule(m, ids[k], call, ret))
			return true;
	}
	return false;
}

const struct fl_match_info *fl_matcher_last_match(const struct fl_matcher *m)
{
	return &m->last;
}

void fl_matcher_take_back(struct fl_matcher *m, size_t rule)
{
	if (rule < m->set->n_rules && m->stats[rule].injected)
		m->stats[rule].injected--;
}

/*
 * What lies behind a call's fds, for the matcher: the fd_type: filter, the
 * bound of a short: percentage, and whether a " (deleted)" in /proc means
 * an unlinked file. Pure like the rest of src/match: every fact comes
 * through the call's fl_call_source.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "faultline/arch.h"
#include "faultline/base.h"
#include "faultline/match.h"
#include "faultline/sys.h"
#include "matcher.h"

void fl_fd_cache_reset(struct fl_fd_cache *fc, const struct fl_call *call)
{
	fc->call = call;
	fc->tried = 0;
	fc->ok = 0;
}

const struct fl_link_facts *fl_fd_cache_arg(struct fl_fd_cache *fc, int i)
{
	const struct fl_call *call = fc->call;
	const struct fl_call_source *src = call->src;
	int fd;

	if (i < 0 || i >= 6)
		return NULL;
	fd = (int)(int32_t)(uint32_t)call->args[i];
	if (!(fc->tried & (1u << i))) {
		fc->tried |= 1u << i;
		if (fd >= 0 && src && src->link_facts &&
		    src->link_facts(src->ud, FL_LINK_FD, fd, &fc->facts[i]) == 0)
			fc->ok |= 1u << i;
	}
	return fc->ok & (1u << i) ? &fc->facts[i] : NULL;
}

bool fl_fd_type_matches(const struct fl_rule *r, struct fl_fd_cache *fc,
			const struct fl_sysinfo *si)
{
	for (int i = fl_sysinfo_arg(si, FL_ARG_FD, 0); i >= 0; i = fl_sysinfo_arg(si, FL_ARG_FD, i + 1)) {
		const struct fl_link_facts *f = fl_fd_cache_arg(fc, i);

		if (f && (r->fd_types & (1u << f->type)))
			return true;
	}
	return false;
}

void fl_strip_deleted(const struct fl_call *call, enum fl_proc_link what, int fd, char *buf)
{
	static const char suffix[] = " (deleted)";
	const struct fl_call_source *src = call->src;
	size_t n = strlen(buf), k = sizeof(suffix) - 1;
	struct fl_link_facts f;

	if (n > k && strcmp(buf + n - k, suffix) == 0 && src && src->link_facts &&
	    src->link_facts(src->ud, what, fd, &f) == 0 && f.nlink == 0)
		fl_path_strip_deleted(buf);
}

/* The offset a read from a regular file starts at, if it can be known. */
static bool read_offset(struct fl_fd_cache *fc, const struct fl_data_source *ds,
			const struct fl_link_facts *f, uint64_t *ret)
{
	const struct fl_call *call = fc->call;
	const struct fl_call_source *src = call->src;
	const struct fl_abi *abi = fl_abi_of(call->arch);
	uint64_t v = ds->offset_arg >= 0 ? call->args[ds->offset_arg] : 0;
	int64_t off;

	switch (ds->offset) {
	case FL_OFFSET_REGISTER:
		/* A 32-bit ABI splits a 64-bit offset over two registers: not read here. */
		if (!abi || abi->long_size < 8)
			return false;
		if ((int64_t)v == -1)
			break; /* preadv2: the file position */
		if ((int64_t)v < 0)
			return false;
		*ret = v;
		return true;
	case FL_OFFSET_POINTER:
		if (!v)
			break;
		/* loff_t is 64 bits in every ABI. */
		if (!src || !src->read_mem || src->read_mem(src->ud, v, &off, sizeof(off)) != sizeof(off) ||
		    off < 0)
			return false;
		*ret = (uint64_t)off;
		return true;
	case FL_OFFSET_NONE:
		break;
	}
	if (!f->has_pos)
		return false;
	*ret = f->pos;
	return true;
}

/* What the call's source can give: *@base and how that is known. */
static void short_bound(struct fl_fd_cache *fc, const struct fl_sysinfo *si, uint64_t asked,
			uint64_t *base, enum fl_short_basis *basis)
{
	const struct fl_call_source *src = fc->call->src;
	struct fl_data_source ds;
	const struct fl_link_facts *f;
	uint64_t off, avail;

	*base = asked;
	*basis = FL_SHORT_BASIS_ASKED;
	if (!fl_sysinfo_source(si, &ds))
		return;
	*basis = FL_SHORT_BASIS_UNKNOWN;
	f = fl_fd_cache_arg(fc, ds.fd_arg);
	if (!f)
		return;
	switch (f->type) {
	case FL_FD_REGULAR:
		/*
		 * /proc and /sys files say 0 (or 4096) whatever they hold: a
		 * size of 0 bounds nothing, and a wrong bound is caught at
		 * the call's exit.
		 */
		if (f->size == 0 || !read_offset(fc, &ds, f, &off))
			return;
		*base = off < f->size ? f->size - off : 0;
		break;
	case FL_FD_PIPE:
	case FL_FD_FIFO:
	case FL_FD_SOCKET:
	case FL_FD_TTY: {
		int fd = (int)(int32_t)(uint32_t)fc->call->args[ds.fd_arg];

		/* Nothing there yet: the call waits, for an amount nobody knows. */
		if (!src || !src->fd_available || src->fd_available(src->ud, fd, &avail) < 0 ||
		    avail == 0)
			return;
		*base = avail;
		break;
	}
	default:
		return;
	}
	if (*base > asked)
		*base = asked;
	*basis = f->type == FL_FD_REGULAR ? FL_SHORT_BASIS_FILE_SIZE : FL_SHORT_BASIS_AVAILABLE;
}

bool fl_short_plan(const struct fl_rule *r, struct fl_fd_cache *fc, const struct fl_sysinfo *si,
		   uint64_t asked, uint64_t asked_raw, struct fl_decision *d)
{
	enum fl_short_basis basis;
	uint64_t base, keep;

	short_bound(fc, si, asked, &base, &basis);
	if (r->short_kind == FL_SHORT_PERCENT) {
		/* floor(base * p / 100) without overflow, but at least 1 byte. */
		keep = base / 100 * r->short_value + base % 100 * r->short_value / 100;
		if (keep == 0)
			keep = 1;
	} else {
		keep = r->short_value;
	}
	if (keep >= base)
		return false;
	d->has_short = true;
	d->short_count = keep;
	d->short_of = base;
	d->short_basis = basis;
	d->short_asked = asked_raw;
	return true;
}

const char *fl_short_basis_name(enum fl_short_basis b)
{
	switch (b) {
	case FL_SHORT_BASIS_FILE_SIZE:
		return "file-size";
	case FL_SHORT_BASIS_AVAILABLE:
		return "available";
	case FL_SHORT_BASIS_UNKNOWN:
		return "unknown";
	case FL_SHORT_BASIS_ASKED:
	default:
		return "asked";
	}
}

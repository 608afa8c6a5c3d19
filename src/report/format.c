/*
 * Every fl_format_* of the report: a syscall's arguments as the log shows
 * them, strace style (the argument kinds come from the table in
 * src/sys/sysinfo.c, shared with the matcher; calls not in the table print
 * all six registers in hex), C strings, durations and outcomes.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "faultline/arch.h"
#include "faultline/sys.h"
#include "faultline/report.h"
#include "faultline/base.h"

/*
 * Longest path printed in full; longer ones end in "...". Matches PATH_MAX,
 * past which the kernel would fail the call with ENAMETOOLONG anyway.
 */
#define FL_PATH_SHOW 4096

/* Argument kinds per syscall: the shared table in src/sys/sysinfo.c. */
static const char *sys_args(const struct fl_call *call)
{
	const struct fl_sysinfo *si = fl_sysinfo_of(call->arch, call->nr);

	return si ? si->args : NULL;
}

/* snprintf-style appender: writes what fits, counts everything. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_mem(struct out *o, const char *s, size_t n)
{
	if (o->len < o->size) {
		size_t room = o->size - o->len - 1;
		size_t k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->buf[o->len + k] = '\0';
	}
	o->len += n;
}

static void out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(struct out *o, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_mem(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void out_escaped(struct out *o, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[4] = { '\\', 0, 0, 0 };
		size_t n = 2;

		switch (c) {
		case '\n': esc[1] = 'n'; break;
		case '\t': esc[1] = 't'; break;
		case '\r': esc[1] = 'r'; break;
		case '\v': esc[1] = 'v'; break;
		case '\f': esc[1] = 'f'; break;
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		default:
			if (c >= 0x20 && c < 0x7f) {
				esc[0] = (char)c;
				n = 1;
			} else {
				esc[1] = 'x';
				esc[2] = hex[c >> 4];
				esc[3] = hex[c & 0xf];
				n = 4;
			}
		}
		out_mem(o, esc, n);
	}
}

size_t fl_format_cstring(char *buf, size_t size, const char *s, size_t len)
{
	struct out o = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	out_mem(&o, "\"", 1);
	out_escaped(&o, s, len);
	out_mem(&o, "\"", 1);
	return o.len;
}

static void out_int(struct out *o, uint64_t v)
{
	out_printf(o, "%" PRId32, (int32_t)(uint32_t)v);
}

static void out_hex(struct out *o, uint64_t v)
{
	if (v)
		out_printf(o, "%#" PRIx64, v);
	else
		out_str(o, "0");
}

/*
 * open(2) flags by their kernel values. Spelled as numbers on purpose: glibc
 * defines O_LARGEFILE as 0 on 64-bit builds and hides __O_SYNC/__O_TMPFILE,
 * but the tracee's register holds what the kernel sees. The ones listed
 * here are the same on every architecture (asm-generic/fcntl.h); O_DIRECT,
 * O_LARGEFILE, O_DIRECTORY and O_NOFOLLOW differ (arm and arm64 have their
 * own), so they come from the call's ABI (src/arch). Multi-bit flags come
 * first so O_SYNC wins over O_DSYNC and O_TMPFILE over O_DIRECTORY; the
 * names come in the same order on every architecture.
 */
struct open_flag {
	uint32_t bits;
	const char *name;
};

static const struct open_flag open_flags_before[] = {
	{ 0100, "O_CREAT" },
	{ 0200, "O_EXCL" },
	{ 0400, "O_NOCTTY" },
	{ 01000, "O_TRUNC" },
	{ 02000, "O_APPEND" },
	{ 04000, "O_NONBLOCK" },
	{ 010000, "O_DSYNC" },
	{ 020000, "O_ASYNC" },
};

static const struct open_flag open_flags_after[] = {
	{ 01000000, "O_NOATIME" },
	{ 02000000, "O_CLOEXEC" },
	{ 010000000, "O_PATH" },
};

#define FL_O_CREAT 0100u
#define FL_O_TMPFILE_BIT 020000000u /* __O_TMPFILE: O_TMPFILE is it and O_DIRECTORY */
#define FL_O_SYNC 04010000u

/* The flags of @abi in the order they are named; an ABI not traced here: the common ones. */
static size_t open_flag_list(const struct fl_abi *abi, struct open_flag *list)
{
	size_t n = 0;

	list[n++] = (struct open_flag){ FL_O_SYNC, "O_SYNC" };
	if (abi)
		list[n++] = (struct open_flag){ FL_O_TMPFILE_BIT | abi->open_flags.directory,
						"O_TMPFILE" };
	for (size_t i = 0; i < FL_ARRAY_SIZE(open_flags_before); i++)
		list[n++] = open_flags_before[i];
	if (abi) {
		list[n++] = (struct open_flag){ abi->open_flags.direct, "O_DIRECT" };
		list[n++] = (struct open_flag){ abi->open_flags.largefile, "O_LARGEFILE" };
		list[n++] = (struct open_flag){ abi->open_flags.directory, "O_DIRECTORY" };
		list[n++] = (struct open_flag){ abi->open_flags.nofollow, "O_NOFOLLOW" };
	}
	for (size_t i = 0; i < FL_ARRAY_SIZE(open_flags_after); i++)
		list[n++] = open_flags_after[i];
	return n;
}

static void out_open_flags(struct out *o, const struct fl_abi *abi, uint32_t flags)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR" };
	struct open_flag list[2 + FL_ARRAY_SIZE(open_flags_before) + 4 +
			      FL_ARRAY_SIZE(open_flags_after)];
	size_t n = open_flag_list(abi, list);
	uint32_t rest = flags;
	bool any = false;

	/* 3 isn't an access mode; leave it to the hex remainder below. */
	if ((flags & 3) != 3) {
		out_str(o, acc[flags & 3]);
		rest &= ~3u;
		any = true;
	}

	for (size_t i = 0; i < n; i++) {
		if (!list[i].bits || (rest & list[i].bits) != list[i].bits)
			continue;
		if (any)
			out_str(o, "|");
		out_str(o, list[i].name);
		rest &= ~list[i].bits;
		any = true;
	}
	if (rest) {
		if (any)
			out_str(o, "|");
		out_printf(o, "%#" PRIx32, rest);
	}
}

/*
 * Flag arguments besides open(2)'s, by the names and values of glibc's
 * headers (which are the kernel's for these: <sys/mman.h>, <sys/socket.h>,
 * <sys/wait.h>, <fcntl.h>), named with the macro itself so that name and
 * value cannot drift apart. A flag this libc lacks is left out, and shows
 * in the hex remainder.
 */
struct flag_name {
	uint64_t bits;
	const char *name;
};
#define FLAG(f) { (uint64_t)(f), #f }

static const struct flag_name prot_flags[] = {
	FLAG(PROT_READ), FLAG(PROT_WRITE), FLAG(PROT_EXEC),
#ifdef PROT_SEM
	FLAG(PROT_SEM),
#endif
	FLAG(PROT_GROWSDOWN), FLAG(PROT_GROWSUP),
};

static const struct flag_name map_flags[] = {
#ifdef MAP_SHARED_VALIDATE
	FLAG(MAP_SHARED_VALIDATE), /* both bits: before MAP_SHARED and MAP_PRIVATE */
#endif
	FLAG(MAP_SHARED), FLAG(MAP_PRIVATE), FLAG(MAP_FIXED), FLAG(MAP_ANONYMOUS),
#ifdef MAP_32BIT
	FLAG(MAP_32BIT),
#endif
	FLAG(MAP_GROWSDOWN), FLAG(MAP_DENYWRITE), FLAG(MAP_EXECUTABLE), FLAG(MAP_LOCKED),
	FLAG(MAP_NORESERVE), FLAG(MAP_POPULATE), FLAG(MAP_NONBLOCK), FLAG(MAP_STACK),
	FLAG(MAP_HUGETLB),
#ifdef MAP_SYNC
	FLAG(MAP_SYNC),
#endif
#ifdef MAP_FIXED_NOREPLACE
	FLAG(MAP_FIXED_NOREPLACE),
#endif
};

/* pipe2, dup3, accept4 (SOCK_CLOEXEC and SOCK_NONBLOCK are these). */
static const struct flag_name fd_flags[] = {
	FLAG(O_CLOEXEC), FLAG(O_NONBLOCK), FLAG(O_DIRECT),
};

static const struct flag_name msg_flags[] = {
	FLAG(MSG_OOB), FLAG(MSG_PEEK), FLAG(MSG_DONTROUTE), FLAG(MSG_CTRUNC), FLAG(MSG_PROXY),
	FLAG(MSG_TRUNC), FLAG(MSG_DONTWAIT), FLAG(MSG_EOR), FLAG(MSG_WAITALL), FLAG(MSG_FIN),
	FLAG(MSG_SYN), FLAG(MSG_CONFIRM), FLAG(MSG_RST), FLAG(MSG_ERRQUEUE), FLAG(MSG_NOSIGNAL),
	FLAG(MSG_MORE), FLAG(MSG_WAITFORONE),
#ifdef MSG_BATCH
	FLAG(MSG_BATCH),
#endif
#ifdef MSG_ZEROCOPY
	FLAG(MSG_ZEROCOPY),
#endif
	FLAG(MSG_FASTOPEN), FLAG(MSG_CMSG_CLOEXEC),
};

static const struct flag_name wait_flags[] = {
	FLAG(WNOHANG), FLAG(WUNTRACED), FLAG(WCONTINUED), FLAG(__WNOTHREAD), FLAG(__WALL),
	FLAG(__WCLONE),
};

/* The AT_* flags of calls that take AT_EMPTY_PATH (FL_ARG_AT_FLAGS). */
static const struct flag_name at_flags[] = {
	FLAG(AT_SYMLINK_NOFOLLOW), FLAG(AT_SYMLINK_FOLLOW), FLAG(AT_NO_AUTOMOUNT),
	FLAG(AT_EMPTY_PATH),
#ifdef AT_STATX_FORCE_SYNC
	FLAG(AT_STATX_FORCE_SYNC), FLAG(AT_STATX_DONT_SYNC),
#endif
};

/* @v as NAME|NAME|0xREST, @zero when it is 0 ("0" when NULL). */
static void out_flags(struct out *o, uint64_t v, const struct flag_name *names, size_t n,
		      const char *zero)
{
	uint64_t rest = v;
	bool any = false;

	if (!v) {
		out_str(o, zero ? zero : "0");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!names[i].bits || (rest & names[i].bits) != names[i].bits)
			continue;
		if (any)
			out_str(o, "|");
		out_str(o, names[i].name);
		rest &= ~names[i].bits;
		any = true;
	}
	if (rest) {
		if (any)
			out_str(o, "|");
		out_printf(o, "%#" PRIx64, rest);
	}
}

/*
 * Print the path at @addr, and hand the raw bytes to @ret_path when this is
 * the first path of the call. Returns true when it was read.
 */
static bool out_path(struct out *o, uint64_t addr, fl_read_string_fn read_str, void *ud,
		     char *ret_path, size_t path_size, bool first)
{
	/* Room for one byte more than we show, to tell "longer" from "exactly". */
	char str[FL_PATH_SHOW + 2];
	ssize_t n;
	size_t len;

	if (!addr) {
		out_str(o, "NULL");
		return false;
	}
	n = read_str ? read_str(ud, addr, str, sizeof(str)) : -ENOSYS;
	if (n < 0 || (size_t)n >= sizeof(str)) {
		out_printf(o, "%#" PRIx64, addr);
		return false;
	}
	len = (size_t)n;

	if (first && ret_path && path_size) {
		size_t k = len < path_size - 1 ? len : path_size - 1;

		memcpy(ret_path, str, k);
		ret_path[k] = '\0';
	}

	out_str(o, "\"");
	out_escaped(o, str, len > FL_PATH_SHOW ? FL_PATH_SHOW : len);
	out_str(o, "\"");
	if (len > FL_PATH_SHOW)
		out_str(o, "...");
	return true;
}

size_t fl_format_args(const struct fl_call *call, fl_read_string_fn read_str, void *ud,
		      char *buf, size_t size, char *ret_path, size_t path_size,
		      bool *ret_has_path)
{
	struct out o = { buf, size, 0 };
	const struct fl_abi *abi = fl_abi_of(call->arch);
	bool has_path = false, seen_path = false;
	uint32_t last_oflags = 0;
	const char *kinds;
	uint64_t args[6];

	if (size)
		buf[0] = '\0';
	if (ret_path && path_size)
		ret_path[0] = '\0';

	/* As the kernel reads them: src/arch cut them to the ABI's width. */
	for (int i = 0; i < 6; i++)
		args[i] = call->args[i];

	kinds = sys_args(call);
	if (!kinds)
		kinds = "XXXXXX";

	for (int i = 0; kinds[i] && i < 6; i++) {
		uint64_t v = args[i];

		if (kinds[i] == FL_ARG_CREAT_MODE && !(last_oflags & (FL_O_CREAT | FL_O_TMPFILE_BIT)))
			break;
		if (i)
			out_str(&o, ", ");

		switch (kinds[i]) {
		case FL_ARG_PATH:
			/* Only the first path argument is "the" path, even unreadable. */
			if (out_path(&o, v, read_str, ud, ret_path, path_size, !seen_path) &&
			    !seen_path)
				has_path = true;
			seen_path = true;
			break;
		case FL_ARG_STRING:
			/* Printed like a path, but the call's path is elsewhere. */
			out_path(&o, v, read_str, ud, NULL, 0, false);
			break;
		case FL_ARG_DIRFD:
			if ((int32_t)(uint32_t)v == -100)
				out_str(&o, "AT_FDCWD");
			else
				out_int(&o, v);
			break;
		case FL_ARG_FD:
		case FL_ARG_INT:
		case FL_ARG_IOVCNT:
			out_int(&o, v);
			break;
		case FL_ARG_OPEN_FLAGS:
			last_oflags = (uint32_t)v;
			out_open_flags(&o, abi, last_oflags);
			break;
		case FL_ARG_MODE:
		case FL_ARG_CREAT_MODE:
			out_printf(&o, "%#" PRIo32, (uint32_t)v);
			break;
		case FL_ARG_ADDR:
		case FL_ARG_IOVEC:
		case FL_ARG_SOCKADDR:
		case FL_ARG_MSGHDR:
			if (v)
				out_printf(&o, "%#" PRIx64, v);
			else
				out_str(&o, "NULL");
			break;
		case FL_ARG_UNSIGNED:
		case FL_ARG_COUNT:
		case FL_ARG_SOCKLEN:
			out_printf(&o, "%" PRIu64, v);
			break;
		case FL_ARG_LONG:
			if (abi && abi->long_size == 4)
				out_printf(&o, "%" PRId32, (int32_t)(uint32_t)v);
			else
				out_printf(&o, "%" PRId64, (int64_t)v);
			break;
		case FL_ARG_PROT:
			out_flags(&o, v, prot_flags, FL_ARRAY_SIZE(prot_flags), "PROT_NONE");
			break;
		case FL_ARG_MAP_FLAGS:
			out_flags(&o, v, map_flags, FL_ARRAY_SIZE(map_flags), NULL);
			break;
		case FL_ARG_FD_FLAGS:
			out_flags(&o, (uint32_t)v, fd_flags, FL_ARRAY_SIZE(fd_flags), NULL);
			break;
		case FL_ARG_MSG_FLAGS:
			out_flags(&o, (uint32_t)v, msg_flags, FL_ARRAY_SIZE(msg_flags), NULL);
			break;
		case FL_ARG_WAIT_OPTIONS:
			out_flags(&o, (uint32_t)v, wait_flags, FL_ARRAY_SIZE(wait_flags), NULL);
			break;
		case FL_ARG_AT_FLAGS:
			out_flags(&o, (uint32_t)v, at_flags, FL_ARRAY_SIZE(at_flags), NULL);
			break;
		default: /* FL_ARG_HEX and the fallback */
			out_hex(&o, v);
			break;
		}
	}

	if (ret_has_path)
		*ret_has_path = has_path;
	return o.len;
}

size_t fl_format_duration(char *buf, size_t size, uint64_t ns)
{
	static const struct {
		uint64_t div;
		const char *unit;
	} units[] = {
		{ UINT64_C(1000000000), "s" },
		{ UINT64_C(1000000), "ms" },
		{ UINT64_C(1000), "us" },
	};
	int n;

	for (size_t i = 0; i < FL_ARRAY_SIZE(units); i++) {
		if (ns && ns % units[i].div == 0) {
			n = snprintf(buf, size, "%" PRIu64 "%s", ns / units[i].div, units[i].unit);
			return n < 0 ? 0 : (size_t)n;
		}
	}
	n = snprintf(buf, size, "%" PRIu64 "ns", ns);
	return n < 0 ? 0 : (size_t)n;
}

/*
 * Outcome, strace style:
 *	error		= -1 ENOENT
 *	retval		= 5
 *	short		shortened to 100 of 4096 bytes, and what the 4096 is when
 *			not the count asked for: "(file-size; asked 9223372035781033984)"
 *			(see enum fl_short_basis)
 *	delay only	delayed 250ms
 *	delay + result	= -1 EIO after 250ms delay
 *	both sides	delayed 300ms enter + 600ms exit (delay: {enter, exit})
 *	poke		"poked 5 bytes into argument 0", after a result with ", "
 *	stat		"faked size 1048576, mode 0600"
 *	corrupt		"corrupted 3 bytes (flip) at offsets 17, 402, 3999" (the first
 *			16; "corrupt 3 bytes (flip)" when not done, in a dry run)
 *	cut short	delayed 1023ms (cut short, of 10s): SIGTERM to faultline
 *	both sides cut	delayed 300ms enter + 600ms exit (cut short, served 412ms)
 *	clock		"shifted +10800s" (offset), "jumped -600s (clock now -1200s)"
 *	signal		", signal SIGUSR1" after any of the above, or
 *			"signal SIGUSR1" alone
 * and " [exit]" appended when the rule acts at syscall exit (the call ran,
 * its result was overwritten), so both phases read the same otherwise.
 * "shortened" rather than "= 100": the call runs and its result is the
 * kernel's, at most the shortened count. An errno without a name shows as
 * its number: "= -1 errno 4000"; so does a signal: "signal 99".
 */
size_t fl_format_result(char *buf, size_t size, const struct fl_decision *d)
{
	char result[480] = "";
	char delay[80] = "";
	char cut[64] = "";
	char sig[48] = "";
	const char *exit_tag = d->phase == FL_PHASE_EXIT ? " [exit]" : "";
	int n;

	if (d->error) {
		const char *name = fl_errno_name(d->error);

		if (name)
			snprintf(result, sizeof(result), "= -1 %s", name);
		else
			snprintf(result, sizeof(result), "= -1 errno %d", d->error);
	} else if (d->has_retval) {
		snprintf(result, sizeof(result), "= %" PRId64, d->retval);
	} else if (d->has_short) {
		int k = snprintf(result, sizeof(result), "shortened to %" PRIu64 " of %" PRIu64
				 " bytes", d->short_count, d->short_of);

		if (k > 0 && (size_t)k < sizeof(result) && d->short_basis != FL_SHORT_BASIS_ASKED)
			snprintf(result + k, sizeof(result) - (size_t)k, " (%s; asked %" PRIu64 ")",
				 fl_short_basis_name(d->short_basis), d->short_asked);
		else if (k > 0 && (size_t)k < sizeof(result) && d->short_asked != d->short_of)
			snprintf(result + k, sizeof(result) - (size_t)k, " (asked %" PRIu64 ")",
				 d->short_asked);
	}
	if (d->delay_sides) {
		char enter[32] = "0s", exit[32] = "0s";

		if (d->delay_enter_ns)
			fl_format_duration(enter, sizeof(enter), d->delay_enter_ns);
		if (d->delay_exit_ns)
			fl_format_duration(exit, sizeof(exit), d->delay_exit_ns);
		snprintf(delay, sizeof(delay), "%s enter + %s exit", enter, exit);
		if (d->delay_cut) {
			/* Both sides' served time together, to the millisecond. */
			char served[32];

			fl_format_duration(served, sizeof(served),
					   d->delay_served_ns / 1000000 * 1000000);
			snprintf(cut, sizeof(cut), " (cut short, served %s)", served);
		}
	} else if (d->delay_ns && d->delay_cut) {
		/* What was served, to the millisecond, and of how much. */
		char full[32];

		fl_format_duration(delay, sizeof(delay), d->delay_served_ns / 1000000 * 1000000);
		fl_format_duration(full, sizeof(full), d->delay_ns);
		snprintf(cut, sizeof(cut), " (cut short, of %s)", full);
	} else if (d->delay_ns) {
		fl_format_duration(delay, sizeof(delay), d->delay_ns);
	}
	if (d->corrupt_bytes) {
		static const char *const hows[] = { "flip", "zero", "random" };
		const char *how = (unsigned)d->corrupt_how < 3 ? hows[d->corrupt_how] : "?";
		size_t o = strlen(result);

		if (!d->corrupt_done)
			snprintf(result + o, sizeof(result) - o, "corrupt %" PRIu64 " byte%s (%s)",
				 d->corrupt_bytes, d->corrupt_bytes == 1 ? "" : "s", how);
		else if (d->corrupt_n == 0)
			snprintf(result + o, sizeof(result) - o, "corrupted nothing (%s; no data)", how);
		else {
			o += (size_t)snprintf(result + o, sizeof(result) - o, "corrupted %zu byte%s "
					      "(%s) at %s", d->corrupt_n, d->corrupt_n == 1 ? "" : "s",
					      how, d->corrupt_n == 1 ? "offset" : "offsets");
			/* The first 16 here; the report has them all. */
			for (size_t i = 0; i < d->corrupt_n && i < 16 && o < sizeof(result); i++)
				o += (size_t)snprintf(result + o, sizeof(result) - o, "%s%" PRIu64,
						      i ? ", " : " ", d->corrupt_offsets[i]);
			if (d->corrupt_n > 16 && o < sizeof(result))
				snprintf(result + o, sizeof(result) - o, " and %zu more",
					 d->corrupt_n - 16);
		}
	}
	if (d->stat_fields) {
		size_t o = strlen(result);

		o += (size_t)snprintf(result + o, sizeof(result) - o, "%sfaked", o ? ", " : "");
		for (unsigned f = 0, k = 0; f < FL_STAT_N_FIELDS && o < sizeof(result); f++) {
			if (!(d->stat_fields & (1u << f)))
				continue;
			if (f == FL_STAT_MODE)
				o += (size_t)snprintf(result + o, sizeof(result) - o, "%s mode %04" PRIo64,
						      k++ ? "," : "", d->stat_values[f]);
			else if (f >= FL_STAT_ATIME)
				o += (size_t)snprintf(result + o, sizeof(result) - o, "%s %s %" PRId64,
						      k++ ? "," : "", fl_stat_field_name(f),
						      (int64_t)d->stat_values[f]);
			else
				o += (size_t)snprintf(result + o, sizeof(result) - o, "%s %s %" PRIu64,
						      k++ ? "," : "", fl_stat_field_name(f),
						      d->stat_values[f]);
		}
	}
	if (d->crash)
		snprintf(result, sizeof(result), "crashed (%s): the traced tree killed before the "
			 "call ran", fl_crash_mode_name(d->crash));
	if (d->clock_call != FL_CCALL_NONE) {
		char shift[40], step[40];
		uint64_t mag = d->clock_shift_ns < 0 ? -(uint64_t)d->clock_shift_ns :
			       (uint64_t)d->clock_shift_ns;
		uint64_t smag = d->clock_step_ns < 0 ? -(uint64_t)d->clock_step_ns :
				(uint64_t)d->clock_step_ns;

		fl_format_duration(shift, sizeof(shift), mag);
		fl_format_duration(step, sizeof(step), smag);
		if (d->clock_step_ns)
			snprintf(result, sizeof(result), "jumped %c%s (clock now %c%s)",
				 d->clock_step_ns < 0 ? '-' : '+', step,
				 d->clock_shift_ns < 0 ? '-' : '+', shift);
		else
			snprintf(result, sizeof(result), "shifted %c%s",
				 d->clock_shift_ns < 0 ? '-' : '+', shift);
	}
	if (d->has_poke) {
		size_t o = strlen(result);

		snprintf(result + o, sizeof(result) - o, "%spoked %zu byte%s into argument %u",
			 o ? ", " : "", d->poke_len, d->poke_len == 1 ? "" : "s", d->poke_arg);
	}
	if (d->signal) {
		const char *name = fl_signal_name(d->signal);
		bool alone = !result[0] && !delay[0];

		if (name)
			snprintf(sig, sizeof(sig), "%ssignal %s", alone ? "" : ", ", name);
		else
			snprintf(sig, sizeof(sig), "%ssignal %d", alone ? "" : ", ", d->signal);
	}

	if (result[0] && delay[0])
		n = snprintf(buf, size, "%s after %s delay%s%s%s", result, delay, cut, sig, exit_tag);
	else if (delay[0])
		n = snprintf(buf, size, "delayed %s%s%s%s", delay, cut, sig, exit_tag);
	else if (result[0] || sig[0])
		n = snprintf(buf, size, "%s%s%s", result, sig, exit_tag);
	else
		n = snprintf(buf, size, "(no change)%s", exit_tag);
	return n < 0 ? 0 : (size_t)n;
}

/*
 * Unwinding a stopped tracee with libdwfl (elfutils).
 *
 * Setting up a Dwfl (opening every mapped ELF file, reading its CFI) costs
 * milliseconds; unwinding with one is cheap. So a few are kept, one per
 * process, and reused only while the process is the same one (its start
 * time: pids are reused) with the very same /proc/TGID/maps text (which
 * names each file by device and inode): a dlopen(), munmap() or exec()
 * changes it and gets a fresh Dwfl, so a stale module map is never used.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "faultline/base.h"
#include "stack.h"

void fl_stack_clear(struct fl_stack *st)
{
	for (size_t i = 0; i < st->n; i++)
		free(st->frames[i]);
	st->n = 0;
	st->why[0] = '\0';
}


#if FL_HAVE_LIBDW

#include "dwload.h"

/*
 * Is /proc mounted? In a container or namespace without it (or with
 * something else over it) the unwinder has no module map: say that,
 * rather than "no such process".
 */
static bool proc_mounted(void)
{
	return access("/proc/self/maps", F_OK) == 0;
}

/* Set by fl_stack_capture() before it unwinds: fl_dw_get() did not fail. */
static const struct fl_dw *dw;

const char *fl_stack_unavailable(void)
{
	const char *why = NULL;

	return fl_dw_get(&why) ? NULL : why;
}

struct walk {
	struct fl_stack *st;
	int err;
};

static char *describe_frame(Dwfl *dwfl, Dwarf_Addr pc)
{
	Dwfl_Module *mod = dw->addrmodule(dwfl, pc);
	const char *modname = NULL, *sym = NULL;
	GElf_Off off = 0;
	GElf_Sym s;
	char *ret = NULL;
	int r;

	if (mod) {
		modname = dw->module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
		sym = dw->module_addrinfo(mod, pc, &off, &s, NULL, NULL, NULL);
	}
	if (sym && modname)
		r = asprintf(&ret, "%s+0x%" PRIx64 " (%s)", sym, (uint64_t)off, modname);
	else if (modname)
		r = asprintf(&ret, "0x%" PRIx64 " (%s)", (uint64_t)pc, modname);
	else
		r = asprintf(&ret, "0x%" PRIx64, (uint64_t)pc);
	return r < 0 ? NULL : ret;
}

static int frame_cb(Dwfl_Frame *frame, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool activation;
	char *text;

	if (!dw->frame_pc(frame, &pc, &activation))
		return DWARF_CB_ABORT;
	/*
	 * Below the innermost frame pc is a return address: it may already
	 * be the first instruction of the next function (a noreturn call at
	 * the end of one), so look up the call instruction before it.
	 */
	if (!activation)
		pc--;
	text = describe_frame(dw->thread_dwfl(dw->frame_thread(frame)), pc);
	if (!text) {
		w->err = -ENOMEM;
		return DWARF_CB_ABORT;
	}
	w->st->frames[w->st->n++] = text;
	return w->st->n < FL_STACK_MAX_FRAMES ? DWARF_CB_OK : DWARF_CB_ABORT;
}

/* A process's Dwfl, and what it was made from. */
struct cached_dwfl {
	Dwfl *dwfl;
	pid_t tgid;
	unsigned long long start;  /* starttime in /proc/TGID/stat */
	char *maps;                /* /proc/TGID/maps when the Dwfl was made */
	size_t maps_len;
	uint64_t last_use;
};

/* Enough for a pipeline or a build's few busy processes; each holds open files. */
#define FL_STACK_CACHE 8

static struct cached_dwfl cache[FL_STACK_CACHE];
static uint64_t cache_clock;

static void cache_drop(struct cached_dwfl *c)
{
	if (c->dwfl)
		dw->end(c->dwfl);
	free(c->maps);
	*c = (struct cached_dwfl){ 0 };
}

/* Whole /proc/TGID/FILE, malloc'd and NUL-terminated. -ESRCH when the process is gone. */
static int read_proc(pid_t tgid, const char *file, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", tgid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT ? -errno : proc_mounted() ? -ESRCH : -ENOENT;
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *p = realloc(buf, cap + 16384 + 1);

			if (!p)
				return -ENOMEM;
			buf = p;
			cap += 16384;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0)
			return errno == ESRCH ? -ESRCH : -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = steal_pointer(&buf);
	*ret_len = len;
	return 0;
}

/* Field 22 of /proc/TGID/stat, after the command name (which may hold spaces and ')'). */
static int start_time(pid_t tgid, unsigned long long *ret)
{
	_cleanup_free_ char *stat = NULL;
	size_t len;
	char *p;
	int r;

	r = read_proc(tgid, "stat", &stat, &len);
	if (r < 0)
		return r;
	p = strrchr(stat, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
			 "%*d %*d %*d %*d %llu", ret) != 1)
		return -EIO;
	return 0;
}

static int dwfl_error(int r)
{
	/* > 0 is an errno: no /proc/TGID/maps or task/ means the process is gone. */
	if (r > 0)
		return r != ENOENT ? -r : proc_mounted() ? -ESRCH : -ENOENT;
	return -ENODATA;
}

/* A Dwfl for @tgid as it is mapped now, made or reused. */
static int get_dwfl(pid_t tgid, Dwfl **ret)
{
	/* Static: a Dwfl keeps a pointer to its callbacks. */
	static Dwfl_Callbacks callbacks;
	struct cached_dwfl *c, *slot = &cache[0];
	_cleanup_free_ char *maps = NULL;
	unsigned long long start;
	size_t maps_len;
	Dwfl *dwfl;
	int r;

	r = start_time(tgid, &start);
	if (r >= 0)
		r = read_proc(tgid, "maps", &maps, &maps_len);
	if (r < 0)
		return r;
	for (c = cache; c < cache + FL_STACK_CACHE; c++) {
		if (c->dwfl && c->tgid == tgid) {
			if (c->start == start && c->maps_len == maps_len &&
			    !memcmp(c->maps, maps, maps_len)) {
				c->last_use = ++cache_clock;
				*ret = c->dwfl;
				return 0;
			}
			/* Same pid, another process or another map: start over in this slot. */
			slot = c;
			break;
		}
		if (!c->dwfl || c->last_use < slot->last_use)
			slot = c;
		if (!c->dwfl)
			break;
	}
	cache_drop(slot);

	callbacks.find_elf = dw->linux_proc_find_elf;
	callbacks.find_debuginfo = dw->standard_find_debuginfo;
	dwfl = dw->begin(&callbacks);
	if (!dwfl)
		return -ENOMEM;
	r = dw->linux_proc_report(dwfl, tgid);
	if (r != 0) {
		r = dwfl_error(r);
		goto fail;
	}
	if (dw->report_end(dwfl, NULL, NULL) != 0) {
		r = -ENODATA;
		goto fail;
	}
	/* The threads are in our ptrace-stop: libdwfl must neither attach nor detach them. */
	r = dw->linux_proc_attach(dwfl, tgid, true);
	if (r != 0) {
		r = dwfl_error(r);
		goto fail;
	}
	*slot = (struct cached_dwfl){
		.dwfl = dwfl, .tgid = tgid, .start = start, .maps = steal_pointer(&maps),
		.maps_len = maps_len, .last_use = ++cache_clock,
	};
	*ret = dwfl;
	return 0;
fail:
	dw->end(dwfl);
	return r;
}

int fl_stack_capture(pid_t tgid, pid_t tid, struct fl_stack *st)
{
	struct walk w = { .st = st };
	Dwfl *dwfl;
	int r;

	fl_stack_clear(st);
	dw = fl_dw_get(NULL);
	if (!dw)
		return -EOPNOTSUPP;
	r = get_dwfl(tgid, &dwfl);
	if (r < 0) {
		if (r == -ENOENT)
			snprintf(st->why, sizeof(st->why), "/proc is not mounted: the unwinder reads "
				 "/proc/%d/maps to find the program's files (mount proc there)", (int)tgid);
		else if (r == -ESRCH)
			snprintf(st->why, sizeof(st->why), "the process ended before its stack was read");
		else if (r == -ENODATA)
			snprintf(st->why, sizeof(st->why), "libdwfl: %s", dw->errmsg(-1));
		else
			snprintf(st->why, sizeof(st->why), "cannot read /proc/%d: %s", (int)tgid,
				 strerror(-r));
		return r;
	}
	/*
	 * The walk usually ends in an error past the outermost frame (_start
	 * has no caller, and code without CFI stops it too): what it found
	 * until then is the stack.
	 */
	dw->getthread_frames(dwfl, tid, frame_cb, &w);
	if (w.err < 0) {
		fl_stack_clear(st);
		snprintf(st->why, sizeof(st->why), "%s", strerror(-w.err));
		return w.err;
	}
	if (!st->n)
		snprintf(st->why, sizeof(st->why), "not even the innermost frame could be unwound "
			 "(libdwfl: %s)", dw->errmsg(-1));
	return st->n ? (int)st->n : -ENODATA;
}

#else /* !FL_HAVE_LIBDW */

const char *fl_stack_unavailable(void)
{
	return "this faultline was built without libdw (meson setup -Dlibdw=enabled)";
}

int fl_stack_capture(pid_t tgid, pid_t tid, struct fl_stack *st)
{
	(void)tgid;
	(void)tid;
	fl_stack_clear(st);
	snprintf(st->why, sizeof(st->why), "faultline was built without libdw");
	return -EOPNOTSUPP;
}

#endif

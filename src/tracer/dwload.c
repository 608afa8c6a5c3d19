/*
 * Loading libdw when a call stack is first wanted (see dwload.h), or, in a
 * static build, the table of the functions linked in.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "config.h"
#include "dwload.h"

#if FL_HAVE_LIBDW

#if FL_LIBDW_DLOPEN
#include <dlfcn.h>
#include <stdio.h>

static struct fl_dw dw;
static const struct fl_dw *loaded;
static char why[512];
static bool tried;

/* Each member is looked up by the libdw function name it stands for. */
#define DW_SYMBOLS(X) \
	X(begin, dwfl_begin) X(end, dwfl_end) \
	X(linux_proc_find_elf, dwfl_linux_proc_find_elf) \
	X(standard_find_debuginfo, dwfl_standard_find_debuginfo) \
	X(linux_proc_report, dwfl_linux_proc_report) X(report_end, dwfl_report_end) \
	X(linux_proc_attach, dwfl_linux_proc_attach) \
	X(getthread_frames, dwfl_getthread_frames) X(frame_pc, dwfl_frame_pc) \
	X(frame_thread, dwfl_frame_thread) X(thread_dwfl, dwfl_thread_dwfl) \
	X(addrmodule, dwfl_addrmodule) X(module_info, dwfl_module_info) \
	X(module_addrinfo, dwfl_module_addrinfo) X(errmsg, dwfl_errmsg)

static const struct fl_dw *load(void)
{
	const char *name = getenv("FAULTLINE_LIBDW");
	void *h, *sym;

	if (!name || !*name)
		name = FL_LIBDW_SONAME;
	/* Never unloaded: the Dwfl cache of stack.c lives until exit. */
	h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, sizeof(why), "cannot load libdw (elfutils, package libdw1): %s",
			 dlerror());
		return NULL;
	}
#define X(member, fn)                                                              \
	sym = dlsym(h, #fn);                                                       \
	if (!sym) {                                                                \
		snprintf(why, sizeof(why), "%s has no %s: not elfutils' libdw?", name, #fn); \
		dlclose(h);                                                        \
		return NULL;                                                       \
	}                                                                          \
	*(void **)&dw.member = sym;
	DW_SYMBOLS(X)
#undef X
	return &dw;
}

const struct fl_dw *fl_dw_get(const char **ret_why)
{
	if (!tried) {
		tried = true;
		loaded = load();
	}
	if (!loaded && ret_why)
		*ret_why = why;
	return loaded;
}

#else /* linked in (static build) */

static const struct fl_dw dw = {
	.begin = dwfl_begin,
	.end = dwfl_end,
	.linux_proc_find_elf = dwfl_linux_proc_find_elf,
	.standard_find_debuginfo = dwfl_standard_find_debuginfo,
	.linux_proc_report = dwfl_linux_proc_report,
	.report_end = dwfl_report_end,
	.linux_proc_attach = dwfl_linux_proc_attach,
	.getthread_frames = dwfl_getthread_frames,
	.frame_pc = dwfl_frame_pc,
	.frame_thread = dwfl_frame_thread,
	.thread_dwfl = dwfl_thread_dwfl,
	.addrmodule = dwfl_addrmodule,
	.module_info = dwfl_module_info,
	.module_addrinfo = dwfl_module_addrinfo,
	.errmsg = dwfl_errmsg,
};

const struct fl_dw *fl_dw_get(const char **ret_why)
{
	(void)ret_why;
	return &dw;
}

#endif
#endif

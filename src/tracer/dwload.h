/*
 * The libdwfl functions the stack unwinder calls, resolved once.
 *
 * A dynamic faultline does not link libdw: libdw and what it pulls in
 * (libelf, libz, liblzma, libbz2) were half of the dynamic loader's work at
 * every start, for a library only --stack and caller: use. It is loaded
 * with dlopen() the first time one of them needs it. A static faultline
 * (meson -Dstatic=true) links it and fills the same table.
 */
#pragma once

#include "config.h"

#if FL_HAVE_LIBDW

#include <elfutils/libdwfl.h>

struct fl_dw {
	__typeof__(&dwfl_begin) begin;
	__typeof__(&dwfl_end) end;
	__typeof__(&dwfl_linux_proc_find_elf) linux_proc_find_elf;
	__typeof__(&dwfl_standard_find_debuginfo) standard_find_debuginfo;
	__typeof__(&dwfl_linux_proc_report) linux_proc_report;
	__typeof__(&dwfl_report_end) report_end;
	__typeof__(&dwfl_linux_proc_attach) linux_proc_attach;
	__typeof__(&dwfl_getthread_frames) getthread_frames;
	__typeof__(&dwfl_frame_pc) frame_pc;
	__typeof__(&dwfl_frame_thread) frame_thread;
	__typeof__(&dwfl_thread_dwfl) thread_dwfl;
	__typeof__(&dwfl_addrmodule) addrmodule;
	__typeof__(&dwfl_module_info) module_info;
	__typeof__(&dwfl_module_addrinfo) module_addrinfo;
	__typeof__(&dwfl_errmsg) errmsg;
};

/*
 * The table, loading libdw on the first call (FAULTLINE_LIBDW, if set,
 * names the library to load instead of libdw's soname). NULL when it
 * cannot be loaded; then *ret_why (may be NULL) says why, for a message.
 */
const struct fl_dw *fl_dw_get(const char **ret_why);

#endif

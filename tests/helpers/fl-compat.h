/*
 * The legacy path calls (open, unlink, mkdir, rename, link, symlink) where
 * the architecture has them, their *at forms where it does not (aarch64 and
 * the other generic-syscall ABIs have only openat, unlinkat, ...). A helper
 * makes the call through these, so that "the victim's own open" is one
 * system call either way; FL_OPEN_NAME and friends say which, for output a
 * test compares. Header-only: helpers link no faultline code.
 */
#pragma once

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef SYS_open
#define FL_OPEN_NAME "open"
static inline long fl_sys_open(const char *path, long flags)
{
	return syscall(SYS_open, path, flags);
}
#else
#define FL_OPEN_NAME "openat"
static inline long fl_sys_open(const char *path, long flags)
{
	return syscall(SYS_openat, (long)AT_FDCWD, path, flags);
}
#endif

#ifdef SYS_unlink
#define FL_UNLINK_NAME "unlink"
static inline long fl_sys_unlink(const char *path)
{
	return syscall(SYS_unlink, path);
}
#else
#define FL_UNLINK_NAME "unlinkat"
static inline long fl_sys_unlink(const char *path)
{
	return syscall(SYS_unlinkat, (long)AT_FDCWD, path, 0L);
}
#endif

static inline long fl_sys_mkdir(const char *path, long mode)
{
#ifdef SYS_mkdir
	return syscall(SYS_mkdir, path, mode);
#else
	return syscall(SYS_mkdirat, (long)AT_FDCWD, path, mode);
#endif
}

static inline long fl_sys_rename(const char *from, const char *to)
{
#ifdef SYS_rename
	return syscall(SYS_rename, from, to);
#else
	return syscall(SYS_renameat, (long)AT_FDCWD, from, (long)AT_FDCWD, to);
#endif
}

static inline long fl_sys_link(const char *from, const char *to)
{
#ifdef SYS_link
	return syscall(SYS_link, from, to);
#else
	return syscall(SYS_linkat, (long)AT_FDCWD, from, (long)AT_FDCWD, to, 0L);
#endif
}

static inline long fl_sys_symlink(const char *target, const char *path)
{
#ifdef SYS_symlink
	return syscall(SYS_symlink, target, path);
#else
	return syscall(SYS_symlinkat, target, (long)AT_FDCWD, path);
#endif
}

/* The names of the calls fl_sys_mkdir() and the others above make. */
#ifdef SYS_mkdir
#define FL_MKDIR_NAME "mkdir"
#else
#define FL_MKDIR_NAME "mkdirat"
#endif
#ifdef SYS_rename
#define FL_RENAME_NAME "rename"
#else
#define FL_RENAME_NAME "renameat"
#endif
#ifdef SYS_link
#define FL_LINK_NAME "link"
#else
#define FL_LINK_NAME "linkat"
#endif
#ifdef SYS_symlink
#define FL_SYMLINK_NAME "symlink"
#else
#define FL_SYMLINK_NAME "symlinkat"
#endif

/* What a log line shows before the path of those calls: the *at forms' dirfd. */
#ifdef SYS_open
#define FL_AT_FDCWD_ARG ""
#else
#define FL_AT_FDCWD_ARG "AT_FDCWD, "
#endif

/* The machine's ABIs as `faultline list` names them: native, then compat. */
#if defined(__x86_64__)
#define FL_HOST_ABIS "x86_64 i386"
#define FL_COMPAT_ABI "i386"
#elif defined(__aarch64__)
#define FL_HOST_ABIS "aarch64 arm"
#define FL_COMPAT_ABI "arm"
#endif

/* The open calls a rule names to catch every open: "open, openat" where both exist. */
#ifdef SYS_open
#define FL_OPEN_NAMES "open, openat"
#else
#define FL_OPEN_NAMES "openat"
#endif

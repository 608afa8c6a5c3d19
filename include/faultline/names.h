/* Names of syscalls, errnos, signals and durations. Pure; no tracee involved. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The ABIs names are resolved for: fl_arch_list() in faultline/arch.h. */

/* Syscall number of @name for @arch, or -1 if that ABI has no such call. */
int fl_syscall_nr(uint32_t arch, const char *name);
/* Static name of syscall @nr on @arch, or NULL. */
const char *fl_syscall_name(uint32_t arch, int nr);
/* True when @name is a syscall on any ABI of fl_arch_list(). */
int fl_syscall_known(const char *name);

/* errno value for "ENOENT" (also accepts a decimal 1..4095), or -1. */
int fl_errno_from_name(const char *name);
/* "ENOENT", or NULL when glibc has no name for @err. */
const char *fl_errno_name(int err);

/* Signal number for "SIGTERM" or "TERM", or -1. */
int fl_signal_from_name(const char *name);
/* "SIGSEGV", "SIGRTMIN+3", or NULL. */
const char *fl_signal_name(int sig);

/*
 * Parse "250ms", "1.5s", "10us", "100ns", "2s" into nanoseconds.
 * A unit is required. Returns 0 or -EINVAL (bad syntax) / -ERANGE (overflow).
 */
int fl_duration_parse(const char *text, uint64_t *ret_ns);

/*
 * Closest candidate to @word by edit distance among @n @candidates, or NULL
 * when none is close enough to be a plausible typo.
 */
const char *fl_did_you_mean(const char *word, const char *const *candidates, size_t n);

/*
 * For "did you mean" on syscall and errno names: closest known name, or NULL.
 * Returned strings are static.
 */
const char *fl_syscall_suggest(const char *word);
const char *fl_errno_suggest(const char *word);

/* Call @fn for every syscall name known (sorted, unique), / every errno. */
void fl_syscall_foreach(void (*fn)(const char *name, void *ud), void *ud);
void fl_errno_foreach(void (*fn)(int err, const char *name, void *ud), void *ud);

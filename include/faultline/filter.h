/*
 * The seccomp prefilter: a BPF program, built with libseccomp from the rule
 * set, that the command installs right before execve(). Calls no rule names
 * return SECCOMP_RET_ALLOW and never stop; named calls return
 * SECCOMP_RET_TRACE and reach the tracer as one PTRACE_EVENT_SECCOMP stop.
 */
#pragma once

#include <stdbool.h>

#include "faultline/rules.h"

struct fl_filter;

/*
 * Build the filter for every syscall (in every ABI of fl_arch_list()) that
 * some rule of @set names, and for the @n_also syscalls named in @also
 * (those this architecture lacks are left out). Returns 0 and a filter owned
 * by the caller (free with fl_filter_free()), or -errno.
 */
int fl_filter_new(const struct fl_rule_set *set, const char *const *also, size_t n_also,
		  struct fl_filter **ret);
void fl_filter_free(struct fl_filter *f);

/*
 * Load the filter into the calling process (the child, before execve).
 * Returns >= 0, or -1 with errno set. Sets no_new_privs unless faultline has
 * CAP_SYS_ADMIN, as the kernel requires (see the README on setuid programs).
 */
int fl_filter_install(void *filter);

/* Does this build have the prefilter (meson -Dseccomp)? */
bool fl_filter_available(void);

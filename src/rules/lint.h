/*
 * Private to src/rules: the loader's warnings, and the facts about
 * syscalls they need (faultline check):
 * which calls the vDSO serves, and which errnos the man pages document for
 * the common file and socket calls. Advisory only: nothing here stops a
 * rule from loading.
 */
#pragma once

#include <stdbool.h>

/*
 * Is @name served by the x86_64 vDSO, so that glibc never makes the system
 * call (and no rule ever sees it from an x86_64 program)?
 */
bool fl_lint_vdso(const char *name);

/*
 * Is @err among the errors the man page documents for syscall @name?
 * Returns 1 yes, 0 no (then *@ret_page names the page, e.g. "open(2)"),
 * -ENOENT when @name is not in the table (nothing is known).
 */
int fl_lint_errno_documented(const char *name, int err, const char **ret_page);

struct key_def;
struct load;
struct node;
struct rule_state;

/*
 * The loader's warnings, made from the facts above and from the rules (all
 * warnings live here; fl_load_warn() drops them unless the caller asked).
 */

/* Syscall @v of key @def is served by the vDSO: rules rarely see it. */
void fl_lint_syscall(struct load *ld, const struct key_def *def, const struct node *v);
/* 'times: 0' or 'probability: 0' (@v of key @def): the rule never acts. */
void fl_lint_never_acts(struct load *ld, const struct key_def *def, const struct node *v);
/* An errno none of the man pages of the rule's syscalls lists. */
void fl_lint_errnos_documented(struct load *ld, const struct rule_state *rs);
/* An errno on a call that never returns one (brk: the break, getpid: a pid). */
void fl_lint_errno_form(struct load *ld, const struct rule_state *rs);
/* EINTR aimed at regular files (by fd_type, by path:, or at every fd). */
void fl_lint_eintr_files(struct load *ld, const struct rule_state *rs);
/* A rule of this load that an earlier rule always acts before. */
void fl_lint_shadowed(struct load *ld);

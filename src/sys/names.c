/*
 * Names of syscalls, errnos and signals.
 *
 * Syscall tables come from libseccomp (so they track the kernel without a
 * copy in this tree), errno and signal names from glibc. The caches below
 * are built lazily on first use and live until exit; they are reachable
 * from statics, so LeakSanitizer does not count them as lost.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/sys.h"
#include "faultline/base.h"

/* ---- syscalls ---- */

/*
 * One cache per ABI asked about: libseccomp hands out malloc'd strings from
 * resolve_num, so each name is fetched when first asked and kept, and
 * fl_syscall_name() can return static strings. The cache is an open
 * addressing hash of number -> name, so a traced stop finds a name it has
 * seen in a probe or two whatever the number. Only numbers with a name go
 * in: libseccomp's tables are finite, so a tracee passing made-up numbers
 * cannot grow it. Which ABIs exist is an arch fact: callers pass their
 * audit arch, or arch's list for the functions that look across ABIs; an
 * ABI never asked about costs nothing.
 */
#define MAX_TABLES 8
#define FIRST_SLOTS 64 /* a power of two */

struct slot {
	int nr;
	char *name; /* NULL: an empty slot */
};

static struct syscall_table {
	uint32_t arch;
	bool used;
	size_t n, cap;      /* names kept; slots, 0 or a power of two */
	struct slot *slots;
} tables[MAX_TABLES];

static struct syscall_table *table_of(uint32_t arch)
{
	for (size_t i = 0; i < MAX_TABLES; i++) {
		struct syscall_table *t = &tables[i];

		if (t->used && t->arch == arch)
			return t;
		if (!t->used) {
			/*
			 * An ABI libseccomp does not know has no table. The ABI
			 * value is passed to libseccomp as it is: src/arch asserts
			 * that its values are libseccomp's.
			 */
			if (seccomp_syscall_resolve_name_arch(arch, "read") < 0)
				return NULL;
			t->arch = arch;
			t->used = true;
			return t;
		}
	}
	return NULL;
}

static size_t slot_of(int nr, size_t cap)
{
	uint32_t h = (uint32_t)nr * 0x9e3779b1u; /* multiplicative, folded: spreads runs of numbers */

	return (h ^ (h >> 16)) & (cap - 1);
}

static const char *table_find(const struct syscall_table *t, int nr)
{
	if (!t->cap)
		return NULL;
	for (size_t i = slot_of(nr, t->cap); t->slots[i].name; i = (i + 1) & (t->cap - 1))
		if (t->slots[i].nr == nr)
			return t->slots[i].name;
	return NULL;
}

static void table_put(struct slot *slots, size_t cap, int nr, char *name)
{
	size_t i = slot_of(nr, cap);

	while (slots[i].name)
		i = (i + 1) & (cap - 1);
	slots[i] = (struct slot){ .nr = nr, .name = name };
}

/* Keep @name for @nr (not there yet). False on OOM with no room left: the caller keeps @name. */
static bool table_add(struct syscall_table *t, int nr, char *name)
{
	/* At most half full, so a probe ends soon at an empty slot. */
	if (2 * (t->n + 1) > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : FIRST_SLOTS;
		struct slot *slots = calloc(cap, sizeof(*slots));

		if (slots) {
			for (size_t i = 0; i < t->cap; i++)
				if (t->slots[i].name)
					table_put(slots, cap, t->slots[i].nr, t->slots[i].name);
			free(t->slots);
			t->slots = slots;
			t->cap = cap;
		} else if (t->n + 1 >= t->cap) {
			return false; /* the last empty slot ends every probe: keep it */
		}
	}
	table_put(t->slots, t->cap, nr, name);
	t->n++;
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted, unique names over @abis (malloc'd array of static strings), or NULL on OOM. */
static const char **names_over(const struct fl_syscall_abi *abis, size_t n_abis, size_t *ret_n)
{
	const char **all = NULL;
	size_t n = 0, cap = 0, u = 0;

	*ret_n = 0;
	for (size_t a = 0; a < n_abis; a++)
		for (size_t s = 0; s < abis[a].n_spans; s++) {
			const struct fl_nr_span *sp = &abis[a].spans[s];

			for (uint32_t nr = sp->first; nr < sp->end && nr <= INT_MAX; nr++) {
				const char *name = fl_syscall_name(abis[a].arch, (int)nr);

				if (!name)
					continue;
				if (n == cap) {
					const char **grown;

					cap = cap ? 2 * cap : 512;
					grown = realloc(all, cap * sizeof(*all));
					if (!grown) {
						free(all);
						return NULL;
					}
					all = grown;
				}
				all[n++] = name;
			}
		}
	if (!all)
		return malloc(sizeof(*all)); /* no names: an empty list, not OOM */
	qsort(all, n, sizeof(*all), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (u == 0 || strcmp(all[u - 1], all[i]) != 0)
			all[u++] = all[i];
	*ret_n = u;
	return all;
}

int fl_syscall_nr(uint32_t arch, const char *name)
{
	int nr;

	if (!name || !*name)
		return -1;
	/*
	 * Negative results are libseccomp's error or its pseudo numbers for
	 * calls that exist on other ABIs only: either way, not a syscall of
	 * this ABI.
	 */
	nr = seccomp_syscall_resolve_name_arch(arch, name);
	return nr < 0 ? -1 : nr;
}

const char *fl_syscall_name(uint32_t arch, int nr)
{
	struct syscall_table *t;
	const char *kept;
	char *name;

	if (nr < 0)
		return NULL; /* libseccomp's pseudo numbers, not calls */
	t = table_of(arch);
	if (!t)
		return NULL;
	kept = table_find(t, nr);
	if (kept)
		return kept;
	name = seccomp_syscall_resolve_num_arch(arch, nr);
	if (name && !table_add(t, nr, name)) {
		free(name);
		return NULL; /* out of memory: no name, as libseccomp's own OOM gives */
	}
	return name;
}

int fl_syscall_known(const uint32_t *abis, size_t n_abis, const char *name)
{
	for (size_t a = 0; a < n_abis; a++)
		if (fl_syscall_nr(abis[a], name) >= 0)
			return 1;
	return 0;
}

void fl_syscall_foreach(const struct fl_syscall_abi *abis, size_t n_abis,
			void (*fn)(const char *name, void *ud), void *ud)
{
	size_t n;
	_cleanup_free_ const char **names = names_over(abis, n_abis, &n);

	for (size_t i = 0; names && i < n; i++)
		fn(names[i], ud);
}

const char *fl_syscall_suggest(const struct fl_syscall_abi *abis, size_t n_abis,
			       const char *word)
{
	size_t n;
	_cleanup_free_ const char **names = names_over(abis, n_abis, &n);

	/* On OOM there is no suggestion; the error itself still stands. */
	return names ? fl_did_you_mean(word, names, n) : NULL;
}

/* ---- errnos ---- */

/*
 * Names glibc's strerrorname_np() never returns because their value has
 * another name first (EWOULDBLOCK is EAGAIN). Values come from the
 * headers; only the spelling is listed here.
 */
static const struct {
	const char *name;
	int value;
} errno_aliases[] = {
	{ "EWOULDBLOCK", EWOULDBLOCK },
	{ "EDEADLOCK", EDEADLOCK },
	{ "ENOTSUP", ENOTSUP },
};

static struct {
	bool built;
	const char **names; /* every errno name, ascending by value, then aliases */
	size_t n;
} en;

static void errno_cache_build(void)
{
	size_t n = 0;

	if (en.built)
		return;
	en.built = true;

	for (int e = 1; e <= FL_ERRNO_MAX; e++)
		if (strerrorname_np(e))
			n++;
	en.names = malloc((n + FL_ARRAY_SIZE(errno_aliases)) * sizeof(*en.names));
	if (!en.names)
		return;
	for (int e = 1; e <= FL_ERRNO_MAX; e++) {
		const char *s = strerrorname_np(e);

		if (s)
			en.names[en.n++] = s;
	}
	for (size_t i = 0; i < FL_ARRAY_SIZE(errno_aliases); i++)
		en.names[en.n++] = errno_aliases[i].name;
}

/*
 * Strict decimal: digits only, no sign, no leading zero (which YAML 1.1
 * would read as octal), no overflow. Returns 0 or -EINVAL / -ERANGE.
 */
static int parse_decimal(const char *s, unsigned long max, unsigned long *ret)
{
	unsigned long v = 0;

	if (!s || !isdigit((unsigned char)s[0]) || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		if (v > (max - (unsigned long)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*ret = v;
	return 0;
}

int fl_errno_from_name(const char *name)
{
	unsigned long v;

	if (!name || !*name)
		return -1;
	if (isdigit((unsigned char)name[0]))
		return parse_decimal(name, FL_ERRNO_MAX, &v) == 0 && v >= 1 ? (int)v : -1;

	for (int e = 1; e <= FL_ERRNO_MAX; e++) {
		const char *s = strerrorname_np(e);

		if (s && strcmp(s, name) == 0)
			return e;
	}
	for (size_t i = 0; i < FL_ARRAY_SIZE(errno_aliases); i++)
		if (strcmp(errno_aliases[i].name, name) == 0)
			return errno_aliases[i].value;
	return -1;
}

const char *fl_errno_name(int err)
{
	if (err < 1 || err > FL_ERRNO_MAX)
		return NULL;
	return strerrorname_np(err);
}

void fl_errno_foreach(void (*fn)(int err, const char *name, void *ud), void *ud)
{
	for (int e = 1; e <= FL_ERRNO_MAX; e++) {
		const char *s = strerrorname_np(e);

		if (s)
			fn(e, s, ud);
	}
}

const char *fl_errno_suggest(const char *word)
{
	errno_cache_build();
	return fl_did_you_mean(word, en.names, en.n);
}

/* ---- signals ---- */

/* glibc names 29 "POLL" and 6 "ABRT"; these spellings are common too. */
static const struct {
	const char *name; /* without "SIG" */
	int value;
} signal_aliases[] = {
	{ "IO", SIGIO },
	{ "IOT", SIGIOT },
	{ "CLD", SIGCHLD },
};

/* "SIG" + glibc's abbreviation, or "SIGRTMIN+n"; index is the signal. */
static char signal_names[_NSIG][24];

static const char *rt_name(int sig)
{
	char *buf = signal_names[sig];

	if (!buf[0]) {
		if (sig == SIGRTMIN)
			snprintf(buf, sizeof(signal_names[0]), "SIGRTMIN");
		else if (sig == SIGRTMAX)
			snprintf(buf, sizeof(signal_names[0]), "SIGRTMAX");
		else
			snprintf(buf, sizeof(signal_names[0]), "SIGRTMIN+%d", sig - SIGRTMIN);
	}
	return buf;
}

const char *fl_signal_name(int sig)
{
	const char *abbr;

	if (sig < 1 || sig >= _NSIG)
		return NULL;
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		return rt_name(sig);
	abbr = sigabbrev_np(sig);
	if (!abbr)
		return NULL; /* 32 and 33: glibc's own, no name */
	if (!signal_names[sig][0])
		snprintf(signal_names[sig], sizeof(signal_names[0]), "SIG%s", abbr);
	return signal_names[sig];
}

int fl_signal_from_name(const char *name)
{
	unsigned long v;

	if (!name || !*name)
		return -1;
	if (isdigit((unsigned char)name[0])) {
		if (parse_decimal(name, _NSIG - 1, &v) < 0 || v < 1 || !fl_signal_name((int)v))
			return -1;
		return (int)v;
	}
	if (strncmp(name, "SIG", 3) == 0)
		name += 3;

	if (strncmp(name, "RTMIN", 5) == 0 || strncmp(name, "RTMAX", 5) == 0) {
		bool min = name[4] == 'N';
		const char *p = name + 5;
		int sig;

		if (!*p)
			return min ? SIGRTMIN : SIGRTMAX;
		if (*p != (min ? '+' : '-') || parse_decimal(p + 1, _NSIG, &v) < 0)
			return -1;
		if (v > (unsigned long)(SIGRTMAX - SIGRTMIN))
			return -1;
		sig = min ? SIGRTMIN + (int)v : SIGRTMAX - (int)v;
		return sig;
	}

	for (int sig = 1; sig < SIGRTMIN; sig++) {
		const char *abbr = sigabbrev_np(sig);

		if (abbr && strcmp(abbr, name) == 0)
			return sig;
	}
	for (size_t i = 0; i < FL_ARRAY_SIZE(signal_aliases); i++)
		if (strcmp(signal_aliases[i].name, name) == 0)
			return signal_aliases[i].value;
	return -1;
}

#include <stdlib.h>

#include "tracee.h"

static size_t slot_of(const struct fl_tracee_table *t, pid_t tid)
{
	/* Fibonacci hashing: tids are often consecutive. */
	return (size_t)(((uint64_t)(uint32_t)tid * 0x9e3779b97f4a7c15ull) >> 32) & (t->cap - 1);
}

/* A tracee and what it owns: the crash's exe, corrupt's record, a pending injection's strings. */
static void free_tracee(struct fl_tracee *t)
{
	free(t->crash_exe);
	free(t->corrupt);
	free((char *)t->pending_match.path);
	free((char *)t->pending_match.exe);
	free((char *)t->pending_match.caller);
	free(t);
}

void fl_tracee_table_init(struct fl_tracee_table *t)
{
	t->slots = NULL;
	t->cap = 0;
	t->n = 0;
}

void fl_tracee_table_done(struct fl_tracee_table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i]) {
			free_tracee(t->slots[i]);
		}
	free(t->slots);
	fl_tracee_table_init(t);
}

struct fl_tracee *fl_tracee_find(struct fl_tracee_table *t, pid_t tid)
{
	if (t->cap == 0)
		return NULL;
	for (size_t i = slot_of(t, tid);; i = (i + 1) & (t->cap - 1)) {
		if (!t->slots[i])
			return NULL;
		if (t->slots[i]->tid == tid)
			return t->slots[i];
	}
}

static void insert_slot(struct fl_tracee_table *t, struct fl_tracee *tr)
{
	size_t i = slot_of(t, tr->tid);

	while (t->slots[i])
		i = (i + 1) & (t->cap - 1);
	t->slots[i] = tr;
}

static int grow(struct fl_tracee_table *t)
{
	size_t old_cap = t->cap;
	struct fl_tracee **old = t->slots;
	size_t cap = old_cap ? old_cap * 2 : 64;
	struct fl_tracee **slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	t->slots = slots;
	t->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i])
			insert_slot(t, old[i]);
	free(old);
	return 0;
}

struct fl_tracee *fl_tracee_add(struct fl_tracee_table *t, pid_t tid)
{
	struct fl_tracee *tr = fl_tracee_find(t, tid);

	if (tr)
		return tr;
	/* Keep the load factor under 1/2 so probes stay short. */
	if ((t->n + 1) * 2 > t->cap && grow(t) < 0)
		return NULL;
	tr = calloc(1, sizeof(*tr));
	if (!tr)
		return NULL;
	tr->tid = tid;
	insert_slot(t, tr);
	t->n++;
	return tr;
}

void fl_tracee_remove(struct fl_tracee_table *t, pid_t tid)
{
	size_t i, j;

	if (t->cap == 0)
		return;
	for (i = slot_of(t, tid);; i = (i + 1) & (t->cap - 1)) {
		if (!t->slots[i])
			return;
		if (t->slots[i]->tid == tid)
			break;
	}
	free_tracee(t->slots[i]);
	t->slots[i] = NULL;
	t->n--;

	/* Backward-shift: re-place the rest of the cluster so lookups never stop early. */
	for (j = (i + 1) & (t->cap - 1); t->slots[j]; j = (j + 1) & (t->cap - 1)) {
		struct fl_tracee *tr = t->slots[j];
		t->slots[j] = NULL;
		insert_slot(t, tr);
	}
}

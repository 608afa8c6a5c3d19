/*
 * A set of strings: open addressing, FNV-1a, grown at half full. For the
 * loader's duplicate checks, so that a list of n entries costs O(n), not
 * O(n^2) (issue 16: a 60k-entry path: list took 15 s).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faultline/base.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	/* FNV's low bits are weak for short keys: mix the high ones in. */
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	return h ^ (h >> 32);
}

static char **slot_of(char **slots, size_t cap, const char *key)
{
	size_t i = (size_t)hash(key) & (cap - 1);

	while (slots[i] && strcmp(slots[i], key) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct fl_strset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 16;
	char **slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i])
			*slot_of(slots, cap, s->slots[i]) = s->slots[i];
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

int fl_strset_add(struct fl_strset *s, const char *key)
{
	char **slot;

	if ((s->n + 1) * 2 > s->cap && grow(s) < 0)
		return -ENOMEM;
	slot = slot_of(s->slots, s->cap, key);
	if (*slot)
		return 0;
	*slot = strdup(key);
	if (!*slot)
		return -ENOMEM;
	s->n++;
	return 1;
}

bool fl_strset_has(const struct fl_strset *s, const char *key)
{
	return s->cap && *slot_of(s->slots, s->cap, key) != NULL;
}

void fl_strset_clear(struct fl_strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i]);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

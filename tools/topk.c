/*
 * topk.c - space-saving top-k counter with a stream-summary (see topk.h).
 *
 * Does:    a hash (linear probing with the hash kept beside each slot,
 *          backward-shift deletion) finds a key's entry; buckets of equal
 *          count in a list ordered by count give the least counted entry
 *          and move an entry up by one in O(1).
 * Returns: see topk.h.
 * Never:   allocates after topk_init.
 */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "topk.h"

int topk_init(struct topk *t, size_t cap)
{
	size_t size = 16, i;

	memset(t, 0, sizeof(*t));
	while (size < 2 * cap)
		size *= 2;
	t->e = calloc(cap ? cap : 1, sizeof(*t->e));
	t->b = calloc(cap ? cap : 1, sizeof(*t->b));
	t->slot = calloc(size, sizeof(*t->slot));
	t->slot_hash = calloc(size, sizeof(*t->slot_hash));
	if (t->e == NULL || t->b == NULL || t->slot == NULL || t->slot_hash == NULL || cap == 0) {
		topk_free(t);
		return -1;
	}
	for (i = 0; i < cap; i++)
		t->b[i].next = i + 1 < cap ? (uint32_t)(i + 1) : TOPK_NONE;
	t->free_bucket = 0;
	t->min_bucket = TOPK_NONE;
	t->cap = cap;
	t->mask = size - 1;
	return 0;
}

void topk_free(struct topk *t)
{
	free(t->e);
	free(t->b);
	free(t->slot);
	free(t->slot_hash);
	memset(t, 0, sizeof(*t));
}

static uint32_t hash(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

/* The slot holding key (hash h), or the empty slot where it would go. */
static size_t probe(const struct topk *t, const char *key, size_t n, uint32_t h)
{
	size_t i = h & t->mask;

	while (t->slot[i] != 0) {
		const struct topk_entry *x = &t->e[t->slot[i] - 1];
		if (t->slot_hash[i] == h && strncmp(x->key, key, n) == 0 && x->key[n] == '\0')
			break;
		i = (i + 1) & t->mask;
	}
	return i;
}

/* Remove the key in slot i, moving later entries of its cluster back. */
static void unslot(struct topk *t, size_t i)
{
	size_t j = i, home;

	t->slot[i] = 0;
	for (;;) {
		j = (j + 1) & t->mask;
		if (t->slot[j] == 0)
			return;
		home = t->slot_hash[j] & t->mask;
		/* the entry in j may move to the hole i unless its home is in (i, j] */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			t->slot[i] = t->slot[j];
			t->slot_hash[i] = t->slot_hash[j];
			t->slot[j] = 0;
			i = j;
		}
	}
}

static void detach(struct topk *t, uint32_t x)
{
	struct topk_entry *e = &t->e[x];
	struct topk_bucket *b = &t->b[e->bucket];

	if (e->prev != TOPK_NONE)
		t->e[e->prev].next = e->next;
	else
		b->head = e->next;
	if (e->next != TOPK_NONE)
		t->e[e->next].prev = e->prev;
}

static void attach(struct topk *t, uint32_t x, uint32_t bi)
{
	struct topk_entry *e = &t->e[x];
	struct topk_bucket *b = &t->b[bi];

	e->bucket = bi;
	e->prev = TOPK_NONE;
	e->next = b->head;
	if (b->head != TOPK_NONE)
		t->e[b->head].prev = x;
	b->head = x;
}

/* A new bucket of count c after bucket `after` (TOPK_NONE: first). */
static uint32_t new_bucket(struct topk *t, uint64_t c, uint32_t after)
{
	uint32_t bi = t->free_bucket;
	struct topk_bucket *b = &t->b[bi];

	t->free_bucket = b->next;
	b->count = c;
	b->head = TOPK_NONE;
	b->prev = after;
	b->next = after == TOPK_NONE ? t->min_bucket : t->b[after].next;
	if (b->next != TOPK_NONE)
		t->b[b->next].prev = bi;
	if (after == TOPK_NONE)
		t->min_bucket = bi;
	else
		t->b[after].next = bi;
	return bi;
}

static void drop_bucket(struct topk *t, uint32_t bi)
{
	struct topk_bucket *b = &t->b[bi];

	if (b->prev != TOPK_NONE)
		t->b[b->prev].next = b->next;
	else
		t->min_bucket = b->next;
	if (b->next != TOPK_NONE)
		t->b[b->next].prev = b->prev;
	b->next = t->free_bucket;
	t->free_bucket = bi;
}

/* Entry x (in a bucket) goes up by one. */
static void increment(struct topk *t, uint32_t x)
{
	uint32_t bi = t->e[x].bucket, nb = t->b[bi].next;
	uint64_t c = t->b[bi].count + 1;

	detach(t, x);
	if (nb == TOPK_NONE || t->b[nb].count != c) {
		if (t->b[bi].head == TOPK_NONE) {       /* alone: the bucket moves up */
			t->b[bi].count = c;
			attach(t, x, bi);
			t->e[x].count = c;
			return;
		}
		nb = new_bucket(t, c, bi);
	}
	attach(t, x, nb);
	t->e[x].count = c;
	if (t->b[bi].head == TOPK_NONE)
		drop_bucket(t, bi);
}

void topk_add(struct topk *t, const char *key, size_t len)
{
	char clean[TOPK_KEY];
	size_t i, n;
	uint32_t x, h;

	if (t->cap == 0)
		return;
	n = esc_clean(clean, sizeof(clean), key, len);
	h = hash(clean, n);
	t->total++;
	i = probe(t, clean, n, h);
	if (t->slot[i] != 0) {
		increment(t, t->slot[i] - 1);
		return;
	}
	if (t->n < t->cap) {
		x = (uint32_t)t->n++;
		t->e[x].count = 1;
		t->e[x].err = 0;
		if (t->min_bucket == TOPK_NONE || t->b[t->min_bucket].count != 1)
			new_bucket(t, 1, TOPK_NONE);
		attach(t, x, t->min_bucket);
	} else {
		/* evict a least counted entry; the newcomer inherits its count */
		x = t->b[t->min_bucket].head;
		unslot(t, probe(t, t->e[x].key, strlen(t->e[x].key), t->e[x].hash));
		i = probe(t, clean, n, h);
		t->e[x].err = t->e[x].count;
		t->evictions++;
		increment(t, x);
	}
	memcpy(t->e[x].key, clean, n + 1);
	t->e[x].hash = h;
	t->slot[i] = x + 1;
	t->slot_hash[i] = h;
}

static int by_count(const void *a, const void *b)
{
	const struct topk_entry *x = *(const struct topk_entry *const *)a;
	const struct topk_entry *y = *(const struct topk_entry *const *)b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->key, y->key);
}

size_t topk_sorted(const struct topk *t, const struct topk_entry **out, size_t max)
{
	const struct topk_entry **all;
	size_t i, n;

	if (t->n == 0 || max == 0)
		return 0;
	all = malloc(t->n * sizeof(*all));
	if (all == NULL)
		return 0;
	for (i = 0; i < t->n; i++)
		all[i] = &t->e[i];
	qsort(all, t->n, sizeof(*all), by_count);
	n = t->n < max ? t->n : max;
	memcpy(out, all, n * sizeof(*all));
	free(all);
	return n;
}

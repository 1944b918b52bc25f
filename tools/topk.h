/*
 * topk.h - the most frequent keys of a stream in bounded memory
 * (Metwally et al.'s space-saving algorithm, with their stream-summary).
 *
 * Does:    count keys exactly while fewer than cap distinct keys were seen;
 *          past that, a new key evicts a least counted one and inherits its
 *          count (remembered as the entry's error). Any key counted more
 *          than total/cap times is in the table; a count is at most err too
 *          high. Every update is O(1): entries of equal count hang on one
 *          bucket, buckets are kept in count order.
 * Returns: entries sorted by count (topk_sorted), with their error bound.
 * Never:   allocates after topk_init; keeps more than TOPK_KEY - 1 bytes of
 *          a key or any control byte (keys are cleaned).
 */
#ifndef DOORMAN_TOPK_H
#define DOORMAN_TOPK_H

#include <stddef.h>
#include <stdint.h>

#define TOPK_KEY 104
#define TOPK_NONE UINT32_MAX

struct topk_entry {
	uint64_t count, err;
	uint32_t bucket, prev, next;   /* siblings of equal count */
	uint32_t hash;
	char key[TOPK_KEY];
};

struct topk_bucket {
	uint64_t count;
	uint32_t head, prev, next;     /* first entry; neighbour buckets by count */
};

struct topk {
	size_t cap, n, mask;
	uint64_t total, evictions;
	struct topk_entry *e;
	struct topk_bucket *b;
	uint32_t min_bucket, free_bucket;
	uint32_t *slot;                /* open addressing: entry index + 1, 0 = empty */
	uint32_t *slot_hash;
};

int topk_init(struct topk *t, size_t cap);
void topk_free(struct topk *t);
void topk_add(struct topk *t, const char *key, size_t len);
/* Up to max entries, most counted first (ties by key); returns how many. */
size_t topk_sorted(const struct topk *t, const struct topk_entry **out, size_t max);

#endif

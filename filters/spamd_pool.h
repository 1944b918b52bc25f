/*
 * spamd_pool.h - the pool's side that spamd.c's sessions use (the public
 * pool API is in spamd.h). Internal to the spamd client.
 */
#ifndef DOORMAN_SPAMD_POOL_H
#define DOORMAN_SPAMD_POOL_H

#include <stdint.h>

#include "spamd.h"

/* One backend's place in the pool: its slots in flight and its health. A
 * session holds a pointer to it; it outlives every session using it. */
struct spamd_slot;

#define SPAMD_ACQ_OK      0
#define SPAMD_ACQ_NONE    1      /* every backend was tried (or none is configured) */
#define SPAMD_ACQ_TIMEOUT 2      /* the deadline passed while all candidates were full */

/* Take a slot on the backend to try next, skipping the ntried in tried[].
 * Waits (bounded by deadline, monotonic ms) while all candidates are full.
 * Sets *out on SPAMD_ACQ_OK. */
int spamd_pool_acquire(struct spamd_pool *pool, struct spamd_slot *const *tried, size_t ntried,
                       uint64_t deadline, struct spamd_slot **out);

enum spamd_health { SPAMD_H_ABORT, SPAMD_H_GOOD, SPAMD_H_BAD };

/* Give the slot back and record how the backend did. */
void spamd_pool_release(struct spamd_pool *pool, struct spamd_slot *slot, enum spamd_health h);

const struct spamd_backend *spamd_slot_backend(const struct spamd_slot *slot);

unsigned spamd_pool_max_parallel(struct spamd_pool *pool);

#endif

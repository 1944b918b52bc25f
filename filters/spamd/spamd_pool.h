/*
 * spamd_pool.h - the pool's side that spamd.c's sessions use (the public
 * pool API is in spamd.h). Internal to the spamd client.
 */
#ifndef DOORMAN_SPAMD_POOL_H
#define DOORMAN_SPAMD_POOL_H

#include <stdint.h>

#include "spamd.h"

/* One backend's place in the pool: its slots in flight and its health.
 * Only the pool reads or writes it, under its mutex. */
struct spamd_slot;

/* A session's place in flight, as the pool sees it. The session owns the
 * memory; the pool reads and writes the fields under its mutex only, from
 * acquire to release. */
struct spamd_hold {
	int fd;                      /* -1 until connected */
	int busy;                    /* the session is inside a spamd call */
	int evicted;                 /* a waiter took the place over (its sender was silent) */
	uint64_t idle_since;         /* when the session last left a spamd call */
	struct spamd_slot *slot;     /* NULL once released or taken over */
	struct spamd_hold *next;
};

#define SPAMD_ACQ_OK      0
#define SPAMD_ACQ_NONE    1      /* every backend was tried (or none is configured) */
#define SPAMD_ACQ_TIMEOUT 2      /* the deadline passed while all candidates were full */

/* Take a place on the backend to try next, skipping the ntried in tried[]
 * (compared with h->slot of earlier attempts). Waits (bounded by deadline,
 * monotonic ms) while all candidates are full. urgent (a message that is
 * complete, or a caller that must talk now): goes before streaming callers
 * for a free place, and takes a place over from a silent sender when one
 * is due. Not urgent (a message still streaming): takes only a free place,
 * and none while an urgent caller waits. On SPAMD_ACQ_OK, h is registered
 * (busy, not connected) and *b is a copy of the backend's address, taken
 * under the lock: a reload may change the pool while the session runs. */
int spamd_pool_acquire(struct spamd_pool *pool, struct spamd_slot *const *tried, size_t ntried,
                       int urgent, uint64_t deadline, struct spamd_hold *h, struct spamd_backend *b);

/* The session's connection is fd: from now on the place can be taken over
 * while the session is outside spamd calls. */
void spamd_pool_connected(struct spamd_pool *pool, struct spamd_hold *h, int fd);

/* The session enters a spamd call (its fd is its own until leave); returns
 * 1 when its place was taken over (its connection is half-closed). */
int spamd_pool_enter(struct spamd_pool *pool, struct spamd_hold *h);
void spamd_pool_leave(struct spamd_pool *pool, struct spamd_hold *h);

enum spamd_health { SPAMD_H_ABORT, SPAMD_H_GOOD, SPAMD_H_BAD };

/* Give the place back and record how the backend did (nothing when it was
 * taken over: the backend was not at fault). Call it busy, before closing
 * fd is fine either way. */
void spamd_pool_release(struct spamd_pool *pool, struct spamd_hold *h, enum spamd_health health);

unsigned spamd_pool_max_parallel(struct spamd_pool *pool);

#endif

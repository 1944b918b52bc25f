/*
 * spamd_pool.c - the spamd backends' shared state for the whole process:
 * requests in flight per backend (at most max_parallel), backoff after
 * failures, and the order in which backends are tried.
 *
 * Does: lives as long as the process; a reload reconfigures it
 * (spamd_pool_configure): a backend that stays in the list keeps its
 * sessions in flight, counters and backoff, so max_parallel is a hard cap
 * across reloads; a backend that leaves it is no longer picked and is freed
 * once its last session ends.
 * Never: does I/O or logs. One mutex; waits are condition waits bounded by
 * the caller's deadline.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "spamd_pool.h"

struct spamd_slot {
	struct spamd_backend b;
	unsigned in_flight;
	unsigned long requests, failures;
	unsigned streak;             /* failures in a row */
	uint64_t until;              /* backoff ends at this time (0: none) */
	uint64_t last_fail;          /* pool->failures when it last failed */
	int active;                  /* in the configured list */
	int unusable;                /* failed the GTUBE self-test: never picked */
	struct spamd_slot *next;     /* every slot the pool holds */
};

struct spamd_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;           /* a slot was released, or the list changed */
	unsigned max_parallel, backoff_ms;
	uint64_t failures;           /* orders failures even within one millisecond */
	struct spamd_slot *order[SPAMD_BACKENDS_MAX];   /* the configured list, in order */
	size_t n;
	struct spamd_slot *all;
};

struct spamd_pool *spamd_pool_new(const struct spamd_backend *b, size_t n,
                                  unsigned max_parallel, unsigned backoff_ms)
{
	struct spamd_pool *pool;
	pthread_condattr_t ca;

	if (n == 0 || n > SPAMD_BACKENDS_MAX || max_parallel == 0 || (pool = calloc(1, sizeof(*pool))) == NULL)
		return NULL;
	/* timed waits use the monotonic clock, like every deadline here */
	pthread_condattr_init(&ca);
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 || pthread_cond_init(&pool->cv, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		free(pool);
		return NULL;
	}
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&pool->mu, NULL);   /* cannot fail for default attributes */
	if (spamd_pool_configure(pool, b, n, max_parallel, backoff_ms) < 0) {
		spamd_pool_free(pool);
		return NULL;
	}
	return pool;
}

/* Free the slots that left the list and have nothing in flight. */
static void sweep(struct spamd_pool *pool)
{
	struct spamd_slot **pp = &pool->all, *s;

	while ((s = *pp) != NULL) {
		if (!s->active && s->in_flight == 0) {
			*pp = s->next;
			free(s);
		} else {
			pp = &s->next;
		}
	}
}

int spamd_pool_configure(struct spamd_pool *pool, const struct spamd_backend *b, size_t n,
                         unsigned max_parallel, unsigned backoff_ms)
{
	struct spamd_slot *fresh[SPAMD_BACKENDS_MAX] = { NULL }, *s;
	size_t i, j, used = 0;

	if (n > SPAMD_BACKENDS_MAX || max_parallel == 0)
		return -1;
	/* allocate first: an out-of-memory leaves the pool as it was */
	for (i = 0; i < n; i++)
		if ((fresh[i] = calloc(1, sizeof(*fresh[i]))) == NULL) {
			while (i > 0)
				free(fresh[--i]);
			return -1;
		}
	pthread_mutex_lock(&pool->mu);
	for (s = pool->all; s != NULL; s = s->next)
		s->active = 0;
	pool->n = 0;
	for (i = 0; i < n; i++) {
		for (s = pool->all; s != NULL; s = s->next)
			if (strcmp(s->b.name, b[i].name) == 0)
				break;
		if (s != NULL && s->active)
			continue;            /* listed twice: tried once */
		if (s == NULL) {
			s = fresh[used++];
			s->next = pool->all;
			pool->all = s;
		}
		s->b = b[i];
		s->active = 1;
		pool->order[pool->n++] = s;
	}
	pool->max_parallel = max_parallel;
	pool->backoff_ms = backoff_ms;
	sweep(pool);
	pthread_cond_broadcast(&pool->cv);
	pthread_mutex_unlock(&pool->mu);
	for (j = used; j < n; j++)
		free(fresh[j]);
	return 0;
}

void spamd_pool_free(struct spamd_pool *pool)
{
	struct spamd_slot *s, *next;

	if (pool == NULL)
		return;
	for (s = pool->all; s != NULL; s = next) {
		next = s->next;
		free(s);
	}
	pthread_cond_destroy(&pool->cv);
	pthread_mutex_destroy(&pool->mu);
	free(pool);
}

size_t spamd_pool_stats(struct spamd_pool *pool, struct spamd_backend_stats *out, size_t max)
{
	uint64_t now = dm_now_ms();
	size_t i, n;

	pthread_mutex_lock(&pool->mu);
	for (i = 0; i < pool->n && i < max; i++) {
		const struct spamd_slot *s = pool->order[i];

		memcpy(out[i].name, s->b.name, sizeof(out[i].name));
		out[i].requests = s->requests;
		out[i].failures = s->failures;
		out[i].in_flight = s->in_flight;
		out[i].backoff_left_ms = s->until > now ? (unsigned)(s->until - now) : 0;
		out[i].unusable = s->unusable;
	}
	n = pool->n;
	pthread_mutex_unlock(&pool->mu);
	return n;
}

int spamd_pool_set_usable(struct spamd_pool *pool, const char *name, int usable)
{
	struct spamd_slot *s;
	int was = -1;

	pthread_mutex_lock(&pool->mu);
	for (s = pool->all; s != NULL; s = s->next)
		if (s->active && strcmp(s->b.name, name) == 0) {
			was = !s->unusable;
			s->unusable = !usable;
		}
	pthread_cond_broadcast(&pool->cv);
	pthread_mutex_unlock(&pool->mu);
	return was;
}

unsigned spamd_pool_max_parallel(struct spamd_pool *pool)
{
	unsigned m;

	pthread_mutex_lock(&pool->mu);
	m = pool->max_parallel;
	pthread_mutex_unlock(&pool->mu);
	return m;
}

const struct spamd_backend *spamd_slot_backend(const struct spamd_slot *slot)
{
	return &slot->b;
}

static int was_tried(const struct spamd_slot *s, struct spamd_slot *const *tried, size_t ntried)
{
	size_t i;

	for (i = 0; i < ntried; i++)
		if (tried[i] == s)
			return 1;
	return 0;
}

int spamd_pool_acquire(struct spamd_pool *pool, struct spamd_slot *const *tried, size_t ntried,
                       uint64_t deadline, struct spamd_slot **out)
{
	struct spamd_slot *pick, *best;
	uint64_t now, wake;
	struct timespec ts;
	size_t i;
	int full;

	pthread_mutex_lock(&pool->mu);
	for (;;) {
		now = dm_now_ms();
		wake = deadline;
		pick = best = NULL;
		full = 0;
		for (i = 0; i < pool->n && pick == NULL; i++) {
			struct spamd_slot *s = pool->order[i];

			if (was_tried(s, tried, ntried) || s->unusable)
				continue;
			if (s->until > now) {
				if (s->until < wake)
					wake = s->until;   /* it may become usable while we wait */
				if (best == NULL || s->last_fail < best->last_fail)
					best = s;
			} else if (s->in_flight < pool->max_parallel) {
				pick = s;
			} else {
				full = 1;
			}
		}
		/* every candidate in backoff: the least recently failed, anyway */
		if (pick == NULL && !full) {
			if (best == NULL) {
				pthread_mutex_unlock(&pool->mu);
				return SPAMD_ACQ_NONE;
			}
			if (best->in_flight < pool->max_parallel)
				pick = best;
		}
		if (pick != NULL) {
			pick->in_flight++;
			pick->requests++;
			pthread_mutex_unlock(&pool->mu);
			*out = pick;
			return SPAMD_ACQ_OK;
		}
		if (now >= deadline) {
			pthread_mutex_unlock(&pool->mu);
			return SPAMD_ACQ_TIMEOUT;
		}
		ts.tv_sec = (time_t)(wake / 1000);
		ts.tv_nsec = (long)(wake % 1000) * 1000000L;
		pthread_cond_timedwait(&pool->cv, &pool->mu, &ts);
	}
}

void spamd_pool_release(struct spamd_pool *pool, struct spamd_slot *s, enum spamd_health h)
{
	uint64_t now = dm_now_ms();
	unsigned shift;

	pthread_mutex_lock(&pool->mu);
	s->in_flight--;
	if (h == SPAMD_H_GOOD) {
		s->streak = 0;
		s->until = 0;
	} else if (h == SPAMD_H_BAD) {
		s->failures++;
		s->streak++;
		s->last_fail = ++pool->failures;
		shift = s->streak - 1 < SPAMD_BACKOFF_SHIFT ? s->streak - 1 : SPAMD_BACKOFF_SHIFT;
		s->until = pool->backoff_ms ? now + ((uint64_t)pool->backoff_ms << shift) : 0;
	}
	if (!s->active && s->in_flight == 0)
		sweep(pool);
	pthread_cond_broadcast(&pool->cv);
	pthread_mutex_unlock(&pool->mu);
}

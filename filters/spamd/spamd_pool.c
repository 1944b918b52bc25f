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
 * A session that holds a slot registers its connection (struct spamd_hold):
 * while its sender is silent for SPAMD_STALL_MS and another message waits
 * for that backend, the waiter takes the slot over and half-closes the
 * silent one's connection, so that spamd scores what it has and frees its
 * child (see spamd.h, "a stalled sender").
 * Sessions never read a slot's fields: acquire copies the backend for them
 * under the mutex, so a reload may rewrite the list while they run.
 * Never: logs, or does I/O other than that shutdown(). One mutex; waits are
 * condition waits bounded by the caller's deadline.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
	struct spamd_hold *holds;    /* the sessions in flight on it */
	struct spamd_slot *next;     /* every slot the pool holds */
};

struct spamd_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;           /* a slot was released, or the list changed */
	unsigned max_parallel, backoff_ms;
	uint64_t failures;           /* orders failures even within one millisecond */
	unsigned urgent_waiting;     /* urgent acquires waiting now: they go first */
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
			/* a kept one is not rewritten: the name says all of it */
			s = fresh[used++];
			s->b = b[i];
			s->next = pool->all;
			pool->all = s;
		}
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

static int was_tried(const struct spamd_slot *s, struct spamd_slot *const *tried, size_t ntried)
{
	size_t i;

	for (i = 0; i < ntried; i++)
		if (tried[i] == s)
			return 1;
	return 0;
}

static void unlink_hold(struct spamd_slot *s, struct spamd_hold *h)
{
	struct spamd_hold **pp;

	for (pp = &s->holds; *pp != NULL; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	h->next = NULL;
}

/* A full slot s: take it over from a session whose sender has been silent
 * for SPAMD_STALL_MS (outside any spamd call, connected). Its connection is
 * half-closed, so spamd scores what it got and answers; the session reads
 * that answer at its end, and counts no longer on s (it may be freed). The
 * waiter inherits the place in flight. Returns 1 when taken over; else
 * lowers *wake to when the first silent one will be due. */
static int take_over_stalled(struct spamd_slot *s, uint64_t now, uint64_t *wake)
{
	struct spamd_hold *h;

	for (h = s->holds; h != NULL; h = h->next) {
		if (h->busy || h->fd < 0)
			continue;
		if (now >= h->idle_since + SPAMD_STALL_MS) {
			shutdown(h->fd, SHUT_WR);
			unlink_hold(s, h);
			h->evicted = 1;
			h->slot = NULL;
			return 1;
		}
		if (h->idle_since + SPAMD_STALL_MS < *wake)
			*wake = h->idle_since + SPAMD_STALL_MS;
	}
	return 0;
}

/* The backend to try next under the lock: 1 and *pick set (its place in
 * flight already counted), 0 to wait until *wake, -1 when none is left.
 * Only an urgent caller takes a place over; a streaming one takes no free
 * place while an urgent one waits. */
static int pick_slot(struct spamd_pool *pool, struct spamd_slot *const *tried, size_t ntried,
                     int urgent, uint64_t now, uint64_t *wake, struct spamd_slot **pick)
{
	struct spamd_slot *best = NULL, *full[SPAMD_BACKENDS_MAX];
	size_t i, nfull = 0;

	*pick = NULL;
	for (i = 0; i < pool->n; i++) {
		struct spamd_slot *s = pool->order[i];

		if (was_tried(s, tried, ntried) || s->unusable)
			continue;
		if (s->until > now) {
			if (s->until < *wake)
				*wake = s->until;   /* it may become usable while we wait */
			if (best == NULL || s->last_fail < best->last_fail)
				best = s;
		} else if (s->in_flight < pool->max_parallel) {
			*pick = s;
			break;
		} else {
			full[nfull++] = s;
		}
	}
	/* every candidate in backoff: the least recently failed, anyway */
	if (*pick == NULL && nfull == 0) {
		if (best == NULL)
			return -1;
		if (best->in_flight < pool->max_parallel)
			*pick = best;
		else
			full[nfull++] = best;
	}
	if (*pick != NULL && (urgent || pool->urgent_waiting == 0)) {
		(*pick)->in_flight++;
		return 1;
	}
	*pick = NULL;
	/* all full: a place held by a silent sender is taken over, in order */
	for (i = 0; i < nfull && urgent; i++)
		if (take_over_stalled(full[i], now, wake)) {
			*pick = full[i];
			return 1;
		}
	return 0;
}

/* An urgent waiter stops waiting: streaming ones may take free places. */
static void urgent_done(struct spamd_pool *pool, int *waiting)
{
	if (!*waiting)
		return;
	*waiting = 0;
	if (--pool->urgent_waiting == 0)
		pthread_cond_broadcast(&pool->cv);
}

int spamd_pool_acquire(struct spamd_pool *pool, struct spamd_slot *const *tried, size_t ntried,
                       int urgent, uint64_t deadline, struct spamd_hold *h, struct spamd_backend *b)
{
	struct spamd_slot *pick;
	uint64_t now, wake;
	struct timespec ts;
	int r, waiting = 0;

	pthread_mutex_lock(&pool->mu);
	for (;;) {
		now = dm_now_ms();
		wake = deadline;
		r = pick_slot(pool, tried, ntried, urgent, now, &wake, &pick);
		if (r != 0)
			urgent_done(pool, &waiting);
		if (r < 0) {
			pthread_mutex_unlock(&pool->mu);
			return SPAMD_ACQ_NONE;
		}
		if (r > 0) {
			pick->requests++;
			memset(h, 0, sizeof(*h));
			h->fd = -1;
			h->busy = 1;
			h->slot = pick;
			h->next = pick->holds;
			pick->holds = h;
			*b = pick->b;
			pthread_mutex_unlock(&pool->mu);
			return SPAMD_ACQ_OK;
		}
		if (now >= deadline) {
			urgent_done(pool, &waiting);
			pthread_mutex_unlock(&pool->mu);
			return SPAMD_ACQ_TIMEOUT;
		}
		if (urgent && !waiting) {
			waiting = 1;
			pool->urgent_waiting++;
		}
		ts.tv_sec = (time_t)(wake / 1000);
		ts.tv_nsec = (long)(wake % 1000) * 1000000L;
		pthread_cond_timedwait(&pool->cv, &pool->mu, &ts);
	}
}

void spamd_pool_connected(struct spamd_pool *pool, struct spamd_hold *h, int fd)
{
	pthread_mutex_lock(&pool->mu);
	h->fd = fd;
	pthread_mutex_unlock(&pool->mu);
}

int spamd_pool_enter(struct spamd_pool *pool, struct spamd_hold *h)
{
	int evicted;

	pthread_mutex_lock(&pool->mu);
	h->busy = 1;
	evicted = h->evicted;
	pthread_mutex_unlock(&pool->mu);
	return evicted;
}

void spamd_pool_leave(struct spamd_pool *pool, struct spamd_hold *h)
{
	pthread_mutex_lock(&pool->mu);
	h->busy = 0;
	h->idle_since = dm_now_ms();
	pthread_mutex_unlock(&pool->mu);
}

void spamd_pool_release(struct spamd_pool *pool, struct spamd_hold *h, enum spamd_health health)
{
	struct spamd_slot *s;
	uint64_t now = dm_now_ms();
	unsigned shift;

	pthread_mutex_lock(&pool->mu);
	s = h->slot;
	if (h->evicted || s == NULL) {
		/* its place went to a waiter, and the backend did nothing wrong */
		pthread_mutex_unlock(&pool->mu);
		return;
	}
	unlink_hold(s, h);
	h->slot = NULL;
	s->in_flight--;
	if (health == SPAMD_H_GOOD) {
		s->streak = 0;
		s->until = 0;
	} else if (health == SPAMD_H_BAD) {
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

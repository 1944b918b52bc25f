/*
 * dnscache.c - hash table + LRU list under one mutex.
 *
 * Names compare case-insensitively. A lookup never blocks on DNS; it only
 * copies a stored result out. Never logs.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dnscache.h"

struct entry {
	struct entry *hnext;             /* hash chain */
	struct entry *prev, *next;       /* LRU list, most recent first */
	uint64_t expires_ms;
	uint32_t hash;
	struct dm_dns_result res;
};

struct dm_dnscache {
	pthread_mutex_t lock;
	struct entry **buckets;
	size_t nbuckets, count, max;
	unsigned min_ttl, max_ttl;
	struct entry *head, *tail;
	struct dm_dnscache_stats st;
};

static uint32_t key_hash(const char *name, enum dm_dns_type type)
{
	uint32_t h = 2166136261u ^ (uint32_t)type;
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++) {
		unsigned char ch = (*p >= 'A' && *p <= 'Z') ? (unsigned char)(*p + 32) : *p;
		h = (h ^ ch) * 16777619u;
	}
	return h;
}

struct dm_dnscache *dm_dnscache_new(size_t max_entries, unsigned min_ttl, unsigned max_ttl)
{
	struct dm_dnscache *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->max = max_entries ? max_entries : 1;
	for (c->nbuckets = 64; c->nbuckets < c->max; c->nbuckets *= 2)
		;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (c->buckets == NULL) {
		free(c);
		return NULL;
	}
	c->min_ttl = min_ttl;
	c->max_ttl = max_ttl < min_ttl ? min_ttl : max_ttl;
	c->st.max_entries = c->max;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void dm_dnscache_free(struct dm_dnscache *c)
{
	struct entry *e, *n;

	if (c == NULL)
		return;
	for (e = c->head; e != NULL; e = n) {
		n = e->next;
		free(e);
	}
	free(c->buckets);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static void lru_unlink(struct dm_dnscache *c, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(struct dm_dnscache *c, struct entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (c->tail == NULL)
		c->tail = e;
}

static struct entry **find(struct dm_dnscache *c, const char *name, enum dm_dns_type type, uint32_t h)
{
	struct entry **pp;

	for (pp = &c->buckets[h & (c->nbuckets - 1)]; *pp != NULL; pp = &(*pp)->hnext) {
		struct entry *e = *pp;
		if (e->hash == h && e->res.type == type && strcasecmp(e->res.name, name) == 0)
			return pp;
	}
	return pp;
}

static void drop(struct dm_dnscache *c, struct entry **pp)
{
	struct entry *e = *pp;

	*pp = e->hnext;
	lru_unlink(c, e);
	free(e);
	c->count--;
}

int dm_dnscache_get(struct dm_dnscache *c, const char *name, enum dm_dns_type type, uint64_t now_ms,
                    struct dm_dns_result *out)
{
	uint32_t h = key_hash(name, type);
	struct entry **pp;
	int hit = 0;

	pthread_mutex_lock(&c->lock);
	pp = find(c, name, type, h);
	if (*pp != NULL && (*pp)->expires_ms <= now_ms)
		drop(c, pp);
	else if (*pp != NULL) {
		struct entry *e = *pp;
		*out = e->res;
		out->ttl = (unsigned)((e->expires_ms - now_ms + 999) / 1000);
		lru_unlink(c, e);
		lru_push(c, e);
		hit = 1;
	}
	if (hit)
		c->st.hits++;
	else
		c->st.misses++;
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void dm_dnscache_put(struct dm_dnscache *c, const struct dm_dns_result *res, uint64_t now_ms)
{
	uint32_t h;
	unsigned ttl = res->ttl;
	struct entry **pp, *e;

	if (res->status != DM_DNS_ANSWER && res->status != DM_DNS_NOTFOUND)
		return;
	if (ttl < c->min_ttl)
		ttl = c->min_ttl;
	if (ttl > c->max_ttl)
		ttl = c->max_ttl;
	if (ttl == 0)
		return;
	h = key_hash(res->name, res->type);
	pthread_mutex_lock(&c->lock);
	pp = find(c, res->name, res->type, h);
	if (*pp != NULL) {
		e = *pp;
		lru_unlink(c, e);
	} else {
		if (c->count >= c->max && c->tail != NULL) {
			struct entry *old = c->tail;
			drop(c, find(c, old->res.name, old->res.type, old->hash));
			c->st.evictions++;
		}
		e = malloc(sizeof(*e));
		if (e == NULL) {
			pthread_mutex_unlock(&c->lock);
			return;
		}
		e->hash = h;
		pp = find(c, res->name, res->type, h);    /* the chain may have changed */
		e->hnext = NULL;
		*pp = e;
		c->count++;
		c->st.inserts++;
	}
	e->res = *res;
	e->expires_ms = now_ms + (uint64_t)ttl * 1000u;
	lru_push(c, e);
	pthread_mutex_unlock(&c->lock);
}

void dm_dnscache_stats(struct dm_dnscache *c, struct dm_dnscache_stats *out)
{
	pthread_mutex_lock(&c->lock);
	*out = c->st;
	out->entries = c->count;
	pthread_mutex_unlock(&c->lock);
}

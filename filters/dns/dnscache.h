/*
 * dnscache.h - a small DNS answer cache shared by all connections.
 *
 * c-ares 1.18 has none. Positive answers and NXDOMAIN/NODATA are kept for
 * their TTL, clamped to [min_ttl, max_ttl]; errors and timeouts never are.
 * Bounded in entries (least recently used goes first), thread-safe, counts
 * hits and misses.
 */
#ifndef DOORMAN_DNSCACHE_H
#define DOORMAN_DNSCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "resolver.h"

struct dm_dnscache;

struct dm_dnscache_stats {
	unsigned long hits, misses, inserts, evictions;
	size_t entries, max_entries;
};

struct dm_dnscache *dm_dnscache_new(size_t max_entries, unsigned min_ttl, unsigned max_ttl);
void dm_dnscache_free(struct dm_dnscache *c);

/* 1 and *out filled (status ANSWER or NOTFOUND, ttl = seconds left) on a
 * fresh hit; 0 on a miss. Counts either. */
int dm_dnscache_get(struct dm_dnscache *c, const char *name, enum dm_dns_type type, uint64_t now_ms,
                    struct dm_dns_result *out);

/* Store res if its status is ANSWER or NOTFOUND. */
void dm_dnscache_put(struct dm_dnscache *c, const struct dm_dns_result *res, uint64_t now_ms);

void dm_dnscache_stats(struct dm_dnscache *c, struct dm_dnscache_stats *out);

#endif

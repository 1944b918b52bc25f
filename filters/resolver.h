/*
 * resolver.h - the c-ares seam: fire DNS queries now, collect answers later
 * under one deadline.
 *
 * One resolver per SMTP connection, used by one thread at a time (libmilter
 * calls a connection's callbacks one after another). Queries are sent the
 * moment they are submitted, so DNS time overlaps the SMTP dialogue; answers
 * are read only in dm_resolver_collect(). Every query ends in one of three
 * outcomes: an answer, not found (NXDOMAIN or no data), or an error
 * (SERVFAIL, refused, timeout, cancelled at the deadline).
 */
#ifndef DOORMAN_RESOLVER_H
#define DOORMAN_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

enum dm_dns_type { DM_DNS_A = 1, DM_DNS_AAAA = 28, DM_DNS_MX = 15, DM_DNS_TXT = 16, DM_DNS_PTR = 12 };

enum dm_dns_status {
	DM_DNS_PENDING = 0,
	DM_DNS_ANSWER,       /* at least one record of the type asked */
	DM_DNS_NOTFOUND,     /* NXDOMAIN or NODATA */
	DM_DNS_ERROR,        /* SERVFAIL, REFUSED, malformed, network error */
	DM_DNS_TIMEOUT       /* no answer by the deadline */
};

#define DM_DNS_MAX_ADDRS 8

struct dm_dns_result {
	enum dm_dns_status status;
	enum dm_dns_type type;
	char name[256];
	unsigned ttl;                             /* smallest TTL of the answer */
	size_t naddrs;                            /* A/AAAA: addresses kept (at most DM_DNS_MAX_ADDRS) */
	struct dm_addr addrs[DM_DNS_MAX_ADDRS];
	size_t nrecords;                          /* records in the answer (any type) */
	char text[256];                           /* TXT: first string; PTR: first name; MX: first exchange */
	uint64_t done_ms;                         /* dm_now_ms() when the outcome was known */
	int from_cache;                           /* answered from the shared cache */
};

struct dm_resolver;

/* servers: "" for /etc/resolv.conf, else a c-ares servers_ports csv
 * ("127.0.0.1:5353,[::1]:53"). per_try_ms: c-ares retransmit timeout.
 * Returns NULL with a message in err on failure. */
struct dm_resolver *dm_resolver_new(const char *servers, unsigned per_try_ms, char *err, size_t errlen);
void dm_resolver_free(struct dm_resolver *r);

/* Send a query now. Returns its index (>= 0) for dm_resolver_result(), or -1
 * (out of memory, name too long: then the result is DM_DNS_ERROR at once). */
int dm_resolver_submit(struct dm_resolver *r, const char *name, enum dm_dns_type type);

/* Share a cache (filters/dnscache.h) with this resolver: submits are
 * answered from it when fresh, and answers (not errors) are stored in it. */
struct dm_dnscache;
void dm_resolver_set_cache(struct dm_resolver *r, struct dm_dnscache *cache);

/* Like dm_resolver_submit; DM_DNS_NOCACHE asks the server even when the
 * cache has the answer, and keeps the answer out of the cache (self-tests). */
#define DM_DNS_NOCACHE 1
int dm_resolver_submit_flags(struct dm_resolver *r, const char *name, enum dm_dns_type type, int flags);

/* Process answers until every query has an outcome or deadline_ms
 * (dm_now_ms() clock) passes; queries still pending then become
 * DM_DNS_TIMEOUT. Returns the number of queries that timed out. */
int dm_resolver_collect(struct dm_resolver *r, uint64_t deadline_ms);

/* Read whatever answers have already arrived, without waiting and without
 * cancelling anything (lets a callback chain a lookup on an early answer). */
void dm_resolver_poll(struct dm_resolver *r);

/* One round: wait (at most until deadline_ms) for some answers or c-ares
 * timers, process them; cancels nothing. For callers that submit follow-up
 * queries as answers arrive. */
void dm_resolver_wait(struct dm_resolver *r, uint64_t deadline_ms);

/* 1 if every submitted query has an outcome. */
int dm_resolver_idle(const struct dm_resolver *r);

const struct dm_dns_result *dm_resolver_result(const struct dm_resolver *r, int idx);

/* Forget all queries (cancelling pending ones); indexes restart at 0. */
void dm_resolver_reset(struct dm_resolver *r);

/* Monotonic milliseconds. */
uint64_t dm_now_ms(void);

/* Process-wide c-ares init/cleanup: call once from main before threads. */
int dm_resolver_library_init(void);
void dm_resolver_library_cleanup(void);

const char *dm_dns_status_name(enum dm_dns_status s);

#endif

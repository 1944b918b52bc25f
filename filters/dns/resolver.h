/*
 * resolver.h - DNS for the whole process: one shared c-ares channel driven
 * by its own event thread; sessions fire queries now and collect the
 * answers later under their own deadline.
 *
 * A dm_resolver is one session's set of queries: a few slots and a
 * condition variable, no socket and no thread. Queries are sent the moment
 * they are submitted, so DNS time overlaps the SMTP dialogue; answers are
 * filled in by the event thread as they arrive and read through
 * dm_resolver_result(). The same question asked by several sessions at
 * once goes out once. Every query ends in one of three outcomes: an answer,
 * not found (NXDOMAIN or no data), or an error (SERVFAIL, refused,
 * malformed, or no answer by the session's deadline = timeout).
 *
 * A dm_resolver is used by one thread at a time (libmilter calls a
 * connection's callbacks one after another); any number of them may be
 * used at once from different threads.
 */
#ifndef DOORMAN_RESOLVER_H
#define DOORMAN_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"
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
	size_t nrecords;                          /* records in the answer (any type), all counted */
	int matched;                              /* dm_resolver_submit_match: the address is among
	                                             all nrecords records */
	char text[256];                           /* TXT: first string; PTR: first name; MX: first exchange */
	uint64_t done_ms;                         /* dm_now_ms() when the outcome was known */
	int from_cache;                           /* answered from the shared cache */
};

struct dm_resolver;

/* A query set on the shared channel for these servers ("" for
 * /etc/resolv.conf, else a c-ares servers_ports csv "127.0.0.1:5353,[::1]:53")
 * and per-try timeout (c-ares retransmits; 3 tries). Sessions with the same
 * settings share one channel; a reload with new settings gets a new one and
 * the old one goes when its last query ends. Starts the event thread on
 * first use. Returns NULL with a message in err on failure. */
struct dm_resolver *dm_resolver_new(const char *servers, unsigned per_try_ms, char *err, size_t errlen);

/* Forget every query (those still in flight finish into the cache only) and free. */
void dm_resolver_free(struct dm_resolver *r);

/* Send a query now. Returns its index (>= 0) for dm_resolver_result(), or -1
 * (out of memory). A name that cannot be asked (empty, too long) gets an
 * index whose outcome is DM_DNS_ERROR at once. */
int dm_resolver_submit(struct dm_resolver *r, const char *name, enum dm_dns_type type);

/* Share a cache (filters/dns/dnscache.h): submits are answered from it when
 * fresh, and answers (not errors) are stored in it. */
struct dm_dnscache;
void dm_resolver_set_cache(struct dm_resolver *r, struct dm_dnscache *cache);

/* Like dm_resolver_submit; DM_DNS_NOCACHE asks the server even when the
 * cache has the answer, and keeps the answer out of the cache (self-tests). */
#define DM_DNS_NOCACHE 1
int dm_resolver_submit_flags(struct dm_resolver *r, const char *name, enum dm_dns_type type, int flags);

/* An A or AAAA query that also says (result->matched) whether want is
 * among all the records, however many there are (forward-confirmed rDNS). */
int dm_resolver_submit_match(struct dm_resolver *r, const char *name, enum dm_dns_type type,
                             const struct dm_addr *want);

/* Forget query idx: if it is still in flight this session stops waiting
 * for it; its index may be handed out again by a later submit. */
void dm_resolver_release(struct dm_resolver *r, int idx);

/* Wait until every query has an outcome or deadline_ms (dm_now_ms() clock)
 * passes; queries still pending then become DM_DNS_TIMEOUT (the session
 * stops waiting; the answer, if it comes, still fills the cache). Returns
 * the number of queries that timed out. */
int dm_resolver_collect(struct dm_resolver *r, uint64_t deadline_ms);

/* Wait until at least one more query has an outcome, all have one, or
 * deadline_ms passes; cancels nothing. For callers that submit follow-up
 * queries as answers arrive. */
void dm_resolver_wait(struct dm_resolver *r, uint64_t deadline_ms);

/* 1 if every submitted query has an outcome. */
int dm_resolver_idle(struct dm_resolver *r);

/* The result of query idx: NULL for an index never handed out (or
 * released); a result with status DM_DNS_PENDING while it is in flight.
 * Once its status is not pending, a result never changes again. */
const struct dm_dns_result *dm_resolver_result(struct dm_resolver *r, int idx);

/* Forget all queries; indexes restart at 0. */
void dm_resolver_reset(struct dm_resolver *r);

/* Process-wide: c-ares init (call once from main before threads) and
 * cleanup (stops the event thread, ends every query). */
int dm_resolver_library_init(void);
void dm_resolver_library_cleanup(void);

/* Start the event thread now (it also starts on first use). 0, or -1 with
 * the reason in err. Call after fork(), never before. */
int dm_resolver_start(char *err, size_t errlen);

/* What the shared resolver has done since start. */
struct dm_dns_stats {
	unsigned long submitted;      /* queries sessions asked for */
	unsigned long sent;           /* questions that went to a server */
	unsigned long cache_hits;     /* answered from the cache */
	unsigned long joined;         /* joined the same question already in flight */
	unsigned long answers, notfound, errors;   /* outcomes of questions sent */
	unsigned long timeouts;       /* session queries given up at their deadline */
	unsigned in_flight;           /* questions waiting for a server now */
	unsigned channels;            /* c-ares channels open */
};
void dm_resolver_stats(struct dm_dns_stats *out);

const char *dm_dns_status_name(enum dm_dns_status s);

#endif

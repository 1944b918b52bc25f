/*
 * resolver.c - c-ares 1.18 behind a small seam: submit now, collect later.
 *
 * Non-search queries only (ares_query: no resolv.conf search domains). The
 * caller's deadline is the only one that counts: c-ares retransmits inside
 * it, and whatever is still pending at the deadline is cancelled and
 * reported as a timeout. Never blocks past the deadline, never logs.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ares.h>

#include "dnscache.h"
#include "resolver.h"

struct slot {
	struct dm_resolver *r;
	int nocache;
	struct dm_dns_result res;
};

struct dm_resolver {
	ares_channel ch;
	struct slot **slots;
	size_t nslots, cap;
	size_t pending;
	int cancelling;      /* callbacks during ares_cancel at the deadline = timeout */
	struct dm_dnscache *cache;
};

uint64_t dm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int dm_resolver_library_init(void)
{
	return ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS ? 0 : -1;
}

void dm_resolver_library_cleanup(void)
{
	ares_library_cleanup();
}

const char *dm_dns_status_name(enum dm_dns_status s)
{
	static const char *const names[] = { "pending", "answer", "notfound", "error", "timeout" };

	return (unsigned)s < 5 ? names[s] : "?";
}

struct dm_resolver *dm_resolver_new(const char *servers, unsigned per_try_ms, char *err, size_t errlen)
{
	struct dm_resolver *r = calloc(1, sizeof(*r));
	struct ares_options opt;
	int rc;

	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(&opt, 0, sizeof(opt));
	opt.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	opt.timeout = (int)(per_try_ms ? per_try_ms : 1000);
	opt.tries = 3;
	rc = ares_init_options(&r->ch, &opt, ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares init: %s", ares_strerror(rc));
		free(r);
		return NULL;
	}
	if (servers != NULL && servers[0] != '\0') {
		rc = ares_set_servers_ports_csv(r->ch, servers);
		if (rc != ARES_SUCCESS) {
			snprintf(err, errlen, "c-ares servers '%.100s': %s", servers, ares_strerror(rc));
			ares_destroy(r->ch);
			free(r);
			return NULL;
		}
	}
	return r;
}

static void free_slots(struct dm_resolver *r)
{
	size_t i;

	for (i = 0; i < r->nslots; i++)
		free(r->slots[i]);
	r->nslots = 0;
	r->pending = 0;
}

void dm_resolver_free(struct dm_resolver *r)
{
	if (r == NULL)
		return;
	r->cancelling = 1;
	ares_destroy(r->ch);      /* runs pending callbacks while slots still exist */
	free_slots(r);
	free(r->slots);
	free(r);
}

void dm_resolver_reset(struct dm_resolver *r)
{
	r->cancelling = 1;
	ares_cancel(r->ch);
	r->cancelling = 0;
	free_slots(r);
}

static void finish(struct slot *s, enum dm_dns_status st)
{
	if (s->res.status != DM_DNS_PENDING)
		return;
	s->res.status = st;
	s->res.done_ms = dm_now_ms();
	s->r->pending--;
}

/* Skip a possibly compressed name; returns the offset after it, or -1. */
static int skip_name(const unsigned char *m, int len, int off)
{
	while (off < len) {
		unsigned char l = m[off];
		if ((l & 0xc0) == 0xc0)
			return off + 2 <= len ? off + 2 : -1;
		if (l & 0xc0)
			return -1;
		off += 1 + l;
		if (l == 0)
			return off <= len ? off : -1;
	}
	return -1;
}

/* Smallest TTL of the answer records (c-ares 1.18 gives TTLs only for A/AAAA). */
static unsigned answer_min_ttl(const unsigned char *m, int len)
{
	int off = 12, qd, an, i;
	unsigned best = 0;

	if (len < 12)
		return 0;
	qd = (m[4] << 8) | m[5];
	an = (m[6] << 8) | m[7];
	for (i = 0; i < qd; i++) {
		off = skip_name(m, len, off);
		if (off < 0 || off + 4 > len)
			return 0;
		off += 4;
	}
	for (i = 0; i < an; i++) {
		unsigned ttl, rdlen;
		off = skip_name(m, len, off);
		if (off < 0 || off + 10 > len)
			return best;
		ttl = ((unsigned)m[off + 4] << 24) | ((unsigned)m[off + 5] << 16) | ((unsigned)m[off + 6] << 8) | m[off + 7];
		if (ttl > 0x7fffffffu)
			ttl = 0;
		rdlen = ((unsigned)m[off + 8] << 8) | m[off + 9];
		off += 10 + (int)rdlen;
		if (i == 0 || ttl < best)
			best = ttl;
	}
	return best;
}

/* NXDOMAIN/NODATA: how long the zone says to remember it (RFC 2308: the
 * smaller of the SOA record's TTL and its MINIMUM field). 0 if no SOA. */
static unsigned negative_ttl(const unsigned char *m, int len)
{
	int off = 12, qd, an, ns, i;

	if (m == NULL || len < 12)
		return 0;
	qd = (m[4] << 8) | m[5];
	an = (m[6] << 8) | m[7];
	ns = (m[8] << 8) | m[9];
	for (i = 0; i < qd; i++) {
		off = skip_name(m, len, off);
		if (off < 0 || off + 4 > len)
			return 0;
		off += 4;
	}
	for (i = 0; i < an + ns; i++) {
		unsigned type, ttl, rdlen, minimum;
		int rd;
		off = skip_name(m, len, off);
		if (off < 0 || off + 10 > len)
			return 0;
		type = ((unsigned)m[off] << 8) | m[off + 1];
		ttl = ((unsigned)m[off + 4] << 24) | ((unsigned)m[off + 5] << 16) | ((unsigned)m[off + 6] << 8) | m[off + 7];
		rdlen = ((unsigned)m[off + 8] << 8) | m[off + 9];
		rd = off + 10;
		off = rd + (int)rdlen;
		if (off > len)
			return 0;
		if (i < an || type != 6)
			continue;
		rd = skip_name(m, len, rd);                 /* MNAME */
		rd = rd < 0 ? -1 : skip_name(m, len, rd);   /* RNAME */
		if (rd < 0 || rd + 20 > off)
			return 0;
		minimum = ((unsigned)m[rd + 16] << 24) | ((unsigned)m[rd + 17] << 16) | ((unsigned)m[rd + 18] << 8) | m[rd + 19];
		if (ttl > 0x7fffffffu)
			ttl = 0;
		return minimum < ttl ? minimum : ttl;
	}
	return 0;
}

static enum dm_dns_status parse_answer(struct dm_dns_result *res, const unsigned char *abuf, int alen)
{
	int rc = ARES_EBADRESP, i, n;

	switch (res->type) {
	case DM_DNS_A: {
		struct ares_addrttl at[DM_DNS_MAX_ADDRS];
		n = DM_DNS_MAX_ADDRS;
		rc = ares_parse_a_reply(abuf, alen, NULL, at, &n);
		if (rc != ARES_SUCCESS)
			break;
		for (i = 0; i < n; i++) {
			res->addrs[i].family = AF_INET;
			memcpy(res->addrs[i].b, &at[i].ipaddr, 4);
		}
		res->naddrs = res->nrecords = (size_t)n;
		return n > 0 ? DM_DNS_ANSWER : DM_DNS_NOTFOUND;
	}
	case DM_DNS_AAAA: {
		struct ares_addr6ttl at[DM_DNS_MAX_ADDRS];
		n = DM_DNS_MAX_ADDRS;
		rc = ares_parse_aaaa_reply(abuf, alen, NULL, at, &n);
		if (rc != ARES_SUCCESS)
			break;
		for (i = 0; i < n; i++) {
			res->addrs[i].family = AF_INET6;
			memcpy(res->addrs[i].b, &at[i].ip6addr, 16);
		}
		res->naddrs = res->nrecords = (size_t)n;
		return n > 0 ? DM_DNS_ANSWER : DM_DNS_NOTFOUND;
	}
	case DM_DNS_MX: {
		struct ares_mx_reply *mx = NULL, *m;
		rc = ares_parse_mx_reply(abuf, alen, &mx);
		if (rc != ARES_SUCCESS)
			break;
		for (m = mx; m != NULL; m = m->next)
			if (res->nrecords++ == 0)
				snprintf(res->text, sizeof(res->text), "%s", m->host);
		ares_free_data(mx);
		return res->nrecords > 0 ? DM_DNS_ANSWER : DM_DNS_NOTFOUND;
	}
	case DM_DNS_TXT: {
		struct ares_txt_ext *txt = NULL, *t;
		rc = ares_parse_txt_reply_ext(abuf, alen, &txt);
		if (rc != ARES_SUCCESS)
			break;
		for (t = txt; t != NULL; t = t->next)
			if (t->record_start && res->nrecords++ == 0)
				snprintf(res->text, sizeof(res->text), "%.*s", (int)t->length, (const char *)t->txt);
		ares_free_data(txt);
		return res->nrecords > 0 ? DM_DNS_ANSWER : DM_DNS_NOTFOUND;
	}
	case DM_DNS_PTR: {
		struct hostent *he = NULL;
		rc = ares_parse_ptr_reply(abuf, alen, NULL, 0, AF_INET, &he);
		if (rc != ARES_SUCCESS)
			break;
		if (he != NULL && he->h_name != NULL) {
			snprintf(res->text, sizeof(res->text), "%s", he->h_name);
			res->nrecords = 1;
		}
		if (he != NULL)
			ares_free_hostent(he);
		return res->nrecords > 0 ? DM_DNS_ANSWER : DM_DNS_NOTFOUND;
	}
	}
	return (rc == ARES_ENODATA || rc == ARES_ENOTFOUND) ? DM_DNS_NOTFOUND : DM_DNS_ERROR;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct slot *s = arg;

	(void)timeouts;
	switch (status) {
	case ARES_SUCCESS:
		s->res.ttl = answer_min_ttl(abuf, alen);
		finish(s, parse_answer(&s->res, abuf, alen));
		break;
	case ARES_ENOTFOUND:
	case ARES_ENODATA:
		s->res.ttl = negative_ttl(abuf, alen);
		finish(s, DM_DNS_NOTFOUND);
		break;
	case ARES_ETIMEOUT:
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		finish(s, s->r->cancelling || status == ARES_ETIMEOUT ? DM_DNS_TIMEOUT : DM_DNS_ERROR);
		break;
	default:
		finish(s, DM_DNS_ERROR);
		break;
	}
	if (s->r->cache != NULL && !s->nocache)
		dm_dnscache_put(s->r->cache, &s->res, s->res.done_ms);
}

void dm_resolver_set_cache(struct dm_resolver *r, struct dm_dnscache *cache)
{
	r->cache = cache;
}

int dm_resolver_submit(struct dm_resolver *r, const char *name, enum dm_dns_type type)
{
	return dm_resolver_submit_flags(r, name, type, 0);
}

int dm_resolver_submit_flags(struct dm_resolver *r, const char *name, enum dm_dns_type type, int flags)
{
	struct slot *s;
	size_t len = strlen(name);

	if (r->nslots == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct slot **grown = realloc(r->slots, cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		r->slots = grown;
		r->cap = cap;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -1;
	s->r = r;
	s->res.type = type;
	snprintf(s->res.name, sizeof(s->res.name), "%s", name);
	r->slots[r->nslots] = s;
	r->pending++;
	s->nocache = (flags & DM_DNS_NOCACHE) != 0;
	if (len == 0 || len >= sizeof(s->res.name)) {
		finish(s, DM_DNS_ERROR);
	} else if (r->cache != NULL && !s->nocache &&
	           dm_dnscache_get(r->cache, name, type, dm_now_ms(), &s->res)) {
		enum dm_dns_status st = s->res.status;
		s->res.status = DM_DNS_PENDING;
		s->res.from_cache = 1;
		finish(s, st);
	} else {
		ares_query(r->ch, name, ns_c_in, (int)type, on_answer, s);   /* sends now */
	}
	return (int)r->nslots++;
}

int dm_resolver_idle(const struct dm_resolver *r)
{
	return r->pending == 0;
}

/* One round: wait for socket activity or a c-ares timer, at most until
 * deadline_ms (0 ms when deadline_ms is now or past), then process it. */
static void process_once(struct dm_resolver *r, uint64_t deadline_ms)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct pollfd pfd[ARES_GETSOCK_MAXNUM];
	struct timeval tv, *tvp, maxtv;
	uint64_t now = dm_now_ms(), left = deadline_ms > now ? deadline_ms - now : 0;
	int bits, i, n = 0, wait_ms, ready;

	bits = ares_getsock(r->ch, socks, ARES_GETSOCK_MAXNUM);
	for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		short ev = 0;
		if (ARES_GETSOCK_READABLE(bits, i))
			ev |= POLLIN;
		if (ARES_GETSOCK_WRITABLE(bits, i))
			ev |= POLLOUT;
		if (ev == 0)
			continue;
		pfd[n].fd = socks[i];
		pfd[n].events = ev;
		pfd[n].revents = 0;
		n++;
	}
	maxtv.tv_sec = (time_t)(left / 1000);
	maxtv.tv_usec = (suseconds_t)((left % 1000) * 1000);
	tvp = ares_timeout(r->ch, &maxtv, &tv);
	wait_ms = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
	ready = poll(pfd, (nfds_t)n, wait_ms);
	if (ready <= 0) {
		ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);   /* timers */
		return;
	}
	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		ares_process_fd(r->ch,
		                pfd[i].revents & (POLLIN | POLLERR | POLLHUP) ? pfd[i].fd : ARES_SOCKET_BAD,
		                pfd[i].revents & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD);
	}
}

void dm_resolver_poll(struct dm_resolver *r)
{
	if (r->pending > 0)
		process_once(r, 0);
}

void dm_resolver_wait(struct dm_resolver *r, uint64_t deadline_ms)
{
	if (r->pending > 0 && dm_now_ms() < deadline_ms)
		process_once(r, deadline_ms);
}

int dm_resolver_collect(struct dm_resolver *r, uint64_t deadline_ms)
{
	size_t before;

	while (r->pending > 0 && dm_now_ms() < deadline_ms)
		process_once(r, deadline_ms);
	before = r->pending;
	if (before > 0) {
		r->cancelling = 1;
		ares_cancel(r->ch);
		r->cancelling = 0;
	}
	return (int)before;
}

const struct dm_dns_result *dm_resolver_result(const struct dm_resolver *r, int idx)
{
	if (idx < 0 || (size_t)idx >= r->nslots)
		return NULL;
	return &r->slots[idx]->res;
}

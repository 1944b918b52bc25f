/*
 * resolver.c - c-ares 1.18 for the whole process: one channel per server
 * setting, one event thread, sessions that wait on their own condition.
 *
 * Does: sends each question once (questions in flight are shared by every
 * session that asks them), delivers outcomes into the sessions' slots,
 * fills the shared cache, and lets a session stop waiting at its deadline
 * without disturbing anyone else's query.
 * Never: blocks a session past its deadline, keeps a socket per session,
 * logs. Every c-ares call is made under one mutex (a c-ares 1.18 channel
 * is not thread-safe); sessions sleep on their own condition variable.
 * Non-search queries only (ares_query: no resolv.conf search domains).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <arpa/nameser.h>
#include <ares.h>

#include "dnscache.h"
#include "dnsparse.h"
#include "fdlimit.h"
#include "resolver.h"

#define QTABLE 1024          /* buckets of the in-flight question table */
#define CHAN_TRIES 3

struct chan {
	ares_channel ch;
	char *servers;
	unsigned per_try_ms;
	unsigned refs;           /* resolvers using it */
	unsigned in_flight;      /* questions whose callback has not run */
	uint64_t serial;         /* creation order: the newest is kept even when idle */
	struct chan *next;
};

struct slot;

/* One question on the wire; freed by its callback. */
struct query {
	struct chan *chan;
	struct dm_dnscache *cache;   /* where the answer goes; NULL: nowhere */
	int shared;                  /* in the table: later askers may join */
	int has_want;
	struct dm_addr want;
	enum dm_dns_type type;
	uint32_t hash;
	char name[256];
	struct slot *waiters;
	struct query *hnext;
};

struct slot {
	struct dm_resolver *r;
	struct query *q;             /* the question it waits for; NULL once it has an outcome */
	struct slot *wnext;          /* next waiter of q */
	int in_use;
	struct dm_dns_result res;
};

struct dm_resolver {
	struct chan *chan;
	struct dm_dnscache *cache;
	pthread_cond_t cond;
	struct slot **slots;
	size_t nslots, cap;
	size_t pending;
	unsigned long changes;       /* outcomes delivered so far */
};

static struct {
	pthread_mutex_t mu;
	int started, stopping;
	pthread_t tid;
	int wake[2];
	int wake_sent;
	struct chan *chans;
	uint64_t serial;
	struct query *table[QTABLE];
	struct dm_dns_stats st;
} svc = { .mu = PTHREAD_MUTEX_INITIALIZER, .wake = { -1, -1 } };

static const struct dm_dns_result pending_result = { .status = DM_DNS_PENDING };

const char *dm_dns_status_name(enum dm_dns_status s)
{
	static const char *const names[] = { "pending", "answer", "notfound", "error", "timeout" };

	return (unsigned)s < 5 ? names[s] : "?";
}

/* ------------------------------------------------------------- sockets */

/* c-ares opens its sockets through these, so a shortage of descriptors is
 * counted (and logged by the milter) instead of passing unnoticed. */
static ares_socket_t sock_open(int af, int type, int proto, void *u)
{
	int fd = socket(af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);   /* c-ares leaves user sockets alone */

	(void)u;
	if (fd < 0)
		dm_fd_note(DM_FD_DNS, errno);
	return fd;
}

static int sock_close(ares_socket_t fd, void *u)
{
	(void)u;
	return close(fd);
}

static int sock_connect(ares_socket_t fd, const struct sockaddr *sa, ares_socklen_t len, void *u)
{
	(void)u;
	return connect(fd, sa, len);
}

static ares_ssize_t sock_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags, struct sockaddr *from,
                                  ares_socklen_t *fromlen, void *u)
{
	(void)u;
	return recvfrom(fd, buf, len, flags, from, fromlen);
}

static ares_ssize_t sock_sendv(ares_socket_t fd, const struct iovec *iov, int n, void *u)
{
	(void)u;
	return writev(fd, iov, n);
}

static const struct ares_socket_functions sock_funcs = {
	sock_open, sock_close, sock_connect, sock_recvfrom, sock_sendv,
};

/* ------------------------------------------------------------ channels */

static struct chan *chan_new(const char *servers, unsigned per_try_ms, char *err, size_t errlen)
{
	struct chan *c = calloc(1, sizeof(*c));
	struct ares_options opt;
	int rc;

	if (c == NULL || (c->servers = strdup(servers)) == NULL) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(&opt, 0, sizeof(opt));
	opt.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	opt.timeout = (int)per_try_ms;
	opt.tries = CHAN_TRIES;
	rc = ares_init_options(&c->ch, &opt, ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares init: %s", ares_strerror(rc));
		free(c->servers);
		free(c);
		return NULL;
	}
	if (servers[0] != '\0' && (rc = ares_set_servers_ports_csv(c->ch, servers)) != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares servers '%.100s': %s", servers, ares_strerror(rc));
		ares_destroy(c->ch);
		free(c->servers);
		free(c);
		return NULL;
	}
	ares_set_socket_functions(c->ch, &sock_funcs, NULL);
	c->per_try_ms = per_try_ms;
	c->serial = ++svc.serial;
	c->next = svc.chans;
	svc.chans = c;
	svc.st.channels++;
	return c;
}

/* Channels nobody uses any more, and that have nothing in flight, go,
 * except the newest (the next session most likely wants it). */
static void chan_reap(void)
{
	struct chan **pp = &svc.chans, *c;

	while ((c = *pp) != NULL) {
		if (c->refs == 0 && c->in_flight == 0 && c->serial != svc.serial) {
			*pp = c->next;
			ares_destroy(c->ch);
			free(c->servers);
			free(c);
			svc.st.channels--;
		} else {
			pp = &c->next;
		}
	}
}

/* --------------------------------------------------------- event thread */

static void wake_thread(void)
{
	char b = 1;

	if (svc.wake[1] >= 0 && !svc.wake_sent && write(svc.wake[1], &b, 1) == 1)
		svc.wake_sent = 1;
}

/* Called with svc.mu held: build the poll set of every channel. */
static size_t poll_set(struct pollfd **pfd, struct chan ***owner, size_t *cap, int *timeout_ms)
{
	struct chan *c;
	size_t n = 1;

	(*pfd)[0].fd = svc.wake[0];
	(*pfd)[0].events = POLLIN;
	(*pfd)[0].revents = 0;
	*timeout_ms = 1000;
	for (c = svc.chans; c != NULL; c = c->next) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		struct timeval maxtv = { 1, 0 }, tv, *tvp;
		/* the bits tested unsigned: c-ares' ARES_GETSOCK_WRITABLE(bits, 15)
		 * shifts 1 into an int's sign bit */
		unsigned bits = (unsigned)ares_getsock(c->ch, socks, ARES_GETSOCK_MAXNUM);
		int i, ms;

		for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			short ev = (short)((((bits >> i) & 1u) ? POLLIN : 0) |
			                   (((bits >> (i + ARES_GETSOCK_MAXNUM)) & 1u) ? POLLOUT : 0));
			if (ev == 0)
				continue;
			if (n == *cap) {
				size_t ncap = *cap * 2;
				struct pollfd *p = realloc(*pfd, ncap * sizeof(**pfd));
				struct chan **o = p ? realloc(*owner, ncap * sizeof(**owner)) : NULL;
				if (p != NULL)
					*pfd = p;
				if (o == NULL)
					return n;    /* the rest waits for the next round */
				*owner = o;
				*cap = ncap;
			}
			(*pfd)[n].fd = socks[i];
			(*pfd)[n].events = ev;
			(*pfd)[n].revents = 0;
			(*owner)[n] = c;
			n++;
		}
		if (c->in_flight > 0) {
			tvp = ares_timeout(c->ch, &maxtv, &tv);
			ms = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
			if (ms < *timeout_ms)
				*timeout_ms = ms;
		}
	}
	return n;
}

static void *event_thread(void *arg)
{
	size_t cap = 64, n, i;
	struct pollfd *pfd = malloc(cap * sizeof(*pfd));
	struct chan **owner = malloc(cap * sizeof(*owner));
	struct chan *c;
	int timeout_ms;

	(void)arg;
	pthread_mutex_lock(&svc.mu);
	while (!svc.stopping && pfd != NULL && owner != NULL) {
		n = poll_set(&pfd, &owner, &cap, &timeout_ms);
		pthread_mutex_unlock(&svc.mu);
		if (poll(pfd, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
			usleep(10000);
		pthread_mutex_lock(&svc.mu);
		if (pfd[0].revents) {
			char buf[64];
			while (read(svc.wake[0], buf, sizeof(buf)) > 0)
				;
			svc.wake_sent = 0;
		}
		/* channels are only destroyed by this thread: owner[] is still valid */
		for (i = 1; i < n; i++)
			if (pfd[i].revents)
				ares_process_fd(owner[i]->ch,
				                pfd[i].revents & (POLLIN | POLLERR | POLLHUP) ? pfd[i].fd : ARES_SOCKET_BAD,
				                pfd[i].revents & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD);
		for (c = svc.chans; c != NULL; c = c->next)
			if (c->in_flight > 0)
				ares_process_fd(c->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);   /* timers */
		chan_reap();
	}
	pthread_mutex_unlock(&svc.mu);
	free(pfd);
	free(owner);
	return NULL;
}

/* Called with svc.mu held. */
static int start_locked(char *err, size_t errlen)
{
	if (svc.started)
		return 0;
	if (pipe2(svc.wake, O_NONBLOCK | O_CLOEXEC) < 0) {
		snprintf(err, errlen, "resolver: pipe: %s", strerror(errno));
		svc.wake[0] = svc.wake[1] = -1;
		return -1;
	}
	svc.stopping = 0;
	if (pthread_create(&svc.tid, NULL, event_thread, NULL) != 0) {
		snprintf(err, errlen, "resolver: cannot start the DNS thread");
		close(svc.wake[0]);
		close(svc.wake[1]);
		svc.wake[0] = svc.wake[1] = -1;
		return -1;
	}
	svc.started = 1;
	return 0;
}

int dm_resolver_start(char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&svc.mu);
	rc = start_locked(err, errlen);
	pthread_mutex_unlock(&svc.mu);
	return rc;
}

int dm_resolver_library_init(void)
{
	return ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS ? 0 : -1;
}

void dm_resolver_library_cleanup(void)
{
	struct chan *c;

	pthread_mutex_lock(&svc.mu);
	if (svc.started) {
		svc.stopping = 1;
		wake_thread();
		pthread_mutex_unlock(&svc.mu);
		pthread_join(svc.tid, NULL);
		pthread_mutex_lock(&svc.mu);
		close(svc.wake[0]);
		close(svc.wake[1]);
		svc.wake[0] = svc.wake[1] = -1;
		svc.started = 0;
	}
	/* ends every question still in flight (callbacks see ARES_EDESTRUCTION) */
	while ((c = svc.chans) != NULL) {
		svc.chans = c->next;
		ares_destroy(c->ch);
		free(c->servers);
		free(c);
	}
	svc.st.channels = 0;
	pthread_mutex_unlock(&svc.mu);
	ares_library_cleanup();
}

void dm_resolver_stats(struct dm_dns_stats *out)
{
	pthread_mutex_lock(&svc.mu);
	*out = svc.st;
	pthread_mutex_unlock(&svc.mu);
}

/* ------------------------------------------------------------ outcomes */

static uint32_t name_hash(const char *name, enum dm_dns_type type, const struct chan *c)
{
	uint32_t h = 2166136261u ^ (uint32_t)type ^ (uint32_t)c->serial;
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++)
		h = (h ^ (unsigned char)(*p | 0x20)) * 16777619u;
	return h;
}

static void table_remove(struct query *q)
{
	struct query **pp;

	if (!q->shared)
		return;
	for (pp = &svc.table[q->hash % QTABLE]; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == q) {
			*pp = q->hnext;
			break;
		}
	q->shared = 0;
}

/* Called with svc.mu held: slot s has its outcome in s->res. */
static void deliver(struct slot *s)
{
	struct dm_resolver *r = s->r;

	s->q = NULL;
	s->res.done_ms = dm_now_ms();
	r->pending--;
	r->changes++;
	pthread_cond_broadcast(&r->cond);
}

/* c-ares's callback, under svc.mu (from the event thread, from ares_query
 * itself, or from ares_destroy). */
static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct query *q = arg;
	struct dm_dns_result res;
	struct slot *s, *next;

	(void)timeouts;
	memset(&res, 0, sizeof(res));
	res.type = q->type;
	memcpy(res.name, q->name, sizeof(res.name));
	switch (status) {
	case ARES_SUCCESS:
		res.status = dm_dns_parse_answer(abuf, alen, q->has_want ? &q->want : NULL, &res);
		break;
	case ARES_ENOTFOUND:
	case ARES_ENODATA:
		res.ttl = dm_dns_negative_ttl(abuf, alen);
		res.status = DM_DNS_NOTFOUND;
		break;
	case ARES_ETIMEOUT:
		res.status = DM_DNS_TIMEOUT;
		break;
	default:
		res.status = DM_DNS_ERROR;
		break;
	}
	res.done_ms = dm_now_ms();
	if (res.status == DM_DNS_ANSWER)
		svc.st.answers++;
	else if (res.status == DM_DNS_NOTFOUND)
		svc.st.notfound++;
	else
		svc.st.errors++;
	table_remove(q);
	if (q->cache != NULL) {
		int matched = res.matched;
		res.matched = 0;                 /* it belongs to the asker, not to the name */
		dm_dnscache_put(q->cache, &res, res.done_ms);
		res.matched = matched;
	}
	for (s = q->waiters; s != NULL; s = next) {
		next = s->wnext;
		s->res = res;
		deliver(s);
	}
	q->chan->in_flight--;
	svc.st.in_flight--;
	free(q);
}

/* ----------------------------------------------------------- a session */

struct dm_resolver *dm_resolver_new(const char *servers, unsigned per_try_ms, char *err, size_t errlen)
{
	struct dm_resolver *r = calloc(1, sizeof(*r));
	pthread_condattr_t ca;
	struct chan *c;

	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (servers == NULL)
		servers = "";
	if (per_try_ms == 0)
		per_try_ms = 1000;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_cond_init(&r->cond, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		snprintf(err, errlen, "out of memory");
		free(r);
		return NULL;
	}
	pthread_condattr_destroy(&ca);
	pthread_mutex_lock(&svc.mu);
	for (c = svc.chans; c != NULL; c = c->next)
		if (c->per_try_ms == per_try_ms && strcmp(c->servers, servers) == 0)
			break;
	if (start_locked(err, errlen) < 0 || (c == NULL && (c = chan_new(servers, per_try_ms, err, errlen)) == NULL)) {
		pthread_mutex_unlock(&svc.mu);
		pthread_cond_destroy(&r->cond);
		free(r);
		return NULL;
	}
	c->refs++;
	r->chan = c;
	pthread_mutex_unlock(&svc.mu);
	return r;
}

void dm_resolver_set_cache(struct dm_resolver *r, struct dm_dnscache *cache)
{
	r->cache = cache;
}

/* Called with svc.mu held: stop waiting for slot s (its outcome: timeout;
 * counted as one when the deadline, not a release, ended it). */
static void abandon(struct slot *s, int count)
{
	struct slot **pp;

	if (s->q == NULL)
		return;
	for (pp = &s->q->waiters; *pp != NULL; pp = &(*pp)->wnext)
		if (*pp == s) {
			*pp = s->wnext;
			break;
		}
	s->res.status = DM_DNS_TIMEOUT;
	svc.st.timeouts += count != 0;
	deliver(s);
}

void dm_resolver_free(struct dm_resolver *r)
{
	size_t i;

	if (r == NULL)
		return;
	pthread_mutex_lock(&svc.mu);
	for (i = 0; i < r->nslots; i++)
		abandon(r->slots[i], 0);
	r->chan->refs--;
	if (r->chan->refs == 0)
		wake_thread();       /* it may be reaped */
	pthread_mutex_unlock(&svc.mu);
	for (i = 0; i < r->nslots; i++)
		free(r->slots[i]);
	free(r->slots);
	pthread_cond_destroy(&r->cond);
	free(r);
}

/* A free slot (reused, or new); its index in *idx. NULL: out of memory. */
static struct slot *slot_take(struct dm_resolver *r, int *idx)
{
	struct slot *s;
	size_t i;

	for (i = 0; i < r->nslots; i++)
		if (!r->slots[i]->in_use)
			break;
	if (i == r->nslots) {
		if (r->nslots == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 8;
			struct slot **grown = realloc(r->slots, cap * sizeof(*grown));
			if (grown == NULL)
				return NULL;
			r->slots = grown;
			r->cap = cap;
		}
		if ((r->slots[i] = calloc(1, sizeof(*s))) == NULL)
			return NULL;
		r->nslots++;
	}
	s = r->slots[i];
	memset(s, 0, sizeof(*s));
	s->r = r;
	s->in_use = 1;
	*idx = (int)i;
	return s;
}

/* The cache's answer fits this question (a match needs every address). */
static int usable_hit(struct dm_dns_result *res, const struct dm_addr *want)
{
	size_t i;

	if (want == NULL || res->status != DM_DNS_ANSWER)
		return 1;
	if (res->naddrs < res->nrecords)
		return 0;
	for (i = 0; i < res->naddrs; i++)
		if (dm_addr_equal(&res->addrs[i], want))
			res->matched = 1;
	return 1;
}

/* Called with svc.mu held: wait for the same question already in flight
 * (only plain cacheable questions are shared). 1 if joined. */
static int join_in_flight(struct slot *s, const char *name, enum dm_dns_type type, uint32_t h)
{
	struct query *q;

	for (q = svc.table[h % QTABLE]; q != NULL; q = q->hnext)
		if (q->hash == h && q->type == type && q->chan == s->r->chan && strcasecmp(q->name, name) == 0)
			break;
	if (q == NULL)
		return 0;
	s->q = q;
	s->wnext = q->waiters;
	q->waiters = s;
	svc.st.joined++;
	return 1;
}

/* Called with svc.mu held: a new question on the wire for slot s. */
static void send_question(struct slot *s, const char *name, enum dm_dns_type type, int flags,
                          const struct dm_addr *want, uint32_t h)
{
	struct dm_resolver *r = s->r;
	struct query *q = calloc(1, sizeof(*q));

	if (q == NULL) {
		s->res.status = DM_DNS_ERROR;
		deliver(s);
		return;
	}
	q->chan = r->chan;
	q->cache = (flags & DM_DNS_NOCACHE) ? NULL : r->cache;
	q->type = type;
	q->hash = h;
	snprintf(q->name, sizeof(q->name), "%s", name);
	if (want != NULL) {
		q->has_want = 1;
		q->want = *want;
	} else if (!(flags & DM_DNS_NOCACHE)) {
		q->shared = 1;
		q->hnext = svc.table[h % QTABLE];
		svc.table[h % QTABLE] = q;
	}
	s->q = q;
	q->waiters = s;
	q->chan->in_flight++;
	svc.st.in_flight++;
	svc.st.sent++;
	ares_query(q->chan->ch, name, ns_c_in, (int)type, on_answer, q);   /* sends now */
	wake_thread();           /* a new socket or an earlier timer to watch */
}

static int submit(struct dm_resolver *r, const char *name, enum dm_dns_type type, int flags,
                  const struct dm_addr *want)
{
	size_t len = strlen(name);
	struct dm_dns_result hit;
	struct slot *s;
	uint32_t h;
	int idx;

	pthread_mutex_lock(&svc.mu);
	s = slot_take(r, &idx);
	if (s == NULL) {
		pthread_mutex_unlock(&svc.mu);
		return -1;
	}
	s->res.type = type;
	snprintf(s->res.name, sizeof(s->res.name), "%s", len < sizeof(s->res.name) ? name : "");
	r->pending++;
	svc.st.submitted++;
	if (len == 0 || len >= sizeof(s->res.name)) {
		s->res.status = DM_DNS_ERROR;
		deliver(s);
		pthread_mutex_unlock(&svc.mu);
		return idx;
	}
	pthread_mutex_unlock(&svc.mu);

	/* the cache first, outside the service lock (it has its own) */
	if (r->cache != NULL && !(flags & DM_DNS_NOCACHE) &&
	    dm_dnscache_get(r->cache, name, type, dm_now_ms(), &hit) && usable_hit(&hit, want)) {
		pthread_mutex_lock(&svc.mu);
		s->res = hit;
		s->res.from_cache = 1;
		svc.st.cache_hits++;
		deliver(s);
		pthread_mutex_unlock(&svc.mu);
		return idx;
	}

	pthread_mutex_lock(&svc.mu);
	h = name_hash(name, type, r->chan);
	if ((flags & DM_DNS_NOCACHE) || want != NULL || !join_in_flight(s, name, type, h))
		send_question(s, name, type, flags, want, h);
	pthread_mutex_unlock(&svc.mu);
	return idx;
}

int dm_resolver_submit(struct dm_resolver *r, const char *name, enum dm_dns_type type)
{
	return submit(r, name, type, 0, NULL);
}

int dm_resolver_submit_flags(struct dm_resolver *r, const char *name, enum dm_dns_type type, int flags)
{
	return submit(r, name, type, flags, NULL);
}

int dm_resolver_submit_match(struct dm_resolver *r, const char *name, enum dm_dns_type type,
                             const struct dm_addr *want)
{
	return submit(r, name, type, 0, want);
}

void dm_resolver_release(struct dm_resolver *r, int idx)
{
	if (idx < 0 || (size_t)idx >= r->nslots)
		return;
	pthread_mutex_lock(&svc.mu);
	abandon(r->slots[idx], 0);
	r->slots[idx]->in_use = 0;
	pthread_mutex_unlock(&svc.mu);
}

void dm_resolver_reset(struct dm_resolver *r)
{
	size_t i;

	for (i = 0; i < r->nslots; i++)
		dm_resolver_release(r, (int)i);
}

/* Called with svc.mu held: sleep on r->cond until deadline_ms at most. */
static void sleep_until(struct dm_resolver *r, uint64_t deadline_ms)
{
	struct timespec ts;
	uint64_t mono = deadline_ms;

	ts.tv_sec = (time_t)(mono / 1000);
	ts.tv_nsec = (long)(mono % 1000) * 1000000L;
	pthread_cond_timedwait(&r->cond, &svc.mu, &ts);
}

int dm_resolver_collect(struct dm_resolver *r, uint64_t deadline_ms)
{
	size_t i, left;

	pthread_mutex_lock(&svc.mu);
	while (r->pending > 0 && dm_now_ms() < deadline_ms)
		sleep_until(r, deadline_ms);
	left = r->pending;
	for (i = 0; left > 0 && i < r->nslots; i++)
		if (r->slots[i]->in_use)
			abandon(r->slots[i], 1);
	pthread_mutex_unlock(&svc.mu);
	return (int)left;
}

void dm_resolver_wait(struct dm_resolver *r, uint64_t deadline_ms)
{
	unsigned long seen;

	pthread_mutex_lock(&svc.mu);
	seen = r->changes;
	while (r->pending > 0 && r->changes == seen && dm_now_ms() < deadline_ms)
		sleep_until(r, deadline_ms);
	pthread_mutex_unlock(&svc.mu);
}

int dm_resolver_idle(struct dm_resolver *r)
{
	int idle;

	pthread_mutex_lock(&svc.mu);
	idle = r->pending == 0;
	pthread_mutex_unlock(&svc.mu);
	return idle;
}

const struct dm_dns_result *dm_resolver_result(struct dm_resolver *r, int idx)
{
	const struct dm_dns_result *res;

	if (idx < 0 || (size_t)idx >= r->nslots)
		return NULL;
	pthread_mutex_lock(&svc.mu);
	if (!r->slots[idx]->in_use)
		res = NULL;
	else if (r->slots[idx]->q != NULL)
		res = &pending_result;
	else
		res = &r->slots[idx]->res;
	pthread_mutex_unlock(&svc.mu);
	return res;
}

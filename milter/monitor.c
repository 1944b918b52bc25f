/*
 * monitor.c - watch file descriptors, say so when they run short.
 *
 * libmilter's accept loop gives no sign when accept() fails for lack of a
 * descriptor (it retries in silence while the MTA's connections queue), and
 * a DNS or spamd socket that cannot be opened only fails open. So: count
 * the descriptors in use every second, and log at most one line a minute
 * when they come within 5 % of the limit, and one line a minute with the
 * DNS and spamd sockets that could not be opened since the last one.
 * Also the periodic counters: the spamd servers and the DNS cache.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "dnscache.h"
#include "fdlimit.h"
#include "log.h"
#include "monitor.h"
#include "runtime.h"
#include "spamd.h"

#define QUIET_S 60

static unsigned long last_near, last_short;
static unsigned long seen_dns, seen_spamd;

void dm_monitor_round(unsigned long now_s)
{
	unsigned long limit = dm_fd_limit(), dns, spamd;
	long used = dm_fd_in_use();
	int out = used < 0 && (errno == EMFILE || errno == ENFILE);

	if ((out || (limit > 0 && used >= 0 && (unsigned long)used >= limit - limit / 20)) &&
	    (last_near == 0 || now_s - last_near >= QUIET_S)) {
		last_near = now_s;
		dm_log(LOG_ERR, "file descriptors: %s of the limit %lu in use, %u sessions open: new MTA "
		       "connections wait unaccepted and DNS or spamd sockets fail; raise the limit "
		       "(systemd: LimitNOFILE)", out ? "all" : "95 %", limit, dm_sessions_open());
	}
	dns = dm_fd_shortages(DM_FD_DNS);
	spamd = dm_fd_shortages(DM_FD_SPAMD);
	if ((dns != seen_dns || spamd != seen_spamd) && (last_short == 0 || now_s - last_short >= QUIET_S)) {
		last_short = now_s;
		dm_log(LOG_ERR, "file descriptors: %lu DNS and %lu spamd sockets could not be opened "
		       "(limit %lu): those lookups and scans failed, and policy applied its on-error rule",
		       dns - seen_dns, spamd - seen_spamd, limit);
		seen_dns = dns;
		seen_spamd = spamd;
	}
}

static void *watch(void *arg)
{
	struct timespec ts;

	(void)arg;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		dm_monitor_round((unsigned long)ts.tv_sec + 1);
		sleep(1);
	}
	return NULL;
}

int dm_monitor_start(void)
{
	pthread_t tid;

	if (pthread_create(&tid, NULL, watch, NULL) != 0)
		return -1;
	pthread_detach(tid);
	return 0;
}

/* The spamd backends' counters: how the pool fares, which are backing off. */
static void log_spamd(struct spamd_pool *pool)
{
	struct spamd_backend_stats st[SPAMD_BACKENDS_MAX];
	size_t i, n = spamd_pool_stats(pool, st, SPAMD_BACKENDS_MAX);

	for (i = 0; i < n && i < SPAMD_BACKENDS_MAX; i++) {
		if (st[i].backoff_left_ms > 0)
			dm_log(LOG_WARNING, "spamd %s: requests=%lu failures=%lu in_flight=%u skipped_for_ms=%u",
			       st[i].name, st[i].requests, st[i].failures, st[i].in_flight, st[i].backoff_left_ms);
		else
			dm_log(LOG_INFO, "spamd %s: requests=%lu failures=%lu in_flight=%u",
			       st[i].name, st[i].requests, st[i].failures, st[i].in_flight);
	}
}

void dm_monitor_log_counters(void)
{
	struct dm_dnscache *cache = dm_dns_cache();

	if (dm_spamd_pool() != NULL)
		log_spamd(dm_spamd_pool());
	if (cache != NULL) {
		struct dm_dnscache_stats st;
		dm_dnscache_stats(cache, &st);
		dm_log(LOG_INFO, "dns cache: entries=%zu/%zu hits=%lu misses=%lu evictions=%lu",
		       st.entries, st.max_entries, st.hits, st.misses, st.evictions);
	}
}

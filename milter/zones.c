/*
 * zones.c - the DNS lists' health: the self-test and the table of zones it
 * suspended.
 *
 * RFC 5782 §5: every list answers for 127.0.0.2 and never for 127.0.0.1. A
 * zone that fails (refuses us with an error code, answers everything, or
 * does not answer) is suspended: its answers would be noise or, worse,
 * reject every client. It is restored as soon as a later test passes.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dnsbl.h"
#include "monitor.h"
#include "spamd_health.h"
#include "zones.h"
#include "log.h"
#include "resolver.h"
#include "snapshot.h"

#define MAX_HEALTH 64

struct health {
	char zone[DNSBL_NAME_MAX + 1];
	int suspended;
	char reason[160];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct health table[MAX_HEALTH];
static size_t ntable;

static struct health *find(const char *zone, int create)
{
	size_t i;

	for (i = 0; i < ntable; i++)
		if (strcmp(table[i].zone, zone) == 0)
			return &table[i];
	if (!create || ntable == MAX_HEALTH)
		return NULL;
	snprintf(table[ntable].zone, sizeof(table[ntable].zone), "%s", zone);
	return &table[ntable++];
}

int dm_zone_suspended(const char *zone)
{
	struct health *h;
	int s;

	pthread_mutex_lock(&lock);
	h = find(zone, 0);
	s = h != NULL && h->suspended;
	pthread_mutex_unlock(&lock);
	return s;
}

static void set_health(const char *zone, int suspended, const char *reason)
{
	struct health *h;
	int was;

	pthread_mutex_lock(&lock);
	h = find(zone, 1);
	if (h == NULL) {
		pthread_mutex_unlock(&lock);
		return;
	}
	was = h->suspended;
	h->suspended = suspended;
	snprintf(h->reason, sizeof(h->reason), "%s", reason);
	pthread_mutex_unlock(&lock);
	if (suspended && !was)
		dm_log(LOG_WARNING, "dnsbl zone %s suspended: %s", zone, reason);
	else if (!suspended && was)
		dm_log(LOG_NOTICE, "dnsbl zone %s restored: self-test passed", zone);
}

/* Index of the first entry with the same zone name as entry i. */
static size_t first_of(const struct dm_config *cfg, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (strcmp(cfg->zones[j].name, cfg->zones[i].name) == 0)
			return j;
	return i;
}

static void probe_of(const struct dm_dns_result *r, struct dnsbl_probe *p)
{
	memset(p, 0, sizeof(*p));
	if (r == NULL || (r->status != DM_DNS_ANSWER && r->status != DM_DNS_NOTFOUND))
		return;
	p->answered = 1;
	if (r->status == DM_DNS_ANSWER) {
		p->answers = r->addrs;
		p->n = r->naddrs;
	}
}

/* Forget zones the configuration no longer has (or all, with NULL). */
static void purge(const struct dm_config *cfg)
{
	size_t i, j, k = 0;

	pthread_mutex_lock(&lock);
	for (i = 0; i < ntable; i++) {
		int keep = 0;
		for (j = 0; cfg != NULL && j < cfg->nzones && !keep; j++)
			keep = strcmp(table[i].zone, cfg->zones[j].name) == 0;
		if (keep)
			table[k++] = table[i];
	}
	ntable = k;
	pthread_mutex_unlock(&lock);
}

/* Every list suspended: the [dnsbl] checks do nothing. Said once when it
 * happens (and on -d), and once when it is over. */
static void warn_all_suspended(const struct dm_config *cfg, int suspended, FILE *report)
{
	static int all_down;
	size_t i, tested = 0;

	for (i = 0; i < cfg->nzones && i < MAX_HEALTH; i++)
		tested += first_of(cfg, i) == i;
	if (tested > 0 && (size_t)suspended == tested) {
		if (report != NULL)
			fprintf(report, "; warning: every DNS list is suspended: the [dnsbl] checks do nothing\n");
		else if (!all_down)
			dm_log(LOG_WARNING, "every DNS list is suspended by its self-test: the [dnsbl] checks do nothing "
			       "until one passes");
		all_down = 1;
	} else if (all_down && report == NULL) {
		dm_log(LOG_NOTICE, "a DNS list passed its self-test again: the [dnsbl] checks act");
		all_down = 0;
	}
}

int dm_zonecheck_run(const struct dm_config *cfg, FILE *report)
{
	struct dm_resolver *res;
	struct dm_addr t2, t1;
	char err[200], q[DNSBL_QNAME_MAX];
	int idx[MAX_HEALTH][2];
	size_t i, n = cfg->nzones < MAX_HEALTH ? cfg->nzones : MAX_HEALTH;
	int suspended = 0;

	purge(cfg);
	if (n == 0)
		return 0;
	res = dm_resolver_new(cfg->dns_servers, cfg->dns_timeout_ms / 3, err, sizeof(err));
	if (res == NULL) {
		dm_log(LOG_ERR, "zone self-test: %s", err);
		return 0;
	}
	dm_addr_parse(DNSBL_TEST_LISTED, &t2);
	dm_addr_parse(DNSBL_TEST_UNLISTED, &t1);
	for (i = 0; i < n; i++) {
		idx[i][0] = idx[i][1] = -1;
		if (first_of(cfg, i) != i)
			continue;          /* the same zone with another filter: tested once */
		idx[i][0] = dnsbl_query_name(&t2, cfg->zones[i].name, q, sizeof(q)) == 0 ?
		            dm_resolver_submit_flags(res, q, DM_DNS_A, DM_DNS_NOCACHE) : -1;
		idx[i][1] = dnsbl_query_name(&t1, cfg->zones[i].name, q, sizeof(q)) == 0 ?
		            dm_resolver_submit_flags(res, q, DM_DNS_A, DM_DNS_NOCACHE) : -1;
	}
	dm_resolver_collect(res, dm_now_ms() + cfg->dns_timeout_ms);
	for (i = 0; i < n; i++) {
		struct dnsbl_probe p2, p1;
		char reason[160];
		enum dnsbl_health h;

		if (first_of(cfg, i) != i)
			continue;
		probe_of(dm_resolver_result(res, idx[i][0]), &p2);
		probe_of(dm_resolver_result(res, idx[i][1]), &p1);
		h = dnsbl_selftest_judge(&p2, &p1, reason, sizeof(reason));
		set_health(cfg->zones[i].name, h == DNSBL_SUSPENDED, h == DNSBL_SUSPENDED ? reason : "");
		suspended += h == DNSBL_SUSPENDED;
		if (report != NULL)
			fprintf(report, "; zone %s: %s%s\n", cfg->zones[i].name,
			        h == DNSBL_SUSPENDED ? "SUSPENDED: " : "healthy", h == DNSBL_SUSPENDED ? reason : "");
	}
	dm_resolver_free(res);
	warn_all_suspended(cfg, suspended, report);
	return suspended;
}

static pthread_cond_t kick = PTHREAD_COND_INITIALIZER;
static int kicked;

void dm_zonecheck_kick(void)
{
	pthread_mutex_lock(&lock);
	kicked = 1;
	pthread_cond_signal(&kick);
	pthread_mutex_unlock(&lock);
}

static void *zonecheck_thread(void *arg)
{
	(void)arg;
	for (;;) {
		struct dm_config *cfg = dm_snapshot_pin();
		unsigned interval = cfg ? cfg->selftest_interval : 0;
		struct timespec until;

		if (cfg != NULL && interval > 0)
			dm_zonecheck_run(cfg, NULL);
		else
			purge(NULL);      /* no self-test: no zone stays suspended */
		if (cfg != NULL)
			dm_spamd_selftest_run(cfg, NULL);
		dm_snapshot_unpin(cfg);
		dm_monitor_log_counters();
		/* sleep until the next round, or until a reload kicks us */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += interval > 0 ? (time_t)interval : 300;
		pthread_mutex_lock(&lock);
		while (!kicked && pthread_cond_timedwait(&kick, &lock, &until) == 0)
			;
		kicked = 0;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int dm_zonecheck_start(void)
{
	pthread_t tid;

	if (pthread_create(&tid, NULL, zonecheck_thread, NULL) != 0)
		return -1;
	pthread_detach(tid);
	return 0;
}

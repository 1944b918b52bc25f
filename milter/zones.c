/*
 * zones.c - the DNS lists' health: the self-test and the table of zones it
 * suspended or could not test.
 *
 * RFC 5782 §5: every list answers for 127.0.0.2 and never for 127.0.0.1. A
 * zone that answers wrong (an error code, an answer outside 127/8, a
 * listing of 127.0.0.1, no listing of 127.0.0.2) is suspended: its answers
 * would be noise or, worse, reject every client. It is restored as soon as
 * a later test passes. A zone whose test gets no answer (the resolver is
 * not up yet, or slowed) is not suspended: nothing is known against it, so
 * it stays in use, and the thread tests it again within seconds (2, 4, 8 s
 * ... up to selftest_interval), logging and counting every such round.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dnsbl.h"
#include "zones.h"
#include "log.h"
#include "resolver.h"
#include "snapshot.h"

#define MAX_HEALTH 64

struct health {
	char zone[DNSBL_NAME_MAX + 1];
	int suspended;
	int missed;                    /* the last test got no answer */
	unsigned long missed_total;    /* tests that got no answer, since start */
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
	memset(&table[ntable], 0, sizeof(table[ntable]));
	snprintf(table[ntable].zone, sizeof(table[ntable].zone), "%s", zone);
	return &table[ntable++];
}

int dm_zone_suspended(const char *zone)
{
	struct dm_zone_health h;

	dm_zone_health(zone, &h);
	return h.suspended;
}

void dm_zone_health(const char *zone, struct dm_zone_health *out)
{
	struct health *h;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&lock);
	h = find(zone, 0);
	if (h != NULL) {
		out->suspended = h->suspended;
		out->untested = h->missed;
		out->untested_total = h->missed_total;
	}
	pthread_mutex_unlock(&lock);
}

/* Record one test's outcome and log what changed. next_s: seconds to the
 * next test of a zone that got no answer (0: none planned, as for -d). */
static void set_health(const char *zone, enum dnsbl_health t, const char *reason, unsigned next_s)
{
	struct health *h;
	int was, missed;

	pthread_mutex_lock(&lock);
	h = find(zone, 1);
	if (h == NULL) {
		pthread_mutex_unlock(&lock);
		return;
	}
	was = h->suspended;
	missed = h->missed;
	h->missed = t == DNSBL_UNTESTED;
	h->missed_total += t == DNSBL_UNTESTED;
	if (t != DNSBL_UNTESTED) {     /* no answer keeps what the last answer said */
		h->suspended = t == DNSBL_SUSPENDED;
		snprintf(h->reason, sizeof(h->reason), "%s", reason);
	}
	pthread_mutex_unlock(&lock);
	if (t == DNSBL_UNTESTED && next_s > 0)
		dm_log(LOG_WARNING, "dnsbl zone %s could not be tested: %s; %s, tested again in %u s", zone, reason,
		       was ? "still suspended" : "in use", next_s);
	else if (t == DNSBL_UNTESTED)
		dm_log(LOG_WARNING, "dnsbl zone %s could not be tested: %s; %s", zone, reason,
		       was ? "still suspended" : "in use");
	else if (t == DNSBL_SUSPENDED && !was)
		dm_log(LOG_WARNING, "dnsbl zone %s suspended: %s", zone, reason);
	else if (t == DNSBL_HEALTHY && was)
		dm_log(LOG_NOTICE, "dnsbl zone %s restored: self-test passed", zone);
	else if (t == DNSBL_HEALTHY && missed)
		dm_log(LOG_NOTICE, "dnsbl zone %s tested: self-test passed", zone);
}

/* Did the last test of this zone get no answer (or was there none yet)? */
static int wants_retest(const char *zone)
{
	struct health *h;
	int r;

	pthread_mutex_lock(&lock);
	h = find(zone, 0);
	r = h == NULL || h->missed;
	pthread_mutex_unlock(&lock);
	return r;
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

/* 1 if zone is one of cfg's domain lists ([dns] rhsbl_*). */
static int is_domain_list(const struct dm_config *cfg, const char *zone)
{
	size_t t, k;

	for (t = 0; t < DM_RHSBL_TARGETS; t++)
		for (k = 0; k < cfg->nrhsbl[t]; k++)
			if (strcmp(cfg->rhsbl[t][k].name, zone) == 0)
				return 1;
	return 0;
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
		keep = keep || (cfg != NULL && is_domain_list(cfg, table[i].zone));
		if (keep)
			table[k++] = table[i];
	}
	ntable = k;
	pthread_mutex_unlock(&lock);
}

/* Distinct zones of cfg (the table's limit applies) and how many of them
 * are suspended now. */
static size_t count_suspended(const struct dm_config *cfg, size_t *tested)
{
	size_t i, n = 0;

	*tested = 0;
	for (i = 0; i < cfg->nzones && i < MAX_HEALTH; i++) {
		if (first_of(cfg, i) != i)
			continue;
		(*tested)++;
		n += dm_zone_suspended(cfg->zones[i].name) != 0;
	}
	return n;
}

/* Every list suspended: the [dnsbl] checks do nothing. Said once when it
 * happens (and on -d), and once when it is over. */
static void warn_all_suspended(const struct dm_config *cfg, FILE *report)
{
	static int all_down;
	size_t tested, suspended = count_suspended(cfg, &tested);

	if (tested > 0 && suspended == tested) {
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

static void report_line(FILE *report, const char *zone, enum dnsbl_health h, const char *reason)
{
	if (report == NULL)
		return;
	if (h == DNSBL_HEALTHY)
		fprintf(report, "; zone %s: healthy\n", zone);
	else if (h == DNSBL_SUSPENDED)
		fprintf(report, "; zone %s: SUSPENDED: %s\n", zone, reason);
	else
		fprintf(report, "; zone %s: COULD NOT BE TESTED: %s (in use)\n", zone, reason);
}

/* Domain lists (RFC 5782 section 5): "test" listed, "invalid" not. One
 * probe pair per distinct zone name not already tested as an address list;
 * at most DM_RHSBL_TARGETS * DM_RHSBL_ZONES_MAX. */
struct dl_probe {
	const char *zone;
	int q[2];
};

static size_t domain_list_submit(const struct dm_config *cfg, struct dm_resolver *res, int retry_only,
                                 struct dl_probe *out)
{
	char q[DNSBL_QNAME_MAX];
	size_t t, k, j, n = 0;

	for (t = 0; t < DM_RHSBL_TARGETS; t++)
		for (k = 0; k < cfg->nrhsbl[t] && k < DM_RHSBL_ZONES_MAX; k++) {
			const char *zone = cfg->rhsbl[t][k].name;
			int seen = 0;

			for (j = 0; j < cfg->nzones && !seen; j++)
				seen = strcmp(cfg->zones[j].name, zone) == 0;
			for (j = 0; j < n && !seen; j++)
				seen = strcmp(out[j].zone, zone) == 0;
			if (seen || (retry_only && !wants_retest(zone)))
				continue;
			out[n].zone = zone;
			out[n].q[0] = dm_rhsbl_query_name(DNSBL_TEST_LISTED_NAME, zone, q, sizeof(q)) == 0 ?
			              dm_resolver_submit_flags(res, q, DM_DNS_A, DM_DNS_NOCACHE) : -1;
			out[n].q[1] = dm_rhsbl_query_name(DNSBL_TEST_UNLISTED_NAME, zone, q, sizeof(q)) == 0 ?
			              dm_resolver_submit_flags(res, q, DM_DNS_A, DM_DNS_NOCACHE) : -1;
			n++;
		}
	return n;
}

/* One round over cfg's zones (only those whose last test got no answer,
 * with retry_only). Returns how many got no answer again. */
static int zonecheck_round(const struct dm_config *cfg, FILE *report, int retry_only, unsigned next_s)
{
	struct dm_resolver *res;
	struct dm_addr t2, t1;
	char err[200], q[DNSBL_QNAME_MAX];
	int idx[MAX_HEALTH][2], missed = 0;
	size_t i, n = cfg->nzones < MAX_HEALTH ? cfg->nzones : MAX_HEALTH, ndl, t, ndomain = 0;
	struct dl_probe dl[DM_RHSBL_TARGETS * DM_RHSBL_ZONES_MAX];

	purge(cfg);
	for (t = 0; t < DM_RHSBL_TARGETS; t++)
		ndomain += cfg->nrhsbl[t];
	if (n == 0 && ndomain == 0)
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
		if (retry_only && !wants_retest(cfg->zones[i].name))
			continue;
		idx[i][0] = dnsbl_query_name(&t2, cfg->zones[i].name, q, sizeof(q)) == 0 ?
		            dm_resolver_submit_flags(res, q, DM_DNS_A, DM_DNS_NOCACHE) : -1;
		idx[i][1] = dnsbl_query_name(&t1, cfg->zones[i].name, q, sizeof(q)) == 0 ?
		            dm_resolver_submit_flags(res, q, DM_DNS_A, DM_DNS_NOCACHE) : -1;
	}
	ndl = domain_list_submit(cfg, res, retry_only, dl);
	dm_resolver_collect(res, dm_now_ms() + cfg->dns_timeout_ms);
	for (i = 0; i < ndl; i++) {
		struct dnsbl_probe p2, p1;
		char reason[160];
		enum dnsbl_health h;

		probe_of(dm_resolver_result(res, dl[i].q[0]), &p2);
		probe_of(dm_resolver_result(res, dl[i].q[1]), &p1);
		h = dnsbl_selftest_judge(&p2, &p1, reason, sizeof(reason));
		set_health(dl[i].zone, h, h == DNSBL_HEALTHY ? "" : reason, next_s);
		missed += h == DNSBL_UNTESTED;
		report_line(report, dl[i].zone, h, reason);
	}
	for (i = 0; i < n; i++) {
		struct dnsbl_probe p2, p1;
		char reason[160];
		enum dnsbl_health h;

		if (idx[i][0] < 0 && idx[i][1] < 0)
			continue;          /* not asked this round */
		probe_of(dm_resolver_result(res, idx[i][0]), &p2);
		probe_of(dm_resolver_result(res, idx[i][1]), &p1);
		h = dnsbl_selftest_judge(&p2, &p1, reason, sizeof(reason));
		set_health(cfg->zones[i].name, h, h == DNSBL_HEALTHY ? "" : reason, next_s);
		missed += h == DNSBL_UNTESTED;
		report_line(report, cfg->zones[i].name, h, reason);
	}
	dm_resolver_free(res);
	warn_all_suspended(cfg, report);
	return missed;
}

int dm_zonecheck_run(const struct dm_config *cfg, FILE *report)
{
	size_t tested;

	zonecheck_round(cfg, report, 0, 0);
	return (int)count_suspended(cfg, &tested);
}

int dm_zonecheck_round(const struct dm_config *cfg, int retry_only, unsigned next_s)
{
	if (cfg == NULL || cfg->selftest_interval == 0) {
		purge(NULL);      /* no self-test: no zone stays suspended */
		return 0;
	}
	return zonecheck_round(cfg, NULL, retry_only, next_s);
}

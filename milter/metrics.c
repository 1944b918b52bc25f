/*
 * metrics.c - the process's counters (see metrics.h): fixed arrays of
 * atomics that the callbacks add to, rows per policy and per spamd server
 * handed out when a configuration is installed, and the copy of it all
 * that filters/metrics/metrics_text.c renders for /metrics.
 *
 * Never: locks or allocates on a session's path; forgets a row (a policy
 * that leaves the configuration keeps its counts until the process ends,
 * so counters never go back).
 */
#include "dm_autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config_lint.h"
#include "dnscache.h"
#include "fdlimit.h"
#include "metrics.h"
#include "resolver.h"
#include "runtime.h"
#include "snapshot.h"
#include "zones.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "?"
#endif

#define ADD(x) __atomic_add_fetch(&(x), 1, __ATOMIC_RELAXED)
#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

struct ahist {
	unsigned long bucket[DM_HIST_BOUNDS_MAX + 1];
	long long sum;
};

struct prow {
	unsigned long rcpt[DM_MR_COUNT];
	unsigned long content[DM_MC_COUNT];
};

static unsigned long sessions[DM_MSESS_COUNT];
static unsigned long findings[DM_MF_COUNT];
static unsigned long messages[DM_MS_COUNT];
static struct ahist score;

/* Row 0 is "_other": policies past the cap, or never installed. Names are
 * written once, before the count that makes them visible. */
static struct prow prows[DM_METRICS_POLICIES_MAX];
static char pnames[DM_METRICS_POLICIES_MAX][256] = { "_other" };
static size_t npolicies = 1;

static char bnames[DM_METRICS_BACKENDS_MAX][SPAMD_NAME_MAX];
static struct ahist bdur[DM_METRICS_BACKENDS_MAX];
static size_t nbackends;

static double start_time;               /* set before any other thread reads it */
static long long last_reload_ms;         /* wall clock */
static int last_reload_ok = 1;
static unsigned long reloads_ok, reloads_failed;

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void observe(struct ahist *h, const long long *bounds, size_t n, long long v)
{
	ADD(h->bucket[dm_hist_bucket(bounds, n, v)]);
	__atomic_add_fetch(&h->sum, v, __ATOMIC_RELAXED);
}

static void hist_copy(const struct ahist *h, struct dm_hist *out)
{
	size_t i;

	for (i = 0; i <= DM_HIST_BOUNDS_MAX; i++)
		out->bucket[i] = LOAD(h->bucket[i]);
	out->sum = LOAD(h->sum);
}

/* ------------------------------------------------------------- rows */

static unsigned policy_row(const char *name)
{
	size_t i, n = npolicies;         /* only this thread adds rows */

	for (i = 1; i < n; i++)
		if (strcmp(pnames[i], name) == 0)
			return (unsigned)i;
	if (n == DM_METRICS_POLICIES_MAX)
		return 0;
	snprintf(pnames[n], sizeof(pnames[n]), "%s", name);
	__atomic_store_n(&npolicies, n + 1, __ATOMIC_RELEASE);
	return (unsigned)n;
}

static long backend_row(const char *name, int add)
{
	size_t i, n = __atomic_load_n(&nbackends, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++)
		if (strcmp(bnames[i], name) == 0)
			return (long)i;
	if (!add || n == DM_METRICS_BACKENDS_MAX)
		return -1;
	snprintf(bnames[n], sizeof(bnames[n]), "%s", name);
	__atomic_store_n(&nbackends, n + 1, __ATOMIC_RELEASE);
	return (long)n;
}

void dm_metrics_configure(const struct dm_config *cfg)
{
	size_t i;

	if (start_time == 0) {
		start_time = wall_now();
		__atomic_store_n(&last_reload_ms, (long long)(start_time * 1000.0), __ATOMIC_RELAXED);
	}
	if (cfg->def != NULL)
		cfg->def->stats_slot = policy_row(cfg->def->name);
	for (i = 0; i < cfg->npolicies; i++)
		cfg->policies[i]->stats_slot = policy_row(cfg->policies[i]->name);
	for (i = 0; i < cfg->nspamd; i++)
		backend_row(cfg->spamd[i].name, 1);
}

void dm_metrics_reloaded(int ok)
{
	/* a scrape in between may see the new result with the old time: harmless */
	__atomic_store_n(&last_reload_ok, ok, __ATOMIC_RELAXED);
	__atomic_store_n(&last_reload_ms, (long long)(wall_now() * 1000.0), __ATOMIC_RELAXED);
	if (ok)
		ADD(reloads_ok);
	else
		ADD(reloads_failed);
}

/* ---------------------------------------------------------- counting */

void dm_metrics_session(enum dm_m_session what)
{
	if ((unsigned)what < DM_MSESS_COUNT)
		ADD(sessions[what]);
}

void dm_metrics_findings(const struct dm_connstage *cs)
{
	int collected = cs->state == DM_CS_COLLECTED;
	unsigned bits = collected ? cs->findings.helo : cs->hr.findings;
	int i;

	for (i = 0; i < HELO_CHECK_COUNT; i++)
		if (bits & HELO_BIT(i))
			ADD(findings[i]);
	if (!collected)
		return;
	if (cs->findings.helo_dns_temp)
		ADD(findings[DM_MF_HELO_DNS_ERROR]);
	if (cs->listed[0] != '\0')
		ADD(findings[DM_MF_DNSBL]);
	if (cs->findings.rdns & (1u << DM_RDNS_NONE))
		ADD(findings[DM_MF_RDNS_NONE]);
	if (cs->findings.rdns & (1u << DM_RDNS_MISMATCH))
		ADD(findings[DM_MF_RDNS_MISMATCH]);
	if (cs->findings.rhsbl & (1u << DM_RHSBL_HELO))
		ADD(findings[DM_MF_RHSBL_HELO + DM_RHSBL_HELO]);
	if (cs->findings.rhsbl & (1u << DM_RHSBL_CLIENT))
		ADD(findings[DM_MF_RHSBL_HELO + DM_RHSBL_CLIENT]);
}

void dm_metrics_sender(const struct dm_connstage *cs)
{
	if (cs->findings.sender & (1u << DM_SENDER_NON_FQDN))
		ADD(findings[DM_MF_NON_FQDN_SENDER]);
	if (cs->findings.sender & (1u << DM_SENDER_UNKNOWN))
		ADD(findings[DM_MF_UNKNOWN_SENDER_DOMAIN]);
	if (cs->findings.sender & (1u << DM_SENDER_NULL_MX))
		ADD(findings[DM_MF_NULL_MX_SENDER]);
	if (cs->findings.sender_dns_temp)
		ADD(findings[DM_MF_SENDER_DNS_ERROR]);
	if (cs->findings.rhsbl & (1u << DM_RHSBL_SENDER))
		ADD(findings[DM_MF_RHSBL_HELO + DM_RHSBL_SENDER]);
}

static struct prow *row_of(const struct dm_policy *pol)
{
	unsigned s = pol != NULL ? pol->stats_slot : 0;

	return &prows[s < DM_METRICS_POLICIES_MAX ? s : 0];
}

void dm_metrics_rcpt(const struct dm_policy *pol, enum dm_rcpt_outcome o)
{
	if ((unsigned)o < DM_MR_COUNT)
		ADD(row_of(pol)->rcpt[o]);
}

void dm_metrics_skipped(void)
{
	ADD(messages[DM_MS_SKIPPED]);
}

void dm_metrics_content(const struct dm_policy *pol, enum dm_content_action a, const double *sc)
{
	if ((unsigned)a < DM_MC_COUNT)
		ADD(row_of(pol)->content[a]);
	if (sc == NULL) {
		ADD(messages[DM_MS_UNSCANNED]);
		return;
	}
	ADD(messages[DM_MS_SCANNED]);
	if (*sc > -1e12 && *sc < 1e12)      /* false for NaN */
		observe(&score, dm_score_bounds, DM_SCORE_BOUNDS, (long long)(*sc * 1000.0 + (*sc < 0 ? -0.5 : 0.5)));
}

void dm_metrics_spamd(const struct spamd_answer *a)
{
	long r = a->backend[0] != '\0' ? backend_row(a->backend, 0) : -1;

	if (r >= 0)
		observe(&bdur[r], dm_spamd_bounds, DM_SPAMD_BOUNDS, (long long)a->elapsed_ms);
}

/* ------------------------------------------------------------- a copy */

/* The distinct zone names of cfg (pointers into it). */
static size_t zones_of(const struct dm_config *cfg, struct dm_m_zone *out)
{
	struct dm_zone_health h;
	size_t i, j, n = 0;

	for (i = 0; i < cfg->nzones; i++) {
		for (j = 0; j < n && strcmp(out[j].name, cfg->zones[i].name) != 0; j++)
			;
		if (j < n)
			continue;
		dm_zone_health(cfg->zones[i].name, &h);
		out[n].name = cfg->zones[i].name;
		out[n].suspended = h.suspended;
		out[n].untested = h.untested;
		out[n].untested_total = h.untested_total;
		n++;
	}
	return n;
}

static size_t policies_copy(struct dm_m_policy *out)
{
	size_t i, k, o = 0, n = __atomic_load_n(&npolicies, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++) {
		unsigned long sum = 0;
		struct dm_m_policy *p = &out[o];

		p->name = pnames[i];
		for (k = 0; k < DM_MR_COUNT; k++)
			sum += p->rcpt[k] = LOAD(prows[i].rcpt[k]);
		for (k = 0; k < DM_MC_COUNT; k++)
			sum += p->content[k] = LOAD(prows[i].content[k]);
		if (i > 0 || sum > 0)          /* "_other" only once it counted something */
			o++;
	}
	return o;
}

static void lint_quiet(void *user, const char *text)
{
	(void)user;
	(void)text;              /* counted only: the log and doorman -n say them */
}

static size_t backends_copy(struct dm_m_backend *out)
{
	struct spamd_backend_stats st[SPAMD_BACKENDS_MAX];
	struct spamd_pool *pool = dm_spamd_pool();
	size_t i, n = pool ? spamd_pool_stats(pool, st, SPAMD_BACKENDS_MAX) : 0;

	if (n > SPAMD_BACKENDS_MAX)
		n = SPAMD_BACKENDS_MAX;
	for (i = 0; i < n; i++) {
		long r = backend_row(st[i].name, 0);
		long k = r >= 0 ? r : 0;

		out[i].name = r >= 0 ? bnames[k] : "?";
		out[i].in_flight = st[i].in_flight;
		out[i].requests = st[i].requests;
		out[i].failures = st[i].failures;
		out[i].backing_off = st[i].backoff_left_ms > 0;
		out[i].gtube_failed = st[i].unusable != 0;
		memset(&out[i].duration, 0, sizeof(out[i].duration));
		if (r >= 0)
			hist_copy(&bdur[r], &out[i].duration);
	}
	return n;
}

static char *render(const struct dm_metrics *s, size_t *len)
{
	size_t cap = 32768, need;
	char *buf = malloc(cap);

	if (buf == NULL)
		return NULL;
	need = dm_metrics_render(s, buf, cap);
	if (need >= cap) {
		free(buf);
		cap = need + 1;
		buf = malloc(cap);
		if (buf == NULL)
			return NULL;
		need = dm_metrics_render(s, buf, cap);
	}
	*len = need < cap ? need : cap - 1;
	return buf;
}

char *dm_metrics_text(size_t *len)
{
	struct dm_metrics s;
	struct dm_m_backend backends[SPAMD_BACKENDS_MAX];
	struct dm_m_zone zones[DM_MAX_ZONES];
	struct dm_m_policy *pols = calloc(DM_METRICS_POLICIES_MAX, sizeof(*pols));
	struct dm_config *cfg = dm_snapshot_pin();
	struct dm_dnscache *cache = dm_dns_cache();
	size_t i;
	char *text = NULL;

	memset(&s, 0, sizeof(s));
	if (pols == NULL)
		goto out;
	s.version = PACKAGE_VERSION;
	s.start_time = start_time;
	s.stopping = dm_runtime_stopping();
	s.sessions_open = dm_sessions_open();
	s.sessions = LOAD(sessions[DM_MSESS_OPENED]);
	s.sessions_trusted = LOAD(sessions[DM_MSESS_TRUSTED]);
	s.sessions_refused = LOAD(sessions[DM_MSESS_REFUSED]);
	for (i = 0; i < DM_MF_COUNT; i++)
		s.findings[i] = LOAD(findings[i]);
	s.policies = pols;
	s.npolicies = policies_copy(pols);
	for (i = 0; i < DM_MS_COUNT; i++)
		s.messages[i] = LOAD(messages[i]);
	hist_copy(&score, &s.score);
	s.backends = backends;
	s.nbackends = backends_copy(backends);
	dm_resolver_stats(&s.dns);
	if (cache != NULL) {
		s.have_cache = 1;
		dm_dnscache_stats(cache, &s.cache);
	}
	s.zones = zones;
	s.nzones = cfg != NULL ? zones_of(cfg, zones) : 0;
	s.fd_limit = dm_fd_limit();
	s.fd_in_use = dm_fd_in_use();
	s.fd_shortages[DM_FD_DNS] = dm_fd_shortages(DM_FD_DNS);
	s.fd_shortages[DM_FD_SPAMD] = dm_fd_shortages(DM_FD_SPAMD);
	s.generation = cfg != NULL ? cfg->generation : 0;
	s.domain_policies = cfg != NULL ? cfg->npolicies : 0;
	s.config_warnings = cfg != NULL ? (unsigned)dm_config_lint(cfg, lint_quiet, NULL) : 0;
	s.last_reload_ok = __atomic_load_n(&last_reload_ok, __ATOMIC_RELAXED);
	s.last_reload_time = (double)__atomic_load_n(&last_reload_ms, __ATOMIC_RELAXED) / 1000.0;
	s.reloads_ok = LOAD(reloads_ok);
	s.reloads_failed = LOAD(reloads_failed);
	text = render(&s, len);
out:
	dm_snapshot_unpin(cfg);
	free(pols);
	return text;
}

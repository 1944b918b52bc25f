/*
 * metrics_text.c - the snapshot of doorman's counters as Prometheus text
 * exposition format 0.0.4 (see metrics_text.h).
 *
 * Does: one HELP and one TYPE line per metric, then its samples, in a
 * fixed order; label values come from fixed tables or from names the
 * configuration gave (policies, spamd servers, zones), escaped.
 * Never: allocates, reads a counter itself, or writes past len.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "metrics_text.h"

const long long dm_score_bounds[DM_SCORE_BOUNDS] = { -5000, 0, 2000, 5000, 8000, 12000, 20000, 50000 };
const long long dm_spamd_bounds[DM_SPAMD_BOUNDS] = { 50, 100, 250, 500, 1000, 2500, 5000, 10000, 20000,
                                                     30000, 60000 };

size_t dm_hist_bucket(const long long *bounds, size_t n, long long v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v <= bounds[i])
			return i;
	return n;
}

/* In enum helo_check's order, then the rest (check_metrics compares these
 * with "helo_" + helo_check_name()). */
static const char *const finding_names[DM_MF_COUNT] = {
	"helo_invalid", "helo_localhost", "helo_forged", "helo_bare_ip", "helo_literal_mismatch",
	"helo_non_fqdn", "helo_unknown", "helo_dns_error", "dnsbl", "rdns_none", "rdns_mismatch",
	"non_fqdn_sender", "unknown_sender_domain", "null_mx_sender", "sender_dns_error",
	"rhsbl_helo", "rhsbl_client", "rhsbl_sender",
};
_Static_assert(HELO_CHECK_COUNT == 7, "a HELO check was added: name it in finding_names[]");

const char *dm_metrics_finding_name(int i)
{
	return i >= 0 && i < DM_MF_COUNT ? finding_names[i] : "?";
}

const char *dm_metrics_rcpt_name(enum dm_rcpt_outcome o)
{
	static const char *const names[DM_MR_COUNT] = {
		[DM_RCPT_ACCEPT] = "pass", [DM_RCPT_SHADOW] = "shadow", [DM_RCPT_EXEMPT] = "exempt",
		[DM_RCPT_AUTH] = "auth", [DM_RCPT_REJECT] = "reject", [DM_RCPT_DEFER] = "defer",
		[DM_RCPT_SPLIT] = "split",
	};

	return (unsigned)o < DM_MR_COUNT ? names[o] : "?";
}

const char *dm_metrics_scan_name(enum dm_m_scan s)
{
	static const char *const names[DM_MS_COUNT] = { "scanned", "unscanned", "skipped" };

	return (unsigned)s < DM_MS_COUNT ? names[s] : "?";
}

/* ------------------------------------------------------------- output */

struct out {
	char *buf;
	size_t len, n;          /* n: bytes the whole text needs so far */
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(o->n < o->len ? o->buf + o->n : NULL, o->n < o->len ? o->len - o->n : 0, fmt, ap);
	va_end(ap);
	if (w > 0)
		o->n += (size_t)w;
}

/* n bytes as they are. */
static void put_raw(struct out *o, const char *s, size_t n)
{
	if (o->n < o->len) {
		size_t room = o->len - o->n - 1, k = n < room ? n : room;
		memcpy(o->buf + o->n, s, k);
		o->buf[o->n + k] = '\0';
	}
	o->n += n;
}

/* A label value: backslash, double quote and newline escaped; the runs in
 * between copied whole (a scrape renders thousands of them). */
static void put_value(struct out *o, const char *v)
{
	while (*v) {
		size_t run = strcspn(v, "\\\"\n");

		put_raw(o, v, run);
		v += run;
		if (*v == '\0')
			break;
		put_raw(o, *v == '\\' ? "\\\\" : *v == '"' ? "\\\"" : "\\n", 2);
		v++;
	}
}

static void family(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{k="v"} value; k NULL: no label. */
static void sample(struct out *o, const char *name, const char *k, const char *v, unsigned long n)
{
	put(o, "%s", name);
	if (k != NULL) {
		put(o, "{%s=\"", k);
		put_value(o, v);
		put(o, "\"}");
	}
	put(o, " %lu\n", n);
}

static void one(struct out *o, const char *name, const char *type, const char *help, unsigned long n)
{
	family(o, name, type, help);
	sample(o, name, NULL, NULL, n);
}

/* A histogram's samples for one label set (k NULL: none), in seconds or
 * plain units: bounds and sum are thousandths. _count is the +Inf bucket,
 * so that they agree even when a value was added while copying. */
static void hist(struct out *o, const char *name, const char *k, const char *v, const struct dm_hist *h,
                 const long long *bounds, size_t nb)
{
	unsigned long cum = 0;
	size_t i;

	for (i = 0; i <= nb; i++) {
		cum += h->bucket[i];
		put(o, "%s_bucket{", name);
		if (k != NULL) {
			put(o, "%s=\"", k);
			put_value(o, v);
			put(o, "\",");
		}
		if (i < nb)
			put(o, "le=\"%g\"} %lu\n", (double)bounds[i] / 1000.0, cum);
		else
			put(o, "le=\"+Inf\"} %lu\n", cum);
	}
	put(o, "%s_sum", name);
	if (k != NULL) {
		put(o, "{%s=\"", k);
		put_value(o, v);
		put(o, "\"}");
	}
	put(o, " %.3f\n", (double)h->sum / 1000.0);
	put(o, "%s_count", name);
	if (k != NULL) {
		put(o, "{%s=\"", k);
		put_value(o, v);
		put(o, "\"}");
	}
	put(o, " %lu\n", cum);
}

/* ------------------------------------------------------------ families */

static void sessions(struct out *o, const struct dm_metrics *s)
{
	family(o, "doorman_build_info", "gauge", "Always 1; the label says which doorman runs.");
	put(o, "doorman_build_info{version=\"");
	put_value(o, s->version ? s->version : "");
	put(o, "\"} 1\n");
	family(o, "doorman_start_time_seconds", "gauge", "When doorman started, in seconds since the epoch.");
	put(o, "doorman_start_time_seconds %.3f\n", s->start_time);
	one(o, "doorman_stopping", "gauge", "1 while doorman stops (new sessions are deferred), else 0.",
	    (unsigned long)(s->stopping != 0));
	one(o, "doorman_sessions_open", "gauge", "MTA sessions open now (CONNECT to close).", s->sessions_open);
	one(o, "doorman_sessions_total", "counter", "MTA sessions opened (trusted clients included).", s->sessions);
	one(o, "doorman_sessions_trusted_total", "counter",
	    "Sessions of clients in trusted_networks (accepted at connect, not checked).", s->sessions_trusted);
	one(o, "doorman_sessions_refused_total", "counter",
	    "Sessions refused at connect while doorman was stopping.", s->sessions_refused);
}

static void findings(struct out *o, const struct dm_metrics *s)
{
	int i;

	family(o, "doorman_findings_total", "counter",
	       "Sessions closed with this finding about the client (the close line's findings=, dnsbl: "
	       "a blocklist zone listed it).");
	for (i = 0; i < DM_MF_COUNT; i++)
		sample(o, "doorman_findings_total", "check", dm_metrics_finding_name(i), s->findings[i]);
}

static void per_policy(struct out *o, const struct dm_metrics *s)
{
	size_t i;
	int a;

	family(o, "doorman_rcpt_verdicts_total", "counter",
	       "Recipients by what doorman did at RCPT, under the recipient's policy.");
	for (i = 0; i < s->npolicies; i++)
		for (a = 0; a < DM_MR_COUNT; a++) {
			put(o, "doorman_rcpt_verdicts_total{policy=\"");
			put_value(o, s->policies[i].name);
			put(o, "\",action=\"%s\"} %lu\n", dm_metrics_rcpt_name((enum dm_rcpt_outcome)a),
			    s->policies[i].rcpt[a]);
		}
	family(o, "doorman_messages_total", "counter",
	       "Messages at end of data: scanned by spamd, unscanned (spamd gave no verdict) or skipped "
	       "(not to be scanned).");
	for (a = 0; a < DM_MS_COUNT; a++)
		sample(o, "doorman_messages_total", "scan", dm_metrics_scan_name((enum dm_m_scan)a), s->messages[a]);
	family(o, "doorman_content_verdicts_total", "counter",
	       "Messages by what the content stage did, under the message's policy.");
	for (i = 0; i < s->npolicies; i++)
		for (a = 0; a < DM_MC_COUNT; a++) {
			put(o, "doorman_content_verdicts_total{policy=\"");
			put_value(o, s->policies[i].name);
			put(o, "\",action=\"%s\"} %lu\n", dm_content_action_name((enum dm_content_action)a),
			    s->policies[i].content[a]);
		}
	family(o, "doorman_spam_score", "histogram", "spamd's scores of the messages it scanned.");
	hist(o, "doorman_spam_score", NULL, NULL, &s->score, dm_score_bounds, DM_SCORE_BOUNDS);
}

static void spamd(struct out *o, const struct dm_metrics *s)
{
	size_t i;

	family(o, "doorman_spamd_in_flight", "gauge", "Messages being scanned by this spamd server now.");
	for (i = 0; i < s->nbackends; i++)
		sample(o, "doorman_spamd_in_flight", "backend", s->backends[i].name, s->backends[i].in_flight);
	family(o, "doorman_spamd_requests_total", "counter", "Times this spamd server was picked (connect attempts).");
	for (i = 0; i < s->nbackends; i++)
		sample(o, "doorman_spamd_requests_total", "backend", s->backends[i].name, s->backends[i].requests);
	family(o, "doorman_spamd_failures_total", "counter",
	       "Connect failures and answers that were no verdict, per spamd server.");
	for (i = 0; i < s->nbackends; i++)
		sample(o, "doorman_spamd_failures_total", "backend", s->backends[i].name, s->backends[i].failures);
	family(o, "doorman_spamd_backing_off", "gauge", "1 while this spamd server is skipped after failures, else 0.");
	for (i = 0; i < s->nbackends; i++)
		sample(o, "doorman_spamd_backing_off", "backend", s->backends[i].name,
		       (unsigned long)(s->backends[i].backing_off != 0));
	family(o, "doorman_spamd_gtube_failed", "gauge",
	       "1 while this spamd server is out of use: it did not flag GTUBE in its last self-test.");
	for (i = 0; i < s->nbackends; i++)
		sample(o, "doorman_spamd_gtube_failed", "backend", s->backends[i].name,
		       (unsigned long)(s->backends[i].gtube_failed != 0));
	family(o, "doorman_spamd_duration_seconds", "histogram",
	       "Scans from the start to the verdict or failure (the log's spamd_ms), per spamd server.");
	for (i = 0; i < s->nbackends; i++)
		hist(o, "doorman_spamd_duration_seconds", "backend", s->backends[i].name, &s->backends[i].duration,
		     dm_spamd_bounds, DM_SPAMD_BOUNDS);
}

static void dns(struct out *o, const struct dm_metrics *s)
{
	size_t i;

	one(o, "doorman_dns_queries_total", "counter", "DNS queries sessions and self-tests asked for.", s->dns.submitted);
	one(o, "doorman_dns_sent_total", "counter", "DNS questions sent to a server.", s->dns.sent);
	one(o, "doorman_dns_cache_hits_total", "counter", "DNS queries answered from the cache.", s->dns.cache_hits);
	one(o, "doorman_dns_joined_total", "counter",
	    "DNS queries that joined the same question already in flight.", s->dns.joined);
	family(o, "doorman_dns_answers_total", "counter", "Outcomes of DNS questions sent.");
	sample(o, "doorman_dns_answers_total", "outcome", "answer", s->dns.answers);
	sample(o, "doorman_dns_answers_total", "outcome", "notfound", s->dns.notfound);
	sample(o, "doorman_dns_answers_total", "outcome", "error", s->dns.errors);
	one(o, "doorman_dns_timeouts_total", "counter", "DNS queries a session gave up at its deadline.", s->dns.timeouts);
	one(o, "doorman_dns_in_flight", "gauge", "DNS questions waiting for a server now.", s->dns.in_flight);
	if (s->have_cache) {
		one(o, "doorman_dns_cache_entries", "gauge", "Entries in the DNS cache now.", s->cache.entries);
		one(o, "doorman_dns_cache_max_entries", "gauge", "The DNS cache's size ([dns] cache_size).",
		    s->cache.max_entries);
		one(o, "doorman_dns_cache_evictions_total", "counter",
		    "DNS cache entries dropped to make room.", s->cache.evictions);
	}
	family(o, "doorman_dnsbl_zone_suspended", "gauge",
	       "1 while the self-test has this DNS list suspended, else 0.");
	for (i = 0; i < s->nzones; i++)
		sample(o, "doorman_dnsbl_zone_suspended", "zone", s->zones[i].name,
		       (unsigned long)(s->zones[i].suspended != 0));
	family(o, "doorman_dnsbl_zone_untested", "gauge",
	       "1 while this DNS list's last self-test got no answer (the list stays in use), else 0.");
	for (i = 0; i < s->nzones; i++)
		sample(o, "doorman_dnsbl_zone_untested", "zone", s->zones[i].name,
		       (unsigned long)(s->zones[i].untested != 0));
	family(o, "doorman_dnsbl_zone_untested_total", "counter",
	       "Self-tests of this DNS list that got no answer.");
	for (i = 0; i < s->nzones; i++)
		sample(o, "doorman_dnsbl_zone_untested_total", "zone", s->zones[i].name,
		       s->zones[i].untested_total);
}

static void process(struct out *o, const struct dm_metrics *s)
{
	one(o, "doorman_fd_limit", "gauge", "The soft limit of open files.", s->fd_limit);
	if (s->fd_in_use >= 0)
		one(o, "doorman_fds_open", "gauge", "Open file descriptors now.", (unsigned long)s->fd_in_use);
	family(o, "doorman_fd_shortages_total", "counter",
	       "DNS or spamd sockets that could not be opened for lack of a descriptor.");
	sample(o, "doorman_fd_shortages_total", "user", "dns", s->fd_shortages[DM_FD_DNS]);
	sample(o, "doorman_fd_shortages_total", "user", "spamd", s->fd_shortages[DM_FD_SPAMD]);
	one(o, "doorman_config_generation", "gauge",
	    "The generation of the configuration in use (1 at start, one more per configuration loaded).",
	    s->generation);
	one(o, "doorman_config_domain_policies", "gauge", "Domain policies in the configuration in use.",
	    (unsigned long)s->domain_policies);
	one(o, "doorman_config_warnings", "gauge",
	    "Checks on in a policy that cannot act with the configuration in use ([dnsbl] with no zones, "
	    "[spam] with no spamd servers); doorman -n names them.", (unsigned long)s->config_warnings);
	one(o, "doorman_config_last_reload_successful", "gauge",
	    "1 if the last reload (or the start) loaded the configuration, 0 if it kept the old one.",
	    (unsigned long)(s->last_reload_ok != 0));
	family(o, "doorman_config_last_reload_timestamp_seconds", "gauge",
	       "When the last reload was tried (or doorman started), in seconds since the epoch.");
	put(o, "doorman_config_last_reload_timestamp_seconds %.3f\n", s->last_reload_time);
	family(o, "doorman_config_reloads_total", "counter", "Reloads (SIGUSR1) by result.");
	sample(o, "doorman_config_reloads_total", "result", "ok", s->reloads_ok);
	sample(o, "doorman_config_reloads_total", "result", "failed", s->reloads_failed);
}

size_t dm_metrics_render(const struct dm_metrics *s, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	if (len > 0)
		buf[0] = '\0';
	sessions(&o, s);
	findings(&o, s);
	per_policy(&o, s);
	spamd(&o, s);
	dns(&o, s);
	process(&o, s);
	return o.n;
}

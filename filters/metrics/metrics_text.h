/*
 * metrics_text.h - doorman's live numbers as Prometheus text (exposition
 * format 0.0.4): the fixed tables of label values, a snapshot of every
 * counter, and the one renderer. The HTTP listener serves what it renders,
 * and doorman -s reads it back from there.
 *
 * Pure: the milter (milter/metrics.c) fills a snapshot, dm_metrics_render
 * turns it into text. Nothing here counts, locks or allocates.
 */
#ifndef DOORMAN_METRICS_TEXT_H
#define DOORMAN_METRICS_TEXT_H

#include <stddef.h>

#include "dnscache.h"
#include "fdlimit.h"
#include "helo.h"
#include "resolver.h"
#include "verdict.h"

/* Findings (label check=), named as in the log's check=: one per HELO
 * check (enum helo_check order), then the HELO lookup's temporary failure,
 * a listing by a blocklist zone, and the two rDNS findings. */
#define DM_MF_HELO_DNS_ERROR HELO_CHECK_COUNT
#define DM_MF_DNSBL (HELO_CHECK_COUNT + 1)
#define DM_MF_RDNS_NONE (HELO_CHECK_COUNT + 2)
#define DM_MF_RDNS_MISMATCH (HELO_CHECK_COUNT + 3)
#define DM_MF_NON_FQDN_SENDER (HELO_CHECK_COUNT + 4)
#define DM_MF_UNKNOWN_SENDER_DOMAIN (HELO_CHECK_COUNT + 5)
#define DM_MF_NULL_MX_SENDER (HELO_CHECK_COUNT + 6)
#define DM_MF_SENDER_DNS_ERROR (HELO_CHECK_COUNT + 7)
#define DM_MF_RHSBL_HELO (HELO_CHECK_COUNT + 8)   /* + enum dm_rhsbl_target */
#define DM_MF_COUNT (HELO_CHECK_COUNT + 8 + DM_RHSBL_TARGETS)
const char *dm_metrics_finding_name(int i);       /* "helo_non_fqdn", "dnsbl" ... */

/* What became of a recipient (label action=), indexed by enum
 * dm_rcpt_outcome: pass, shadow, exempt, auth, reject, defer, split. */
#define DM_MR_COUNT (DM_RCPT_SPLIT + 1)
const char *dm_metrics_rcpt_name(enum dm_rcpt_outcome o);

/* Content verdicts (label action=), indexed by enum dm_content_action:
 * pass, tag, quarantine, reject, unscanned, tempfail. */
#define DM_MC_COUNT (DM_CONTENT_TEMPFAIL + 1)

/* Messages at end of data (label scan=). */
enum dm_m_scan { DM_MS_SCANNED = 0, DM_MS_UNSCANNED, DM_MS_SKIPPED, DM_MS_COUNT };
const char *dm_metrics_scan_name(enum dm_m_scan s);   /* "scanned", "unscanned", "skipped" */

/* A histogram over values in thousandths (a score of 7.2 is 7200, 142 ms
 * is 142 for a histogram in seconds). bucket[i] counts the values <= the
 * i-th bound and above the one before it (not cumulative); bucket[nbounds]
 * the rest (+Inf). */
#define DM_HIST_BOUNDS_MAX 12
struct dm_hist {
	unsigned long bucket[DM_HIST_BOUNDS_MAX + 1];
	long long sum;                     /* thousandths */
};
/* The bounds, in thousandths: spam scores -5, 0, 2, 5, 8, 12, 20, 50;
 * spamd durations 0.05 s to 60 s. */
#define DM_SCORE_BOUNDS 8
#define DM_SPAMD_BOUNDS 11
extern const long long dm_score_bounds[DM_SCORE_BOUNDS];
extern const long long dm_spamd_bounds[DM_SPAMD_BOUNDS];
/* The bucket a value (thousandths) falls into: 0..n. */
size_t dm_hist_bucket(const long long *bounds, size_t n, long long v);

struct dm_m_policy {
	const char *name;                  /* "default", a domain, or "_other" */
	unsigned long rcpt[DM_MR_COUNT];
	unsigned long content[DM_MC_COUNT];
};

struct dm_m_backend {
	const char *name;                  /* "unix:/run/spamd.sock", "127.0.0.1:783" */
	unsigned in_flight;
	unsigned long requests, failures;
	int backing_off;
	int gtube_failed;                  /* out of use: failed its GTUBE self-test */
	struct dm_hist duration;           /* spamd_begin to spamd_end, ms */
};

struct dm_m_zone {
	const char *name;
	int suspended;
	int untested;                  /* its last self-test got no answer */
	unsigned long untested_total;  /* self-tests of it that got no answer */
};

/* Everything /metrics shows, copied at one moment. */
struct dm_metrics {
	const char *version;
	double start_time;                 /* unix seconds */
	int stopping;
	unsigned long sessions_open, sessions, sessions_trusted, sessions_refused;
	unsigned long findings[DM_MF_COUNT];
	const struct dm_m_policy *policies;
	size_t npolicies;
	unsigned long messages[DM_MS_COUNT];
	struct dm_hist score;
	const struct dm_m_backend *backends;
	size_t nbackends;
	struct dm_dns_stats dns;
	int have_cache;
	struct dm_dnscache_stats cache;
	const struct dm_m_zone *zones;
	size_t nzones;
	unsigned long fd_limit;
	long fd_in_use;                    /* -1: unknown (not shown) */
	unsigned long fd_shortages[DM_FD_USERS];
	unsigned long generation;
	size_t domain_policies;
	unsigned config_warnings;          /* dm_config_lint: checks on that cannot act */
	int last_reload_ok;
	double last_reload_time;           /* unix seconds: the last reload, or the start */
	unsigned long reloads_ok, reloads_failed;
};

/* Render s as exposition text into buf (at most len bytes, NUL-terminated
 * when len > 0). Returns the length of the whole text, as snprintf does:
 * when it is >= len, render again into a larger buffer. Every metric
 * has HELP and TYPE lines; counters end in _total; label values are
 * escaped. */
size_t dm_metrics_render(const struct dm_metrics *s, char *buf, size_t len);

#endif

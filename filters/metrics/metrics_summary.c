/*
 * metrics_summary.c - doorman -s: sessions, findings, verdicts per policy,
 * messages, spamd, DNS, zones, descriptors and the configuration, as a few
 * lines and tables (see metrics_summary.h).
 *
 * Does: read the metric names metrics_text.c writes, by name and label; a
 * policy row appears once something happened under that policy (default
 * always). Never: invents a number that is not in the text.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_summary.h"

#define MAX_ROWS 1024

static const char *const rcpt_actions[] = { "pass", "shadow", "exempt", "auth", "reject", "defer", "split" };
static const char *const content_actions[] = { "pass", "tag", "quarantine", "reject", "unscanned", "tempfail" };
#define N(a) (sizeof(a) / sizeof((a)[0]))

static double get(const struct dm_expo *e, const char *name, const char *labels, int *found)
{
	double v = 0;

	*found = dm_expo_get(e, name, labels, &v);
	return v;
}

static void uptime(const struct dm_expo *e, time_t now, FILE *out)
{
	const char *ver[1] = { "?" };
	double start, gen, pol, ok, rok, rfail, warn;
	int f1, f2, f3, f4;
	long up;

	dm_expo_label_values(e, "doorman_build_info", "version", ver, 1);
	start = get(e, "doorman_start_time_seconds", NULL, &f1);
	fprintf(out, "doorman %s", ver[0]);
	if (f1 && (double)now >= start) {
		up = (long)((double)now - start);
		if (up >= 86400)
			fprintf(out, ", up %ldd %02ldh %02ldm", up / 86400, up % 86400 / 3600, up % 3600 / 60);
		else
			fprintf(out, ", up %ldh %02ldm %02lds", up / 3600, up % 3600 / 60, up % 60);
	}
	if (get(e, "doorman_stopping", NULL, &f2) > 0 && f2)
		fprintf(out, ", STOPPING");
	fputc('\n', out);
	gen = get(e, "doorman_config_generation", NULL, &f1);
	pol = get(e, "doorman_config_domain_policies", NULL, &f2);
	ok = get(e, "doorman_config_last_reload_successful", NULL, &f3);
	rok = get(e, "doorman_config_reloads_total", "result=ok", &f4);
	rfail = get(e, "doorman_config_reloads_total", "result=failed", &f4);
	if (f1)
		fprintf(out, "configuration: generation %.0f", gen);
	if (f1 && f2)
		fprintf(out, ", %.0f domain policies", pol);
	if (f1 && f3)
		fprintf(out, "; last reload %s", ok > 0 ? "ok" : "FAILED (the previous configuration is in use)");
	if (f1 && f4)
		fprintf(out, "; reloads: %.0f ok, %.0f failed", rok, rfail);
	if (f1)
		fputc('\n', out);
	warn = get(e, "doorman_config_warnings", NULL, &f2);
	if (f1 && f2 && warn > 0)
		fprintf(out, "configuration: %.0f WARNING%s: checks that are on but cannot act (doorman -n names them)\n",
		        warn, warn == 1 ? "" : "S");
}

static void sessions(const struct dm_expo *e, FILE *out)
{
	int f1, f2, f3, f4;
	double open = get(e, "doorman_sessions_open", NULL, &f1);
	double total = get(e, "doorman_sessions_total", NULL, &f2);
	double trusted = get(e, "doorman_sessions_trusted_total", NULL, &f3);
	double refused = get(e, "doorman_sessions_refused_total", NULL, &f4);
	const char *checks[64];
	size_t i, n;
	int any = 0;

	if (f1 && f2)
		fprintf(out, "sessions: %.0f open, %.0f since start (%.0f trusted, %.0f refused while stopping)\n",
		        open, total, f3 ? trusted : 0, f4 ? refused : 0);
	n = dm_expo_label_values(e, "doorman_findings_total", "check", checks, N(checks));
	if (n == 0)
		return;
	fprintf(out, "findings:");
	for (i = 0; i < n; i++) {
		char l[160];
		double v;
		snprintf(l, sizeof(l), "check=%s", checks[i]);
		v = dm_expo_sum(e, "doorman_findings_total", l);
		if (v > 0) {
			fprintf(out, "%s %s %.0f", any ? "," : "", checks[i], v);
			any = 1;
		}
	}
	fprintf(out, "%s\n", any ? "" : " none");
}

static const char *label_of(const struct dm_expo_sample *s, const char *name)
{
	const char *k, *v;
	size_t i;

	for (i = 0; i < s->nlabels; i++) {
		dm_expo_label(s, i, &k, &v);
		if (strcmp(k, name) == 0)
			return v;
	}
	return NULL;
}

/* Each sample of metric added to its cell (policy row, action column):
 * one pass over the text, however many policies. */
static void cells_of(const struct dm_expo *e, const char *metric, const char *const *pols, size_t n,
                     const char *const *actions, size_t nactions, double *cells)
{
	size_t i, p = 0, a;

	for (i = 0; i < e->n; i++) {
		const struct dm_expo_sample *s = &e->samples[i];
		const char *pol, *act;
		if (strcmp(dm_expo_name(s), metric) != 0 || (pol = label_of(s, "policy")) == NULL ||
		    (act = label_of(s, "action")) == NULL)
			continue;
		if (p >= n || strcmp(pols[p], pol) != 0)       /* samples come grouped by policy */
			for (p = 0; p < n && strcmp(pols[p], pol) != 0; p++)
				;
		for (a = 0; a < nactions && strcmp(actions[a], act) != 0; a++)
			;
		if (p < n && a < nactions)
			cells[p * nactions + a] += s->value;
	}
}

/* One table: a row per policy that has a count (default always), a
 * column per action, and a total row. */
static void table(const struct dm_expo *e, FILE *out, const char *title, const char *metric,
                  const char *const *actions, size_t nactions)
{
	const char *pols[MAX_ROWS];
	size_t i, a, n = dm_expo_label_values(e, metric, "policy", pols, MAX_ROWS);
	double total[8] = { 0 }, *cells;
	int shown = 0;

	if (n == 0 || (cells = calloc(n * nactions, sizeof(double))) == NULL)
		return;
	cells_of(e, metric, pols, n, actions, nactions, cells);
	fprintf(out, "%-22s", title);
	for (a = 0; a < nactions; a++)
		fprintf(out, " %10s", actions[a]);
	fputc('\n', out);
	for (i = 0; i < n; i++) {
		const double *row = cells + i * nactions;
		double sum = 0;

		for (a = 0; a < nactions; a++) {
			sum += row[a];
			total[a] += row[a];
		}
		if (sum == 0 && strcmp(pols[i], "default") != 0)
			continue;
		shown++;
		fprintf(out, "  %-20.60s", pols[i]);
		for (a = 0; a < nactions; a++)
			fprintf(out, " %10.0f", row[a]);
		fputc('\n', out);
	}
	if (shown > 1) {
		fprintf(out, "  %-20s", "(all policies)");
		for (a = 0; a < nactions; a++)
			fprintf(out, " %10.0f", total[a]);
		fputc('\n', out);
	}
	free(cells);
}

static void messages(const struct dm_expo *e, FILE *out)
{
	int f1, f2, f3, f4;
	double sc = get(e, "doorman_messages_total", "scan=scanned", &f1);
	double un = get(e, "doorman_messages_total", "scan=unscanned", &f2);
	double sk = get(e, "doorman_messages_total", "scan=skipped", &f3);
	double cnt = get(e, "doorman_spam_score_count", NULL, &f4);
	double sum = get(e, "doorman_spam_score_sum", NULL, &f4);
	double le5 = get(e, "doorman_spam_score_bucket", "le=5", &f1);

	if (f1 && f2 && f3)
		fprintf(out, "messages: %.0f scanned, %.0f unscanned (spamd gave no verdict), %.0f skipped\n", sc, un, sk);
	if (f4 && cnt > 0)
		fprintf(out, "spam scores: mean %.1f; %.0f at most 5, %.0f above\n", sum / cnt, le5, cnt - le5);
}

static void spamd(const struct dm_expo *e, FILE *out)
{
	const char *b[64];
	size_t i, n = dm_expo_label_values(e, "doorman_spamd_requests_total", "backend", b, N(b));
	char l[200];
	int f;

	if (n == 0)
		return;
	fprintf(out, "%-34s %9s %9s %9s %8s %8s\n", "spamd", "in flight", "requests", "failures", "backoff", "mean s");
	for (i = 0; i < n; i++) {
		double cnt, sum;
		snprintf(l, sizeof(l), "backend=%s", b[i]);
		cnt = get(e, "doorman_spamd_duration_seconds_count", l, &f);
		sum = get(e, "doorman_spamd_duration_seconds_sum", l, &f);
		fprintf(out, "  %-32.100s %9.0f %9.0f %9.0f %8s", b[i], dm_expo_sum(e, "doorman_spamd_in_flight", l),
		        dm_expo_sum(e, "doorman_spamd_requests_total", l), dm_expo_sum(e, "doorman_spamd_failures_total", l),
		        dm_expo_sum(e, "doorman_spamd_gtube_failed", l) > 0 ? "GTUBE" :
		        dm_expo_sum(e, "doorman_spamd_backing_off", l) > 0 ? "YES" : "no");
		if (cnt > 0)
			fprintf(out, " %8.3f\n", sum / cnt);
		else
			fprintf(out, " %8s\n", "-");
	}
}

static void dns(const struct dm_expo *e, FILE *out)
{
	const char *z[64];
	size_t i, n;
	int f, fc;
	double q = get(e, "doorman_dns_queries_total", NULL, &f);
	double entries = get(e, "doorman_dns_cache_entries", NULL, &fc);

	if (f)
		fprintf(out, "DNS: %.0f queries: %.0f sent, %.0f cache hits, %.0f joined in flight; "
		        "%.0f answers, %.0f not found, %.0f errors, %.0f timeouts; %.0f in flight now\n",
		        q, dm_expo_sum(e, "doorman_dns_sent_total", NULL), dm_expo_sum(e, "doorman_dns_cache_hits_total", NULL),
		        dm_expo_sum(e, "doorman_dns_joined_total", NULL),
		        dm_expo_sum(e, "doorman_dns_answers_total", "outcome=answer"),
		        dm_expo_sum(e, "doorman_dns_answers_total", "outcome=notfound"),
		        dm_expo_sum(e, "doorman_dns_answers_total", "outcome=error"),
		        dm_expo_sum(e, "doorman_dns_timeouts_total", NULL), dm_expo_sum(e, "doorman_dns_in_flight", NULL));
	if (fc)
		fprintf(out, "DNS cache: %.0f of %.0f entries, %.0f evictions\n", entries,
		        dm_expo_sum(e, "doorman_dns_cache_max_entries", NULL),
		        dm_expo_sum(e, "doorman_dns_cache_evictions_total", NULL));
	n = dm_expo_label_values(e, "doorman_dnsbl_zone_suspended", "zone", z, N(z));
	if (n == 0)
		return;
	fprintf(out, "DNS lists:");
	for (i = 0; i < n; i++) {
		char l[300];
		snprintf(l, sizeof(l), "zone=%s", z[i]);
		fprintf(out, "%s %s %s", i ? "," : "", z[i],
		        dm_expo_sum(e, "doorman_dnsbl_zone_suspended", l) > 0 ? "SUSPENDED" :
		        dm_expo_sum(e, "doorman_dnsbl_zone_untested", l) > 0 ? "COULD NOT BE TESTED (in use)" : "ok");
		if (dm_expo_sum(e, "doorman_dnsbl_zone_untested_total", l) > 0)
			fprintf(out, " (no answer to %.0f self-tests)",
			        dm_expo_sum(e, "doorman_dnsbl_zone_untested_total", l));
	}
	fputc('\n', out);
}

static void fds(const struct dm_expo *e, FILE *out)
{
	int f1, f2;
	double lim = get(e, "doorman_fd_limit", NULL, &f1);
	double open = get(e, "doorman_fds_open", NULL, &f2);

	if (!f1)
		return;
	fprintf(out, "file descriptors: ");
	if (f2)
		fprintf(out, "%.0f open of ", open);
	fprintf(out, "limit %.0f; could not be opened: %.0f DNS, %.0f spamd\n", lim,
	        dm_expo_sum(e, "doorman_fd_shortages_total", "user=dns"),
	        dm_expo_sum(e, "doorman_fd_shortages_total", "user=spamd"));
}

void dm_metrics_summary(const struct dm_expo *e, time_t now, FILE *out)
{
	uptime(e, now, out);
	sessions(e, out);
	table(e, out, "recipients (RCPT)", "doorman_rcpt_verdicts_total", rcpt_actions, N(rcpt_actions));
	messages(e, out);
	table(e, out, "messages (content)", "doorman_content_verdicts_total", content_actions, N(content_actions));
	spamd(e, out);
	dns(e, out);
	fds(e, out);
}

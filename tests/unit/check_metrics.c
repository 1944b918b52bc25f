/*
 * check_metrics.c - /metrics without a daemon: filters/metrics/metrics_text.c
 * (counter states -> the exact lines expected), filters/metrics/expo.c (lines and
 * whole texts that are, and are not, the exposition format), and
 * filters/metrics/metrics_summary.c (what doorman -s prints for a text).
 *
 * Every text the renderer makes in these rows must also pass the strict
 * check of expo.c: HELP and TYPE for every metric, counters ending in
 * _total, histograms consistent, no series twice.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expo.h"
#include "metrics_summary.h"
#include "metrics_text.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#include "diag.h"

/* ------------------------------------------------------------ snapshots */

static struct dm_m_policy pols[4];
static struct dm_m_backend backs[2];
static struct dm_m_zone zones[3];

static void base(struct dm_metrics *s)
{
	memset(s, 0, sizeof(*s));
	memset(pols, 0, sizeof(pols));
	memset(backs, 0, sizeof(backs));
	memset(zones, 0, sizeof(zones));
	s->version = "1.2.3";
	s->start_time = 1700000000.5;
	s->fd_in_use = -1;
	s->last_reload_ok = 1;
	s->last_reload_time = 1700000000.5;
	s->generation = 1;
	pols[0].name = "default";
	s->policies = pols;
	s->npolicies = 1;
}

static void st_zero(struct dm_metrics *s)
{
	base(s);
}

static void st_sessions(struct dm_metrics *s)
{
	base(s);
	s->sessions_open = 3;
	s->sessions = 120;
	s->sessions_trusted = 5;
	s->sessions_refused = 2;
	s->stopping = 1;
	s->findings[HELO_NON_FQDN] = 4;
	s->findings[HELO_UNKNOWN] = 2;
	s->findings[DM_MF_HELO_DNS_ERROR] = 1;
	s->findings[DM_MF_DNSBL] = 7;
	s->findings[DM_MF_RDNS_MISMATCH] = 9;
}

static void st_policies(struct dm_metrics *s)
{
	base(s);
	pols[0].rcpt[DM_RCPT_ACCEPT] = 90;
	pols[0].rcpt[DM_RCPT_REJECT] = 5;
	pols[0].rcpt[DM_RCPT_AUTH] = 1;
	pols[1].name = "example.com";
	pols[1].rcpt[DM_RCPT_SHADOW] = 12;
	pols[1].rcpt[DM_RCPT_SPLIT] = 2;
	pols[1].rcpt[DM_RCPT_EXEMPT] = 3;
	pols[1].rcpt[DM_RCPT_DEFER] = 4;
	pols[1].content[DM_CONTENT_TAG] = 6;
	pols[1].content[DM_CONTENT_QUARANTINE] = 1;
	pols[0].content[DM_CONTENT_UNSCANNED] = 2;
	pols[0].content[DM_CONTENT_TEMPFAIL] = 8;
	s->npolicies = 2;
	s->messages[DM_MS_SCANNED] = 7;
	s->messages[DM_MS_UNSCANNED] = 10;
	s->messages[DM_MS_SKIPPED] = 11;
}

/* Policy and backend names from outside: quotes, backslashes, newlines. */
static void st_escape(struct dm_metrics *s)
{
	base(s);
	pols[1].name = "we\"ird\\na\nme";
	pols[1].rcpt[DM_RCPT_REJECT] = 1;
	s->npolicies = 2;
	backs[0].name = "unix:/run/a\"b.sock";
	s->backends = backs;
	s->nbackends = 1;
}

static void add(struct dm_hist *h, const long long *bounds, size_t n, long long v)
{
	h->bucket[dm_hist_bucket(bounds, n, v)]++;
	h->sum += v;
}

static void st_scores(struct dm_metrics *s)
{
	base(s);
	add(&s->score, dm_score_bounds, DM_SCORE_BOUNDS, -10000);   /* le -5 */
	add(&s->score, dm_score_bounds, DM_SCORE_BOUNDS, 0);        /* le 0 */
	add(&s->score, dm_score_bounds, DM_SCORE_BOUNDS, 7200);     /* le 8 */
	add(&s->score, dm_score_bounds, DM_SCORE_BOUNDS, 1000000);  /* +Inf (GTUBE) */
}

static void st_spamd(struct dm_metrics *s)
{
	base(s);
	backs[0].name = "unix:/run/spamd.sock";
	backs[0].in_flight = 2;
	backs[0].requests = 52;
	backs[0].failures = 1;
	backs[0].backing_off = 1;
	add(&backs[0].duration, dm_spamd_bounds, DM_SPAMD_BOUNDS, 142);     /* le 0.25 */
	add(&backs[0].duration, dm_spamd_bounds, DM_SPAMD_BOUNDS, 50);      /* le 0.05 */
	add(&backs[0].duration, dm_spamd_bounds, DM_SPAMD_BOUNDS, 90000);   /* +Inf */
	backs[1].name = "127.0.0.1:783";
	backs[1].requests = 3;
	backs[1].gtube_failed = 1;
	s->backends = backs;
	s->nbackends = 2;
}

static void dns_fields(struct dm_metrics *s)
{
	s->dns.submitted = 300;
	s->dns.sent = 120;
	s->dns.cache_hits = 150;
	s->dns.joined = 30;
	s->dns.answers = 100;
	s->dns.notfound = 15;
	s->dns.errors = 2;
	s->dns.timeouts = 3;
	s->dns.in_flight = 4;
	s->have_cache = 1;
	s->cache.entries = 120;
	s->cache.max_entries = 10000;
	s->cache.evictions = 6;
	zones[0].name = "bl.example.net";
	zones[1].name = "dead.example.net";
	zones[1].suspended = 1;
	zones[2].name = "slow.example.net";   /* no answer: in use, tested again */
	zones[2].untested = 1;
	zones[2].untested_total = 4;
	s->zones = zones;
	s->nzones = 3;
}

static void st_dns(struct dm_metrics *s)
{
	base(s);
	dns_fields(s);
}

static void st_process(struct dm_metrics *s)
{
	base(s);
	s->fd_limit = 65536;
	s->fd_in_use = 40;
	s->fd_shortages[DM_FD_DNS] = 1;
	s->fd_shortages[DM_FD_SPAMD] = 2;
	s->generation = 3;
	s->domain_policies = 7;
	s->config_warnings = 2;
	s->last_reload_ok = 0;
	s->last_reload_time = 1700000100.25;
	s->reloads_ok = 1;
	s->reloads_failed = 1;
}

/* ------------------------------------------------------- render rows */

#define MAXL 24

struct render_row {
	const char *name;
	void (*set)(struct dm_metrics *);
	const char *want[MAXL];       /* whole lines that must be there */
	const char *absent[4];        /* line prefixes that must not */
};

static const struct render_row render_rows[] = {
	{ "all zero", st_zero, {
		"doorman_build_info{version=\"1.2.3\"} 1", "doorman_start_time_seconds 1700000000.500",
		"doorman_stopping 0", "doorman_sessions_open 0", "doorman_sessions_total 0",
		"# TYPE doorman_sessions_total counter", "# TYPE doorman_sessions_open gauge",
		"doorman_findings_total{check=\"helo_invalid\"} 0", "doorman_findings_total{check=\"rdns_mismatch\"} 0",
		"doorman_rcpt_verdicts_total{policy=\"default\",action=\"pass\"} 0",
		"doorman_rcpt_verdicts_total{policy=\"default\",action=\"split\"} 0",
		"doorman_content_verdicts_total{policy=\"default\",action=\"tempfail\"} 0",
		"doorman_messages_total{scan=\"skipped\"} 0",
		"# TYPE doorman_spam_score histogram", "doorman_spam_score_bucket{le=\"-5\"} 0",
		"doorman_spam_score_bucket{le=\"+Inf\"} 0", "doorman_spam_score_sum 0.000", "doorman_spam_score_count 0",
		"# TYPE doorman_spamd_duration_seconds histogram", "doorman_dns_queries_total 0",
		"doorman_config_last_reload_successful 1", "doorman_config_reloads_total{result=\"failed\"} 0" },
	  { "doorman_dns_cache_entries", "doorman_fds_open", "doorman_spamd_in_flight{", "doorman_dnsbl_zone_suspended{" } },
	{ "sessions and findings", st_sessions, {
		"doorman_stopping 1", "doorman_sessions_open 3", "doorman_sessions_total 120",
		"doorman_sessions_trusted_total 5", "doorman_sessions_refused_total 2",
		"doorman_findings_total{check=\"helo_non_fqdn\"} 4", "doorman_findings_total{check=\"helo_unknown\"} 2",
		"doorman_findings_total{check=\"helo_dns_error\"} 1", "doorman_findings_total{check=\"dnsbl\"} 7",
		"doorman_findings_total{check=\"rdns_mismatch\"} 9", "doorman_findings_total{check=\"rdns_none\"} 0" },
	  { NULL } },
	{ "verdicts per policy", st_policies, {
		"doorman_rcpt_verdicts_total{policy=\"default\",action=\"pass\"} 90",
		"doorman_rcpt_verdicts_total{policy=\"default\",action=\"reject\"} 5",
		"doorman_rcpt_verdicts_total{policy=\"default\",action=\"auth\"} 1",
		"doorman_rcpt_verdicts_total{policy=\"example.com\",action=\"shadow\"} 12",
		"doorman_rcpt_verdicts_total{policy=\"example.com\",action=\"exempt\"} 3",
		"doorman_rcpt_verdicts_total{policy=\"example.com\",action=\"defer\"} 4",
		"doorman_rcpt_verdicts_total{policy=\"example.com\",action=\"split\"} 2",
		"doorman_rcpt_verdicts_total{policy=\"example.com\",action=\"pass\"} 0",
		"doorman_content_verdicts_total{policy=\"example.com\",action=\"tag\"} 6",
		"doorman_content_verdicts_total{policy=\"example.com\",action=\"quarantine\"} 1",
		"doorman_content_verdicts_total{policy=\"default\",action=\"unscanned\"} 2",
		"doorman_content_verdicts_total{policy=\"default\",action=\"tempfail\"} 8",
		"doorman_messages_total{scan=\"scanned\"} 7", "doorman_messages_total{scan=\"unscanned\"} 10",
		"doorman_messages_total{scan=\"skipped\"} 11" },
	  { NULL } },
	{ "label values escaped", st_escape, {
		"doorman_rcpt_verdicts_total{policy=\"we\\\"ird\\\\na\\nme\",action=\"reject\"} 1",
		"doorman_spamd_requests_total{backend=\"unix:/run/a\\\"b.sock\"} 0",
		"doorman_spamd_duration_seconds_bucket{backend=\"unix:/run/a\\\"b.sock\",le=\"0.05\"} 0" },
	  { NULL } },
	{ "spam score histogram: cumulative, +Inf = count", st_scores, {
		"doorman_spam_score_bucket{le=\"-5\"} 1", "doorman_spam_score_bucket{le=\"0\"} 2",
		"doorman_spam_score_bucket{le=\"2\"} 2", "doorman_spam_score_bucket{le=\"5\"} 2",
		"doorman_spam_score_bucket{le=\"8\"} 3", "doorman_spam_score_bucket{le=\"12\"} 3",
		"doorman_spam_score_bucket{le=\"20\"} 3", "doorman_spam_score_bucket{le=\"50\"} 3",
		"doorman_spam_score_bucket{le=\"+Inf\"} 4", "doorman_spam_score_sum 997.200",
		"doorman_spam_score_count 4" },
	  { NULL } },
	{ "spamd per backend", st_spamd, {
		"doorman_spamd_in_flight{backend=\"unix:/run/spamd.sock\"} 2",
		"doorman_spamd_requests_total{backend=\"unix:/run/spamd.sock\"} 52",
		"doorman_spamd_failures_total{backend=\"unix:/run/spamd.sock\"} 1",
		"doorman_spamd_backing_off{backend=\"unix:/run/spamd.sock\"} 1",
		"doorman_spamd_backing_off{backend=\"127.0.0.1:783\"} 0",
		"doorman_spamd_gtube_failed{backend=\"unix:/run/spamd.sock\"} 0",
		"doorman_spamd_gtube_failed{backend=\"127.0.0.1:783\"} 1",
		"doorman_spamd_requests_total{backend=\"127.0.0.1:783\"} 3",
		"doorman_spamd_duration_seconds_bucket{backend=\"unix:/run/spamd.sock\",le=\"0.05\"} 1",
		"doorman_spamd_duration_seconds_bucket{backend=\"unix:/run/spamd.sock\",le=\"0.1\"} 1",
		"doorman_spamd_duration_seconds_bucket{backend=\"unix:/run/spamd.sock\",le=\"0.25\"} 2",
		"doorman_spamd_duration_seconds_bucket{backend=\"unix:/run/spamd.sock\",le=\"60\"} 2",
		"doorman_spamd_duration_seconds_bucket{backend=\"unix:/run/spamd.sock\",le=\"+Inf\"} 3",
		"doorman_spamd_duration_seconds_sum{backend=\"unix:/run/spamd.sock\"} 90.192",
		"doorman_spamd_duration_seconds_count{backend=\"unix:/run/spamd.sock\"} 3",
		"doorman_spamd_duration_seconds_count{backend=\"127.0.0.1:783\"} 0" },
	  { NULL } },
	{ "DNS, cache, zones", st_dns, {
		"doorman_dns_queries_total 300", "doorman_dns_sent_total 120", "doorman_dns_cache_hits_total 150",
		"doorman_dns_joined_total 30", "doorman_dns_answers_total{outcome=\"answer\"} 100",
		"doorman_dns_answers_total{outcome=\"notfound\"} 15", "doorman_dns_answers_total{outcome=\"error\"} 2",
		"doorman_dns_timeouts_total 3", "doorman_dns_in_flight 4", "doorman_dns_cache_entries 120",
		"doorman_dns_cache_max_entries 10000", "doorman_dns_cache_evictions_total 6",
		"doorman_dnsbl_zone_suspended{zone=\"bl.example.net\"} 0",
		"doorman_dnsbl_zone_suspended{zone=\"dead.example.net\"} 1",
		"doorman_dnsbl_zone_suspended{zone=\"slow.example.net\"} 0",
		"doorman_dnsbl_zone_untested{zone=\"dead.example.net\"} 0",
		"doorman_dnsbl_zone_untested{zone=\"slow.example.net\"} 1",
		"doorman_dnsbl_zone_untested_total{zone=\"bl.example.net\"} 0",
		"doorman_dnsbl_zone_untested_total{zone=\"slow.example.net\"} 4" },
	  { NULL } },
	{ "descriptors and configuration", st_process, {
		"doorman_fd_limit 65536", "doorman_fds_open 40", "doorman_fd_shortages_total{user=\"dns\"} 1",
		"doorman_fd_shortages_total{user=\"spamd\"} 2", "doorman_config_generation 3",
		"doorman_config_domain_policies 7", "doorman_config_warnings 2", "doorman_config_last_reload_successful 0",
		"doorman_config_last_reload_timestamp_seconds 1700000100.250",
		"doorman_config_reloads_total{result=\"ok\"} 1", "doorman_config_reloads_total{result=\"failed\"} 1" },
	  { NULL } },
};

static char *render_all(const struct dm_metrics *s, size_t *len)
{
	size_t need = dm_metrics_render(s, NULL, 0);
	char *buf = malloc(need + 1);

	ck_assert_ptr_nonnull(buf);
	*len = dm_metrics_render(s, buf, need + 1);
	ck_assert_uint_eq(*len, need);
	ck_assert_uint_eq(strlen(buf), need);
	return buf;
}

static int has_line(const char *text, const char *line, int prefix)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && (prefix || p[n] == '\n'))
			return 1;
		p++;
	}
	return 0;
}

START_TEST(test_render)
{
	const struct render_row *r = &render_rows[_i];
	struct dm_metrics s;
	struct dm_expo e;
	struct diag d = { .n = 0 };
	char err[300];
	size_t len, i;
	char *text;

	r->set(&s);
	text = render_all(&s, &len);
	for (i = 0; i < MAXL && r->want[i]; i++)
		expect(&d, has_line(text, r->want[i], 0), "line missing: %s", r->want[i]);
	for (i = 0; i < 4 && r->absent[i]; i++)
		expect(&d, !has_line(text, r->absent[i], 1), "line should not be there: %s...", r->absent[i]);
	expect(&d, dm_expo_parse(text, len, 1, &e, err, sizeof(err)) == 0, "not the exposition format: %s", err);
	dm_expo_free(&e);
	if (d.bad)
		fprintf(stderr, "---- %s ----\n%s", r->name, text);
	free(text);
	if (d.bad)
		ck_abort_msg("%s:%s", r->name, d.buf);
}
END_TEST

/* A buffer too small: the length needed, a NUL-terminated prefix. */
START_TEST(test_render_small)
{
	struct dm_metrics s;
	size_t full, got;
	char small[100], *text;

	st_spamd(&s);
	text = render_all(&s, &full);
	got = dm_metrics_render(&s, small, sizeof(small));
	ck_assert_uint_eq(got, full);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert(strncmp(small, text, sizeof(small) - 1) == 0);
	ck_assert_uint_eq(dm_metrics_render(&s, small, 0), full);
	free(text);
}
END_TEST

START_TEST(test_names)
{
	int i;

	for (i = 0; i < HELO_CHECK_COUNT; i++) {
		char want[64];
		snprintf(want, sizeof(want), "helo_%s", helo_check_name((enum helo_check)i));
		ck_assert_str_eq(dm_metrics_finding_name(i), want);
	}
	ck_assert_str_eq(dm_metrics_finding_name(DM_MF_DNSBL), "dnsbl");
	ck_assert_str_eq(dm_metrics_finding_name(DM_MF_COUNT), "?");
	ck_assert_str_eq(dm_metrics_rcpt_name(DM_RCPT_ACCEPT), "pass");
	ck_assert_str_eq(dm_metrics_rcpt_name(DM_RCPT_SPLIT), "split");
	ck_assert_str_eq(dm_metrics_scan_name(DM_MS_SKIPPED), "skipped");
}
END_TEST

/* A value equal to a bound falls into that bound's bucket (le = "<="). */
static const struct { long long v; size_t bucket; } bucket_rows[] = {
	{ -5001, 0 }, { -5000, 0 }, { -4999, 1 }, { 0, 1 }, { 1, 2 }, { 5000, 3 }, { 5001, 4 },
	{ 50000, 7 }, { 50001, 8 }, { 1000000, 8 },
};

START_TEST(test_buckets)
{
	ck_assert_uint_eq(dm_hist_bucket(dm_score_bounds, DM_SCORE_BOUNDS, bucket_rows[_i].v), bucket_rows[_i].bucket);
}
END_TEST

/* ---------------------------------------------------------- expo lines */

struct line_row {
	const char *line;
	enum dm_expo_kind kind;
	const char *name;            /* or, for BAD, a substring of the reason */
	double value;
	const char *label;           /* "k=v" of the first label, or NULL */
};

static const struct line_row line_rows[] = {
	{ "", DM_EXPO_BLANK, NULL, 0, NULL },
	{ "   \t", DM_EXPO_BLANK, NULL, 0, NULL },
	{ "# just a comment", DM_EXPO_COMMENT, NULL, 0, NULL },
	{ "#HELPER is no HELP line", DM_EXPO_COMMENT, NULL, 0, NULL },
	{ "# HELP m_total Some text with \\\\ and \\n.", DM_EXPO_HELP, "m_total", 0, NULL },
	{ "# HELP m_total", DM_EXPO_HELP, "m_total", 0, NULL },
	{ "# TYPE m_total counter", DM_EXPO_TYPE, "m_total", 0, NULL },
	{ "# TYPE m histogram", DM_EXPO_TYPE, "m", 0, NULL },
	{ "m 1", DM_EXPO_SAMPLE, "m", 1, NULL },
	{ "m{} 1", DM_EXPO_SAMPLE, "m", 1, NULL },
	{ "  m   -2.5e3  ", DM_EXPO_SAMPLE, "m", -2500, NULL },
	{ "m{a=\"x\"} 3", DM_EXPO_SAMPLE, "m", 3, "a=x" },
	{ "m {a=\"x\",b=\"y\",} 3 1700000000000", DM_EXPO_SAMPLE, "m", 3, "a=x" },
	{ "m{a=\"q\\\"\\\\\\n\"} 1", DM_EXPO_SAMPLE, "m", 1, "a=q\"\\\n" },
	{ "ns:sub_metric{le=\"+Inf\"} +Inf", DM_EXPO_SAMPLE, "ns:sub_metric", INFINITY, "le=+Inf" },
	{ "m NaN", DM_EXPO_SAMPLE, "m", NAN, NULL },
	{ "1m 1", DM_EXPO_BAD, "start with a metric name", 0, NULL },
	{ "m", DM_EXPO_BAD, "blank expected before the value", 0, NULL },
	{ "m1", DM_EXPO_BAD, "blank expected before the value", 0, NULL },
	{ "m x", DM_EXPO_BAD, "'x' is not a number", 0, NULL },
	{ "m 1 2 3", DM_EXPO_BAD, "junk after the timestamp", 0, NULL },
	{ "m 1 1.5", DM_EXPO_BAD, "not a whole number", 0, NULL },
	{ "m{a=\"x\" 1", DM_EXPO_BAD, "',' or '}' expected", 0, NULL },
	{ "m{a=x} 1", DM_EXPO_BAD, "quoted value expected", 0, NULL },
	{ "m{a=\"x} 1", DM_EXPO_BAD, "closing quote", 0, NULL },
	{ "m{a=\"\\t\"} 1", DM_EXPO_BAD, "invalid escape", 0, NULL },
	{ "m{a=\"1\",a=\"2\"} 1", DM_EXPO_BAD, "label a twice", 0, NULL },
	{ "m{__name__=\"x\"} 1", DM_EXPO_BAD, "reserved", 0, NULL },
	{ "m{a-b=\"x\"} 1", DM_EXPO_BAD, "'=' expected", 0, NULL },
	{ "m{a:b=\"x\"} 1", DM_EXPO_BAD, "'=' expected", 0, NULL },
	{ "# TYPE m counters", DM_EXPO_BAD, "unknown type", 0, NULL },
	{ "# TYPE m counter extra", DM_EXPO_BAD, "one type word", 0, NULL },
	{ "# TYPE 9m counter", DM_EXPO_BAD, "valid metric name", 0, NULL },
	{ "# HELP m bad \\q escape", DM_EXPO_BAD, "invalid escape", 0, NULL },
};

START_TEST(test_line)
{
	const struct line_row *r = &line_rows[_i];
	struct dm_expo_line l;
	enum dm_expo_kind k = dm_expo_parse_line(r->line, strlen(r->line), &l);
	char lab[400];

	ck_assert_msg(k == r->kind, "'%s': kind %d, want %d (%s)", r->line, k, r->kind, l.text);
	if (k == DM_EXPO_BAD) {
		ck_assert_msg(strstr(l.text, r->name) != NULL, "'%s': reason '%s', want '%s'", r->line, l.text, r->name);
		return;
	}
	if (r->name != NULL)
		ck_assert_str_eq(l.name, r->name);
	if (k != DM_EXPO_SAMPLE)
		return;
	if (isnan(r->value))
		ck_assert(isnan(l.value));
	else
		ck_assert_msg(l.value == r->value, "'%s': value %g, want %g", r->line, l.value, r->value);
	if (r->label != NULL) {
		ck_assert_uint_ge(l.nlabels, 1);
		snprintf(lab, sizeof(lab), "%s=%s", l.labels[0].name, l.labels[0].value);
		ck_assert_str_eq(lab, r->label);
	}
}
END_TEST

/* ---------------------------------------------------------- expo texts */

#define H "# HELP h_seconds x\n# TYPE h_seconds histogram\n"

struct text_row {
	const char *name;
	int strict;
	const char *text;
	const char *err;             /* NULL: valid; else a substring of the error */
};

static const struct text_row text_rows[] = {
	{ "empty text", 1, "", NULL },
	{ "untyped samples, lenient", 0, "a 1\nb{x=\"1\"} 2\nb{x=\"2\"} 3\n", NULL },
	{ "no newline at the end", 0, "a 1", "does not end with a newline" },
	{ "one series twice", 0, "a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n", "comes twice" },
	{ "samples of a metric apart", 0, "a 1\nb 2\na{x=\"1\"} 3\n", "not all together" },
	{ "TYPE after the samples", 0, "a 1\n# TYPE a gauge\n", "TYPE for a after its samples" },
	{ "TYPE twice", 0, "# TYPE a gauge\n# TYPE a gauge\na 1\n", "second TYPE" },
	{ "HELP twice", 0, "# HELP a x\n# HELP a y\na 1\n", "second HELP" },
	{ "negative counter", 0, "# TYPE a_total counter\na_total -1\n", "never negative" },
	{ "strict: no HELP", 1, "# TYPE a gauge\na 1\n", "no HELP line" },
	{ "strict: no TYPE", 1, "# HELP a x\na 1\n", "no TYPE line" },
	{ "strict: counter without _total", 1, "# HELP a x\n# TYPE a counter\na 1\n", "ends in _total" },
	{ "lenient: counter without _total", 0, "# TYPE a counter\na 1\n", NULL },
	{ "histogram complete", 1,
	  H "h_seconds_bucket{le=\"0.1\"} 1\nh_seconds_bucket{le=\"1\"} 3\nh_seconds_bucket{le=\"+Inf\"} 4\n"
	  "h_seconds_sum 2.5\nh_seconds_count 4\n", NULL },
	{ "two histogram series", 1,
	  H "h_seconds_bucket{b=\"x\",le=\"1\"} 1\nh_seconds_bucket{b=\"x\",le=\"+Inf\"} 1\nh_seconds_sum{b=\"x\"} 1\n"
	  "h_seconds_count{b=\"x\"} 1\nh_seconds_bucket{b=\"y\",le=\"1\"} 0\nh_seconds_bucket{b=\"y\",le=\"+Inf\"} 2\n"
	  "h_seconds_sum{b=\"y\"} 9\nh_seconds_count{b=\"y\"} 2\n", NULL },
	{ "histogram: counts fall", 1,
	  H "h_seconds_bucket{le=\"0.1\"} 3\nh_seconds_bucket{le=\"1\"} 2\nh_seconds_bucket{le=\"+Inf\"} 4\n"
	  "h_seconds_sum 1\nh_seconds_count 4\n", "cumulative count falls" },
	{ "histogram: le does not rise", 1,
	  H "h_seconds_bucket{le=\"1\"} 1\nh_seconds_bucket{le=\"0.5\"} 2\nh_seconds_bucket{le=\"+Inf\"} 2\n"
	  "h_seconds_sum 1\nh_seconds_count 2\n", "does not rise" },
	{ "histogram: no +Inf", 1, H "h_seconds_bucket{le=\"1\"} 1\nh_seconds_sum 1\nh_seconds_count 1\n", "+Inf" },
	{ "histogram: _count differs", 1,
	  H "h_seconds_bucket{le=\"+Inf\"} 2\nh_seconds_sum 1\nh_seconds_count 3\n", "differs from the +Inf" },
	{ "histogram: no _sum", 1, H "h_seconds_bucket{le=\"+Inf\"} 2\nh_seconds_count 2\n", "no _sum" },
	{ "histogram: bucket without le", 1, H "h_seconds_bucket 2\n", "needs le" },
	{ "a bad line names its number", 0, "a 1\nb 2\nc x\n", "line 3: c: 'x' is not a number" },
};

START_TEST(test_text)
{
	const struct text_row *r = &text_rows[_i];
	struct dm_expo e;
	char err[300];
	int rc = dm_expo_parse(r->text, strlen(r->text), r->strict, &e, err, sizeof(err));

	if (r->err == NULL)
		ck_assert_msg(rc == 0, "%s: %s", r->name, err);
	else
		ck_assert_msg(rc < 0 && strstr(err, r->err) != NULL, "%s: rc %d, error '%s', want '%s'", r->name, rc,
		              err, r->err);
	dm_expo_free(&e);
}
END_TEST

START_TEST(test_lookup)
{
	static const char text[] =
		"a{p=\"x\",q=\"1\"} 1\na{p=\"y\",q=\"1\"} 2\na{p=\"x\",q=\"2\"} 4\nb 8\n";
	const char *vals[4];
	struct dm_expo e;
	char err[200];
	double v = 0;

	ck_assert_int_eq(dm_expo_parse(text, strlen(text), 0, &e, err, sizeof(err)), 0);
	ck_assert_uint_eq(e.n, 4);
	ck_assert_int_eq(dm_expo_get(&e, "a", "p=y", &v), 1);
	ck_assert(v == 2);
	ck_assert_int_eq(dm_expo_get(&e, "a", "q=2,p=x", &v), 1);
	ck_assert(v == 4);
	ck_assert_int_eq(dm_expo_get(&e, "a", "p=z", &v), 0);
	ck_assert_int_eq(dm_expo_get(&e, "c", NULL, &v), 0);
	ck_assert(dm_expo_sum(&e, "a", "p=x") == 5);
	ck_assert(dm_expo_sum(&e, "a", NULL) == 7);
	ck_assert(dm_expo_sum(&e, "b", "") == 8);
	ck_assert_uint_eq(dm_expo_label_values(&e, "a", "p", vals, 4), 2);
	ck_assert_str_eq(vals[0], "x");
	ck_assert_str_eq(vals[1], "y");
	dm_expo_free(&e);
}
END_TEST

/* ------------------------------------------------------------ summary */

struct summary_row {
	const char *name;
	void (*set)(struct dm_metrics *);
	const char *want[10];        /* substrings of the summary */
	const char *absent[4];
};

static void st_all(struct dm_metrics *s)
{
	st_policies(s);
	dns_fields(s);
	s->sessions_open = 3;
	s->sessions = 120;
	s->sessions_trusted = 5;
	s->findings[HELO_NON_FQDN] = 4;
	s->findings[DM_MF_DNSBL] = 7;
	backs[0].name = "unix:/run/spamd.sock";
	backs[0].requests = 52;
	backs[0].failures = 1;
	backs[0].backing_off = 1;
	add(&backs[0].duration, dm_spamd_bounds, DM_SPAMD_BOUNDS, 100);
	add(&backs[0].duration, dm_spamd_bounds, DM_SPAMD_BOUNDS, 300);
	backs[1].name = "127.0.0.1:783";
	backs[1].gtube_failed = 1;
	s->backends = backs;
	s->nbackends = 2;
	add(&s->score, dm_score_bounds, DM_SCORE_BOUNDS, 1000);
	add(&s->score, dm_score_bounds, DM_SCORE_BOUNDS, 9000);
	s->fd_limit = 1024;
	s->fd_in_use = 40;
	s->generation = 3;
	s->domain_policies = 7;
	s->reloads_ok = 2;
}

static void st_stopping(struct dm_metrics *s)
{
	st_process(s);
	s->stopping = 1;
}

static const struct summary_row summary_rows[] = {
	{ "everything", st_all, {
		"doorman 1.2.3, up 1h 01m 00s\nconfiguration: generation 3, 7 domain policies; last reload ok; reloads: 2 ok, 0 failed\n",
		"sessions: 3 open, 120 since start (5 trusted, 0 refused while stopping)\n",
		"findings: helo_non_fqdn 4, dnsbl 7\n",
		"  example.com                   0         12          3          0          0          4          2\n",
		"messages: 7 scanned, 10 unscanned (spamd gave no verdict), 11 skipped\nspam scores: mean 5.0; 1 at most 5, 1 above\n",
		"  unix:/run/spamd.sock                     0        52         1      YES    0.200\n",
		"  127.0.0.1:783                            0         0         0    GTUBE        -\n",
		"DNS: 300 queries: 120 sent, 150 cache hits, 30 joined in flight; 100 answers, 15 not found, 2 errors, 3 timeouts; 4 in flight now\nDNS cache: 120 of 10000 entries, 6 evictions\nDNS lists: bl.example.net ok, dead.example.net SUSPENDED, slow.example.net COULD NOT BE TESTED (in use) (no answer to 4 self-tests)\n",
		"file descriptors: 40 open of limit 1024; could not be opened: 0 DNS, 0 spamd\n" },
	  { "STOPPING", "FAILED", "WARNING" } },
	{ "nothing happened", st_zero, {
		"findings: none\n", "  default                       0          0          0          0          0          0          0\n",
		"DNS: 0 queries" },
	  { "(all policies)", "spam scores", "DNS cache", "DNS lists" } },
	{ "a failed reload, stopping", st_stopping, {
		", STOPPING\n", "last reload FAILED (the previous configuration is in use); reloads: 1 ok, 1 failed\n",
		"configuration: 2 WARNINGS: checks that are on but cannot act (doorman -n names them)\n" },
	  { NULL } },
};

START_TEST(test_summary)
{
	const struct summary_row *r = &summary_rows[_i];
	struct dm_metrics s;
	struct dm_expo e;
	struct diag d = { .n = 0 };
	char err[300], *out = NULL;
	size_t len, outlen = 0, i;
	FILE *f = open_memstream(&out, &outlen);
	char *text;

	ck_assert_ptr_nonnull(f);
	r->set(&s);
	text = render_all(&s, &len);
	ck_assert_int_eq(dm_expo_parse(text, len, 1, &e, err, sizeof(err)), 0);
	dm_metrics_summary(&e, (time_t)1700003661, f);
	fclose(f);
	for (i = 0; i < sizeof(r->want) / sizeof(r->want[0]) && r->want[i]; i++)
		expect(&d, strstr(out, r->want[i]) != NULL, "missing: %s", r->want[i]);
	for (i = 0; i < 4 && r->absent[i]; i++)
		expect(&d, strstr(out, r->absent[i]) == NULL, "should not be there: %s", r->absent[i]);
	if (d.bad)
		fprintf(stderr, "---- %s ----\n%s", r->name, out);
	dm_expo_free(&e);
	free(text);
	free(out);
	if (d.bad)
		ck_abort_msg("%s:%s", r->name, d.buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("metrics");
	TCase *render = tcase_create("render"), *expo = tcase_create("expo"), *summary = tcase_create("summary");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(render, test_render, 0, NROWS(render_rows));
	tcase_add_test(render, test_render_small);
	tcase_add_test(render, test_names);
	tcase_add_loop_test(render, test_buckets, 0, NROWS(bucket_rows));
	tcase_add_loop_test(expo, test_line, 0, NROWS(line_rows));
	tcase_add_loop_test(expo, test_text, 0, NROWS(text_rows));
	tcase_add_test(expo, test_lookup);
	tcase_add_loop_test(summary, test_summary, 0, NROWS(summary_rows));
	suite_add_tcase(s, render);
	suite_add_tcase(s, expo);
	suite_add_tcase(s, summary);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

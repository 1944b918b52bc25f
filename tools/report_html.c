/*
 * report_html.c - the report as one self-contained HTML page: inline CSS and
 * inline SVG charts (actions per hour, spam score histogram, top checks),
 * then the tables of the text report.
 *
 * Does:    write a page that needs nothing else: no script, no font, no
 *          image or style sheet from anywhere (it may be mailed or archived).
 *          Charts are <svg class="chart"> with ids chart-hours, chart-scores
 *          and chart-checks; each bar a <rect class="bar KIND">.
 * Returns: 0, or -1 on a write error.
 * Never:   writes text from the log except through esc_html.
 */
#include <stdio.h>
#include <string.h>

#include "dm_autoconf.h"
#include "escape.h"
#include "report.h"

#define U(x) ((unsigned long long)(x))
#define CW 1000     /* chart width */
#define CH 260      /* chart height (bars area) */
#define ML 60       /* left margin */

static const char style[] =
	"body{font:14px/1.4 sans-serif;margin:2em;color:#222;max-width:1100px}"
	"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;margin:.5em 0}td,th{padding:2px 6px;text-align:right}"
	"table.zones{font-size:13px}table.zones td.n,table.zones th{white-space:nowrap}"
	"th{background:#eee}td.n,th.n{text-align:left}tr:nth-child(even){background:#f7f7f7}"
	".dead{color:#b00;font-weight:bold}code,pre{font-size:12px;white-space:pre-wrap;word-break:break-all}"
	"svg.chart{background:#fcfcfc;border:1px solid #ddd;margin:.5em 0;max-width:100%;height:auto}"
	"svg text{font:11px sans-serif;fill:#333}"
	".reject{fill:#c62828}.defer{fill:#ef6c00}.shadow{fill:#6a1b9a}.tag{fill:#f9a825}"
	".pass{fill:#2e7d32}.score{fill:#1565c0}.check{fill:#455a64}.axis{stroke:#999}"
	".legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}"
	".legend .reject{background:#c62828}.legend .defer{background:#ef6c00}"
	".legend .shadow{background:#6a1b9a}.legend .tag{background:#f9a825}.legend .pass{background:#2e7d32}";

static void text(FILE *f, const char *s)
{
	esc_html(f, s);
}

static void head(FILE *f, const struct stats *st, const struct report_opts *o)
{
	char a[32], b[32];

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width\">"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
	      "<title>doorman report</title><style>", f);
	fputs(style, f);
	fputs("</style></head><body>\n<h1>doorman report</h1>\n<p id=\"period\">", f);
	if (st->has_period) {
		rp_time(st->first, ' ', a, sizeof(a));
		rp_time(st->last, ' ', b, sizeof(b));
		fprintf(f, "From %s to %s", a, b);
	} else {
		fputs("No time stamped doorman lines", f);
	}
	if (o->domain != NULL) {
		fputs(", policy domain ", f);
		text(f, o->domain);
	}
	fprintf(f, ". %llu lines read: %llu of doorman, %llu of other programs, %llu malformed, "
	        "%llu of unknown kinds, %llu outside the period.</p>\n", U(st->lines), U(st->doorman_lines),
	        U(st->other_lines), U(st->malformed), U(st->unknown), U(st->outside));
	fprintf(f, "<p class=\"generator\">doorman-report %s, schema %d.</p>\n", PACKAGE_VERSION, REPORT_SCHEMA);
}

static void row_u(FILE *f, const char *name, uint64_t v)
{
	fputs("<tr><td class=\"n\">", f);
	text(f, name);
	fprintf(f, "</td><td>%llu</td></tr>\n", U(v));
}

/* The daemon's health: the end of the Traffic table, and the configuration
 * warnings under it. */
static void health(FILE *f, const struct stats *st)
{
	int i;

	row_u(f, "stops that waited for open sessions", st->stop_drains);
	row_u(f, "stops with sessions open", st->stops_cut);
	row_u(f, "sessions left to the MTA's default action", st->sessions_cut);
	row_u(f, "file descriptors near the limit", st->fd_near);
	row_u(f, "file descriptors at the limit", st->fd_all);
	row_u(f, "DNS sockets not opened (no descriptor)", st->dns_sockets_failed);
	row_u(f, "spamd sockets not opened (no descriptor)", st->spamd_sockets_failed);
	row_u(f, "sessions with HELO names judged without DNS (dns=capped)", st->helo_capped);
	row_u(f, "configuration warnings", st->config_warnings);
	fputs("</table>\n", f);
	if (st->config_warning[0][0] == '\0')
		return;
	fputs("<p>The last distinct configuration warnings (checks that are on but cannot act):</p>\n"
	      "<ul class=\"config-warnings\">\n", f);
	for (i = 0; i < SAMPLES && st->config_warning[i][0]; i++) {
		fputs("<li class=\"dead\"><code>", f);
		text(f, st->config_warning[i]);
		fputs("</code></li>\n", f);
	}
	fputs("</ul>\n", f);
}

static void traffic(FILE *f, const struct stats *st)
{
	fputs("<h2 id=\"traffic\">Traffic</h2>\n<table>\n", f);
	row_u(f, "sessions", st->sessions);
	row_u(f, "trusted sessions", st->trusted);
	row_u(f, "sessions with DNS checks read", st->checked);
	row_u(f, "messages", st->messages);
	row_u(f, "messages passed only because of shadow mode", st->shadowed_msgs);
	row_u(f, "recipients accepted", st->rcpt_ok);
	row_u(f, "recipients rejected", st->rcpt_rejected);
	row_u(f, "recipients deferred", st->rcpt_deferred);
	row_u(f, "daemon starts", st->starts);
	row_u(f, "reloads", st->reloads);
	row_u(f, "reloads refused (configuration errors)", st->reload_failures);
	row_u(f, "resolver, self-test and internal errors", st->resolver_errors + st->selftest_errors + st->internal_errors);
	health(f, st);
}

static uint64_t slot_max(const struct timeline *tl)
{
	uint64_t m = 0, s;
	size_t i;

	for (i = 0; i < tl->n; i++) {
		s = tl->slot[i][TL_REJECT] + tl->slot[i][TL_DEFER] + tl->slot[i][TL_SHADOW] + tl->slot[i][TL_TAG] +
		    tl->slot[i][TL_PASS];
		if (s > m)
			m = s;
	}
	return m;
}

static void axis(FILE *f, uint64_t max, int width)
{
	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\"/>", ML, ML, CH + 10);
	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", ML, CH + 10, ML + width, CH + 10);
	fprintf(f, "<text x=\"%d\" y=\"18\" text-anchor=\"end\">%llu</text>", ML - 4, U(max));
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>", ML - 4, CH + 10);
}

/* A tick and date at midnights, at most 8 of them, between the end labels. */
static void day_ticks(FILE *f, const struct timeline *tl, double w)
{
	int64_t first = (tl->base + 86399) / 86400 * 86400, end = tl->base + (int64_t)tl->n * tl->width, t;
	int64_t days = (end - first) / 86400 + 1, step = (days + 7) / 8 * 86400;
	char d[32];

	for (t = first; t < end; t += step) {
		double x = ML + (double)(t - tl->base) / (double)tl->width * w;
		if (x < ML + 90 || x > CW - 100)
			continue;
		rp_time(t, ' ', d, sizeof(d));
		fprintf(f, "<line class=\"axis\" x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\"/>"
		        "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%.10s</text>", x, CH + 10, x, CH + 15, x, CH + 28, d);
	}
}

/* Stacked bars per time slot: reject, defer, shadow, tag, pass. */
static void chart_hours(FILE *f, const struct stats *st)
{
	static const struct { enum tl_col col; const char *cls; } stack[] = {
		{ TL_REJECT, "reject" }, { TL_DEFER, "defer" }, { TL_SHADOW, "shadow" }, { TL_TAG, "tag" }, { TL_PASS, "pass" },
	};
	const struct timeline *tl = &st->tl;
	uint64_t max = slot_max(tl);
	double w = tl->n ? (double)(CW - ML - 10) / (double)tl->n : 0;
	char a[32], b[32];
	size_t i, k;

	fprintf(f, "<h2 id=\"hours\">Actions per %s</h2>\n<p class=\"legend\">", tl->width == 3600 ? "hour" : "time slot");
	for (k = 0; k < sizeof(stack) / sizeof(stack[0]); k++)
		fprintf(f, "<span class=\"%s\"></span>%s", stack[k].cls, stack[k].cls);
	fputs("</p>\n", f);
	fprintf(f, "<svg id=\"chart-hours\" class=\"chart\" role=\"img\" width=\"%d\" height=\"%d\" "
	        "viewBox=\"0 0 %d %d\"><title>Actions per %lld s</title>",
	        CW, CH + 40, CW, CH + 40, (long long)tl->width);
	axis(f, max, CW - ML - 10);
	for (i = 0; max > 0 && i < tl->n; i++) {
		double y = CH + 10;
		for (k = 0; k < sizeof(stack) / sizeof(stack[0]); k++) {
			uint64_t v = tl->slot[i][stack[k].col];
			double h = (double)v * CH / (double)max;
			if (v == 0)
				continue;
			y -= h;
			fprintf(f, "<rect class=\"bar %s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"><title>%llu</title></rect>",
			        stack[k].cls, ML + i * w, y, w > 2 ? w - 1 : w, h, U(v));
		}
	}
	if (tl->n > 0) {
		rp_time(tl->base, ' ', a, sizeof(a));
		rp_time(tl->base + (int64_t)tl->n * tl->width, ' ', b, sizeof(b));
		fprintf(f, "<text x=\"%d\" y=\"%d\">%.16s</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.16s</text>",
		        ML, CH + 28, a, CW - 10, CH + 28, b);
		day_ticks(f, tl, w);
	}
	fputs("</svg>\n", f);
}

static void chart_scores(FILE *f, const struct stats *st)
{
	uint64_t max = 0;
	double w = (double)(CW - ML - 10) / SCORE_BUCKETS;
	int i;

	fprintf(f, "<h2 id=\"scores\">Spam scores</h2>\n<p>%llu messages with a score.</p>\n", U(st->scored));
	for (i = 0; i < SCORE_BUCKETS; i++)
		if (st->scores[i] > max)
			max = st->scores[i];
	fprintf(f, "<svg id=\"chart-scores\" class=\"chart\" role=\"img\" width=\"%d\" height=\"%d\" "
	        "viewBox=\"0 0 %d %d\"><title>Spam score histogram</title>",
	        CW, CH + 40, CW, CH + 40);
	axis(f, max, CW - ML - 10);
	for (i = 0; i < SCORE_BUCKETS; i++) {
		double lo, hi, h = max ? (double)st->scores[i] * CH / (double)max : 0;
		char label[16];
		stats_score_bounds(i, &lo, &hi);
		if (i == 0)
			snprintf(label, sizeof(label), "&lt;0");
		else if (i == SCORE_BUCKETS - 1)
			snprintf(label, sizeof(label), "%g+", lo);
		else
			snprintf(label, sizeof(label), "%g", lo);
		if (st->scores[i] > 0)
			fprintf(f, "<rect class=\"bar score\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"><title>%llu</title></rect>",
			        ML + i * w + 2, CH + 10 - h, w - 4, h, U(st->scores[i]));
		fprintf(f, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%s</text>", ML + i * w + w / 2, CH + 26, label);
	}
	fputs("</svg>\n", f);
}

/* Horizontal bars: refusals and shadow findings per check, most first. */
static void chart_checks(FILE *f, const struct stats *st, int top)
{
	size_t idx[CAP_CHECKS + 1], n = rp_rows((const uint64_t (*)[A_COUNT])st->check_act, &st->checks, idx), i;
	uint64_t max = 0;
	int rows = (int)(n < (size_t)top ? n : (size_t)top), height = rows * 24 + 20;

	for (i = 0; i < (size_t)rows; i++) {
		uint64_t t = rp_total(st->check_act[idx[i]], A_COUNT);
		if (t > max)
			max = t;
	}
	fputs("<h2 id=\"checks\">Top checks</h2>\n", f);
	fprintf(f, "<svg id=\"chart-checks\" class=\"chart\" role=\"img\" width=\"%d\" height=\"%d\" "
	        "viewBox=\"0 0 %d %d\"><title>Decisions per check</title>",
	        CW, height, CW, height);
	for (i = 0; i < (size_t)rows; i++) {
		const uint64_t *r = st->check_act[idx[i]];
		uint64_t t = rp_total(r, A_COUNT);
		double wd = (double)t * (CW - 260) / (double)max;
		fprintf(f, "<text x=\"175\" y=\"%zu\" text-anchor=\"end\">", 24 * i + 26);
		text(f, names_name(&st->checks, idx[i]));
		fprintf(f, "</text><rect class=\"bar check\" x=\"180\" y=\"%zu\" width=\"%.2f\" height=\"18\">"
		        "<title>%llu</title></rect><text x=\"%.2f\" y=\"%zu\">%llu</text>",
		        24 * i + 12, wd, U(t), 184 + wd, 24 * i + 26, U(t));
	}
	fputs("</svg>\n", f);
}

static const enum act cols[] = { A_REJECT, A_DEFER, A_TAG, A_QUARANTINE, A_PASS, A_EXEMPT, A_UNSCANNED, A_SKIP };

static void matrix(FILE *f, const char *id, const char *title, const char *what, const uint64_t (*rows)[A_COUNT],
                   const struct names *names)
{
	size_t idx[CAP_POLICIES + 1], n = rp_rows(rows, names, idx), i, c;

	fprintf(f, "<h2 id=\"%s\">%s</h2>\n<table><tr><th class=\"n\">%s</th>", id, title, what);
	for (c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
		fprintf(f, "<th>%s</th>", stats_act_name(cols[c]));
	fputs("<th>shadow</th></tr>\n", f);
	for (i = 0; i < n; i++) {
		fputs("<tr><td class=\"n\">", f);
		text(f, names_name(names, idx[i]));
		fputs("</td>", f);
		for (c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
			fprintf(f, "<td>%llu</td>", U(rows[idx[i]][cols[c]]));
		fprintf(f, "<td>%llu</td></tr>\n", U(rp_shadow_sum(rows[idx[i]])));
	}
	fputs("</table>\n", f);
}

static void actions(FILE *f, const struct stats *st)
{
	int a;

	fputs("<h2 id=\"actions\">Actions</h2>\n<table><tr><th class=\"n\">action</th><th>at RCPT</th>"
	      "<th>at DATA</th></tr>\n", f);
	for (a = 0; a < A_COUNT; a++)
		if (st->act[a][S_RCPT] + st->act[a][S_DATA] > 0)
			fprintf(f, "<tr><td class=\"n\">%s</td><td>%llu</td><td>%llu</td></tr>\n", stats_act_name((enum act)a),
			        U(st->act[a][S_RCPT]), U(st->act[a][S_DATA]));
	fputs("</table>\n", f);
}

static void top(FILE *f, const char *id, const char *title, const struct topk *t, int max)
{
	const struct topk_entry *e[1000];
	size_t n = topk_sorted(t, e, (size_t)max), i;

	fprintf(f, "<h2 id=\"%s\">Top %s refused</h2>\n", id, title);
	if (t->evictions)
		fputs("<p>Approximate: more names than the table holds; a count may be too high by its error.</p>\n", f);
	fputs("<table><tr><th>count</th><th>error</th><th class=\"n\">name</th></tr>\n", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "<tr><td>%llu</td><td>%llu</td><td class=\"n\"><code>", U(e[i]->count), U(e[i]->err));
		text(f, e[i]->key);
		fputs("</code></td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void all_suspended(FILE *f, const struct stats *st)
{
	fprintf(f, "<p id=\"zones-all\"%s>Every list suspended at once by the self-test: %llu times; a list passed "
	        "again: %llu times.%s</p>\n", st->zones_all_down ? " class=\"dead\"" : "", U(st->zones_all_suspended),
	        U(st->zones_back), st->zones_all_down ? " All suspended at the end: the [dnsbl] checks do nothing." : "");
}

static void zones(FILE *f, const struct stats *st)
{
	size_t idx[CAP_ZONES + 1], n = rp_zones(st, idx), i;
	int o, notes = 0;

	fprintf(f, "<h2 id=\"zones\">DNS lists</h2>\n<p>%llu sessions with DNS checks read.</p>\n"
	        "<table class=\"zones\"><tr><th class=\"n\">zone</th><th>weight</th>", U(st->checked));
	for (o = 0; o < Z_COUNT; o++)
		fprintf(f, "<th>%s</th>", stats_zone_out_name((enum zone_out)o));
	fputs("<th>suspensions</th><th>restorations</th><th class=\"n\">health</th></tr>\n", f);
	for (i = 0; i < n; i++) {
		const struct zone_stat *z = &st->zone[idx[i]];
		enum zone_health h = rp_zone_health(st, z);
		fprintf(f, "<tr class=\"%s\"><td class=\"n\">", h >= ZH_FAILING ? "dead" : rp_zone_health_name(h));
		text(f, names_name(&st->zones, idx[i]));
		if (z->has_weight)
			fprintf(f, "</td><td>%ld</td>", z->weight);
		else
			fputs("</td><td>-</td>", f);
		for (o = 0; o < Z_COUNT; o++)
			fprintf(f, "<td>%llu</td>", U(z->out[o]));
		fprintf(f, "<td>%llu</td><td>%llu</td><td class=\"n\">%s</td></tr>\n", U(z->suspensions),
		        U(z->restorations), rp_zone_health_name(h));
		notes += h >= ZH_UNTESTED;
	}
	fputs("</table>\n", f);
	all_suspended(f, st);
	if (notes == 0)
		return;
	fputs("<ul class=\"zone-notes\">\n", f);
	for (i = 0; i < n; i++) {
		const struct zone_stat *z = &st->zone[idx[i]];
		enum zone_health h = rp_zone_health(st, z);
		if (h < ZH_UNTESTED)
			continue;
		fputs(h == ZH_UNTESTED ? "<li>" : "<li class=\"dead\">", f);
		text(f, names_name(&st->zones, idx[i]));
		if (h == ZH_UNTESTED) {
			fprintf(f, ": in use, but its last self-test got no answer (self-tests without an answer: %llu): ", U(z->untested));
			text(f, z->reason);
		} else if (h == ZH_SUSPENDED) {
			fputs(": suspended by the self-test: ", f);
			text(f, z->reason);
		} else {
			fprintf(f, ": failing: no usable answer in %llu of %llu sessions", U(rp_zone_failures(z)),
			        U(rp_zone_checked(st, z)));
		}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

static void shadow(FILE *f, const struct stats *st)
{
	size_t idx[CAP_SHADOW], n = rp_shadow_order(st, idx), i;
	int s;

	fputs("<h2 id=\"shadow\">Shadow mode: what enforcing would have refused</h2>\n", f);
	fputs("<table><tr><th>count</th><th class=\"n\">check</th><th class=\"n\">policy</th>"
	      "<th class=\"n\">would</th><th class=\"n\">samples</th></tr>\n", f);
	for (i = 0; i < n; i++) {
		const struct shadow_stat *x = &st->shadow[idx[i]];
		fprintf(f, "<tr><td>%llu</td><td class=\"n\">", U(x->count));
		text(f, names_name(&st->checks, x->check));
		fputs("</td><td class=\"n\">", f);
		text(f, names_name(&st->policies, x->policy));
		fprintf(f, "</td><td class=\"n\">%s</td><td class=\"n\">", stats_act_name(x->would) + 7);
		for (s = 0; s < x->nsamples; s++) {
			fputs("<pre class=\"sample\">", f);
			text(f, x->sample[s]);
			fputs("</pre>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void hist_row(FILE *f, const char *name, const struct hist *h)
{
	fputs("<tr><td class=\"n\">", f);
	text(f, name);
	fprintf(f, "</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td></tr>\n", U(h->count),
	        U(hist_quantile(h, 0.5)), U(hist_quantile(h, 0.95)), U(hist_quantile(h, 0.99)), U(h->max));
}

static void server_row(FILE *f, const char *name, const struct backend_stat *b)
{
	fprintf(f, "<tr%s><td class=\"n\">", b->gtube_out ? " class=\"dead\"" : "");
	text(f, name);
	fprintf(f, "</td><td>%llu</td><td>%llu</td><td>%ld</td><td>%ld</td><td>%llu</td><td>%llu</td><td>%llu</td>"
	        "<td class=\"n\">", U(b->verdicts), U(b->failures), b->requests, b->failed, U(b->backoffs),
	        U(b->gtube_misses), U(b->gtube_backs));
	if (b->gtube_out) {
		fputs("out of use: does not flag GTUBE (", f);
		text(f, b->gtube_verdict);
		fputs(")", f);
	} else {
		fputs("in use", f);
	}
	fputs("</td></tr>\n", f);
}

static void timings(FILE *f, const struct stats *st)
{
	char name[NAMES_LEN + 16];
	size_t i;

	fputs("<h2 id=\"timings\">Timings (ms)</h2>\n<table><tr><th class=\"n\"></th><th>count</th><th>median</th>"
	      "<th>p95</th><th>p99</th><th>max</th></tr>\n", f);
	hist_row(f, "spamd_ms (all servers)", &st->spamd_ms);
	for (i = 0; i < st->backends.n; i++) {
		if (st->backend[i].ms.count == 0)
			continue;
		snprintf(name, sizeof(name), "spamd_ms %s", names_name(&st->backends, i));
		hist_row(f, name, &st->backend[i].ms);
	}
	hist_row(f, "dns_ms", &st->dns_ms);
	hist_row(f, "wait_ms", &st->wait_ms);
	fputs("</table>\n<table><tr><th class=\"n\">spamd server</th><th>verdicts</th><th>failed</th>"
	      "<th>requests</th><th>failures</th><th>backoff lines</th><th>GTUBE missed</th>"
	      "<th>back in use</th><th class=\"n\">state</th></tr>\n", f);
	for (i = 0; i < st->backends.n; i++)
		server_row(f, names_name(&st->backends, i), &st->backend[i]);
	fputs("</table>\n", f);
}

static void busiest(FILE *f, const struct stats *st, int max)
{
	size_t idx[1000], n = rp_busiest(&st->tl, idx, (size_t)max), i;
	int c;

	fputs("<h2 id=\"busiest\">Busiest hours</h2>\n<table><tr><th class=\"n\">from</th>", f);
	for (c = 0; c < TL_COLS; c++)
		fprintf(f, "<th>%s</th>", tl_col_name((enum tl_col)c));
	fputs("</tr>\n", f);
	for (i = 0; i < n; i++) {
		char when[32];
		rp_time(st->tl.base + (int64_t)idx[i] * st->tl.width, ' ', when, sizeof(when));
		fprintf(f, "<tr><td class=\"n\">%.16s</td>", when);
		for (c = 0; c < TL_COLS; c++)
			fprintf(f, "<td>%llu</td>", U(st->tl.slot[idx[i]][c]));
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void problems(FILE *f, const struct stats *st)
{
	int i;

	fputs("<h2 id=\"lines\">Lines that did not fit</h2>\n", f);
	fprintf(f, "<p>%llu malformed, %llu of unknown kinds.</p>\n", U(st->malformed), U(st->unknown));
	for (i = 0; i < SAMPLES && st->malformed_sample[i][0]; i++) {
		fputs("<pre class=\"malformed\">", f);
		text(f, st->malformed_sample[i]);
		fputs("</pre>\n", f);
	}
	for (i = 0; i < SAMPLES && st->unknown_sample[i][0]; i++) {
		fputs("<pre class=\"unknown\">", f);
		text(f, st->unknown_sample[i]);
		fputs("</pre>\n", f);
	}
}

int report_html(FILE *f, const struct stats *st, const struct report_opts *o)
{
	head(f, st, o);
	traffic(f, st);
	chart_hours(f, st);
	actions(f, st);
	chart_checks(f, st, o->top);
	matrix(f, "policies", "Actions per policy domain", "policy", (const uint64_t (*)[A_COUNT])st->pol_act,
	       &st->policies);
	matrix(f, "check-table", "Checks", "check", (const uint64_t (*)[A_COUNT])st->check_act, &st->checks);
	top(f, "top-helo", "HELO names", &st->top_helo, o->top);
	top(f, "top-clients", "client addresses", &st->top_client, o->top);
	top(f, "top-networks", "networks (/24, /48)", &st->top_net, o->top);
	zones(f, st);
	shadow(f, st);
	chart_scores(f, st);
	timings(f, st);
	busiest(f, st, o->top);
	problems(f, st);
	fputs("</body></html>\n", f);
	fflush(f);
	return ferror(f) ? -1 : 0;
}

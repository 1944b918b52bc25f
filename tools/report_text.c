/*
 * report_text.c - the plain text report, for a terminal or a mail to the admin.
 *
 * Does:    one section per question: what was refused and why, what shadow
 *          mode would have refused, whether a DNS list is dead, whether spamd
 *          keeps up, when the busy hours are.
 * Returns: 0, or -1 on a write error.
 * Never:   prints log text other than through "%s" with text cleaned when
 *          it was stored (no control bytes, bounded).
 */
#include <stdio.h>
#include <string.h>

#include "report.h"

#define BAR_WIDTH 40

static void period(FILE *f, const struct stats *st, const struct report_opts *o)
{
	char a[32], b[32];

	if (st->has_period) {
		rp_time(st->first, ' ', a, sizeof(a));
		rp_time(st->last, ' ', b, sizeof(b));
		fprintf(f, "doorman-report: %s to %s", a, b);
	} else {
		fprintf(f, "doorman-report: no time stamped doorman lines");
	}
	if (o->has_since || o->has_until) {
		rp_time(o->since, ' ', a, sizeof(a));
		rp_time(o->until, ' ', b, sizeof(b));
		fprintf(f, " (asked: %s to %s)", o->has_since ? a : "start", o->has_until ? b : "end");
	}
	if (o->domain != NULL)
		fprintf(f, " (domain %s)", o->domain);
	fprintf(f, "\n");
	fprintf(f, "input: %zu %s, %llu lines: %llu doorman, %llu of other programs; %llu malformed, "
	        "%llu of unknown kinds, %llu outside the period, %llu other domains",
	        o->ninputs, o->ninputs == 1 ? "input" : "inputs", (unsigned long long)st->lines,
	        (unsigned long long)st->doorman_lines, (unsigned long long)st->other_lines,
	        (unsigned long long)st->malformed, (unsigned long long)st->unknown,
	        (unsigned long long)st->outside, (unsigned long long)st->other_domain);
	if (st->overlong)
		fprintf(f, ", %llu overlong", (unsigned long long)st->overlong);
	if (o->input_errors)
		fprintf(f, "; %llu INPUT ERRORS (see stderr)", (unsigned long long)o->input_errors);
	fprintf(f, "\n");
}

/* Descriptors, the HELO cap, configuration warnings: lines of the Traffic section. */
static void health(FILE *f, const struct stats *st)
{
	int i;

	fprintf(f, "  descriptors  near the limit %llu (%llu at the limit), sockets not opened: %llu DNS, %llu spamd",
	        (unsigned long long)st->fd_near, (unsigned long long)st->fd_all,
	        (unsigned long long)st->dns_sockets_failed, (unsigned long long)st->spamd_sockets_failed);
	if (st->fd_limit > 0)
		fprintf(f, " (limit %ld)", st->fd_limit);
	fprintf(f, "\n  HELO cap     %llu sessions sent more HELO names than are looked up (dns=capped)\n",
	        (unsigned long long)st->helo_capped);
	fprintf(f, "  config       warnings %llu (checks that are on but cannot act)%s\n",
	        (unsigned long long)st->config_warnings, st->config_warning[0][0] ? ", the last distinct ones:" : "");
	for (i = 0; i < SAMPLES && st->config_warning[i][0]; i++)
		fprintf(f, "               %s\n", st->config_warning[i]);
}

static void traffic(FILE *f, const struct stats *st)
{
	fprintf(f, "\nTraffic%s\n", "");
	fprintf(f, "  sessions     %10llu  (%llu trusted, %llu with DNS checks read)\n",
	        (unsigned long long)st->sessions, (unsigned long long)st->trusted, (unsigned long long)st->checked);
	fprintf(f, "  messages     %10llu  (%llu passed only because a check was in shadow mode)\n",
	        (unsigned long long)st->messages, (unsigned long long)st->shadowed_msgs);
	fprintf(f, "  recipients   %10llu  (%llu accepted, %llu rejected, %llu deferred)\n",
	        (unsigned long long)(st->rcpt_ok + st->rcpt_rejected + st->rcpt_deferred),
	        (unsigned long long)st->rcpt_ok, (unsigned long long)st->rcpt_rejected,
	        (unsigned long long)st->rcpt_deferred);
	fprintf(f, "  daemon       starts %llu, stops %llu, reloads %llu (%llu refused, %llu configuration errors)\n",
	        (unsigned long long)st->starts, (unsigned long long)st->stops, (unsigned long long)st->reloads,
	        (unsigned long long)st->reload_failures, (unsigned long long)st->config_errors);
	fprintf(f, "  stopping     waited for open sessions %llu, stopped with sessions open %llu (%llu sessions "
	        "left to the MTA's default action)\n", (unsigned long long)st->stop_drains,
	        (unsigned long long)st->stops_cut, (unsigned long long)st->sessions_cut);
	fprintf(f, "  trouble      resolver errors %llu, self-test errors %llu, internal errors %llu, "
	        "changes refused by the MTA %llu\n",
	        (unsigned long long)st->resolver_errors, (unsigned long long)st->selftest_errors,
	        (unsigned long long)st->internal_errors, (unsigned long long)st->mta_refused);
	health(f, st);
}

static void actions(FILE *f, const struct stats *st)
{
	int a;

	fprintf(f, "\nActions (at RCPT: per recipient; at DATA: per message)\n");
	fprintf(f, "  %-20s %10s %10s %10s\n", "action", "at RCPT", "at DATA", "total");
	for (a = 0; a < A_COUNT; a++) {
		uint64_t r = st->act[a][S_RCPT], d = st->act[a][S_DATA];
		if (r + d == 0)
			continue;
		fprintf(f, "  %-20s %10llu %10llu %10llu\n", stats_act_name((enum act)a), (unsigned long long)r,
		        (unsigned long long)d, (unsigned long long)(r + d));
	}
}

static const enum act table_cols[] = { A_REJECT, A_DEFER, A_TAG, A_QUARANTINE, A_PASS, A_EXEMPT, A_UNSCANNED, A_SKIP };

static void matrix(FILE *f, const char *title, const char *what, const uint64_t (*rows)[A_COUNT],
                   const struct names *names)
{
	size_t idx[CAP_POLICIES + 1], n, i, c;

	n = rp_rows(rows, names, idx);
	fprintf(f, "\n%s\n  %-28s", title, what);
	for (c = 0; c < sizeof(table_cols) / sizeof(table_cols[0]); c++)
		fprintf(f, " %10s", stats_act_name(table_cols[c]));
	fprintf(f, " %10s\n", "shadow");
	for (i = 0; i < n; i++) {
		fprintf(f, "  %-28s", names_name(names, idx[i]));
		for (c = 0; c < sizeof(table_cols) / sizeof(table_cols[0]); c++)
			fprintf(f, " %10llu", (unsigned long long)rows[idx[i]][table_cols[c]]);
		fprintf(f, " %10llu\n", (unsigned long long)rp_shadow_sum(rows[idx[i]]));
	}
	if (n == 0)
		fprintf(f, "  (none)\n");
}

static void top(FILE *f, const char *title, const struct topk *t, int max)
{
	const struct topk_entry *e[1000];
	size_t n = topk_sorted(t, e, (size_t)max), i;

	fprintf(f, "\nTop %d %s refused (reject or defer)%s\n", max, title,
	        t->evictions ? " - approximate: more names than the table holds" : "");
	for (i = 0; i < n; i++) {
		fprintf(f, "  %10llu  %s", (unsigned long long)e[i]->count, e[i]->key);
		if (e[i]->err)
			fprintf(f, "  (at most %llu too many)", (unsigned long long)e[i]->err);
		fprintf(f, "\n");
	}
	if (n == 0)
		fprintf(f, "  (none)\n");
}

static const char *const health_text[] = { "ok", "restored", "UNTESTED", "FAILING", "SUSPENDED" };

static void zones(FILE *f, const struct stats *st)
{
	size_t idx[CAP_ZONES + 1], n = rp_zones(st, idx), i;
	int o;

	fprintf(f, "\nDNS lists (per session with DNS checks read: %llu)\n", (unsigned long long)st->checked);
	fprintf(f, "  %-30s %6s", "zone", "weight");
	for (o = 0; o < Z_COUNT; o++)
		fprintf(f, " %10s", stats_zone_out_name((enum zone_out)o));
	fprintf(f, " %11s %12s  %s\n", "suspensions", "restorations", "state");
	for (i = 0; i < n; i++) {
		const struct zone_stat *z = &st->zone[idx[i]];
		char w[24];
		if (z->has_weight)
			snprintf(w, sizeof(w), "%ld", z->weight);
		else
			snprintf(w, sizeof(w), "-");
		fprintf(f, "  %-30s %6s", names_name(&st->zones, idx[i]), w);
		for (o = 0; o < Z_COUNT; o++)
			fprintf(f, " %10llu", (unsigned long long)z->out[o]);
		fprintf(f, " %11llu %12llu  %s", (unsigned long long)z->suspensions,
		        (unsigned long long)z->restorations, health_text[rp_zone_health(st, z)]);
		if (z->state == 2)
			fprintf(f, " (%s)", z->reason);
		else if (rp_zone_health(st, z) == ZH_FAILING)
			fprintf(f, " (no usable answer in %llu of %llu sessions)", (unsigned long long)rp_zone_failures(z),
			        (unsigned long long)rp_zone_checked(st, z));
		else if (z->state == 3)
			fprintf(f, " (could not be tested: %s)", z->reason);
		if (z->untested > 0)
			fprintf(f, "; self-tests without an answer: %llu", (unsigned long long)z->untested);
		fprintf(f, "\n");
	}
	if (n == 0)
		fprintf(f, "  (no DNS list named in the log)\n");
	fprintf(f, "  every list suspended at once %llu, a list passed again %llu%s\n",
	        (unsigned long long)st->zones_all_suspended, (unsigned long long)st->zones_back,
	        st->zones_all_down ? "; ALL SUSPENDED at the end: the [dnsbl] checks do nothing" : "");
}

static void shadow(FILE *f, const struct stats *st)
{
	size_t idx[CAP_SHADOW], n = rp_shadow_order(st, idx), i;
	int s;

	fprintf(f, "\nShadow mode: what enforcing would have refused%s\n",
	        st->shadow_overflow ? " (table full: some not counted)" : "");
	for (i = 0; i < n; i++) {
		const struct shadow_stat *x = &st->shadow[idx[i]];
		fprintf(f, "  %10llu  check=%s policy=%s would %s\n", (unsigned long long)x->count,
		        names_name(&st->checks, x->check), names_name(&st->policies, x->policy),
		        stats_act_name(x->would) + 7);
		for (s = 0; s < x->nsamples; s++)
			fprintf(f, "              e.g. %s\n", x->sample[s]);
	}
	if (n == 0)
		fprintf(f, "  (none)\n");
}

static void scores(FILE *f, const struct stats *st)
{
	uint64_t max = 0;
	int i, k;

	fprintf(f, "\nSpam scores (%llu messages with a score)\n", (unsigned long long)st->scored);
	for (i = 0; i < SCORE_BUCKETS; i++)
		if (st->scores[i] > max)
			max = st->scores[i];
	for (i = 0; max > 0 && i < SCORE_BUCKETS; i++) {
		double lo, hi;
		char label[64];
		int bar = (int)((st->scores[i] * BAR_WIDTH + max - 1) / max);
		stats_score_bounds(i, &lo, &hi);
		if (i == 0)
			snprintf(label, sizeof(label), "< 0");
		else if (i == SCORE_BUCKETS - 1)
			snprintf(label, sizeof(label), ">= %g", lo);
		else
			snprintf(label, sizeof(label), "%g - %g", lo, hi);
		fprintf(f, "  %9s |", label);
		for (k = 0; k < bar; k++)
			putc('#', f);
		fprintf(f, "%*s %llu\n", BAR_WIDTH - bar, "", (unsigned long long)st->scores[i]);
	}
	if (max == 0)
		fprintf(f, "  (none)\n");
}

static void timing(FILE *f, const char *name, const struct hist *h)
{
	fprintf(f, "  %-40.60s %8llu %8llu %8llu %8llu %8llu\n", name, (unsigned long long)h->count,
	        (unsigned long long)hist_quantile(h, 0.5), (unsigned long long)hist_quantile(h, 0.95),
	        (unsigned long long)hist_quantile(h, 0.99), (unsigned long long)h->max);
}

static void timings(FILE *f, const struct stats *st)
{
	size_t i;
	char name[NAMES_LEN + 16];
	int k;

	fprintf(f, "\nTimings in ms (percentiles at most 1%% high)\n");
	fprintf(f, "  %-40s %8s %8s %8s %8s %8s\n", "", "count", "median", "p95", "p99", "max");
	timing(f, "spamd_ms (all servers)", &st->spamd_ms);
	for (i = 0; i <= st->backends.cap; i++) {
		if (i >= st->backends.n && i != st->backends.cap)
			continue;
		if (st->backend[i].ms.count == 0)
			continue;
		snprintf(name, sizeof(name), "spamd_ms %s", names_name(&st->backends, i));
		timing(f, name, &st->backend[i].ms);
	}
	timing(f, "dns_ms (first lookup to last answer)", &st->dns_ms);
	timing(f, "wait_ms (delay added at the first RCPT)", &st->wait_ms);
	fprintf(f, "\nspamd servers\n");
	for (i = 0; i < st->backends.n; i++) {
		const struct backend_stat *b = &st->backend[i];
		fprintf(f, "  %s: %llu verdicts, %llu failed messages", names_name(&st->backends, i),
		        (unsigned long long)b->verdicts, (unsigned long long)b->failures);
		if (b->has_counters)
			fprintf(f, "; last counters: requests=%ld failures=%ld in_flight=%ld", b->requests, b->failed,
			        b->in_flight);
		if (b->backoffs)
			fprintf(f, "; BACKING OFF in %llu counter lines", (unsigned long long)b->backoffs);
		if (b->gtube_misses || b->gtube_backs)
			fprintf(f, "; GTUBE self-test missed %llu, back in use %llu", (unsigned long long)b->gtube_misses,
			        (unsigned long long)b->gtube_backs);
		if (b->gtube_out)
			fprintf(f, "; OUT OF USE: does not flag GTUBE (%s)", b->gtube_verdict);
		fprintf(f, "\n");
	}
	fprintf(f, "  failures after sending:");
	for (k = 0; k < F_COUNT; k++)
		fprintf(f, " %s %llu", stats_fail_name((enum spamd_fail)k), (unsigned long long)st->spamd_fail[k]);
	fprintf(f, "\n");
}

static void hours(FILE *f, const struct stats *st, int max)
{
	size_t idx[1000], n = rp_busiest(&st->tl, idx, (size_t)max), i;

	fprintf(f, "\nBusiest %s\n", st->tl.width == 3600 ? "hours" : "time slots");
	fprintf(f, "  %-19s %10s %10s %10s %10s %10s %10s\n", "from", "sessions", "messages", "reject", "defer",
	        "shadow", "tag");
	for (i = 0; i < n; i++) {
		const uint64_t *s = st->tl.slot[idx[i]];
		char when[32];
		rp_time(st->tl.base + (int64_t)idx[i] * st->tl.width, ' ', when, sizeof(when));
		fprintf(f, "  %-16.16s    %10llu %10llu %10llu %10llu %10llu %10llu\n", when,
		        (unsigned long long)s[TL_SESSIONS], (unsigned long long)s[TL_MESSAGES],
		        (unsigned long long)s[TL_REJECT], (unsigned long long)s[TL_DEFER],
		        (unsigned long long)s[TL_SHADOW], (unsigned long long)s[TL_TAG]);
	}
	if (st->tl.width != 3600)
		fprintf(f, "  (each slot is %lld hours: the period is longer than %d hours)\n",
		        (long long)(st->tl.width / 3600), TL_SLOTS);
	if (n == 0)
		fprintf(f, "  (none)\n");
}

static void lines(FILE *f, const struct stats *st)
{
	int k, i;

	fprintf(f, "\nLog lines by kind:");
	for (k = LL_RCPT; k < LL_KIND_COUNT; k++)
		if (st->kinds[k])
			fprintf(f, " %s %llu", ll_kind_name((enum ll_kind)k), (unsigned long long)st->kinds[k]);
	fprintf(f, "; warnings %llu, errors %llu\n", (unsigned long long)st->warnings, (unsigned long long)st->errors);
	fprintf(f, "Log formats:");
	for (k = LL_FMT_BSD; k < LL_FMT_COUNT; k++)
		if (st->formats[k])
			fprintf(f, " %s %llu", ll_format_name((enum ll_format)k), (unsigned long long)st->formats[k]);
	fprintf(f, "\n");
	for (i = 0; i < SAMPLES && st->malformed_sample[i][0]; i++)
		fprintf(f, "%s %s\n", i ? "          " : "malformed:", st->malformed_sample[i]);
	for (i = 0; i < SAMPLES && st->unknown_sample[i][0]; i++)
		fprintf(f, "%s %s\n", i ? "              " : "unknown kinds:", st->unknown_sample[i]);
}

int report_text(FILE *f, const struct stats *st, const struct report_opts *o)
{
	period(f, st, o);
	traffic(f, st);
	actions(f, st);
	matrix(f, "Actions per policy domain", "policy", (const uint64_t (*)[A_COUNT])st->pol_act, &st->policies);
	matrix(f, "Checks", "check", (const uint64_t (*)[A_COUNT])st->check_act, &st->checks);
	top(f, "HELO names", &st->top_helo, o->top);
	top(f, "client addresses", &st->top_client, o->top);
	top(f, "networks (/24, /48)", &st->top_net, o->top);
	zones(f, st);
	shadow(f, st);
	scores(f, st);
	timings(f, st);
	hours(f, st, o->top);
	lines(f, st);
	fflush(f);
	return ferror(f) ? -1 : 0;
}

/*
 * report_json.c - the report as one JSON object (schema REPORT_SCHEMA,
 * documented in doorman-report(1)): for scripts and monitoring.
 *
 * Does:    write every section of the text report with stable key names;
 *          counts are integers, times "YYYY-MM-DDTHH:MM:SS" as written in the
 *          log (no time zone), absent values null.
 * Returns: 0, or -1 on a write error.
 * Never:   writes a string that did not go through esc_json; renames or
 *          removes a key without raising "schema".
 */
#include <stdio.h>
#include <string.h>

#include "dm_autoconf.h"
#include "escape.h"
#include "report.h"

#define U(x) ((unsigned long long)(x))

static void key(FILE *f, int *first, const char *k)
{
	fputs(*first ? "" : ",", f);
	*first = 0;
	esc_json(f, k);
	putc(':', f);
}

static void kv_u(FILE *f, int *first, const char *k, uint64_t v)
{
	key(f, first, k);
	fprintf(f, "%llu", U(v));
}

static void kv_s(FILE *f, int *first, const char *k, const char *v)
{
	key(f, first, k);
	if (v == NULL)
		fputs("null", f);
	else
		esc_json(f, v);
}

static void kv_time(FILE *f, int *first, const char *k, int has, int64_t t)
{
	char buf[32];

	rp_time(t, 'T', buf, sizeof(buf));
	kv_s(f, first, k, has ? buf : NULL);
}

static void input(FILE *f, const struct stats *st, const struct report_opts *o)
{
	int first = 1, k;
	size_t i;

	fputs(",\"input\":{", f);
	key(f, &first, "inputs");
	putc('[', f);
	for (i = 0; i < o->ninputs; i++) {
		char name[NAMES_LEN];
		esc_clean(name, sizeof(name), o->inputs[i], strlen(o->inputs[i]));
		fputs(i ? "," : "", f);
		esc_json(f, name);
	}
	putc(']', f);
	kv_u(f, &first, "read_errors", o->input_errors);
	kv_u(f, &first, "lines", st->lines);
	kv_u(f, &first, "doorman_lines", st->doorman_lines);
	kv_u(f, &first, "other_lines", st->other_lines);
	kv_u(f, &first, "malformed", st->malformed);
	kv_u(f, &first, "unknown_kinds", st->unknown);
	kv_u(f, &first, "outside_period", st->outside);
	kv_u(f, &first, "other_domains", st->other_domain);
	kv_u(f, &first, "overlong", st->overlong);
	kv_u(f, &first, "warning_lines", st->warnings);
	kv_u(f, &first, "error_lines", st->errors);
	key(f, &first, "kinds");
	for (putc('{', f), i = 0, k = LL_RCPT; k < LL_KIND_COUNT; k++) {
		int kf = i++ == 0;
		kv_u(f, &kf, ll_kind_name((enum ll_kind)k), st->kinds[k]);
	}
	putc('}', f);
	key(f, &first, "formats");
	for (putc('{', f), i = 0, k = LL_FMT_BSD; k < LL_FMT_COUNT; k++) {
		int kf = i++ == 0;
		kv_u(f, &kf, ll_format_name((enum ll_format)k), st->formats[k]);
	}
	putc('}', f);
	key(f, &first, "malformed_samples");
	for (putc('[', f), k = 0; k < SAMPLES && st->malformed_sample[k][0]; k++) {
		fputs(k ? "," : "", f);
		esc_json(f, st->malformed_sample[k]);
	}
	fputs("]", f);
	key(f, &first, "unknown_samples");
	for (putc('[', f), k = 0; k < SAMPLES && st->unknown_sample[k][0]; k++) {
		fputs(k ? "," : "", f);
		esc_json(f, st->unknown_sample[k]);
	}
	fputs("]}", f);
}

/* The daemon's health, within "traffic". */
static void health(FILE *f, const struct stats *st, int *first)
{
	int i;

	kv_u(f, first, "stop_drains", st->stop_drains);
	kv_u(f, first, "stops_with_sessions_open", st->stops_cut);
	kv_u(f, first, "sessions_left_open", st->sessions_cut);
	kv_u(f, first, "fd_limit_near", st->fd_near);
	kv_u(f, first, "fd_limit_reached", st->fd_all);
	key(f, first, "fd_limit");
	if (st->fd_limit > 0)
		fprintf(f, "%ld", st->fd_limit);
	else
		fputs("null", f);
	kv_u(f, first, "dns_sockets_failed", st->dns_sockets_failed);
	kv_u(f, first, "spamd_sockets_failed", st->spamd_sockets_failed);
	kv_u(f, first, "helo_capped_sessions", st->helo_capped);
	kv_u(f, first, "config_warnings", st->config_warnings);
	key(f, first, "config_warning_samples");
	for (putc('[', f), i = 0; i < SAMPLES && st->config_warning[i][0]; i++) {
		fputs(i ? "," : "", f);
		esc_json(f, st->config_warning[i]);
	}
	putc(']', f);
}

static void head(FILE *f, const struct stats *st, const struct report_opts *o)
{
	int first = 1;

	fprintf(f, "{\"schema\":%d,\"generator\":\"doorman-report %s\"", REPORT_SCHEMA, PACKAGE_VERSION);
	fputs(",\"period\":{", f);
	kv_time(f, &first, "first", st->has_period, st->first);
	kv_time(f, &first, "last", st->has_period, st->last);
	kv_time(f, &first, "since", o->has_since, o->since);
	kv_time(f, &first, "until", o->has_until, o->until);
	kv_s(f, &first, "domain", o->domain);
	putc('}', f);
	input(f, st, o);
	first = 1;
	fputs(",\"traffic\":{", f);
	kv_u(f, &first, "sessions", st->sessions);
	kv_u(f, &first, "trusted_sessions", st->trusted);
	kv_u(f, &first, "checked_sessions", st->checked);
	kv_u(f, &first, "messages", st->messages);
	kv_u(f, &first, "shadowed_messages", st->shadowed_msgs);
	kv_u(f, &first, "rcpt_ok", st->rcpt_ok);
	kv_u(f, &first, "rcpt_rejected", st->rcpt_rejected);
	kv_u(f, &first, "rcpt_deferred", st->rcpt_deferred);
	kv_u(f, &first, "starts", st->starts);
	kv_u(f, &first, "stops", st->stops);
	kv_u(f, &first, "reloads", st->reloads);
	kv_u(f, &first, "reload_failures", st->reload_failures);
	kv_u(f, &first, "resolver_errors", st->resolver_errors);
	kv_u(f, &first, "selftest_errors", st->selftest_errors);
	kv_u(f, &first, "mta_refused", st->mta_refused);
	kv_u(f, &first, "internal_errors", st->internal_errors);
	kv_u(f, &first, "config_errors", st->config_errors);
	health(f, st, &first);
	putc('}', f);
}

static void actions(FILE *f, const struct stats *st)
{
	int a, first = 1;

	fputs(",\"actions\":{", f);
	for (a = 0; a < A_COUNT; a++) {
		key(f, &first, stats_act_name((enum act)a));
		fprintf(f, "{\"rcpt\":%llu,\"data\":%llu}", U(st->act[a][S_RCPT]), U(st->act[a][S_DATA]));
	}
	putc('}', f);
}

/* [{"NAMEKEY":"x","reject":N,...}] for policies and checks. */
static void matrix(FILE *f, const char *title, const char *namekey, const uint64_t (*rows)[A_COUNT],
                   const struct names *names)
{
	size_t idx[CAP_POLICIES + 1], n = rp_rows(rows, names, idx), i;
	int a;

	fprintf(f, ",\"%s\":[", title);
	for (i = 0; i < n; i++) {
		int first = 1;
		fputs(i ? ",{" : "{", f);
		kv_s(f, &first, namekey, names_name(names, idx[i]));
		for (a = 0; a < A_COUNT; a++)
			kv_u(f, &first, stats_act_name((enum act)a), rows[idx[i]][a]);
		putc('}', f);
	}
	putc(']', f);
}

static void top_list(FILE *f, const char *name, const struct topk *t, int max)
{
	const struct topk_entry *e[1000];
	size_t n = topk_sorted(t, e, (size_t)max), i;

	fprintf(f, "\"%s\":{\"approximate\":%s,\"distinct_capacity\":%llu,\"total\":%llu,\"entries\":[", name,
	        t->evictions ? "true" : "false", U(t->cap), U(t->total));
	for (i = 0; i < n; i++) {
		int first = 1;
		fputs(i ? ",{" : "{", f);
		kv_s(f, &first, "name", e[i]->key);
		kv_u(f, &first, "count", e[i]->count);
		kv_u(f, &first, "error", e[i]->err);
		putc('}', f);
	}
	fputs("]}", f);
}

static void tops(FILE *f, const struct stats *st, int max)
{
	fputs(",\"top_refused\":{", f);
	top_list(f, "helo", &st->top_helo, max);
	putc(',', f);
	top_list(f, "clients", &st->top_client, max);
	putc(',', f);
	top_list(f, "networks", &st->top_net, max);
	putc('}', f);
}

static void zones(FILE *f, const struct stats *st)
{
	size_t idx[CAP_ZONES + 1], n = rp_zones(st, idx), i;
	int o;

	fprintf(f, ",\"dns_lists\":[");
	for (i = 0; i < n; i++) {
		const struct zone_stat *z = &st->zone[idx[i]];
		int first = 1;
		fputs(i ? ",{" : "{", f);
		kv_s(f, &first, "zone", names_name(&st->zones, idx[i]));
		key(f, &first, "weight");
		if (z->has_weight)
			fprintf(f, "%ld", z->weight);
		else
			fputs("null", f);
		for (o = 0; o < Z_COUNT; o++)
			kv_u(f, &first, stats_zone_out_name((enum zone_out)o), z->out[o]);
		kv_u(f, &first, "answer_warnings", z->answer_warnings);
		kv_u(f, &first, "suspensions", z->suspensions);
		kv_u(f, &first, "restorations", z->restorations);
		kv_u(f, &first, "untested", z->untested);
		kv_s(f, &first, "health", rp_zone_health_name(rp_zone_health(st, z)));
		kv_u(f, &first, "failures", rp_zone_failures(z));
		kv_s(f, &first, "suspension_reason", z->state == 2 ? z->reason : NULL);
		kv_s(f, &first, "untested_reason", z->state == 3 ? z->reason : NULL);
		putc('}', f);
	}
	fprintf(f, "],\"dns_list_self_test\":{\"all_suspended\":%llu,\"passed_again\":%llu,"
	        "\"all_suspended_at_end\":%s}", U(st->zones_all_suspended), U(st->zones_back),
	        st->zones_all_down ? "true" : "false");
}

static void shadow(FILE *f, const struct stats *st)
{
	size_t idx[CAP_SHADOW], n = rp_shadow_order(st, idx), i;
	int s;

	fprintf(f, ",\"shadow\":{\"overflow\":%llu,\"findings\":[", U(st->shadow_overflow));
	for (i = 0; i < n; i++) {
		const struct shadow_stat *x = &st->shadow[idx[i]];
		int first = 1;
		fputs(i ? ",{" : "{", f);
		kv_s(f, &first, "check", names_name(&st->checks, x->check));
		kv_s(f, &first, "policy", names_name(&st->policies, x->policy));
		kv_s(f, &first, "would", stats_act_name(x->would) + 7);
		kv_u(f, &first, "count", x->count);
		key(f, &first, "samples");
		for (putc('[', f), s = 0; s < x->nsamples; s++) {
			fputs(s ? "," : "", f);
			esc_json(f, x->sample[s]);
		}
		fputs("]}", f);
	}
	fputs("]}", f);
}

static void hist_obj(FILE *f, const struct hist *h)
{
	fprintf(f, "{\"count\":%llu,\"median\":%llu,\"p95\":%llu,\"p99\":%llu,\"max\":%llu}", U(h->count),
	        U(hist_quantile(h, 0.5)), U(hist_quantile(h, 0.95)), U(hist_quantile(h, 0.99)), U(h->max));
}

/* One of spam.servers. */
static void server(FILE *f, const char *name, const struct backend_stat *x, int comma)
{
	int first = 1;

	fputs(comma ? ",{" : "{", f);
	kv_s(f, &first, "server", name);
	kv_u(f, &first, "verdicts", x->verdicts);
	kv_u(f, &first, "failed_messages", x->failures);
	key(f, &first, "spamd_ms");
	hist_obj(f, &x->ms);
	key(f, &first, "counters");
	if (x->has_counters)
		fprintf(f, "{\"requests\":%ld,\"failures\":%ld,\"in_flight\":%ld,\"skipped_for_ms\":%ld}",
		        x->requests, x->failed, x->in_flight, x->skipped_for_ms);
	else
		fputs("null", f);
	kv_u(f, &first, "backoff_lines", x->backoffs);
	kv_u(f, &first, "gtube_misses", x->gtube_misses);
	kv_u(f, &first, "gtube_back_in_use", x->gtube_backs);
	key(f, &first, "gtube_out_of_use");
	fputs(x->gtube_out ? "true" : "false", f);
	kv_s(f, &first, "gtube_verdict", x->gtube_misses ? x->gtube_verdict : NULL);
	putc('}', f);
}

static void spam(FILE *f, const struct stats *st)
{
	int i, first = 1;
	size_t b;

	fprintf(f, ",\"spam\":{\"scored\":%llu,\"histogram\":[", U(st->scored));
	for (i = 0; i < SCORE_BUCKETS; i++) {
		double lo, hi;
		stats_score_bounds(i, &lo, &hi);
		fputs(i ? "," : "", f);
		if (i == 0)
			fprintf(f, "{\"from\":null,\"to\":%g,\"count\":%llu}", hi, U(st->scores[i]));
		else if (i == SCORE_BUCKETS - 1)
			fprintf(f, "{\"from\":%g,\"to\":null,\"count\":%llu}", lo, U(st->scores[i]));
		else
			fprintf(f, "{\"from\":%g,\"to\":%g,\"count\":%llu}", lo, hi, U(st->scores[i]));
	}
	fputs("],\"failures\":{", f);
	for (i = 0; i < F_COUNT; i++)
		kv_u(f, &first, stats_fail_name((enum spamd_fail)i), st->spamd_fail[i]);
	fputs("},\"servers\":[", f);
	for (b = 0; b < st->backends.n; b++)
		server(f, names_name(&st->backends, b), &st->backend[b], b > 0);
	fputs("]}", f);
	fputs(",\"timings\":{\"spamd_ms\":", f);
	hist_obj(f, &st->spamd_ms);
	fputs(",\"dns_ms\":", f);
	hist_obj(f, &st->dns_ms);
	fputs(",\"wait_ms\":", f);
	hist_obj(f, &st->wait_ms);
	putc('}', f);
}

static void slot(FILE *f, const struct stats *st, size_t i, int comma)
{
	char when[32];
	int c, first = 1;

	rp_time(st->tl.base + (int64_t)i * st->tl.width, 'T', when, sizeof(when));
	fputs(comma ? ",{" : "{", f);
	kv_s(f, &first, "start", when);
	for (c = 0; c < TL_COLS; c++)
		kv_u(f, &first, tl_col_name((enum tl_col)c), st->tl.slot[i][c]);
	putc('}', f);
}

static void hours(FILE *f, const struct stats *st, int max)
{
	size_t idx[1000], n = rp_busiest(&st->tl, idx, (size_t)max), i;

	fprintf(f, ",\"time_slots\":{\"slot_seconds\":%lld,\"series\":[", (long long)st->tl.width);
	for (i = 0; i < st->tl.n; i++)
		slot(f, st, i, i > 0);
	fputs("],\"busiest\":[", f);
	for (i = 0; i < n; i++)
		slot(f, st, idx[i], i > 0);
	fputs("]}", f);
}

int report_json(FILE *f, const struct stats *st, const struct report_opts *o)
{
	head(f, st, o);
	actions(f, st);
	matrix(f, "policies", "policy", (const uint64_t (*)[A_COUNT])st->pol_act, &st->policies);
	matrix(f, "checks", "check", (const uint64_t (*)[A_COUNT])st->check_act, &st->checks);
	tops(f, st, o->top);
	zones(f, st);
	shadow(f, st);
	spam(f, st);
	hours(f, st, o->top);
	fputs("}\n", f);
	fflush(f);
	return ferror(f) ? -1 : 0;
}

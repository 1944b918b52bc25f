/*
 * stats.c - count what the parsed doorman lines say (see stats.h).
 *
 * Does:    one function per line kind; each reads and checks every field it
 *          needs first and counts only when the line is sound, so a broken
 *          line is counted once, as malformed, and nowhere else.
 * Returns: 0, or -1 with *why for a line out of its documented shape.
 * Never:   allocates after stats_init; keeps a pointer into a line; keeps
 *          text from the log without cleaning and bounding it.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "stats.h"

static const char *const act_names[A_COUNT] = {
	"reject", "defer", "tag", "quarantine", "pass", "exempt",
	"shadow_reject", "shadow_defer", "shadow_tag", "shadow_quarantine",
	"unscanned", "skip", "other",
};

static const char *const zone_out_names[Z_COUNT] = {
	"listed", "timeout", "error", "error_code", "bad_answer", "suspended", "other",
};

static const char *const fail_names[F_COUNT] = { "timeout", "io", "code", "malformed", "other" };

/* Lower bounds of the score buckets after the first (below 0). */
static const double score_lo[SCORE_BUCKETS] = {
	-1e9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 20, 30, 50, 100,
};

const char *stats_act_name(enum act a)
{
	return (unsigned)a < A_COUNT ? act_names[a] : "?";
}

const char *stats_zone_out_name(enum zone_out z)
{
	return (unsigned)z < Z_COUNT ? zone_out_names[z] : "?";
}

const char *stats_fail_name(enum spamd_fail f)
{
	return (unsigned)f < F_COUNT ? fail_names[f] : "?";
}

void stats_score_bounds(int i, double *lo, double *hi)
{
	*lo = score_lo[i];
	*hi = i + 1 < SCORE_BUCKETS ? score_lo[i + 1] : 1e9;
}

int stats_init(struct stats *st)
{
	memset(st, 0, sizeof(*st));
	st->pol_act = calloc(CAP_POLICIES + 1, sizeof(*st->pol_act));
	st->check_act = calloc(CAP_CHECKS + 1, sizeof(*st->check_act));
	st->zone = calloc(CAP_ZONES + 1, sizeof(*st->zone));
	st->backend = calloc(CAP_BACKENDS + 1, sizeof(*st->backend));
	st->shadow = calloc(CAP_SHADOW, sizeof(*st->shadow));
	if (st->pol_act == NULL || st->check_act == NULL || st->zone == NULL || st->backend == NULL ||
	    st->shadow == NULL || names_init(&st->policies, CAP_POLICIES) < 0 ||
	    names_init(&st->checks, CAP_CHECKS) < 0 || names_init(&st->zones, CAP_ZONES) < 0 ||
	    names_init(&st->backends, CAP_BACKENDS) < 0 || topk_init(&st->top_helo, CAP_TOP) < 0 ||
	    topk_init(&st->top_client, CAP_TOP) < 0 || topk_init(&st->top_net, CAP_TOP) < 0 ||
	    tl_init(&st->tl) < 0) {
		stats_free(st);
		return -1;
	}
	return 0;
}

void stats_free(struct stats *st)
{
	free(st->pol_act);
	free(st->check_act);
	free(st->zone);
	free(st->backend);
	free(st->shadow);
	names_free(&st->policies);
	names_free(&st->checks);
	names_free(&st->zones);
	names_free(&st->backends);
	topk_free(&st->top_helo);
	topk_free(&st->top_client);
	topk_free(&st->top_net);
	tl_free(&st->tl);
	memset(st, 0, sizeof(*st));
}

/* Keep the first SAMPLES lines of a kind, cleaned and bounded. */
static void sample(char (*dst)[SAMPLE_LEN], int *n, struct ll_slice line)
{
	if (*n >= SAMPLES)
		return;
	esc_clean(dst[*n], SAMPLE_LEN, line.p, line.n);
	(*n)++;
}

static int count_samples(char (*dst)[SAMPLE_LEN])
{
	int n = 0;

	while (n < SAMPLES && dst[n][0] != '\0')
		n++;
	return n;
}

void stats_malformed(struct stats *st, const struct logline *l, const char *why)
{
	char buf[SAMPLE_LEN];
	int n = count_samples(st->malformed_sample);

	st->malformed++;
	if (n < SAMPLES) {
		size_t w = esc_clean(buf, sizeof(buf) - 80, l->line.p, l->line.n);
		snprintf(buf + w, sizeof(buf) - w, "  [%s]", why ? why : "?");
		memcpy(st->malformed_sample[n], buf, sizeof(buf));
	}
}

/* A numeric field: absent is 0 (ok), present and not a number is an error.
 * Only the fields that are counted are checked: one that is not used cannot
 * make a count wrong. */
static int num(const struct logline *l, enum ll_key key, long *v, int *bad)
{
	struct ll_slice s = ll_get(l, key);

	*v = 0;
	if (s.p == NULL)
		return 0;
	if (LL_IS(s, "-"))
		return 0;
	if (ll_long(s, v) < 0 || *v < 0) {
		*bad = 1;
		return -1;
	}
	return 0;
}

static int policy_passes(const struct stats *st, struct ll_slice pol)
{
	size_t n;

	if (st->domain == NULL)
		return 1;
	n = strlen(st->domain);
	return pol.n == n && strncasecmp(pol.p, st->domain, n) == 0;
}

/* The length of a dotted quad's first three octets ("192.0.2" of
 * "192.0.2.7"), or 0 when ip is not a dotted quad. */
static size_t three_octets(struct ll_slice ip)
{
	size_t i, dots = 0, digits = 0, end = 0;

	for (i = 0; i < ip.n; i++) {
		if (ip.p[i] >= '0' && ip.p[i] <= '9') {
			if (++digits > 3)
				return 0;
		} else if (ip.p[i] == '.' && digits > 0 && dots < 3) {
			if (++dots == 3)
				end = i;
			digits = 0;
		} else {
			return 0;
		}
	}
	return dots == 3 && digits > 0 ? end : 0;
}

/* "192.0.2.7" -> "192.0.2.0/24", "2001:db8:1:2::7" -> "2001:db8:1::/48". */
static size_t network_of(struct ll_slice ip, char *out, size_t outlen)
{
	unsigned char a[16];
	char buf[64];
	size_t k = three_octets(ip);

	if (ip.n >= sizeof(buf) || ip.n + 6 > outlen)
		return 0;
	if (k > 0) {            /* the common case: no need for inet_pton */
		memcpy(out, ip.p, k);
		memcpy(out + k, ".0/24", 6);
		return k + 5;
	}
	memcpy(buf, ip.p, ip.n);
	buf[ip.n] = '\0';
	if (inet_pton(AF_INET6, buf, a) == 1) {
		memset(a + 6, 0, 10);
		inet_ntop(AF_INET6, a, buf, sizeof(buf));
		return (size_t)snprintf(out, outlen, "%s/48", buf);
	}
	return 0;
}

static void count_refused(struct stats *st, const struct logline *l)
{
	struct ll_slice helo = ll_get(l, LLK_HELO);
	char net[80];
	size_t n;

	if (helo.p != NULL)
		topk_add(&st->top_helo, helo.p, helo.n);
	topk_add(&st->top_client, l->client_ip.p, l->client_ip.n);
	n = network_of(l->client_ip, net, sizeof(net));
	if (n > 0 && n < sizeof(net))
		topk_add(&st->top_net, net, n);
}

static enum tl_col act_col(enum act a)
{
	switch (a) {
	case A_REJECT: return TL_REJECT;
	case A_DEFER: return TL_DEFER;
	case A_TAG: case A_QUARANTINE: return TL_TAG;
	case A_SHADOW_REJECT: case A_SHADOW_DEFER: case A_SHADOW_TAG: case A_SHADOW_QUARANTINE: return TL_SHADOW;
	default: return TL_PASS;
	}
}

static int is_shadow(enum act a)
{
	return a >= A_SHADOW_REJECT && a <= A_SHADOW_QUARANTINE;
}

/* Count the shadow finding (check, policy, would) with a sample line. */
static void count_shadow(struct stats *st, size_t check, size_t policy, enum act would, struct ll_slice line)
{
	struct shadow_stat *s = NULL;
	size_t i;

	for (i = 0; i < st->nshadow; i++)
		if (st->shadow[i].check == check && st->shadow[i].policy == policy && st->shadow[i].would == would) {
			s = &st->shadow[i];
			break;
		}
	if (s == NULL) {
		if (st->nshadow == CAP_SHADOW) {
			st->shadow_overflow++;
			return;
		}
		s = &st->shadow[st->nshadow++];
		s->check = check;
		s->policy = policy;
		s->would = would;
	}
	s->count++;
	sample(s->sample, &s->nsamples, line);
}

/* One decision: stage, policy, check (or NULL), and the time line. */
static void count_act(struct stats *st, const struct logline *l, enum act a, enum stage sg, struct ll_slice pol,
                      const char *check, size_t checklen, int has_time, int64_t t)
{
	size_t p = names_find(&st->policies, pol.p, pol.n), c = CAP_CHECKS;

	st->act[a][sg]++;
	st->pol_act[p][a]++;
	if (check != NULL) {
		c = names_find(&st->checks, check, checklen);
		st->check_act[c][a]++;
	}
	/* a split (policy or exemption) is no verdict on the client: it sends
	 * that recipient again */
	if ((a == A_REJECT || a == A_DEFER) &&
	    !(check != NULL && checklen == 12 &&
	      (memcmp(check, "policy_split", 12) == 0 || memcmp(check, "exempt_split", 12) == 0)))
		count_refused(st, l);
	if (is_shadow(a))
		count_shadow(st, c, p, a, l->line);
	if (has_time)
		tl_add(&st->tl, t, act_col(a));
}

static int add_rcpt(struct stats *st, const struct logline *l, int has_time, int64_t t)
{
	static const enum act map[LL_RCPT_COUNT] = {
		A_REJECT, A_DEFER, A_EXEMPT, A_SHADOW_REJECT, A_SHADOW_DEFER,
	};
	struct ll_slice pol = ll_get(l, LLK_POLICY), check = ll_get(l, LLK_CHECK);

	if (!policy_passes(st, pol))
		return 1;
	count_act(st, l, map[l->rcpt], S_RCPT, pol, check.p, check.n, has_time, t);
	return 0;
}

/* "S/R" or "-": the score, if any, into the histogram. */
static int parse_score(struct ll_slice s, double *score, int *has)
{
	struct ll_slice a = s;
	const char *slash;

	*has = 0;
	if (s.p == NULL || LL_IS(s, "-"))
		return 0;
	slash = memchr(s.p, '/', s.n);
	if (slash != NULL)
		a.n = (size_t)(slash - s.p);
	if (ll_double(a, score) < 0)
		return -1;
	*has = 1;
	return 0;
}

static void count_score(struct stats *st, double score)
{
	int i = SCORE_BUCKETS - 1;

	while (i > 0 && score < score_lo[i])
		i--;
	st->scores[i]++;
	st->scored++;
}

static enum act scan_act(struct ll_slice action, struct ll_slice shadow)
{
	static const struct { const char *name; enum act a; } m[] = {
		{ "pass", A_PASS }, { "tag", A_TAG }, { "quarantine", A_QUARANTINE },
		{ "reject", A_REJECT }, { "unscanned", A_UNSCANNED }, { "tempfail", A_DEFER },
		{ "skip", A_SKIP },
	};
	size_t i;

	if (shadow.p != NULL) {
		if (LL_IS(shadow, "would_reject"))
			return A_SHADOW_REJECT;
		if (LL_IS(shadow, "would_quarantine"))
			return A_SHADOW_QUARANTINE;
		if (LL_IS(shadow, "would_tag"))
			return A_SHADOW_TAG;
	}
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (action.n == strlen(m[i].name) && memcmp(action.p, m[i].name, action.n) == 0)
			return m[i].a;
	return A_OTHER;
}

static void count_backend(struct stats *st, struct ll_slice server, enum act a, int has_score, long ms)
{
	struct backend_stat *b;

	if (server.p == NULL || LL_IS(server, "-"))
		return;
	b = &st->backend[names_find(&st->backends, server.p, server.n)];
	hist_add(&st->spamd_ms, (uint64_t)ms);
	if (has_score) {
		b->verdicts++;
		hist_add(&b->ms, (uint64_t)ms);
	} else if (a == A_UNSCANNED || a == A_DEFER) {
		b->failures++;
	}
}

/* accept: and scan: lines, one per message. */
static int add_message(struct stats *st, const struct logline *l, int has_time, int64_t t, const char **why)
{
	struct ll_slice pol = ll_get(l, LLK_POLICY);
	long ms = 0;
	double score = 0;
	int bad = 0, has_score = 0;
	enum act a = A_PASS;
	const char *check = NULL;

	num(l, LLK_SPAMD_MS, &ms, &bad);
	if (bad || parse_score(ll_get(l, LLK_SCORE), &score, &has_score) < 0) {
		*why = "a number field is not a number";
		return -1;
	}
	if (!policy_passes(st, pol))
		return 1;
	st->messages++;
	if (ll_get(l, LLK_SHADOWED).p != NULL)
		st->shadowed_msgs++;
	if (has_time)
		tl_add(&st->tl, t, TL_MESSAGES);
	if (l->kind == LL_SCAN) {
		a = scan_act(ll_get(l, LLK_ACTION), ll_get(l, LLK_SHADOW));
		if (a == A_UNSCANNED || a == A_DEFER)
			check = "spam_error";
		else if (a != A_PASS && a != A_SKIP && a != A_OTHER)
			check = "spam";
		if (has_score)
			count_score(st, score);
		count_backend(st, ll_get(l, LLK_SPAMD), a, has_score, ms);
	}
	count_act(st, l, a, S_DATA, pol, check, check ? strlen(check) : 0, has_time, t);
	return 0;
}

static enum zone_out zone_outcome(const char *p, size_t n)
{
	static const char *const m[] = { "timeout", "error", "error_code", "bad_answer", "suspended" };
	size_t i, k;

	for (k = 0; k < n && p[k] != '('; k++)
		;
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strlen(m[i]) == k && memcmp(p, m[i], k) == 0)
			return (enum zone_out)(Z_TIMEOUT + i);
	return Z_OTHER;
}

static struct zone_stat *zone_at(struct stats *st, const char *name, size_t n)
{
	struct zone_stat *z = &st->zone[names_find(&st->zones, name, n)];

	if (!z->seen) {
		z->seen = 1;
		z->checked_before = st->checked ? st->checked - 1 : 0;
	}
	return z;
}

/* zones=a(2),b:timeout,c:error_code(127.255.255.254),d:suspended */
static void count_zones(struct stats *st, struct ll_slice z)
{
	const char *p = z.p, *e = z.p + z.n;

	if (p == NULL || LL_IS(z, "-"))
		return;
	while (p < e) {
		const char *end = memchr(p, ',', (size_t)(e - p)), *c, *par;
		struct zone_stat *zs;
		long w;

		if (end == NULL)
			end = e;
		c = memchr(p, ':', (size_t)(end - p));
		par = memchr(p, '(', (size_t)(end - p));
		if (c != NULL && (par == NULL || c < par)) {
			zs = zone_at(st, p, (size_t)(c - p));
			zs->out[zone_outcome(c + 1, (size_t)(end - c - 1))]++;
		} else if (par != NULL && end[-1] == ')') {
			struct ll_slice ws = { par + 1, (size_t)(end - 1 - (par + 1)) };
			zs = zone_at(st, p, (size_t)(par - p));
			zs->out[Z_LISTED]++;
			if (ll_long(ws, &w) == 0) {
				zs->weight = w;
				zs->has_weight = 1;
			}
		} else if (end > p) {
			zone_at(st, p, (size_t)(end - p))->out[Z_OTHER]++;
		}
		p = end + 1;
	}
}

static int add_close(struct stats *st, const struct logline *l, int has_time, int64_t t, const char **why)
{
	long ok, rej, def, dns_ms, wait_ms;
	int bad = 0;
	struct ll_slice dns = ll_get(l, LLK_DNS);

	num(l, LLK_RCPT_OK, &ok, &bad);
	num(l, LLK_RCPT_REJECTED, &rej, &bad);
	num(l, LLK_RCPT_DEFERRED, &def, &bad);
	num(l, LLK_DNS_MS, &dns_ms, &bad);
	num(l, LLK_WAIT_MS, &wait_ms, &bad);
	if (bad) {
		*why = "a number field is not a number";
		return -1;
	}
	st->sessions++;
	if (has_time)
		tl_add(&st->tl, t, TL_SESSIONS);
	if (ll_eq(ll_get(l, LLK_TRUSTED), "yes")) {
		st->trusted++;
		return 0;
	}
	st->rcpt_ok += (uint64_t)ok;
	st->rcpt_rejected += (uint64_t)rej;
	st->rcpt_deferred += (uint64_t)def;
	if (dns.p != NULL && !LL_IS(dns, "-")) {
		st->checked++;
		hist_add(&st->dns_ms, (uint64_t)dns_ms);
		hist_add(&st->wait_ms, (uint64_t)wait_ms);
	}
	count_zones(st, ll_get(l, LLK_ZONES));
	return 0;
}

static void add_zone_line(struct stats *st, const struct logline *l)
{
	struct zone_stat *z = zone_at(st, l->name.p, l->name.n);

	if (l->kind == LL_ZONE_ANSWER) {
		z->answer_warnings++;
	} else if (l->kind == LL_ZONE_SUSPENDED) {
		z->suspensions++;
		z->state = 2;
		esc_clean(z->reason, sizeof(z->reason), l->text.p, l->text.n);
	} else if (l->kind == LL_ZONE_UNTESTED) {
		z->untested++;
		if (z->state != 2) {     /* no answer leaves a suspension as it was */
			z->state = 3;
			esc_clean(z->reason, sizeof(z->reason), l->text.p, l->text.n);
		}
	} else if (l->kind == LL_ZONE_TESTED) {
		if (z->state == 3)
			z->state = 0;
	} else {
		z->restorations++;
		z->state = 1;
	}
}

static int add_spamd_counters(struct stats *st, const struct logline *l, const char **why)
{
	struct backend_stat *b;
	long req, fail, fl, skip;
	int bad = 0;

	num(l, LLK_REQUESTS, &req, &bad);
	num(l, LLK_FAILURES, &fail, &bad);
	num(l, LLK_IN_FLIGHT, &fl, &bad);
	num(l, LLK_SKIPPED_FOR_MS, &skip, &bad);
	if (bad) {
		*why = "a number field is not a number";
		return -1;
	}
	b = &st->backend[names_find(&st->backends, l->name.p, l->name.n)];
	b->has_counters = 1;
	b->requests = req;
	b->failed = fail;
	b->in_flight = fl;
	b->skipped_for_ms = skip;
	if (ll_get(l, LLK_SKIPPED_FOR_MS).p != NULL)
		b->backoffs++;
	return 0;
}

static void add_spamd_failure(struct stats *st, const struct logline *l)
{
	int f;

	for (f = 0; f < F_OTHER; f++)
		if (ll_eq(l->name, fail_names[f]))
			break;
	st->spamd_fail[f]++;
}

/* The first n numbers of a fixed sentence. */
static int sentence_nums(const struct logline *l, int n, long *v, const char **why)
{
	int i;

	for (i = 0; i < n; i++)
		if (ll_long(l->num[i], &v[i]) < 0 || v[i] < 0) {
			*why = "a number field is not a number";
			return -1;
		}
	return 0;
}

static int add_fd(struct stats *st, const struct logline *l, const char **why)
{
	long v[3];

	if (sentence_nums(l, l->kind == LL_FD_NEAR ? 2 : 3, v, why) < 0)
		return -1;
	if (l->kind == LL_FD_NEAR) {
		st->fd_near++;
		st->fd_all += ll_eq(l->name, "all");
		st->fd_limit = v[0];
	} else {
		st->dns_sockets_failed += (uint64_t)v[0];
		st->spamd_sockets_failed += (uint64_t)v[1];
		st->fd_limit = v[2];
	}
	return 0;
}

static int add_stop(struct stats *st, const struct logline *l, const char **why)
{
	long n;

	if (sentence_nums(l, 1, &n, why) < 0)
		return -1;
	if (l->kind == LL_STOP_DRAIN) {
		st->stop_drains++;
	} else {
		st->stops_cut++;
		st->sessions_cut += (uint64_t)n;
	}
	return 0;
}

static void add_gtube(struct stats *st, const struct logline *l)
{
	struct backend_stat *b = &st->backend[names_find(&st->backends, l->name.p, l->name.n)];

	if (l->kind == LL_SPAMD_GTUBE_MISS) {
		b->gtube_misses++;
		b->gtube_out = 1;
		esc_clean(b->gtube_verdict, sizeof(b->gtube_verdict), l->text.p, l->text.n);
	} else {
		b->gtube_backs++;
		b->gtube_out = 0;
	}
}

/* Keep a warning among the last SAMPLES distinct ones, oldest first: one
 * said again (each start and reload repeats them) moves to the end. */
static void add_config_warning(struct stats *st, const struct logline *l)
{
	char buf[SAMPLE_LEN], (*w)[SAMPLE_LEN] = st->config_warning;
	int n = count_samples(w), i;

	st->config_warnings++;
	if (esc_clean(buf, sizeof(buf), l->text.p, l->text.n) == 0)
		return;
	for (i = 0; i < n && strcmp(w[i], buf) != 0; i++)
		;
	if (i == n && n == SAMPLES)
		i = 0;
	if (i < n) {
		memmove(w[i], w[i + 1], (size_t)(n - 1 - i) * SAMPLE_LEN);
		n--;
	}
	memcpy(w[n], buf, SAMPLE_LEN);
}

/* A new process: what the last one said is out of use no longer holds
 * (the new one says it again if it still is so). */
static void add_start(struct stats *st)
{
	size_t i;

	st->starts++;
	st->zones_all_down = 0;
	for (i = 0; i <= st->backends.cap; i++)
		st->backend[i].gtube_out = 0;
}

static void add_simple(struct stats *st, const struct logline *l)
{
	switch (l->kind) {
	case LL_STARTING: add_start(st); break;
	case LL_STOPPING: st->stops++; break;
	case LL_RELOAD:
		if (l->level == LL_INFO)
			st->reloads++;
		else
			st->reload_failures++;
		break;
	case LL_RESOLVER_ERROR: st->resolver_errors++; break;
	case LL_SELFTEST_ERROR: st->selftest_errors++; break;
	case LL_MTA_REFUSED: st->mta_refused++; break;
	case LL_INTERNAL: st->internal_errors++; break;
	case LL_CONFIG_ERROR: st->config_errors++; break;
	case LL_HELO_CAPPED: st->helo_capped++; break;
	case LL_ZONES_ALL_SUSPENDED: st->zones_all_suspended++; st->zones_all_down = 1; break;
	case LL_ZONES_BACK: st->zones_back++; st->zones_all_down = 0; break;
	case LL_DNS_CACHE: break;
	default: break;
	}
}

static int dispatch(struct stats *st, const struct logline *l, int has_time, int64_t t, const char **why)
{
	switch (l->kind) {
	case LL_RCPT: return add_rcpt(st, l, has_time, t);
	case LL_ACCEPT: case LL_SCAN: return add_message(st, l, has_time, t, why);
	case LL_CLOSE: return add_close(st, l, has_time, t, why);
	case LL_ZONE_ANSWER: case LL_ZONE_SUSPENDED: case LL_ZONE_RESTORED:
	case LL_ZONE_UNTESTED: case LL_ZONE_TESTED: add_zone_line(st, l); return 0;
	case LL_SPAMD_COUNTERS: return add_spamd_counters(st, l, why);
	case LL_SPAMD_FAILURE: add_spamd_failure(st, l); return 0;
	case LL_FD_NEAR: case LL_FD_SHORT: return add_fd(st, l, why);
	case LL_STOP_DRAIN: case LL_STOP_CUT: return add_stop(st, l, why);
	case LL_SPAMD_GTUBE_MISS: case LL_SPAMD_GTUBE_BACK: add_gtube(st, l); return 0;
	case LL_CONFIG_WARNING: add_config_warning(st, l); return 0;
	case LL_UNKNOWN: {
		int n = count_samples(st->unknown_sample);
		sample(st->unknown_sample, &n, l->line);
		st->unknown++;
		return 0;
	}
	default: add_simple(st, l); return 0;
	}
}

int stats_add(struct stats *st, const struct logline *l, int has_time, int64_t t, const char **why)
{
	int rc;

	*why = NULL;
	if (l->kind == LL_MALFORMED) {
		*why = l->why;
		return -1;
	}
	rc = dispatch(st, l, has_time, t, why);
	if (rc < 0)
		return -1;
	if (rc > 0)
		st->other_domain++;
	st->kinds[l->kind]++;
	st->formats[l->fmt]++;
	if (l->level == LL_WARNING)
		st->warnings++;
	else if (l->level == LL_ERROR)
		st->errors++;
	if (has_time && rc == 0) {
		if (!st->has_period || t < st->first)
			st->first = t;
		if (!st->has_period || t > st->last)
			st->last = t;
		st->has_period = 1;
	}
	return 0;
}

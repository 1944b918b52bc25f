/*
 * connstage.c - fire the connect-stage lookups early, collect them once.
 *
 * DNS failures never become findings that reject: a zone that does not
 * answer adds nothing, a PTR lookup that fails is "temp", a HELO lookup that
 * fails is helo_dns_temp. Nothing here logs; the caller logs from the
 * summary fields.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "connstage.h"
#include "dnscache.h"

enum { Q_A, Q_AAAA, Q_MX };

int dm_connstage_resolver(struct dm_connstage *cs)
{
	if (cs->res == NULL && cs->err[0] == '\0') {
		cs->res = dm_resolver_new(cs->cfg->dns_servers, cs->cfg->dns_timeout_ms / 3, cs->err, sizeof(cs->err));
		if (cs->res != NULL)
			dm_resolver_set_cache(cs->res, cs->cache);
	}
	return cs->res != NULL;
}

static void batch_started(struct dm_connstage *cs)
{
	uint64_t now = dm_now_ms();

	if (cs->dns_start_ms == 0)
		cs->dns_start_ms = now;
	cs->deadline_ms = now + cs->cfg->dns_timeout_ms;
}

void dm_connstage_init(struct dm_connstage *cs, const struct dm_config *cfg, struct dm_dnscache *cache,
                       const struct dm_addr *client)
{
	int i;

	memset(cs, 0, sizeof(*cs));
	cs->cfg = cfg;
	cs->cache = cache;
	if (client != NULL && client->family != 0) {
		cs->client = *client;
		cs->client_known = 1;
	}
	cs->q_ptr = cs->q_fwd = -1;
	for (i = 0; i < 3; i++)
		cs->q_helo[i] = cs->sender.q[i] = -1;
	snprintf(cs->sender.dns, sizeof(cs->sender.dns), "-");
	dm_rhsbl_init(cs);
	snprintf(cs->helo_dns, sizeof(cs->helo_dns), "-");
	snprintf(cs->rdns, sizeof(cs->rdns), "-");
}

void dm_connstage_free(struct dm_connstage *cs)
{
	dm_resolver_free(cs->res);
	cs->res = NULL;
}

void dm_connstage_client(struct dm_connstage *cs, dm_zone_suspended_fn suspended)
{
	const struct dm_config *cfg = cs->cfg;
	char qname[DNSBL_QNAME_MAX];
	size_t i, j;

	cs->suspended = suspended;
	if (!cs->client_known || (cfg->nzones == 0 && !cfg->want_rdns) || !dm_connstage_resolver(cs))
		return;
	batch_started(cs);
	for (i = 0; i < cfg->nzones && i < DM_MAX_ZONES; i++) {
		struct dm_zone_outcome *z = &cs->zones[cs->nzones++];

		z->zone = &cfg->zones[i];
		z->q_a = z->q_txt = -1;
		z->verdict = DNSBL_NO_ANSWER;
		if (suspended != NULL && suspended(z->zone->name)) {
			z->suspended = 1;
			continue;
		}
		for (j = 0; j + 1 < cs->nzones; j++)
			if (strcmp(cs->zones[j].zone->name, z->zone->name) == 0 && !cs->zones[j].suspended)
				break;
		if (j + 1 < cs->nzones) {
			/* the same zone with another filter: one question, two readings */
			z->q_a = cs->zones[j].q_a;
			z->q_txt = cs->zones[j].q_txt;
			continue;
		}
		if (dnsbl_query_name(&cs->client, z->zone->name, qname, sizeof(qname)) < 0)
			continue;
		z->q_a = dm_resolver_submit(cs->res, qname, DM_DNS_A);
		if (cfg->want_txt)
			z->q_txt = dm_resolver_submit(cs->res, qname, DM_DNS_TXT);
	}
	if (cfg->want_rdns && dnsbl_reverse_name(&cs->client, qname, sizeof(qname)) == 0)
		cs->q_ptr = dm_resolver_submit(cs->res, qname, DM_DNS_PTR);
}

/* Forget the lookups of the previous HELO name. */
static void release_helo(struct dm_connstage *cs)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (cs->res != NULL && cs->q_helo[i] >= 0)
			dm_resolver_release(cs->res, cs->q_helo[i]);
		cs->q_helo[i] = -1;
	}
	cs->helo_looked[0] = '\0';
}

void dm_connstage_helo(struct dm_connstage *cs, const char *helo, size_t len)
{
	static const enum dm_dns_type types[3] = { DM_DNS_A, DM_DNS_AAAA, DM_DNS_MX };
	struct helo_self self;
	int i;

	self.names = (const char *const *)cs->cfg->hostnames;
	self.nnames = cs->cfg->nhostnames;
	self.addrs = cs->cfg->addresses;
	self.naddrs = cs->cfg->naddresses;
	helo_classify(helo, len, cs->client_known ? &cs->client : NULL, &self, &cs->hr);
	cs->helo_seen = 1;
	cs->helo_count++;
	cs->collected = 0;
	cs->helo_capped = 0;
	if (!cs->hr.want_lookup) {
		release_helo(cs);
		dm_rhsbl_fire(cs, DM_RHSBL_HELO, NULL);
		return;
	}
	/* the same name again (EHLO after STARTTLS): its lookups stand */
	if (cs->q_helo[0] >= 0 && strcmp(cs->helo_looked, cs->hr.name) == 0)
		return;
	release_helo(cs);
	if (cs->helo_names >= DM_HELO_NAMES_MAX) {
		cs->helo_capped = 1;     /* judged without DNS: settle_helo says so */
		dm_rhsbl_fire(cs, DM_RHSBL_HELO, NULL);
		return;
	}
	if (!dm_connstage_resolver(cs))
		return;
	cs->helo_names++;
	snprintf(cs->helo_looked, sizeof(cs->helo_looked), "%s", cs->hr.name);
	batch_started(cs);
	for (i = 0; i < 3; i++)
		cs->q_helo[i] = dm_resolver_submit(cs->res, cs->hr.name, types[i]);
	dm_rhsbl_fire(cs, DM_RHSBL_HELO, cs->hr.name);
}

/* Once the PTR answered: ask for the name's address of the client's family. */
static void chain_forward(struct dm_connstage *cs)
{
	const struct dm_dns_result *ptr;

	if (cs->q_ptr < 0 || cs->q_fwd >= 0 || cs->res == NULL)
		return;
	ptr = dm_resolver_result(cs->res, cs->q_ptr);
	if (ptr == NULL || ptr->status != DM_DNS_ANSWER)
		return;
	snprintf(cs->ptr_name, sizeof(cs->ptr_name), "%s", ptr->text);
	cs->q_fwd = dm_resolver_submit_match(cs->res, cs->ptr_name,
	                                     cs->client.family == AF_INET6 ? DM_DNS_AAAA : DM_DNS_A,
	                                     &cs->client);
}

/* Once the reverse name is confirmed: ask the client's domain lists. */
static void chain_client_rhsbl(struct dm_connstage *cs)
{
	const struct dm_dns_result *fwd;

	if (cs->cfg->nrhsbl[DM_RHSBL_CLIENT] == 0 || cs->rhsbl[DM_RHSBL_CLIENT].name[0] != '\0' || cs->q_fwd < 0)
		return;
	fwd = dm_resolver_result(cs->res, cs->q_fwd);
	if (fwd != NULL && fwd->status == DM_DNS_ANSWER && fwd->matched)
		dm_rhsbl_fire(cs, DM_RHSBL_CLIENT, cs->ptr_name);
}

static void chain(struct dm_connstage *cs)
{
	chain_forward(cs);
	chain_client_rhsbl(cs);
}

void dm_connstage_poll(struct dm_connstage *cs)
{
	if (cs->res != NULL)
		chain(cs);
}

static int failed(const struct dm_dns_result *r)
{
	return r == NULL || r->status == DM_DNS_ERROR || r->status == DM_DNS_TIMEOUT || r->status == DM_DNS_PENDING;
}

static void settle_helo(struct dm_connstage *cs)
{
	const struct dm_dns_result *r;
	int i, answer = 0, temp = 0, timeout = 0;

	cs->findings.helo = cs->hr.findings;
	cs->findings.helo_reason = cs->hr.reason;
	cs->findings.helo_part = cs->hr.part;
	for (i = 0; i < HELO_CHECK_COUNT; i++)
		cs->findings.helo_reasons[i] = cs->hr.reasons[i][0] ? cs->hr.reasons[i] : NULL;
	cs->findings.helo_dns_temp = 0;
	if (!cs->helo_seen) {
		/* No HELO at all (Postfix with smtpd_helo_required = no). */
		cs->findings.helo |= HELO_BIT(HELO_INVALID);
		snprintf(cs->hr.reason, sizeof(cs->hr.reason), "no HELO/EHLO");
		snprintf(cs->hr.reasons[HELO_INVALID], sizeof(cs->hr.reasons[HELO_INVALID]), "no HELO/EHLO");
		cs->findings.helo_reasons[HELO_INVALID] = cs->hr.reasons[HELO_INVALID];
		return;
	}
	if (!cs->hr.want_lookup) {
		snprintf(cs->helo_dns, sizeof(cs->helo_dns), "none");
		return;
	}
	if (cs->helo_capped) {
		/* too many names in one session: this one was not looked up, and
		 * what was not looked up is not found (never a DNS error, which
		 * unknown_on_dns_error may pass) */
		snprintf(cs->helo_dns, sizeof(cs->helo_dns), "capped");
		cs->findings.helo |= HELO_BIT(HELO_UNKNOWN);
		snprintf(cs->hr.reasons[HELO_UNKNOWN], sizeof(cs->hr.reasons[HELO_UNKNOWN]),
		         "not looked up: more than %d HELO names in one session", DM_HELO_NAMES_MAX);
		cs->findings.helo_reasons[HELO_UNKNOWN] = cs->hr.reasons[HELO_UNKNOWN];
		return;
	}
	for (i = 0; i < 3; i++) {
		r = cs->res ? dm_resolver_result(cs->res, cs->q_helo[i]) : NULL;
		if (failed(r)) {
			temp = 1;
			timeout |= r != NULL && r->status == DM_DNS_TIMEOUT;
		} else if (r->status == DM_DNS_ANSWER) {
			answer = 1;
		}
	}
	if (answer) {
		snprintf(cs->helo_dns, sizeof(cs->helo_dns), "found");
	} else if (temp) {
		snprintf(cs->helo_dns, sizeof(cs->helo_dns), timeout ? "timeout" : "error");
		cs->findings.helo_dns_temp = 1;
	} else {
		snprintf(cs->helo_dns, sizeof(cs->helo_dns), "notfound");
		cs->findings.helo |= HELO_BIT(HELO_UNKNOWN);
	}
}

/* Add "item" to a comma-separated list in buf (truncated when full). */
static void append(char *buf, size_t size, const char *item)
{
	size_t len = strlen(buf);

	if (len + 1 < size)
		snprintf(buf + len, size - len, "%s%s", len ? "," : "", item);
}

/* Is name an item of the ", "-separated list? */
static int in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

static void settle_dnsbl(struct dm_connstage *cs)
{
	enum dnsbl_verdict v[DM_MAX_ZONES];
	struct dnsbl_zone zs[DM_MAX_ZONES];
	size_t i;

	cs->listed[0] = cs->txt[0] = cs->dnsbl_log[0] = '\0';
	for (i = 0; i < cs->nzones; i++) {
		struct dm_zone_outcome *z = &cs->zones[i];
		const struct dm_dns_result *r = cs->res && z->q_a >= 0 ? dm_resolver_result(cs->res, z->q_a) : NULL;
		char what[340], ip[64];

		zs[i] = *z->zone;
		if (z->suspended) {
			z->verdict = DNSBL_NO_ANSWER;
			snprintf(what, sizeof(what), "%s:suspended", z->zone->name);
			append(cs->dnsbl_log, sizeof(cs->dnsbl_log), what);
		} else if (failed(r)) {
			z->verdict = DNSBL_NO_ANSWER;
			snprintf(what, sizeof(what), "%s:%s", z->zone->name,
			         r && r->status == DM_DNS_TIMEOUT ? "timeout" : "error");
			append(cs->dnsbl_log, sizeof(cs->dnsbl_log), what);
		} else {
			z->verdict = dnsbl_classify(z->zone, r->addrs, r->status == DM_DNS_ANSWER ? r->naddrs : 0,
			                            &z->which);
		}
		v[i] = z->verdict;
		if (z->verdict == DNSBL_LISTED) {
			snprintf(what, sizeof(what), "%s(%d)", z->zone->name, z->zone->weight);
			append(cs->dnsbl_log, sizeof(cs->dnsbl_log), what);
			if (z->zone->weight > 0 && !in_list(cs->listed, z->zone->name)) {
				size_t len = strlen(cs->listed);
				snprintf(cs->listed + len, sizeof(cs->listed) - len, "%s%s", len ? ", " : "", z->zone->name);
				if (cs->txt[0] == '\0' && z->q_txt >= 0) {
					const struct dm_dns_result *t = dm_resolver_result(cs->res, z->q_txt);
					if (t != NULL && t->status == DM_DNS_ANSWER)
						snprintf(cs->txt, sizeof(cs->txt), "%.199s", t->text);
				}
			}
		} else if (z->verdict == DNSBL_ERROR_CODE || z->verdict == DNSBL_BAD_ANSWER) {
			snprintf(what, sizeof(what), "%s:%s(%s)", z->zone->name, dnsbl_verdict_name(z->verdict),
			         dm_addr_format(&z->which, ip, sizeof(ip)));
			append(cs->dnsbl_log, sizeof(cs->dnsbl_log), what);
		}
	}
	cs->findings.dnsbl_score = dnsbl_score(zs, v, cs->nzones);
	cs->findings.dnsbl_zones = cs->listed;
	cs->findings.dnsbl_txt = cs->txt[0] ? cs->txt : NULL;
}

static void settle_rdns(struct dm_connstage *cs)
{
	const struct dm_dns_result *ptr, *fwd;

	cs->findings.rdns = 0;
	if (cs->q_ptr < 0)
		return;
	ptr = dm_resolver_result(cs->res, cs->q_ptr);
	if (failed(ptr)) {
		snprintf(cs->rdns, sizeof(cs->rdns), "temp");
		return;
	}
	if (ptr->status == DM_DNS_NOTFOUND) {
		snprintf(cs->rdns, sizeof(cs->rdns), "none");
		cs->findings.rdns |= 1u << DM_RDNS_NONE;
		return;
	}
	fwd = cs->q_fwd >= 0 ? dm_resolver_result(cs->res, cs->q_fwd) : NULL;
	if (failed(fwd)) {
		snprintf(cs->rdns, sizeof(cs->rdns), "temp");
		return;
	}
	if (fwd->status == DM_DNS_ANSWER && fwd->matched) {
		snprintf(cs->rdns, sizeof(cs->rdns), "ok");
		return;
	}
	snprintf(cs->rdns, sizeof(cs->rdns), "mismatch");
	cs->findings.rdns |= 1u << DM_RDNS_MISMATCH;
}

void dm_connstage_collect(struct dm_connstage *cs)
{
	uint64_t start = dm_now_ms(), last = 0;
	size_t i;

	if (cs->collected)
		return;
	cs->collected = 1;
	if (cs->res != NULL) {
		/* the forward lookup of the PTR name starts as soon as the PTR
		 * answers, the client's domain lists once it confirms */
		chain(cs);
		while (!dm_resolver_idle(cs->res) && dm_now_ms() < cs->deadline_ms) {
			dm_resolver_wait(cs->res, cs->deadline_ms);
			chain(cs);
		}
		dm_resolver_collect(cs->res, cs->deadline_ms);      /* cancels what is left */
		for (i = 0; i < DM_CONNSTAGE_QUERIES_MAX; i++) {
			const struct dm_dns_result *r = dm_resolver_result(cs->res, (int)i);
			if (r != NULL && r->done_ms > last)
				last = r->done_ms;
		}
		if (last > cs->dns_start_ms && cs->dns_start_ms != 0)
			cs->dns_ms = (unsigned)(last - cs->dns_start_ms);
	}
	cs->wait_ms = (unsigned)(dm_now_ms() - start);
	settle_helo(cs);
	settle_dnsbl(cs);
	settle_rdns(cs);
	cs->rhsbl[DM_RHSBL_HELO].settled = cs->rhsbl[DM_RHSBL_CLIENT].settled = 0;
	dm_rhsbl_settle(cs, DM_RHSBL_HELO);
	dm_rhsbl_settle(cs, DM_RHSBL_CLIENT);
	dm_rhsbl_log(cs, DM_RHSBL_SENDER);     /* settled at this RCPT, before dnsbl_log was reset */
}

void dm_connstage_findings(const struct dm_connstage *cs, char *out, size_t outlen)
{
	unsigned bits = cs->collected ? cs->findings.helo : cs->hr.findings;
	size_t o = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < HELO_CHECK_COUNT && o < outlen; i++)
		if (bits & HELO_BIT(i))
			o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? "," : "", dm_reply_key(i));
	if (cs->collected && cs->findings.helo_dns_temp && o < outlen)
		o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? "," : "", dm_reply_key(DM_REPLY_HELO_DNS_ERROR));
	for (i = 0; cs->collected && i < DM_RDNS_CHECK_COUNT && o < outlen; i++)
		if (cs->findings.rdns & (1u << i))
			o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? "," : "",
			                      dm_reply_key(DM_REPLY_RDNS_NONE + i));
	for (i = 0; i < DM_RHSBL_TARGETS && o < outlen; i++)
		if (cs->findings.rhsbl & (1u << i))
			o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? "," : "",
			                      dm_reply_key(DM_REPLY_RHSBL_HELO + i));
	for (i = 0; cs->sender.collected && i < DM_SENDER_CHECK_COUNT && o < outlen; i++)
		if (cs->findings.sender & (1u << i))
			o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? "," : "",
			                      dm_reply_key(DM_REPLY_SENDER_NON_FQDN + i));
	if (cs->sender.collected && cs->findings.sender_dns_temp && o < outlen)
		o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? "," : "", dm_reply_key(DM_REPLY_SENDER_DNS_ERROR));
	if (o == 0)
		snprintf(out, outlen, "none");
}

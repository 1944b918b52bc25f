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

/* The HELO stage's transitions: a row per state, a column per event. Every
 * HELO starts over, whatever came before; the first RCPT settles. */
static const unsigned char cs_next[DM_CS_STATES][DM_CS_EVENTS] = {
	/*                      HELO        HELO_CAPPED         COLLECT */
	[DM_CS_NO_HELO]     = { DM_CS_HELO, DM_CS_HELO_CAPPED, DM_CS_COLLECTED },
	[DM_CS_HELO]        = { DM_CS_HELO, DM_CS_HELO_CAPPED, DM_CS_COLLECTED },
	[DM_CS_HELO_CAPPED] = { DM_CS_HELO, DM_CS_HELO_CAPPED, DM_CS_COLLECTED },
	[DM_CS_COLLECTED]   = { DM_CS_HELO, DM_CS_HELO_CAPPED, DM_CS_COLLECTED },
};

enum dm_cs_state dm_connstage_next(enum dm_cs_state s, enum dm_cs_event e)
{
	if ((unsigned)s >= DM_CS_STATES || (unsigned)e >= DM_CS_EVENTS)
		return s;
	return (enum dm_cs_state)cs_next[s][e];
}

const char *dm_connstage_state_name(enum dm_cs_state s)
{
	static const char *const names[DM_CS_STATES] = { "no_helo", "helo", "helo_capped", "collected" };

	return (unsigned)s < DM_CS_STATES ? names[s] : "?";
}

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

/* Fire the lookups the classified HELO name needs: DM_CS_EV_HELO, or
 * DM_CS_EV_HELO_CAPPED when the cap kept a new name from being looked up. */
static enum dm_cs_event helo_lookups(struct dm_connstage *cs)
{
	static const enum dm_dns_type types[3] = { DM_DNS_A, DM_DNS_AAAA, DM_DNS_MX };
	int i;

	if (!cs->hr.want_lookup) {
		release_helo(cs);
		dm_rhsbl_fire(cs, DM_RHSBL_HELO, NULL);
		return DM_CS_EV_HELO;
	}
	/* the same name again (EHLO after STARTTLS): its lookups stand */
	if (cs->q_helo[0] >= 0 && strcmp(cs->helo_looked, cs->hr.name) == 0)
		return DM_CS_EV_HELO;
	release_helo(cs);
	if (cs->helo_names >= DM_HELO_NAMES_MAX) {
		dm_rhsbl_fire(cs, DM_RHSBL_HELO, NULL);
		return DM_CS_EV_HELO_CAPPED;     /* judged without DNS: settle_helo says so */
	}
	if (!dm_connstage_resolver(cs))
		return DM_CS_EV_HELO;
	cs->helo_names++;
	snprintf(cs->helo_looked, sizeof(cs->helo_looked), "%s", cs->hr.name);
	batch_started(cs);
	for (i = 0; i < 3; i++)
		cs->q_helo[i] = dm_resolver_submit(cs->res, cs->hr.name, types[i]);
	dm_rhsbl_fire(cs, DM_RHSBL_HELO, cs->hr.name);
	return DM_CS_EV_HELO;
}

void dm_connstage_helo(struct dm_connstage *cs, const char *helo, size_t len)
{
	struct helo_self self;

	self.names = (const char *const *)cs->cfg->hostnames;
	self.nnames = cs->cfg->nhostnames;
	self.addrs = cs->cfg->addresses;
	self.naddrs = cs->cfg->naddresses;
	helo_classify(helo, len, cs->client_known ? &cs->client : NULL, &self, &cs->hr);
	cs->helo_count++;
	cs->state = dm_connstage_next(cs->state, helo_lookups(cs));
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

/* Settle the HELO findings; before is the state collect started in. */
static void settle_helo(struct dm_connstage *cs, enum dm_cs_state before)
{
	const struct dm_dns_result *r;
	int i, answer = 0, temp = 0, timeout = 0;

	cs->findings.helo = cs->hr.findings;
	cs->findings.helo_reason = cs->hr.reason;
	cs->findings.helo_part = cs->hr.part;
	for (i = 0; i < HELO_CHECK_COUNT; i++)
		cs->findings.helo_reasons[i] = cs->hr.reasons[i][0] ? cs->hr.reasons[i] : NULL;
	cs->findings.helo_dns_temp = 0;
	if (before == DM_CS_NO_HELO) {
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
	if (before == DM_CS_HELO_CAPPED) {
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
	enum dm_cs_state before = cs->state;
	size_t i;

	if (before == DM_CS_COLLECTED)
		return;
	cs->state = dm_connstage_next(before, DM_CS_EV_COLLECT);
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
	settle_helo(cs, before);
	settle_dnsbl(cs);
	settle_rdns(cs);
	cs->rhsbl[DM_RHSBL_HELO].settled = cs->rhsbl[DM_RHSBL_CLIENT].settled = 0;
	dm_rhsbl_settle(cs, DM_RHSBL_HELO);
	dm_rhsbl_settle(cs, DM_RHSBL_CLIENT);
	dm_rhsbl_log(cs, DM_RHSBL_SENDER);     /* settled at this RCPT, before dnsbl_log was reset */
}

void dm_connstage_findings(const struct dm_connstage *cs, char *out, size_t outlen)
{
	int collected = cs->state == DM_CS_COLLECTED;
	unsigned bits = collected ? cs->findings.helo : cs->hr.findings;
	size_t o = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < HELO_CHECK_COUNT && o < outlen; i++)
		if (bits & HELO_BIT(i))
			o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? "," : "", dm_reply_key(i));
	if (collected && cs->findings.helo_dns_temp && o < outlen)
		o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? "," : "", dm_reply_key(DM_REPLY_HELO_DNS_ERROR));
	for (i = 0; collected && i < DM_RDNS_CHECK_COUNT && o < outlen; i++)
		if (cs->findings.rdns & (1u << i))
			o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? "," : "",
			                      dm_reply_key(DM_REPLY_RDNS_NONE + i));
	for (i = 0; i < DM_RHSBL_TARGETS && o < outlen; i++)
		if (cs->findings.rhsbl & (1u << i))
			o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? "," : "",
			                      dm_reply_key(DM_REPLY_RHSBL_HELO + i));
	for (i = 0; cs->sender.state == DM_SENDER_SETTLED && i < DM_SENDER_CHECK_COUNT && o < outlen; i++)
		if (cs->findings.sender & (1u << i))
			o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? "," : "",
			                      dm_reply_key(DM_REPLY_SENDER_NON_FQDN + i));
	if (cs->sender.state == DM_SENDER_SETTLED && cs->findings.sender_dns_temp && o < outlen)
		o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? "," : "", dm_reply_key(DM_REPLY_SENDER_DNS_ERROR));
	if (o == 0)
		snprintf(out, outlen, "none");
}

/*
 * rhsbl_stage.c - domain lists on the connect stage: fired on its
 * resolver, judged as address lists are.
 *
 * Does: fires one A query per zone of a target when the name is known
 * (HELO, confirmed reverse name, MAIL FROM domain); settles a target's
 * answers into a score, the listing zones, and zone errors in the connect
 * stage's dnsbl_log. The question itself: filters/rules/rhsbl.c.
 * Never: logs, or counts an error code, an answer outside 127/8 or a
 * failed lookup as a listing.
 */
#include <stdio.h>
#include <string.h>

#include "connstage.h"
#include "netaddr.h"
#include "rhsbl.h"

static void release(struct dm_connstage *cs, struct dm_rhsbl_ask *a)
{
	int i;

	for (i = 0; i < DM_RHSBL_ZONES_MAX; i++) {
		if (cs->res != NULL && a->q[i] >= 0)
			dm_resolver_release(cs->res, a->q[i]);
		a->q[i] = -1;
	}
	a->name[0] = a->zones[0] = a->log[0] = '\0';
	a->settled = 0;
	a->score = 0;
}

void dm_rhsbl_init(struct dm_connstage *cs)
{
	int t, i;

	for (t = 0; t < DM_RHSBL_TARGETS; t++) {
		memset(&cs->rhsbl[t], 0, sizeof(cs->rhsbl[t]));
		for (i = 0; i < DM_RHSBL_ZONES_MAX; i++)
			cs->rhsbl[t].q[i] = -1;
	}
}

void dm_rhsbl_fire(struct dm_connstage *cs, enum dm_rhsbl_target t, const char *name)
{
	const struct dm_config *cfg = cs->cfg;
	struct dm_rhsbl_ask *a = &cs->rhsbl[t];
	char qname[DNSBL_QNAME_MAX];
	size_t i;

	release(cs, a);
	if (name == NULL || cfg->nrhsbl[t] == 0 || !dm_connstage_resolver(cs))
		return;
	snprintf(a->name, sizeof(a->name), "%s", name);
	for (i = 0; i < cfg->nrhsbl[t] && i < DM_RHSBL_ZONES_MAX; i++) {
		if (cs->suspended != NULL && cs->suspended(cfg->rhsbl[t][i].name))
			continue;      /* failed its self-test ("test" / "invalid") */
		if (dm_rhsbl_query_name(name, cfg->rhsbl[t][i].name, qname, sizeof(qname)) == 0)
			a->q[i] = dm_resolver_submit(cs->res, qname, DM_DNS_A);
	}
}

int dm_rhsbl_pending(struct dm_connstage *cs, enum dm_rhsbl_target t)
{
	const struct dm_rhsbl_ask *a = &cs->rhsbl[t];
	int i;

	for (i = 0; cs->res != NULL && i < DM_RHSBL_ZONES_MAX; i++) {
		const struct dm_dns_result *r = a->q[i] >= 0 ? dm_resolver_result(cs->res, a->q[i]) : NULL;
		if (r != NULL && r->status == DM_DNS_PENDING)
			return 1;
	}
	return 0;
}

/* Add "item" to the ','-separated list in buf, when it fits. */
static void add_item(char *buf, size_t size, const char *sep, const char *item)
{
	size_t len = strlen(buf);

	if (len + strlen(sep) + strlen(item) < size)
		snprintf(buf + len, size - len, "%s%s", len ? sep : "", item);
}

void dm_rhsbl_log(struct dm_connstage *cs, enum dm_rhsbl_target t)
{
	if (cs->rhsbl[t].settled && cs->rhsbl[t].log[0] != '\0')
		add_item(cs->dnsbl_log, sizeof(cs->dnsbl_log), ",", cs->rhsbl[t].log);
}

void dm_rhsbl_settle(struct dm_connstage *cs, enum dm_rhsbl_target t)
{
	const struct dm_config *cfg = cs->cfg;
	struct dm_rhsbl_ask *a = &cs->rhsbl[t];
	size_t i;

	if (a->settled)
		return;
	cs->findings.rhsbl &= ~(1u << t);
	if (a->name[0] == '\0')
		return;
	a->settled = 1;
	for (i = 0; i < cfg->nrhsbl[t] && i < DM_RHSBL_ZONES_MAX; i++) {
		const struct dnsbl_zone *z = &cfg->rhsbl[t][i];
		const struct dm_dns_result *r = cs->res && a->q[i] >= 0 ? dm_resolver_result(cs->res, a->q[i]) : NULL;
		enum dnsbl_verdict v;
		struct dm_addr which;
		char what[340], ip[64];

		if (a->q[i] < 0)
			continue;
		if (r == NULL || r->status == DM_DNS_ERROR || r->status == DM_DNS_TIMEOUT || r->status == DM_DNS_PENDING) {
			snprintf(what, sizeof(what), "%s:%s", z->name,
			         r && r->status == DM_DNS_ERROR ? "error" : "timeout");
			add_item(a->log, sizeof(a->log), ",", what);
			continue;
		}
		v = dnsbl_classify(z, r->addrs, r->status == DM_DNS_ANSWER ? r->naddrs : 0, &which);
		if (v == DNSBL_LISTED) {
			a->score += z->weight;
			snprintf(what, sizeof(what), "%s(%s:%d)", z->name, dm_rhsbl_target_name(t), z->weight);
			add_item(a->log, sizeof(a->log), ",", what);
			if (z->weight > 0)
				add_item(a->zones, sizeof(a->zones), ", ", z->name);
		} else if (v == DNSBL_ERROR_CODE || v == DNSBL_BAD_ANSWER) {
			snprintf(what, sizeof(what), "%s:%s(%s)", z->name, dnsbl_verdict_name(v),
			         dm_addr_format(&which, ip, sizeof(ip)));
			add_item(a->log, sizeof(a->log), ",", what);
		}
	}
	dm_rhsbl_log(cs, t);
	if (a->score > 0)
		cs->findings.rhsbl |= 1u << t;
	cs->findings.rhsbl_name[t] = a->name;
	cs->findings.rhsbl_zones[t] = a->zones;
}

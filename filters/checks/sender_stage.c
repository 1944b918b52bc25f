/*
 * sender_stage.c - the MAIL FROM domain on the connect stage.
 *
 * Does: fires A/AAAA/MX for its domain at MAIL FROM on the connect stage's
 * resolver (shared channel and cache) and collects them at the first RCPT
 * under a deadline of [dns] timeout_ms from MAIL FROM; caps the distinct
 * domains per session. Judged by filters/rules/sender.c.
 * Returns: findings in cs->sender, for filters/checks/verdict.c.
 * Never: logs, or turns a DNS failure into "not found".
 */
#include <stdio.h>
#include <string.h>

#include "connstage.h"
#include "sender.h"

static void release_sender(struct dm_connstage *cs)
{
	struct dm_sender_stage *s = &cs->sender;
	int i;

	for (i = 0; i < 3; i++) {
		if (cs->res != NULL && s->q[i] >= 0)
			dm_resolver_release(cs->res, s->q[i]);
		s->q[i] = -1;
	}
}

/* 1 if the domain was looked up earlier in this session (the cache
 * answers it again), else count it; 0 when the cap is reached. */
static int may_look_up(struct dm_sender_stage *s, const char *domain)
{
	unsigned i;

	for (i = 0; i < s->looked; i++)
		if (strcmp(s->seen[i], domain) == 0)
			return 1;
	if (s->looked >= DM_SENDER_DOMAINS_MAX)
		return 0;
	snprintf(s->seen[s->looked++], sizeof(s->seen[0]), "%s", domain);
	return 1;
}

void dm_connstage_sender(struct dm_connstage *cs, enum dm_mailaddr_status st, const struct dm_mailaddr *a)
{
	static const enum dm_dns_type types[3] = { DM_DNS_A, DM_DNS_AAAA, DM_DNS_MX };
	struct dm_sender_stage *s = &cs->sender;
	int i;

	release_sender(cs);
	s->state = dm_sender_next(s->state, DM_SENDER_EV_MAIL);
	s->findings = 0;
	s->dns_temp = 0;
	s->domain[0] = s->reason[0] = '\0';
	s->wait_ms = 0;
	cs->findings.sender = 0;
	cs->findings.sender_dns_temp = 0;
	cs->findings.sender_reason = NULL;
	cs->findings.rhsbl &= ~(1u << DM_RHSBL_SENDER);
	dm_rhsbl_fire(cs, DM_RHSBL_SENDER, NULL);
	snprintf(s->dns, sizeof(s->dns), "none");
	if (!dm_sender_fqdn(st, a)) {
		s->findings |= 1u << DM_SENDER_NON_FQDN;
		snprintf(s->reason, sizeof(s->reason), "need fully-qualified address");
	}
	/* the null sender, literals and unreadable addresses have no domain to ask about */
	if (st != DM_MA_OK || (!cs->cfg->want_sender_dns && cs->cfg->nrhsbl[DM_RHSBL_SENDER] == 0))
		return;
	snprintf(s->domain, sizeof(s->domain), "%s", a->domain);
	if (!may_look_up(s, s->domain)) {
		snprintf(s->dns, sizeof(s->dns), "capped");
		return;
	}
	if (!dm_connstage_resolver(cs)) {
		snprintf(s->dns, sizeof(s->dns), "error");
		return;
	}
	snprintf(s->dns, sizeof(s->dns), "-");
	s->start_ms = dm_now_ms();
	if (cs->dns_start_ms == 0)
		cs->dns_start_ms = s->start_ms;
	s->deadline_ms = s->start_ms + cs->cfg->dns_timeout_ms;
	for (i = 0; cs->cfg->want_sender_dns && i < 3; i++)
		s->q[i] = dm_resolver_submit(cs->res, s->domain, types[i]);
	dm_rhsbl_fire(cs, DM_RHSBL_SENDER, s->domain);
}

static int pending(struct dm_connstage *cs)
{
	int i;

	if (dm_rhsbl_pending(cs, DM_RHSBL_SENDER))
		return 1;
	for (i = 0; i < 3; i++) {
		const struct dm_dns_result *r = cs->sender.q[i] >= 0 ? dm_resolver_result(cs->res, cs->sender.q[i]) : NULL;
		if (r != NULL && r->status == DM_DNS_PENDING)
			return 1;
	}
	return 0;
}

static void settle(struct dm_connstage *cs)
{
	struct dm_sender_stage *s = &cs->sender;
	const struct dm_dns_result *r[3];
	int i, timeout = 0;

	for (i = 0; i < 3; i++) {
		r[i] = cs->res != NULL && s->q[i] >= 0 ? dm_resolver_result(cs->res, s->q[i]) : NULL;
		timeout |= r[i] != NULL && (r[i]->status == DM_DNS_TIMEOUT || r[i]->status == DM_DNS_PENDING);
	}
	switch (dm_sender_judge(r[0], r[1], r[2])) {
	case DM_SD_FOUND:
		snprintf(s->dns, sizeof(s->dns), "found");
		break;
	case DM_SD_NULL_MX:
		snprintf(s->dns, sizeof(s->dns), "nullmx");
		s->findings |= 1u << DM_SENDER_NULL_MX;
		break;
	case DM_SD_NOTFOUND:
		snprintf(s->dns, sizeof(s->dns), "notfound");
		s->findings |= 1u << DM_SENDER_UNKNOWN;
		break;
	case DM_SD_TEMP:
		snprintf(s->dns, sizeof(s->dns), timeout ? "timeout" : "error");
		s->dns_temp = 1;
		break;
	}
}

/* Wait for the answers (or the deadline) and judge them into s. */
static void collect(struct dm_connstage *cs)
{
	struct dm_sender_stage *s = &cs->sender;
	uint64_t start = dm_now_ms();

	if (strcmp(s->dns, "capped") == 0) {
		/* what was not looked up is not found */
		s->findings |= 1u << DM_SENDER_UNKNOWN;
		snprintf(s->reason, sizeof(s->reason), "not looked up: more than %d sender domains in one session",
		         DM_SENDER_DOMAINS_MAX);
		return;
	}
	if (strcmp(s->dns, "error") == 0) {
		s->dns_temp = 1;
		return;
	}
	if (s->domain[0] == '\0')
		return;
	while (pending(cs) && dm_now_ms() < s->deadline_ms)
		dm_resolver_wait(cs->res, s->deadline_ms);
	s->wait_ms = (unsigned)(dm_now_ms() - start);
	dm_rhsbl_settle(cs, DM_RHSBL_SENDER);
	if (s->q[0] >= 0 || s->q[1] >= 0 || s->q[2] >= 0)
		settle(cs);
	else
		snprintf(s->dns, sizeof(s->dns), "none");
	release_sender(cs);
}

int dm_connstage_sender_collect(struct dm_connstage *cs)
{
	struct dm_sender_stage *s = &cs->sender;

	if (s->state != DM_SENDER_ASKED)
		return 0;
	s->state = dm_sender_next(s->state, DM_SENDER_EV_COLLECT);
	collect(cs);
	cs->findings.sender = s->findings;
	cs->findings.sender_dns_temp = s->dns_temp;
	cs->findings.sender_reason = s->reason[0] ? s->reason : NULL;
	return 1;
}

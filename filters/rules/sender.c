/*
 * sender.c - the MAIL FROM domain: fully qualified? does it exist?
 *
 * Does: judges the sender as reject_non_fqdn_sender and
 * reject_unknown_sender_domain do (a null MX rejected as Postfix 3 does),
 * from the address and the A/AAAA/MX answers; names the findings.
 * Never: logs, looks anything up, or turns a DNS failure into "not found".
 * (The lookups on the connect stage: filters/checks/sender_stage.c.)
 */
#include <string.h>

#include "sender.h"

int dm_sender_fqdn(enum dm_mailaddr_status st, const struct dm_mailaddr *a)
{
	if (st == DM_MA_NULL || st == DM_MA_LITERAL)
		return 1;
	if (st == DM_MA_NO_DOMAIN)
		return 0;
	if (st != DM_MA_OK)
		return 1;     /* unreadable: the MTA's syntax check, not this one */
	return strchr(a->domain, '.') != NULL;
}

static int failed(const struct dm_dns_result *r)
{
	return r == NULL || r->status == DM_DNS_ERROR || r->status == DM_DNS_TIMEOUT || r->status == DM_DNS_PENDING;
}

enum dm_sender_dns dm_sender_judge(const struct dm_dns_result *a, const struct dm_dns_result *aaaa,
                                   const struct dm_dns_result *mx)
{
	const struct dm_dns_result *r[3] = { a, aaaa, mx };
	int i, temp = 0;

	/* RFC 7505: a single MX whose exchange is the root */
	if (mx != NULL && mx->status == DM_DNS_ANSWER && mx->nrecords == 1 &&
	    (mx->text[0] == '\0' || strcmp(mx->text, ".") == 0))
		return DM_SD_NULL_MX;
	for (i = 0; i < 3; i++) {
		if (failed(r[i]))
			temp = 1;
		else if (r[i]->status == DM_DNS_ANSWER)
			return DM_SD_FOUND;
	}
	return temp ? DM_SD_TEMP : DM_SD_NOTFOUND;
}

const char *dm_sender_dns_name(enum dm_sender_dns d)
{
	static const char *const names[] = { "found", "notfound", "nullmx", "temp" };

	return (unsigned)d < 4 ? names[d] : "?";
}

const char *dm_sender_check_name(enum dm_sender_check c)
{
	static const char *const names[DM_SENDER_CHECK_COUNT] = {
		"non_fqdn_sender", "unknown_sender_domain", "null_mx_sender",
	};

	return (unsigned)c < DM_SENDER_CHECK_COUNT ? names[c] : "?";
}

/* The sender stage's transitions: a row per state, a column per event.
 * Every MAIL FROM starts a transaction over; its first RCPT settles. */
static const unsigned char sender_next[DM_SENDER_STATES][DM_SENDER_EVENTS] = {
	/*                      MAIL             COLLECT */
	[DM_SENDER_NONE]    = { DM_SENDER_ASKED, DM_SENDER_NONE },      /* nothing to settle */
	[DM_SENDER_ASKED]   = { DM_SENDER_ASKED, DM_SENDER_SETTLED },
	[DM_SENDER_SETTLED] = { DM_SENDER_ASKED, DM_SENDER_SETTLED },   /* a later RCPT */
};

enum dm_sender_state dm_sender_next(enum dm_sender_state s, enum dm_sender_event e)
{
	if ((unsigned)s >= DM_SENDER_STATES || (unsigned)e >= DM_SENDER_EVENTS)
		return s;
	return (enum dm_sender_state)sender_next[s][e];
}

const char *dm_sender_state_name(enum dm_sender_state s)
{
	static const char *const names[DM_SENDER_STATES] = { "none", "asked", "settled" };

	return (unsigned)s < DM_SENDER_STATES ? names[s] : "?";
}

/*
 * verdict.h - turn connect-stage findings into one decision under one
 * recipient domain's policy.
 *
 * Pure: the caller gathers findings (helo.c, the DNS outcome) and enforces
 * the decision; this file only chooses the worst applicable action and
 * expands its reply text.
 */
#ifndef DOORMAN_VERDICT_H
#define DOORMAN_VERDICT_H

#include "config.h"

struct dm_findings {
	unsigned helo;            /* HELO_BIT()s, including HELO_UNKNOWN after DNS */
	int helo_dns_temp;        /* the A/AAAA/MX lookup failed temporarily (nothing found, some errors) */
	const char *helo_reason;  /* helo_classify's reason text (first finding) */
	const char *helo_reasons[HELO_CHECK_COUNT];   /* per finding; NULL: use helo_reason */
	int dnsbl_score;          /* sum of the weights of the zones that listed the client */
	const char *dnsbl_zones;  /* "%z": the listing (blocklist) zones, ", "-separated */
	const char *dnsbl_txt;    /* "%t": a TXT record of a listing zone, or NULL */
	unsigned rdns;            /* bit DM_RDNS_NONE / DM_RDNS_MISMATCH */
};

struct dm_decision {
	enum dm_action action;    /* DM_ACT_OFF: pass; SHADOW: log only; TEMPFAIL/REJECT: enforce */
	enum dm_action would;     /* with SHADOW: what enforcing would have done */
	int reply;                /* index into policy->reply, -1 when nothing applies */
	char check[32];           /* log name: "helo_non_fqdn", "helo_dns_error", "" */
	char code[4], xcode[10];
	char text[512];           /* expanded reply text (no codes), clean */
};

/* 1 if the client's DNSBL score makes it allowlisted under pol: then no
 * connect-stage finding is enforced. */
int dm_allowlisted(const struct dm_policy *pol, const struct dm_findings *f);

/* Decide for one recipient. vars supplies %h %c ...; url and reason are
 * filled in here from the policy and the finding. Returns out->action. */
enum dm_action dm_decide_connect(const struct dm_policy *pol, const struct dm_findings *f,
                                 const struct dm_reply_vars *vars, struct dm_decision *out);

#endif

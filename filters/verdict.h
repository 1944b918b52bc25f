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
	const char *helo_reason;  /* helo_classify's reason text */
};

struct dm_decision {
	enum dm_action action;    /* DM_ACT_OFF: pass; SHADOW: log only; TEMPFAIL/REJECT: enforce */
	enum dm_action would;     /* with SHADOW: what enforcing would have done */
	int reply;                /* index into policy->reply, -1 when nothing applies */
	char check[32];           /* log name: "helo_non_fqdn", "helo_dns_error", "" */
	char code[4], xcode[10];
	char text[512];           /* expanded reply text (no codes), clean */
};

/* Decide for one recipient. vars supplies %h %c ...; url and reason are
 * filled in here from the policy and the finding. Returns out->action. */
enum dm_action dm_decide_connect(const struct dm_policy *pol, const struct dm_findings *f,
                                 const struct dm_reply_vars *vars, struct dm_decision *out);

#endif

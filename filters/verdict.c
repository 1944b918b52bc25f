/*
 * verdict.c - the worst finding wins, under the recipient's policy.
 *
 * Order of strength: reject > tempfail > shadow > off; among equals the
 * first in this order: HELO checks (enum helo_check), HELO DNS error,
 * DNSBL, rDNS. A temporary DNS failure can only ever tempfail (or pass),
 * never reject. An allowlisted client (DNSWL score) passes everything.
 */
#include <stdio.h>
#include <string.h>

#include "verdict.h"

static void consider(struct dm_decision *best, enum dm_action eff, enum dm_action would, int reply,
                     const char *name)
{
	if (best->reply >= 0 && (eff < best->action || (eff == best->action && would <= best->would)))
		return;
	best->action = eff;
	best->would = would;
	best->reply = reply;
	snprintf(best->check, sizeof(best->check), "%s", name);
}

/* What a configured action does under the section's mode. */
static void effective(enum dm_mode mode, enum dm_action a, const struct dm_reply *r,
                      enum dm_action *eff, enum dm_action *would)
{
	enum dm_action by_code = r->code[0] == '5' ? DM_ACT_REJECT : DM_ACT_TEMPFAIL;

	*would = a == DM_ACT_SHADOW ? by_code : a;
	if (mode == DM_MODE_OFF || a == DM_ACT_OFF)
		*eff = DM_ACT_OFF;
	else if (mode == DM_MODE_SHADOW || a == DM_ACT_SHADOW)
		*eff = DM_ACT_SHADOW;
	else
		*eff = a;
}

int dm_allowlisted(const struct dm_policy *pol, const struct dm_findings *f)
{
	/* allowlisting is an action: shadow mode only logs it (the close line) */
	return pol->dnsbl_mode == DM_MODE_ENFORCE && f->dnsbl_score <= pol->allow_threshold;
}

enum dm_action dm_decide_connect(const struct dm_policy *pol, const struct dm_findings *f,
                                 const struct dm_reply_vars *vars, struct dm_decision *out)
{
	struct dm_reply_vars v = *vars;
	enum dm_action eff, would;
	char name[32];
	int i;

	memset(out, 0, sizeof(*out));
	out->reply = -1;
	if (dm_allowlisted(pol, f))
		return out->action;
	for (i = 0; i < HELO_CHECK_COUNT; i++) {
		if (!(f->helo & HELO_BIT(i)))
			continue;
		effective(pol->helo_mode, pol->helo_action[i], &pol->reply[i], &eff, &would);
		if (eff == DM_ACT_OFF)
			continue;
		snprintf(name, sizeof(name), "helo_%s", helo_check_name((enum helo_check)i));
		consider(out, eff, would, i, name);
	}
	if (f->helo_dns_temp && !(f->helo & HELO_BIT(HELO_UNKNOWN))) {
		effective(pol->helo_mode, pol->helo_dns_error, &pol->reply[DM_REPLY_HELO_DNS_ERROR], &eff, &would);
		if (eff != DM_ACT_OFF)
			consider(out, eff, would, DM_REPLY_HELO_DNS_ERROR, "helo_dns_error");
	}
	if (f->dnsbl_score >= pol->dnsbl_threshold && f->dnsbl_score > 0) {
		effective(pol->dnsbl_mode, pol->dnsbl_action, &pol->reply[DM_REPLY_DNSBL], &eff, &would);
		if (eff != DM_ACT_OFF)
			consider(out, eff, would, DM_REPLY_DNSBL, "dnsbl");
	}
	for (i = 0; i < DM_RDNS_CHECK_COUNT; i++) {
		if (!(f->rdns & (1u << i)))
			continue;
		effective(pol->rdns_mode, pol->rdns_action[i], &pol->reply[DM_REPLY_RDNS_NONE + i], &eff, &would);
		snprintf(name, sizeof(name), "rdns_%s", dm_rdns_check_name((enum dm_rdns_check)i));
		if (eff != DM_ACT_OFF)
			consider(out, eff, would, DM_REPLY_RDNS_NONE + i, name);
	}
	if (out->reply < 0) {
		out->action = DM_ACT_OFF;
		return out->action;
	}
	if (out->reply == HELO_UNKNOWN)
		v.reason = "no A, AAAA or MX record";
	else if (out->reply == DM_REPLY_HELO_DNS_ERROR)
		v.reason = "temporary DNS failure";
	else if (out->reply >= HELO_CHECK_COUNT)
		v.reason = out->reply == DM_REPLY_DNSBL ? "listed" : out->reply == DM_REPLY_RDNS_NONE ?
		           "no reverse DNS" : "reverse DNS does not resolve back";
	else if (f->helo_reasons[out->reply] != NULL)
		v.reason = f->helo_reasons[out->reply];
	else
		v.reason = f->helo_reason;
	v.url = pol->help_url;
	v.zone = f->dnsbl_zones;
	v.txt = f->dnsbl_txt;
	memcpy(out->code, pol->reply[out->reply].code, sizeof(out->code));
	memcpy(out->xcode, pol->reply[out->reply].xcode, sizeof(out->xcode));
	dm_reply_expand(&pol->reply[out->reply], &v, out->text, sizeof(out->text));
	return out->action;
}

/*
 * verdict.c - every decision, under the policy that applies (see verdict.h).
 *
 * Connect stage: the worst finding wins. Order of strength: reject >
 * tempfail > shadow > off; among equals the first in this order: HELO
 * checks (enum helo_check), HELO DNS error, DNSBL, rDNS, domain lists
 * (HELO, client, sender), sender. A temporary DNS
 * failure can only ever tempfail (or pass), never reject. An allowlisted
 * client (DNSWL score) passes everything.
 * RCPT: exempt recipients and authenticated senders pass; one policy per
 * message. Content: the policy's thresholds decide, never spamd's.
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

/* The MAIL FROM findings (filters/rules/sender.c), under [sender]. */
static void consider_sender(const struct dm_policy *pol, const struct dm_findings *f, struct dm_decision *out)
{
	enum dm_action eff, would;

	if (f->sender & (1u << DM_SENDER_NON_FQDN)) {
		effective(pol->sender_mode, pol->sender_action[DM_SENDER_NON_FQDN],
		          &pol->reply[DM_REPLY_SENDER_NON_FQDN], &eff, &would);
		if (eff != DM_ACT_OFF)
			consider(out, eff, would, DM_REPLY_SENDER_NON_FQDN, "non_fqdn_sender");
	}
	if (f->sender & (1u << DM_SENDER_NULL_MX)) {
		effective(pol->sender_mode, dm_policy_null_mx_action(pol), &pol->reply[DM_REPLY_SENDER_NULL_MX],
		          &eff, &would);
		if (eff != DM_ACT_OFF)
			consider(out, eff, would, DM_REPLY_SENDER_NULL_MX, "unknown_sender_domain");
	}
	if (f->sender & (1u << DM_SENDER_UNKNOWN)) {
		effective(pol->sender_mode, pol->sender_action[DM_SENDER_UNKNOWN],
		          &pol->reply[DM_REPLY_SENDER_UNKNOWN], &eff, &would);
		if (eff != DM_ACT_OFF)
			consider(out, eff, would, DM_REPLY_SENDER_UNKNOWN, "unknown_sender_domain");
	}
	/* a DNS failure: tempfail at most, and only when unknown acts at all */
	if (f->sender_dns_temp && pol->sender_action[DM_SENDER_UNKNOWN] != DM_ACT_OFF) {
		effective(pol->sender_mode, pol->sender_dns_error, &pol->reply[DM_REPLY_SENDER_DNS_ERROR], &eff, &would);
		if (eff != DM_ACT_OFF)
			consider(out, eff, would, DM_REPLY_SENDER_DNS_ERROR, "sender_dns_error");
	}
}

/* Domain lists: a listed HELO name, confirmed reverse name or sender domain. */
static void consider_rhsbl(const struct dm_policy *pol, const struct dm_findings *f, struct dm_decision *out)
{
	static const char *const names[DM_RHSBL_TARGETS] = { "rhsbl_helo", "rhsbl_client", "rhsbl_sender" };
	enum dm_action eff, would;
	int t;

	for (t = 0; t < DM_RHSBL_TARGETS; t++) {
		if (!(f->rhsbl & (1u << t)))
			continue;
		effective(pol->rhsbl_mode, pol->rhsbl_action[t], &pol->reply[DM_REPLY_RHSBL_HELO + t], &eff, &would);
		if (eff != DM_ACT_OFF)
			consider(out, eff, would, DM_REPLY_RHSBL_HELO + t, names[t]);
	}
}

/* %r for reply i. */
static const char *reason_for(const struct dm_findings *f, int i)
{
	if (i == HELO_UNKNOWN)
		return f->helo_reasons[HELO_UNKNOWN] != NULL ? f->helo_reasons[HELO_UNKNOWN] : "no A, AAAA or MX record";
	if (i == DM_REPLY_HELO_DNS_ERROR || i == DM_REPLY_SENDER_DNS_ERROR)
		return "temporary DNS failure";
	if (i == DM_REPLY_DNSBL)
		return "listed";
	if (i == DM_REPLY_RDNS_NONE)
		return "no reverse DNS";
	if (i == DM_REPLY_RDNS_MISMATCH)
		return "reverse DNS does not resolve back";
	if (i == DM_REPLY_SENDER_NON_FQDN)
		return "need fully-qualified address";
	if (i == DM_REPLY_SENDER_UNKNOWN)
		return f->sender_reason != NULL ? f->sender_reason : "no A, AAAA or MX record";
	if (i == DM_REPLY_SENDER_NULL_MX)
		return "null MX";
	if (i >= DM_REPLY_RHSBL_HELO && i < DM_REPLY_RHSBL_HELO + DM_RHSBL_TARGETS)
		return "listed";
	return f->helo_reasons[i] != NULL ? f->helo_reasons[i] : f->helo_reason;
}

enum dm_action dm_decide_connect(const struct dm_policy *pol, const struct dm_findings *f,
                                 const struct dm_reply_vars *vars, struct dm_decision *out)
{
	struct dm_reply_vars v = *vars;
	enum dm_action eff, would;
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
		consider(out, eff, would, i, dm_reply_key(i));
	}
	if (f->helo_dns_temp && !(f->helo & HELO_BIT(HELO_UNKNOWN))) {
		effective(pol->helo_mode, pol->helo_dns_error, &pol->reply[DM_REPLY_HELO_DNS_ERROR], &eff, &would);
		if (eff != DM_ACT_OFF)
			consider(out, eff, would, DM_REPLY_HELO_DNS_ERROR, dm_reply_key(DM_REPLY_HELO_DNS_ERROR));
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
		if (eff != DM_ACT_OFF)
			consider(out, eff, would, DM_REPLY_RDNS_NONE + i, dm_reply_key(DM_REPLY_RDNS_NONE + i));
	}
	consider_rhsbl(pol, f, out);
	consider_sender(pol, f, out);
	if (out->reply < 0) {
		out->action = DM_ACT_OFF;
		return out->action;
	}
	v.reason = reason_for(f, out->reply);
	v.url = pol->help_url;
	v.part = out->reply < HELO_CHECK_COUNT ? f->helo_part : NULL;
	v.zone = f->dnsbl_zones;
	if (out->reply >= DM_REPLY_RHSBL_HELO && out->reply < DM_REPLY_RHSBL_HELO + DM_RHSBL_TARGETS) {
		v.zone = f->rhsbl_zones[out->reply - DM_REPLY_RHSBL_HELO];
		v.domain = f->rhsbl_name[out->reply - DM_REPLY_RHSBL_HELO];
	}
	v.txt = f->dnsbl_txt;
	memcpy(out->code, pol->reply[out->reply].code, sizeof(out->code));
	memcpy(out->xcode, pol->reply[out->reply].xcode, sizeof(out->xcode));
	dm_reply_expand(&pol->reply[out->reply], &v, out->text, sizeof(out->text));
	return out->action;
}

/* ------------------------------------------------------------ RCPT */

int dm_rcpt_accepted(enum dm_rcpt_outcome o)
{
	return o == DM_RCPT_ACCEPT || o == DM_RCPT_SHADOW || o == DM_RCPT_EXEMPT || o == DM_RCPT_AUTH;
}

/* A refusal decided here, not by a policy's reply table. */
static void fixed_reply(struct dm_decision *d, enum dm_action a, const char *code, const char *xcode,
                        const char *check)
{
	memset(d, 0, sizeof(*d));
	d->action = a;
	d->would = a;
	d->reply = -1;
	snprintf(d->code, sizeof(d->code), "%s", code);
	snprintf(d->xcode, sizeof(d->xcode), "%s", xcode);
	snprintf(d->check, sizeof(d->check), "%s", check);
}

static enum dm_rcpt_outcome split_off(const struct dm_rcpt_case *rc, struct dm_decision *d, const char *check,
                                      const char *why)
{
	fixed_reply(d, DM_ACT_TEMPFAIL, "452", "4.5.3", check);
	snprintf(d->text, sizeof(d->text), "<%.100s>: Recipient address %s; send it in a separate transaction",
	         rc->rcpt ? rc->rcpt : "", why);
	return DM_RCPT_SPLIT;
}

enum dm_rcpt_outcome dm_decide_rcpt(const struct dm_rcpt_case *rc, struct dm_decision *d)
{
	enum dm_rcpt_outcome o = DM_RCPT_ACCEPT;

	if (rc->addr == DM_RCPT_ADDR_BAD) {
		fixed_reply(d, DM_ACT_TEMPFAIL, "450", "4.1.3", "rcpt_unparsed");
		snprintf(d->text, sizeof(d->text), "<%.100s>: Recipient address not understood by the filter (%.80s)",
		         rc->rcpt ? rc->rcpt : "", rc->addr_why ? rc->addr_why : "syntax");
		return DM_RCPT_DEFER;
	}
	if (rc->addr == DM_RCPT_ADDR_NO_DOMAIN && !rc->exempt && !rc->authenticated) {
		fixed_reply(d, DM_ACT_REJECT, "504", "5.5.2", "rcpt_non_fqdn");
		snprintf(d->text, sizeof(d->text), "<%.100s>: Recipient address rejected: need fully-qualified address",
		         rc->rcpt ? rc->rcpt : "");
		return DM_RCPT_REJECT;
	}
	if (d->action >= DM_ACT_TEMPFAIL && !rc->exempt && !rc->authenticated)
		return d->action == DM_ACT_REJECT ? DM_RCPT_REJECT : DM_RCPT_DEFER;
	/* one policy per message: the client sends this one again on its own */
	if (rc->first != NULL && rc->first != rc->pol)
		return split_off(rc, d, "policy_split", "has another filtering policy than the first");
	/* one verdict per message: an exempt name never changes the others' */
	if (rc->first != NULL && rc->exempt != rc->first_exempt && rc->spam_can_reject)
		return split_off(rc, d, "exempt_split", rc->exempt ? "is exempt from spam rejection, the first is not"
		                                                   : "is not exempt from spam rejection, the first is");
	if (d->action != DM_ACT_OFF && rc->exempt)
		o = DM_RCPT_EXEMPT;
	else if (d->action != DM_ACT_OFF && rc->authenticated)
		o = DM_RCPT_AUTH;
	else if (d->action == DM_ACT_SHADOW)
		o = DM_RCPT_SHADOW;
	return o;
}

int dm_spam_can_reject(const struct dm_policy *pol, int spamd_configured)
{
	return spamd_configured && pol->spam_mode == DM_MODE_ENFORCE && pol->reject_score < DM_SCORE_OFF;
}

/* ----------------------------------------------------------- content */

const char *dm_decide_scan(const struct dm_policy *pol, int authenticated, int allowlisted)
{
	if (pol->spam_mode == DM_MODE_OFF)
		return "policy";
	if (authenticated && !pol->scan_authenticated)
		return "authenticated";
	if (allowlisted && !pol->scan_allowlisted)
		return "allowlisted";
	return NULL;
}

void dm_spamd_user(const struct dm_policy *pol, const char *rcpt, char *out, size_t outlen)
{
	const char *at = strrchr(rcpt, '@');
	size_t o = 0;
	const char *p;

	if (outlen == 0)
		return;
	for (p = pol->spamd_user; *p && o + 1 < outlen; p++) {
		const char *sub = NULL;
		if (p[0] == '%' && p[1] == 'd')
			sub = at ? at + 1 : "";
		else if (p[0] == '%' && p[1] == 'r')
			sub = rcpt;
		if (sub == NULL) {
			out[o++] = *p;
			continue;
		}
		p++;
		while (*sub && o + 1 < outlen)
			out[o++] = *sub++;
	}
	out[o] = '\0';
}

const char *dm_content_action_name(enum dm_content_action a)
{
	static const char *const names[] = { "pass", "tag", "quarantine", "reject", "unscanned", "tempfail" };

	return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "?";
}

void dm_decide_content(const struct dm_content_case *cc, struct dm_content_verdict *out)
{
	const struct dm_policy *pol = cc->pol;

	memset(out, 0, sizeof(*out));
	out->required = pol->tag_score < DM_SCORE_OFF ? pol->tag_score : cc->spamd_required;
	if (!cc->verdict) {
		out->action = out->would = pol->on_error_tempfail && pol->spam_mode == DM_MODE_ENFORCE
		                           ? DM_CONTENT_TEMPFAIL : DM_CONTENT_UNSCANNED;
		snprintf(out->check, sizeof(out->check), "spam_error");
		return;
	}
	if (cc->score >= pol->reject_score)
		out->would = DM_CONTENT_REJECT;
	else if (cc->score >= pol->quarantine_score)
		out->would = DM_CONTENT_QUARANTINE;
	else if (cc->score >= pol->tag_score)
		out->would = DM_CONTENT_TAG;
	out->spam = out->would >= DM_CONTENT_TAG;
	out->action = pol->spam_mode == DM_MODE_ENFORCE ? out->would : DM_CONTENT_PASS;
	snprintf(out->check, sizeof(out->check), "spam_%s", dm_content_action_name(out->would));
	/* postmaster and abuse always get their mail: tagged instead */
	if (out->action == DM_CONTENT_REJECT && cc->has_exempt) {
		out->action = DM_CONTENT_TAG;
		snprintf(out->check, sizeof(out->check), "spam_exempt");
	}
}

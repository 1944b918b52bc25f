/*
 * verdict.h - every decision doorman takes, as pure functions: what the
 * connect-stage findings mean for a recipient (dm_decide_connect), whether
 * that recipient is accepted, refused, exempt or split off
 * (dm_decide_rcpt), whether a message is scanned (dm_decide_scan) and what
 * its spamd score means (dm_decide_content).
 *
 * Pure: the caller gathers the facts (findings, the recipient, spamd's
 * answer) and carries the decision out; a decision names its check= (the
 * name in the log line) so that "why was this mail refused?" leads here.
 */
#ifndef DOORMAN_VERDICT_H
#define DOORMAN_VERDICT_H

#include "config.h"

struct dm_findings {
	unsigned helo;            /* HELO_BIT()s, including HELO_UNKNOWN after DNS */
	int helo_dns_temp;        /* the A/AAAA/MX lookup failed temporarily (nothing found, some errors) */
	const char *helo_reason;  /* helo_classify's reason text (first finding) */
	const char *helo_reasons[HELO_CHECK_COUNT];   /* per finding; NULL: use helo_reason */
	const char *helo_part;    /* "%o": what non_fqdn is about (".local"), or NULL */
	int dnsbl_score;          /* sum of the weights of the zones that listed the client */
	const char *dnsbl_zones;  /* "%z": the listing (blocklist) zones, ", "-separated */
	const char *dnsbl_txt;    /* "%t": a TXT record of a listing zone, or NULL */
	unsigned rdns;            /* bit DM_RDNS_NONE / DM_RDNS_MISMATCH */
	unsigned sender;          /* 1u << enum dm_sender_check, this transaction's MAIL FROM */
	int sender_dns_temp;      /* the sender domain's lookups failed (nothing found) */
	const char *sender_reason;   /* why, for %r ("not looked up: ..."), or NULL */
	unsigned rhsbl;           /* 1u << enum dm_rhsbl_target: a domain list listed that name */
	const char *rhsbl_name[DM_RHSBL_TARGETS];    /* "%d": the name listed */
	const char *rhsbl_zones[DM_RHSBL_TARGETS];   /* "%z": the listing zones */
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

/* ------------------------------------------------------------ RCPT */

enum dm_rcpt_outcome {
	DM_RCPT_ACCEPT = 0,     /* no finding acts on this recipient */
	DM_RCPT_SHADOW,         /* accepted; a finding in shadow mode would have refused it */
	DM_RCPT_EXEMPT,         /* a finding would refuse it, but the recipient is exempt */
	DM_RCPT_AUTH,           /* a finding would refuse it, but the sender authenticated */
	DM_RCPT_REJECT,         /* refused with a 5xx */
	DM_RCPT_DEFER,          /* refused with a 4xx */
	DM_RCPT_SPLIT           /* under another policy than the message's, or exempt where the
	                           message's recipients are not (or the reverse): 452 4.5.3 */
};

/* What could be read of the recipient's address (filters/base/mailaddr.c). */
enum dm_rcpt_addr {
	DM_RCPT_ADDR_OK = 0,    /* a domain (or an address literal): its policy applies */
	DM_RCPT_ADDR_NO_DOMAIN, /* a local part alone ("<postmaster>") */
	DM_RCPT_ADDR_BAD        /* unreadable: no policy can be chosen */
};

struct dm_rcpt_case {
	const struct dm_policy *pol;      /* this recipient's policy */
	const struct dm_policy *first;    /* the message's (its first accepted recipient's), or NULL */
	const char *rcpt;                 /* the address, clean, for the 452 text */
	int exempt;                       /* listed in pol's [exempt] */
	int authenticated;                /* the sender authenticated (SASL) */
	enum dm_rcpt_addr addr;           /* what could be read of the address */
	const char *addr_why;             /* DM_RCPT_ADDR_BAD: what is wrong (clean text) */
	int first_exempt;                 /* with first: the message's recipients are exempt */
	int spam_can_reject;              /* pol's content stage may reject the message (a scan is
	                                     configured, spam mode enforce, reject_score set) */
};

/* One recipient, given d = dm_decide_connect() under rc->pol. An address
 * that cannot be read is deferred (450 4.1.3, check=rcpt_unparsed: never
 * the default policy); a local part alone that is not exempt is refused as
 * Postfix's reject_non_fqdn_recipient does (504 5.5.2,
 * check=rcpt_non_fqdn). A refusing finding is enforced unless the
 * recipient is exempt or the sender authenticated; then a recipient under
 * another policy than the message's is split off (d becomes the 452 4.5.3,
 * check=policy_split), and so is an exempt recipient in a message whose
 * recipients are not exempt, or the reverse, when the policy may reject
 * spam (check=exempt_split): one verdict per message, and an exempt name
 * never turns a reject into a tag for the others. Only the accepted
 * outcomes (ACCEPT, SHADOW, EXEMPT, AUTH) may change the message (its
 * policy, exemption, shadow mark). */
enum dm_rcpt_outcome dm_decide_rcpt(const struct dm_rcpt_case *rc, struct dm_decision *d);

/* 1 for the outcomes that accept the recipient. */
int dm_rcpt_accepted(enum dm_rcpt_outcome o);

/* ----------------------------------------------------------- content */

/* Whether pol's content stage can reject a message (spam mode enforce and
 * a reject_score), given whether spamd is configured at all. */
int dm_spam_can_reject(const struct dm_policy *pol, int spamd_configured);

/* Whether a message is scanned under its policy: NULL to scan, else why
 * not ("policy", "authenticated", "allowlisted"). */
const char *dm_decide_scan(const struct dm_policy *pol, int authenticated, int allowlisted);

/* The spamd user for a message: the policy's spamd_user with %d (the
 * recipient's domain) and %r (the recipient) expanded, bounded. */
void dm_spamd_user(const struct dm_policy *pol, const char *rcpt, char *out, size_t outlen);

enum dm_content_action {
	DM_CONTENT_PASS = 0, DM_CONTENT_TAG, DM_CONTENT_QUARANTINE, DM_CONTENT_REJECT,
	DM_CONTENT_UNSCANNED,   /* no verdict: accepted with X-Spam-Status: unscanned */
	DM_CONTENT_TEMPFAIL     /* no verdict: 451 (on_error = tempfail) */
};

struct dm_content_case {
	const struct dm_policy *pol;      /* the message's */
	int verdict;                      /* spamd gave a score */
	double score, spamd_required;     /* spamd's score and its own threshold */
	int has_exempt;                   /* an accepted recipient is exempt (postmaster...) */
};

struct dm_content_verdict {
	enum dm_content_action action;    /* what to do */
	enum dm_content_action would;     /* what the score alone says (shadow mode acts on nothing) */
	int spam;                         /* the score reached tag_score: X-Spam-Status: Yes */
	double required;                  /* required= for X-Spam-Status and the log */
	char check[32];                   /* spam_pass, spam_tag, spam_quarantine, spam_reject,
	                                     spam_exempt (reject turned into tag), spam_error */
};

/* The end-of-message decision: the policy's thresholds, not spamd's,
 * decide; shadow mode only tells what would be done; a recipient that is
 * exempt gets spam tagged, not rejected; without a verdict on_error says
 * unscanned or tempfail (tempfail only when the mode is enforce). */
void dm_decide_content(const struct dm_content_case *cc, struct dm_content_verdict *out);

const char *dm_content_action_name(enum dm_content_action a);   /* "pass", "tag" ... */

#endif

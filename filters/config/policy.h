/*
 * policy.h - a recipient domain's policy (policy.d/DOMAIN.conf): which
 * checks act and how, the spam thresholds, the replies, the exempt
 * recipients.
 *
 * A domain file starts as a copy of the default policy and overrides it key
 * by key; every key is a row of one table (policy.c) that parses, checks
 * and dumps it. A policy is immutable once its configuration is loaded.
 */
#ifndef DOORMAN_POLICY_H
#define DOORMAN_POLICY_H

#include <stdio.h>

#include "helo.h"
#include "iniparse.h"
#include "reply.h"
#include "rhsbl.h"
#include "sender.h"

/* Ordered by severity: the worst finding wins. */
enum dm_action { DM_ACT_OFF = 0, DM_ACT_SHADOW, DM_ACT_TEMPFAIL, DM_ACT_REJECT };
enum dm_mode { DM_MODE_OFF = 0, DM_MODE_SHADOW, DM_MODE_ENFORCE };

/* Replies: one per HELO check (same index as enum helo_check), then the
 * reply for a HELO lookup that failed for a temporary DNS reason, the DNSBL
 * reply and the two client rDNS replies. */
#define DM_REPLY_HELO_DNS_ERROR HELO_CHECK_COUNT
#define DM_REPLY_DNSBL (HELO_CHECK_COUNT + 1)
#define DM_REPLY_RDNS_NONE (HELO_CHECK_COUNT + 2)
#define DM_REPLY_RDNS_MISMATCH (HELO_CHECK_COUNT + 3)
#define DM_REPLY_SPAM (HELO_CHECK_COUNT + 4)          /* score >= reject_score */
#define DM_REPLY_SPAM_ERROR (HELO_CHECK_COUNT + 5)    /* not scanned, on_error = tempfail */
#define DM_REPLY_SENDER_NON_FQDN (HELO_CHECK_COUNT + 6)  /* reject_non_fqdn_sender */
#define DM_REPLY_SENDER_UNKNOWN (HELO_CHECK_COUNT + 7)   /* no A, AAAA or MX */
#define DM_REPLY_SENDER_NULL_MX (HELO_CHECK_COUNT + 8)   /* RFC 7505 null MX */
#define DM_REPLY_SENDER_DNS_ERROR (HELO_CHECK_COUNT + 9) /* lookups failed, unknown_on_dns_error = tempfail */
#define DM_REPLY_RHSBL_HELO (HELO_CHECK_COUNT + 10)      /* + enum dm_rhsbl_target */
#define DM_REPLY_COUNT (HELO_CHECK_COUNT + 10 + DM_RHSBL_TARGETS)

#define DM_SCORE_OFF 1e9                              /* a score threshold that is "off" */

enum dm_spam_detail { DM_SPAM_CHECK = 0, DM_SPAM_SYMBOLS, DM_SPAM_REPORT };

/* Client rDNS findings. */
enum dm_rdns_check { DM_RDNS_NONE = 0, DM_RDNS_MISMATCH, DM_RDNS_CHECK_COUNT };

struct dm_policy {
	char *name;                                /* "default" or the domain */
	char *file;                                /* where it was defined */
	enum dm_mode helo_mode;
	enum dm_action helo_action[HELO_CHECK_COUNT];
	enum dm_action helo_dns_error;             /* DM_ACT_OFF (pass) or DM_ACT_TEMPFAIL */
	enum dm_mode dnsbl_mode;
	int dnsbl_threshold;                       /* score >= this: dnsbl_action */
	enum dm_action dnsbl_action;
	int allow_threshold;                       /* score <= this: allowlisted */
	enum dm_mode rdns_mode;
	enum dm_action rdns_action[DM_RDNS_CHECK_COUNT];
	enum dm_mode sender_mode;
	enum dm_action sender_action[DM_SENDER_CHECK_COUNT];   /* [DM_SENDER_NULL_MX] unused: unknown's */
	enum dm_action sender_dns_error;           /* DM_ACT_OFF (pass) or DM_ACT_TEMPFAIL */
	enum dm_mode rhsbl_mode;
	enum dm_action rhsbl_action[DM_RHSBL_TARGETS];   /* a domain list listed that name */
	enum dm_mode spam_mode;                    /* off: no scan at all */
	double tag_score, reject_score, quarantine_score;   /* DM_SCORE_OFF = off */
	char subject_tag[64];                      /* "" = leave the Subject alone */
	char spamd_user[128];                      /* %d recipient domain, %r recipient */
	int on_error_tempfail;                     /* 0: accept unscanned, 1: 451 */
	int scan_authenticated, scan_allowlisted;
	int explain;                               /* X-Doorman: the findings and what was done */
	enum dm_spam_detail spam_detail;           /* tests = yes: SYMBOLS; report = yes: REPORT */
	struct dm_reply reply[DM_REPLY_COUNT];
	char help_url[200];
	char **exempt;                             /* local parts or full addresses, lowercase */
	size_t nexempt;
	/* where each reply came from (file:line), 0 = built in; for error messages */
	int reply_line[DM_REPLY_COUNT];
	char *reply_file[DM_REPLY_COUNT];
	/* the row of this policy's counters (milter/metrics.c), set when the
	 * configuration is installed, before it is published; 0 = none yet */
	unsigned stats_slot;
};

struct dm_policy *dm_policy_builtin(void);
/* A copy of base, named name, defined in file. NULL: out of memory. */
struct dm_policy *dm_policy_copy(const struct dm_policy *base, const char *name, const char *file);
/* Parse a policy file's text over pol (a copy of its base); every problem
 * goes to errs as file:line. Returns the number of errors added. Pure and
 * fuzzable. */
int dm_policy_parse(struct dm_policy *pol, const char *text, size_t len, const char *file,
                    struct dm_errors *errs);
/* Cross-key checks after parsing (reply class vs action); adapts built-in
 * replies to the action, reports explicit ones that contradict it. */
int dm_policy_finish(struct dm_policy *pol, struct dm_errors *errs);
void dm_policy_free(struct dm_policy *pol);

/* 1 if the recipient address (local@domain, no brackets) is exempt. */
int dm_policy_exempt(const struct dm_policy *pol, const char *rcpt);

/* Names for config values and logs. */
const char *dm_action_name(enum dm_action a);
const char *dm_mode_name(enum dm_mode m);
const char *dm_rdns_check_name(enum dm_rdns_check c);   /* "none", "mismatch" */
/* The action that uses reply i of pol (DM_ACT_OFF for the DNS-error reply when it passes). */
enum dm_action dm_policy_reply_action(const struct dm_policy *pol, int i);
/* What a null MX sender gets: as Postfix 3, a reject whenever [sender]
 * unknown acts at all (tempfail or reject), shadow or off as it says. */
enum dm_action dm_policy_null_mx_action(const struct dm_policy *pol);
/* The one name of finding (reply) i: "helo_non_fqdn", "dnsbl", "rdns_none" ...
 * It is the [replies] key, the log lines' check= and findings= items, the
 * metrics' check label and X-Doorman's findings= item: use it for all. */
const char *dm_reply_key(int i);

/* Print the policy in policy file syntax (every key, after inheritance). */
void dm_policy_dump(const struct dm_policy *pol, FILE *out);

/* A list value being printed by -d: items go on after "key =" separated by
 * ", ", and fold onto indented continuation lines before a line would pass
 * DM_DUMP_WIDTH characters (an item longer than that stands alone), so a
 * dump of a long list still reads back within the 199-character limit. */
#define DM_DUMP_WIDTH 78
struct dm_dump_list {
	FILE *out;
	size_t col;                  /* characters on the current line */
	size_t n;                    /* items printed */
};
/* Print "key =" padded to width and start a list. */
void dm_dump_list_begin(struct dm_dump_list *l, FILE *out, int width, const char *key);
void dm_dump_list_item(struct dm_dump_list *l, const char *item);
/* End the line. */
void dm_dump_list_end(struct dm_dump_list *l);

#endif

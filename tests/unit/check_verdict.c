/*
 * check_verdict.c - filters/checks/verdict.c, every decision doorman takes, one
 * table each: the connect-stage findings under a policy, one recipient
 * (exempt, authenticated, the 452 split), whether a message is scanned,
 * the spamd user, and what a spamd score (or its absence) means.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#include "diag.h"

/* A policy: the built-in one with text over it. */
static struct dm_policy *policy(const char *name, const char *text)
{
	struct dm_errors errs = { NULL, 0 };
	struct dm_policy *base = dm_policy_builtin(), *pol = dm_policy_copy(base, name, "t.conf");

	ck_assert_ptr_nonnull(pol);
	dm_policy_parse(pol, text, strlen(text), "t.conf", &errs);
	dm_policy_finish(pol, &errs);
	ck_assert_msg(errs.n == 0, "policy text: %s", errs.n ? errs.msg[0] : "");
	dm_errors_free(&errs);
	dm_policy_free(base);
	return pol;
}

/* ---------------------------------------------------------- verdict rows */

#define BIT(c) HELO_BIT(HELO_##c)

struct verdict_row {
	const char *name;
	const char *policy;     /* policy text over the built-in defaults */
	unsigned helo;
	int dns_temp;
	enum dm_action action, would;
	int reply;              /* -1: none */
	const char *check, *code, *xcode;
	const char *text[2];    /* substrings of the expanded text */
};

#define NOTEXT { NULL, NULL }

static const struct verdict_row verdict_rows[] = {
	{ "no findings", "", 0, 0, DM_ACT_OFF, DM_ACT_OFF, -1, "", "", "", NOTEXT },
	{ "non_fqdn rejects", "", BIT(NON_FQDN), 0, DM_ACT_REJECT, DM_ACT_REJECT, HELO_NON_FQDN,
	  "helo_non_fqdn", "554", "5.7.1", { "<Exchange01>", "(not a fully-qualified domain name)" } },
	{ "unknown tempfails", "", BIT(UNKNOWN), 0, DM_ACT_TEMPFAIL, DM_ACT_TEMPFAIL, HELO_UNKNOWN,
	  "helo_unknown", "450", "4.7.1", { "<Exchange01>: Helo command rejected: Host not found", NULL } },
	{ "invalid rejects with 501 5.5.2", "", BIT(INVALID), 0, DM_ACT_REJECT, DM_ACT_REJECT, HELO_INVALID,
	  "helo_invalid", "501", "5.5.2", { "Invalid name (not a fully-qualified domain name)", NULL } },
	{ "reject beats tempfail", "", BIT(NON_FQDN) | BIT(UNKNOWN), 0, DM_ACT_REJECT, DM_ACT_REJECT,
	  HELO_NON_FQDN, "helo_non_fqdn", "554", "5.7.1", NOTEXT },
	{ "reject beats tempfail, later in enum order", "[helo]\nunknown = reject\nnon_fqdn = tempfail\n",
	  BIT(NON_FQDN) | BIT(UNKNOWN), 0, DM_ACT_REJECT, DM_ACT_REJECT, HELO_UNKNOWN, "helo_unknown", "550",
	  "5.7.1", { "Host not found", NULL } },
	{ "tie: first in enum order (forged before bare_ip)", "", BIT(BARE_IP) | BIT(FORGED), 0, DM_ACT_REJECT,
	  DM_ACT_REJECT, HELO_FORGED, "helo_forged", "554", "5.7.1", { "you are not me", NULL } },
	{ "tie: invalid before non_fqdn", "", BIT(NON_FQDN) | BIT(INVALID), 0, DM_ACT_REJECT, DM_ACT_REJECT,
	  HELO_INVALID, "helo_invalid", "501", "5.5.2", NOTEXT },
	{ "mode shadow: SHADOW, would REJECT", "[helo]\nmode = shadow\n", BIT(NON_FQDN), 0, DM_ACT_SHADOW,
	  DM_ACT_REJECT, HELO_NON_FQDN, "helo_non_fqdn", "554", "5.7.1", { "<Exchange01>", NULL } },
	{ "mode shadow: reject would beat tempfail", "[helo]\nmode = shadow\n", BIT(UNKNOWN) | BIT(LOCALHOST), 0,
	  DM_ACT_SHADOW, DM_ACT_REJECT, HELO_LOCALHOST, "helo_localhost", "554", "5.7.1", NOTEXT },
	{ "mode off: OFF", "[helo]\nmode = off\n", BIT(NON_FQDN) | BIT(UNKNOWN), 1, DM_ACT_OFF, DM_ACT_OFF, -1,
	  "", "", "", NOTEXT },
	{ "per-check shadow: would follow the reply class", "[helo]\nnon_fqdn = shadow\n", BIT(NON_FQDN), 0,
	  DM_ACT_SHADOW, DM_ACT_REJECT, HELO_NON_FQDN, "helo_non_fqdn", "554", "5.7.1", NOTEXT },
	{ "per-check shadow loses to an enforced tempfail", "[helo]\nnon_fqdn = shadow\n",
	  BIT(NON_FQDN) | BIT(UNKNOWN), 0, DM_ACT_TEMPFAIL, DM_ACT_TEMPFAIL, HELO_UNKNOWN, "helo_unknown", "450",
	  "4.7.1", NOTEXT },
	{ "per-check off ignores the finding", "[helo]\nnon_fqdn = off\n", BIT(NON_FQDN), 0, DM_ACT_OFF,
	  DM_ACT_OFF, -1, "", "", "", NOTEXT },
	{ "adapted built-in: non_fqdn = tempfail gives 450 4.7.1", "[helo]\nnon_fqdn = tempfail\n",
	  BIT(NON_FQDN), 0, DM_ACT_TEMPFAIL, DM_ACT_TEMPFAIL, HELO_NON_FQDN, "helo_non_fqdn", "450", "4.7.1",
	  { "need fully-qualified hostname", NULL } },
	{ "dns error with unknown_on_dns_error = tempfail", "[helo]\nunknown_on_dns_error = tempfail\n", 0, 1,
	  DM_ACT_TEMPFAIL, DM_ACT_TEMPFAIL, DM_REPLY_HELO_DNS_ERROR, "helo_dns_error", "450", "4.7.1",
	  { "<Exchange01>", "temporary DNS failure" } },
	{ "dns error, custom 4xx reply with %r", "[helo]\nunknown_on_dns_error = tempfail\n[replies]\n"
	  "helo_dns_error = 451 4.4.3 lookup of %h failed: %r\n", 0, 1, DM_ACT_TEMPFAIL, DM_ACT_TEMPFAIL,
	  DM_REPLY_HELO_DNS_ERROR, "helo_dns_error", "451", "4.4.3",
	  { "lookup of Exchange01 failed: temporary DNS failure", NULL } },
	{ "dns error with unknown_on_dns_error = pass", "", 0, 1, DM_ACT_OFF, DM_ACT_OFF, -1, "", "", "", NOTEXT },
	{ "dns error under mode shadow never would reject", "[helo]\nmode = shadow\nunknown_on_dns_error = tempfail\n",
	  0, 1, DM_ACT_SHADOW, DM_ACT_TEMPFAIL, DM_REPLY_HELO_DNS_ERROR, "helo_dns_error", "450", "4.7.1", NOTEXT },
	{ "dns error with unknown = reject still only tempfails",
	  "[helo]\nunknown = reject\nunknown_on_dns_error = tempfail\n", 0, 1, DM_ACT_TEMPFAIL, DM_ACT_TEMPFAIL,
	  DM_REPLY_HELO_DNS_ERROR, "helo_dns_error", "450", "4.7.1", NOTEXT },
	{ "dns error ignored when unknown is already found", "[helo]\nunknown_on_dns_error = tempfail\n",
	  BIT(UNKNOWN), 1, DM_ACT_TEMPFAIL, DM_ACT_TEMPFAIL, HELO_UNKNOWN, "helo_unknown", "450", "4.7.1", NOTEXT },
	{ "reject finding beats a dns error", "[helo]\nunknown_on_dns_error = tempfail\n", BIT(NON_FQDN), 1,
	  DM_ACT_REJECT, DM_ACT_REJECT, HELO_NON_FQDN, "helo_non_fqdn", "554", "5.7.1", NOTEXT },
	{ "help URL and client expanded", "[replies]\nhelp_url = https://mail.example.com/policy\n"
	  "helo_literal_mismatch = 554 5.7.1 [%c] is not <%h>; see %u\n", BIT(LITERAL_MISMATCH), 0,
	  DM_ACT_REJECT, DM_ACT_REJECT, HELO_LITERAL_MISMATCH, "helo_literal_mismatch", "554", "5.7.1",
	  { "[192.0.2.7] is not <Exchange01>; see https://mail.example.com/policy", NULL } },
	{ "%o: the part of the HELO name the finding is about", "[replies]\n"
	  "helo_non_fqdn = 554 5.7.1 <%h>: Helo command rejected: Go away, bad guy (%o)\n", BIT(NON_FQDN), 0,
	  DM_ACT_REJECT, DM_ACT_REJECT, HELO_NON_FQDN, "helo_non_fqdn", "554", "5.7.1",
	  { "<Exchange01>: Helo command rejected: Go away, bad guy (.local)", NULL } },
	{ "%o is empty in other replies", "[replies]\nhelo_unknown = 450 4.7.1 unknown [%o]\n", BIT(UNKNOWN), 0,
	  DM_ACT_TEMPFAIL, DM_ACT_TEMPFAIL, HELO_UNKNOWN, "helo_unknown", "450", "4.7.1", { "unknown []", NULL } },
};

START_TEST(test_verdict)
{
	const struct verdict_row *r = &verdict_rows[_i];
	struct dm_errors errs = { NULL, 0 };
	struct dm_policy *pol = dm_policy_builtin();
	struct dm_findings f;
	struct dm_reply_vars v;
	struct dm_decision out;
	enum dm_action got;
	struct diag d;
	size_t i;

	memset(&d, 0, sizeof(d));
	ck_assert_ptr_nonnull(pol);
	dm_policy_parse(pol, r->policy, strlen(r->policy), "verdict.conf", &errs);
	dm_policy_finish(pol, &errs);
	expect(&d, errs.n == 0, "policy text has %zu errors: %s", errs.n, errs.n ? errs.msg[0] : "");
	dm_errors_free(&errs);

	memset(&f, 0, sizeof(f));
	f.helo = r->helo;
	f.helo_dns_temp = r->dns_temp;
	f.helo_reason = "not a fully-qualified domain name";
	f.helo_part = r->reply == HELO_NON_FQDN ? ".local" : NULL;
	memset(&v, 0, sizeof(v));
	v.helo = "Exchange01";
	v.client = "192.0.2.7";
	v.reason = "ignored: filled in from the finding";
	got = dm_decide_connect(pol, &f, &v, &out);

	expect(&d, got == out.action, "return %s != out.action %s", dm_action_name(got), dm_action_name(out.action));
	expect(&d, out.action == r->action, "action %s, want %s", dm_action_name(out.action), dm_action_name(r->action));
	if (r->action == DM_ACT_SHADOW || r->reply >= 0)
		expect(&d, out.would == r->would, "would %s, want %s", dm_action_name(out.would), dm_action_name(r->would));
	expect(&d, out.would != DM_ACT_REJECT || !(r->dns_temp && r->reply == DM_REPLY_HELO_DNS_ERROR),
	       "a DNS error would reject");
	expect(&d, out.reply == r->reply, "reply %d, want %d", out.reply, r->reply);
	expect(&d, strcmp(out.check, r->check) == 0, "check \"%s\", want \"%s\"", out.check, r->check);
	if (r->reply >= 0) {
		expect(&d, strcmp(out.code, r->code) == 0, "code %s, want %s", out.code, r->code);
		expect(&d, strcmp(out.xcode, r->xcode) == 0, "xcode %s, want %s", out.xcode, r->xcode);
	}
	for (i = 0; i < 2 && r->text[i] != NULL; i++)
		expect(&d, strstr(out.text, r->text[i]) != NULL, "text \"%s\" lacks \"%s\"", out.text, r->text[i]);
	for (i = 0; out.text[i]; i++)
		expect(&d, out.text[i] >= 0x20 && out.text[i] < 0x7f, "non-printable byte in text at %zu", i);
	dm_policy_free(pol);
	ck_assert_msg(!d.bad, "%s:%s", r->name, d.buf);
}
END_TEST

/* ------------------------------------------------------- sender rows */

#define SB(c) (1u << DM_SENDER_##c)
#define SENDER_ON "[sender]\nnon_fqdn = reject\nunknown = tempfail\n"

struct sender_row {
	const char *name;
	const char *policy;
	unsigned sender;
	int dns_temp;
	unsigned helo;
	enum dm_action action, would;
	int reply;
	const char *check, *code, *xcode, *text;
};

static const struct sender_row sender_rows[] = {
	{ "built in: sender checks off", "", SB(NON_FQDN) | SB(UNKNOWN), 1, 0, DM_ACT_OFF, DM_ACT_OFF, -1, "",
	  "", "", NULL },
	{ "non_fqdn: Postfix's 504 5.5.2", SENDER_ON, SB(NON_FQDN), 0, 0, DM_ACT_REJECT, DM_ACT_REJECT,
	  DM_REPLY_SENDER_NON_FQDN, "non_fqdn_sender", "504", "5.5.2",
	  "<u@x.example>: Sender address rejected: need fully-qualified address" },
	{ "unknown tempfail: Postfix's 450 4.1.8", SENDER_ON, SB(UNKNOWN), 0, 0, DM_ACT_TEMPFAIL, DM_ACT_TEMPFAIL,
	  DM_REPLY_SENDER_UNKNOWN, "unknown_sender_domain", "450", "4.1.8",
	  "<u@x.example>: Sender address rejected: Domain not found" },
	{ "unknown reject: the built-in reply turns 550 5.1.8", "[sender]\nunknown = reject\n", SB(UNKNOWN), 0, 0,
	  DM_ACT_REJECT, DM_ACT_REJECT, DM_REPLY_SENDER_UNKNOWN, "unknown_sender_domain", "550", "5.1.8",
	  "Domain not found" },
	{ "null MX rejects even when unknown tempfails", SENDER_ON, SB(NULL_MX), 0, 0, DM_ACT_REJECT, DM_ACT_REJECT,
	  DM_REPLY_SENDER_NULL_MX, "unknown_sender_domain", "550", "5.7.27", "does not accept mail (nullMX)" },
	{ "null MX off with unknown off", "[sender]\nnon_fqdn = reject\n", SB(NULL_MX), 0, 0, DM_ACT_OFF,
	  DM_ACT_OFF, -1, "", "", "", NULL },
	{ "DNS error passes by default", SENDER_ON, 0, 1, 0, DM_ACT_OFF, DM_ACT_OFF, -1, "", "", "", NULL },
	{ "DNS error tempfails at most", SENDER_ON "unknown_on_dns_error = tempfail\n", 0, 1, 0, DM_ACT_TEMPFAIL,
	  DM_ACT_TEMPFAIL, DM_REPLY_SENDER_DNS_ERROR, "sender_dns_error", "450", "4.1.8",
	  "Domain not found (temporary DNS failure)" },
	{ "DNS error, unknown reject: still only tempfail", "[sender]\nunknown = reject\n"
	  "unknown_on_dns_error = tempfail\n", 0, 1, 0, DM_ACT_TEMPFAIL, DM_ACT_TEMPFAIL, DM_REPLY_SENDER_DNS_ERROR,
	  "sender_dns_error", "450", "4.1.8", NULL },
	{ "DNS error with unknown off: nothing", "[sender]\nunknown_on_dns_error = tempfail\n", 0, 1, 0,
	  DM_ACT_OFF, DM_ACT_OFF, -1, "", "", "", NULL },
	{ "mode shadow: would reject", SENDER_ON "mode = shadow\n", SB(NON_FQDN), 0, 0, DM_ACT_SHADOW,
	  DM_ACT_REJECT, DM_REPLY_SENDER_NON_FQDN, "non_fqdn_sender", "504", "5.5.2", NULL },
	{ "mode shadow: null MX would reject", SENDER_ON "mode = shadow\n", SB(NULL_MX), 0, 0, DM_ACT_SHADOW,
	  DM_ACT_REJECT, DM_REPLY_SENDER_NULL_MX, "unknown_sender_domain", "550", "5.7.27", NULL },
	{ "mode off", SENDER_ON "mode = off\n", SB(NON_FQDN) | SB(UNKNOWN), 0, 0, DM_ACT_OFF, DM_ACT_OFF, -1, "",
	  "", "", NULL },
	{ "a HELO reject beats a sender tempfail", SENDER_ON, SB(UNKNOWN), 0, BIT(NON_FQDN), DM_ACT_REJECT,
	  DM_ACT_REJECT, HELO_NON_FQDN, "helo_non_fqdn", "554", "5.7.1", NULL },
	{ "a sender reject beats a HELO tempfail", SENDER_ON, SB(NON_FQDN), 0, BIT(UNKNOWN), DM_ACT_REJECT,
	  DM_ACT_REJECT, DM_REPLY_SENDER_NON_FQDN, "non_fqdn_sender", "504", "5.5.2", NULL },
	{ "capped: the reason says not looked up", SENDER_ON, SB(UNKNOWN), 0, 0, DM_ACT_TEMPFAIL, DM_ACT_TEMPFAIL,
	  DM_REPLY_SENDER_UNKNOWN, "unknown_sender_domain", "450", "4.1.8", NULL },
};

/* ---------------------------------------------------- domain list rows */

struct rhsbl_row {
	const char *name;
	const char *policy;
	unsigned rhsbl;
	unsigned sender;
	enum dm_action action, would;
	int reply;
	const char *check, *code, *text;
};

#define RB(t) (1u << DM_RHSBL_##t)

static const struct rhsbl_row rhsbl_rows[] = {
	{ "HELO listed: Postfix's reject_rhsbl_helo reply", "", RB(HELO), 0, DM_ACT_REJECT, DM_ACT_REJECT,
	  DM_REPLY_RHSBL_HELO + DM_RHSBL_HELO, "rhsbl_helo", "554",
	  "Service unavailable; Helo command [bad.example] blocked using dbl.example" },
	{ "client listed", "", RB(CLIENT), 0, DM_ACT_REJECT, DM_ACT_REJECT, DM_REPLY_RHSBL_HELO + DM_RHSBL_CLIENT,
	  "rhsbl_client", "554", "Service unavailable; Client host [host.bad.example] blocked using dbl.example" },
	{ "sender listed: the address in brackets", "", RB(SENDER), 0, DM_ACT_REJECT, DM_ACT_REJECT,
	  DM_REPLY_RHSBL_HELO + DM_RHSBL_SENDER, "rhsbl_sender", "554",
	  "Service unavailable; Sender address [u@x.example] blocked using dbl.example" },
	{ "first target wins among equals", "", RB(SENDER) | RB(HELO), 0, DM_ACT_REJECT, DM_ACT_REJECT,
	  DM_REPLY_RHSBL_HELO + DM_RHSBL_HELO, "rhsbl_helo", "554", NULL },
	{ "mode shadow", "[rhsbl]\nmode = shadow\n", RB(SENDER), 0, DM_ACT_SHADOW, DM_ACT_REJECT,
	  DM_REPLY_RHSBL_HELO + DM_RHSBL_SENDER, "rhsbl_sender", "554", NULL },
	{ "per-target off", "[rhsbl]\nsender = off\n", RB(SENDER), 0, DM_ACT_OFF, DM_ACT_OFF, -1, "", "", NULL },
	{ "tempfail turns the reply 4xx", "[rhsbl]\nhelo = tempfail\n", RB(HELO), 0, DM_ACT_TEMPFAIL,
	  DM_ACT_TEMPFAIL, DM_REPLY_RHSBL_HELO + DM_RHSBL_HELO, "rhsbl_helo", "450", NULL },
	{ "a listing beats a sender tempfail", SENDER_ON, RB(CLIENT), SB(UNKNOWN), DM_ACT_REJECT, DM_ACT_REJECT,
	  DM_REPLY_RHSBL_HELO + DM_RHSBL_CLIENT, "rhsbl_client", "554", NULL },
};

START_TEST(test_rhsbl_verdict)
{
	const struct rhsbl_row *r = &rhsbl_rows[_i];
	struct dm_policy *pol = policy("default", r->policy);
	struct dm_findings f;
	struct dm_reply_vars v;
	struct dm_decision out;
	struct diag d;

	memset(&d, 0, sizeof(d));
	memset(&f, 0, sizeof(f));
	f.rhsbl = r->rhsbl;
	f.sender = r->sender;
	f.rhsbl_name[DM_RHSBL_HELO] = "bad.example";
	f.rhsbl_name[DM_RHSBL_CLIENT] = "host.bad.example";
	f.rhsbl_name[DM_RHSBL_SENDER] = "x.example";
	f.rhsbl_zones[DM_RHSBL_HELO] = f.rhsbl_zones[DM_RHSBL_CLIENT] = f.rhsbl_zones[DM_RHSBL_SENDER] = "dbl.example";
	f.dnsbl_zones = "";
	memset(&v, 0, sizeof(v));
	v.helo = "bad.example";
	v.client = "192.0.2.7";
	v.sender = "u@x.example";
	dm_decide_connect(pol, &f, &v, &out);
	expect(&d, out.action == r->action, "action %s, want %s", dm_action_name(out.action), dm_action_name(r->action));
	if (r->reply >= 0) {
		expect(&d, out.would == r->would, "would %s", dm_action_name(out.would));
		expect(&d, strcmp(out.code, r->code) == 0, "code %s, want %s", out.code, r->code);
	}
	expect(&d, out.reply == r->reply, "reply %d, want %d", out.reply, r->reply);
	expect(&d, strcmp(out.check, r->check) == 0, "check \"%s\", want \"%s\"", out.check, r->check);
	if (r->text != NULL)
		expect(&d, strstr(out.text, r->text) != NULL, "text \"%s\" lacks \"%s\"", out.text, r->text);
	dm_policy_free(pol);
	ck_assert_msg(!d.bad, "%s:%s", r->name, d.buf);
}
END_TEST

START_TEST(test_sender_verdict)
{
	const struct sender_row *r = &sender_rows[_i];
	struct dm_policy *pol = policy("default", r->policy);
	struct dm_findings f;
	struct dm_reply_vars v;
	struct dm_decision out;
	struct diag d;

	memset(&d, 0, sizeof(d));
	memset(&f, 0, sizeof(f));
	f.sender = r->sender;
	f.sender_dns_temp = r->dns_temp;
	f.helo = r->helo;
	f.helo_reason = "not a fully-qualified domain name";
	memset(&v, 0, sizeof(v));
	v.helo = "Exchange01";
	v.client = "192.0.2.7";
	v.sender = "u@x.example";
	dm_decide_connect(pol, &f, &v, &out);
	expect(&d, out.action == r->action, "action %s, want %s", dm_action_name(out.action), dm_action_name(r->action));
	if (r->reply >= 0)
		expect(&d, out.would == r->would, "would %s, want %s", dm_action_name(out.would), dm_action_name(r->would));
	expect(&d, out.reply == r->reply, "reply %d, want %d", out.reply, r->reply);
	expect(&d, strcmp(out.check, r->check) == 0, "check \"%s\", want \"%s\"", out.check, r->check);
	expect(&d, !r->dns_temp || r->sender || out.would != DM_ACT_REJECT, "a DNS error would reject");
	if (r->reply >= 0) {
		expect(&d, strcmp(out.code, r->code) == 0, "code %s, want %s", out.code, r->code);
		expect(&d, strcmp(out.xcode, r->xcode) == 0, "xcode %s, want %s", out.xcode, r->xcode);
	}
	if (r->text != NULL)
		expect(&d, strstr(out.text, r->text) != NULL, "text \"%s\" lacks \"%s\"", out.text, r->text);
	dm_policy_free(pol);
	ck_assert_msg(!d.bad, "%s:%s", r->name, d.buf);
}
END_TEST

/* --------------------------------------------------------------- RCPT */

struct rcpt_row {
	const char *name;
	enum dm_action found;        /* what dm_decide_connect said */
	int other_policy;            /* the message's first recipient is under another policy */
	int first_none;              /* no recipient accepted yet */
	int exempt, auth;
	enum dm_rcpt_outcome want;
	const char *check;           /* d.check after */
	int first_exempt, can_reject;
	enum dm_rcpt_addr addr;
	const char *code;            /* d.code after a refusal; NULL: not checked */
};

static const struct rcpt_row rcpt_rows[] = {
	{ "nothing found", DM_ACT_OFF, 0, 1, 0, 0, DM_RCPT_ACCEPT, "", 0, 0, DM_RCPT_ADDR_OK, NULL },
	{ "reject enforced", DM_ACT_REJECT, 0, 1, 0, 0, DM_RCPT_REJECT, "helo_non_fqdn", 0, 0, DM_RCPT_ADDR_OK, NULL },
	{ "tempfail enforced", DM_ACT_TEMPFAIL, 0, 1, 0, 0, DM_RCPT_DEFER, "helo_non_fqdn", 0, 0, DM_RCPT_ADDR_OK, NULL },
	{ "shadow", DM_ACT_SHADOW, 0, 1, 0, 0, DM_RCPT_SHADOW, "helo_non_fqdn", 0, 0, DM_RCPT_ADDR_OK, NULL },
	{ "exempt recipient passes a reject", DM_ACT_REJECT, 0, 1, 1, 0, DM_RCPT_EXEMPT, "helo_non_fqdn", 0, 0, DM_RCPT_ADDR_OK, NULL },
	{ "authenticated sender passes a reject", DM_ACT_REJECT, 0, 1, 0, 1, DM_RCPT_AUTH, "helo_non_fqdn", 0, 0, DM_RCPT_ADDR_OK, NULL },
	{ "exempt wins over authenticated (logged as exempt)", DM_ACT_REJECT, 0, 1, 1, 1, DM_RCPT_EXEMPT, "helo_non_fqdn", 0, 0, DM_RCPT_ADDR_OK, NULL },
	{ "exempt with nothing found is a plain accept", DM_ACT_OFF, 0, 1, 1, 0, DM_RCPT_ACCEPT, "", 0, 0, DM_RCPT_ADDR_OK, NULL },
	{ "same policy as the first: accepted", DM_ACT_OFF, 0, 0, 0, 0, DM_RCPT_ACCEPT, "", 0, 0, DM_RCPT_ADDR_OK, NULL },
	{ "another policy: split", DM_ACT_OFF, 1, 0, 0, 0, DM_RCPT_SPLIT, "policy_split", 0, 0, DM_RCPT_ADDR_OK, NULL },
	{ "another policy, exempt: split all the same (no exemption for the message)", DM_ACT_OFF, 1, 0, 1, 0,
	  DM_RCPT_SPLIT, "policy_split", 0, 0, DM_RCPT_ADDR_OK, NULL },
	{ "another policy, refused anyway: the refusal wins", DM_ACT_REJECT, 1, 0, 0, 0, DM_RCPT_REJECT,
	  "helo_non_fqdn", 0, 0, DM_RCPT_ADDR_OK, NULL },
	{ "another policy, shadow: split", DM_ACT_SHADOW, 1, 0, 0, 0, DM_RCPT_SPLIT, "policy_split", 0, 0, DM_RCPT_ADDR_OK, NULL },
	/* one verdict per message: exempt and not exempt never share one that spam may reject */
	{ "exempt after a plain one: split", DM_ACT_OFF, 0, 0, 1, 0, DM_RCPT_SPLIT, "exempt_split", 0, 1, DM_RCPT_ADDR_OK, NULL },
	{ "plain after an exempt one: split", DM_ACT_OFF, 0, 0, 0, 0, DM_RCPT_SPLIT, "exempt_split", 1, 1, DM_RCPT_ADDR_OK, NULL },
	{ "exempt after exempt: accepted", DM_ACT_OFF, 0, 0, 1, 0, DM_RCPT_ACCEPT, "", 1, 1, DM_RCPT_ADDR_OK, NULL },
	{ "exempt after plain, spam never rejected: accepted", DM_ACT_OFF, 0, 0, 1, 0, DM_RCPT_ACCEPT, "", 0, 0, DM_RCPT_ADDR_OK, NULL },
	{ "exempt passing a refusal after plain: split", DM_ACT_REJECT, 0, 0, 1, 0, DM_RCPT_SPLIT, "exempt_split", 0, 1, DM_RCPT_ADDR_OK, NULL },
	{ "plain refused after exempt: the refusal wins", DM_ACT_REJECT, 0, 0, 0, 0, DM_RCPT_REJECT, "helo_non_fqdn", 1, 1, DM_RCPT_ADDR_OK, NULL },
	/* what cannot be read chooses no policy */
	{ "unreadable address: deferred", DM_ACT_OFF, 0, 1, 0, 0, DM_RCPT_DEFER, "rcpt_unparsed", 0, 0,
	  DM_RCPT_ADDR_BAD, "450" },
	{ "unreadable even when exempt or authenticated", DM_ACT_OFF, 0, 1, 1, 1, DM_RCPT_DEFER, "rcpt_unparsed", 0, 0,
	  DM_RCPT_ADDR_BAD, "450" },
	{ "no domain: refused as Postfix does", DM_ACT_OFF, 0, 1, 0, 0, DM_RCPT_REJECT, "rcpt_non_fqdn", 0, 0,
	  DM_RCPT_ADDR_NO_DOMAIN, "504" },
	{ "no domain, exempt (postmaster): accepted", DM_ACT_OFF, 0, 1, 1, 0, DM_RCPT_ACCEPT, "", 0, 0,
	  DM_RCPT_ADDR_NO_DOMAIN, NULL },
	{ "no domain, authenticated: accepted", DM_ACT_OFF, 0, 1, 0, 1, DM_RCPT_ACCEPT, "", 0, 0,
	  DM_RCPT_ADDR_NO_DOMAIN, NULL },
};

START_TEST(test_rcpt)
{
	const struct rcpt_row *r = &rcpt_rows[_i];
	struct dm_policy *a = policy("a.example", ""), *b = policy("b.example", "");
	struct dm_rcpt_case rc;
	struct dm_decision d;
	enum dm_rcpt_outcome o;

	memset(&d, 0, sizeof(d));
	d.action = r->found;
	d.would = r->found == DM_ACT_SHADOW ? DM_ACT_REJECT : r->found;
	d.reply = r->found == DM_ACT_OFF ? -1 : HELO_NON_FQDN;
	if (r->found != DM_ACT_OFF)
		snprintf(d.check, sizeof(d.check), "helo_non_fqdn");
	memset(&rc, 0, sizeof(rc));
	rc.pol = a;
	rc.first = r->first_none ? NULL : r->other_policy ? b : a;
	rc.rcpt = "postmaster@a.example";
	rc.exempt = r->exempt;
	rc.authenticated = r->auth;
	rc.first_exempt = r->first_exempt;
	rc.spam_can_reject = r->can_reject;
	rc.addr = r->addr;
	rc.addr_why = "unbalanced angle brackets";
	o = dm_decide_rcpt(&rc, &d);
	ck_assert_msg(o == r->want, "%s: outcome %d, want %d", r->name, o, r->want);
	ck_assert_msg(strcmp(d.check, r->check) == 0, "%s: check '%s', want '%s'", r->name, d.check, r->check);
	ck_assert_int_eq(dm_rcpt_accepted(o), o != DM_RCPT_REJECT && o != DM_RCPT_DEFER && o != DM_RCPT_SPLIT);
	if (o == DM_RCPT_SPLIT) {
		ck_assert_str_eq(d.code, "452");
		ck_assert_str_eq(d.xcode, "4.5.3");
		if (strcmp(d.check, "policy_split") == 0)
			ck_assert_str_eq(d.text, "<postmaster@a.example>: Recipient address has another filtering policy "
			                 "than the first; send it in a separate transaction");
		else
			ck_assert_msg(strstr(d.text, "exempt from spam rejection") != NULL, "%s: %s", r->name, d.text);
	}
	if (r->code != NULL)
		ck_assert_str_eq(d.code, r->code);
	dm_policy_free(a);
	dm_policy_free(b);
}
END_TEST

/* --------------------------------------------------------- scanning */

struct scan_row {
	const char *policy;
	int auth, allowlisted;
	const char *want;            /* NULL: scan */
};

static const struct scan_row scan_rows[] = {
	{ "", 0, 0, NULL },
	{ "[spam]\nmode = off\n", 0, 0, "policy" },
	{ "[spam]\nmode = shadow\n", 0, 0, NULL },
	{ "", 1, 0, "authenticated" },
	{ "[spam]\nscan_authenticated = yes\n", 1, 0, NULL },
	{ "", 0, 1, NULL },
	{ "[spam]\nscan_allowlisted = no\n", 0, 1, "allowlisted" },
	{ "[spam]\nmode = off\nscan_authenticated = yes\n", 1, 1, "policy" },
};

START_TEST(test_scan)
{
	const struct scan_row *r = &scan_rows[_i];
	struct dm_policy *pol = policy("t", r->policy);
	const char *got = dm_decide_scan(pol, r->auth, r->allowlisted);

	if (r->want == NULL)
		ck_assert_msg(got == NULL, "row %d: not scanned (%s)", _i, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, r->want) == 0, "row %d: %s, want %s", _i, got, r->want);
	dm_policy_free(pol);
}
END_TEST

struct user_row {
	const char *spamd_user, *rcpt, *want;
	size_t outlen;
};

static const struct user_row user_rows[] = {
	{ "%d", "joe@Example.COM", "Example.COM", 64 },
	{ "%r", "joe@example.com", "joe@example.com", 64 },
	{ "spam-%d", "joe@example.com", "spam-example.com", 64 },
	{ "fixed", "joe@example.com", "fixed", 64 },
	{ "%d", "no-domain", "", 64 },
	{ "%r", "joe@example.com", "joe@ex", 7 },           /* bounded, terminated */
};

START_TEST(test_spamd_user)
{
	const struct user_row *r = &user_rows[_i];
	struct dm_policy *pol = dm_policy_builtin();
	char out[64];

	snprintf(pol->spamd_user, sizeof(pol->spamd_user), "%s", r->spamd_user);
	memset(out, 'X', sizeof(out));
	dm_spamd_user(pol, r->rcpt, out, r->outlen);
	ck_assert_str_eq(out, r->want);
	dm_policy_free(pol);
}
END_TEST

/* ----------------------------------------------------- end of message */

struct content_row {
	const char *name;
	const char *policy;
	int verdict;
	double score;
	int exempt;
	enum dm_content_action action, would;
	int spam;
	const char *check;
	double required;
};

#define NOV 0, 0.0
#define V(s) 1, (s)
static const struct content_row content_rows[] = {
	{ "ham", "", V(1.0), 0, DM_CONTENT_PASS, DM_CONTENT_PASS, 0, "spam_pass", 5.0 },
	{ "negative score", "", V(-3.5), 0, DM_CONTENT_PASS, DM_CONTENT_PASS, 0, "spam_pass", 5.0 },
	{ "at tag_score: tagged", "", V(5.0), 0, DM_CONTENT_TAG, DM_CONTENT_TAG, 1, "spam_tag", 5.0 },
	{ "at reject_score: rejected", "", V(12.0), 0, DM_CONTENT_REJECT, DM_CONTENT_REJECT, 1, "spam_reject", 5.0 },
	{ "GTUBE", "", V(1000.0), 0, DM_CONTENT_REJECT, DM_CONTENT_REJECT, 1, "spam_reject", 5.0 },
	{ "exempt recipient: tagged, not rejected", "", V(1000.0), 1, DM_CONTENT_TAG, DM_CONTENT_REJECT, 1,
	  "spam_exempt", 5.0 },
	{ "exempt recipient, quarantine still applies", "[spam]\nquarantine_score = 8\n", V(9.0), 1,
	  DM_CONTENT_QUARANTINE, DM_CONTENT_QUARANTINE, 1, "spam_quarantine", 5.0 },
	{ "quarantine below reject", "[spam]\nquarantine_score = 8\n", V(9.0), 0, DM_CONTENT_QUARANTINE,
	  DM_CONTENT_QUARANTINE, 1, "spam_quarantine", 5.0 },
	{ "reject off: tag only", "[spam]\nreject_score = off\n", V(1000.0), 0, DM_CONTENT_TAG, DM_CONTENT_TAG, 1,
	  "spam_tag", 5.0 },
	{ "tag off: required is spamd's", "[spam]\ntag_score = off\nreject_score = off\n", V(7.0), 0,
	  DM_CONTENT_PASS, DM_CONTENT_PASS, 0, "spam_pass", 4.0 },
	{ "shadow: acts on nothing, says what it would do", "[spam]\nmode = shadow\n", V(20.0), 0,
	  DM_CONTENT_PASS, DM_CONTENT_REJECT, 1, "spam_reject", 5.0 },
	{ "no verdict: unscanned", "", NOV, 0, DM_CONTENT_UNSCANNED, DM_CONTENT_UNSCANNED, 0, "spam_error", 5.0 },
	{ "no verdict, on_error = tempfail", "[spam]\non_error = tempfail\n", NOV, 0, DM_CONTENT_TEMPFAIL,
	  DM_CONTENT_TEMPFAIL, 0, "spam_error", 5.0 },
	{ "no verdict, tempfail in shadow mode: unscanned", "[spam]\nmode = shadow\non_error = tempfail\n", NOV, 0,
	  DM_CONTENT_UNSCANNED, DM_CONTENT_UNSCANNED, 0, "spam_error", 5.0 },
};

START_TEST(test_content)
{
	const struct content_row *r = &content_rows[_i];
	struct dm_policy *pol = policy("t", r->policy);
	struct dm_content_case cc;
	struct dm_content_verdict cv;

	memset(&cc, 0, sizeof(cc));
	cc.pol = pol;
	cc.verdict = r->verdict;
	cc.score = r->score;
	cc.spamd_required = 4.0;
	cc.has_exempt = r->exempt;
	dm_decide_content(&cc, &cv);
	ck_assert_msg(cv.action == r->action, "%s: action %s, want %s", r->name, dm_content_action_name(cv.action),
	              dm_content_action_name(r->action));
	ck_assert_msg(cv.would == r->would, "%s: would %s", r->name, dm_content_action_name(cv.would));
	ck_assert_int_eq(cv.spam, r->spam);
	ck_assert_str_eq(cv.check, r->check);
	ck_assert_msg(cv.required == r->required, "%s: required %.1f", r->name, cv.required);
	dm_policy_free(pol);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc;
	SRunner *sr;
	int failed;

	tc = tcase_create("connect");
	tcase_add_loop_test(tc, test_verdict, 0, NROWS(verdict_rows));
	tcase_add_loop_test(tc, test_sender_verdict, 0, NROWS(sender_rows));
	tcase_add_loop_test(tc, test_rhsbl_verdict, 0, NROWS(rhsbl_rows));
	suite_add_tcase(s, tc);
	tc = tcase_create("rcpt");
	tcase_add_loop_test(tc, test_rcpt, 0, NROWS(rcpt_rows));
	suite_add_tcase(s, tc);
	tc = tcase_create("content");
	tcase_add_loop_test(tc, test_scan, 0, NROWS(scan_rows));
	tcase_add_loop_test(tc, test_spamd_user, 0, NROWS(user_rows));
	tcase_add_loop_test(tc, test_content, 0, NROWS(content_rows));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

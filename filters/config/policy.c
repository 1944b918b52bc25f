/*
 * policy.c - per-recipient-domain policies (policy.d/DOMAIN.conf): the
 * built-in defaults, the key table, the exempt recipients.
 *
 * Does: one table row per key (section, name, type, field, value names,
 * bounds) drives parsing, validation and the -d dump, so a key is added by
 * adding a row. A domain file starts as a copy of the default policy and
 * overrides it key by key.
 * Never: logs, or changes a policy after dm_config_load() returns.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy.h"
#include "text.h"

static const char *const builtin_reply[DM_REPLY_COUNT] = {
	[HELO_INVALID]          = "501 5.5.2 <%h>: Helo command rejected: Invalid name (%r)",
	[HELO_LOCALHOST]        = "554 5.7.1 <%h>: Helo command rejected: you are not localhost",
	[HELO_FORGED]           = "554 5.7.1 <%h>: Helo command rejected: you are not me",
	[HELO_BARE_IP]          = "554 5.7.1 <%h>: Helo command rejected: bare IP address, not a hostname",
	[HELO_LITERAL_MISMATCH] = "554 5.7.1 <%h>: Helo command rejected: address literal is not your address %c",
	[HELO_NON_FQDN]         = "554 5.7.1 <%h>: Helo command rejected: need fully-qualified hostname (%r)",
	[HELO_UNKNOWN]          = "450 4.7.1 <%h>: Helo command rejected: Host not found",
	[DM_REPLY_HELO_DNS_ERROR] = "450 4.7.1 <%h>: Helo command rejected: Host not found (temporary DNS failure)",
	[DM_REPLY_DNSBL]          = "554 5.7.1 Service unavailable; client [%c] blocked using %z",
	[DM_REPLY_RDNS_NONE]      = "550 5.7.25 Client host rejected: cannot find your reverse hostname, [%c]",
	[DM_REPLY_RDNS_MISMATCH]  = "550 5.7.25 Client host rejected: cannot find your hostname, [%c]",
	[DM_REPLY_SPAM]           = "550 5.7.1 Message rejected as spam (score %s)",
	[DM_REPLY_SPAM_ERROR]     = "451 4.7.1 Message could not be scanned for spam; try again later",
	[DM_REPLY_SENDER_NON_FQDN] = "504 5.5.2 <%f>: Sender address rejected: need fully-qualified address",
	[DM_REPLY_SENDER_UNKNOWN]  = "450 4.1.8 <%f>: Sender address rejected: Domain not found",
	[DM_REPLY_SENDER_NULL_MX]  = "550 5.7.27 <%f>: Sender address rejected: Domain does not accept mail (nullMX)",
	[DM_REPLY_SENDER_DNS_ERROR] = "450 4.1.8 <%f>: Sender address rejected: Domain not found (temporary DNS failure)",
	[DM_REPLY_RHSBL_HELO + DM_RHSBL_HELO]   = "554 5.7.1 Service unavailable; Helo command [%d] blocked using %z",
	[DM_REPLY_RHSBL_HELO + DM_RHSBL_CLIENT] = "554 5.7.1 Service unavailable; Client host [%d] blocked using %z",
	[DM_REPLY_RHSBL_HELO + DM_RHSBL_SENDER] = "554 5.7.1 Service unavailable; Sender address [%f] blocked using %z",
};

/* The [replies] key of each reply, in reply index order. */
static const char *const reply_keys[DM_REPLY_COUNT] = {
	[HELO_INVALID] = "helo_invalid", [HELO_LOCALHOST] = "helo_localhost",
	[HELO_FORGED] = "helo_forged", [HELO_BARE_IP] = "helo_bare_ip",
	[HELO_LITERAL_MISMATCH] = "helo_literal_mismatch", [HELO_NON_FQDN] = "helo_non_fqdn",
	[HELO_UNKNOWN] = "helo_unknown", [DM_REPLY_HELO_DNS_ERROR] = "helo_dns_error",
	[DM_REPLY_DNSBL] = "dnsbl", [DM_REPLY_RDNS_NONE] = "rdns_none",
	[DM_REPLY_RDNS_MISMATCH] = "rdns_mismatch", [DM_REPLY_SPAM] = "spam",
	[DM_REPLY_SPAM_ERROR] = "spam_error", [DM_REPLY_SENDER_NON_FQDN] = "non_fqdn_sender",
	[DM_REPLY_SENDER_UNKNOWN] = "unknown_sender_domain", [DM_REPLY_SENDER_NULL_MX] = "null_mx_sender",
	[DM_REPLY_SENDER_DNS_ERROR] = "sender_dns_error", [DM_REPLY_RHSBL_HELO + DM_RHSBL_HELO] = "rhsbl_helo",
	[DM_REPLY_RHSBL_HELO + DM_RHSBL_CLIENT] = "rhsbl_client", [DM_REPLY_RHSBL_HELO + DM_RHSBL_SENDER] = "rhsbl_sender",
};

/* Value names, indexed by the value; NULL: not a value this key takes. */
static const char *const action_names[] = { "off", "shadow", "tempfail", "reject" };
static const char *const mode_names[] = { "off", "shadow", "enforce" };
static const char *const dns_error_names[] = { "pass", NULL, "tempfail" };
static const char *const on_error_names[] = { "accept", "tempfail" };
static const char *const detail_names[] = { "score", "tests", "report" };
static const char *const bool_names[] = { "no", "yes" };
#define NAMES(a) a, (int)(sizeof(a) / sizeof((a)[0]))

const char *dm_action_name(enum dm_action a)
{
	return (unsigned)a < 4 ? action_names[a] : "?";
}

const char *dm_mode_name(enum dm_mode m)
{
	return (unsigned)m < 3 ? mode_names[m] : "?";
}

const char *dm_rdns_check_name(enum dm_rdns_check c)
{
	return c == DM_RDNS_NONE ? "none" : c == DM_RDNS_MISMATCH ? "mismatch" : NULL;
}

const char *dm_reply_key(int i)
{
	return i >= 0 && i < DM_REPLY_COUNT ? reply_keys[i] : "?";
}

/* ---------------------------------------------------------- the key table */

enum ptype {
	P_NAMED,      /* an int field; one of names[] (its index) */
	P_INT,        /* an int field from min to max */
	P_SCORE,      /* a double from -1000 to 1000, or off (DM_SCORE_OFF) */
	P_TEXT,       /* a char[max] field; allowed() says which characters */
	P_REPLY,      /* reply[min]: an SMTP reply template */
	P_LIST        /* the exempt recipients (may continue on indented lines) */
};

struct pkey {
	const char *section, *name;
	enum ptype type;
	size_t off;                  /* of the field in struct dm_policy */
	const char *const *names;    /* P_NAMED: indexed by value, NULL where none */
	int nnames;
	int min, max;                /* P_INT bounds; P_TEXT max size; P_REPLY index */
	const char *must;            /* what the value must be, for the message */
	int (*allowed)(const char *v);
};

#define F(f) offsetof(struct dm_policy, f)
#define MODE(sec, f) { sec, "mode", P_NAMED, F(f), NAMES(mode_names), 0, 0, "enforce, shadow or off", NULL }
#define ACTION(sec, key, f) \
	{ sec, key, P_NAMED, F(f), NAMES(action_names), 0, 0, "reject, tempfail, shadow or off", NULL }
#define REPLY(i) { "replies", NULL, P_REPLY, 0, NULL, 0, i, 0, NULL, NULL }

static int subject_tag_ok(const char *v);
static int spamd_user_ok(const char *v);
static int url_ok(const char *v);

static const struct pkey keys[] = {
	MODE("helo", helo_mode),
	ACTION("helo", "invalid", helo_action[HELO_INVALID]),
	ACTION("helo", "localhost", helo_action[HELO_LOCALHOST]),
	ACTION("helo", "forged", helo_action[HELO_FORGED]),
	ACTION("helo", "bare_ip", helo_action[HELO_BARE_IP]),
	ACTION("helo", "literal_mismatch", helo_action[HELO_LITERAL_MISMATCH]),
	ACTION("helo", "non_fqdn", helo_action[HELO_NON_FQDN]),
	ACTION("helo", "unknown", helo_action[HELO_UNKNOWN]),
	{ "helo", "unknown_on_dns_error", P_NAMED, F(helo_dns_error), NAMES(dns_error_names), 0, 0,
	  "pass or tempfail (a DNS failure never rejects)", NULL },
	MODE("dnsbl", dnsbl_mode),
	{ "dnsbl", "threshold", P_INT, F(dnsbl_threshold), NULL, 0, -1000, 1000, NULL, NULL },
	ACTION("dnsbl", "action", dnsbl_action),
	{ "dnsbl", "allow_threshold", P_INT, F(allow_threshold), NULL, 0, -1000, 1000, NULL, NULL },
	MODE("rdns", rdns_mode),
	ACTION("rdns", "none", rdns_action[DM_RDNS_NONE]),
	ACTION("rdns", "mismatch", rdns_action[DM_RDNS_MISMATCH]),
	MODE("sender", sender_mode),
	ACTION("sender", "non_fqdn", sender_action[DM_SENDER_NON_FQDN]),
	ACTION("sender", "unknown", sender_action[DM_SENDER_UNKNOWN]),
	{ "sender", "unknown_on_dns_error", P_NAMED, F(sender_dns_error), NAMES(dns_error_names), 0, 0,
	  "pass or tempfail (a DNS failure never rejects)", NULL },
	MODE("rhsbl", rhsbl_mode),
	ACTION("rhsbl", "helo", rhsbl_action[DM_RHSBL_HELO]),
	ACTION("rhsbl", "client", rhsbl_action[DM_RHSBL_CLIENT]),
	ACTION("rhsbl", "sender", rhsbl_action[DM_RHSBL_SENDER]),
	MODE("spam", spam_mode),
	{ "spam", "tag_score", P_SCORE, F(tag_score), NULL, 0, 0, 0, NULL, NULL },
	{ "spam", "reject_score", P_SCORE, F(reject_score), NULL, 0, 0, 0, NULL, NULL },
	{ "spam", "quarantine_score", P_SCORE, F(quarantine_score), NULL, 0, 0, 0, NULL, NULL },
	{ "spam", "subject_tag", P_TEXT, F(subject_tag), NULL, 0, 0, sizeof(((struct dm_policy *)0)->subject_tag),
	  "printable ASCII", subject_tag_ok },
	{ "spam", "spamd_user", P_TEXT, F(spamd_user), NULL, 0, 1, sizeof(((struct dm_policy *)0)->spamd_user),
	  "a user name, %d (recipient domain) or %r (recipient)", spamd_user_ok },
	{ "spam", "on_error", P_NAMED, F(on_error_tempfail), NAMES(on_error_names), 0, 0,
	  "accept (header says unscanned) or tempfail", NULL },
	{ "spam", "scan_authenticated", P_NAMED, F(scan_authenticated), NAMES(bool_names), 0, 0, "yes or no", NULL },
	{ "spam", "scan_allowlisted", P_NAMED, F(scan_allowlisted), NAMES(bool_names), 0, 0, "yes or no", NULL },
	{ "spam", "details", P_NAMED, F(spam_detail), NAMES(detail_names), 0, 0, "score, tests or report", NULL },
	{ "spam", "explain", P_NAMED, F(explain), NAMES(bool_names), 0, 0, "yes or no", NULL },
	REPLY(HELO_INVALID), REPLY(HELO_LOCALHOST), REPLY(HELO_FORGED), REPLY(HELO_BARE_IP),
	REPLY(HELO_LITERAL_MISMATCH), REPLY(HELO_NON_FQDN), REPLY(HELO_UNKNOWN),
	REPLY(DM_REPLY_HELO_DNS_ERROR), REPLY(DM_REPLY_DNSBL), REPLY(DM_REPLY_RDNS_NONE),
	REPLY(DM_REPLY_RDNS_MISMATCH), REPLY(DM_REPLY_SPAM), REPLY(DM_REPLY_SPAM_ERROR),
	REPLY(DM_REPLY_SENDER_NON_FQDN), REPLY(DM_REPLY_SENDER_UNKNOWN), REPLY(DM_REPLY_SENDER_NULL_MX),
	REPLY(DM_REPLY_SENDER_DNS_ERROR), REPLY(DM_REPLY_RHSBL_HELO + DM_RHSBL_HELO),
	REPLY(DM_REPLY_RHSBL_HELO + DM_RHSBL_CLIENT), REPLY(DM_REPLY_RHSBL_HELO + DM_RHSBL_SENDER),
	{ "replies", "help_url", P_TEXT, F(help_url), NULL, 0, 0, sizeof(((struct dm_policy *)0)->help_url),
	  "a URL without spaces or '%'", url_ok },
	{ "exempt", "recipients", P_LIST, F(exempt), NULL, 0, 0, 0, NULL, NULL },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))
#undef F

static const char *key_name(const struct pkey *k)
{
	return k->type == P_REPLY ? reply_keys[k->min] : k->name;
}

static int subject_tag_ok(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v >= 0x7f)
			return 0;
	return 1;
}

static int spamd_user_ok(const char *v)
{
	for (; *v; v++)
		if (!(isalnum((unsigned char)*v) || strchr("._@%+-", *v) != NULL) ||
		    (*v == '%' && v[1] != 'd' && v[1] != 'r'))
			return 0;
	return 1;
}

static int url_ok(const char *v)
{
	for (; *v; v++)
		if (*v <= ' ' || *v >= 0x7f || *v == '%')
			return 0;
	return 1;
}

/* ------------------------------------------------------------- built in */

static const enum dm_action builtin_action[HELO_CHECK_COUNT] = {
	[HELO_INVALID] = DM_ACT_REJECT, [HELO_LOCALHOST] = DM_ACT_REJECT,
	[HELO_FORGED] = DM_ACT_REJECT, [HELO_BARE_IP] = DM_ACT_REJECT,
	[HELO_LITERAL_MISMATCH] = DM_ACT_REJECT, [HELO_NON_FQDN] = DM_ACT_REJECT,
	[HELO_UNKNOWN] = DM_ACT_TEMPFAIL,
};

struct dm_policy *dm_policy_builtin(void)
{
	struct dm_policy *pol = calloc(1, sizeof(*pol));
	char err[160];
	int i;

	if (pol == NULL)
		return NULL;
	pol->name = strdup("default");
	pol->file = strdup("(built-in)");
	if (dm_list_split("postmaster, abuse", &pol->exempt, &pol->nexempt) < 0 || !pol->name || !pol->file) {
		dm_policy_free(pol);
		return NULL;
	}
	pol->helo_mode = DM_MODE_ENFORCE;
	for (i = 0; i < HELO_CHECK_COUNT; i++)
		pol->helo_action[i] = builtin_action[i];
	pol->helo_dns_error = DM_ACT_OFF;
	pol->dnsbl_mode = DM_MODE_ENFORCE;
	pol->dnsbl_threshold = 1;
	pol->dnsbl_action = DM_ACT_REJECT;
	pol->allow_threshold = -1;
	pol->rdns_mode = DM_MODE_ENFORCE;
	pol->rdns_action[DM_RDNS_NONE] = DM_ACT_OFF;
	pol->rdns_action[DM_RDNS_MISMATCH] = DM_ACT_OFF;
	pol->sender_mode = DM_MODE_ENFORCE;
	for (i = 0; i < DM_SENDER_CHECK_COUNT; i++)
		pol->sender_action[i] = DM_ACT_OFF;
	pol->sender_dns_error = DM_ACT_OFF;
	pol->rhsbl_mode = DM_MODE_ENFORCE;
	for (i = 0; i < DM_RHSBL_TARGETS; i++)
		pol->rhsbl_action[i] = DM_ACT_REJECT;     /* acts only on lists [dns] names */
	pol->spam_mode = DM_MODE_ENFORCE;
	pol->tag_score = 5.0;
	pol->reject_score = 12.0;
	pol->quarantine_score = DM_SCORE_OFF;
	snprintf(pol->subject_tag, sizeof(pol->subject_tag), "[SPAM]");
	snprintf(pol->spamd_user, sizeof(pol->spamd_user), "%%d");
	pol->on_error_tempfail = 0;
	pol->scan_authenticated = 0;
	pol->scan_allowlisted = 1;
	pol->spam_detail = DM_SPAM_SYMBOLS;
	for (i = 0; i < DM_REPLY_COUNT; i++)
		if (dm_reply_parse(builtin_reply[i], &pol->reply[i], err, sizeof(err)) < 0)
			abort();     /* a broken built-in template is a programming error */
	return pol;
}

struct dm_policy *dm_policy_copy(const struct dm_policy *base, const char *name, const char *file)
{
	struct dm_policy *pol = malloc(sizeof(*pol));
	size_t i;
	int ok = 1;

	if (pol == NULL)
		return NULL;
	*pol = *base;
	pol->name = strdup(name);
	pol->file = strdup(file);
	pol->exempt = calloc(base->nexempt + 1, sizeof(char *));
	memset(pol->reply_file, 0, sizeof(pol->reply_file));
	ok = pol->name && pol->file && pol->exempt;
	for (i = 0; ok && i < base->nexempt; i++)
		ok = (pol->exempt[i] = strdup(base->exempt[i])) != NULL;
	for (i = 0; i < DM_REPLY_COUNT; i++)
		if (base->reply_file[i] != NULL && (pol->reply_file[i] = strdup(base->reply_file[i])) == NULL)
			ok = 0;
	if (!ok) {
		dm_policy_free(pol);
		return NULL;
	}
	return pol;
}

void dm_policy_free(struct dm_policy *pol)
{
	int i;

	if (pol == NULL)
		return;
	free(pol->name);
	free(pol->file);
	dm_list_free(pol->exempt);
	for (i = 0; i < DM_REPLY_COUNT; i++)
		free(pol->reply_file[i]);
	free(pol);
}

/* --------------------------------------------------------------- parsing */

struct pctx {
	struct dm_policy *pol;
	const char *file;
	struct dm_errors *errs;
};

static void set_named(struct pctx *c, const struct pkey *k, int *field, const char *v, int line)
{
	int i;

	for (i = 0; i < k->nnames; i++)
		if (k->names[i] != NULL && strcmp(v, k->names[i]) == 0) {
			*field = i;
			return;
		}
	if (k->names == action_names)
		dm_errors_add(c->errs, c->file, line, "[%s] %s: unknown action '%.100s' (%s)", k->section, k->name,
		              v, k->must);
	else
		dm_errors_add(c->errs, c->file, line, "[%s] %s must be %s, not '%.100s'", k->section, k->name,
		              k->must, v);
}

static void set_int(struct pctx *c, const struct pkey *k, int *field, const char *v, int line)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < k->min || n > k->max)
		dm_errors_add(c->errs, c->file, line, "[%s] %s must be a whole number from %d to %d, not '%.100s'",
		              k->section, k->name, k->min, k->max, v);
	else
		*field = (int)n;
}

static void set_score(struct pctx *c, const struct pkey *k, double *field, const char *v, int line)
{
	char *end;
	double d;

	if (strcmp(v, "off") == 0) {
		*field = DM_SCORE_OFF;
		return;
	}
	d = strtod(v, &end);
	if (*v == '\0' || *end != '\0' || !(d >= -1000.0 && d <= 1000.0))
		dm_errors_add(c->errs, c->file, line, "[%s] %s must be a score from -1000 to 1000 or off, not '%.100s'",
		              k->section, k->name, v);
	else
		*field = d;
}

static void set_text(struct pctx *c, const struct pkey *k, char *field, const char *v, int line)
{
	size_t len = strlen(v);

	if (len >= (size_t)k->max || len < (size_t)k->min || !k->allowed(v))
		dm_errors_add(c->errs, c->file, line, "[%s] %s must be %s, under %d characters, not '%.100s'",
		              k->section, k->name, k->must, k->max, v);
	else
		memcpy(field, v, len + 1);
}

static void set_reply(struct pctx *c, int i, const char *v, int line)
{
	struct dm_policy *pol = c->pol;
	char err[200];

	if (dm_reply_parse(v, &pol->reply[i], err, sizeof(err)) < 0) {
		dm_errors_add(c->errs, c->file, line, "%s: %s", reply_keys[i], err);
		return;
	}
	if (i == DM_REPLY_HELO_DNS_ERROR && pol->reply[i].code[0] != '4') {
		dm_errors_add(c->errs, c->file, line, "helo_dns_error must be a 4xx reply: a DNS failure never rejects");
		return;
	}
	free(pol->reply_file[i]);
	pol->reply_file[i] = strdup(c->file);
	pol->reply_line[i] = line;
}

static void free_string(void *item)
{
	free(*(char **)item);
}

/* An [exempt] recipient: a local part of RFC 5321 atext and dots, with an
 * optional "@domain" of hostname characters. Nothing else: a quoted local
 * part never reaches a mail server that needs an exemption, and a ';' would
 * be read back as a comment from doorman -d output. */
static int exempt_item_ok(const char *s)
{
	const char *at = strchr(s, '@'), *p;

	if (s[0] == '\0' || at == s || (at != NULL && (at[1] == '\0' || strchr(at + 1, '@') != NULL)))
		return 0;
	for (p = s; *p && p != at; p++)
		if (!isalnum((unsigned char)*p) && strchr("!#$%&'*+-/=?^_`{|}~.", *p) == NULL)
			return 0;
	for (p = at ? at + 1 : p; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("-_.", *p) == NULL)
			return 0;
	return 1;
}

/* recipients = postmaster, abuse, joe@example.com (continued on indented lines) */
static void set_exempt(struct pctx *c, const char *v, int cont, int line)
{
	struct dm_policy *pol = c->pol;
	char **items, **grown;
	size_t n, i;

	if (dm_list_split(v, &items, &n) < 0) {
		dm_errors_add(c->errs, c->file, line, "out of memory");
		return;
	}
	for (i = 0; i < n; i++)
		if (!exempt_item_ok(items[i])) {
			dm_errors_add(c->errs, c->file, line,
			              "recipients: '%.100s' must be a local part (postmaster) or an address", items[i]);
			dm_list_free(items);
			return;
		}
	grown = dm_list_grow(pol->exempt, &pol->nexempt, sizeof(char *), n, cont, free_string);
	if (grown == NULL) {
		dm_list_free(items);
		dm_errors_add(c->errs, c->file, line, "out of memory");
		return;
	}
	for (i = 0; i < n; i++)
		grown[pol->nexempt++] = dm_lower(items[i]);
	pol->exempt = grown;
	free(items);             /* the strings moved into the policy */
}

static void on_policy_key(void *user, const char *section, const char *name, const char *v,
                          int cont, int line)
{
	struct pctx *c = user;
	const struct pkey *k = NULL;
	char *field;
	size_t i;
	int known_section = 0;

	for (i = 0; i < NKEYS && k == NULL; i++) {
		if (strcmp(section, keys[i].section) != 0)
			continue;
		known_section = 1;
		if (strcmp(name, key_name(&keys[i])) == 0)
			k = &keys[i];
	}
	if (k == NULL) {
		if (section[0] == '\0')
			dm_errors_add(c->errs, c->file, line, "key '%.100s' outside any [section]", name);
		else if (known_section)
			dm_errors_add(c->errs, c->file, line, "unknown key '%.100s' in [%s]", name, section);
		else
			dm_errors_add(c->errs, c->file, line, "unknown section [%.100s] (known: [helo], [dnsbl], "
			              "[rdns], [spam], [replies], [exempt])", section);
		return;
	}
	if (cont && k->type != P_LIST) {
		dm_errors_add(c->errs, c->file, line,
		              "%s takes one value; this indented line would continue it (remove the indentation)", name);
		return;
	}
	field = (char *)c->pol + k->off;
	switch (k->type) {
	case P_NAMED: set_named(c, k, (int *)(void *)field, v, line); break;
	case P_INT: set_int(c, k, (int *)(void *)field, v, line); break;
	case P_SCORE: set_score(c, k, (double *)(void *)field, v, line); break;
	case P_TEXT: set_text(c, k, field, v, line); break;
	case P_REPLY: set_reply(c, k->min, v, line); break;
	case P_LIST: set_exempt(c, v, cont, line); break;
	}
}

int dm_policy_parse(struct dm_policy *pol, const char *text, size_t len, const char *file,
                    struct dm_errors *errs)
{
	struct pctx c;

	c.pol = pol;
	c.file = file;
	c.errs = errs;
	return dm_ini_parse(text, len, file, on_policy_key, &c, errs);
}

/* ---------------------------------------------------- cross-key checks */

enum dm_action dm_policy_reply_action(const struct dm_policy *pol, int i)
{
	if (i >= 0 && i < HELO_CHECK_COUNT)
		return pol->helo_action[i];
	switch (i) {
	case DM_REPLY_HELO_DNS_ERROR: return pol->helo_dns_error;
	case DM_REPLY_DNSBL: return pol->dnsbl_action;
	case DM_REPLY_RDNS_NONE: return pol->rdns_action[DM_RDNS_NONE];
	case DM_REPLY_RDNS_MISMATCH: return pol->rdns_action[DM_RDNS_MISMATCH];
	case DM_REPLY_SPAM: return pol->reject_score < DM_SCORE_OFF ? DM_ACT_REJECT : DM_ACT_OFF;
	case DM_REPLY_SPAM_ERROR: return pol->on_error_tempfail ? DM_ACT_TEMPFAIL : DM_ACT_OFF;
	case DM_REPLY_SENDER_NON_FQDN: return pol->sender_action[DM_SENDER_NON_FQDN];
	case DM_REPLY_SENDER_UNKNOWN: return pol->sender_action[DM_SENDER_UNKNOWN];
	/* a null MX is refused by the unknown action but with its own code: a
	 * domain that says it sends no mail is not a DNS accident */
	case DM_REPLY_SENDER_NULL_MX: return dm_policy_null_mx_action(pol);
	case DM_REPLY_SENDER_DNS_ERROR: return pol->sender_dns_error;
	}
	if (i >= DM_REPLY_RHSBL_HELO && i < DM_REPLY_RHSBL_HELO + DM_RHSBL_TARGETS)
		return pol->rhsbl_action[i - DM_REPLY_RHSBL_HELO];
	return DM_ACT_OFF;
}

enum dm_action dm_policy_null_mx_action(const struct dm_policy *pol)
{
	enum dm_action a = pol->sender_action[DM_SENDER_UNKNOWN];

	return a == DM_ACT_OFF || a == DM_ACT_SHADOW ? a : DM_ACT_REJECT;
}

/* The key whose value sets the action of reply i: "[helo] unknown". */
static const char *action_key(int i, char *buf, size_t len)
{
	static const char *const others[] = {
		[DM_REPLY_HELO_DNS_ERROR - HELO_CHECK_COUNT] = "[helo] unknown_on_dns_error",
		[DM_REPLY_DNSBL - HELO_CHECK_COUNT] = "[dnsbl] action",
		[DM_REPLY_RDNS_NONE - HELO_CHECK_COUNT] = "[rdns] none",
		[DM_REPLY_RDNS_MISMATCH - HELO_CHECK_COUNT] = "[rdns] mismatch",
		[DM_REPLY_SPAM - HELO_CHECK_COUNT] = "[spam] reject_score",
		[DM_REPLY_SPAM_ERROR - HELO_CHECK_COUNT] = "[spam] on_error",
		[DM_REPLY_SENDER_NON_FQDN - HELO_CHECK_COUNT] = "[sender] non_fqdn",
		[DM_REPLY_SENDER_UNKNOWN - HELO_CHECK_COUNT] = "[sender] unknown",
		[DM_REPLY_SENDER_NULL_MX - HELO_CHECK_COUNT] = "[sender] unknown",
		[DM_REPLY_SENDER_DNS_ERROR - HELO_CHECK_COUNT] = "[sender] unknown_on_dns_error",
		[DM_REPLY_RHSBL_HELO + DM_RHSBL_HELO - HELO_CHECK_COUNT] = "[rhsbl] helo",
		[DM_REPLY_RHSBL_HELO + DM_RHSBL_CLIENT - HELO_CHECK_COUNT] = "[rhsbl] client",
		[DM_REPLY_RHSBL_HELO + DM_RHSBL_SENDER - HELO_CHECK_COUNT] = "[rhsbl] sender",
	};

	if (i < HELO_CHECK_COUNT)
		snprintf(buf, len, "[helo] %s", helo_check_name((enum helo_check)i));
	else
		snprintf(buf, len, "%s", others[i - HELO_CHECK_COUNT]);
	return buf;
}

/* Built-in replies follow the action: a tempfail gets 4xx, a reject 5xx. */
static void adapt_reply(struct dm_reply *r, char cls)
{
	if (r->code[0] == cls)
		return;
	if (cls == '4')
		strcpy(r->code, "450");
	else
		strcpy(r->code, r->code[1] == '5' || r->code[1] == '0' ? "550" : "554");
	r->xcode[0] = cls;
}

int dm_policy_finish(struct dm_policy *pol, struct dm_errors *errs)
{
	char ab[48];
	int i, bad = 0;

	/* An allow_threshold of 0 or more would allowlist every client no list
	 * names (every client, without zones), silently switching checks off. */
	if (pol->dnsbl_threshold < 1) {
		dm_errors_add(errs, pol->file, 0, "policy %s: [dnsbl] threshold must be 1 or more, not %d",
		              pol->name, pol->dnsbl_threshold);
		bad++;
	}
	if (pol->allow_threshold >= 0) {
		dm_errors_add(errs, pol->file, 0, "policy %s: [dnsbl] allow_threshold must be negative (allowlists "
		              "have negative weights), not %d", pol->name, pol->allow_threshold);
		bad++;
	}
	for (i = 0; i < DM_REPLY_COUNT; i++) {
		enum dm_action a = dm_policy_reply_action(pol, i);
		char want;

		if (a != DM_ACT_REJECT && a != DM_ACT_TEMPFAIL)
			continue;
		want = a == DM_ACT_REJECT ? '5' : '4';
		if (pol->reply[i].code[0] == want)
			continue;
		if (pol->reply_line[i] == 0) {
			adapt_reply(&pol->reply[i], want);
			continue;
		}
		dm_errors_add(errs, pol->reply_file[i], pol->reply_line[i],
		              "reply %s is %s, but policy %s has %s = %s, which needs a %cxx reply",
		              reply_keys[i], pol->reply[i].code, pol->name, action_key(i, ab, sizeof(ab)),
		              dm_action_name(a), want);
		bad++;
	}
	return bad;
}

int dm_policy_exempt(const struct dm_policy *pol, const char *rcpt)
{
	const char *at = strrchr(rcpt, '@');
	size_t llen = at ? (size_t)(at - rcpt) : strlen(rcpt);
	size_t i;

	for (i = 0; i < pol->nexempt; i++) {
		const char *e = pol->exempt[i];
		if (strchr(e, '@') != NULL) {
			if (strcasecmp(e, rcpt) == 0)
				return 1;
		} else if (strlen(e) == llen && strncasecmp(e, rcpt, llen) == 0) {
			return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ dump */

void dm_dump_list_begin(struct dm_dump_list *l, FILE *out, int width, const char *key)
{
	int w = fprintf(out, "%-*s =", width, key);

	l->out = out;
	l->col = w > 0 ? (size_t)w : 0;
	l->n = 0;
}

void dm_dump_list_item(struct dm_dump_list *l, const char *item)
{
	size_t len = strlen(item);

	if (l->n > 0 && l->col + 2 + len > DM_DUMP_WIDTH) {
		fputs(",\n   ", l->out);          /* a continuation line: blanks, then the item */
		l->col = 3;
	} else if (l->n > 0) {
		fputc(',', l->out);
		l->col++;
	}
	fprintf(l->out, " %s", item);
	l->col += 1 + len;
	l->n++;
}

void dm_dump_list_end(struct dm_dump_list *l)
{
	fputc('\n', l->out);
}

void dm_policy_dump(const struct dm_policy *pol, FILE *out)
{
	const char *section = "";
	struct dm_dump_list list;
	size_t i, j;

	fprintf(out, "\n; policy %s (%s)\n", pol->name, pol->file);
	for (i = 0; i < NKEYS; i++) {
		const struct pkey *k = &keys[i];
		const char *field = (const char *)pol + k->off;
		double score;

		if (strcmp(section, k->section) != 0)
			fprintf(out, "[%s]\n", section = k->section);
		dm_dump_list_begin(&list, out, 21, key_name(k));
		switch (k->type) {
		case P_NAMED:
			fprintf(out, " %s\n", k->names[*(const int *)(const void *)field]);
			break;
		case P_INT:
			fprintf(out, " %d\n", *(const int *)(const void *)field);
			break;
		case P_SCORE:
			score = *(const double *)(const void *)field;
			if (score >= DM_SCORE_OFF)
				fprintf(out, " off\n");
			else
				fprintf(out, " %.1f\n", score);
			break;
		case P_TEXT:
			fprintf(out, " %s\n", field);
			break;
		case P_REPLY:
			fprintf(out, " %s %s %s\n", pol->reply[k->min].code, pol->reply[k->min].xcode,
			        pol->reply[k->min].text);
			break;
		case P_LIST:
			for (j = 0; j < pol->nexempt; j++)
				dm_dump_list_item(&list, pol->exempt[j]);
			dm_dump_list_end(&list);
			break;
		}
	}
}

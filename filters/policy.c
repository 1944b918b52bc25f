/*
 * policy.c - per-recipient-domain policies (policy.d/DOMAIN.conf): the built-in
 * defaults, the key table and its validators, lookup by domain, dump.
 *
 * A domain file starts as a copy of the default policy and overrides it key
 * by key. Policies are immutable once dm_config_load() returns.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

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
};

static const enum dm_action builtin_action[HELO_CHECK_COUNT] = {
	[HELO_INVALID] = DM_ACT_REJECT, [HELO_LOCALHOST] = DM_ACT_REJECT,
	[HELO_FORGED] = DM_ACT_REJECT, [HELO_BARE_IP] = DM_ACT_REJECT,
	[HELO_LITERAL_MISMATCH] = DM_ACT_REJECT, [HELO_NON_FQDN] = DM_ACT_REJECT,
	[HELO_UNKNOWN] = DM_ACT_TEMPFAIL,
};

static const char *const action_names[] = { "off", "shadow", "tempfail", "reject" };
static const char *const mode_names[] = { "off", "shadow", "enforce" };

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

const char *dm_reply_key(int i, char *buf, size_t len)
{
	switch (i) {
	case DM_REPLY_HELO_DNS_ERROR: return "helo_dns_error";
	case DM_REPLY_DNSBL: return "dnsbl";
	case DM_REPLY_RDNS_NONE: return "rdns_none";
	case DM_REPLY_RDNS_MISMATCH: return "rdns_mismatch";
	case DM_REPLY_SPAM: return "spam";
	case DM_REPLY_SPAM_ERROR: return "spam_error";
	}
	snprintf(buf, len, "helo_%s", helo_check_name((enum helo_check)i));
	return buf;
}

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
	}
	return DM_ACT_OFF;
}

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

struct pctx {
	struct dm_policy *pol;
	const char *file;
	struct dm_errors *errs;
	int action_line[HELO_CHECK_COUNT];
};

static int parse_action(const char *v, enum dm_action *out)
{
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(v, action_names[i]) == 0) {
			*out = (enum dm_action)i;
			return 0;
		}
	return -1;
}

static void set_mode(struct pctx *c, const char *section, enum dm_mode *out, const char *v, int line)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(v, mode_names[i]) == 0) {
			*out = (enum dm_mode)i;
			return;
		}
	dm_errors_add(c->errs, c->file, line, "[%s] mode must be enforce, shadow or off, not '%.100s'", section, v);
}

static void set_action(struct pctx *c, const char *section, const char *name, enum dm_action *out,
                       const char *v, int line)
{
	if (parse_action(v, out) < 0)
		dm_errors_add(c->errs, c->file, line,
		              "[%s] %s: unknown action '%.100s' (reject, tempfail, shadow or off)", section, name, v);
}

static void set_int(struct pctx *c, const char *name, int *out, const char *v, int line)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < -1000 || n > 1000)
		dm_errors_add(c->errs, c->file, line, "[dnsbl] %s must be a whole number from -1000 to 1000, not '%.100s'",
		              name, v);
	else
		*out = (int)n;
}

static void dnsbl_key(struct pctx *c, const char *name, const char *v, int line)
{
	if (strcmp(name, "mode") == 0)
		set_mode(c, "dnsbl", &c->pol->dnsbl_mode, v, line);
	else if (strcmp(name, "action") == 0)
		set_action(c, "dnsbl", name, &c->pol->dnsbl_action, v, line);
	else if (strcmp(name, "threshold") == 0)
		set_int(c, name, &c->pol->dnsbl_threshold, v, line);
	else if (strcmp(name, "allow_threshold") == 0)
		set_int(c, name, &c->pol->allow_threshold, v, line);
	else
		dm_errors_add(c->errs, c->file, line, "unknown key '%.100s' in [dnsbl]", name);
}

static void rdns_key(struct pctx *c, const char *name, const char *v, int line)
{
	int i;

	if (strcmp(name, "mode") == 0) {
		set_mode(c, "rdns", &c->pol->rdns_mode, v, line);
		return;
	}
	for (i = 0; i < DM_RDNS_CHECK_COUNT; i++)
		if (strcmp(name, dm_rdns_check_name((enum dm_rdns_check)i)) == 0) {
			set_action(c, "rdns", name, &c->pol->rdns_action[i], v, line);
			return;
		}
	dm_errors_add(c->errs, c->file, line, "unknown key '%.100s' in [rdns]", name);
}

static void set_score(struct pctx *c, const char *name, double *out, const char *v, int line)
{
	char *end;
	double d;

	if (strcmp(v, "off") == 0) {
		*out = DM_SCORE_OFF;
		return;
	}
	d = strtod(v, &end);
	if (*v == '\0' || *end != '\0' || !(d >= -1000.0 && d <= 1000.0))
		dm_errors_add(c->errs, c->file, line, "[spam] %s must be a score from -1000 to 1000 or off, not '%.100s'",
		              name, v);
	else
		*out = d;
}

static void set_bool(struct pctx *c, const char *name, int *out, const char *v, int line)
{
	if (strcmp(v, "yes") == 0)
		*out = 1;
	else if (strcmp(v, "no") == 0)
		*out = 0;
	else
		dm_errors_add(c->errs, c->file, line, "[spam] %s must be yes or no, not '%.100s'", name, v);
}

static void spam_key(struct pctx *c, const char *name, const char *v, int line)
{
	struct dm_policy *p = c->pol;
	size_t k;

	if (strcmp(name, "mode") == 0) {
		set_mode(c, "spam", &p->spam_mode, v, line);
	} else if (strcmp(name, "tag_score") == 0) {
		set_score(c, name, &p->tag_score, v, line);
	} else if (strcmp(name, "reject_score") == 0) {
		set_score(c, name, &p->reject_score, v, line);
	} else if (strcmp(name, "quarantine_score") == 0) {
		set_score(c, name, &p->quarantine_score, v, line);
	} else if (strcmp(name, "subject_tag") == 0) {
		int bad = strlen(v) >= sizeof(p->subject_tag);
		for (k = 0; v[k] && !bad; k++)
			bad = (unsigned char)v[k] < 0x20 || (unsigned char)v[k] >= 0x7f;
		if (bad)
			dm_errors_add(c->errs, c->file, line, "[spam] subject_tag must be printable ASCII under %zu characters",
			              sizeof(p->subject_tag));
		else
			snprintf(p->subject_tag, sizeof(p->subject_tag), "%s", v);
	} else if (strcmp(name, "spamd_user") == 0) {
		int bad = v[0] == '\0' || strlen(v) >= sizeof(p->spamd_user);
		for (k = 0; v[k] && !bad; k++)
			bad = !(isalnum((unsigned char)v[k]) || strchr("._@%+-", v[k]) != NULL) ||
			      (v[k] == '%' && v[k + 1] != 'd' && v[k + 1] != 'r');
		if (bad)
			dm_errors_add(c->errs, c->file, line,
			              "[spam] spamd_user must be a user name, %%d (recipient domain) or %%r (recipient), not '%.100s'", v);
		else
			snprintf(p->spamd_user, sizeof(p->spamd_user), "%s", v);
	} else if (strcmp(name, "on_error") == 0) {
		if (strcmp(v, "accept") == 0)
			p->on_error_tempfail = 0;
		else if (strcmp(v, "tempfail") == 0)
			p->on_error_tempfail = 1;
		else
			dm_errors_add(c->errs, c->file, line,
			              "[spam] on_error must be accept (header says unscanned) or tempfail, not '%.100s'", v);
	} else if (strcmp(name, "scan_authenticated") == 0) {
		set_bool(c, name, &p->scan_authenticated, v, line);
	} else if (strcmp(name, "scan_allowlisted") == 0) {
		set_bool(c, name, &p->scan_allowlisted, v, line);
	} else if (strcmp(name, "details") == 0) {
		if (strcmp(v, "score") == 0)
			p->spam_detail = DM_SPAM_CHECK;
		else if (strcmp(v, "tests") == 0)
			p->spam_detail = DM_SPAM_SYMBOLS;
		else if (strcmp(v, "report") == 0)
			p->spam_detail = DM_SPAM_REPORT;
		else
			dm_errors_add(c->errs, c->file, line, "[spam] details must be score, tests or report, not '%.100s'", v);
	} else {
		dm_errors_add(c->errs, c->file, line, "unknown key '%.100s' in [spam]", name);
	}
}

static void helo_key(struct pctx *c, const char *name, const char *v, int line)
{
	int i;

	if (strcmp(name, "mode") == 0) {
		set_mode(c, "helo", &c->pol->helo_mode, v, line);
		return;
	}
	if (strcmp(name, "unknown_on_dns_error") == 0) {
		if (strcmp(v, "pass") == 0)
			c->pol->helo_dns_error = DM_ACT_OFF;
		else if (strcmp(v, "tempfail") == 0)
			c->pol->helo_dns_error = DM_ACT_TEMPFAIL;
		else
			dm_errors_add(c->errs, c->file, line,
			              "unknown_on_dns_error must be pass or tempfail (a DNS failure never rejects), not '%.100s'", v);
		return;
	}
	for (i = 0; i < HELO_CHECK_COUNT; i++)
		if (strcmp(name, helo_check_name((enum helo_check)i)) == 0) {
			if (parse_action(v, &c->pol->helo_action[i]) < 0)
				dm_errors_add(c->errs, c->file, line,
				              "[helo] %s: unknown action '%.100s' (reject, tempfail, shadow or off)", name, v);
			c->action_line[i] = line;
			return;
		}
	dm_errors_add(c->errs, c->file, line, "unknown key '%.100s' in [helo]", name);
}

static void replies_key(struct pctx *c, const char *name, const char *v, int line)
{
	char err[200], kb[48];
	int i;

	if (strcmp(name, "help_url") == 0) {
		size_t k;
		int bad = strlen(v) >= sizeof(c->pol->help_url);
		for (k = 0; v[k] && !bad; k++)
			bad = v[k] <= ' ' || v[k] >= 0x7f || v[k] == '%';
		if (bad) {
			dm_errors_add(c->errs, c->file, line, "help_url must be a URL without spaces or '%%', under %zu characters",
			              sizeof(c->pol->help_url));
			return;
		}
		strcpy(c->pol->help_url, v);
		return;
	}
	for (i = 0; i < DM_REPLY_COUNT; i++) {
		if (strcmp(name, dm_reply_key(i, kb, sizeof(kb))) != 0)
			continue;
		if (dm_reply_parse(v, &c->pol->reply[i], err, sizeof(err)) < 0) {
			dm_errors_add(c->errs, c->file, line, "%s: %s", name, err);
			return;
		}
		if (i == DM_REPLY_HELO_DNS_ERROR && c->pol->reply[i].code[0] != '4') {
			dm_errors_add(c->errs, c->file, line, "helo_dns_error must be a 4xx reply: a DNS failure never rejects");
			return;
		}
		free(c->pol->reply_file[i]);
		c->pol->reply_file[i] = strdup(c->file);
		c->pol->reply_line[i] = line;
		return;
	}
	dm_errors_add(c->errs, c->file, line, "unknown key '%.100s' in [replies]", name);
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

static void on_policy_key(void *user, const char *section, const char *name, const char *v,
                          int cont, int line)
{
	struct pctx *c = user;

	if (cont && !(strcmp(section, "exempt") == 0 && strcmp(name, "recipients") == 0)) {
		dm_errors_add(c->errs, c->file, line,
		              "%s takes one value; this indented line would continue it (remove the indentation)", name);
		return;
	}
	if (strcmp(section, "helo") == 0) {
		helo_key(c, name, v, line);
	} else if (strcmp(section, "dnsbl") == 0) {
		dnsbl_key(c, name, v, line);
	} else if (strcmp(section, "rdns") == 0) {
		rdns_key(c, name, v, line);
	} else if (strcmp(section, "spam") == 0) {
		spam_key(c, name, v, line);
	} else if (strcmp(section, "replies") == 0) {
		replies_key(c, name, v, line);
	} else if (strcmp(section, "exempt") == 0) {
		char **items, **grown;
		size_t n, i, base = cont ? c->pol->nexempt : 0;

		if (strcmp(name, "recipients") != 0) {
			dm_errors_add(c->errs, c->file, line, "unknown key '%.100s' in [exempt]", name);
			return;
		}
		if (dm_list_split(v, &items, &n) < 0)
			return;
		for (i = 0; i < n; i++)
			if (!exempt_item_ok(items[i])) {
				dm_errors_add(c->errs, c->file, line,
				              "recipients: '%.100s' must be a local part (postmaster) or an address", items[i]);
				dm_list_free(items);
				return;
			}
		if (!cont) {
			for (i = 0; i < c->pol->nexempt; i++)
				free(c->pol->exempt[i]);
			c->pol->nexempt = 0;
			c->pol->exempt[0] = NULL;
		}
		grown = realloc(c->pol->exempt, (base + n + 1) * sizeof(char *));
		if (grown == NULL) {
			dm_list_free(items);
			return;
		}
		for (i = 0; i < n; i++)
			grown[base + i] = dm_lower(items[i]);
		grown[base + n] = NULL;
		c->pol->exempt = grown;
		c->pol->nexempt = base + n;
		free(items);
	} else if (section[0] == '\0') {
		dm_errors_add(c->errs, c->file, line, "key '%.100s' outside any [section]", name);
	} else {
		dm_errors_add(c->errs, c->file, line,
		              "unknown section [%.100s] (known: [helo], [dnsbl], [rdns], [spam], [replies], [exempt])", section);
	}
}

int dm_policy_parse(struct dm_policy *pol, const char *text, size_t len, const char *file,
                    struct dm_errors *errs)
{
	struct pctx c;

	memset(&c, 0, sizeof(c));
	c.pol = pol;
	c.file = file;
	c.errs = errs;
	return dm_ini_parse(text, len, file, on_policy_key, &c, errs);
}

/* Built-in replies follow the action: a tempfail gets 4xx, a reject 5xx. */
static void adapt_reply(struct dm_reply *r, char cls)
{
	if (r->code[0] == cls)
		return;
	if (cls == '4') {
		strcpy(r->code, "450");
	} else {
		strcpy(r->code, r->code[1] == '5' || r->code[1] == '0' ? "550" : "554");
	}
	r->xcode[0] = cls;
}

/* "[helo] unknown", "[dnsbl] action", "[rdns] none": the key whose action reply i serves. */
static const char *action_key(int i, char *buf, size_t len)
{
	if (i < HELO_CHECK_COUNT)
		snprintf(buf, len, "[helo] %s", helo_check_name((enum helo_check)i));
	else if (i == DM_REPLY_DNSBL)
		snprintf(buf, len, "[dnsbl] action");
	else if (i == DM_REPLY_RDNS_NONE || i == DM_REPLY_RDNS_MISMATCH)
		snprintf(buf, len, "[rdns] %s", dm_rdns_check_name((enum dm_rdns_check)(i - DM_REPLY_RDNS_NONE)));
	else if (i == DM_REPLY_SPAM)
		snprintf(buf, len, "[spam] reject_score");
	else if (i == DM_REPLY_SPAM_ERROR)
		snprintf(buf, len, "[spam] on_error");
	else
		snprintf(buf, len, "[helo] unknown_on_dns_error");
	return buf;
}

int dm_policy_finish(struct dm_policy *pol, struct dm_errors *errs)
{
	int i, bad = 0;
	char kb[48], ab[48];

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
		              dm_reply_key(i, kb, sizeof(kb)), pol->reply[i].code, pol->name,
		              action_key(i, ab, sizeof(ab)), dm_action_name(a), want);
		bad++;
	}
	return bad;
}

const struct dm_policy *dm_policy_for_domain(const struct dm_config *cfg, const char *domain)
{
	char d[256];
	const char *p;
	size_t len;

	if (domain == NULL || cfg->npolicies == 0)
		return cfg->def;
	len = strnlen(domain, sizeof(d));
	if (len == 0 || len >= sizeof(d))
		return cfg->def;
	memcpy(d, domain, len + 1);
	dm_lower(d);
	if (d[len - 1] == '.')
		d[len - 1] = '\0';
	for (p = d; p != NULL && *p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
		size_t lo = 0, hi = cfg->npolicies;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int c = strcmp(p, cfg->policies[mid]->name);
			if (c == 0)
				return cfg->policies[mid];
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	return cfg->def;
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

static void dump_score(FILE *out, const char *key, double v)
{
	if (v >= DM_SCORE_OFF)
		fprintf(out, "%-20s = off\n", key);
	else
		fprintf(out, "%-20s = %.1f\n", key, v);
}

void dm_policy_dump(const struct dm_policy *pol, FILE *out)
{
	int i;
	size_t j;
	char kb[48];

	fprintf(out, "\n; policy %s (%s)\n[helo]\n", pol->name, pol->file);
	fprintf(out, "%-20s = %s\n", "mode", dm_mode_name(pol->helo_mode));
	for (i = 0; i < HELO_CHECK_COUNT; i++)
		fprintf(out, "%-20s = %s\n", helo_check_name((enum helo_check)i), dm_action_name(pol->helo_action[i]));
	fprintf(out, "%-20s = %s\n", "unknown_on_dns_error", pol->helo_dns_error == DM_ACT_TEMPFAIL ? "tempfail" : "pass");
	fprintf(out, "[dnsbl]\n%-20s = %s\n%-20s = %d\n%-20s = %s\n%-20s = %d\n", "mode",
	        dm_mode_name(pol->dnsbl_mode), "threshold", pol->dnsbl_threshold, "action",
	        dm_action_name(pol->dnsbl_action), "allow_threshold", pol->allow_threshold);
	fprintf(out, "[rdns]\n%-20s = %s\n", "mode", dm_mode_name(pol->rdns_mode));
	for (i = 0; i < DM_RDNS_CHECK_COUNT; i++)
		fprintf(out, "%-20s = %s\n", dm_rdns_check_name((enum dm_rdns_check)i), dm_action_name(pol->rdns_action[i]));
	fprintf(out, "[spam]\n%-20s = %s\n", "mode", dm_mode_name(pol->spam_mode));
	dump_score(out, "tag_score", pol->tag_score);
	dump_score(out, "reject_score", pol->reject_score);
	dump_score(out, "quarantine_score", pol->quarantine_score);
	fprintf(out, "%-20s = %s\n%-20s = %s\n%-20s = %s\n%-20s = %s\n%-20s = %s\n%-20s = %s\n",
	        "subject_tag", pol->subject_tag, "spamd_user", pol->spamd_user,
	        "on_error", pol->on_error_tempfail ? "tempfail" : "accept",
	        "scan_authenticated", pol->scan_authenticated ? "yes" : "no",
	        "scan_allowlisted", pol->scan_allowlisted ? "yes" : "no",
	        "details", pol->spam_detail == DM_SPAM_CHECK ? "score" : pol->spam_detail == DM_SPAM_SYMBOLS ? "tests" : "report");
	fprintf(out, "[replies]\n");
	for (i = 0; i < DM_REPLY_COUNT; i++)
		fprintf(out, "%-21s = %s %s %s\n", dm_reply_key(i, kb, sizeof(kb)), pol->reply[i].code,
		        pol->reply[i].xcode, pol->reply[i].text);
	fprintf(out, "%-21s = %s\n[exempt]\nrecipients =", "help_url", pol->help_url);
	for (j = 0; j < pol->nexempt; j++)
		fprintf(out, "%s %s", j ? "," : "", pol->exempt[j]);
	fputc('\n', out);
}

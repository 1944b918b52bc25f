/*
 * helo.c - classify the name a client gives in HELO/EHLO.
 *
 * Does: decide, from the HELO bytes alone (plus the client address and our
 * own names/addresses), which findings of enum helo_check apply: invalid
 * syntax, localhost, forged (claims to be us), bare IP, address literal that
 * is not the client, not a fully-qualified name (single label, reserved or
 * malformed TLD). Syntax is filters/base/hostname.c's, the one host name check
 * of doorman (Postfix's valid_hostname() rules).
 * Returns: the findings bit set, the lowercased lookup name, whether a DNS
 * lookup is worth doing, and a short reason for the first finding.
 * Never: does DNS, allocates, keeps state, knows about policy or replies,
 * or copies a raw input byte into the reason (only a TLD that has already
 * been checked to be [a-z0-9-]).
 */
#include "helo.h"
#include "hostname.h"

#include <stdio.h>
#include <string.h>

#define HOSTNAME_MAX DM_HOSTNAME_MAX

/* TLDs that never reach a public mail server: RFC 2606/6761/6762/7686,
 * RFC 9476 (.alt), .arpa (home.arpa, in-addr.arpa), and names that
 * Windows/SBS/router setups leak into HELO. */
static const char *const reserved_tlds[] = {
	"local", "lan", "localdomain", "home", "internal", "corp", "intranet",
	"private", "domain", "workgroup", "localnet", "test", "invalid",
	"example", "localhost", "onion", "alt", "arpa",
};

/* First labels that mean "the loopback host" (Debian's /etc/hosts names). */
static const char *const localhost_labels[] = {
	"localhost", "localhost6", "ip6-localhost", "ip6-loopback",
};

static const char *const check_names[HELO_CHECK_COUNT] = {
	[HELO_INVALID] = "invalid",
	[HELO_LOCALHOST] = "localhost",
	[HELO_FORGED] = "forged",
	[HELO_BARE_IP] = "bare_ip",
	[HELO_LITERAL_MISMATCH] = "literal_mismatch",
	[HELO_NON_FQDN] = "non_fqdn",
	[HELO_UNKNOWN] = "unknown",
};

/* Locale-independent ASCII classes: HELO bytes are never text to setlocale. */
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int is_xdigit(unsigned char c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}
static unsigned char to_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

static int ascii_casecmp_n(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (to_lower((unsigned char)a[i]) != to_lower((unsigned char)b[i]))
			return 1;
	return 0;
}

static int in_list(const char *s, size_t n, const char *const *list, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
			return 1;
	return 0;
}

/* Record a finding; the reason belongs to the lowest-numbered finding. */
static void add_finding(struct helo_result *out, enum helo_check c, const char *why)
{
	if ((out->findings & (HELO_BIT(c) - 1u)) == 0)
		snprintf(out->reason, sizeof(out->reason), "%s", why);
	if (!(out->findings & HELO_BIT(c)))
		snprintf(out->reasons[c], sizeof(out->reasons[c]), "%s", why);
	out->findings |= HELO_BIT(c);
}

const char *helo_check_name(enum helo_check c)
{
	if ((unsigned)c >= HELO_CHECK_COUNT)
		return NULL;
	return check_names[c];
}

/* "[a.b.c.d]" or "[IPv6:...]" (tag case-insensitive, RFC 5321 4.1.3).
 * An untagged IPv6 or a tagged IPv4 is malformed. */
static int parse_literal(const char *s, size_t len, struct dm_addr *a)
{
	const unsigned char *p;
	size_t n, i;
	int v6 = 0;

	if (len < 3 || s[0] != '[' || s[len - 1] != ']')
		return -1;
	p = (const unsigned char *)s + 1;
	n = len - 2;
	if (n > 5 && ascii_casecmp_n((const char *)p, "IPv6:", 5) == 0) {
		v6 = 1;
		p += 5;
		n -= 5;
	}
	for (i = 0; i < n; i++) {
		if (is_digit(p[i]) || p[i] == '.')
			continue;
		if (v6 && (is_xdigit(p[i]) || p[i] == ':'))
			continue;
		return -1;
	}
	if (v6 != (memchr(p, ':', n) != NULL))
		return -1;
	return dm_addr_parsen((const char *)p, n, a);
}

static int is_our_addr(const struct helo_self *self, const struct dm_addr *a)
{
	size_t i;

	if (self == NULL || self->addrs == NULL)
		return 0;
	for (i = 0; i < self->naddrs; i++)
		if (dm_addr_equal(&self->addrs[i], a))
			return 1;
	return 0;
}

static int is_our_name(const struct helo_self *self, const char *name, size_t n)
{
	size_t i, m;

	if (self == NULL || self->names == NULL)
		return 0;
	for (i = 0; i < self->nnames; i++) {
		if (self->names[i] == NULL)
			continue;
		m = strnlen(self->names[i], HOSTNAME_MAX + 2);
		if (m > 0 && self->names[i][m - 1] == '.')
			m--;
		if (m == n && ascii_casecmp_n(name, self->names[i], n) == 0)
			return 1;
	}
	return 0;
}

/* An address given as HELO, bare or in brackets. */
static void check_address(const struct dm_addr *a, int literal, const struct dm_addr *client,
                          const struct helo_self *self, struct helo_result *out)
{
	int ours = is_our_addr(self, a);

	if (ours)
		add_finding(out, HELO_FORGED, "our own address");
	if (!literal)
		add_finding(out, HELO_BARE_IP, "bare IP address");
	else if (client != NULL && client->family != 0 && !dm_addr_equal(a, client))
		add_finding(out, HELO_LITERAL_MISMATCH, "address literal is not the client address");
}

/* Letters only, at least two; or an IDNA A-label "xn--" + [a-z0-9-]. */
static int tld_is_valid(const char *t, size_t n)
{
	size_t i;

	if (n > 4 && memcmp(t, "xn--", 4) == 0) {
		for (i = 4; i < n; i++)
			if (!is_alpha((unsigned char)t[i]) && !is_digit((unsigned char)t[i]) && t[i] != '-')
				return 0;
		return 1;
	}
	if (n < 2)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alpha((unsigned char)t[i]))
			return 0;
	return 1;
}

/* name is lowercased, valid, n bytes, without trailing dot. */
static void check_fqdn(const char *name, size_t n, size_t tld, size_t nlabels,
                       struct helo_result *out)
{
	char why[sizeof(out->reason)];
	const char *t = name + tld;
	size_t tn = n - tld;

	if (nlabels < 2) {
		snprintf(out->part, sizeof(out->part), "%.*s", (int)n, name);
		add_finding(out, HELO_NON_FQDN, "not a fully-qualified domain name");
	} else if (in_list(t, tn, reserved_tlds, sizeof(reserved_tlds) / sizeof(reserved_tlds[0]))) {
		/* t is one of the list's own strings here: safe to quote. */
		snprintf(why, sizeof(why), "reserved TLD .%.*s", (int)tn, t);
		snprintf(out->part, sizeof(out->part), ".%.*s", (int)tn, t);
		add_finding(out, HELO_NON_FQDN, why);
	} else if (!tld_is_valid(t, tn)) {
		snprintf(out->part, sizeof(out->part), ".%.*s", (int)tn, t);
		add_finding(out, HELO_NON_FQDN, "invalid TLD");
	}
}

unsigned helo_classify(const char *helo, size_t len, const struct dm_addr *client,
                       const struct helo_self *self, struct helo_result *out)
{
	struct dm_addr a;
	struct dm_hostname hn;
	enum dm_hostname_error bad;
	size_t n, i, tld, nlabels, first;
	int localhost;

	memset(out, 0, sizeof(*out));
	if (helo == NULL)
		len = 0;
	if (len == 0) {
		add_finding(out, HELO_INVALID, "empty name");
		return out->findings;
	}
	if (helo[0] == '[') {
		if (parse_literal(helo, len, &a) != 0)
			add_finding(out, HELO_INVALID, "malformed address literal");
		else
			check_address(&a, 1, client, self, out);
		return out->findings;
	}
	if (len > HOSTNAME_MAX) {
		add_finding(out, HELO_INVALID, "name longer than 255 characters");
		return out->findings;
	}
	/* A dotted quad or anything with ':' that inet_pton accepts. */
	if (dm_addr_parsen(helo, len, &a) == 0) {
		check_address(&a, 0, client, self, out);
		return out->findings;
	}
	bad = dm_hostname_check(helo, len, &hn, NULL);
	if (bad != DM_HN_OK) {
		add_finding(out, HELO_INVALID, dm_hostname_reason(bad));
		return out->findings;
	}
	n = hn.len;
	tld = hn.tld;
	nlabels = hn.nlabels;

	/* A syntactically valid hostname from here on. */
	for (i = 0; i < n; i++)
		out->name[i] = (char)to_lower((unsigned char)helo[i]);
	out->name[n] = '\0';
	first = strcspn(out->name, ".");
	localhost = in_list(out->name, first, localhost_labels,
	                    sizeof(localhost_labels) / sizeof(localhost_labels[0]));
	if (localhost)
		add_finding(out, HELO_LOCALHOST, "localhost name");
	if (is_our_name(self, out->name, n))
		add_finding(out, HELO_FORGED, "our own hostname");
	if (!localhost) {
		out->want_lookup = 1;
		check_fqdn(out->name, n, tld, nlabels, out);
	}
	return out->findings;
}

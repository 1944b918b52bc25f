/*
 * mailaddr.c - envelope addresses: local part and normalized domain (see
 * mailaddr.h).
 *
 * Does: read an SMTP path as RFC 5321 section 4.1.2 writes it, or the
 * MTA's internal form; normalize the domain (lowercase, trailing dot,
 * A-label). Returns a status and the parts. Never cuts the input before
 * the domain is found, never logs, never keeps memory.
 */
#include <idn2.h>
#include <stdio.h>
#include <string.h>

#include "mailaddr.h"
#include "text.h"

static enum dm_mailaddr_status bad(struct dm_mailaddr *out, const char *why)
{
	out->why = why;
	out->domain[0] = '\0';
	return DM_MA_BAD;
}

static void put(struct dm_mailaddr *out, size_t *o, char c)
{
	if (*o < DM_LOCAL_MAX)
		out->local[(*o)++] = c;
	else
		out->local_cut = 1;
	out->local[*o] = '\0';
}

int dm_domain_normalize(const char *s, size_t len, char *out, size_t outlen, const char **why)
{
	char buf[4 * DM_HOSTNAME_MAX + 4];
	const char *w = NULL;
	enum dm_hostname_error e;
	size_t i, n;
	int has8 = 0;

	if (len >= sizeof(buf))
		w = "domain too long";
	else if (memchr(s, '\0', len) != NULL)
		w = "NUL byte in the domain";
	if (w != NULL)
		goto fail;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '.')
		buf[--len] = '\0';
	if (len == 0 || buf[len - 1] == '.') {
		w = "empty label";
		goto fail;
	}
	for (i = 0; i < len; i++)
		has8 |= (unsigned char)buf[i] >= 0x80;
	if (has8) {
		char *alabel = NULL;
		int rc = idn2_to_ascii_8z(buf, &alabel, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
		if (rc != IDN2_OK || alabel == NULL || strlen(alabel) >= sizeof(buf)) {
			idn2_free(alabel);
			w = "not a valid internationalized domain name";
			goto fail;
		}
		snprintf(buf, sizeof(buf), "%s", alabel);
		idn2_free(alabel);
	}
	dm_lower(buf);
	n = strlen(buf);
	/* a label mapped to nothing (UTS #46 ignores U+034F, say) must not
	 * leave a trailing dot behind: the input's one was dropped above */
	if (n == 0 || buf[n - 1] == '.') {
		w = "empty label";
		goto fail;
	}
	e = dm_hostname_check(buf, n, NULL, NULL);
	if (e != DM_HN_OK) {
		w = dm_hostname_reason(e);
		goto fail;
	}
	if (n >= outlen) {
		w = "domain too long";
		goto fail;
	}
	memcpy(out, buf, n + 1);
	return 0;
fail:
	if (why != NULL)
		*why = w;
	if (outlen > 0)
		out[0] = '\0';
	return -1;
}

/* The part after '@': an address literal as given, or a normalized domain. */
static enum dm_mailaddr_status domain_part(const char *d, size_t len, struct dm_mailaddr *out)
{
	size_t i;

	if (len == 0)
		return bad(out, "empty domain");
	if (d[0] == '[') {
		if (len < 3 || d[len - 1] != ']' || len > DM_HOSTNAME_MAX)
			return bad(out, "malformed address literal");
		for (i = 1; i + 1 < len; i++)
			if ((unsigned char)d[i] <= 0x20 || (unsigned char)d[i] >= 0x7f || d[i] == '[' || d[i] == ']' ||
			    d[i] == '\\')
				return bad(out, "malformed address literal");
		memcpy(out->domain, d, len);
		out->domain[len] = '\0';
		dm_lower(out->domain);
		return DM_MA_LITERAL;
	}
	if (dm_domain_normalize(d, len, out->domain, sizeof(out->domain), &out->why) < 0)
		return DM_MA_BAD;
	return DM_MA_OK;
}

/* RFC 5321 atext and '.', plus 8-bit bytes (SMTPUTF8). */
static int local_char_ok(unsigned char c)
{
	if (c >= 0x80)
		return 1;
	if (c <= 0x20 || c == 0x7f)
		return 0;
	return strchr("\"(),:;<>@[\\]", c) == NULL;
}

enum dm_mailaddr_status dm_mailaddr_parse(const char *s, size_t len, struct dm_mailaddr *out)
{
	size_t i = 0, end = len, o = 0;
	const char *colon;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return bad(out, "no address");
	while (i < end && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	if (i < end && s[i] == '<') {
		if (end - i < 2 || s[end - 1] != '>')
			return bad(out, "unbalanced angle brackets");
		i++;
		end--;
	}
	if (i == end)
		return DM_MA_NULL;
	if (s[i] == '@') {                /* <@relay1,@relay2:user@domain> */
		colon = memchr(s + i, ':', end - i);
		if (colon == NULL)
			return bad(out, "source route without ':'");
		i = (size_t)(colon - s) + 1;
		if (i == end)
			return bad(out, "nothing after the source route");
	}
	if (s[i] == '"') {
		for (i++;; i++) {
			if (i >= end)
				return bad(out, "unterminated quoted local part");
			if (s[i] == '"')
				break;
			if (s[i] == '\\' && ++i >= end)
				return bad(out, "unterminated quoted local part");
			if (s[i] == '\0' || s[i] == '\r' || s[i] == '\n')
				return bad(out, "control character in the local part");
			put(out, &o, s[i]);
		}
		i++;
	} else {
		for (; i < end && s[i] != '@'; i++) {
			if (!local_char_ok((unsigned char)s[i]))
				return bad(out, "character not allowed in a local part");
			put(out, &o, s[i]);
		}
		if (o == 0 && !out->local_cut)
			return bad(out, "empty local part");
	}
	if (i == end)
		return DM_MA_NO_DOMAIN;
	if (s[i] != '@')
		return bad(out, "text after the quoted local part");
	return domain_part(s + i + 1, end - i - 1, out);
}

enum dm_mailaddr_status dm_mailaddr_parse_internal(const char *s, size_t len, struct dm_mailaddr *out)
{
	const char *at = NULL;
	size_t i, o = 0;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return bad(out, "no address");
	if (memchr(s, '\0', len) != NULL)
		return bad(out, "NUL byte in the address");
	for (i = len; i > 0; i--)
		if (s[i - 1] == '@') {
			at = s + i - 1;
			break;
		}
	if (len == 0)
		return DM_MA_NULL;
	for (i = 0; i < (at ? (size_t)(at - s) : len); i++)
		put(out, &o, s[i]);
	if (at == NULL)
		return DM_MA_NO_DOMAIN;
	if (at == s)
		return bad(out, "empty local part");
	return domain_part(at + 1, len - (size_t)(at - s) - 1, out);
}

void dm_mailaddr_format(const struct dm_mailaddr *a, enum dm_mailaddr_status st, char *out, size_t outlen)
{
	size_t dlen = strlen(a->domain), room;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (st == DM_MA_NULL || st == DM_MA_BAD)
		return;
	if (st == DM_MA_NO_DOMAIN) {
		snprintf(out, outlen, "%s", a->local);
		return;
	}
	/* the domain whole, whatever the local part's length: policies and %d key on it */
	if (dlen + 2 > outlen)
		return;
	room = outlen - dlen - 2;
	snprintf(out, outlen, "%.*s@%s", (int)room, a->local, a->domain);
}

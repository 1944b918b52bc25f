/*
 * dnsparse.c - DNS replies into dm_dns_result, with c-ares's parsers.
 *
 * Does: A/AAAA (every address read, the first DM_DNS_MAX_ADDRS kept, a
 * wanted address looked for among all of them), MX, TXT, PTR; TTLs from
 * the raw answer (c-ares 1.18 gives TTLs only for A/AAAA).
 * Never: allocates beyond what c-ares's parsers return and free again,
 * reads past len, or trusts a count in the reply.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <ares.h>

#include "dnsparse.h"

/* Skip a possibly compressed name; returns the offset after it, or -1. */
static int skip_name(const unsigned char *m, int len, int off)
{
	while (off >= 0 && off < len) {
		unsigned char l = m[off];
		if ((l & 0xc0) == 0xc0)
			return off + 2 <= len ? off + 2 : -1;
		if (l & 0xc0)
			return -1;
		off += 1 + l;
		if (l == 0)
			return off <= len ? off : -1;
	}
	return -1;
}

static unsigned be16(const unsigned char *p)
{
	return ((unsigned)p[0] << 8) | p[1];
}

static unsigned be32(const unsigned char *p)
{
	return ((unsigned)p[0] << 24) | ((unsigned)p[1] << 16) | ((unsigned)p[2] << 8) | p[3];
}

/* Offset of the first record after the question section, or -1. */
static int after_question(const unsigned char *m, int len)
{
	int off = 12, i, qd;

	if (m == NULL || len < 12)
		return -1;
	qd = (int)be16(m + 4);
	for (i = 0; i < qd; i++) {
		off = skip_name(m, len, off);
		if (off < 0 || off + 4 > len)
			return -1;
		off += 4;
	}
	return off;
}

unsigned dm_dns_answer_ttl(const unsigned char *m, int len)
{
	int off = after_question(m, len), an, i;
	unsigned best = 0;

	if (off < 0)
		return 0;
	an = (int)be16(m + 6);
	for (i = 0; i < an; i++) {
		unsigned ttl;

		off = skip_name(m, len, off);
		if (off < 0 || off + 10 > len)
			return best;
		ttl = be32(m + off + 4);
		if (ttl > 0x7fffffffu)
			ttl = 0;
		off += 10 + (int)be16(m + off + 8);
		if (i == 0 || ttl < best)
			best = ttl;
	}
	return best;
}

unsigned dm_dns_negative_ttl(const unsigned char *m, int len)
{
	int off = after_question(m, len), an, ns, i;

	if (off < 0)
		return 0;
	an = (int)be16(m + 6);
	ns = (int)be16(m + 8);
	for (i = 0; i < an + ns; i++) {
		unsigned type, ttl, minimum;
		int rd;

		off = skip_name(m, len, off);
		if (off < 0 || off + 10 > len)
			return 0;
		type = be16(m + off);
		ttl = be32(m + off + 4);
		rd = off + 10;
		off = rd + (int)be16(m + off + 8);
		if (off > len)
			return 0;
		if (i < an || type != 6)
			continue;
		rd = skip_name(m, len, rd);                 /* MNAME */
		rd = rd < 0 ? -1 : skip_name(m, len, rd);   /* RNAME */
		if (rd < 0 || rd + 20 > off)
			return 0;
		minimum = be32(m + rd + 16);
		if (ttl > 0x7fffffffu)
			ttl = 0;
		return minimum < ttl ? minimum : ttl;
	}
	return 0;
}

/* A or AAAA: every address of the answer, however many. */
static int parse_addrs(const unsigned char *abuf, int alen, const struct dm_addr *want,
                       struct dm_dns_result *res)
{
	int family = res->type == DM_DNS_A ? AF_INET : AF_INET6;
	size_t size = family == AF_INET ? 4 : 16, i;
	struct hostent *he = NULL;
	int rc;

	rc = family == AF_INET ? ares_parse_a_reply(abuf, alen, &he, NULL, NULL)
	                       : ares_parse_aaaa_reply(abuf, alen, &he, NULL, NULL);
	if (rc != ARES_SUCCESS)
		return rc;
	for (i = 0; he != NULL && he->h_addr_list != NULL && he->h_addr_list[i] != NULL; i++) {
		struct dm_addr a;

		if (he->h_addrtype != family || he->h_length != (int)size)
			break;
		memset(&a, 0, sizeof(a));
		a.family = family;
		memcpy(a.b, he->h_addr_list[i], size);
		if (res->naddrs < DM_DNS_MAX_ADDRS)
			res->addrs[res->naddrs++] = a;
		if (want != NULL && dm_addr_equal(&a, want))
			res->matched = 1;
		res->nrecords++;
	}
	if (he != NULL)
		ares_free_hostent(he);
	return ARES_SUCCESS;
}

enum dm_dns_status dm_dns_parse_answer(const unsigned char *abuf, int alen, const struct dm_addr *want,
                                       struct dm_dns_result *res)
{
	int rc = ARES_EBADRESP;

	res->naddrs = res->nrecords = 0;
	res->matched = 0;
	res->text[0] = '\0';
	res->ttl = dm_dns_answer_ttl(abuf, alen);
	switch (res->type) {
	case DM_DNS_A:
	case DM_DNS_AAAA:
		rc = parse_addrs(abuf, alen, want, res);
		break;
	case DM_DNS_MX: {
		struct ares_mx_reply *mx = NULL, *m;
		rc = ares_parse_mx_reply(abuf, alen, &mx);
		if (rc != ARES_SUCCESS)
			break;
		for (m = mx; m != NULL; m = m->next)
			if (res->nrecords++ == 0)
				snprintf(res->text, sizeof(res->text), "%s", m->host);
		ares_free_data(mx);
		break;
	}
	case DM_DNS_TXT: {
		struct ares_txt_ext *txt = NULL, *t;
		rc = ares_parse_txt_reply_ext(abuf, alen, &txt);
		if (rc != ARES_SUCCESS)
			break;
		for (t = txt; t != NULL; t = t->next)
			if (t->record_start && res->nrecords++ == 0)
				snprintf(res->text, sizeof(res->text), "%.*s", (int)t->length, (const char *)t->txt);
		ares_free_data(txt);
		break;
	}
	case DM_DNS_PTR: {
		struct hostent *he = NULL;
		rc = ares_parse_ptr_reply(abuf, alen, NULL, 0, AF_INET, &he);
		if (rc != ARES_SUCCESS)
			break;
		if (he != NULL && he->h_name != NULL) {
			snprintf(res->text, sizeof(res->text), "%s", he->h_name);
			res->nrecords = 1;
		}
		if (he != NULL)
			ares_free_hostent(he);
		break;
	}
	}
	if (rc == ARES_SUCCESS)
		return res->nrecords > 0 ? DM_DNS_ANSWER : DM_DNS_NOTFOUND;
	return (rc == ARES_ENODATA || rc == ARES_ENOTFOUND) ? DM_DNS_NOTFOUND : DM_DNS_ERROR;
}

/*
 * netaddr.c - IPv4/IPv6 addresses and CIDR networks, parsed from text.
 *
 * Does: turn address text into struct dm_addr (IPv4-mapped IPv6 becomes
 * plain IPv4), format it back, parse "addr/prefix" networks with the host
 * bits cleared, and test membership.
 * Returns: 0 / -1 from parsers, 1 / 0 from predicates; a failed parse leaves
 * *out zeroed (family 0).
 * Never: does DNS, allocates, keeps state, or reads past the length it is
 * given. Text is copied into a small bounded buffer before inet_pton, so
 * over-long or NUL-carrying input is refused, not truncated.
 */
#include "netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* Longest valid text: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" (45). */
#define ADDR_TEXT_MAX 45
/* Longest CIDR text: an address, '/', three digits. */
#define CIDR_TEXT_MAX (ADDR_TEXT_MAX + 4)

static const unsigned char v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static unsigned family_bits(int family)
{
	return family == AF_INET ? 32u : family == AF_INET6 ? 128u : 0u;
}

int dm_addr_parsen(const char *text, size_t len, struct dm_addr *out)
{
	char buf[ADDR_TEXT_MAX + 1];
	unsigned char raw[16];

	memset(out, 0, sizeof(*out));
	if (text == NULL || len == 0 || len > ADDR_TEXT_MAX)
		return -1;
	if (memchr(text, '\0', len) != NULL)
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';

	if (memchr(buf, ':', len) == NULL) {
		if (inet_pton(AF_INET, buf, raw) != 1)
			return -1;
		out->family = AF_INET;
		memcpy(out->b, raw, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, buf, raw) != 1)
		return -1;
	if (memcmp(raw, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0) {
		out->family = AF_INET;
		memcpy(out->b, raw + 12, 4);
	} else {
		out->family = AF_INET6;
		memcpy(out->b, raw, 16);
	}
	return 0;
}

int dm_addr_parse(const char *text, struct dm_addr *out)
{
	if (text == NULL) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	/* strnlen bounds the scan; one byte past the limit proves "too long". */
	return dm_addr_parsen(text, strnlen(text, ADDR_TEXT_MAX + 1), out);
}

int dm_addr_equal(const struct dm_addr *a, const struct dm_addr *b)
{
	unsigned bits;

	if (a == NULL || b == NULL || a->family != b->family)
		return 0;
	bits = family_bits(a->family);
	if (bits == 0)
		return 0;               /* "no address" never equals anything */
	return memcmp(a->b, b->b, bits / 8) == 0;
}

char *dm_addr_format(const struct dm_addr *a, char *buf, size_t buflen)
{
	if (buf == NULL || buflen == 0)
		return buf;
	buf[0] = '\0';
	if (a == NULL || family_bits(a->family) == 0)
		return buf;
	if (buflen > (size_t)INET6_ADDRSTRLEN)
		buflen = INET6_ADDRSTRLEN;  /* inet_ntop takes a socklen_t */
	if (inet_ntop(a->family, a->b, buf, (socklen_t)buflen) == NULL)
		buf[0] = '\0';
	return buf;
}

/* Decimal prefix: 1-3 digits, no sign, no leading zero except "0" itself. */
static int parse_prefix(const char *s, size_t len, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static void clear_host_bits(struct dm_addr *a, unsigned prefix)
{
	unsigned nbytes = family_bits(a->family) / 8;
	unsigned i;

	for (i = 0; i < nbytes; i++) {
		if (prefix >= 8 * (i + 1))
			continue;
		if (prefix <= 8 * i)
			a->b[i] = 0;
		else
			a->b[i] &= (unsigned char)(0xffu << (8 - (prefix - 8 * i)));
	}
}

int dm_cidr_parse(const char *text, struct dm_cidr *out)
{
	const char *slash;
	size_t len, alen;
	unsigned prefix, bits;
	int mapped;

	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return -1;
	len = strnlen(text, CIDR_TEXT_MAX + 1);
	if (len == 0 || len > CIDR_TEXT_MAX)
		return -1;
	slash = memchr(text, '/', len);
	alen = slash ? (size_t)(slash - text) : len;
	if (dm_addr_parsen(text, alen, &out->addr) != 0)
		return -1;
	bits = family_bits(out->addr.family);
	/* "::ffff:10.0.0.0/104" was written in IPv6 prefix units. */
	mapped = out->addr.family == AF_INET && memchr(text, ':', alen) != NULL;

	if (slash == NULL) {
		prefix = bits;
	} else {
		if (parse_prefix(slash + 1, len - alen - 1, &prefix) != 0)
			goto bad;
		if (mapped) {
			/* A mapped prefix shorter than /96 reaches outside the
			 * mapped space; it cannot be expressed as IPv4. */
			if (prefix < 96 || prefix > 128)
				goto bad;
			prefix -= 96;
		}
		if (prefix > bits)
			goto bad;
	}
	out->prefix = prefix;
	clear_host_bits(&out->addr, prefix);
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return -1;
}

int dm_cidr_match(const struct dm_cidr *net, const struct dm_addr *addr)
{
	unsigned bits, full, rest;

	if (net == NULL || addr == NULL || net->addr.family != addr->family)
		return 0;
	bits = family_bits(addr->family);
	if (bits == 0 || net->prefix > bits)
		return 0;
	full = net->prefix / 8;
	rest = net->prefix % 8;
	if (memcmp(net->addr.b, addr->b, full) != 0)
		return 0;
	if (rest != 0) {
		unsigned char mask = (unsigned char)(0xffu << (8 - rest));

		if ((net->addr.b[full] & mask) != (addr->b[full] & mask))
			return 0;
	}
	return 1;
}

/*
 * netaddr.h - IPv4/IPv6 addresses and CIDR networks, parsed from text.
 *
 * Pure functions: no DNS, no allocation, no global state. IPv4-mapped IPv6
 * addresses (::ffff:a.b.c.d) are normalised to plain IPv4 on parse, so an
 * address compares equal whichever way the MTA spelled it.
 */
#ifndef DOORMAN_NETADDR_H
#define DOORMAN_NETADDR_H

#include <stddef.h>

struct dm_addr {
	int family;              /* AF_INET or AF_INET6; 0 = none */
	unsigned char b[16];     /* network order; IPv4 uses b[0..3] */
};

struct dm_cidr {
	struct dm_addr addr;     /* host bits cleared */
	unsigned prefix;         /* 0..32 or 0..128 */
};

/* Parse a bare address ("192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1").
 * Returns 0 on success, -1 if the text is not exactly one address. */
int dm_addr_parse(const char *text, struct dm_addr *out);

/* Same, but the text is len bytes (need not be NUL-terminated). */
int dm_addr_parsen(const char *text, size_t len, struct dm_addr *out);

/* 1 if equal (same family and bytes), else 0. */
int dm_addr_equal(const struct dm_addr *a, const struct dm_addr *b);

/* Write the canonical text form into buf (at least 46 bytes). Returns buf. */
char *dm_addr_format(const struct dm_addr *a, char *buf, size_t buflen);

/* Parse "addr/prefix" or a bare address (host route). Rejects a prefix longer
 * than the family allows and junk after it. Returns 0 or -1. */
int dm_cidr_parse(const char *text, struct dm_cidr *out);

/* 1 if addr lies inside net, else 0. */
int dm_cidr_match(const struct dm_cidr *net, const struct dm_addr *addr);

#endif

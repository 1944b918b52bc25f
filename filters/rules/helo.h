/*
 * helo.h - classify the name a client gives in HELO/EHLO.
 *
 * helo_classify() is pure: it never does DNS and knows nothing of policy,
 * actions or reply texts. It reports every finding that applies as a bit
 * set; the caller maps findings to actions (filters/checks/verdict.c).
 */
#ifndef DOORMAN_HELO_H
#define DOORMAN_HELO_H

#include <stddef.h>
#include "netaddr.h"

/* Findings, in the order the caller reports them when several apply. */
enum helo_check {
	HELO_INVALID = 0,         /* not a valid hostname nor a well-formed address literal */
	HELO_LOCALHOST,           /* "localhost", "localhost.<anything>", "localhost6" ... */
	HELO_FORGED,              /* one of our own hostnames, or literal/bare IP that is one of our addresses */
	HELO_BARE_IP,             /* an IP address without brackets: "192.0.2.1", "2001:db8::1" */
	HELO_LITERAL_MISMATCH,    /* "[a.b.c.d]" / "[IPv6:...]" that is not the client's address */
	HELO_NON_FQDN,            /* a single label, or a reserved / local / invalid TLD */
	HELO_UNKNOWN,             /* no A/AAAA/MX record: set by the caller after DNS, never by helo_classify */
	HELO_CHECK_COUNT
};

#define HELO_BIT(c) (1u << (c))

/* Who "we" are, for the forged check. Names compare case-insensitively and
 * ignore one trailing dot on either side. */
struct helo_self {
	const char *const *names;
	size_t nnames;
	const struct dm_addr *addrs;
	size_t naddrs;
};

struct helo_result {
	unsigned findings;        /* HELO_BIT() set */
	int want_lookup;          /* 1: a syntactically valid hostname worth an A/AAAA/MX lookup */
	char name[256];           /* the lookup name: lowercased, trailing dot removed ("" if none) */
	char reason[128];         /* short human text for the first finding, e.g. "reserved TLD .local" */
	char reasons[HELO_CHECK_COUNT][96];   /* the same for every finding ("" where none) */
	char part[72];            /* what non_fqdn is about: the TLD with its dot (".local") for a
	                             reserved or invalid TLD, the name for a single label; "" */
};

/* Classify HELO text of len bytes (may contain NUL, CR, LF, 8-bit bytes: all
 * are handled, never trusted). client may be NULL when the client address is
 * unknown (then a literal never mismatches). self may be NULL. Always fills
 * *out; returns out->findings. */
unsigned helo_classify(const char *helo, size_t len, const struct dm_addr *client,
                       const struct helo_self *self, struct helo_result *out);

/* The stable name of a check as used in logs and config keys:
 * "invalid", "localhost", "forged", "bare_ip", "literal_mismatch",
 * "non_fqdn", "unknown". NULL for an out-of-range value. */
const char *helo_check_name(enum helo_check c);

#endif

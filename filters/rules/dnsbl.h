/*
 * dnsbl.h - DNS block/allow lists: zone specs, query names, answers, score.
 *
 * Pure functions: no DNS, no allocation, no global state. The resolver asks
 * the questions; these functions say what to ask and what the answers mean.
 */
#ifndef DOORMAN_DNSBL_H
#define DOORMAN_DNSBL_H

#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

#define DNSBL_NAME_MAX 253       /* longest DNS name, without trailing dot */
#define DNSBL_QNAME_MAX 254      /* buffer for any query name (253 + NUL) */
#define DNSBL_SPEC_MAX 512       /* longest spec accepted, NUL included */
#define DNSBL_WEIGHT_MAX 100     /* |weight| <= this, and never 0 */

/* One [dns] zones entry, postscreen syntax: zone[=filter][*weight]. */
struct dnsbl_zone {
	char name[DNSBL_NAME_MAX + 1];   /* lowercased, no trailing dot */
	int weight;                      /* -100..100, not 0; < 0: allowlist */
	int has_filter;                  /* 0: any 127.0.0.0/8 answer counts */
	uint8_t allow[4][32];            /* bit v of allow[k] set: octet k may be v;
	                                    without a filter: 127.*.*.* */
	char spec[DNSBL_SPEC_MAX];       /* canonical spec, as dnsbl_zone_format */
};

/* Parse one spec, e.g. "zen.spamhaus.org=127.0.0.[2..11]*3",
 * "list.dnswl.org=127.0.[0..255].[1;2;3]*-2", "bl.spamcop.net". Blanks
 * around it are ignored. A filter octet is a number 0..255 or "[items]" with
 * ';'-separated numbers and lo..hi ranges. A filter that cannot match
 * (first octet not 127, or only error-code answers) is an error.
 * Returns 0, or -1 with a message naming the problem and its column in err
 * (the caller adds file:line); *out is zeroed on error. */
int dnsbl_zone_parse(const char *spec, struct dnsbl_zone *out, char *err, size_t errlen);

/* Canonical spec of z into out: name, "=filter" if any (single values bare,
 * "[a;b]" for two neighbours, "[lo..hi]" for longer runs), "*weight" unless
 * 1. It parses back to the same zone and is never longer than the spec it
 * was parsed from. Returns 0, or -1 if it does not fit (out is then ""). */
int dnsbl_zone_format(const struct dnsbl_zone *z, char *out, size_t outlen);

/* "2.0.0.127.zone" for IPv4 (IPv4-mapped IPv6 included), 32 reversed
 * lowercase nibbles + ".zone" for IPv6. Returns 0, or -1 (out is "") when the
 * family is unknown, zone is empty, the name exceeds 253 bytes or outlen. */
int dnsbl_query_name(const struct dm_addr *client, const char *zone, char *out, size_t outlen);

/* The PTR question for client: "...in-addr.arpa" or "...ip6.arpa". Same
 * returns as dnsbl_query_name. */
int dnsbl_reverse_name(const struct dm_addr *client, char *out, size_t outlen);

enum dnsbl_verdict {
	DNSBL_NOT_LISTED = 0,   /* NXDOMAIN/NODATA, or no answer in the filter */
	DNSBL_LISTED,           /* an answer matched the filter */
	DNSBL_ERROR_CODE,       /* 127.255.255.252..255 or 127.0.1.255: refused */
	DNSBL_BAD_ANSWER,       /* outside 127.0.0.0/8, or IPv6: broken zone */
	DNSBL_NO_ANSWER         /* never from dnsbl_classify: the caller's mark
	                           for a timeout or DNS error (adds nothing) */
};

/* Classify the A records a zone returned (answers may be NULL if n is 0).
 * An error code wins over a bad answer, and both over any match. z NULL: no
 * filter. which (may be NULL) gets the deciding answer: the error code, the
 * bad answer, the first match, or for NOT_LISTED the first answer (family 0
 * if none). */
enum dnsbl_verdict dnsbl_classify(const struct dnsbl_zone *z, const struct dm_addr *answers,
                                  size_t n, struct dm_addr *which);

/* Stable log names: "not_listed", "listed", "error_code", "bad_answer",
 * "no_answer"; "?" for anything else. */
const char *dnsbl_verdict_name(enum dnsbl_verdict v);

/* Sum of the weights of the zones whose verdict is DNSBL_LISTED. */
int dnsbl_score(const struct dnsbl_zone *zones, const enum dnsbl_verdict *v, size_t n);

/* Self-test (RFC 5782 section 5): every list, block or allow, lists
 * 127.0.0.2 and never 127.0.0.1. One probe per test address. */
#define DNSBL_TEST_LISTED "127.0.0.2"
#define DNSBL_TEST_UNLISTED "127.0.0.1"
/* The same for domain lists: the name "test" is listed, "invalid" never. */
#define DNSBL_TEST_LISTED_NAME "test"
#define DNSBL_TEST_UNLISTED_NAME "invalid"

struct dnsbl_probe {
	int answered;                    /* 0: timeout or DNS error; 1: records
	                                    or NXDOMAIN/NODATA (n = 0) */
	const struct dm_addr *answers;   /* the A records, NULL if n == 0 */
	size_t n;
};

enum dnsbl_health { DNSBL_HEALTHY = 0, DNSBL_SUSPENDED, DNSBL_UNTESTED };

/* Judge a zone by its answers for 127.0.0.2 (test_listed) and 127.0.0.1
 * (test_unlisted). The zone's filter is deliberately not applied: health is
 * about the zone's data (an allowlist's test entry may answer outside the
 * filter). Only an answer is evidence: DNSBL_SUSPENDED for the first of an
 * error code, an answer outside 127/8, a listing of 127.0.0.1, no listing
 * of 127.0.0.2; else DNSBL_UNTESTED when a query got no answer (timeout,
 * SERVFAIL, refused: the zone stays in use, nothing is known against it);
 * else DNSBL_HEALTHY. reason gets "" or a short text such as "lists
 * 127.0.0.1 (answers everything?)" or "does not answer". A NULL probe
 * counts as not answered. */
enum dnsbl_health dnsbl_selftest_judge(const struct dnsbl_probe *test_listed,
                                       const struct dnsbl_probe *test_unlisted,
                                       char *reason, size_t reasonlen);

/* Seconds to wait before testing again the zones that could not be tested,
 * after the round-th round in a row that left one so (1, 2, ...): 2, 4, 8
 * ... doubling, never more than interval (the self-test's period). */
unsigned dnsbl_selftest_backoff(unsigned round, unsigned interval);

#endif

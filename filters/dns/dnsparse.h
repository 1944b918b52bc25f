/*
 * dnsparse.h - read a DNS reply (the bytes c-ares hands over) into a
 * dm_dns_result: the records of the type asked, the TTLs.
 *
 * Pure: no I/O, no state, no logging; hostile replies give an error
 * outcome, never a crash or an overread. Used by resolver.c only (and the
 * fuzzer).
 */
#ifndef DOORMAN_DNSPARSE_H
#define DOORMAN_DNSPARSE_H

#include "resolver.h"

/* A successful reply (rcode NOERROR) to a query of out->type: fills
 * out->addrs/naddrs (A/AAAA: the first DM_DNS_MAX_ADDRS), out->nrecords
 * (all records of the type), out->text (TXT: first string; PTR: the name;
 * MX: the first exchange) and out->ttl. When want is not NULL (A/AAAA),
 * out->matched says whether want is among ALL the records, however many.
 * Returns DM_DNS_ANSWER, DM_DNS_NOTFOUND (no record of the type) or
 * DM_DNS_ERROR (malformed). */
enum dm_dns_status dm_dns_parse_answer(const unsigned char *abuf, int alen, const struct dm_addr *want,
                                       struct dm_dns_result *out);

/* Smallest TTL of the answer section's records (0 if none or malformed). */
unsigned dm_dns_answer_ttl(const unsigned char *m, int len);

/* NXDOMAIN/NODATA: how long to remember it (RFC 2308: the smaller of the
 * SOA record's TTL and its MINIMUM). 0 if there is no SOA. */
unsigned dm_dns_negative_ttl(const unsigned char *m, int len);

#endif

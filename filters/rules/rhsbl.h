/*
 * rhsbl.h - domain lists (RHSBL, e.g. Spamhaus DBL): which names are
 * asked about, how the question is formed, and the per-session state.
 *
 * A [dns] rhsbl_helo / rhsbl_client / rhsbl_sender list uses the zone spec
 * syntax of [dns] zones (filters/rules/dnsbl.c); answers are judged by
 * dnsbl_classify as for address lists (127.0.1.255 and
 * 127.255.255.252..255 are error codes, answers outside 127/8 never
 * count). Nothing here logs.
 */
#ifndef DOORMAN_RHSBL_H
#define DOORMAN_RHSBL_H

#include <stddef.h>

#include "dnsbl.h"

/* What a domain list is asked about (Postfix's reject_rhsbl_helo,
 * reject_rhsbl_client, reject_rhsbl_sender). */
enum dm_rhsbl_target {
	DM_RHSBL_HELO = 0,      /* the HELO name (not an address literal) */
	DM_RHSBL_CLIENT,        /* the client's forward-confirmed reverse name */
	DM_RHSBL_SENDER,        /* the MAIL FROM domain (never for <>) */
	DM_RHSBL_TARGETS
};

#define DM_RHSBL_ZONES_MAX 8    /* zones per target */

/* "helo", "client", "sender". */
const char *dm_rhsbl_target_name(enum dm_rhsbl_target t);

/* "name.zone", as Postfix asks it: name lowercased, one trailing dot
 * dropped. Returns 0, or -1 (out is "") when name is empty, an address
 * literal or a bare IP address, has an empty label, a blank, control or
 * 8-bit byte, or the result exceeds 253 bytes or outlen. */
int dm_rhsbl_query_name(const char *name, const char *zone, char *out, size_t outlen);

/* One target's lookups in one session. */
struct dm_rhsbl_ask {
	char name[256];                    /* asked about; "" none */
	int q[DM_RHSBL_ZONES_MAX];         /* query per zone, -1 none */
	int settled;
	int score;                         /* sum of the weights of the listing zones */
	char zones[120];                   /* listing zones, ", "-separated ("%z") */
	char log[200];                     /* "dbl.example(sender:1),x.example:error_code(127.0.1.255)" */
};

#endif

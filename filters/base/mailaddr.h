/*
 * mailaddr.h - envelope addresses (MAIL FROM, RCPT TO) as doorman keys its
 * policies on them: the local part and a normalized domain.
 *
 * Two inputs: the MTA's own parse ({rcpt_addr}, {mail_addr}: Postfix gives
 * the internal form, the local part unquoted, the domain after the last
 * '@') and, where the MTA gives none, the raw RFC 5321 path from the
 * command ("<@route:\"a b\"@Example.COM.>"). The whole argument is parsed:
 * nothing is cut before the domain is found, whatever the length of the
 * local part.
 *
 * The domain is normalized once, here: ASCII lowercase, one trailing dot
 * dropped, a UTF-8 (SMTPUTF8) domain turned into its A-label (libidn2,
 * UTS #46 non-transitional), then checked by hostname.c. So
 * "Bücher.Example." and "xn--bcher-kva.example" are the same domain.
 *
 * Pure: no libmilter, no logging, no allocation kept.
 */
#ifndef DOORMAN_MAILADDR_H
#define DOORMAN_MAILADDR_H

#include <stddef.h>

#include "hostname.h"

#define DM_LOCAL_MAX 256        /* local part kept (a longer one is cut, flagged) */

enum dm_mailaddr_status {
	DM_MA_OK = 0,           /* local@domain, domain normalized */
	DM_MA_NULL,             /* "<>": the null sender */
	DM_MA_NO_DOMAIN,        /* "<postmaster>": a local part alone */
	DM_MA_LITERAL,          /* local@[address literal]: domain holds "[...]" as given */
	DM_MA_BAD               /* not an address doorman can read */
};

struct dm_mailaddr {
	char local[DM_LOCAL_MAX + 1];      /* unquoted, escapes undone; may hold any byte but NUL */
	int local_cut;                     /* the local part was longer than DM_LOCAL_MAX */
	char domain[DM_HOSTNAME_MAX + 1];  /* normalized (see above); "" without one */
	const char *why;                   /* DM_MA_BAD: what is wrong, for logs */
};

/* A raw SMTP path s[0..len) as the client sent it: optional angle
 * brackets, an optional source route (ignored, as RFC 5321 says), a
 * Dot-string or Quoted-string local part, '@', a domain or an address
 * literal. Blanks around it are tolerated. */
enum dm_mailaddr_status dm_mailaddr_parse(const char *s, size_t len, struct dm_mailaddr *out);

/* The MTA's internal form s[0..len) ({rcpt_addr}): the local part is
 * everything before the last '@' (it may hold '@', '>' or blanks, already
 * unquoted), the domain everything after. */
enum dm_mailaddr_status dm_mailaddr_parse_internal(const char *s, size_t len, struct dm_mailaddr *out);

/* Normalize a domain s[0..len) into out (size outlen, at least
 * DM_HOSTNAME_MAX + 1). Returns 0, or -1 with a reason in *why when it is
 * no host name (an address literal is not handled here). */
int dm_domain_normalize(const char *s, size_t len, char *out, size_t outlen, const char **why);

/* "local@domain" (or "local", or "" for the null sender and a bad
 * address) into out, for exempt matching and spamd's %r. Bounded by
 * cutting the local part, never the domain ("" when even the domain does
 * not fit). */
void dm_mailaddr_format(const struct dm_mailaddr *a, enum dm_mailaddr_status st, char *out, size_t outlen);

#endif

/*
 * envelope.h - the SMTP envelope as doorman shows it to spamd: the sender
 * and recipient addresses written into X-Envelope-From, X-Envelope-To and
 * the synthesized Received header, and what is done to the client's own
 * envelope-looking headers on their way to spamd.
 *
 * Pure functions on caller buffers. Nothing here logs, allocates or decides
 * whether to scan. Every address that came from outside is cleaned and
 * bounded here: no CR, LF, NUL or other control, no 8-bit byte, nothing
 * that ends an address or a comment ('<' '>' '(' ')').
 */
#ifndef DOORMAN_ENVELOPE_H
#define DOORMAN_ENVELOPE_H

#include <stddef.h>

#define ENV_ADDR_MAX   256      /* RFC 5321 4.5.3.1.3: a path is at most 256 octets */
#define ENV_TO_SIZE    2048     /* X-Envelope-To value: as many recipients as fit */

/* An envelope address as the MTA gave it ("<a@b>", "a@b", "<>" or "")
 * into out: the address without its angle brackets, cleaned (controls,
 * DEL, 8-bit bytes, '<' '>' '(' ')' become '?'; blanks, possible inside a
 * quoted local part, stay). "" is the null sender. Returns 0, or -1 (out =
 * "") when it is longer than ENV_ADDR_MAX: a cut address would be another
 * address, so the caller leaves it out. out needs ENV_ADDR_MAX + 1 bytes. */
int env_address(char *out, size_t outlen, const char *raw);

/* The accepted recipients, for X-Envelope-To: "<a@b>,\n\t<c@d>", one per
 * line, as many as fit in ENV_TO_SIZE; the others are counted in dropped
 * (as is an address env_address refuses). Start from a zeroed struct. */
struct env_rcpts {
	char list[ENV_TO_SIZE];
	unsigned n, dropped;
};

/* Add one accepted recipient (raw as for env_address). Returns 0, or -1
 * when it was dropped. */
int env_rcpts_add(struct env_rcpts *r, const char *raw);

/* What goes to spamd of a header the client sent. */
enum env_client_hdr {
	ENV_HDR_PASS,     /* as it is */
	ENV_HDR_DROP,     /* not at all: X-Envelope-From, X-Envelope-To, Envelope-Sender
	                     (SpamAssassin takes the first for ours, and distrusts the
	                     envelope once a copy follows a Received header) */
	ENV_HDR_DEFUSE,   /* a Received header: through env_defuse_received first */
};

enum env_client_hdr env_client_header(const char *name);

/* In place, in a client's Received value: the envelope markers
 * SpamAssassin reads a relay's envelope sender from ("envelope-from",
 * "envelope-sender", "return-path", any case) lose their hyphen
 * ("envelope_from"), so that no relay the client wrote can stand for the
 * envelope sender when SpamAssassin trusts doorman's hop (authenticated,
 * or in its trusted_networks) and looks further down. Same length; returns
 * how many markers were changed. */
size_t env_defuse_received(char *value);

#endif

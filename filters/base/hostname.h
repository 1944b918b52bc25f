/*
 * hostname.h - the one syntax check for host names: HELO names, DNS list
 * zones, our own hostnames and policy file domains all go through it.
 *
 * The rules follow Postfix's valid_hostname(): letters, digits, '-', '.'
 * and '_' (tolerated, as Postfix does); labels of 1 to 63 characters that
 * neither begin nor end with '-'; at most 255 characters; one trailing dot
 * accepted; the last label not all digits (that is an address).
 */
#ifndef DOORMAN_HOSTNAME_H
#define DOORMAN_HOSTNAME_H

#include <stddef.h>

#define DM_HOSTNAME_MAX 255
#define DM_LABEL_MAX 63

enum dm_hostname_error {
	DM_HN_OK = 0,
	DM_HN_EMPTY,            /* no characters (a lone dot is an empty label) */
	DM_HN_TOO_LONG,         /* over DM_HOSTNAME_MAX */
	DM_HN_NUL,              /* a NUL byte */
	DM_HN_CONTROL,          /* another control character or DEL */
	DM_HN_8BIT,             /* a byte >= 0x80 */
	DM_HN_CHAR,             /* another character that a host name cannot have */
	DM_HN_EMPTY_LABEL,      /* "a..b", ".a" */
	DM_HN_LONG_LABEL,       /* a label over DM_LABEL_MAX */
	DM_HN_HYPHEN,           /* a label that begins or ends with '-' */
	DM_HN_NUMERIC_TLD       /* the last label is all digits */
};

/* Where a valid name's parts are. */
struct dm_hostname {
	size_t len;             /* without the trailing dot */
	size_t tld;             /* offset of the last label */
	size_t nlabels;
};

/* Check s[0..len) (it need not be NUL-terminated; it may hold any bytes).
 * Returns DM_HN_OK and fills *h (may be NULL), or the first problem, with
 * its offset in *at (may be NULL): the bad byte, or the start of the bad
 * label (for an empty label, where it would have been). */
enum dm_hostname_error dm_hostname_check(const char *s, size_t len, struct dm_hostname *h, size_t *at);

/* Short text for a problem: "empty label", "label begins or ends with a
 * hyphen", "numeric TLD" ... ("" for DM_HN_OK). */
const char *dm_hostname_reason(enum dm_hostname_error e);

#endif

/*
 * hostport.h - the one parser for a numeric server address with an
 * optional port, used by [dns] servers and [spamd] servers.
 *
 *   192.0.2.1          the default port
 *   192.0.2.1:53
 *   [2001:db8::1]:53   an IPv6 address with a port needs brackets
 *   [2001:db8::1]      the default port
 *   2001:db8::1        without brackets the whole text is the address
 *
 * Addresses only: a host name would need a DNS lookup that could not keep
 * the caller's deadline.
 */
#ifndef DOORMAN_HOSTPORT_H
#define DOORMAN_HOSTPORT_H

#include <stddef.h>

#include "netaddr.h"

enum dm_hostport_error {
	DM_HP_OK = 0,
	DM_HP_EMPTY,            /* no address ("", "[]", ":53"), or an overlong one */
	DM_HP_BRACKET,          /* '[' without ']' */
	DM_HP_JUNK,             /* something after ']' other than ":port" */
	DM_HP_NOT_IP,           /* the address part is not a numeric address */
	DM_HP_PORT              /* the port is not a number from 1 to 65535 */
};

struct dm_hostport {
	struct dm_addr addr;
	unsigned port;
	size_t host_off, host_len;   /* the address part of the text, for messages */
};

/* Parse s (NUL-terminated, no blanks); dflt is the port when none is given.
 * On DM_HP_NOT_IP, host_off/host_len say which part was taken for the
 * address. */
enum dm_hostport_error dm_hostport_parse(const char *s, unsigned dflt, struct dm_hostport *out);

#endif

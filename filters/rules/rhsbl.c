/*
 * rhsbl.c - domain lists: the question asked for a name.
 *
 * Does: names the targets; forms "name.zone" as Postfix asks it.
 * Never: logs, looks anything up, or asks about an address.
 * (The lookups on the connect stage: filters/checks/rhsbl_stage.c.)
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "netaddr.h"
#include "rhsbl.h"

const char *dm_rhsbl_target_name(enum dm_rhsbl_target t)
{
	static const char *const names[DM_RHSBL_TARGETS] = { "helo", "client", "sender" };

	return (unsigned)t < DM_RHSBL_TARGETS ? names[t] : "?";
}

int dm_rhsbl_query_name(const char *name, const char *zone, char *out, size_t outlen)
{
	struct dm_addr ip;
	size_t n = strlen(name), z = strlen(zone), i;

	if (outlen > 0)
		out[0] = '\0';
	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || z == 0 || name[0] == '[' || n + 1 + z > DNSBL_NAME_MAX || n + 1 + z + 1 > outlen)
		return -1;
	if (n < 64) {
		char tmp[64];
		memcpy(tmp, name, n);
		tmp[n] = '\0';
		if (dm_addr_parse(tmp, &ip) == 0)
			return -1;        /* an address is no domain */
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];
		/* only names a server can be asked: printable, no empty label */
		if (ch <= ' ' || ch >= 0x7f || (ch == '.' && (i == 0 || name[i - 1] == '.' || i + 1 == n))) {
			out[0] = '\0';
			return -1;
		}
		out[i] = (char)tolower(ch);
	}
	out[n] = '.';
	memcpy(out + n + 1, zone, z + 1);
	return 0;
}

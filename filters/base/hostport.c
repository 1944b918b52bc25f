/*
 * hostport.c - "address[:port]" for server lists (see hostport.h).
 *
 * Never: resolves a name, accepts a sign, blanks or more than five port
 * digits.
 */
#include <string.h>

#include "hostport.h"

static int parse_port(const char *s, unsigned *port)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 5)
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (i == 0 || v == 0 || v > 65535)
		return -1;
	*port = v;
	return 0;
}

enum dm_hostport_error dm_hostport_parse(const char *s, unsigned dflt, struct dm_hostport *out)
{
	const char *port = NULL, *colon;
	char host[64];

	memset(out, 0, sizeof(*out));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL)
			return DM_HP_BRACKET;
		out->host_off = 1;
		out->host_len = (size_t)(close - s - 1);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0')
			return DM_HP_JUNK;
	} else {
		colon = strchr(s, ':');
		out->host_len = strlen(s);
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			out->host_len = (size_t)(colon - s);      /* one colon: address:port */
			port = colon + 1;
		}
	}
	if (out->host_len == 0 || out->host_len >= sizeof(host))
		return DM_HP_EMPTY;
	memcpy(host, s + out->host_off, out->host_len);
	host[out->host_len] = '\0';
	if (dm_addr_parse(host, &out->addr) < 0)
		return DM_HP_NOT_IP;
	out->port = dflt;
	if (port != NULL && parse_port(port, &out->port) < 0)
		return DM_HP_PORT;
	return DM_HP_OK;
}

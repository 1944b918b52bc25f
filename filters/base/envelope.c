/*
 * envelope.c - the SMTP envelope for spamd: cleaned addresses for
 * X-Envelope-From and X-Envelope-To, the bounded recipient list, and the
 * client's own envelope-looking headers kept from standing for ours.
 *
 * SpamAssassin 4.0 (PerMsgStatus get_envelope_from) takes the envelope
 * sender from the last untrusted relay's "envelope-from", else from the
 * first trusted one, else from X-Envelope-From if no copy of it follows a
 * Received header. doorman's own Received comes first; when SpamAssassin
 * trusts it (an authenticated client, or one in its trusted_networks) it
 * looks at the relays below it, which the client wrote. So the client's
 * copies are dropped or defused on the way to spamd (never in the mail).
 */
#include <string.h>
#include <strings.h>

#include "envelope.h"

int env_address(char *out, size_t outlen, const char *raw)
{
	size_t len, i;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (raw == NULL)
		raw = "";
	len = strlen(raw);
	if (len >= 2 && raw[0] == '<' && raw[len - 1] == '>') {
		raw++;
		len -= 2;
	}
	if (len > ENV_ADDR_MAX || len >= outlen)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)raw[i];

		out[i] = c < 0x20 || c >= 0x7f || strchr("<>()", c) ? '?' : (char)c;
	}
	out[len] = '\0';
	return 0;
}

int env_rcpts_add(struct env_rcpts *r, const char *raw)
{
	char addr[ENV_ADDR_MAX + 1];
	size_t used = strlen(r->list), need;

	if (env_address(addr, sizeof(addr), raw) < 0 || addr[0] == '\0') {
		r->dropped++;
		return -1;
	}
	need = (r->n ? 3 : 0) + strlen(addr) + 2;
	if (used + need >= sizeof(r->list)) {
		r->dropped++;
		return -1;
	}
	memcpy(r->list + used, r->n ? ",\n\t<" : "<", r->n ? 4 : 1);
	used += r->n ? 4 : 1;
	memcpy(r->list + used, addr, strlen(addr));
	used += strlen(addr);
	memcpy(r->list + used, ">", 2);
	r->n++;
	return 0;
}

enum env_client_hdr env_client_header(const char *name)
{
	static const char *const drop[] = { "X-Envelope-From", "X-Envelope-To", "Envelope-Sender" };
	size_t i;

	if (name == NULL)
		return ENV_HDR_PASS;
	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		if (strcasecmp(name, drop[i]) == 0)
			return ENV_HDR_DROP;
	return strcasecmp(name, "Received") == 0 ? ENV_HDR_DEFUSE : ENV_HDR_PASS;
}

size_t env_defuse_received(char *value)
{
	/* SpamAssassin's pattern: (?:return-path:? |envelope-(?:sender|from)[ =]) */
	static const char *const markers[] = { "envelope-from", "envelope-sender", "return-path" };
	size_t n = 0, i, k;

	if (value == NULL)
		return 0;
	for (i = 0; value[i] != '\0'; i++)
		for (k = 0; k < sizeof(markers) / sizeof(markers[0]); k++)
			if (strncasecmp(value + i, markers[k], strlen(markers[k])) == 0) {
				value[i + strcspn(markers[k], "-")] = '_';
				n++;
				break;
			}
	return n;
}

/*
 * reply.c - SMTP reply templates: parse and validate them, expand their
 * %-variables, escape the result for libmilter.
 *
 * Does: a template is "CODE X.Y.Z text"; the code's class must match the
 * enhanced code's; the text is printable ASCII with known %-escapes.
 * Expansion bounds and cleans every value it puts in.
 * Never: logs, allocates, or lets a value add a line break or a '%' that
 * libmilter would take for a format.
 */
#include <stdio.h>
#include <string.h>

#include "reply.h"
#include "text.h"

#define VAR_MAX 100          /* bound of each value put into a reply */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "C.SSS.DDD" with C the class, 1-3 digits per subject/detail. */
static size_t xcode_len(const char *s)
{
	size_t i = 0, part, digits;

	if (!is_digit(s[0]) || s[1] != '.')
		return 0;
	i = 2;
	for (part = 0; part < 2; part++) {
		for (digits = 0; is_digit(s[i]); digits++)
			i++;
		if (digits == 0 || digits > 3)
			return 0;
		if (part == 0) {
			if (s[i] != '.')
				return 0;
			i++;
		}
	}
	return i;
}

int dm_reply_parse(const char *s, struct dm_reply *out, char *err, size_t errlen)
{
	size_t xl, i;
	const char *text;

	memset(out, 0, sizeof(*out));
	while (*s == ' ' || *s == '\t')
		s++;
	if (!((s[0] == '4' || s[0] == '5') && is_digit(s[1]) && is_digit(s[2]) && s[3] == ' ')) {
		snprintf(err, errlen, "reply must start with a 4xx or 5xx code and a space");
		return -1;
	}
	memcpy(out->code, s, 3);
	s += 4;
	while (*s == ' ')
		s++;
	xl = xcode_len(s);
	if (xl == 0 || xl >= sizeof(out->xcode) || (s[xl] != ' ' && s[xl] != '\0')) {
		snprintf(err, errlen, "reply needs an enhanced status code after %s (like %c.7.1)",
		         out->code, out->code[0]);
		return -1;
	}
	if (s[0] != out->code[0]) {
		snprintf(err, errlen, "enhanced code %.*s does not match reply code %s",
		         (int)xl, s, out->code);
		return -1;
	}
	memcpy(out->xcode, s, xl);
	text = s + xl;
	while (*text == ' ')
		text++;
	if (*text == '\0') {
		snprintf(err, errlen, "reply has no text after %s %s", out->code, out->xcode);
		return -1;
	}
	if (strlen(text) >= sizeof(out->text)) {
		snprintf(err, errlen, "reply text longer than %zu characters", sizeof(out->text) - 1);
		return -1;
	}
	for (i = 0; text[i]; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20 || c >= 0x7f) {
			snprintf(err, errlen, "reply text has a non-printable character at column %zu", i + 1);
			return -1;
		}
		if (c == '%') {
			char e = text[i + 1];
			if (e == '\0' || strchr("hcruztsofd%", e) == NULL) {
				snprintf(err, errlen, "unknown escape %%%c in reply (known: %%h %%c %%r %%o %%u %%z %%t %%s %%%%)",
				         e ? e : ' ');
				return -1;
			}
			i++;
		}
	}
	strcpy(out->text, text);
	return 0;
}

static const char *var_for(const struct dm_reply_vars *v, char e)
{
	switch (e) {
	case 'h': return v->helo;
	case 'c': return v->client;
	case 'r': return v->reason;
	case 'u': return v->url;
	case 'z': return v->zone;
	case 't': return v->txt;
	case 's': return v->score;
	case 'o': return v->part;
	case 'f': return v->sender;
	case 'd': return v->domain;
	default:  return NULL;
	}
}

size_t dm_reply_expand(const struct dm_reply *tmpl, const struct dm_reply_vars *v,
                       char *out, size_t outlen)
{
	size_t o = 0;
	const char *p;

	if (outlen == 0)
		return 0;
	for (p = tmpl->text; *p && o + 1 < outlen; p++) {
		if (*p == '%' && p[1] != '\0') {
			char val[VAR_MAX + 1];
			size_t vl;

			p++;
			if (*p == '%') {
				out[o++] = '%';
				continue;
			}
			dm_cleans(val, sizeof(val), var_for(v, *p), VAR_MAX);
			vl = strlen(val);
			if (vl > outlen - 1 - o)
				vl = outlen - 1 - o;
			memcpy(out + o, val, vl);
			o += vl;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
	return o;
}

int dm_percent_escape(const char *s, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *s; s++) {
		size_t need = (*s == '%') ? 2 : 1;
		if (o + need >= outlen)
			return -1;
		out[o++] = *s;
		if (*s == '%')
			out[o++] = '%';
	}
	if (outlen == 0)
		return -1;
	out[o] = '\0';
	return 0;
}

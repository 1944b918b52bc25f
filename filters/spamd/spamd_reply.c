/*
 * spamd_reply.c - parse one whole spamd reply; build a spamc request head.
 *
 * Returns a verdict only for the exact shape spamd 4 sends:
 *   SPAMD/1.x 0 EX_OK CRLF, headers (one "Spam: True|False|Yes|No ; S / T",
 *   optional "Content-length: N" that must equal the body), empty line, body
 *   (CHECK: none, SYMBOLS: NAME,NAME,..., REPORT: text).
 * A status line with code 64..78 is a spamd error; every other byte sequence
 * is malformed, with the reason in out->error. Never reads past len, never
 * trusts a length from the wire, never uses the locale (scores are parsed by
 * hand), never logs.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "spamd_reply.h"
#include "text.h"

#define CODE_MIN 64     /* EX_USAGE */
#define CODE_MAX 78     /* EX_CONFIG */

static const char *const code_names[] = {
	"EX_USAGE", "EX_DATAERR", "EX_NOINPUT", "EX_NOUSER", "EX_NOHOST",
	"EX_UNAVAILABLE", "EX_SOFTWARE", "EX_OSERR", "EX_OSFILE", "EX_CANTCREAT",
	"EX_IOERR", "EX_TEMPFAIL", "EX_PROTOCOL", "EX_NOPERM", "EX_CONFIG",
};

const char *spamd_code_name(int code)
{
	if (code == 0)
		return "EX_OK";
	if (code >= CODE_MIN && code <= CODE_MAX)
		return code_names[code - CODE_MIN];
	return "EX_UNKNOWN";
}

const char *spamd_cmd_name(enum spamd_cmd cmd)
{
	switch (cmd) {
	case SPAMD_CMD_CHECK:   return "CHECK";
	case SPAMD_CMD_SYMBOLS: return "SYMBOLS";
	case SPAMD_CMD_REPORT:  return "REPORT";
	}
	return "?";
}

size_t spamd_request_head(char *out, size_t outlen, enum spamd_cmd cmd, const char *user)
{
	const char *name = spamd_cmd_name(cmd);
	size_t n = 0, i, ulen;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	if (strcmp(name, "?") == 0)
		return 0;
	ulen = user ? strnlen(user, SPAMD_USER_MAX) : 0;
	/* "NAME SPAMC/1.5\r\n" + "User: " + user + "\r\n" + "\r\n" + NUL */
	if (strlen(name) + 12 + (ulen ? 8 + ulen : 0) + 2 + 1 > outlen)
		return 0;
	n = (size_t)snprintf(out, outlen, "%s SPAMC/1.5\r\n", name);
	if (ulen) {
		memcpy(out + n, "User: ", 6);
		n += 6;
		for (i = 0; i < ulen; i++) {
			unsigned char c = (unsigned char)user[i];
			/* spamd refuses controls in User; a blank would end the name */
			out[n++] = (c <= 0x20 || c >= 0x7f) ? '_' : (char)c;
		}
		out[n++] = '\r';
		out[n++] = '\n';
	}
	out[n++] = '\r';
	out[n++] = '\n';
	out[n] = '\0';
	return n;
}

/* ------------------------------------------------------------------ parser */

static enum spamd_status fail(struct spamd_result *out, const char *what, size_t lineno)
{
	/* never leave half a verdict behind */
	out->status = SPAMD_MALFORMED;
	out->is_spam = 0;
	out->score = out->threshold = 0;
	out->symbols[0] = out->report[0] = '\0';
	out->nsymbols = 0;
	out->symbols_truncated = out->report_truncated = 0;
	if (lineno)
		snprintf(out->error, sizeof(out->error), "malformed spamd reply: line %zu: %s",
		         lineno, what);
	else
		snprintf(out->error, sizeof(out->error), "malformed spamd reply: %s", what);
	return out->status;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Unsigned decimal of 1..maxdig digits at *p (no sign, no leading zero
 * unless the number is 0). Advances *p. Returns 0 or -1. */
static int parse_uint(const char **p, const char *end, int maxdig, unsigned long *v)
{
	const char *s = *p;
	int nd = 0;

	*v = 0;
	while (s < end && is_digit(*s)) {
		if (++nd > maxdig)
			return -1;
		*v = *v * 10 + (unsigned long)(*s - '0');
		s++;
	}
	if (nd == 0 || (nd > 1 && **p == '0'))
		return -1;
	*p = s;
	return 0;
}

/* A score as spamd prints it: -?DIGITS(.DIGITS)?, at most 6 digits on each
 * side, |x| <= SPAMD_SCORE_MAX. No exponent, hex, nan, inf or '+'. Parsed by
 * hand so LC_NUMERIC never matters. Advances *p. Returns 0 or -1. */
static int parse_score(const char **p, const char *end, double *v)
{
	const char *s = *p;
	double x = 0, scale = 1;
	int neg = 0, nd = 0;

	if (s < end && *s == '-') {
		neg = 1;
		s++;
	}
	while (s < end && is_digit(*s)) {
		if (++nd > 6)
			return -1;
		x = x * 10 + (*s++ - '0');
	}
	if (nd == 0)
		return -1;
	if (s < end && *s == '.') {
		s++;
		nd = 0;
		while (s < end && is_digit(*s)) {
			if (++nd > 6)
				return -1;
			scale /= 10;
			x += (*s++ - '0') * scale;
		}
		if (nd == 0)
			return -1;
	}
	if (x > SPAMD_SCORE_MAX)
		return -1;
	*v = neg && x != 0 ? -x : x;
	*p = s;
	return 0;
}

static void skip_blanks(const char **p, const char *end)
{
	while (*p < end && is_blank(**p))
		(*p)++;
}

/* Value of "Spam:": "True ; 15.2 / 5.0". Returns 0 or -1. */
static int parse_spam_value(const char *s, const char *end, struct spamd_result *out)
{
	static const struct { const char *w; int spam; } words[] = {
		{ "True", 1 }, { "Yes", 1 }, { "False", 0 }, { "No", 0 },
	};
	const char *w = s;
	size_t i, wl;

	skip_blanks(&s, end);
	w = s;
	while (s < end && !is_blank(*s) && *s != ';')
		s++;
	wl = (size_t)(s - w);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (wl == strlen(words[i].w) && strncasecmp(w, words[i].w, wl) == 0)
			break;
	if (i == sizeof(words) / sizeof(words[0]))
		return -1;
	out->is_spam = words[i].spam;
	skip_blanks(&s, end);
	if (s == end || *s++ != ';')
		return -1;
	skip_blanks(&s, end);
	if (parse_score(&s, end, &out->score) < 0)
		return -1;
	skip_blanks(&s, end);
	if (s == end || *s++ != '/')
		return -1;
	skip_blanks(&s, end);
	if (parse_score(&s, end, &out->threshold) < 0)
		return -1;
	skip_blanks(&s, end);
	return s == end ? 0 : -1;
}

/* "SPAMD/1.1 0 EX_OK". Returns 0, or -1 with the reason in *why. */
static int parse_status(const char *s, const char *end, struct spamd_result *out,
                        const char **why)
{
	unsigned long major, minor, code;

	*why = "no SPAMD/ status line";
	if ((size_t)(end - s) < 6 || memcmp(s, "SPAMD/", 6) != 0)
		return -1;
	s += 6;
	*why = "bad protocol version";
	if (parse_uint(&s, end, 3, &major) < 0 || s == end || *s++ != '.' ||
	    parse_uint(&s, end, 3, &minor) < 0)
		return -1;
	out->major = (int)major;
	out->minor = (int)minor;
	if (major != 1) {
		*why = "unsupported protocol version";
		return -1;
	}
	*why = "bad status code";
	if (s == end || !is_blank(*s))
		return -1;
	skip_blanks(&s, end);
	if (parse_uint(&s, end, 3, &code) < 0 || s == end || !is_blank(*s))
		return -1;
	skip_blanks(&s, end);
	if (s == end) {
		*why = "status line without a message";
		return -1;
	}
	dm_clean(out->message, sizeof(out->message), s, (size_t)(end - s),
	         sizeof(out->message) - 1);
	if (code != 0 && (code < CODE_MIN || code > CODE_MAX)) {
		*why = "unknown status code";
		return -1;
	}
	out->code = (int)code;
	return 0;
}

/* Case-insensitive "Name:" match; *val is set past the colon. */
static int header_is(const char *s, const char *end, const char *name, const char **val)
{
	size_t n = strlen(name);

	if ((size_t)(end - s) <= n || s[n] != ':' || strncasecmp(s, name, n) != 0)
		return 0;
	*val = s + n + 1;
	return 1;
}

/* A header line must be NAME ":" value with NAME a token. */
static int header_shape_ok(const char *s, const char *end)
{
	const char *p = s;

	while (p < end && (is_digit(*p) || (*p >= 'A' && *p <= 'Z') ||
	                   (*p >= 'a' && *p <= 'z') || *p == '-' || *p == '_'))
		p++;
	return p > s && p < end && *p == ':';
}

/* SYMBOLS body: NAME(,NAME)* with NAME [A-Za-z0-9_]{1,SPAMD_SYMBOL_MAX};
 * one trailing line end tolerated. Stores whole names while they fit. */
static int parse_symbols(const char *s, const char *end, struct spamd_result *out,
                         const char **why)
{
	size_t used = 0;

	if (end > s && end[-1] == '\n')
		end--;
	if (end > s && end[-1] == '\r')
		end--;
	*why = "SYMBOLS body too long";
	if ((size_t)(end - s) > SPAMD_LINE_MAX)
		return -1;
	*why = "bad rule name in SYMBOLS body";
	while (s < end) {
		const char *n = s;
		size_t nl;

		while (s < end && (is_digit(*s) || (*s >= 'A' && *s <= 'Z') ||
		                   (*s >= 'a' && *s <= 'z') || *s == '_'))
			s++;
		nl = (size_t)(s - n);
		if (nl == 0 || nl > SPAMD_SYMBOL_MAX)
			return -1;
		if (s < end && (*s != ',' || s + 1 == end))
			return -1;
		if (!out->symbols_truncated && used + (used ? 1 : 0) + nl < sizeof(out->symbols)) {
			if (used)
				out->symbols[used++] = ',';
			memcpy(out->symbols + used, n, nl);
			used += nl;
			out->symbols[used] = '\0';
			out->nsymbols++;
		} else {
			out->symbols_truncated = 1;
		}
		if (s < end)
			s++;
	}
	return 0;
}

/* REPORT body: keep printable ASCII and '\n'; TAB becomes a blank, CR and
 * other controls are dropped, 8-bit bytes become '?'. Cut at a line end
 * when the text does not fit. */
static void copy_report(const char *s, const char *end, struct spamd_result *out)
{
	size_t n = 0, cap = sizeof(out->report) - 1, lastnl = 0;

	for (; s < end; s++) {
		unsigned char c = (unsigned char)*s;
		char o;

		if (c == '\n')
			o = '\n';
		else if (c == '\t')
			o = ' ';
		else if (c < 0x20 || c == 0x7f)
			continue;
		else if (c >= 0x80)
			o = '?';
		else
			o = (char)c;
		if (n == cap) {
			out->report_truncated = 1;
			if (lastnl > cap / 2)
				n = lastnl;
			break;
		}
		out->report[n++] = o;
		if (o == '\n')
			lastnl = n;
	}
	out->report[n] = '\0';
}

/* Next line of [*p, end): sets [*ls, *le) without the line end, advances
 * *p. Returns 1, 0 at a line with no LF before end (truncated), -1 if the
 * line is longer than SPAMD_LINE_MAX, -2 if it holds NUL or a bare CR. */
static int next_line(const char **p, const char *end, const char **ls, const char **le)
{
	size_t avail = (size_t)(end - *p), scan = avail;
	const char *nl;

	if (scan > SPAMD_LINE_MAX + 2)
		scan = SPAMD_LINE_MAX + 2;
	nl = memchr(*p, '\n', scan);
	if (nl == NULL)
		return scan < avail ? -1 : 0;
	*ls = *p;
	*le = nl;
	*p = nl + 1;
	if (*le > *ls && (*le)[-1] == '\r')
		(*le)--;
	if ((size_t)(*le - *ls) > SPAMD_LINE_MAX)
		return -1;
	if (memchr(*ls, '\0', (size_t)(*le - *ls)) || memchr(*ls, '\r', (size_t)(*le - *ls)))
		return -2;
	return 1;
}

enum spamd_status spamd_reply_parse(const char *buf, size_t len, enum spamd_cmd cmd,
                                    struct spamd_result *out)
{
	const char *p = buf, *end, *ls, *le, *val, *why;
	size_t lineno = 0;
	int have_spam = 0, have_len = 0, r;
	unsigned long clen = 0;

	memset(out, 0, sizeof(*out));
	out->code = -1;
	out->status = SPAMD_MALFORMED;
	if (buf == NULL || len == 0)
		return fail(out, "empty reply (connection closed without a status line)", 0);
	end = buf + len;

	for (;;) {
		r = next_line(&p, end, &ls, &le);
		lineno++;
		if (r == 0)
			return fail(out, lineno == 1 ? "status line not terminated"
			                             : "truncated before the end of headers", lineno);
		if (r == -1)
			return fail(out, "line too long", lineno);
		if (r == -2)
			return fail(out, "NUL or CR inside a line", lineno);
		if (lineno == 1) {
			if (parse_status(ls, le, out, &why) < 0)
				return fail(out, why, lineno);
			if (out->code != 0) {
				/* spamd closes after an error line; what follows does not matter */
				out->status = SPAMD_ERROR_CODE;
				snprintf(out->error, sizeof(out->error), "spamd error %d %s",
				         out->code, out->message);
				return out->status;
			}
			continue;
		}
		if (ls == le)
			break;
		if (!header_shape_ok(ls, le))
			return fail(out, "header line not in 'Name: value' form", lineno);
		if (header_is(ls, le, "Spam", &val)) {
			if (have_spam++)
				return fail(out, "duplicate Spam header", lineno);
			if (parse_spam_value(val, le, out) < 0)
				return fail(out, "bad Spam header value", lineno);
		} else if (header_is(ls, le, "Content-length", &val)) {
			if (have_len++)
				return fail(out, "duplicate Content-length header", lineno);
			skip_blanks(&val, le);
			if (parse_uint(&val, le, 9, &clen) < 0)
				return fail(out, "bad Content-length value", lineno);
			skip_blanks(&val, le);
			if (val != le)
				return fail(out, "bad Content-length value", lineno);
		}
		/* other headers are spamd's business */
	}

	if (!have_spam)
		return fail(out, "EX_OK without a Spam header", 0);
	if (have_len && clen != (unsigned long)(end - p)) {
		char what[96];

		snprintf(what, sizeof(what), "Content-length %lu but %zu body bytes", clen,
		         (size_t)(end - p));
		return fail(out, what, 0);
	}
	switch (cmd) {
	case SPAMD_CMD_CHECK:
		if (p != end)
			return fail(out, "unexpected body after a CHECK reply", 0);
		break;
	case SPAMD_CMD_SYMBOLS:
		if (parse_symbols(p, end, out, &why) < 0)
			return fail(out, why, 0);
		break;
	case SPAMD_CMD_REPORT:
		copy_report(p, end, out);
		break;
	default:
		return fail(out, "unknown command", 0);
	}
	out->status = SPAMD_VERDICT;
	return out->status;
}

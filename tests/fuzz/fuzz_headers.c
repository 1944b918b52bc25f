/*
 * fuzz_headers.c - libFuzzer target for the header values doorman writes
 * (filters/spamd/headers.c) and the text cleaning they and the replies rely on
 * (filters/base/text.c).
 *
 * Input: one selector byte, one output-size byte, then up to three strings
 * separated by 0xff. Every builder writes into a heap buffer of exactly the
 * chosen size. Invariants on every value: terminated inside the buffer; no
 * CR, NUL or other control, no DEL; an LF only as a fold ("\n\t" followed by
 * text, never at the end, possibly at the start); 8-bit bytes only in a Subject; no physical line
 * over 998 bytes (RFC 5322); return 0, 1 (cut) or -1 (and then ""). Per
 * builder: the values parse back (scores), cleaning is idempotent and keeps
 * valid UTF-8 valid, tagging twice tags once, a Received header has exactly
 * the structure doorman wrote whatever the client sent, and an expanded
 * reply template is printable, bounded text.
 */
#include <math.h>

#include "fuzz.h"
#include "envelope.h"
#include "headers.h"
#include "reply.h"
#include "text.h"

#define PIECES 3

/* A value as libmilter gets it. eightbit: bytes >= 0x80 allowed; maxline:
 * longest physical line (998 for a whole header value, RFC 5322 2.1.1). */
static void check_value(const char *out, size_t outlen, int rc, int eightbit, size_t maxline)
{
	size_t i, len, col = 0;

	FUZZ_ASSERT(rc >= -1 && rc <= 1);
	if (outlen == 0)
		return;
	FUZZ_ASSERT(memchr(out, '\0', outlen) != NULL);
	len = strlen(out);
	if (rc == -1)
		FUZZ_ASSERT(len == 0);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c == '\n') {
			/* a value may open with a fold (a first word too long for the
			 * first line), as SpamAssassin's own X-Spam-Report does; the
			 * tagged Subject folds before one of its own blanks */
			FUZZ_ASSERT((out[i + 1] == '\t' || out[i + 1] == ' ') && out[i + 2] != '\0');
			/* RFC 5322 3.2.2: no line of white space alone */
			FUZZ_ASSERT((unsigned char)out[i + 2 + strspn(out + i + 2, " \t")] > '\n');
			col = 0;
			continue;
		}
		FUZZ_ASSERT(c >= 0x20 || (c == '\t' && i > 0 && out[i - 1] == '\n'));
		FUZZ_ASSERT(c != 0x7f && (eightbit || c < 0x80));
		FUZZ_ASSERT(++col <= maxline);
	}
}

/* Structurally valid UTF-8: each lead byte followed by its continuation bytes. */
static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, k, need;

	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc0 && c < 0xe0)
			need = 1;
		else if (c >= 0xe0 && c < 0xf0)
			need = 2;
		else if (c >= 0xf0 && c < 0xf8)
			need = 3;
		else
			return 0;
		if (n - i - 1 < need)
			return 0;
		for (k = 1; k <= need; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += need + 1;
	}
	return 1;
}

static void fuzz_clean(const char *s, size_t n, size_t outlen, unsigned sel)
{
	unsigned flags = (sel & 1) ? HDR_KEEP_8BIT : 0;
	size_t max = (sel & 2) ? n / 2 : HDR_SUBJECT_MAX;
	char *out = malloc(outlen ? outlen : 1), *again;
	int rc = hdr_clean_value(out, outlen, s, n, max, flags);

	if (outlen == 0) {
		FUZZ_ASSERT(rc == -1);
		free(out);
		return;
	}
	check_value(out, outlen, rc, flags != 0, max);
	FUZZ_ASSERT(strchr(out, '\n') == NULL && strchr(out, '\t') == NULL);
	FUZZ_ASSERT(strlen(out) <= max && strlen(out) < outlen);
	if ((flags & HDR_KEEP_8BIT) && valid_utf8((const unsigned char *)s, n))
		FUZZ_ASSERT(valid_utf8((const unsigned char *)out, strlen(out)));
	/* idempotent */
	again = malloc(outlen);
	FUZZ_ASSERT(hdr_clean_value(again, outlen, out, strlen(out), max, flags) == 0);
	FUZZ_ASSERT(strcmp(again, out) == 0);
	free(again);
	free(out);
}

static double score_of(const uint8_t *p, size_t n)
{
	double d = 0;

	if (n >= sizeof(d))
		memcpy(&d, p, sizeof(d));
	else if (n > 0)
		d = (double)(int8_t)p[0] / 3.0;
	return d;
}

/* "-12.3": parses back within half a tenth, or clamped. */
static void check_score_text(const char *s, double d)
{
	char *end;
	double back = strtod(s, &end);
	const char *p = s[0] == '-' ? s + 1 : s;
	size_t dig = strspn(p, "0123456789");

	FUZZ_ASSERT(dig > 0 && p[dig] == '.' && p[dig + 1] >= '0' && p[dig + 1] <= '9' && p[dig + 2] == '\0');
	FUZZ_ASSERT(*end == '\0');
	if (isnan(d))
		FUZZ_ASSERT(strcmp(s, "0.0") == 0);
	else if (fabs(d) <= 99999.9)
		FUZZ_ASSERT(fabs(back - d) <= 0.05 + 1e-9);
	else
		FUZZ_ASSERT(fabs(back) == 99999.9);
}

static void fuzz_scores(const char *tests, const uint8_t *raw, size_t rawlen, size_t outlen, unsigned sel)
{
	double score = score_of(raw, rawlen), req = score_of(raw + (rawlen > 8 ? 8 : 0), rawlen > 8 ? rawlen - 8 : 0);
	char *out = malloc(outlen ? outlen : 1), sbuf[32];
	int rc;

	rc = hdr_spam_status(out, outlen, sel & 1, score, req, (sel & 2) ? NULL : tests);
	check_value(out, outlen, rc, 0, 998);
	if (outlen >= 200 && rc == 0)
		FUZZ_ASSERT(strncmp(out, (sel & 1) ? "Yes, score=" : "No, score=", (sel & 1) ? 11 : 10) == 0);
	rc = hdr_spam_unscanned(out, outlen, tests);
	check_value(out, outlen, rc, 0, 998);
	rc = hdr_spam_level(out, outlen, score);
	check_value(out, outlen, rc, 0, 998);
	if (outlen > 0) {
		FUZZ_ASSERT(strspn(out, "*") == strlen(out) && strlen(out) <= HDR_LEVEL_MAX);
	}
	FUZZ_ASSERT(hdr_spam_score(sbuf, sizeof(sbuf), score) == 0);
	check_score_text(sbuf, score);
	rc = hdr_spam_score(out, outlen, score);
	check_value(out, outlen, rc, 0, 998);
	if (rc == 0)
		FUZZ_ASSERT(strcmp(out, sbuf) == 0);
	free(out);
}

static void fuzz_report(const char *s, size_t n, size_t outlen)
{
	char *out = malloc(outlen ? outlen : 1);
	int rc = hdr_spam_report(out, outlen, s, n);

	check_value(out, outlen, rc, 0, 998);
	free(out);
}

static void fuzz_subject(const char *old, const char *tag, size_t outlen)
{
	char *out = malloc(outlen ? outlen : 1), *again = malloc(outlen ? outlen : 1);
	int rc = hdr_subject_tag(out, outlen, old, tag), rc2;

	check_value(out, outlen, rc, 1, 998);
	if (rc == 0 && strlen(out) <= HDR_SUBJECT_MAX) {
		/* tagging twice tags once */
		rc2 = hdr_subject_tag(again, outlen, out, tag);
		FUZZ_ASSERT(rc2 == 0 && strcmp(again, out) == 0);
	}
	free(again);
	free(out);
}

static size_t count(const char *s, char c)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

/* Whether hdr_received shows this envelope sender: not when it is longer
 * than ENV_ADDR_MAX without its angle brackets, nor with a blank or ';'. */
static size_t env_shown(const char *e)
{
	size_t n;

	if (e == NULL)
		return 0;
	n = strlen(e);
	if (n >= 2 && e[0] == '<' && e[n - 1] == '>') {
		e++;
		n -= 2;
	}
	return n <= ENV_ADDR_MAX && strcspn(e, " ;") >= n;
}

static void fuzz_received(char *const piece[PIECES], const uint8_t *raw, size_t rawlen, size_t outlen)
{
	static const char *const addrs[] = { "192.0.2.7", "2001:db8::7", "[IPv6:2001:db8::7]", "::ffff:192.0.2.7" };
	struct hdr_received r;
	char *out = malloc(outlen ? outlen : 1);
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	r.helo = piece[0];
	r.client_name = piece[1];
	r.our_host = rawlen > 0 && (raw[0] & 1) ? piece[2] : "mx.example.net";
	r.queue_id = rawlen > 0 && (raw[0] & 2) ? piece[2] : "4QXYZ1";
	r.proto = rawlen > 0 && (raw[0] & 4) ? piece[1] : NULL;
	r.client_addr = rawlen > 0 && (raw[0] & 8) ? piece[2] : addrs[rawlen > 1 ? raw[1] % 4 : 0];
	if (rawlen >= 10) {
		uint64_t t = 0;
		for (i = 2; i < 10; i++)
			t = t << 8 | raw[i];
		r.when = (time_t)(int64_t)t;
	} else {
		r.when = 1700000000;
	}
	/* the envelope sender and the TLS macros come from outside too */
	r.env_from = rawlen > 0 && (raw[0] & 16) ? piece[0] : NULL;
	r.tls_version = rawlen > 0 && (raw[0] & 32) ? piece[1] : NULL;
	r.tls_cipher = piece[2];
	r.tls_bits = piece[0];
	rc = hdr_received(out, outlen, &r);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	check_value(out, outlen, rc, 0, 998);
	if (rc == 0) {
		/* the shape doorman wrote, whatever the client sent: one comment
		 * more for each of the envelope sender and TLS, no other */
		size_t env = strstr(out, ")\n\t(envelope-from <") != NULL;
		size_t tls = r.tls_version != NULL && r.tls_version[0] != '\0';

		FUZZ_ASSERT(strncmp(out, "from ", 5) == 0);
		FUZZ_ASSERT(count(out, '\n') == 2 + env && count(out, '(') == 2 + env + tls &&
		            count(out, ')') == 2 + env + tls);
		FUZZ_ASSERT(env == env_shown(r.env_from));
		FUZZ_ASSERT(count(out, ';') == 1 && strstr(out, " (doorman) with ") != NULL);
		FUZZ_ASSERT(strlen(out) < HDR_RECEIVED_SIZE);
	}
	free(out);
}

static void fuzz_text(char *const piece[PIECES], size_t outlen)
{
	struct dm_reply tmpl;
	struct dm_reply_vars v = { piece[1], piece[2], piece[1], piece[2], piece[1], piece[2], piece[1] };
	char err[200], *out = malloc(outlen ? outlen : 1), **items;
	size_t n, i, len;

	/* dm_clean: printable, bounded */
	dm_cleans(out, outlen, piece[0], 100);
	if (outlen > 0) {
		len = strlen(out);
		FUZZ_ASSERT(len < outlen && len <= 100 && !fuzz_has_ctl(out, len, NULL));
	}
	/* reply templates: a parsed one expands to printable, bounded text */
	if (dm_reply_parse(piece[0], &tmpl, err, sizeof(err)) == 0) {
		FUZZ_ASSERT((tmpl.code[0] == '4' || tmpl.code[0] == '5') && tmpl.xcode[0] == tmpl.code[0]);
		FUZZ_ASSERT(strlen(tmpl.text) > 0 && !fuzz_has_ctl(tmpl.text, strlen(tmpl.text), NULL));
		len = dm_reply_expand(&tmpl, &v, out, outlen);
		if (outlen > 0)
			FUZZ_ASSERT(len == strlen(out) && len < outlen && !fuzz_has_ctl(out, len, NULL));
		else
			FUZZ_ASSERT(len == 0);
	} else {
		FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
	}
	/* percent escaping undoes exactly */
	if (dm_percent_escape(piece[1], out, outlen) == 0) {
		char *u = out, *w = out;
		for (; *u; u++) {
			*w++ = *u;
			if (*u == '%') {
				FUZZ_ASSERT(u[1] == '%');
				u++;
			}
		}
		*w = '\0';
		FUZZ_ASSERT(strcmp(out, piece[1]) == 0);
	}
	/* lists: no empty item, no separator inside one */
	if (dm_list_split(piece[2], &items, &n) == 0) {
		for (i = 0; i < n; i++)
			FUZZ_ASSERT(items[i][0] != '\0' && strpbrk(items[i], ", \t") == NULL);
		FUZZ_ASSERT(items[n] == NULL);
		dm_list_free(items);
	}
	FUZZ_ASSERT(dm_name_equal(piece[1], piece[2]) == dm_name_equal(piece[2], piece[1]));
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 8, 16, 40, 78, 80, 120, 200, 300, 640, 1000,
	                                HDR_SUBJECT_SIZE(998), 4096 };
	char *piece[PIECES];
	size_t plen[PIECES], off, rest, outlen, i;
	unsigned sel;

	if (size < 2)
		return 0;
	sel = data[0];
	outlen = (data[1] & 0x80) ? sizes[data[1] % 16] : (size_t)data[1] * 8;
	off = 2;
	for (i = 0; i < PIECES; i++) {
		plen[i] = off < size ? fuzz_cut(data + off, size - off, &rest) : 0;
		piece[i] = fuzz_strndup(data + off, plen[i]);   /* may hold NULs */
		off += off < size ? rest : 0;
	}
	switch (sel % 8) {
	case 0:
		fuzz_clean(piece[0], plen[0], outlen, sel >> 3);
		break;
	case 1:
		fuzz_scores(piece[0], data + 2, size - 2, outlen, sel >> 3);
		break;
	case 2:
		fuzz_report(piece[0], plen[0], outlen);
		break;
	case 3:
		fuzz_subject((sel & 8) ? NULL : piece[0], (sel & 16) ? NULL : piece[1], outlen);
		break;
	case 4:
		fuzz_received(piece, data + 2, size - 2, outlen);
		break;
	default:
		fuzz_text(piece, outlen);
		break;
	}
	for (i = 0; i < PIECES; i++)
		free(piece[i]);
	return 0;
}

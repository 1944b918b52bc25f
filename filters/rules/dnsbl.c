/*
 * dnsbl.c - DNS block/allow lists: zone specs, query names, answers, score.
 *
 * Does: parse postscreen-style zone specs (zone[=d.d.d.d][*weight], octets
 * as numbers or [n;lo..hi] sets) into a per-octet bitmap, print them back in
 * canonical form, build the reversed query names (and PTR names), classify
 * the A records a zone returned, add up weights, and judge a zone's
 * self-test answers.
 * Returns: 0 / -1 with a message naming the column for parsers, verdicts
 * and health for the judges.
 * Never: does DNS, allocates, keeps state, or counts a Spamhaus error code
 * (127.255.255.252..255, 127.0.1.255) or an answer outside 127.0.0.0/8 as a
 * listing: a refused or hijacked zone must not block all mail.
 */
#include "dnsbl.h"
#include "hostname.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "text.h"

#define COL(i) ((size_t)(i) + 1)   /* 1-based column in the trimmed spec */

/* Parser state over the trimmed spec (columns are counted as the admin sees them). */
struct cur {
	const char *s;
	size_t i, n;
	char *err;
	size_t errlen;
	char quoted[104];            /* the spec, cleaned and bounded, for messages */
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_blank(char c) { return c != '\0' && strchr(" \t\r\n\v\f", c) != NULL; }
static char at(const struct cur *c, size_t i) { return i < c->n ? c->s[i] : '\0'; }

static int fail(struct cur *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct cur *c, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (c->err != NULL && c->errlen > 0)
		snprintf(c->err, c->errlen, "zone spec \"%s\": %s", c->quoted, what);
	return -1;
}

/* A byte for a message: 'x' if printable, else its hex value. */
static const char *show(char ch, char buf[16])
{
	unsigned char u = (unsigned char)ch;

	if (u == 0)
		snprintf(buf, 16, "end of spec");
	else if (u > 0x20 && u < 0x7f && u != '\'')
		snprintf(buf, 16, "'%c'", ch);
	else
		snprintf(buf, 16, "byte 0x%02x", u);
	return buf;
}

static void set_bit(uint8_t *m, unsigned v) { m[v >> 3] |= (uint8_t)(1u << (v & 7)); }
static int has_bit(const uint8_t *m, unsigned v) { return (m[v >> 3] >> (v & 7)) & 1; }

/* The zone name runs to the first '=' or '*'; its syntax is
 * filters/base/hostname.c's, the messages name the column. */
static int parse_name(struct cur *c, struct dnsbl_zone *z)
{
	size_t start = c->i, end, at = 0;
	enum dm_hostname_error e;
	char b[16];

	while (c->i < c->n && c->s[c->i] != '=' && c->s[c->i] != '*')
		c->i++;
	end = c->i;
	if (end == start || (end == start + 1 && c->s[start] == '.'))
		return fail(c, "empty zone name");
	e = dm_hostname_check(c->s + start, end - start, NULL, &at);
	at += start;
	switch (e) {
	case DM_HN_OK:
		break;
	case DM_HN_TOO_LONG:
		return fail(c, "zone name longer than %d characters", DNSBL_NAME_MAX);
	case DM_HN_NUL:
	case DM_HN_CONTROL:
	case DM_HN_8BIT:
	case DM_HN_CHAR:
		return fail(c, "invalid character %s in zone name at column %zu", show(c->s[at], b), COL(at));
	case DM_HN_EMPTY:
	case DM_HN_EMPTY_LABEL:
		return fail(c, "empty label in zone name at column %zu", COL(at));
	case DM_HN_LONG_LABEL:
		return fail(c, "label longer than 63 characters in zone name at column %zu", COL(at));
	case DM_HN_HYPHEN:
		return fail(c, "label begins or ends with '-' in zone name at column %zu", COL(at));
	case DM_HN_NUMERIC_TLD:
		return fail(c, "zone name ends in a numeric label at column %zu (an address, not a zone?)",
		            COL(at));
	}
	if (c->s[end - 1] == '.')
		end--;                               /* one trailing dot is fine */
	if (end - start > DNSBL_NAME_MAX)
		return fail(c, "zone name longer than %d characters", DNSBL_NAME_MAX);
	memcpy(z->name, c->s + start, end - start);
	z->name[end - start] = '\0';
	dm_lower(z->name);
	return 0;
}

/* Decimal digits at c->i, the value saturated just above cap. Returns how
 * many digits (at most 12 are quoted in messages). */
static int digits(struct cur *c, unsigned cap, unsigned *v)
{
	size_t start = c->i;

	for (*v = 0; is_digit(at(c, c->i)); c->i++)
		if (*v <= cap)
			*v = *v * 10 + (unsigned)(c->s[c->i] - '0');
	return c->i - start > 12 ? 12 : (int)(c->i - start);
}

/* A filter number 0..255 at c->i; the caller has seen a digit. */
static int parse_number(struct cur *c, unsigned *out)
{
	size_t start = c->i;
	int nd = digits(c, 255, out);

	if (*out > 255)
		return fail(c, "number %.*s > 255 at column %zu", nd, c->s + start, COL(start));
	return 0;
}

/* "[" item (";" item)* "]", item = n | lo..hi. */
static int parse_bracket(struct cur *c, uint8_t *m, int octet)
{
	size_t open = c->i++, item;
	unsigned lo, hi, v;
	char b[16];

	for (;;) {
		item = c->i;
		if (at(c, c->i) == ']' && item == open + 1)
			return fail(c, "empty bracket in octet %d at column %zu", octet, COL(open));
		if (at(c, c->i) == ']' || at(c, c->i) == ';')
			return fail(c, "empty item in bracket in octet %d at column %zu", octet, COL(c->i));
		if (c->i >= c->n)
			return fail(c, "unterminated bracket '[' at column %zu", COL(open));
		if (!is_digit(at(c, c->i)))
			return fail(c, "expected a number in bracket at column %zu, found %s",
			            COL(c->i), show(at(c, c->i), b));
		if (parse_number(c, &lo) < 0)
			return -1;
		hi = lo;
		if (at(c, c->i) == '.' && at(c, c->i + 1) == '.') {
			c->i += 2;
			if (!is_digit(at(c, c->i)))
				return fail(c, "range needs a number after '..' at column %zu", COL(c->i));
			if (parse_number(c, &hi) < 0)
				return -1;
			if (lo > hi)
				return fail(c, "range %u..%u has lo > hi at column %zu", lo, hi, COL(item));
		}
		for (v = lo; v <= hi; v++)
			set_bit(m, v);
		if (at(c, c->i) == ']') {
			c->i++;
			return 0;
		}
		if (at(c, c->i) != ';') {
			if (c->i >= c->n)
				return fail(c, "unterminated bracket '[' at column %zu", COL(open));
			return fail(c, "unterminated bracket '[' at column %zu: unexpected %s at column %zu",
			            COL(open), show(at(c, c->i), b), COL(c->i));
		}
		c->i++;
	}
}

/* "2..11" outside brackets, or an empty octet ("127.0..2")? A range leaves
 * five dots outside brackets in the filter, an empty octet four. */
static int bare_dots(const struct cur *c, size_t i)
{
	int depth = 0, dots = 0;

	for (; i < c->n && c->s[i] != '*'; i++) {
		depth += c->s[i] == '[' ? 1 : c->s[i] == ']' ? -1 : 0;
		dots += depth == 0 && c->s[i] == '.';
	}
	return dots;
}

/* "=d.d.d.d", stopping at '*' or the end. */
static int parse_filter(struct cur *c, struct dnsbl_zone *z)
{
	size_t eq = c->i++;
	unsigned v;
	int k;
	char b[16];

	z->has_filter = 1;
	for (k = 0; k < 4; k++) {
		if (k > 0) {
			if (c->i >= c->n || at(c, c->i) == '*')
				return fail(c, "filter needs 4 octets (d.d.d.d), found %d", k);
			if (at(c, c->i) != '.')
				break;                       /* reported below */
			c->i++;
		}
		if (at(c, c->i) == '[') {
			if (parse_bracket(c, z->allow[k], k + 1) < 0)
				return -1;
		} else if (is_digit(at(c, c->i))) {
			if (parse_number(c, &v) < 0)
				return -1;
			set_bit(z->allow[k], v);
			if (at(c, c->i) == '.' && at(c, c->i + 1) == '.' && bare_dots(c, eq) == 5)
				return fail(c, "'..' outside brackets at column %zu (write [lo..hi])", COL(c->i));
		} else if (k == 0 && (c->i >= c->n || at(c, c->i) == '*')) {
			return fail(c, "empty filter after '=' at column %zu", COL(eq));
		} else if (at(c, c->i) == '=') {
			return fail(c, "duplicate '=' at column %zu", COL(c->i));
		} else {
			return fail(c, "octet %d: expected a number or '[' at column %zu, found %s",
			            k + 1, COL(c->i), show(at(c, c->i), b));
		}
	}
	if (c->i >= c->n || at(c, c->i) == '*')
		return 0;
	if (at(c, c->i) == '.')
		return fail(c, "filter needs 4 octets (d.d.d.d), found more at column %zu", COL(c->i));
	if (at(c, c->i) == '=')
		return fail(c, "duplicate '=' at column %zu", COL(c->i));
	return fail(c, "unexpected %s in filter at column %zu", show(at(c, c->i), b), COL(c->i));
}

/* "*[+-]digits", running to the end. */
static int parse_weight(struct cur *c, struct dnsbl_zone *z)
{
	size_t star = c->i++, start = c->i;
	unsigned v;
	int neg = 0, nd;
	char b[16];

	if (at(c, c->i) == '-' || at(c, c->i) == '+')
		neg = c->s[c->i++] == '-';
	if (!is_digit(at(c, c->i))) {
		if (c->i >= c->n && c->i == start)
			return fail(c, "empty weight after '*' at column %zu", COL(star));
		return fail(c, "weight must be an integer at column %zu, found %s",
		            COL(c->i), show(at(c, c->i), b));
	}
	digits(c, DNSBL_WEIGHT_MAX, &v);
	nd = c->i - start > 12 ? 12 : (int)(c->i - start);      /* sign included */
	if (c->i < c->n) {
		if (c->s[c->i] == '*')
			return fail(c, "duplicate '*' at column %zu", COL(c->i));
		if (c->s[c->i] == '=')
			return fail(c, "'=filter' must come before '*weight' (column %zu)", COL(c->i));
		return fail(c, "junk after weight at column %zu: %s", COL(c->i), show(c->s[c->i], b));
	}
	if (v == 0)
		return fail(c, "weight 0 counts nothing (use 1..100, or -100..-1 for an allowlist)");
	if (v > DNSBL_WEIGHT_MAX)
		return fail(c, "weight %.*s out of range -100..100", nd, c->s + start);
	z->weight = neg ? -(int)v : (int)v;
	return 0;
}

static int is_error_code(const unsigned char a[4])
{
	return a[0] == 127 && ((a[1] == 255 && a[2] == 255 && a[3] >= 252) ||
	                       (a[1] == 0 && a[2] == 1 && a[3] == 255));
}

/* 1 if some 127.x.y.z other than an error code passes the filter. Cheap:
 * only two (x, y) pairs hold error codes; any other allowed pair returns
 * within 256 steps. */
static int filter_can_match(const struct dnsbl_zone *z)
{
	unsigned x, y, w;

	for (x = 0; x < 256 && has_bit(z->allow[0], 127); x++)
		for (y = 0; y < 256 && has_bit(z->allow[1], x); y++)
			for (w = 0; w < 256 && has_bit(z->allow[2], y); w++) {
				const unsigned char a[4] = { 127, (unsigned char)x, (unsigned char)y, (unsigned char)w };

				if (has_bit(z->allow[3], w) && !is_error_code(a))
					return 1;
			}
	return 0;
}

int dnsbl_zone_parse(const char *spec, struct dnsbl_zone *out, char *err, size_t errlen)
{
	struct cur c = { .err = err, .errlen = errlen };
	int rc;

	memset(out, 0, sizeof(*out));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	for (spec = spec ? spec : ""; is_blank(*spec); spec++)
		;
	for (c.s = spec, c.n = strlen(spec); c.n > 0 && is_blank(spec[c.n - 1]); c.n--)
		;
	dm_clean(c.quoted, sizeof(c.quoted), spec, c.n, 100);
	if (c.n == 0)
		return fail(&c, "empty zone spec");
	if (c.n >= DNSBL_SPEC_MAX)
		return fail(&c, "longer than %d characters", DNSBL_SPEC_MAX - 1);
	out->weight = 1;
	/* Each part stops at the next part's separator or reports what it found. */
	rc = parse_name(&c, out);
	if (rc == 0 && at(&c, c.i) == '=')
		rc = parse_filter(&c, out);
	if (rc == 0 && at(&c, c.i) == '*')
		rc = parse_weight(&c, out);
	if (rc == 0 && !out->has_filter) {
		set_bit(out->allow[0], 127);
		memset(out->allow[1], 0xff, 3 * sizeof(out->allow[1]));
	} else if (rc == 0 && !has_bit(out->allow[0], 127)) {
		rc = fail(&c, "filter can never match: only answers in 127.0.0.0/8 are listings");
	} else if (rc == 0 && !filter_can_match(out)) {
		rc = fail(&c, "filter matches only error codes (127.255.255.252..255, 127.0.1.255)");
	}
	/* Cannot fail: the canonical form is never longer than the input. */
	if (rc == 0 && dnsbl_zone_format(out, out->spec, sizeof(out->spec)) < 0)
		rc = fail(&c, "canonical form does not fit");
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* Bounded appender: once anything fails to fit, *pos goes past outlen. */
static void put(char *out, size_t outlen, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *out, size_t outlen, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*pos >= outlen)
		return;
	va_start(ap, fmt);
	r = vsnprintf(out + *pos, outlen - *pos, fmt, ap);
	va_end(ap);
	*pos += r < 0 ? outlen : (size_t)r;
}

static int format_octet(const uint8_t *m, char *out, size_t outlen, size_t *pos)
{
	unsigned v, lo, count = 0, items = 0;

	for (v = 0; v < 256; v++)
		count += (unsigned)has_bit(m, v);
	if (count == 0)
		return -1;
	if (count > 1)
		put(out, outlen, pos, "[");
	for (v = 0; v < 256; v++) {
		if (!has_bit(m, v))
			continue;
		for (lo = v; v + 1 < 256 && has_bit(m, v + 1); v++)
			;
		if (items++ > 0)
			put(out, outlen, pos, ";");
		if (v - lo >= 2)
			put(out, outlen, pos, "%u..%u", lo, v);
		else if (v > lo)
			put(out, outlen, pos, "%u;%u", lo, v);
		else
			put(out, outlen, pos, "%u", v);
	}
	if (count > 1)
		put(out, outlen, pos, "]");
	return 0;
}

int dnsbl_zone_format(const struct dnsbl_zone *z, char *out, size_t outlen)
{
	size_t pos = 0;
	int k;

	if (out == NULL || outlen == 0)
		return -1;
	out[0] = '\0';
	if (z == NULL || z->name[0] == '\0')
		return -1;
	put(out, outlen, &pos, "%s", z->name);
	for (k = 0; z->has_filter && k < 4; k++) {
		put(out, outlen, &pos, k == 0 ? "=" : ".");
		if (format_octet(z->allow[k], out, outlen, &pos) < 0)
			pos = outlen;
	}
	if (z->weight != 1)
		put(out, outlen, &pos, "*%d", z->weight);
	if (pos >= outlen) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* The four IPv4 bytes of a (plain or IPv4-mapped IPv6); 0 if not IPv4. */
static int v4_bytes(const struct dm_addr *a, unsigned char v4[4])
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (a->family == AF_INET) {
		memcpy(v4, a->b, 4);
		return 1;
	}
	if (a->family == AF_INET6 && memcmp(a->b, mapped, sizeof(mapped)) == 0) {
		memcpy(v4, a->b + 12, 4);
		return 1;
	}
	return 0;
}

static int reversed(const struct dm_addr *a, const char *suffix, char *out, size_t outlen)
{
	char buf[80];
	unsigned char v4[4];
	size_t pos = 0, slen;
	int i;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (out == NULL || a == NULL || suffix == NULL || suffix[0] == '\0' || suffix[0] == '.')
		return -1;
	slen = strnlen(suffix, DNSBL_QNAME_MAX + 1);
	if (suffix[slen - 1] == '.')
		slen--;                                  /* query names carry no trailing dot */
	if (v4_bytes(a, v4))
		pos = (size_t)snprintf(buf, sizeof(buf), "%u.%u.%u.%u.", v4[3], v4[2], v4[1], v4[0]);
	else if (a->family == AF_INET6)
		for (i = 15; i >= 0; i--)
			pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%x.%x.",
			                        a->b[i] & 0xfu, (unsigned)a->b[i] >> 4);
	else
		return -1;
	if (pos + slen > DNSBL_NAME_MAX || pos + slen >= outlen)
		return -1;
	memcpy(out, buf, pos);
	memcpy(out + pos, suffix, slen);
	out[pos + slen] = '\0';
	return 0;
}

int dnsbl_query_name(const struct dm_addr *client, const char *zone, char *out, size_t outlen)
{
	return reversed(client, zone, out, outlen);
}

int dnsbl_reverse_name(const struct dm_addr *client, char *out, size_t outlen)
{
	unsigned char v4[4];
	int is_v4 = client != NULL && v4_bytes(client, v4);

	return reversed(client, is_v4 ? "in-addr.arpa" : "ip6.arpa", out, outlen);
}

enum dnsbl_verdict dnsbl_classify(const struct dnsbl_zone *z, const struct dm_addr *answers,
                                  size_t n, struct dm_addr *which)
{
	unsigned char a[4];
	size_t i, bad = n, match = n;
	int k, ok;

	for (i = 0; i < n; i++) {
		if (!v4_bytes(&answers[i], a) || a[0] != 127) {
			if (bad == n)
				bad = i;
			continue;
		}
		if (is_error_code(a)) {
			if (which != NULL)
				*which = answers[i];
			return DNSBL_ERROR_CODE;
		}
		for (ok = 1, k = 0; z != NULL && z->has_filter && k < 4; k++)
			ok &= has_bit(z->allow[k], a[k]);
		if (ok && match == n)
			match = i;
	}
	i = bad < n ? bad : match < n ? match : 0;
	if (which != NULL) {
		memset(which, 0, sizeof(*which));
		if (n > 0)
			*which = answers[i];
	}
	return bad < n ? DNSBL_BAD_ANSWER : match < n ? DNSBL_LISTED : DNSBL_NOT_LISTED;
}

const char *dnsbl_verdict_name(enum dnsbl_verdict v)
{
	static const char *const names[] = {
		[DNSBL_NOT_LISTED] = "not_listed", [DNSBL_LISTED] = "listed",
		[DNSBL_ERROR_CODE] = "error_code", [DNSBL_BAD_ANSWER] = "bad_answer",
		[DNSBL_NO_ANSWER] = "no_answer",
	};

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

int dnsbl_score(const struct dnsbl_zone *zones, const enum dnsbl_verdict *v, size_t n)
{
	size_t i;
	int score = 0;

	for (i = 0; i < n; i++)
		if (v[i] == DNSBL_LISTED)
			score += zones[i].weight;
	return score;
}

/* Spamhaus's meanings, as a hint for the admin reading the warning. */
static const char *error_code_hint(const struct dm_addr *a)
{
	unsigned char v4[4] = { 0, 0, 0, 0 };

	v4_bytes(a, v4);
	switch (v4[3]) {
	case 252: return "typing error in the zone name?";
	case 254: return "query refused: public resolver?";
	case 255: return v4[1] == 0 ? "IP query to a domain list?" : "query refused: too many queries?";
	default: return "query refused";
	}
}

enum dnsbl_health dnsbl_selftest_judge(const struct dnsbl_probe *test_listed,
                                       const struct dnsbl_probe *test_unlisted,
                                       char *reason, size_t reasonlen)
{
	const struct dnsbl_probe *p[2] = { test_listed, test_unlisted };
	enum dnsbl_verdict v[2];
	struct dm_addr w[2];
	char own[128], text[64];
	int i;

	if (reason == NULL || reasonlen == 0) {
		reason = own;
		reasonlen = sizeof(own);
	}
	reason[0] = '\0';
	for (i = 0; i < 2; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		v[i] = DNSBL_NO_ANSWER;
		if (p[i] != NULL && p[i]->answered)
			v[i] = dnsbl_classify(NULL, p[i]->answers, p[i]->answers ? p[i]->n : 0, &w[i]);
	}
	for (i = 0; i < 2; i++)
		if (v[i] == DNSBL_ERROR_CODE) {
			snprintf(reason, reasonlen, "answers error code %s (%s)",
			         dm_addr_format(&w[i], text, sizeof(text)), error_code_hint(&w[i]));
			return DNSBL_SUSPENDED;
		}
	for (i = 0; i < 2; i++)
		if (v[i] == DNSBL_BAD_ANSWER) {
			dm_addr_format(&w[i], text, sizeof(text));
			snprintf(reason, reasonlen, "answers %s, outside 127.0.0.0/8 (wildcard or hijacked zone?)",
			         text[0] ? text : "a non-address");
			return DNSBL_SUSPENDED;
		}
	if (v[1] == DNSBL_LISTED) {
		snprintf(reason, reasonlen, "lists " DNSBL_TEST_UNLISTED " (answers everything?)");
		return DNSBL_SUSPENDED;
	}
	if (v[0] != DNSBL_LISTED && v[0] != DNSBL_NO_ANSWER) {
		snprintf(reason, reasonlen, "does not list the test entry " DNSBL_TEST_LISTED);
		return DNSBL_SUSPENDED;
	}
	/* no evidence against the zone: a silent resolver is not one */
	if (v[0] == DNSBL_NO_ANSWER && v[1] == DNSBL_NO_ANSWER)
		snprintf(reason, reasonlen, "does not answer");
	else if (v[0] == DNSBL_NO_ANSWER || v[1] == DNSBL_NO_ANSWER)
		snprintf(reason, reasonlen, "does not answer the query for %s",
		         v[0] == DNSBL_NO_ANSWER ? DNSBL_TEST_LISTED : DNSBL_TEST_UNLISTED);
	else
		return DNSBL_HEALTHY;
	return DNSBL_UNTESTED;
}

unsigned dnsbl_selftest_backoff(unsigned round, unsigned interval)
{
	unsigned s = 2;

	while (round > 1 && s < interval) {
		s *= 2;
		round--;
	}
	return s < interval ? s : interval;
}

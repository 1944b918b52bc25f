/*
 * logline.c - parse doorman's message in a log line (kind, queue id, client,
 * key=value fields), after logframe.c found the frame.
 *
 * Does:    what logline.h says, in one pass over the bytes: this runs once
 *          per line of logs that may be gigabytes.
 * Returns: slices into the caller's line; LL_OTHER for lines of other
 *          programs, LL_MALFORMED (with why) for doorman lines out of shape.
 * Never:   allocates, copies, writes to the line or reads past line + len;
 *          never treats a value a client chose (HELO, addresses, names) as
 *          the end of the line: the daemon's fields that follow win (see
 *          ll_field).
 */
#include <stddef.h>
#include <string.h>

#include "logline.h"
#include "logscan.h"


static const char *const kind_names[LL_KIND_COUNT] = {
	"other", "malformed", "unknown", "rcpt", "accept", "scan", "close",
	"zone_answer", "zone_suspended", "zone_restored", "selftest_error",
	"dns_cache", "spamd_counters", "spamd_failure", "mta_refused",
	"starting", "reload", "stopping", "resolver_error", "internal", "config_error",
	"fd_near_limit", "fd_sockets_failed", "spamd_gtube_miss", "spamd_gtube_back", "helo_capped",
	"config_warning", "zones_all_suspended", "zones_back", "stop_drain", "stop_sessions_open",
	"zone_untested", "zone_tested",
};

static const char *const format_names[LL_FMT_COUNT] = {
	"none", "bsd", "iso", "rfc5424", "stderr",
};

static const char *const rcpt_names[LL_RCPT_COUNT] = {
	"reject", "defer", "pass", "shadow: would reject", "shadow: would defer",
};

const char *ll_kind_name(enum ll_kind k)
{
	return (unsigned)k < LL_KIND_COUNT ? kind_names[k] : "?";
}

const char *ll_format_name(enum ll_format f)
{
	return (unsigned)f < LL_FMT_COUNT ? format_names[f] : "?";
}

const char *ll_rcpt_name(enum ll_rcpt r)
{
	return (unsigned)r < LL_RCPT_COUNT ? rcpt_names[r] : "?";
}

int ll_eq(struct ll_slice s, const char *str)
{
	size_t n = strlen(str);

	return s.p != NULL && s.n == n && memcmp(s.p, str, n) == 0;
}


/* Bytes of a key: [a-z0-9_]. */
static const unsigned char key_byte[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1,
	['9'] = 1, ['_'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1,
	['z'] = 1,
};

#define IS_KEY(c) (key_byte[(unsigned char)(c)])

/* Is [p, e) "key=" with key in [a-z0-9_]+? */
static int at_key(const char *p, const char *e)
{
	const char *s = p;

	while (p < e && IS_KEY(*p))
		p++;
	return p > s && p < e && *p == '=';
}

/* End of a "<...>" value starting after '<': the first '>' that ends the line
 * or is followed by " key=". A client's HELO may hold '>' and " key=": then
 * the value is cut there, and the daemon's own fields after it still win. */
static const char *angle_end(const char *p, const char *e)
{
	const char *q;

	for (q = p; (q = memchr(q, '>', (size_t)(e - q))) != NULL; q++)
		if (q + 1 == e || (q[1] == ' ' && at_key(q + 2, e)))
			return q;
	return NULL;
}

#define K(str, id) if (n == sizeof(str) - 1 && memcmp(k, str, n) == 0) return id

/* A switch on the first byte, then the few names that start with it. */
enum ll_key ll_key_id(const char *k, size_t n)
{
	if (n < 2)
		return LLK_COUNT;
	switch (k[0]) {
	case 'a': K("action", LLK_ACTION); break;
	case 'c': K("client", LLK_CLIENT); K("check", LLK_CHECK); break;
	case 'd': K("dns", LLK_DNS); K("dns_ms", LLK_DNS_MS); break;
	case 'f': K("from", LLK_FROM); K("failures", LLK_FAILURES); break;
	case 'h': K("helo", LLK_HELO); break;
	case 'i': K("in_flight", LLK_IN_FLIGHT); break;
	case 'm': K("msgs", LLK_MSGS); break;
	case 'p': K("policy", LLK_POLICY); break;
	case 'r':
		K("rcpts", LLK_RCPTS); K("rcpt_ok", LLK_RCPT_OK); K("rcpt_rejected", LLK_RCPT_REJECTED);
		K("rcpt_deferred", LLK_RCPT_DEFERRED); K("requests", LLK_REQUESTS); K("reason", LLK_REASON);
		break;
	case 's':
		K("score", LLK_SCORE); K("spamd", LLK_SPAMD); K("spamd_ms", LLK_SPAMD_MS); K("size", LLK_SIZE);
		K("shadow", LLK_SHADOW); K("shadowed", LLK_SHADOWED); K("skipped_for_ms", LLK_SKIPPED_FOR_MS);
		K("session", LLK_SESSION);
		break;
	case 't': K("to", LLK_TO); K("total_ms", LLK_TOTAL_MS); K("trusted", LLK_TRUSTED); break;
	case 'w': K("wait_ms", LLK_WAIT_MS); break;
	case 'z': K("zones", LLK_ZONES); break;
	default: break;
	}
	return LLK_COUNT;
}

#undef K

struct ll_slice ll_get(const struct logline *l, enum ll_key k)
{
	struct ll_slice none = { NULL, 0 };

	return (unsigned)k < LLK_COUNT && l->known[k] ? l->field[l->known[k] - 1].val : none;
}

static void add_field(struct logline *l, const char *k, size_t kn, const char *v, size_t vn)
{
	enum ll_key id;

	if (l->nfields >= LL_MAX_FIELDS)
		return;
	id = ll_key_id(k, kn);
	if (id != LLK_COUNT)
		l->known[id] = (unsigned char)(l->nfields + 1);
	l->field[l->nfields].key.p = k;
	l->field[l->nfields].key.n = kn;
	l->field[l->nfields].val.p = v;
	l->field[l->nfields].val.n = vn;
	l->nfields++;
}

/* key=value tokens; "key=<...>" values may hold spaces; reason= runs to the
 * end of the line (the daemon writes it last, free text). Other tokens are
 * skipped. A key is whatever comes before '=' (the daemon writes [a-z0-9_]:
 * an odd key only matches none of ours). */
static void parse_fields(const char *p, const char *e, struct logline *l)
{
	while (p < e) {
		const char *k = p, *v, *end;

		p = ll_key_end(p, e);
		if (p == k || p >= e || *p != '=') {
			p = ll_skip_token(p, e);
			if (p < e)
				p++;
			continue;
		}
		v = p + 1;
		if (p - k == 6 && memcmp(k, "reason", 6) == 0) {
			add_field(l, k, 6, v, (size_t)(e - v));
			return;
		}
		if (v < e && *v == '<' && (end = angle_end(v + 1, e)) != NULL) {
			add_field(l, k, (size_t)(p - k), v + 1, (size_t)(end - v - 1));
			p = end + 1;
		} else {
			end = ll_skip_token(v, e);
			add_field(l, k, (size_t)(p - k), v, (size_t)(end - v));
			p = end;
		}
		if (p < e)
			p++;
	}
}

struct ll_slice ll_field(const struct logline *l, const char *key)
{
	struct ll_slice none = { NULL, 0 };
	size_t i = l->nfields, n = strlen(key);

	while (i-- > 0)
		if (l->field[i].key.n == n && memcmp(l->field[i].key.p, key, n) == 0)
			return l->field[i].val;
	return none;
}

static void malformed(struct logline *l, const char *why)
{
	l->kind = LL_MALFORMED;
	l->why = why;
}

/* accept:, scan:, close: lines: fields, and the client they all carry. */
static void parse_client_line(const char *p, const char *e, struct logline *l, enum ll_kind kind)
{
	l->kind = kind;
	parse_fields(p, e, l);
	if (ll_split_client(ll_get(l, LLK_CLIENT), l) < 0)
		malformed(l, "no client=name[address]");
	else if (kind != LL_CLOSE && ll_get(l, LLK_POLICY).p == NULL)
		malformed(l, "no policy=");
	else if (kind == LL_SCAN && ll_get(l, LLK_ACTION).p == NULL)
		malformed(l, "no action=");
}

/* "RCPT from name[ip]: 554 5.7.1 text; from=<...> ... policy=P check=C" */
static void parse_rcpt(const char *p, const char *e, struct logline *l)
{
	struct ll_slice c;
	const char *sep, *f;

	l->kind = LL_RCPT;
	if (!ll_starts(p, e, "RCPT from ")) {
		malformed(l, "no \"RCPT from\"");
		return;
	}
	p += 10;
	for (sep = p; (sep = memchr(sep, ']', (size_t)(e - sep))) != NULL; sep++)
		if (e - sep >= 3 && sep[1] == ':' && sep[2] == ' ')
			break;
	c.p = p;
	c.n = sep ? (size_t)(sep + 1 - p) : 0;
	if (sep == NULL || ll_split_client(c, l) < 0) {
		malformed(l, "no client name[address]");
		return;
	}
	p = sep + 3;
	for (f = p; (f = memchr(f, ';', (size_t)(e - f))) != NULL; f++)
		if (ll_starts(f, e, "; from=<"))
			break;
	if (f == NULL) {
		malformed(l, "no \"; from=<\" after the reply");
		return;
	}
	l->reply.p = p;
	l->reply.n = (size_t)(f - p);
	parse_fields(f + 2, e, l);
	if (ll_get(l, LLK_POLICY).p == NULL || ll_get(l, LLK_CHECK).p == NULL)
		malformed(l, "no policy= or check=");
}

/* The MTA refused a change to the message or the reply. */
static int mta_refused(const char *p, const char *e)
{
	static const char *const what[] = {
		"cannot add header ", "cannot delete header ", "cannot set reply ",
		"cannot change the Subject", "cannot quarantine",
	};
	size_t i;

	for (i = 0; i < sizeof(what) / sizeof(what[0]); i++)
		if (ll_starts(p, e, what[i]))
			return 1;
	return 0;
}

/* "FILE:LINE: message" or "FILE: message" (FILE a path or a .conf name),
 * as configuration errors are logged. */
static int config_error(const char *p, const char *e)
{
	const char *c = p;

	while (c < e && *c != ':' && *c != ' ')
		c++;
	if (c == p || e - c < 2 || *c != ':')
		return 0;
	if (c[1] == ' ')
		return memchr(p, '/', (size_t)(c - p)) != NULL ||
		       (c - p > 5 && memcmp(c - 5, ".conf", 5) == 0);
	if (!IS_DIGIT(c[1]))
		return 0;
	for (c++; c < e && IS_DIGIT(*c); c++)
		;
	return e - c >= 2 && c[0] == ':' && c[1] == ' ';
}

static const char *const rcpt_words[LL_RCPT_COUNT] = {
	"reject: ", "defer: ", "pass: ", "shadow: would reject: ", "shadow: would defer: ",
};

/* After "QID: ": the kind of a per-message line. */
static void parse_queued(const char *p, const char *e, struct logline *l)
{
	const char *c;
	int i;

	if (ll_starts(p, e, "accept: ")) {
		parse_client_line(p + 8, e, l, LL_ACCEPT);
		return;
	}
	if (ll_starts(p, e, "scan: ")) {
		parse_client_line(p + 6, e, l, LL_SCAN);
		return;
	}
	for (i = 0; i < LL_RCPT_COUNT; i++)
		if (ll_starts(p, e, rcpt_words[i])) {
			l->rcpt = (enum ll_rcpt)i;
			parse_rcpt(p + strlen(rcpt_words[i]), e, l);
			return;
		}
	if (ll_starts(p, e, "spamd ")) {
		l->kind = LL_SPAMD_FAILURE;
		p += 6;
		c = memchr(p, ':', (size_t)(e - p));
		if (c == NULL || c == p) {
			malformed(l, "no spamd failure kind");
			return;
		}
		l->name.p = p;
		l->name.n = (size_t)(c - p);
		l->text.p = c + (e - c > 1 ? 2 : 1);
		l->text.n = (size_t)(e - l->text.p);
		return;
	}
	l->kind = mta_refused(p, e) ? LL_MTA_REFUSED : LL_UNKNOWN;
}

/* "dnsbl zone Z answered|suspended|restored|could not be tested|tested ..." */
static void parse_zone(const char *p, const char *e, struct logline *l)
{
	const char *z = p, *b;

	p = ll_skip_token(p, e);
	l->name.p = z;
	l->name.n = (size_t)(p - z);
	if (p < e)
		p++;
	if (l->name.n == 0) {
		malformed(l, "no zone name");
	} else if (ll_starts(p, e, "answered ")) {
		l->kind = LL_ZONE_ANSWER;
		l->text.p = p + 9;
		l->text.n = (size_t)(ll_skip_token(p + 9, e) - l->text.p);
		p = l->text.p + l->text.n;
		b = ll_starts(p, e, " for client [") ? p + 13 : NULL;
		p = b ? memchr(b, ']', (size_t)(e - b)) : NULL;
		if (p == NULL || l->text.n == 0) {
			malformed(l, "no answer or client");
			return;
		}
		l->client_ip.p = b;
		l->client_ip.n = (size_t)(p - b);
	} else if (ll_starts(p, e, "suspended: ") || ll_starts(p, e, "restored: ")) {
		l->kind = *p == 's' ? LL_ZONE_SUSPENDED : LL_ZONE_RESTORED;
		l->text.p = p + (*p == 's' ? 11 : 10);
		l->text.n = (size_t)(e - l->text.p);
	} else if (ll_starts(p, e, "could not be tested: ") || ll_starts(p, e, "tested: ")) {
		const char *semi;
		l->kind = *p == 'c' ? LL_ZONE_UNTESTED : LL_ZONE_TESTED;
		l->text.p = p + (*p == 'c' ? 21 : 8);
		/* the reason, without "; in use, tested again in N s" */
		semi = memchr(l->text.p, ';', (size_t)(e - l->text.p));
		l->text.n = (size_t)((semi != NULL ? semi : e) - l->text.p);
	} else {
		l->kind = LL_UNKNOWN;
	}
}

/* "spamd SERVER: requests=N failures=N in_flight=N [skipped_for_ms=N]", or
 * one of the GTUBE self-test's sentences (logsentence.c). */
static void parse_spamd(const char *p, const char *e, struct logline *l)
{
	const char *s = p + 6, *c;

	for (c = s; (c = memchr(c, ':', (size_t)(e - c))) != NULL; c++)
		if (ll_starts(c, e, ": requests="))
			break;
	if (c == NULL || c == s) {
		if (!ll_sentence(p, e, l))
			l->kind = LL_UNKNOWN;
		return;
	}
	l->kind = LL_SPAMD_COUNTERS;
	l->name.p = s;
	l->name.n = (size_t)(c - s);
	parse_fields(c + 2, e, l);
}

/* Is [p, e) a queue id followed by ": "? Returns the end of the id or NULL. */
static const char *queue_id(const char *p, const char *e)
{
	const char *s = p;

	while (p < e && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || IS_DIGIT(*p)))
		p++;
	return p > s && p - s <= 32 && e - p >= 2 && p[0] == ':' && p[1] == ' ' ? p : NULL;
}

static void parse_message(const char *p, const char *e, struct logline *l)
{
	const char *q;

	if (ll_starts(p, e, "warning: ")) {
		l->level = LL_WARNING;
		p += 9;
	} else if (ll_starts(p, e, "error: ")) {
		l->level = LL_ERROR;
		p += 7;
	}
	l->kind = LL_UNKNOWN;
	if (ll_starts(p, e, "close: "))
		parse_client_line(p + 7, e, l, LL_CLOSE);
	else if (ll_starts(p, e, "dnsbl zone "))
		parse_zone(p + 11, e, l);
	else if (ll_starts(p, e, "spamd "))
		parse_spamd(p, e, l);
	else if (ll_starts(p, e, "dns cache: ")) {
		l->kind = LL_DNS_CACHE;
		parse_fields(p + 11, e, l);
	} else if (ll_starts(p, e, "zone self-test: "))
		l->kind = LL_SELFTEST_ERROR;
	else if (ll_starts(p, e, "starting: "))
		l->kind = LL_STARTING;
	else if (ll_starts(p, e, "reload: "))
		l->kind = LL_RELOAD;
	else if (e - p == 8 && memcmp(p, "stopping", 8) == 0)
		l->kind = LL_STOPPING;
	else if (ll_starts(p, e, "resolver: "))
		l->kind = LL_RESOLVER_ERROR;
	else if (mta_refused(p, e))
		l->kind = LL_MTA_REFUSED;
	else if (ll_starts(p, e, "cannot start ") || ll_starts(p, e, "no memory"))
		l->kind = LL_INTERNAL;
	else if (l->level == LL_ERROR && config_error(p, e))
		l->kind = LL_CONFIG_ERROR;
	else if (ll_sentence(p, e, l))
		return;                 /* before queue ids: "helo: ", "stopping: " look like one */
	else if ((q = queue_id(p, e)) != NULL) {
		l->qid.p = p;
		l->qid.n = (size_t)(q - p);
		parse_queued(q + 2, e, l);
	}
	if (l->kind == LL_SELFTEST_ERROR || l->kind == LL_RESOLVER_ERROR) {
		q = memchr(p, ':', (size_t)(e - p));
		l->text.p = q + 2;
		l->text.n = (size_t)(e - l->text.p);
	}
}

/* " session=ID" (lowercase hex) that ends the line: the daemon writes it
 * last on a connection's lines (the scan line: before reason=, a field).
 * No outside value can end a line with it: values hold no blanks. Sets
 * l->session and returns the end of the line before it; e if none. */
static const char *trailing_session(const char *m, const char *e, struct logline *l)
{
	const char *p = e;

	while (p > m && (IS_DIGIT(p[-1]) || (p[-1] >= 'a' && p[-1] <= 'f')))
		p--;
	if (p == e || e - p > 32 || p - m < 9 || memcmp(p - 9, " session=", 9) != 0)
		return e;
	l->session.p = p;
	l->session.n = (size_t)(e - p);
	return p - 9;
}

void ll_parse(const char *line, size_t len, struct logline *l)
{
	const char *e = line + len, *m, *q;
	int ours;

	memset(l, 0, offsetof(struct logline, field));
	l->pid = -1;
	l->kind = LL_OTHER;
	while (e > line && (e[-1] == '\r' || e[-1] == '\n'))
		e--;
	l->line.p = line;
	l->line.n = (size_t)(e - line);
	m = ll_frame(line, e, l, &ours);
	if (m == NULL || !ours) {
		if (m == NULL)
			l->fmt = LL_FMT_NONE;
		l->pid = -1;
		l->has_time = 0;
		return;
	}
	if (m < e && *m == ' ')
		m++;
	l->msg.p = m;
	l->msg.n = (size_t)(e - m);
	if (m >= e) {
		malformed(l, "empty message");
		return;
	}
	/* the scan line ends with reason= (free text) or session=, a field */
	q = queue_id(m, e);
	parse_message(m, q != NULL && ll_starts(q + 2, e, "scan: ") ? e : trailing_session(m, e, l), l);
	if (l->session.p == NULL && l->kind != LL_MALFORMED)
		l->session = ll_get(l, LLK_SESSION);
}

int ll_long(struct ll_slice s, long *out)
{
	size_t i = 0;
	long v = 0;
	int neg = 0;

	if (s.p == NULL || s.n == 0)
		return -1;
	if (s.p[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == s.n || s.n - i > 15)
		return -1;
	for (; i < s.n; i++) {
		if (!IS_DIGIT(s.p[i]))
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

int ll_double(struct ll_slice s, double *out)
{
	size_t i = 0, nd = 0;
	double v = 0, scale = 1;
	int neg = 0, dot = 0;

	if (s.p == NULL || s.n == 0 || s.n > 24)
		return -1;
	if (s.p[0] == '-' || s.p[0] == '+') {
		neg = s.p[0] == '-';
		i = 1;
	}
	for (; i < s.n; i++) {
		if (s.p[i] == '.' && !dot) {
			dot = 1;
		} else if (IS_DIGIT(s.p[i])) {
			nd++;
			if (dot)
				scale /= 10;
			v = v * 10 + (s.p[i] - '0');
		} else {
			return -1;
		}
	}
	if (nd == 0)
		return -1;
	v *= scale;
	*out = neg ? -v : v;
	return 0;
}

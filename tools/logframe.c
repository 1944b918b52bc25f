/*
 * logframe.c - the frame of a log line: priority, time stamp, host and
 * program, in the formats of logline.h; and the time arithmetic.
 *
 * Does:    tell doorman's lines from the rest by the program's tag first (a
 *          mail log is mostly Postfix's lines), then check their time stamp:
 *          BSD syslog, ISO 8601 (rsyslog, journalctl -o short-iso, doorman's
 *          stderr), RFC 5424 with its structured data.
 * Returns: where the message starts, or NULL for a line without a frame.
 * Never:   applies a time zone (times are as written), reads past e.
 */
#include <stddef.h>
#include <string.h>

#include "logline.h"
#include "logscan.h"

/* n digits at p (all present and digits) as a number, or -1. */
static int digits(const char *p, const char *e, int n)
{
	int v = 0, i;

	if (e - p < n)
		return -1;
	for (i = 0; i < n; i++) {
		if (!IS_DIGIT(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* "hh:mm:ss[.frac]" at p; returns the end or NULL. */
static const char *parse_clock(const char *p, const char *e, struct ll_time *t)
{
	int i;

	t->hour = digits(p, e, 2);
	if (t->hour < 0 || t->hour > 23 || e - p < 8 || p[2] != ':' || p[5] != ':')
		return NULL;
	t->min = digits(p + 3, e, 2);
	t->sec = digits(p + 6, e, 2);
	if (t->min < 0 || t->min > 59 || t->sec < 0 || t->sec > 60)
		return NULL;
	p += 8;
	t->ms = 0;
	if (p < e && *p == '.') {
		for (p++, i = 0; p < e && IS_DIGIT(*p); p++, i++)
			if (i < 3)
				t->ms = t->ms * 10 + (*p - '0');
		if (i == 0)
			return NULL;
		for (; i < 3; i++)
			t->ms *= 10;
	}
	return p;
}

static int days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* "YYYY-MM-DD" at p; returns the end or NULL. */
static const char *parse_date(const char *p, const char *e, struct ll_time *t)
{
	t->year = digits(p, e, 4);
	if (t->year < 1970 || e - p < 10 || p[4] != '-' || p[7] != '-')
		return NULL;
	t->mon = digits(p + 5, e, 2);
	t->day = digits(p + 8, e, 2);
	if (t->mon < 1 || t->mon > 12 || t->day < 1 || t->day > days_in_month(t->year, t->mon))
		return NULL;
	return p + 10;
}

/* ISO 8601 / RFC 3339 time stamp; the offset is read and ignored (times are
 * taken as written). Returns the end or NULL. */
static const char *parse_iso(const char *p, const char *e, struct ll_time *t)
{
	p = parse_date(p, e, t);
	if (p == NULL || p >= e || (*p != 'T' && *p != ' '))
		return NULL;
	p = parse_clock(p + 1, e, t);
	if (p == NULL)
		return NULL;
	if (p < e && *p == 'Z')
		return p + 1;
	if (p < e && (*p == '+' || *p == '-')) {
		if (digits(p + 1, e, 2) < 0)
			return NULL;
		p += 3;
		if (p < e && *p == ':')
			p++;
		if (digits(p, e, 2) < 0)
			return NULL;
		p += 2;
	}
	return p;
}

/* "Dec  1 05:38:01" (journalctl -o short: "Dec 01"); returns the end or NULL. */
static const char *parse_bsd(const char *p, const char *e, struct ll_time *t)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int m;

	if (e - p < 15)
		return NULL;
	for (m = 0; m < 12; m++)
		if (memcmp(p, months + 3 * m, 3) == 0)
			break;
	if (m == 12 || p[3] != ' ')
		return NULL;
	t->year = 0;
	t->mon = m + 1;
	p += 4;
	if (*p == ' ')
		p++;
	if (!IS_DIGIT(*p))
		return NULL;
	t->day = *p++ - '0';
	if (p < e && IS_DIGIT(*p))
		t->day = t->day * 10 + (*p++ - '0');
	if (t->day < 1 || t->day > 31 || p >= e || *p != ' ')
		return NULL;
	return parse_clock(p + 1, e, t);
}

/* doorman's program tag "doorman[812]:" or "doorman:" at p: returns its end
 * (after ':') and sets *pid, or NULL when the token is anything else. */
static const char *our_tag(const char *p, const char *e, long *pid)
{
	long v = -1;

	if (e - p < 8 || memcmp(p, "doorman", 7) != 0)
		return NULL;
	p += 7;
	if (*p == '[') {
		for (v = 0, p++; p < e && IS_DIGIT(*p) && v < 100000000; p++)
			v = v * 10 + (*p - '0');
		if (p >= e || *p != ']' || p[-1] == '[')
			return NULL;
		p++;
	}
	if (p >= e || *p != ':')
		return NULL;
	*pid = v;
	return p + 1;
}


/* After a time stamp: "[host ]tag: message". Only doorman's tag is parsed;
 * for other programs it is enough to know that the line is not ours. */
static const char *parse_host_tag(const char *p, const char *e, struct logline *l, int *ours)
{
	const char *m, *t;

	if (p >= e || *p != ' ')
		return NULL;
	p++;
	m = our_tag(p, e, &l->pid);
	if (m != NULL) {                        /* no host: doorman's stderr format */
		if (l->fmt == LL_FMT_ISO)
			l->fmt = LL_FMT_STDERR;
		*ours = 1;
		return m;
	}
	t = ll_skip_token(p, e);
	if (t >= e || t == p)
		return NULL;
	if (t[-1] == ':')                       /* another program, no host */
		return t;
	m = our_tag(t + 1, e, &l->pid);
	*ours = m != NULL;
	return m ? m : t;
}

/* RFC 5424 structured data: "-" or one or more [id k="v" ...] elements. */
static const char *skip_sd(const char *p, const char *e)
{
	if (p < e && *p == '-')
		return p + 1;
	while (p < e && *p == '[') {
		int quoted = 0;
		for (p++; p < e; p++) {
			if (quoted && *p == '\\' && p + 1 < e)
				p++;
			else if (*p == '"')
				quoted = !quoted;
			else if (!quoted && *p == ']')
				break;
		}
		if (p >= e)
			return NULL;
		p++;
	}
	return p;
}

/* "1 TIMESTAMP HOST APP PROCID MSGID SD [MSG]" after the PRI. */
static const char *parse_5424(const char *p, const char *e, struct logline *l, int *ours)
{
	const char *s;
	long v = 0;

	l->fmt = LL_FMT_RFC5424;
	p += 2;
	if (ll_starts(p, e, "- ")) {
		p++;
	} else {
		p = parse_iso(p, e, &l->t);
		if (p == NULL)
			return NULL;
		l->has_time = 1;
	}
	if (p >= e || *p != ' ')
		return NULL;
	p = ll_skip_token(p + 1, e);               /* HOSTNAME */
	if (p >= e)
		return NULL;
	s = ++p;
	p = ll_skip_token(p, e);                   /* APP-NAME */
	*ours = p - s == 7 && memcmp(s, "doorman", 7) == 0;
	if (p >= e)
		return NULL;
	for (s = ++p; p < e && IS_DIGIT(*p) && v < 100000000; p++)
		v = v * 10 + (*p - '0');
	l->pid = p > s ? v : -1;
	p = ll_skip_token(p, e);                   /* PROCID ("-" or digits) */
	if (p >= e)
		return NULL;
	p = ll_skip_token(p + 1, e);               /* MSGID */
	if (p >= e)
		return NULL;
	p = skip_sd(p + 1, e);
	if (p == NULL)
		return NULL;
	if (p < e && *p == ' ')
		p++;
	if (ll_starts(p, e, "\xef\xbb\xbf"))       /* BOM */
		p += 3;
	return p;
}

/* The frame: returns the start of the message, or NULL (not a syslog-like
 * line at all); *ours says whether the program is doorman. The program is
 * found first, by the frame's shape: the time stamp is parsed (and must be
 * valid) only on doorman's lines, most lines of a mail log being Postfix's. */
const char *ll_frame(const char *p, const char *e, struct logline *l, int *ours)
{
	const char *q, *ts, *m;

	*ours = 0;
	if (p < e && *p == '<') {               /* a PRI, as in raw or RFC 5424 lines */
		for (q = p + 1; q < e && q - p <= 4 && IS_DIGIT(*q); q++)
			;
		if (q == p + 1 || q >= e || *q != '>')
			return NULL;
		p = q + 1;
	}
	if (e - p > 2 && p[0] == '1' && p[1] == ' ')
		return parse_5424(p, e, l, ours);
	ts = p;
	if (p < e && IS_DIGIT(*p)) {
		l->fmt = LL_FMT_ISO;
		p = ll_skip_token(p, e);
	} else {
		l->fmt = LL_FMT_BSD;
		if (e - p < 15)
			return NULL;
		p += 15;
	}
	m = parse_host_tag(p, e, l, ours);
	if (m == NULL || !*ours)
		return m;
	q = l->fmt == LL_FMT_BSD ? parse_bsd(ts, e, &l->t) : parse_iso(ts, e, &l->t);
	if (q != p) {
		*ours = 0;
		return NULL;
	}
	l->has_time = 1;
	return m;
}

int64_t ll_time_seconds(const struct ll_time *t)
{
	/* days from civil (proleptic Gregorian), after H. Hinnant */
	int y = t->year - (t->mon <= 2);
	int era = y / 400;
	int yoe = y - era * 400;
	int doy = (153 * (t->mon + (t->mon > 2 ? -3 : 9)) + 2) / 5 + t->day - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + doe - 719468;

	return days * 86400 + t->hour * 3600 + t->min * 60 + t->sec;
}

int ll_parse_when(const char *s, int64_t *out)
{
	const char *e = s + strlen(s), *p;
	struct ll_time t;

	memset(&t, 0, sizeof(t));
	p = parse_date(s, e, &t);
	if (p == NULL)
		return -1;
	if (p < e) {
		if (*p != 'T' && *p != ' ')
			return -1;
		t.hour = digits(p + 1, e, 2);
		p += 3;
		if (t.hour < 0 || t.hour > 23)
			return -1;
		if (p < e) {
			t.min = p[0] == ':' ? digits(p + 1, e, 2) : -1;
			p += 3;
			if (t.min < 0 || t.min > 59)
				return -1;
		}
		if (p < e) {
			t.sec = p[0] == ':' ? digits(p + 1, e, 2) : -1;
			p += 3;
			if (t.sec < 0 || t.sec > 59)
				return -1;
		}
		if (p != e)
			return -1;
	}
	*out = ll_time_seconds(&t);
	return 0;
}

/*
 * headers.c - build the values of the X-Spam-* headers, the tagged Subject
 * and the synthesized Received header.
 *
 * Every value goes to libmilter as "text" or "text\n\ttext" (LF + TAB is the
 * only line break libmilter expects in a value; the MTA adds the CRs). All
 * outside text is cleaned here, whatever the caller did before: a HELO, a
 * PTR name, a Subject or a spamd report can never add a header line, a CR
 * or a NUL. Builders write atomically piece by piece, so a value cut to fit
 * never ends in a fold or half a test name. No locale: numbers and dates
 * are formatted by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "envelope.h"
#include "headers.h"
#include "netaddr.h"

#define STATUS_COL  15      /* strlen("X-Spam-Status: "), also X-Spam-Report */
#define SCORE_CLAMP 99999.9

/* ------------------------------------------------------------- the writer */

struct hw {
	char *out;
	size_t size, len;
	size_t col;             /* characters on the current physical line */
	int fresh;              /* nothing written on this physical line yet */
	int cut;                /* something did not fit; later writes are refused */
};

static void hw_init(struct hw *w, char *out, size_t size, size_t col)
{
	w->out = out;
	w->size = size;
	w->len = 0;
	w->col = col;
	w->fresh = 1;
	w->cut = 0;
	if (size)
		out[0] = '\0';
}

static int hw_fits(struct hw *w, size_t n)
{
	if (w->cut || w->size == 0 || w->len + n >= w->size) {
		w->cut = 1;
		return 0;
	}
	return 1;
}

static void hw_raw(struct hw *w, const char *s, size_t n)
{
	memcpy(w->out + w->len, s, n);
	w->len += n;
	w->out[w->len] = '\0';
	w->col += n;
	if (n)
		w->fresh = 0;
}

/* Append s[0..n) whole or not at all. */
static int hw_put(struct hw *w, const char *s, size_t n)
{
	if (!hw_fits(w, n))
		return -1;
	hw_raw(w, s, n);
	return 0;
}

static void hw_newline(struct hw *w)
{
	hw_raw(w, "\n\t", 2);
	w->col = 1;
	w->fresh = 1;
}

/* Append "\n\t" + s[0..n) whole or not at all. */
static int hw_line(struct hw *w, const char *s, size_t n)
{
	if (!hw_fits(w, 2 + n))
		return -1;
	hw_newline(w);
	hw_raw(w, s, n);
	return 0;
}

/* Append a word after nblank blanks, or fold before it (dropping the
 * blanks) when the line would pass HDR_FOLD_WIDTH. */
static int hw_word(struct hw *w, const char *s, size_t n, size_t nblank)
{
	/* fresh lines never fold, except the first when it would overflow */
	if ((!w->fresh || (w->len == 0 && w->col > 1)) && w->col + nblank + n > HDR_FOLD_WIDTH)
		return hw_line(w, s, n);
	if (!hw_fits(w, nblank + n))
		return -1;
	while (nblank--)
		hw_raw(w, " ", 1);
	hw_raw(w, s, n);
	return 0;
}

/* ---------------------------------------------------------------- cleaning */

/* Drop a UTF-8 sequence left incomplete at the end of out[0..n). */
static size_t utf8_backoff(const char *out, size_t n)
{
	size_t k = n, cont = 0, need;
	unsigned char lead;

	while (k > 0 && cont < 3 && ((unsigned char)out[k - 1] & 0xc0) == 0x80) {
		k--;
		cont++;
	}
	if (k == 0)
		return n;
	lead = (unsigned char)out[k - 1];
	if (lead >= 0xf0)
		need = 3;
	else if (lead >= 0xe0)
		need = 2;
	else if (lead >= 0xc0)
		need = 1;
	else
		return n;
	return cont < need ? k - 1 : n;
}

int hdr_clean_value(char *out, size_t outlen, const char *src, size_t len, size_t max,
                    unsigned flags)
{
	size_t i = 0, n = 0, cap;
	int cut = 0;

	if (outlen == 0)
		return -1;
	cap = outlen - 1 < max ? outlen - 1 : max;
	if (src == NULL)
		len = 0;
	while (i < len) {
		unsigned char c = (unsigned char)src[i];
		char o;

		if (c == '\r' || c == '\n') {
			/* a fold unfolds as RFC 5322 3.2.2 says: the line break goes,
			 * the blanks after it stay (so folding our own output and
			 * cleaning it again gives it back); a forged line break, not
			 * followed by a blank, becomes one blank */
			while (i < len && (src[i] == '\r' || src[i] == '\n'))
				i++;
			if (i < len && (src[i] == ' ' || src[i] == '\t'))
				continue;
			o = ' ';
		} else {
			i++;
			if (c == '\t')
				o = ' ';
			else if (c < 0x20 || c == 0x7f)
				o = '?';
			else if (c >= 0x80 && !(flags & HDR_KEEP_8BIT))
				o = '?';
			else
				o = (char)c;
		}
		if (n == cap) {
			cut = 1;
			break;
		}
		out[n++] = o;
	}
	if (cut && (flags & HDR_KEEP_8BIT))
		n = utf8_backoff(out, n);
	out[n] = '\0';
	return cut;
}

/* ------------------------------------------------------------------ scores */

static long score_tenths(double s)
{
	s = s != s ? 0 : s > SCORE_CLAMP ? SCORE_CLAMP : s < -SCORE_CLAMP ? -SCORE_CLAMP : s;
	return (long)(s * 10 + (s < 0 ? -0.5 : 0.5));
}

static void fmt_score(char buf[24], double s)
{
	long t = score_tenths(s);

	snprintf(buf, 24, "%s%ld.%ld", t < 0 ? "-" : "", labs(t) / 10, labs(t) % 10);
}

int hdr_spam_score(char *out, size_t outlen, double score)
{
	char buf[24];

	if (outlen == 0)
		return -1;
	fmt_score(buf, score);
	if (strlen(buf) >= outlen) {
		out[0] = '\0';
		return 1;
	}
	memcpy(out, buf, strlen(buf) + 1);
	return 0;
}

int hdr_spam_level(char *out, size_t outlen, double score)
{
	long n = score_tenths(score) / 10;
	size_t k;

	if (outlen == 0)
		return -1;
	n = n < 0 ? 0 : n > HDR_LEVEL_MAX ? HDR_LEVEL_MAX : n;
	k = (size_t)n < outlen - 1 ? (size_t)n : outlen - 1;
	memset(out, '*', k);
	out[k] = '\0';
	return k < (size_t)n;
}

/* ------------------------------------------------------------- X-Spam-Status */

#define RULE_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"

int hdr_spam_status(char *out, size_t outlen, int is_spam, double score, double required,
                    const char *tests)
{
	struct hw w;
	char word[160], sc[24], rq[24];
	const char *p, *q, *next;
	int first = 1;

	hw_init(&w, out, outlen, STATUS_COL);
	fmt_score(sc, score);
	fmt_score(rq, required);
	hw_word(&w, is_spam ? "Yes," : "No,", is_spam ? 4 : 3, 0);
	snprintf(word, sizeof(word), "score=%s", sc);
	hw_word(&w, word, strlen(word), 1);
	snprintf(word, sizeof(word), "required=%s", rq);
	hw_word(&w, word, strlen(word), 1);
	for (p = tests ? tests : ""; *p; p = next) {
		size_t n, nb;

		q = strchr(p, ',');
		next = q ? q + 1 : p + strlen(p);
		n = (size_t)((q ? q : next) - p);
		if (n == 0 || n > 100 || strspn(p, RULE_CHARS) != n)
			continue;
		/* SpamAssassin's shape: commas end a line, a fold follows one */
		if (!first && hw_put(&w, ",", 1) < 0)
			break;
		snprintf(word, sizeof(word), "%s%.*s", first ? "tests=" : "", (int)n, p);
		nb = first ? 1 : 0;
		/* +1: room for the comma that may follow */
		if ((!w.fresh && w.col + nb + strlen(word) + 1 > HDR_FOLD_WIDTH ?
		     hw_line(&w, word, strlen(word)) : hw_word(&w, word, strlen(word), nb)) < 0) {
			if (!first)
				w.out[--w.len] = '\0';     /* no dangling comma */
			break;
		}
		first = 0;
	}
	if (tests != NULL && first && !w.cut)
		hw_word(&w, "tests=none", 10, 1);
	/* SpamAssassin's last two items: spamd's replies to CHECK, SYMBOLS and
	 * REPORT carry neither, so they say so in SpamAssassin's own words */
	hw_word(&w, "autolearn=" HDR_STATUS_AUTOLEARN, strlen("autolearn=" HDR_STATUS_AUTOLEARN), 1);
	hw_word(&w, "version=" HDR_STATUS_VERSION, strlen("version=" HDR_STATUS_VERSION), 1);
	return w.cut;
}

int hdr_spam_unscanned(char *out, size_t outlen, const char *reason)
{
	char clean[HDR_FIELD_MAX + 1], piece[HDR_FIELD_MAX + 4];
	struct hw w;

	hw_init(&w, out, outlen, STATUS_COL);
	hw_put(&w, "unscanned", 9);
	hdr_clean_value(clean, sizeof(clean), reason, reason ? strlen(reason) : 0,
	                HDR_FIELD_MAX, 0);
	if (clean[0] && !w.cut) {
		snprintf(piece, sizeof(piece), " (%s)", clean);
		hw_put(&w, piece, strlen(piece));
	}
	return w.cut;
}

/* ------------------------------------------------------------- X-Spam-Report */

/* One cleaned report line into the writer, words folded, leading blanks kept. */
static void report_line(struct hw *w, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t nb = 0, start;

		while (i < n && s[i] == ' ') {
			i++;
			nb++;
		}
		start = i;
		while (i < n && s[i] != ' ')
			i++;
		if (i == start)
			break;  /* trailing blanks */
		/* indentation (a fresh line never folds) only as far as the word,
		 * or the first piece of a longer one, still fits the line */
		if (w->fresh) {
			size_t wl = i - start <= HDR_FOLD_WIDTH - 1 ? i - start : 1;

			if (w->col + nb + wl > HDR_FOLD_WIDTH)
				nb = w->col + wl < HDR_FOLD_WIDTH ? HDR_FOLD_WIDTH - w->col - wl : 0;
		}
		if (i - start <= HDR_FOLD_WIDTH - 1) {
			if (hw_word(w, s + start, i - start, nb) < 0)
				return;
			continue;
		}
		/* longer than any line: fill this line, then whole lines (it is text, not a name) */
		if (w->col + nb < HDR_FOLD_WIDTH) {
			size_t room = HDR_FOLD_WIDTH - w->col - nb;

			if (hw_word(w, s + start, room, nb) < 0)
				return;
			start += room;
		}
		while (start < i) {
			size_t k = i - start < HDR_FOLD_WIDTH - 1 ? i - start : HDR_FOLD_WIDTH - 1;

			if (hw_line(w, s + start, k) < 0)
				return;
			start += k;
		}
	}
}

int hdr_spam_report(char *out, size_t outlen, const char *report, size_t len)
{
	char line[HDR_REPORT_MAX + 1];
	struct hw w;
	size_t i = 0;
	int cut = 0;

	hw_init(&w, out, outlen, STATUS_COL);
	if (report == NULL)
		len = 0;
	if (len > HDR_REPORT_MAX) {
		const char *nl = memrchr(report, '\n', HDR_REPORT_MAX);

		len = nl ? (size_t)(nl - report) : HDR_REPORT_MAX;
		cut = 1;
	}
	while (i < len && !w.cut) {
		size_t n = 0, saved = w.len, savedcol = w.col;
		int savedfresh = w.fresh, blank = 1;

		for (; i < len && report[i] != '\n'; i++) {
			unsigned char c = (unsigned char)report[i];

			if (c == '\t')
				c = ' ';
			if (c < 0x20 || c == 0x7f)
				continue;       /* CR, NUL and other controls: stripped */
			line[n++] = c >= 0x80 ? '?' : (char)c;
			if (c != ' ')
				blank = 0;
		}
		i++;                            /* the LF */
		if (blank)
			continue;
		if (w.len > 0) {
			if (!hw_fits(&w, 2))
				break;
			hw_newline(&w);
		}
		report_line(&w, line, n);
		if (w.cut) {
			/* whole lines only */
			w.len = saved;
			w.col = savedcol;
			w.fresh = savedfresh;
			if (outlen)
				out[saved] = '\0';
		}
	}
	return w.cut || cut ? 1 : 0;
}

/* ----------------------------------------------------------------- Subject */

/* Fold text (one line, blanks between words) into out as a header value
 * that starts at column col: a break is "\n" put before one of the blanks,
 * so unfolding gives the text back byte for byte, with two exceptions that
 * keep every physical line within HDR_LINE_MAX (RFC 5322 2.1.1): a word too
 * long for a line is broken between two characters by "\n " (unfolded, a
 * blank more), and a run of blanks is at most HDR_FOLD_WIDTH long (a
 * trailing one also ends at the line limit). Returns 0, or 1 when out was
 * too small (then it holds as much as fits: never half a UTF-8 character,
 * never ending in a fold). */
static int fold_text(char *out, size_t outlen, const char *text, size_t col)
{
	size_t i = 0, n = 0, len = strlen(text);
	int brk = 0;    /* the last piece was a word cut at the line limit */

	while (i < len) {
		size_t nb = 0, w = 0, take, start, pre, need, k;
		int fold;

		while (i + nb < len && text[i + nb] == ' ')
			nb++;
		while (i + nb + w < len && text[i + nb + w] != ' ')
			w++;
		i += nb;                        /* text + i: the word */
		if (nb > HDR_FOLD_WIDTH)
			nb = HDR_FOLD_WIDTH;
		if (w == 0 && col + nb > HDR_LINE_MAX)
			nb = HDR_LINE_MAX - col;
		fold = brk || (nb > 0 && w > 0 && col + nb + w > HDR_FOLD_WIDTH);
		pre = brk ? 2 : fold ? 1 : 0;   /* "\n " or "\n" first */
		start = brk ? 1 : fold ? nb : col + nb;
		take = w;
		if (start + w > HDR_LINE_MAX) {
			/* break the word, between whole characters (a stray
			 * continuation byte run is cut after 3) */
			take = HDR_LINE_MAX - start;
			for (k = 0; k < 3 && take > 1 && ((unsigned char)text[i + take] & 0xc0) == 0x80; k++)
				take--;
		}
		need = pre + nb + take;
		if (n + need >= outlen) {
			/* the rest does not fit: what fits of it, whole characters only */
			size_t room = pre ? 0 : outlen - 1 - n, b = room < nb ? room : nb, keep;

			memset(out + n, ' ', b);
			memcpy(out + n + b, text + i, room - b);
			/* back off a half character of this word only: a word
			 * already written stays, even one that ends in a stray
			 * lead byte, or a fold would be left with blanks alone */
			keep = utf8_backoff(out, n + room);
			n = keep > n ? keep : n;
			out[n] = '\0';
			return 1;
		}
		if (pre > 0) {
			out[n++] = '\n';
			col = 0;
		}
		if (pre > 1) {
			out[n++] = ' ';
			col = 1;
		}
		memset(out + n, ' ', nb);
		memcpy(out + n + nb, text + i, take);
		n += nb + take;
		col += nb + take;
		i += take;
		brk = take < w;
	}
	out[n] = '\0';
	return 0;
}

/* Runs of blanks in s no longer than HDR_FOLD_WIDTH, in place. */
static void cap_blank_runs(char *s)
{
	char *w = s;
	size_t run = 0;

	for (; *s != '\0'; s++) {
		run = *s == ' ' ? run + 1 : 0;
		if (run <= HDR_FOLD_WIDTH)
			*w++ = *s;
	}
	*w = '\0';
}

int hdr_subject_tag(char *out, size_t outlen, const char *old, const char *tag)
{
	char t[HDR_FIELD_MAX + 1];
	size_t tl, ol = old ? strnlen(old, HDR_SUBJECT_MAX) : 0;
	char *o, *os, *text;
	int cut = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if ((o = malloc(ol + 1)) == NULL || (text = malloc(HDR_FIELD_MAX + 2 + ol)) == NULL) {
		free(o);
		return -1;
	}
	hdr_clean_value(t, sizeof(t), tag, tag ? strlen(tag) : 0, HDR_FIELD_MAX, 0);
	hdr_clean_value(o, ol + 1, old, ol, ol, HDR_KEEP_8BIT);
	cap_blank_runs(t);      /* as fold_text does, so that a tagged Subject shows this tag */
	tag = t;
	while (*tag == ' ')
		tag++;
	tl = strlen(tag);
	while (tl > 0 && tag[tl - 1] == ' ')
		tl--;
	for (os = o; *os == ' '; os++)
		;
	ol = strlen(os);
	if (tl == 0 || (ol >= tl && strncasecmp(os, tag, tl) == 0) || tl + 1 >= outlen) {
		cut = tl > 0 && tl + 1 >= outlen;      /* no room for the tag: the old subject, not nothing */
		memcpy(text, os, ol + 1);
	} else {
		memcpy(text, tag, tl);
		text[tl] = ' ';
		memcpy(text + tl + (ol ? 1 : 0), os, ol + 1);
		text[tl + (ol ? 1 : 0) + ol] = '\0';
	}
	if (fold_text(out, outlen, text, strlen("Subject: ")))
		cut = 1;
	free(o);
	free(text);
	return cut;
}

/* ------------------------------------------------------------ X-Doorman */

#define EXPLAIN_COL 11      /* strlen("X-Doorman: ") */

/* One "key=value" item, the value cleaned, after "; " unless first. */
static void explain_item(struct hw *w, const char *key, const char *value, const char *paren)
{
	char v[HDR_FIELD_MAX + 1], p[HDR_FIELD_MAX + 1], item[2 * HDR_FIELD_MAX + 48];
	int n;

	hdr_clean_value(v, sizeof(v), value, value ? strlen(value) : 0, HDR_FIELD_MAX, 0);
	hdr_clean_value(p, sizeof(p), paren, paren ? strlen(paren) : 0, HDR_FIELD_MAX, 0);
	n = snprintf(item, sizeof(item), "%s=%s%s%s%s", key, v[0] ? v : "-", p[0] ? " (" : "", p, p[0] ? ")" : "");
	if (n < 0)
		return;
	if (w->len > 0 && hw_put(w, ";", 1) < 0)
		return;
	hw_word(w, item, (size_t)n, w->len > 0);
}

int hdr_explain(char *out, size_t outlen, const struct hdr_explain *e)
{
	char score[16];
	struct hw w;

	hw_init(&w, out, outlen, EXPLAIN_COL);
	if (e == NULL)
		return -1;
	snprintf(score, sizeof(score), "%d", e->dnsbl);
	explain_item(&w, "policy", e->policy, NULL);
	explain_item(&w, "findings", e->helo, e->helo_how);
	explain_item(&w, "dnsbl", score, e->zones);
	explain_item(&w, "rdns", e->rdns, NULL);
	if (e->spam != NULL)
		explain_item(&w, "spam", e->spam, NULL);
	if (e->session != NULL)
		explain_item(&w, "session", e->session, NULL);
	return w.cut ? 1 : 0;
}

/* ---------------------------------------------------------------- Received */

int hdr_date(char *out, size_t outlen, time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	int n;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < 0 || tm.tm_year > 9999 - 1900 ||
	    tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 || tm.tm_mon > 11)
		return -1;
	n = snprintf(out, outlen, "%s, %d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
	             tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	             tm.tm_sec);
	if (n < 0 || (size_t)n >= outlen) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

static int is_host_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_' || c == ':';
}

/* Hostname characters only; '[' ']' kept around an address literal. Empty
 * or NULL gives dflt. out must hold HDR_FIELD_MAX + 1 bytes. */
static void host_token(char *out, const char *s, const char *dflt)
{
	size_t n, i;
	int literal;

	n = s ? strnlen(s, HDR_FIELD_MAX) : 0;
	if (n == 0) {
		snprintf(out, HDR_FIELD_MAX + 1, "%s", dflt);
		return;
	}
	literal = n >= 3 && s[0] == '[' && s[n - 1] == ']';
	for (i = 0; i < n; i++)
		out[i] = is_host_char(s[i]) || (literal && (i == 0 || i == n - 1)) ? s[i] : '?';
	out[n] = '\0';
}

/* "192.0.2.7" or "IPv6:2001:db8::7" for the bracket; also accepts the
 * address in brackets or with sendmail's "IPv6:" prefix. Returns 0 or -1. */
static int addr_literal(const char *s, char *out, size_t outlen)
{
	char tmp[64], fmt[64];
	struct dm_addr a;
	size_t n;

	if (s == NULL || (n = strnlen(s, sizeof(tmp))) >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n + 1);
	s = tmp;
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		tmp[--n] = '\0';
		s++;
	}
	if (strncasecmp(s, "IPv6:", 5) == 0)
		s += 5;
	if (dm_addr_parse(s, &a) < 0)
		return -1;
	dm_addr_format(&a, fmt, sizeof(fmt));
	snprintf(out, outlen, "%s%s", a.family == AF_INET6 ? "IPv6:" : "", fmt);
	return 0;
}

/* " (TLSv1.3:CIPHER:256)" when the MTA said the session is encrypted. */
static void tls_comment(char *out, size_t outlen, const struct hdr_received *r)
{
	char v[HDR_FIELD_MAX + 1], c[HDR_FIELD_MAX + 1], b[HDR_FIELD_MAX + 1];

	out[0] = '\0';
	if (r->tls_version == NULL || r->tls_version[0] == '\0')
		return;
	host_token(v, r->tls_version, "unknown");
	host_token(c, r->tls_cipher, "unknown");
	host_token(b, r->tls_bits, "0");
	snprintf(out, outlen, " (%s:%s:%s)", v, c, b);
}

int hdr_received(char *out, size_t outlen, const struct hdr_received *r)
{
	char helo[HDR_FIELD_MAX + 1], name[HDR_FIELD_MAX + 1], host[HDR_FIELD_MAX + 1];
	char qid[HDR_FIELD_MAX + 1], proto[16], addr[80], date[32], id[HDR_FIELD_MAX + 8];
	char env[ENV_ADDR_MAX + 1], envc[ENV_ADDR_MAX + 24], tls[3 * HDR_FIELD_MAX + 8];
	int n;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (r == NULL || addr_literal(r->client_addr, addr, sizeof(addr)) < 0 ||
	    hdr_date(date, sizeof(date), r->when) < 0)
		return -1;
	host_token(helo, r->helo, "unknown");
	/* libmilter's connect name is "[ip]" when there is no PTR */
	host_token(name, r->client_name && r->client_name[0] != '[' ? r->client_name : NULL,
	           "unknown");
	host_token(host, r->our_host, "unknown");
	host_token(qid, r->queue_id, "");
	n = r->proto ? (int)strspn(r->proto, RULE_CHARS) : 0;
	snprintf(proto, sizeof(proto), "%s",
	         n > 0 && n < 10 && r->proto[n] == '\0' ? r->proto : "ESMTP");
	id[0] = '\0';
	if (qid[0])
		snprintf(id, sizeof(id), " id %s", qid);
	envc[0] = '\0';
	/* a blank or ';' (a quoted local part may hold them) would end the
	 * comment's address or the header's items for SpamAssassin's parser:
	 * such a sender is left to X-Envelope-From */
	if (r->env_from != NULL && env_address(env, sizeof(env), r->env_from) == 0 &&
	    strpbrk(env, " ;") == NULL)
		snprintf(envc, sizeof(envc), "\n\t(envelope-from <%s>)", env);
	tls_comment(tls, sizeof(tls), r);
	n = snprintf(out, outlen, "from %s (%s [%s])%s\n\tby %s (doorman) with %s%s%s;\n\t%s",
	             helo, name, addr, envc, host, proto, tls, id, date);
	if (n < 0 || (size_t)n >= outlen) {
		/* half a Received header would mislead spamd's trust path */
		out[0] = '\0';
		return -1;
	}
	return 0;
}

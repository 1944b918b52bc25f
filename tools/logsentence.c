/*
 * logsentence.c - doorman's lines that are fixed sentences with a few values
 * in them (descriptors running short, the spamd GTUBE self-test, the HELO
 * cap, configuration warnings, every DNS list suspended, stops that wait or
 * cut sessions), told apart by a table: one row per kind.
 *
 * Does:    match the message against a row's lead (the words that name the
 *          kind), then its rest (what doorman(8) says follows); the values
 *          go into the logline's num[], name and text slices. Whatever
 *          follows the rest is ignored: the daemon may say more.
 * Returns: 1 with the kind set, or LL_MALFORMED when a lead matches and its
 *          rest does not (a cut line); 0 when no lead matches.
 * Never:   reads past e, allocates, or takes a client's text for the
 *          daemon's: a HELO name runs to the LAST place where the daemon's
 *          own words after it appear.
 */
#include <string.h>

#include "logline.h"
#include "logscan.h"

/* A pattern is literal bytes, and:
 *   '#'  1 to 15 digits              -> num[] in order
 *   '*'  the shortest text (1 byte or more) before the literal that follows
 *   '%'  the longest text (maybe empty) before the literal that follows
 * '*' and '%' are captured in order: name, then text (see the flags). */
#define S_CLIENT 1u        /* the first text is "name[ip]": the client, not name */
#define S_WHOLE 2u         /* text is the whole message */
#define MAX_TEXTS 2

struct sentence {
	const char *lead, *rest;
	enum ll_kind kind;
	unsigned flags;
	const char *why;       /* LL_MALFORMED when the rest does not match */
};

static const struct sentence sentences[] = {
	{ "file descriptors: # DNS and ", "# spamd sockets could not be opened (limit #)", LL_FD_SHORT, 0,
	  "no \"M spamd sockets could not be opened (limit L)\"" },
	{ "file descriptors: * of the limit ", "# in use, # sessions open", LL_FD_NEAR, 0,
	  "no \"L in use, S sessions open\"" },
	{ "spamd * does not flag GTUBE (", "*)", LL_SPAMD_GTUBE_MISS, 0, "no GTUBE verdict in parentheses" },
	{ "spamd * flags GTUBE again", "", LL_SPAMD_GTUBE_BACK, 0, NULL },
	{ "helo: client=", "* helo=<%> is the HELO name number # of the session", LL_HELO_CAPPED, S_CLIENT,
	  "no client=name[address], helo=<...> or HELO name number" },
	{ "[*] is on (policy ", "*) but ", LL_CONFIG_WARNING, S_WHOLE, "no \"LIST) but\"" },
	{ "every DNS list is suspended by its self-test", "", LL_ZONES_ALL_SUSPENDED, 0, NULL },
	{ "a DNS list passed its self-test again", "", LL_ZONES_BACK, 0, NULL },
	{ "stopping: waiting for ", "# open sessions (at most # ms)", LL_STOP_DRAIN, 0,
	  "no \"N open sessions (at most T ms)\"" },
	{ "stopping with ", "# sessions open", LL_STOP_CUT, 0, "no \"N sessions open\"" },
};

struct captures {
	struct ll_slice text[MAX_TEXTS], num[LL_MAX_NUMS];
	int ntext, nnum;
};

/* The end of 1 to 15 digits at p, or NULL. */
static const char *number_end(const char *p, const char *e)
{
	const char *s = p;

	while (p < e && IS_DIGIT(*p) && p - s < 15)
		p++;
	return p > s && (p == e || !IS_DIGIT(*p)) ? p : NULL;
}

/* Where the text of a '*' or '%' at p ends: before the literal lit[0..n)
 * (its first place after p, or its last one), or at e when n is 0. */
static const char *text_end(const char *p, const char *e, const char *lit, size_t n, int longest)
{
	const char *q, *last = NULL;

	if (n == 0)
		return longest || p < e ? e : NULL;
	if (!longest)
		return e - p > 1 ? memmem(p + 1, (size_t)(e - p - 1), lit, n) : NULL;
	for (q = p; q < e && (q = memmem(q, (size_t)(e - q), lit, n)) != NULL; q++)
		last = q;
	return last;
}

static int capture(struct ll_slice *to, int *n, int max, const char *p, const char *end)
{
	if (end == NULL || *n == max)
		return -1;
	to[*n].p = p;
	to[*n].n = (size_t)(end - p);
	(*n)++;
	return 0;
}

/* Match pat at p; returns where the match ends, or NULL. */
static const char *match(const char *p, const char *e, const char *pat, struct captures *c)
{
	size_t n;
	const char *q;

	while (*pat != '\0') {
		if (*pat == '#') {
			q = number_end(p, e);
			if (capture(c->num, &c->nnum, LL_MAX_NUMS, p, q) < 0)
				return NULL;
			pat++;
		} else if (*pat == '*' || *pat == '%') {
			n = strcspn(pat + 1, "#*%");
			q = text_end(p, e, pat + 1, n, *pat == '%');
			if (capture(c->text, &c->ntext, MAX_TEXTS, p, q) < 0)
				return NULL;
			pat++;
		} else {
			n = strcspn(pat, "#*%");
			if ((size_t)(e - p) < n || memcmp(p, pat, n) != 0)
				return NULL;
			q = p + n;
			pat += n;
		}
		p = q;
	}
	return p;
}

/* The captures into l, as the row's flags say; -1 when the client is not
 * name[ip]. */
static int fill(struct logline *l, const struct sentence *s, const struct captures *c, const char *p,
                const char *e)
{
	int i;

	l->kind = s->kind;
	for (i = 0; i < c->nnum; i++)
		l->num[i] = c->num[i];
	if (s->flags & S_CLIENT) {
		if (ll_split_client(c->text[0], l) < 0)
			return -1;
		l->text = c->text[1];
	} else {
		if (c->ntext > 0)
			l->name = c->text[0];
		if (c->ntext > 1)
			l->text = c->text[1];
	}
	if (s->flags & S_WHOLE) {
		l->text.p = p;
		l->text.n = (size_t)(e - p);
	}
	return 0;
}

int ll_sentence(const char *p, const char *e, struct logline *l)
{
	size_t i;

	for (i = 0; i < sizeof(sentences) / sizeof(sentences[0]); i++) {
		const struct sentence *s = &sentences[i];
		struct captures c;
		const char *q;

		c.ntext = c.nnum = 0;
		if ((q = match(p, e, s->lead, &c)) == NULL)
			continue;
		if (match(q, e, s->rest, &c) == NULL || fill(l, s, &c, p, e) < 0) {
			l->kind = LL_MALFORMED;
			l->why = s->why;
		}
		return 1;
	}
	return 0;
}

/*
 * expo.c - Prometheus text exposition format 0.0.4, read and checked (see
 * expo.h).
 *
 * Does: parse a line into HELP, TYPE, comment or sample; check a whole
 * text against the format's rules (those Prometheus' own parser enforces,
 * plus histogram consistency); look samples up for doorman -s.
 * Never: accepts an escape other than \\, \" and \n in a label value, a
 * label name twice, a value that is not a number; trusts a length.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expo.h"

/* ----------------------------------------------------------- one line */

static int name_start(int c, int metric)
{
	return isalpha(c) || c == '_' || (metric && c == ':');
}

static int name_char(int c, int metric)
{
	return isalnum(c) || c == '_' || (metric && c == ':');
}

static enum dm_expo_kind bad(struct dm_expo_line *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static enum dm_expo_kind bad(struct dm_expo_line *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->text, sizeof(out->text), fmt, ap);
	va_end(ap);
	out->kind = DM_EXPO_BAD;
	return DM_EXPO_BAD;
}

struct cursor {
	const char *p, *end;
};

static void skip_blanks(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* A metric name (metric = 1) or label name into out; 0, or -1. */
static int read_name(struct cursor *c, char *out, size_t outlen, int metric)
{
	size_t n = 0;

	if (c->p >= c->end || !name_start((unsigned char)*c->p, metric))
		return -1;
	while (c->p < c->end && name_char((unsigned char)*c->p, metric)) {
		if (n + 1 >= outlen)
			return -1;
		out[n++] = *c->p++;
	}
	out[n] = '\0';
	return 0;
}

/* A token up to a blank or the end. */
static size_t token(struct cursor *c, const char **start)
{
	*start = c->p;
	while (c->p < c->end && *c->p != ' ' && *c->p != '\t')
		c->p++;
	return (size_t)(c->p - *start);
}

static int parse_double(const char *s, size_t len, double *v)
{
	char buf[64], *end;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*v = strtod(buf, &end);
	return *end == '\0' ? 0 : -1;
}

/* "# HELP name text" / "# TYPE name type" / any other comment. */
static enum dm_expo_kind comment(struct cursor *c, struct dm_expo_line *out)
{
	const char *w;
	size_t wl, n = 0;
	int help;

	c->p++;
	skip_blanks(c);
	wl = token(c, &w);
	help = wl == 4 && memcmp(w, "HELP", 4) == 0;
	if (!help && !(wl == 4 && memcmp(w, "TYPE", 4) == 0))
		return out->kind = DM_EXPO_COMMENT;
	skip_blanks(c);
	if (read_name(c, out->name, sizeof(out->name), 1) < 0)
		return bad(out, "%s without a valid metric name", help ? "HELP" : "TYPE");
	if (c->p < c->end && *c->p != ' ' && *c->p != '\t')
		return bad(out, "bad character after the metric name %s", out->name);
	skip_blanks(c);
	if (help) {
		for (; c->p < c->end; c->p++) {
			char ch = *c->p;
			if (ch == '\\') {
				if (c->p + 1 >= c->end || (c->p[1] != '\\' && c->p[1] != 'n'))
					return bad(out, "HELP of %s: invalid escape (only \\\\ and \\n)", out->name);
				ch = *++c->p == 'n' ? '\n' : '\\';
			}
			if (n + 1 < sizeof(out->text))
				out->text[n++] = ch;
		}
		out->text[n] = '\0';
		return out->kind = DM_EXPO_HELP;
	}
	wl = token(c, &w);
	skip_blanks(c);
	if (c->p != c->end || wl == 0 || wl >= sizeof(out->text))
		return bad(out, "TYPE of %s: one type word expected", out->name);
	memcpy(out->text, w, wl);
	out->text[wl] = '\0';
	if (strcmp(out->text, "counter") != 0 && strcmp(out->text, "gauge") != 0 &&
	    strcmp(out->text, "histogram") != 0 && strcmp(out->text, "summary") != 0 &&
	    strcmp(out->text, "untyped") != 0)
		return bad(out, "TYPE of %s: unknown type '%.40s'", out->name, out->text);
	return out->kind = DM_EXPO_TYPE;
}

/* '"' value '"' with \\ \" \n; c at the opening quote. */
static int label_value(struct cursor *c, char *out, size_t outlen, const char **why)
{
	size_t n = 0;

	c->p++;
	for (;;) {
		char ch;
		if (c->p >= c->end) {
			*why = "label value without a closing quote";
			return -1;
		}
		ch = *c->p++;
		if (ch == '"')
			break;
		if (ch == '\n') {
			*why = "newline in a label value";
			return -1;
		}
		if (ch == '\\') {
			if (c->p >= c->end || (*c->p != '\\' && *c->p != '"' && *c->p != 'n')) {
				*why = "invalid escape in a label value (only \\\\, \\\" and \\n)";
				return -1;
			}
			ch = *c->p == 'n' ? '\n' : *c->p;
			c->p++;
		}
		if (n + 1 >= outlen) {
			*why = "label value too long";
			return -1;
		}
		out[n++] = ch;
	}
	out[n] = '\0';
	return 0;
}

static enum dm_expo_kind labels(struct cursor *c, struct dm_expo_line *out)
{
	const char *why;
	size_t i;

	c->p++;                              /* '{' */
	for (;;) {
		struct dm_expo_label *l;
		skip_blanks(c);
		if (c->p < c->end && *c->p == '}')
			break;
		if (out->nlabels == DM_EXPO_LABELS_MAX)
			return bad(out, "%s: more than %d labels", out->name, DM_EXPO_LABELS_MAX);
		l = &out->labels[out->nlabels];
		if (read_name(c, l->name, sizeof(l->name), 0) < 0)
			return bad(out, "%s: bad label name", out->name);
		if (strncmp(l->name, "__", 2) == 0)
			return bad(out, "%s: label name %s is reserved (starts with __)", out->name, l->name);
		for (i = 0; i < out->nlabels; i++)
			if (strcmp(out->labels[i].name, l->name) == 0)
				return bad(out, "%s: label %s twice", out->name, l->name);
		skip_blanks(c);
		if (c->p >= c->end || *c->p != '=')
			return bad(out, "%s: '=' expected after label %s", out->name, l->name);
		c->p++;
		skip_blanks(c);
		if (c->p >= c->end || *c->p != '"')
			return bad(out, "%s: label %s: quoted value expected", out->name, l->name);
		if (label_value(c, l->value, sizeof(l->value), &why) < 0)
			return bad(out, "%s: label %s: %s", out->name, l->name, why);
		out->nlabels++;
		skip_blanks(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == '}')
			break;
		return bad(out, "%s: ',' or '}' expected after label %s", out->name, l->name);
	}
	c->p++;                              /* '}' */
	return DM_EXPO_SAMPLE;
}

enum dm_expo_kind dm_expo_parse_line(const char *line, size_t len, struct dm_expo_line *out)
{
	struct cursor c = { line, line + len };
	const char *w;
	size_t wl;
	char *end;

	memset(out, 0, sizeof(*out));
	if (memchr(line, '\0', len) != NULL || memchr(line, '\n', len) != NULL)
		return bad(out, "NUL or newline inside a line");
	skip_blanks(&c);
	if (c.p == c.end)
		return out->kind = DM_EXPO_BLANK;
	if (*c.p == '#')
		return comment(&c, out);
	if (read_name(&c, out->name, sizeof(out->name), 1) < 0)
		return bad(out, "a sample must start with a metric name");
	w = c.p;
	skip_blanks(&c);
	if (c.p < c.end && *c.p == '{') {
		if (labels(&c, out) == DM_EXPO_BAD)
			return DM_EXPO_BAD;
		skip_blanks(&c);
	} else if (c.p == w) {
		return bad(out, "%s: blank expected before the value", out->name);
	}
	wl = token(&c, &w);
	if (parse_double(w, wl, &out->value) < 0)
		return bad(out, "%s: '%.*s' is not a number", out->name, (int)(wl < 40 ? wl : 40), w);
	skip_blanks(&c);
	if (c.p < c.end) {
		char ts[32];
		wl = token(&c, &w);
		if (wl >= sizeof(ts))
			return bad(out, "%s: timestamp too long", out->name);
		memcpy(ts, w, wl);
		ts[wl] = '\0';
		out->ts = strtoll(ts, &end, 10);
		if (*end != '\0' || !(isdigit((unsigned char)ts[0]) || (ts[0] == '-' && isdigit((unsigned char)ts[1]))))
			return bad(out, "%s: timestamp '%s' is not a whole number of milliseconds", out->name, ts);
		out->has_ts = 1;
		skip_blanks(&c);
		if (c.p < c.end)
			return bad(out, "%s: junk after the timestamp", out->name);
	}
	return out->kind = DM_EXPO_SAMPLE;
}

/* ------------------------------------------------------- a whole text */

struct family {
	char name[DM_EXPO_NAME_MAX];
	char type[16];                   /* "" = untyped, no TYPE line */
	int help, typed, has_samples, closed;
};

/* One histogram series: a label set without le. */
struct hseries {
	size_t fam;
	char *labels;                    /* canonical, le left out */
	double last_le;
	double last_count;
	int nbuckets, has_inf, has_sum, has_count;
	double inf_count, count;
};

struct checker {
	struct family *fam;
	size_t nfam, capfam;
	struct hseries *hs;
	size_t nhs, caphs;
	char **keys;                     /* canonical series, for duplicates */
	size_t nkeys, capkeys;
	long current;                    /* family of the group in progress, -1 */
	int strict;
	char *err;
	size_t errlen;
	size_t lineno;
};

static int fail(struct checker *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct checker *k, const char *fmt, ...)
{
	va_list ap;
	int w = 0;

	if (k->errlen > 0 && k->lineno > 0)
		w = snprintf(k->err, k->errlen, "line %zu: ", k->lineno);
	if (w < 0 || (size_t)w >= k->errlen)
		w = 0;
	va_start(ap, fmt);
	if (k->errlen > 0)
		vsnprintf(k->err + w, k->errlen - (size_t)w, fmt, ap);
	va_end(ap);
	return -1;
}

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	p = realloc(*arr, c * size);
	if (p == NULL)
		return -1;
	*arr = p;
	*cap = c;
	return 0;
}

static long find_family(struct checker *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->nfam; i++)
		if (strcmp(k->fam[i].name, name) == 0)
			return (long)i;
	return -1;
}

static long add_family(struct checker *k, const char *name)
{
	long f = find_family(k, name);

	if (f >= 0)
		return f;
	if (grow((void **)&k->fam, &k->capfam, k->nfam, sizeof(*k->fam)) < 0)
		return -1;
	memset(&k->fam[k->nfam], 0, sizeof(k->fam[0]));
	snprintf(k->fam[k->nfam].name, sizeof(k->fam[0].name), "%s", name);
	return (long)k->nfam++;
}

/* The group in progress ends when another metric's line comes. */
static void switch_to(struct checker *k, long f)
{
	if (k->current >= 0 && k->current != f && k->fam[k->current].has_samples)
		k->fam[k->current].closed = 1;
	k->current = f;
}

static int on_meta(struct checker *k, const struct dm_expo_line *l)
{
	long f = add_family(k, l->name);
	int help = l->kind == DM_EXPO_HELP;

	if (f < 0)
		return fail(k, "out of memory");
	if (k->fam[f].has_samples)
		return fail(k, "%s for %s after its samples", help ? "HELP" : "TYPE", l->name);
	if (help ? k->fam[f].help : k->fam[f].typed)
		return fail(k, "second %s line for %s", help ? "HELP" : "TYPE", l->name);
	if (help) {
		k->fam[f].help = 1;
	} else {
		k->fam[f].typed = 1;
		snprintf(k->fam[f].type, sizeof(k->fam[f].type), "%.15s", l->text);      /* a known type word */
	}
	switch_to(k, f);
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* The family a sample belongs to: name, or name less _bucket/_sum/_count
 * when that is a histogram (summary: _sum/_count). *suffix: which. */
static long family_of(struct checker *k, const char *name, const char **suffix)
{
	static const char *const sfx[] = { "_bucket", "_sum", "_count" };
	char base[DM_EXPO_NAME_MAX];
	size_t i;
	long f;

	*suffix = "";
	for (i = 0; i < 3; i++) {
		if (!ends_with(name, sfx[i]))
			continue;
		snprintf(base, sizeof(base), "%.*s", (int)(strlen(name) - strlen(sfx[i])), name);
		f = find_family(k, base);
		if (f >= 0 && (strcmp(k->fam[f].type, "histogram") == 0 ||
		               (i > 0 && strcmp(k->fam[f].type, "summary") == 0))) {
			*suffix = sfx[i];
			return f;
		}
	}
	return add_family(k, name);
}

static int cmp_label(const void *a, const void *b)
{
	return strcmp(((const struct dm_expo_label *)a)->name, ((const struct dm_expo_label *)b)->name);
}

/* "name{a="x",b="y"}" with the labels sorted (skip: a label left out). */
static char *canonical(const struct dm_expo_line *l, const char *skip)
{
	struct dm_expo_label sorted[DM_EXPO_LABELS_MAX];
	size_t i, cap = strlen(l->name) + 3, n = 0;
	char *s;

	memcpy(sorted, l->labels, l->nlabels * sizeof(sorted[0]));
	qsort(sorted, l->nlabels, sizeof(sorted[0]), cmp_label);
	for (i = 0; i < l->nlabels; i++)
		cap += strlen(sorted[i].name) + strlen(sorted[i].value) + 4;
	s = malloc(cap);
	if (s == NULL)
		return NULL;
	n += (size_t)snprintf(s, cap, "%s{", l->name);
	for (i = 0; i < l->nlabels; i++)
		if (skip == NULL || strcmp(sorted[i].name, skip) != 0)
			n += (size_t)snprintf(s + n, cap - n, "%s=\"%s\",", sorted[i].name, sorted[i].value);
	snprintf(s + n, cap - n, "}");
	return s;
}

static const char *label_of(const struct dm_expo_line *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->nlabels; i++)
		if (strcmp(l->labels[i].name, name) == 0)
			return l->labels[i].value;
	return NULL;
}

static struct hseries *hseries_of(struct checker *k, size_t fam, const struct dm_expo_line *l)
{
	struct dm_expo_line base = *l;
	char *labels;
	size_t i;

	snprintf(base.name, sizeof(base.name), "%s", k->fam[fam].name);
	labels = canonical(&base, "le");
	if (labels == NULL)
		return NULL;
	for (i = 0; i < k->nhs; i++)
		if (k->hs[i].fam == fam && strcmp(k->hs[i].labels, labels) == 0) {
			free(labels);
			return &k->hs[i];
		}
	if (grow((void **)&k->hs, &k->caphs, k->nhs, sizeof(*k->hs)) < 0) {
		free(labels);
		return NULL;
	}
	memset(&k->hs[k->nhs], 0, sizeof(k->hs[0]));
	k->hs[k->nhs].fam = fam;
	k->hs[k->nhs].labels = labels;
	return &k->hs[k->nhs++];
}

static int on_histogram(struct checker *k, size_t fam, const char *suffix, const struct dm_expo_line *l)
{
	struct hseries *h = hseries_of(k, fam, l);
	const char *le = label_of(l, "le");
	double v;

	if (h == NULL)
		return fail(k, "out of memory");
	if (strcmp(suffix, "_bucket") == 0) {
		if (le == NULL || parse_double(le, strlen(le), &v) < 0)
			return fail(k, "%s: a bucket needs le=\"number\"", l->name);
		if (h->has_inf)
			return fail(k, "%s: bucket after le=\"+Inf\"", l->name);
		if (h->nbuckets > 0 && !(v > h->last_le))
			return fail(k, "%s: le=\"%s\" does not rise", l->name, le);
		if (h->nbuckets > 0 && l->value < h->last_count)
			return fail(k, "%s: le=\"%s\": the cumulative count falls", l->name, le);
		h->nbuckets++;
		h->last_le = v;
		h->last_count = l->value;
		if (isinf(v) && v > 0) {
			h->has_inf = 1;
			h->inf_count = l->value;
		}
	} else if (le != NULL) {
		return fail(k, "%s: le on a sample that is no bucket", l->name);
	} else if (strcmp(suffix, "_sum") == 0) {
		h->has_sum = 1;
	} else if (strcmp(suffix, "_count") == 0) {
		h->has_count = 1;
		h->count = l->value;
	} else {
		return fail(k, "%s: a histogram has only _bucket, _sum and _count samples", l->name);
	}
	return 0;
}

static int on_sample(struct checker *k, const struct dm_expo_line *l)
{
	const char *suffix;
	long f = family_of(k, l->name, &suffix);
	struct family *fam;
	char *key;

	if (f < 0)
		return fail(k, "out of memory");
	switch_to(k, f);
	fam = &k->fam[f];
	if (fam->closed)
		return fail(k, "%s: the samples of %s are not all together", l->name, fam->name);
	fam->has_samples = 1;
	if (k->strict && (!fam->help || !fam->typed))
		return fail(k, "%s: no %s line before the samples", l->name, fam->help ? "TYPE" : "HELP");
	if (strcmp(fam->type, "counter") == 0) {
		if (!(l->value >= 0))
			return fail(k, "%s: a counter is never negative (or NaN)", l->name);
		if (k->strict && !ends_with(fam->name, "_total"))
			return fail(k, "%s: a counter's name ends in _total", l->name);
	}
	if (strcmp(fam->type, "histogram") == 0 && on_histogram(k, (size_t)f, suffix, l) < 0)
		return -1;
	key = canonical(l, NULL);
	if (key == NULL || grow((void **)&k->keys, &k->capkeys, k->nkeys, sizeof(char *)) < 0) {
		free(key);
		return fail(k, "out of memory");
	}
	k->keys[k->nkeys++] = key;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* After the last line: histograms complete, no series twice. */
static int finish(struct checker *k)
{
	size_t i;

	k->lineno = 0;
	for (i = 0; i < k->nhs; i++) {
		const struct hseries *h = &k->hs[i];
		if (!h->has_inf)
			return fail(k, "%s: no bucket le=\"+Inf\"", h->labels);
		if (!h->has_sum || !h->has_count)
			return fail(k, "%s: no _%s", h->labels, h->has_sum ? "count" : "sum");
		if (h->count != h->inf_count)
			return fail(k, "%s: _count %g differs from the +Inf bucket %g", h->labels, h->count, h->inf_count);
	}
	if (k->nkeys > 1)           /* qsort(NULL, 0, ...) is undefined */
		qsort(k->keys, k->nkeys, sizeof(char *), cmp_str);
	for (i = 1; i < k->nkeys; i++)
		if (strcmp(k->keys[i - 1], k->keys[i]) == 0)
			return fail(k, "series %.200s comes twice", k->keys[i]);
	for (i = 0; k->strict && i < k->nfam; i++)
		if (!k->fam[i].has_samples && !k->fam[i].typed)
			return fail(k, "%s: HELP without TYPE", k->fam[i].name);
	return 0;
}

/* The compact copy of a sample line. */
static int keep(struct dm_expo *e, size_t *cap, const struct dm_expo_line *l)
{
	size_t i, len = strlen(l->name) + 2, o;
	struct dm_expo_sample *s;

	if (grow((void **)&e->samples, cap, e->n, sizeof(*e->samples)) < 0)
		return -1;
	for (i = 0; i < l->nlabels; i++)
		len += strlen(l->labels[i].name) + strlen(l->labels[i].value) + 2;
	s = &e->samples[e->n];
	s->key = malloc(len);
	if (s->key == NULL)
		return -1;
	o = (size_t)sprintf(s->key, "%s", l->name) + 1;
	for (i = 0; i < l->nlabels; i++) {
		o += (size_t)sprintf(s->key + o, "%s", l->labels[i].name) + 1;
		o += (size_t)sprintf(s->key + o, "%s", l->labels[i].value) + 1;
	}
	s->nlabels = l->nlabels;
	s->value = l->value;
	e->n++;
	return 0;
}

static void checker_free(struct checker *k)
{
	size_t i;

	for (i = 0; i < k->nhs; i++)
		free(k->hs[i].labels);
	for (i = 0; i < k->nkeys; i++)
		free(k->keys[i]);
	free(k->hs);
	free(k->keys);
	free(k->fam);
}

int dm_expo_parse(const char *text, size_t len, int strict, struct dm_expo *out, char *err, size_t errlen)
{
	struct checker k;
	struct dm_expo_line *l = malloc(sizeof(*l));
	size_t pos = 0, cap = 0;
	int rc = 0;

	memset(&k, 0, sizeof(k));
	k.current = -1;
	k.strict = strict;
	k.err = err;
	k.errlen = errlen;
	out->samples = NULL;
	out->n = 0;
	if (errlen > 0)
		err[0] = '\0';
	if (l == NULL)
		return fail(&k, "out of memory");
	if (len > 0 && text[len - 1] != '\n')
		rc = fail(&k, "the text does not end with a newline");
	while (rc == 0 && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (text + pos)) : len - pos;

		k.lineno++;
		switch (dm_expo_parse_line(text + pos, ll, l)) {
		case DM_EXPO_BAD:
			rc = fail(&k, "%s", l->text);
			break;
		case DM_EXPO_HELP:
		case DM_EXPO_TYPE:
			rc = on_meta(&k, l);
			break;
		case DM_EXPO_SAMPLE:
			rc = on_sample(&k, l);
			if (rc == 0 && keep(out, &cap, l) < 0)
				rc = fail(&k, "out of memory");
			break;
		default:
			break;
		}
		pos += ll + 1;
	}
	if (rc == 0)
		rc = finish(&k);
	checker_free(&k);
	free(l);
	if (rc < 0)
		dm_expo_free(out);
	return rc;
}

void dm_expo_free(struct dm_expo *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->samples[i].key);
	free(e->samples);
	e->samples = NULL;
	e->n = 0;
}

/* ------------------------------------------------------------ lookups */

const char *dm_expo_name(const struct dm_expo_sample *s)
{
	return s->key;
}

void dm_expo_label(const struct dm_expo_sample *s, size_t i, const char **name, const char **value)
{
	const char *p = s->key + strlen(s->key) + 1;
	size_t k;

	for (k = 0; k < i; k++) {
		p += strlen(p) + 1;
		p += strlen(p) + 1;
	}
	*name = p;
	*value = p + strlen(p) + 1;
}

static const char *sample_label(const struct dm_expo_sample *s, const char *name, size_t namelen)
{
	const char *n, *v;
	size_t i;

	for (i = 0; i < s->nlabels; i++) {
		dm_expo_label(s, i, &n, &v);
		if (strlen(n) == namelen && strncmp(n, name, namelen) == 0)
			return v;
	}
	return NULL;
}

/* Has s every label of "k=v,k=v"? */
static int matches(const struct dm_expo_sample *s, const char *name, const char *labels)
{
	const char *p = labels;

	if (strcmp(s->key, name) != 0)
		return 0;
	while (p != NULL && *p) {
		const char *eq = strchr(p, '='), *comma, *v;
		size_t vl;
		if (eq == NULL)
			return 0;
		comma = strchr(eq, ',');
		vl = comma ? (size_t)(comma - eq - 1) : strlen(eq + 1);
		v = sample_label(s, p, (size_t)(eq - p));
		if (v == NULL || strlen(v) != vl || strncmp(v, eq + 1, vl) != 0)
			return 0;
		p = comma ? comma + 1 : NULL;
	}
	return 1;
}

int dm_expo_get(const struct dm_expo *e, const char *name, const char *labels, double *v)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (matches(&e->samples[i], name, labels)) {
			*v = e->samples[i].value;
			return 1;
		}
	return 0;
}

double dm_expo_sum(const struct dm_expo *e, const char *name, const char *labels)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < e->n; i++)
		if (matches(&e->samples[i], name, labels))
			sum += e->samples[i].value;
	return sum;
}

size_t dm_expo_label_values(const struct dm_expo *e, const char *name, const char *label,
                            const char **out, size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < e->n && n < max; i++) {
		const char *v;
		if (strcmp(e->samples[i].key, name) != 0)
			continue;
		v = sample_label(&e->samples[i], label, strlen(label));
		if (v == NULL)
			continue;
		for (j = 0; j < n && strcmp(out[j], v) != 0; j++)
			;
		if (j == n)
			out[n++] = v;
	}
	return n;
}

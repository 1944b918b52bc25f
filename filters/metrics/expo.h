/*
 * expo.h - read Prometheus text (exposition format 0.0.4): one line at a
 * time, a whole text checked against the format's rules, and the samples
 * looked up by name and labels.
 *
 * doorman -s reads the daemon's /metrics with it; the unit tests check
 * with it that every text the renderer makes is well formed. Pure: no I/O.
 */
#ifndef DOORMAN_EXPO_H
#define DOORMAN_EXPO_H

#include <stddef.h>

#define DM_EXPO_NAME_MAX   128
#define DM_EXPO_VALUE_MAX  256     /* a label value, unescaped, NUL included */
#define DM_EXPO_LABELS_MAX 8

struct dm_expo_label {
	char name[DM_EXPO_NAME_MAX];
	char value[DM_EXPO_VALUE_MAX];
};

enum dm_expo_kind {
	DM_EXPO_BLANK = 0,     /* empty, or only blanks */
	DM_EXPO_COMMENT,       /* "#" and anything but HELP or TYPE */
	DM_EXPO_HELP,          /* name, text = the docstring (unescaped, cut to fit) */
	DM_EXPO_TYPE,          /* name, text = counter|gauge|histogram|summary|untyped */
	DM_EXPO_SAMPLE,        /* name, labels, value (and has_ts, ts) */
	DM_EXPO_BAD            /* not the format: text says why */
};

struct dm_expo_line {
	enum dm_expo_kind kind;
	char name[DM_EXPO_NAME_MAX];
	size_t nlabels;
	struct dm_expo_label labels[DM_EXPO_LABELS_MAX];
	double value;
	int has_ts;
	long long ts;
	char text[256];
};

/* Parse one line of len bytes (no newline). Fills *out; returns out->kind. */
enum dm_expo_kind dm_expo_parse_line(const char *line, size_t len, struct dm_expo_line *out);

/* A whole text, parsed and checked: every line parses; the text ends with
 * a newline; a metric's HELP and TYPE come at most once each, before its
 * samples; a metric's samples form one group; no series (name and label
 * set) comes twice; no label name twice in a sample; a counter is not
 * negative; a histogram has, per label set, buckets with rising le ending
 * in "+Inf", cumulative counts that never fall, a _sum, and a _count equal
 * to the +Inf bucket. strict adds doorman's own rules (promtool's lint):
 * every metric has HELP and TYPE lines, a counter's name ends in _total. */
struct dm_expo_sample {
	char *key;             /* "name\0label\0value\0label\0value\0" */
	size_t nlabels;
	double value;
};

struct dm_expo {
	struct dm_expo_sample *samples;
	size_t n;
};

/* 0 with *out filled (free with dm_expo_free), or -1 with "line N: why"
 * in err and *out empty. */
int dm_expo_parse(const char *text, size_t len, int strict, struct dm_expo *out, char *err, size_t errlen);
void dm_expo_free(struct dm_expo *e);

/* A sample's name and its i-th label (name, value). */
const char *dm_expo_name(const struct dm_expo_sample *s);
void dm_expo_label(const struct dm_expo_sample *s, size_t i, const char **name, const char **value);

/* The value of the first sample called name that has every label of
 * labels ("k=v,k=v", no quotes; "" or NULL: any). 1 and *v set, or 0. */
int dm_expo_get(const struct dm_expo *e, const char *name, const char *labels, double *v);

/* The sum of the values of every such sample (0 when none). */
double dm_expo_sum(const struct dm_expo *e, const char *name, const char *labels);

/* The distinct values of label among the samples called name, in order of
 * first appearance (pointers into e); returns how many (at most max). */
size_t dm_expo_label_values(const struct dm_expo *e, const char *name, const char *label,
                            const char **out, size_t max);

#endif

/*
 * text.h - small text helpers shared by filters and the milter glue:
 * bounded copies of untrusted text, comma lists, SMTP reply templates.
 *
 * Pure functions. Nothing here logs, allocates behind the caller's back
 * (except dm_list_split, which says so) or keeps state.
 */
#ifndef DOORMAN_TEXT_H
#define DOORMAN_TEXT_H

#include <stddef.h>

/* Copy at most max bytes of src[0..len) into dst (size dstsize, always
 * terminated). Bytes below 0x20, 0x7f and 8-bit bytes become '?', so the
 * result is safe in a log line or an SMTP reply. Returns dst. */
char *dm_clean(char *dst, size_t dstsize, const char *src, size_t len, size_t max);

/* Same for a NUL-terminated src (NULL is taken as ""). */
char *dm_cleans(char *dst, size_t dstsize, const char *src, size_t max);

/* Lowercase ASCII in place; returns s. */
char *dm_lower(char *s);

/* Case-insensitive ASCII equality, ignoring one trailing dot on each side. */
int dm_name_equal(const char *a, const char *b);

/* Trim leading/trailing blanks in place; returns the trimmed start. */
char *dm_trim(char *s);

/* Split "a, b ,c" at commas and blanks into a NULL-terminated array of
 * malloc'ed strings (*out, count in *n). Returns 0, or -1 on out of memory.
 * Free with dm_list_free. */
int dm_list_split(const char *s, char ***out, size_t *n);
void dm_list_free(char **list);

/* An SMTP reply template: "554 5.7.1 <%h>: Helo command rejected: %r". */
struct dm_reply {
	char code[4];       /* "554" */
	char xcode[10];     /* "5.7.1" */
	char text[400];     /* template text after the codes */
};

/* Parse and validate a template: a 4xx or 5xx code, a matching enhanced
 * code (class digit equal to the code's first digit), a non-empty text with
 * only printable ASCII and known %-escapes (%h %c %r %u %z %t %s %%).
 * Returns 0, or -1 with a message in err. */
int dm_reply_parse(const char *s, struct dm_reply *out, char *err, size_t errlen);

/* Values substituted into a template; NULL members expand to "". Each value
 * is cleaned and bounded (100 bytes) on expansion. */
struct dm_reply_vars {
	const char *helo;    /* %h */
	const char *client;  /* %c */
	const char *reason;  /* %r */
	const char *url;     /* %u */
	const char *zone;    /* %z */
	const char *txt;     /* %t */
	const char *score;   /* %s */
};

/* Expand tmpl->text into out (always terminated, truncated to fit).
 * Returns the length written. */
size_t dm_reply_expand(const struct dm_reply *tmpl, const struct dm_reply_vars *v,
                       char *out, size_t outlen);

/* Index of the first bare LF (one not preceded by CR) in s[0..len), or len
 * when there is none. prev_cr says whether the byte before s[0] (the end of
 * the previous chunk of the same stream) was a CR, so a CRLF split across
 * two chunks is not taken for a bare LF. */
size_t dm_bare_lf(const char *s, size_t len, int prev_cr);

/* Copy s into out doubling every '%' (libmilter's smfi_setreply treats a
 * single '%' as a format escape). Returns 0, or -1 if it did not fit. */
int dm_percent_escape(const char *s, char *out, size_t outlen);

#endif

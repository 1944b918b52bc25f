/*
 * reply.h - SMTP reply templates ("554 5.7.1 <%h>: Helo command rejected:
 * %r"), their variables, and escaping for libmilter.
 */
#ifndef DOORMAN_REPLY_H
#define DOORMAN_REPLY_H

#include <stddef.h>

/* An SMTP reply template: "554 5.7.1 <%h>: Helo command rejected: %r". */
struct dm_reply {
	char code[4];       /* "554" */
	char xcode[10];     /* "5.7.1" */
	char text[400];     /* template text after the codes */
};

/* Parse and validate a template: a 4xx or 5xx code, a matching enhanced
 * code (class digit equal to the code's first digit), a non-empty text with
 * only printable ASCII and known %-escapes (%h %c %r %o %u %z %t %s %%).
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
	const char *part;    /* %o: the part of the HELO name a finding is about (".local") */
	const char *sender;  /* %f: the MAIL FROM address (local@domain) */
	const char *domain;  /* %d: the name a domain list listed */
};

/* Expand tmpl->text into out (always terminated, truncated to fit).
 * Returns the length written. */
size_t dm_reply_expand(const struct dm_reply *tmpl, const struct dm_reply_vars *v,
                       char *out, size_t outlen);

/* Copy s into out doubling every '%' (libmilter's smfi_setreply treats a
 * single '%' as a format escape). Returns 0, or -1 if it did not fit. */
int dm_percent_escape(const char *s, char *out, size_t outlen);

#endif

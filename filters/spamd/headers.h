/*
 * headers.h - values of the headers doorman adds or changes: X-Spam-Status,
 * -Score, -Level, -Flag, -Report, the tagged Subject, and the Received
 * header synthesized for spamd.
 *
 * Pure functions writing libmilter header values into caller buffers: no
 * CR, no NUL, and an LF only as a fold ("\n\t" + text, or "\n " + text in
 * a tagged Subject). Everything that
 * came from outside is cleaned and bounded here. Nothing here decides
 * whether a header is added; the caller's policy does.
 *
 * Return convention of every builder: 0 = the whole value was written,
 * 1 = it was cut to fit (out is still a valid, terminated value that does
 * not end in a fold), -1 = no value can be built (out = "" when outlen > 0).
 */
#ifndef DOORMAN_HEADERS_H
#define DOORMAN_HEADERS_H

#include <stddef.h>
#include <time.h>

#define HDR_FOLD_WIDTH   78     /* fold physical lines at this many characters */
#define HDR_LINE_MAX     998    /* RFC 5322 2.1.1: no physical line longer (without CRLF) */
#define HDR_FIELD_MAX    100    /* bound of one outside piece (HELO, name, reason) */
#define HDR_SUBJECT_MAX  131072 /* longest Subject tagged (Postfix's header_size_limit is 102400) */
/* Room for the tagged value of an old Subject of n bytes: the tag, its
 * blank, and one LF per fold at most per two bytes of text. */
#define HDR_SUBJECT_SIZE(n) (HDR_FIELD_MAX + 2 + 2 * (size_t)(n) + 1)
#define HDR_RECEIVED_SIZE 1280  /* fits any hdr_received value */
#define HDR_REPORT_MAX   4000   /* bound of the report text put in X-Spam-Report */
#define HDR_LEVEL_MAX    50     /* most '*' in X-Spam-Level */

#define HDR_SPAM_FLAG_VALUE "YES"   /* X-Spam-Flag */

/* flags of hdr_clean_value */
#define HDR_KEEP_8BIT    1u     /* keep bytes >= 0x80 (a raw UTF-8 Subject); else '?' */

/* Clean src[0..len) into out: a run of CR/LF (a fold) and the blanks after
 * it become one blank, TAB becomes a blank, NUL, other controls and DEL
 * become '?', 8-bit bytes are kept only with HDR_KEEP_8BIT (else '?').
 * At most max bytes of output; a cut never splits a UTF-8 sequence. */
int hdr_clean_value(char *out, size_t outlen, const char *src, size_t len, size_t max,
                    unsigned flags);

#define HDR_STATUS_AUTOLEARN "unavailable"  /* SpamAssassin's _AUTOLEARN_ when not known */
#define HDR_STATUS_VERSION   "unknown"      /* spamd does not tell its version */

/* SpamAssassin's form: "Yes, score=15.2 required=5.0 tests=A,B,C
 * autolearn=unavailable version=unknown", folded at HDR_FOLD_WIDTH
 * (counted from after "X-Spam-Status: ") at blanks and after commas.
 * tests NULL: unknown, "tests=" left out; "": "tests=none". Names in tests
 * that are not [A-Za-z0-9_]{1,100} are skipped. When cut, whole items
 * (test names) only. */
int hdr_spam_status(char *out, size_t outlen, int is_spam, double score, double required,
                    const char *tests);

/* "unscanned (REASON)" for X-Spam-Status when spamd gave no verdict;
 * reason cleaned, bounded by HDR_FIELD_MAX; NULL or "" gives "unscanned". */
int hdr_spam_unscanned(char *out, size_t outlen, const char *reason);

/* "15.2", "-0.1", "0.0": one decimal, rounded half away from zero, without
 * the locale; clamped to +-99999.9; NaN is written as "0.0". */
int hdr_spam_score(char *out, size_t outlen, double score);

/* One '*' per whole point of the score rounded as hdr_spam_score rounds it,
 * at most HDR_LEVEL_MAX; "" for scores below 1. */
int hdr_spam_level(char *out, size_t outlen, double score);

/* X-Spam-Report from report text (lines separated by LF or CRLF, e.g.
 * spamd_result.report): empty lines dropped, each line cleaned, long lines
 * folded at blanks (or hard at HDR_FOLD_WIDTH), lines joined by "\n\t",
 * at most HDR_REPORT_MAX bytes of input used. Cut at a line end when it
 * does not fit. An empty report gives "" and 0. */
int hdr_spam_report(char *out, size_t outlen, const char *report, size_t len);

/* New Subject value "TAG old", folded: old (NULL = absent; at most
 * HDR_SUBJECT_MAX bytes are read, the caller tags nothing longer) is
 * cleaned with HDR_KEEP_8BIT (its folds and any forged line break become
 * one blank), leading blanks dropped; tag cleaned and bounded by
 * HDR_FIELD_MAX. The result is folded at blanks to lines of at most
 * HDR_FOLD_WIDTH (counted after "Subject: "; a longer word gets a line of
 * its own) with "\n" before one of the blanks, so unfolding it gives
 * "TAG old" exactly: nothing of old is lost. Only to keep every line within
 * HDR_LINE_MAX, a word longer than that is broken by "\n " between two
 * characters and a run of blanks is cut to HDR_FOLD_WIDTH. When old already starts with the tag
 * (ASCII case ignored) it is returned cleaned but not tagged again; the
 * caller compares to decide whether to change the header. A NULL or empty
 * tag returns old cleaned. HDR_SUBJECT_SIZE(strlen(old)) bytes always
 * suffice; with less the value is cut (1). */
int hdr_subject_tag(char *out, size_t outlen, const char *old, const char *tag);

/* What X-Doorman says about a message (policy [spam] explain = yes). */
struct hdr_explain {
	const char *session;      /* the session id of the log lines, or NULL */
	const char *policy;       /* the message's policy */
	const char *helo;         /* the findings: "helo_non_fqdn,helo_unknown", "none" */
	const char *helo_how;     /* how a refusing finding was let through: "shadow", "exempt",
	                             "auth"; NULL: it was not (or there was none) */
	int dnsbl;                /* the DNS list score */
	const char *zones;        /* the blocklists that list the client, or NULL */
	const char *rdns;         /* ok, none, mismatch, temp, - */
	const char *spam;         /* "6.3/5.0 tag", "unscanned", or NULL (no content stage) */
};

/* "policy=dest.example; findings=helo_non_fqdn (shadow); dnsbl=2 (bl.example);
 * rdns=ok; spam=6.3/5.0 tag; session=6937a1c4003f2", folded at HDR_FOLD_WIDTH (from after
 * "X-Doorman: ") between items. Every member is cleaned and bounded by
 * HDR_FIELD_MAX; a NULL spam or zones is left out. Cut between items. */
int hdr_explain(char *out, size_t outlen, const struct hdr_explain *e);

/* What the synthesized Received header describes. NULL or "" members are
 * "unknown" (helo, name) or left out (queue_id); proto NULL = "ESMTP". */
struct hdr_received {
	const char *helo;         /* HELO/EHLO argument as the client sent it */
	const char *client_name;  /* verified PTR name, or NULL/"unknown" */
	const char *client_addr;  /* "192.0.2.7", "2001:db8::7", "::ffff:192.0.2.7" */
	const char *our_host;     /* our hostname (config or {j}) */
	const char *queue_id;     /* {i} */
	const char *proto;        /* "ESMTP", "ESMTPA", "ESMTPS", "ESMTPSA", "SMTP" */
	time_t when;
	const char *env_from;     /* envelope sender as the MTA gave it ("<a@b>", "a@b");
	                             "" or "<>": the null sender; NULL: unknown, left out */
	const char *tls_version;  /* {tls_version}, e.g. "TLSv1.3"; NULL or "": no TLS comment */
	const char *tls_cipher;   /* {cipher} */
	const char *tls_bits;     /* {cipher_bits} */
};

/* Received value in Postfix's shape, which SpamAssassin parses:
 *   from HELO (NAME [IP])\n\tby HOST (doorman) with ESMTP id QID;\n\tDATE
 * with env_from, "\n\t(envelope-from <ADDR>)" after the client (where
 * SpamAssassin reads a relay's envelope sender; ADDR cleaned by
 * env_address, left out when that refuses it or it holds a blank or ';'),
 * and with tls_version,
 * " (VERSION:CIPHER:BITS)" after the protocol (hostname characters only).
 * IPv6 as [IPv6:...], DATE as "Wed, 23 Jul 2003 23:30:00 +0000" (UTC,
 * English names, no locale). HELO, NAME, HOST and QID are cleaned down to
 * hostname characters ([A-Za-z0-9.-_:], '[' ']' only around an address
 * literal; anything else '?') and bounded by HDR_FIELD_MAX, so no outside
 * text can add a "(... [127.0.0.1])" of its own. A missing HELO is written
 * "unknown", as is a client name that is missing or "[ip]" (libmilter's
 * name when there is no PTR). Never cut: returns -1 (out = "") when
 * client_addr is not an IP address or the value does not fit (outlen of
 * HDR_RECEIVED_SIZE always does); a half Received header would mislead
 * spamd. client_addr may also come bracketed or with an "IPv6:" prefix. */
int hdr_received(char *out, size_t outlen, const struct hdr_received *r);

/* "Wed, 23 Jul 2003 23:30:00 +0000" for t (UTC). Needs 32 bytes; returns
 * -1 (out = "") if outlen is smaller or t cannot be converted. */
int hdr_date(char *out, size_t outlen, time_t t);

#endif

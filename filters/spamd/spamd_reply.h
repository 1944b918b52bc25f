/*
 * spamd_reply.h - the spamc/spamd protocol as bytes: build a request head,
 * parse one whole reply.
 *
 * Pure functions: no I/O, no allocation, no locale, no global state. The
 * parser takes everything spamd sent up to EOF and returns exactly one of:
 * a verdict, a spamd error code (EX_USAGE..EX_CONFIG), or "malformed". A
 * reply that is not exactly the protocol's shape is never a verdict.
 */
#ifndef DOORMAN_SPAMD_REPLY_H
#define DOORMAN_SPAMD_REPLY_H

#include <stddef.h>

enum spamd_cmd {
	SPAMD_CMD_CHECK = 0,      /* score only; the reply has no body */
	SPAMD_CMD_SYMBOLS,        /* score + comma-separated rule names */
	SPAMD_CMD_REPORT          /* score + the human-readable report */
};

enum spamd_status {
	SPAMD_VERDICT = 0,        /* EX_OK with a valid Spam header: is_spam, score, threshold set */
	SPAMD_ERROR_CODE,         /* spamd said EX_USAGE(64)..EX_CONFIG(78): code, message set */
	SPAMD_MALFORMED           /* anything else: error says what was wrong */
};

#define SPAMD_LINE_MAX    8192      /* longest header line or SYMBOLS body accepted */
#define SPAMD_SCORE_MAX   10000.0   /* |score| or |threshold| above this is malformed */
#define SPAMD_SYMBOL_MAX  100       /* longest single rule name accepted */
#define SPAMD_USER_MAX    128       /* User: value is cut to this many bytes */

struct spamd_result {
	enum spamd_status status;
	int major, minor;         /* protocol version of the status line, when it parsed */
	int code;                 /* 0 or 64..78; -1 when no status line parsed */
	char message[128];        /* status line text ("EX_OK"), cleaned (dm_clean) */
	int is_spam;              /* Spam: True/Yes -> 1, False/No -> 0 */
	double score, threshold;  /* as spamd printed them, |x| <= SPAMD_SCORE_MAX */
	char symbols[1024];       /* SYMBOLS: "A,B,C" (whole names only); "" if none */
	size_t nsymbols;          /* names stored in symbols[] */
	int symbols_truncated;    /* 1: more names followed than fit */
	char report[4096];        /* REPORT: text, lines joined by '\n', no other controls */
	int report_truncated;     /* 1: the report was cut (at a line end when possible) */
	char error[160];          /* "" on a verdict; else "spamd error 76 ..." / what was malformed */
};

/* Parse one whole reply: buf[0..len) is everything read until EOF (may be
 * empty, truncated, contain NUL/CR/LF anywhere). cmd is the request that was
 * sent; it decides what the body must look like (CHECK: empty). Fills *out
 * completely and returns out->status. buf may be NULL when len is 0. */
enum spamd_status spamd_reply_parse(const char *buf, size_t len, enum spamd_cmd cmd,
                                    struct spamd_result *out);

/* Write the request head "SYMBOLS SPAMC/1.5\r\nUser: x\r\n\r\n" into out.
 * No Content-length: the caller streams the message and half-closes. user
 * may be NULL or "" (no User line); otherwise CR, LF, blanks, controls and
 * 8-bit bytes become '_' and it is cut to SPAMD_USER_MAX bytes. Returns the
 * length written (excluding the terminating NUL), or 0 with out[0] = '\0'
 * (when outlen > 0) if it did not fit; 256 bytes always suffice. */
size_t spamd_request_head(char *out, size_t outlen, enum spamd_cmd cmd, const char *user);

/* "CHECK", "SYMBOLS", "REPORT"; "?" for anything else. */
const char *spamd_cmd_name(enum spamd_cmd cmd);

/* sysexits name of a spamd status code: 0 "EX_OK", 76 "EX_PROTOCOL", ...;
 * "EX_UNKNOWN" outside 0 and 64..78. For log lines. */
const char *spamd_code_name(int code);

#endif

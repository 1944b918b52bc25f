/*
 * logline.h - parse one log line into what doorman-report needs.
 *
 * Does:    recognise the line's frame (BSD syslog, RFC 5424, ISO time stamp
 *          lines of rsyslog and journalctl -o short-iso, doorman's own stderr
 *          format), keep only lines of the program "doorman", and split the
 *          message of the line kinds doorman(8) documents into slices:
 *          queue id, kind, client, reply, key=value fields.
 * Returns: slices that point into the caller's line (nothing is copied, no
 *          memory is allocated); the line must outlive the struct logline.
 *          Lines of other programs are told by the frame's shape alone:
 *          their time stamp is not parsed (LL_OTHER has no time, no pid).
 * Never:   writes to the line, trusts its length to be bounded, fails on an
 *          unknown key or line kind (they are tolerated: the daemon grows).
 *          A line is never "wrong" for us to stop on: malformed doorman lines
 *          come back as LL_MALFORMED with a reason, for the caller to count.
 */
#ifndef DOORMAN_LOGLINE_H
#define DOORMAN_LOGLINE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ll_slice {
	const char *p;
	size_t n;
};

enum ll_format {
	LL_FMT_NONE,      /* no frame recognised */
	LL_FMT_BSD,       /* "Dec  1 05:38:01 host doorman[812]: " (no year) */
	LL_FMT_ISO,       /* "2026-12-01T05:38:01+01:00 host doorman[812]: " (rsyslog, journalctl) */
	LL_FMT_RFC5424,   /* "<22>1 2026-12-01T05:38:01Z host doorman 812 - - " */
	LL_FMT_STDERR,    /* "2026-12-01T05:38:01.123 doorman[812]: " (log = stderr) */
	LL_FMT_COUNT
};

enum ll_kind {
	LL_OTHER,             /* not doorman's (another program, no frame) */
	LL_MALFORMED,         /* doorman's, a known kind, but not in its documented shape */
	LL_UNKNOWN,           /* doorman's, a kind this version does not know */
	LL_RCPT,              /* QID: reject|defer|pass|shadow: would ...: RCPT from ... */
	LL_ACCEPT,            /* QID: accept: client=... */
	LL_SCAN,              /* QID: scan: client=... */
	LL_CLOSE,             /* close: client=... */
	LL_ZONE_ANSWER,       /* warning: dnsbl zone Z answered A for client [IP]: ... */
	LL_ZONE_SUSPENDED,    /* warning: dnsbl zone Z suspended: reason */
	LL_ZONE_RESTORED,     /* dnsbl zone Z restored: ... */
	LL_SELFTEST_ERROR,    /* error: zone self-test: ... */
	LL_DNS_CACHE,         /* dns cache: entries=... */
	LL_SPAMD_COUNTERS,    /* [warning: ]spamd SERVER: requests=... */
	LL_SPAMD_FAILURE,     /* warning: QID: spamd KIND: message */
	LL_MTA_REFUSED,       /* warning: [QID: ]cannot add header|delete header|set reply|change the Subject|quarantine */
	LL_STARTING,          /* starting: doorman ... */
	LL_RELOAD,            /* [warning: ]reload: ... */
	LL_STOPPING,          /* stopping */
	LL_RESOLVER_ERROR,    /* error: resolver: ... */
	LL_INTERNAL,          /* the daemon's own trouble: cannot start a thread, no memory */
	LL_CONFIG_ERROR,      /* error: FILE:LINE: message (a reload refused) */
	/* fixed sentences with a few values (logsentence.c) */
	LL_FD_NEAR,           /* error: file descriptors: all|95 % of the limit L in use, S sessions open: ... */
	LL_FD_SHORT,          /* error: file descriptors: N DNS and M spamd sockets could not be opened (limit L): ... */
	LL_SPAMD_GTUBE_MISS,  /* error: spamd SERVER does not flag GTUBE (Spam: ...): ... */
	LL_SPAMD_GTUBE_BACK,  /* spamd SERVER flags GTUBE again: back in use */
	LL_HELO_CAPPED,       /* helo: client=NAME[IP] helo=<H> is the HELO name number N of the session: ... */
	LL_CONFIG_WARNING,    /* warning: [SECTION] is on (policy LIST) but ...: a check that cannot act */
	LL_ZONES_ALL_SUSPENDED, /* warning: every DNS list is suspended by its self-test: ... */
	LL_ZONES_BACK,        /* a DNS list passed its self-test again: ... */
	LL_STOP_DRAIN,        /* stopping: waiting for N open sessions (at most T ms); ... */
	LL_STOP_CUT,          /* warning: stopping with N sessions open: ... */
	LL_ZONE_UNTESTED,     /* warning: dnsbl zone Z could not be tested: reason; in use|still suspended[, ...] */
	LL_ZONE_TESTED,       /* dnsbl zone Z tested: self-test passed (after one that got no answer) */
	LL_KIND_COUNT
};

enum ll_level { LL_INFO, LL_WARNING, LL_ERROR };

/* What a recipient line says happened (LL_RCPT). */
enum ll_rcpt {
	LL_RCPT_REJECT,
	LL_RCPT_DEFER,
	LL_RCPT_PASS,             /* exempt: passed although the policy says otherwise */
	LL_RCPT_SHADOW_REJECT,
	LL_RCPT_SHADOW_DEFER,
	LL_RCPT_COUNT
};

/* A time as written in the line: wall clock, no time zone applied. */
struct ll_time {
	int year;                 /* 0: the frame has no year (BSD syslog) */
	int mon, day, hour, min, sec, ms;
};

#define LL_MAX_FIELDS 48
#define LL_MAX_NUMS 3

/* The fields doorman-report reads, found in O(1) with ll_get. */
enum ll_key {
	LLK_CLIENT, LLK_HELO, LLK_FROM, LLK_TO, LLK_POLICY, LLK_CHECK, LLK_ACTION, LLK_SHADOW,
	LLK_SHADOWED, LLK_SCORE, LLK_SPAMD, LLK_SPAMD_MS, LLK_SIZE, LLK_TOTAL_MS, LLK_RCPTS,
	LLK_DNS, LLK_DNS_MS, LLK_WAIT_MS, LLK_ZONES, LLK_TRUSTED, LLK_MSGS, LLK_RCPT_OK,
	LLK_RCPT_REJECTED, LLK_RCPT_DEFERRED, LLK_REQUESTS, LLK_FAILURES, LLK_IN_FLIGHT,
	LLK_SKIPPED_FOR_MS, LLK_REASON, LLK_SESSION, LLK_COUNT
};

struct ll_field {
	struct ll_slice key, val;
};

struct logline {
	enum ll_format fmt;
	int has_time;
	struct ll_time t;
	long pid;                     /* -1: none */
	enum ll_level level;
	enum ll_kind kind;
	const char *why;              /* LL_MALFORMED: what was wrong (a constant) */
	struct ll_slice line;         /* the whole line, without its line end */
	struct ll_slice msg;          /* the message after "doorman[pid]: " */
	struct ll_slice qid;          /* NOQUEUE or the MTA's queue id, if the kind has one */
	struct ll_slice session;      /* session=ID of a connection's line; p NULL: none (lines
	                               * of versions before the ids, lines not about one session) */
	enum ll_rcpt rcpt;            /* LL_RCPT */
	struct ll_slice client_name;  /* LL_RCPT, LL_ACCEPT, LL_SCAN, LL_CLOSE */
	struct ll_slice client_ip;    /* idem, and LL_ZONE_ANSWER */
	struct ll_slice reply;        /* LL_RCPT: "554 5.7.1 text" */
	struct ll_slice name;         /* zone (LL_ZONE_*), server (LL_SPAMD_COUNTERS, LL_SPAMD_GTUBE_*),
	                               * kind (LL_SPAMD_FAILURE), "all" or "95 %" (LL_FD_NEAR),
	                               * section (LL_CONFIG_WARNING) */
	struct ll_slice text;         /* the free text: suspension reason, failure message, answer address,
	                               * GTUBE verdict, HELO name (LL_HELO_CAPPED), the whole warning
	                               * (LL_CONFIG_WARNING) */
	struct ll_slice num[LL_MAX_NUMS]; /* the digits of a fixed sentence, in the order written:
	                               * LL_FD_NEAR limit, sessions; LL_FD_SHORT DNS, spamd, limit;
	                               * LL_HELO_CAPPED the name's number; LL_STOP_DRAIN sessions, ms;
	                               * LL_STOP_CUT sessions */
	unsigned char known[LLK_COUNT];  /* index + 1 of the last field with that key, 0: none */
	size_t nfields;
	struct ll_field field[LL_MAX_FIELDS];
};

/* Parse line[0..len) (without its newline). Always fills *out. */
void ll_parse(const char *line, size_t len, struct logline *out);

/* The value of the last field named key (the daemon's own fields come after
 * any text a client chose), or an empty slice with p == NULL. */
struct ll_slice ll_field(const struct logline *l, const char *key);

/* The value of the last field with a known key, as ll_field. */
struct ll_slice ll_get(const struct logline *l, enum ll_key k);

/* The known key named key[0..n), or LLK_COUNT. */
enum ll_key ll_key_id(const char *key, size_t n);

/* Is slice s the string literal lit? */
#define LL_IS(s, lit) ((s).p != NULL && (s).n == sizeof(lit) - 1 && memcmp((s).p, (lit), sizeof(lit) - 1) == 0)

/* Compare a slice with a C string. */
int ll_eq(struct ll_slice s, const char *str);

/* Parse a decimal integer slice (optional '-'); 0 on success. */
int ll_long(struct ll_slice s, long *out);

/* Parse a decimal number such as "7.2" or "-0.5"; 0 on success. */
int ll_double(struct ll_slice s, double *out);

/* Wall-clock seconds since 1970-01-01 of t as written (year required). */
int64_t ll_time_seconds(const struct ll_time *t);

/* Parse "2026-12-01", "2026-12-01T05:00", "2026-12-01 05:00:30" (the
 * --since/--until forms) into wall-clock seconds; 0 on success. */
int ll_parse_when(const char *s, int64_t *out);

const char *ll_kind_name(enum ll_kind k);
const char *ll_format_name(enum ll_format f);
const char *ll_rcpt_name(enum ll_rcpt r);

#endif

/*
 * check_headers.c - table-driven Check tests for filters/spamd/headers.c.
 *
 * One row per header value: which builder, its inputs, the buffer size, the
 * return value and the exact value (or a substring). Every row is also held
 * to the libmilter value rules whatever it expects: terminated inside the
 * buffer, nothing written past it, no CR, no NUL, every LF followed by a
 * TAB, no trailing fold; folded builders keep lines within 78 columns.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headers.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define BUF 2048
#define CANARY 'Z'

enum kind { K_CLEAN, K_STATUS, K_UNSCANNED, K_SCORE, K_LEVEL, K_REPORT, K_SUBJECT, K_RECEIVED,
            K_DATE, K_EXPLAIN };

struct row {
	const char *name;
	enum kind kind;
	const char *a;          /* clean/report: src; status: tests; unscanned: reason; subject: old */
	size_t alen;            /* bytes of a when it holds NUL; 0: strlen */
	const char *b;          /* subject: tag */
	unsigned flag;          /* clean: flags; status: is_spam */
	double x, y;            /* score, required; clean: max; date: time */
	const struct hdr_received *rcv;
	const struct hdr_explain *ex;
	size_t outlen;          /* 0: BUF */
	int ret;
	const char *want;       /* exact value; NULL: not checked */
	const char *has;        /* substring; NULL: not checked */
	const char *hasnot;     /* must not occur; NULL: not checked */
	int folded;             /* 1: every physical line within HDR_FOLD_WIDTH (first from col 15) */
};

static const struct hdr_received rcv_v4 = {
	"mx.b.example", "host.example", "192.0.2.7", "mx.example.com", "4XyZ1", NULL, 1059003000, NULL, NULL, NULL, NULL };
static const struct hdr_received rcv_v6 = {
	"mx.b.example", "host.example", "2001:DB8::7", "mx.example.com", "4XyZ1", NULL, 1059003000, NULL, NULL, NULL, NULL };
static const struct hdr_received rcv_mapped = {
	"mx.b.example", "host.example", "::ffff:192.0.2.7", "mx", "Q", NULL, 1059003000, NULL, NULL, NULL, NULL };
static const struct hdr_received rcv_noname = {
	"mx.b.example", "[192.0.2.7]", "192.0.2.7", "mx", "Q", NULL, 1059003000, NULL, NULL, NULL, NULL };
static const struct hdr_received rcv_nohelo = {
	NULL, NULL, "192.0.2.7", "mx", "Q", NULL, 1059003000, NULL, NULL, NULL, NULL };
static const struct hdr_received rcv_literal = {
	"[192.0.2.7]", "", "[192.0.2.7]", "mx", "Q", "ESMTPA", 0, NULL, NULL, NULL, NULL };
static const struct hdr_received rcv_inject = {
	"evil\r\n\tby trusted (x [127.0.0.1])\r\nX-Spam-Flag: NO", "h (fake [127.0.0.1])\0x",
	"IPv6:2001:db8::1", "mx\n", "Q;\r\n", "ESMTP\r\n", 951782400, NULL, NULL, NULL, NULL };
static const struct hdr_received rcv_long = {
	"hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
	"TAIL", NULL, "192.0.2.7", "mx", NULL, "SMTP", 1059003000, NULL, NULL, NULL, NULL };
static const struct hdr_received rcv_badaddr = {
	"mx.b.example", "host.example", "not-an-ip", "mx", "Q", NULL, 1059003000, NULL, NULL, NULL, NULL };
static const struct hdr_received rcv_noaddr = {
	"mx.b.example", "host.example", NULL, "mx", "Q", NULL, 1059003000, NULL, NULL, NULL, NULL };

static const struct hdr_received rcv_env = {
	"mx.b.example", "host.example", "192.0.2.7", "mx.example.com", "4XyZ1", "ESMTPSA", 1059003000,
	"<alice@b.example>", "TLSv1.3", "TLS_AES_256_GCM_SHA384", "256" };
static const struct hdr_received rcv_null = {
	"mx.b.example", "host.example", "192.0.2.7", "mx", "Q", NULL, 1059003000, "<>", "", NULL, NULL };
static const struct hdr_received rcv_env_inject = {
	"mx.b.example", "host.example", "192.0.2.7", "mx", "Q", NULL, 1059003000,
	"<a@b>)\r\n\tby trusted (x [127.0.0.1]) (envelope-from <evil@x>", "TLS 1.3\r\n", "(c)", "25;6" };
static const struct hdr_received rcv_quoted = {
	"mx.b.example", "host.example", "192.0.2.7", "mx", "Q", NULL, 1059003000,
	"<\"john doe\"@b.example>", NULL, NULL, NULL };
static const struct hdr_received rcv_semicolon = {
	"mx.b.example", "host.example", "192.0.2.7", "mx", "Q", NULL, 1059003000,
	"<\"a;b\"@b.example>", NULL, NULL, NULL };
static const struct hdr_received rcv_env_inject2 = {
	"mx.b.example", "host.example", "192.0.2.7", "mx", "Q", NULL, 1059003000,
	"<a@b>)\r\n\tby\ttrusted(x[127.0.0.1])(envelope-from<evil@x>", NULL, NULL, NULL };
#define ENV_X100 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
static const struct hdr_received rcv_env_long = {
	"mx.b.example", "host.example", "192.0.2.7", "mx", "Q", NULL, 1059003000,
	"<" ENV_X100 ENV_X100 ENV_X100 "@b>", NULL, NULL, NULL };

#define GTUBE_REPORT \
	"Spam detection software, running on the system \"vm\",\n" \
	"has identified this incoming email as possible spam.  The original\n" \
	"\n" \
	"Content preview:  This is the GTUBE, the Generic Test for Unsolicited Bulk Email\n" \
	"   XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X \n" \
	"\n" \
	" pts rule name              description\n" \
	"---- ---------------------- --------------------------------------------------\n" \
	"-0.0 NO_RECEIVED            Informational: message has no Received headers\n" \
	"1000 GTUBE                  BODY: Generic Test for Unsolicited Bulk Email\n"

#define TESTS9 "EMPTY_MESSAGE,MISSING_DATE,MISSING_FROM,MISSING_HEADERS,MISSING_MID," \
	"MISSING_SUBJECT,NO_HEADERS_MESSAGE,NO_RECEIVED,NO_RELAYS"
#define LONG_WORD "wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww" \
	"wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww"

#define BLANKS50 "                                                  "
#define BLANKS100 BLANKS50 BLANKS50
#define BLANKS200 BLANKS100 BLANKS100

/* row makers: name, inputs..., outlen, ret, want, has, hasnot */
#define CL(nm, s, fl, mx, ol, r, w) { nm, K_CLEAN, s, sizeof(s) - 1, NULL, fl, mx, 0, NULL, NULL, ol, r, w, NULL, NULL, 0 }
#define ST(nm, sp, sc, rq, t, ol, r, w, h) { nm, K_STATUS, t, 0, NULL, sp, sc, rq, NULL, NULL, ol, r, w, h, NULL, 1 }
#define UN(nm, s, ol, r, w) { nm, K_UNSCANNED, s, 0, NULL, 0, 0, 0, NULL, NULL, ol, r, w, NULL, NULL, 0 }
#define SC(nm, sc, ol, r, w) { nm, K_SCORE, NULL, 0, NULL, 0, sc, 0, NULL, NULL, ol, r, w, NULL, NULL, 0 }
#define LV(nm, sc, n) { nm, K_LEVEL, NULL, 0, NULL, 0, sc, 0, NULL, NULL, 0, 0, NULL, NULL, NULL, n }
#define RP(nm, s, ol, r, w, h, hn) { nm, K_REPORT, s, sizeof(s) - 1, NULL, 0, 0, 0, NULL, NULL, ol, r, w, h, hn, 1 }
#define A76 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define B10 "          "
#define B78 B10 B10 B10 B10 B10 B10 B10 "        "
#define B39 B10 B10 B10 "         "
#define B100 B10 B10 B10 B10 B10 B10 B10 B10 B10 B10
#define X100 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define X50 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define X900 X100 X100 X100 X100 X100 X100 X100 X100 X100
#define SU(nm, old, tag, ol, r, w) { nm, K_SUBJECT, old, 0, tag, 0, 0, 0, NULL, NULL, ol, r, w, NULL, NULL, 0 }
#define RC(nm, rc, ol, r, w, h, hn) { nm, K_RECEIVED, NULL, 0, NULL, 0, 0, 0, rc, NULL, ol, r, w, h, hn, 0 }
#define EX(nm, ex, ol, r, w, h) { nm, K_EXPLAIN, NULL, 0, NULL, 0, 0, 0, NULL, ex, ol, r, w, h, NULL, 1 }
#define DT(nm, t, ol, r, w) { nm, K_DATE, NULL, 0, NULL, 0, t, 0, NULL, NULL, ol, r, w, NULL, NULL, 0 }

static const struct hdr_explain ex_shadow = { NULL, "dest.example", "helo_non_fqdn,helo_unknown", "shadow", 3,
                                              "bl.example, bl2.example", "ok", "6.3/5.0 tag" };
static const struct hdr_explain ex_plain = { NULL, "default", "none", NULL, 0, NULL, "-", NULL };
static const struct hdr_explain ex_hostile = { NULL, "default", "non_fqdn\r\nX-Evil: 1", "exempt", -2, NULL,
                                               "none", "unscanned" };
static const struct hdr_explain ex_session = { "6937a1c4003f2", "default", "helo_unknown", NULL, 0, NULL, "ok",
                                               "1.0/5.0 pass" };

static const struct row rows[] = {
	/* hdr_clean_value */
	CL("plain", "hello world", 0, 100, 0, 0, "hello world"),
	CL("CRLF becomes one blank", "a\r\nb", 0, 100, 0, 0, "a b"),
	CL("fold unfolded: the break goes, its blanks stay (RFC 5322 3.2.2)", "a\r\n\t  b", 0, 100, 0, 0, "a   b"),
	CL("our own Subject fold comes back whole", "nXme\n              description", 0, 100, 0, 0,
	   "nXme              description"),
	CL("a break before no blank is forged: one blank", "a\r\n\r\nb", 0, 100, 0, 0, "a b"),
	CL("bare LF header injection", "x\nBcc: victim@example", 0, 100, 0, 0, "x Bcc: victim@example"),
	CL("bare CR", "x\ry", 0, 100, 0, 0, "x y"),
	CL("NUL and controls", "a\0b\x1b[1m\x7f", 0, 100, 0, 0, "a?b?[1m?"),
	CL("TAB", "a\tb", 0, 100, 0, 0, "a b"),
	CL("8-bit replaced", "caf\xc3\xa9", 0, 100, 0, 0, "caf??"),
	CL("8-bit kept", "caf\xc3\xa9", HDR_KEEP_8BIT, 100, 0, 0, "caf\xc3\xa9"),
	CL("bounded by max", "abcdefgh", 0, 3, 0, 1, "abc"),
	CL("bounded by outlen", "abcdefgh", 0, 100, 4, 1, "abc"),
	CL("cut never splits UTF-8", "ab\xe2\x82\xac", HDR_KEEP_8BIT, 4, 0, 1, "ab"),
	CL("outlen 1", "abc", 0, 100, 1, 1, ""),

	/* X-Spam-Status */
	ST("No, no tests", 0, -0.1, 5.0, NULL, 0, 0,
	   "No, score=-0.1 required=5.0 autolearn=unavailable\n\tversion=unknown", NULL),
	ST("tests known, none hit", 0, 0.0, 5.0, "", 0, 0,
	   "No, score=0.0 required=5.0 tests=none autolearn=unavailable\n\tversion=unknown", NULL),
	ST("GTUBE", 1, 1000.0, 5.0, "GTUBE,NO_RECEIVED,NO_RELAYS", 0, 0,
	   "Yes, score=1000.0 required=5.0 tests=GTUBE,NO_RECEIVED,\n\tNO_RELAYS autolearn=unavailable version=unknown", NULL),
	ST("fold at 78 after commas", 1, 7.4, 5.0, TESTS9, 0, 0,
	   "Yes, score=7.4 required=5.0 tests=EMPTY_MESSAGE,MISSING_DATE,\n"
	   "\tMISSING_FROM,MISSING_HEADERS,MISSING_MID,MISSING_SUBJECT,NO_HEADERS_MESSAGE,\n"
	   "\tNO_RECEIVED,NO_RELAYS autolearn=unavailable version=unknown", NULL),
	ST("junk test names skipped", 1, 15.2, 5.0, "A,B C,\r\nX-Evil: 1,,D\x01,E_9", 0, 0,
	   "Yes, score=15.2 required=5.0 tests=A,E_9 autolearn=unavailable\n\tversion=unknown", NULL),
	ST("all names junk", 1, 15.2, 5.0, "a b,(x)", 0, 0,
	   "Yes, score=15.2 required=5.0 tests=none autolearn=unavailable\n\tversion=unknown", NULL),
	ST("cut: whole names, no comma", 1, 7.4, 5.0, TESTS9, 90, 1,
	   "Yes, score=7.4 required=5.0 tests=EMPTY_MESSAGE,MISSING_DATE,\n\tMISSING_FROM", NULL),
	ST("cut before tests", 1, 7.4, 5.0, TESTS9, 20, 1, "Yes, score=7.4", NULL),
	ST("score rounding", 1, 15.25, 4.95, NULL, 0, 0,
	   "Yes, score=15.3 required=5.0 autolearn=unavailable\n\tversion=unknown", NULL),
	/* SpamAssassin's own form (10_default_prefs.cf add_header all Status) */
	ST("SpamAssassin's order of items", 1, 7.2, 5.0, "A,B", 0, 0,
	   "Yes, score=7.2 required=5.0 tests=A,B autolearn=unavailable\n\tversion=unknown", NULL),
	ST("cut before autolearn", 1, 7.2, 5.0, "A,B", 50, 1, "Yes, score=7.2 required=5.0 tests=A,B", NULL),

	/* unscanned */
	UN("unscanned reason", "spamd timeout", 0, 0, "unscanned (spamd timeout)"),
	UN("unscanned no reason", NULL, 0, 0, "unscanned"),
	UN("unscanned injection", "x\r\nX-Spam-Flag: YES\0", 0, 0, "unscanned (x X-Spam-Flag: YES)"),
	UN("unscanned cut", "spamd timeout", 12, 1, "unscanned"),

	/* X-Spam-Score */
	SC("score 15.2", 15.2, 0, 0, "15.2"),
	SC("score -0.1", -0.1, 0, 0, "-0.1"),
	SC("score -0.04 is 0.0", -0.04, 0, 0, "0.0"),
	SC("score 0.05 rounds up", 0.05, 0, 0, "0.1"),
	SC("score -2.5", -2.5, 0, 0, "-2.5"),
	SC("score 1000", 1000, 0, 0, "1000.0"),
	SC("score clamped", 1e12, 0, 0, "99999.9"),
	SC("score -clamped", -1e12, 0, 0, "-99999.9"),
	SC("score NaN", NAN, 0, 0, "0.0"),
	SC("score does not fit", 15.2, 4, 1, ""),

	/* X-Spam-Level: want is the number of stars (in .folded) */
	LV("stars 0", 0, 0), LV("stars 0.9", 0.9, 0), LV("stars 0.95 shows 1.0", 0.95, 1),
	LV("stars 1", 1, 1), LV("stars 7.2", 7.2, 7), LV("stars 50", 50, 50),
	LV("stars 99", 99, 50), LV("stars -3", -3, 0), LV("stars NaN", NAN, 0),

	/* X-Spam-Report */
	RP("real report folded", GTUBE_REPORT, 0, 0, NULL,
	   "\n\t1000 GTUBE                  BODY: Generic Test for Unsolicited Bulk Email", "\n\t\n"),
	RP("first line after the name", GTUBE_REPORT, 0, 0, NULL,
	   "Spam detection software, running on the system \"vm\",\n\thas identified", NULL),
	RP("long line folded at a blank", GTUBE_REPORT, 0, 0, NULL,
	   "\n\tContent preview:  This is the GTUBE, the Generic Test for Unsolicited Bulk\n\tEmail",
	   NULL),
	RP("alignment blanks kept", GTUBE_REPORT, 0, 0, NULL, "\n\t pts rule name              desc",
	   NULL),
	RP("report injection", "ok\r\nX-Spam-Flag: NO\r\n\r\nBcc: x\n", 0, 0,
	   "ok\n\tX-Spam-Flag: NO\n\tBcc: x", NULL, NULL),
	RP("controls stripped", "a\0b\x1b\x7f\tc\xff", 0, 0, "ab c?", NULL, NULL),
	RP("only blank lines", "\n \r\n\t\n", 0, 0, "", NULL, NULL),
	RP("empty", "", 0, 0, "", NULL, NULL),
	RP("word longer than a line", LONG_WORD, 0, 0, NULL, "\n\tw", NULL),
	RP("cut at a line end", "first line\nsecond line\n", 15, 1, "first line", NULL, NULL),
	/* fuzz_headers: indentation was kept whole on a fresh line, giving a
	 * physical line of 1,500 blanks, or an empty fold before a long word */
	RP("long indentation bounded", "first line\n" BLANKS200 "word\n", 0, 0, NULL, "word", NULL),
	RP("indented long word: no empty line", "first\n" BLANKS100 LONG_WORD "\n", 0, 0, NULL, "\tw", "\n\t\n"),
	RP("indentation of the first line bounded", BLANKS100 "word", 0, 0, NULL, "word", NULL),

	/* Subject */
	SU("tag added", "hello", "[SPAM]", 0, 0, "[SPAM] hello"),
	SU("absent subject", NULL, "[SPAM]", 0, 0, "[SPAM]"),
	SU("empty subject", "", "[SPAM]", 0, 0, "[SPAM]"),
	SU("not twice", "[SPAM] hello", "[SPAM]", 0, 0, "[SPAM] hello"),
	SU("not twice, other case", "[spam] hello", "[SPAM]", 0, 0, "[spam] hello"),
	SU("leading blanks", "   hello", "[SPAM]", 0, 0, "[SPAM] hello"),
	SU("tag with blanks", "hello", "  ***SPAM***  ", 0, 0, "***SPAM*** hello"),
	SU("no tag", "hello\r\n world", NULL, 0, 0, "hello world"),
	SU("folded subject unfolded", "long\r\n\tsubject", "[SPAM]", 0, 0, "[SPAM] long subject"),
	SU("long subject folded at a blank", "0123456789 0123456789 0123456789 0123456789 0123456789 0123456789 x",
	   "[SPAM]", 0, 0, "[SPAM] 0123456789 0123456789 0123456789 0123456789 0123456789\n 0123456789 x"),
	SU("runs of blanks kept across a fold", "0123456789012345678901234567890123456789012345678901234567890   x",
	   "[SPAM]", 0, 0, "[SPAM] 0123456789012345678901234567890123456789012345678901234567890\n   x"),
	SU("header injection", "hi\r\nBcc: victim@example\r\n", "[SPAM]", 0, 0,
	   "[SPAM] hi Bcc: victim@example "),
	SU("tag injection", "hi", "[SPAM]\r\nX-Evil: 1", 0, 0, "[SPAM] X-Evil: 1 hi"),
	SU("controls", "a\x01\x7f", "[SPAM]", 0, 0, "[SPAM] a??"),
	SU("UTF-8 kept", "caf\xc3\xa9", "[SPAM]", 0, 0, "[SPAM] caf\xc3\xa9"),
	SU("UTF-8 not split when cut", "caf\xc3\xa9 ok", "[SPAM]", 12, 1, "[SPAM] caf"),
	SU("tag does not fit: old kept", "hello", "[SPAM]", 6, 1, "hello"),
	/* found by fuzz_headers: cutting the next word backed off a stray lead
	 * byte that was a whole folded word, leaving a line of one blank */
	SU("a run of blanks no wider than a folded line", "a" B100 "b", NULL, 0, 0, "a\n" B78 "b"),
	SU("a tag's run of blanks cut as in the value", "hi", "[" B78 B10 "]", 0, 0, "[\n" B78 "]\n hi"),
	SU("that tag is seen when tagging again", "[" B78 "] hi", "[" B78 B10 "]", 0, 0, "[\n" B78 "]\n hi"),
	SU("trailing blanks end at the line limit", X900 X50 B100, NULL, 0, 0, X900 X50 B39),
	SU("cut after a folded stray lead byte", A76 " \xe0 more", "[S]", 85, 1, "[S]\n " A76 "\n \xe0"),

	/* X-Doorman */
	EX("explain: everything", &ex_shadow, 0, 0, "policy=dest.example; findings=helo_non_fqdn,helo_unknown (shadow);\n"
	   "\tdnsbl=3 (bl.example, bl2.example); rdns=ok; spam=6.3/5.0 tag", NULL),
	EX("explain: the session id last", &ex_session, 0, 0, "policy=default; findings=helo_unknown; dnsbl=0; rdns=ok;\n"
	   "\tspam=1.0/5.0 pass; session=6937a1c4003f2", NULL),
	EX("explain: nothing found, no scan", &ex_plain, 0, 0, "policy=default; findings=none; dnsbl=0; rdns=-", NULL),
	EX("explain: outside text cannot add a line", &ex_hostile, 0, 0, NULL, "findings=non_fqdn X-Evil: 1 (exempt)"),
	EX("explain: cut between items", &ex_shadow, 40, 1, "policy=dest.example;", NULL),

	/* Received */
	RC("IPv4", &rcv_v4, 0, 0, "from mx.b.example (host.example [192.0.2.7])\n"
	   "\tby mx.example.com (doorman) with ESMTP id 4XyZ1;\n\tWed, 23 Jul 2003 23:30:00 +0000",
	   NULL, NULL),
	RC("IPv6", &rcv_v6, 0, 0, "from mx.b.example (host.example [IPv6:2001:db8::7])\n"
	   "\tby mx.example.com (doorman) with ESMTP id 4XyZ1;\n\tWed, 23 Jul 2003 23:30:00 +0000",
	   NULL, NULL),
	RC("IPv4-mapped", &rcv_mapped, 0, 0, NULL, "(host.example [192.0.2.7])", "IPv6"),
	RC("unknown name", &rcv_noname, 0, 0, NULL, "from mx.b.example (unknown [192.0.2.7])", NULL),
	RC("no HELO", &rcv_nohelo, 0, 0, NULL, "from unknown (unknown [192.0.2.7])\n", NULL),
	RC("literal HELO, ESMTPA, epoch", &rcv_literal, 0, 0, "from [192.0.2.7] (unknown [192.0.2.7])\n"
	   "\tby mx (doorman) with ESMTPA id Q;\n\tThu, 1 Jan 1970 00:00:00 +0000", NULL, NULL),
	RC("injection", &rcv_inject, 0, 0, "from evil???by?trusted??x??127.0.0.1????X-Spam-Flag:?NO "
	   "(h??fake??127.0.0.1?? [IPv6:2001:db8::1])\n\tby mx? (doorman) with ESMTP id Q???;\n"
	   "\tTue, 29 Feb 2000 00:00:00 +0000", NULL, NULL),
	RC("HELO bounded, no queue id", &rcv_long, 0, 0, NULL, "h (unknown [192.0.2.7])\n"
	   "\tby mx (doorman) with SMTP;\n", "TAIL"),
	RC("envelope sender and TLS", &rcv_env, 0, 0, "from mx.b.example (host.example [192.0.2.7])\n"
	   "\t(envelope-from <alice@b.example>)\n"
	   "\tby mx.example.com (doorman) with ESMTPSA (TLSv1.3:TLS_AES_256_GCM_SHA384:256) id 4XyZ1;\n"
	   "\tWed, 23 Jul 2003 23:30:00 +0000", NULL, NULL),
	RC("null sender, no TLS", &rcv_null, 0, 0, "from mx.b.example (host.example [192.0.2.7])\n"
	   "\t(envelope-from <>)\n\tby mx (doorman) with ESMTP id Q;\n\tWed, 23 Jul 2003 23:30:00 +0000",
	   NULL, NULL),
	RC("envelope sender with blanks: left out", &rcv_env_inject, 0, 0, NULL,
	   "[192.0.2.7])\n\tby mx (doorman) with ESMTP (TLS?1.3??:?c?:25?6) id Q;", "evil"),
	RC("envelope sender cannot close the comment", &rcv_env_inject2, 0, 0, NULL,
	   "[192.0.2.7])\n\t(envelope-from <a@b?????by?trusted?x[127.0.0.1]??envelope-from?evil@x>)\n"
	   "\tby mx (doorman) with ESMTP id Q;", NULL),
	RC("envelope sender too long: left out", &rcv_env_long, 0, 0, NULL, "[192.0.2.7])\n\tby mx",
	   "envelope-from"),
	RC("quoted sender with a blank: left to X-Envelope-From", &rcv_quoted, 0, 0, NULL,
	   "[192.0.2.7])\n\tby mx", "envelope-from"),
	RC("sender with ';': left to X-Envelope-From", &rcv_semicolon, 0, 0, NULL,
	   "[192.0.2.7])\n\tby mx", "envelope-from"),
	RC("not an address", &rcv_badaddr, 0, -1, "", NULL, NULL),
	RC("no address", &rcv_noaddr, 0, -1, "", NULL, NULL),
	RC("buffer too small: nothing", &rcv_v4, 100, -1, "", NULL, NULL),

	/* date */
	DT("date", 1059003000, 0, 0, "Wed, 23 Jul 2003 23:30:00 +0000"),
	DT("leap day", 951782400, 0, 0, "Tue, 29 Feb 2000 00:00:00 +0000"),
	DT("date buffer short", 1059003000, 31, -1, ""),
};

/* The libmilter value rules, for every row; the first line starts after
 * "X-Doorman: " (11 columns) for explain rows, after 15 for the others. */
static void check_value_at(const char *name, const char *out, size_t outlen, int folded, size_t col)
{
	size_t n = strnlen(out, outlen), i, maxcol = 0;

	ck_assert_msg(n < outlen, "%s: not terminated", name);
	for (i = 0; i < n; i++) {
		ck_assert_msg(out[i] != '\r', "%s: CR at %zu", name, i);
		if (out[i] == '\n') {
			ck_assert_msg(out[i + 1] == '\t' || out[i + 1] == ' ', "%s: LF not followed by a blank at %zu",
			              name, i);
			ck_assert_msg(out[i + 2] != '\0', "%s: ends in a fold", name);
			ck_assert_msg((unsigned char)out[i + 2 + strspn(out + i + 2, " \t")] > (unsigned char)'\n',
			              "%s: a line of blanks only at %zu", name, i);
			col = 0;
		} else {
			col++;
			if (col > maxcol)
				maxcol = col;
		}
	}
	if (folded)
		ck_assert_msg(maxcol <= HDR_FOLD_WIDTH, "%s: a line of %zu columns", name, maxcol);
}

static void check_value(const char *name, const char *out, size_t outlen, int folded)
{
	check_value_at(name, out, outlen, folded, 15);
}

START_TEST(test_row)
{
	const struct row *r = &rows[_i];
	char out[BUF + 8];
	size_t outlen = r->outlen ? r->outlen : BUF, alen, i;
	int ret = 0;

	memset(out, CANARY, sizeof(out));
	alen = r->alen ? r->alen : (r->a ? strlen(r->a) : 0);
	switch (r->kind) {
	case K_CLEAN:
		ret = hdr_clean_value(out, outlen, r->a, alen, (size_t)r->x, r->flag);
		break;
	case K_STATUS:
		ret = hdr_spam_status(out, outlen, (int)r->flag, r->x, r->y, r->a);
		break;
	case K_UNSCANNED:
		ret = hdr_spam_unscanned(out, outlen, r->a);
		break;
	case K_SCORE:
		ret = hdr_spam_score(out, outlen, r->x);
		break;
	case K_LEVEL:
		ret = hdr_spam_level(out, outlen, r->x);
		ck_assert_msg(strspn(out, "*") == strlen(out) && strlen(out) == (size_t)r->folded,
		              "%s: \"%s\", want %d stars", r->name, out, r->folded);
		break;
	case K_REPORT:
		ret = hdr_spam_report(out, outlen, r->a, alen);
		break;
	case K_SUBJECT:
		ret = hdr_subject_tag(out, outlen, r->a, r->b);
		break;
	case K_RECEIVED:
		ret = hdr_received(out, outlen, r->rcv);
		break;
	case K_EXPLAIN:
		ret = hdr_explain(out, outlen, r->ex);
		break;
	case K_DATE:
		ret = hdr_date(out, outlen, (time_t)r->x);
		break;
	}
	ck_assert_msg(ret == r->ret, "%s: returned %d, want %d (\"%s\")", r->name, ret, r->ret, out);
	for (i = outlen; i < sizeof(out); i++)
		ck_assert_msg(out[i] == CANARY, "%s: wrote past outlen at %zu", r->name, i);
	check_value_at(r->name, out, outlen, r->kind == K_LEVEL ? 0 : r->folded, r->kind == K_EXPLAIN ? 11 : 15);
	if (r->want)
		ck_assert_msg(strcmp(out, r->want) == 0, "%s:\n got \"%s\"\nwant \"%s\"", r->name, out,
		              r->want);
	if (r->has)
		ck_assert_msg(strstr(out, r->has) != NULL, "%s: \"%s\" lacks \"%s\"", r->name, out, r->has);
	if (r->hasnot)
		ck_assert_msg(strstr(out, r->hasnot) == NULL, "%s: \"%s\" has \"%s\"", r->name, out,
		              r->hasnot);
}
END_TEST

/* Unfold a header value: drop each LF (the blank after it stays). */
static void unfold(char *s)
{
	char *w = s;

	for (; *s; s++)
		if (*s != '\n')
			*w++ = *s;
	*w = '\0';
}

/* Longest physical line of a value (the first counted after "Subject: "). */
static size_t longest_line(const char *v, size_t first_col)
{
	size_t best = 0, col = first_col;

	for (; *v; v++) {
		if (*v == '\n') {
			col = 0;
			continue;
		}
		if (++col > best)
			best = col;
	}
	return best;
}

/* Tagging its own output again changes nothing; a subject of 100 KB is
 * tagged whole and folded; a word longer than a line moves to its own line
 * rather than making the first one longer; a long test list folds within
 * 78 columns. */
START_TEST(test_properties)
{
	static char once[HDR_SUBJECT_SIZE(102400)], twice[HDR_SUBJECT_SIZE(102400)];
	static char big[102401], tests[4000];
	char out[BUF];
	size_t i, n = 0;

	ck_assert_int_eq(hdr_subject_tag(once, sizeof(once), "hello", "[SPAM]"), 0);
	ck_assert_int_eq(hdr_subject_tag(twice, sizeof(twice), once, "[SPAM]"), 0);
	ck_assert_str_eq(once, twice);

	/* 100 KB of words: nothing lost, every line within 78 columns */
	for (i = 0; i < sizeof(big) - 1; i++)
		big[i] = i % 9 == 8 ? ' ' : (char)('a' + i % 26);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(hdr_subject_tag(once, sizeof(once), big, "[SPAM]"), 0);
	ck_assert_uint_le(longest_line(once, 9), 78);
	ck_assert_int_eq(hdr_subject_tag(twice, sizeof(twice), once, "[SPAM]"), 0);
	ck_assert_str_eq(once, twice);
	unfold(once);
	ck_assert_int_eq(strncmp(once, "[SPAM] ", 7), 0);
	ck_assert_str_eq(once + 7, big);

	/* one 2000-byte word: its own line after the tag, broken where a line
	 * reaches 998 (RFC 5322 2.1.1), as Postfix's smtp_line_length_limit
	 * would break it; tagging again changes nothing */
	memset(big, 's', 2000);
	big[2000] = '\0';
	ck_assert_int_eq(hdr_subject_tag(once, sizeof(once), big, "[SPAM]"), 0);
	ck_assert_int_eq(strncmp(once, "[SPAM]\n ", 8), 0);
	ck_assert_uint_eq(strspn(once + 8, "s"), 997);
	ck_assert_int_eq(strncmp(once + 8 + 997, "\n ", 2), 0);
	ck_assert_uint_eq(strspn(once + 8 + 997 + 2, "s"), 997);
	ck_assert_str_eq(once + 8 + 2 * 997 + 2, "\n ssssss");
	ck_assert_uint_le(longest_line(once, 9), 998);
	ck_assert_int_eq(hdr_subject_tag(twice, sizeof(twice), once, "[SPAM]"), 0);
	ck_assert_str_eq(once, twice);

	/* 2000 bytes of 2-byte characters: broken between characters */
	for (i = 0; i < 2000; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	ck_assert_int_eq(hdr_subject_tag(once, sizeof(once), big, NULL), 0);
	ck_assert_uint_le(longest_line(once, 9), 998);
	for (i = 0; once[i] != '\0'; i++)
		if (once[i] == '\n')
			ck_assert_int_eq((unsigned char)once[i - 1], 0xa9);
	ck_assert_int_eq(hdr_subject_tag(twice, sizeof(twice), once, NULL), 0);
	ck_assert_str_eq(once, twice);

	for (i = 0; i < 120; i++)
		n += (size_t)snprintf(tests + n, sizeof(tests) - n, "%sRULE_NUMBER_%zu", i ? "," : "", i);
	ck_assert_int_eq(hdr_spam_status(out, sizeof(out), 1, 20, 5, tests), 0);
	check_value("120 tests", out, sizeof(out), 1);
	ck_assert_ptr_nonnull(strstr(out, ",RULE_NUMBER_119") ? out : strstr(out, "\tRULE_NUMBER_119"));

	ck_assert_int_eq(hdr_spam_report(out, sizeof(out), NULL, 5), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(hdr_received(out, sizeof(out), NULL), -1);
	ck_assert_int_eq(hdr_subject_tag(out, 0, "x", "y"), -1);
	ck_assert_str_eq(HDR_SPAM_FLAG_VALUE, "YES");
}
END_TEST

/* A report longer than HDR_REPORT_MAX is used up to a line end and flagged. */
START_TEST(test_report_bound)
{
	char in[9000], out[8192];
	size_t i, n = 0;

	for (i = 0; n < sizeof(in) - 40; i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, " 1.0 RULE_%04zu  description\n", i);
	ck_assert_int_eq(hdr_spam_report(out, sizeof(out), in, n), 1);
	check_value("big report", out, sizeof(out), 1);
	ck_assert_msg(strlen(out) <= HDR_REPORT_MAX + 2 * (HDR_REPORT_MAX / 30),
	              "report of %zu bytes", strlen(out));
	ck_assert_msg(out[strlen(out) - 1] == 'n', "report cut mid-line: \"%s\"",
	              out + strlen(out) - 20);
}
END_TEST

static Suite *headers_suite(void)
{
	Suite *s = suite_create("headers");
	TCase *tc = tcase_create("values");

	tcase_add_loop_test(tc, test_row, 0, NROWS(rows));
	tcase_add_test(tc, test_properties);
	tcase_add_test(tc, test_report_bound);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(headers_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

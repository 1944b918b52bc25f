/*
 * check_spamd_reply.c - table-driven Check tests for filters/spamd/spamd_reply.c.
 *
 * One row per reply: the bytes spamd sent, the command that was asked, and
 * what the parser must say (verdict, spamd error code, or malformed). Rows
 * marked "real" are verbatim replies captured from Debian 12's spamd 4.0.1
 * (-L, loopback) for GTUBE, sample-nonspam.txt, an empty message, and a
 * local.cf that scores NO_RELAYS -2.5. Rows that need huge input name a
 * generator. Every row also checks the invariants: the return value equals
 * out->status, a verdict has no error text and anything else has one, no
 * output string holds a control character (the report only '\n').
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spamd_reply.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define CHK SPAMD_CMD_CHECK
#define SYM SPAMD_CMD_SYMBOLS
#define REP SPAMD_CMD_REPORT

enum gen {
	G_NONE = 0,
	G_LONG_STATUS,      /* 10 KiB status line */
	G_LONG_HEADER,      /* 10 KiB X-Junk header before Spam */
	G_LIMIT_HEADER,     /* header line of exactly SPAMD_LINE_MAX bytes: accepted */
	G_LONG_SYMBOLS,     /* SYMBOLS body of 10 KiB */
	G_MANY_SYMBOLS,     /* 300 valid names: kept whole until 1 KiB, flagged */
	G_MIB_JUNK,         /* 1 MiB without a newline */
	G_MIB_REPORT,       /* 1 MiB REPORT body with the right Content-length */
	G_LONG_RULE,        /* one rule name of SPAMD_SYMBOL_MAX + 1 */
};

struct row {
	const char *name;
	const char *in;
	size_t len;
	enum gen gen;
	enum spamd_cmd cmd;
	enum spamd_status want;
	int code;               /* verdict: 0; error: 64..78; malformed: -1 = don't care */
	int is_spam;
	double score, threshold;
	const char *symbols;    /* NULL: not checked */
	const char *report;     /* substring of report; NULL: not checked */
	const char *error;      /* substring of error; NULL: not checked */
};

#define OK "SPAMD/1.1 0 EX_OK\r\n"
#define V(nm, s, c, sp, sc, th) { nm, s, sizeof(s) - 1, G_NONE, c, SPAMD_VERDICT, 0, sp, sc, th, NULL, NULL, NULL }
#define VS(nm, s, sp, sc, th, sy) { nm, s, sizeof(s) - 1, G_NONE, SYM, SPAMD_VERDICT, 0, sp, sc, th, sy, NULL, NULL }
#define VR(nm, s, sp, sc, th, re) { nm, s, sizeof(s) - 1, G_NONE, REP, SPAMD_VERDICT, 0, sp, sc, th, NULL, re, NULL }
#define E(nm, s, cd, er) { nm, s, sizeof(s) - 1, G_NONE, CHK, SPAMD_ERROR_CODE, cd, 0, 0, 0, NULL, NULL, er }
#define M(nm, s, c, er) { nm, s, sizeof(s) - 1, G_NONE, c, SPAMD_MALFORMED, -1, 0, 0, 0, NULL, NULL, er }
#define GV(nm, g, c, sy, re) { nm, NULL, 0, g, c, SPAMD_VERDICT, 0, 1, 7.5, 5, sy, re, NULL }
#define GM(nm, g, c, er) { nm, NULL, 0, g, c, SPAMD_MALFORMED, -1, 0, 0, 0, NULL, NULL, er }
#define EXC(n, name) E("code " #n " " name, "SPAMD/1.0 " #n " " name "\r\n", n, "spamd error " #n " " name)

#define GTUBE_REPORT_BODY \
	"Spam detection software, running on the system \"vm\",\n" \
	"has identified this incoming email as possible spam.  The original\n" \
	"message has been attached to this so you can view it or label\n" \
	"similar future email.  If you have any questions, see\n" \
	"@@CONTACT_ADDRESS@@ for details.\n" \
	"\n" \
	"Content preview:  This is the GTUBE, the Generic Test for Unsolicited Bulk Email\n" \
	"   XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X \n" \
	"\n" \
	"Content analysis details:   (1000.0 points, 5.0 required)\n" \
	"\n" \
	" pts rule name              description\n" \
	"---- ---------------------- --------------------------------------------------\n" \
	"-0.0 NO_RECEIVED            Informational: message has no Received headers\n" \
	"-0.0 NO_RELAYS              Informational: message was not relayed via SMTP\n" \
	"1000 GTUBE                  BODY: Generic Test for Unsolicited Bulk Email\n" \
	"\n"

static const struct row rows[] = {
	/* real replies from spamd 4.0.1 */
	V("real GTUBE CHECK", OK "Spam: True ; 1000.0 / 5.0\r\n\r\n", CHK, 1, 1000.0, 5.0),
	VS("real GTUBE SYMBOLS", OK "Content-length: 27\r\nSpam: True ; 1000.0 / 5.0\r\n\r\n"
	   "GTUBE,NO_RECEIVED,NO_RELAYS", 1, 1000.0, 5.0, "GTUBE,NO_RECEIVED,NO_RELAYS"),
	VR("real GTUBE REPORT", OK "Content-length: 829\r\nSpam: True ; 1000.0 / 5.0\r\n\r\n"
	   GTUBE_REPORT_BODY, 1, 1000.0, 5.0,
	   "1000 GTUBE                  BODY: Generic Test for Unsolicited Bulk Email\n"),
	VR("real GTUBE REPORT_IFSPAM says Yes", OK "Content-length: 829\r\n"
	   "Spam: Yes ; 1000.0 / 5.0\r\n\r\n" GTUBE_REPORT_BODY, 1, 1000.0, 5.0, "@@CONTACT_ADDRESS@@"),
	V("real ham CHECK", OK "Spam: False ; 0.0 / 5.0\r\n\r\n", CHK, 0, 0.0, 5.0),
	VS("real ham SYMBOLS, empty body", OK "Content-length: 0\r\nSpam: False ; 0.0 / 5.0\r\n\r\n",
	   0, 0.0, 5.0, ""),
	VR("real ham REPORT_IFSPAM says No", OK "Content-length: 0\r\nSpam: No ; 0.0 / 5.0\r\n\r\n",
	   0, 0.0, 5.0, ""),
	VS("real empty message SYMBOLS", OK "Content-length: 124\r\nSpam: True ; 7.4 / 5.0\r\n\r\n"
	   "EMPTY_MESSAGE,MISSING_DATE,MISSING_FROM,MISSING_HEADERS,MISSING_MID,MISSING_SUBJECT,"
	   "NO_HEADERS_MESSAGE,NO_RECEIVED,NO_RELAYS", 1, 7.4, 5.0,
	   "EMPTY_MESSAGE,MISSING_DATE,MISSING_FROM,MISSING_HEADERS,MISSING_MID,MISSING_SUBJECT,"
	   "NO_HEADERS_MESSAGE,NO_RECEIVED,NO_RELAYS"),
	V("real negative CHECK", OK "Spam: False ; -2.5 / 5.0\r\n\r\n", CHK, 0, -2.5, 5.0),
	VS("real negative SYMBOLS", OK "Content-length: 21\r\nSpam: False ; -2.5 / 5.0\r\n\r\n"
	   "NO_RECEIVED,NO_RELAYS", 0, -2.5, 5.0, "NO_RECEIVED,NO_RELAYS"),
	E("real bad command", "SPAMD/1.0 76 Bad header line: BOGUS SPAMC/1.5\r\n", 76,
	  "spamd error 76 Bad header line: BOGUS SPAMC/1.5"),
	E("real Content-length mismatch", "SPAMD/1.0 76 Bad header line: (Content-Length mismatch: "
	  "Expected 5 bytes, got 32 bytes)\r\n", 76, "Content-Length mismatch"),
	E("real closed before headers", "SPAMD/1.0 76 Bad header line: (closed before headers)\r\n",
	  76, "closed before headers"),
	E("real Compress without length", "SPAMD/1.0 69 Service Unavailable: Compress requires "
	  "Content-length header\r\n", 69, "spamd error 69 Service Unavailable"),
	E("real LF-only request", "SPAMD/1.0 76 Bad header line: (header not in 'Name: value' "
	  "format)\r\n", 76, "Name: value"),
	M("real PONG is no verdict", "SPAMD/1.5 0 PONG\r\n", CHK, "truncated"),

	/* the Spam header */
	V("True", OK "Spam: True ; 15.2 / 5.0\r\n\r\n", CHK, 1, 15.2, 5.0),
	V("Yes", OK "Spam: Yes ; 6.0 / 5.0\r\n\r\n", CHK, 1, 6.0, 5.0),
	V("No", OK "Spam: No ; 1.0 / 5.0\r\n\r\n", CHK, 0, 1.0, 5.0),
	V("lower-case true", OK "Spam: true ; 6.0 / 5.0\r\n\r\n", CHK, 1, 6.0, 5.0),
	V("integer scores (old spamd)", OK "Spam: True ; 15 / 5\r\n\r\n", CHK, 1, 15.0, 5.0),
	V("negative score", OK "Spam: False ; -0.1 / 5.0\r\n\r\n", CHK, 0, -0.1, 5.0),
	V("negative threshold", OK "Spam: True ; -1.0 / -2.5\r\n\r\n", CHK, 1, -1.0, -2.5),
	V("two decimals", OK "Spam: False ; 4.99 / 5.00\r\n\r\n", CHK, 0, 4.99, 5.0),
	V("no blanks around ; and /", OK "Spam: True;15.2/5.0\r\n\r\n", CHK, 1, 15.2, 5.0),
	V("tabs and trailing blanks", OK "Spam:\tTrue\t;\t15.2\t/\t5.0  \r\n\r\n", CHK, 1, 15.2, 5.0),
	V("header names any case", OK "SPAM: True ; 6.0 / 5.0\r\nCONTENT-LENGTH: 0\r\n\r\n", CHK, 1, 6.0, 5.0),
	V("LF-only line ends", "SPAMD/1.1 0 EX_OK\nSpam: True ; 6.0 / 5.0\n\n", CHK, 1, 6.0, 5.0),
	V("SPAMD/1.0 with EX_OK", "SPAMD/1.0 0 EX_OK\r\nSpam: True ; 6.0 / 5.0\r\n\r\n", CHK, 1, 6.0, 5.0),
	V("SPAMD/1.5", "SPAMD/1.5 0 EX_OK\r\nSpam: True ; 6.0 / 5.0\r\n\r\n", CHK, 1, 6.0, 5.0),
	V("unknown header ignored", OK "X-Whatever: 1\r\nSpam: True ; 6.0 / 5.0\r\n\r\n", CHK, 1, 6.0, 5.0),
	V("score exactly 10000", OK "Spam: True ; 10000.0 / 5.0\r\n\r\n", CHK, 1, 10000.0, 5.0),
	M("score over 10000", OK "Spam: True ; 10000.1 / 5.0\r\n\r\n", CHK, "bad Spam header"),
	M("absurd score", OK "Spam: True ; 999999999 / 5.0\r\n\r\n", CHK, "bad Spam header"),
	M("nan", OK "Spam: True ; nan / 5.0\r\n\r\n", CHK, "bad Spam header"),
	M("inf", OK "Spam: True ; inf / 5.0\r\n\r\n", CHK, "bad Spam header"),
	M("exponent", OK "Spam: True ; 1e3 / 5.0\r\n\r\n", CHK, "bad Spam header"),
	M("hex float", OK "Spam: True ; 0x1p3 / 5.0\r\n\r\n", CHK, "bad Spam header"),
	M("plus sign", OK "Spam: True ; +6.0 / 5.0\r\n\r\n", CHK, "bad Spam header"),
	M("comma decimal", OK "Spam: True ; 6,0 / 5,0\r\n\r\n", CHK, "bad Spam header"),
	M("dot without digits", OK "Spam: True ; 6. / 5.0\r\n\r\n", CHK, "bad Spam header"),
	M("empty score", OK "Spam: True ;  / 5.0\r\n\r\n", CHK, "bad Spam header"),
	M("missing threshold", OK "Spam: True ; 6.0\r\n\r\n", CHK, "bad Spam header"),
	M("trailing junk", OK "Spam: True ; 6.0 / 5.0 x\r\n\r\n", CHK, "bad Spam header"),
	M("Maybe", OK "Spam: Maybe ; 6.0 / 5.0\r\n\r\n", CHK, "bad Spam header"),
	M("no semicolon", OK "Spam: True 6.0 / 5.0\r\n\r\n", CHK, "bad Spam header"),
	M("empty Spam value", OK "Spam:\r\n\r\n", CHK, "bad Spam header"),
	M("missing Spam header", OK "Content-length: 0\r\n\r\n", CHK, "without a Spam header"),
	M("two Spam headers", OK "Spam: False ; 0.0 / 5.0\r\nSpam: True ; 9.0 / 5.0\r\n\r\n", CHK,
	  "duplicate Spam"),
	M("CR inside Spam value", OK "Spam: True\r ; 6.0 / 5.0\r\n\r\n", CHK, "NUL or CR"),
	M("LF inside Spam value", OK "Spam: True\n ; 6.0 / 5.0\r\n\r\n", CHK, "bad Spam header"),
	M("NUL inside Spam value", OK "Spam: True \0; 6.0 / 5.0\r\n\r\n", CHK, "NUL or CR"),
	M("continuation line", OK "Spam: True ;\r\n 6.0 / 5.0\r\n\r\n", CHK, "bad Spam header"),
	M("header without colon", OK "Spam True ; 6.0 / 5.0\r\n\r\n", CHK, "not in 'Name: value'"),

	/* the status line */
	M("empty reply", "", CHK, "empty reply"),
	M("status line not terminated", "SPAMD/1.1 0 EX_OK", CHK, "not terminated"),
	M("truncated after status", OK, CHK, "truncated"),
	M("truncated before empty line", OK "Spam: True ; 6.0 / 5.0\r\n", CHK, "truncated"),
	M("truncated mid header", OK "Spam: True ; 6.", CHK, "truncated"),
	M("HTTP instead", "HTTP/1.1 200 OK\r\n\r\n", CHK, "no SPAMD/ status line"),
	M("lower-case spamd", "spamd/1.1 0 EX_OK\r\nSpam: True ; 6.0 / 5.0\r\n\r\n", CHK, "no SPAMD/"),
	M("SPAMD/2.0", "SPAMD/2.0 0 EX_OK\r\nSpam: True ; 6.0 / 5.0\r\n\r\n", CHK, "unsupported"),
	M("SPAMD/1", "SPAMD/1 0 EX_OK\r\nSpam: True ; 6.0 / 5.0\r\n\r\n", CHK, "protocol version"),
	M("code missing", "SPAMD/1.1 EX_OK\r\nSpam: True ; 6.0 / 5.0\r\n\r\n", CHK, "status code"),
	M("code 00", "SPAMD/1.1 00 EX_OK\r\nSpam: True ; 6.0 / 5.0\r\n\r\n", CHK, "status code"),
	M("no message", "SPAMD/1.1 0\r\nSpam: True ; 6.0 / 5.0\r\n\r\n", CHK, "status code"),
	M("code 1", "SPAMD/1.0 1 EX_WHAT\r\n", CHK, "unknown status code"),
	M("code 63", "SPAMD/1.0 63 EX_BELOW\r\n", CHK, "unknown status code"),
	M("code 79 (past EX_CONFIG)", "SPAMD/1.0 79 EX_BEYOND\r\n", CHK, "unknown status code"),
	M("code 999", "SPAMD/1.0 999 EX_BIG\r\n", CHK, "unknown status code"),
	M("NUL in status line", "SPAMD/1.1 0 EX\0OK\r\nSpam: True ; 6.0 / 5.0\r\n\r\n", CHK, "NUL or CR"),
	E("error message cleaned", "SPAMD/1.0 76 bad \x1b[31m\x7f\xff\r\n", 76, "bad ?[31m??"),
	E("error without a blank line, junk after", "SPAMD/1.0 75 EX_TEMPFAIL\r\n\0\0junk", 75,
	  "spamd error 75 EX_TEMPFAIL"),
	EXC(64, "EX_USAGE"), EXC(65, "EX_DATAERR"), EXC(66, "EX_NOINPUT"), EXC(67, "EX_NOUSER"),
	EXC(68, "EX_NOHOST"), EXC(69, "EX_UNAVAILABLE"), EXC(70, "EX_SOFTWARE"),
	EXC(71, "EX_OSERR"), EXC(72, "EX_OSFILE"), EXC(73, "EX_CANTCREAT"), EXC(74, "EX_IOERR"),
	EXC(75, "EX_TEMPFAIL"), EXC(76, "EX_PROTOCOL"), EXC(77, "EX_NOPERM"), EXC(78, "EX_CONFIG"),

	/* Content-length and bodies */
	M("Content-length too big", OK "Content-length: 28\r\nSpam: True ; 6.0 / 5.0\r\n\r\nGTUBE",
	  SYM, "Content-length 28 but 5 body bytes"),
	M("Content-length too small", OK "Content-length: 2\r\nSpam: True ; 6.0 / 5.0\r\n\r\nGTUBE",
	  SYM, "Content-length 2 but 5"),
	M("Content-length not a number", OK "Content-length: five\r\nSpam: True ; 6.0 / 5.0\r\n\r\n",
	  CHK, "bad Content-length"),
	M("Content-length negative", OK "Content-length: -1\r\nSpam: True ; 6.0 / 5.0\r\n\r\n",
	  CHK, "bad Content-length"),
	M("Content-length twice", OK "Content-length: 0\r\nContent-length: 0\r\n"
	  "Spam: True ; 6.0 / 5.0\r\n\r\n", CHK, "duplicate Content-length"),
	M("Content-length huge", OK "Content-length: 99999999999999999999\r\n"
	  "Spam: True ; 6.0 / 5.0\r\n\r\n", CHK, "bad Content-length"),
	M("CHECK with a body", OK "Spam: True ; 6.0 / 5.0\r\n\r\nGTUBE", CHK, "unexpected body"),
	VS("SYMBOLS without Content-length", OK "Spam: True ; 6.0 / 5.0\r\n\r\nA_1,b_2", 1, 6.0, 5.0,
	   "A_1,b_2"),
	VS("SYMBOLS trailing CRLF", OK "Spam: True ; 6.0 / 5.0\r\n\r\nA,B\r\n", 1, 6.0, 5.0, "A,B"),
	M("SYMBOLS blank after comma", OK "Spam: True ; 6.0 / 5.0\r\n\r\nA, B", SYM, "bad rule name"),
	M("SYMBOLS empty name", OK "Spam: True ; 6.0 / 5.0\r\n\r\nA,,B", SYM, "bad rule name"),
	M("SYMBOLS trailing comma", OK "Spam: True ; 6.0 / 5.0\r\n\r\nA,B,", SYM, "bad rule name"),
	M("SYMBOLS injection", OK "Spam: True ; 6.0 / 5.0\r\n\r\nA\r\nX-Spam-Flag: NO", SYM,
	  "bad rule name"),
	M("SYMBOLS NUL", OK "Spam: True ; 6.0 / 5.0\r\n\r\nA\0B", SYM, "bad rule name"),
	VR("REPORT cleaned", OK "Spam: True ; 6.0 / 5.0\r\n\r\nline\r\none\ttab\0nul\x1b\xc3\xa9\n",
	   1, 6.0, 5.0, "line\none tabnul??\n"),
	VR("REPORT empty", OK "Spam: True ; 6.0 / 5.0\r\n\r\n", 1, 6.0, 5.0, ""),

	/* sizes */
	GM("10 KiB status line", G_LONG_STATUS, CHK, "line 1: line too long"),
	GM("10 KiB header line", G_LONG_HEADER, CHK, "line 2: line too long"),
	GV("header line at the limit", G_LIMIT_HEADER, CHK, NULL, NULL),
	GM("10 KiB SYMBOLS body", G_LONG_SYMBOLS, SYM, "SYMBOLS body too long"),
	GV("300 symbols kept whole", G_MANY_SYMBOLS, SYM, NULL, NULL),
	GM("1 MiB junk", G_MIB_JUNK, CHK, "line too long"),
	GV("1 MiB report", G_MIB_REPORT, REP, NULL, "report line 0\n"),
	GM("rule name too long", G_LONG_RULE, SYM, "bad rule name"),
};

static char *cat3(const char *a, const char *mid, size_t midlen, const char *b, size_t *len)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + midlen + lb + 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, a, la);
	memcpy(p + la, mid, midlen);
	memcpy(p + la + midlen, b, lb + 1);
	*len = la + midlen + lb;
	return p;
}

static char *generate(enum gen g, size_t *len)
{
	char *mid, *res, head[128];
	size_t n = 0, i;

	switch (g) {
	case G_LONG_STATUS:
		mid = malloc(10240);
		memset(mid, 'x', 10240);
		res = cat3("SPAMD/1.1 0 ", mid, 10240, "\r\nSpam: True ; 7.5 / 5\r\n\r\n", len);
		break;
	case G_LONG_HEADER:
	case G_LIMIT_HEADER:
		n = g == G_LONG_HEADER ? 10240 : SPAMD_LINE_MAX - 8;   /* "X-Junk: " */
		mid = malloc(n);
		memset(mid, 'j', n);
		res = cat3(OK "X-Junk: ", mid, n, "\r\nSpam: True ; 7.5 / 5\r\n\r\n", len);
		break;
	case G_LONG_SYMBOLS:
	case G_MANY_SYMBOLS:
		mid = malloc(12000);
		for (i = 0; n < (g == G_LONG_SYMBOLS ? 10240u : 300 * 9u); i++)
			n += (size_t)sprintf(mid + n, "%sRULE_%03zu", i ? "," : "", i % 1000);
		res = cat3(OK "Spam: True ; 7.5 / 5\r\n\r\n", mid, n, "", len);
		break;
	case G_MIB_JUNK:
		n = 1 << 20;
		mid = malloc(n);
		memset(mid, 'A', n);
		res = cat3("", mid, n, "", len);
		break;
	case G_MIB_REPORT:
		mid = malloc((1u << 20) + 32);
		for (i = 0; i < (1u << 20); )
			i += (size_t)sprintf(mid + i, "report line %zu\n", i % 7);
		snprintf(head, sizeof(head), OK "Content-length: %zu\r\nSpam: True ; 7.5 / 5\r\n\r\n", i);
		res = cat3(head, mid, i, "", len);
		break;
	case G_LONG_RULE:
		n = SPAMD_SYMBOL_MAX + 1;
		mid = malloc(n);
		memset(mid, 'R', n);
		res = cat3(OK "Spam: True ; 7.5 / 5\r\n\r\nA,", mid, n, "", len);
		break;
	default:
		ck_abort_msg("no generator %d", (int)g);
		return NULL;
	}
	free(mid);
	return res;
}

static void assert_clean(const char *what, const char *s, size_t size, int allow_lf)
{
	size_t n = strnlen(s, size), i;

	ck_assert_msg(n < size, "%s not terminated", what);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		ck_assert_msg((c >= 0x20 && c < 0x7f) || (allow_lf && c == '\n'),
		              "%s has byte 0x%02x at %zu", what, c, i);
	}
}

START_TEST(test_reply)
{
	const struct row *r = &rows[_i];
	struct spamd_result res;
	char *buf = NULL;
	const char *in = r->in;
	size_t len = r->len;
	enum spamd_status st;

	if (r->gen != G_NONE)
		in = buf = generate(r->gen, &len);
	memset(&res, 0x5a, sizeof(res));
	st = spamd_reply_parse(in, len, r->cmd, &res);
	ck_assert_msg(st == res.status, "%s: returned %d, status %d", r->name, st, res.status);
	ck_assert_msg(st == r->want, "%s: status %d, want %d (error \"%s\")", r->name, st, r->want,
	              res.error);
	assert_clean("message", res.message, sizeof(res.message), 0);
	assert_clean("error", res.error, sizeof(res.error), 0);
	assert_clean("symbols", res.symbols, sizeof(res.symbols), 0);
	assert_clean("report", res.report, sizeof(res.report), 1);
	if (r->error)
		ck_assert_msg(strstr(res.error, r->error) != NULL, "%s: error \"%s\", want \"%s\"",
		              r->name, res.error, r->error);
	switch (st) {
	case SPAMD_VERDICT:
		ck_assert_msg(res.error[0] == '\0', "%s: verdict with error \"%s\"", r->name, res.error);
		ck_assert_int_eq(res.code, 0);
		ck_assert_msg(res.is_spam == r->is_spam, "%s: is_spam %d", r->name, res.is_spam);
		ck_assert_msg(res.score == r->score && res.threshold == r->threshold,
		              "%s: score %g / %g, want %g / %g", r->name, res.score, res.threshold,
		              r->score, r->threshold);
		break;
	case SPAMD_ERROR_CODE:
		ck_assert_int_eq(res.code, r->code);
		ck_assert_int_eq(res.is_spam, 0);
		break;
	case SPAMD_MALFORMED:
		ck_assert_msg(strncmp(res.error, "malformed spamd reply: ", 23) == 0, "%s: \"%s\"",
		              r->name, res.error);
		ck_assert_msg(res.is_spam == 0 && res.score == 0 && res.symbols[0] == '\0' &&
		              res.report[0] == '\0', "%s: half a verdict left behind", r->name);
		break;
	}
	if (r->symbols)
		ck_assert_msg(strcmp(res.symbols, r->symbols) == 0, "%s: symbols \"%s\"", r->name,
		              res.symbols);
	if (r->report)
		ck_assert_msg(r->report[0] ? strstr(res.report, r->report) != NULL : res.report[0] == 0,
		              "%s: report \"%.200s\"", r->name, res.report);
	free(buf);
}
END_TEST

/* the generated rows that need more than the table can say */
START_TEST(test_sizes)
{
	struct spamd_result res;
	size_t len, n;
	char *buf;

	buf = generate(G_MANY_SYMBOLS, &len);
	ck_assert_int_eq(spamd_reply_parse(buf, len, SYM, &res), SPAMD_VERDICT);
	ck_assert_int_eq(res.symbols_truncated, 1);
	n = strlen(res.symbols);
	ck_assert_msg(n > 1000 && n < sizeof(res.symbols), "symbols %zu bytes", n);
	ck_assert_uint_eq(res.nsymbols, (n + 1) / 9);
	ck_assert_msg(res.symbols[n - 1] != ',' && strncmp(res.symbols + n - 8, "RULE_", 5) == 0,
	              "symbols end \"%s\"", res.symbols + n - 8);
	free(buf);

	buf = generate(G_MIB_REPORT, &len);
	ck_assert_int_eq(spamd_reply_parse(buf, len, REP, &res), SPAMD_VERDICT);
	ck_assert_int_eq(res.report_truncated, 1);
	n = strlen(res.report);
	ck_assert_msg(n > 2048 && res.report[n - 1] == '\n', "report cut mid-line (%zu)", n);
	free(buf);

	ck_assert_int_eq(spamd_reply_parse(NULL, 0, CHK, &res), SPAMD_MALFORMED);
	ck_assert_int_eq(res.code, -1);
}
END_TEST

/* ------------------------------------------------------------ request head */

struct head_row {
	const char *name;
	enum spamd_cmd cmd;
	const char *user;
	size_t outlen;
	const char *want;       /* "" = did not fit (returns 0) */
};

static const struct head_row head_rows[] = {
	{ "CHECK no user", CHK, NULL, 256, "CHECK SPAMC/1.5\r\n\r\n" },
	{ "CHECK empty user", CHK, "", 256, "CHECK SPAMC/1.5\r\n\r\n" },
	{ "SYMBOLS user", SYM, "example.com", 256, "SYMBOLS SPAMC/1.5\r\nUser: example.com\r\n\r\n" },
	{ "REPORT user", REP, "a@b.example", 256, "REPORT SPAMC/1.5\r\nUser: a@b.example\r\n\r\n" },
	{ "user CRLF injection", CHK, "x\r\nContent-length: 0", 256,
	  "CHECK SPAMC/1.5\r\nUser: x__Content-length:_0\r\n\r\n" },
	{ "user controls, blanks, 8-bit", CHK, "a b\tc\x01\x7f\xc3\xa9", 256,
	  "CHECK SPAMC/1.5\r\nUser: a_b_c____\r\n\r\n" },
	{ "user bounded to 128", CHK,
	  "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
	  "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuTAIL", 256,
	  "CHECK SPAMC/1.5\r\nUser: "
	  "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
	  "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu\r\n\r\n" },
	{ "exact fit", CHK, NULL, 20, "CHECK SPAMC/1.5\r\n\r\n" },
	{ "one byte short", CHK, NULL, 19, "" },
	{ "user does not fit", SYM, "someone", 30, "" },
	{ "unknown command", (enum spamd_cmd)7, NULL, 256, "" },
};

START_TEST(test_head)
{
	const struct head_row *r = &head_rows[_i];
	char out[300];
	size_t n, i;

	memset(out, 'Z', sizeof(out));
	n = spamd_request_head(out, r->outlen, r->cmd, r->user);
	ck_assert_msg(strcmp(out, r->want) == 0, "%s: got \"%s\"", r->name, out);
	ck_assert_uint_eq(n, strlen(r->want));
	for (i = r->outlen; i < sizeof(out); i++)
		ck_assert_msg(out[i] == 'Z', "%s: wrote past outlen at %zu", r->name, i);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(spamd_cmd_name(SYM), "SYMBOLS");
	ck_assert_str_eq(spamd_code_name(0), "EX_OK");
	ck_assert_str_eq(spamd_code_name(64), "EX_USAGE");
	ck_assert_str_eq(spamd_code_name(76), "EX_PROTOCOL");
	ck_assert_str_eq(spamd_code_name(78), "EX_CONFIG");
	ck_assert_str_eq(spamd_code_name(79), "EX_UNKNOWN");
	ck_assert_uint_eq(spamd_request_head(NULL, 0, CHK, NULL), 0);
}
END_TEST

static Suite *spamd_reply_suite(void)
{
	Suite *s = suite_create("spamd_reply");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_reply, 0, NROWS(rows));
	tcase_add_test(tc, test_sizes);
	suite_add_tcase(s, tc);
	tc = tcase_create("request");
	tcase_add_loop_test(tc, test_head, 0, NROWS(head_rows));
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(spamd_reply_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

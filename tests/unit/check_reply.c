/*
 * check_reply.c - table-driven Check tests for filters/base/reply.c: one TCase
 * per function, one row per case: dm_reply_parse (valid templates and every
 * rejection), dm_reply_expand (escapes, cleaning and bounding of values,
 * truncation) and dm_percent_escape. Rows that need long input name a
 * generator.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "text.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define CANARY 'Z'

/* ---------------------------------------------------------- dm_reply_parse */

enum gen { G_NONE, G_TEXT399, G_TEXT400, G_VAL1000 };

struct parse_row {
	const char *name;
	const char *in;
	enum gen gen;           /* G_TEXT399/400: "554 5.7.1 " + that many 'a' */
	int ok;
	const char *code, *xcode, *text;   /* when ok (text NULL: not checked) */
	const char *err;        /* substring of the message when not ok */
};

#define OK(nm, s, c, x, t)  { nm, s, G_NONE, 1, c, x, t, NULL }
#define BAD(nm, s, e)       { nm, s, G_NONE, 0, NULL, NULL, NULL, e }

static const struct parse_row parse_rows[] = {
	OK("5xx helo", "554 5.7.1 <%h>: Helo command rejected: %r", "554", "5.7.1",
	   "<%h>: Helo command rejected: %r"),
	OK("4xx", "450 4.7.1 Host not found", "450", "4.7.1", "Host not found"),
	OK("leading blanks", " \t421 4.3.2 try later", "421", "4.3.2", "try later"),
	OK("extra spaces", "550  5.7.1   spaced out", "550", "5.7.1", "spaced out"),
	OK("longest enhanced code", "554 5.123.456 x", "554", "5.123.456", "x"),
	OK("501 5.5.2", "501 5.5.2 Invalid name", "501", "5.5.2", "Invalid name"),
	OK("every escape", "554 5.7.1 %h %c %r %u %z %t %s %%", "554", "5.7.1",
	   "%h %c %r %u %z %t %s %%"),
	OK("literal percent", "550 5.7.1 100%% sure", "550", "5.7.1", "100%% sure"),
	OK("semicolon and punctuation", "554 5.7.1 blocked; see <https://x.example/?a=b&c>", "554",
	   "5.7.1", "blocked; see <https://x.example/?a=b&c>"),
	{ "text of 399", NULL, G_TEXT399, 1, "554", "5.7.1", NULL, NULL },

	BAD("2xx", "250 2.0.0 ok", "4xx or 5xx"),
	BAD("3xx", "354 3.0.0 go ahead", "4xx or 5xx"),
	BAD("6xx", "600 6.0.0 nope", "4xx or 5xx"),
	BAD("empty", "", "4xx or 5xx"),
	BAD("code only", "554", "4xx or 5xx"),
	BAD("two-digit code", "55 5.7.1 x", "4xx or 5xx"),
	BAD("no space after code", "5545.7.1 x", "4xx or 5xx"),
	BAD("letters in code", "5x4 5.7.1 x", "4xx or 5xx"),
	BAD("missing enhanced code", "554 Helo command rejected", "enhanced status code"),
	BAD("missing enhanced code, 4xx", "450 Host not found", "like 4.7.1"),
	BAD("class mismatch 554 4.7.1", "554 4.7.1 mismatch", "does not match reply code 554"),
	BAD("class mismatch 450 5.7.1", "450 5.7.1 mismatch", "enhanced code 5.7.1 does not match"),
	BAD("enhanced code 5.7", "554 5.7 short", "enhanced status code"),
	BAD("enhanced code 5.1234.1", "554 5.1234.1 long subject", "enhanced status code"),
	BAD("enhanced code 5.7.1234", "554 5.7.1234 long detail", "enhanced status code"),
	BAD("enhanced code 5..1", "554 5..1 x", "enhanced status code"),
	BAD("enhanced code glued to text", "554 5.7.1x text", "enhanced status code"),
	BAD("missing text", "554 5.7.1", "no text after 554 5.7.1"),
	BAD("blank text", "554 5.7.1    ", "no text"),
	BAD("unknown escape %x", "554 5.7.1 bad %x here", "unknown escape %x"),
	BAD("unknown escape %H", "554 5.7.1 <%H>", "unknown escape %H"),
	BAD("trailing lone %", "554 5.7.1 100%", "unknown escape"),
	BAD("odd percent run", "554 5.7.1 a %%% b", "unknown escape"),
	BAD("TAB in text", "554 5.7.1 tab\there", "non-printable character at column 4"),
	BAD("CR LF in text", "554 5.7.1 x\r\n250 ok", "non-printable"),
	BAD("8-bit in text", "554 5.7.1 caf\xc3\xa9", "non-printable character at column 4"),
	BAD("DEL in text", "554 5.7.1 a\x7f", "non-printable"),
	{ "text of 400", NULL, G_TEXT400, 0, NULL, NULL, NULL, "longer than 399" },
};

static char *gen_text(enum gen g, char *buf, size_t len)
{
	size_t n = g == G_TEXT399 ? 399 : g == G_TEXT400 ? 400 : 1000;
	size_t pre = g == G_VAL1000 ? 0 : strlen("554 5.7.1 ");

	ck_assert_uint_lt(pre + n, len);
	memcpy(buf, "554 5.7.1 ", pre);
	memset(buf + pre, 'a', n);
	buf[pre + n] = '\0';
	return buf;
}

START_TEST(test_reply_parse)
{
	const struct parse_row *r = &parse_rows[_i];
	struct dm_reply rep;
	char err[256], big[1200];
	const char *in = r->gen == G_NONE ? r->in : gen_text(r->gen, big, sizeof(big));
	int rc;

	err[0] = '\0';
	rc = dm_reply_parse(in, &rep, err, sizeof(err));
	if (r->ok) {
		ck_assert_msg(rc == 0, "%s: rejected: %s", r->name, err);
		ck_assert_str_eq(rep.code, r->code);
		ck_assert_str_eq(rep.xcode, r->xcode);
		if (r->text != NULL)
			ck_assert_str_eq(rep.text, r->text);
		else
			ck_assert_uint_eq(strlen(rep.text), 399);
	} else {
		ck_assert_msg(rc == -1, "%s: accepted", r->name);
		ck_assert_msg(strstr(err, r->err) != NULL, "%s: message \"%s\" lacks \"%s\"",
		              r->name, err, r->err);
	}
}
END_TEST

/* --------------------------------------------------------- dm_reply_expand */

struct expand_row {
	const char *name;
	const char *tmpl;
	struct dm_reply_vars v;
	enum gen gen;           /* G_VAL1000: v.helo is 1000 x 'a' */
	size_t outlen;
	const char *want;       /* NULL: out untouched (outlen 0) */
};

#define NOV { NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
#define HV(h) { h, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
#define ALLV { "mx.example", "192.0.2.7", "why", "https://u.example/", "zen.example", "txt", "7.5", ".local", "a@b.example", "bad.example" }

static const struct expand_row expand_rows[] = {
	{ "%h", "554 5.7.1 <%h>", ALLV, G_NONE, 512, "<mx.example>" },
	{ "%c", "554 5.7.1 [%c]", ALLV, G_NONE, 512, "[192.0.2.7]" },
	{ "%f", "450 4.1.8 <%f>: Sender address rejected", ALLV, G_NONE, 512, "<a@b.example>: Sender address rejected" },
	{ "%d", "554 5.7.1 Helo command [%d] blocked using %z", ALLV, G_NONE, 512,
	  "Helo command [bad.example] blocked using zen.example" },
	{ "%r", "554 5.7.1 (%r)", ALLV, G_NONE, 512, "(why)" },
	{ "%u", "554 5.7.1 see %u", ALLV, G_NONE, 512, "see https://u.example/" },
	{ "%z", "554 5.7.1 listed in %z", ALLV, G_NONE, 512, "listed in zen.example" },
	{ "%t", "554 5.7.1 \"%t\"", ALLV, G_NONE, 512, "\"txt\"" },
	{ "%o", "554 5.7.1 Go away, bad guy (%o)", ALLV, G_NONE, 512, "Go away, bad guy (.local)" },
	{ "%s", "550 5.7.1 score %s", ALLV, G_NONE, 512, "score 7.5" },
	{ "all escapes", "554 5.7.1 %h|%c|%r|%u|%z|%t|%s", ALLV, G_NONE, 512,
	  "mx.example|192.0.2.7|why|https://u.example/|zen.example|txt|7.5" },
	{ "%% literal", "550 5.7.1 100%% %h", HV("h1"), G_NONE, 512, "100% h1" },
	{ "%%h is not an escape", "550 5.7.1 %%h", HV("h1"), G_NONE, 512, "%h" },
	{ "NULL vars expand empty", "554 5.7.1 <%h> [%c] %r", NOV, G_NONE, 512, "<> [] " },
	{ "value with % kept literally", "550 5.7.1 %s", { NULL, NULL, NULL, NULL, NULL, NULL, "50%", NULL, NULL, NULL },
	  G_NONE, 512, "50%" },
	{ "CR LF in value cleaned", "554 5.7.1 <%h>", HV("a\r\n250 ok"), G_NONE, 512, "<a??250 ok>" },
	{ "NUL ends the value", "554 5.7.1 <%h>", HV("a\0b"), G_NONE, 512, "<a>" },
	{ "8-bit and TAB in value cleaned", "554 5.7.1 <%h>", HV("caf\xc3\xa9\t"), G_NONE, 512,
	  "<caf??" "?>" },
	{ "1000-byte value bounded to 100", "554 5.7.1 <%h>", NOV, G_VAL1000, 512, NULL },
	{ "truncated in text", "554 5.7.1 abcdef", NOV, G_NONE, 4, "abc" },
	{ "truncated in value", "554 5.7.1 abc %h def", HV("xyz"), G_NONE, 6, "abc x" },
	{ "truncated at %%", "550 5.7.1 a%%b", NOV, G_NONE, 2, "a" },
	{ "exact fit", "554 5.7.1 ab%h", HV("cd"), G_NONE, 5, "abcd" },
	{ "outlen 1", "554 5.7.1 abc", NOV, G_NONE, 1, "" },
	{ "outlen 0 untouched", "554 5.7.1 abc", NOV, G_NONE, 0, NULL },
};

START_TEST(test_reply_expand)
{
	const struct expand_row *r = &expand_rows[_i];
	struct dm_reply tmpl;
	struct dm_reply_vars v = r->v;
	char out[600], big[1200], want[200], err[200];
	const char *w = r->want;
	size_t n, i;

	ck_assert_msg(dm_reply_parse(r->tmpl, &tmpl, err, sizeof(err)) == 0, "%s: template: %s", r->name, err);
	if (r->gen == G_VAL1000) {
		v.helo = gen_text(G_VAL1000, big, sizeof(big));
		want[0] = '<';
		memset(want + 1, 'a', 100);
		strcpy(want + 101, ">");
		w = want;
	}
	memset(out, CANARY, sizeof(out));
	n = dm_reply_expand(&tmpl, &v, out, r->outlen);
	if (w == NULL) {
		ck_assert_uint_eq(n, 0);
		ck_assert_msg(out[0] == CANARY, "%s: out written with outlen 0", r->name);
		return;
	}
	ck_assert_msg(strcmp(out, w) == 0, "%s: got \"%s\", want \"%s\"", r->name, out, w);
	ck_assert_uint_eq(n, strlen(w));
	for (i = r->outlen; i < sizeof(out); i++)
		ck_assert_msg(out[i] == CANARY, "%s: wrote past outlen at %zu", r->name, i);
}
END_TEST

/* ------------------------------------------------------- dm_percent_escape */

struct pct_row {
	const char *name;
	const char *in;
	size_t outlen;
	int rc;
	const char *want;       /* when rc == 0 */
};

static const struct pct_row pct_rows[] = {
	{ "no percent", "Host not found", 64, 0, "Host not found" },
	{ "one percent doubled", "100% sure", 64, 0, "100%% sure" },
	{ "run doubled", "%%", 64, 0, "%%%%" },
	{ "format-like text", "%s%n%x", 64, 0, "%%s%%n%%x" },
	{ "empty", "", 1, 0, "" },
	{ "exact fit plain", "abc", 4, 0, "abc" },
	{ "exact fit with percent", "ab%", 5, 0, "ab%%" },
	{ "does not fit plain", "abc", 3, -1, NULL },
	{ "does not fit: doubled percent", "ab%", 4, -1, NULL },
	{ "does not fit: outlen 0", "", 0, -1, NULL },
	{ "does not fit: outlen 0 with text", "a", 0, -1, NULL },
};

START_TEST(test_percent_escape)
{
	const struct pct_row *r = &pct_rows[_i];
	char out[128];
	size_t i;
	int rc;

	memset(out, CANARY, sizeof(out));
	rc = dm_percent_escape(r->in, out, r->outlen);
	ck_assert_msg(rc == r->rc, "%s: rc %d, want %d", r->name, rc, r->rc);
	if (rc == 0)
		ck_assert_str_eq(out, r->want);
	for (i = r->outlen; i < sizeof(out); i++)
		ck_assert_msg(out[i] == CANARY, "%s: wrote past outlen at %zu", r->name, i);
}
END_TEST

static Suite *reply_suite(void)
{
	Suite *s = suite_create("reply");
	TCase *tc;

	tc = tcase_create("reply_parse");
	tcase_add_loop_test(tc, test_reply_parse, 0, NROWS(parse_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("reply_expand");
	tcase_add_loop_test(tc, test_reply_expand, 0, NROWS(expand_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("percent_escape");
	tcase_add_loop_test(tc, test_percent_escape, 0, NROWS(pct_rows));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(reply_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * check_text.c - table-driven Check tests for filters/base/text.c.
 *
 * One TCase per function, one row per case: dm_clean/dm_cleans (control,
 * 8-bit and NUL bytes, bounds by max and by dstsize), dm_list_split, names,
 * trimming, dm_bare_lf. (Reply templates: check_reply.c.)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define CANARY 'Z'

/* ---------------------------------------------------------------- dm_clean */

struct clean_row {
	const char *name;
	const char *src;        /* NULL allowed with cleans */
	size_t len;             /* bytes of src (dm_clean) */
	int cleans;             /* 1: call dm_cleans(dst, dstsize, src, max) */
	size_t dstsize, max;
	const char *want;       /* NULL: dst must not be touched (dstsize 0) */
};

#define C(nm, s, ds, mx, w)  { nm, s, sizeof(s) - 1, 0, ds, mx, w }
#define CS(nm, s, ds, mx, w) { nm, s, 0, 1, ds, mx, w }

static const struct clean_row clean_rows[] = {
	C("plain", "mx.example.com", 64, 100, "mx.example.com"),
	C("space and tilde kept", " a ~ b ", 64, 100, " a ~ b "),
	C("CR", "a\rb", 64, 100, "a?b"),
	C("LF", "a\nb", 64, 100, "a?b"),
	C("CRLF injection", "x\r\n250 ok", 64, 100, "x??250 ok"),
	C("NUL inside len", "a\0b", 64, 100, "a?b"),
	C("NUL at start", "\0\0ab", 64, 100, "??ab"),
	C("TAB", "a\tb", 64, 100, "a?b"),
	C("ESC sequence", "\x1b[31mred", 64, 100, "?[31mred"),
	C("DEL", "a\x7f", 64, 100, "a?"),
	C("8-bit UTF-8", "caf\xc3\xa9", 64, 100, "caf??"),
	C("8-bit 0xff", "\xff\x80", 64, 100, "??"),
	{ "len 3 of 6", "abcdef", 3, 0, 64, 100, "abc" },
	C("len 0", "", 64, 100, ""),
	C("bound by max", "hello world", 64, 5, "hello"),
	C("max 0", "hello", 64, 0, ""),
	C("bound by dstsize", "hello world", 6, 100, "hello"),
	C("dstsize exact fit", "hello", 6, 100, "hello"),
	C("dstsize 1", "hello", 1, 100, ""),
	C("dstsize 0 untouched", "hello", 0, 100, NULL),
	C("max below dstsize below len", "abcdefghij", 8, 4, "abcd"),
	C("dstsize below max below len", "abcdefghij", 4, 8, "abc"),
	CS("cleans NULL", NULL, 64, 100, ""),
	CS("cleans CR LF", "a\r\nb", 64, 100, "a??b"),
	CS("cleans bound by max", "abcdefgh", 64, 3, "abc"),
	CS("cleans bound by dstsize", "abcdefgh", 4, 100, "abc"),
};

START_TEST(test_clean)
{
	const struct clean_row *r = &clean_rows[_i];
	char dst[128];
	size_t i;

	memset(dst, CANARY, sizeof(dst));
	if (r->cleans)
		ck_assert_ptr_eq(dm_cleans(dst, r->dstsize, r->src, r->max), dst);
	else
		ck_assert_ptr_eq(dm_clean(dst, r->dstsize, r->src, r->len, r->max), dst);
	if (r->want == NULL) {
		ck_assert_msg(dst[0] == CANARY, "%s: dst written with dstsize 0", r->name);
		return;
	}
	ck_assert_msg(strcmp(dst, r->want) == 0, "%s: got \"%s\", want \"%s\"", r->name, dst, r->want);
	for (i = r->dstsize; i < sizeof(dst); i++)
		ck_assert_msg(dst[i] == CANARY, "%s: wrote past dstsize at %zu", r->name, i);
}
END_TEST

/* ----------------------------------------------------------- dm_list_split */

struct split_row {
	const char *name;
	const char *in;
	size_t n;
	const char *want;       /* items joined with '|' */
};

static const struct split_row split_rows[] = {
	{ "comma and spaces", "a, b ,c", 3, "a|b|c" },
	{ "spaces only", "a b  c", 3, "a|b|c" },
	{ "tabs", "a\tb\t\tc", 3, "a|b|c" },
	{ "commas only", "a,b,c", 3, "a|b|c" },
	{ "single", "postmaster", 1, "postmaster" },
	{ "empty", "", 0, "" },
	{ "only separators", " , ,, \t, ", 0, "" },
	{ "only tabs", "\t\t", 0, "" },
	{ "leading and trailing separators", ", a,,b ,", 2, "a|b" },
	{ "mixed, keeps case and dots", "MX.Example.com,\t192.0.2.1 ::1", 3, "MX.Example.com|192.0.2.1|::1" },
	{ "keeps colons and brackets", "[::1]:53, 127.0.0.1:5353", 2, "[::1]:53|127.0.0.1:5353" },
};

START_TEST(test_list_split)
{
	const struct split_row *r = &split_rows[_i];
	char **list = NULL, joined[256];
	size_t n = 99, i, o = 0;
	int rc;

	rc = dm_list_split(r->in, &list, &n);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(list);
	joined[0] = '\0';
	for (i = 0; i < n && list[i] != NULL; i++)
		o += (size_t)snprintf(joined + o, sizeof(joined) - o, "%s%s", i ? "|" : "", list[i]);
	rc = list[n] == NULL;
	dm_list_free(list);
	ck_assert_msg(rc, "%s: list not NULL-terminated at n", r->name);
	ck_assert_msg(n == r->n, "%s: n = %zu, want %zu", r->name, n, r->n);
	ck_assert_msg(strcmp(joined, r->want) == 0, "%s: got \"%s\", want \"%s\"", r->name, joined, r->want);
}
END_TEST

/* ------------------------------------------------------------ small helpers */

struct name_row {
	const char *a, *b;
	int eq;
};

static const struct name_row name_rows[] = {
	{ "example.com", "example.com", 1 },
	{ "EXAMPLE.com.", "example.COM", 1 },
	{ "example.com.", "example.com.", 1 },
	{ "example.com", "example.co", 0 },
	{ "example.com..", "example.com", 0 },
	{ "", ".", 1 },
	{ "mx.example.com", "example.com", 0 },
};

START_TEST(test_name_equal)
{
	const struct name_row *r = &name_rows[_i];

	ck_assert_msg(dm_name_equal(r->a, r->b) == r->eq, "dm_name_equal(\"%s\", \"%s\") != %d",
	              r->a, r->b, r->eq);
}
END_TEST

struct trim_row {
	const char *in, *want;
};

static const struct trim_row trim_rows[] = {
	{ "  a b \t", "a b" },
	{ "\tvalue\r\n", "value" },
	{ "", "" },
	{ " \t ", "" },
	{ "x", "x" },
};

START_TEST(test_trim_lower)
{
	char buf[64], *t;

	snprintf(buf, sizeof(buf), "%s", trim_rows[_i].in);
	t = dm_trim(buf);
	ck_assert_str_eq(t, trim_rows[_i].want);
	snprintf(buf, sizeof(buf), "MiXeD.%s", trim_rows[_i].want);
	ck_assert_ptr_eq(dm_lower(buf), buf);
	ck_assert_str_eq(buf + 6, trim_rows[_i].want);
	ck_assert(strncmp(buf, "mixed.", 6) == 0);
}
END_TEST

/* dm_bare_lf: a row is a stream cut into chunks; the LFs that need a CR
 * are found whatever the cut, and a CRLF split across chunks is not one. */
struct lf_row {
	const char *chunks[4];
	const char *want;        /* the stream with every bare LF made CRLF */
};

static const struct lf_row lf_rows[] = {
	{ { "a\r\nb\r\n" }, "a\r\nb\r\n" },
	{ { "a\nb\n" }, "a\r\nb\r\n" },
	{ { "a\r", "\nb" }, "a\r\nb" },                 /* CRLF split by the chunk boundary */
	{ { "a\r", "\r\nb" }, "a\r\r\nb" },             /* a lone CR stays as it is */
	{ { "a", "\nb" }, "a\r\nb" },                    /* a bare LF first in a chunk */
	{ { "\r", "\n", "\r", "\n" }, "\r\n\r\n" },
	{ { "\n\n", "\n" }, "\r\n\r\n\r\n" },
	{ { "x\r", "", "\ny" }, "x\r\ny" },              /* an empty chunk keeps the state */
	{ { "" }, "" },
};

START_TEST(test_bare_lf)
{
	const struct lf_row *r = &lf_rows[_i];
	char out[64];
	size_t o = 0, i, k;
	int prev_cr = 0;

	for (k = 0; k < 4 && r->chunks[k] != NULL; k++) {
		const char *s = r->chunks[k];
		size_t len = strlen(s), start = 0;

		while (start <= len) {
			size_t at = dm_bare_lf(s + start, len - start, start == 0 ? prev_cr : 0);
			for (i = 0; i < at; i++)
				out[o++] = s[start + i];
			if (start + at == len)
				break;
			out[o++] = '\r';
			out[o++] = '\n';
			start += at + 1;
		}
		if (len > 0)
			prev_cr = s[len - 1] == '\r';
	}
	out[o] = '\0';
	ck_assert_str_eq(out, r->want);
}
END_TEST


/* ---------------------------------------------------------------- dm_logval */

struct logval_row {
	const char *name;
	const char *src;        /* NULL allowed */
	size_t dstsize, max;
	const char *want;
};

static const struct logval_row logval_rows[] = {
	{ "plain name kept", "mx.example.com", 64, 100, "mx.example.com" },
	{ "literal and address kept", "[192.0.2.1],a+b=c@x.example", 64, 100, "[192.0.2.1],a+b=c@x.example" },
	{ "blank: no fake key", "evil.example key=x", 64, 100, "evil.example%20key=x" },
	{ "hostile HELO: nothing ends the value",
	  "evil.example key=x to=<victim@a>", 128, 100, "evil.example%20key=x%20to=%3Cvictim@a%3E" },
	{ "reply end and quotes", "a; from=<b> \"q\" 'r' \\", 128, 100,
	  "a%3B%20from=%3Cb%3E%20%22q%22%20%27r%27%20%5C" },
	{ "percent reads back", "100%", 64, 100, "100%25" },
	{ "controls and 8-bit", "a\tb\r\n\x7f\xc3\xa9", 64, 100, "a%09b%0D%0A%7F%C3%A9" },
	{ "NULL is empty", NULL, 64, 100, "" },
	{ "cut by max", "abcdef", 64, 3, "abc" },
	{ "cut by dstsize, plain", "abcdef", 4, 100, "abc" },
	{ "an escape is never cut", "ab cd", 5, 100, "ab" },
	{ "escape fits exactly", "ab cd", 6, 100, "ab%20" },
	{ "3*max+1 always suffices", "    ", 13, 4, "%20%20%20%20" },
};

START_TEST(test_logval)
{
	const struct logval_row *r = &logval_rows[_i];
	char dst[256];

	memset(dst, CANARY, sizeof(dst));
	ck_assert_ptr_eq(dm_logval(dst, r->dstsize, r->src, r->max), dst);
	ck_assert_msg(strcmp(dst, r->want) == 0, "%s: got \"%s\", want \"%s\"", r->name, dst, r->want);
	ck_assert_msg(strchr(dst, ' ') == NULL && strchr(dst, '>') == NULL, "%s: blank or '>' left", r->name);
	ck_assert_int_eq(dst[r->dstsize], CANARY);
}
END_TEST

START_TEST(test_logval_zero)
{
	char dst[4] = { CANARY, CANARY, CANARY, CANARY };

	dm_logval(dst, 0, "abc", 100);
	ck_assert_int_eq(dst[0], CANARY);
}
END_TEST

/* ---------------------------------------------------------------- dm_session_id */

START_TEST(test_session_id)
{
	char a[DM_SESSION_ID_SIZE], b[DM_SESSION_ID_SIZE], small[6];

	ck_assert_str_eq(dm_session_id(a, sizeof(a), 0x6937a1c4u, 0x3f2), "6937a1c4003f2");
	/* the seconds and the counter wrap, the length never changes */
	ck_assert_str_eq(dm_session_id(a, sizeof(a), 0x1ffffffffULL, 0xfffff), "fffffffffffff");
	ck_assert_str_eq(dm_session_id(a, sizeof(a), 0x100000000ULL, 0x100001), "0000000000001");
	ck_assert_int_eq((int)strlen(a), DM_SESSION_ID_SIZE - 1);
	/* two sessions in the same second differ by the counter */
	dm_session_id(a, sizeof(a), 1765000000, 7);
	dm_session_id(b, sizeof(b), 1765000000, 8);
	ck_assert_str_ne(a, b);
	ck_assert_str_eq(dm_session_id(small, sizeof(small), 0x6937a1c4u, 1), "6937a");
}
END_TEST

static Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc;

	tc = tcase_create("clean");
	tcase_add_loop_test(tc, test_clean, 0, NROWS(clean_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("list_split");
	tcase_add_loop_test(tc, test_list_split, 0, NROWS(split_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_name_equal, 0, NROWS(name_rows));
	tcase_add_loop_test(tc, test_trim_lower, 0, NROWS(trim_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("logval");
	tcase_add_loop_test(tc, test_logval, 0, NROWS(logval_rows));
	tcase_add_test(tc, test_logval_zero);
	tcase_add_test(tc, test_session_id);
	suite_add_tcase(s, tc);

	tc = tcase_create("bare_lf");
	tcase_add_loop_test(tc, test_bare_lf, 0, NROWS(lf_rows));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(text_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

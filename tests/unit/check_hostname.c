/*
 * check_hostname.c - filters/base/hostname.c, the one host name syntax: a row is
 * a name, the problem expected and where, or the parts of a valid name.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hostname.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define A63 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

struct row {
	const char *s;
	size_t len;                     /* 0: strlen */
	enum dm_hostname_error want;
	size_t at;                      /* problem: offset; valid: tld offset */
	size_t nlabels, hlen;           /* valid only */
};

static const struct row rows[] = {
	{ "mx.example.com", 0, DM_HN_OK, 11, 3, 14 },
	{ "mx.example.com.", 0, DM_HN_OK, 11, 3, 14 },
	{ "MX_1.Example.COM", 0, DM_HN_OK, 13, 3, 16 },
	{ "localhost", 0, DM_HN_OK, 0, 1, 9 },
	{ "xn--bcher-kva.example", 0, DM_HN_OK, 14, 2, 21 },
	{ "a.b1", 0, DM_HN_OK, 2, 2, 4 },
	{ A63 ".example", 0, DM_HN_OK, 64, 2, 71 },
	{ "", 0, DM_HN_EMPTY, 0, 0, 0 },
	{ ".", 0, DM_HN_EMPTY_LABEL, 0, 0, 0 },
	{ ".example.com", 0, DM_HN_EMPTY_LABEL, 0, 0, 0 },
	{ "a..b.com", 0, DM_HN_EMPTY_LABEL, 2, 0, 0 },
	{ "mx.example.com..", 0, DM_HN_EMPTY_LABEL, 15, 0, 0 },
	{ "-a.example.com", 0, DM_HN_HYPHEN, 0, 0, 0 },
	{ "a-.example.com", 0, DM_HN_HYPHEN, 0, 0, 0 },
	{ "mx.exa-.com", 0, DM_HN_HYPHEN, 3, 0, 0 },
	{ "a" A63 ".example", 0, DM_HN_LONG_LABEL, 0, 0, 0 },
	{ "192.0.2.1", 0, DM_HN_NUMERIC_TLD, 8, 0, 0 },
	{ "mx.example.123", 0, DM_HN_NUMERIC_TLD, 11, 0, 0 },
	{ "mx.ex ample.com", 0, DM_HN_CHAR, 5, 0, 0 },
	{ "mx!.example", 0, DM_HN_CHAR, 2, 0, 0 },
	{ "[192.0.2.1]", 0, DM_HN_CHAR, 0, 0, 0 },
	{ "mx\r\n.example", 0, DM_HN_CONTROL, 2, 0, 0 },
	{ "mx\x7f.example", 0, DM_HN_CONTROL, 2, 0, 0 },
	{ "mx\0.example", 11, DM_HN_NUL, 2, 0, 0 },
	{ "caf\xc3\xa9.example", 0, DM_HN_8BIT, 3, 0, 0 },
};

START_TEST(test_row)
{
	const struct row *r = &rows[_i];
	struct dm_hostname h;
	size_t at = 999, len = r->len ? r->len : strlen(r->s);
	enum dm_hostname_error e = dm_hostname_check(r->s, len, &h, &at);

	ck_assert_msg(e == r->want, "'%s': %s, want %s", r->s, dm_hostname_reason(e), dm_hostname_reason(r->want));
	if (e == DM_HN_OK) {
		ck_assert_uint_eq(h.tld, r->at);
		ck_assert_uint_eq(h.nlabels, r->nlabels);
		ck_assert_uint_eq(h.len, r->hlen);
	} else {
		ck_assert_msg(at == r->at, "'%s': at %zu, want %zu", r->s, at, r->at);
		ck_assert(dm_hostname_reason(e)[0] != '\0');
	}
}
END_TEST

/* 255 characters is the most; the trailing dot counts. */
START_TEST(test_length)
{
	char name[300];
	size_t i;

	for (i = 0; i < 255; i++)
		name[i] = i % 50 == 49 ? '.' : 'a';
	name[255] = '\0';
	ck_assert_int_eq(dm_hostname_check(name, 255, NULL, NULL), DM_HN_OK);
	name[255] = 'a';
	ck_assert_int_eq(dm_hostname_check(name, 256, NULL, NULL), DM_HN_TOO_LONG);
	ck_assert_str_eq(dm_hostname_reason(DM_HN_TOO_LONG), "name longer than 255 characters");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hostname");
	TCase *tc = tcase_create("rows");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_row, 0, NROWS(rows));
	tcase_add_test(tc, test_length);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

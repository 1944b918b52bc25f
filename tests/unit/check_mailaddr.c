/*
 * check_mailaddr.c - filters/base/mailaddr.c: a row is a path as a client (or
 * the MTA) gives it, and the status, local part and domain expected.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailaddr.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define X50 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define X250 X50 X50 X50 X50 X50

struct row {
	const char *s;
	size_t len;                     /* 0: strlen */
	enum dm_mailaddr_status want;
	const char *local, *domain;     /* NULL: not checked */
};

/* dm_mailaddr_parse: the raw RFC 5321 path */
static const struct row raw[] = {
	{ "<victim@strict.example>", 0, DM_MA_OK, "victim", "strict.example" },
	{ "victim@strict.example", 0, DM_MA_OK, "victim", "strict.example" },
	{ " <Victim@STRICT.Example.> ", 0, DM_MA_OK, "Victim", "strict.example" },
	{ "<\"victim+>\"@strict.example>", 0, DM_MA_OK, "victim+>", "strict.example" },
	{ "<\"a@b\"@strict.example>", 0, DM_MA_OK, "a@b", "strict.example" },
	{ "<\"a\\\"b c\"@strict.example>", 0, DM_MA_OK, "a\"b c", "strict.example" },
	{ "<\"\"@strict.example>", 0, DM_MA_OK, "", "strict.example" },
	{ "<victim+" X250 "@strict.example>", 0, DM_MA_OK, NULL, "strict.example" },
	{ "<@relay.example,@r2.example:victim@strict.example>", 0, DM_MA_OK, "victim", "strict.example" },
	{ "<victim@b\xc3\xbc" "cher.example>", 0, DM_MA_OK, "victim", "xn--bcher-kva.example" },
	{ "<victim@B\xc3\x9c" "CHER.example.>", 0, DM_MA_OK, "victim", "xn--bcher-kva.example" },
	{ "<victim@xn--bcher-kva.example>", 0, DM_MA_OK, "victim", "xn--bcher-kva.example" },
	{ "<j\xc3\xb6rg@strict.example>", 0, DM_MA_OK, "j\xc3\xb6rg", "strict.example" },
	{ "<victim@[192.0.2.1]>", 0, DM_MA_LITERAL, "victim", "[192.0.2.1]" },
	{ "<victim@[IPv6:2001:db8::1]>", 0, DM_MA_LITERAL, "victim", "[ipv6:2001:db8::1]" },
	{ "<>", 0, DM_MA_NULL, "", "" },
	{ "", 0, DM_MA_NULL, "", "" },
	{ "<postmaster>", 0, DM_MA_NO_DOMAIN, "postmaster", "" },
	{ "<\"post master\">", 0, DM_MA_NO_DOMAIN, "post master", "" },
	/* what is no address is never "no domain": the caller must not guess */
	{ "<victim@strict.example", 0, DM_MA_BAD, NULL, NULL },
	{ "<victim+>@strict.example>", 0, DM_MA_BAD, NULL, NULL },
	{ "<\"victim@strict.example>", 0, DM_MA_BAD, NULL, NULL },
	{ "<\"victim\"x@strict.example>", 0, DM_MA_BAD, NULL, NULL },
	{ "<victim@>", 0, DM_MA_BAD, NULL, NULL },
	{ "<@strict.example>", 0, DM_MA_BAD, NULL, NULL },
	{ "<@relay.example:>", 0, DM_MA_BAD, NULL, NULL },
	{ "<vic tim@strict.example>", 0, DM_MA_BAD, NULL, NULL },
	{ "<victim@strict..example>", 0, DM_MA_BAD, NULL, NULL },
	{ "<victim@strict.example..>", 0, DM_MA_BAD, NULL, NULL },
	{ "<victim@strict.example>x>", 0, DM_MA_BAD, NULL, NULL },
	{ "<victim@1.2.3.4>", 0, DM_MA_BAD, NULL, NULL },
	{ "<victim@[192.0.2.1>", 0, DM_MA_BAD, NULL, NULL },
	{ "<victim@str\r\nict.example>", 0, DM_MA_BAD, NULL, NULL },
	{ "<victim@strict\0.example>", 24, DM_MA_BAD, NULL, NULL },
	{ "<\"vic\0tim\"@strict.example>", 26, DM_MA_BAD, NULL, NULL },
	{ "<victim@\xff\xfe.example>", 0, DM_MA_BAD, NULL, NULL },
};

/* dm_mailaddr_parse_internal: the MTA's own form ({rcpt_addr}) */
static const struct row internal[] = {
	{ "victim@strict.example", 0, DM_MA_OK, "victim", "strict.example" },
	{ "victim+>@strict.example", 0, DM_MA_OK, "victim+>", "strict.example" },
	{ "a@b@Strict.Example.", 0, DM_MA_OK, "a@b", "strict.example" },
	{ "victim+" X250 "@strict.example", 0, DM_MA_OK, NULL, "strict.example" },
	{ "victim@b\xc3\xbc" "cher.example", 0, DM_MA_OK, "victim", "xn--bcher-kva.example" },
	{ "postmaster", 0, DM_MA_NO_DOMAIN, "postmaster", "" },
	{ "", 0, DM_MA_NULL, "", "" },
	{ "victim@[192.0.2.1]", 0, DM_MA_LITERAL, "victim", "[192.0.2.1]" },
	{ "@strict.example", 0, DM_MA_BAD, NULL, NULL },
	{ "victim@", 0, DM_MA_BAD, NULL, NULL },
	{ "victim@bad_\x01.example", 0, DM_MA_BAD, NULL, NULL },
	/* U+034F is mapped to nothing: the last label vanishes (fuzz_mailaddr found it) */
	{ "\f@b.m.\xcd\x8f", 0, DM_MA_BAD, NULL, NULL },
	{ "v@a.\xcd\x8f.example", 0, DM_MA_BAD, NULL, NULL },
};

static void check_row(const struct row *r, int internal_form)
{
	struct dm_mailaddr a;
	size_t len = r->len ? r->len : strlen(r->s);
	enum dm_mailaddr_status st = internal_form ? dm_mailaddr_parse_internal(r->s, len, &a)
	                                           : dm_mailaddr_parse(r->s, len, &a);

	ck_assert_msg(st == r->want, "'%s': status %d, want %d (%s)", r->s, st, r->want, a.why ? a.why : "");
	if (st == DM_MA_BAD)
		ck_assert_msg(a.why != NULL && a.why[0] != '\0', "'%s': no reason", r->s);
	if (r->local != NULL)
		ck_assert_str_eq(a.local, r->local);
	if (r->domain != NULL)
		ck_assert_str_eq(a.domain, r->domain);
}

START_TEST(test_raw)
{
	check_row(&raw[_i], 0);
}
END_TEST

START_TEST(test_internal)
{
	check_row(&internal[_i], 1);
}
END_TEST

/* A local part longer than is kept is cut and flagged, the domain still found. */
START_TEST(test_long_local)
{
	static char s[4096];
	struct dm_mailaddr a;

	memset(s, 'v', 3000);
	memcpy(s + 3000, "@Strict.Example", 16);
	ck_assert_int_eq(dm_mailaddr_parse(s, strlen(s), &a), DM_MA_OK);
	ck_assert_int_eq(a.local_cut, 1);
	ck_assert_uint_eq(strlen(a.local), DM_LOCAL_MAX);
	ck_assert_str_eq(a.domain, "strict.example");
	ck_assert_int_eq(dm_mailaddr_parse_internal(s, strlen(s), &a), DM_MA_OK);
	ck_assert_int_eq(a.local_cut, 1);
	ck_assert_str_eq(a.domain, "strict.example");
}
END_TEST

START_TEST(test_format)
{
	struct dm_mailaddr a;
	char out[300];

	dm_mailaddr_parse("<\"a b\"@X.Example>", 17, &a);
	dm_mailaddr_format(&a, DM_MA_OK, out, sizeof(out));
	ck_assert_str_eq(out, "a b@x.example");
	dm_mailaddr_format(&a, DM_MA_NULL, out, sizeof(out));
	ck_assert_str_eq(out, "");
	dm_mailaddr_parse("<postmaster>", 12, &a);
	dm_mailaddr_format(&a, DM_MA_NO_DOMAIN, out, sizeof(out));
	ck_assert_str_eq(out, "postmaster");
	/* a long local part is cut, the domain never */
	dm_mailaddr_parse("<victim+" X250 "@strict.example>", strlen("<victim+" X250 "@strict.example>"), &a);
	dm_mailaddr_format(&a, DM_MA_OK, out, 64);
	ck_assert_uint_eq(strlen(out), 63);
	ck_assert_str_eq(strrchr(out, '@'), "@strict.example");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mailaddr");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_raw, 0, NROWS(raw));
	tcase_add_loop_test(tc, test_internal, 0, NROWS(internal));
	tcase_add_test(tc, test_long_local);
	tcase_add_test(tc, test_format);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

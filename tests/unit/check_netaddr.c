/*
 * check_netaddr.c - table-driven Check tests for filters/base/netaddr.c.
 *
 * Each table row is one case; adding a case is adding a line.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netaddr.h"

#define T(s) s, sizeof(s) - 1   /* literal with its exact length (may hold NUL) */

/* --- parse + format ----------------------------------------------------- */

struct parse_row {
	const char *text;
	size_t len;
	int ok;                 /* 0 expected, -1 expected */
	int family;
	const char *formatted;  /* canonical text when ok */
};

static const struct parse_row parse_rows[] = {
	{ T("192.0.2.1"), 0, AF_INET, "192.0.2.1" },
	{ T("0.0.0.0"), 0, AF_INET, "0.0.0.0" },
	{ T("255.255.255.255"), 0, AF_INET, "255.255.255.255" },
	{ T("2001:db8::1"), 0, AF_INET6, "2001:db8::1" },
	{ T("2001:DB8:0:0:0:0:0:1"), 0, AF_INET6, "2001:db8::1" },
	{ T("::1"), 0, AF_INET6, "::1" },
	{ T("::"), 0, AF_INET6, "::" },
	{ T("fe80::1:2"), 0, AF_INET6, "fe80::1:2" },
	{ T("::ffff:192.0.2.1"), 0, AF_INET, "192.0.2.1" },        /* v4-mapped */
	{ T("::FFFF:c000:0201"), 0, AF_INET, "192.0.2.1" },        /* v4-mapped, hex */
	{ T("0:0:0:0:0:ffff:10.1.2.3"), 0, AF_INET, "10.1.2.3" },
	{ T("::192.0.2.1"), 0, AF_INET6, "::192.0.2.1" },          /* v4-compatible: not mapped */
	{ T("0000:0000:0000:0000:0000:ffff:255.255.255.255"), 0, AF_INET, "255.255.255.255" }, /* 45 chars */
	{ T("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 0, AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	/* rejects */
	{ T(""), -1, 0, NULL },
	{ T("1.2.3"), -1, 0, NULL },
	{ T("1.2.3.4.5"), -1, 0, NULL },
	{ T("256.1.1.1"), -1, 0, NULL },
	{ T("01.2.3.4"), -1, 0, NULL },
	{ T(" 1.2.3.4"), -1, 0, NULL },
	{ T("1.2.3.4 "), -1, 0, NULL },
	{ T("1.2.3.4\n"), -1, 0, NULL },
	{ T("1.2.3.4\0"), -1, 0, NULL },                           /* NUL inside len */
	{ T("1.2\0.3.4"), -1, 0, NULL },
	{ T("0x1.2.3.4"), -1, 0, NULL },
	{ T("1.2.3.-4"), -1, 0, NULL },
	{ T("2001:db8::1::2"), -1, 0, NULL },
	{ T("2001:db8::g"), -1, 0, NULL },
	{ T("fe80::1%eth0"), -1, 0, NULL },
	{ T("[::1]"), -1, 0, NULL },
	{ T("::ffff:1.2.3"), -1, 0, NULL },
	{ T("00000:0000:0000:0000:0000:ffff:255.255.255.255"), -1, 0, NULL }, /* 46 chars */
	{ T("example.com"), -1, 0, NULL },
};

START_TEST(test_parse)
{
	const struct parse_row *r = &parse_rows[_i];
	struct dm_addr a, b;
	char buf[64];
	int rc;

	memset(&a, 0xa5, sizeof(a));
	rc = dm_addr_parsen(r->text, r->len, &a);
	ck_assert_msg(rc == r->ok, "row %d: parsen rc %d, want %d", _i, rc, r->ok);
	if (rc != 0) {
		ck_assert_int_eq(a.family, 0);
		return;
	}
	ck_assert_int_eq(a.family, r->family);
	ck_assert_str_eq(dm_addr_format(&a, buf, sizeof(buf)), r->formatted);
	/* round trip: formatted text parses back to the same address */
	ck_assert_int_eq(dm_addr_parse(buf, &b), 0);
	ck_assert_int_eq(dm_addr_equal(&a, &b), 1);
	/* the NUL-terminated entry point agrees */
	ck_assert_int_eq(dm_addr_parse(r->text, &b), 0);
	ck_assert_int_eq(dm_addr_equal(&a, &b), 1);
}
END_TEST

/* parsen must not read past len: the text goes on with junk after it. */
START_TEST(test_parsen_bounded)
{
	static const char text[] = "192.0.2.1junk";
	struct dm_addr a, b;

	ck_assert_int_eq(dm_addr_parsen(text, 9, &a), 0);
	ck_assert_int_eq(dm_addr_parse("192.0.2.1", &b), 0);
	ck_assert_int_eq(dm_addr_equal(&a, &b), 1);
	ck_assert_int_eq(dm_addr_parse(text, &a), -1);
	ck_assert_int_eq(dm_addr_parse(NULL, &a), -1);
	ck_assert_int_eq(dm_addr_parsen(NULL, 3, &a), -1);
}
END_TEST

START_TEST(test_parse_long)
{
	size_t n = 65536;
	char *big = malloc(n + 1);
	struct dm_addr a;

	ck_assert_ptr_nonnull(big);
	memset(big, '1', n);
	big[n] = '\0';
	ck_assert_int_eq(dm_addr_parsen(big, n, &a), -1);
	ck_assert_int_eq(dm_addr_parse(big, &a), -1);
	free(big);
}
END_TEST

START_TEST(test_equal_and_format_edges)
{
	struct dm_addr a, b, none;
	char buf[64], tiny[4];

	memset(&none, 0, sizeof(none));
	ck_assert_int_eq(dm_addr_parse("10.0.0.1", &a), 0);
	ck_assert_int_eq(dm_addr_parse("::ffff:10.0.0.1", &b), 0);
	ck_assert_int_eq(dm_addr_equal(&a, &b), 1);
	ck_assert_int_eq(dm_addr_parse("::a00:1", &b), 0);    /* v4-compatible differs */
	ck_assert_int_eq(dm_addr_equal(&a, &b), 0);
	ck_assert_int_eq(dm_addr_equal(&none, &none), 0);
	ck_assert_str_eq(dm_addr_format(&none, buf, sizeof(buf)), "");
	ck_assert_str_eq(dm_addr_format(&a, tiny, sizeof(tiny)), "");
}
END_TEST

/* --- CIDR parse ---------------------------------------------------------- */

struct cidr_row {
	const char *text;
	int ok;
	const char *addr;       /* network address after clearing host bits */
	unsigned prefix;
};

static const struct cidr_row cidr_rows[] = {
	{ "10.0.0.0/8", 0, "10.0.0.0", 8 },
	{ "10.1.2.3/8", 0, "10.0.0.0", 8 },                 /* host bits cleared */
	{ "192.0.2.129/25", 0, "192.0.2.128", 25 },
	{ "192.0.2.255/31", 0, "192.0.2.254", 31 },
	{ "192.0.2.7", 0, "192.0.2.7", 32 },                /* bare = host route */
	{ "192.0.2.7/32", 0, "192.0.2.7", 32 },
	{ "1.2.3.4/0", 0, "0.0.0.0", 0 },
	{ "2001:db8::1/32", 0, "2001:db8::", 32 },
	{ "2001:db8:ffff::/36", 0, "2001:db8:f000::", 36 },
	{ "::1", 0, "::1", 128 },
	{ "::1/128", 0, "::1", 128 },
	{ "::/0", 0, "::", 0 },
	{ "::ffff:10.9.8.7/104", 0, "10.0.0.0", 8 },        /* mapped prefix in v6 units */
	{ "::ffff:10.9.8.7", 0, "10.9.8.7", 32 },
	{ "1.2.3.4/33", -1, NULL, 0 },
	{ "1.2.3.4/", -1, NULL, 0 },
	{ "1.2.3.4/x", -1, NULL, 0 },
	{ "/8", -1, NULL, 0 },
	{ "1.2.3.4/-1", -1, NULL, 0 },
	{ "1.2.3.4/+8", -1, NULL, 0 },
	{ "1.2.3.4/ 8", -1, NULL, 0 },
	{ "1.2.3.4/8 ", -1, NULL, 0 },
	{ " 1.2.3.4/8", -1, NULL, 0 },
	{ "1.2.3.4/8x", -1, NULL, 0 },
	{ "1.2.3.4/8/8", -1, NULL, 0 },
	{ "1.2.3.4/08", -1, NULL, 0 },
	{ "1.2.3.4/0008", -1, NULL, 0 },
	{ "1.2.3.4/4294967304", -1, NULL, 0 },              /* 2^32 + 8: no wraparound */
	{ "2001:db8::/129", -1, NULL, 0 },
	{ "::ffff:10.0.0.0/80", -1, NULL, 0 },              /* reaches outside mapped space */
	{ "::ffff:10.0.0.0/129", -1, NULL, 0 },
	{ "", -1, NULL, 0 },
	{ "/", -1, NULL, 0 },
	{ "example.com/24", -1, NULL, 0 },
};

START_TEST(test_cidr_parse)
{
	const struct cidr_row *r = &cidr_rows[_i];
	struct dm_cidr c;
	char buf[64];
	int rc;

	memset(&c, 0xa5, sizeof(c));
	rc = dm_cidr_parse(r->text, &c);
	ck_assert_msg(rc == r->ok, "row %d \"%s\": rc %d, want %d", _i, r->text, rc, r->ok);
	if (rc != 0) {
		ck_assert_int_eq(c.addr.family, 0);
		return;
	}
	ck_assert_str_eq(dm_addr_format(&c.addr, buf, sizeof(buf)), r->addr);
	ck_assert_uint_eq(c.prefix, r->prefix);
}
END_TEST

/* --- CIDR match ---------------------------------------------------------- */

struct match_row {
	const char *net;
	const char *addr;
	int match;
};

static const struct match_row match_rows[] = {
	{ "10.0.0.0/8", "10.255.1.2", 1 },
	{ "10.0.0.0/8", "11.0.0.0", 0 },
	{ "10.0.0.0/8", "9.255.255.255", 0 },
	{ "192.0.2.128/25", "192.0.2.200", 1 },
	{ "192.0.2.128/25", "192.0.2.127", 0 },
	{ "192.0.2.7/32", "192.0.2.7", 1 },
	{ "192.0.2.7/32", "192.0.2.6", 0 },
	{ "192.0.2.7", "192.0.2.8", 0 },
	{ "0.0.0.0/0", "203.0.113.9", 1 },
	{ "0.0.0.0/0", "::1", 0 },                          /* family mismatch */
	{ "::/0", "2001:db8::1", 1 },
	{ "::/0", "192.0.2.1", 0 },                         /* v4 never in a v6 net */
	{ "::/0", "::ffff:192.0.2.1", 0 },                  /* ... even spelled mapped */
	{ "::1/128", "::1", 1 },
	{ "::1/128", "::2", 0 },
	{ "2001:db8::/32", "2001:db8:ffff::1", 1 },
	{ "2001:db8::/32", "2001:db9::1", 0 },
	{ "2001:db8::/33", "2001:db8:7fff::1", 1 },
	{ "2001:db8::/33", "2001:db8:8000::1", 0 },
	{ "127.0.0.0/8", "::ffff:127.0.0.1", 1 },           /* mapped client in v4 net */
	{ "::ffff:127.0.0.0/104", "127.1.2.3", 1 },
	{ "10.0.0.0/8", "2001:db8::1", 0 },
};

START_TEST(test_cidr_match)
{
	const struct match_row *r = &match_rows[_i];
	struct dm_cidr c;
	struct dm_addr a;

	ck_assert_int_eq(dm_cidr_parse(r->net, &c), 0);
	ck_assert_int_eq(dm_addr_parse(r->addr, &a), 0);
	ck_assert_msg(dm_cidr_match(&c, &a) == r->match, "row %d: %s in %s: want %d",
	              _i, r->addr, r->net, r->match);
}
END_TEST

#define NROWS(t) ((int)(sizeof(t) / sizeof((t)[0])))

static Suite *netaddr_suite(void)
{
	Suite *s = suite_create("netaddr");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse, 0, NROWS(parse_rows));
	tcase_add_test(tc, test_parsen_bounded);
	tcase_add_test(tc, test_parse_long);
	tcase_add_test(tc, test_equal_and_format_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("cidr_parse");
	tcase_add_loop_test(tc, test_cidr_parse, 0, NROWS(cidr_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("cidr_match");
	tcase_add_loop_test(tc, test_cidr_match, 0, NROWS(match_rows));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(netaddr_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

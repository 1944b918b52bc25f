/*
 * check_dnsbl.c - table-driven Check tests for filters/rules/dnsbl.c.
 *
 * Tables: zone specs (valid ones with their canonical form, one address the
 * filter must list and one it must not; malformed ones with a substring of
 * the message), query and PTR names, answer classification, scores, the
 * self-test judge. Every valid spec is also round-tripped through
 * dnsbl_zone_format, and a mutation loop feeds thousands of damaged specs
 * to the parser. Adding a case is adding a line.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dnsbl.h"
#include "netaddr.h"

#define NROWS(t) ((int)(sizeof(t) / sizeof((t)[0])))
#define MAXANS 8

#define A10 "aaaaaaaaaa"
#define A61 A10 A10 A10 A10 A10 A10 "a"
#define A63 A61 "aa"
#define A64 A63 "a"

/* "a,b,c" -> addresses; "" -> none. Fails the test on a bad address. */
static size_t addr_list(const char *text, struct dm_addr *out, size_t max)
{
	char buf[256], *tok, *save = NULL;
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", text);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		ck_assert_uint_lt(n, max);
		ck_assert_msg(dm_addr_parse(tok, &out[n]) == 0, "bad test address %s", tok);
		n++;
	}
	return n;
}

static struct dnsbl_zone zone_of(const char *spec)
{
	struct dnsbl_zone z;
	char err[256];

	ck_assert_msg(dnsbl_zone_parse(spec, &z, err, sizeof(err)) == 0, "%s: %s", spec, err);
	return z;
}

static enum dnsbl_verdict classify_text(const struct dnsbl_zone *z, const char *answers,
                                        struct dm_addr *which)
{
	struct dm_addr a[MAXANS];
	size_t n = addr_list(answers, a, MAXANS);

	return dnsbl_classify(z, n ? a : NULL, n, which);
}

/* The parsed zone must survive format -> parse unchanged. */
static void assert_round_trip(const struct dnsbl_zone *z)
{
	struct dnsbl_zone again;
	char text[DNSBL_SPEC_MAX], err[256];

	ck_assert_int_eq(dnsbl_zone_format(z, text, sizeof(text)), 0);
	ck_assert_str_eq(text, z->spec);
	ck_assert_msg(dnsbl_zone_parse(text, &again, err, sizeof(err)) == 0, "%s: %s", text, err);
	ck_assert_str_eq(again.name, z->name);
	ck_assert_int_eq(again.weight, z->weight);
	ck_assert_int_eq(again.has_filter, z->has_filter);
	ck_assert(memcmp(again.allow, z->allow, sizeof(z->allow)) == 0);
	ck_assert_str_eq(again.spec, z->spec);
}

/* --- zone spec parser ---------------------------------------------------- */

struct spec_row {
	const char *in;
	int ok;
	const char *name;       /* ok: expected name */
	int weight;
	const char *canon;      /* ok: expected canonical spec */
	const char *hit;        /* ok: an answer that must be LISTED, or NULL */
	const char *miss;       /* ok: an answer that must not be LISTED, or NULL */
	const char *err;        /* !ok: substring of the message */
};

#define OK(in, name, w, canon, hit, miss) { in, 1, name, w, canon, hit, miss, NULL }
#define BAD(in, msg) { in, 0, NULL, 0, NULL, NULL, NULL, msg }

static const struct spec_row spec_rows[] = {
	/* design.md's examples */
	OK("zen.spamhaus.org=127.0.0.[2..11]*3", "zen.spamhaus.org", 3,
	   "zen.spamhaus.org=127.0.0.[2..11]*3", "127.0.0.4", "127.0.0.12"),
	OK("bl.spamcop.net=127.0.0.2*2", "bl.spamcop.net", 2, "bl.spamcop.net=127.0.0.2*2",
	   "127.0.0.2", "127.0.0.3"),
	OK("list.dnswl.org=127.0.[0..255].[1..3]*-2", "list.dnswl.org", -2,
	   "list.dnswl.org=127.0.[0..255].[1..3]*-2", "127.0.15.3", "127.0.15.0"),
	/* no filter, weight only */
	OK("bl.spamcop.net", "bl.spamcop.net", 1, "bl.spamcop.net", "127.1.2.3", "10.0.0.2"),
	OK("zen.spamhaus.org*3", "zen.spamhaus.org", 3, "zen.spamhaus.org*3", "127.0.0.1", "127.0.1.255"),
	OK("swl.spamhaus.org*-4", "swl.spamhaus.org", -4, "swl.spamhaus.org*-4", "127.0.2.3", NULL),
	/* normalisation: case, trailing dot, blanks, weight 1, signs, zeros */
	OK("  ZEN.Spamhaus.ORG.=127.0.0.[2..11]*3  ", "zen.spamhaus.org", 3,
	   "zen.spamhaus.org=127.0.0.[2..11]*3", "127.0.0.11", "127.0.0.1"),
	OK("\tbl.example\r\n", "bl.example", 1, "bl.example", "127.0.0.2", NULL),
	OK("x.example=127.0.0.2*1", "x.example", 1, "x.example=127.0.0.2", "127.0.0.2", "127.0.0.20"),
	OK("x.example*+5", "x.example", 5, "x.example*5", NULL, NULL),
	OK("x.example*007", "x.example", 7, "x.example*7", NULL, NULL),
	OK("x.example*-100", "x.example", -100, "x.example*-100", NULL, NULL),
	OK("x.example*100", "x.example", 100, "x.example*100", NULL, NULL),
	OK("x.example=127.0.0.002", "x.example", 1, "x.example=127.0.0.2", "127.0.0.2", NULL),
	/* lists and ranges */
	OK("x.example=127.0.0.[2;4..6;10]", "x.example", 1, "x.example=127.0.0.[2;4..6;10]",
	   "127.0.0.5", "127.0.0.3"),
	OK("x.example=127.0.[0..255].[1;3]", "x.example", 1, "x.example=127.0.[0..255].[1;3]",
	   "127.0.9.3", "127.0.9.2"),
	OK("wl.mailspike.net=127.0.0.[17;18]*-1", "wl.mailspike.net", -1,
	   "wl.mailspike.net=127.0.0.[17;18]*-1", "127.0.0.18", "127.0.0.19"),
	OK("zen.spamhaus.org=127.0.0.[10;11]*8", "zen.spamhaus.org", 8,
	   "zen.spamhaus.org=127.0.0.[10;11]*8", "127.0.0.10", "127.0.0.2"),
	OK("x.example=127.0.0.[3;2;1]", "x.example", 1, "x.example=127.0.0.[1..3]", "127.0.0.1", "127.0.0.4"),
	OK("x.example=127.0.0.[1..2]", "x.example", 1, "x.example=127.0.0.[1;2]", "127.0.0.2", "127.0.0.3"),
	OK("x.example=127.0.0.[5]", "x.example", 1, "x.example=127.0.0.5", "127.0.0.5", "127.0.0.6"),
	OK("x.example=127.0.0.[1..3;2..6;6]", "x.example", 1, "x.example=127.0.0.[1..6]", "127.0.0.6", "127.0.0.7"),
	OK("x.example=127.0.0.[0..255]", "x.example", 1, "x.example=127.0.0.[0..255]", "127.0.0.0", "127.0.1.0"),
	OK("x.example=127.[0;1].[0..255].[0..255]", "x.example", 1,
	   "x.example=127.[0;1].[0..255].[0..255]", "127.1.200.9", "127.2.0.2"),
	OK("x.example=[126..127].0.0.2", "x.example", 1, "x.example=[126;127].0.0.2", "127.0.0.2", "126.0.0.2"),
	OK("x.example=127.255.255.[250..255]", "x.example", 1, "x.example=127.255.255.[250..255]",
	   "127.255.255.251", "127.255.255.252"),
	OK("x.example=127.0.0.[2..4;6;8;9]*2", "x.example", 2, "x.example=127.0.0.[2..4;6;8;9]*2",
	   "127.0.0.9", "127.0.0.7"),
	/* names */
	OK("dnsbl_test.example", "dnsbl_test.example", 1, "dnsbl_test.example", NULL, NULL),
	OK("xn--bcher-kva.example", "xn--bcher-kva.example", 1, "xn--bcher-kva.example", NULL, NULL),
	OK("localbl", "localbl", 1, "localbl", NULL, NULL),
	OK("a.b.c.d.e.f.example=127.0.0.[2;3]*-3", "a.b.c.d.e.f.example", -3,
	   "a.b.c.d.e.f.example=127.0.0.[2;3]*-3", "127.0.0.3", "127.0.0.4"),
	OK("1.2.3.example", "1.2.3.example", 1, "1.2.3.example", NULL, NULL),
	OK(A63 ".example", A63 ".example", 1, A63 ".example", NULL, NULL),
	OK(A63 "." A63 "." A63 "." A61, A63 "." A63 "." A63 "." A61, 1,
	   A63 "." A63 "." A63 "." A61, NULL, NULL),                   /* 253 */
	OK(A63 "." A63 "." A63 "." A61 ".", A63 "." A63 "." A63 "." A61, 1,
	   A63 "." A63 "." A63 "." A61, NULL, NULL),                   /* 253 + dot */

	/* malformed: empty, names */
	BAD("", "empty zone spec"),
	BAD("   \t ", "empty zone spec"),
	BAD("=127.0.0.2", "empty zone name"),
	BAD("*3", "empty zone name"),
	BAD(".", "empty zone name"),
	BAD("zen..spamhaus.org", "empty label in zone name at column 5"),
	BAD(".zen.example", "empty label in zone name at column 1"),
	BAD("zen.example..", "empty label in zone name at column 13"),
	BAD("-zen.example", "label begins or ends with '-' in zone name at column 1"),
	BAD("zen-.example", "label begins or ends with '-' in zone name at column 1"),
	BAD("zen spamhaus.org", "invalid character byte 0x20 in zone name at column 4"),
	BAD("zen.spamhaus.org/24", "invalid character '/' in zone name at column 17"),
	BAD("z\xc3\xa9n.example", "invalid character byte 0xc3 in zone name at column 2"),
	BAD(A64 ".example", "label longer than 63 characters in zone name at column 1"),
	BAD("x." A64, "label longer than 63 characters in zone name at column 3"),
	BAD(A63 "." A63 "." A63 "." A61 "a", "zone name longer than 253 characters"),
	BAD("127.0.0.2", "numeric label at column 9"),
	BAD("127.0.0.2*3", "numeric label"),
	/* filters */
	BAD("zen.example=", "empty filter after '=' at column 12"),
	BAD("zen.example=*3", "empty filter after '=' at column 12"),
	BAD("zen.example=127.0.0", "filter needs 4 octets (d.d.d.d), found 3"),
	BAD("zen.example=127*2", "filter needs 4 octets (d.d.d.d), found 1"),
	BAD("zen.example=127.0.0.2.5", "found more at column 22"),
	BAD("zen.example=127.0.0.256", "number 256 > 255 at column 21"),
	BAD("zen.example=127.0.0.99999999999999999999", "number 999999999999 > 255"),
	BAD("zen.example=127.0..2", "octet 3: expected a number or '[' at column 19, found '.'"),
	BAD("zen.example=127.0.0.x", "octet 4: expected a number or '[' at column 21, found 'x'"),
	BAD("zen.example=127.0.0.[]", "empty bracket in octet 4 at column 21"),
	BAD("zen.example=127.0.0.[11..2]", "range 11..2 has lo > hi at column 22"),
	BAD("zen.example=127.0.0.[2..11", "unterminated bracket '[' at column 21"),
	BAD("zen.example=127.0.0.[2..11*3", "unterminated bracket '[' at column 21: unexpected '*' at column 27"),
	BAD("zen.example=127.0.0.[2.3]", "unterminated bracket '[' at column 21: unexpected '.'"),
	BAD("zen.example=127.0.0.[2;;3]", "empty item in bracket in octet 4 at column 24"),
	BAD("zen.example=127.0.0.[2;]", "empty item in bracket in octet 4 at column 24"),
	BAD("zen.example=127.0.0.[;2]", "empty item in bracket in octet 4 at column 22"),
	BAD("zen.example=127.0.0.[2..]", "range needs a number after '..' at column 25"),
	BAD("zen.example=127.0.0.[2..256]", "number 256 > 255 at column 25"),
	BAD("zen.example=127.0.0.[a]", "expected a number in bracket at column 22, found 'a'"),
	BAD("zen.example=127.0.[0..255", "unterminated bracket '[' at column 19"),
	BAD("zen.example=127.0.[0..255.1", "unterminated bracket '[' at column 19: unexpected '.' at column 26"),
	BAD("zen.example=127.0.0.2..11", "'..' outside brackets at column 22"),
	BAD("zen.example=127.0..5.0.2", "'..' outside brackets at column 18"),
	BAD("zen.example=127..0.2", "octet 2: expected a number or '[' at column 17, found '.'"),
	BAD("zen.example=127.0.0.[2..11]]", "unexpected ']' in filter at column 28"),
	BAD("zen.example=127.0.0.2 *3", "unexpected byte 0x20 in filter at column 22"),
	BAD("zen.example=127.0.0.2=127.0.0.3", "duplicate '=' at column 22"),
	BAD("zen.example==127.0.0.2", "duplicate '=' at column 13"),
	BAD("zen.example=10.0.0.2", "filter can never match"),
	BAD("zen.example=[0..126].0.0.2", "filter can never match"),
	BAD("zen.example=127.255.255.[252..255]", "matches only error codes"),
	BAD("zen.example=127.0.1.255*2", "matches only error codes"),
	BAD("zen.example=127.255.255.[253;254]", "matches only error codes"),
	OK("x.example=127.[0;255].[1;255].255", "x.example", 1, "x.example=127.[0;255].[1;255].255",
	   "127.255.1.255", "127.0.1.255"),
	/* weights */
	BAD("zen.example*", "empty weight after '*' at column 12"),
	BAD("zen.example=127.0.0.2*", "empty weight after '*' at column 22"),
	BAD("zen.example*x", "weight must be an integer at column 13, found 'x'"),
	BAD("zen.example*-", "weight must be an integer at column 14, found end of spec"),
	BAD("zen.example*2.5", "junk after weight at column 14: '.'"),
	BAD("zen.example=127.0.0.2*3x", "junk after weight at column 24: 'x'"),
	OK("zen.example*3 ", "zen.example", 3, "zen.example*3", NULL, NULL),   /* blank trimmed */
	BAD("zen.example*3*4", "duplicate '*' at column 14"),
	BAD("zen.example*3=127.0.0.2", "'=filter' must come before '*weight' (column 14)"),
	BAD("zen.example*0", "weight 0 counts nothing"),
	BAD("zen.example*-0", "weight 0 counts nothing"),
	BAD("zen.example*101", "weight 101 out of range -100..100"),
	BAD("zen.example*-101", "weight -101 out of range -100..100"),
	BAD("zen.example*99999999999999", "weight 999999999999 out of range"),
};

START_TEST(test_spec_row)
{
	const struct spec_row *r = &spec_rows[_i];
	struct dnsbl_zone z;
	struct dm_addr a;
	char err[256];
	const char *t = r->in;
	size_t tlen;
	int rc;

	memset(err, 'x', sizeof(err));
	rc = dnsbl_zone_parse(r->in, &z, err, sizeof(err));
	if (!r->ok) {
		ck_assert_msg(rc == -1, "accepted: %s", r->in);
		ck_assert_msg(strstr(err, r->err) != NULL, "%s: got \"%s\", want \"%s\"", r->in, err, r->err);
		ck_assert_msg(strncmp(err, "zone spec \"", 11) == 0, "%s", err);
		ck_assert_str_eq(z.name, "");
		ck_assert_str_eq(z.spec, "");
		return;
	}
	ck_assert_msg(rc == 0, "%s: %s", r->in, err);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(z.name, r->name);
	ck_assert_int_eq(z.weight, r->weight);
	ck_assert_str_eq(z.spec, r->canon);
	ck_assert_int_eq(z.has_filter, strchr(r->canon, '=') != NULL);
	/* canonical text is never longer than the (trimmed) input */
	while (*t == ' ' || *t == '\t')
		t++;
	for (tlen = strlen(t); tlen > 0 && strchr(" \t\r\n", t[tlen - 1]); tlen--)
		;
	ck_assert_uint_le(strlen(z.spec), tlen);
	assert_round_trip(&z);
	if (r->hit != NULL) {
		ck_assert_int_eq(dm_addr_parse(r->hit, &a), 0);
		ck_assert_int_eq(dnsbl_classify(&z, &a, 1, NULL), DNSBL_LISTED);
	}
	if (r->miss != NULL) {
		ck_assert_int_eq(dm_addr_parse(r->miss, &a), 0);
		ck_assert_int_ne(dnsbl_classify(&z, &a, 1, NULL), DNSBL_LISTED);
	}
}
END_TEST

START_TEST(test_spec_edges)
{
	struct dnsbl_zone z;
	char err[256], big[700], small[8];

	/* NULL spec and NULL / tiny error buffers */
	ck_assert_int_eq(dnsbl_zone_parse(NULL, &z, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "empty zone spec"));
	ck_assert_int_eq(dnsbl_zone_parse("zen..x", &z, NULL, 0), -1);
	ck_assert_int_eq(dnsbl_zone_parse("zen..x", &z, small, sizeof(small)), -1);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	/* over-long spec: refused as such, message bounded */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(dnsbl_zone_parse(big, &z, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than 511 characters"));
	ck_assert_uint_lt(strlen(err), 200);
	/* control characters are never echoed raw */
	ck_assert_int_eq(dnsbl_zone_parse("zen\x1b[2J.example", &z, err, sizeof(err)), -1);
	ck_assert_ptr_null(strchr(err, '\x1b'));
	ck_assert_ptr_nonnull(strstr(err, "byte 0x1b"));
}
END_TEST

START_TEST(test_format_edges)
{
	struct dnsbl_zone z = zone_of("list.dnswl.org=127.0.[0..255].[1..3]*-2");
	char out[64];

	ck_assert_int_eq(dnsbl_zone_format(&z, out, strlen(z.spec) + 1), 0);
	ck_assert_str_eq(out, "list.dnswl.org=127.0.[0..255].[1..3]*-2");
	ck_assert_int_eq(dnsbl_zone_format(&z, out, strlen(z.spec)), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(dnsbl_zone_format(&z, out, 0), -1);
	ck_assert_int_eq(dnsbl_zone_format(NULL, out, sizeof(out)), -1);
	memset(z.allow[2], 0, sizeof(z.allow[2]));        /* hand-broken: empty octet */
	ck_assert_int_eq(dnsbl_zone_format(&z, out, sizeof(out)), -1);
}
END_TEST

/* Damaged specs: the parser must either accept (and then round-trip) or
 * refuse with a message; valgrind watches the bytes. */
START_TEST(test_spec_mutations)
{
	static const char *const seeds[] = {
		"zen.spamhaus.org=127.0.0.[2..11]*3", "list.dnswl.org=127.0.[0..255].[1;3]*-2",
		"x.example=127.0.0.[2;4..6;10]", "bl.spamcop.net*2",
	};
	static const char alphabet[] = "0123456789.[];=*-+ aZ_\x01\xff";
	unsigned long seed = 12345;
	struct dnsbl_zone z;
	char buf[64], err[256];
	int i, k, ok = 0, bad = 0;

	for (i = 0; i < 20000; i++) {
		snprintf(buf, sizeof(buf), "%s", seeds[i % 4]);
		for (k = 0; k < 1 + i % 3; k++) {
			size_t len = strlen(buf), pos;

			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			pos = (size_t)(seed >> 33) % (len + 1);
			if (pos < len)
				buf[pos] = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
		}
		if (dnsbl_zone_parse(buf, &z, err, sizeof(err)) == 0) {
			assert_round_trip(&z);
			ok++;
		} else {
			ck_assert_msg(strncmp(err, "zone spec \"", 11) == 0, "%s: %s", buf, err);
			bad++;
		}
	}
	ck_assert_int_gt(ok, 100);
	ck_assert_int_gt(bad, 100);
}
END_TEST

/* --- query names --------------------------------------------------------- */

#define V6_2001_DB8_1 "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2."

struct qname_row {
	const char *client;
	const char *zone;       /* NULL: PTR name via dnsbl_reverse_name */
	size_t outlen;
	int rc;
	const char *want;
};

static const struct qname_row qname_rows[] = {
	{ "192.0.2.1", "zen.spamhaus.org", 300, 0, "1.2.0.192.zen.spamhaus.org" },
	{ "127.0.0.2", "bl.spamcop.net", 300, 0, "2.0.0.127.bl.spamcop.net" },
	{ "10.20.30.40", "zen.spamhaus.org.", 300, 0, "40.30.20.10.zen.spamhaus.org" },
	{ "2001:db8::1", "zen.spamhaus.org", 300, 0, V6_2001_DB8_1 "zen.spamhaus.org" },
	{ "2001:DB8:ABCD:12:3456:789A:BCDE:F012", "bl.example", 300, 0,
	  "2.1.0.f.e.d.c.b.a.9.8.7.6.5.4.3.2.1.0.0.d.c.b.a.8.b.d.0.1.0.0.2.bl.example" },
	{ "::1", "x.example", 300, 0,
	  "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.x.example" },
	{ "::ffff:192.0.2.1", "zen.spamhaus.org", 300, 0, "1.2.0.192.zen.spamhaus.org" },
	{ "192.0.2.1", "zen.spamhaus.org", 27, 0, "1.2.0.192.zen.spamhaus.org" },  /* exact fit */
	{ "192.0.2.1", "zen.spamhaus.org", 26, -1, "" },                         /* one short */
	{ "2001:db8::1", "zen.spamhaus.org", 80, -1, "" },
	{ "192.0.2.1", "", 300, -1, "" },
	{ "192.0.2.1", ".zen.example", 300, -1, "" },
	{ "2001:db8::1", A63 "." A63 "." A61, 300, 0, V6_2001_DB8_1 A63 "." A63 "." A61 }, /* 253 */
	{ "2001:db8::1", A63 "." A63 "." A61 "a", 300, -1, "" },                    /* 254 */
	{ "192.0.2.1", NULL, 300, 0, "1.2.0.192.in-addr.arpa" },
	{ "::ffff:10.1.2.3", NULL, 300, 0, "3.2.1.10.in-addr.arpa" },
	{ "2001:db8::1", NULL, 300, 0, V6_2001_DB8_1 "ip6.arpa" },
	{ "2001:db8::1", NULL, 72, -1, "" },
	{ "2001:db8::1", NULL, 73, 0, V6_2001_DB8_1 "ip6.arpa" },
};

START_TEST(test_qname_row)
{
	const struct qname_row *r = &qname_rows[_i];
	struct dm_addr a;
	char out[300];
	int rc;

	ck_assert_int_eq(dm_addr_parse(r->client, &a), 0);
	memset(out, 'x', sizeof(out));
	rc = r->zone ? dnsbl_query_name(&a, r->zone, out, r->outlen)
	             : dnsbl_reverse_name(&a, out, r->outlen);
	ck_assert_int_eq(rc, r->rc);
	ck_assert_str_eq(out, r->want);
}
END_TEST

START_TEST(test_qname_edges)
{
	struct dm_addr a;
	char out[300];

	/* a v4-mapped IPv6 that escaped normalisation is still asked as IPv4 */
	memset(&a, 0, sizeof(a));
	a.family = AF_INET6;
	a.b[10] = a.b[11] = 0xff;
	a.b[12] = 192, a.b[13] = 0, a.b[14] = 2, a.b[15] = 7;
	ck_assert_int_eq(dnsbl_query_name(&a, "zen.spamhaus.org", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "7.2.0.192.zen.spamhaus.org");
	ck_assert_int_eq(dnsbl_reverse_name(&a, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "7.2.0.192.in-addr.arpa");
	/* unknown family, NULL client or zone, no buffer */
	a.family = 0;
	ck_assert_int_eq(dnsbl_query_name(&a, "zen.spamhaus.org", out, sizeof(out)), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(dnsbl_reverse_name(&a, out, sizeof(out)), -1);
	ck_assert_int_eq(dnsbl_query_name(NULL, "zen.spamhaus.org", out, sizeof(out)), -1);
	ck_assert_int_eq(dnsbl_reverse_name(NULL, out, sizeof(out)), -1);
	ck_assert_int_eq(dm_addr_parse("192.0.2.1", &a), 0);
	ck_assert_int_eq(dnsbl_query_name(&a, NULL, out, sizeof(out)), -1);
	ck_assert_int_eq(dnsbl_query_name(&a, "zen.spamhaus.org", NULL, 0), -1);
	ck_assert_int_eq(dnsbl_query_name(&a, "zen.spamhaus.org", out, 0), -1);
}
END_TEST

/* --- classification ------------------------------------------------------ */

struct class_row {
	const char *spec;
	const char *answers;    /* "a,b" */
	enum dnsbl_verdict want;
	const char *which;      /* formatted deciding answer, "" for none */
};

#define ZEN "zen.spamhaus.org=127.0.0.[2..11]*3"
#define ANY "bl.example"

static const struct class_row class_rows[] = {
	{ ZEN, "127.0.0.2", DNSBL_LISTED, "127.0.0.2" },
	{ ZEN, "127.0.0.11", DNSBL_LISTED, "127.0.0.11" },
	{ ZEN, "127.0.0.12", DNSBL_NOT_LISTED, "127.0.0.12" },
	{ ZEN, "127.0.0.1", DNSBL_NOT_LISTED, "127.0.0.1" },
	{ ZEN, "", DNSBL_NOT_LISTED, "" },
	{ ZEN, "127.0.0.12,127.0.0.4", DNSBL_LISTED, "127.0.0.4" },
	{ ZEN, "127.0.0.2,127.0.0.3,127.0.0.10", DNSBL_LISTED, "127.0.0.2" },
	{ ZEN, "127.0.0.4,127.255.255.254", DNSBL_ERROR_CODE, "127.255.255.254" },
	{ ZEN, "127.0.0.2,127.0.1.255", DNSBL_ERROR_CODE, "127.0.1.255" },
	{ ZEN, "127.0.0.2,192.0.2.1", DNSBL_BAD_ANSWER, "192.0.2.1" },
	{ ZEN, "192.0.2.1,127.255.255.254", DNSBL_ERROR_CODE, "127.255.255.254" },
	{ ANY, "127.255.255.252", DNSBL_ERROR_CODE, "127.255.255.252" },
	{ ANY, "127.255.255.253", DNSBL_ERROR_CODE, "127.255.255.253" },
	{ ANY, "127.255.255.254", DNSBL_ERROR_CODE, "127.255.255.254" },
	{ ANY, "127.255.255.255", DNSBL_ERROR_CODE, "127.255.255.255" },
	{ ANY, "127.0.1.255", DNSBL_ERROR_CODE, "127.0.1.255" },
	{ ANY, "127.255.255.251", DNSBL_LISTED, "127.255.255.251" },
	{ ANY, "127.0.1.254", DNSBL_LISTED, "127.0.1.254" },
	{ ANY, "127.1.2.3", DNSBL_LISTED, "127.1.2.3" },
	{ ANY, "127.0.0.1", DNSBL_LISTED, "127.0.0.1" },
	{ ANY, "", DNSBL_NOT_LISTED, "" },
	{ ANY, "10.0.0.2", DNSBL_BAD_ANSWER, "10.0.0.2" },
	{ ANY, "128.0.0.2", DNSBL_BAD_ANSWER, "128.0.0.2" },
	{ ANY, "::1", DNSBL_BAD_ANSWER, "::1" },
	{ ANY, "127.0.0.2,2001:db8::2", DNSBL_BAD_ANSWER, "2001:db8::2" },
	/* filter per octet */
	{ "x.example=127.0.[0..255].[1..3]", "127.0.5.2", DNSBL_LISTED, "127.0.5.2" },
	{ "x.example=127.0.[0..255].[1..3]", "127.0.5.4", DNSBL_NOT_LISTED, "127.0.5.4" },
	{ "x.example=127.0.[0..255].[1..3]", "127.1.5.2", DNSBL_NOT_LISTED, "127.1.5.2" },
	{ "x.example=127.[1;2].3.4", "127.1.3.4", DNSBL_LISTED, "127.1.3.4" },
	{ "x.example=127.[1;2].3.4", "127.2.4.4", DNSBL_NOT_LISTED, "127.2.4.4" },
	{ "x.example=[126;127].0.0.2", "126.0.0.2", DNSBL_BAD_ANSWER, "126.0.0.2" },
	{ "x.example=127.255.255.[250..255]", "127.255.255.252", DNSBL_ERROR_CODE, "127.255.255.252" },
};

START_TEST(test_class_row)
{
	const struct class_row *r = &class_rows[_i];
	struct dnsbl_zone z = zone_of(r->spec);
	struct dm_addr which;
	char text[64];

	memset(&which, 0xaa, sizeof(which));
	ck_assert_str_eq(dnsbl_verdict_name(classify_text(&z, r->answers, &which)),
	                 dnsbl_verdict_name(r->want));
	ck_assert_str_eq(dm_addr_format(&which, text, sizeof(text)), r->which);
	if (r->which[0] == '\0')
		ck_assert_int_eq(which.family, 0);
	ck_assert_int_eq(classify_text(&z, r->answers, NULL), r->want);
}
END_TEST

START_TEST(test_class_edges)
{
	struct dm_addr a, which;

	/* z NULL: no filter, any 127/8 */
	ck_assert_int_eq(classify_text(NULL, "127.0.0.5", NULL), DNSBL_LISTED);
	ck_assert_int_eq(classify_text(NULL, "127.255.255.254", NULL), DNSBL_ERROR_CODE);
	ck_assert_int_eq(dnsbl_classify(NULL, NULL, 0, &which), DNSBL_NOT_LISTED);
	ck_assert_int_eq(which.family, 0);
	/* a v4-mapped answer is read as IPv4; family 0 is a bad answer */
	memset(&a, 0, sizeof(a));
	a.family = AF_INET6;
	a.b[10] = a.b[11] = 0xff;
	a.b[12] = 127, a.b[15] = 2;
	ck_assert_int_eq(dnsbl_classify(NULL, &a, 1, NULL), DNSBL_LISTED);
	a.b[13] = a.b[14] = 255, a.b[15] = 254;
	ck_assert_int_eq(dnsbl_classify(NULL, &a, 1, NULL), DNSBL_ERROR_CODE);
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(dnsbl_classify(NULL, &a, 1, NULL), DNSBL_BAD_ANSWER);
}
END_TEST

struct name_row { int v; const char *name; };
static const struct name_row name_rows[] = {
	{ DNSBL_NOT_LISTED, "not_listed" }, { DNSBL_LISTED, "listed" },
	{ DNSBL_ERROR_CODE, "error_code" }, { DNSBL_BAD_ANSWER, "bad_answer" },
	{ DNSBL_NO_ANSWER, "no_answer" }, { 99, "?" }, { -1, "?" },
};

START_TEST(test_name_row)
{
	ck_assert_str_eq(dnsbl_verdict_name((enum dnsbl_verdict)name_rows[_i].v), name_rows[_i].name);
}
END_TEST

/* --- score --------------------------------------------------------------- */

#define NL DNSBL_NOT_LISTED
#define LI DNSBL_LISTED
#define EC DNSBL_ERROR_CODE
#define BA DNSBL_BAD_ANSWER
#define NA DNSBL_NO_ANSWER

struct score_row {
	enum dnsbl_verdict v[4];   /* zen*3, spamcop*2, dnswl*-2, any (weight 1) */
	size_t n;
	int score;
};

static const struct score_row score_rows[] = {
	{ { NL, NL, NL, NL }, 4, 0 },
	{ { LI, NL, NL, NL }, 4, 3 },
	{ { LI, LI, NL, NL }, 4, 5 },
	{ { LI, NL, LI, NL }, 4, 1 },
	{ { NL, NL, LI, NL }, 4, -2 },
	{ { NL, LI, LI, NL }, 4, 0 },
	{ { LI, LI, LI, LI }, 4, 4 },
	{ { LI, EC, NL, NL }, 4, 3 },
	{ { EC, BA, NA, NL }, 4, 0 },
	{ { NA, NA, LI, LI }, 4, -1 },
	{ { LI, LI, LI, LI }, 2, 5 },
	{ { LI, LI, LI, LI }, 0, 0 },
};

START_TEST(test_score_row)
{
	struct dnsbl_zone z[4];

	z[0] = zone_of("zen.spamhaus.org=127.0.0.[2..11]*3");
	z[1] = zone_of("bl.spamcop.net=127.0.0.2*2");
	z[2] = zone_of("list.dnswl.org=127.0.[0..255].[1..3]*-2");
	z[3] = zone_of("bl.example");
	ck_assert_int_eq(dnsbl_score(z, score_rows[_i].v, score_rows[_i].n), score_rows[_i].score);
}
END_TEST

/* --- self-test judge ----------------------------------------------------- */

struct judge_row {
	const char *listed;     /* answers for 127.0.0.2; NULL: no answer */
	const char *unlisted;   /* answers for 127.0.0.1; NULL: no answer */
	enum dnsbl_health want;
	const char *reason;     /* exact reason for HEALTHY (""), substring otherwise */
};

static const struct judge_row judge_rows[] = {
	{ "127.0.0.2", "", DNSBL_HEALTHY, "" },
	{ "127.0.0.2,127.0.0.4,127.0.0.10", "", DNSBL_HEALTHY, "" },
	{ "127.0.10.0", "", DNSBL_HEALTHY, "" },      /* allowlist test entry, outside any filter */
	{ "127.0.0.2", "127.0.0.2", DNSBL_SUSPENDED, "lists 127.0.0.1 (answers everything?)" },
	{ NULL, "127.0.0.2", DNSBL_SUSPENDED, "lists 127.0.0.1 (answers everything?)" },
	{ "127.255.255.254", "127.255.255.254", DNSBL_SUSPENDED,
	  "answers error code 127.255.255.254 (query refused: public resolver?)" },
	{ "127.0.0.2", "127.0.0.2,127.255.255.254", DNSBL_SUSPENDED, "answers error code 127.255.255.254" },
	{ "", "127.255.255.255", DNSBL_SUSPENDED, "answers error code 127.255.255.255 (query refused: too many queries?)" },
	{ "127.255.255.252", "", DNSBL_SUSPENDED, "answers error code 127.255.255.252 (typing error in the zone name?)" },
	{ "127.255.255.253", NULL, DNSBL_SUSPENDED, "answers error code 127.255.255.253 (query refused)" },
	{ "127.0.1.255", "", DNSBL_SUSPENDED, "answers error code 127.0.1.255 (IP query to a domain list?)" },
	{ "192.0.2.1", "", DNSBL_SUSPENDED, "answers 192.0.2.1, outside 127.0.0.0/8" },
	{ "127.0.0.2", "198.51.100.7", DNSBL_SUSPENDED, "answers 198.51.100.7, outside 127.0.0.0/8" },
	{ "::1", "", DNSBL_SUSPENDED, "answers ::1, outside 127.0.0.0/8" },
	{ "", "", DNSBL_SUSPENDED, "does not list the test entry 127.0.0.2" },
	{ "", NULL, DNSBL_SUSPENDED, "does not list the test entry 127.0.0.2" },
	/* no answer is no evidence: the zone stays in use, tested again soon */
	{ NULL, NULL, DNSBL_UNTESTED, "does not answer" },
	{ NULL, "", DNSBL_UNTESTED, "does not answer the query for 127.0.0.2" },
	{ "127.0.0.2", NULL, DNSBL_UNTESTED, "does not answer the query for 127.0.0.1" },
	{ "127.0.10.0", NULL, DNSBL_UNTESTED, "does not answer the query for 127.0.0.1" },
	/* evidence in one answer is enough, the other silent */
	{ NULL, "127.255.255.254", DNSBL_SUSPENDED, "answers error code 127.255.255.254" },
	{ "127.255.255.254", NULL, DNSBL_SUSPENDED, "answers error code 127.255.255.254" },
	{ NULL, "203.0.113.9", DNSBL_SUSPENDED, "answers 203.0.113.9, outside 127.0.0.0/8" },
};

START_TEST(test_judge_row)
{
	const struct judge_row *r = &judge_rows[_i];
	struct dm_addr a2[MAXANS], a1[MAXANS];
	struct dnsbl_probe p2 = { 0, NULL, 0 }, p1 = { 0, NULL, 0 };
	char reason[128];

	if (r->listed != NULL) {
		p2.answered = 1;
		p2.n = addr_list(r->listed, a2, MAXANS);
		p2.answers = p2.n ? a2 : NULL;
	}
	if (r->unlisted != NULL) {
		p1.answered = 1;
		p1.n = addr_list(r->unlisted, a1, MAXANS);
		p1.answers = p1.n ? a1 : NULL;
	}
	memset(reason, 'x', sizeof(reason));
	ck_assert_int_eq(dnsbl_selftest_judge(&p2, &p1, reason, sizeof(reason)), r->want);
	if (r->want == DNSBL_HEALTHY)
		ck_assert_str_eq(reason, "");
	else
		ck_assert_msg(strstr(reason, r->reason) != NULL, "got \"%s\", want \"%s\"", reason, r->reason);
	ck_assert_int_eq(dnsbl_selftest_judge(&p2, &p1, NULL, 0), r->want);
}
END_TEST

START_TEST(test_judge_edges)
{
	struct dm_addr a;
	struct dnsbl_probe p2 = { 1, &a, 1 }, none = { 1, NULL, 0 };
	char reason[12];

	ck_assert_int_eq(dm_addr_parse("127.0.0.2", &a), 0);
	ck_assert_int_eq(dnsbl_selftest_judge(NULL, NULL, reason, sizeof(reason)), DNSBL_UNTESTED);
	ck_assert_str_eq(reason, "does not an");          /* truncated, terminated */
	ck_assert_int_eq(dnsbl_selftest_judge(&p2, NULL, reason, sizeof(reason)), DNSBL_UNTESTED);
	ck_assert_int_eq(dnsbl_selftest_judge(&p2, &none, reason, sizeof(reason)), DNSBL_HEALTHY);
	ck_assert_str_eq(reason, "");
	/* the verdict never depends on the room for the reason */
	ck_assert_int_eq(dnsbl_selftest_judge(&none, &none, reason, 1), DNSBL_SUSPENDED);
	ck_assert_int_eq(dnsbl_selftest_judge(NULL, &none, reason, 1), DNSBL_UNTESTED);
	ck_assert_str_eq(reason, "");
}
END_TEST

/* Retest delays after the Nth round in a row with an untested zone. */
static const struct { unsigned round, interval, want; } backoff_rows[] = {
	{ 1, 300, 2 }, { 2, 300, 4 }, { 3, 300, 8 }, { 4, 300, 16 }, { 8, 300, 256 },
	{ 9, 300, 300 }, { 1000, 300, 300 }, { 0, 300, 2 }, { 1, 1, 1 }, { 3, 5, 5 },
	{ 4000000000u, 86400, 86400 },
};

START_TEST(test_backoff_row)
{
	ck_assert_uint_eq(dnsbl_selftest_backoff(backoff_rows[_i].round, backoff_rows[_i].interval),
	                  backoff_rows[_i].want);
}
END_TEST

static Suite *dnsbl_suite(void)
{
	Suite *s = suite_create("dnsbl");
	TCase *tc;

	tc = tcase_create("zone_spec");
	tcase_add_loop_test(tc, test_spec_row, 0, NROWS(spec_rows));
	tcase_add_test(tc, test_spec_edges);
	tcase_add_test(tc, test_format_edges);
	tcase_add_test(tc, test_spec_mutations);
	tcase_set_timeout(tc, 120);           /* valgrind */
	suite_add_tcase(s, tc);

	tc = tcase_create("query_name");
	tcase_add_loop_test(tc, test_qname_row, 0, NROWS(qname_rows));
	tcase_add_test(tc, test_qname_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("classify");
	tcase_add_loop_test(tc, test_class_row, 0, NROWS(class_rows));
	tcase_add_test(tc, test_class_edges);
	tcase_add_loop_test(tc, test_name_row, 0, NROWS(name_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("score");
	tcase_add_loop_test(tc, test_score_row, 0, NROWS(score_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("selftest");
	tcase_add_loop_test(tc, test_judge_row, 0, NROWS(judge_rows));
	tcase_add_test(tc, test_judge_edges);
	tcase_add_loop_test(tc, test_backoff_row, 0, NROWS(backoff_rows));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dnsbl_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * check_helo.c - table-driven Check tests for filters/rules/helo.c.
 *
 * One row per HELO case: input bytes and length (or a generator for long
 * input built at run time), client address text or NULL, expected findings,
 * want_lookup, lookup name and a substring of the reason. Every row also
 * checks that the reason is printable ASCII and names the first finding.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "helo.h"
#include "netaddr.h"

#define I HELO_BIT(HELO_INVALID)
#define L HELO_BIT(HELO_LOCALHOST)
#define F HELO_BIT(HELO_FORGED)
#define B HELO_BIT(HELO_BARE_IP)
#define M HELO_BIT(HELO_LITERAL_MISMATCH)
#define N HELO_BIT(HELO_NON_FQDN)

enum gen {
	G_NONE,
	G_64K_A,          /* 65536 x 'a' */
	G_64K_NUL,        /* 65536 x '\0' */
	G_64K_LITERAL,    /* '[' + 65535 x '1' */
	G_LABEL63,        /* 63 x 'a' + ".example.com" */
	G_LABEL64,        /* 64 x 'a' + ".example.com" */
	G_TOTAL253,       /* valid name of 253 bytes */
	G_TOTAL255,       /* ... 255 bytes */
	G_TOTAL256,       /* ... 256 bytes */
	G_TOTAL254_DOT,   /* 254 bytes + trailing dot */
	G_TOTAL255_DOT,   /* 255 bytes + trailing dot */
};

struct helo_row {
	const char *in;
	size_t len;
	enum gen gen;
	const char *client;     /* address text or NULL */
	int noself;             /* 1: pass self = NULL */
	unsigned findings;
	int want;
	const char *name;       /* expected name[]; "=" : the input, lowercased, without trailing dot */
	const char *why;        /* substring of reason, or NULL */
};

/* Literal input with its exact length, so embedded NULs count. */
#define R(s, cl, f, w, nm, why)   { s, sizeof(s) - 1, G_NONE, cl, 0, f, w, nm, why }
#define RNS(s, cl, f, w, nm, why) { s, sizeof(s) - 1, G_NONE, cl, 1, f, w, nm, why }
#define G(g, f, w, nm, why)       { NULL, 0, g, NULL, 0, f, w, nm, why }

static const struct helo_row rows[] = {
	/* ordinary, valid names */
	R("mx.example.com", NULL, 0, 1, "mx.example.com", NULL),
	R("MX.Example.COM", NULL, 0, 1, "mx.example.com", NULL),
	R("mx.example.com.", NULL, 0, 1, "mx.example.com", NULL),
	R("mail-01.example.co.uk", NULL, 0, 1, "mail-01.example.co.uk", NULL),
	R("xn--bcher-kva.de", NULL, 0, 1, "xn--bcher-kva.de", NULL),
	R("host.xn--p1ai", NULL, 0, 1, "host.xn--p1ai", NULL),
	R("a.museum", NULL, 0, 1, "a.museum", NULL),
	R("x.de", NULL, 0, 1, "x.de", NULL),
	R("mx_1.example.com", NULL, 0, 1, "mx_1.example.com", NULL),
	R("_smtp.example.com", NULL, 0, 1, "_smtp.example.com", NULL),
	R("mx.123.example.com", NULL, 0, 1, "mx.123.example.com", NULL),
	R("123.example.com", NULL, 0, 1, "123.example.com", NULL),
	R("1-2-3-4.dsl.example.net", "192.0.2.9", 0, 1, "1-2-3-4.dsl.example.net", NULL),
	R("mx--1.example.com", NULL, 0, 1, "mx--1.example.com", NULL),
	R("a.b.c.d.e.example.org", NULL, 0, 1, "a.b.c.d.e.example.org", NULL),
	R("localhostx.example.com", NULL, 0, 1, "localhostx.example.com", NULL),
	R("mx2.doorman-test.com", NULL, 0, 1, "mx2.doorman-test.com", NULL),
	G(G_LABEL63, 0, 1, "=", NULL),
	G(G_TOTAL253, 0, 1, "=", NULL),
	G(G_TOTAL255, 0, 1, "=", NULL),
	G(G_TOTAL254_DOT, 0, 1, "=", NULL),

	/* empty, lengths, labels */
	R("", NULL, I, 0, "", "empty name"),
	R(".", NULL, I, 0, "", "empty label"),
	R(".example.com", NULL, I, 0, "", "empty label"),
	R("a..b.com", NULL, I, 0, "", "empty label"),
	R("mx.example.com..", NULL, I, 0, "", "empty label"),
	R("-mx.example.com", NULL, I, 0, "", "hyphen"),
	R("mx-.example.com", NULL, I, 0, "", "hyphen"),
	R("mx.-example.com", NULL, I, 0, "", "hyphen"),
	R("mx.example-.com", NULL, I, 0, "", "hyphen"),
	R("mx.example.com-", NULL, I, 0, "", "hyphen"),
	R("host.xn--", NULL, I, 0, "", "hyphen"),
	G(G_LABEL64, I, 0, "", "label longer than 63"),
	G(G_TOTAL256, I, 0, "", "longer than 255"),
	G(G_TOTAL255_DOT, I, 0, "", "longer than 255"),
	G(G_64K_A, I, 0, "", "longer than 255"),
	G(G_64K_NUL, I, 0, "", "longer than 255"),
	G(G_64K_LITERAL, I, 0, "", "malformed address literal"),

	/* hostile bytes */
	R("m\xc3\xa4il.example.com", NULL, I, 0, "", "non-ASCII"),
	R("\xff\xfe", NULL, I, 0, "", "non-ASCII"),
	R("mx.example.com\0", NULL, I, 0, "", "NUL byte"),
	R("mx\0.example.com", NULL, I, 0, "", "NUL byte"),
	R("\0", NULL, I, 0, "", "NUL byte"),
	R("mx.example.com\r\n", NULL, I, 0, "", "control character"),
	R("mx.example.com\n", NULL, I, 0, "", "control character"),
	R("mx.exa\tmple.com", NULL, I, 0, "", "control character"),
	R("mx.example.com\x7f", NULL, I, 0, "", "control character"),
	R("\x1b[31mred.example.com", NULL, I, 0, "", "control character"),
	R("mx example.com", NULL, I, 0, "", "invalid character"),
	R("mx/example.com", NULL, I, 0, "", "invalid character"),
	R("%s%s%n.example.com", NULL, I, 0, "", "invalid character"),
	R("mx.example.com;rm -rf /", NULL, I, 0, "", "invalid character"),
	R("<mx.example.com>", NULL, I, 0, "", "invalid character"),
	R("mx.exa:mple.com", NULL, I, 0, "", "invalid character"),
	R("1.2.3.4]", NULL, I, 0, "", "invalid character"),

	/* numeric TLDs and near-IPs */
	R("123.456", NULL, I, 0, "", "numeric TLD"),
	R("host.123", NULL, I, 0, "", "numeric TLD"),
	R("12345", NULL, I, 0, "", "numeric TLD"),
	R("1.2.3", NULL, I, 0, "", "numeric TLD"),
	R("1.2.3.4.5", NULL, I, 0, "", "numeric TLD"),
	R("256.1.1.1", NULL, I, 0, "", "numeric TLD"),
	R("01.2.3.4", NULL, I, 0, "", "numeric TLD"),
	R("192.0.2.1.", NULL, I, 0, "", "numeric TLD"),
	R("2001:db8::1::2", NULL, I, 0, "", "invalid character"),
	R("fe80::1%eth0", NULL, I, 0, "", "invalid character"),
	R("2001:db8::1.", NULL, I, 0, "", "invalid character"),

	/* bare IPs */
	R("192.0.2.1", "192.0.2.1", B, 0, "", "bare IP"),
	R("192.0.2.1", NULL, B, 0, "", "bare IP"),
	R("127.0.0.1", NULL, B, 0, "", "bare IP"),
	R("2001:db8::1", "2001:db8::1", B, 0, "", "bare IP"),
	R("::1", NULL, B, 0, "", "bare IP"),
	R("::ffff:192.0.2.1", NULL, B, 0, "", "bare IP"),
	R("203.0.113.5", NULL, F | B, 0, "", "our own address"),
	R("2001:DB8::5", NULL, F | B, 0, "", "our own address"),
	R("::ffff:203.0.113.5", NULL, F | B, 0, "", "our own address"),
	RNS("203.0.113.5", NULL, B, 0, "", "bare IP"),

	/* address literals */
	R("[192.0.2.7]", "192.0.2.7", 0, 0, "", NULL),
	R("[192.0.2.7]", NULL, 0, 0, "", NULL),
	R("[192.0.2.7]", "::ffff:192.0.2.7", 0, 0, "", NULL),
	R("[IPv6:::ffff:192.0.2.7]", "192.0.2.7", 0, 0, "", NULL),
	R("[IPv6:2001:db8::7]", "2001:db8::7", 0, 0, "", NULL),
	R("[ipv6:2001:DB8::7]", "2001:db8::7", 0, 0, "", NULL),
	R("[IPV6:2001:db8:0:0:0:0:0:7]", "2001:db8::7", 0, 0, "", NULL),
	R("[192.0.2.7]", "192.0.2.8", M, 0, "", "not the client"),
	R("[192.0.2.7]", "2001:db8::7", M, 0, "", "not the client"),
	R("[IPv6:2001:db8::7]", "2001:db8::8", M, 0, "", "not the client"),
	R("[IPv6:2001:db8::7]", "192.0.2.7", M, 0, "", "not the client"),
	R("[IPv6:::ffff:192.0.2.7]", "192.0.2.8", M, 0, "", "not the client"),
	R("[203.0.113.5]", "192.0.2.7", F | M, 0, "", "our own address"),
	R("[203.0.113.5]", "203.0.113.5", F, 0, "", "our own address"),
	R("[203.0.113.5]", NULL, F, 0, "", "our own address"),
	R("[IPv6:2001:db8::5]", "2001:db8::9", F | M, 0, "", "our own address"),
	RNS("[203.0.113.5]", "192.0.2.7", M, 0, "", "not the client"),
	R("[1.2.3]", "192.0.2.7", I, 0, "", "malformed address literal"),
	R("[IPv6:zz]", NULL, I, 0, "", "malformed address literal"),
	R("[]", NULL, I, 0, "", "malformed address literal"),
	R("[", NULL, I, 0, "", "malformed address literal"),
	R("[1.2.3.4", "1.2.3.4", I, 0, "", "malformed address literal"),
	R("[ipv4:1.2.3.4]", NULL, I, 0, "", "malformed address literal"),
	R("[1.2.3.4]x", NULL, I, 0, "", "malformed address literal"),
	R("[IPv6:1.2.3.4]", "1.2.3.4", I, 0, "", "malformed address literal"),
	R("[2001:db8::7]", "2001:db8::7", I, 0, "", "malformed address literal"),
	R("[IPv6:]", NULL, I, 0, "", "malformed address literal"),
	R("[ 1.2.3.4]", NULL, I, 0, "", "malformed address literal"),
	R("[1.2.3.4\0]", NULL, I, 0, "", "malformed address literal"),
	R("[IPv6:fe80::1%eth0]", NULL, I, 0, "", "malformed address literal"),
	R("[01.2.3.4]", NULL, I, 0, "", "malformed address literal"),
	R("[256.1.1.1]", NULL, I, 0, "", "malformed address literal"),
	R("[mx.example.com]", NULL, I, 0, "", "malformed address literal"),
	R("[[1.2.3.4]]", NULL, I, 0, "", "malformed address literal"),

	/* localhost */
	R("localhost", NULL, L, 0, "localhost", "localhost"),
	R("LOCALHOST", NULL, L, 0, "localhost", "localhost"),
	R("localhost.", NULL, L, 0, "localhost", "localhost"),
	R("localhost.localdomain", NULL, L, 0, "localhost.localdomain", "localhost"),
	R("localhost6", NULL, L, 0, "localhost6", "localhost"),
	R("localhost6.localdomain6", NULL, L, 0, "localhost6.localdomain6", "localhost"),
	R("ip6-localhost", NULL, L, 0, "ip6-localhost", "localhost"),
	R("localhost.example.com", NULL, L, 0, "localhost.example.com", "localhost"),

	/* forged: our own names */
	R("mx.doorman-test.com", NULL, F, 1, "mx.doorman-test.com", "our own hostname"),
	R("MX.DOORMAN-TEST.COM.", NULL, F, 1, "mx.doorman-test.com", "our own hostname"),
	R("relay.doorman-test.com", NULL, F, 1, "relay.doorman-test.com", "our own hostname"),
	R("Relay.Doorman-Test.Com.", NULL, F, 1, "relay.doorman-test.com", "our own hostname"),
	R("gateway", NULL, F | N, 1, "gateway", "our own hostname"),
	RNS("mx.doorman-test.com", NULL, 0, 1, "mx.doorman-test.com", NULL),
	R("mx.doorman-test.com..", NULL, I, 0, "", "empty label"),

	/* not fully qualified: single label, reserved TLD, invalid TLD */
	R("exchange01", NULL, N, 1, "exchange01", "not a fully-qualified domain name"),
	R("EXCHANGE01.", NULL, N, 1, "exchange01", "not a fully-qualified domain name"),
	R("mylocalhost", NULL, N, 1, "mylocalhost", "not a fully-qualified domain name"),
	R("_", NULL, N, 1, "_", "not a fully-qualified domain name"),
	R("senderdomain.local", "192.0.2.7", N, 1, "senderdomain.local", "reserved TLD .local"),
	R("SenderDomain.LOCAL.", NULL, N, 1, "senderdomain.local", "reserved TLD .local"),
	R("PC.LAN", NULL, N, 1, "pc.lan", "reserved TLD .lan"),
	R("srv.corp", NULL, N, 1, "srv.corp", "reserved TLD .corp"),
	R("dc1.ad.internal", NULL, N, 1, "dc1.ad.internal", "reserved TLD .internal"),
	R("router.home", NULL, N, 1, "router.home", "reserved TLD .home"),
	R("box.localdomain", NULL, N, 1, "box.localdomain", "reserved TLD .localdomain"),
	R("mail.intranet", NULL, N, 1, "mail.intranet", "reserved TLD .intranet"),
	R("x.private", NULL, N, 1, "x.private", "reserved TLD .private"),
	R("mail.domain", NULL, N, 1, "mail.domain", "reserved TLD .domain"),
	R("pc.workgroup", NULL, N, 1, "pc.workgroup", "reserved TLD .workgroup"),
	R("a.localnet", NULL, N, 1, "a.localnet", "reserved TLD .localnet"),
	R("mx.test", NULL, N, 1, "mx.test", "reserved TLD .test"),
	R("mx.invalid", NULL, N, 1, "mx.invalid", "reserved TLD .invalid"),
	R("xn--bcher-kva.example", NULL, N, 1, "xn--bcher-kva.example", "reserved TLD .example"),
	R("foo.localhost", NULL, N, 1, "foo.localhost", "reserved TLD .localhost"),
	R("abc.onion", NULL, N, 1, "abc.onion", "reserved TLD .onion"),
	R("x.alt", NULL, N, 1, "x.alt", "reserved TLD .alt"),
	R("router.home.arpa", NULL, N, 1, "router.home.arpa", "reserved TLD .arpa"),
	R("7.2.0.192.in-addr.arpa", NULL, N, 1, "7.2.0.192.in-addr.arpa", "reserved TLD .arpa"),
	R("host.c_m", NULL, N, 1, "host.c_m", "invalid TLD"),
	R("host.x", NULL, N, 1, "host.x", "invalid TLD"),
	R("host.co-m", NULL, N, 1, "host.co-m", "invalid TLD"),
	R("host.c0m", NULL, N, 1, "host.c0m", "invalid TLD"),
	R("host._com", NULL, N, 1, "host._com", "invalid TLD"),
	R("host.xn--_a", NULL, N, 1, "host.xn--_a", "invalid TLD"),
};

static const char *const self_names[] = {
	"mx.doorman-test.com", "Relay.Doorman-Test.COM.", NULL, "gateway",
};

#define NROWS(t) ((int)(sizeof(t) / sizeof((t)[0])))

/* Labels of 60 'a' separated by dots at 60, 121, 182, 243: valid up to 255. */
static void fill_long_name(char *buf, size_t n)
{
	size_t i;

	memset(buf, 'a', n);
	for (i = 60; i < n; i += 61)
		buf[i] = '.';
}

/* Builds the generated input; returns a malloc'd buffer, *len set. */
static char *generate(enum gen g, size_t *len)
{
	char *buf = malloc(65536 + 1);

	ck_assert_ptr_nonnull(buf);
	switch (g) {
	case G_64K_A:
		memset(buf, 'a', *len = 65536);
		break;
	case G_64K_NUL:
		memset(buf, 0, *len = 65536);
		break;
	case G_64K_LITERAL:
		memset(buf, '1', *len = 65536);
		buf[0] = '[';
		break;
	case G_LABEL63:
	case G_LABEL64: {
		size_t l = g == G_LABEL63 ? 63 : 64;

		memset(buf, 'a', l);
		memcpy(buf + l, ".example.com", 12);
		*len = l + 12;
		break;
	}
	case G_TOTAL253:
		fill_long_name(buf, *len = 253);
		break;
	case G_TOTAL255:
		fill_long_name(buf, *len = 255);
		break;
	case G_TOTAL256:
		fill_long_name(buf, *len = 256);
		break;
	case G_TOTAL254_DOT:
		fill_long_name(buf, 254);
		buf[254] = '.';
		*len = 255;
		break;
	case G_TOTAL255_DOT:
		fill_long_name(buf, 255);
		buf[255] = '.';
		*len = 256;
		break;
	default:
		ck_abort_msg("bad generator %d", (int)g);
	}
	buf[*len] = '\0';
	return buf;
}

START_TEST(test_helo_row)
{
	const struct helo_row *r = &rows[_i];
	const struct dm_addr *client = NULL;
	struct dm_addr self_addrs[2], caddr;
	struct helo_self self;
	struct helo_result res;
	char *owned = NULL, expect_name[256];
	const char *in = r->in;
	size_t len = r->len, i;
	unsigned rc;

	ck_assert_int_eq(dm_addr_parse("203.0.113.5", &self_addrs[0]), 0);
	ck_assert_int_eq(dm_addr_parse("2001:db8::5", &self_addrs[1]), 0);
	self.names = self_names;
	self.nnames = sizeof(self_names) / sizeof(self_names[0]);
	self.addrs = self_addrs;
	self.naddrs = 2;
	if (r->client != NULL) {
		ck_assert_int_eq(dm_addr_parse(r->client, &caddr), 0);
		client = &caddr;
	}
	if (r->gen != G_NONE)
		in = owned = generate(r->gen, &len);

	memset(&res, 0xa5, sizeof(res));    /* helo_classify must fill everything */
	rc = helo_classify(in, len, client, r->noself ? NULL : &self, &res);

	ck_assert_msg(rc == res.findings, "row %d: return %#x != findings %#x", _i, rc, res.findings);
	ck_assert_msg(res.findings == r->findings, "row %d: findings %#x, want %#x (reason \"%s\")",
	              _i, res.findings, r->findings, res.reason);
	ck_assert_msg(res.want_lookup == r->want, "row %d: want_lookup %d", _i, res.want_lookup);

	if (strcmp(r->name, "=") == 0) {
		size_t n = len;

		if (n > 0 && in[n - 1] == '.')
			n--;
		ck_assert_uint_lt(n, sizeof(expect_name));
		for (i = 0; i < n; i++)
			expect_name[i] = (char)((in[i] >= 'A' && in[i] <= 'Z') ? in[i] + 32 : in[i]);
		expect_name[n] = '\0';
	} else {
		strcpy(expect_name, r->name);
	}
	ck_assert_uint_lt(strnlen(res.name, sizeof(res.name)), sizeof(res.name));
	ck_assert_msg(strcmp(res.name, expect_name) == 0, "row %d: name \"%.80s\", want \"%.80s\"",
	              _i, res.name, expect_name);

	/* reason: bounded, printable ASCII, present exactly when there is a finding */
	ck_assert_uint_lt(strnlen(res.reason, sizeof(res.reason)), sizeof(res.reason));
	for (i = 0; res.reason[i] != '\0'; i++)
		ck_assert_msg((unsigned char)res.reason[i] >= 0x20 && (unsigned char)res.reason[i] < 0x7f,
		              "row %d: reason byte %zu is %#x", _i, i, (unsigned char)res.reason[i]);
	if (res.findings == 0)
		ck_assert_str_eq(res.reason, "");
	else
		ck_assert_msg(res.reason[0] != '\0', "row %d: findings but no reason", _i);
	if (r->why != NULL)
		ck_assert_msg(strstr(res.reason, r->why) != NULL, "row %d: reason \"%s\" lacks \"%s\"",
		              _i, res.reason, r->why);
	free(owned);
}
END_TEST

START_TEST(test_null_input)
{
	struct helo_result res;

	ck_assert_uint_eq(helo_classify(NULL, 5, NULL, NULL, &res), I);
	ck_assert_str_eq(res.reason, "empty name");
	ck_assert_str_eq(res.name, "");
	ck_assert_int_eq(res.want_lookup, 0);
}
END_TEST

/* A client whose address is unknown (family 0) never mismatches a literal. */
START_TEST(test_unknown_client_family)
{
	struct helo_result res;
	struct dm_addr none;

	memset(&none, 0, sizeof(none));
	ck_assert_uint_eq(helo_classify("[192.0.2.7]", 11, &none, NULL, &res), 0);
}
END_TEST

static const struct {
	int check;
	const char *name;
} name_rows[] = {
	{ HELO_INVALID, "invalid" },
	{ HELO_LOCALHOST, "localhost" },
	{ HELO_FORGED, "forged" },
	{ HELO_BARE_IP, "bare_ip" },
	{ HELO_LITERAL_MISMATCH, "literal_mismatch" },
	{ HELO_NON_FQDN, "non_fqdn" },
	{ HELO_UNKNOWN, "unknown" },
	{ HELO_CHECK_COUNT, NULL },
	{ -1, NULL },
	{ 1000, NULL },
};

/* What non_fqdn is about (%o in replies): the TLD with its dot, or the
 * single label; "" for other findings. */
struct part_row {
	const char *helo, *part;
};

static const struct part_row part_rows[] = {
	{ "senderdomain.local", ".local" },
	{ "MAIL.Example.CORP.", ".corp" },
	{ "host.x1", ".x1" },
	{ "exchange01", "exchange01" },
	{ "mx.example.com", "" },
	{ "localhost", "" },
	{ "[192.0.2.1]", "" },
};

START_TEST(test_part)
{
	struct helo_result res;

	helo_classify(part_rows[_i].helo, strlen(part_rows[_i].helo), NULL, NULL, &res);
	ck_assert_str_eq(res.part, part_rows[_i].part);
}
END_TEST

START_TEST(test_check_name)
{
	const char *got = helo_check_name((enum helo_check)name_rows[_i].check);

	if (name_rows[_i].name == NULL)
		ck_assert_ptr_null(got);
	else
		ck_assert_str_eq(got, name_rows[_i].name);
}
END_TEST

static Suite *helo_suite(void)
{
	Suite *s = suite_create("helo");
	TCase *tc;

	tc = tcase_create("classify");
	tcase_add_loop_test(tc, test_helo_row, 0, NROWS(rows));
	tcase_add_test(tc, test_null_input);
	tcase_add_test(tc, test_unknown_client_family);
	suite_add_tcase(s, tc);

	tc = tcase_create("check_name");
	tcase_add_loop_test(tc, test_check_name, 0, NROWS(name_rows));
	tcase_add_loop_test(tc, test_part, 0, NROWS(part_rows));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(helo_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

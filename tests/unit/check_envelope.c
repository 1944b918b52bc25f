/*
 * check_envelope.c - table-driven Check tests for filters/base/envelope.c: the
 * envelope addresses doorman shows spamd, the bounded recipient list, and
 * what becomes of the client's own envelope-looking headers.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define A100 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
/* 256 octets exactly: the longest path RFC 5321 allows, and one more */
#define ADDR256 A100 A100 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com"
#define ADDR257 "b" ADDR256

struct addr_row {
	const char *name, *raw;
	int ret;
	const char *want;
};

static const struct addr_row addr_rows[] = {
	{ "bracketed", "<alice@example.com>", 0, "alice@example.com" },
	{ "bare", "alice@example.com", 0, "alice@example.com" },
	{ "null sender <>", "<>", 0, "" },
	{ "null sender empty", "", 0, "" },
	{ "NULL", NULL, 0, "" },
	{ "quoted local part with a blank", "<\"john doe\"@example.com>", 0, "\"john doe\"@example.com" },
	{ "CR LF cannot add a header", "<a@b\r\nX-Spam-Flag: NO>", 0, "a@b??X-Spam-Flag: NO" },
	{ "angle brackets and parentheses", "<a>(b)<c@d>", 0, "a??b??c@d" },
	{ "comment cannot close", "a@b) (envelope-from <evil@x>", 0, "a@b? ?envelope-from ?evil@x?" },
	{ "8-bit", "<j\xc3\xb6rg@example.com>", 0, "j??rg@example.com" },
	{ "NUL-free controls", "a\x01\x7f@b", 0, "a??@b" },
	{ "256 octets", "<" ADDR256 ">", 0, ADDR256 },
	{ "257 octets: refused, not cut", "<" ADDR257 ">", -1, "" },
	{ "1000 characters refused", "<" A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 ">", -1, "" },
	{ "one bracket only", "<a@b", 0, "?a@b" },
};

START_TEST(test_address)
{
	const struct addr_row *r = &addr_rows[_i];
	char out[ENV_ADDR_MAX + 1];
	int ret;

	memset(out, 'Z', sizeof(out));
	ret = env_address(out, sizeof(out), r->raw);
	ck_assert_msg(ret == r->ret, "%s: returned %d, want %d", r->name, ret, r->ret);
	ck_assert_msg(strcmp(out, r->want) == 0, "%s: got \"%s\", want \"%s\"", r->name, out, r->want);
}
END_TEST

struct hdr_row {
	const char *name;
	enum env_client_hdr want;
};

static const struct hdr_row hdr_rows[] = {
	{ "X-Envelope-From", ENV_HDR_DROP },
	{ "x-envelope-from", ENV_HDR_DROP },
	{ "X-ENVELOPE-TO", ENV_HDR_DROP },
	{ "Envelope-Sender", ENV_HDR_DROP },
	{ "Received", ENV_HDR_DEFUSE },
	{ "received", ENV_HDR_DEFUSE },
	{ "Return-Path", ENV_HDR_PASS },
	{ "X-Envelope-From-Not", ENV_HDR_PASS },
	{ "From", ENV_HDR_PASS },
	{ "", ENV_HDR_PASS },
	{ NULL, ENV_HDR_PASS },
};

START_TEST(test_client_header)
{
	const struct hdr_row *r = &hdr_rows[_i];

	ck_assert_msg(env_client_header(r->name) == r->want, "%s", r->name ? r->name : "(null)");
}
END_TEST

struct defuse_row {
	const char *name, *in, *want;
	size_t n;
};

static const struct defuse_row defuse_rows[] = {
	{ "exim", "from x ([192.0.2.1]) by y with esmtp (envelope-from <a@b>) id 1",
	  "from x ([192.0.2.1]) by y with esmtp (envelope_from <a@b>) id 1", 1 },
	{ "sender, any case", "from x (ENVELOPE-SENDER a@b) by y", "from x (ENVELOPE_SENDER a@b) by y", 1 },
	{ "return-path", "from x (return-path: a@b) by y", "from x (return_path: a@b) by y", 1 },
	{ "several", "from a (envelope-from <a@b>) (Envelope-From=c@d) by y",
	  "from a (envelope_from <a@b>) (Envelope_From=c@d) by y", 2 },
	{ "nothing to do", "from x (y [192.0.2.1]) by z (Postfix) with ESMTP id Q",
	  "from x (y [192.0.2.1]) by z (Postfix) with ESMTP id Q", 0 },
	{ "half a marker", "from envelope- by y", "from envelope- by y", 0 },
	{ "empty", "", "", 0 },
};

START_TEST(test_defuse)
{
	const struct defuse_row *r = &defuse_rows[_i];
	char buf[256];
	size_t n;

	snprintf(buf, sizeof(buf), "%s", r->in);
	n = env_defuse_received(buf);
	ck_assert_msg(strcmp(buf, r->want) == 0, "%s: got \"%s\"", r->name, buf);
	ck_assert_msg(n == r->n, "%s: %zu changed, want %zu", r->name, n, r->n);
	ck_assert_uint_eq(strlen(buf), strlen(r->in));
}
END_TEST

START_TEST(test_rcpts)
{
	struct env_rcpts r;
	char addr[64];
	unsigned i;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(env_rcpts_add(&r, "<a@example.com>"), 0);
	ck_assert_int_eq(env_rcpts_add(&r, "b@example.org"), 0);
	ck_assert_str_eq(r.list, "<a@example.com>,\n\t<b@example.org>");
	/* the null address and a refused one are no recipients */
	ck_assert_int_eq(env_rcpts_add(&r, "<>"), -1);
	ck_assert_int_eq(env_rcpts_add(&r, "<" ADDR257 ">"), -1);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_uint_eq(r.dropped, 2);
	/* 1,000 recipients: as many as fit, the rest counted, nothing cut */
	for (i = 0; i < 1000; i++) {
		snprintf(addr, sizeof(addr), "<user%u@example.com>", i);
		env_rcpts_add(&r, addr);
	}
	ck_assert_uint_eq(r.n + r.dropped, 1004);
	ck_assert_uint_gt(r.n, 50);
	ck_assert_uint_lt(strlen(r.list), ENV_TO_SIZE);
	ck_assert_int_eq(r.list[strlen(r.list) - 1], '>');
	ck_assert_ptr_null(strstr(r.list, "\n\t\n"));
	ck_assert_ptr_null(strchr(r.list, '\r'));
}
END_TEST

static Suite *envelope_suite(void)
{
	Suite *s = suite_create("envelope");
	TCase *tc = tcase_create("rows");

	tcase_add_loop_test(tc, test_address, 0, NROWS(addr_rows));
	tcase_add_loop_test(tc, test_client_header, 0, NROWS(hdr_rows));
	tcase_add_loop_test(tc, test_defuse, 0, NROWS(defuse_rows));
	tcase_add_test(tc, test_rcpts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(envelope_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

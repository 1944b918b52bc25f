/*
 * check_policy.c - filters/config/policy.c, one key table for parsing, checking
 * and dumping a policy file: a row is a policy text and either the errors
 * it must give (line and text) or lines its dump must show. The dump of a
 * policy parses back to the same policy.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iniparse.h"
#include "policy.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct row {
	const char *name;
	const char *text;
	int err_line;             /* -1: no error expected */
	const char *want;         /* error: substring; else: a line of the dump */
	const char *want2;        /* another dump line, or NULL */
};

#define GOOD(nm, t, w, w2) { nm, t, -1, w, w2 }
#define BAD(nm, t, l, e) { nm, t, l, e, NULL }

static const struct row rows[] = {
	GOOD("built-in defaults", "", "non_fqdn              = reject", "recipients            = postmaster, abuse"),
	GOOD("mode", "[helo]\nmode = shadow\n", "mode                  = shadow", NULL),
	GOOD("an action", "[helo]\nnon_fqdn = tempfail\n", "non_fqdn              = tempfail",
	     "helo_non_fqdn         = 450 4.7.1 <%h>: Helo command rejected: need fully-qualified hostname (%r)"),
	GOOD("a named value with holes", "[helo]\nunknown_on_dns_error = tempfail\n",
	     "unknown_on_dns_error  = tempfail", NULL),
	GOOD("integers", "[dnsbl]\nthreshold = 3\nallow_threshold = -2\n", "threshold             = 3",
	     "allow_threshold       = -2"),
	GOOD("scores", "[spam]\ntag_score = 4.5\nreject_score = off\n", "tag_score             = 4.5",
	     "reject_score          = off"),
	GOOD("text", "[spam]\nsubject_tag = ***SPAM***\nspamd_user = %r\n", "subject_tag           = ***SPAM***",
	     "spamd_user            = %r"),
	GOOD("yes/no and choices", "[spam]\nscan_authenticated = yes\ndetails = report\non_error = tempfail\n",
	     "scan_authenticated    = yes", "details               = report"),
	GOOD("a reply", "[replies]\nhelo_unknown = 451 4.7.1 later, %h\n", "helo_unknown          = 451 4.7.1 later, %h", NULL),
	GOOD("help_url", "[replies]\nhelp_url = https://mx.example/policy\n", "help_url              = https://mx.example/policy", NULL),
	GOOD("exempt list, continued", "[exempt]\nrecipients = Postmaster, hostmaster\n  joe@Example.COM\n",
	     "recipients            = postmaster, hostmaster, joe@example.com", NULL),
	GOOD("exempt list replaced, then empty", "[exempt]\nrecipients = a\nrecipients =\n", "recipients            =", NULL),
	GOOD("sender checks", "[sender]\nnon_fqdn = reject\nunknown = reject\n",
	     "unknown_sender_domain = 550 5.1.8 <%f>: Sender address rejected: Domain not found",
	     "non_fqdn_sender       = 504 5.5.2 <%f>: Sender address rejected: need fully-qualified address"),
	GOOD("sender unknown tempfail: Postfix's 450", "[sender]\nunknown = tempfail\n",
	     "unknown_sender_domain = 450 4.1.8 <%f>: Sender address rejected: Domain not found",
	     "null_mx_sender        = 550 5.7.27 <%f>: Sender address rejected: Domain does not accept mail (nullMX)"),
	BAD("a null MX reply must refuse for good", "[sender]\nunknown = tempfail\n[replies]\n"
	    "null_mx_sender = 450 4.7.27 no\n", 4, "null_mx_sender"),
	BAD("sender DNS error never rejects", "[sender]\nunknown_on_dns_error = reject\n", 2,
	    "[sender] unknown_on_dns_error must be pass or tempfail"),
	BAD("bad mode", "[dnsbl]\nmode = on\n", 2, "[dnsbl] mode must be enforce, shadow or off, not 'on'"),
	BAD("bad action", "[rdns]\nnone = deny\n", 2, "[rdns] none: unknown action 'deny' (reject, tempfail, shadow or off)"),
	BAD("a value the key does not take", "[helo]\nunknown_on_dns_error = shadow\n", 2,
	    "unknown_on_dns_error must be pass or tempfail (a DNS failure never rejects), not 'shadow'"),
	BAD("integer out of range", "[dnsbl]\nthreshold = 1001\n", 2, "[dnsbl] threshold must be a whole number from -1000 to 1000"),
	BAD("integer junk", "[dnsbl]\nthreshold = 3x\n", 2, "not '3x'"),
	BAD("score junk", "[spam]\ntag_score = high\n", 2, "[spam] tag_score must be a score from -1000 to 1000 or off"),
	BAD("score NaN", "[spam]\ntag_score = nan\n", 2, "must be a score"),
	BAD("bool", "[spam]\nscan_allowlisted = maybe\n", 2, "[spam] scan_allowlisted must be yes or no, not 'maybe'"),
	BAD("choice", "[spam]\ndetails = all\n", 2, "[spam] details must be score, tests or report, not 'all'"),
	BAD("text with a control character", "[spam]\nsubject_tag = a\tb\n", 2, "subject_tag must be printable ASCII"),
	BAD("text too long", "[spam]\nsubject_tag = 0123456789012345678901234567890123456789012345678901234567890123\n", 2,
	    "under 64 characters"),
	BAD("spamd_user with a bad escape", "[spam]\nspamd_user = %x\n", 2, "spamd_user must be a user name"),
	BAD("spamd_user empty", "[spam]\nspamd_user =\n", 2, "spamd_user must be a user name"),
	BAD("help_url with a blank", "[replies]\nhelp_url = http://a b\n", 2, "help_url must be a URL without spaces"),
	BAD("reply syntax", "[replies]\ndnsbl = 554 blocked\n", 2, "dnsbl: reply needs an enhanced status code"),
	BAD("helo_dns_error 5xx", "[replies]\nhelo_dns_error = 550 5.7.1 no\n", 2, "helo_dns_error must be a 4xx reply"),
	BAD("exempt with a bare domain", "[exempt]\nrecipients = @example.com\n", 2, "must be a local part"),
	BAD("continuation of a one-value key", "[helo]\nmode = off\n  on\n", 3, "mode takes one value"),
	BAD("unknown key", "[spam]\nthreshold = 3\n", 2, "unknown key 'threshold' in [spam]"),
	BAD("unknown section", "[content]\nx = 1\n", 2, "unknown section [content]"),
	BAD("key outside a section", "mode = off\n", 1, "key 'mode' outside any [section]"),
	BAD("reply against its action (finish)", "[helo]\nunknown = reject\n[replies]\nhelo_unknown = 450 4.7.1 x\n", 4,
	    "reply helo_unknown is 450, but policy t has [helo] unknown = reject, which needs a 5xx reply"),
	BAD("threshold below 1 (finish)", "[dnsbl]\nthreshold = 0\n", 0, "[dnsbl] threshold must be 1 or more"),
};

static char *dump_of(const struct dm_policy *pol)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	dm_policy_dump(pol, f);
	fclose(f);
	return buf;
}

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; (p = strstr(p, line)) != NULL; p += n)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

START_TEST(test_row)
{
	const struct row *r = &rows[_i];
	struct dm_errors errs = { NULL, 0 };
	struct dm_policy *base = dm_policy_builtin(), *pol;
	char want[300];
	size_t i;
	int found = 0;

	ck_assert_ptr_nonnull(base);
	pol = dm_policy_copy(base, "t", "t.conf");
	ck_assert_ptr_nonnull(pol);
	dm_policy_parse(pol, r->text, strlen(r->text), "t.conf", &errs);
	if (errs.n == 0)
		dm_policy_finish(pol, &errs);
	if (r->err_line >= 0) {
		if (r->err_line > 0)
			snprintf(want, sizeof(want), "t.conf:%d: ", r->err_line);
		else
			snprintf(want, sizeof(want), "t.conf: ");        /* not one line's fault */
		for (i = 0; i < errs.n; i++)
			found |= strncmp(errs.msg[i], want, strlen(want)) == 0 && strstr(errs.msg[i], r->want) != NULL;
		ck_assert_msg(found, "%s: no error %s...%s among %zu (first: %s)", r->name, want, r->want, errs.n,
		              errs.n ? errs.msg[0] : "none");
	} else {
		char *d = dump_of(pol);
		ck_assert_msg(errs.n == 0, "%s: %s", r->name, errs.n ? errs.msg[0] : "");
		ck_assert_msg(has_line(d, r->want), "%s: dump lacks [%s]:\n%s", r->name, r->want, d);
		if (r->want2)
			ck_assert_msg(has_line(d, r->want2), "%s: dump lacks [%s]:\n%s", r->name, r->want2, d);
		free(d);
	}
	dm_errors_free(&errs);
	dm_policy_free(pol);
	dm_policy_free(base);
}
END_TEST

/* One table parses and dumps: the dump of a policy with every key changed
 * parses back, without an error, to a policy whose dump is the same. */
START_TEST(test_round_trip)
{
	static const char text[] =
		"[helo]\nmode = shadow\ninvalid = tempfail\nunknown = reject\nunknown_on_dns_error = tempfail\n"
		"[dnsbl]\nmode = off\nthreshold = 4\naction = tempfail\nallow_threshold = -3\n"
		"[rdns]\nnone = tempfail\nmismatch = shadow\n"
		"[sender]\nmode = shadow\nnon_fqdn = reject\nunknown = tempfail\nunknown_on_dns_error = tempfail\n"
		"[spam]\nmode = shadow\ntag_score = 3.5\nreject_score = off\nquarantine_score = 9.0\n"
		"subject_tag = {spam}\nspamd_user = %r\non_error = tempfail\nscan_authenticated = yes\n"
		"scan_allowlisted = no\ndetails = score\n"
		"[replies]\nhelo_unknown = 550 5.7.1 no such host %h\nhelp_url = https://x.example/\n"
		"[exempt]\nrecipients = postmaster, joe@example.com\n";
	struct dm_errors errs = { NULL, 0 };
	struct dm_policy *base = dm_policy_builtin(), *a, *b;
	char *d1, *d2;

	a = dm_policy_copy(base, "t", "t.conf");
	ck_assert_int_eq(dm_policy_parse(a, text, sizeof(text) - 1, "t.conf", &errs), 0);
	ck_assert_int_eq(dm_policy_finish(a, &errs), 0);
	d1 = dump_of(a);
	b = dm_policy_copy(base, "t", "t.conf");
	ck_assert_msg(dm_policy_parse(b, d1, strlen(d1), "dump", &errs) == 0, "%s", errs.n ? errs.msg[0] : "");
	ck_assert_int_eq(dm_policy_finish(b, &errs), 0);
	d2 = dump_of(b);
	ck_assert_str_eq(d1, d2);
	free(d1);
	free(d2);
	dm_policy_free(a);
	dm_policy_free(b);
	dm_policy_free(base);
}
END_TEST

/* A long list dumps folded: every line within DM_DUMP_WIDTH (an item longer
 * than that on a line of its own), and the dump reads back to the same list;
 * -d once printed it on one line, over the 199-character limit. */
START_TEST(test_long_list_folds)
{
	struct dm_errors errs = { NULL, 0 };
	struct dm_policy *base = dm_policy_builtin(), *a, *b;
	char text[8192], *d1, *d2, *line, *save = NULL;
	size_t len, i, longest = 0;
	char big[101];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	len = (size_t)snprintf(text, sizeof(text), "[exempt]\nrecipients = first\n");
	for (i = 0; i < 60; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "  user-%02zu@mail-%02zu.example.com\n", i, i);
	len += (size_t)snprintf(text + len, sizeof(text) - len, "  %s\n  last\n", big);
	ck_assert_uint_lt(len, sizeof(text));
	a = dm_policy_copy(base, "t", "t.conf");
	ck_assert_int_eq(dm_policy_parse(a, text, len, "t.conf", &errs), 0);
	ck_assert_int_eq(dm_policy_finish(a, &errs), 0);
	ck_assert_uint_eq(a->nexempt, 63);
	d1 = dump_of(a);
	d2 = strdup(d1);
	for (line = strtok_r(d2, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);
		if (strncmp(line, "recipients", 10) != 0 && line[0] != ' ')
			continue;             /* not the list */
		if (strstr(line, big) == NULL)
			ck_assert_msg(n <= DM_DUMP_WIDTH, "line of %zu: %s", n, line);
		else
			ck_assert_msg(n <= 4 + sizeof(big), "the long item shares its line: %s", line);
		if (n > longest)
			longest = n;
	}
	free(d2);
	ck_assert_uint_le(longest, DM_INI_MAX_LINE);
	b = dm_policy_copy(base, "t", "t.conf");
	ck_assert_msg(dm_policy_parse(b, d1, strlen(d1), "dump", &errs) == 0, "%s", errs.n ? errs.msg[0] : "");
	ck_assert_int_eq(dm_policy_finish(b, &errs), 0);
	ck_assert_uint_eq(b->nexempt, 63);
	d2 = dump_of(b);
	ck_assert_str_eq(d1, d2);
	ck_assert_ptr_nonnull(strstr(d1, "recipients            = first, user-00@mail-00.example.com,\n"
	                                 "    user-01@mail-01.example.com, user-02@mail-02.example.com,\n"));
	free(d1);
	free(d2);
	dm_policy_free(a);
	dm_policy_free(b);
	dm_policy_free(base);
}
END_TEST

struct exempt_row {
	const char *rcpt;
	int want;
};

static const struct exempt_row exempt_rows[] = {
	{ "postmaster@x.example", 1 }, { "POSTMASTER@x.example", 1 }, { "abuse@y.example", 1 },
	{ "postmaster", 1 }, { "webmaster@x.example", 0 }, { "post@x.example", 0 }, { "", 0 },
};

START_TEST(test_exempt)
{
	struct dm_policy *pol = dm_policy_builtin();

	ck_assert_int_eq(dm_policy_exempt(pol, exempt_rows[_i].rcpt), exempt_rows[_i].want);
	dm_policy_free(pol);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("keys");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_row, 0, NROWS(rows));
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_long_list_folds);
	tcase_add_loop_test(tc, test_exempt, 0, NROWS(exempt_rows));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * check_config_lint.c - filters/config/config_lint.c: a row is a main file's
 * lists and the policies' modes, and the warnings it must (not) give.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "config_lint.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct row {
	const char *name;
	int zones, spamd;                 /* the main file lists some */
	const char *def, *other;          /* policy texts: default, and other.example (NULL: none) */
	const char *want[2];              /* substrings of the warnings, in order; NULL: fewer */
	const char *metrics;              /* metrics_listen (NULL: off) */
};

static const struct row rows[] = {
	{ "nothing forgotten", 1, 1, "", NULL, { NULL }, NULL },
	{ "the forgotten blocklist", 0, 1, "", NULL,
	  { "[dnsbl] is on (policy default) but [dns] zones names no DNS list", NULL }, NULL },
	{ "no spamd", 1, 0, "", NULL, { "[spam] is on (policy default) but [spamd] servers names no spamd", NULL }, NULL },
	{ "both, naming every policy that is on", 0, 0, "", "", { "(policy default, other.example)", "[spam] is on" }, NULL },
	{ "off in the default, on in a domain", 0, 1, "[dnsbl]\nmode = off\n", "[dnsbl]\nmode = shadow\n",
	  { "[dnsbl] is on (policy other.example)", NULL }, NULL },
	{ "off everywhere: nothing to say", 0, 0, "[dnsbl]\nmode = off\n[spam]\nmode = off\n", NULL, { NULL }, NULL },
	{ "metrics on loopback", 1, 1, "", NULL, { NULL }, "127.0.0.1:9465" },
	{ "metrics on another loopback address", 1, 1, "", NULL, { NULL }, "127.0.0.53" },
	{ "metrics on ::1", 1, 1, "", NULL, { NULL }, "[::1]:9465" },
	{ "metrics on every address", 1, 1, "", NULL,
	  { "metrics_listen = 0.0.0.0:9465 is not a loopback address", NULL }, "0.0.0.0:9465" },
	{ "metrics on every IPv6 address", 1, 1, "", NULL, { "metrics_listen = [::]:9465 is not a loopback", NULL },
	  "[::]:9465" },
	{ "metrics on a LAN address", 1, 1, "", NULL, { "metrics_listen = 192.0.2.5 is not a loopback", NULL },
	  "192.0.2.5" },
};

static char said[2][512];
static int nsaid;

static void collect(void *user, const char *text)
{
	(void)user;
	if (nsaid < 2)
		snprintf(said[nsaid], sizeof(said[nsaid]), "%s", text);
	nsaid++;
}

static struct dm_policy *policy(const struct dm_policy *base, const char *name, const char *text)
{
	struct dm_errors errs = { NULL, 0 };
	struct dm_policy *p = dm_policy_copy(base, name, "t.conf");

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(dm_policy_parse(p, text, strlen(text), "t.conf", &errs), 0);
	return p;
}

START_TEST(test_row)
{
	const struct row *r = &rows[_i];
	struct dm_config *cfg = dm_config_defaults();
	struct dm_policy *builtin = dm_policy_builtin();
	int n, i, want = 0;

	cfg->def = policy(builtin, "default", r->def);
	if (r->other) {
		cfg->policies = calloc(1, sizeof(*cfg->policies));
		cfg->policies[0] = policy(cfg->def, "other.example", r->other);
		cfg->npolicies = 1;
	}
	cfg->nzones = (size_t)r->zones;       /* only the counts matter here */
	cfg->nspamd = (size_t)r->spamd;
	if (r->metrics) {
		free(cfg->metrics_listen);
		cfg->metrics_listen = strdup(r->metrics);
	}
	nsaid = 0;
	n = dm_config_lint(cfg, collect, NULL);
	for (i = 0; i < 2 && r->want[i]; i++)
		want++;
	ck_assert_msg(n == want && nsaid == want, "%s: %d warnings, want %d", r->name, n, want);
	for (i = 0; i < want; i++)
		ck_assert_msg(strstr(said[i], r->want[i]) != NULL, "%s: '%s' lacks '%s'", r->name, said[i], r->want[i]);
	cfg->nzones = 0;
	dm_config_free(cfg);
	dm_policy_free(builtin);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config_lint");
	TCase *tc = tcase_create("rows");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_row, 0, NROWS(rows));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

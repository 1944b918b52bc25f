/*
 * check_connstage.c - the connect stage against a real unbound on loopback
 * (tests/dns/resolver.test starts it and sets DM_DNS_PORT): HELO lookups
 * (reused for the same name, replaced for a new one, capped per session)
 * and forward-confirmed rDNS. Rows are whole sessions.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "connstage.h"
#include "resolver.h"

static char servers[64];

struct row {
	const char *name;
	const char *client;
	const char *helos[6];        /* in order; NULL ends */
	const char *want_dns;        /* cs.helo_dns after collect */
	int want_unknown;            /* HELO_UNKNOWN found */
	int want_temp;               /* helo_dns_temp */
	unsigned long want_asked;    /* queries the session submitted */
};

static const struct row rows[] = {
	{ "a name that resolves", "192.0.2.20", { "good.sender.example.org" }, "found", 0, 0, 3 },
	{ "a name that does not", "192.0.2.20", { "nx.test.example.net" }, "notfound", 1, 0, 3 },
	{ "the same name again keeps its lookups", "192.0.2.20",
	  { "good.sender.example.org", "GOOD.sender.example.org.", "good.sender.example.org" }, "found", 0, 0, 3 },
	{ "a new name replaces the old one", "192.0.2.20",
	  { "nx.test.example.net", "good.sender.example.org" }, "found", 0, 0, 6 },
	{ "and the other way round", "192.0.2.20",
	  { "good.sender.example.org", "nx.test.example.net" }, "notfound", 1, 0, 6 },
	{ "the fourth name is not looked up", "192.0.2.20",
	  { "a.test.example.net", "aaaa.test.example.net", "both.test.example.net", "nx.test.example.net" },
	  "capped", 1, 0, 9 },
	{ "a name seen before the cap is not free again", "192.0.2.20",
	  { "a.test.example.net", "aaaa.test.example.net", "both.test.example.net", "a.test.example.net" },
	  "capped", 1, 0, 9 },
	{ "a capped name that would resolve is still unknown (never a DNS error)", "192.0.2.20",
	  { "a.test.example.net", "aaaa.test.example.net", "both.test.example.net", "good.sender.example.org" },
	  "capped", 1, 0, 9 },
	{ "a literal needs no lookup", "192.0.2.20", { "nx.test.example.net", "[192.0.2.20]" }, "none", 0, 0, 3 },
	{ "a name after a literal", "192.0.2.20", { "[192.0.2.20]", "nx.test.example.net" }, "notfound", 1, 0, 3 },
	{ "a dead name times out", "192.0.2.20", { "x.dead.test.example.net" }, "timeout", 0, 1, 3 },
};

static struct dm_config *config(int rdns)
{
	struct dm_config *cfg = dm_config_defaults();

	ck_assert_ptr_nonnull(cfg);
	free(cfg->dns_servers);
	cfg->dns_servers = strdup(servers);
	cfg->dns_timeout_ms = 600;
	cfg->want_rdns = rdns;
	return cfg;
}

START_TEST(test_helo)
{
	const struct row *r = &rows[_i];
	struct dm_config *cfg = config(0);
	struct dm_dns_stats before, after;
	struct dm_connstage cs;
	struct dm_addr client;
	int i;

	dm_addr_parse(r->client, &client);
	dm_resolver_stats(&before);
	dm_connstage_init(&cs, cfg, NULL, &client);
	dm_connstage_client(&cs, NULL);
	for (i = 0; r->helos[i] != NULL; i++)
		dm_connstage_helo(&cs, r->helos[i], strlen(r->helos[i]));
	dm_connstage_collect(&cs);
	dm_resolver_stats(&after);
	ck_assert_msg(strcmp(cs.helo_dns, r->want_dns) == 0, "%s: helo_dns %s, want %s", r->name, cs.helo_dns,
	              r->want_dns);
	ck_assert_int_eq((cs.findings.helo & HELO_BIT(HELO_UNKNOWN)) != 0, r->want_unknown);
	ck_assert_int_eq(cs.findings.helo_dns_temp, r->want_temp);
	ck_assert_msg(after.submitted - before.submitted == r->want_asked, "%s: %lu queries, want %lu", r->name,
	              after.submitted - before.submitted, r->want_asked);
	ck_assert_uint_eq(cs.helo_count, (unsigned)i);
	dm_connstage_free(&cs);
	dm_config_free(cfg);
}
END_TEST

/* One session, 20,000 EHLOs with names of the client's choosing: no more
 * than DM_HELO_NAMES_MAX names are ever asked about. */
START_TEST(test_helo_flood)
{
	struct dm_config *cfg = config(0);
	struct dm_dns_stats before, after;
	struct dm_connstage cs;
	struct dm_addr client;
	char name[64];
	int i;

	dm_addr_parse("192.0.2.20", &client);
	dm_resolver_stats(&before);
	dm_connstage_init(&cs, cfg, NULL, &client);
	for (i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "h%d.flood.example.org", i);
		dm_connstage_helo(&cs, name, strlen(name));
		if (i % 1000 == 0)
			dm_connstage_poll(&cs);
	}
	dm_connstage_collect(&cs);
	dm_resolver_stats(&after);
	printf("helo flood: 20000 names, %lu questions sent, helo_dns=%s\n", after.sent - before.sent, cs.helo_dns);
	ck_assert_uint_eq(after.sent - before.sent, 3 * DM_HELO_NAMES_MAX);
	ck_assert_uint_eq(after.submitted - before.submitted, 3 * DM_HELO_NAMES_MAX);
	ck_assert_str_eq(cs.helo_dns, "capped");
	dm_connstage_free(&cs);
	dm_config_free(cfg);
}
END_TEST

struct rdns_row {
	const char *client;
	const char *want;
};

static const struct rdns_row rdns_rows[] = {
	{ "192.0.2.20", "ok" },
	{ "192.0.2.30", "ok" },          /* the 20th of 20 forward addresses */
	{ "192.0.2.9", "mismatch" },
	{ "192.0.2.8", "none" },
};

START_TEST(test_rdns)
{
	const struct rdns_row *r = &rdns_rows[_i];
	struct dm_config *cfg = config(1);
	struct dm_connstage cs;
	struct dm_addr client;

	dm_addr_parse(r->client, &client);
	dm_connstage_init(&cs, cfg, NULL, &client);
	dm_connstage_client(&cs, NULL);
	dm_connstage_helo(&cs, "[192.0.2.20]", 12);
	dm_connstage_collect(&cs);
	ck_assert_msg(strcmp(cs.rdns, r->want) == 0, "%s: rdns %s, want %s", r->client, cs.rdns, r->want);
	dm_connstage_free(&cs);
	dm_config_free(cfg);
}
END_TEST

int main(void)
{
	const char *port = getenv("DM_DNS_PORT");
	Suite *s = suite_create("connstage");
	TCase *tc = tcase_create("unbound");
	SRunner *sr;
	int failed;

	if (port == NULL || *port == '\0') {
		fprintf(stderr, "DM_DNS_PORT not set: run through tests/dns/resolver.test\n");
		return 77;
	}
	snprintf(servers, sizeof(servers), "127.0.0.1:%s", port);
	dm_resolver_library_init();
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_helo, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_helo_flood);
	tcase_add_loop_test(tc, test_rdns, 0, (int)(sizeof(rdns_rows) / sizeof(rdns_rows[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	dm_resolver_library_cleanup();
	return failed ? 1 : 0;
}

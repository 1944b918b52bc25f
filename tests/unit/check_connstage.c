/*
 * check_connstage.c - the connect stage against a real unbound on loopback
 * (tests/dns/resolver.test starts it and sets DM_DNS_PORT): HELO lookups
 * (reused for the same name, replaced for a new one, capped per session)
 * forward-confirmed rDNS and the MAIL FROM domain (filters/checks/sender_stage.c:
 * fired at MAIL FROM, collected at the first RCPT, capped per session).
 * Rows are whole sessions.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "connstage.h"
#include "mailaddr.h"
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
	ck_assert_int_eq(cs.state, DM_CS_NO_HELO);
	for (i = 0; r->helos[i] != NULL; i++)
		dm_connstage_helo(&cs, r->helos[i], strlen(r->helos[i]));
	ck_assert_str_eq(dm_connstage_state_name(cs.state), strcmp(r->want_dns, "capped") == 0 ? "helo_capped" : "helo");
	dm_connstage_collect(&cs);
	ck_assert_int_eq(cs.state, DM_CS_COLLECTED);
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

struct sender_row {
	const char *name;
	const char *from[6];         /* MAIL FROM paths in order (RSET between); NULL ends */
	const char *want_dns;        /* cs.sender.dns after the last one's first RCPT */
	unsigned want;               /* cs.findings.sender */
	int want_temp;
	unsigned long want_asked;    /* queries the session submitted */
};

#define S_NF (1u << DM_SENDER_NON_FQDN)
#define S_UN (1u << DM_SENDER_UNKNOWN)
#define S_NM (1u << DM_SENDER_NULL_MX)

static const struct sender_row sender_rows[] = {
	{ "a domain with an MX", { "<u@sender.example.org>" }, "found", 0, 0, 3 },
	{ "a domain with an A only", { "<u@a.test.example.net>" }, "found", 0, 0, 3 },
	{ "AAAA only", { "<u@aaaa.test.example.net>" }, "found", 0, 0, 3 },
	{ "MX only", { "<u@mxonly.test.example.net>" }, "found", 0, 0, 3 },
	{ "NXDOMAIN", { "<u@nx.test.example.net>" }, "notfound", S_UN, 0, 3 },
	{ "NODATA", { "<u@txtonly.test.example.net>" }, "notfound", S_UN, 0, 3 },
	{ "null MX", { "<u@nullmx.test.example.net>" }, "nullmx", S_NM, 0, 3 },
	{ "null MX beside an A record", { "<u@nullmxa.test.example.net>" }, "nullmx", S_NM, 0, 3 },
	{ "mixed case and a trailing dot", { "<u@NX.Test.Example.NET.>" }, "notfound", S_UN, 0, 3 },
	{ "REFUSED is a DNS error", { "<u@x.refused.test.example.net>" }, "error", 0, 1, 3 },
	{ "a dead zone times out: a DNS error, never not found", { "<u@x.dead.test.example.net>" }, "timeout", 0, 1, 3 },
	{ "the null sender asks nothing", { "<>" }, "none", 0, 0, 0 },
	{ "a local part alone: non-FQDN, nothing asked", { "<postmaster>" }, "none", S_NF, 0, 0 },
	{ "a dotless domain: non-FQDN and looked up", { "<u@exchange01>" }, "notfound", S_NF | S_UN, 0, 3 },
	{ "an address literal asks nothing", { "<u@[192.0.2.1]>" }, "none", 0, 0, 0 },
	{ "a source route is ignored", { "<@relay.example:u@nx.test.example.net>" }, "notfound", S_UN, 0, 3 },
	{ "a new transaction replaces the old one", { "<u@nx.test.example.net>", "<u@sender.example.org>" },
	  "found", 0, 0, 6 },
	{ "the same domain again is asked again (cache), not counted twice",
	  { "<a@nx.test.example.net>", "<b@a.test.example.net>", "<c@aaaa.test.example.net>",
	    "<d@both.test.example.net>", "<e@nx.test.example.net>" }, "notfound", S_UN, 0, 15 },
	{ "the fifth domain is not looked up: unknown, never a free pass",
	  { "<a@nx.test.example.net>", "<b@a.test.example.net>", "<c@aaaa.test.example.net>",
	    "<d@both.test.example.net>", "<e@sender.example.org>" }, "capped", S_UN, 0, 12 },
};

START_TEST(test_sender)
{
	const struct sender_row *r = &sender_rows[_i];
	struct dm_config *cfg = config(0);
	struct dm_dns_stats before, after;
	struct dm_connstage cs;
	struct dm_addr client;
	struct dm_mailaddr a;
	enum dm_mailaddr_status st;
	int i;

	cfg->want_sender_dns = 1;
	dm_addr_parse("192.0.2.20", &client);
	dm_resolver_stats(&before);
	dm_connstage_init(&cs, cfg, NULL, &client);
	dm_connstage_helo(&cs, "[192.0.2.20]", 12);
	ck_assert_int_eq(cs.sender.state, DM_SENDER_NONE);
	for (i = 0; r->from[i] != NULL; i++) {
		st = dm_mailaddr_parse(r->from[i], strlen(r->from[i]), &a);
		dm_connstage_sender(&cs, st, &a);
		ck_assert_int_eq(cs.sender.state, DM_SENDER_ASKED);
		if (r->from[i + 1] != NULL && i % 2 == 0) {
			dm_connstage_sender_collect(&cs);      /* some transactions reach RCPT */
			ck_assert_int_eq(cs.sender.state, DM_SENDER_SETTLED);
		}
	}
	ck_assert_int_eq(dm_connstage_sender_collect(&cs), 1);
	ck_assert_int_eq(cs.sender.state, DM_SENDER_SETTLED);
	dm_connstage_collect(&cs);
	ck_assert_int_eq(dm_connstage_sender_collect(&cs), 0);   /* the second RCPT waits for nothing */
	dm_resolver_stats(&after);
	ck_assert_msg(strcmp(cs.sender.dns, r->want_dns) == 0, "%s: dns %s, want %s", r->name, cs.sender.dns,
	              r->want_dns);
	ck_assert_msg(cs.findings.sender == r->want, "%s: findings %#x, want %#x", r->name, cs.findings.sender, r->want);
	ck_assert_int_eq(cs.findings.sender_dns_temp, r->want_temp);
	ck_assert_msg(after.submitted - before.submitted == r->want_asked, "%s: %lu queries, want %lu", r->name,
	              after.submitted - before.submitted, r->want_asked);
	dm_connstage_free(&cs);
	dm_config_free(cfg);
}
END_TEST

/* One session, 10,000 RSET/MAIL FROM pairs with domains of the client's
 * choosing, each reaching RCPT: no more than DM_SENDER_DOMAINS_MAX domains
 * are ever asked about, and every later one is judged unknown. */
START_TEST(test_sender_flood)
{
	struct dm_config *cfg = config(0);
	struct dm_dns_stats before, after;
	struct dm_connstage cs;
	struct dm_mailaddr a;
	enum dm_mailaddr_status st;
	char path[96];
	unsigned unknown = 0;
	int i;

	cfg->want_sender_dns = 1;
	dm_resolver_stats(&before);
	dm_connstage_init(&cs, cfg, NULL, NULL);
	for (i = 0; i < 10000; i++) {
		snprintf(path, sizeof(path), "<u%d@d%d.flood.example.org>", i, i);
		st = dm_mailaddr_parse(path, strlen(path), &a);
		dm_connstage_sender(&cs, st, &a);
		dm_connstage_sender_collect(&cs);
		unknown += (cs.findings.sender & S_UN) != 0;
	}
	dm_resolver_stats(&after);
	printf("sender flood: 10000 MAIL FROM, %lu questions sent, %u judged unknown\n", after.sent - before.sent,
	       unknown);
	ck_assert_uint_le(after.submitted - before.submitted, 3 * DM_SENDER_DOMAINS_MAX);
	ck_assert_uint_eq(unknown, 10000);        /* the first ones are NXDOMAIN, the rest capped */
	ck_assert_str_eq(cs.sender.dns, "capped");
	dm_connstage_free(&cs);
	dm_config_free(cfg);
}
END_TEST

/* Domain lists: the HELO name, the confirmed reverse name, the sender
 * domain, each under dbl.test.example.net with DBL's codes. */
struct rhsbl_row {
	const char *name;
	const char *client, *helo, *from;
	unsigned want;               /* cs.findings.rhsbl */
	const char *want_log;        /* substring of cs.dnsbl_log, or NULL */
	const char *want_zone;       /* findings.rhsbl_zones[] of the first listed target, or NULL */
};

#define R_H (1u << DM_RHSBL_HELO)
#define R_C (1u << DM_RHSBL_CLIENT)
#define R_S (1u << DM_RHSBL_SENDER)

static const struct rhsbl_row rhsbl_rows[] = {
	{ "nothing listed", "192.0.2.20", "good.sender.example.org", "<u@sender.example.org>", 0, NULL, NULL },
	{ "a listed HELO name", "192.0.2.20", "spam.example.org", "<u@sender.example.org>", R_H,
	  "dbl.test.example.net(helo:2)", "dbl.test.example.net" },
	{ "HELO in mixed case with a trailing dot", "192.0.2.20", "SPAM.Example.ORG.", "<>", R_H, NULL, NULL },
	{ "a listed subdomain's parent is not asked for", "192.0.2.20", "a.spam.example.org", "<>", 0, NULL, NULL },
	{ "a listed sender domain", "192.0.2.20", "good.sender.example.org", "<u@phish.example.org>", R_S,
	  "dbl.test.example.net(sender:2)", "dbl.test.example.net" },
	{ "the null sender is never asked", "192.0.2.20", "good.sender.example.org", "<>", 0, NULL, NULL },
	{ "a confirmed reverse name", "192.0.2.30", "[192.0.2.30]", "<>", R_C, "(client:2)", NULL },
	{ "an unconfirmed reverse name is not asked", "192.0.2.9", "[192.0.2.9]", "<>", 0, NULL, NULL },
	{ "all three", "192.0.2.30", "spam.example.org", "<u@spam.example.org>", R_H | R_C | R_S, NULL, NULL },
	{ "127.0.1.255 is a zone error", "192.0.2.20", "ipquery.example.org", "<>", 0,
	  "dbl.test.example.net:error_code(127.0.1.255)", NULL },
	{ "127.255.255.254 is a zone error", "192.0.2.20", "good.sender.example.org", "<u@quota.example.org>", 0,
	  "dbl.test.example.net:error_code(127.255.255.254)", NULL },
	{ "an answer outside 127/8 never counts", "192.0.2.20", "outside.example.org", "<>", 0,
	  "dbl.test.example.net:bad_answer(192.0.2.1)", NULL },
	{ "a dead list adds nothing", "192.0.2.20", "x.dead", "<u@x.dead>", 0, "dbl.test.example.net:timeout", NULL },
	{ "a literal HELO is not asked", "192.0.2.20", "[192.0.2.20]", "<>", 0, NULL, NULL },
};

START_TEST(test_rhsbl)
{
	const struct rhsbl_row *r = &rhsbl_rows[_i];
	struct dm_config *cfg = config(1);
	struct dm_connstage cs;
	struct dm_addr client;
	struct dm_mailaddr a;
	enum dm_mailaddr_status st;
	char err[200];
	int t;

	for (t = 0; t < DM_RHSBL_TARGETS; t++) {
		cfg->rhsbl[t] = calloc(1, sizeof(struct dnsbl_zone));
		ck_assert_int_eq(dnsbl_zone_parse("dbl.test.example.net=127.0.1.[2..99]*2", cfg->rhsbl[t], err,
		                                  sizeof(err)), 0);
		cfg->nrhsbl[t] = 1;
	}
	dm_addr_parse(r->client, &client);
	dm_connstage_init(&cs, cfg, NULL, &client);
	dm_connstage_client(&cs, NULL);
	dm_connstage_helo(&cs, r->helo, strlen(r->helo));
	st = dm_mailaddr_parse(r->from, strlen(r->from), &a);
	dm_connstage_sender(&cs, st, &a);
	dm_connstage_sender_collect(&cs);
	dm_connstage_collect(&cs);
	ck_assert_msg(cs.findings.rhsbl == r->want, "%s: rhsbl %#x, want %#x (log %s)", r->name, cs.findings.rhsbl,
	              r->want, cs.dnsbl_log);
	if (r->want_log != NULL)
		ck_assert_msg(strstr(cs.dnsbl_log, r->want_log) != NULL, "%s: log \"%s\" lacks %s", r->name,
		              cs.dnsbl_log, r->want_log);
	for (t = 0; r->want_zone != NULL && t < DM_RHSBL_TARGETS; t++)
		if (r->want & (1u << t)) {
			ck_assert_str_eq(cs.findings.rhsbl_zones[t], r->want_zone);
			break;
		}
	dm_connstage_free(&cs);
	dm_config_free(cfg);
}
END_TEST

/* ------------------------------------------- the two state machines */

/* Every cell of both tables, written out again: the HELO stage's
 * (connstage.c cs_next) and the MAIL FROM domain's (sender.c sender_next). */
enum { HELO_STAGE, SENDER_STAGE };
#define CS(x) DM_CS_##x
#define SN(x) DM_SENDER_##x

/* A state, then the next state for each event in order (HELO, HELO_CAPPED,
 * COLLECT; MAIL, COLLECT); -1: no such event. */
static const struct cell { int machine, from, to[3]; } cells[] = {
	{ HELO_STAGE, CS(NO_HELO), { CS(HELO), CS(HELO_CAPPED), CS(COLLECTED) } },
	{ HELO_STAGE, CS(HELO), { CS(HELO), CS(HELO_CAPPED), CS(COLLECTED) } },
	{ HELO_STAGE, CS(HELO_CAPPED), { CS(HELO), CS(HELO_CAPPED), CS(COLLECTED) } },
	{ HELO_STAGE, CS(COLLECTED), { CS(HELO), CS(HELO_CAPPED), CS(COLLECTED) } },
	{ SENDER_STAGE, SN(NONE), { SN(ASKED), SN(NONE), -1 } },
	{ SENDER_STAGE, SN(ASKED), { SN(ASKED), SN(SETTLED), -1 } },
	{ SENDER_STAGE, SN(SETTLED), { SN(ASKED), SN(SETTLED), -1 } },
};

static int next_of(int machine, int s, int e)
{
	return machine == HELO_STAGE ? (int)dm_connstage_next((enum dm_cs_state)s, (enum dm_cs_event)e)
	                             : (int)dm_sender_next((enum dm_sender_state)s, (enum dm_sender_event)e);
}

static const char *state_name(int machine, int s)
{
	return machine == HELO_STAGE ? dm_connstage_state_name((enum dm_cs_state)s)
	                             : dm_sender_state_name((enum dm_sender_state)s);
}

START_TEST(test_transitions)
{
	const struct cell *c = &cells[_i];
	int nev = c->machine == HELO_STAGE ? DM_CS_EVENTS : DM_SENDER_EVENTS, e;

	for (e = 0; e < nev; e++)
		ck_assert_msg(next_of(c->machine, c->from, e) == c->to[e], "%s on event %d: got %s, want %s",
		              state_name(c->machine, c->from), e, state_name(c->machine, next_of(c->machine, c->from, e)),
		              state_name(c->machine, c->to[e]));
	ck_assert_int_eq(next_of(c->machine, c->from, nev), c->from);     /* out of range: no move */
}
END_TEST

/* The table above has a row for every state, and every state its name. */
START_TEST(test_cells_complete)
{
	static const char *const cs_names[] = { "no_helo", "helo", "helo_capped", "collected" };
	static const char *const sender_names[] = { "none", "asked", "settled" };
	size_t i, n[2] = { 0, 0 };
	int s;

	for (i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
		ck_assert_int_eq(cells[i].from, (int)n[cells[i].machine]++);
	ck_assert_uint_eq(n[HELO_STAGE], DM_CS_STATES);
	ck_assert_uint_eq(n[SENDER_STAGE], DM_SENDER_STATES);
	for (s = 0; s < DM_CS_STATES; s++)
		ck_assert_str_eq(dm_connstage_state_name((enum dm_cs_state)s), cs_names[s]);
	for (s = 0; s < DM_SENDER_STATES; s++)
		ck_assert_str_eq(dm_sender_state_name((enum dm_sender_state)s), sender_names[s]);
}
END_TEST

/* Without DNS (no client, a literal HELO): the first RCPT with no HELO
 * finds it invalid and settles once; a HELO starts over; no RCPT without
 * MAIL FROM settles the sender. */
START_TEST(test_cs_walk)
{
	struct dm_config *cfg = config(0);
	struct dm_connstage cs;

	dm_connstage_init(&cs, cfg, NULL, NULL);
	ck_assert_int_eq(cs.state, DM_CS_NO_HELO);
	ck_assert_int_eq(dm_connstage_sender_collect(&cs), 0);
	ck_assert_int_eq(cs.sender.state, DM_SENDER_NONE);
	dm_connstage_collect(&cs);
	ck_assert_int_eq(cs.state, DM_CS_COLLECTED);
	ck_assert(cs.findings.helo & HELO_BIT(HELO_INVALID));
	ck_assert_str_eq(cs.hr.reason, "no HELO/EHLO");
	cs.findings.helo = 0;
	dm_connstage_collect(&cs);                   /* settled already: nothing again */
	ck_assert_uint_eq(cs.findings.helo, 0);
	dm_connstage_helo(&cs, "[192.0.2.20]", 12);
	ck_assert_int_eq(cs.state, DM_CS_HELO);
	dm_connstage_collect(&cs);
	ck_assert_int_eq(cs.state, DM_CS_COLLECTED);
	ck_assert_str_eq(cs.helo_dns, "none");
	ck_assert(!(cs.findings.helo & HELO_BIT(HELO_INVALID)));
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
	tcase_add_loop_test(tc, test_sender, 0, (int)(sizeof(sender_rows) / sizeof(sender_rows[0])));
	tcase_add_test(tc, test_sender_flood);
	tcase_add_loop_test(tc, test_rhsbl, 0, (int)(sizeof(rhsbl_rows) / sizeof(rhsbl_rows[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("machines");
	tcase_add_loop_test(tc, test_transitions, 0, (int)(sizeof(cells) / sizeof(cells[0])));
	tcase_add_test(tc, test_cells_complete);
	tcase_add_test(tc, test_cs_walk);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	dm_resolver_library_cleanup();
	return failed ? 1 : 0;
}

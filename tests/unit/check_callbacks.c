/*
 * check_callbacks.c - the libmilter callbacks driven through the seam, no MTA:
 * a fake dm_smfi records replies and serves macros. Rows are whole sessions.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callbacks.h"
#include "config.h"
#include "resolver.h"
#include "seam.h"
#include "snapshot.h"

static void *fake_priv;
static char fake_reply[1200], fake_auth[64];
static int replies;

static void *f_getpriv(SMFICTX *ctx) { (void)ctx; return fake_priv; }
static int f_setpriv(SMFICTX *ctx, void *p) { (void)ctx; fake_priv = p; return MI_SUCCESS; }
static char *f_getsymval(SMFICTX *ctx, char *name)
{
	(void)ctx;
	if (strcmp(name, "{auth_authen}") == 0 && fake_auth[0])
		return fake_auth;
	if (strcmp(name, "i") == 0)
		return "QID42";
	return NULL;
}
static int f_setreply(SMFICTX *ctx, char *rcode, char *xcode, char *msg)
{
	(void)ctx;
	replies++;
	snprintf(fake_reply, sizeof(fake_reply), "%s %s %s", rcode, xcode, msg);
	return MI_SUCCESS;
}
static int f_setsymlist(SMFICTX *ctx, int stage, char *m) { (void)ctx; (void)stage; (void)m; return MI_SUCCESS; }

static int f_addheader(SMFICTX *ctx, char *n, char *v) { (void)ctx; (void)n; (void)v; return MI_SUCCESS; }
static int f_chgheader(SMFICTX *ctx, char *n, int i, char *v) { (void)ctx; (void)n; (void)i; (void)v; return MI_SUCCESS; }
static int f_quarantine(SMFICTX *ctx, char *r) { (void)ctx; (void)r; return MI_SUCCESS; }

static const struct dm_seam fake = { f_getpriv, f_setpriv, f_getsymval, f_setreply, f_setsymlist,
                                     f_addheader, f_chgheader, f_quarantine };

struct row {
	const char *name;
	const char *client;       /* NULL = unknown address */
	const char *helo;         /* NULL = no HELO */
	const char *auth;
	const char *rcpts[3];
	sfsistat want[3];
	const char *want_reply;   /* substring of the last reply set, NULL = none set */
};

#define C SMFIS_CONTINUE
#define REJ SMFIS_REJECT
#define TF SMFIS_TEMPFAIL
static const struct row rows[] = {
	{ "good literal", "192.0.2.20", "[192.0.2.20]", NULL, { "<a@x.example>" }, { C }, NULL },
	{ "lying literal", "192.0.2.20", "[192.0.2.21]", NULL, { "<a@x.example>" }, { REJ },
	  "554 5.7.1 <[192.0.2.21]>: Helo command rejected: address literal is not your address 192.0.2.20" },
	{ "percent doubled for libmilter", "192.0.2.20", "100%.example", NULL, { "<a@x.example>" }, { REJ },
	  "501 5.5.2 <100%%.example>: Helo command rejected: Invalid name" },
	{ "CR/LF never reach the reply", "192.0.2.20", "a\r\nb.example", NULL, { "<a@x.example>" }, { REJ },
	  "<a??b.example>" },
	{ "localhost", "192.0.2.20", "localhost", NULL, { "<a@x.example>" }, { REJ }, "you are not localhost" },
	{ "no HELO at all", "192.0.2.20", NULL, NULL, { "<a@x.example>" }, { REJ }, "Invalid name (no HELO/EHLO)" },
	{ "postmaster exempt", "192.0.2.20", "localhost", NULL, { "<POSTMASTER@x.example>" }, { C }, NULL },
	{ "authenticated", "192.0.2.20", "localhost", "bob", { "<a@x.example>" }, { C }, NULL },
	{ "split policies", "192.0.2.20", "[192.0.2.20]", NULL,
	  { "<a@x.example>", "<b@strict.example>", "<c@x.example>" }, { C, TF, C },
	  "452 4.5.3 <b@strict.example>: Recipient address has another filtering policy" },
	{ "bad recipient syntax", "192.0.2.20", "[192.0.2.20]", NULL, { "<>", "no-at-sign" }, { C, C }, NULL },
	{ "unknown client, literal", NULL, "[192.0.2.20]", NULL, { "<a@x.example>" }, { C }, NULL },
	{ "dns failure passes by default", "192.0.2.20", "mx.unreachable.example.com", NULL, { "<a@x.example>" }, { C }, NULL },
	{ "dns failure tempfails under strict", "192.0.2.20", "mx.unreachable.example.com", NULL,
	  { "<a@strict.example>" }, { TF }, "450 4.7.1 <mx.unreachable.example.com>: Helo command rejected: Host not found (temporary" },
};

#define NEED(c) do { if (!(c)) { fprintf(stderr, "setup: %s failed\n", #c); exit(1); } } while (0)

static void setup_config(void)
{
	struct dm_errors errs = { NULL, 0 };
	struct dm_config *cfg = dm_config_defaults();
	struct dm_policy *strict;
	static const char strict_text[] = "[helo]\nunknown_on_dns_error = tempfail\n";

	NEED(cfg != NULL);
	free(cfg->dns_servers);
	cfg->dns_servers = strdup("127.0.0.1:9");     /* discard port: nothing answers */
	cfg->dns_timeout_ms = 300;
	cfg->ntrusted = 0;
	cfg->def = dm_policy_builtin();
	strict = dm_policy_copy(cfg->def, "strict.example", "strict.example.conf");
	dm_policy_parse(strict, strict_text, sizeof(strict_text) - 1, "strict.example.conf", &errs);
	NEED(dm_policy_finish(strict, &errs) == 0);
	NEED(errs.n == 0);
	cfg->policies = calloc(1, sizeof(*cfg->policies));
	cfg->policies[0] = strict;
	cfg->npolicies = 1;
	dm_snapshot_publish(cfg);
}

START_TEST(test_session)
{
	const struct row *r = &rows[_i];
	struct sockaddr_in sin;
	SMFICTX *ctx = (SMFICTX *)(void *)&sin;   /* opaque to the callbacks */
	char *argv[2] = { NULL, NULL };
	int i;

	dm_smfi = &fake;
	fake_priv = NULL;
	replies = 0;
	fake_reply[0] = '\0';
	snprintf(fake_auth, sizeof(fake_auth), "%s", r->auth ? r->auth : "");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (r->client)
		ck_assert_int_eq(inet_pton(AF_INET, r->client, &sin.sin_addr), 1);
	ck_assert_int_eq(dm_connect(ctx, "client.example", r->client ? (struct sockaddr *)&sin : NULL), C);
	if (r->helo)
		ck_assert_int_eq(dm_helo(ctx, (char *)r->helo), C);
	argv[0] = "<s@sender.example>";
	ck_assert_int_eq(dm_envfrom(ctx, argv), C);
	for (i = 0; i < 3 && r->rcpts[i]; i++) {
		argv[0] = (char *)r->rcpts[i];
		ck_assert_msg(dm_envrcpt(ctx, argv) == r->want[i], "%s: rcpt %d", r->name, i);
	}
	ck_assert_int_eq(dm_eom(ctx), C);
	ck_assert_int_eq(dm_close(ctx), C);
	ck_assert_ptr_null(fake_priv);
	if (r->want_reply == NULL)
		ck_assert_msg(replies == 0, "%s: unexpected reply %s", r->name, fake_reply);
	else
		ck_assert_msg(strstr(fake_reply, r->want_reply) != NULL, "%s: reply '%s' lacks '%s'",
		              r->name, fake_reply, r->want_reply);
}
END_TEST

/* Callbacks out of order or without private data never crash. */
START_TEST(test_robust)
{
	char *argv[2] = { "<a@x.example>", NULL };
	SMFICTX *ctx = (SMFICTX *)(void *)&argv;

	dm_smfi = &fake;
	fake_priv = NULL;
	ck_assert_int_eq(dm_close(ctx), C);
	ck_assert_int_eq(dm_abort(ctx), C);
	ck_assert_int_eq(dm_eom(ctx), C);
	ck_assert_int_eq(dm_helo(ctx, "x.example"), TF);
	ck_assert_int_eq(dm_envrcpt(ctx, argv), TF);
	ck_assert_int_eq(dm_connect(ctx, NULL, NULL), C);
	ck_assert_int_eq(dm_envrcpt(ctx, argv), TF);     /* RCPT before MAIL */
	ck_assert_int_eq(dm_helo(ctx, NULL), C);
	ck_assert_int_eq(dm_envfrom(ctx, NULL), C);
	ck_assert_int_eq(dm_abort(ctx), C);
	ck_assert_int_eq(dm_close(ctx), C);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("callbacks");
	TCase *tc = tcase_create("sessions");
	SRunner *sr;
	int failed;

	dm_resolver_library_init();
	setup_config();
	tcase_add_loop_test(tc, test_session, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_robust);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

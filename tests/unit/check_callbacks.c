/*
 * check_callbacks.c - the libmilter callbacks driven through the seam, no MTA:
 * a fake dm_smfi records replies and serves macros. Rows are whole sessions.
 */
#include <arpa/inet.h>
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "callbacks.h"
#include "config.h"
#include "conn.h"
#include "metrics.h"
#include "msgstate.h"
#include "resolver.h"
#include "runtime.h"
#include "seam.h"
#include "snapshot.h"

static void *fake_priv;
static char fake_reply[1200], fake_auth[64], fake_rcpt_addr[600];
static int replies;

static void *f_getpriv(SMFICTX *ctx) { (void)ctx; return fake_priv; }
static int f_setpriv(SMFICTX *ctx, void *p) { (void)ctx; fake_priv = p; return MI_SUCCESS; }
static const char *fake_macros[8];   /* name, value, ...: what the MTA sends besides these */
static char *f_getsymval(SMFICTX *ctx, char *name)
{
	size_t i;

	(void)ctx;
	if (strcmp(name, "{auth_authen}") == 0 && fake_auth[0])
		return fake_auth;
	for (i = 0; i + 1 < sizeof(fake_macros) / sizeof(fake_macros[0]) && fake_macros[i]; i += 2)
		if (strcmp(name, fake_macros[i]) == 0)
			return (char *)fake_macros[i + 1];
	if (strcmp(name, "i") == 0)
		return "QID42";
	if (strcmp(name, "{rcpt_addr}") == 0 && fake_rcpt_addr[0])
		return fake_rcpt_addr;
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
static char *subject_set;      /* the last Subject value set by chgheader/addheader */
static int f_chgheader(SMFICTX *ctx, char *n, int i, char *v)
{
	(void)ctx;
	(void)i;
	if (v != NULL && strcmp(n, "Subject") == 0) {
		free(subject_set);
		subject_set = strdup(v);
	}
	return MI_SUCCESS;
}
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

#define X50 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define X250 X50 X50 X50 X50 X50
#define C SMFIS_CONTINUE
#define REJ SMFIS_REJECT
#define TF SMFIS_TEMPFAIL
static const struct row rows[] = {
	{ "good literal", "192.0.2.20", "[192.0.2.20]", NULL, { "<a@x.example>" }, { C }, NULL },
	{ "lying literal", "192.0.2.20", "[192.0.2.21]", NULL, { "<a@x.example>" }, { REJ },
	  "554 5.7.1 <[192.0.2.21]>: Helo command rejected: address literal is not your address 192.0.2.20" },
	{ "percent written as in the log lines, doubled for libmilter", "192.0.2.20", "100%.example", NULL,
	  { "<a@x.example>" }, { REJ }, "501 5.5.2 <100%%25.example>: Helo command rejected: Invalid name" },
	{ "CR/LF never reach the reply", "192.0.2.20", "a\r\nb.example", NULL, { "<a@x.example>" }, { REJ },
	  "<a??b.example>" },
	{ "localhost", "192.0.2.20", "localhost", NULL, { "<a@x.example>" }, { REJ }, "you are not localhost" },
	{ "no HELO at all", "192.0.2.20", NULL, NULL, { "<a@x.example>" }, { REJ }, "Invalid name (no HELO/EHLO)" },
	{ "postmaster exempt", "192.0.2.20", "localhost", NULL, { "<POSTMASTER@x.example>" }, { C }, NULL },
	{ "authenticated", "192.0.2.20", "localhost", "bob", { "<a@x.example>" }, { C }, NULL },
	{ "split policies", "192.0.2.20", "[192.0.2.20]", NULL,
	  { "<a@x.example>", "<b@strict.example>", "<c@x.example>" }, { C, TF, C },
	  "452 4.5.3 <b@strict.example>: Recipient address has another filtering policy" },
	/* an address that cannot be read chooses no policy: never the default one */
	{ "unreadable recipient", "192.0.2.20", "[192.0.2.20]", NULL, { "<>", "<a b@x.example>" }, { TF, TF },
	  "450 4.1.3 <<a b@x.example>>: Recipient address not understood by the filter" },
	{ "recipient without a domain", "192.0.2.20", "[192.0.2.20]", NULL, { "no-at-sign" }, { REJ },
	  "504 5.5.2 <no-at-sign>: Recipient address rejected: need fully-qualified address" },
	{ "postmaster without a domain", "192.0.2.20", "[192.0.2.20]", NULL, { "<postmaster>" }, { C }, NULL },
	{ "address literal recipient", "192.0.2.20", "[192.0.2.20]", NULL, { "<a@[192.0.2.5]>" }, { REJ },
	  "504 5.5.2" },
	/* the recipient's domain, however the local part is written */
	{ "quoted local part with '>'", "192.0.2.20", "mx.unreachable.example.com", NULL,
	  { "<\"victim+>\"@strict.example>" }, { TF }, "450 4.7.1 <mx.unreachable.example.com>" },
	{ "local part of 257 bytes", "192.0.2.20", "mx.unreachable.example.com", NULL,
	  { "<victim+" X250 "@strict.example>" }, { TF }, "450 4.7.1 <mx.unreachable.example.com>" },
	{ "source route, case, trailing dot", "192.0.2.20", "mx.unreachable.example.com", NULL,
	  { "<@relay.example:victim@STRICT.Example.>" }, { TF }, "450 4.7.1 <mx.unreachable.example.com>" },
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

/* The MTA's own parse of the recipient ({rcpt_addr}) decides its domain. */
START_TEST(test_mta_rcpt_addr)
{
	struct sockaddr_in sin;
	SMFICTX *ctx = (SMFICTX *)(void *)&sin;
	char *argv[2] = { "<s@sender.example>", NULL };

	dm_smfi = &fake;
	fake_priv = NULL;
	fake_auth[0] = '\0';
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.20", &sin.sin_addr);
	ck_assert_int_eq(dm_connect(ctx, "client.example", (struct sockaddr *)&sin), C);
	ck_assert_int_eq(dm_helo(ctx, "mx.unreachable.example.com"), C);
	ck_assert_int_eq(dm_envfrom(ctx, argv), C);
	/* Postfix's internal form: the local part unquoted, '>' and all */
	snprintf(fake_rcpt_addr, sizeof(fake_rcpt_addr), "victim+>@strict.example");
	argv[0] = "<\"victim+>\"@strict.example>";
	ck_assert_int_eq(dm_envrcpt(ctx, argv), TF);
	snprintf(fake_rcpt_addr, sizeof(fake_rcpt_addr), "victim@x.example");
	argv[0] = "<victim@x.example>";
	ck_assert_int_eq(dm_envrcpt(ctx, argv), C);
	/* an MTA form without '@' (Sendmail's local mailer): the command decides */
	snprintf(fake_rcpt_addr, sizeof(fake_rcpt_addr), "victim");
	argv[0] = "<victim@strict.example>";
	ck_assert_int_eq(dm_envrcpt(ctx, argv), TF);
	fake_rcpt_addr[0] = '\0';
	ck_assert_int_eq(dm_abort(ctx), C);
	ck_assert_int_eq(dm_close(ctx), C);
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

/* ------------------------------------------------ the content stage */

/* A fake spamd on a unix socket: it keeps what each request sent and
 * answers SYMBOLS with a fixed score. */
static char spamd_path[108];
static char captured[1 << 20];
static size_t ncaptured;
static double spamd_score;

static void *fake_spamd(void *arg)
{
	int lfd = *(int *)arg, fd;
	char reply[200];
	ssize_t r;

	while ((fd = accept(lfd, NULL, NULL)) >= 0) {
		ncaptured = 0;
		while ((r = read(fd, captured + ncaptured, sizeof(captured) - 1 - ncaptured)) > 0)
			ncaptured += (size_t)r;
		captured[ncaptured] = '\0';
		snprintf(reply, sizeof(reply), "SPAMD/1.1 0 EX_OK\r\nContent-length: 5\r\n"
		         "Spam: %s ; %.1f / 5.0\r\n\r\nGTUBE", spamd_score >= 5 ? "True" : "False", spamd_score);
		if (write(fd, reply, strlen(reply)) < 0)
			break;
		close(fd);
	}
	return NULL;
}

static void start_fake_spamd(void)
{
	static int lfd;
	struct sockaddr_un sun;
	pthread_t tid;

	snprintf(spamd_path, sizeof(spamd_path), "/tmp/dm-check-callbacks-%ld.sock", (long)getpid());
	unlink(spamd_path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", spamd_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	NEED(lfd >= 0 && bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == 0 && listen(lfd, 8) == 0);
	NEED(pthread_create(&tid, NULL, fake_spamd, &lfd) == 0);
	pthread_detach(tid);
}

/* The same config as the sessions above, with spamd. */
static void setup_content(void)
{
	struct dm_config *cfg = dm_snapshot_pin();
	struct dm_config *c2 = dm_config_defaults();
	struct dm_errors errs = { NULL, 0 };
	char list[160], err[200];
	size_t n = 0;

	NEED(c2 != NULL);
	start_fake_spamd();
	snprintf(list, sizeof(list), "unix:%s", spamd_path);
	NEED(spamd_backends_parse(list, c2->spamd, SPAMD_BACKENDS_MAX, &n, err, sizeof(err)) == 0);
	c2->nspamd = n;
	free(c2->dns_servers);
	c2->dns_servers = strdup(cfg->dns_servers);
	c2->dns_timeout_ms = cfg->dns_timeout_ms;
	c2->ntrusted = 0;
	c2->def = dm_policy_builtin();
	c2->policies = calloc(1, sizeof(*c2->policies));
	c2->policies[0] = dm_policy_copy(c2->def, "strict.example", "strict.example.conf");
	NEED(c2->def && c2->policies[0] && dm_policy_finish(c2->policies[0], &errs) == 0);
	c2->npolicies = 1;
	dm_snapshot_unpin(cfg);
	dm_snapshot_stamp(c2);
	NEED(dm_runtime_configure(c2) == 0);
	dm_metrics_configure(c2);
	dm_snapshot_publish(c2);
}

struct crow {
	const char *name;
	const char *rcpts[3];
	sfsistat want_rcpt[3];
	const char *headers[4];       /* "Name: value", NULL ends; none: no header line at all */
	int eoh;                      /* the MTA sends end-of-headers */
	const char *body[3];          /* body chunks as the MTA cuts them */
	double score;
	sfsistat want_eom;
	const char *want_sent;        /* substring of what spamd received; NULL: not checked */
	const char *never_sent;       /* must not appear in it */
};

#define CRLF "\r\n"
static const struct crow crows[] = {
	{ "no header lines, end of headers sent: scanned", { "<a@x.example>" }, { C }, { NULL }, 1,
	  { "GTUBE line" CRLF }, 1000, REJ, ")" CRLF "\tby ", NULL },
	{ "no header lines, no end of headers: scanned", { "<a@x.example>" }, { C }, { NULL }, 0,
	  { "GTUBE line" CRLF }, 1000, REJ, CRLF CRLF "GTUBE line" CRLF, NULL },
	{ "nothing at all: an empty message is scanned", { "<a@x.example>" }, { C }, { NULL }, 0,
	  { NULL }, 1000, REJ, "(doorman)", NULL },
	{ "CRLF split by the body chunk boundary", { "<a@x.example>" }, { C }, { "Subject: hi" }, 1,
	  { "line one\r", "\nline two\r", "\n" }, 1, C, "line one" CRLF "line two" CRLF, "\r\r" },
	{ "bare LF in the body made CRLF once", { "<a@x.example>" }, { C }, { "Subject: hi" }, 1,
	  { "a\nb", "\n" }, 1, C, "a" CRLF "b" CRLF, "\r\r" },
	{ "a recipient deferred by the policy split is no exemption", { "<a@strict.example>", "<postmaster@x.example>" },
	  { C, TF }, { "Subject: buy" }, 1, { "GTUBE" CRLF }, 1000, REJ, NULL, NULL },
	{ "an accepted postmaster still gets spam (tagged)", { "<postmaster@x.example>" }, { C },
	  { "Subject: buy" }, 1, { "GTUBE" CRLF }, 1000, C, NULL, NULL },
	/* the envelope, above every Received header, as SpamAssassin reads it */
	{ "the envelope comes first", { "<a@x.example>", "<b@x.example>" }, { C, C }, { "Subject: hi" }, 1,
	  { "hi" CRLF }, 1, C, "X-Envelope-From: <s@sender.example>" CRLF "X-Envelope-To: <a@x.example>," CRLF
	  "\t<b@x.example>" CRLF "Received: from [192.0.2.20] (client.example [192.0.2.20])" CRLF
	  "\t(envelope-from <s@sender.example>)" CRLF "\tby ", NULL },
	{ "a client's X-Envelope-From never reaches spamd", { "<a@x.example>" }, { C },
	  { "X-Envelope-From: <forged@bank.example>", "Subject: hi", "x-envelope-to: <forged@bank.example>",
	    "Envelope-Sender: forged@bank.example" }, 1, { "hi" CRLF }, 1, C, "Subject: hi", "forged" },
	{ "a client's Received cannot name the envelope sender", { "<a@x.example>" }, { C },
	  { "Received: from evil (evil [10.0.0.1]) (envelope-from <forged@bank.example>) by relay.evil" }, 1,
	  { "hi" CRLF }, 1, C, "(envelope_from <forged@bank.example>) by relay.evil", "envelope-from <forged" },
	{ "a client's Return-Path in a Received is defused too", { "<a@x.example>" }, { C },
	  { "Received: from evil (Return-Path: forged@bank.example) by relay.evil" }, 1,
	  { "hi" CRLF }, 1, C, "(Return_Path: forged@bank.example)", "Return-Path: forged" },
	/* one verdict per message: an exempt co-recipient never turns reject into tag */
	{ "postmaster as a co-recipient is split off", { "<u1@x.example>", "<postmaster@x.example>", "<u2@x.example>" },
	  { C, TF, C }, { "Subject: buy" }, 1, { "GTUBE" CRLF }, 1000, REJ, NULL, NULL },
	{ "postmaster first: the others are split off", { "<Postmaster@x.example>", "<u1@x.example>", "<abuse@x.example>" },
	  { C, TF, C }, { "Subject: buy" }, 1, { "GTUBE" CRLF }, 1000, C, NULL, NULL },
};

START_TEST(test_content)
{
	const struct crow *r = &crows[_i];
	struct sockaddr_in sin;
	SMFICTX *ctx = (SMFICTX *)(void *)&sin;
	char *argv[2] = { NULL, NULL };
	int i;

	setup_content();
	dm_smfi = &fake;
	fake_priv = NULL;
	spamd_score = r->score;
	ncaptured = 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.20", &sin.sin_addr);
	ck_assert_int_eq(dm_connect(ctx, "client.example", (struct sockaddr *)&sin), C);
	ck_assert_int_eq(dm_helo(ctx, "[192.0.2.20]"), C);
	argv[0] = "<s@sender.example>";
	ck_assert_int_eq(dm_envfrom(ctx, argv), C);
	for (i = 0; i < 3 && r->rcpts[i]; i++) {
		argv[0] = (char *)r->rcpts[i];
		ck_assert_msg(dm_envrcpt(ctx, argv) == r->want_rcpt[i], "%s: rcpt %d", r->name, i);
	}
	for (i = 0; i < 4 && r->headers[i]; i++) {
		char name[64];
		const char *colon = strchr(r->headers[i], ':');
		snprintf(name, sizeof(name), "%.*s", (int)(colon - r->headers[i]), r->headers[i]);
		ck_assert_int_eq(dm_header(ctx, name, (char *)colon + 2), C);
	}
	if (r->eoh)
		ck_assert_int_eq(dm_eoh(ctx), C);
	for (i = 0; i < 3 && r->body[i]; i++)
		dm_body(ctx, (unsigned char *)r->body[i], strlen(r->body[i]));
	ck_assert_msg(dm_eom(ctx) == r->want_eom, "%s: end of message", r->name);
	ck_assert_int_eq(dm_close(ctx), C);
	ck_assert_msg(ncaptured > 0, "%s: nothing reached spamd", r->name);
	if (r->want_sent)
		ck_assert_msg(strstr(captured, r->want_sent) != NULL, "%s: spamd got [%s]", r->name, captured);
	if (r->never_sent)
		ck_assert_msg(strstr(captured, r->never_sent) == NULL, "%s: spamd got [%s]", r->name, captured);
}
END_TEST

/* The MTA's macros: {mail_addr} is the envelope sender, {tls_version},
 * {cipher} and {cipher_bits} say the session is encrypted; 1,000
 * recipients give a bounded X-Envelope-To. */
START_TEST(test_envelope_macros)
{
	struct sockaddr_in sin;
	SMFICTX *ctx = (SMFICTX *)(void *)&sin;
	char *argv[2] = { "<s@sender.example>", NULL };
	char rcpt[64];
	const char *to, *end;
	int i;

	setup_content();
	dm_smfi = &fake;
	fake_priv = NULL;
	spamd_score = 1;
	fake_macros[0] = "{mail_addr}";
	fake_macros[1] = "";                     /* the null sender, as Postfix says it */
	fake_macros[2] = "{tls_version}";
	fake_macros[3] = "TLSv1.3";
	fake_macros[4] = "{cipher}";
	fake_macros[5] = "TLS_AES_256_GCM_SHA384";
	fake_macros[6] = NULL;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.20", &sin.sin_addr);
	ck_assert_int_eq(dm_connect(ctx, "client.example", (struct sockaddr *)&sin), C);
	ck_assert_int_eq(dm_helo(ctx, "[192.0.2.20]"), C);
	ck_assert_int_eq(dm_envfrom(ctx, argv), C);
	for (i = 0; i < 1000; i++) {
		snprintf(rcpt, sizeof(rcpt), "<user%d@x.example>", i);
		argv[0] = rcpt;
		ck_assert_int_eq(dm_envrcpt(ctx, argv), C);
	}
	ck_assert_int_eq(dm_header(ctx, "Subject", "hi"), C);
	ck_assert_int_eq(dm_eom(ctx), C);
	ck_assert_int_eq(dm_close(ctx), C);
	memset(fake_macros, 0, sizeof(fake_macros));
#define ENV_TOP "X-Envelope-From: <>" CRLF "X-Envelope-To: <user0@x.example>,"
	/* the message begins after the request's empty line */
	ck_assert_msg(strstr(captured, CRLF CRLF ENV_TOP) != NULL,
	              "spamd got [%.300s]", captured);
	ck_assert_ptr_nonnull(strstr(captured, "(envelope-from <>)" CRLF
	                             "\tby localhost (doorman) with ESMTPS (TLSv1.3:TLS_AES_256_GCM_SHA384:0) id QID42;"));
	to = strstr(captured, "X-Envelope-To: ");
	end = strstr(captured, CRLF "Received: ");
	ck_assert_ptr_nonnull(to);
	ck_assert_ptr_nonnull(end);
	ck_assert_uint_lt((size_t)(end - to), 2200);
	ck_assert_ptr_null(strstr(captured, "user999@"));
}
END_TEST

/* Envelope senders from outside, as the MTA's {mail_addr} gives them:
 * what spamd sees of each above the message. */
static char sender_1000[1002];
static const struct {
	const char *name, *mail_addr, *want, *never;
} senders[] = {
	{ "quoted local part: X-Envelope-From only", "\"john doe\"@sender.example",
	  "X-Envelope-From: <\"john doe\"@sender.example>" CRLF, "(envelope-from" },
	{ "8-bit", "j\xc3\xb6rg@sender.example", "(envelope-from <j??rg@sender.example>)", "\xc3" },
	{ "CR LF and a fake comment", "a@b>\r\nX-Spam-Flag: NO\r\n(envelope-from <evil@x>",
	  "X-Envelope-From: <a@b???X-Spam-Flag: NO???envelope-from ?evil@x?>" CRLF, "\nX-Spam-Flag" },
	{ "1,000 characters: left out, not cut", sender_1000, "X-Envelope-To: <a@x.example>" CRLF "Received: ",
	  "X-Envelope-From" },
};

START_TEST(test_bad_senders)
{
	struct sockaddr_in sin;
	SMFICTX *ctx = (SMFICTX *)(void *)&sin;
	char *argv[2] = { "<s@sender.example>", NULL };

	memset(sender_1000, 's', 1000);
	sender_1000[1000] = '\0';
	setup_content();
	dm_smfi = &fake;
	fake_priv = NULL;
	spamd_score = 1;
	fake_macros[0] = "{mail_addr}";
	fake_macros[1] = senders[_i].mail_addr;
	fake_macros[2] = NULL;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.20", &sin.sin_addr);
	ck_assert_int_eq(dm_connect(ctx, "client.example", (struct sockaddr *)&sin), C);
	ck_assert_int_eq(dm_helo(ctx, "[192.0.2.20]"), C);
	ck_assert_int_eq(dm_envfrom(ctx, argv), C);
	argv[0] = "<a@x.example>";
	ck_assert_int_eq(dm_envrcpt(ctx, argv), C);
	ck_assert_int_eq(dm_header(ctx, "Subject", "hi"), C);
	ck_assert_int_eq(dm_eom(ctx), C);
	ck_assert_int_eq(dm_close(ctx), C);
	memset(fake_macros, 0, sizeof(fake_macros));
	ck_assert_msg(strstr(captured, senders[_i].want) != NULL, "%s: spamd got [%.600s]", senders[_i].name, captured);
	ck_assert_msg(strstr(captured, senders[_i].never) == NULL, "%s: spamd got [%.600s]", senders[_i].name, captured);
}
END_TEST

/* A Subject of 20,000 bytes is tagged whole: the new value unfolds to the
 * tag, a blank, and the old value. */
START_TEST(test_long_subject)
{
	static char subject[20001], unfolded[40000];
	struct sockaddr_in sin;
	SMFICTX *ctx = (SMFICTX *)(void *)&sin;
	char *argv[2] = { "<s@sender.example>", NULL };
	size_t i, n = 0;

	setup_content();
	dm_smfi = &fake;
	fake_priv = NULL;
	spamd_score = 7;                 /* tag, not reject */
	for (i = 0; i < sizeof(subject) - 1; i++)
		subject[i] = i % 7 == 6 ? ' ' : (char)('a' + i % 26);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.20", &sin.sin_addr);
	ck_assert_int_eq(dm_connect(ctx, "client.example", (struct sockaddr *)&sin), C);
	ck_assert_int_eq(dm_helo(ctx, "[192.0.2.20]"), C);
	ck_assert_int_eq(dm_envfrom(ctx, argv), C);
	argv[0] = "<a@x.example>";
	ck_assert_int_eq(dm_envrcpt(ctx, argv), C);
	ck_assert_int_eq(dm_header(ctx, "Subject", subject), C);
	ck_assert_int_eq(dm_eoh(ctx), C);
	ck_assert_int_eq(dm_eom(ctx), C);
	ck_assert_int_eq(dm_close(ctx), C);
	ck_assert_ptr_nonnull(subject_set);
	for (i = 0; subject_set[i]; i++)
		if (subject_set[i] != '\n')
			unfolded[n++] = subject_set[i];
	unfolded[n] = '\0';
	ck_assert_int_eq(strncmp(unfolded, "[SPAM] ", 7), 0);
	ck_assert_str_eq(unfolded + 7, subject);
	ck_assert_ptr_nonnull(strchr(subject_set, '\n'));
}
END_TEST

/* A configuration published late (loaded earlier) never replaces a newer one. */
START_TEST(test_snapshot_generation)
{
	struct dm_config *older = dm_config_defaults(), *newer = dm_config_defaults(), *cur;

	dm_snapshot_stamp(older);
	dm_snapshot_stamp(newer);
	ck_assert_int_eq(dm_snapshot_publish(newer), 0);
	ck_assert_int_eq(dm_snapshot_publish(older), -1);      /* freed, not published */
	cur = dm_snapshot_pin();
	ck_assert_ptr_eq(cur, newer);
	dm_snapshot_unpin(cur);
}
END_TEST

/* ------------------------------------------------ the content state machine */

#define M(x) DM_MSG_##x
/* Every cell of msgstate.c's table, written out again: a state, then the
 * next state for SCAN, QUIET, FULL, HEADERS_END, OFF. */
static const struct { enum dm_msg_state from, to[DM_MSG_EVENTS]; } msg_cells[] = {
	{ M(UNDECIDED), { M(HEAD_SCAN), M(HEAD_QUIET), M(UNDECIDED), M(UNDECIDED), M(OFF) } },
	{ M(HEAD_SCAN), { M(HEAD_SCAN), M(HEAD_SCAN), M(HEAD_FULL), M(BODY_SCAN), M(HEAD_SCAN) } },
	{ M(HEAD_QUIET), { M(HEAD_QUIET), M(HEAD_QUIET), M(HEAD_QUIET), M(BODY_QUIET), M(HEAD_QUIET) } },
	{ M(HEAD_FULL), { M(HEAD_FULL), M(HEAD_FULL), M(HEAD_FULL), M(BODY_FULL), M(HEAD_FULL) } },
	{ M(BODY_SCAN), { M(BODY_SCAN), M(BODY_SCAN), M(BODY_FULL), M(BODY_SCAN), M(BODY_SCAN) } },
	{ M(BODY_QUIET), { M(BODY_QUIET), M(BODY_QUIET), M(BODY_QUIET), M(BODY_QUIET), M(BODY_QUIET) } },
	{ M(BODY_FULL), { M(BODY_FULL), M(BODY_FULL), M(BODY_FULL), M(BODY_FULL), M(BODY_FULL) } },
	{ M(OFF), { M(OFF), M(OFF), M(OFF), M(OFF), M(OFF) } },
};

/* What each state means for the bytes: sends, in_body, full. */
static const struct { enum dm_msg_state s; int sends, in_body, full; const char *name; } msg_states[] = {
	{ M(UNDECIDED), 0, 0, 0, "undecided" },
	{ M(HEAD_SCAN), 1, 0, 0, "head_scan" },
	{ M(HEAD_QUIET), 0, 0, 0, "head_quiet" },
	{ M(HEAD_FULL), 0, 0, 1, "head_full" },
	{ M(BODY_SCAN), 1, 1, 0, "body_scan" },
	{ M(BODY_QUIET), 0, 1, 0, "body_quiet" },
	{ M(BODY_FULL), 0, 1, 1, "body_full" },
	{ M(OFF), 0, 1, 0, "off" },
};

START_TEST(test_msg_transitions)
{
	int e;

	ck_assert_int_eq((int)(sizeof(msg_cells) / sizeof(msg_cells[0])), DM_MSG_STATES);
	ck_assert_int_eq((int)msg_cells[_i].from, _i);
	for (e = 0; e < DM_MSG_EVENTS; e++)
		ck_assert_msg(dm_msg_next(msg_cells[_i].from, (enum dm_msg_event)e) == msg_cells[_i].to[e],
		              "%s on event %d: got %s, want %s", dm_msg_state_name(msg_cells[_i].from), e,
		              dm_msg_state_name(dm_msg_next(msg_cells[_i].from, (enum dm_msg_event)e)),
		              dm_msg_state_name(msg_cells[_i].to[e]));
	/* out of range: no move */
	ck_assert_int_eq(dm_msg_next(msg_cells[_i].from, DM_MSG_EVENTS), msg_cells[_i].from);
}
END_TEST

START_TEST(test_msg_states)
{
	ck_assert_int_eq((int)(sizeof(msg_states) / sizeof(msg_states[0])), DM_MSG_STATES);
	ck_assert_int_eq((int)msg_states[_i].s, _i);
	ck_assert_int_eq(dm_msg_sends(msg_states[_i].s), msg_states[_i].sends);
	ck_assert_int_eq(dm_msg_in_body(msg_states[_i].s), msg_states[_i].in_body);
	ck_assert_int_eq(dm_msg_full(msg_states[_i].s), msg_states[_i].full);
	ck_assert_str_eq(dm_msg_state_name(msg_states[_i].s), msg_states[_i].name);
}
END_TEST

/* A new message (calloc'd) starts undecided. */
START_TEST(test_msg_new)
{
	struct msgctx *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->state, DM_MSG_UNDECIDED);
	free(m);
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
	tcase_add_test(tc, test_mta_rcpt_addr);
	suite_add_tcase(s, tc);
	tc = tcase_create("content");
	tcase_add_loop_test(tc, test_content, 0, (int)(sizeof(crows) / sizeof(crows[0])));
	tcase_add_test(tc, test_long_subject);
	tcase_add_test(tc, test_envelope_macros);
	tcase_add_loop_test(tc, test_bad_senders, 0, (int)(sizeof(senders) / sizeof(senders[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("msgstate");
	tcase_add_loop_test(tc, test_msg_transitions, 0, DM_MSG_STATES);
	tcase_add_loop_test(tc, test_msg_states, 0, DM_MSG_STATES);
	tcase_add_test(tc, test_msg_new);
	suite_add_tcase(s, tc);
	tc = tcase_create("snapshot");
	tcase_add_test(tc, test_snapshot_generation);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

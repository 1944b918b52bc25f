/*
 * callbacks.c - thin glue between libmilter and filters/.
 *
 * connect: pin the config, trusted clients are accepted outright.
 * helo:    classify (filters/helo.c), fire A/AAAA/MX lookups at once.
 * rcpt:    collect the lookups under the deadline (first RCPT only), decide
 *          under this recipient's policy (filters/verdict.c) and enforce;
 *          one policy per message (452 4.5.3 for a recipient whose policy
 *          differs from the first accepted one's).
 * eom/close: one summary line each. Strings from libmilter are copied,
 * never kept; out of memory is a tempfail, never a crash.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "callbacks.h"
#include "config.h"
#include "helo.h"
#include "log.h"
#include "resolver.h"
#include "seam.h"
#include "snapshot.h"
#include "text.h"
#include "verdict.h"

#define LOG_MAX 100             /* bound on any outside text in a log line */

enum { Q_A, Q_AAAA, Q_MX, Q_COUNT };

struct msgctx {
	char from[LOG_MAX + 1];
	char auth[LOG_MAX + 1];       /* {auth_authen}; "" = not authenticated */
	const struct dm_policy *policy;   /* of the first accepted recipient */
	unsigned rcpt_ok, rcpt_rejected, rcpt_deferred;
	char shadowed[32];            /* check name that was shadowed, for the summary */
	uint64_t t_start;
};

struct connctx {
	struct dm_config *cfg;
	char client_ip[64];
	char client_name[LOG_MAX + 1];
	struct dm_addr client;
	int client_known, trusted;
	char helo[LOG_MAX + 1];       /* cleaned, for logs and replies */
	int helo_seen;
	struct helo_result hr;
	struct dm_resolver *res;
	int q[Q_COUNT];
	uint64_t dns_start, dns_deadline;
	int collected;
	struct dm_findings findings;
	char dns_outcome[16];
	unsigned dns_ms;
	unsigned msgs, rcpt_ok, rcpt_rejected, rcpt_deferred;
	uint64_t t_connect;
	struct msgctx *msg;
};

static struct connctx *conn_of(SMFICTX *ctx)
{
	return dm_smfi->getpriv(ctx);
}

static void msg_free(struct connctx *c)
{
	free(c->msg);
	c->msg = NULL;
}

static void conn_free(struct connctx *c)
{
	msg_free(c);
	dm_resolver_free(c->res);
	dm_snapshot_unpin(c->cfg);
	free(c);
}

/* A macro value, cleaned and bounded; "" when absent. */
static void symval(SMFICTX *ctx, const char *name, char *out, size_t outlen)
{
	char n[32];

	snprintf(n, sizeof(n), "%s", name);
	dm_cleans(out, outlen, dm_smfi->getsymval(ctx, n), LOG_MAX);
}

static void queue_id(SMFICTX *ctx, char *out, size_t outlen)
{
	symval(ctx, "i", out, outlen);
	if (out[0] == '\0')
		snprintf(out, outlen, "NOQUEUE");
}

sfsistat dm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                      unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                      unsigned long *pf2, unsigned long *pf3)
{
	/* Steps we do not use: the MTA need not send them at all. */
	unsigned long skip = SMFIP_NOHDRS | SMFIP_NOBODY | SMFIP_NOEOH | SMFIP_NOUNKNOWN | SMFIP_NODATA;

	(void)f0;
	*pf0 = 0;
	*pf1 = f1 & SMFIF_SETSYMLIST;
	*pf2 = f2 & skip;
	*pf3 = 0;
	(void)f3;
	if (f1 & SMFIF_SETSYMLIST) {
		dm_smfi->setsymlist(ctx, SMFIM_ENVFROM, "i {auth_authen}");
		dm_smfi->setsymlist(ctx, SMFIM_ENVRCPT, "i");
		dm_smfi->setsymlist(ctx, SMFIM_EOM, "i");
	}
	return SMFIS_CONTINUE;
}

sfsistat dm_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	struct connctx *c = calloc(1, sizeof(*c));
	size_t i;

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	c->cfg = dm_snapshot_pin();
	c->t_connect = dm_now_ms();
	for (i = 0; i < Q_COUNT; i++)
		c->q[i] = -1;
	dm_cleans(c->client_name, sizeof(c->client_name), hostname ? hostname : "unknown", LOG_MAX);
	snprintf(c->client_ip, sizeof(c->client_ip), "unknown");
	if (hostaddr != NULL && hostaddr->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)hostaddr;
		c->client.family = AF_INET;
		memcpy(c->client.b, &sin->sin_addr, 4);
		c->client_known = 1;
	} else if (hostaddr != NULL && hostaddr->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)hostaddr;
		char text[INET6_ADDRSTRLEN];
		/* normalises v4-mapped addresses to IPv4 */
		if (inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text)) != NULL &&
		    dm_addr_parse(text, &c->client) == 0)
			c->client_known = 1;
	}
	if (c->client_known)
		dm_addr_format(&c->client, c->client_ip, sizeof(c->client_ip));
	if (dm_smfi->setpriv(ctx, c) != MI_SUCCESS) {
		conn_free(c);
		return SMFIS_TEMPFAIL;
	}
	for (i = 0; c->client_known && i < c->cfg->ntrusted; i++)
		if (dm_cidr_match(&c->cfg->trusted[i], &c->client)) {
			c->trusted = 1;
			return SMFIS_ACCEPT;
		}
	return SMFIS_CONTINUE;
}

/* Start the A/AAAA/MX lookups for the HELO name; answers are read at RCPT. */
static void start_helo_lookups(struct connctx *c)
{
	static const enum dm_dns_type types[Q_COUNT] = { DM_DNS_A, DM_DNS_AAAA, DM_DNS_MX };
	char err[200];
	int i;

	if (c->res == NULL) {
		c->res = dm_resolver_new(c->cfg->dns_servers, c->cfg->dns_timeout_ms / 3, err, sizeof(err));
		if (c->res == NULL) {
			dm_log(LOG_ERR, "resolver: %s", err);
			return;
		}
	}
	c->dns_start = dm_now_ms();
	c->dns_deadline = c->dns_start + c->cfg->dns_timeout_ms;
	for (i = 0; i < Q_COUNT; i++)
		c->q[i] = dm_resolver_submit(c->res, c->hr.name, types[i]);
}

sfsistat dm_helo(SMFICTX *ctx, char *helohost)
{
	struct connctx *c = conn_of(ctx);
	struct helo_self self;
	const char *h = helohost ? helohost : "";
	int i;

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	/* A second HELO (after STARTTLS, or a client changing its mind) starts over. */
	if (c->res != NULL)
		dm_resolver_reset(c->res);
	for (i = 0; i < Q_COUNT; i++)
		c->q[i] = -1;
	c->collected = 0;
	c->helo_seen = 1;
	dm_cleans(c->helo, sizeof(c->helo), h, LOG_MAX);
	self.names = (const char *const *)c->cfg->hostnames;
	self.nnames = c->cfg->nhostnames;
	self.addrs = c->cfg->addresses;
	self.naddrs = c->cfg->naddresses;
	helo_classify(h, strlen(h), c->client_known ? &c->client : NULL, &self, &c->hr);
	if (c->hr.want_lookup)
		start_helo_lookups(c);
	return SMFIS_CONTINUE;
}

/* Read the lookups (once per HELO) and settle the connect-stage findings. */
static void collect(struct connctx *c)
{
	const struct dm_dns_result *r[Q_COUNT];
	int i, answer = 0, temp = 0;

	if (c->collected)
		return;
	c->collected = 1;
	c->findings.helo = c->hr.findings;
	c->findings.helo_reason = c->hr.reason;
	c->findings.helo_dns_temp = 0;
	if (!c->helo_seen) {
		/* No HELO at all (Postfix with smtpd_helo_required = no). */
		c->findings.helo |= HELO_BIT(HELO_INVALID);
		snprintf(c->hr.reason, sizeof(c->hr.reason), "no HELO/EHLO");
		return;
	}
	if (c->q[0] < 0) {
		snprintf(c->dns_outcome, sizeof(c->dns_outcome), c->hr.want_lookup ? "error" : "none");
		if (c->hr.want_lookup)
			c->findings.helo_dns_temp = 1;
		return;
	}
	dm_resolver_collect(c->res, c->dns_deadline);
	c->dns_ms = (unsigned)(dm_now_ms() - c->dns_start);
	for (i = 0; i < Q_COUNT; i++) {
		r[i] = dm_resolver_result(c->res, c->q[i]);
		if (r[i] == NULL || r[i]->status == DM_DNS_ERROR || r[i]->status == DM_DNS_TIMEOUT)
			temp = 1;
		else if (r[i]->status == DM_DNS_ANSWER)
			answer = 1;
	}
	if (answer) {
		snprintf(c->dns_outcome, sizeof(c->dns_outcome), "found");
	} else if (temp) {
		int timeout = 0;
		for (i = 0; i < Q_COUNT; i++)
			timeout |= r[i] != NULL && r[i]->status == DM_DNS_TIMEOUT;
		snprintf(c->dns_outcome, sizeof(c->dns_outcome), timeout ? "timeout" : "error");
		c->findings.helo_dns_temp = 1;
	} else {
		snprintf(c->dns_outcome, sizeof(c->dns_outcome), "notfound");
		c->findings.helo |= HELO_BIT(HELO_UNKNOWN);
	}
}

sfsistat dm_envfrom(SMFICTX *ctx, char **argv)
{
	struct connctx *c = conn_of(ctx);

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	msg_free(c);
	c->msg = calloc(1, sizeof(*c->msg));
	if (c->msg == NULL)
		return SMFIS_TEMPFAIL;
	c->msg->t_start = dm_now_ms();
	{
		const char *f = argv && argv[0] ? argv[0] : "";
		f += *f == '<';
		dm_clean(c->msg->from, sizeof(c->msg->from), f, strcspn(f, ">"), LOG_MAX);
	}
	symval(ctx, "{auth_authen}", c->msg->auth, sizeof(c->msg->auth));
	c->msgs++;
	return SMFIS_CONTINUE;
}

/* "<User@Example.COM>" -> "User@Example.COM" (bounded, cleaned) and its domain. */
static void split_rcpt(const char *arg, char *addr, size_t addrlen, const char **domain)
{
	size_t len;
	char *at;

	if (arg == NULL)
		arg = "";
	if (*arg == '<')
		arg++;
	len = strcspn(arg, ">");
	dm_clean(addr, addrlen, arg, len, 254);
	at = strrchr(addr, '@');
	*domain = at ? at + 1 : NULL;
}

static void log_rcpt(struct connctx *c, SMFICTX *ctx, const char *what, const struct dm_decision *d,
                     const char *rcpt, const struct dm_policy *pol, const char *extra)
{
	char qid[40], to[LOG_MAX + 1];

	queue_id(ctx, qid, sizeof(qid));
	dm_cleans(to, sizeof(to), rcpt, LOG_MAX);
	dm_log(LOG_INFO, "%s: %s: RCPT from %s[%s]: %s %s %s; from=<%s> to=<%s> helo=<%s> policy=%s check=%s%s",
	       qid, what, c->client_name, c->client_ip, d->code, d->xcode, d->text,
	       c->msg ? c->msg->from : "", to, c->helo, pol->name, d->check, extra);
}

/* One policy per message: a recipient under another policy than the first
 * accepted one is deferred, and the client sends it in a new transaction. */
static sfsistat defer_policy_split(struct connctx *c, SMFICTX *ctx, const char *rcpt,
                                   const struct dm_policy *pol)
{
	struct dm_decision d;
	char extra[LOG_MAX + 16];

	memset(&d, 0, sizeof(d));
	memcpy(d.code, "452", 4);
	memcpy(d.xcode, "4.5.3", 6);
	snprintf(d.text, sizeof(d.text),
	         "<%.100s>: Recipient address has another filtering policy than the first; "
	         "send it in a separate transaction", rcpt);
	snprintf(d.check, sizeof(d.check), "policy_split");
	if (dm_setreply(ctx, d.code, d.xcode, d.text) < 0)
		dm_log(LOG_WARNING, "cannot set reply 452 4.5.3");
	snprintf(extra, sizeof(extra), " first_policy=%s", c->msg->policy->name);
	log_rcpt(c, ctx, "defer", &d, rcpt, pol, extra);
	c->msg->rcpt_deferred++;
	c->rcpt_deferred++;
	return SMFIS_TEMPFAIL;
}

sfsistat dm_envrcpt(SMFICTX *ctx, char **argv)
{
	struct connctx *c = conn_of(ctx);
	struct dm_decision d;
	struct dm_reply_vars vars;
	const struct dm_policy *pol;
	const char *domain;
	char rcpt[256];

	if (c == NULL || c->msg == NULL)
		return SMFIS_TEMPFAIL;
	split_rcpt(argv ? argv[0] : NULL, rcpt, sizeof(rcpt), &domain);
	pol = dm_policy_for_domain(c->cfg, domain);
	collect(c);

	memset(&vars, 0, sizeof(vars));
	vars.helo = c->helo;
	vars.client = c->client_ip;
	dm_decide_connect(pol, &c->findings, &vars, &d);

	if (d.action >= DM_ACT_TEMPFAIL) {
		if (dm_policy_exempt(pol, rcpt)) {
			log_rcpt(c, ctx, "pass", &d, rcpt, pol, " exempt=recipient");
		} else if (c->msg->auth[0] != '\0') {
			char extra[LOG_MAX + 32];
			snprintf(extra, sizeof(extra), " exempt=auth sasl_username=%s", c->msg->auth);
			log_rcpt(c, ctx, "pass", &d, rcpt, pol, extra);
		} else {
			if (dm_setreply(ctx, d.code, d.xcode, d.text) < 0)
				dm_log(LOG_WARNING, "cannot set reply %s %s", d.code, d.xcode);
			log_rcpt(c, ctx, d.action == DM_ACT_REJECT ? "reject" : "defer", &d, rcpt, pol, "");
			if (d.action == DM_ACT_REJECT) {
				c->msg->rcpt_rejected++;
				c->rcpt_rejected++;
				return SMFIS_REJECT;
			}
			c->msg->rcpt_deferred++;
			c->rcpt_deferred++;
			return SMFIS_TEMPFAIL;
		}
	} else if (d.action == DM_ACT_SHADOW) {
		log_rcpt(c, ctx, d.would == DM_ACT_REJECT ? "shadow: would reject" : "shadow: would defer",
		         &d, rcpt, pol, "");
		snprintf(c->msg->shadowed, sizeof(c->msg->shadowed), "%s", d.check);
	}

	if (c->msg->policy != NULL && c->msg->policy != pol)
		return defer_policy_split(c, ctx, rcpt, pol);
	c->msg->policy = pol;
	c->msg->rcpt_ok++;
	c->rcpt_ok++;
	return SMFIS_CONTINUE;
}

sfsistat dm_eom(SMFICTX *ctx)
{
	struct connctx *c = conn_of(ctx);
	char qid[40];

	if (c == NULL || c->msg == NULL)
		return SMFIS_CONTINUE;
	queue_id(ctx, qid, sizeof(qid));
	dm_log(LOG_INFO, "%s: accept: client=%s[%s] helo=<%s> from=<%s> rcpts=%u policy=%s%s%s%s%s total_ms=%u",
	       qid, c->client_name, c->client_ip, c->helo, c->msg->from, c->msg->rcpt_ok,
	       c->msg->policy ? c->msg->policy->name : "-",
	       c->msg->shadowed[0] ? " shadowed=" : "", c->msg->shadowed,
	       c->msg->auth[0] ? " sasl_username=" : "", c->msg->auth,
	       (unsigned)(dm_now_ms() - c->msg->t_start));
	msg_free(c);
	return SMFIS_CONTINUE;
}

sfsistat dm_abort(SMFICTX *ctx)
{
	struct connctx *c = conn_of(ctx);

	if (c != NULL)
		msg_free(c);
	return SMFIS_CONTINUE;
}

static void findings_list(unsigned bits, int temp, char *out, size_t outlen)
{
	size_t o = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < HELO_CHECK_COUNT && o < outlen; i++)
		if (bits & HELO_BIT(i))
			o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? "," : "", helo_check_name((enum helo_check)i));
	if (temp && o < outlen)
		o += (size_t)snprintf(out + o, outlen - o, "%sdns_error", o ? "," : "");
	if (o == 0)
		snprintf(out, outlen, "none");
}

sfsistat dm_close(SMFICTX *ctx)
{
	struct connctx *c = conn_of(ctx);
	char found[160];

	if (c == NULL)
		return SMFIS_CONTINUE;
	if (c->trusted) {
		dm_log(LOG_INFO, "close: client=%s[%s] trusted=yes total_ms=%u", c->client_name, c->client_ip,
		       (unsigned)(dm_now_ms() - c->t_connect));
	} else {
		if (!c->collected)
			findings_list(c->hr.findings, 0, found, sizeof(found));
		else
			findings_list(c->findings.helo, c->findings.helo_dns_temp, found, sizeof(found));
		dm_log(LOG_INFO, "close: client=%s[%s] helo=<%s> findings=%s dns=%s dns_ms=%u msgs=%u "
		       "rcpt_ok=%u rcpt_rejected=%u rcpt_deferred=%u total_ms=%u",
		       c->client_name, c->client_ip, c->helo, found,
		       c->dns_outcome[0] ? c->dns_outcome : "-", c->dns_ms, c->msgs,
		       c->rcpt_ok, c->rcpt_rejected, c->rcpt_deferred, (unsigned)(dm_now_ms() - c->t_connect));
	}
	dm_smfi->setpriv(ctx, NULL);
	conn_free(c);
	return SMFIS_CONTINUE;
}

struct smfiDesc dm_filter = {
	"doorman",
	SMFI_VERSION,
	SMFIF_SETSYMLIST,
	dm_connect,
	dm_helo,
	dm_envfrom,
	dm_envrcpt,
	NULL,           /* header */
	NULL,           /* eoh */
	NULL,           /* body */
	dm_eom,
	dm_abort,
	dm_close,
	NULL,           /* unknown */
	NULL,           /* data */
	dm_negotiate,
};

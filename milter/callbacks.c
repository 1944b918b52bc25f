/*
 * callbacks.c - thin glue between libmilter and filters/.
 *
 * connect: pin the config; trusted clients are accepted outright; the
 *          client's DNSBL and PTR lookups start (filters/checks/connstage.c).
 * helo:    classify the name, fire its A/AAAA/MX lookups.
 * rcpt:    collect the lookups under the deadline (once per HELO), let
 *          filters/checks/verdict.c decide under this recipient's policy
 *          (dm_decide_connect, dm_decide_rcpt) and carry it out.
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
#include "conn.h"
#include "content.h"
#include "config.h"
#include "connstage.h"
#include "zones.h"
#include "log.h"
#include "mailaddr.h"
#include "metrics.h"
#include "resolver.h"
#include "runtime.h"
#include "seam.h"
#include "snapshot.h"
#include "text.h"
#include "verdict.h"

static struct connctx *conn_of(SMFICTX *ctx)
{
	return dm_smfi->getpriv(ctx);
}

static void msg_free(struct connctx *c)
{
	dm_content_reset(c->msg);
	free(c->msg);
	c->msg = NULL;
}

static void conn_free(struct connctx *c)
{
	if (c->counted)
		dm_session_closed();
	msg_free(c);
	dm_connstage_free(&c->cs);
	dm_snapshot_unpin(c->cfg);
	free(c);
}

static void queue_id(SMFICTX *ctx, char *out, size_t outlen)
{
	dm_symval(ctx, "i", out, outlen, LOG_MAX);
	if (out[0] == '\0')
		snprintf(out, outlen, "NOQUEUE");
}

/* f0: actions the MTA offers, f1: protocol steps it offers (f2, f3 are for
 * future use); we answer with the actions we need in *pf0 and the steps the
 * MTA may leave out in *pf1. */
sfsistat dm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                      unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                      unsigned long *pf2, unsigned long *pf3)
{
	struct dm_config *cfg = dm_snapshot_pin();
	/* headers and body: for spamd, or for an X-Doorman explanation */
	int content = cfg != NULL && (dm_content_enabled(cfg) || cfg->want_explain);
	unsigned long want = SMFIF_SETSYMLIST | SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE;
	/* Steps we never use; without spamd, headers and body are not needed either. */
	unsigned long skip = SMFIP_NOUNKNOWN | SMFIP_NODATA;
	struct connctx *c;

	dm_snapshot_unpin(cfg);
	(void)f2;
	(void)f3;
	if (!content)
		skip |= SMFIP_NOHDRS | SMFIP_NOBODY | SMFIP_NOEOH;
	*pf0 = f0 & want;
	*pf1 = f1 & (skip | SMFIP_SKIP);
	*pf2 = 0;
	*pf3 = 0;
	/* remember whether SMFIS_SKIP may be used on this connection */
	c = calloc(1, sizeof(*c));
	if (c != NULL) {
		c->skip_ok = (f1 & SMFIP_SKIP) != 0;
		c->content_off = !content;
		if (dm_smfi->setpriv(ctx, c) != MI_SUCCESS) {
			free(c);
			c = NULL;
		}
	}
	if (f0 & SMFIF_SETSYMLIST) {
		dm_smfi->setsymlist(ctx, SMFIM_CONNECT, "j");
		/* {tls_version} {cipher} {cipher_bits} and {mail_addr}: the envelope for spamd */
		dm_smfi->setsymlist(ctx, SMFIM_HELO, "{tls_version} {cipher} {cipher_bits}");
		dm_smfi->setsymlist(ctx, SMFIM_ENVFROM, "i {auth_authen} {mail_addr}");
		/* the recipient as the MTA parsed it: policies key on its domain */
		dm_smfi->setsymlist(ctx, SMFIM_ENVRCPT, "i {rcpt_addr}");
		/* Sendmail (8.14.8's source, 8.17.1 seen) sends a filter its own EOM
		 * list only if the filter also set an EOH list: it tests the
		 * EOH flag at EOM. Without one it sends the .cf's EOM macros. */
		dm_smfi->setsymlist(ctx, SMFIM_EOH, "i");
		dm_smfi->setsymlist(ctx, SMFIM_EOM, "i");
	}
	return SMFIS_CONTINUE;
}

/* The client address as libmilter gives it; v4-mapped IPv6 becomes IPv4. */
static int client_addr(const _SOCK_ADDR *sa, struct dm_addr *out)
{
	char text[INET6_ADDRSTRLEN];

	memset(out, 0, sizeof(*out));
	if (sa != NULL && sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;
		out->family = AF_INET;
		memcpy(out->b, &sin->sin_addr, 4);
		return 0;
	}
	if (sa != NULL && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;
		if (inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text)) != NULL)
			return dm_addr_parse(text, out);
	}
	return -1;
}

sfsistat dm_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	struct connctx *c = conn_of(ctx);     /* made at negotiation, if the MTA negotiated */
	struct dm_addr client;
	int known;
	size_t i;

	if (c == NULL)
		c = calloc(1, sizeof(*c));
	if (c == NULL)
		return SMFIS_TEMPFAIL;
	if (dm_runtime_stopping()) {
		/* the MTA defers this client (4xx) and it comes back later */
		dm_smfi->setpriv(ctx, NULL);
		free(c);
		dm_metrics_session(DM_MSESS_REFUSED);
		return SMFIS_TEMPFAIL;
	}
	c->counted = 1;
	dm_session_opened();
	dm_metrics_session(DM_MSESS_OPENED);
	c->cfg = dm_snapshot_pin();
	c->t_connect = dm_now_ms();
	dm_log_session(c->session, sizeof(c->session));
	known = client_addr(hostaddr, &client) == 0;
	dm_connstage_init(&c->cs, c->cfg, dm_dns_cache(), known ? &client : NULL);
	dm_cleans(c->client_name, sizeof(c->client_name), hostname ? hostname : "unknown", LOG_MAX);
	dm_logval(c->client_log, sizeof(c->client_log), c->client_name, LOG_MAX);
	if (known)
		dm_addr_format(&client, c->client_ip, sizeof(c->client_ip));
	else
		snprintf(c->client_ip, sizeof(c->client_ip), "unknown");
	dm_symval(ctx, "j", c->our_host, sizeof(c->our_host), LOG_MAX);
	if (dm_smfi->setpriv(ctx, c) != MI_SUCCESS) {
		conn_free(c);
		return SMFIS_TEMPFAIL;
	}
	for (i = 0; known && i < c->cfg->ntrusted; i++)
		if (dm_cidr_match(&c->cfg->trusted[i], &client)) {
			c->trusted = 1;
			dm_metrics_session(DM_MSESS_TRUSTED);
			return SMFIS_ACCEPT;
		}
	dm_connstage_client(&c->cs, dm_zone_suspended);
	return SMFIS_CONTINUE;
}

sfsistat dm_helo(SMFICTX *ctx, char *helohost)
{
	struct connctx *c = conn_of(ctx);
	const char *h = helohost ? helohost : "";

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	/* A second HELO (after STARTTLS, or a client changing its mind) starts over. */
	dm_cleans(c->helo, sizeof(c->helo), h, LOG_MAX);
	dm_logval(c->helo_log, sizeof(c->helo_log), c->helo, LOG_MAX);
	dm_connstage_poll(&c->cs);
	dm_connstage_helo(&c->cs, h, strlen(h));
	if (c->cs.state == DM_CS_HELO_CAPPED && !c->capped_logged) {
		c->capped_logged = 1;
		dm_log(LOG_NOTICE, "helo: client=%s[%s] helo=<%s> is the HELO name number %u of the session: "
		       "names after the first %d distinct ones are judged without DNS (dns=capped) session=%s",
		       c->client_log, c->client_ip, c->helo_log, c->cs.helo_count, DM_HELO_NAMES_MAX, c->session);
	}
	return SMFIS_CONTINUE;
}

/* The sender for logs: as the MTA parsed it ({mail_addr}), else read as
 * RFC 5321 writes it; "" for the null sender; the raw text, cleaned, when
 * it cannot be read. */
static enum dm_mailaddr_status read_sender(SMFICTX *ctx, const char *arg, struct dm_mailaddr *a, char *out,
                                           size_t outlen)
{
	char name[] = "{mail_addr}", text[512];
	const char *mta = dm_smfi->getsymval(ctx, name);
	enum dm_mailaddr_status st;
	struct dm_mailaddr raw;

	if (mta != NULL)
		st = dm_mailaddr_parse_internal(mta, strlen(mta), a);
	else
		st = dm_mailaddr_parse(arg, strlen(arg), a);
	if (st == DM_MA_BAD)
		dm_cleans(text, sizeof(text), arg, sizeof(text) - 1);
	else
		dm_mailaddr_format(a, st, text, sizeof(text));
	dm_cleans(out, outlen, text, LOG_MAX);
	/* Postfix gives {mail_addr} qualified with $myorigin; the client sent a
	 * local part alone, which is what reject_non_fqdn_sender judges */
	if (mta != NULL && st == DM_MA_OK && dm_mailaddr_parse(arg, strlen(arg), &raw) == DM_MA_NO_DOMAIN) {
		*a = raw;
		st = DM_MA_NO_DOMAIN;
	}
	return st;
}

sfsistat dm_envfrom(SMFICTX *ctx, char **argv)
{
	struct connctx *c = conn_of(ctx);
	const char *f = argv && argv[0] ? argv[0] : "";
	struct dm_mailaddr a;
	enum dm_mailaddr_status st;

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	msg_free(c);
	c->msg = calloc(1, sizeof(*c->msg));
	if (c->msg == NULL)
		return SMFIS_TEMPFAIL;
	c->msg->t_start = dm_now_ms();
	st = read_sender(ctx, f, &a, c->msg->from, sizeof(c->msg->from));
	dm_logval(c->msg->from_log, sizeof(c->msg->from_log), c->msg->from, LOG_MAX);
	dm_symval(ctx, "{auth_authen}", c->msg->auth, sizeof(c->msg->auth), LOG_MAX);
	dm_logval(c->msg->auth_log, sizeof(c->msg->auth_log), c->msg->auth, LOG_MAX);
	c->msgs++;
	dm_connstage_sender(&c->cs, st, &a);     /* filters/rules/sender.c: lookups start now */
	dm_connstage_poll(&c->cs);
	return SMFIS_CONTINUE;
}

/* The recipient as the MTA parsed it ({rcpt_addr}: Postfix's internal form,
 * Sendmail's for remote mailers), else as RFC 5321 writes it in the
 * command. Never cut before the domain is found; an address that cannot be
 * read chooses no policy (filters/checks/verdict.c defers it). */
struct rcpt_read {
	enum dm_rcpt_addr addr;
	const char *why;              /* DM_RCPT_ADDR_BAD */
	const char *domain;           /* for the policy: NULL without one */
	char text[256];               /* local@domain (local part cut first), clean */
	int exempt_ok;                /* may match an [exempt] name (not cut) */
	struct dm_mailaddr a;
};

static void read_rcpt(SMFICTX *ctx, const char *arg, struct rcpt_read *r)
{
	char name[] = "{rcpt_addr}";
	const char *mta = dm_smfi->getsymval(ctx, name);
	enum dm_mailaddr_status st;
	char raw[512];

	if (arg == NULL)
		arg = "";
	if (mta != NULL && strchr(mta, '@') != NULL)
		st = dm_mailaddr_parse_internal(mta, strlen(mta), &r->a);
	else
		st = dm_mailaddr_parse(arg, strlen(arg), &r->a);
	r->domain = NULL;
	r->why = NULL;
	r->exempt_ok = !r->a.local_cut;
	if (st == DM_MA_OK) {
		r->addr = DM_RCPT_ADDR_OK;
		r->domain = r->a.domain;
	} else if (st == DM_MA_NO_DOMAIN || st == DM_MA_LITERAL) {
		r->addr = DM_RCPT_ADDR_NO_DOMAIN;     /* no domain name: no policy of its own */
	} else {
		r->addr = DM_RCPT_ADDR_BAD;
		r->why = st == DM_MA_NULL ? "empty address" : r->a.why;
	}
	if (r->addr == DM_RCPT_ADDR_BAD) {
		dm_cleans(r->text, sizeof(r->text), arg, sizeof(r->text) - 1);
		return;
	}
	dm_mailaddr_format(&r->a, st, raw, sizeof(r->text));
	dm_cleans(r->text, sizeof(r->text), raw, sizeof(r->text) - 1);
}

static void log_rcpt(struct connctx *c, SMFICTX *ctx, const char *what, const struct dm_decision *d,
                     const char *rcpt, const struct dm_policy *pol, const char *extra)
{
	char qid[40], to[LOG_VAL];

	queue_id(ctx, qid, sizeof(qid));
	dm_logval(to, sizeof(to), rcpt, LOG_MAX);
	dm_log(LOG_INFO, "%s: %s: RCPT from %s[%s]: %s %s %s; from=<%s> to=<%s> helo=<%s> policy=%s check=%s%s "
	       "session=%s", qid, what, c->client_log, c->client_ip, d->code, d->xcode, d->text,
	       c->msg ? c->msg->from_log : "", to, c->helo_log, pol->name, d->check, extra, c->session);
}

/* Zones that answer error codes or outside 127/8 are misconfigured or refuse
 * us: say so once per connection, loudly (they never count as listings). */
static void warn_zones(struct connctx *c)
{
	size_t i;
	char ip[64];

	if (c->warned)
		return;
	c->warned = 1;
	for (i = 0; i < c->cs.nzones; i++) {
		const struct dm_zone_outcome *z = &c->cs.zones[i];
		if (z->verdict == DNSBL_ERROR_CODE || z->verdict == DNSBL_BAD_ANSWER)
			dm_log(LOG_WARNING, "dnsbl zone %s answered %s for client [%s]: %s, not a listing session=%s",
			       z->zone->name, dm_addr_format(&z->which, ip, sizeof(ip)), c->client_ip,
			       z->verdict == DNSBL_ERROR_CODE ? "an error code" : "outside 127.0.0.0/8", c->session);
	}
}

/* Enforce or log what filters/checks/verdict.c decided for one recipient. */
sfsistat dm_envrcpt(SMFICTX *ctx, char **argv)
{
	struct connctx *c = conn_of(ctx);
	struct dm_rcpt_case rc;
	struct dm_decision d;
	struct dm_reply_vars vars;
	enum dm_rcpt_outcome o;
	struct rcpt_read r;
	char extra[LOG_VAL + 48];
	const char *rcpt = r.text;

	if (c == NULL || c->msg == NULL)
		return SMFIS_TEMPFAIL;
	read_rcpt(ctx, argv ? argv[0] : NULL, &r);
	memset(&rc, 0, sizeof(rc));
	rc.pol = dm_policy_for_domain(c->cfg, r.domain);
	rc.first = c->msg->policy;
	rc.rcpt = rcpt;
	rc.exempt = r.addr != DM_RCPT_ADDR_BAD && r.exempt_ok && dm_policy_exempt(rc.pol, rcpt);
	rc.authenticated = c->msg->auth[0] != '\0';
	rc.addr = r.addr;
	rc.addr_why = r.why;
	rc.first_exempt = c->msg->has_exempt;
	rc.spam_can_reject = dm_spam_can_reject(rc.pol, dm_content_enabled(c->cfg));
	/* the sender's lookups first: the connect stage's collect ends what is left */
	if (dm_connstage_sender_collect(&c->cs))
		dm_metrics_sender(&c->cs);
	dm_connstage_collect(&c->cs);
	warn_zones(c);

	memset(&vars, 0, sizeof(vars));
	vars.helo = c->helo_log;
	vars.client = c->client_ip;
	vars.sender = c->msg->from_log;      /* escaped as %h is: no fake field in a logged reply */
	dm_decide_connect(rc.pol, &c->cs.findings, &vars, &d);
	o = dm_decide_rcpt(&rc, &d);
	dm_metrics_rcpt(rc.pol, o);
	extra[0] = '\0';
	switch (o) {
	case DM_RCPT_REJECT:
	case DM_RCPT_DEFER:
	case DM_RCPT_SPLIT:
		if (dm_setreply(ctx, d.code, d.xcode, d.text) < 0)
			dm_log(LOG_WARNING, "cannot set reply %s %s", d.code, d.xcode);
		if (o == DM_RCPT_SPLIT)
			snprintf(extra, sizeof(extra), " first_policy=%s", rc.first->name);
		log_rcpt(c, ctx, o == DM_RCPT_REJECT ? "reject" : "defer", &d, rcpt, rc.pol, extra);
		if (o == DM_RCPT_REJECT) {
			c->msg->rcpt_rejected++;
			c->rcpt_rejected++;
			return SMFIS_REJECT;
		}
		c->msg->rcpt_deferred++;
		c->rcpt_deferred++;
		return SMFIS_TEMPFAIL;
	case DM_RCPT_EXEMPT:
		log_rcpt(c, ctx, "pass", &d, rcpt, rc.pol, " exempt=recipient");
		break;
	case DM_RCPT_AUTH:
		snprintf(extra, sizeof(extra), " exempt=auth sasl_username=%s", c->msg->auth_log);
		log_rcpt(c, ctx, "pass", &d, rcpt, rc.pol, extra);
		break;
	case DM_RCPT_SHADOW:
		log_rcpt(c, ctx, d.would == DM_ACT_REJECT ? "shadow: would reject" : "shadow: would defer",
		         &d, rcpt, rc.pol, "");
		snprintf(c->msg->shadowed, sizeof(c->msg->shadowed), "%s", d.check);
		break;
	case DM_RCPT_ACCEPT:
		break;
	}
	/* only an accepted recipient changes the message */
	if (c->msg->rcpt_how[0] == '\0' && o != DM_RCPT_ACCEPT)
		snprintf(c->msg->rcpt_how, sizeof(c->msg->rcpt_how), "%s",
		         o == DM_RCPT_SHADOW ? "shadow" : o == DM_RCPT_EXEMPT ? "exempt" : "auth");
	if (c->msg->policy == NULL) {
		snprintf(c->msg->rcpt, sizeof(c->msg->rcpt), "%s", rcpt);
		c->msg->has_exempt = rc.exempt;    /* the message's: a mixed one was split off */
	}
	c->msg->policy = rc.pol;
	c->msg->rcpt_ok++;
	c->rcpt_ok++;
	env_rcpts_add(&c->msg->env_to, rcpt);
	return SMFIS_CONTINUE;
}

sfsistat dm_header(SMFICTX *ctx, char *name, char *value)
{
	struct connctx *c = conn_of(ctx);

	return c == NULL ? SMFIS_CONTINUE : dm_content_header(c, ctx, name, value);
}

sfsistat dm_eoh(SMFICTX *ctx)
{
	struct connctx *c = conn_of(ctx);

	return c == NULL ? SMFIS_CONTINUE : dm_content_eoh(c, ctx);
}

sfsistat dm_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct connctx *c = conn_of(ctx);

	return c == NULL ? SMFIS_CONTINUE : dm_content_body(c, ctx, chunk, len);
}

sfsistat dm_eom(SMFICTX *ctx)
{
	struct connctx *c = conn_of(ctx);
	sfsistat rc = SMFIS_CONTINUE;
	char qid[40];

	if (c == NULL || c->msg == NULL)
		return SMFIS_CONTINUE;
	queue_id(ctx, qid, sizeof(qid));
	if (dm_content_enabled(c->cfg)) {
		rc = dm_content_eom(c, ctx, qid);
	} else {
		dm_metrics_skipped();
		if (c->msg->policy != NULL && c->msg->policy->explain)
			dm_content_explain(c, ctx, NULL);
		dm_log(LOG_INFO, "%s: accept: client=%s[%s] helo=<%s> from=<%s> rcpts=%u policy=%s dnsbl=%d%s%s%s%s%s "
		       "total_ms=%u session=%s", qid, c->client_log, c->client_ip, c->helo_log, c->msg->from_log, c->msg->rcpt_ok,
		       c->msg->policy ? c->msg->policy->name : "-", c->cs.findings.dnsbl_score,
		       c->msg->policy && dm_allowlisted(c->msg->policy, &c->cs.findings) ? " allowlisted=yes" : "",
		       c->msg->shadowed[0] ? " shadowed=" : "", c->msg->shadowed,
		       c->msg->auth[0] ? " sasl_username=" : "", c->msg->auth_log,
		       (unsigned)(dm_now_ms() - c->msg->t_start), c->session);
	}
	msg_free(c);
	return rc;
}

sfsistat dm_abort(SMFICTX *ctx)
{
	struct connctx *c = conn_of(ctx);

	if (c != NULL)
		msg_free(c);
	return SMFIS_CONTINUE;
}


sfsistat dm_close(SMFICTX *ctx)
{
	struct connctx *c = conn_of(ctx);
	char found[200];

	if (c == NULL)
		return SMFIS_CONTINUE;
	if (c->cfg == NULL) {
		/* made at negotiation, closed before CONNECT: nothing happened to log */
	} else if (c->trusted) {
		dm_log(LOG_INFO, "close: client=%s[%s] trusted=yes total_ms=%u session=%s", c->client_log, c->client_ip,
		       (unsigned)(dm_now_ms() - c->t_connect), c->session);
	} else {
		dm_connstage_findings(&c->cs, found, sizeof(found));
		dm_metrics_findings(&c->cs);
		dm_log(LOG_INFO, "close: client=%s[%s] helo=<%s> helos=%u findings=%s dns=%s dnsbl=%d zones=%s rdns=%s "
		       "dns_ms=%u wait_ms=%u msgs=%u rcpt_ok=%u rcpt_rejected=%u rcpt_deferred=%u total_ms=%u session=%s",
		       c->client_log, c->client_ip, c->helo_log, c->cs.helo_count, found, c->cs.helo_dns,
		       c->cs.findings.dnsbl_score, c->cs.dnsbl_log[0] ? c->cs.dnsbl_log : "-", c->cs.rdns,
		       c->cs.dns_ms, c->cs.wait_ms, c->msgs, c->rcpt_ok, c->rcpt_rejected, c->rcpt_deferred,
		       (unsigned)(dm_now_ms() - c->t_connect), c->session);
		if (c->cs.err[0] != '\0')
			dm_log(LOG_ERR, "resolver: %s session=%s", c->cs.err, c->session);
	}
	dm_smfi->setpriv(ctx, NULL);
	conn_free(c);
	return SMFIS_CONTINUE;
}

struct smfiDesc dm_filter = {
	"doorman",
	SMFI_VERSION,
	SMFIF_SETSYMLIST | SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE,
	dm_connect,
	dm_helo,
	dm_envfrom,
	dm_envrcpt,
	dm_header,
	dm_eoh,
	dm_body,
	dm_eom,
	dm_abort,
	dm_close,
	NULL,           /* unknown */
	NULL,           /* data */
	dm_negotiate,
};

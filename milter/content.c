/*
 * content.c - stream each message to spamd while it arrives and act on the
 * score at end of message, under the message's one policy.
 *
 * Never buffers the message: headers and body chunks go to spamd as they
 * come (filters/spamd/spamd.c holds one small buffer), past [spamd] max_size the
 * body is skipped. A spamd that fails never rejects and never drops: the
 * policy's on_error accepts with "X-Spam-Status: unscanned (why)" or
 * tempfails. Incoming X-Spam-* headers, every copy, are deleted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "content.h"
#include "envelope.h"
#include "headers.h"
#include "log.h"
#include "metrics.h"
#include "runtime.h"
#include "seam.h"
#include "text.h"
#include "verdict.h"

int dm_content_enabled(const struct dm_config *cfg)
{
	return cfg->nspamd > 0;
}

static const struct dm_policy *policy_of(const struct connctx *c)
{
	return c->msg->policy != NULL ? c->msg->policy : c->cfg->def;
}

/* Send text, turning a bare LF (libmilter's folding) into CRLF. The
 * message is one stream: a CRLF that a body chunk boundary splits (Postfix
 * fills chunks to 65,535 bytes) is still one CRLF, so the CR state carries
 * over from one call to the next. */
static int send_text(struct msgctx *m, const char *s, size_t len)
{
	size_t start = 0, at;
	int rc = SPAMD_WRITE_OK;

	while (rc == SPAMD_WRITE_OK && start < len) {
		at = dm_bare_lf(s + start, len - start, start == 0 ? m->last_cr : 0);
		rc = spamd_write(m->sess, s + start, at);
		if (rc == SPAMD_WRITE_OK && start + at < len)
			rc = spamd_write(m->sess, "\r\n", 2);
		start += at + 1;
	}
	if (len > 0)
		m->last_cr = s[len - 1] == '\r';
	if (rc == SPAMD_WRITE_FULL)
		m->state = dm_msg_next(m->state, DM_MSG_EV_FULL);
	return rc;
}

static int send_header(struct msgctx *m, const char *name, const char *value)
{
	int rc;

	if (!dm_msg_sends(m->state))
		return SPAMD_WRITE_OK;
	rc = send_text(m, name, strlen(name));
	if (rc == SPAMD_WRITE_OK)
		rc = send_text(m, ": ", 2);
	if (rc == SPAMD_WRITE_OK)
		rc = send_text(m, value, strlen(value));
	if (rc == SPAMD_WRITE_OK)
		rc = send_text(m, "\r\n", 2);
	return rc;
}

/* The envelope sender as the MTA gave it: {mail_addr}, else MAIL FROM's
 * argument as dm_envfrom kept it (unless that was cut for the log).
 * NULL: not known. */
static const char *envelope_sender(const struct msgctx *m, SMFICTX *ctx)
{
	char name[] = "{mail_addr}";
	const char *a = dm_smfi->getsymval(ctx, name);

	if (a != NULL)
		return a;
	return strlen(m->from) < LOG_MAX ? m->from : NULL;
}

/* What spamd sees before the message's own headers, in the order
 * SpamAssassin reads them (see filters/base/envelope.c): X-Envelope-From and
 * X-Envelope-To above every Received header, then our Received line with
 * the client, its HELO, the envelope sender, authentication and TLS. */
static void send_envelope(struct connctx *c, SMFICTX *ctx)
{
	struct msgctx *m = c->msg;
	struct hdr_received rcv;
	char value[HDR_RECEIVED_SIZE], qid[40], env[ENV_ADDR_MAX + 1], from[ENV_ADDR_MAX + 3];
	char tls[LOG_MAX + 1], cipher[LOG_MAX + 1], bits[16], proto[8];
	const char *sender = envelope_sender(m, ctx);
	int have_from = sender != NULL && env_address(env, sizeof(env), sender) == 0;

	if (have_from) {
		snprintf(from, sizeof(from), "<%s>", env);
		send_header(m, "X-Envelope-From", from);
	}
	if (m->env_to.n > 0)
		send_header(m, "X-Envelope-To", m->env_to.list);
	dm_symval(ctx, "i", qid, sizeof(qid), LOG_MAX);
	dm_symval(ctx, "{tls_version}", tls, sizeof(tls), LOG_MAX);
	dm_symval(ctx, "{cipher}", cipher, sizeof(cipher), LOG_MAX);
	dm_symval(ctx, "{cipher_bits}", bits, sizeof(bits), sizeof(bits) - 1);
	/* RFC 3848: ESMTPS with TLS, ESMTPA authenticated, ESMTPSA both;
	 * SpamAssassin counts an ESMTPA/ESMTPSA relay as authenticated */
	snprintf(proto, sizeof(proto), "ESMTP%s%s", tls[0] ? "S" : "", m->auth[0] ? "A" : "");
	memset(&rcv, 0, sizeof(rcv));
	rcv.helo = c->helo;
	rcv.client_name = c->client_name;
	rcv.client_addr = c->client_ip;
	rcv.our_host = c->our_host[0] ? c->our_host : (c->cfg->nhostnames ? c->cfg->hostnames[0] : "localhost");
	rcv.queue_id = qid;
	rcv.proto = proto;
	rcv.when = time(NULL);
	rcv.env_from = have_from ? env : NULL;
	rcv.tls_version = tls;
	rcv.tls_cipher = cipher;
	rcv.tls_bits = bits;
	if (hdr_received(value, sizeof(value), &rcv) >= 0)
		send_header(m, "Received", value);
}

/* A header the client sent, on its way to spamd: its own envelope headers
 * never, its Received headers with their envelope markers defused, so that
 * nothing of it can stand for ours (filters/base/envelope.c says why). The
 * delivered message keeps them as they are. */
static void send_client_header(struct msgctx *m, const char *name, const char *value)
{
	char *copy;

	switch (env_client_header(name)) {
	case ENV_HDR_DROP:
		return;
	case ENV_HDR_PASS:
		send_header(m, name, value);
		return;
	case ENV_HDR_DEFUSE:
		break;
	}
	if (!dm_msg_sends(m->state))
		return;
	/* out of memory: left out rather than sent as it is */
	if ((copy = strdup(value)) == NULL)
		return;
	env_defuse_received(copy);
	send_header(m, name, copy);
	free(copy);
}

/* At the first header, or at the end of the headers, the first body chunk
 * or the end of the message when no header came: scan or not, and open the
 * spamd session. */
static void decide_scan(struct connctx *c, SMFICTX *ctx)
{
	struct msgctx *m = c->msg;
	const struct dm_policy *pol = policy_of(c);
	static const enum spamd_cmd cmds[] = { SPAMD_CMD_CHECK, SPAMD_CMD_SYMBOLS, SPAMD_CMD_REPORT };
	char user[256];

	const char *skip;

	skip = !dm_content_enabled(c->cfg) ? "no spamd configured"
	       : dm_decide_scan(pol, m->auth[0] != '\0', dm_allowlisted(pol, &c->cs.findings));
	if (skip != NULL) {
		snprintf(m->no_scan, sizeof(m->no_scan), "%s", skip);
		m->state = dm_msg_next(m->state, DM_MSG_EV_QUIET);
		return;
	}
	dm_spamd_user(pol, m->rcpt, user, sizeof(user));
	/* prepared, not opened: a sender that pauses holds no spamd place
	 * while its message fits spamd.c's buffer (spamd.h, "a stalled sender") */
	if (spamd_prepare(dm_spamd_pool(), cmds[pol->spam_detail], user, c->cfg->spamd_connect_timeout_ms,
	                c->cfg->spamd_timeout_ms, c->cfg->spamd_max_size, &m->sess, m->scan_err,
	                sizeof(m->scan_err)) < 0) {
		m->sess = NULL;
		m->state = dm_msg_next(m->state, DM_MSG_EV_QUIET);
		return;
	}
	m->state = dm_msg_next(m->state, DM_MSG_EV_SCAN);
	/* SpamAssassin's trust path must see the real client and envelope first */
	send_envelope(c, ctx);
}

/* The names doorman itself adds: their incoming copies are always deleted,
 * however many other X-Spam-* names a sender piles up first. */
static const char *const our_names[] = {
	"X-Spam-Status", "X-Spam-Flag", "X-Spam-Score", "X-Spam-Level", "X-Spam-Report", "X-Doorman",
};
#define NOURS (sizeof(our_names) / sizeof(our_names[0]))

static void remember_xspam(struct msgctx *m, const char *name)
{
	int i;

	if (m->nxspam == 0) {
		for (i = 0; i < (int)NOURS; i++) {
			snprintf(m->xspam[i], sizeof(m->xspam[0]), "%s", our_names[i]);
			m->xspam_count[i] = 0;
		}
		m->nxspam = (int)NOURS;
	}
	for (i = 0; i < m->nxspam; i++)
		if (strcasecmp(m->xspam[i], name) == 0) {
			m->xspam_count[i]++;
			return;
		}
	/* other X-Spam-* names: as many as fit (they are not ours to trust anyway) */
	if (m->nxspam == XSPAM_NAMES || strlen(name) >= sizeof(m->xspam[0]))
		return;
	snprintf(m->xspam[m->nxspam], sizeof(m->xspam[0]), "%s", name);
	m->xspam_count[m->nxspam++] = 1;
}

sfsistat dm_content_header(struct connctx *c, SMFICTX *ctx, const char *name, const char *value)
{
	struct msgctx *m = c->msg;

	if (m == NULL)
		return SMFIS_CONTINUE;
	if (name == NULL)
		name = "";
	if (value == NULL)
		value = "";
	m->size += strlen(name) + strlen(value) + 4;
	if (strncasecmp(name, "X-Spam-", 7) == 0 || strcasecmp(name, "X-Doorman") == 0)
		remember_xspam(m, name);
	/* the whole Subject (one byte more says "too long to tag") */
	if (m->subject == NULL && strcasecmp(name, "Subject") == 0)
		m->subject = strndup(value, HDR_SUBJECT_MAX + 1);
	if (m->state == DM_MSG_UNDECIDED)
		decide_scan(c, ctx);
	send_client_header(m, name, value);
	return SMFIS_CONTINUE;
}

/* The empty line between the headers and the body, sent once. */
static void send_separator(struct msgctx *m)
{
	if (m->state == DM_MSG_HEAD_SCAN)
		send_text(m, "\r\n", 2);
	m->state = dm_msg_next(m->state, DM_MSG_EV_HEADERS_END);
}

/* A message may come without any header line (Postfix never shows the
 * milter its own Received:, so DATA that starts with an empty line has
 * none): whether to scan is settled at the latest here. */
static void settle_scan(struct connctx *c, SMFICTX *ctx)
{
	if (c->msg->state == DM_MSG_UNDECIDED)
		decide_scan(c, ctx);
	send_separator(c->msg);
}

sfsistat dm_content_eoh(struct connctx *c, SMFICTX *ctx)
{
	if (c->msg != NULL)
		settle_scan(c, ctx);
	return SMFIS_CONTINUE;
}

sfsistat dm_content_body(struct connctx *c, SMFICTX *ctx, const unsigned char *chunk, size_t len)
{
	struct msgctx *m = c->msg;

	if (m == NULL)
		return SMFIS_CONTINUE;
	if (!dm_msg_in_body(m->state))
		settle_scan(c, ctx);
	m->size += len;
	if (dm_msg_sends(m->state))
		send_text(m, (const char *)chunk, len);
	/* nothing more to send: the MTA may stop sending the body */
	if (!dm_msg_sends(m->state) && c->skip_ok)
		return SMFIS_SKIP;
	return SMFIS_CONTINUE;
}

void dm_content_reset(struct msgctx *m)
{
	if (m == NULL)
		return;
	spamd_abort(m->sess);
	m->sess = NULL;
	free(m->subject);
	m->subject = NULL;
}

static void add_header(SMFICTX *ctx, const char *name, const char *value)
{
	char n[64], v[8192];

	snprintf(n, sizeof(n), "%s", name);
	snprintf(v, sizeof(v), "%s", value);
	if (dm_smfi->addheader(ctx, n, v) != MI_SUCCESS)
		dm_log(LOG_WARNING, "cannot add header %s", name);
}

static void delete_xspam(struct msgctx *m, SMFICTX *ctx)
{
	int i, idx;

	for (i = 0; i < m->nxspam; i++)
		for (idx = (int)m->xspam_count[i]; idx >= 1; idx--)
			if (dm_smfi->chgheader(ctx, m->xspam[i], idx, NULL) != MI_SUCCESS)
				dm_log(LOG_WARNING, "cannot delete header %s", m->xspam[i]);
}

static void log_scan(struct connctx *c, const char *qid, const char *action, const char *check,
                     const char *score, const char *tests, const struct spamd_answer *a, const char *reason)
{
	struct msgctx *m = c->msg;
	char why[LOG_MAX + 1];

	dm_cleans(why, sizeof(why), reason, LOG_MAX);
	dm_log(LOG_INFO, "%s: scan: client=%s[%s] helo=<%s> from=<%s> rcpts=%u policy=%s dnsbl=%d score=%s "
	       "action=%s%s%.300s spamd=%s spamd_ms=%u size=%lu%s%s%s%s%s total_ms=%u check=%s session=%s%s%s",
	       qid, c->client_log, c->client_ip, c->helo_log, m->from_log, m->rcpt_ok, policy_of(c)->name,
	       c->cs.findings.dnsbl_score, score, action, tests && *tests ? " tests=" : "", tests ? tests : "",
	       a && a->backend[0] ? a->backend : "-", a ? a->elapsed_ms : 0, m->size,
	       a && a->truncated >= 2 ? (a->truncated == 2 ? " truncated=stalled" : " truncated=busy")
	       : dm_msg_full(m->state) ? " truncated=yes" : "", m->shadowed[0] ? " shadowed=" : "", m->shadowed,
	       m->auth[0] ? " sasl_username=" : "", m->auth_log, (unsigned)(dm_now_ms() - m->t_start), check,
	       c->session, why[0] ? " reason=" : "", why);
}

/* Set the policy's reply i (%r reason, %s score) for the end of data. */
static void set_reply(struct connctx *c, SMFICTX *ctx, int i, const char *reason, const char *score)
{
	const struct dm_policy *pol = policy_of(c);
	const struct dm_reply *r = &pol->reply[i];
	struct dm_reply_vars vars;
	char text[512];

	memset(&vars, 0, sizeof(vars));
	vars.helo = c->helo_log;
	vars.client = c->client_ip;
	vars.reason = reason;
	vars.score = score;
	vars.url = pol->help_url;
	dm_reply_expand(r, &vars, text, sizeof(text));
	if (dm_setreply(ctx, r->code, r->xcode, text) < 0)
		dm_log(LOG_WARNING, "cannot set reply %s %s", r->code, r->xcode);
}

/* Put the policy's tag in front of the Subject, all of it kept (folded). */
static void tag_subject(struct msgctx *m, SMFICTX *ctx, const char *qid, const char *tag)
{
	size_t len = m->subject ? strlen(m->subject) : 0;
	char *v;

	if (len > HDR_SUBJECT_MAX) {
		dm_log(LOG_WARNING, "%s: Subject longer than %d bytes: not tagged", qid, HDR_SUBJECT_MAX);
		return;
	}
	v = malloc(HDR_SUBJECT_SIZE(len));
	if (v == NULL || hdr_subject_tag(v, HDR_SUBJECT_SIZE(len), m->subject, tag) < 0) {
		dm_log(LOG_WARNING, "%s: cannot tag the Subject (out of memory)", qid);
	} else if (m->subject == NULL) {
		if (dm_smfi->addheader(ctx, "Subject", v) != MI_SUCCESS)
			dm_log(LOG_WARNING, "%s: cannot add a Subject", qid);
	} else if (strcmp(v, m->subject) != 0 && dm_smfi->chgheader(ctx, "Subject", 1, v) != MI_SUCCESS) {
		dm_log(LOG_WARNING, "%s: cannot change the Subject", qid);
	}
	free(v);
}

/* spamd gave no verdict: accept with a header saying so, or tempfail, as
 * filters/checks/verdict.c decided. */
static sfsistat unscanned(struct connctx *c, SMFICTX *ctx, const char *qid, const char *why,
                          const struct spamd_answer *a)
{
	struct dm_content_case cc;
	struct dm_content_verdict cv;
	char v[256];

	memset(&cc, 0, sizeof(cc));
	cc.pol = policy_of(c);
	dm_decide_content(&cc, &cv);
	dm_metrics_content(cc.pol, cv.action, NULL);
	if (cv.action == DM_CONTENT_TEMPFAIL) {
		set_reply(c, ctx, DM_REPLY_SPAM_ERROR, why, NULL);
		log_scan(c, qid, "tempfail", cv.check, "-", NULL, a, why);
		return SMFIS_TEMPFAIL;
	}
	if (hdr_spam_unscanned(v, sizeof(v), why) >= 0)
		add_header(ctx, "X-Spam-Status", v);
	if (cc.pol->explain)
		dm_content_explain(c, ctx, "unscanned");
	log_scan(c, qid, "unscanned", cv.check, "-", NULL, a, why);
	return SMFIS_CONTINUE;
}

/* The headers of a scanned message that is not refused. */
static void add_spam_headers(struct connctx *c, SMFICTX *ctx, const char *qid, const struct spamd_answer *a,
                             const struct dm_content_verdict *cv, const char *score)
{
	struct msgctx *m = c->msg;
	const struct dm_policy *pol = policy_of(c);
	char v[2 * HDR_REPORT_MAX];

	if (hdr_spam_status(v, sizeof(v), cv->spam, a->reply.score, cv->required,
	                    pol->spam_detail == DM_SPAM_SYMBOLS ? a->reply.symbols : NULL) >= 0)
		add_header(ctx, "X-Spam-Status", v);
	add_header(ctx, "X-Spam-Score", score);
	if (hdr_spam_level(v, sizeof(v), a->reply.score) >= 0 && v[0] != '\0')
		add_header(ctx, "X-Spam-Level", v);
	if (cv->action >= DM_CONTENT_TAG) {
		add_header(ctx, "X-Spam-Flag", HDR_SPAM_FLAG_VALUE);
		if (pol->subject_tag[0] != '\0')
			tag_subject(m, ctx, qid, pol->subject_tag);
	}
	if (pol->spam_detail == DM_SPAM_REPORT && a->reply.report[0] != '\0' &&
	    hdr_spam_report(v, sizeof(v), a->reply.report, strlen(a->reply.report)) >= 0 && v[0] != '\0')
		add_header(ctx, "X-Spam-Report", v);
	if (m->shadowed[0] != '\0' && !pol->explain) {
		snprintf(v, sizeof(v), "shadow: would have refused at RCPT (check=%s)", m->shadowed);
		add_header(ctx, "X-Doorman", v);
	}
}

void dm_content_explain(struct connctx *c, SMFICTX *ctx, const char *spam)
{
	struct hdr_explain e;
	char found[200], v[1024];

	if (!dm_content_enabled(c->cfg))
		delete_xspam(c->msg, ctx);     /* the content stage deleted them already */
	dm_connstage_findings(&c->cs, found, sizeof(found));
	memset(&e, 0, sizeof(e));
	e.session = c->session;
	e.policy = policy_of(c)->name;
	e.helo = found;
	e.helo_how = c->msg->rcpt_how[0] ? c->msg->rcpt_how : NULL;
	e.dnsbl = c->cs.findings.dnsbl_score;
	e.zones = c->cs.listed[0] ? c->cs.listed : NULL;
	e.rdns = c->cs.rdns;
	e.spam = spam;
	if (hdr_explain(v, sizeof(v), &e) >= 0)
		add_header(ctx, "X-Doorman", v);
}

sfsistat dm_content_eom(struct connctx *c, SMFICTX *ctx, const char *qid)
{
	struct msgctx *m = c->msg;
	const struct dm_policy *pol = policy_of(c);
	struct spamd_answer a;
	struct dm_content_case cc;
	struct dm_content_verdict cv;
	char score[32], req[32], sr[70];

	/* the MTA was told at negotiation to send neither headers nor body
	 * (a reload enabled spamd in between): nothing to scan; otherwise a
	 * message without headers and body is scanned as it is */
	if (m->state == DM_MSG_UNDECIDED && c->content_off) {
		m->state = dm_msg_next(m->state, DM_MSG_EV_OFF);
		snprintf(m->no_scan, sizeof(m->no_scan), "no headers seen");
	} else if (!dm_msg_in_body(m->state)) {
		settle_scan(c, ctx);
	}
	delete_xspam(m, ctx);
	if (m->no_scan[0] != '\0') {
		dm_metrics_skipped();
		if (pol->explain) {
			char why[96];
			snprintf(why, sizeof(why), "not scanned (%.60s)", m->no_scan);
			dm_content_explain(c, ctx, why);
		}
		log_scan(c, qid, "skip", "spam_skip", "-", NULL, NULL, m->no_scan);
		return SMFIS_CONTINUE;
	}
	if (m->sess == NULL)
		return unscanned(c, ctx, qid, m->scan_err, NULL);
	spamd_end(m->sess, &a);
	m->sess = NULL;
	dm_metrics_spamd(&a);
	if (a.outcome != SPAMD_OK) {
		dm_log(LOG_WARNING, "%s: spamd %s: %s session=%s", qid, spamd_outcome_name(a.outcome), a.error,
		       c->session);
		return unscanned(c, ctx, qid, a.error, &a);
	}

	memset(&cc, 0, sizeof(cc));
	cc.pol = pol;
	cc.verdict = 1;
	cc.score = a.reply.score;
	cc.spamd_required = a.reply.threshold;
	cc.has_exempt = m->has_exempt;
	dm_decide_content(&cc, &cv);
	dm_metrics_content(pol, cv.action, &a.reply.score);
	hdr_spam_score(score, sizeof(score), a.reply.score);
	hdr_spam_score(req, sizeof(req), cv.required);
	snprintf(sr, sizeof(sr), "%s/%s", score, req);
	if (cv.action == DM_CONTENT_REJECT) {
		set_reply(c, ctx, DM_REPLY_SPAM, NULL, score);
		log_scan(c, qid, "reject", cv.check, sr, a.reply.symbols, &a, "");
		return SMFIS_REJECT;
	}
	add_spam_headers(c, ctx, qid, &a, &cv, score);
	if (pol->explain) {
		char what[96];
		snprintf(what, sizeof(what), "%s %s%s%s", sr, dm_content_action_name(cv.action),
		         pol->spam_mode == DM_MODE_SHADOW && cv.would != DM_CONTENT_PASS ? " shadow=would_" : "",
		         pol->spam_mode == DM_MODE_SHADOW && cv.would != DM_CONTENT_PASS ? dm_content_action_name(cv.would) : "");
		dm_content_explain(c, ctx, what);
	}
	if (cv.action == DM_CONTENT_QUARANTINE) {
		char reason[128];
		snprintf(reason, sizeof(reason), "doorman: spam score %s >= %.1f", score, pol->quarantine_score);
		if (dm_smfi->quarantine(ctx, reason) != MI_SUCCESS)
			dm_log(LOG_WARNING, "%s: cannot quarantine session=%s", qid, c->session);
	}
	if (pol->spam_mode == DM_MODE_SHADOW && cv.would != DM_CONTENT_PASS) {
		char what[40];
		snprintf(what, sizeof(what), "pass shadow=would_%s", dm_content_action_name(cv.would));
		log_scan(c, qid, what, cv.check, sr, a.reply.symbols, &a, "");
	} else {
		log_scan(c, qid, dm_content_action_name(cv.action), cv.check, sr, a.reply.symbols, &a, "");
	}
	return SMFIS_CONTINUE;
}

/*
 * conn.h - the private state libmilter keeps for us: one connctx per SMTP
 * connection, owning at most one msgctx (the message in progress). Shared
 * by callbacks.c (connect stage) and content.c (content stage) only.
 */
#ifndef DOORMAN_CONN_H
#define DOORMAN_CONN_H

#include <stdint.h>

#include "config.h"
#include "connstage.h"
#include "envelope.h"
#include "msgstate.h"
#include "spamd.h"
#include "text.h"

#define LOG_MAX 100             /* bound on any outside text in a log line */
#define LOG_VAL (3 * LOG_MAX + 1) /* the same text written by dm_logval() */

#define XSPAM_NAMES 17        /* our 6 names and 11 others */

struct msgctx {
	char from[LOG_MAX + 1];
	char from_log[LOG_VAL];       /* from, as log lines write it (dm_logval) */
	char rcpt[256];               /* first accepted recipient (spamd_user %r/%d) */
	char auth[LOG_MAX + 1];       /* {auth_authen}; "" = not authenticated */
	char auth_log[LOG_VAL];
	const struct dm_policy *policy;   /* of the first accepted recipient */
	unsigned rcpt_ok, rcpt_rejected, rcpt_deferred;
	char shadowed[32];            /* check name that was shadowed, for the summary */
	char rcpt_how[8];             /* how a refusing finding was let through at RCPT: shadow,
	                                 exempt, auth ("" when none was) */
	uint64_t t_start;
	/* content stage (content.c) */
	enum dm_msg_state state;      /* scanned or not, headers or body, max_size (msgstate.h) */
	int last_cr;                  /* the last byte sent to spamd was a CR */
	char no_scan[64];             /* why not scanned: "authenticated", "allowlisted", "policy", "" */
	struct spamd_session *sess;
	char scan_err[256];           /* spamd_begin's failure, kept for EOM */
	unsigned long size;           /* header + body bytes seen */
	char *subject;                /* first Subject value (up to HDR_SUBJECT_MAX + 1 bytes), NULL if none */
	int has_exempt;               /* an exempt recipient (postmaster...): never rejected as spam */
	char xspam[XSPAM_NAMES][64];  /* incoming X-Spam-* header names; the first ones are ours */
	unsigned xspam_count[XSPAM_NAMES];
	int nxspam;
	struct env_rcpts env_to;      /* accepted recipients, for spamd's X-Envelope-To */
};

struct connctx {
	struct dm_config *cfg;
	char client_ip[64];
	char client_name[LOG_MAX + 1];
	char client_log[LOG_VAL];     /* client_name, as log lines write it */
	char session[DM_SESSION_ID_SIZE];   /* session= on every line of the connection */
	int trusted;
	char helo[LOG_MAX + 1];       /* cleaned, for the Received header */
	char helo_log[LOG_VAL];       /* helo, as log lines and replies write it (dm_logval) */
	struct dm_connstage cs;
	int warned;                   /* zone problems logged (once per connection) */
	int skip_ok;                  /* the MTA understands SMFIS_SKIP */
	int content_off;              /* negotiated without headers and body (no spamd then) */
	int counted;                  /* counted in dm_sessions_open() */
	int capped_logged;            /* the HELO lookup cap was logged */
	char our_host[LOG_MAX + 1];   /* macro j, for the synthesized Received */
	unsigned msgs, rcpt_ok, rcpt_rejected, rcpt_deferred;
	uint64_t t_connect;
	struct msgctx *msg;
};


#endif

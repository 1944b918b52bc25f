/*
 * content.h - the content stage: stream the message to spamd as it
 * arrives, act on the score at end of message under the message's policy.
 */
#ifndef DOORMAN_CONTENT_H
#define DOORMAN_CONTENT_H

#include <libmilter/mfapi.h>

#include "conn.h"

/* 1 if this configuration scans content at all (some spamd configured). */
int dm_content_enabled(const struct dm_config *cfg);

sfsistat dm_content_header(struct connctx *c, SMFICTX *ctx, const char *name, const char *value);
sfsistat dm_content_eoh(struct connctx *c, SMFICTX *ctx);
sfsistat dm_content_body(struct connctx *c, SMFICTX *ctx, const unsigned char *chunk, size_t len);
/* Decide, change headers, log the message's summary line. */
sfsistat dm_content_eom(struct connctx *c, SMFICTX *ctx, const char *qid);
/* For a policy with [spam] explain = yes: delete the incoming X-Doorman
 * (and X-Spam-*) copies and add X-Doorman with the findings, how they were
 * handled and spam (what spamd's score did, or NULL without a scan). */
void dm_content_explain(struct connctx *c, SMFICTX *ctx, const char *spam);

/* Message aborted or done: close the spamd session, free message state. */
void dm_content_reset(struct msgctx *m);

#endif

/*
 * metrics.h - the process's counters for /metrics (milter/metrics_http.c)
 * and doorman -s: the milter glue counts what happened, this file keeps
 * the numbers and turns them into text through filters/metrics/metrics_text.c.
 *
 * Counting costs one relaxed atomic add into a fixed array (no lock, no
 * allocation): sessions at connect, findings at close, a recipient's
 * verdict at RCPT, a message's at end of data. Per-policy counters are
 * rows of a fixed table; a policy gets its row when its configuration is
 * installed (dm_metrics_configure), so a session never looks a name up.
 */
#ifndef DOORMAN_METRICS_H
#define DOORMAN_METRICS_H

#include <stddef.h>

#include "config.h"
#include "connstage.h"
#include "metrics_text.h"
#include "spamd.h"
#include "verdict.h"

/* Rows: at most this many policy names (default and the domains of every
 * configuration loaded since start); more are counted as policy="_other".
 * spamd servers: their duration histograms, by name. */
#define DM_METRICS_POLICIES_MAX 1000
#define DM_METRICS_BACKENDS_MAX 64

/* At start and at each reload, before cfg is published (one thread): give
 * each of cfg's policies its row, note its spamd servers. */
void dm_metrics_configure(const struct dm_config *cfg);

/* A reload ended: ok (the new configuration is in use) or not. */
void dm_metrics_reloaded(int ok);

enum dm_m_session { DM_MSESS_OPENED = 0, DM_MSESS_TRUSTED, DM_MSESS_REFUSED, DM_MSESS_COUNT };
void dm_metrics_session(enum dm_m_session what);

/* At close: the connection's findings (as its close line lists them). */
void dm_metrics_findings(const struct dm_connstage *cs);
/* Once per transaction, when its sender findings are settled (first RCPT). */
void dm_metrics_sender(const struct dm_connstage *cs);

/* At RCPT: what became of a recipient under its policy. */
void dm_metrics_rcpt(const struct dm_policy *pol, enum dm_rcpt_outcome o);

/* At end of data: a message not to be scanned; a content verdict under
 * pol, with spamd's score (score NULL: spamd gave no verdict). */
void dm_metrics_skipped(void);
void dm_metrics_content(const struct dm_policy *pol, enum dm_content_action a, const double *score);

/* A spamd session ended (verdict or failure): its duration, by server. */
void dm_metrics_spamd(const struct spamd_answer *a);

/* Copy every counter now and render /metrics. A malloc'ed text (*len its
 * length), or NULL (out of memory). Takes the DNS and spamd pool locks for
 * a moment; never blocks a session otherwise. */
char *dm_metrics_text(size_t *len);

#endif

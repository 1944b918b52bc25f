/*
 * spamd_health.h - the spamd servers' self-test: each must score GTUBE as
 * spam when sent a message the way doorman sends one, or it is taken out
 * of use (a server that answers but does not read the stream, like
 * rspamd's spamc protocol without Content-length, would pass every message).
 */
#ifndef DOORMAN_SPAMD_HEALTH_H
#define DOORMAN_SPAMD_HEALTH_H

#include <stdio.h>

#include "config.h"

/* Test every server of cfg; mark the process's pool; log every change
 * (a server taken out: LOG_ERR; back in use: LOG_NOTICE). With report,
 * also print one line per server there (doorman -d). Returns how many
 * servers do not flag GTUBE. */
int dm_spamd_selftest_run(const struct dm_config *cfg, FILE *report);

#endif

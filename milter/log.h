/*
 * log.h - one line per event, to syslog (LOG_MAIL, LOG_PID) or stderr.
 *
 * The format is always a constant; outside text goes in as %s arguments
 * already cleaned with dm_clean()/dm_cleans().
 */
#ifndef DOORMAN_LOG_H
#define DOORMAN_LOG_H

#include <stddef.h>
#include <syslog.h>

#include "config.h"

void dm_log_open(enum dm_log_target target, int facility);
/* A new session id (text.h dm_session_id: the current second and a
 * process-wide counter) into out (DM_SESSION_ID_SIZE bytes). Thread-safe. */
char *dm_log_session(char *out, size_t outlen);

void dm_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

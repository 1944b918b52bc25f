/*
 * log.h - one line per event, to syslog (LOG_MAIL, LOG_PID) or stderr.
 *
 * The format is always a constant; outside text goes in as %s arguments
 * already cleaned with dm_clean()/dm_cleans().
 */
#ifndef DOORMAN_LOG_H
#define DOORMAN_LOG_H

#include <syslog.h>

#include "config.h"

void dm_log_open(enum dm_log_target target, int facility);
void dm_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

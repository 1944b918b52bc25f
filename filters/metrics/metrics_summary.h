/*
 * metrics_summary.h - doorman -s: the numbers of /metrics for a human.
 *
 * Pure: it reads a parsed text (expo.h) and prints; the HTTP fetch is
 * milter/status.c's. Metrics it does not find are left out, so it reads an
 * older or newer doorman's text as well as it can.
 */
#ifndef DOORMAN_METRICS_SUMMARY_H
#define DOORMAN_METRICS_SUMMARY_H

#include <stdio.h>
#include <time.h>

#include "expo.h"

/* Print the summary of e to out; now: the time to count the uptime to. */
void dm_metrics_summary(const struct dm_expo *e, time_t now, FILE *out);

#endif

/*
 * zones.h - each DNSBL zone's health from its self-test (suspended or not,
 * and why), shared by all connections.
 */
#ifndef DOORMAN_ZONES_H
#define DOORMAN_ZONES_H

#include <stdio.h>

#include "config.h"

/* 1 if the self-test suspended this zone (on an answer that showed it
 * broken; never for want of an answer). */
int dm_zone_suspended(const char *zone);

struct dm_zone_health {
	int suspended;
	int untested;                  /* its last self-test got no answer */
	unsigned long untested_total;  /* self-tests of it that got no answer */
};

/* A zone's health now (all 0 for a zone not tested yet). */
void dm_zone_health(const char *zone, struct dm_zone_health *out);

/* One self-test round over cfg's zones (127.0.0.2 must be listed, 127.0.0.1
 * must not), blocking at most [dns] timeout_ms. Updates the health table and
 * logs every change (suspended: LOG_WARNING with the reason; restored:
 * LOG_NOTICE) and every test that got no answer (LOG_WARNING "could not be
 * tested"). With report != NULL, also prints one line per zone there.
 * Returns the number of zones suspended. */
int dm_zonecheck_run(const struct dm_config *cfg, FILE *report);

/* One round of the thread in milter/selftest.c: every zone of cfg, or with
 * retry_only those whose last test got no answer (tested again after next_s
 * seconds if they get none again). cfg NULL or selftest_interval 0: no
 * self-test, no zone stays suspended. Returns how many got no answer. */
int dm_zonecheck_round(const struct dm_config *cfg, int retry_only, unsigned next_s);

#endif

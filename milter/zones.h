/*
 * zones.h - each DNSBL zone's health from its self-test (suspended or not,
 * and why), shared by all connections.
 */
#ifndef DOORMAN_ZONES_H
#define DOORMAN_ZONES_H

#include <stdio.h>

#include "config.h"

/* 1 if the last self-test suspended this zone. */
int dm_zone_suspended(const char *zone);

/* One self-test round over cfg's zones (127.0.0.2 must be listed, 127.0.0.1
 * must not), blocking at most [dns] timeout_ms. Updates the health table and
 * logs every change (suspended: LOG_WARNING with the reason; restored:
 * LOG_NOTICE). With report != NULL, also prints one line per zone there.
 * Returns the number of zones suspended. */
int dm_zonecheck_run(const struct dm_config *cfg, FILE *report);

/* Start the thread that runs the self-test now and every selftest_interval
 * seconds of the current config; after each round it logs the counters
 * (dm_monitor_log_counters). */
int dm_zonecheck_start(void);

/* A new configuration: run the self-test now (and from now on at its interval). */
void dm_zonecheck_kick(void);

#endif

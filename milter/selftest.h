/*
 * selftest.h - the one thread that drives the process's self-tests: the
 * DNS lists' (zones.c), the spamd servers' GTUBE test (spamd_health.c),
 * then the counter lines (monitor.c). It calls them; none of them calls
 * it, and none of them calls another.
 */
#ifndef DOORMAN_SELFTEST_H
#define DOORMAN_SELFTEST_H

/* Start the thread: a full round (every zone, spamd's GTUBE test, the
 * counters) now and every selftest_interval seconds of the current config
 * (300 s without one); zones whose test got no answer are tested again
 * after 2, 4, 8 ... seconds (dnsbl_selftest_backoff). 0, or -1. */
int dm_selftest_start(void);

/* A new configuration: a full round now (and from now on at its interval). */
void dm_selftest_kick(void);

#endif

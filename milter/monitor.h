/*
 * monitor.h - a watch on the process's file descriptors: one clear log
 * line a minute when they run short, never a silent stall; and the
 * periodic counter lines.
 */
#ifndef DOORMAN_MONITOR_H
#define DOORMAN_MONITOR_H

/* Start the watch (a thread waking every second). 0, or -1. */
int dm_monitor_start(void);

/* One round now (the thread's body; for tests). now_s: a monotonic second. */
void dm_monitor_round(unsigned long now_s);

/* Log the spamd servers' counters and the DNS cache's (the zone self-test
 * thread calls it after each round: at start, each reload, each interval). */
void dm_monitor_log_counters(void);

#endif

/*
 * selftest.c - the self-test thread (see selftest.h): when each round runs
 * and what it covers. What a round finds is the business of zones.c,
 * spamd_health.c and monitor.c.
 */
#include <pthread.h>
#include <time.h>

#include "dnsbl.h"
#include "monitor.h"
#include "selftest.h"
#include "snapshot.h"
#include "spamd_health.h"
#include "zones.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kick = PTHREAD_COND_INITIALIZER;
static int kicked;

void dm_selftest_kick(void)
{
	pthread_mutex_lock(&lock);
	kicked = 1;
	pthread_cond_signal(&kick);
	pthread_mutex_unlock(&lock);
}

/* CLOCK_REALTIME (pthread_cond_timedwait's clock) in milliseconds. */
static long long realtime_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Sleep until wake_ms (realtime_ms) or a reload's kick; 1 if kicked. */
static int sleep_until(long long wake_ms)
{
	struct timespec until = { (time_t)(wake_ms / 1000), (long)(wake_ms % 1000) * 1000000 };
	int k;

	pthread_mutex_lock(&lock);
	while (!kicked && pthread_cond_timedwait(&kick, &lock, &until) == 0)
		;
	k = kicked;
	kicked = 0;
	pthread_mutex_unlock(&lock);
	return k;
}

/* A full round (every zone, then spamd's GTUBE test and the counters) at
 * start, at each reload and every selftest_interval; in between, retry
 * rounds over the zones that got no answer, after 2, 4, 8 ... s. */
static void *selftest_thread(void *arg)
{
	unsigned misses = 0;            /* rounds in a row that left a zone untested */
	int retry_only = 0;
	long long full_due = 0;         /* realtime_ms of the next full round */

	(void)arg;
	for (;;) {
		struct dm_config *cfg = dm_snapshot_pin();
		unsigned interval = cfg ? cfg->selftest_interval : 0;
		unsigned retry_s = dnsbl_selftest_backoff(misses + 1, interval);
		long long wake;
		int missed = dm_zonecheck_round(cfg, retry_only, retry_s);

		if (cfg != NULL && !retry_only)
			dm_spamd_selftest_run(cfg, NULL);
		dm_snapshot_unpin(cfg);
		if (!retry_only) {
			dm_monitor_log_counters();
			full_due = realtime_ms() + 1000LL * (interval > 0 ? interval : 300);
		}
		misses = missed > 0 ? misses + 1 : 0;
		wake = realtime_ms() + 1000LL * retry_s;
		retry_only = missed > 0 && wake < full_due;
		if (!retry_only)
			wake = full_due;
		if (sleep_until(wake)) {
			retry_only = 0;       /* a new configuration: a full round, backoff anew */
			misses = 0;
		}
	}
	return NULL;
}

int dm_selftest_start(void)
{
	pthread_t tid;

	if (pthread_create(&tid, NULL, selftest_thread, NULL) != 0)
		return -1;
	pthread_detach(tid);
	return 0;
}

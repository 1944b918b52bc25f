/*
 * snapshot.c - refcounted config snapshots, swapped under one mutex.
 *
 * Every loaded configuration gets a generation number at load; publishing
 * one that is older than the current (a slow loader losing a race to a
 * faster one) drops it instead: the newest configuration always stays.
 */
#include <pthread.h>
#include <stddef.h>

#include "snapshot.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct dm_config *current;
static unsigned long generations;

void dm_snapshot_stamp(struct dm_config *cfg)
{
	pthread_mutex_lock(&lock);
	cfg->generation = ++generations;
	pthread_mutex_unlock(&lock);
}

int dm_snapshot_publish(struct dm_config *cfg)
{
	struct dm_config *old;

	pthread_mutex_lock(&lock);
	old = current;
	if (old != NULL && old->generation > cfg->generation) {
		pthread_mutex_unlock(&lock);
		dm_config_free(cfg);     /* never pinned: nobody else has it */
		return -1;
	}
	cfg->refs = 1;               /* the "current" reference */
	current = cfg;
	pthread_mutex_unlock(&lock);
	if (old != NULL)
		dm_snapshot_unpin(old);
	return 0;
}

struct dm_config *dm_snapshot_pin(void)
{
	struct dm_config *cfg;

	pthread_mutex_lock(&lock);
	cfg = current;
	if (cfg != NULL)
		cfg->refs++;
	pthread_mutex_unlock(&lock);
	return cfg;
}

void dm_snapshot_unpin(struct dm_config *cfg)
{
	int last;

	if (cfg == NULL)
		return;
	pthread_mutex_lock(&lock);
	last = --cfg->refs == 0;
	pthread_mutex_unlock(&lock);
	if (last)
		dm_config_free(cfg);
}

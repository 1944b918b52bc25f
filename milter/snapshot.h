/*
 * snapshot.h - the current configuration, as immutable refcounted snapshots.
 *
 * A connection pins the snapshot current at connect and keeps it to close;
 * a reload swaps in a new one; the old one is freed when its last
 * connection lets go.
 */
#ifndef DOORMAN_SNAPSHOT_H
#define DOORMAN_SNAPSHOT_H

#include "config.h"

/* Give a freshly loaded cfg its generation (load order). */
void dm_snapshot_stamp(struct dm_config *cfg);
/* Publish cfg as current (takes ownership) and release the previous one.
 * A cfg older (by generation) than the current one is freed instead and
 * -1 returned: a late publisher never undoes a newer configuration. */
int dm_snapshot_publish(struct dm_config *cfg);
/* Pin the current snapshot (never NULL once one was published). */
struct dm_config *dm_snapshot_pin(void);
void dm_snapshot_unpin(struct dm_config *cfg);

#endif

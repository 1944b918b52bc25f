/*
 * snapshot.h - the one piece of global mutable state: the current config.
 *
 * A connection pins the snapshot current at connect and keeps it to close;
 * a reload swaps in a new one; the old one is freed when its last
 * connection lets go.
 */
#ifndef DOORMAN_SNAPSHOT_H
#define DOORMAN_SNAPSHOT_H

#include "config.h"

/* Publish cfg as current (takes ownership); releases the previous one. */
void dm_snapshot_publish(struct dm_config *cfg);
/* Pin the current snapshot (never NULL once one was published). */
struct dm_config *dm_snapshot_pin(void);
void dm_snapshot_unpin(struct dm_config *cfg);

#endif

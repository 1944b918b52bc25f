/*
 * timeline.h - event counts per time slot over the whole period, in at most
 * TL_SLOTS slots: one hour each while the period fits, then the slots double
 * in width (2 h, 4 h, ...) as often as needed.
 *
 * Does:    count an event of a column at a time; times may come in any order
 *          (logs given newest first, several hosts): the range grows both ways.
 * Returns: slots from tl->base, each tl->width seconds wide.
 * Never:   allocates after tl_init, loses a count (merging adds them up).
 */
#ifndef DOORMAN_TIMELINE_H
#define DOORMAN_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#define TL_SLOTS 2048

enum tl_col { TL_SESSIONS, TL_MESSAGES, TL_REJECT, TL_DEFER, TL_SHADOW, TL_TAG, TL_PASS, TL_COLS };

struct timeline {
	int64_t base, width;        /* start of slot 0; seconds per slot */
	size_t n;                   /* slots in use */
	uint64_t (*slot)[TL_COLS];
};

int tl_init(struct timeline *tl);
void tl_free(struct timeline *tl);
void tl_add(struct timeline *tl, int64_t t, enum tl_col col);
const char *tl_col_name(enum tl_col c);

#endif

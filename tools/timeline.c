/*
 * timeline.c - bounded per-slot counters over time (see timeline.h).
 *
 * Does:    keep slots [base, base + n * width); a time outside extends the
 *          range, and when TL_SLOTS would not hold it, doubles the width and
 *          merges pairs of slots in place.
 * Returns: see timeline.h.
 * Never:   allocates after tl_init.
 */
#include <stdlib.h>
#include <string.h>

#include "timeline.h"

static const char *const col_names[TL_COLS] = {
	"sessions", "messages", "reject", "defer", "shadow", "tag", "pass",
};

const char *tl_col_name(enum tl_col c)
{
	return (unsigned)c < TL_COLS ? col_names[c] : "?";
}

int tl_init(struct timeline *tl)
{
	memset(tl, 0, sizeof(*tl));
	tl->slot = calloc(TL_SLOTS, sizeof(*tl->slot));
	tl->width = 3600;
	return tl->slot ? 0 : -1;
}

void tl_free(struct timeline *tl)
{
	free(tl->slot);
	memset(tl, 0, sizeof(*tl));
}

static int64_t floor_to(int64_t t, int64_t w)
{
	int64_t q = t / w;

	if (t % w != 0 && t < 0)
		q--;
	return q * w;
}

/* Double the width; slot i moves to (i + off) / 2, never to the right. */
static void coarsen(struct timeline *tl)
{
	int64_t w = tl->width * 2, base = floor_to(tl->base, w);
	size_t off = (size_t)((tl->base - base) / tl->width), i, j;
	int c;

	for (i = 0; i < tl->n; i++) {
		j = (i + off) / 2;
		if (j == i)
			continue;
		for (c = 0; c < TL_COLS; c++) {
			tl->slot[j][c] += tl->slot[i][c];
			tl->slot[i][c] = 0;
		}
	}
	tl->n = tl->n ? (tl->n - 1 + off) / 2 + 1 : 0;
	tl->base = base;
	tl->width = w;
}

void tl_add(struct timeline *tl, int64_t t, enum tl_col col)
{
	size_t k;

	if (tl->n == 0) {
		tl->base = floor_to(t, tl->width);
		tl->n = 1;
	}
	while (t < tl->base) {
		k = (size_t)((tl->base - t + tl->width - 1) / tl->width);
		if (tl->n + k > TL_SLOTS) {
			coarsen(tl);
			continue;
		}
		memmove(tl->slot + k, tl->slot, tl->n * sizeof(*tl->slot));
		memset(tl->slot, 0, k * sizeof(*tl->slot));
		tl->base -= (int64_t)k * tl->width;
		tl->n += k;
	}
	while (t >= tl->base + (int64_t)tl->n * tl->width) {
		k = (size_t)((t - tl->base) / tl->width) + 1;
		if (k > TL_SLOTS) {
			coarsen(tl);
			continue;
		}
		tl->n = k;      /* the slots past the old n are still zero */
	}
	tl->slot[(t - tl->base) / tl->width][col]++;
}

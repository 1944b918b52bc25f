/*
 * hist.c - log-scale histogram of milliseconds (see hist.h).
 *
 * Does:    bucket = the value's top 8 significant bits (leading one and 7
 *          more), like HdrHistogram with 2 significant decimal digits.
 * Returns: see hist.h.
 * Never:   allocates.
 */
#include "hist.h"

#define TOP ((uint64_t)1 << 40)

static unsigned bucket(uint64_t v)
{
	unsigned e;

	if (v < HIST_SUB)
		return (unsigned)v;
	if (v >= TOP)
		return HIST_BUCKETS - 1;
	e = 63 - (unsigned)__builtin_clzll(v);
	/* e >= 7: 2^e <= v < 2^(e+1), HIST_SUB buckets of 2^(e-7) each */
	return HIST_SUB + (e - 7) * HIST_SUB + (unsigned)((v >> (e - 7)) & (HIST_SUB - 1));
}

/* The highest value of bucket i. */
static uint64_t highest(unsigned i)
{
	unsigned e;
	uint64_t width;

	if (i < HIST_SUB)
		return i;
	e = (i - HIST_SUB) / HIST_SUB + 7;
	width = (uint64_t)1 << (e - 7);
	return (uint64_t)(HIST_SUB + (i - HIST_SUB) % HIST_SUB) * width + width - 1;
}

void hist_add(struct hist *h, uint64_t v)
{
	if (h->count == 0 || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum += v;
	h->b[bucket(v)]++;
}

uint64_t hist_quantile(const struct hist *h, double p)
{
	uint64_t rank, seen = 0, v;
	unsigned i;

	if (h->count == 0)
		return 0;
	rank = (uint64_t)(p * (double)h->count);
	if ((double)rank < p * (double)h->count)
		rank++;
	if (rank == 0)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank)
			break;
	}
	if (i >= HIST_BUCKETS - 1)
		return h->max;          /* the open last bucket: past 2^40 ms */
	v = highest(i);
	/* never outside what was seen */
	return v < h->min ? h->min : v > h->max ? h->max : v;
}

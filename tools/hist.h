/*
 * hist.h - percentiles of millisecond timings from a fixed log-scale
 * histogram: bounded memory whatever the number of samples.
 *
 * Does:    values below 128 are counted exactly; above, each power of two is
 *          split into 128 buckets, so a reported percentile (the highest value
 *          of its bucket, never above the maximum seen) is at most 0.8% above
 *          the true one. Values past 2^40 ms are counted in the last bucket.
 * Returns: count, min, max, mean (exact), percentiles (approximate).
 * Never:   allocates; stores a sample.
 */
#ifndef DOORMAN_HIST_H
#define DOORMAN_HIST_H

#include <stdint.h>

#define HIST_SUB 128
#define HIST_BUCKETS (HIST_SUB + 34 * HIST_SUB)

struct hist {
	uint64_t count, sum, min, max;
	uint64_t b[HIST_BUCKETS];
};

void hist_add(struct hist *h, uint64_t v);
/* The p-quantile (0 < p <= 1), or 0 when empty. */
uint64_t hist_quantile(const struct hist *h, double p);

#endif

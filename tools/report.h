/*
 * report.h - the three ways doorman-report shows its stats: text, JSON, HTML,
 * and what they share (options, time formatting, orderings).
 *
 * Does:    write a finished struct stats to a FILE; every string that came
 *          from the log was cleaned when it was stored and is escaped again
 *          for JSON and HTML here.
 * Returns: report_*: 0, or -1 when the FILE reports a write error.
 * Never:   passes log text as a format string; changes the stats.
 */
#ifndef DOORMAN_REPORT_H
#define DOORMAN_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "stats.h"

#define REPORT_SCHEMA 1

struct report_opts {
	int top;
	int has_since, has_until;
	int64_t since, until;
	const char *domain;
	char *const *inputs;        /* names of the inputs ("-" is stdin) */
	size_t ninputs;
	uint64_t input_errors;
};

int report_text(FILE *f, const struct stats *st, const struct report_opts *o);
int report_json(FILE *f, const struct stats *st, const struct report_opts *o);
int report_html(FILE *f, const struct stats *st, const struct report_opts *o);

/* "2026-12-01 08:04:15" (sep ' ') or "2026-12-01T08:04:15" (sep 'T'). */
void rp_time(int64_t t, char sep, char *buf, size_t n);

uint64_t rp_total(const uint64_t *row, size_t n);

/* Indexes (0..names->n - 1, and names->cap for "(other)") of the rows with
 * a count, most counted first; returns how many (at most cap + 1). */
size_t rp_rows(const uint64_t (*rows)[A_COUNT], const struct names *names, size_t *idx);

/* Zones in name order, into idx (size CAP_ZONES + 1); returns how many. */
size_t rp_zones(const struct stats *st, size_t *idx);

/* A zone's health at the end of the log: suspended by the self-test (its
 * last word), failing (no listing, and no usable answer in at least half of
 * the sessions with DNS checks read since it was first named: a dead list), restored, or ok. */
enum zone_health { ZH_OK, ZH_RESTORED, ZH_UNTESTED, ZH_FAILING, ZH_SUSPENDED };
enum zone_health rp_zone_health(const struct stats *st, const struct zone_stat *z);
const char *rp_zone_health_name(enum zone_health h);
/* Sessions in which the zone gave no usable answer (timeout, error, error
 * code, bad answer, suspended). */
uint64_t rp_zone_failures(const struct zone_stat *z);
/* Sessions with DNS checks read since the zone was first named in the log. */
uint64_t rp_zone_checked(const struct stats *st, const struct zone_stat *z);

/* The busiest time slots by sessions (then messages); returns how many. */
size_t rp_busiest(const struct timeline *tl, size_t *idx, size_t max);

/* Shadow entries ordered by count; idx has room for CAP_SHADOW. */
size_t rp_shadow_order(const struct stats *st, size_t *idx);

/* Actions grouped as shown in tables: shadow_* summed into one column. */
uint64_t rp_shadow_sum(const uint64_t *row);

#endif

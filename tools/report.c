/*
 * report.c - what the text, JSON and HTML reports share: time formatting and
 * the orderings of rows (see report.h).
 *
 * Does:    sort indexes, never the stats themselves.
 * Returns: see report.h.
 * Never:   writes output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

void rp_time(int64_t t, char sep, char *buf, size_t n)
{
	/* civil from days, after H. Hinnant */
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400, sec = t - days * 86400;
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);

	snprintf(buf, n, "%04lld-%02lld-%02lld%c%02lld:%02lld:%02lld", (long long)(y + (m <= 2)), (long long)m,
	         (long long)d, sep, (long long)(sec / 3600), (long long)(sec / 60 % 60), (long long)(sec % 60));
}

uint64_t rp_total(const uint64_t *row, size_t n)
{
	uint64_t s = 0;

	while (n-- > 0)
		s += row[n];
	return s;
}

uint64_t rp_shadow_sum(const uint64_t *row)
{
	return row[A_SHADOW_REJECT] + row[A_SHADOW_DEFER] + row[A_SHADOW_TAG] + row[A_SHADOW_QUARANTINE];
}

static const uint64_t (*sort_rows)[A_COUNT];
static const struct names *sort_names;

static int by_total(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	uint64_t tx = rp_total(sort_rows[x], A_COUNT), ty = rp_total(sort_rows[y], A_COUNT);

	if (tx != ty)
		return tx < ty ? 1 : -1;
	return strcmp(names_name(sort_names, x), names_name(sort_names, y));
}

size_t rp_rows(const uint64_t (*rows)[A_COUNT], const struct names *names, size_t *idx)
{
	size_t i, n = 0;

	for (i = 0; i < names->n; i++)
		if (rp_total(rows[i], A_COUNT) > 0)
			idx[n++] = i;
	if (rp_total(rows[names->cap], A_COUNT) > 0)
		idx[n++] = names->cap;
	sort_rows = rows;
	sort_names = names;
	qsort(idx, n, sizeof(*idx), by_total);
	return n;
}

static const struct names *zone_names;

static int by_name(const void *a, const void *b)
{
	return strcmp(names_name(zone_names, *(const size_t *)a), names_name(zone_names, *(const size_t *)b));
}

size_t rp_zones(const struct stats *st, size_t *idx)
{
	size_t i, n = 0;

	for (i = 0; i < st->zones.n; i++)
		idx[n++] = i;
	zone_names = &st->zones;
	qsort(idx, n, sizeof(*idx), by_name);
	if (st->zones.overflow > 0)
		idx[n++] = st->zones.cap;
	return n;
}

uint64_t rp_zone_failures(const struct zone_stat *z)
{
	return z->out[Z_TIMEOUT] + z->out[Z_ERROR] + z->out[Z_ERROR_CODE] + z->out[Z_BAD_ANSWER] + z->out[Z_SUSPENDED];
}

uint64_t rp_zone_checked(const struct stats *st, const struct zone_stat *z)
{
	return st->checked > z->checked_before ? st->checked - z->checked_before : 0;
}

enum zone_health rp_zone_health(const struct stats *st, const struct zone_stat *z)
{
	uint64_t failed = rp_zone_failures(z);

	if (z->state == 2)
		return ZH_SUSPENDED;
	if (z->out[Z_LISTED] == 0 && failed > 0 && 2 * failed >= rp_zone_checked(st, z))
		return ZH_FAILING;
	if (z->state == 3)
		return ZH_UNTESTED;
	return z->state == 1 ? ZH_RESTORED : ZH_OK;
}

const char *rp_zone_health_name(enum zone_health h)
{
	static const char *const n[] = { "ok", "restored", "untested", "failing", "suspended" };

	return n[h];
}

static const struct timeline *sort_tl;

static int by_sessions(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const uint64_t *sx = sort_tl->slot[x], *sy = sort_tl->slot[y];

	if (sx[TL_SESSIONS] != sy[TL_SESSIONS])
		return sx[TL_SESSIONS] < sy[TL_SESSIONS] ? 1 : -1;
	if (sx[TL_MESSAGES] != sy[TL_MESSAGES])
		return sx[TL_MESSAGES] < sy[TL_MESSAGES] ? 1 : -1;
	return x < y ? -1 : x > y;
}

size_t rp_busiest(const struct timeline *tl, size_t *idx, size_t max)
{
	size_t *all, i, n = 0;

	if (tl->n == 0 || max == 0)
		return 0;
	all = malloc(tl->n * sizeof(*all));
	if (all == NULL)
		return 0;
	for (i = 0; i < tl->n; i++)
		if (rp_total(tl->slot[i], TL_COLS) > 0)
			all[n++] = i;
	sort_tl = tl;
	qsort(all, n, sizeof(*all), by_sessions);
	if (n > max)
		n = max;
	memcpy(idx, all, n * sizeof(*idx));
	free(all);
	return n;
}

static const struct stats *sort_st;

static int by_shadow_count(const void *a, const void *b)
{
	const struct shadow_stat *x = &sort_st->shadow[*(const size_t *)a];
	const struct shadow_stat *y = &sort_st->shadow[*(const size_t *)b];
	int c;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	c = strcmp(names_name(&sort_st->checks, x->check), names_name(&sort_st->checks, y->check));
	return c ? c : strcmp(names_name(&sort_st->policies, x->policy), names_name(&sort_st->policies, y->policy));
}

size_t rp_shadow_order(const struct stats *st, size_t *idx)
{
	size_t i;

	for (i = 0; i < st->nshadow; i++)
		idx[i] = i;
	sort_st = st;
	qsort(idx, st->nshadow, sizeof(*idx), by_shadow_count);
	return st->nshadow;
}

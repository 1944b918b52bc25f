/*
 * check_tables.c - Check tests for doorman-report's bounded tables:
 * tools/topk.c (space-saving), tools/hist.c (log-scale percentiles),
 * tools/timeline.c (slots that double in width), tools/names.c.
 *
 * Streams are generated from fixed seeds; every test compares with the
 * exact answer computed alongside.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "names.h"
#include "timeline.h"
#include "topk.h"

static uint32_t seed;

static uint32_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static void key_of(unsigned k, char *buf, size_t n)
{
	snprintf(buf, n, "host-%u.example", k);
}

/* Below capacity the counts are exact. */
START_TEST(test_topk_exact)
{
	struct topk t;
	const struct topk_entry *e[64];
	char k[32];
	unsigned i, j;
	size_t n;

	ck_assert_int_eq(topk_init(&t, 64), 0);
	for (i = 0; i < 40; i++)
		for (j = 0; j <= i; j++) {
			key_of(i, k, sizeof(k));
			topk_add(&t, k, strlen(k));
		}
	n = topk_sorted(&t, e, 64);
	ck_assert_uint_eq(n, 40);
	ck_assert_uint_eq(t.evictions, 0);
	for (i = 0; i < n; i++) {
		key_of(39 - i, k, sizeof(k));
		ck_assert_str_eq(e[i]->key, k);
		ck_assert_uint_eq(e[i]->count, 40 - i);
		ck_assert_uint_eq(e[i]->err, 0);
	}
	topk_free(&t);
}
END_TEST

struct stream_row {
	size_t cap;
	unsigned distinct, n, heavy;   /* heavy: keys 0..heavy-1 get half the stream */
};

static const struct stream_row streams[] = {
	{ 4, 100, 5000, 2 }, { 16, 1000, 50000, 5 }, { 64, 20000, 200000, 10 }, { 1, 10, 100, 1 }, { 8, 8, 1000, 3 },
};

/* Past capacity: guarantees of space-saving, and the hash never loses a key. */
START_TEST(test_topk_stream)
{
	const struct stream_row *r = &streams[_i];
	uint64_t *truth = calloc(r->distinct, sizeof(*truth)), sum = 0;
	const struct topk_entry **e = calloc(r->cap, sizeof(*e));
	struct topk t;
	char k[32];
	unsigned i;
	size_t n, j;

	seed = 42 + (uint32_t)_i;
	ck_assert_int_eq(topk_init(&t, r->cap), 0);
	for (i = 0; i < r->n; i++) {
		unsigned key = (i & 1) ? rnd() % r->heavy : rnd() % r->distinct;
		truth[key]++;
		key_of(key, k, sizeof(k));
		topk_add(&t, k, strlen(k));
	}
	ck_assert_uint_eq(t.total, r->n);
	n = topk_sorted(&t, e, r->cap);
	for (j = 0; j < n; j++) {
		unsigned key;
		ck_assert_int_eq(sscanf(e[j]->key, "host-%u.example", &key), 1);
		ck_assert_msg(e[j]->count >= truth[key] && e[j]->count - e[j]->err <= truth[key],
		              "%s: count %llu err %llu truth %llu", e[j]->key, (unsigned long long)e[j]->count,
		              (unsigned long long)e[j]->err, (unsigned long long)truth[key]);
		if (j > 0)
			ck_assert_str_ne(e[j]->key, e[j - 1]->key);
		sum += e[j]->count;
	}
	ck_assert_uint_eq(sum, r->n);          /* space-saving keeps the total */
	for (i = 0; i < r->heavy; i++) {       /* every heavy hitter is there */
		int found = 0;
		key_of(i, k, sizeof(k));
		for (j = 0; j < n; j++)
			found |= strcmp(e[j]->key, k) == 0;
		ck_assert_msg(found || truth[i] <= r->n / r->cap, "heavy %s missing", k);
	}
	topk_free(&t);
	free(truth);
	free(e);
}
END_TEST

START_TEST(test_topk_clean)
{
	struct topk t;
	const struct topk_entry *e[4];
	char longkey[300];

	memset(longkey, 'a', sizeof(longkey));
	ck_assert_int_eq(topk_init(&t, 4), 0);
	topk_add(&t, "a\nb\0c\xff", 6);
	topk_add(&t, longkey, sizeof(longkey));
	ck_assert_uint_eq(topk_sorted(&t, e, 4), 2);
	ck_assert(strcmp(e[0]->key, "a?b?c?") == 0 || strcmp(e[1]->key, "a?b?c?") == 0);
	ck_assert_uint_eq(strlen(e[0]->key) + strlen(e[1]->key), 6 + TOPK_KEY - 1);
	topk_free(&t);
}
END_TEST

START_TEST(test_hist_small_exact)
{
	struct hist h;
	unsigned v;

	memset(&h, 0, sizeof(h));
	for (v = 1; v <= 60; v++)
		hist_add(&h, v);
	ck_assert_uint_eq(hist_quantile(&h, 0.5), 30);
	ck_assert_uint_eq(hist_quantile(&h, 0.95), 57);
	ck_assert_uint_eq(hist_quantile(&h, 1.0), 60);
	ck_assert_uint_eq(h.min, 1);
	ck_assert_uint_eq(h.max, 60);
	memset(&h, 0, sizeof(h));
	ck_assert_uint_eq(hist_quantile(&h, 0.5), 0);
}
END_TEST

struct quant_row {
	unsigned lo, hi;   /* uniform over [lo, hi] */
	double p;
};

static const struct quant_row quants[] = {
	{ 1, 1000, 0.5 }, { 1, 1000, 0.95 }, { 1, 1000, 0.99 }, { 100, 100000, 0.5 }, { 100, 100000, 0.99 },
	{ 5000, 5000, 0.5 }, { 1, 3000000, 0.95 },
};

START_TEST(test_hist_quantiles)
{
	const struct quant_row *r = &quants[_i];
	struct hist h;
	unsigned v;
	double want, got;

	memset(&h, 0, sizeof(h));
	for (v = r->lo; v <= r->hi; v += (r->hi - r->lo) / 20000 + 1)
		hist_add(&h, v);
	want = r->lo + r->p * (r->hi - r->lo);
	got = (double)hist_quantile(&h, r->p);
	ck_assert_msg(got >= want * 0.97 - 2 && got <= want * 1.03 + 2, "p%g of [%u,%u]: %g, want ~%g", r->p, r->lo,
	              r->hi, got, want);
}
END_TEST

START_TEST(test_hist_huge)
{
	struct hist h;

	memset(&h, 0, sizeof(h));
	hist_add(&h, (uint64_t)1 << 50);
	hist_add(&h, 0);
	ck_assert_uint_eq(hist_quantile(&h, 1.0), (uint64_t)1 << 50);
	ck_assert_uint_eq(hist_quantile(&h, 0.5), 0);
}
END_TEST

static uint64_t tl_sum(const struct timeline *tl, enum tl_col c)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < tl->n; i++)
		s += tl->slot[i][c];
	return s;
}

START_TEST(test_timeline_hours)
{
	struct timeline tl;
	int64_t base = 1796103481;    /* 2026-12-01 05:38:01 */

	ck_assert_int_eq(tl_init(&tl), 0);
	tl_add(&tl, base, TL_SESSIONS);
	ck_assert_int_eq(tl.base, base - 38 * 60 - 1);
	ck_assert_uint_eq(tl.n, 1);
	tl_add(&tl, base + 9 * 3600, TL_SESSIONS);
	ck_assert_uint_eq(tl.n, 10);
	tl_add(&tl, base - 2 * 3600, TL_REJECT);         /* earlier: the range grows left */
	ck_assert_uint_eq(tl.n, 12);
	ck_assert_uint_eq(tl.slot[0][TL_REJECT], 1);
	ck_assert_uint_eq(tl.slot[2][TL_SESSIONS], 1);
	ck_assert_uint_eq(tl.slot[11][TL_SESSIONS], 1);
	ck_assert_int_eq(tl.width, 3600);
	tl_free(&tl);
}
END_TEST

struct span_row {
	int64_t hours;
	int backwards;
};

static const struct span_row spans[] = { { 2047, 0 }, { 2048, 0 }, { 5000, 0 }, { 5000, 1 }, { 24 * 365 * 30, 1 } };

START_TEST(test_timeline_span)
{
	const struct span_row *r = &spans[_i];
	struct timeline tl;
	int64_t base = 1796103481, h;
	uint64_t n = 0;

	ck_assert_int_eq(tl_init(&tl), 0);
	for (h = 0; h <= r->hours; h += 1 + r->hours / 3000) {
		tl_add(&tl, r->backwards ? base - h * 3600 : base + h * 3600, TL_MESSAGES);
		n++;
	}
	ck_assert_uint_le(tl.n, TL_SLOTS);
	ck_assert_uint_eq(tl_sum(&tl, TL_MESSAGES), n);
	ck_assert_int_eq(tl.width, r->hours < 2048 ? 3600 : tl.width);
	ck_assert_int_ge((int64_t)tl.n * tl.width, r->hours * 3600);
	ck_assert_int_le(tl.base, r->backwards ? base - r->hours * 3600 : base);
	tl_free(&tl);
}
END_TEST

START_TEST(test_names)
{
	struct names s;

	ck_assert_int_eq(names_init(&s, 3), 0);
	ck_assert_uint_eq(names_find(&s, "default", 7), 0);
	ck_assert_uint_eq(names_find(&s, "a.example", 9), 1);
	ck_assert_uint_eq(names_find(&s, "default", 7), 0);
	ck_assert_uint_eq(names_find(&s, "b\n", 2), 2);
	ck_assert_str_eq(names_name(&s, 2), "b?");
	ck_assert_uint_eq(names_find(&s, "c", 1), 3);
	ck_assert_str_eq(names_name(&s, 3), "(other)");
	ck_assert_uint_eq(s.overflow, 1);
	ck_assert_uint_eq(names_lookup(&s, "a.example", 9), 1);
	ck_assert_uint_eq(names_lookup(&s, "zzz", 3), 3);
	names_free(&s);
}
END_TEST

static Suite *tables_suite(void)
{
	Suite *s = suite_create("tables");
	TCase *tc = tcase_create("topk");

	tcase_add_test(tc, test_topk_exact);
	tcase_add_loop_test(tc, test_topk_stream, 0, (int)(sizeof(streams) / sizeof(streams[0])));
	tcase_add_test(tc, test_topk_clean);
	suite_add_tcase(s, tc);
	tc = tcase_create("hist");
	tcase_add_test(tc, test_hist_small_exact);
	tcase_add_loop_test(tc, test_hist_quantiles, 0, (int)(sizeof(quants) / sizeof(quants[0])));
	tcase_add_test(tc, test_hist_huge);
	suite_add_tcase(s, tc);
	tc = tcase_create("timeline");
	tcase_add_test(tc, test_timeline_hours);
	tcase_add_loop_test(tc, test_timeline_span, 0, (int)(sizeof(spans) / sizeof(spans[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tables_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * check_dnscache.c - the shared DNS cache without any DNS: TTL clamping and
 * expiry, what is stored, case-insensitive keys, LRU eviction, counters.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "dnscache.h"

static struct dm_dns_result mk(const char *name, enum dm_dns_type type, enum dm_dns_status st, unsigned ttl)
{
	struct dm_dns_result r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.type = type;
	r.status = st;
	r.ttl = ttl;
	r.nrecords = st == DM_DNS_ANSWER;
	return r;
}

/* Rows: stored status and ttl, clamp, the time of the lookup, hit expected. */
struct row {
	enum dm_dns_status st;
	unsigned ttl, min_ttl, max_ttl;
	uint64_t at_ms;          /* lookup time, stored at 0 */
	int hit;
	unsigned ttl_left;       /* when hit */
};

static const struct row rows[] = {
	{ DM_DNS_ANSWER,   300, 0, 3600, 0,       1, 300 },
	{ DM_DNS_ANSWER,   300, 0, 3600, 299999,  1, 1 },
	{ DM_DNS_ANSWER,   300, 0, 3600, 300000,  0, 0 },
	{ DM_DNS_NOTFOUND, 60,  0, 3600, 59000,   1, 1 },
	{ DM_DNS_NOTFOUND, 60,  0, 3600, 60000,   0, 0 },
	{ DM_DNS_ANSWER,   5,   30, 3600, 29000,  1, 1 },    /* raised to min_ttl */
	{ DM_DNS_ANSWER,   86400, 0, 600, 600000, 0, 0 },    /* cut to max_ttl */
	{ DM_DNS_ANSWER,   86400, 0, 600, 599000, 1, 1 },
	{ DM_DNS_ANSWER,   0,   0, 3600, 0,       0, 0 },    /* ttl 0: not stored */
	{ DM_DNS_ERROR,    300, 0, 3600, 0,       0, 0 },    /* errors never stored */
	{ DM_DNS_TIMEOUT,  300, 0, 3600, 0,       0, 0 },
};

START_TEST(test_ttl)
{
	const struct row *r = &rows[_i];
	struct dm_dnscache *c = dm_dnscache_new(10, r->min_ttl, r->max_ttl);
	struct dm_dns_result in = mk("a.example.com", DM_DNS_A, r->st, r->ttl), out;

	ck_assert_ptr_nonnull(c);
	dm_dnscache_put(c, &in, 0);
	ck_assert_int_eq(dm_dnscache_get(c, "a.example.com", DM_DNS_A, r->at_ms, &out), r->hit);
	if (r->hit) {
		ck_assert_int_eq(out.status, r->st);
		ck_assert_uint_eq(out.ttl, r->ttl_left);
	}
	dm_dnscache_free(c);
}
END_TEST

START_TEST(test_keys)
{
	struct dm_dnscache *c = dm_dnscache_new(10, 0, 3600);
	struct dm_dns_result a = mk("Mixed.Example.COM", DM_DNS_A, DM_DNS_ANSWER, 60), out;
	struct dm_dnscache_stats st;

	dm_dnscache_put(c, &a, 0);
	ck_assert_int_eq(dm_dnscache_get(c, "mixed.example.com", DM_DNS_A, 1, &out), 1);
	ck_assert_int_eq(dm_dnscache_get(c, "mixed.example.com", DM_DNS_AAAA, 1, &out), 0);
	ck_assert_int_eq(dm_dnscache_get(c, "other.example.com", DM_DNS_A, 1, &out), 0);
	a.nrecords = 7;                       /* a second put replaces */
	dm_dnscache_put(c, &a, 0);
	ck_assert_int_eq(dm_dnscache_get(c, "MIXED.example.com", DM_DNS_A, 1, &out), 1);
	ck_assert_uint_eq(out.nrecords, 7);
	dm_dnscache_stats(c, &st);
	ck_assert_uint_eq(st.hits, 2);
	ck_assert_uint_eq(st.misses, 2);
	ck_assert_uint_eq(st.entries, 1);
	ck_assert_uint_eq(st.inserts, 1);
	dm_dnscache_free(c);
}
END_TEST

START_TEST(test_lru)
{
	struct dm_dnscache *c = dm_dnscache_new(3, 0, 3600);
	struct dm_dns_result out;
	struct dm_dnscache_stats st;
	char name[32];
	int i;

	for (i = 0; i < 3; i++) {
		struct dm_dns_result r;
		snprintf(name, sizeof(name), "n%d.example.com", i);
		r = mk(name, DM_DNS_A, DM_DNS_ANSWER, 60);
		dm_dnscache_put(c, &r, 0);
	}
	ck_assert_int_eq(dm_dnscache_get(c, "n0.example.com", DM_DNS_A, 1, &out), 1);  /* n0 now recent */
	{
		struct dm_dns_result r = mk("n3.example.com", DM_DNS_A, DM_DNS_ANSWER, 60);
		dm_dnscache_put(c, &r, 0);                                                /* evicts n1 */
	}
	ck_assert_int_eq(dm_dnscache_get(c, "n1.example.com", DM_DNS_A, 1, &out), 0);
	ck_assert_int_eq(dm_dnscache_get(c, "n0.example.com", DM_DNS_A, 1, &out), 1);
	ck_assert_int_eq(dm_dnscache_get(c, "n2.example.com", DM_DNS_A, 1, &out), 1);
	ck_assert_int_eq(dm_dnscache_get(c, "n3.example.com", DM_DNS_A, 1, &out), 1);
	dm_dnscache_stats(c, &st);
	ck_assert_uint_eq(st.entries, 3);
	ck_assert_uint_eq(st.evictions, 1);
	/* many more than fit: never more than max entries */
	for (i = 0; i < 1000; i++) {
		struct dm_dns_result r;
		snprintf(name, sizeof(name), "m%d.example.com", i);
		r = mk(name, DM_DNS_MX, DM_DNS_NOTFOUND, 60);
		dm_dnscache_put(c, &r, 0);
	}
	dm_dnscache_stats(c, &st);
	ck_assert_uint_eq(st.entries, 3);
	ck_assert_int_eq(dm_dnscache_get(c, "m999.example.com", DM_DNS_MX, 1, &out), 1);
	dm_dnscache_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dnscache");
	TCase *tc = tcase_create("cache");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_ttl, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_lru);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

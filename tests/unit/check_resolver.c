/*
 * check_resolver.c - the c-ares seam against a real unbound on loopback
 * (tests/dns/resolver.test starts it and sets DM_DNS_PORT).
 *
 * Rows: name, type, expected outcome; plus the deadline with a dead zone.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dnscache.h"
#include "fdlimit.h"
#include "resolver.h"

static char servers[64];

struct row {
	const char *name;
	enum dm_dns_type type;
	enum dm_dns_status want;
	const char *want_addr;   /* first address (A/AAAA), or first MX/PTR/TXT text; NULL = don't check */
	size_t want_records;     /* 0 = don't check */
};

static const struct row rows[] = {
	{ "a.test.example.net",      DM_DNS_A,    DM_DNS_ANSWER,   "192.0.2.10", 1 },
	{ "a.test.example.net",      DM_DNS_AAAA, DM_DNS_NOTFOUND, NULL, 0 },
	{ "a.test.example.net",      DM_DNS_MX,   DM_DNS_NOTFOUND, NULL, 0 },
	{ "aaaa.test.example.net",   DM_DNS_AAAA, DM_DNS_ANSWER,   "2001:db8::10", 1 },
	{ "aaaa.test.example.net",   DM_DNS_A,    DM_DNS_NOTFOUND, NULL, 0 },
	{ "mxonly.test.example.net", DM_DNS_MX,   DM_DNS_ANSWER,   "a.test.example.net", 1 },
	{ "mxonly.test.example.net", DM_DNS_A,    DM_DNS_NOTFOUND, NULL, 0 },
	{ "mxonly.test.example.net", DM_DNS_AAAA, DM_DNS_NOTFOUND, NULL, 0 },
	{ "multi.test.example.net",  DM_DNS_A,    DM_DNS_ANSWER,   NULL, 2 },
	{ "both.test.example.net",   DM_DNS_AAAA, DM_DNS_ANSWER,   "2001:db8::11", 1 },
	{ "nx.test.example.net",     DM_DNS_A,    DM_DNS_NOTFOUND, NULL, 0 },
	{ "nx.test.example.net",     DM_DNS_MX,   DM_DNS_NOTFOUND, NULL, 0 },
	{ "txtonly.test.example.net", DM_DNS_TXT, DM_DNS_ANSWER,   "no address here", 1 },
	{ "txtonly.test.example.net", DM_DNS_A,   DM_DNS_NOTFOUND, NULL, 0 },
	{ "20.2.0.192.in-addr.arpa", DM_DNS_PTR, DM_DNS_ANSWER, "good.sender.example.org", 1 },
	{ "8.2.0.192.in-addr.arpa",  DM_DNS_PTR, DM_DNS_NOTFOUND, NULL, 0 },
	{ "x.refused.test.example.net", DM_DNS_A, DM_DNS_ERROR,    NULL, 0 },
	{ "no-such-tld-at-all",  DM_DNS_A,    DM_DNS_NOTFOUND, NULL, 0 },
};

START_TEST(test_row)
{
	const struct row *r = &rows[_i];
	char err[200], buf[64];
	struct dm_resolver *res = dm_resolver_new(servers, 500, err, sizeof(err));
	const struct dm_dns_result *out;
	int idx;

	ck_assert_msg(res != NULL, "resolver: %s", err);
	idx = dm_resolver_submit(res, r->name, r->type);
	ck_assert_int_ge(idx, 0);
	dm_resolver_collect(res, dm_now_ms() + 3000);
	out = dm_resolver_result(res, idx);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(out->status == r->want, "%s type %d: got %s, want %s", r->name, r->type,
	              dm_dns_status_name(out->status), dm_dns_status_name(r->want));
	if (r->want_records)
		ck_assert_uint_eq(out->nrecords, r->want_records);
	if (r->want_addr != NULL) {
		if (r->type == DM_DNS_A || r->type == DM_DNS_AAAA)
			ck_assert_str_eq(dm_addr_format(&out->addrs[0], buf, sizeof(buf)), r->want_addr);
		else
			ck_assert_str_eq(out->text, r->want_addr);
	}
	if (r->want == DM_DNS_ANSWER && r->type != DM_DNS_PTR)
		ck_assert_uint_eq(out->ttl, 300);
	dm_resolver_free(res);
}
END_TEST

/* All queries of a HELO fired at once, collected together. */
START_TEST(test_concurrent)
{
	char err[200];
	struct dm_resolver *res = dm_resolver_new(servers, 500, err, sizeof(err));
	int i, idx[9];
	const char *names[3] = { "a.test.example.net", "mxonly.test.example.net", "nx.test.example.net" };
	enum dm_dns_type types[3] = { DM_DNS_A, DM_DNS_AAAA, DM_DNS_MX };

	ck_assert_ptr_nonnull(res);
	for (i = 0; i < 9; i++)
		idx[i] = dm_resolver_submit(res, names[i / 3], types[i % 3]);
	ck_assert_int_eq(dm_resolver_collect(res, dm_now_ms() + 3000), 0);
	ck_assert(dm_resolver_idle(res));
	ck_assert_int_eq(dm_resolver_result(res, idx[0])->status, DM_DNS_ANSWER);
	ck_assert_int_eq(dm_resolver_result(res, idx[5])->status, DM_DNS_ANSWER);
	ck_assert_int_eq(dm_resolver_result(res, idx[6])->status, DM_DNS_NOTFOUND);
	/* reset, then reuse the same channel */
	dm_resolver_reset(res);
	idx[0] = dm_resolver_submit(res, "aaaa.test.example.net", DM_DNS_AAAA);
	ck_assert_int_eq(idx[0], 0);
	dm_resolver_collect(res, dm_now_ms() + 3000);
	ck_assert_int_eq(dm_resolver_result(res, 0)->status, DM_DNS_ANSWER);
	dm_resolver_free(res);
}
END_TEST

/* A zone that never answers: collect returns at the deadline, not later. */
START_TEST(test_deadline)
{
	static const unsigned deadlines[] = { 200, 700 };
	char err[200];
	unsigned d = deadlines[_i];
	struct dm_resolver *res = dm_resolver_new(servers, d / 3, err, sizeof(err));
	uint64_t start, took;
	int a, b;

	ck_assert_ptr_nonnull(res);
	start = dm_now_ms();
	a = dm_resolver_submit(res, "x.dead.test.example.net", DM_DNS_A);
	b = dm_resolver_submit(res, "a.test.example.net", DM_DNS_A);
	ck_assert_int_eq(dm_resolver_collect(res, start + d), 1);
	took = dm_now_ms() - start;
	printf("deadline %u ms: collect returned after %llu ms\n", d, (unsigned long long)took);
	ck_assert_uint_ge(took, d - 5);
	ck_assert_uint_le(took, d + 50);
	ck_assert_int_eq(dm_resolver_result(res, a)->status, DM_DNS_TIMEOUT);
	ck_assert_int_eq(dm_resolver_result(res, b)->status, DM_DNS_ANSWER);
	dm_resolver_free(res);
}
END_TEST

/* Pending queries at free() must not touch freed memory (valgrind run). */
START_TEST(test_free_pending)
{
	char err[200];
	struct dm_resolver *res = dm_resolver_new(servers, 1000, err, sizeof(err));

	ck_assert_ptr_nonnull(res);
	dm_resolver_submit(res, "y.dead.test.example.net", DM_DNS_A);
	dm_resolver_submit(res, "", DM_DNS_A);
	ck_assert_int_eq(dm_resolver_result(res, 1)->status, DM_DNS_ERROR);
	dm_resolver_free(res);
}
END_TEST

/* The shared cache in front of real DNS: a second connection's lookup is
 * served from it; NXDOMAIN is kept for the SOA's negative TTL; a 1 s TTL
 * expires; NOCACHE always asks the server. */
static const struct dm_dns_result *ask(struct dm_resolver *r, const char *name, enum dm_dns_type t, int flags)
{
	int idx = dm_resolver_submit_flags(r, name, t, flags);

	dm_resolver_collect(r, dm_now_ms() + 3000);
	return dm_resolver_result(r, idx);
}

START_TEST(test_cache)
{
	char err[200];
	struct dm_dnscache *cache = dm_dnscache_new(100, 0, 3600);
	struct dm_resolver *r1 = dm_resolver_new(servers, 500, err, sizeof(err));
	struct dm_resolver *r2 = dm_resolver_new(servers, 500, err, sizeof(err));
	const struct dm_dns_result *res;
	struct dm_dnscache_stats st;
	char buf[64];

	ck_assert_ptr_nonnull(cache);
	dm_resolver_set_cache(r1, cache);
	dm_resolver_set_cache(r2, cache);
	res = ask(r1, "a.test.example.net", DM_DNS_A, 0);
	ck_assert_int_eq(res->status, DM_DNS_ANSWER);
	ck_assert_int_eq(res->from_cache, 0);
	res = ask(r2, "A.Test.Example.NET", DM_DNS_A, 0);
	ck_assert_int_eq(res->status, DM_DNS_ANSWER);
	ck_assert_int_eq(res->from_cache, 1);
	ck_assert_str_eq(dm_addr_format(&res->addrs[0], buf, sizeof(buf)), "192.0.2.10");
	/* NXDOMAIN: SOA TTL 300, MINIMUM 60 -> remembered 60 s */
	res = ask(r1, "nx.test.example.net", DM_DNS_A, 0);
	ck_assert_int_eq(res->status, DM_DNS_NOTFOUND);
	ck_assert_uint_eq(res->ttl, 60);
	res = ask(r2, "nx.test.example.net", DM_DNS_A, 0);
	ck_assert_int_eq(res->from_cache, 1);
	ck_assert_int_eq(res->status, DM_DNS_NOTFOUND);
	/* errors are not cached */
	res = ask(r1, "x.refused.test.example.net", DM_DNS_A, 0);
	ck_assert_int_eq(res->status, DM_DNS_ERROR);
	res = ask(r2, "x.refused.test.example.net", DM_DNS_A, 0);
	ck_assert_int_eq(res->from_cache, 0);
	/* NOCACHE bypasses */
	res = ask(r2, "a.test.example.net", DM_DNS_A, DM_DNS_NOCACHE);
	ck_assert_int_eq(res->from_cache, 0);
	/* TTL expiry */
	res = ask(r1, "ttl1.test.example.net", DM_DNS_A, 0);
	ck_assert_int_eq(res->status, DM_DNS_ANSWER);
	ck_assert_uint_eq(res->ttl, 1);
	res = ask(r2, "ttl1.test.example.net", DM_DNS_A, 0);
	ck_assert_int_eq(res->from_cache, 1);
	usleep(1100 * 1000);
	res = ask(r2, "ttl1.test.example.net", DM_DNS_A, 0);
	ck_assert_int_eq(res->from_cache, 0);
	ck_assert_int_eq(res->status, DM_DNS_ANSWER);
	dm_dnscache_stats(cache, &st);
	printf("cache: hits %lu misses %lu entries %zu\n", st.hits, st.misses, st.entries);
	ck_assert_uint_eq(st.hits, 3);
	dm_resolver_free(r1);
	dm_resolver_free(r2);
	dm_dnscache_free(cache);
}
END_TEST

/* Forward confirmation looks at every address of the answer: the client's
 * is the 20th of many.sender.example.org. A cached answer that keeps only
 * the first few is not taken as proof either way. */
START_TEST(test_match_all)
{
	char err[200];
	struct dm_dnscache *cache = dm_dnscache_new(100, 0, 3600);
	struct dm_resolver *r1 = dm_resolver_new(servers, 500, err, sizeof(err));
	struct dm_resolver *r2 = dm_resolver_new(servers, 500, err, sizeof(err));
	const struct dm_dns_result *res;
	struct dm_addr client, other;
	int a, b, c;

	ck_assert_ptr_nonnull(r1);
	ck_assert_ptr_nonnull(r2);
	dm_resolver_set_cache(r1, cache);
	dm_resolver_set_cache(r2, cache);
	dm_addr_parse("192.0.2.30", &client);
	dm_addr_parse("192.0.2.99", &other);
	a = dm_resolver_submit_match(r1, "many.sender.example.org", DM_DNS_A, &client);
	b = dm_resolver_submit_match(r1, "many.sender.example.org", DM_DNS_A, &other);
	ck_assert_int_eq(dm_resolver_collect(r1, dm_now_ms() + 3000), 0);
	res = dm_resolver_result(r1, a);
	ck_assert_int_eq(res->status, DM_DNS_ANSWER);
	ck_assert_uint_eq(res->nrecords, 20);
	ck_assert_uint_eq(res->naddrs, DM_DNS_MAX_ADDRS);
	ck_assert_int_eq(res->matched, 1);
	ck_assert_int_eq(dm_resolver_result(r1, b)->matched, 0);
	/* the cache has 8 of the 20: a match must ask again */
	c = dm_resolver_submit_match(r2, "many.sender.example.org", DM_DNS_A, &client);
	dm_resolver_collect(r2, dm_now_ms() + 3000);
	res = dm_resolver_result(r2, c);
	ck_assert_int_eq(res->from_cache, 0);
	ck_assert_int_eq(res->matched, 1);
	/* a complete cached answer settles a match without asking */
	c = dm_resolver_submit_match(r2, "multi.test.example.net", DM_DNS_A, &client);
	dm_resolver_collect(r2, dm_now_ms() + 3000);
	c = dm_resolver_submit_match(r2, "multi.test.example.net", DM_DNS_A, &other);
	ck_assert_int_eq(dm_resolver_result(r2, c)->from_cache, 1);
	ck_assert_int_eq(dm_resolver_result(r2, c)->matched, 0);
	dm_resolver_free(r1);
	dm_resolver_free(r2);
	dm_dnscache_free(cache);
}
END_TEST

/* Many sessions, one channel: no socket per session, and a question asked
 * by several sessions at once goes out once. */
START_TEST(test_shared)
{
	enum { N = 300 };
	static struct dm_resolver *rs[N];
	struct dm_dns_stats before, after;
	long fds0, fds1;
	char err[200];
	int i, idx;

	dm_resolver_stats(&before);
	fds0 = dm_fd_in_use();
	for (i = 0; i < N; i++) {
		rs[i] = dm_resolver_new(servers, 5000, err, sizeof(err));   /* the dead question stays in flight */
		ck_assert_msg(rs[i] != NULL, "%s", err);
		/* everyone asks the same two questions of a zone that never
		 * answers: they stay in flight, and every later asker joins them */
		dm_resolver_submit(rs[i], "z.dead.test.example.net", DM_DNS_A);
		dm_resolver_submit(rs[i], "z.dead.test.example.net", DM_DNS_AAAA);
	}
	fds1 = dm_fd_in_use();
	printf("shared: %d sessions waiting, descriptors %ld -> %ld\n", N, fds0, fds1);
	ck_assert_int_le(fds1 - fds0, 3);       /* the channel's socket and the wake pipe */
	dm_resolver_stats(&after);
	ck_assert_uint_le(after.channels, before.channels + 1);
	ck_assert_uint_eq(after.sent - before.sent, 2);
	ck_assert_uint_eq(after.joined - before.joined, 2 * N - 2);
	for (i = 0; i < N; i++) {
		ck_assert_int_eq(dm_resolver_collect(rs[i], dm_now_ms() + (i == 0 ? 300 : 0)), 2);
		ck_assert_int_eq(dm_resolver_result(rs[i], 0)->status, DM_DNS_TIMEOUT);
		ck_assert_int_eq(dm_resolver_result(rs[i], 1)->status, DM_DNS_TIMEOUT);
		dm_resolver_free(rs[i]);
	}
	/* released slots are handed out again: a session's memory stays put */
	rs[0] = dm_resolver_new(servers, 400, err, sizeof(err));
	idx = dm_resolver_submit(rs[0], "w.dead.test.example.net", DM_DNS_A);
	dm_resolver_release(rs[0], idx);
	ck_assert_ptr_null(dm_resolver_result(rs[0], idx));
	ck_assert_int_eq(dm_resolver_submit(rs[0], "a.test.example.net", DM_DNS_A), idx);
	ck_assert_int_eq(dm_resolver_collect(rs[0], dm_now_ms() + 3000), 0);
	ck_assert_int_eq(dm_resolver_result(rs[0], idx)->status, DM_DNS_ANSWER);
	dm_resolver_free(rs[0]);
}
END_TEST

int main(void)
{
	const char *port = getenv("DM_DNS_PORT");
	Suite *s = suite_create("resolver");
	TCase *tc = tcase_create("unbound");
	SRunner *sr;
	int failed;

	if (port == NULL || *port == '\0') {
		fprintf(stderr, "DM_DNS_PORT not set: run through tests/dns/resolver.test\n");
		return 77;
	}
	snprintf(servers, sizeof(servers), "127.0.0.1:%s", port);
	dm_resolver_library_init();
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_row, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_concurrent);
	tcase_add_loop_test(tc, test_deadline, 0, 2);
	tcase_add_test(tc, test_free_pending);
	tcase_add_test(tc, test_cache);
	tcase_add_test(tc, test_match_all);
	tcase_add_test(tc, test_shared);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	dm_resolver_library_cleanup();
	return failed ? 1 : 0;
}

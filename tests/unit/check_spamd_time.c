/*
 * check_spamd_time.c - Check tests for whose time a spamd scan spends
 * (filters/spamd/spamd.c, filters/spamd/spamd_pool.c; the contract in spamd.h "Time"
 * and "A stalled sender"), against the fake spamd of spamd_fake.c.
 *
 * "pauses": the sender's pauses between writes and before the end never
 * count against timeout_ms, for a session opened at once (spamd_begin) and
 * for a prepared one (spamd_prepare); a prepared message that fits the
 * buffer holds no place and no connection while its sender pauses.
 * "places": a session whose sender is silent gives its place to a waiting
 * message (spamd scores what it got); a complete message goes first and a
 * streaming one that finds no place is scored on its start; waiting for a
 * place is no failure of the backend; a prepared session fails over at its end; a reload while
 * sessions run (the race that spamd_pool_configure had: build this file
 * with -fsanitize=thread to see it on the old code).
 */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spamd.h"
#include "spamd_fake.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define OKL "SPAMD/1.1 0 EX_OK\r\n"
#define R(s) s, sizeof(s) - 1
#define SPAM_REPLY OKL "Spam: True ; 1000.0 / 5.0\r\n\r\n"
#define HAM_REPLY OKL "Spam: False ; 1.0 / 5.0\r\n\r\n"

/* Byte k of a test message (headers first, so spamd would take it). */
static char msg_byte(size_t k)
{
	static const char hdr[] = "Subject: pause\r\n\r\n";

	return k < sizeof(hdr) - 1 ? hdr[k] : (char)('a' + k % 23);
}

/* Write len bytes of the test message from offset off in chunks of up to
 * 8 KiB (a milter's header and body callbacks); returns the last rc. */
static int write_msg(struct spamd_session *s, size_t off, size_t len, uint32_t *hash)
{
	char chunk[8192];
	size_t c, k;
	int rc = SPAMD_WRITE_OK;

	while (len > 0 && rc == SPAMD_WRITE_OK) {
		c = len < sizeof(chunk) ? len : sizeof(chunk);
		for (k = 0; k < c; k++)
			chunk[k] = msg_byte(off + k);
		rc = spamd_write(s, chunk, c);
		if (hash && rc == SPAMD_WRITE_OK)
			*hash = fnv(*hash, chunk, c);
		off += c;
		len -= c;
	}
	return rc;
}

static int open_session(struct spamd_pool *p, int prepared, unsigned timeout_ms,
                        struct spamd_session **s, char *err, size_t errlen)
{
	if (prepared)
		return spamd_prepare(p, SPAMD_CMD_CHECK, NULL, 1000, timeout_ms, 0, s, err, errlen);
	return spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, timeout_ms, 0, s, err, errlen);
}

/* ------------------------------------------------------------ pauses */

struct prow {
	const char *name;
	int prepared;
	size_t size;             /* message bytes */
	unsigned parts;          /* written in this many parts, a pause after each */
	unsigned pause_ms;
	unsigned timeout_ms;
};

static const struct prow prows[] = {
	{ "opened at once, 3 x timeout before the end", 0, 600, 1, 900, 300 },
	{ "opened at once, 64 KiB, pauses between writes", 0, 65536, 4, 400, 300 },
	{ "prepared, small, 3 x timeout before the end", 1, 600, 1, 900, 300 },
	{ "prepared, 64 KiB, pauses between writes", 1, 65536, 4, 400, 300 },
};

START_TEST(pause_row)
{
	const struct prow *r = &prows[_i];
	struct fake *f = fake_new(_i % 2, 100 + _i, 8, 0);
	struct spamd_pool *p;
	struct spamd_session *s;
	struct spamd_answer a;
	struct spamd_backend_stats st;
	char err[256], head[128];
	size_t headlen, received, part = r->size / r->parts, off = 0;
	uint32_t hash = FNV0, got;
	unsigned conns, k;
	uint64_t t0;

	fake_set(f, FM_REPLY, R(SPAM_REPLY));
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	p = pool_of(f->spec, 1, 1000);
	headlen = spamd_request_head(head, sizeof(head), SPAMD_CMD_CHECK, NULL);
	hash = fnv(hash, head, headlen);
	ck_assert_msg(open_session(p, r->prepared, r->timeout_ms, &s, err, sizeof(err)) == 0, "%s", err);
	for (k = 0; k < r->parts; k++) {
		size_t n = k + 1 == r->parts ? r->size - off : part;

		ck_assert_int_eq(write_msg(s, off, n, &hash), SPAMD_WRITE_OK);
		off += n;
		usleep(r->pause_ms * 1000);
	}
	/* a prepared message that fits the buffer: nothing taken, nothing open */
	spamd_pool_stats(p, &st, 1);
	fake_seen(f, &conns, NULL, NULL, NULL, 0);
	ck_assert_uint_eq(st.in_flight, r->prepared && r->size < SPAMD_WBUF ? 0 : 1);
	ck_assert_uint_eq(conns, r->prepared && r->size < SPAMD_WBUF ? 0 : 1);

	t0 = now();
	ck_assert_msg(spamd_end(s, &a) == SPAMD_OK, "%s", a.error);
	ck_assert_uint_le(now() - t0, 200);
	ck_assert(a.reply.is_spam);
	ck_assert_uint_eq(a.sent, r->size);
	ck_assert_int_eq(a.truncated, 0);
	/* spamd's time, not the sender's */
	ck_assert_uint_lt(a.elapsed_ms, r->pause_ms);
	fake_seen(f, &conns, &received, &got, NULL, 0);
	ck_assert_uint_eq(conns, 1);
	ck_assert_uint_eq(received, headlen + r->size);
	ck_assert_uint_eq(got, hash);
	spamd_pool_stats(p, &st, 1);
	ck_assert_uint_eq(st.failures, 0);
	ck_assert_uint_eq(st.in_flight, 0);
	spamd_pool_free(p);
	fake_free(f, 1);
}
END_TEST

/* ------------------------------------------------------------ places */

struct other {
	struct spamd_pool *p;
	int prepared;
	unsigned timeout_ms;
	uint64_t waited, ended;
	struct spamd_answer a;
	char err[256];
	int rc;
};

/* Another message: small, written at once, ended at once. */
static void *other_message(void *arg)
{
	struct other *o = arg;
	struct spamd_session *s;
	uint64_t t0 = now();

	o->rc = open_session(o->p, o->prepared, o->timeout_ms, &s, o->err, sizeof(o->err));
	if (o->rc == 0) {
		write_msg(s, 0, 300, NULL);
		spamd_end(s, &o->a);
	}
	o->ended = now();
	o->waited = o->ended - t0;
	return NULL;
}

/* max_parallel 1: a session holds the place and its sender falls silent
 * after 40 KiB. Another message waits SPAMD_STALL_MS and takes the place
 * over; spamd scores the 40 KiB it got, and the silent one reads that
 * verdict at its end. Neither counts as a failure. */
START_TEST(stalled_place_taken_over)
{
	struct fake *f = fake_new(_i % 2, 200 + _i, 8, 0);
	struct spamd_pool *p;
	struct spamd_session *s;
	struct spamd_answer a;
	struct spamd_backend_stats st;
	struct other o = { 0 };
	pthread_t th;
	char err[256];
	size_t received;
	uint64_t silent;

	fake_set(f, FM_REPLY, R(SPAM_REPLY));
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	p = pool_of(f->spec, 1, 1000);
	ck_assert_int_eq(open_session(p, _i / 2, 10000, &s, err, sizeof(err)), 0);
	ck_assert_int_eq(write_msg(s, 0, 40000, NULL), SPAMD_WRITE_OK);
	silent = now();

	o.p = p;
	o.prepared = _i / 2;
	o.timeout_ms = 5000;
	ck_assert_int_eq(pthread_create(&th, NULL, other_message, &o), 0);
	pthread_join(th, NULL);
	ck_assert_msg(o.rc == 0 && o.a.outcome == SPAMD_OK, "%s%s", o.err, o.a.error);
	ck_assert(o.a.reply.is_spam);
	/* taken over once the holder had been silent SPAMD_STALL_MS */
	ck_assert_uint_ge(o.ended + 5, silent + SPAMD_STALL_MS);
	ck_assert_uint_le(o.ended, silent + SPAMD_STALL_MS + 500);

	/* the silent one: nothing more is taken; the verdict on what spamd got */
	ck_assert_int_eq(spamd_write(s, "more", 4), SPAMD_WRITE_FULL);
	ck_assert_msg(spamd_end(s, &a) == SPAMD_OK, "%s", a.error);
	ck_assert_int_eq(a.truncated, 2);
	ck_assert(a.reply.is_spam);
	ck_assert_uint_ge(a.sent, 40000 - SPAMD_WBUF);
	ck_assert_uint_le(a.sent, 40000);
	fake_seen(f, NULL, &received, NULL, NULL, 0);
	ck_assert_uint_gt(received, 300);        /* the last connection: the other message */
	spamd_pool_stats(p, &st, 1);
	ck_assert_uint_eq(st.requests, 2);
	ck_assert_uint_eq(st.failures, 0);
	ck_assert_uint_eq(st.in_flight, 0);
	ck_assert_uint_eq(st.backoff_left_ms, 0);
	spamd_pool_free(p);
	fake_free(f, 1);
}
END_TEST

/* A session that keeps writing is never taken over: the waiter times out
 * (timeout_ms, from the start of its wait), and the backend is not
 * charged for it. */
START_TEST(busy_place_kept)
{
	struct fake *f = fake_new(0, 300, 8, 0);
	struct spamd_pool *p;
	struct spamd_session *s;
	struct spamd_answer a;
	struct spamd_backend_stats st;
	struct other o = { 0 };
	pthread_t th;
	char err[256];
	size_t off = 0;
	int k;

	fake_set(f, FM_REPLY, R(HAM_REPLY));
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	p = pool_of(f->spec, 1, 1000);
	ck_assert_int_eq(spamd_prepare(p, SPAMD_CMD_CHECK, NULL, 1000, 10000, 0, &s, err, sizeof(err)), 0);
	ck_assert_int_eq(write_msg(s, off, 20000, NULL), SPAMD_WRITE_OK);
	off += 20000;
	o.p = p;
	o.prepared = 1;
	o.timeout_ms = 1500;
	ck_assert_int_eq(pthread_create(&th, NULL, other_message, &o), 0);
	/* a write every 200 ms: never silent for SPAMD_STALL_MS */
	for (k = 0; k < 9; k++) {
		usleep(200000);
		ck_assert_int_eq(write_msg(s, off, 100, NULL), SPAMD_WRITE_OK);
		off += 100;
	}
	pthread_join(th, NULL);
	ck_assert_int_eq(o.a.outcome, SPAMD_ERR_TIMEOUT);
	ck_assert_str_eq(o.a.error, "timeout after 1500 ms waiting for a spamd slot (max_parallel 1 in use)");
	CK_ELAPSED(o.waited, 1500);
	ck_assert_int_eq(spamd_end(s, &a), SPAMD_OK);
	ck_assert_int_eq(a.truncated, 0);
	ck_assert_uint_eq(a.sent, off);
	spamd_pool_stats(p, &st, 1);
	ck_assert_uint_eq(st.failures, 0);
	ck_assert_uint_eq(st.requests, 1);
	spamd_pool_free(p);
	fake_free(f, 1);
}
END_TEST

/* A message still streaming when its buffer fills takes only a free place,
 * never one over: with the one place held (its holder silent), it waits
 * timeout_ms, then takes no more bytes; at its end (urgent now) it takes
 * the silent holder's place over and spamd scores its first SPAMD_WBUF
 * bytes. Neither is unscanned, neither is a failure. */
START_TEST(streaming_scores_its_start)
{
	struct fake *f = fake_new(0, 600, 8, 0);
	struct spamd_pool *p;
	struct spamd_session *h, *s;
	struct spamd_answer a;
	struct spamd_backend_stats st;
	char err[256], head[128];
	size_t headlen = spamd_request_head(head, sizeof(head), SPAMD_CMD_CHECK, NULL), received;
	uint64_t t0;

	fake_set(f, FM_REPLY, R(SPAM_REPLY));
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	p = pool_of(f->spec, 1, 1000);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 10000, 0, &h, err, sizeof(err)), 0);
	ck_assert_int_eq(spamd_prepare(p, SPAMD_CMD_CHECK, NULL, 1000, 800, 0, &s, err, sizeof(err)), 0);
	t0 = now();
	ck_assert_int_eq(write_msg(s, 0, 40000, NULL), SPAMD_WRITE_FULL);
	CK_ELAPSED(now() - t0, 800);
	ck_assert_int_eq(spamd_write(s, "more", 4), SPAMD_WRITE_FULL);
	ck_assert_msg(spamd_end(s, &a) == SPAMD_OK, "%s", a.error);
	ck_assert_int_eq(a.truncated, 3);
	ck_assert_uint_eq(a.sent, SPAMD_WBUF - headlen);
	fake_seen(f, NULL, &received, NULL, NULL, 0);
	ck_assert_uint_eq(received, SPAMD_WBUF);
	/* the holder was silent: its place went, spamd scored what it had (nothing) */
	ck_assert_int_eq(spamd_write(h, "x", 1), SPAMD_WRITE_FULL);
	spamd_end(h, &a);
	ck_assert_int_eq(a.truncated, 2);
	spamd_pool_stats(p, &st, 1);
	ck_assert_uint_eq(st.failures, 0);
	ck_assert_uint_eq(st.in_flight, 0);
	spamd_pool_free(p);
	fake_free(f, 1);
}
END_TEST

/* A complete message goes before one still streaming: both wait for the
 * one place; when it comes free the complete one takes it, although the
 * streaming one waited longer. */
struct timed {
	struct other o;
	uint64_t done;               /* when it got its place and was through */
};

static void *streaming_message(void *arg)
{
	struct timed *w = arg;
	struct spamd_session *s;

	w->o.rc = spamd_prepare(w->o.p, SPAMD_CMD_CHECK, NULL, 1000, w->o.timeout_ms, 0, &s, w->o.err,
	                        sizeof(w->o.err));
	if (w->o.rc == 0) {
		w->o.rc = write_msg(s, 0, 40000, NULL);     /* waits for a place at 16 KiB */
		w->done = now();
		spamd_end(s, &w->o.a);
	}
	return NULL;
}

static void *complete_message(void *arg)
{
	struct timed *w = arg;

	other_message(&w->o);
	w->done = now();
	return NULL;
}

START_TEST(complete_goes_first)
{
	struct fake *f = fake_new(0, 700, 8, 0);
	struct spamd_pool *p;
	struct spamd_session *h;
	struct spamd_answer a;
	struct timed ws = { { 0 }, 0 }, wc = { { 0 }, 0 };
	pthread_t ts, tc;
	char err[256];
	uint64_t freed;

	fake_set(f, FM_REPLY, R(HAM_REPLY));
	f->delay_ms = 100;
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	p = pool_of(f->spec, 1, 1000);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 10000, 0, &h, err, sizeof(err)), 0);
	ws.o.p = wc.o.p = p;
	ws.o.timeout_ms = wc.o.timeout_ms = 5000;
	wc.o.prepared = 1;
	ck_assert_int_eq(pthread_create(&ts, NULL, streaming_message, &ws), 0);
	usleep(200000);
	ck_assert_int_eq(pthread_create(&tc, NULL, complete_message, &wc), 0);
	usleep(200000);
	/* before the holder has been silent SPAMD_STALL_MS: it ends, the place is free */
	ck_assert_int_eq(spamd_end(h, &a), SPAMD_OK);
	freed = now();
	pthread_join(tc, NULL);
	pthread_join(ts, NULL);
	ck_assert_msg(wc.o.a.outcome == SPAMD_OK, "%s", wc.o.a.error);
	ck_assert_msg(ws.o.a.outcome == SPAMD_OK, "%s", ws.o.a.error);
	ck_assert_int_eq(ws.o.rc, SPAMD_WRITE_OK);
	ck_assert_int_eq(ws.o.a.truncated, 0);
	ck_assert_uint_eq(ws.o.a.sent, 40000);
	/* the complete one was through (a 100 ms scan) before the streaming one got the place */
	ck_assert_msg(wc.done <= ws.done && ws.done >= freed + 90,
	              "place free at %llu, complete done at %llu, streaming got it at %llu",
	              (unsigned long long)freed, (unsigned long long)wc.done, (unsigned long long)ws.done);
	spamd_pool_free(p);
	fake_free(f, 1);
}
END_TEST

/* spamd ends a connection whose upload stalls (its --timeout-child): the
 * message fails, but the backend is not charged when the sender had held
 * the connection silent for SPAMD_STALL_MS; the same failure without the
 * sender's silence is charged. */
START_TEST(silent_sender_failure_not_charged)
{
	struct fake *f = fake_new(0, 800 + _i, 8, 0);
	struct spamd_pool *p;
	struct spamd_session *s;
	struct spamd_answer a;
	struct spamd_backend_stats st;
	char err[256];

	f->hold_ms = 300;
	fake_set(f, FM_STALL, "", 0);          /* never reads; closes after 300 ms */
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	p = pool_of(f->spec, 1, 1000);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 5000, 0, &s, err, sizeof(err)), 0);
	ck_assert_int_eq(write_msg(s, 0, 300, NULL), SPAMD_WRITE_OK);
	if (_i == 0)
		usleep((SPAMD_STALL_MS + 200) * 1000);
	ck_assert_int_ne(spamd_end(s, &a), SPAMD_OK);
	spamd_pool_stats(p, &st, 1);
	ck_assert_uint_eq(st.failures, _i == 0 ? 0 : 1);
	ck_assert_int_eq(st.backoff_left_ms > 0, _i != 0);
	ck_assert_uint_eq(st.in_flight, 0);
	spamd_pool_free(p);
	fake_free(f, 1);
}
END_TEST

/* A prepared message connects at its end: a dead first backend is failed
 * over (and charged), a dead list is reported by spamd_end. */
START_TEST(prepared_failover_at_end)
{
	struct fake *f = fake_new(0, 400, 8, 0);
	struct spamd_pool *p;
	struct spamd_session *s;
	struct spamd_answer a;
	struct spamd_backend_stats st[2];
	char list[512], err[256], want[512];

	fake_set(f, FM_REPLY, R(HAM_REPLY));
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	snprintf(list, sizeof(list), "unix:%s/missing.sock, %s", tmpdir, f->spec);
	p = pool_of(list, 2, 60000);
	ck_assert_int_eq(spamd_prepare(p, SPAMD_CMD_CHECK, NULL, 1000, 3000, 0, &s, err, sizeof(err)), 0);
	ck_assert_str_eq(spamd_session_backend(s), "");
	ck_assert_int_eq(write_msg(s, 0, 500, NULL), SPAMD_WRITE_OK);
	ck_assert_msg(spamd_end(s, &a) == SPAMD_OK, "%s", a.error);
	ck_assert_str_eq(a.backend, f->spec);
	spamd_pool_stats(p, st, 2);
	ck_assert_uint_eq(st[0].failures, 1);
	ck_assert_uint_eq(st[1].failures, 0);
	spamd_pool_free(p);

	snprintf(list, sizeof(list), "unix:%s/missing.sock", tmpdir);
	p = pool_of(list, 2, 60000);
	ck_assert_int_eq(spamd_prepare(p, SPAMD_CMD_CHECK, NULL, 1000, 3000, 0, &s, err, sizeof(err)), 0);
	ck_assert_int_eq(write_msg(s, 0, 500, NULL), SPAMD_WRITE_OK);
	ck_assert_int_eq(spamd_end(s, &a), SPAMD_ERR_IO);
	snprintf(want, sizeof(want), "connect to unix:%s/missing.sock: No such file or directory", tmpdir);
	ck_assert_str_eq(a.error, want);
	/* and a long one, when the buffer fills: the write says so at once */
	ck_assert_int_eq(spamd_prepare(p, SPAMD_CMD_CHECK, NULL, 1000, 3000, 0, &s, err, sizeof(err)), 0);
	ck_assert_int_eq(write_msg(s, 0, 3 * SPAMD_WBUF, NULL), SPAMD_WRITE_ERROR);
	ck_assert_int_eq(spamd_end(s, &a), SPAMD_ERR_IO);
	ck_assert_str_eq(a.error, want);
	spamd_pool_free(p);
	fake_free(f, 1);
}
END_TEST

/* A reload while sessions run: spamd_pool_configure used to rewrite a kept
 * backend's address under the pool's lock while sessions read it (the
 * name, the address to connect to) without it. Sessions now read only
 * their own copy. Every message still gets its verdict from a listed
 * backend. */
struct runner {
	struct spamd_pool *p;
	const char *names[2];
	int bad;
	char why[SPAMD_ERR_MAX + SPAMD_NAME_MAX + 8];
};

static void *run_messages(void *arg)
{
	struct runner *r = arg;
	struct spamd_session *s;
	struct spamd_answer a;
	char err[256];
	int k;

	for (k = 0; k < 40; k++) {
		if (spamd_begin(r->p, SPAMD_CMD_CHECK, NULL, 1000, 5000, 0, &s, err, sizeof(err)) < 0) {
			r->bad++;
			snprintf(r->why, sizeof(r->why), "%s", err);
			continue;
		}
		write_msg(s, 0, 200, NULL);
		if (spamd_end(s, &a) != SPAMD_OK ||
		    (strcmp(a.backend, r->names[0]) != 0 && strcmp(a.backend, r->names[1]) != 0)) {
			r->bad++;
			snprintf(r->why, sizeof(r->why), "%s: %s", a.backend, a.error);
		}
	}
	return NULL;
}

START_TEST(reload_while_sessions_run)
{
	struct fake *f1 = fake_new(0, 500, 64, 0), *f2 = fake_new(1, 501, 64, 0);
	struct spamd_backend b[2], rev[2];
	struct runner r[3];
	pthread_t th[3];
	struct spamd_pool *p;
	char list[512], err[256];
	size_t n;
	int k;

	fake_set(f1, FM_REPLY, R(HAM_REPLY));
	fake_set(f2, FM_REPLY, R(HAM_REPLY));
	ck_assert_int_eq(pthread_create(&f1->th, NULL, fake_main, f1), 0);
	ck_assert_int_eq(pthread_create(&f2->th, NULL, fake_main, f2), 0);
	snprintf(list, sizeof(list), "%s %s", f1->spec, f2->spec);
	ck_assert_int_eq(spamd_backends_parse(list, b, 2, &n, err, sizeof(err)), 0);
	rev[0] = b[1];
	rev[1] = b[0];
	p = spamd_pool_new(b, 2, 2, 0);
	for (k = 0; k < 3; k++) {
		memset(&r[k], 0, sizeof(r[k]));
		r[k].p = p;
		r[k].names[0] = f1->spec;
		r[k].names[1] = f2->spec;
		ck_assert_int_eq(pthread_create(&th[k], NULL, run_messages, &r[k]), 0);
	}
	for (k = 0; k < 400; k++) {
		ck_assert_int_eq(spamd_pool_configure(p, k % 2 ? rev : b, 2, 2, 0), 0);
		usleep(500);
	}
	for (k = 0; k < 3; k++) {
		pthread_join(th[k], NULL);
		ck_assert_msg(r[k].bad == 0, "%d bad: %s", r[k].bad, r[k].why);
	}
	spamd_pool_free(p);
	fake_free(f1, 1);
	fake_free(f2, 1);
}
END_TEST

static Suite *spamd_time_suite(void)
{
	Suite *s = suite_create("spamd_time");
	TCase *tc;

	tc = tcase_create("pauses");
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
	tcase_add_loop_test(tc, pause_row, 0, NROWS(prows));
	suite_add_tcase(s, tc);

	tc = tcase_create("places");
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
	tcase_add_loop_test(tc, stalled_place_taken_over, 0, 4);
	tcase_add_test(tc, busy_place_kept);
	tcase_add_test(tc, streaming_scores_its_start);
	tcase_add_test(tc, complete_goes_first);
	tcase_add_loop_test(tc, silent_sender_failure_not_charged, 0, 2);
	tcase_add_test(tc, prepared_failover_at_end);
	tcase_add_test(tc, reload_while_sessions_run);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(spamd_time_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

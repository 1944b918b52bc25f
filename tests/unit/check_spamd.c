/*
 * check_spamd.c - Check tests for filters/spamd/spamd.c.
 *
 * "backends": the [spamd] servers parser, one row per list.
 * "fake": the client against a fake spamd run inside this process
 * (spamd_fake.c): a thread
 * accepting on a unix socket (in a mkdtemp dir) or on 127.0.0.1:<ephemeral>,
 * reading to EOF and then answering a canned reply, holding the connection
 * without an answer, closing without one, or never reading at all. The fake
 * counts and hashes what it received, so each row also proves that exactly
 * the request head and the message bytes (up to max_size) went out.
 * Deadlines are measured: a timeout must come within -5/+50 ms of its
 * deadline (DM_SLACK_MS overrides the +50 on slow machines).
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "spamd.h"
#include "spamd_fake.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------ backends */

enum gen { G_NONE, G_PATH107, G_PATH108, G_SEVENTEEN };

struct brow {
	const char *name;
	const char *in;
	enum gen gen;
	int ok;
	const char *want;       /* ok: canonical names joined by ' '; else a substring of err */
};

static const struct brow brows[] = {
	{ "unix: prefix", "unix:/run/spamd.sock", G_NONE, 1, "unix:/run/spamd.sock" },
	{ "bare path", "/run/spamd.sock", G_NONE, 1, "unix:/run/spamd.sock" },
	{ "ipv4 default port", "127.0.0.1", G_NONE, 1, "127.0.0.1:783" },
	{ "ipv4 with port", "127.0.0.1:10783", G_NONE, 1, "127.0.0.1:10783" },
	{ "ipv4 port 65535", "192.0.2.1:65535", G_NONE, 1, "192.0.2.1:65535" },
	{ "ipv6 with port", "[::1]:783", G_NONE, 1, "[::1]:783" },
	{ "ipv6 default port", "[::1]", G_NONE, 1, "[::1]:783" },
	{ "ipv6 canonical", "[2001:DB8:0::5]:1", G_NONE, 1, "[2001:db8::5]:1" },
	{ "ipv4 in brackets", "[192.0.2.1]:784", G_NONE, 1, "192.0.2.1:784" },
	{ "v4-mapped is ipv4", "[::ffff:192.0.2.1]:783", G_NONE, 1, "192.0.2.1:783" },
	{ "design.md example", "unix:/run/spamd.sock, 127.0.0.1:783", G_NONE, 1,
	  "unix:/run/spamd.sock 127.0.0.1:783" },
	{ "blanks, tabs, empty entries", " /a,,  10.0.0.1 ,\t[::1]:1 ", G_NONE, 1,
	  "unix:/a 10.0.0.1:783 [::1]:1" },
	{ "longest path", NULL, G_PATH107, 1, NULL },
	{ "empty", "", G_NONE, 0, "no spamd server listed" },
	{ "only separators", " , ,\t", G_NONE, 0, "no spamd server listed" },
	{ "host name", "localhost:783", G_NONE, 0, "not a numeric IP address" },
	{ "fqdn", "spamd.example.com", G_NONE, 0, "not a numeric IP address" },
	{ "bad ipv4", "256.1.1.1", G_NONE, 0, "not a numeric IP address" },
	{ "ipv6 without brackets: the default port", "::1", G_NONE, 1, "[::1]:783" },
	{ "ipv6 without brackets: all of it is the address", "2001:db8::5:783", G_NONE, 1, "[2001:db8::5:783]:783" },
	{ "two ports", "127.0.0.1:783:1", G_NONE, 0, "needs brackets" },
	{ "port 0", "127.0.0.1:0", G_NONE, 0, "port must be" },
	{ "port 65536", "127.0.0.1:65536", G_NONE, 0, "port must be" },
	{ "port junk", "127.0.0.1:78x", G_NONE, 0, "port must be" },
	{ "port sign", "127.0.0.1:+783", G_NONE, 0, "port must be" },
	{ "port empty", "127.0.0.1:", G_NONE, 0, "port must be" },
	{ "port 6 digits", "127.0.0.1:000783", G_NONE, 0, "port must be" },
	{ "missing ]", "[::1:783", G_NONE, 0, "missing ']'" },
	{ "junk after ]", "[::1]783", G_NONE, 0, "junk after ']'" },
	{ "empty brackets", "[]:783", G_NONE, 0, "missing or overlong address" },
	{ "relative unix path", "unix:run/spamd.sock", G_NONE, 0, "must be absolute" },
	{ "unix: alone", "unix:", G_NONE, 0, "must be absolute" },
	{ "directory", "/run/", G_NONE, 0, "names a directory" },
	{ "path too long", NULL, G_PATH108, 0, "path too long" },
	{ "control char in path", "/run/sp\001md", G_NONE, 0, "control character" },
	{ "libmilter syntax", "inet:783@127.0.0.1", G_NONE, 0, "libmilter socket syntax" },
	{ "duplicate inet", "127.0.0.1, 127.0.0.1:783", G_NONE, 0, "listed twice (as 127.0.0.1:783)" },
	{ "duplicate unix", "unix:/a /a", G_NONE, 0, "listed twice (as unix:/a)" },
	{ "too many", NULL, G_SEVENTEEN, 0, "more than 16 servers" },
};

START_TEST(backend_row)
{
	const struct brow *r = &brows[_i];
	struct spamd_backend b[SPAMD_BACKENDS_MAX];
	char in[4096], want[4096], got[4096] = "", err[256];
	size_t n = 99, k;
	int rc;

	if (r->gen == G_PATH107 || r->gen == G_PATH108) {
		size_t len = r->gen == G_PATH107 ? 107 : 108;

		memset(in, 'p', sizeof(in));
		memcpy(in, "unix:/", 6);
		in[5 + len] = '\0';
		snprintf(want, sizeof(want), "%s", in);
	} else if (r->gen == G_SEVENTEEN) {
		in[0] = '\0';
		for (k = 0; k < 17; k++)
			snprintf(in + strlen(in), sizeof(in) - strlen(in), "127.0.0.%zu ", k + 1);
	} else {
		snprintf(in, sizeof(in), "%s", r->in);
	}
	if (r->want)
		snprintf(want, sizeof(want), "%s", r->want);

	memset(err, 'x', sizeof(err));
	rc = spamd_backends_parse(in, b, SPAMD_BACKENDS_MAX, &n, err, sizeof(err));
	if (r->ok) {
		ck_assert_msg(rc == 0, "%s: failed: %s", r->name, err);
		ck_assert_str_eq(err, "");
		for (k = 0; k < n; k++) {
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", k ? " " : "",
			         b[k].name);
			ck_assert(b[k].family == AF_UNIX || b[k].family == AF_INET ||
			          b[k].family == AF_INET6);
		}
		ck_assert_msg(strcmp(got, want) == 0, "%s: got \"%s\" want \"%s\"", r->name, got, want);
	} else {
		ck_assert_msg(rc == -1, "%s: accepted", r->name);
		ck_assert_msg(strstr(err, want) != NULL, "%s: err \"%s\" lacks \"%s\"", r->name, err,
		              want);
		for (k = 0; err[k]; k++)
			ck_assert_msg((unsigned char)err[k] >= 0x20 && err[k] != 0x7f,
			              "%s: control character in err", r->name);
	}
}
END_TEST


static const char msg_hdr[] = "Subject: test\r\nFrom: <a@example.org>\r\n";
static const char msg_body[] = "\r\nHello,\r\nthis is a test.\r\n";

static void send_msg(struct spamd_session *s)
{
	ck_assert_int_eq(spamd_write(s, msg_hdr, 15), SPAMD_WRITE_OK);
	ck_assert_int_eq(spamd_write(s, msg_hdr + 15, sizeof(msg_hdr) - 1 - 15), SPAMD_WRITE_OK);
	ck_assert_int_eq(spamd_write(s, msg_body, sizeof(msg_body) - 1), SPAMD_WRITE_OK);
}

/* One message through pool p; checks the answer's bookkeeping. */
static enum spamd_outcome one_msg(struct spamd_pool *p, enum spamd_cmd cmd, unsigned timeout_ms,
                                  struct spamd_answer *a)
{
	struct spamd_session *s;
	char err[256];

	ck_assert_msg(spamd_begin(p, cmd, "example.com", 1000, timeout_ms, 0, &s, err,
	                          sizeof(err)) == 0, "begin: %s", err);
	send_msg(s);
	spamd_end(s, a);
	ck_assert_uint_eq(a->sent, sizeof(msg_hdr) - 1 + sizeof(msg_body) - 1);
	ck_assert_int_eq(a->truncated, 0);
	ck_assert_int_eq(a->outcome == SPAMD_OK, a->error[0] == '\0');
	return a->outcome;
}

/* ----------------------------------------------------- reply rows (x2) */

#define OKL "SPAMD/1.1 0 EX_OK\r\n"

struct rrow {
	const char *name;
	enum fmode mode;
	const char *reply;
	size_t rlen;             /* 0 with reply NULL: 70000 bytes of junk */
	enum spamd_cmd cmd;
	unsigned deadline_ms;
	enum spamd_outcome want;
	int is_spam;
	double score;
	const char *symbols;     /* NULL: not checked */
	const char *err;         /* substring of a.error; "%b" stands for the backend */
	int timed;               /* 1: elapsed must match deadline_ms */
};

#define R(s) s, sizeof(s) - 1

static const char *const outcome_names[] = { "ok", "io", "timeout", "code", "malformed" };

static const struct rrow rrows[] = {
	{ "CHECK spam", FM_REPLY, R(OKL "Spam: True ; 15.2 / 5.0\r\n\r\n"), SPAMD_CMD_CHECK, 3000,
	  SPAMD_OK, 1, 15.2, NULL, NULL, 0 },
	{ "CHECK ham, negative", FM_REPLY, R(OKL "Spam: False ; -2.5 / 5.0\r\n\r\n"),
	  SPAMD_CMD_CHECK, 3000, SPAMD_OK, 0, -2.5, NULL, NULL, 0 },
	{ "SYMBOLS GTUBE (real)", FM_REPLY,
	  R(OKL "Content-length: 27\r\nSpam: True ; 1000.0 / 5.0\r\n\r\nGTUBE,NO_RECEIVED,NO_RELAYS"),
	  SPAMD_CMD_SYMBOLS, 3000, SPAMD_OK, 1, 1000.0, "GTUBE,NO_RECEIVED,NO_RELAYS", NULL, 0 },
	{ "REPORT", FM_REPLY, R(OKL "Content-length: 5\r\nSpam: False ; 0.1 / 5.0\r\n\r\nhello"),
	  SPAMD_CMD_REPORT, 3000, SPAMD_OK, 0, 0.1, NULL, NULL, 0 },
	{ "EX_PROTOCOL", FM_REPLY, R("SPAMD/1.0 76 Bad header line: foo\r\n"), SPAMD_CMD_CHECK,
	  3000, SPAMD_ERR_CODE, 0, 0, NULL, "spamd error 76 Bad header line: foo", 0 },
	{ "EX_TEMPFAIL", FM_REPLY, R("SPAMD/1.0 75 EX_TEMPFAIL\r\n"), SPAMD_CMD_CHECK, 3000,
	  SPAMD_ERR_CODE, 0, 0, NULL, "spamd error 75", 0 },
	{ "HTTP answer", FM_REPLY, R("HTTP/1.0 200 OK\r\n\r\n"), SPAMD_CMD_CHECK, 3000,
	  SPAMD_ERR_MALFORMED, 0, 0, NULL, "malformed spamd reply", 0 },
	{ "binary junk", FM_REPLY, R("\x01\x02\xff\x00junk\n"), SPAMD_CMD_CHECK, 3000,
	  SPAMD_ERR_MALFORMED, 0, 0, NULL, "malformed spamd reply", 0 },
	{ "EX_OK without Spam", FM_REPLY, R(OKL "\r\n"), SPAMD_CMD_CHECK, 3000,
	  SPAMD_ERR_MALFORMED, 0, 0, NULL, "without a Spam header", 0 },
	{ "cut in the headers", FM_REPLY, R(OKL "Spam: True ; 15"), SPAMD_CMD_CHECK, 3000,
	  SPAMD_ERR_MALFORMED, 0, 0, NULL, "malformed spamd reply", 0 },
	{ "Content-length lies", FM_REPLY, R(OKL "Content-length: 9\r\nSpam: True ; 1 / 5\r\n\r\nGTUBE"),
	  SPAMD_CMD_SYMBOLS, 3000, SPAMD_ERR_MALFORMED, 0, 0, NULL, "Content-length 9", 0 },
	{ "reply over 64 KiB", FM_REPLY, NULL, 0, SPAMD_CMD_CHECK, 3000, SPAMD_ERR_MALFORMED, 0, 0,
	  NULL, "longer than 65536 bytes from %b", 0 },
	{ "closed without reply", FM_CLOSE, R(""), SPAMD_CMD_CHECK, 3000, SPAMD_ERR_IO, 0, 0, NULL,
	  "no reply from %b (connection closed)", 0 },
	{ "no reply: deadline 300", FM_HOLD, R(""), SPAMD_CMD_CHECK, 300, SPAMD_ERR_TIMEOUT, 0, 0,
	  NULL, "timeout after 300 ms reading the reply from %b", 1 },
	{ "late reply: deadline 250", FM_REPLY, R(OKL "Spam: True ; 15.2 / 5.0\r\n\r\n"),
	  SPAMD_CMD_CHECK, 250, SPAMD_ERR_TIMEOUT, 0, 0, NULL, "timeout after 250 ms reading", 1 },
};

START_TEST(reply_row)
{
	const struct rrow *r = &rrows[_i / 2];
	int inet = _i % 2;
	struct fake *f = fake_new(inet, _i, 8, 0);
	struct spamd_pool *p;
	struct spamd_answer a;
	struct spamd_backend_stats st;
	char head[256], want_err[300], *b;
	unsigned conns;
	size_t received, headlen;
	uint32_t hash, want_hash;
	uint64_t t0;

	f->hold_ms = 2000;
	f->delay_ms = r->timed && r->mode == FM_REPLY ? 2000 : 0;
	if (r->reply)
		fake_set(f, r->mode, r->reply, r->rlen);
	else {
		memset(f->reply, 'j', sizeof(f->reply));
		fake_set(f, r->mode, f->reply, 70000);
	}
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	p = pool_of(f->spec, 2, 1000);

	t0 = now();
	ck_assert_int_eq(one_msg(p, r->cmd, r->deadline_ms, &a), r->want);
	if (r->timed)
		CK_ELAPSED(now() - t0, r->deadline_ms);
	ck_assert_uint_le(a.elapsed_ms, (unsigned)(now() - t0));
	ck_assert_str_eq(a.backend, f->spec);
	ck_assert_str_eq(spamd_outcome_name(a.outcome), outcome_names[r->want]);
	if (r->want == SPAMD_OK) {
		ck_assert_int_eq(a.reply.is_spam, r->is_spam);
		ck_assert_double_eq_tol(a.reply.score, r->score, 1e-9);
		if (r->symbols)
			ck_assert_str_eq(a.reply.symbols, r->symbols);
	} else {
		snprintf(want_err, sizeof(want_err), "%s", r->err);
		if ((b = strstr(want_err, "%b")) != NULL)
			snprintf(b, sizeof(want_err) - (size_t)(b - want_err), "%s%s", f->spec,
			         strstr(r->err, "%b") + 2);
		ck_assert_msg(strstr(a.error, want_err) != NULL, "error \"%s\" lacks \"%s\"", a.error,
		              want_err);
	}

	/* the fake saw the head and the message, nothing else */
	fake_seen(f, &conns, &received, &hash, head, sizeof(head));
	headlen = (size_t)snprintf(want_err, sizeof(want_err), "%s SPAMC/1.5\r\nUser: example.com\r\n\r\n",
	                           spamd_cmd_name(r->cmd));
	ck_assert_uint_eq(conns, 1);
	ck_assert_uint_eq(received, headlen + sizeof(msg_hdr) - 1 + sizeof(msg_body) - 1);
	ck_assert(strncmp(head, want_err, headlen) == 0);
	want_hash = fnv(fnv(fnv(FNV0, want_err, headlen), msg_hdr, sizeof(msg_hdr) - 1), msg_body,
	                sizeof(msg_body) - 1);
	ck_assert_uint_eq(hash, want_hash);

	/* the pool saw one request; a failure puts the backend in backoff */
	ck_assert_uint_eq(spamd_pool_stats(p, &st, 1), 1);
	ck_assert_uint_eq(st.requests, 1);
	ck_assert_uint_eq(st.in_flight, 0);
	ck_assert_uint_eq(st.failures, r->want == SPAMD_OK ? 0 : 1);
	ck_assert_int_eq(st.backoff_left_ms > 0, r->want != SPAMD_OK);

	spamd_pool_free(p);
	fake_free(f, 1);
}
END_TEST

/* --------------------------------------------------------- single cases */

START_TEST(failover_missing_socket)
{
	struct fake *f = fake_new(_i, 100, 8, 0);
	char list[512], err[256];
	struct spamd_pool *p;
	struct spamd_answer a;
	struct spamd_backend_stats st[2];

	fake_set(f, FM_REPLY, R(OKL "Spam: False ; 1.0 / 5.0\r\n\r\n"));
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	snprintf(list, sizeof(list), "unix:%s/missing.sock, %s", tmpdir, f->spec);
	p = pool_of(list, 2, 60000);
	ck_assert_int_eq(one_msg(p, SPAMD_CMD_CHECK, 3000, &a), SPAMD_OK);
	ck_assert_str_eq(a.backend, f->spec);
	spamd_pool_stats(p, st, 2);
	ck_assert_uint_eq(st[0].failures, 1);
	ck_assert_uint_gt(st[0].backoff_left_ms, 59000);
	ck_assert_uint_eq(st[1].failures, 0);
	ck_assert_uint_eq(st[1].requests, 1);
	/* next message: the dead one is in backoff, not even tried */
	ck_assert_int_eq(one_msg(p, SPAMD_CMD_CHECK, 3000, &a), SPAMD_OK);
	spamd_pool_stats(p, st, 2);
	ck_assert_uint_eq(st[0].requests, 1);
	ck_assert_uint_eq(st[1].requests, 2);
	spamd_pool_free(p);
	fake_free(f, 1);
	(void)err;
}
END_TEST

START_TEST(all_backends_dead)
{
	struct spamd_pool *p;
	struct spamd_session *s = (void *)&s;
	char list[512], err[512], want[512];
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	/* a bound port nobody listens on refuses connections */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	snprintf(list, sizeof(list), "%s/missing.sock, 127.0.0.1:%u", tmpdir, ntohs(sin.sin_port));
	p = pool_of(list, 1, 1000);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 3000, 0, &s, err,
	                             sizeof(err)), -1);
	ck_assert_ptr_null(s);
	snprintf(want, sizeof(want),
	         "connect to unix:%s/missing.sock: No such file or directory; "
	         "connect to 127.0.0.1:%u: Connection refused", tmpdir, ntohs(sin.sin_port));
	ck_assert_str_eq(err, want);
	/* both in backoff now: the least recently failed (the first) is tried anyway */
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 3000, 0, &s, err,
	                             sizeof(err)), -1);
	ck_assert_str_eq(err, want);
	close(fd);
	spamd_pool_free(p);
}
END_TEST

START_TEST(connect_timeout)
{
	/* a TCP listener that never accepts, its queue full: SYNs are dropped */
	struct fake *f = fake_new(1, 0, 0, 0);
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fill[8], k;
	struct spamd_pool *p;
	struct spamd_session *s;
	char err[256], want[256];
	uint64_t t0;

	getsockname(f->lfd, (struct sockaddr *)&sin, &sl);
	for (k = 0; k < 8; k++) {
		fill[k] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		(void)!connect(fill[k], (struct sockaddr *)&sin, sizeof(sin));
	}
	usleep(50000);
	p = pool_of(f->spec, 1, 1000);
	t0 = now();
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 200, 3000, 0, &s, err,
	                             sizeof(err)), -1);
	CK_ELAPSED(now() - t0, 200);
	snprintf(want, sizeof(want), "connect to %s: timeout after 200 ms", f->spec);
	ck_assert_str_eq(err, want);
	/* the session deadline bounds the connect timeout too */
	t0 = now();
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 5000, 150, 0, &s, err,
	                             sizeof(err)), -1);
	CK_ELAPSED(now() - t0, 150);
	for (k = 0; k < 8; k++)
		close(fill[k]);
	spamd_pool_free(p);
	fake_free(f, 0);
}
END_TEST

START_TEST(unix_queue_full)
{
	struct fake *f = fake_new(0, 101, 0, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fill[8], k, n = 0;
	struct spamd_pool *p;
	struct spamd_session *s;
	char err[256];

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", f->spec + 5);
	for (k = 0; k < 8; k++) {
		fill[k] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (connect(fill[k], (struct sockaddr *)&sun, sizeof(sun)) == 0)
			n++;
	}
	ck_assert_int_lt(n, 8);
	p = pool_of(f->spec, 1, 1000);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 200, 3000, 0, &s, err,
	                             sizeof(err)), -1);
	ck_assert_msg(strstr(err, "(accept queue full)") != NULL, "%s", err);
	for (k = 0; k < 8; k++)
		close(fill[k]);
	spamd_pool_free(p);
	fake_free(f, 0);
}
END_TEST

/* max_size: rows of chunk sizes; the fake counts what arrived */
struct cutrow {
	size_t max_size, total, chunk;
};

static const struct cutrow cutrows[] = {
	{ 1000, 5000, 700 },          /* cut inside a chunk */
	{ 1400, 5000, 700 },          /* cut exactly at a chunk end */
	{ 512 * 1024, 3u << 20, 65536 },
	{ 512 * 1024, 3u << 20, 16384 },
	{ 100000, 100000, 4096 },     /* exactly max_size: not truncated */
	{ 0, 3u << 20, 70001 },       /* no cap: all of it, direct sends */
	{ 0, 1u << 20, 1 << 14 },     /* chunks of exactly SPAMD_WBUF */
	{ 0, 200000, 1 },             /* one byte at a time */
};

START_TEST(max_size_cut)
{
	const struct cutrow *r = &cutrows[_i];
	struct fake *f = fake_new(_i % 2, 200 + _i, 8, 0);
	struct spamd_pool *p;
	struct spamd_session *s;
	struct spamd_answer a;
	char err[256], head[256], *chunk;
	size_t off = 0, received, headlen, c, limit = r->max_size ? r->max_size : r->total;
	uint32_t hash, want = FNV0;
	int rc = SPAMD_WRITE_OK, fulls = 0;

	fake_set(f, FM_REPLY, R(OKL "Spam: False ; 1.0 / 5.0\r\n\r\n"));
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	p = pool_of(f->spec, 1, 1000);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 10000, r->max_size,
	                             &s, err, sizeof(err)), 0);
	headlen = spamd_request_head(head, sizeof(head), SPAMD_CMD_CHECK, NULL);
	want = fnv(want, head, headlen);
	chunk = malloc(r->chunk);
	while (off < r->total) {
		c = r->total - off < r->chunk ? r->total - off : r->chunk;
		for (size_t k = 0; k < c; k++)
			chunk[k] = (char)('a' + (off + k) % 23);
		if (off < limit)
			want = fnv(want, chunk, (limit - off < c ? limit - off : c));
		rc = spamd_write(s, chunk, c);
		ck_assert_int_ne(rc, SPAMD_WRITE_ERROR);
		fulls += rc == SPAMD_WRITE_FULL;
		off += c;
		if (rc == SPAMD_WRITE_FULL && fulls == 1 && off < r->total) {
			/* the milter would return SMFIS_SKIP; a further write stays full */
			ck_assert_int_eq(spamd_write(s, "x", 1), SPAMD_WRITE_FULL);
			break;
		}
	}
	free(chunk);
	ck_assert_int_eq(spamd_end(s, &a), SPAMD_OK);
	ck_assert_uint_eq(a.sent, limit);
	ck_assert_int_eq(a.truncated, r->max_size && r->total > r->max_size);
	ck_assert_int_eq(fulls > 0, r->max_size && r->total > r->max_size);
	fake_seen(f, NULL, &received, &hash, NULL, 0);
	ck_assert_uint_eq(received, headlen + limit);
	ck_assert_uint_eq(hash, want);
	spamd_pool_free(p);
	fake_free(f, 1);
}
END_TEST

START_TEST(write_timeout)
{
	/* spamd that never reads: the socket buffers fill, the deadline holds */
	struct fake *f = fake_new(_i, 300, 8, 0);
	struct spamd_pool *p;
	struct spamd_session *s;
	struct spamd_answer a;
	struct spamd_backend_stats st;
	char err[256], want[256], *chunk = calloc(1, 65536);
	int rc = SPAMD_WRITE_OK, k;
	uint64_t t0;

	f->hold_ms = 3000;
	fake_set(f, FM_STALL, "", 0);
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	p = pool_of(f->spec, 1, 1000);
	t0 = now();
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 300, 0, &s, err,
	                             sizeof(err)), 0);
	for (k = 0; k < 2000 && rc == SPAMD_WRITE_OK; k++)
		rc = spamd_write(s, chunk, 65536);
	ck_assert_int_eq(rc, SPAMD_WRITE_ERROR);
	CK_ELAPSED(now() - t0, 300);
	ck_assert_int_eq(spamd_write(s, chunk, 10), SPAMD_WRITE_ERROR);
	ck_assert_int_eq(spamd_end(s, &a), SPAMD_ERR_TIMEOUT);
	CK_ELAPSED(now() - t0, 300);
	snprintf(want, sizeof(want), "timeout after 300 ms sending the message to %s", f->spec);
	ck_assert_str_eq(a.error, want);
	spamd_pool_stats(p, &st, 1);
	ck_assert_uint_eq(st.failures, 1);
	ck_assert_uint_eq(st.in_flight, 0);
	free(chunk);
	spamd_pool_free(p);
	fake_free(f, 1);
}
END_TEST

struct waiter {
	struct spamd_pool *p;
	unsigned deadline_ms;
	int rc;
	uint64_t t0;                /* when the wait began (0: when the thread runs) */
	uint64_t waited;
	char err[256];
	struct spamd_answer a;
};

static void *second_session(void *arg)
{
	struct waiter *w = arg;
	struct spamd_session *s;
	uint64_t t0 = w->t0 ? w->t0 : now();

	w->rc = spamd_begin(w->p, SPAMD_CMD_CHECK, NULL, 1000, w->deadline_ms, 0, &s, w->err,
	                    sizeof(w->err));
	w->waited = now() - t0;
	if (w->rc == 0) {
		spamd_write(s, msg_hdr, sizeof(msg_hdr) - 1);
		spamd_end(s, &w->a);
	}
	return NULL;
}

START_TEST(max_parallel_waits)
{
	struct fake *f = fake_new(_i, 400, 8, 0);
	struct spamd_pool *p;
	struct spamd_session *s1;
	struct spamd_answer a;
	struct spamd_backend_stats st;
	struct waiter w = { 0 };
	pthread_t th;
	char err[256];
	unsigned conns;

	fake_set(f, FM_REPLY, R(OKL "Spam: False ; 1.0 / 5.0\r\n\r\n"));
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	p = pool_of(f->spec, 1, 1000);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 5000, 0, &s1, err,
	                             sizeof(err)), 0);
	send_msg(s1);

	/* a second session with a long deadline waits for the slot ... */
	w.p = p;
	w.deadline_ms = 5000;
	w.t0 = now();       /* a loaded machine may start the thread late */
	ck_assert_int_eq(pthread_create(&th, NULL, second_session, &w), 0);
	usleep(300000);
	spamd_pool_stats(p, &st, 1);
	ck_assert_uint_eq(st.in_flight, 1);
	ck_assert_uint_eq(st.requests, 1);
	fake_seen(f, &conns, NULL, NULL, NULL, 0);
	ck_assert_uint_eq(conns, 1);              /* nothing piled onto spamd's queue */
	/* ... and gets it when the first ends */
	ck_assert_int_eq(spamd_end(s1, &a), SPAMD_OK);
	pthread_join(th, NULL);
	ck_assert_msg(w.rc == 0, "%s", w.err);
	ck_assert_uint_ge(w.waited, 295);
	ck_assert_int_eq(w.a.outcome, SPAMD_OK);
	fake_seen(f, &conns, NULL, NULL, NULL, 0);
	ck_assert_uint_eq(conns, 2);

	/* with a short deadline it gives up instead: measured */
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 5000, 0, &s1, err,
	                             sizeof(err)), 0);
	memset(&w, 0, sizeof(w));
	w.p = p;
	w.deadline_ms = 200;
	second_session(&w);
	ck_assert_int_eq(w.rc, -1);
	CK_ELAPSED(w.waited, 200);
	ck_assert_str_eq(w.err, "timeout after 200 ms waiting for a spamd slot (max_parallel 1 in use)");
	spamd_abort(s1);
	spamd_pool_stats(p, &st, 1);
	ck_assert_uint_eq(st.in_flight, 0);
	ck_assert_uint_eq(st.failures, 0);        /* waiting and aborting are no failures */
	spamd_pool_free(p);
	fake_free(f, 1);
}
END_TEST

START_TEST(backoff)
{
	struct fake *a = fake_new(_i, 500, 8, 0), *b = fake_new(_i, 501, 8, 0);
	struct spamd_pool *p;
	struct spamd_answer ans;
	struct spamd_backend_stats st[2];
	char list[512];

	fake_set(a, FM_REPLY, R("SPAMD/1.0 74 EX_IOERR\r\n"));
	fake_set(b, FM_REPLY, R(OKL "Spam: False ; 1.0 / 5.0\r\n\r\n"));
	ck_assert_int_eq(pthread_create(&a->th, NULL, fake_main, a), 0);
	ck_assert_int_eq(pthread_create(&b->th, NULL, fake_main, b), 0);
	snprintf(list, sizeof(list), "%s %s", a->spec, b->spec);
	p = pool_of(list, 4, 300);

	/* an error reply is reported, not retried elsewhere (no buffering) */
	ck_assert_int_eq(one_msg(p, SPAMD_CMD_CHECK, 3000, &ans), SPAMD_ERR_CODE);
	ck_assert_str_eq(ans.backend, a->spec);
	/* the next message avoids the failed backend */
	ck_assert_int_eq(one_msg(p, SPAMD_CMD_CHECK, 3000, &ans), SPAMD_OK);
	ck_assert_str_eq(ans.backend, b->spec);
	spamd_pool_stats(p, st, 2);
	ck_assert_uint_gt(st[0].backoff_left_ms, 0);
	ck_assert_uint_le(st[0].backoff_left_ms, 300);
	/* after backoff_ms it is tried again; a second failure doubles the backoff */
	usleep(350000);
	ck_assert_int_eq(one_msg(p, SPAMD_CMD_CHECK, 3000, &ans), SPAMD_ERR_CODE);
	ck_assert_str_eq(ans.backend, a->spec);
	spamd_pool_stats(p, st, 2);
	ck_assert_uint_gt(st[0].backoff_left_ms, 300);
	ck_assert_uint_le(st[0].backoff_left_ms, 600);
	ck_assert_uint_eq(st[0].failures, 2);
	/* recovered: success resets the backoff */
	fake_set(a, FM_REPLY, R(OKL "Spam: False ; 1.0 / 5.0\r\n\r\n"));
	usleep(650000);
	ck_assert_int_eq(one_msg(p, SPAMD_CMD_CHECK, 3000, &ans), SPAMD_OK);
	ck_assert_str_eq(ans.backend, a->spec);
	spamd_pool_stats(p, st, 2);
	ck_assert_uint_eq(st[0].backoff_left_ms, 0);
	ck_assert_uint_eq(st[0].requests, 3);
	ck_assert_uint_eq(st[1].requests, 1);

	/* both failing: the least recently failed one is tried anyway */
	fake_set(a, FM_CLOSE, "", 0);
	fake_set(b, FM_CLOSE, "", 0);
	ck_assert_int_eq(one_msg(p, SPAMD_CMD_CHECK, 3000, &ans), SPAMD_ERR_IO);
	ck_assert_str_eq(ans.backend, a->spec);
	ck_assert_int_eq(one_msg(p, SPAMD_CMD_CHECK, 3000, &ans), SPAMD_ERR_IO);
	ck_assert_str_eq(ans.backend, b->spec);
	ck_assert_int_eq(one_msg(p, SPAMD_CMD_CHECK, 3000, &ans), SPAMD_ERR_IO);
	ck_assert_str_eq(ans.backend, a->spec);
	ck_assert_int_eq(one_msg(p, SPAMD_CMD_CHECK, 3000, &ans), SPAMD_ERR_IO);
	ck_assert_str_eq(ans.backend, b->spec);
	spamd_pool_free(p);
	fake_free(a, 1);
	fake_free(b, 1);
}
END_TEST

START_TEST(abort_and_misuse)
{
	struct fake *f = fake_new(0, 600, 8, 1);
	struct spamd_pool *p;
	struct spamd_session *s;
	struct spamd_backend_stats st;
	struct spamd_backend b;
	char err[256];

	p = pool_of(f->spec, 1, 1000);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_REPORT, "", 1000, 3000, 0, &s, err,
	                             sizeof(err)), 0);
	ck_assert_str_eq(spamd_session_backend(s), f->spec);
	spamd_write(s, msg_hdr, sizeof(msg_hdr) - 1);
	spamd_abort(s);
	spamd_abort(NULL);
	spamd_pool_stats(p, &st, 1);
	ck_assert_uint_eq(st.in_flight, 0);
	ck_assert_uint_eq(st.failures, 0);
	ck_assert_uint_eq(st.backoff_left_ms, 0);

	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 0, 0, &s, err,
	                             sizeof(err)), -1);
	ck_assert_str_eq(err, "spamd session: timeout_ms is 0");
	ck_assert_int_eq(spamd_begin(p, (enum spamd_cmd)9, NULL, 1000, 1000, 0, &s, err,
	                             sizeof(err)), -1);
	ck_assert_str_eq(err, "spamd session: unknown command");
	spamd_pool_stats(p, &st, 1);
	ck_assert_uint_eq(st.requests, 1);

	memset(&b, 0, sizeof(b));
	ck_assert_ptr_null(spamd_pool_new(&b, 0, 1, 0));
	ck_assert_ptr_null(spamd_pool_new(&b, 1, 0, 0));
	spamd_pool_free(NULL);
	spamd_pool_free(p);
	fake_free(f, 1);
}
END_TEST

/* A reload reconfigures the one pool of the process: a backend that stays
 * keeps its sessions in flight (max_parallel is a hard cap across reloads)
 * and its backoff; one that leaves is no longer picked, and its sessions
 * still end cleanly. */
static void configure(struct spamd_pool *p, const char *list, unsigned max_parallel)
{
	struct spamd_backend b[SPAMD_BACKENDS_MAX];
	char err[256];
	size_t n = 0;

	if (list[0] != '\0')
		ck_assert_msg(spamd_backends_parse(list, b, SPAMD_BACKENDS_MAX, &n, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(spamd_pool_configure(p, b, n, max_parallel, 5000), 0);
}

START_TEST(reconfigure_keeps_state)
{
	struct fake *a = fake_new(0, 700, 8, 0), *b = fake_new(0, 701, 8, 0);
	struct spamd_session *s1, *s2, *s3;
	struct spamd_backend_stats st[2];
	struct spamd_answer ans;
	struct spamd_pool *p;
	char list[512], err[256];

	fake_set(a, FM_REPLY, R("SPAMD/1.0 74 EX_IOERR\r\n"));
	fake_set(b, FM_HOLD, "", 0);
	ck_assert_int_eq(pthread_create(&a->th, NULL, fake_main, a), 0);
	ck_assert_int_eq(pthread_create(&b->th, NULL, fake_main, b), 0);
	snprintf(list, sizeof(list), "%s %s", a->spec, b->spec);
	p = pool_of(list, 2, 5000);
	ck_assert_int_eq(one_msg(p, SPAMD_CMD_CHECK, 3000, &ans), SPAMD_ERR_CODE);    /* a backs off */
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 3000, 0, &s1, err, sizeof(err)), 0);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 3000, 0, &s2, err, sizeof(err)), 0);
	ck_assert_str_eq(spamd_session_backend(s1), b->spec);

	/* the same two, the other way round: a still backs off, b still has 2 */
	snprintf(list, sizeof(list), "%s %s", b->spec, a->spec);
	configure(p, list, 2);
	ck_assert_uint_eq(spamd_pool_stats(p, st, 2), 2);
	ck_assert_str_eq(st[0].name, b->spec);
	ck_assert_uint_eq(st[0].in_flight, 2);
	ck_assert_uint_gt(st[1].backoff_left_ms, 0);
	ck_assert_uint_eq(st[1].failures, 1);

	/* b alone, same cap: full, a third session waits and times out */
	configure(p, b->spec, 2);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 300, 0, &s3, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "waiting for a spamd slot (max_parallel 2 in use)") != NULL, "%s", err);
	/* a higher cap takes effect at once */
	configure(p, b->spec, 3);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 300, 0, &s3, err, sizeof(err)), 0);
	spamd_abort(s3);

	/* b leaves: not picked any more; its open sessions end without harm */
	configure(p, a->spec, 2);
	ck_assert_uint_eq(spamd_pool_stats(p, st, 2), 1);
	ck_assert_str_eq(st[0].name, a->spec);
	ck_assert_uint_eq(st[0].failures, 0);          /* a came back new: it had left the list */
	spamd_abort(s1);
	spamd_abort(s2);
	/* no backend at all */
	configure(p, "", 2);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 300, 0, &s3, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "no spamd server configured");
	spamd_pool_free(p);
	fake_free(a, 1);
	fake_free(b, 1);
}
END_TEST

/* The GTUBE self-test: a spamd that scores it as spam, one that answers
 * but does not read the stream (rspamd's spamc protocol without a
 * Content-length says "Spam: False ; 0.00 / 15.00"), one that is down.
 * A backend that misses GTUBE is taken out of use. */
START_TEST(selftest_gtube)
{
	struct fake *good = fake_new(0, 800, 8, 0), *deaf = fake_new(0, 801, 8, 0), *down = fake_new(0, 802, 8, 0);
	struct spamd_backend b[3];
	struct spamd_answer a;
	struct spamd_session *s;
	struct spamd_pool *p;
	char list[600], err[256], head[128];
	size_t n;

	fake_set(good, FM_REPLY, R(OKL "Spam: True ; 1000.0 / 5.0\r\n\r\n"));
	fake_set(deaf, FM_REPLY, R(OKL "Spam: False ; 0.00 / 15.00\r\n\r\n"));
	fake_set(down, FM_CLOSE, "", 0);
	ck_assert_int_eq(pthread_create(&good->th, NULL, fake_main, good), 0);
	ck_assert_int_eq(pthread_create(&deaf->th, NULL, fake_main, deaf), 0);
	ck_assert_int_eq(pthread_create(&down->th, NULL, fake_main, down), 0);
	snprintf(list, sizeof(list), "%s %s %s", deaf->spec, good->spec, down->spec);
	ck_assert_int_eq(spamd_backends_parse(list, b, 3, &n, err, sizeof(err)), 0);

	ck_assert_int_eq(spamd_selftest(&b[1], 1000, 3000, &a), SPAMD_FLAGS_GTUBE);
	fake_seen(good, NULL, NULL, NULL, head, sizeof(head));
	ck_assert_ptr_nonnull(strstr(head, "CHECK SPAMC/1.5"));     /* sent as a message is sent */
	ck_assert_int_eq(spamd_selftest(&b[0], 1000, 3000, &a), SPAMD_MISSES_GTUBE);
	ck_assert_int_eq(spamd_selftest(&b[2], 1000, 3000, &a), SPAMD_UNREACHABLE);

	/* the deaf one first in order: out of use, the message goes to the next */
	p = pool_of(list, 2, 0);
	ck_assert_int_eq(spamd_pool_set_usable(p, b[0].name, 0), 1);
	ck_assert_int_eq(spamd_pool_set_usable(p, "unix:/nowhere", 0), -1);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 3000, 0, &s, err, sizeof(err)), 0);
	ck_assert_str_eq(spamd_session_backend(s), good->spec);
	spamd_abort(s);
	/* none usable: said plainly */
	spamd_pool_set_usable(p, b[1].name, 0);
	spamd_pool_set_usable(p, b[2].name, 0);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 300, 0, &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "no usable spamd server: each failed the GTUBE self-test");
	/* back in use */
	ck_assert_int_eq(spamd_pool_set_usable(p, b[1].name, 1), 0);
	ck_assert_int_eq(spamd_begin(p, SPAMD_CMD_CHECK, NULL, 1000, 3000, 0, &s, err, sizeof(err)), 0);
	spamd_abort(s);
	spamd_pool_free(p);
	fake_free(good, 1);
	fake_free(deaf, 1);
	fake_free(down, 1);
}
END_TEST

/* ---------------------------------------------------------------- suite */


static Suite *spamd_suite(void)
{
	Suite *s = suite_create("spamd");
	TCase *tc;

	tc = tcase_create("backends");
	tcase_add_loop_test(tc, backend_row, 0, NROWS(brows));
	suite_add_tcase(s, tc);

	tc = tcase_create("fake");
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
	tcase_add_loop_test(tc, reply_row, 0, 2 * NROWS(rrows));
	tcase_add_loop_test(tc, failover_missing_socket, 0, 2);
	tcase_add_test(tc, all_backends_dead);
	tcase_add_test(tc, connect_timeout);
	tcase_add_test(tc, unix_queue_full);
	tcase_add_loop_test(tc, max_size_cut, 0, NROWS(cutrows));
	tcase_add_loop_test(tc, write_timeout, 0, 2);
	tcase_add_loop_test(tc, max_parallel_waits, 0, 2);
	tcase_add_loop_test(tc, backoff, 0, 2);
	tcase_add_test(tc, abort_and_misuse);
	tcase_add_test(tc, reconfigure_keeps_state);
	tcase_add_test(tc, selftest_gtube);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(spamd_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * spamd_client.c - drive filters/spamd/spamd.c against a real spamd, the way the
 * milter will: one spamd_write per header line ("Name: value\r\n"), the
 * blank line, then body chunks of at most 64 KiB; stop at max_size (where
 * the milter returns SMFIS_SKIP); spamd_end for the verdict.
 *
 *   spamd_client [-c check|symbols|report] [-u USER] [-m MAX_SIZE] [-t TIMEOUT_MS]
 *                [-T CONNECT_MS] [-g BYTES] [-n RUNS] [-P THREADS] [-p MAX_PARALLEL]
 *                SERVERS FILE
 *
 * FILE is a message (LF or CRLF; sent with CRLF). -g appends BYTES of
 * generated body lines, produced on the fly. Prints one key=value line per
 * run and a summary; exit 0 when every run got a verdict, 1 otherwise, 2 on
 * usage errors. A test tool: it prints; the library never does.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "spamd.h"

#define CHUNK 65536

static struct {
	enum spamd_cmd cmd;
	const char *user;
	size_t max_size, gen;
	unsigned timeout_ms, connect_ms, runs, threads, max_parallel;
	char *msg;                  /* the file, CRLF line ends */
	size_t msglen, hdrlen;      /* hdrlen: up to and including the blank line */
	struct spamd_pool *pool;
} opt = { SPAMD_CMD_CHECK, NULL, 512 * 1024, 0, 60000, 1000, 1, 1, 5, NULL, 0, 0, NULL };

static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long n_ok, n_fail, sum_ms, min_ms = ~0ul, max_ms;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (*end != '\0' || end == s) {
		fprintf(stderr, "spamd_client: bad size %s\n", s);
		exit(2);
	}
	return (size_t)v;
}

static void load(const char *path)
{
	FILE *f = fopen(path, "rb");
	int c, prev = 0, nl = 0;
	size_t cap = 4096;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	opt.msg = malloc(cap);
	while ((c = getc(f)) != EOF) {
		if (opt.msglen + 2 >= cap)
			opt.msg = realloc(opt.msg, cap *= 2);
		if (opt.msg == NULL)
			exit(2);
		if (c == '\n' && prev != '\r')
			opt.msg[opt.msglen++] = '\r';
		opt.msg[opt.msglen++] = (char)c;
		if (c == '\n' && opt.hdrlen == 0 && ++nl && opt.msglen >= 4 &&
		    memcmp(opt.msg + opt.msglen - 4, "\r\n\r\n", 4) == 0)
			opt.hdrlen = opt.msglen;
		prev = c;
	}
	fclose(f);
	if (opt.hdrlen == 0)
		opt.hdrlen = opt.msglen;
}

/* 1 = keep going, 0 = stop (full or failed). */
static int put(struct spamd_session *s, const char *p, size_t len, size_t *offered, int *rc)
{
	*offered += len;
	*rc = spamd_write(s, p, len);
	return *rc == SPAMD_WRITE_OK;
}

static void one_run(unsigned thread, unsigned run)
{
	struct spamd_session *s;
	struct spamd_answer a;
	char err[SPAMD_ERR_MAX], *chunk = NULL;
	size_t off = 0, eol, offered = 0, g = 0, c;
	int rc = SPAMD_WRITE_OK;
	uint64_t t0 = now_ms(), t_written;
	unsigned long ms;

	if (spamd_begin(opt.pool, opt.cmd, opt.user, opt.connect_ms, opt.timeout_ms, opt.max_size,
	                &s, err, sizeof(err)) < 0) {
		pthread_mutex_lock(&out_mu);
		printf("thread=%u run=%u outcome=begin error=\"%s\"\n", thread, run, err);
		n_fail++;
		pthread_mutex_unlock(&out_mu);
		return;
	}
	/* header lines one by one, as the header callback would */
	while (off < opt.hdrlen) {
		for (eol = off; eol < opt.hdrlen && opt.msg[eol] != '\n'; eol++)
			;
		if (!put(s, opt.msg + off, eol + 1 - off, &offered, &rc))
			goto done;
		off = eol + 1;
	}
	for (; off < opt.msglen; off += c) {
		c = opt.msglen - off < CHUNK ? opt.msglen - off : CHUNK;
		if (!put(s, opt.msg + off, c, &offered, &rc))
			goto done;
	}
	if (opt.gen) {
		/* 80-byte body lines, as many as fit in one chunk */
		chunk = malloc(CHUNK);
		for (c = 0; c + 80 <= CHUNK; c += 80)
			memcpy(chunk + c, "the quick brown fox jumps over the lazy dog, again and again"
			       " and again, okay..\r\n", 80);
		for (g = 0; g < opt.gen; g += c) {
			c = opt.gen - g < CHUNK / 80 * 80 ? opt.gen - g : CHUNK / 80 * 80;
			if (!put(s, chunk, c, &offered, &rc))
				break;
		}
		free(chunk);
	}
done:
	t_written = now_ms();
	spamd_end(s, &a);
	ms = (unsigned long)(now_ms() - t0);
	pthread_mutex_lock(&out_mu);
	printf("thread=%u run=%u outcome=%s backend=%s spam=%d score=%.1f threshold=%.1f "
	       "symbols=%s offered=%zu sent=%zu truncated=%d write_ms=%lu ms=%lu%s%s%s\n",
	       thread, run, spamd_outcome_name(a.outcome), a.backend, a.reply.is_spam,
	       a.reply.score, a.reply.threshold, a.reply.symbols[0] ? a.reply.symbols : "-",
	       offered, a.sent, a.truncated, (unsigned long)(t_written - t0), ms,
	       a.error[0] ? " error=\"" : "", a.error, a.error[0] ? "\"" : "");
	if (rc == SPAMD_WRITE_ERROR && a.outcome == SPAMD_OK)
		printf("thread=%u run=%u note=write failed but a verdict came\n", thread, run);
	if (a.outcome == SPAMD_OK)
		n_ok++;
	else
		n_fail++;
	sum_ms += ms;
	min_ms = ms < min_ms ? ms : min_ms;
	max_ms = ms > max_ms ? ms : max_ms;
	pthread_mutex_unlock(&out_mu);
}

static void *worker(void *arg)
{
	unsigned t = (unsigned)(uintptr_t)arg, r;

	for (r = 0; r < opt.runs; r++)
		one_run(t, r);
	return NULL;
}

int main(int argc, char **argv)
{
	struct spamd_backend b[SPAMD_BACKENDS_MAX];
	struct spamd_backend_stats st[SPAMD_BACKENDS_MAX];
	pthread_t th[64];
	char err[256];
	size_t n, i;
	unsigned t;
	int c;

	while ((c = getopt(argc, argv, "c:u:m:t:T:g:n:P:p:")) != -1) {
		switch (c) {
		case 'c':
			opt.cmd = strcmp(optarg, "symbols") == 0 ? SPAMD_CMD_SYMBOLS
			        : strcmp(optarg, "report") == 0 ? SPAMD_CMD_REPORT : SPAMD_CMD_CHECK;
			break;
		case 'u': opt.user = optarg; break;
		case 'm': opt.max_size = parse_size(optarg); break;
		case 't': opt.timeout_ms = (unsigned)atoi(optarg); break;
		case 'T': opt.connect_ms = (unsigned)atoi(optarg); break;
		case 'g': opt.gen = parse_size(optarg); break;
		case 'n': opt.runs = (unsigned)atoi(optarg); break;
		case 'P': opt.threads = (unsigned)atoi(optarg); break;
		case 'p': opt.max_parallel = (unsigned)atoi(optarg); break;
		default: return 2;
		}
	}
	if (argc - optind != 2 || opt.threads < 1 || opt.threads > 64) {
		fprintf(stderr, "usage: spamd_client [-c check|symbols|report] [-u user] [-m max_size] "
		        "[-t timeout_ms] [-T connect_ms] [-g bytes] [-n runs] [-P threads] "
		        "[-p max_parallel] SERVERS FILE\n");
		return 2;
	}
	if (spamd_backends_parse(argv[optind], b, SPAMD_BACKENDS_MAX, &n, err, sizeof(err)) < 0) {
		fprintf(stderr, "spamd_client: %s\n", err);
		return 2;
	}
	load(argv[optind + 1]);
	opt.pool = spamd_pool_new(b, n, opt.max_parallel, 10000);
	if (opt.pool == NULL)
		return 2;
	for (t = 0; t < opt.threads; t++)
		pthread_create(&th[t], NULL, worker, (void *)(uintptr_t)t);
	for (t = 0; t < opt.threads; t++)
		pthread_join(th[t], NULL);
	printf("summary runs=%lu ok=%lu failed=%lu min_ms=%lu avg_ms=%.1f max_ms=%lu\n",
	       n_ok + n_fail, n_ok, n_fail, min_ms, (double)sum_ms / (double)(n_ok + n_fail), max_ms);
	n = spamd_pool_stats(opt.pool, st, SPAMD_BACKENDS_MAX);
	for (i = 0; i < n; i++)
		printf("backend %s requests=%lu failures=%lu in_flight=%u backoff_left_ms=%u\n",
		       st[i].name, st[i].requests, st[i].failures, st[i].in_flight,
		       st[i].backoff_left_ms);
	spamd_pool_free(opt.pool);
	free(opt.msg);
	return n_fail ? 1 : 0;
}

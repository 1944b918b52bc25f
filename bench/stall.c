/*
 * stall.c - stalled milter sessions beside a fast one: does a sender that
 * stops in the middle of its body slow down everyone else's scan? (issue
 * 14, "Figures").
 *
 *   stall -s SOCKET -m FASTMSG -n STALLERS -b STALLBYTES -f FAST [-R ROUNDS]
 *         [-e] [-r RCPT]
 *
 * Speaks the MTA side of the milter protocol on a unix socket, from client
 * 192.0.2.20 (HELO good.sender.example.org). ROUNDS rounds (default 4) of
 * two phases, in turn first one, then the other (drift on a shared
 * machine falls on both alike):
 *   alone    FAST/ROUNDS sessions one after another, each sending FASTMSG
 *            (a file: header lines, an empty line, the body; it should
 *            hold GTUBE)
 *   stalled  STALLERS sessions (one thread each) send headers and
 *            STALLBYTES of body, then stop; once all of them have had the
 *            answer to their last body chunk, FAST/ROUNDS sessions as
 *            before; then the stallers abort (-e: send end of message,
 *            all at once) and go
 * The scan time of a fast session is from sending end of message to the
 * final answer (a message of a few KiB reaches spamd at its end). Prints
 * per round and in all: n, median, p90, max in ms, how many were rejected
 * (5xx), the ratio of the stalled median to the alone median, and what the
 * stallers got. Exit 1 on a protocol failure, 2 when a GTUBE was not
 * rejected or a staller did not get to its stop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *sock_path, *rcpt = "<bob@dest.example.com>";
static char *hdrs, *body;          /* the fast message: "name\0value\0"... and its body */
static size_t nhdrs, body_len;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready, go, failed, end_with_eom;
static unsigned long st_cont, st_rej, st_other, st_abort;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int io(int fd, void *buf, size_t len, int out)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = out ? send(fd, p, len, MSG_NOSIGNAL) : read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int pkt(int fd, char cmd, const void *data, size_t len)
{
	uint32_t l = htonl((uint32_t)len + 1);
	unsigned char h[5];

	memcpy(h, &l, 4);
	h[4] = (unsigned char)cmd;
	if (io(fd, h, 5, 1) < 0)
		return -1;
	return len ? io(fd, (void *)data, len, 1) : 0;
}

static __thread char tbuf[65536];

/* The next answer that is not progress or a header change: its letter;
 * a 'y' reply's code goes into *code. */
static int answer(int fd, int *code)
{
	char *rbuf = tbuf;
	uint32_t l;
	size_t n;

	for (;;) {
		if (io(fd, &l, 4, 0) < 0)
			return -1;
		n = ntohl(l);
		if (n == 0 || n > sizeof(tbuf) || io(fd, rbuf, n, 0) < 0)
			return -1;
		if (strchr("phimqfe+-", rbuf[0]) != NULL)
			continue;
		if (rbuf[0] == 'y' && code)
			*code = atoi(rbuf + 1);
		return (unsigned char)rbuf[0];
	}
}

static int step(int fd, char cmd, const void *data, size_t len)
{
	return pkt(fd, cmd, data, len) < 0 ? -1 : answer(fd, NULL);
}

/* OPTNEG, CONNECT, HELO, MAIL, RCPT, the headers, EOH; the fd or -1. */
static int start(const char *from)
{
	static const unsigned char conn[] = "good.sender.example.org\0" "4\0\31" "192.0.2.20";
	uint32_t v[3] = { htonl(6), htonl(0x1ff), htonl(0x1fffff) }, pf;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *h = hdrs;
	size_t k;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		goto fail;
	if (pkt(fd, 'O', v, 12) < 0 || answer(fd, NULL) != 'O')
		goto fail;
	/* the steps doorman takes: headers, end of headers and body, no
	 * reply-less steps (it scans, so it needs all of them) */
	memcpy(&pf, tbuf + 9, 4);
	if (ntohl(pf) & (0x10 | 0x20 | 0x40 | 0x80 | 0xff000)) {
		fprintf(stderr, "stall: doorman negotiated steps away (protocol flags %#x)\n", ntohl(pf));
		goto fail;
	}
	pkt(fd, 'D', "Cj\0mx.test.example.net", 23);
	if (step(fd, 'C', conn, sizeof(conn)) != 'c' ||
	    step(fd, 'H', "good.sender.example.org", 24) != 'c')
		goto fail;
	pkt(fd, 'D', "Mi\0" "4QSTALL", 11);
	if (step(fd, 'M', from, strlen(from) + 1) != 'c' || step(fd, 'R', rcpt, strlen(rcpt) + 1) != 'c')
		goto fail;
	for (k = 0; k < nhdrs; k++) {
		size_t nl = strlen(h) + 1, vl = strlen(h + nl) + 1;

		if (step(fd, 'L', h, nl + vl) != 'c')
			goto fail;
		h += nl + vl;
	}
	if (step(fd, 'N', NULL, 0) != 'c')
		goto fail;
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Body chunks of up to 64000 bytes from p; 0, or -1. */
static int send_body(int fd, const char *p, size_t len)
{
	while (len > 0) {
		size_t n = len < 64000 ? len : 64000;
		int c = step(fd, 'B', p, n);

		if (c == 's')
			return 0;
		if (c != 'c')
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* End of message: the final letter; *code for a 'y'. */
static int eom(int fd, int *code)
{
	*code = 0;
	pkt(fd, 'D', "Ei\0" "4QSTALL", 11);
	return pkt(fd, 'E', NULL, 0) < 0 ? -1 : answer(fd, code);
}

/* One fast session; its scan time in ms, or -1. *rejected: a 5xx. */
static double fast(int *rejected)
{
	int fd = start("<fast@sender.example.org>"), c, code;
	double t0, ms;

	if (fd < 0 || send_body(fd, body, body_len) < 0)
		return -1;
	t0 = now_ms();
	c = eom(fd, &code);
	ms = now_ms() - t0;
	*rejected = c == 'y' && code >= 500 && code < 600;
	pkt(fd, 'Q', NULL, 0);
	close(fd);
	return c < 0 ? -1 : ms;
}

static void *staller(void *arg)
{
	size_t bytes = *(size_t *)arg, k;
	char *b = malloc(bytes + 1);
	int fd = start("<staller@sender.example.org>"), c = -1, code = 0;

	for (k = 0; b && k < bytes; k++)
		b[k] = k % 78 == 76 ? '\r' : k % 78 == 77 ? '\n' : (char)('a' + k % 23);
	if (fd < 0 || b == NULL || send_body(fd, b, bytes) < 0) {
		pthread_mutex_lock(&mu);
		failed++;
		ready++;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
		free(b);
		return NULL;
	}
	pthread_mutex_lock(&mu);
	ready++;
	pthread_cond_broadcast(&cv);
	while (!go)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	if (!end_with_eom) {
		pkt(fd, 'A', NULL, 0);
		pthread_mutex_lock(&mu);
		st_abort++;
		pthread_mutex_unlock(&mu);
		goto out;
	}
	c = eom(fd, &code);
	pthread_mutex_lock(&mu);
	if (c == 'c' || c == 'a')
		st_cont++;
	else if (c == 'y' && code >= 500)
		st_rej++;
	else
		st_other++;
	pthread_mutex_unlock(&mu);
out:
	pkt(fd, 'Q', NULL, 0);
	close(fd);
	free(b);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
	double s[4000];

	memcpy(s, v, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void show(const char *name, const double *ms, int n, int rej)
{
	double s[4000];

	memcpy(s, ms, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp);
	printf("%-16s n=%d median=%.1f p90=%.1f max=%.1f rejected=%d/%d\n", name, n, median(ms, n),
	       s[n * 9 / 10], s[n - 1], rej, n);
}

/* n fast sessions into ms[]; returns how many were rejected, -1 on failure. */
static int phase(const char *name, double *ms, int n)
{
	int i, rej = 0, r;

	for (i = 0; i < n; i++) {
		if ((ms[i] = fast(&r)) < 0) {
			fprintf(stderr, "stall: %s: fast session %d failed\n", name, i + 1);
			return -1;
		}
		rej += r;
	}
	show(name, ms, n, rej);
	return rej;
}

/* The stalled phase: n stallers stop mid-body, nf fast sessions beside
 * them, the stallers end. Returns the rejected count, or -1. */
static int stalled(const char *name, double *ms, int nf, int n, size_t *bytes)
{
	pthread_t *th = calloc((size_t)n + 1, sizeof(*th));
	struct timespec ts;
	int i, rej, f0 = failed;
	double t0 = now_ms();

	ready = go = 0;
	for (i = 0; i < n; i++)
		pthread_create(&th[i], NULL, staller, bytes);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 600;
	pthread_mutex_lock(&mu);
	while (ready < n && pthread_cond_timedwait(&cv, &mu, &ts) == 0)
		;
	printf("%-16s %d of %d stallers stopped mid-body after %.0f ms\n", name, ready - (failed - f0), n, now_ms() - t0);
	pthread_mutex_unlock(&mu);
	rej = phase(name, ms, nf);
	pthread_mutex_lock(&mu);
	go = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	free(th);
	return rej;
}

/* Split the message file into headers ("name\0value\0", continuation lines
 * joined with "\n") and body (CRLF line ends). */
static int load(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	size_t hl = 0, cap = 1 << 20;
	int in_body = 0;

	if (f == NULL)
		return -1;
	hdrs = calloc(1, 65536);
	body = malloc(cap);
	while (hdrs && body && fgets(line, sizeof(line), f) != NULL) {
		size_t n = strcspn(line, "\r\n");

		line[n] = '\0';
		if (in_body) {
			if (body_len + n + 2 < cap) {
				memcpy(body + body_len, line, n);
				memcpy(body + body_len + n, "\r\n", 2);
				body_len += n + 2;
			}
		} else if (n == 0) {
			in_body = 1;
		} else if ((line[0] == ' ' || line[0] == '\t') && hl > 0 && hl + n + 2 < 65536) {
			hl--;                               /* onto the last value */
			hl += (size_t)sprintf(hdrs + hl, "\n%s", line) + 1;
		} else if (strchr(line, ':') != NULL && hl + n + 2 < 65536) {
			char *c = strchr(line, ':'), *v = c + 1;

			*c = '\0';
			while (*v == ' ')
				v++;
			hl += (size_t)sprintf(hdrs + hl, "%s", line) + 1;
			hl += (size_t)sprintf(hdrs + hl, "%s", v) + 1;
			nhdrs++;
		}
	}
	fclose(f);
	return hdrs && body && in_body ? 0 : -1;
}

int main(int argc, char **argv)
{
	static double alone[4000], during[4000];
	size_t stall_bytes = 4096;
	int opt, n = 100, nf = 40, rounds = 4, per, r, k, ra = 0, rd = 0, x;
	const char *msg = NULL;
	char name[32];

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "s:m:n:b:f:R:er:")) != -1) {
		switch (opt) {
		case 's': sock_path = optarg; break;
		case 'm': msg = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'b': stall_bytes = (size_t)atol(optarg); break;
		case 'f': nf = atoi(optarg); break;
		case 'R': rounds = atoi(optarg); break;
		case 'e': end_with_eom = 1; break;
		case 'r': rcpt = optarg; break;
		default: goto usage;
		}
	}
	if (sock_path == NULL || msg == NULL || n < 0 || rounds < 1 || nf < 2 * rounds || nf > 4000)
		goto usage;
	if (load(msg) < 0) {
		fprintf(stderr, "stall: cannot read %s\n", msg);
		return 1;
	}
	per = nf / rounds;
	printf("stallers=%d stall_bytes=%zu fast=%d in %d rounds, fast message: %zu header lines, %zu body bytes\n",
	       n, stall_bytes, per * rounds, rounds, nhdrs, body_len);
	for (r = 0; r < rounds; r++) {
		for (k = 0; k < 2; k++) {
			int stall_now = (k + r) % 2;     /* alone first in even rounds */

			snprintf(name, sizeof(name), "round %d %s", r + 1, stall_now ? "stalled" : "alone");
			x = stall_now ? stalled(name, during + r * per, per, n, &stall_bytes)
			              : phase(name, alone + r * per, per);
			if (x < 0)
				return 1;
			*(stall_now ? &rd : &ra) += x;
		}
	}
	show("all alone", alone, per * rounds, ra);
	show("all stalled", during, per * rounds, rd);
	printf("stallers at their end: aborted=%lu continue=%lu rejected=%lu other=%lu failed=%d\n", st_abort,
	       st_cont, st_rej, st_other, failed);
	printf("ratio: stalled median / alone median = %.3f; GTUBE rejected %d/%d alone, %d/%d stalled\n",
	       median(during, per * rounds) / median(alone, per * rounds), ra, per * rounds, rd, per * rounds);
	return ra == per * rounds && rd == per * rounds && failed == 0 ? 0 : 2;
usage:
	fprintf(stderr, "usage: stall -s SOCKET -m FASTMSG [-n STALLERS] [-b STALLBYTES] [-f FAST] [-R ROUNDS] [-e] [-r RCPT]\n");
	return 1;
}

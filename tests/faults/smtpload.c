/*
 * smtpload.c - send N messages to an SMTP server on loopback, C sessions at
 * once, one message per session, each with its own id, and write down what
 * the server answered to each: the evidence that fault tests compare with
 * what arrived at smtp-sink (sent = delivered + 4xx, nothing lost, nothing
 * twice).
 *
 *   smtpload -p PORT -n N -c C -i PREFIX -o RESULTS [-H HELO] [-t RCPT]
 *            [-B EVERY -b BADHELO] [-z BODYBYTES] [-x] [-D] [-w MS]
 *
 * Message k has the id PREFIX-k (k from 1, 6 digits): envelope sender
 * <PREFIX-k@sender.example.org>, headers "X-Fault-Id: PREFIX-k" and
 * "Subject: fault PREFIX-k". -B EVERY -b BADHELO: every EVERY-th session says
 * HELO BADHELO instead (a client doorman refuses at RCPT). -x: each session
 * first claims client address 192.0.2.(k % 200 + 1) with XCLIENT (so doorman
 * sees distinct, untrusted clients; nothing is sent to those addresses).
 * -D: send half of the DATA, then drop the connection (a client that
 * disconnects mid-message). -w MS: pause MS between sessions of one thread.
 *
 * RESULTS gets one line per message: "PREFIX-k CODE STAGE MS", CODE the last
 * reply's code (0 when the connection failed or was dropped), STAGE where the
 * session ended (banner helo xclient mail rcpt data dot drop), MS the
 * session's length. A summary goes to stdout:
 *   sent=N ok=N tempfail=N reject=N failed=N; progress to stderr.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static unsigned short port;
static long total, every;
static const char *prefix = "m", *helo = "good.sender.example.org", *badhelo = "senderdomain.local";
static const char *rcpt = "user@dest.example";
static size_t bodybytes = 600;
static int xclient, drop_mid;
static unsigned pause_ms;
static long next_k = 1, done_n, n_ok, n_4xx, n_5xx, n_fail;
static FILE *out;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct conn {
	int fd;
	char buf[8192];
	size_t have;
};

static int put(struct conn *c, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = send(c->fd, s, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

static int putf(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int putf(struct conn *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	return put(c, line, (size_t)n);
}

/* Read one whole reply (all its lines); its code, or 0 on EOF/error. */
static int reply(struct conn *c)
{
	for (;;) {
		char *nl;
		ssize_t n;

		while ((nl = memchr(c->buf, '\n', c->have)) != NULL) {
			size_t len = (size_t)(nl - c->buf) + 1;
			int code = 0, last = len >= 4 && c->buf[3] != '-';
			if (len >= 4)
				code = atoi(c->buf);
			memmove(c->buf, nl + 1, c->have - len);
			c->have -= len;
			if (last)
				return code;
		}
		if (c->have == sizeof(c->buf))
			c->have = 0;            /* an absurd line: drop it */
		n = read(c->fd, c->buf + c->have, sizeof(c->buf) - c->have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		c->have += (size_t)n;
	}
}

static int session(long k, const char **stage)
{
	struct sockaddr_in sin;
	struct timeval tv = { 180, 0 };
	struct conn c = { -1, { 0 }, 0 };
	char id[64];
	const char *h = every > 0 && k % every == 0 ? badhelo : helo;
	int code = 0;
	size_t sent, half;

	snprintf(id, sizeof(id), "%s-%06ld", prefix, k);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*stage = "banner";
	if ((c.fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return 0;
	setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(c.fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || (code = reply(&c)) != 220)
		goto end;
	*stage = "helo";
	if (putf(&c, "EHLO %s\r\n", h) < 0 || (code = reply(&c)) != 250)
		goto end;
	if (xclient) {
		*stage = "xclient";
		if (putf(&c, "XCLIENT ADDR=192.0.2.%ld NAME=[UNAVAILABLE]\r\n", k % 200 + 1) < 0 ||
		    (code = reply(&c)) != 220)
			goto end;
		if (putf(&c, "EHLO %s\r\n", h) < 0 || (code = reply(&c)) != 250)
			goto end;
	}
	*stage = "mail";
	if (putf(&c, "MAIL FROM:<%s@sender.example.org>\r\n", id) < 0 || (code = reply(&c)) != 250)
		goto end;
	*stage = "rcpt";
	if (putf(&c, "RCPT TO:<%s>\r\n", rcpt) < 0 || (code = reply(&c)) != 250)
		goto end;
	*stage = "data";
	if (putf(&c, "DATA\r\n") < 0 || (code = reply(&c)) != 354)
		goto end;
	*stage = "dot";
	if (putf(&c, "From: <%s@sender.example.org>\r\nTo: <%s>\r\nSubject: fault %s\r\nX-Fault-Id: %s\r\n"
	         "Message-ID: <%s@sender.example.org>\r\n\r\n", id, rcpt, id, id, id) < 0)
		goto fail;
	half = bodybytes / 2;
	for (sent = 0; sent < bodybytes; sent += 72) {
		if (drop_mid && sent >= half) {
			*stage = "drop";
			code = 0;
			goto end;
		}
		if (putf(&c, "%s line %06zu of a message body, nothing to see here at all...\r\n", id, sent / 72) < 0)
			goto fail;
	}
	if (put(&c, ".\r\n", 3) < 0)
		goto fail;
	code = reply(&c);
	if (code != 0) {
		putf(&c, "QUIT\r\n");
		reply(&c);
	}
	goto end;
fail:
	code = 0;
end:
	if (c.fd >= 0)
		close(c.fd);
	return code;
}

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		const char *stage;
		double t0;
		long k;
		int code;

		pthread_mutex_lock(&lock);
		k = next_k <= total ? next_k++ : 0;
		pthread_mutex_unlock(&lock);
		if (k == 0)
			return NULL;
		t0 = now_ms();
		code = session(k, &stage);
		pthread_mutex_lock(&lock);
		fprintf(out, "%s-%06ld %d %s %.0f\n", prefix, k, code, stage, now_ms() - t0);
		if (code >= 200 && code < 300 && strcmp(stage, "dot") == 0)
			n_ok++;
		else if (code >= 400 && code < 500)
			n_4xx++;
		else if (code >= 500)
			n_5xx++;
		else
			n_fail++;
		if (++done_n % 100 == 0 || done_n == total) {
			fprintf(stderr, "\r  smtpload %s: %ld/%ld sent (ok %ld, 4xx %ld, 5xx %ld, failed %ld)", prefix,
			        done_n, total, n_ok, n_4xx, n_5xx, n_fail);
			if (done_n == total)
				fprintf(stderr, "\n");
		}
		pthread_mutex_unlock(&lock);
		if (pause_ms)
			usleep(pause_ms * 1000);
	}
}

int main(int argc, char **argv)
{
	const char *outpath = NULL;
	long conc = 10, i;
	pthread_t *th;
	int opt;

	while ((opt = getopt(argc, argv, "p:n:c:i:o:H:t:B:b:z:xDw:")) != -1) {
		switch (opt) {
		case 'p': port = (unsigned short)atoi(optarg); break;
		case 'n': total = atol(optarg); break;
		case 'c': conc = atol(optarg); break;
		case 'i': prefix = optarg; break;
		case 'o': outpath = optarg; break;
		case 'H': helo = optarg; break;
		case 't': rcpt = optarg; break;
		case 'B': every = atol(optarg); break;
		case 'b': badhelo = optarg; break;
		case 'z': bodybytes = (size_t)atol(optarg); break;
		case 'x': xclient = 1; break;
		case 'D': drop_mid = 1; break;
		case 'w': pause_ms = (unsigned)atoi(optarg); break;
		default: return 64;
		}
	}
	if (port == 0 || total <= 0 || conc <= 0 || outpath == NULL) {
		fprintf(stderr, "usage: smtpload -p PORT -n N -c C -i PREFIX -o RESULTS [-H HELO] [-t RCPT] "
		                "[-B EVERY -b BADHELO] [-z BODYBYTES] [-x] [-D] [-w MS]\n");
		return 64;
	}
	if ((out = fopen(outpath, "w")) == NULL) {
		perror(outpath);
		return 73;
	}
	setvbuf(out, NULL, _IOLBF, 0);     /* a test may watch the file grow */
	th = calloc((size_t)conc, sizeof(*th));
	for (i = 0; i < conc; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (i = 0; i < conc; i++)
		pthread_join(th[i], NULL);
	fclose(out);
	printf("sent=%ld ok=%ld tempfail=%ld reject=%ld failed=%ld\n", total, n_ok, n_4xx, n_5xx, n_fail);
	return 0;
}

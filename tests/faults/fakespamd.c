/*
 * fakespamd.c - a spamd that misbehaves on purpose, for doorman's fault
 * tests and the spamd farm benchmark. It speaks just enough of the spamc
 * protocol: it reads a request up to EOF (doorman half-closes), then
 * answers according to its mode.
 *
 *   fakespamd -l unix:PATH|127.0.0.1:PORT [-m MODE] [-d DELAY_MS] [-S SCORE]
 *
 * MODE:
 *   ok        wait DELAY_MS (no CPU), then a valid verdict: Spam: False ; 1.0 / 5.0
 *             (-S SCORE: Spam: True ; SCORE / 5.0 when SCORE >= 5); a
 *             message with the GTUBE string gets Spam: True ; 1000.0 / 5.0,
 *             as from spamd (doorman's self-test sends GTUBE)
 *   hang      read the request, never answer; hold the connection until the
 *             peer closes it (or 300 s)
 *   garbage   answer bytes that are no spamd reply: control characters,
 *             CR, LF, NUL, 8-bit, a fake status line with them
 *   halfreply answer the first half of a valid verdict, then close
 *
 * One thread per connection. On SIGTERM or SIGINT it stops accepting and
 * prints one line to stdout: connections=N requests=N bytes_in=N
 * max_concurrent=N. It never writes to any address but its own listening
 * socket's peers (loopback or a unix socket).
 */
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum mode { M_OK, M_HANG, M_GARBAGE, M_HALF };

static enum mode mode = M_OK;
static unsigned delay_ms;
static double score = 1.0;
static volatile sig_atomic_t stopping;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long n_conns, n_requests, bytes_in;
static unsigned cur, max_cur;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void nap(unsigned ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static const char gtube_text[] = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
#define GTUBE_LEN (sizeof(gtube_text) - 1)

/* Does the stream, read in pieces, hold the GTUBE string? tail keeps the
 * last GTUBE_LEN - 1 bytes read before. */
static int gtube_seen(char *tail, size_t *ntail, const char *buf, size_t n)
{
	char joined[2 * GTUBE_LEN];
	size_t keep = GTUBE_LEN - 1, k = n < keep ? n : keep, j = *ntail + k, start;

	memcpy(joined, tail, *ntail);
	memcpy(joined + *ntail, buf, k);      /* a match across the seam */
	if (memmem(joined, j, gtube_text, GTUBE_LEN) != NULL || memmem(buf, n, gtube_text, GTUBE_LEN) != NULL)
		return 1;
	if (n >= keep) {
		memcpy(tail, buf + n - keep, keep);
		*ntail = keep;
	} else {
		start = j > keep ? j - keep : 0;
		memmove(tail, joined + start, j - start);
		*ntail = j - start;
	}
	return 0;
}

/* Read until EOF; the request's first line tells CHECK from SYMBOLS/REPORT. */
static int read_request(int fd, char *first, size_t firstlen, unsigned long *got, int *gtube)
{
	char buf[16384], tail[GTUBE_LEN];
	size_t have = 0, ntail = 0;

	first[0] = '\0';
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (have + 1 < firstlen) {
			size_t k = (size_t)n < firstlen - 1 - have ? (size_t)n : firstlen - 1 - have;
			memcpy(first + have, buf, k);
			have += k;
			first[have] = '\0';
		}
		*got += (unsigned long)n;
		if (!*gtube)
			*gtube = gtube_seen(tail, &ntail, buf, (size_t)n);
	}
}

static void *serve(void *arg)
{
	int fd = (int)(long)arg;
	char first[64], reply[512];
	unsigned long got = 0;
	int len, gtube = 0;
	double s;

	pthread_mutex_lock(&lock);
	n_conns++;
	if (++cur > max_cur)
		max_cur = cur;
	pthread_mutex_unlock(&lock);
	if (read_request(fd, first, sizeof(first), &got, &gtube) < 0)
		goto out;
	pthread_mutex_lock(&lock);
	n_requests++;
	bytes_in += got;
	pthread_mutex_unlock(&lock);
	switch (mode) {
	case M_OK:
	case M_HALF:
		if (delay_ms)
			nap(delay_ms);
		s = gtube ? 1000.0 : score;
		if (strncmp(first, "CHECK ", 6) == 0)
			len = snprintf(reply, sizeof(reply), "SPAMD/1.1 0 EX_OK\r\nSpam: %s ; %.1f / 5.0\r\n\r\n",
			               s >= 5.0 ? "True" : "False", s);
		else
			len = snprintf(reply, sizeof(reply),
			               "SPAMD/1.1 0 EX_OK\r\nContent-length: 14\r\nSpam: %s ; %.1f / 5.0\r\n\r\nFAKE_SPAMD_HIT",
			               s >= 5.0 ? "True" : "False", s);
		write_all(fd, reply, mode == M_HALF ? (size_t)len / 2 : (size_t)len);
		break;
	case M_GARBAGE: {
		static const char junk[] = "SPAMD/1.1 0 EX_OK\r\nSpam: \x01True\r\n\0\x1b[31m\xff\xfe ; 9\r9 / \n5\r\n"
		                           "X-Injected: yes\r\n\r\n\0\0\0garbage\x7f\x80";
		write_all(fd, junk, sizeof(junk) - 1);
		break;
	}
	case M_HANG: {
		struct pollfd p = { fd, 0, 0 };       /* POLLHUP: the peer closed */
		int waited = 0;
		while (!stopping && waited < 300000) {
			if (poll(&p, 1, 100) > 0 && (p.revents & (POLLHUP | POLLERR)))
				break;
			waited += 100;       /* at most 100 ms a round */
		}
		break;
	}
	}
out:
	close(fd);
	pthread_mutex_lock(&lock);
	cur--;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static int listen_on(const char *spec)
{
	int fd;

	if (strncmp(spec, "unix:", 5) == 0) {
		struct sockaddr_un sun;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(spec + 5) >= sizeof(sun.sun_path))
			return -1;
		strcpy(sun.sun_path, spec + 5);
		unlink(sun.sun_path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
			return -1;
	} else {
		struct sockaddr_in sin;
		const char *colon = strrchr(spec, ':');
		char host[64];
		int one = 1;

		if (colon == NULL || (size_t)(colon - spec) >= sizeof(host))
			return -1;
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((unsigned short)atoi(colon + 1));
		if (inet_pton(AF_INET, host, &sin.sin_addr) != 1 || (ntohl(sin.sin_addr.s_addr) >> 24) != 127)
			return -1;                 /* loopback only */
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			return -1;
	}
	if (listen(fd, 512) < 0)
		return -1;
	return fd;
}

int main(int argc, char **argv)
{
	const char *spec = NULL;
	struct sigaction sa;
	pthread_attr_t attr;
	int opt, lfd;

	while ((opt = getopt(argc, argv, "l:m:d:S:")) != -1) {
		switch (opt) {
		case 'l': spec = optarg; break;
		case 'm':
			if (strcmp(optarg, "ok") == 0) mode = M_OK;
			else if (strcmp(optarg, "hang") == 0) mode = M_HANG;
			else if (strcmp(optarg, "garbage") == 0) mode = M_GARBAGE;
			else if (strcmp(optarg, "halfreply") == 0) mode = M_HALF;
			else { fprintf(stderr, "fakespamd: unknown mode %s\n", optarg); return 64; }
			break;
		case 'd': delay_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'S': score = strtod(optarg, NULL); break;
		default: return 64;
		}
	}
	if (spec == NULL) {
		fprintf(stderr, "usage: fakespamd -l unix:PATH|127.0.0.1:PORT [-m ok|hang|garbage|halfreply] [-d MS] [-S SCORE]\n");
		return 64;
	}
	if ((lfd = listen_on(spec)) < 0) {
		fprintf(stderr, "fakespamd: cannot listen on %s: %s\n", spec, strerror(errno));
		return 69;
	}
	if (strncmp(spec, "unix:", 5) == 0)
		chmod(spec + 5, 0666);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	fprintf(stderr, "fakespamd: listening on %s\n", spec);
	while (!stopping) {
		struct pollfd p = { lfd, POLLIN, 0 };
		pthread_t th;
		int c;

		if (poll(&p, 1, 200) <= 0)
			continue;
		c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		if (pthread_create(&th, &attr, serve, (void *)(long)c) != 0)
			close(c);
	}
	close(lfd);
	if (strncmp(spec, "unix:", 5) == 0)
		unlink(spec + 5);
	pthread_mutex_lock(&lock);
	printf("connections=%lu requests=%lu bytes_in=%lu max_concurrent=%u\n", n_conns, n_requests, bytes_in, max_cur);
	pthread_mutex_unlock(&lock);
	fflush(stdout);
	return 0;
}

/*
 * loadmilter.c - load doorman over the milter protocol as many MTA sessions
 * would, from C threads at once, and time it (bench/scale.sh).
 *
 *   loadmilter -s SOCKET -p PID -n SESSIONS [-c CONCURRENCY] [-m MODE]
 *              [-r RSS_EVERY] [-b BODY_BYTES] [-a FIRST_OCTETS]
 *
 * Every session comes from its own client address (172.16.0.0/12 counted
 * up, or -a "172.20" for another range: a CONNECT packet only, nothing is
 * ever sent to those addresses), says HELO good.sender.example.org, MAIL,
 * RCPT; MODE:
 *   rcpt   stop after the reply to RCPT (the connect stage: what doorman's
 *          DNS checks add); latency = CONNECT sent .. RCPT reply read
 *   msg    go on: headers, BODY_BYTES of body, end of message (the content
 *          stage: spamd); latency = CONNECT .. end-of-message reply
 * -r N: print doorman's RSS every N sessions (from /proc/PID/status).
 * Prints progress to stderr and, at the end, one line:
 *   sessions=N errors=N secs=S rate=R median_ms=M p90_ms=M p99_ms=M max_ms=M
 *   replies: c=N y=N ...
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
#include <unistd.h>

#include "milterproto.h"

static const char *sock_path, *net = "172";
static long pid, total, rss_every;
static int msg_mode;
static size_t body_bytes = 2000;
static long next_i, done_n, errors;
static long counts[256];
static double *lat;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static long rss_kb(void)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			v = strtol(line + 6, NULL, 10);
	fclose(f);
	return v;
}

static int step(int fd, char cmd, const void *data, size_t len)
{
	return send_cmd(fd, cmd, data, len) < 0 ? -1 : read_reply(fd);
}

/* A body chunk can be longer than send_cmd's 1019 bytes. */
static int body(int fd, size_t len)
{
	static char chunk[8192];
	uint32_t l;
	unsigned char h[5];
	size_t sent = 0;
	int r = 'c';

	if (chunk[0] == 0) {
		memset(chunk, 'x', sizeof(chunk));
		for (size_t i = 70; i + 1 < sizeof(chunk); i += 72) {
			chunk[i] = '\r';
			chunk[i + 1] = '\n';
		}
	}
	while (sent < len && r == 'c') {
		size_t n = len - sent < sizeof(chunk) ? len - sent : sizeof(chunk);
		l = htonl((uint32_t)n + 1);
		memcpy(h, &l, 4);
		h[4] = 'B';
		if (full_io(fd, h, 5, 1) < 0 || full_io(fd, chunk, n, 1) < 0)
			return -1;
		r = read_reply(fd);
		sent += n;
	}
	return r;
}

/* One session; its final reply letter, or -1. */
static int session(long i, double *ms)
{
	struct sockaddr_un sun;
	unsigned char opt[12];
	uint32_t v[3] = { htonl(6), htonl(0x1ff), htonl(0x1fffff) };
	char conn[128], ip[32];
	uint16_t port = htons(25);
	size_t n;
	double t0;
	int fd, r, skip_hdrs, skip_body, skip_eoh;
	uint32_t pf;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	memcpy(opt, v, 12);
	/* OPTNEG: the reply's protocol flags say which steps doorman wants */
	{
		uint32_t l;
		unsigned char buf[4096];
		size_t len;
		if (send_cmd(fd, 'O', opt, 12) < 0 || full_io(fd, &l, 4, 0) < 0 ||
		    (len = ntohl(l)) < 13 || len > sizeof(buf) || full_io(fd, buf, len, 0) < 0 || buf[0] != 'O') {
			close(fd);
			return -1;
		}
		memcpy(&pf, buf + 9, 4);
		pf = ntohl(pf);
	}
	skip_hdrs = (pf & 0x20) != 0;
	skip_body = (pf & 0x10) != 0;
	skip_eoh = (pf & 0x40) != 0;
	/* 172.16.0.0/12 (or NET.x.y.z): a distinct address per session */
	if (strchr(net, '.'))
		snprintf(ip, sizeof(ip), "%s.%ld.%ld", net, (i >> 8) & 255, (i & 255));
	else
		snprintf(ip, sizeof(ip), "%s.%ld.%ld.%ld", net, 16 + ((i >> 16) & 15), (i >> 8) & 255, i & 255);
	n = (size_t)snprintf(conn, sizeof(conn), "client.example.org") + 1;
	conn[n++] = '4';
	memcpy(conn + n, &port, 2);
	n += 2;
	n += (size_t)snprintf(conn + n, sizeof(conn) - n, "%s", ip) + 1;
	t0 = now_ms();
	send_cmd(fd, 'D', "Cj\0mx.test.example.net", 23);
	if ((r = step(fd, 'C', conn, n)) != 'c')
		goto out;
	if ((r = step(fd, 'H', "good.sender.example.org", 24)) != 'c')
		goto out;
	send_cmd(fd, 'D', "Mi\0" "4QLOAD001", 13);
	if ((r = step(fd, 'M', "<bench@sender.example.org>", 27)) != 'c')
		goto out;
	r = step(fd, 'R', "<user@dest.example>", 20);
	if (!msg_mode || r != 'c')
		goto out;
	if (!skip_hdrs) {
		static const char h1[] = "Subject\0load test message\0", h2[] = "From\0<bench@sender.example.org>\0";
		if ((r = step(fd, 'L', h1, sizeof(h1) - 1)) != 'c' || (r = step(fd, 'L', h2, sizeof(h2) - 1)) != 'c')
			goto out;
	}
	if (!skip_eoh && (r = step(fd, 'N', NULL, 0)) != 'c' && r != 's')
		goto out;
	if (!skip_body && r == 'c' && (r = body(fd, body_bytes)) != 'c' && r != 's')
		goto out;
	send_cmd(fd, 'D', "Ei\0" "4QLOAD001", 13);
	if (send_cmd(fd, 'E', NULL, 0) < 0) {
		r = -1;
		goto out;
	}
	do
		r = read_reply(fd);
	while (r == 'h' || r == 'm' || r == 'i' || r == 'q' || r == '-' || r == '+' || r == 'e' || r == 'f');
out:
	*ms = now_ms() - t0;
	send_cmd(fd, 'Q', NULL, 0);
	close(fd);
	return r;
}

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		double ms = 0;
		long i;
		int r;

		pthread_mutex_lock(&lock);
		i = next_i < total ? next_i++ : -1;
		pthread_mutex_unlock(&lock);
		if (i < 0)
			return NULL;
		r = session(i, &ms);
		pthread_mutex_lock(&lock);
		lat[done_n] = ms;
		if (r < 0)
			errors++;
		else
			counts[r & 255]++;
		done_n++;
		if (rss_every > 0 && done_n % rss_every == 0) {
			printf("after=%ld rss_kb=%ld\n", done_n, rss_kb());
			fflush(stdout);
		}
		if (done_n % (total >= 10000 ? 5000 : 500) == 0)
			fprintf(stderr, "  %ld/%ld sessions\n", done_n, total);
		pthread_mutex_unlock(&lock);
	}
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long conc = 1, i;
	pthread_t *th;
	double t0, secs;
	int opt, c;

	while ((opt = getopt(argc, argv, "s:p:n:c:m:r:b:a:")) != -1) {
		switch (opt) {
		case 's': sock_path = optarg; break;
		case 'p': pid = strtol(optarg, NULL, 10); break;
		case 'n': total = strtol(optarg, NULL, 10); break;
		case 'c': conc = strtol(optarg, NULL, 10); break;
		case 'm': msg_mode = strcmp(optarg, "msg") == 0; break;
		case 'r': rss_every = strtol(optarg, NULL, 10); break;
		case 'b': body_bytes = (size_t)strtoul(optarg, NULL, 10); break;
		case 'a': net = optarg; break;
		default: return 2;
		}
	}
	if (sock_path == NULL || pid <= 0 || total <= 0 || conc <= 0) {
		fprintf(stderr, "usage: loadmilter -s SOCKET -p PID -n SESSIONS [-c CONC] [-m rcpt|msg] [-r EVERY] "
		                "[-b BODY] [-a NET]\n");
		return 2;
	}
	lat = calloc((size_t)total, sizeof(*lat));
	th = calloc((size_t)conc, sizeof(*th));
	if (lat == NULL || th == NULL)
		return 1;
	if (rss_every > 0)
		printf("after=0 rss_kb=%ld\n", rss_kb());
	t0 = now_ms();
	for (i = 0; i < conc; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (i = 0; i < conc; i++)
		pthread_join(th[i], NULL);
	secs = (now_ms() - t0) / 1000;
	qsort(lat, (size_t)done_n, sizeof(*lat), cmp);
	printf("sessions=%ld errors=%ld secs=%.2f rate=%.1f median_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f replies:",
	       done_n, errors, secs, done_n / secs, lat[done_n / 2], lat[done_n * 90 / 100], lat[done_n * 99 / 100],
	       lat[done_n - 1]);
	for (c = 0; c < 256; c++)
		if (counts[c])
			printf(" %c=%ld", c, counts[c]);
	printf("\n");
	return 0;
}

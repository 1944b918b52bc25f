/*
 * milterbench.c - drive a milter over its socket like an MTA would, one
 * session after another, and time each session from CONNECT to the reply to
 * the first RCPT (what a client waits for at the door).
 *
 *   milterbench SOCKET SESSIONS IPFILE [HELO]
 *
 * SOCKET is a unix socket path; IPFILE has one client address per line
 * (sessions cycle through them); HELO defaults to the address literal of
 * the client. Prints: n, median, p90, p99, max in ms, and the replies seen.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "milterproto.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int session(const char *path, const char *ip, const char *helo, double *ms, int *reply)
{
	struct sockaddr_un sun;
	unsigned char opt[12], conn[600];
	uint32_t v;
	char h[300];
	size_t cl = 0;
	int fd, r;
	double t0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	v = htonl(6);
	memcpy(opt, &v, 4);
	v = htonl(0x1ff);
	memcpy(opt + 4, &v, 4);
	v = htonl(0x1fffff);
	memcpy(opt + 8, &v, 4);
	if (send_cmd(fd, 'O', opt, 12) < 0 || read_reply(fd) != 'O')
		goto fail;
	/* CONNECT: hostname\0 family port(2) address\0 */
	snprintf((char *)conn, sizeof(conn), "[%s]", ip);
	cl = strlen((char *)conn) + 1;
	conn[cl++] = strchr(ip, ':') ? '6' : '4';
	conn[cl++] = 0;
	conn[cl++] = 25;
	snprintf((char *)conn + cl, sizeof(conn) - cl, "%s", ip);
	cl += strlen(ip) + 1;
	t0 = now_ms();
	if (send_cmd(fd, 'C', conn, cl) < 0 || (r = read_reply(fd)) < 0)
		goto fail;
	if (r == 'c') {
		if (helo == NULL)
			snprintf(h, sizeof(h), strchr(ip, ':') ? "[IPv6:%s]" : "[%s]", ip);
		else
			snprintf(h, sizeof(h), "%s", helo);
		if (send_cmd(fd, 'H', h, strlen(h) + 1) < 0 || read_reply(fd) < 0)
			goto fail;
		if (send_cmd(fd, 'M', "<bench@sender.example.org>", 27) < 0 || read_reply(fd) < 0)
			goto fail;
		if (send_cmd(fd, 'R', "<user@dest.example>", 20) < 0 || (r = read_reply(fd)) < 0)
			goto fail;
	}
	*ms = now_ms() - t0;
	*reply = r;
	send_cmd(fd, 'Q', NULL, 0);
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

int main(int argc, char **argv)
{
	char ips[1000][64], line[128];
	size_t nips = 0, i, n;
	double *ms;
	int counts[256] = { 0 }, c;
	FILE *f;

	if (argc < 4) {
		fprintf(stderr, "usage: milterbench SOCKET SESSIONS IPFILE [HELO]\n");
		return 64;
	}
	n = (size_t)atol(argv[2]);
	f = fopen(argv[3], "r");
	if (f == NULL || n == 0) {
		perror(argv[3]);
		return 66;
	}
	while (nips < 1000 && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%63s", ips[nips]) == 1)
			nips++;
	fclose(f);
	ms = calloc(n, sizeof(*ms));
	if (ms == NULL || nips == 0)
		return 70;
	for (i = 0; i < n; i++) {
		int r = 0;
		if (session(argv[1], ips[i % nips], argc > 4 ? argv[4] : NULL, &ms[i], &r) < 0) {
			fprintf(stderr, "session %zu failed\n", i);
			return 1;
		}
		counts[r & 0xff]++;
	}
	qsort(ms, n, sizeof(*ms), cmp);
	printf("n=%zu median=%.2f p90=%.2f p99=%.2f max=%.2f replies:", n, ms[n / 2], ms[n * 90 / 100],
	       ms[n * 99 / 100 < n ? n * 99 / 100 : n - 1], ms[n - 1]);
	for (c = 0; c < 256; c++)
		if (counts[c])
			printf(" %c=%d", c, counts[c]);
	printf("\n");
	free(ms);
	return 0;
}

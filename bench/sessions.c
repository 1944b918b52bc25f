/*
 * sessions.c - hold many milter sessions open on doorman at once, as an MTA
 * with that many SMTP sessions would, and see what it costs doorman.
 *
 *   sessions -s SOCKET -p PID -n N [-l LISTED] [-e EHLOS]
 *
 * Hold mode (default): opens N sessions one after another, each through
 * OPTNEG, CONNECT (client 172.16.0.0/12, a distinct address per session; every
 * LISTED-th session from 192.0.2.66, which the test lists block), HELO and
 * MAIL FROM, and keeps them all open. Then it prints doorman's RSS and open
 * descriptors (from /proc/PID), sends RCPT on every session at once and
 * waits for all the replies: the time from the first RCPT sent to the last
 * reply read, the replies by kind, and errors (a session that could not be
 * opened, a connection closed, no reply within 60 s).
 *
 * EHLO mode (-e EHLOS): one session sends EHLOS HELO commands with
 * distinct names, then MAIL and RCPT; prints doorman's RSS before and after.
 *
 * Every line is "key=value ..." for bench/sessions.sh to read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "milterproto.h"
#include <dirent.h>

static int step(int fd, char cmd, const void *data, size_t len)
{
	return send_cmd(fd, cmd, data, len) < 0 ? -1 : read_reply(fd);
}

static int dial(const char *path)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* OPTNEG as Postfix offers it, then CONNECT from ip. 0 or -1. */
static int open_session(int fd, const char *ip)
{
	unsigned char opt[12];
	char conn[128];
	uint32_t v[3] = { htonl(6), htonl(0x1ff), htonl(0x1fffff) };
	size_t n;
	uint16_t port = htons(25);

	memcpy(opt, v, 12);
	if (step(fd, 'O', opt, 12) != 'O')
		return -1;
	n = (size_t)snprintf(conn, sizeof(conn), "client.example.org") + 1;
	conn[n++] = '4';
	memcpy(conn + n, &port, 2);
	n += 2;
	n += (size_t)snprintf(conn + n, sizeof(conn) - n, "%s", ip) + 1;
	return step(fd, 'C', conn, n) == 'c' ? 0 : -1;
}

static long proc_field(long pid, const char *key)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return v;
}

static long proc_fds(long pid)
{
	char path[64];
	struct dirent *e;
	long n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void report_proc(const char *when, long pid)
{
	printf("%s rss_kb=%ld fds=%ld threads=%ld\n", when, proc_field(pid, "VmRSS:"), proc_fds(pid),
	       proc_field(pid, "Threads:"));
	fflush(stdout);
}

static int ehlo_mode(const char *sock, long pid, long ehlos)
{
	int fd = dial(sock);
	char name[128];
	long i, bad = 0;

	if (fd < 0 || open_session(fd, "172.16.0.1") < 0) {
		printf("error=cannot open a session\n");
		return 1;
	}
	report_proc("before", pid);
	for (i = 0; i < ehlos; i++) {
		size_t n = (size_t)snprintf(name, sizeof(name), "h%ld.flood.example.org", i) + 1;
		if (step(fd, 'H', name, n) != 'c')
			bad++;
	}
	report_proc("after", pid);
	if (step(fd, 'M', "<f@sender.example.org>", 23) != 'c')
		bad++;
	i = step(fd, 'R', "<x@dest.example>", 17);
	printf("ehlos=%ld bad_replies=%ld rcpt_reply=%c\n", ehlos, bad, i > 0 ? (char)i : '?');
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *sock = NULL;
	long pid = 0, n = 1000, listed = 0, ehlos = 0, i, open_errors = 0, errors = 0, replies = 0;
	long counts[256] = { 0 };
	struct pollfd *pfd;
	struct rlimit rl;
	double t0, t1, last = 0;
	int opt, *fds;

	while ((opt = getopt(argc, argv, "s:p:n:l:e:")) != -1) {
		switch (opt) {
		case 's': sock = optarg; break;
		case 'p': pid = strtol(optarg, NULL, 10); break;
		case 'n': n = strtol(optarg, NULL, 10); break;
		case 'l': listed = strtol(optarg, NULL, 10); break;
		case 'e': ehlos = strtol(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (sock == NULL || pid <= 0 || n <= 0 || n > 1000000) {
		fprintf(stderr, "usage: sessions -s SOCKET -p PID -n N [-l LISTED] [-e EHLOS]\n");
		return 2;
	}
	if (ehlos > 0)
		return ehlo_mode(sock, pid, ehlos);
	/* this client needs a descriptor per session too */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64) {
		rl.rlim_cur = (rlim_t)n + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			fprintf(stderr, "sessions: cannot raise the open file limit to %ld\n", n + 64);
	}
	fds = calloc((size_t)n, sizeof(*fds));
	pfd = calloc((size_t)n, sizeof(*pfd));
	if (fds == NULL || pfd == NULL)
		return 1;
	report_proc("idle", pid);
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		char ip[32];

		if (listed > 0 && i % listed == listed - 1)
			snprintf(ip, sizeof(ip), "192.0.2.66");
		else
			snprintf(ip, sizeof(ip), "172.%ld.%ld.%ld", 16 + (i >> 16) % 16, (i >> 8) & 255, (i & 255) + 0);
		fds[i] = dial(sock);
		if (fds[i] < 0 || open_session(fds[i], ip) < 0 ||
		    step(fds[i], 'H', "good.sender.example.org", 24) != 'c' ||
		    step(fds[i], 'M', "<s@sender.example.org>", 23) != 'c') {
			if (fds[i] >= 0)
				close(fds[i]);
			fds[i] = -1;
			open_errors++;
		}
		if ((i + 1) % 1000 == 0) {
			fprintf(stderr, "  %ld sessions opened (%.0f ms)\n", i + 1, now_ms() - t0);
		}
	}
	printf("opened=%ld open_errors=%ld open_ms=%.0f\n", n - open_errors, open_errors, now_ms() - t0);
	report_proc("held", pid);

	/* RCPT on every session at once */
	t1 = now_ms();
	for (i = 0; i < n; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
		if (fds[i] >= 0 && send_cmd(fds[i], 'R', "<x@dest.example>", 17) < 0) {
			close(fds[i]);
			fds[i] = pfd[i].fd = -1;
			errors++;
		}
	}
	while (replies + errors + open_errors < n && now_ms() - t1 < 60000) {
		int r = poll(pfd, (nfds_t)n, 1000);

		for (i = 0; r > 0 && i < n; i++) {
			int c;

			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			c = read_reply(pfd[i].fd);
			if (c < 0)
				errors++;
			else {
				counts[c & 255]++;
				replies++;
				last = now_ms();
			}
			pfd[i].fd = -1;
		}
	}
	errors += n - open_errors - replies - errors > 0 ? n - open_errors - replies - errors : 0;
	report_proc("answered", pid);
	printf("rcpt_replies=%ld continue=%ld replycode=%ld tempfail=%ld reject=%ld errors=%ld rcpt_ms=%.0f\n",
	       replies, counts['c'], counts['y'], counts['t'], counts['r'], errors + open_errors,
	       replies ? last - t1 : 0.0);
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	free(pfd);
	return 0;
}

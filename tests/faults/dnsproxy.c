/*
 * dnsproxy.c - a DNS server that is slow or truncates, in front of a real
 * one (unbound), for doorman's DNS fault tests and the connect-stage
 * benchmark. Loopback only.
 *
 *   dnsproxy -l PORT -u UPSTREAM_PORT [-d DELAY_MS] [-t]
 *
 * UDP on 127.0.0.1:PORT: each query is forwarded to 127.0.0.1:UPSTREAM_PORT
 * DELAY_MS after it arrived (no CPU spent waiting; queries overlap), and the
 * answer goes back to the asker. With -t every UDP query is answered at
 * once with an empty reply that has the TC bit set ("truncated, ask over
 * TCP"): a resolver that wants an answer must retry over TCP.
 * TCP on 127.0.0.1:PORT: each connection is relayed to the upstream's TCP
 * port (after DELAY_MS for each chunk the client sends).
 * On SIGTERM or SIGINT it prints: udp_queries=N udp_answers=N tc_replies=N
 * tcp_connections=N tcp_bytes=N, and exits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QMAX 65536                    /* queries waiting at once */

struct pending {                      /* a query waiting for its delay */
	double due;
	struct sockaddr_in from;
	uint16_t id;                      /* the asker's id */
	size_t len;
	unsigned char pkt[512];
};

struct origin {                       /* who asked, by our forwarded id */
	struct sockaddr_in from;
	uint16_t id;
	int used;
};

static volatile sig_atomic_t stopping;
static unsigned delay_ms;
static int truncate_all;
static unsigned short up_port;
static unsigned long udp_q, udp_a, tc_n, tcp_conns, tcp_bytes;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void nap(unsigned ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static struct sockaddr_in loopback(unsigned short port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

/* TCP: relay one client connection to the upstream's TCP port. */
static void *tcp_relay(void *arg)
{
	int c = (int)(long)arg, u = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in up = loopback(up_port);
	char buf[16384];

	if (u < 0 || connect(u, (struct sockaddr *)&up, sizeof(up)) < 0)
		goto out;
	while (!stopping) {
		struct pollfd p[2] = { { c, POLLIN, 0 }, { u, POLLIN, 0 } };
		int i;

		if (poll(p, 2, 200) <= 0)
			continue;
		for (i = 0; i < 2; i++) {
			ssize_t n;
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n <= 0)
				goto out;
			if (i == 0 && delay_ms)
				nap(delay_ms);
			if (send(p[1 - i].fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
				goto out;
			pthread_mutex_lock(&lock);
			tcp_bytes += (unsigned long)n;
			pthread_mutex_unlock(&lock);
		}
	}
out:
	if (u >= 0)
		close(u);
	close(c);
	return NULL;
}

static void *tcp_main(void *arg)
{
	int lfd = (int)(long)arg;
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (!stopping) {
		struct pollfd p = { lfd, POLLIN, 0 };
		pthread_t th;
		int c;

		if (poll(&p, 1, 200) <= 0)
			continue;
		if ((c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue;
		pthread_mutex_lock(&lock);
		tcp_conns++;
		pthread_mutex_unlock(&lock);
		if (pthread_create(&th, &attr, tcp_relay, (void *)(long)c) != 0)
			close(c);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static struct pending q[8192];          /* FIFO: one delay for all, so due times only grow */
	static struct origin orig[QMAX];
	struct sockaddr_in me, up;
	struct sigaction sa;
	size_t qhead = 0, qlen = 0;
	unsigned short port = 0;
	uint16_t next_id = 1;
	int opt, ufd, upfd, tfd, one = 1;
	pthread_t tth;

	while ((opt = getopt(argc, argv, "l:u:d:t")) != -1) {
		switch (opt) {
		case 'l': port = (unsigned short)atoi(optarg); break;
		case 'u': up_port = (unsigned short)atoi(optarg); break;
		case 'd': delay_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 't': truncate_all = 1; break;
		default: return 64;
		}
	}
	if (port == 0 || up_port == 0) {
		fprintf(stderr, "usage: dnsproxy -l PORT -u UPSTREAM_PORT [-d DELAY_MS] [-t]\n");
		return 64;
	}
	me = loopback(port);
	up = loopback(up_port);
	ufd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	upfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(tfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ufd < 0 || upfd < 0 || tfd < 0 || bind(ufd, (struct sockaddr *)&me, sizeof(me)) < 0 ||
	    bind(tfd, (struct sockaddr *)&me, sizeof(me)) < 0 || listen(tfd, 128) < 0 ||
	    connect(upfd, (struct sockaddr *)&up, sizeof(up)) < 0) {
		fprintf(stderr, "dnsproxy: cannot set up 127.0.0.1:%u: %s\n", port, strerror(errno));
		return 69;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (pthread_create(&tth, NULL, tcp_main, (void *)(long)tfd) != 0)
		return 71;
	fprintf(stderr, "dnsproxy: 127.0.0.1:%u -> 127.0.0.1:%u delay %u ms%s\n", port, up_port, delay_ms,
	        truncate_all ? ", UDP answers truncated" : "");
	while (!stopping) {
		struct pollfd p[2] = { { ufd, POLLIN, 0 }, { upfd, POLLIN, 0 } };
		double t = now_ms();
		int wait = 200;

		/* forward what is due */
		while (qlen > 0 && q[qhead].due <= t) {
			struct pending *e = &q[qhead];
			uint16_t nid = next_id++;
			if (next_id == 0)
				next_id = 1;
			orig[nid].from = e->from;
			orig[nid].id = e->id;
			orig[nid].used = 1;
			e->pkt[0] = (unsigned char)(nid >> 8);
			e->pkt[1] = (unsigned char)nid;
			send(upfd, e->pkt, e->len, 0);
			qhead = (qhead + 1) % 8192;
			qlen--;
		}
		if (qlen > 0)
			wait = (int)(q[qhead].due - t) + 1;
		if (poll(p, 2, wait) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			unsigned char pkt[512];
			ssize_t n = recvfrom(ufd, pkt, sizeof(pkt), 0, (struct sockaddr *)&from, &fl);

			if (n >= 12) {
				udp_q++;
				if (truncate_all) {
					/* the question back, QR and TC set, no records */
					pkt[2] |= 0x80 | 0x02;
					pkt[3] &= 0xf0;
					memset(pkt + 6, 0, 6);
					sendto(ufd, pkt, (size_t)n, 0, (struct sockaddr *)&from, fl);
					tc_n++;
				} else if (qlen < 8192) {
					struct pending *e = &q[(qhead + qlen) % 8192];
					e->due = now_ms() + delay_ms;
					e->from = from;
					e->id = (uint16_t)(pkt[0] << 8 | pkt[1]);
					e->len = (size_t)n;
					memcpy(e->pkt, pkt, (size_t)n);
					qlen++;
				}
			}
		}
		if (p[1].revents & POLLIN) {
			unsigned char pkt[4096];
			ssize_t n = recv(upfd, pkt, sizeof(pkt), 0);
			uint16_t nid;

			if (n >= 12) {
				nid = (uint16_t)(pkt[0] << 8 | pkt[1]);
				if (orig[nid].used) {
					pkt[0] = (unsigned char)(orig[nid].id >> 8);
					pkt[1] = (unsigned char)orig[nid].id;
					sendto(ufd, pkt, (size_t)n, 0, (struct sockaddr *)&orig[nid].from,
					       sizeof(orig[nid].from));
					orig[nid].used = 0;
					udp_a++;
				}
			}
		}
	}
	pthread_join(tth, NULL);
	pthread_mutex_lock(&lock);
	printf("udp_queries=%lu udp_answers=%lu tc_replies=%lu tcp_connections=%lu tcp_bytes=%lu\n", udp_q, udp_a,
	       tc_n, tcp_conns, tcp_bytes);
	pthread_mutex_unlock(&lock);
	fflush(stdout);
	return 0;
}

/*
 * milterproto.h - the MTA side of the milter protocol, as much as the bench
 * clients need: framed packets out, reply packets in (progress skipped).
 * Blocking I/O; header-only, for bench/milterbench.c and bench/sessions.c.
 */
#ifndef DOORMAN_BENCH_MILTERPROTO_H
#define DOORMAN_BENCH_MILTERPROTO_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Read (write) exactly len bytes; 0, or -1 at EOF or on an error. */
static inline int full_io(int fd, void *buf, size_t len, int out)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One command packet: length, command byte, data (at most 1019 bytes). */
static inline int send_cmd(int fd, char cmd, const void *data, size_t len)
{
	unsigned char buf[1024];
	uint32_t l = htonl((uint32_t)len + 1);

	if (len + 5 > sizeof(buf))
		return -1;
	memcpy(buf, &l, 4);
	buf[4] = (unsigned char)cmd;
	if (len)
		memcpy(buf + 5, data, len);
	return full_io(fd, buf, len + 5, 1);
}

/* One reply packet: its command byte, or -1. Progress packets are skipped. */
static inline int read_reply(int fd)
{
	for (;;) {
		char buf[65536];
		uint32_t l;
		size_t len;

		if (full_io(fd, &l, 4, 0) < 0)
			return -1;
		len = ntohl(l);
		if (len == 0 || len > sizeof(buf) || full_io(fd, buf, len, 0) < 0)
			return -1;
		if (buf[0] != 'p')
			return (unsigned char)buf[0];
	}
}

#endif

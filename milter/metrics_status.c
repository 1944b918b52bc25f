/*
 * metrics_status.c - doorman -s: read the running daemon's /metrics over
 * HTTP and print it for a human (filters/metrics/metrics_summary.c).
 *
 * A tiny HTTP/1.0 client: connect, "GET /metrics", read to EOF; the whole
 * exchange within STATUS_TIMEOUT_MS, the answer at most MAX_BODY bytes.
 * What the listener answered is someone else's text (whoever holds the
 * port): the summary reaches the terminal printable ASCII only, any other
 * byte shown as '?'.
 * Never: follows a redirect, speaks TLS, waits without a deadline, prints
 * a control character but the newline.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "expo.h"
#include "hostport.h"
#include "metrics_http.h"
#include "metrics_summary.h"

#define STATUS_TIMEOUT_MS 5000
#define MAX_BODY (16 * 1024 * 1024)

/* Wait for events on fd until deadline; 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd p = { fd, events, 0 };
	uint64_t now = dm_now_ms();
	int rc;

	if (now >= deadline)
		return 0;
	do
		rc = poll(&p, 1, (int)(deadline - now));
	while (rc < 0 && errno == EINTR);
	return rc;
}

static int connect_to(const struct dm_hostport *hp, uint64_t deadline, char *why, size_t whylen)
{
	struct sockaddr_storage ss;
	socklen_t sl, el = sizeof(int);
	int fd, e = 0;
	static const unsigned char any6[16];

	memset(&ss, 0, sizeof(ss));
	if (hp->addr.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)hp->port);
		memcpy(&s6->sin6_addr, hp->addr.b, 16);
		if (memcmp(hp->addr.b, any6, 16) == 0)
			s6->sin6_addr = in6addr_loopback;      /* listening on any: ask locally */
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)hp->port);
		memcpy(&s4->sin_addr, hp->addr.b, 4);
		if (s4->sin_addr.s_addr == htonl(INADDR_ANY))
			s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*s4);
	}
	fd = socket(hp->addr.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		if (errno != EINPROGRESS)
			e = errno;
		else if (wait_fd(fd, POLLOUT, deadline) <= 0)
			e = ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
			e = errno;
	}
	if (e != 0) {
		snprintf(why, whylen, "connect: %s", strerror(e));
		close(fd);
		return -1;
	}
	return fd;
}

/* The whole answer (headers and body) into a malloc'ed buffer. */
static char *exchange(int fd, const char *host, uint64_t deadline, size_t *len, char *why, size_t whylen)
{
	char req[300], *buf = NULL;
	size_t sent = 0, n = 0, cap = 0, reqlen;

	reqlen = (size_t)snprintf(req, sizeof(req),
	                          "GET /metrics HTTP/1.0\r\nHost: %s\r\nUser-Agent: doorman -s\r\n"
	                          "Accept: text/plain\r\n\r\n", host);
	while (sent < reqlen) {
		ssize_t w = send(fd, req + sent, reqlen - sent, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR) && wait_fd(fd, POLLOUT, deadline) > 0)
			continue;
		if (w <= 0) {
			snprintf(why, whylen, "send: %s", w < 0 ? strerror(errno) : "nothing sent");
			return NULL;
		}
		sent += (size_t)w;
	}
	for (;;) {
		ssize_t r;
		if (n + 65536 + 1 > cap) {
			char *grown = cap + 65536 + 1 > MAX_BODY ? NULL : realloc(buf, cap + 65536 + 1);
			if (grown == NULL) {
				snprintf(why, whylen, "answer larger than %d bytes", MAX_BODY);
				free(buf);
				return NULL;
			}
			buf = grown;
			cap += 65536 + 1;
		}
		r = recv(fd, buf + n, cap - n - 1, 0);
		if (r > 0) {
			n += (size_t)r;
			continue;
		}
		if (r == 0)
			break;
		if (errno == EINTR || ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_fd(fd, POLLIN, deadline) > 0))
			continue;
		snprintf(why, whylen, "%s", errno == EAGAIN || errno == EWOULDBLOCK ?
		         "no complete answer within 5 s" : strerror(errno));
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Check the status line, find the body. */
static const char *body_of(const char *resp, size_t len, size_t *blen, char *why, size_t whylen)
{
	const char *end = strstr(resp, "\r\n\r\n");
	int code = 0;

	if (strncmp(resp, "HTTP/1.", 7) != 0 || sscanf(resp + 7, "%*c %d", &code) != 1) {
		snprintf(why, whylen, "the answer is not HTTP");
		return NULL;
	}
	if (code != 200) {
		snprintf(why, whylen, "HTTP status %d", code);
		return NULL;
	}
	if (end == NULL) {
		snprintf(why, whylen, "the HTTP header does not end");
		return NULL;
	}
	*blen = len - (size_t)(end + 4 - resp);
	return end + 4;
}

/* The summary, through a buffer: escape sequences and bells (a label value
 * with ESC or BEL) never reach the terminal. */
static int print_summary(const struct dm_expo *e, FILE *out)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *mem = open_memstream(&text, &len);

	if (mem == NULL)
		return -1;
	dm_metrics_summary(e, time(NULL), mem);
	if (fclose(mem) != 0) {
		free(text);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		putc(c == '\n' || (c >= 0x20 && c < 0x7f) ? c : '?', out);
	}
	free(text);
	return 0;
}

/* Fetch, check and print; cfg's metrics_listen is set and valid. */
static int status(const struct dm_config *cfg, FILE *out, FILE *err)
{
	struct dm_hostport hp;
	struct dm_expo e;
	uint64_t deadline = dm_now_ms() + STATUS_TIMEOUT_MS;
	char why[300], *resp;
	const char *body;
	size_t len = 0, blen = 0;
	int fd, rc;

	if (dm_hostport_parse(cfg->metrics_listen, DM_METRICS_PORT, &hp) != DM_HP_OK)
		return EX_CONFIG;
	fd = connect_to(&hp, deadline, why, sizeof(why));
	resp = fd < 0 ? NULL : exchange(fd, cfg->metrics_listen, deadline, &len, why, sizeof(why));
	if (fd >= 0)
		close(fd);
	body = resp == NULL ? NULL : body_of(resp, len, &blen, why, sizeof(why));
	if (body != NULL && dm_expo_parse(body, blen, 0, &e, why, sizeof(why)) < 0)
		body = NULL;
	if (body == NULL) {
		fprintf(err, "doorman: cannot read the running doorman's metrics at http://%s/metrics: %s "
		        "(is doorman running with this configuration?)\n", cfg->metrics_listen, why);
		free(resp);
		return EX_UNAVAILABLE;
	}
	fprintf(out, "http://%s/metrics\n", cfg->metrics_listen);
	rc = print_summary(&e, out);
	dm_expo_free(&e);
	free(resp);
	if (rc < 0) {
		fprintf(err, "doorman: out of memory\n");
		return EX_OSERR;
	}
	return 0;
}

/* The main file only: the policies, which a failed reload may have left
 * broken, do not matter for reading the numbers. */
int dm_metrics_status(const char *path, FILE *out, FILE *err)
{
	struct dm_errors errs = { NULL, 0 };
	struct dm_config *cfg = dm_config_defaults();
	size_t len, i;
	char *text;
	int rc;

	if (cfg == NULL) {
		fprintf(err, "doorman: out of memory\n");
		return EX_OSERR;
	}
	text = dm_read_file(path, &len, &errs);
	if (text != NULL)
		dm_config_parse(cfg, text, len, path, &errs);
	free(text);
	for (i = 0; i < errs.n; i++)
		fprintf(err, "doorman: %s\n", errs.msg[i]);
	if (errs.n > 0)
		rc = EX_CONFIG;
	else if (cfg->metrics_listen[0] == '\0')
		rc = EX_CONFIG, fprintf(err, "doorman: %s: metrics_listen is not set, so doorman serves no numbers "
		                        "to read; set it in [doorman] (e.g. metrics_listen = 127.0.0.1:9465) and "
		                        "restart doorman\n", path);
	else
		rc = status(cfg, out, err);
	dm_errors_free(&errs);
	dm_config_free(cfg);
	return rc;
}

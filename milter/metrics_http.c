/*
 * metrics_http.c - the /metrics listener: libmicrohttpd on its own thread,
 * on the one address of [doorman] metrics_listen.
 *
 * The socket is opened at start, before doorman forks and drops its
 * privileges (so a port below 1024 works, and a port in use stops the
 * start with a message on the terminal); libmicrohttpd gets it once the
 * daemon runs. A reload does not move it.
 * Does: GET and HEAD of /metrics (200, text/plain; version=0.0.4); any
 * other path 404, any other method 405. A few connections per client
 * address (so clients that hold connections open cannot lock a scraper
 * out), a bounded total, and a short idle timeout (a request is a few
 * hundred bytes: a client that goes quiet for IDLE_TIMEOUT_S is dropped).
 * Never: TLS, authentication, another address.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "clock.h"
#include "hostport.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define MAX_CONNECTIONS 64
#define MAX_PER_CLIENT 4
#define IDLE_TIMEOUT_S 3

static int listen_fd = -1;
static char listen_name[80];
static struct MHD_Daemon *daemon_handle;

int dm_metrics_listen(const struct dm_config *cfg, char *err, size_t errlen)
{
	struct dm_hostport hp;
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	if (cfg->metrics_listen[0] == '\0')
		return 0;
	if (dm_hostport_parse(cfg->metrics_listen, DM_METRICS_PORT, &hp) != DM_HP_OK) {
		snprintf(err, errlen, "metrics_listen %s: not an address:port", cfg->metrics_listen);
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	if (hp.addr.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)hp.port);
		memcpy(&s6->sin6_addr, hp.addr.b, 16);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)hp.port);
		memcpy(&s4->sin_addr, hp.addr.b, 4);
		sl = sizeof(*s4);
	}
	fd = socket(hp.addr.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "metrics_listen %s: %s", cfg->metrics_listen, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (hp.addr.family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 16) < 0) {
		snprintf(err, errlen, "metrics_listen %s: cannot listen: %s", cfg->metrics_listen, strerror(errno));
		close(fd);
		return -1;
	}
	listen_fd = fd;
	snprintf(listen_name, sizeof(listen_name), "%s", cfg->metrics_listen);
	return 0;
}

const char *dm_metrics_listening(void)
{
	return listen_fd >= 0 ? listen_name : NULL;
}

void dm_metrics_reload_note(const struct dm_config *cfg)
{
	const char *now = listen_fd >= 0 ? listen_name : "";

	if (strcmp(now, cfg->metrics_listen) != 0)
		dm_log(LOG_WARNING, "reload: metrics_listen = %s in the file, %s in use: a reload does not move "
		       "the metrics listener; restart doorman for it", cfg->metrics_listen[0] ? cfg->metrics_listen : "(off)",
		       now[0] ? now : "(off)");
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* At most one line per LOG_EVERY_MS: clients refused at the limits would
 * otherwise write a log line each (libmicrohttpd's one thread calls this). */
#define LOG_EVERY_MS 10000

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	static uint64_t last;
	static unsigned long held;
	uint64_t now = dm_now_ms();
	char line[300];
	size_t n;

	(void)cls;
	if (last != 0 && now - last < LOG_EVERY_MS) {
		held++;
		return;
	}
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (held > 0)
		dm_log(LOG_WARNING, "metrics: %s (and %lu more messages of the listener in the %d s before)", line, held,
		       LOG_EVERY_MS / 1000);
	else
		dm_log(LOG_WARNING, "metrics: %s", line);
	last = now;
	held = 0;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, char *body, size_t len,
                             enum MHD_ResponseMemoryMode mode, const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result rc;

	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size,
                                  void **con_cls)
{
	static char not_allowed[] = "405 method not allowed: GET or HEAD /metrics\n";
	static char not_found[] = "404 not found: doorman serves /metrics only\n";
	static char no_memory[] = "503 out of memory\n";
	char *text;
	size_t len = 0;

	(void)cls;
	(void)version;
	(void)upload_data;
	(void)upload_size;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed, sizeof(not_allowed) - 1,
		             MHD_RESPMEM_PERSISTENT, "text/plain; charset=utf-8");
	if (strcmp(url, "/metrics") != 0)
		return reply(conn, MHD_HTTP_NOT_FOUND, not_found, sizeof(not_found) - 1, MHD_RESPMEM_PERSISTENT,
		             "text/plain; charset=utf-8");
	text = dm_metrics_text(&len);
	if (text == NULL)
		return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, no_memory, sizeof(no_memory) - 1,
		             MHD_RESPMEM_PERSISTENT, "text/plain; charset=utf-8");
	return reply(conn, MHD_HTTP_OK, text, len, MHD_RESPMEM_MUST_FREE, CONTENT_TYPE);
}

int dm_metrics_serve(char *err, size_t errlen)
{
	if (listen_fd < 0)
		return 0;
	daemon_handle = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	                                  on_request, NULL,
	                                  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	                                  MHD_OPTION_LISTEN_SOCKET, listen_fd,
	                                  MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
	                                  MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)MAX_PER_CLIENT,
	                                  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
	                                  MHD_OPTION_END);
	if (daemon_handle == NULL) {
		snprintf(err, errlen, "metrics_listen %s: libmicrohttpd did not start", listen_name);
		return -1;
	}
	return 0;
}

void dm_metrics_stop(void)
{
	if (daemon_handle != NULL)
		MHD_stop_daemon(daemon_handle);     /* closes the socket it was given */
	else if (listen_fd >= 0)
		close(listen_fd);
	daemon_handle = NULL;
	listen_fd = -1;
}

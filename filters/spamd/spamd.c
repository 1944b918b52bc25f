/*
 * spamd.c - the spamd client: [spamd] servers parsing, the shared pool
 * (slots per backend, backoff), and streaming one message per session.
 *
 * Sockets are non-blocking; every wait is a poll() or a condition wait
 * bounded by the session deadline. A session owns exactly one socket, and
 * spamd_end / spamd_abort close it whatever happened before. Nothing here
 * logs: errors come back as text. The message is never held: at most
 * SPAMD_WBUF bytes sit in the session until spamd takes them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "fdlimit.h"
#include "hostport.h"
#include "spamd.h"
#include "spamd_pool.h"
#include "text.h"


/* Write (append: add "; " and append) a message into err, cut to fit. */
static void put_err(char *err, size_t errlen, int append, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put_err(char *err, size_t errlen, int append, const char *fmt, ...)
{
	size_t used = append && err ? strnlen(err, errlen) : 0;
	va_list ap;

	if (err == NULL || used + 3 >= errlen)
		return;
	if (used) {
		memcpy(err + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(err + used, errlen - used, fmt, ap);
	va_end(ap);
}

#define ERRTEXT(e, buf) strerror_r((e), (buf), sizeof(buf))   /* GNU strerror_r */

/* ---------------------------------------------------------------- backends */

/* One entry, tok NUL-terminated, no blanks or commas. Returns NULL or why not. */
static const char *parse_backend(const char *tok, struct spamd_backend *b)
{
	struct dm_hostport hp;
	char abuf[48];
	size_t i;

	memset(b, 0, sizeof(*b));
	if (strncmp(tok, "unix:", 5) == 0 || tok[0] == '/') {
		const char *path = tok[0] == '/' ? tok : tok + 5;

		if (path[0] != '/')
			return "a unix socket path must be absolute";
		if (strlen(path) >= sizeof(b->path))
			return "unix socket path too long (at most 107 bytes)";
		if (path[strlen(path) - 1] == '/')
			return "unix socket path names a directory";
		for (i = 0; path[i]; i++)
			if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f)
				return "control character in the socket path";
		b->family = AF_UNIX;
		memcpy(b->path, path, strlen(path) + 1);
		snprintf(b->name, sizeof(b->name), "unix:%s", b->path);
		return NULL;
	}
	if (strncmp(tok, "inet:", 5) == 0 || strncmp(tok, "inet6:", 6) == 0 ||
	    strncmp(tok, "local:", 6) == 0)
		return "libmilter socket syntax is not used here; write 127.0.0.1:783, "
		       "[::1]:783 or unix:/path";
	switch (dm_hostport_parse(tok, SPAMD_PORT_DEFAULT, &hp)) {
	case DM_HP_OK:
		break;
	case DM_HP_BRACKET:
		return "missing ']' after an IPv6 address";
	case DM_HP_JUNK:
		return "junk after ']' (expected :port)";
	case DM_HP_EMPTY:
		return "missing or overlong address";
	case DM_HP_NOT_IP:
		return strchr(tok, ':') != strrchr(tok, ':') && tok[0] != '['
		       ? "not a numeric IP address (an IPv6 address with a port needs brackets: [addr]:port)"
		       : "not a numeric IP address (host names are not resolved: a lookup "
		         "could not keep the connect deadline)";
	case DM_HP_PORT:
		return "port must be a number from 1 to 65535";
	}
	b->addr = hp.addr;
	b->port = hp.port;
	b->family = b->addr.family;
	dm_addr_format(&b->addr, abuf, sizeof(abuf));
	snprintf(b->name, sizeof(b->name), b->family == AF_INET6 ? "[%s]:%u" : "%s:%u", abuf,
	         b->port);
	return NULL;
}

#define IS_SEP(c) ((c) != '\0' && strchr(", \t\r\n", (c)) != NULL)

int spamd_backends_parse(const char *list, struct spamd_backend *out, size_t max, size_t *n,
                         char *err, size_t errlen)
{
	const char *p = list ? list : "", *start, *why = NULL;
	char tok[256], shown[128], twice[SPAMD_NAME_MAX + 32];
	size_t len, i;

	*n = 0;
	if (err && errlen)
		err[0] = '\0';
	for (;;) {
		while (*p && IS_SEP(*p))
			p++;
		if (*p == '\0')
			break;
		for (start = p; *p && !IS_SEP(*p); p++)
			;
		len = (size_t)(p - start);
		dm_clean(shown, sizeof(shown), start, len, 100);
		if (*n >= max) {
			snprintf(twice, sizeof(twice), "more than %zu servers listed", max);
			why = twice;
		} else if (len >= sizeof(tok))
			why = "entry too long";
		if (why)
			break;
		memcpy(tok, start, len);
		tok[len] = '\0';
		if ((why = parse_backend(tok, &out[*n])) != NULL)
			break;
		for (i = 0; i < *n && !why; i++)
			if (strcmp(out[i].name, out[*n].name) == 0) {
				snprintf(twice, sizeof(twice), "listed twice (as %s)", out[i].name);
				why = twice;
			}
		if (why)
			break;
		(*n)++;
	}
	if (why)
		put_err(err, errlen, 0, "spamd server \"%s\": %s", shown, why);
	else if (*n == 0)
		put_err(err, errlen, 0, "no spamd server listed");
	return why || *n == 0 ? -1 : 0;
}

/* ----------------------------------------------------------------- socket */

/* Wait for events on fd until deadline. 1: ready (or error/hangup: the next
 * call says which), 0: deadline passed. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd pfd;
	uint64_t now;
	int r;

	for (;;) {
		now = dm_now_ms();
		if (now >= deadline)
			return 0;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		r = poll(&pfd, 1, deadline - now > 60000 ? 60000 : (int)(deadline - now));
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return 1;   /* let send/recv report the error */
	}
}

/* Returns a connected non-blocking socket, or -1 with the reason in err. */
static int connect_to(const struct spamd_backend *b, unsigned timeout_ms, uint64_t deadline,
                      char *err, size_t errlen)
{
	union {
		struct sockaddr sa;
		struct sockaddr_un un;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} sa;
	socklen_t sl = sizeof(sa.in6), el = sizeof(int);
	char eb[128];
	int fd, e = 0, one = 1;
	uint64_t now = dm_now_ms(), until = deadline;

	memset(&sa, 0, sizeof(sa));
	sa.sa.sa_family = (sa_family_t)b->family;
	if (b->family == AF_UNIX) {
		memcpy(sa.un.sun_path, b->path, strlen(b->path) + 1);
		sl = sizeof(sa.un);
	} else if (b->family == AF_INET) {
		sa.in.sin_port = htons((uint16_t)b->port);
		memcpy(&sa.in.sin_addr, b->addr.b, 4);
		sl = sizeof(sa.in);
	} else {
		sa.in6.sin6_port = htons((uint16_t)b->port);
		memcpy(&sa.in6.sin6_addr, b->addr.b, 16);
	}
	if (timeout_ms && now + timeout_ms < until)
		until = now + timeout_ms;

	fd = socket(b->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		dm_fd_note(DM_FD_SPAMD, errno);
		put_err(err, errlen, 0, "connect to %s: socket: %s", b->name, ERRTEXT(errno, eb));
		return -1;
	}
	if (connect(fd, &sa.sa, sl) < 0) {
		e = errno == EINPROGRESS || errno == EINTR ? 0 : errno;
		if (e == 0 && !wait_fd(fd, POLLOUT, until)) {
			put_err(err, errlen, 0, "connect to %s: timeout after %u ms", b->name,
			        (unsigned)(until - now));
			close(fd);
			return -1;
		}
		if (e == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
			e = errno;
		if (e != 0) {
			/* a unix socket whose accept queue is full says EAGAIN at once */
			put_err(err, errlen, 0, "connect to %s: %s%s", b->name, ERRTEXT(e, eb),
			        e == EAGAIN ? " (accept queue full)" : "");
			close(fd);
			return -1;
		}
	}
	/* we send full buffers ourselves; Nagle would only add delay */
	if (b->family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* ---------------------------------------------------------------- session */

struct spamd_session {
	struct spamd_pool *pool;
	struct spamd_hold hold;      /* the place in flight, once opened */
	struct spamd_backend b;      /* a copy of the backend's address (a reload may rewrite the pool's) */
	int fd;
	int opened;                  /* a place is held, fd connected, the head sent */
	enum spamd_cmd cmd;
	unsigned connect_timeout_ms, timeout_ms;
	uint64_t deadline;           /* bounds the opening or the end, whichever runs */
	uint64_t spent;              /* ms spent waiting for spamd (never for the sender) */
	uint64_t left, longest_gap;  /* when it last left a call while connected; the longest
	                                silence of its sender while connected */
	size_t max_size, sent;       /* message bytes taken (buffered or sent) */
	size_t head, wire;           /* request head bytes; bytes sent on this connection */
	int truncated;               /* 1: max_size, 2: the place was taken over (silent sender),
	                                3: no place came free while streaming */
	enum spamd_outcome fail;     /* SPAMD_OK until a write fails */
	char error[SPAMD_ERR_MAX];
	size_t blen;
	unsigned char buf[SPAMD_WBUF];
};

static const char *bname(const struct spamd_session *s)
{
	return s->b.name;
}

static void fail_with(struct spamd_session *s, enum spamd_outcome o, const char *what, int e)
{
	char eb[128];

	s->fail = o;
	if (o == SPAMD_ERR_TIMEOUT)
		snprintf(s->error, sizeof(s->error), "timeout after %u ms %s %s", s->timeout_ms, what,
		         bname(s));
	else
		snprintf(s->error, sizeof(s->error), "%s %s: %s", what, bname(s),
		         ERRTEXT(e, eb));
}

/* Send all of p. deadline 0: an idle limit, timeout_ms from each wait for
 * spamd to take more (the sender's pauses between calls never count). */
static int send_all(struct spamd_session *s, const unsigned char *p, size_t len, uint64_t deadline)
{
	ssize_t r;

	while (len > 0) {
		r = send(s->fd, p, len, MSG_NOSIGNAL);
		if (r > 0) {
			p += r;
			len -= (size_t)r;
			s->wire += (size_t)r;
		} else if (r < 0 && errno == EINTR) {
			continue;
		} else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!wait_fd(s->fd, POLLOUT, deadline ? deadline : dm_now_ms() + s->timeout_ms)) {
				fail_with(s, SPAMD_ERR_TIMEOUT, "sending the message to", 0);
				return -1;
			}
		} else {
			fail_with(s, SPAMD_ERR_IO, "sending the message to", r < 0 ? errno : EPIPE);
			return -1;
		}
	}
	return 0;
}

/* Take a place on the first usable backend in order (waiting for one;
 * urgent: see spamd_pool_acquire), connect (failing over on connect
 * failure) and send what is buffered: the head, and the message's start
 * when the session was prepared. All within deadline. Returns 0, or -1
 * with every reason in err and *why the outcome to report (a timeout
 * waiting for a place, else io). */
static int open_conn(struct spamd_session *s, int urgent, uint64_t deadline, char *err,
                     size_t errlen, enum spamd_outcome *why)
{
	struct spamd_slot *tried[SPAMD_BACKENDS_MAX];
	char acc[SPAMD_ERR_MAX] = "", one[SPAMD_ERR_MAX];
	size_t ntried = 0;
	int acq;

	s->deadline = deadline;
	*why = SPAMD_ERR_IO;
	while (ntried < SPAMD_BACKENDS_MAX) {
		acq = spamd_pool_acquire(s->pool, tried, ntried, urgent, deadline, &s->hold, &s->b);
		if (acq == SPAMD_ACQ_NONE) {
			struct spamd_backend_stats st;
			if (ntried == 0 && spamd_pool_stats(s->pool, &st, 1) > 0)
				put_err(acc, sizeof(acc), 0, "no usable spamd server: each failed the GTUBE self-test");
			else if (ntried == 0)
				put_err(acc, sizeof(acc), 0, "no spamd server configured");
			break;
		}
		if (acq == SPAMD_ACQ_TIMEOUT) {
			put_err(acc, sizeof(acc), 1,
			        "timeout after %u ms waiting for a spamd slot (max_parallel %u in use)",
			        s->timeout_ms, spamd_pool_max_parallel(s->pool));
			*why = SPAMD_ERR_TIMEOUT;
			break;
		}
		s->wire = 0;
		s->fd = connect_to(&s->b, s->connect_timeout_ms, deadline, one, sizeof(one));
		/* the head goes out now: spamd times out a client that is slow to send
		 * it (--timeout-tcp), and nothing has been taken from the buffer yet,
		 * so a backend that drops us here can still be failed over */
		if (s->fd >= 0 && send_all(s, s->buf, s->blen, deadline) == 0) {
			s->blen = 0;
			s->opened = 1;
			spamd_pool_connected(s->pool, &s->hold, s->fd);
			return 0;
		}
		if (s->fd >= 0) {
			snprintf(one, sizeof(one), "%s", s->error);
			close(s->fd);
			s->fd = -1;
			s->fail = SPAMD_OK;
		}
		put_err(acc, sizeof(acc), 1, "%s", one);
		tried[ntried++] = s->hold.slot;
		spamd_pool_release(s->pool, &s->hold, SPAMD_H_BAD);
	}
	snprintf(err, errlen, "%s", acc);
	return -1;
}

int spamd_prepare(struct spamd_pool *pool, enum spamd_cmd cmd, const char *user,
                  unsigned connect_timeout_ms, unsigned timeout_ms, size_t max_size,
                  struct spamd_session **out, char *err, size_t errlen)
{
	struct spamd_session *s;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (pool == NULL) {
		put_err(err, errlen, 0, "no spamd server configured");
		return -1;
	}
	if ((s = malloc(sizeof(*s))) == NULL) {
		put_err(err, errlen, 0, "spamd session: out of memory");
		return -1;
	}
	memset(s, 0, offsetof(struct spamd_session, buf));
	s->pool = pool;
	s->fd = -1;
	s->cmd = cmd;
	s->connect_timeout_ms = connect_timeout_ms;
	s->timeout_ms = timeout_ms;
	s->max_size = max_size;
	s->blen = s->head = spamd_request_head((char *)s->buf, sizeof(s->buf), cmd, user);
	if (s->blen == 0 || timeout_ms == 0) {
		put_err(err, errlen, 0, "spamd session: %s",
		        s->blen ? "timeout_ms is 0" : "unknown command");
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

int spamd_begin(struct spamd_pool *pool, enum spamd_cmd cmd, const char *user,
                unsigned connect_timeout_ms, unsigned timeout_ms, size_t max_size,
                struct spamd_session **out, char *err, size_t errlen)
{
	struct spamd_session *s;
	enum spamd_outcome why;
	uint64_t t0 = dm_now_ms();

	if (spamd_prepare(pool, cmd, user, connect_timeout_ms, timeout_ms, max_size, &s, err,
	                  errlen) < 0)
		return -1;
	if (open_conn(s, 1, t0 + timeout_ms, err ? err : s->error, err ? errlen : sizeof(s->error),
	              &why) < 0) {
		free(s);
		*out = NULL;
		return -1;
	}
	s->left = dm_now_ms();
	s->spent = s->left - t0;
	spamd_pool_leave(pool, &s->hold);
	*out = s;
	return 0;
}

/* The session enters a call: note how long its sender was silent while it
 * held a connection. 1 when its place was taken over meanwhile. */
static int enter(struct spamd_session *s)
{
	uint64_t now = dm_now_ms();

	if (!s->opened)
		return 0;
	if (now - s->left > s->longest_gap)
		s->longest_gap = now - s->left;
	return spamd_pool_enter(s->pool, &s->hold);
}

/* The buffer is full: send it, or open the connection (a prepared
 * session). 0, -1 on failure, 1 when no place came free within timeout_ms:
 * the session takes no more bytes, and spamd_end has spamd score the
 * buffered start (truncated 3). */
static int drain(struct spamd_session *s)
{
	enum spamd_outcome why;

	if (s->opened) {
		if (send_all(s, s->buf, s->blen, 0) < 0)
			return -1;
		s->blen = 0;
		return 0;
	}
	if (open_conn(s, 0, dm_now_ms() + s->timeout_ms, s->error, sizeof(s->error), &why) == 0)
		return 0;
	if (why == SPAMD_ERR_TIMEOUT) {
		s->error[0] = '\0';
		s->truncated = 3;
		return 1;
	}
	s->fail = why;
	return -1;
}

/* 0, -1 on failure, 1 when drain stopped taking bytes. */
static int write_bytes(struct spamd_session *s, const unsigned char *p, size_t take)
{
	size_t room, c;
	int r;

	while (take > 0) {
		if (s->opened && s->blen == 0 && take >= sizeof(s->buf))
			/* a big chunk goes straight from the caller's buffer */
			return send_all(s, p, take, 0);
		room = sizeof(s->buf) - s->blen;
		if (room == 0) {
			if ((r = drain(s)) != 0)
				return r;
			continue;
		}
		c = take < room ? take : room;
		memcpy(s->buf + s->blen, p, c);
		s->blen += c;
		p += c;
		take -= c;
	}
	return 0;
}

int spamd_write(struct spamd_session *s, const void *buf, size_t len)
{
	size_t take = len;
	uint64_t t0;
	int full = 0, rc;

	if (s->fail != SPAMD_OK)
		return SPAMD_WRITE_ERROR;
	if (s->truncated)
		return SPAMD_WRITE_FULL;
	if (enter(s)) {
		/* its place was taken over: spamd scores what it has */
		s->truncated = 2;
		return SPAMD_WRITE_FULL;
	}
	if (s->max_size && len > s->max_size - s->sent) {
		take = s->max_size - s->sent;
		full = 1;
	}
	s->sent += take;
	t0 = dm_now_ms();
	rc = write_bytes(s, buf, take);
	s->left = dm_now_ms();
	s->spent += s->left - t0;
	if (s->opened)
		spamd_pool_leave(s->pool, &s->hold);
	if (rc < 0)
		return SPAMD_WRITE_ERROR;
	if (rc > 0)
		return SPAMD_WRITE_FULL;
	if (full) {
		s->truncated = 1;
		return SPAMD_WRITE_FULL;
	}
	return SPAMD_WRITE_OK;
}

const char *spamd_session_backend(const struct spamd_session *s)
{
	return bname(s);
}

/* Read until EOF, at most SPAMD_REPLY_MAX + 1 bytes (one more says "too
 * long"). Returns 0 at EOF, or the errno / ETIMEDOUT / EMSGSIZE that
 * stopped it; *len is what arrived either way. */
static int read_reply(struct spamd_session *s, char *buf, size_t *len)
{
	ssize_t r;

	*len = 0;
	for (;;) {
		if (*len > SPAMD_REPLY_MAX)
			return EMSGSIZE;
		r = recv(s->fd, buf + *len, SPAMD_REPLY_MAX + 1 - *len, 0);
		if (r > 0) {
			*len += (size_t)r;
		} else if (r == 0) {
			return 0;
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (!wait_fd(s->fd, POLLIN, s->deadline))
				return ETIMEDOUT;
		} else {
			return errno;
		}
	}
}

/* Decide the outcome from what was read (rlen bytes) and how reading ended. */
static void judge(struct spamd_session *s, struct spamd_answer *a, const char *rbuf,
                  size_t rlen, int rerr)
{
	enum spamd_status st = spamd_reply_parse(rbuf, rlen, s->cmd, &a->reply);
	char eb[128];

	/* an error line counts however the socket ended (spamd sends it and
	 * closes, maybe before reading all we sent); a verdict needs a clean EOF */
	if (st == SPAMD_ERROR_CODE || (st == SPAMD_VERDICT && rerr == 0)) {
		a->outcome = st == SPAMD_VERDICT ? SPAMD_OK : SPAMD_ERR_CODE;
		snprintf(a->error, sizeof(a->error), "%s", a->reply.error);
	} else if (s->fail != SPAMD_OK) {     /* the write error says more */
		a->outcome = s->fail;
		snprintf(a->error, sizeof(a->error), "%s", s->error);
	} else if (rerr == ETIMEDOUT) {
		a->outcome = SPAMD_ERR_TIMEOUT;
		snprintf(a->error, sizeof(a->error), "timeout after %u ms reading the reply from %s",
		         s->timeout_ms, bname(s));
	} else if (rerr == EMSGSIZE) {
		a->outcome = SPAMD_ERR_MALFORMED;
		snprintf(a->error, sizeof(a->error),
		         "malformed spamd reply: longer than %d bytes from %s", SPAMD_REPLY_MAX,
		         bname(s));
	} else if (rerr != 0) {
		a->outcome = SPAMD_ERR_IO;
		snprintf(a->error, sizeof(a->error), "reading the reply from %s: %s", bname(s),
		         ERRTEXT(rerr, eb));
	} else if (rlen == 0) {
		a->outcome = SPAMD_ERR_IO;
		snprintf(a->error, sizeof(a->error), "no reply from %s (connection closed)",
		         bname(s));
	} else {
		a->outcome = SPAMD_ERR_MALFORMED;
		snprintf(a->error, sizeof(a->error), "%s", a->reply.error);
	}
}

/* The session is inside a call (busy) or never opened: its fd is its own. */
static void finish(struct spamd_session *s, enum spamd_health h)
{
	if (s->opened)
		spamd_pool_release(s->pool, &s->hold, h);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

/* Send what is left (opening the connection first for a prepared message
 * that fit the buffer), half-close and read the reply, all by s->deadline. */
static void end_io(struct spamd_session *s, struct spamd_answer *a)
{
	char *rbuf = NULL;
	size_t rlen = 0;
	int rerr = 0;
	enum spamd_outcome why;

	if (s->fail == SPAMD_OK && !s->opened &&
	    open_conn(s, 1, s->deadline, s->error, sizeof(s->error), &why) < 0)
		s->fail = why;
	else if (s->fail == SPAMD_OK && s->truncated != 2 && s->blen > 0)
		send_all(s, s->buf, s->blen, s->deadline);
	/* after a reset spamd may still have left its error line for us */
	if (s->opened && s->fail != SPAMD_ERR_TIMEOUT) {
		shutdown(s->fd, SHUT_WR);
		rbuf = malloc(SPAMD_REPLY_MAX + 1);
		if (rbuf)
			rerr = read_reply(s, rbuf, &rlen);
		else
			rerr = ENOMEM;
	}
	judge(s, a, rbuf, rlen, rerr);
	free(rbuf);
}

enum spamd_outcome spamd_end(struct spamd_session *s, struct spamd_answer *a)
{
	uint64_t t0 = dm_now_ms();
	enum spamd_outcome o;
	enum spamd_health h;

	memset(a, 0, sizeof(*a));
	/* the reply deadline runs from the end of the message */
	s->deadline = t0 + s->timeout_ms;
	if (enter(s))
		s->truncated = 2;
	end_io(s, a);
	snprintf(a->backend, sizeof(a->backend), "%s", bname(s));
	/* taken over or kept waiting: what went out, not what was taken */
	a->sent = s->truncated < 2 ? s->sent : s->wire > s->head ? s->wire - s->head : 0;
	a->truncated = s->truncated;
	a->elapsed_ms = (unsigned)(s->spent + dm_now_ms() - t0);
	o = a->outcome;
	/* a place taken over is no fault of the backend's (release ignores
	 * it); nor is a failure after the sender held a connection silent for
	 * SPAMD_STALL_MS or more: spamd may have given up on the upload
	 * (--timeout-child) */
	h = o == SPAMD_OK ? SPAMD_H_GOOD : s->longest_gap >= SPAMD_STALL_MS ? SPAMD_H_ABORT : SPAMD_H_BAD;
	finish(s, h);
	return o;
}

void spamd_abort(struct spamd_session *s)
{
	if (s == NULL)
		return;
	if (s->opened)
		spamd_pool_enter(s->pool, &s->hold);
	finish(s, SPAMD_H_ABORT);
}

const char *spamd_outcome_name(enum spamd_outcome o)
{
	static const char *const names[] = { "ok", "io", "timeout", "code", "malformed" };

	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "?";
}

enum spamd_selftest spamd_selftest(const struct spamd_backend *b, unsigned connect_timeout_ms,
                                   unsigned timeout_ms, struct spamd_answer *a)
{
	static const char msg[] =
		"Subject: doorman self-test\r\nMessage-ID: <self-test@doorman.invalid>\r\n\r\n"
		"XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n";
	struct spamd_pool *pool = spamd_pool_new(b, 1, 1, 0);   /* its own: the shared one is not touched */
	struct spamd_session *s;

	memset(a, 0, sizeof(*a));
	snprintf(a->backend, sizeof(a->backend), "%s", b->name);
	if (pool == NULL) {
		a->outcome = SPAMD_ERR_IO;
		snprintf(a->error, sizeof(a->error), "out of memory");
		return SPAMD_UNREACHABLE;
	}
	if (spamd_begin(pool, SPAMD_CMD_CHECK, NULL, connect_timeout_ms, timeout_ms, 0, &s, a->error,
	                sizeof(a->error)) < 0) {
		a->outcome = SPAMD_ERR_IO;
		spamd_pool_free(pool);
		return SPAMD_UNREACHABLE;
	}
	spamd_write(s, msg, sizeof(msg) - 1);
	spamd_end(s, a);
	spamd_pool_free(pool);
	if (a->outcome != SPAMD_OK)
		return SPAMD_UNREACHABLE;
	return a->reply.is_spam ? SPAMD_FLAGS_GTUBE : SPAMD_MISSES_GTUBE;
}

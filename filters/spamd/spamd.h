/*
 * spamd.h - the spamd client: backends, a shared pool that bounds requests
 * in flight and backs off from failing backends, and one streaming session
 * per message.
 *
 * No libmilter, no logging, usable from any thread. Every I/O is
 * non-blocking and bounded by timeout_ms ("Time" below); every socket is
 * closed on every path (spamd_end and spamd_abort always close). Results
 * and error texts are returned for the milter to log and act on.
 *
 * Failover: a backend that cannot be connected to (or that drops the
 * connection before the request head is sent) is skipped and the next one
 * in order is tried, within the same opening. A backend that fails
 * AFTER the message was streamed (error code, malformed reply, timeout,
 * reset) is NOT retried on another backend: that would need the whole
 * message buffered, and doorman never buffers messages. spamd_end reports
 * the failure (the milter applies the policy's on_error), and the pool puts
 * the backend in backoff so that the next messages go elsewhere.
 */
#ifndef DOORMAN_SPAMD_H
#define DOORMAN_SPAMD_H

#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"
#include "spamd_reply.h"

#define SPAMD_PORT_DEFAULT   783
#define SPAMD_BACKENDS_MAX   16        /* entries in [spamd] servers */
#define SPAMD_NAME_MAX       128       /* "unix:/path", "[v6]:port"; NUL included */
#define SPAMD_REPLY_MAX      65536     /* a longer reply is malformed */
#define SPAMD_WBUF           16384     /* the only message bytes a session holds */
#define SPAMD_BACKOFF_SHIFT  4         /* backoff doubles up to backoff_ms << 4 */
#define SPAMD_ERR_MAX        256       /* error texts are cut to fit */
#define SPAMD_STALL_MS       1000      /* a sender silent this long gives its place to a
                                          waiting message ("A stalled sender" below) */

/* One [spamd] servers entry. Addresses are numeric: a connect path that had
 * to resolve a host name could not keep its deadline. */
struct spamd_backend {
	int family;                    /* AF_UNIX, AF_INET or AF_INET6 */
	char path[108];                /* AF_UNIX: absolute socket path */
	struct dm_addr addr;           /* AF_INET/AF_INET6 */
	unsigned port;                 /* AF_INET/AF_INET6: 1..65535 */
	char name[SPAMD_NAME_MAX];     /* canonical, for logs: "unix:/run/spamd.sock",
	                                  "127.0.0.1:783", "[::1]:783" */
};

/* Parse "unix:/run/spamd.sock, /path, 127.0.0.1:783, [::1]:10783, 10.0.0.1"
 * (commas and/or blanks between entries; an IPv4 address without a port
 * means 783; an IPv6 address needs brackets; no host names). Fills out[0..n)
 * in order. Returns 0, or -1 with a message in err (no file:line: the config
 * loader prefixes it). Pure: no DNS, no allocation. */
int spamd_backends_parse(const char *list, struct spamd_backend *out, size_t max, size_t *n,
                         char *err, size_t errlen);

/* ---------------------------------------------------------------- the pool */

/* Shared by all threads of the process, and by every configuration the
 * process loads (filters/spamd/spamd_pool.c). At
 * most max_parallel sessions per backend are in flight; a caller that finds
 * every usable backend full waits (bounded by its deadline) for a slot
 * instead of piling onto spamd's accept queue (or takes over a place held
 * by a silent sender, below). A backend whose connect
 * fails or whose answer is not a verdict (error code, malformed, no reply,
 * timeout) is skipped for backoff_ms, doubling with each further failure
 * up to backoff_ms << SPAMD_BACKOFF_SHIFT; a verdict resets it. When every
 * backend is in backoff, the least recently failed one is tried anyway.
 * backoff_ms 0 disables backoff. */
struct spamd_pool;

/* Copies b[0..n). Returns NULL when n is 0, max_parallel is 0, or out of
 * memory. */
struct spamd_pool *spamd_pool_new(const struct spamd_backend *b, size_t n,
                                  unsigned max_parallel, unsigned backoff_ms);

/* A new configuration (a reload): b[0..n) in order, n may be 0 (then every
 * spamd_begin fails with "no spamd server configured"). A backend already
 * in the pool (same name) keeps its sessions in flight, counters and
 * backoff, so max_parallel caps it across reloads; one that left the list
 * is no longer picked and goes when its last session ends. Sessions wait
 * for a slot under the new max_parallel at once. Returns 0, or -1 (out of
 * memory, n too big, max_parallel 0) with the pool unchanged. */
int spamd_pool_configure(struct spamd_pool *pool, const struct spamd_backend *b, size_t n,
                         unsigned max_parallel, unsigned backoff_ms);

/* No session of this pool may still be open. NULL is fine. */
void spamd_pool_free(struct spamd_pool *pool);

struct spamd_backend_stats {
	char name[SPAMD_NAME_MAX];
	unsigned long requests;        /* times it was picked (connect attempts) */
	unsigned long failures;        /* connect failures + answers that were no verdict */
	unsigned in_flight;            /* sessions open right now */
	unsigned backoff_left_ms;      /* 0: not in backoff */
	int unusable;                  /* failed the GTUBE self-test */
};

/* Take a configured backend out of use (usable 0: it failed the GTUBE
 * self-test, so every message it scored would pass) or back in. Returns
 * whether it was usable before, or -1 when no configured backend has that
 * name. A reconfigure keeps the mark of a backend that stays. */
int spamd_pool_set_usable(struct spamd_pool *pool, const char *name, int usable);

/* Copy the counters of up to max configured backends into out; returns
 * the number configured. Consistent snapshot (taken under the pool lock). */
size_t spamd_pool_stats(struct spamd_pool *pool, struct spamd_backend_stats *out, size_t max);

/* ------------------------------------------------------------- a session */

/* One message. Used by one thread at a time; ends with exactly one call of
 * spamd_end or spamd_abort, which free it. */
struct spamd_session;

/* Time: the sender's pauses are never spamd's. No deadline runs between
 * calls: the time the caller takes to bring the next bytes (an MTA waiting
 * for its client) counts nowhere. timeout_ms ([spamd] timeout_ms; > 0)
 * bounds, each on its own: opening (the wait for a place, connects, the
 * head), every wait for spamd to take more bytes (an idle limit), and
 * spamd_end (sending what is left and the whole reply: the reply deadline
 * runs from the end of the message). Error texts quote timeout_ms
 * ("timeout after 60000 ms reading the reply from ..."). Only spamd's own
 * failures count against a backend: not those of a message whose sender
 * kept a connection silent for SPAMD_STALL_MS or more (spamd may have
 * ended the upload itself: --timeout-child).
 *
 * A stalled sender: a prepared session (spamd_prepare) takes no place and
 * opens no connection until SPAMD_WBUF bytes are buffered or the message
 * ends, so a message that fits the buffer holds nothing while its sender
 * pauses. A longer one holds its place while its sender is silent; when
 * another message waits for that backend and the silence has lasted
 * SPAMD_STALL_MS, the waiter takes the place over and the
 * silent session's connection is half-closed: spamd scores what it got (as
 * with max_size), the session's further writes return SPAMD_WRITE_FULL,
 * and spamd_end reads that verdict (truncated 2). spamd's child is freed as
 * soon as it has scored, not after --timeout-child. Who waits for a place:
 * a complete message (spamd_end) or spamd_begin goes first, and only they
 * take places over; a message still streaming (its buffer full) takes only
 * a free place, and when none came free within timeout_ms it takes no more
 * bytes and spamd_end has spamd score the buffered start (truncated 3),
 * never the sender's chance to pass unscanned. */

/* Prepare a session for one message: nothing is taken or connected yet.
 * The head (cmd, "User: user" unless user is NULL or "", no
 * Content-length) and the message's start are buffered; the connection is
 * opened (as spamd_begin does) when the buffer fills, else at spamd_end.
 * max_size caps the message bytes sent (0: no cap). Returns 0 with *out
 * set, or -1 (no pool, timeout_ms 0, unknown command, out of memory) with
 * *out NULL and the reason in err. Failures to connect are reported by
 * spamd_end, like any other failure. */
int spamd_prepare(struct spamd_pool *pool, enum spamd_cmd cmd, const char *user,
                  unsigned connect_timeout_ms, unsigned timeout_ms, size_t max_size,
                  struct spamd_session **out, char *err, size_t errlen);

/* Prepare and open at once: take a place on the first usable backend in
 * order (waiting for one if all are full), connect with a timeout of
 * connect_timeout_ms (0: only the deadline; failing over to the next
 * backend on connect failure) and send the request head, all within
 * timeout_ms. Returns 0 with *out set, or -1 with *out NULL and the reason
 * in err ("connect to unix:/x: No such file or directory; connect to
 * 127.0.0.1:783: Connection refused"). */
int spamd_begin(struct spamd_pool *pool, enum spamd_cmd cmd, const char *user,
                unsigned connect_timeout_ms, unsigned timeout_ms, size_t max_size,
                struct spamd_session **out, char *err, size_t errlen);

#define SPAMD_WRITE_OK     0
#define SPAMD_WRITE_FULL   1      /* max_size reached (the bytes up to it were taken,
                                     the rest ignored), the place was taken over or
                                     none came free;
                                     send nothing more (SMFIS_SKIP). spamd scores
                                     the truncated message. */
#define SPAMD_WRITE_ERROR  (-1)   /* the session failed (timeout, reset): spamd_end
                                     says why; further writes return this at once */

/* Stream message bytes as they come: headers formatted "Name: value\r\n",
 * then "\r\n", then body chunks. Bytes are copied into a fixed buffer of
 * SPAMD_WBUF bytes and sent when it fills (opening the connection first for
 * a prepared session; waiting with poll while spamd reads, each wait at
 * most timeout_ms); nothing else is kept. */
int spamd_write(struct spamd_session *s, const void *buf, size_t len);

/* The name of the backend this session talks to ("unix:/run/spamd.sock"),
 * "" while a prepared session is not open yet. */
const char *spamd_session_backend(const struct spamd_session *s);

enum spamd_outcome {
	SPAMD_OK = 0,          /* a verdict: reply.is_spam, score, threshold, symbols... */
	SPAMD_ERR_IO,          /* send/receive failed, or closed without a reply */
	SPAMD_ERR_TIMEOUT,     /* the deadline passed before the reply was complete */
	SPAMD_ERR_CODE,        /* spamd answered an error code (reply.code 64..78) */
	SPAMD_ERR_MALFORMED    /* the reply was not exactly the protocol's shape */
};

struct spamd_answer {
	enum spamd_outcome outcome;
	struct spamd_result reply;      /* as parsed; meaningful for OK, ERR_CODE, ERR_MALFORMED */
	char error[SPAMD_ERR_MAX];      /* "" on SPAMD_OK; else e.g. "timeout after 60000 ms
	                                   reading the reply from 127.0.0.1:783",
	                                   "spamd error 76 EX_PROTOCOL" */
	char backend[SPAMD_NAME_MAX];   /* who answered (or failed) */
	size_t sent;                    /* message bytes sent (head excluded), <= max_size */
	int truncated;                  /* 1: max_size cut the message; 2: its place was
	                                   taken over (a silent sender), spamd scored
	                                   the sent bytes; 3: no place came free while
	                                   it streamed, spamd scored its first
	                                   SPAMD_WBUF bytes */
	unsigned elapsed_ms;            /* time spent waiting for spamd: a place, connects,
	                                   writes, the reply; never the sender's pauses */
};

/* Finish the message: open the connection if not yet (failing over as
 * spamd_begin does), send what is buffered, half-close, read the reply (at
 * most SPAMD_REPLY_MAX bytes) until EOF or timeout_ms from now, parse it,
 * record success or failure in the pool (nothing for a session whose place
 * was taken over), close the socket, release the place and free the
 * session. Fills *a and returns a->outcome. */
enum spamd_outcome spamd_end(struct spamd_session *s, struct spamd_answer *a);

/* The message was aborted: close, release the slot, free. The backend's
 * health is not touched. NULL is fine. */
void spamd_abort(struct spamd_session *s);

const char *spamd_outcome_name(enum spamd_outcome o);   /* "ok", "io", "timeout", ... */

/* ------------------------------------------------------------ self-test */

enum spamd_selftest {
	SPAMD_FLAGS_GTUBE = 0,   /* scored GTUBE as spam: a spamd that reads doorman's stream */
	SPAMD_MISSES_GTUBE,      /* a verdict, but not spam: it would let every message pass
	                            (rspamd's spamc protocol reads only a body with Content-length) */
	SPAMD_UNREACHABLE        /* no verdict (connect, timeout, error): failover handles that */
};

/* Send backend b one small message with the GTUBE test string, as a
 * message is sent (CHECK, no Content-length, half-close), within
 * timeout_ms. Fills *a (its outcome and error text say why when
 * unreachable). */
enum spamd_selftest spamd_selftest(const struct spamd_backend *b, unsigned connect_timeout_ms,
                                   unsigned timeout_ms, struct spamd_answer *a);

#endif

/*
 * spamd_fake.h - a fake spamd for the spamd client's unit tests (see
 * spamd_fake.c), and the helpers they share.
 */
#ifndef DOORMAN_SPAMD_FAKE_H
#define DOORMAN_SPAMD_FAKE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "spamd.h"

/* Deadlines are measured: a timeout must come within -5/+50 ms of its
 * deadline (DM_SLACK_MS overrides the +50 on slow machines). */
uint64_t now(void);
unsigned slack(void);
#define CK_ELAPSED(ms, want) \
	ck_assert_msg((ms) + 5 >= (want) && (ms) <= (want) + slack(), \
	              "took %u ms, deadline was %u ms", (unsigned)(ms), (unsigned)(want))

extern char tmpdir[64];         /* made by make_tmpdir, for unix sockets */
void make_tmpdir(void);
void remove_tmpdir(void);

enum fmode {
	FM_REPLY,    /* read to EOF, wait delay_ms, send the reply, close */
	FM_HOLD,     /* read to EOF, say nothing for hold_ms, close */
	FM_CLOSE,    /* read to EOF, close without a word */
	FM_STALL     /* accept, never read, close after hold_ms */
};

struct fake {
	char spec[160];              /* "unix:/tmp/.../N.sock" or "127.0.0.1:PORT" */
	int lfd;
	pthread_t th;
	pthread_mutex_t mu;
	int stop;
	enum fmode mode;
	char reply[80000];
	size_t rlen;
	unsigned delay_ms, hold_ms;
	/* what the last connection brought */
	unsigned conns;
	size_t received;
	uint32_t hash;
	char head[128];
};

#define FNV0 2166136261u
uint32_t fnv(uint32_t h, const void *p, size_t len);

void *fake_main(void *arg);
void fake_set(struct fake *f, enum fmode mode, const char *reply, size_t rlen);
/* inet: 0 = unix socket tmpdir/<id>.sock, 1 = 127.0.0.1:<ephemeral>.
 * backlog 0 lets a test fill the accept queue. start: run its thread. */
struct fake *fake_new(int inet, int id, int backlog, int start);
void fake_free(struct fake *f, int started);
void fake_seen(struct fake *f, unsigned *conns, size_t *received, uint32_t *hash,
               char *head, size_t headlen);
/* A pool over the given backend list text. */
struct spamd_pool *pool_of(const char *list, unsigned max_parallel, unsigned backoff_ms);

#endif

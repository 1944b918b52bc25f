/*
 * spamd_fake.c - a fake spamd for the spamd client's unit tests
 * (check_spamd, check_spamd_time): a thread accepting on a unix socket (in
 * a mkdtemp dir) or on 127.0.0.1:<ephemeral>, one connection at a time,
 * reading to EOF and then answering a canned reply, holding the connection
 * without an answer, closing without one, or never reading at all. It
 * counts and hashes what it received.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "spamd_fake.h"

char tmpdir[64];

uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

unsigned slack(void)
{
	const char *s = getenv("DM_SLACK_MS");

	return s ? (unsigned)atoi(s) : 50;
}

/* ----------------------------------------------------------- fake spamd */


uint32_t fnv(uint32_t h, const void *p, size_t len)
{
	const unsigned char *c = p;

	while (len--)
		h = (h ^ *c++) * 16777619u;
	return h;
}

static int fake_stopping(struct fake *f)
{
	int s;

	pthread_mutex_lock(&f->mu);
	s = f->stop;
	pthread_mutex_unlock(&f->mu);
	return s;
}

/* Sleep ms in slices, returning early when the fake is told to stop. */
static void fake_nap(struct fake *f, unsigned ms)
{
	uint64_t end = now() + ms;

	while (now() < end && !fake_stopping(f))
		usleep(5000);
}

static void fake_serve(struct fake *f, int c)
{
	char buf[65536];
	size_t got = 0, hl = 0;
	uint32_t h = FNV0;
	struct pollfd p;
	ssize_t r;
	enum fmode mode;

	pthread_mutex_lock(&f->mu);
	f->conns++;
	mode = f->mode;
	pthread_mutex_unlock(&f->mu);
	if (mode == FM_STALL) {
		fake_nap(f, f->hold_ms);
		return;
	}
	for (;;) {
		p.fd = c;
		p.events = POLLIN;
		if (poll(&p, 1, 20) == 0) {
			if (fake_stopping(f))
				return;
			continue;
		}
		r = recv(c, buf, sizeof(buf), 0);
		if (r <= 0)
			break;
		if (hl < sizeof(f->head) - 1) {
			size_t k = (size_t)r < sizeof(f->head) - 1 - hl ? (size_t)r : sizeof(f->head) - 1 - hl;

			memcpy(f->head + hl, buf, k);
			hl += k;
		}
		h = fnv(h, buf, (size_t)r);
		got += (size_t)r;
	}
	pthread_mutex_lock(&f->mu);
	f->head[hl] = '\0';
	f->received = got;
	f->hash = h;
	pthread_mutex_unlock(&f->mu);
	if (mode == FM_REPLY) {
		fake_nap(f, f->delay_ms);
		(void)!send(c, f->reply, f->rlen, MSG_NOSIGNAL);
	} else if (mode == FM_HOLD) {
		fake_nap(f, f->hold_ms);
	}
}

void *fake_main(void *arg)
{
	struct fake *f = arg;
	struct pollfd p;
	int c;

	while (!fake_stopping(f)) {
		p.fd = f->lfd;
		p.events = POLLIN;
		if (poll(&p, 1, 20) <= 0)
			continue;
		c = accept(f->lfd, NULL, NULL);
		if (c < 0)
			continue;
		fake_serve(f, c);
		close(c);
	}
	return NULL;
}

void fake_set(struct fake *f, enum fmode mode, const char *reply, size_t rlen)
{
	pthread_mutex_lock(&f->mu);
	f->mode = mode;
	memcpy(f->reply, reply, rlen);
	f->rlen = rlen;
	pthread_mutex_unlock(&f->mu);
}

/* inet: 0 = unix socket tmpdir/<id>.sock, 1 = 127.0.0.1:<ephemeral>.
 * backlog 0 lets a test fill the accept queue. */
struct fake *fake_new(int inet, int id, int backlog, int start)
{
	struct fake *f = calloc(1, sizeof(*f));
	int one = 1;

	ck_assert_ptr_nonnull(f);
	pthread_mutex_init(&f->mu, NULL);
	if (inet) {
		struct sockaddr_in sin = { .sin_family = AF_INET };
		socklen_t sl = sizeof(sin);

		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ck_assert_int_ge(f->lfd, 0);
		setsockopt(f->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
		ck_assert_int_eq(getsockname(f->lfd, (struct sockaddr *)&sin, &sl), 0);
		snprintf(f->spec, sizeof(f->spec), "127.0.0.1:%u", ntohs(sin.sin_port));
	} else {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%d.sock", tmpdir, id);
		unlink(sun.sun_path);
		f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ck_assert_int_ge(f->lfd, 0);
		ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
		snprintf(f->spec, sizeof(f->spec), "unix:%s", sun.sun_path);
	}
	ck_assert_int_eq(listen(f->lfd, backlog), 0);
	if (start)
		ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
	return f;
}

void fake_free(struct fake *f, int started)
{
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_mutex_unlock(&f->mu);
	if (started)
		pthread_join(f->th, NULL);
	close(f->lfd);
	pthread_mutex_destroy(&f->mu);
	free(f);
}

void fake_seen(struct fake *f, unsigned *conns, size_t *received, uint32_t *hash,
                      char *head, size_t headlen)
{
	pthread_mutex_lock(&f->mu);
	if (conns)
		*conns = f->conns;
	if (received)
		*received = f->received;
	if (hash)
		*hash = f->hash;
	if (head)
		snprintf(head, headlen, "%s", f->head);
	pthread_mutex_unlock(&f->mu);
}

/* A pool over the given backend list text. */
struct spamd_pool *pool_of(const char *list, unsigned max_parallel, unsigned backoff_ms)
{
	struct spamd_backend b[SPAMD_BACKENDS_MAX];
	char err[256];
	size_t n;
	struct spamd_pool *p;

	ck_assert_msg(spamd_backends_parse(list, b, SPAMD_BACKENDS_MAX, &n, err, sizeof(err)) == 0,
	              "%s: %s", list, err);
	p = spamd_pool_new(b, n, max_parallel, backoff_ms);
	ck_assert_ptr_nonnull(p);
	return p;
}

void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_spamd.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
}

void remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

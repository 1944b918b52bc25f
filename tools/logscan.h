/*
 * logscan.h - byte scanning shared by logframe.c, logline.c and
 * logsentence.c (private to doorman-report's parser; logline.h is the
 * interface).
 *
 * Does:    compare a prefix, find the next space or the end of a key, find
 *          the frame of a line, split a client, match a fixed sentence.
 * Returns: pointers into the caller's bytes, never past e.
 * Never:   reads past e or writes to the line.
 */
#ifndef DOORMAN_LOGSCAN_H
#define DOORMAN_LOGSCAN_H

#include <stdint.h>
#include <string.h>

#include "logline.h"

#define IS_DIGIT(c) ((unsigned)((c) - '0') < 10u)

/* Does [p, e) start with the constant string s? */
static inline int ll_starts(const char *p, const char *e, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(e - p) >= n && memcmp(p, s, n) == 0;
}

/* The next space (or e): eight bytes at a time (a call to memchr costs more
 * than the short tokens of a log line). */
static inline const char *ll_skip_token(const char *p, const char *e)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (e - p >= 8) {
		uint64_t w, t;
		memcpy(&w, p, 8);
		w ^= 0x2020202020202020ull;                     /* spaces become zero bytes */
		t = (w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull;
		if (t != 0)
			return p + (__builtin_ctzll(t) >> 3);   /* the first zero byte is exact */
		p += 8;
	}
#endif
	while (p < e && *p != ' ')
		p++;
	return p;
}

/* The next '=' or space (or e), eight bytes at a time: where a key ends. */
static inline const char *ll_key_end(const char *p, const char *e)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (e - p >= 8) {
		uint64_t w, a, b, t;
		memcpy(&w, p, 8);
		a = w ^ 0x2020202020202020ull;                  /* spaces become zero bytes */
		b = w ^ 0x3d3d3d3d3d3d3d3dull;                  /* and so do '=' */
		t = ((a - 0x0101010101010101ull) & ~a) | ((b - 0x0101010101010101ull) & ~b);
		t &= 0x8080808080808080ull;
		if (t != 0)
			return p + (__builtin_ctzll(t) >> 3);   /* the first one is exact */
		p += 8;
	}
#endif
	while (p < e && *p != ' ' && *p != '=')
		p++;
	return p;
}

/* The frame of a line (PRI, time stamp, host, program): fills l->fmt,
 * l->t, l->has_time and l->pid; returns where the message starts, or NULL
 * (no frame). *ours says whether the program is doorman; the time stamp is
 * checked only then. (logframe.c) */
const char *ll_frame(const char *p, const char *e, struct logline *l, int *ours);

/* "name[ip]" into l->client_name and l->client_ip; -1 when v is not that
 * shape. The last '[' splits: names may themselves be "[ip]". Here, not in
 * logline.c, so that logsentence.c needs nothing of logline.c. */
static inline int ll_split_client(struct ll_slice v, struct logline *l)
{
	const char *b;

	if (v.n < 3 || v.p[v.n - 1] != ']')
		return -1;
	b = memrchr(v.p, '[', v.n - 1);
	if (b == NULL || b + 1 == v.p + v.n - 1)
		return -1;
	l->client_name.p = v.p;
	l->client_name.n = (size_t)(b - v.p);
	l->client_ip.p = b + 1;
	l->client_ip.n = (size_t)(v.p + v.n - 1 - (b + 1));
	return 0;
}

/* A message [p, e) (after its level) that is one of doorman's fixed
 * sentences: sets l->kind and its slices, or LL_MALFORMED with why when it
 * begins as one and is cut or out of shape; returns 1. Returns 0 and leaves
 * l alone when it begins as none of them. (logsentence.c) */
int ll_sentence(const char *p, const char *e, struct logline *l);

#endif

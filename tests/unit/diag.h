/*
 * diag.h - for table tests that check several things per row: collect
 * every failed expectation of a row, then fail once with all of them.
 */
#ifndef DOORMAN_TEST_DIAG_H
#define DOORMAN_TEST_DIAG_H

#include <stdarg.h>
#include <stdio.h>

struct diag {
	char buf[8192];
	size_t n;
	int bad;
};

static void expect(struct diag *d, int cond, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void expect(struct diag *d, int cond, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (cond)
		return;
	d->bad = 1;
	if (d->n + 2 >= sizeof(d->buf))
		return;
	d->buf[d->n++] = '\n';
	va_start(ap, fmt);
	w = vsnprintf(d->buf + d->n, sizeof(d->buf) - d->n, fmt, ap);
	va_end(ap);
	if (w > 0)
		d->n += (size_t)w < sizeof(d->buf) - d->n ? (size_t)w : sizeof(d->buf) - d->n - 1;
}

#endif

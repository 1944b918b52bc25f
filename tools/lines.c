/*
 * lines.c - the line reader (see lines.h).
 *
 * Does:    memchr for '\n' in what is buffered; when none is left, move the
 *          unfinished line to the front and read more behind it.
 * Returns: see lines.h.
 * Never:   allocates after lines_init.
 */
#include <stdlib.h>
#include <string.h>

#include "lines.h"

int lines_init(struct lines *r, struct input *in)
{
	memset(r, 0, sizeof(*r));
	r->in = in;
	r->buf = malloc(LINES_BUF);
	return r->buf ? 0 : -1;
}

void lines_free(struct lines *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

/* Read more behind the buffered bytes; 0, or -1 on error. */
static int fill(struct lines *r)
{
	ssize_t n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	n = input_read(r->in, r->buf + r->end, LINES_BUF - r->end);
	if (n < 0)
		return -1;
	if (n == 0)
		r->eof = 1;
	r->end += (size_t)n;
	return 0;
}

int lines_next(struct lines *r, const char **line, size_t *len)
{
	r->cut = 0;
	for (;;) {
		char *p = r->buf + r->start;
		size_t have = r->end - r->start, look = have < LINES_MAX ? have : LINES_MAX;
		char *nl = look ? memchr(p, '\n', look) : NULL;

		if (nl != NULL) {
			r->start += (size_t)(nl - p) + 1;
			if (r->skipping) {          /* the tail of an overlong line */
				r->skipping = 0;
				continue;
			}
			*line = p;
			*len = (size_t)(nl - p);
			return 1;
		}
		if (have >= LINES_MAX) {
			/* hand out the first LINES_MAX bytes, skip to the next newline */
			r->start += LINES_MAX;
			if (!r->skipping) {
				r->skipping = 1;
				r->overlong++;
				r->cut = 1;
				*line = p;
				*len = LINES_MAX;
				return 1;
			}
			continue;
		}
		if (r->eof) {
			r->start = r->end;
			if (have == 0 || r->skipping) {
				r->skipping = 0;
				return 0;
			}
			*line = p;
			*len = have;
			return 1;
		}
		if (fill(r) < 0)
			return -1;
	}
}

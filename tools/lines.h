/*
 * lines.h - split an input into lines with large reads and memchr.
 *
 * Does:    hand out each line (without its newline) as a pointer into one
 *          fixed buffer filled by large reads (on these VMs read(2) into a
 *          buffer that stays in cache beat mmap(2) by 3x); a last line
 *          without a newline is a line too.
 * Returns: lines_next: 1 with a line, 0 at the end, -1 on a read error.
 * Never:   allocates per line or copies a line; lets a line grow past the
 *          buffer: a longer line is cut at LINES_MAX bytes (the rest is
 *          skipped), counted in r->overlong and flagged in r->cut.
 */
#ifndef DOORMAN_LINES_H
#define DOORMAN_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"

#define LINES_BUF (1024 * 1024)
#define LINES_MAX (64 * 1024)

struct lines {
	struct input *in;
	char *buf;
	size_t start, end;
	int eof, skipping;
	int cut;                    /* the line just handed out was cut */
	uint64_t overlong;
};

int lines_init(struct lines *r, struct input *in);
void lines_free(struct lines *r);
int lines_next(struct lines *r, const char **line, size_t *len);

#endif

/*
 * input.h - the bytes of one input (a file or stdin), decompressed.
 *
 * Does:    look at the first bytes: gzip (1f 8b) is inflated with zlib,
 *          zstd (28 b5 2f fd) with libzstd, anything else is read as it is;
 *          concatenated gzip members and zstd frames are all read.
 *          bzip2 and xz are recognised and refused by name.
 * Returns: input_read: bytes read (0 at the end), or -1 with in->err set.
 * Never:   trusts the file name; reads past a decompression error.
 */
#ifndef DOORMAN_INPUT_H
#define DOORMAN_INPUT_H

#include <stddef.h>
#include <sys/types.h>

enum input_kind { IN_PLAIN, IN_GZIP, IN_ZSTD };

struct input {
	int fd;
	enum input_kind kind;
	unsigned char *raw;         /* compressed bytes (or the first plain bytes) */
	size_t raw_len, raw_pos;
	int raw_eof, frame_open;
	void *dec;                  /* z_stream or ZSTD_DStream */
	char err[256];
};

/* Open path ("-" is stdin); 0, or -1 with in->err set. */
int input_open(struct input *in, const char *path);
ssize_t input_read(struct input *in, char *buf, size_t n);
void input_close(struct input *in);
const char *input_kind_name(enum input_kind k);

#endif

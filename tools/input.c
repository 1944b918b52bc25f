/*
 * input.c - read a file or stdin, decompressing gzip or zstd by magic bytes.
 *
 * Does:    one raw buffer of compressed bytes, refilled with read(2); the
 *          decompressors write straight into the caller's buffer.
 * Returns: see input.h.
 * Never:   decides by the file name; keeps going after a corrupt stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "input.h"

#define RAW_SIZE (256 * 1024)

const char *input_kind_name(enum input_kind k)
{
	return k == IN_GZIP ? "gzip" : k == IN_ZSTD ? "zstd" : "plain";
}

/* Fill in->raw from the file (keeping what is not used yet). */
static int refill(struct input *in)
{
	ssize_t r;

	if (in->raw_pos > 0) {
		memmove(in->raw, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
		in->raw_len -= in->raw_pos;
		in->raw_pos = 0;
	}
	while (!in->raw_eof && in->raw_len < RAW_SIZE) {
		r = read(in->fd, in->raw + in->raw_len, RAW_SIZE - in->raw_len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(in->err, sizeof(in->err), "read: %s", strerror(errno));
			return -1;
		}
		if (r == 0)
			in->raw_eof = 1;
		in->raw_len += (size_t)r;
		if (in->kind == IN_PLAIN || in->raw_len >= 4)
			break;
	}
	return 0;
}

static int start_decoder(struct input *in)
{
	const unsigned char *m = in->raw;

	if (in->raw_len >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
		z_stream *z = calloc(1, sizeof(*z));
		in->kind = IN_GZIP;
		in->dec = z;
		if (z == NULL || inflateInit2(z, 15 + 16) != Z_OK) {
			snprintf(in->err, sizeof(in->err), "gzip: cannot start zlib");
			return -1;
		}
	} else if (in->raw_len >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
		in->kind = IN_ZSTD;
		in->dec = ZSTD_createDStream();
		if (in->dec == NULL || ZSTD_isError(ZSTD_initDStream(in->dec))) {
			snprintf(in->err, sizeof(in->err), "zstd: cannot start libzstd");
			return -1;
		}
	} else if (in->raw_len >= 3 && memcmp(m, "BZh", 3) == 0) {
		snprintf(in->err, sizeof(in->err), "bzip2 input is not supported (use bzcat FILE | doorman-report)");
		return -1;
	} else if (in->raw_len >= 6 && memcmp(m, "\xfd" "7zXZ\0", 6) == 0) {
		snprintf(in->err, sizeof(in->err), "xz input is not supported (use xzcat FILE | doorman-report)");
		return -1;
	}
	return 0;
}

int input_open(struct input *in, const char *path)
{
	memset(in, 0, sizeof(*in));
	in->fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		snprintf(in->err, sizeof(in->err), "%s", strerror(errno));
		return -1;
	}
	in->raw = malloc(RAW_SIZE);
	if (in->raw == NULL) {
		snprintf(in->err, sizeof(in->err), "out of memory");
		return -1;
	}
	in->kind = IN_GZIP;     /* so that refill waits for 4 bytes of magic */
	if (refill(in) < 0)
		return -1;
	in->kind = IN_PLAIN;
	return start_decoder(in);
}

static ssize_t read_plain(struct input *in, char *buf, size_t n)
{
	ssize_t r;

	if (in->raw_pos < in->raw_len) {           /* the bytes read for the magic */
		size_t k = in->raw_len - in->raw_pos < n ? in->raw_len - in->raw_pos : n;
		memcpy(buf, in->raw + in->raw_pos, k);
		in->raw_pos += k;
		return (ssize_t)k;
	}
	if (in->raw_eof)
		return 0;
	do
		r = read(in->fd, buf, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		snprintf(in->err, sizeof(in->err), "read: %s", strerror(errno));
	return r;
}

static ssize_t read_gzip(struct input *in, char *buf, size_t n)
{
	z_stream *z = in->dec;
	int rc;

	z->next_out = (unsigned char *)buf;
	z->avail_out = (uInt)n;
	while (z->avail_out == n) {
		if (in->raw_pos == in->raw_len) {
			if (in->raw_eof) {
				if (in->frame_open) {
					snprintf(in->err, sizeof(in->err), "gzip: unexpected end of file");
					return -1;
				}
				return 0;
			}
			if (refill(in) < 0)
				return -1;
			continue;
		}
		if (!in->frame_open && in->raw[in->raw_pos] != 0x1f) {
			/* after a member: zero padding or garbage, ignored as gzip(1) does */
			in->raw_pos = in->raw_len;
			in->raw_eof = 1;
			continue;
		}
		z->next_in = in->raw + in->raw_pos;
		z->avail_in = (uInt)(in->raw_len - in->raw_pos);
		in->frame_open = 1;
		rc = inflate(z, Z_NO_FLUSH);
		in->raw_pos = in->raw_len - z->avail_in;
		if (rc == Z_STREAM_END) {
			in->frame_open = 0;
			inflateReset(z);        /* another member may follow */
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			snprintf(in->err, sizeof(in->err), "gzip: %s", z->msg ? z->msg : "corrupt data");
			return -1;
		}
	}
	return (ssize_t)(n - z->avail_out);
}

static ssize_t read_zstd(struct input *in, char *buf, size_t n)
{
	ZSTD_outBuffer out = { buf, n, 0 };
	size_t rc;

	while (out.pos == 0) {
		ZSTD_inBuffer inb;
		if (in->raw_pos == in->raw_len) {
			if (in->raw_eof) {
				if (in->frame_open) {
					snprintf(in->err, sizeof(in->err), "zstd: unexpected end of file");
					return -1;
				}
				return 0;
			}
			if (refill(in) < 0)
				return -1;
			continue;
		}
		inb.src = in->raw;
		inb.size = in->raw_len;
		inb.pos = in->raw_pos;
		rc = ZSTD_decompressStream(in->dec, &out, &inb);
		in->raw_pos = inb.pos;
		if (ZSTD_isError(rc)) {
			snprintf(in->err, sizeof(in->err), "zstd: %s", ZSTD_getErrorName(rc));
			return -1;
		}
		in->frame_open = rc != 0;
	}
	return (ssize_t)out.pos;
}

ssize_t input_read(struct input *in, char *buf, size_t n)
{
	if (n == 0)
		return 0;
	switch (in->kind) {
	case IN_GZIP: return read_gzip(in, buf, n);
	case IN_ZSTD: return read_zstd(in, buf, n);
	default: return read_plain(in, buf, n);
	}
}

void input_close(struct input *in)
{
	if (in->kind == IN_GZIP && in->dec != NULL) {
		inflateEnd(in->dec);
		free(in->dec);
	} else if (in->kind == IN_ZSTD && in->dec != NULL) {
		ZSTD_freeDStream(in->dec);
	}
	free(in->raw);
	if (in->fd > 0)
		close(in->fd);
	memset(in, 0, sizeof(*in));
	in->fd = -1;
}

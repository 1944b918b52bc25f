/*
 * fuzz.h - shared helpers of doorman's libFuzzer targets (tests/fuzz/).
 *
 * FUZZ_ASSERT aborts with the failed invariant, so libFuzzer saves the input
 * as a crash. Helpers copy fuzz data into exact-size heap buffers, so that
 * AddressSanitizer sees a read one byte past the end.
 */
#ifndef DOORMAN_FUZZ_H
#define DOORMAN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated heap copy of data[0..size) (the caller frees). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Split the input at the first byte 0xff: the head and the rest. Lets one
 * input carry several strings; the dictionaries name the separator. */
static inline size_t fuzz_cut(const uint8_t *data, size_t size, size_t *rest)
{
	const uint8_t *p = memchr(data, 0xff, size);
	size_t n = p ? (size_t)(p - data) : size;

	*rest = p ? n + 1 : size;
	return n;
}

/* 1 if s[0..n) holds a byte below 0x20 (other than those in allow), DEL or 8-bit. */
static inline int fuzz_has_ctl(const char *s, size_t n, const char *allow)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && (c == 0 || allow == NULL || strchr(allow, c) == NULL)) || c >= 0x7f)
			return 1;
	}
	return 0;
}

#endif

/*
 * text.h - small text helpers shared by filters and the milter glue:
 * bounded copies of untrusted text, names, comma lists, line ends.
 * (SMTP reply templates are in reply.h.)
 *
 * Pure functions. Nothing here logs, allocates behind the caller's back
 * (except dm_list_split, which says so) or keeps state.
 */
#ifndef DOORMAN_TEXT_H
#define DOORMAN_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Copy at most max bytes of src[0..len) into dst (size dstsize, always
 * terminated). Bytes below 0x20, 0x7f and 8-bit bytes become '?', so the
 * result is safe in a log line or an SMTP reply. Returns dst. */
char *dm_clean(char *dst, size_t dstsize, const char *src, size_t len, size_t max);

/* Same for a NUL-terminated src (NULL is taken as ""). */
char *dm_cleans(char *dst, size_t dstsize, const char *src, size_t max);

/* A value for a log line: at most max bytes of the NUL-terminated src
 * (NULL is ""), with blanks, controls, 8-bit bytes and % < > ; " ' \\
 * written as %XX (uppercase hex), so no value holds " key=", ends a
 * "<...>" or a reply early, or reads as two fields. Never cuts an escape:
 * 3 * max + 1 bytes of dst always suffice. Returns dst. */
char *dm_logval(char *dst, size_t dstsize, const char *src, size_t max);

/* The session id of the log lines: 8 hex digits of the seconds (mod 2^32)
 * and 5 of seq (mod 2^20), lowercase: "6937a1c4003f2". DM_SESSION_ID_SIZE
 * bytes suffice. Returns dst. */
#define DM_SESSION_ID_SIZE 14
char *dm_session_id(char *dst, size_t dstsize, uint64_t seconds, uint32_t seq);

/* Lowercase ASCII in place; returns s. */
char *dm_lower(char *s);

/* Case-insensitive ASCII equality, ignoring one trailing dot on each side. */
int dm_name_equal(const char *a, const char *b);

/* Trim leading/trailing blanks in place; returns the trimmed start. */
char *dm_trim(char *s);

/* Split "a, b ,c" at commas and blanks into a NULL-terminated array of
 * malloc'ed strings (*out, count in *n). Returns 0, or -1 on out of memory.
 * Free with dm_list_free. */
int dm_list_split(const char *s, char ***out, size_t *n);
void dm_list_free(char **list);

/* A list key's new value: a plain key line replaces the list, an indented
 * continuation line (cont) adds to it. Drops the old items unless cont
 * (calling free_item on each, when not NULL), then makes room for more
 * items of elem bytes after the *n kept, plus one zeroed spare (a NULL
 * terminator for string lists). Returns the array, moved or not; the
 * caller stores its items from index *n on and counts them in *n. NULL:
 * out of memory, and the list is as it was (only its items were dropped
 * when !cont). */
void *dm_list_grow(void *arr, size_t *n, size_t elem, size_t more, int cont, void (*free_item)(void *));

/* Index of the first bare LF (one not preceded by CR) in s[0..len), or len
 * when there is none. prev_cr says whether the byte before s[0] (the end of
 * the previous chunk of the same stream) was a CR, so a CRLF split across
 * two chunks is not taken for a bare LF. */
size_t dm_bare_lf(const char *s, size_t len, int prev_cr);

#endif

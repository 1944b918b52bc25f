/*
 * names.h - a bounded set of names (policy domains, checks, zones, spamd
 * servers), each given a small index for the caller's counter arrays.
 *
 * Does:    map a name to its index with a hash (case kept, bytes compared);
 *          past its capacity every new name gets the index cap, "(other)".
 * Returns: indexes 0..cap; the caller sizes its arrays cap + 1.
 * Never:   grows: memory is fixed at names_init; stores a name longer than
 *          NAMES_LEN - 1 bytes (longer ones are cut) or a control byte.
 */
#ifndef DOORMAN_NAMES_H
#define DOORMAN_NAMES_H

#include <stddef.h>
#include <stdint.h>

#define NAMES_LEN 104

struct names {
	size_t cap, n;
	uint64_t overflow;          /* lookups that landed in "(other)" */
	char (*name)[NAMES_LEN];
	unsigned char *len;         /* strlen of each name */
	uint32_t *slot;             /* open addressing: index + 1, 0 = empty */
	size_t mask;
};

int names_init(struct names *s, size_t cap);
void names_free(struct names *s);
/* Index of name[0..len) (added if new and there is room), or cap. */
size_t names_find(struct names *s, const char *name, size_t len);
/* Index of an existing name, or cap when it is not there (adds nothing). */
size_t names_lookup(const struct names *s, const char *name, size_t len);
const char *names_name(const struct names *s, size_t i);

#endif

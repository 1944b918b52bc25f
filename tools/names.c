/*
 * names.c - bounded name -> index map (see names.h).
 *
 * Does:    FNV-1a hash, linear probing in a table of at least 2 x cap slots;
 *          names are cleaned (control and non-ASCII bytes become '?') and
 *          cut to NAMES_LEN - 1 bytes before they are compared or stored.
 * Returns: an index below cap, or cap ("(other)") once the set is full.
 * Never:   allocates after names_init.
 */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "names.h"

int names_init(struct names *s, size_t cap)
{
	size_t size = 16;

	memset(s, 0, sizeof(*s));
	while (size < 2 * cap)
		size *= 2;
	s->name = calloc(cap, sizeof(*s->name));
	s->len = calloc(cap, 1);
	s->slot = calloc(size, sizeof(*s->slot));
	if (s->name == NULL || s->len == NULL || s->slot == NULL) {
		names_free(s);
		return -1;
	}
	s->cap = cap;
	s->mask = size - 1;
	return 0;
}

void names_free(struct names *s)
{
	free(s->name);
	free(s->len);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

static uint32_t hash(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

/* The slot where clean[0..n) is or would go. */
static size_t probe(const struct names *s, const char *clean, size_t n)
{
	size_t i = hash(clean, n) & s->mask;

	while (s->slot[i] != 0) {
		size_t k = s->slot[i] - 1;
		if (s->len[k] == n && memcmp(s->name[k], clean, n) == 0)
			break;
		i = (i + 1) & s->mask;
	}
	return i;
}

/* Most names are clean already: look the bytes up as they are first. */
static size_t find_raw(const struct names *s, const char *name, size_t len)
{
	size_t i;

	if (len >= NAMES_LEN)
		return SIZE_MAX;
	i = probe(s, name, len);
	return s->slot[i] ? s->slot[i] - 1 : SIZE_MAX;
}

size_t names_lookup(const struct names *s, const char *name, size_t len)
{
	char clean[NAMES_LEN];
	size_t n, i = find_raw(s, name, len);

	if (i != SIZE_MAX)
		return i;
	n = esc_clean(clean, sizeof(clean), name, len);
	i = probe(s, clean, n);
	return s->slot[i] ? s->slot[i] - 1 : s->cap;
}

size_t names_find(struct names *s, const char *name, size_t len)
{
	char clean[NAMES_LEN];
	size_t n, i = find_raw(s, name, len);

	if (i != SIZE_MAX)
		return i;
	n = esc_clean(clean, sizeof(clean), name, len);
	i = probe(s, clean, n);
	if (s->slot[i] != 0)
		return s->slot[i] - 1;
	if (s->n == s->cap) {
		s->overflow++;
		return s->cap;
	}
	memcpy(s->name[s->n], clean, n + 1);
	s->len[s->n] = (unsigned char)n;
	s->slot[i] = (uint32_t)++s->n;
	return s->n - 1;
}

const char *names_name(const struct names *s, size_t i)
{
	return i < s->n ? s->name[i] : "(other)";
}

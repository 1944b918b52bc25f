/*
 * text.c - bounded cleaning of untrusted text, comma lists, reply templates.
 *
 * Returns cleaned copies; never passes outside data on as a format string,
 * never lets CR, LF or NUL through into a log line or an SMTP reply.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

char *dm_clean(char *dst, size_t dstsize, const char *src, size_t len, size_t max)
{
	size_t i, n;

	if (dstsize == 0)
		return dst;
	n = len < max ? len : max;
	if (n > dstsize - 1)
		n = dstsize - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	dst[n] = '\0';
	return dst;
}

char *dm_cleans(char *dst, size_t dstsize, const char *src, size_t max)
{
	if (src == NULL)
		src = "";
	return dm_clean(dst, dstsize, src, strnlen(src, max), max);
}

/* Bytes a log value writes as %XX: blanks and controls (a value then never
 * holds " key="), the characters that end or quote a value or a reply
 * ('<' '>' ';' quotes '\\'), '%' itself (so the escaping reads back), and
 * 8-bit bytes. */
static int log_escaped(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || c == '%' || c == '<' || c == '>' || c == ';' ||
	       c == '"' || c == '\'' || c == '\\';
}

char *dm_logval(char *dst, size_t dstsize, const char *src, size_t max)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	if (dstsize == 0)
		return dst;
	for (i = 0; src != NULL && i < max && src[i] != '\0'; i++) {
		unsigned char c = (unsigned char)src[i];

		if (!log_escaped(c)) {
			if (o + 1 >= dstsize)
				break;
			dst[o++] = (char)c;
			continue;
		}
		if (o + 3 >= dstsize)
			break;
		dst[o++] = '%';
		dst[o++] = hex[c >> 4];
		dst[o++] = hex[c & 15];
	}
	dst[o] = '\0';
	return dst;
}

char *dm_session_id(char *dst, size_t dstsize, uint64_t seconds, uint32_t seq)
{
	if (dstsize > 0)
		snprintf(dst, dstsize, "%08lx%05lx", (unsigned long)(seconds & 0xffffffffu),
		         (unsigned long)(seq & 0xfffffu));
	return dst;
}

char *dm_lower(char *s)
{
	char *p;

	for (p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

int dm_name_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

char *dm_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int dm_list_split(const char *s, char ***out, size_t *n)
{
	char **list = NULL;
	size_t cnt = 0;
	const char *p = s;

	*out = NULL;
	*n = 0;
	while (*p) {
		const char *start;
		size_t len;
		char **grown;

		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p && *p != ',' && *p != ' ' && *p != '\t')
			p++;
		len = (size_t)(p - start);
		grown = realloc(list, (cnt + 2) * sizeof(*list));
		if (grown == NULL)
			goto oom;
		list = grown;
		list[cnt] = strndup(start, len);
		if (list[cnt] == NULL)
			goto oom;
		list[++cnt] = NULL;
	}
	if (list == NULL) {
		list = calloc(1, sizeof(*list));
		if (list == NULL)
			return -1;
	}
	*out = list;
	*n = cnt;
	return 0;
oom:
	if (list != NULL) {
		list[cnt] = NULL;
		dm_list_free(list);
	}
	return -1;
}

void dm_list_free(char **list)
{
	char **p;

	if (list == NULL)
		return;
	for (p = list; *p; p++)
		free(*p);
	free(list);
}

size_t dm_bare_lf(const char *s, size_t len, int prev_cr)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n' && !(i == 0 ? prev_cr : s[i - 1] == '\r'))
			return i;
	}
	return len;
}

void *dm_list_grow(void *arr, size_t *n, size_t elem, size_t more, int cont, void (*free_item)(void *))
{
	unsigned char *grown;
	size_t i;

	if (!cont && arr != NULL) {
		for (i = 0; free_item != NULL && i < *n; i++)
			free_item((unsigned char *)arr + i * elem);
		memset(arr, 0, elem);        /* an empty list, should realloc fail */
	}
	if (!cont)
		*n = 0;
	grown = realloc(arr, (*n + more + 1) * elem);
	if (grown == NULL)
		return NULL;
	memset(grown + *n * elem, 0, (more + 1) * elem);
	return grown;
}

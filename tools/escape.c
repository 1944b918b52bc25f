/*
 * escape.c - clean log text and write it as JSON or HTML (see escape.h).
 *
 * Does:    byte-wise, locale-free escaping.
 * Returns: see escape.h.
 * Never:   uses log text as a format string or lets a control byte through.
 */
#include "escape.h"

size_t esc_clean(char *dst, size_t dstsize, const char *src, size_t n)
{
	size_t i;

	if (n > dstsize - 1)
		n = dstsize - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	dst[n] = '\0';
	return n;
}

void esc_json(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	putc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			putc('\\', f);
			putc(c, f);
		} else if (c < 0x20 || c >= 0x7f) {
			fputs("\\u00", f);
			putc(hex[c >> 4], f);
			putc(hex[c & 15], f);
		} else {
			putc(c, f);
		}
	}
	putc('"', f);
}

void esc_html(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: putc(c < 0x20 || c >= 0x7f ? '?' : c, f); break;
		}
	}
}

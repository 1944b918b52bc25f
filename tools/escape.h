/*
 * escape.h - make text that came from a log safe to show.
 *
 * Does:    clean (control and non-ASCII bytes become '?', bounded), and
 *          write cleaned text as a JSON string or as HTML text.
 * Returns: lengths written; the FILE functions return nothing.
 * Never:   passes text from the log as a format string; esc_json/esc_html
 *          escape every byte that means something in their language.
 */
#ifndef DOORMAN_ESCAPE_H
#define DOORMAN_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Copy src[0..n) into dst (size dstsize > 0), cleaned and NUL-terminated;
 * returns the length copied. */
size_t esc_clean(char *dst, size_t dstsize, const char *src, size_t n);

/* "..." with \" \\ and \u00XX for anything below 0x20 or above 0x7e. */
void esc_json(FILE *f, const char *s);

/* &amp; &lt; &gt; &quot; &#39;; other bytes outside printable ASCII as '?'. */
void esc_html(FILE *f, const char *s);

#endif

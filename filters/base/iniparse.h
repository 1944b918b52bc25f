/*
 * iniparse.h - libinih with line numbers and whole-file error reports.
 *
 * Debian's libinih is built with INI_MAX_LINE 200 and no line numbers in the
 * handler: a longer line would be split silently and a syntax error is only
 * reported for the first one. dm_ini_parse() pre-scans the text, names every
 * bad line as "file:line: message", and feeds inih one line at a time so the
 * handler always knows its line.
 */
#ifndef DOORMAN_INIPARSE_H
#define DOORMAN_INIPARSE_H

#include <stddef.h>

#define DM_INI_MAX_LINE 199

/* A growable list of "file:line: message" strings. */
struct dm_errors {
	char **msg;
	size_t n;
};

void dm_errors_add(struct dm_errors *e, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void dm_errors_free(struct dm_errors *e);

/* Called for each key (and again, with continuation = 1, for each indented
 * continuation line of the same key). Report problems with dm_errors_add. */
typedef void (*dm_ini_fn)(void *user, const char *section, const char *key,
                          const char *value, int continuation, int line);

/* Parse text[0..len). Returns the number of errors added to errs. */
int dm_ini_parse(const char *text, size_t len, const char *file,
                 dm_ini_fn fn, void *user, struct dm_errors *errs);

/* Read a whole file (at most 1 MiB) into a malloc'ed, NUL-terminated buffer.
 * Returns NULL and adds an error naming the file on failure. */
char *dm_read_file(const char *path, size_t *len, struct dm_errors *errs);

#endif

/*
 * iniparse.c - feed libinih line by line with our own line counter.
 *
 * Every error names file:line. Lines over DM_INI_MAX_LINE characters are
 * reported and replaced by an empty line, never split.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "iniparse.h"

#define MAX_FILE (1024 * 1024)

void dm_errors_add(struct dm_errors *e, const char *file, int line, const char *fmt, ...)
{
	char body[512], *msg, **grown;
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	if (line > 0)
		n = asprintf(&msg, "%s:%d: %s", file, line, body);
	else
		n = asprintf(&msg, "%s: %s", file, body);
	if (n < 0)
		return;
	grown = realloc(e->msg, (e->n + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(msg);
		return;
	}
	e->msg = grown;
	e->msg[e->n++] = msg;
}

void dm_errors_free(struct dm_errors *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	e->msg = NULL;
	e->n = 0;
}

struct reader {
	const char *p, *end;
	int line;                 /* number of the line last handed to inih */
	const char *file;
	struct dm_errors *errs;
	dm_ini_fn fn;
	void *user;
	int key_seen;             /* a key = value line came before (continuations allowed) */
	int cont;                 /* the current line continues the previous value */
	int first_flagged;        /* first line this file reported, 0 = none */
};

static size_t line_len(const char *p, const char *end, size_t *next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

	*next = nl ? len + 1 : len;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	return len;
}

/* An inline comment starts at ';' after a blank, as inih has it. */
static int comment_at(const char *s, size_t j)
{
	return s[j] == ';' && j > 0 && (s[j - 1] == ' ' || s[j - 1] == '\t');
}

static int check_syntax(struct reader *r, const char *s, size_t len)
{
	size_t i = 0, j;

	r->cont = 0;
	if (memchr(s, '\0', len) != NULL) {
		dm_errors_add(r->errs, r->file, r->line, "NUL byte in line");
		return -1;
	}
	if (len > DM_INI_MAX_LINE) {
		dm_errors_add(r->errs, r->file, r->line,
		              "line is %zu characters, at most %d are allowed: continue a long value "
		              "on the next line, indented with a space",
		              len, DM_INI_MAX_LINE);
		return -1;
	}
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == len || s[i] == ';' || s[i] == '#')
		return 0;
	if (i > 0 && r->key_seen) {
		r->cont = 1;                  /* continuation of the previous value */
		return 0;
	}
	if (s[i] == '[') {
		for (j = i; j < len && s[j] != ']' && !comment_at(s, j); j++)
			;
		if (j == len || s[j] != ']') {
			dm_errors_add(r->errs, r->file, r->line, "section header without ']'");
			return -1;
		}
		r->key_seen = 0;
		return 0;
	}
	for (j = i; j < len && s[j] != '=' && s[j] != ':'; j++)
		if (comment_at(s, j))
			break;
	if (j == len || s[j] == ';') {
		dm_errors_add(r->errs, r->file, r->line, "expected 'key = value' or '[section]'");
		return -1;
	}
	if (j == i) {
		dm_errors_add(r->errs, r->file, r->line, "missing key name before '%c'", s[j]);
		return -1;
	}
	r->key_seen = 1;
	return 0;
}

/* Pre-check one line the way inih will read it; returns 0 if it is to be
 * handed on unchanged, -1 if it is to be replaced by an empty line. */
static int check_line(struct reader *r, const char *s, size_t len)
{
	size_t before = r->errs->n;
	int rc = check_syntax(r, s, len);

	if (r->errs->n != before && r->first_flagged == 0)
		r->first_flagged = r->line;
	return rc;
}

static char *next_line(char *buf, int num, void *stream)
{
	struct reader *r = stream;
	size_t len, next;

	if (r->p >= r->end)
		return NULL;
	len = line_len(r->p, r->end, &next);
	r->line++;
	if (check_line(r, r->p, len) < 0 || (int)len >= num)
		len = 0;
	memcpy(buf, r->p, len);
	buf[len] = '\0';
	r->p += next;
	return buf;
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct reader *r = user;
	char v[DM_INI_MAX_LINE + 1];
	size_t k;

	if (!r->cont) {
		/* inih keeps "key=;x" as ";x" but reads "key = ;x" as a comment: refuse
		 * the first, which no dump (doorman -d) could write back */
		if (value[0] == ';') {
			dm_errors_add(r->errs, r->file, r->line,
			              "%.100s: a value cannot start with ';' (after a blank it starts a comment)", name);
			return 1;
		}
		r->fn(r->user, section, name, value, 0, r->line);
		return 1;
	}
	/* inih strips inline comments on key lines only: do it for continuations */
	snprintf(v, sizeof(v), "%s", value);
	for (k = 0; v[k]; k++)
		if (comment_at(v, k)) {
			v[k] = '\0';
			break;
		}
	while (k > 0 && (v[k - 1] == ' ' || v[k - 1] == '\t' || v[k - 1] == '\0'))
		v[--k] = '\0';
	if (v[0] != '\0')
		r->fn(r->user, section, name, v, 1, r->line);
	return 1;
}

int dm_ini_parse(const char *text, size_t len, const char *file,
                 dm_ini_fn fn, void *user, struct dm_errors *errs)
{
	struct reader r;
	size_t before = errs->n;
	int rc;

	memset(&r, 0, sizeof(r));
	r.p = text;
	r.end = text + len;
	r.file = file;
	r.errs = errs;
	r.fn = fn;
	r.user = user;
	/* skip a UTF-8 byte order mark like inih would */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		r.p += 3;
	rc = ini_parse_stream(next_line, &r, on_pair, &r);
	if (rc > 0 && rc != r.first_flagged)
		dm_errors_add(errs, file, rc, "syntax error");
	else if (rc < 0)
		dm_errors_add(errs, file, 0, "cannot parse");
	return (int)(errs->n - before);
}

char *dm_read_file(const char *path, size_t *len, struct dm_errors *errs)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL) {
		dm_errors_add(errs, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_FILE + 1);
	if (buf == NULL) {
		fclose(f);
		dm_errors_add(errs, path, 0, "out of memory");
		return NULL;
	}
	n = fread(buf, 1, MAX_FILE + 1, f);
	if (ferror(f) || n > MAX_FILE) {
		dm_errors_add(errs, path, 0, ferror(f) ? "read error" : "larger than 1 MiB");
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

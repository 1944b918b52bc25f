/*
 * mta_lint.c - the MTA's side of the milter connection (see mta_lint.h).
 *
 * Does: parses postconf's master.cf and main.cf listings and sendmail.cf's
 * X lines; maps doorman's socket (libmilter syntax) to the name the MTA
 * must use; says each mismatch with the line to set. Postfix facts used:
 * a chrooted smtpd sees only its queue directory, milter addresses are
 * unix:PATH or inet:HOST:PORT, smtpd_milters entries may be grouped
 * "{ address, setting = value }" (Postfix 3.0), milter_protocol 6 is
 * what libmilter speaks. Sendmail: F=T tempfails, F=R rejects, no F=
 * letter accepts when the filter is down.
 * Never: runs a program, reads a file, treats a finding as an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mta_lint.h"

/* Copy the n-th (0-based) blank-separated field of line into out. */
static int field(const char *line, int n, char *out, size_t outlen)
{
	const char *p = line;
	size_t len;

	for (;;) {
		p += strspn(p, " \t");
		len = strcspn(p, " \t\n");
		if (len == 0)
			return -1;
		if (n-- == 0)
			break;
		p += len;
	}
	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

void dm_postfix_parse_master(const char *text, struct dm_postfix *pf)
{
	const char *line = text;
	char type[16], chroot[8], cmd[64];

	while (line != NULL && *line != '\0') {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[512];

		snprintf(buf, sizeof(buf), "%.*s", (int)(len < sizeof(buf) ? len : sizeof(buf) - 1), line);
		if (buf[0] != '#' && field(buf, 1, type, sizeof(type)) == 0 && field(buf, 4, chroot, sizeof(chroot)) == 0 &&
		    field(buf, 7, cmd, sizeof(cmd)) == 0 && strcmp(cmd, "smtpd") == 0 && strcmp(chroot, "y") == 0 &&
		    !pf->chrooted) {
			char *w = pf->chroot_service, *r = buf;
			size_t used = 0;

			pf->chrooted = 1;
			while (*r != '\0' && used + 1 < sizeof(pf->chroot_service)) {   /* squeeze blanks */
				if ((*r == ' ' || *r == '\t') && (used == 0 || w[used - 1] == ' ')) {
					r++;
					continue;
				}
				w[used++] = (*r == '\t') ? ' ' : *r;
				r++;
			}
			while (used > 0 && w[used - 1] == ' ')
				used--;
			w[used] = '\0';
		}
		line = end ? end + 1 : NULL;
	}
}

static void set_value(char *dst, size_t dstlen, const char *v, size_t len)
{
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r'))
		len--;
	if (len >= dstlen)
		len = dstlen - 1;
	memcpy(dst, v, len);
	dst[len] = '\0';
}

void dm_postfix_parse_main(const char *text, struct dm_postfix *pf)
{
	const char *line = text;

	while (line != NULL && *line != '\0') {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *eq = memchr(line, '=', len);

		if (eq != NULL) {
			size_t nlen = (size_t)(eq - line), vlen;
			const char *v = eq + 1;

			while (nlen > 0 && line[nlen - 1] == ' ')
				nlen--;
			while (v < line + len && *v == ' ')
				v++;
			vlen = (size_t)(line + len - v);
#define IS(name) (nlen == strlen(name) && strncmp(line, name, nlen) == 0)
			if (IS("queue_directory"))
				set_value(pf->queue_directory, sizeof(pf->queue_directory), v, vlen);
			else if (IS("smtpd_milters"))
				set_value(pf->smtpd_milters, sizeof(pf->smtpd_milters), v, vlen);
			else if (IS("milter_default_action"))
				set_value(pf->default_action, sizeof(pf->default_action), v, vlen);
			else if (IS("mail_owner"))
				set_value(pf->mail_owner, sizeof(pf->mail_owner), v, vlen);
			else if (IS("milter_protocol"))
				pf->protocol = atoi(v);
#undef IS
		}
		line = end ? end + 1 : NULL;
	}
}

/* "/var/spool/postfix/doorman/x.sock" under "/var/spool/postfix": the rest, "/doorman/x.sock". */
static const char *under_queue(const struct dm_postfix *pf, const char *path)
{
	size_t q = strlen(pf->queue_directory);

	while (q > 1 && pf->queue_directory[q - 1] == '/')
		q--;
	if (q == 0 || strncmp(path, pf->queue_directory, q) != 0 || path[q] != '/')
		return NULL;
	return path + q;
}

int dm_postfix_milter_name(const struct dm_postfix *pf, const char *sock, char *out, size_t outlen)
{
	const char *path = NULL, *at;

	if (strncmp(sock, "unix:", 5) == 0)
		path = sock + 5;
	else if (strncmp(sock, "local:", 6) == 0)
		path = sock + 6;
	else if (sock[0] == '/')
		path = sock;
	if (path != NULL) {
		const char *inside = under_queue(pf, path);
		if (pf->chrooted && inside == NULL)
			return -1;
		snprintf(out, outlen, "unix:%s", pf->chrooted ? inside : path);
		return 0;
	}
	at = strchr(sock, '@');
	if ((strncmp(sock, "inet:", 5) == 0 || strncmp(sock, "inet6:", 6) == 0) && at != NULL) {
		const char *port = strchr(sock, ':') + 1;
		snprintf(out, outlen, "inet:%s:%.*s", at + 1, (int)(at - port), port);
		return 0;
	}
	snprintf(out, outlen, "%s", sock);
	return 0;
}

/* smtpd_milters names want (also in its relative form "unix:doorman/x.sock"). */
static int milters_name(const char *list, const char *want)
{
	char tok[512];
	const char *p = list;

	for (;;) {
		size_t len;
		p += strspn(p, " \t,{}");
		len = strcspn(p, " \t,{}");
		if (len == 0)
			return 0;
		snprintf(tok, sizeof(tok), "%.*s", (int)(len < sizeof(tok) ? len : sizeof(tok) - 1), p);
		if (strcmp(tok, want) == 0 ||
		    (strncmp(want, "unix:/", 6) == 0 && strncmp(tok, "unix:", 5) == 0 && strcmp(tok + 5, want + 6) == 0))
			return 1;
		p += len;
	}
}

int dm_postfix_lint(const struct dm_postfix *pf, const char *sock, int can_write, const char *why,
                    dm_mta_warn_fn warn, void *user)
{
	char name[300], text[1600];
	int n = 0;

	if (dm_postfix_milter_name(pf, sock, name, sizeof(name)) < 0) {
		snprintf(text, sizeof(text), "Postfix runs smtpd chrooted in %s (master.cf: %s), where the socket %s "
		         "is out of sight: every session gets the milter default action; set socket = "
		         "unix:%s/doorman/doorman.sock (and smtpd_milters = unix:/doorman/doorman.sock), or chroot n "
		         "in master.cf", pf->queue_directory, pf->chroot_service, sock, pf->queue_directory);
		warn(user, text);
		n++;
	} else if (!milters_name(pf->smtpd_milters, name)) {
		if (pf->smtpd_milters[0] == '\0')
			snprintf(text, sizeof(text), "Postfix's smtpd_milters is empty: no mail reaches doorman; "
			         "set smtpd_milters = %s in main.cf", name);
		else
			snprintf(text, sizeof(text), "Postfix's smtpd_milters = %.400s does not name doorman's socket: "
			         "set smtpd_milters = %.400s, %s in main.cf", pf->smtpd_milters, pf->smtpd_milters, name);
		warn(user, text);
		n++;
	}
	if (can_write == 0) {
		snprintf(text, sizeof(text), "Postfix's user %s cannot connect to %s (%s): every session gets the "
		         "milter default action", pf->mail_owner[0] ? pf->mail_owner : "postfix", sock, why ? why : "");
		warn(user, text);
		n++;
	}
	if (strcmp(pf->default_action, "accept") == 0) {
		warn(user, "Postfix's milter_default_action = accept: when doorman is down or too slow, mail "
		     "passes unchecked (fail-open); set milter_default_action = tempfail in main.cf to defer it "
		     "instead");
		n++;
	}
	if (pf->protocol > 0 && pf->protocol < 6) {
		snprintf(text, sizeof(text), "Postfix's milter_protocol = %d: doorman speaks 6 (the macros it "
		         "asks for need it); set milter_protocol = 6 in main.cf", pf->protocol);
		warn(user, text);
		n++;
	}
	return n;
}

/* In an X line, the value of "S=" or "F=" (up to the next comma). */
static int x_value(const char *line, size_t len, const char *key, char *out, size_t outlen)
{
	size_t i, klen = strlen(key);

	for (i = 0; i + klen <= len; i++) {
		if ((i == 0 || line[i - 1] == ',' || line[i - 1] == ' ') && strncmp(line + i, key, klen) == 0) {
			size_t v = i + klen, e = v;
			while (e < len && line[e] != ',')
				e++;
			while (e > v && line[e - 1] == ' ')
				e--;
			snprintf(out, outlen, "%.*s", (int)(e - v), line + v);
			return 1;
		}
	}
	return 0;
}

int dm_sendmail_lint(const char *cf, const char *sock, dm_mta_warn_fn warn, void *user)
{
	const char *line = cf;
	char s[600], f[64], text[1400];
	const char *bare = strncmp(sock, "unix:", 5) == 0 ? sock + 5 : sock;

	while (line != NULL && *line != '\0') {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (line[0] == 'X' && x_value(line, len, "S=", s, sizeof(s)) &&
		    (strcmp(s, sock) == 0 || strcmp(s, bare) == 0 ||
		     (strncmp(s, "local:", 6) == 0 && strcmp(s + 6, bare) == 0))) {
			if (x_value(line, len, "F=", f, sizeof(f)) && (strchr(f, 'T') || strchr(f, 'R')))
				return 0;
			snprintf(text, sizeof(text), "sendmail.cf: %.*s: no F=T: when doorman is down, Sendmail "
			         "passes mail unchecked (fail-open); in sendmail.mc use INPUT_MAIL_FILTER(`doorman', "
			         "`S=%s, F=T')", (int)(len < 300 ? len : 300), line, sock);
			warn(user, text);
			return 1;
		}
		line = end ? end + 1 : NULL;
	}
	snprintf(text, sizeof(text), "sendmail.cf names no filter on %s: no mail reaches doorman; add "
	         "INPUT_MAIL_FILTER(`doorman', `S=%s, F=T') to sendmail.mc and rebuild sendmail.cf", sock, sock);
	warn(user, text);
	return 1;
}

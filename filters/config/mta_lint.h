/*
 * mta_lint.h - does the MTA reach doorman? Read what Postfix's postconf
 * and Sendmail's sendmail.cf say and name what stops mail from reaching
 * the milter, or lets it pass unchecked, with the exact line to fix.
 * Pure: the caller runs postconf and reads the files.
 */
#ifndef DOORMAN_MTA_LINT_H
#define DOORMAN_MTA_LINT_H

#include <stddef.h>

struct dm_postfix {
	int chrooted;                 /* an smtpd service runs chrooted (master.cf) */
	char chroot_service[200];     /* the first such master.cf line, blanks squeezed */
	char queue_directory[256];
	char smtpd_milters[1024];
	char default_action[32];      /* milter_default_action */
	int protocol;                 /* milter_protocol; 0 = not said */
	char mail_owner[64];
};

typedef void (*dm_mta_warn_fn)(void *user, const char *text);

/* Fill pf from `postconf -M` (master.cf, one service a line) and from
 * `postconf queue_directory smtpd_milters milter_default_action
 * milter_protocol mail_owner` ("name = value" lines). Start from a zeroed pf. */
void dm_postfix_parse_master(const char *text, struct dm_postfix *pf);
void dm_postfix_parse_main(const char *text, struct dm_postfix *pf);

/* The entry smtpd_milters must have for doorman's socket (libmilter
 * syntax): "unix:/doorman/doorman.sock" for /var/spool/postfix/doorman/
 * doorman.sock under a chrooted smtpd, "inet:127.0.0.1:8898" for
 * inet:8898@127.0.0.1. 0, or -1 when Postfix cannot reach it at all (a
 * unix socket outside the queue directory of a chrooted smtpd). */
int dm_postfix_milter_name(const struct dm_postfix *pf, const char *sock, char *out, size_t outlen);

/* Warn about: a chrooted smtpd with the socket outside the queue
 * directory; smtpd_milters not naming the socket; the socket not writable
 * by Postfix's user (can_write 0; why says what is missing; -1 unknown);
 * milter_default_action = accept; milter_protocol below 6. Returns how many. */
int dm_postfix_lint(const struct dm_postfix *pf, const char *sock, int can_write, const char *why,
                    dm_mta_warn_fn warn, void *user);

/* sendmail.cf text: no X (INPUT_MAIL_FILTER) line for the socket, or one
 * without F=T or F=R (mail passes unchecked when doorman is down).
 * Returns how many warnings. */
int dm_sendmail_lint(const char *cf, const char *sock, dm_mta_warn_fn warn, void *user);

#endif

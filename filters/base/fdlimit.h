/*
 * fdlimit.h - file descriptors as a resource: raise the soft limit at
 * start, count what is in use, and count the sockets that could not be
 * opened for lack of one (so the daemon can say so instead of stalling).
 *
 * No logging here: the milter's monitor thread reads the counters and
 * logs. Counters are atomic; any thread may note a shortage.
 */
#ifndef DOORMAN_FDLIMIT_H
#define DOORMAN_FDLIMIT_H

#include <stddef.h>

/* Raise the soft RLIMIT_NOFILE to the hard limit (as Postfix's master
 * does). Writes the limits in force afterwards. Returns 0, or -1 (errno)
 * when the limits cannot be read; a failed raise keeps the old soft limit
 * and still returns 0. */
int dm_fd_raise_limit(unsigned long *soft, unsigned long *hard);

/* The soft limit now (0 if unknown). */
unsigned long dm_fd_limit(void);

/* Descriptors open in this process now (entries of /proc/self/fd), or -1. */
long dm_fd_in_use(void);

/* Where a socket could not be made. */
enum dm_fd_user { DM_FD_DNS = 0, DM_FD_SPAMD, DM_FD_USERS };

/* If e is EMFILE or ENFILE, count one shortage for who and return 1. */
int dm_fd_note(enum dm_fd_user who, int e);

/* Shortages counted since the start, per user. */
unsigned long dm_fd_shortages(enum dm_fd_user who);

#endif

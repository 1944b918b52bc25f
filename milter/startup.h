/*
 * startup.h - what doorman does with root's rights at start: the run and
 * socket directories, the milter socket, the pidfile, the switch to `user`.
 * Built so that nothing done as root follows a path another user can
 * change: a unix socket and the pidfile are made only after the switch.
 */
#ifndef DOORMAN_STARTUP_H
#define DOORMAN_STARTUP_H

#include <pwd.h>
#include <stddef.h>

#include "config.h"

/* "unix:/path", "local:/path" or "/path" -> "/path"; NULL for inet sockets. */
const char *dm_unix_path(const char *sock);

/* Before the fork, with the starting rights: refuse a socket a running
 * filter accepts on; create the socket's and the pidfile's directories when
 * missing (owned by pw when root); hand the socket to libmilter, and open
 * an inet socket now (a port below 1024). 0, or -1 with a message printed. */
int dm_startup_prepare(const struct dm_config *cfg, const struct passwd *pw);

/* Become pw (nothing when pw is NULL or the process already runs as pw:
 * a unit with User=). 0, or -1 with a message printed. */
int dm_startup_become_user(const struct passwd *pw);

/* After the switch: open a unix socket with mode cfg->socket_mode (through
 * the umask: no chmod or chown by path). 0, or -1 with a message printed. */
int dm_startup_open_socket(const struct dm_config *cfg, const struct passwd *pw);

/* Write the pid to path ("" = none): never through a symbolic link, a
 * hard link or into anything but a regular file this user owns. 0, or -1
 * with errno set (EPERM for a file that is not one we may write). */
int dm_startup_write_pidfile(const char *path);

#endif

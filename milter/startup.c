/*
 * startup.c - the start-up steps that need the starting user's rights.
 *
 * Does: creates a missing socket or pidfile directory (the last component,
 * 0755, handed to `user` through a descriptor opened O_NOFOLLOW, never by
 * path); opens an inet socket before the switch (ports below 1024); opens a
 * unix socket and writes the pidfile only after the switch to `user`, so a
 * directory that user can write (the socket's own) cannot steer a root
 * chmod, chown or write to another file. The socket's mode comes from the
 * umask at bind.
 * Never: chmod or chown by path, opens a file through a symbolic link,
 * writes into a file it does not own.
 */
#include "dm_autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "startup.h"

const char *dm_unix_path(const char *sock)
{
	if (strncmp(sock, "unix:", 5) == 0)
		return sock + 5;
	if (strncmp(sock, "local:", 6) == 0)
		return sock + 6;
	return sock[0] == '/' ? sock : NULL;
}

/* Create the directory of path when it is missing; as root, give it to pw
 * through a descriptor of the directory just made (a symbolic link put in
 * its place meanwhile fails O_NOFOLLOW). */
static int make_dir_of(const char *path, const struct passwd *pw)
{
	char dir[4096];
	char *slash;
	struct stat st;
	int fd, rc = 0;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return errno = ENAMETOOLONG, -1;
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0)
		return errno == EEXIST ? 0 : -1;
	if (pw == NULL || geteuid() != 0 || pw->pw_uid == 0)
		return 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || fchown(fd, pw->pw_uid, pw->pw_gid) < 0)
		rc = -1;
	close(fd);
	return rc;
}

/* 1 if something accepts connections on the unix socket path. */
static int socket_alive(const char *path)
{
	struct sockaddr_un sun;
	int fd, ok;

	if (strlen(path) >= sizeof(sun.sun_path))
		return 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return ok;
}

static int open_now(const struct dm_config *cfg)
{
	mode_t old = umask((mode_t)(0777 & ~cfg->socket_mode));
	int rc = smfi_opensocket(true);

	umask(old);
	return rc == MI_SUCCESS ? 0 : -1;
}

int dm_startup_prepare(const struct dm_config *cfg, const struct passwd *pw)
{
	const char *path = dm_unix_path(cfg->socket);

	/* libmilter would silently replace a live socket: the running filter
	 * would go on, unreachable. */
	if (path != NULL && socket_alive(path)) {
		fprintf(stderr, "doorman: %s is in use by a running filter\n", path);
		return -1;
	}
	if (path != NULL && make_dir_of(path, pw) < 0) {
		fprintf(stderr, "doorman: cannot create the directory of %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (cfg->pidfile[0] != '\0' && make_dir_of(cfg->pidfile, pw) < 0) {
		fprintf(stderr, "doorman: cannot create the directory of %s: %s\n", cfg->pidfile, strerror(errno));
		return -1;
	}
	if (smfi_setconn((char *)cfg->socket) != MI_SUCCESS) {
		fprintf(stderr, "doorman: bad socket %s\n", cfg->socket);
		return -1;
	}
	if (path == NULL && open_now(cfg) < 0) {
		fprintf(stderr, "doorman: cannot open socket %s (in use, or no permission)\n", cfg->socket);
		return -1;
	}
	return 0;
}

int dm_startup_become_user(const struct passwd *pw)
{
	if (pw == NULL || (getuid() == pw->pw_uid && geteuid() == pw->pw_uid))
		return 0;
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		fprintf(stderr, "doorman: cannot become user %s: %s\n", pw->pw_name, strerror(errno));
		return -1;
	}
	if (pw->pw_uid != 0 && setuid(0) == 0) {
		fprintf(stderr, "doorman: could become root again after switching to %s\n", pw->pw_name);
		return -1;
	}
	return 0;
}

int dm_startup_open_socket(const struct dm_config *cfg, const struct passwd *pw)
{
	const char *path = dm_unix_path(cfg->socket);
	char dir[4096];
	char *slash;

	if (path == NULL || open_now(cfg) == 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (pw != NULL)
		fprintf(stderr, "doorman: cannot open socket %s as user %s: %s must be a directory %s can "
		        "write (doorman creates it when missing)\n", cfg->socket, pw->pw_name,
		        slash != NULL ? dir : ".", pw->pw_name);
	else
		fprintf(stderr, "doorman: cannot open socket %s (no permission, or its directory is missing)\n",
		        cfg->socket);
	return -1;
}

int dm_startup_write_pidfile(const char *path)
{
	struct stat st;
	char line[32];
	int fd, n, saved;

	if (path[0] == '\0')
		return 0;
	/* no O_TRUNC before the checks: a file that is not ours stays as it was */
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1 || st.st_uid != geteuid()) {
		errno = EPERM;
		goto fail;
	}
	n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, line, (size_t)n) != n)
		goto fail;
	return close(fd);
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

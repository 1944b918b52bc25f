/*
 * hostcheck.c - doorman -n looks at the host (see hostcheck.h).
 *
 * Does: warns when doorman would run as root; when the run user can change
 * the main file, its directory, the policy directory or a policy file (it
 * could then choose `user`, `pidfile` and `socket` for the next start as
 * root); asks Postfix's postconf (when /etc/postfix/main.cf exists) and
 * reads /etc/mail/sendmail.cf (when it exists) for the MTA's side
 * (filters/config/mta_lint.c decides). For the socket, the groups of Postfix's
 * mail_owner count (Debian's Postfix keeps the supplementary ones).
 * Never: changes a file, fails the check, runs anything but postconf.
 */
#include "dm_autoconf.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostcheck.h"
#include "mta_lint.h"
#include "perms.h"
#include "startup.h"

#define POSTCONF "/usr/sbin/postconf"
#define POSTFIX_MAIN_CF "/etc/postfix/main.cf"
#define SENDMAIL_CF "/etc/mail/sendmail.cf"
#define MAX_GROUPS 256

struct runuser {
	const char *name;
	uid_t uid;
	gid_t gids[MAX_GROUPS];
	size_t ngids;
};

static void warn_writable(const struct runuser *ru, const char *path, int is_dir,
                          void (*warn)(void *, const char *), void *user, int *n)
{
	struct stat st;
	char text[1200];

	if (path == NULL || path[0] == '\0' || stat(path, &st) < 0)
		return;
	if (!dm_perm_allows((unsigned)st.st_mode & 07777, st.st_uid, st.st_gid, ru->uid, ru->gids, ru->ngids, 2))
		return;
	snprintf(text, sizeof(text), "%s can be changed by user %s, whom doorman runs as: that user could "
	         "choose user, pidfile and socket for the next start as root; make the %s root's and not "
	         "writable by group or others (chown root: %s; chmod go-w %s)", path, ru->name,
	         is_dir ? "directory" : "file", path, path);
	warn(user, text);
	(*n)++;
}

static int check_user_files(const struct dm_config *cfg, const char *config_path,
                            void (*warn)(void *, const char *), void *user)
{
	struct runuser ru;
	struct passwd *pw;
	char dir[4096], *slash;
	int n = 0, ng = MAX_GROUPS;
	size_t i;

	if (cfg->user[0] == '\0' || strcmp(cfg->user, "root") == 0) {
		if (geteuid() == 0) {
			warn(user, "user is empty: doorman runs as root, and so does every session's parsing of "
			     "what clients send; set user = doorman (adduser --system --group doorman)");
			n++;
		}
		return n;
	}
	if ((pw = getpwnam(cfg->user)) == NULL)
		return n;               /* the start says so, as an error */
	ru.name = cfg->user;
	ru.uid = pw->pw_uid;
	if (getgrouplist(pw->pw_name, pw->pw_gid, ru.gids, &ng) < 0)
		ng = MAX_GROUPS;
	ru.ngids = (size_t)ng;
	warn_writable(&ru, config_path, 0, warn, user, &n);
	snprintf(dir, sizeof(dir), "%s", config_path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		warn_writable(&ru, dir, 1, warn, user, &n);
	}
	if (strcmp(dir, cfg->policy_dir) != 0)
		warn_writable(&ru, cfg->policy_dir, 1, warn, user, &n);
	if (cfg->def != NULL)
		warn_writable(&ru, cfg->def->file, 0, warn, user, &n);
	for (i = 0; i < cfg->npolicies; i++)
		warn_writable(&ru, cfg->policies[i]->file, 0, warn, user, &n);
	return n;
}

/* All of a command's output (at most 64 KiB), or NULL. */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *buf;
	size_t n = 0, r;

	if (p == NULL)
		return NULL;
	buf = malloc(65536);
	while (buf != NULL && n < 65535 && (r = fread(buf + n, 1, 65535 - n, p)) > 0)
		n += r;
	if (pclose(p) != 0 || buf == NULL) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static const char *group_name(gid_t gid, char *buf, size_t len)
{
	struct group *g = getgrgid(gid);

	if (g != NULL)
		snprintf(buf, len, "%s", g->gr_name);
	else
		snprintf(buf, len, "%lu", (unsigned long)gid);
	return buf;
}

/* Can Postfix's mail_owner (with all its groups) connect to the unix
 * socket? When it does not exist yet: as doorman will make it (owner
 * `user`, its group, or the directory's with the setgid bit; socket_mode). */
static int postfix_can_write(const struct dm_config *cfg, const struct dm_postfix *pf, char *why, size_t whylen)
{
	const char *path = dm_unix_path(cfg->socket);
	struct passwd *pfu = getpwnam(pf->mail_owner[0] ? pf->mail_owner : "postfix");
	struct passwd *du = cfg->user[0] ? getpwnam(cfg->user) : NULL;
	struct stat st, dst;
	char dir[4096], *slash, pg[64], sg[64];
	unsigned mode;
	uid_t owner;
	gid_t group, pgid, gids[MAX_GROUPS];
	int ng = MAX_GROUPS;

	if (path == NULL || pfu == NULL)
		return -1;
	pgid = pfu->pw_gid;
	group_name(pgid, pg, sizeof(pg));
	if (getgrouplist(pfu->pw_name, pgid, gids, &ng) < 0)
		ng = MAX_GROUPS;
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return -1;
	*slash = '\0';
	if (stat(dir, &dst) < 0)
		return -1;              /* doorman makes it, 0755 */
	if (!dm_perm_allows((unsigned)dst.st_mode & 07777, dst.st_uid, dst.st_gid, pfu->pw_uid, gids, (size_t)ng, 1)) {
		snprintf(why, whylen, "it cannot enter %.200s; make that "
		         "directory's group %s with the setgid bit: chgrp %s %.200s; chmod 2750 %.200s", dir, pg, pg, dir, dir);
		return 0;
	}
	if (stat(path, &st) == 0) {
		mode = (unsigned)st.st_mode & 07777;
		owner = st.st_uid;
		group = st.st_gid;
	} else {
		mode = cfg->socket_mode;
		owner = du ? du->pw_uid : geteuid();
		group = (dst.st_mode & S_ISGID) ? dst.st_gid : (du ? du->pw_gid : getegid());
	}
	if (dm_perm_allows(mode, owner, group, pfu->pw_uid, gids, (size_t)ng, 2))
		return 1;
	snprintf(why, whylen, "socket mode %04o, group %s: give %.200s "
	         "group %s with the setgid bit (chgrp %s %.200s; chmod 2750 %.200s) and set socket_mode = 0660",
	         mode, group_name(group, sg, sizeof(sg)), dir, pg, pg, dir, dir);
	return 0;
}

static int check_postfix(const struct dm_config *cfg, void (*warn)(void *, const char *), void *user)
{
	struct dm_postfix pf;
	char *master, *main_cf, why[1200] = "";
	int n = 0, can;

	if (access(POSTCONF, X_OK) != 0 || access(POSTFIX_MAIN_CF, R_OK) != 0)
		return 0;
	memset(&pf, 0, sizeof(pf));
	master = run(POSTCONF " -M 2>/dev/null");
	main_cf = run(POSTCONF " queue_directory smtpd_milters milter_default_action milter_protocol mail_owner "
	              "2>/dev/null");
	if (master != NULL && main_cf != NULL) {
		dm_postfix_parse_master(master, &pf);
		dm_postfix_parse_main(main_cf, &pf);
		can = postfix_can_write(cfg, &pf, why, sizeof(why));
		n = dm_postfix_lint(&pf, cfg->socket, can, why, warn, user);
	}
	free(master);
	free(main_cf);
	return n;
}

static int check_sendmail(const struct dm_config *cfg, void (*warn)(void *, const char *), void *user)
{
	FILE *f = fopen(SENDMAIL_CF, "r");
	char *text;
	size_t n;
	int w = 0;

	if (f == NULL)
		return 0;
	text = malloc(1 << 20);
	if (text != NULL) {
		n = fread(text, 1, (1 << 20) - 1, f);
		text[n] = '\0';
		w = dm_sendmail_lint(text, cfg->socket, warn, user);
		free(text);
	}
	fclose(f);
	return w;
}

int dm_hostcheck(const struct dm_config *cfg, const char *config_path,
                 void (*warn)(void *user, const char *text), void *user)
{
	return check_user_files(cfg, config_path, warn, user) + check_postfix(cfg, warn, user) +
	       check_sendmail(cfg, warn, user);
}

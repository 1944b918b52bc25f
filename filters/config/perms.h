/*
 * perms.h - who may change a file: the owner/group/mode rule of the kernel,
 * as a pure function, for doorman -n (configuration its run user can
 * write, a milter socket the MTA's user cannot).
 */
#ifndef DOORMAN_PERMS_H
#define DOORMAN_PERMS_H

#include <stddef.h>
#include <sys/types.h>

/* 1 if a process running as uid with the groups gids[0..ngids) has the
 * access bits want (2 = write, 4 = read, 1 = execute/search) on a file of
 * owner, group and mode; root has them all. ACLs are not considered. */
int dm_perm_allows(unsigned mode, uid_t owner, gid_t group, uid_t uid, const gid_t *gids, size_t ngids,
                   unsigned want);

#endif

/*
 * perms.c - the owner/group/other permission rule (see perms.h).
 *
 * Does: picks the one class of bits that applies (owner, else group, else
 * other, as the kernel does: an owner without the bit is refused even if
 * others have it). Never: looks at the file system.
 */
#include "perms.h"

int dm_perm_allows(unsigned mode, uid_t owner, gid_t group, uid_t uid, const gid_t *gids, size_t ngids,
                   unsigned want)
{
	size_t i;
	unsigned bits;

	if (uid == 0)
		return 1;
	if (uid == owner) {
		bits = (mode >> 6) & 7;
	} else {
		bits = mode & 7;
		for (i = 0; i < ngids; i++) {
			if (gids[i] == group) {
				bits = (mode >> 3) & 7;
				break;
			}
		}
	}
	return (bits & want) == want;
}

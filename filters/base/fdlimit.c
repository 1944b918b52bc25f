/*
 * fdlimit.c - the process's file descriptor limit and a count of the
 * sockets that failed for lack of descriptors.
 *
 * Does: raises the soft limit to the hard one, counts /proc/self/fd.
 * Never logs, never fails the caller: a shortage is only counted.
 */
#include <dirent.h>
#include <errno.h>
#include <sys/resource.h>

#include "fdlimit.h"

static unsigned long shortages[DM_FD_USERS];

int dm_fd_raise_limit(unsigned long *soft, unsigned long *hard)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit want = rl;

		want.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			rl = want;
	}
	*soft = (unsigned long)rl.rlim_cur;
	*hard = (unsigned long)rl.rlim_max;
	return 0;
}

unsigned long dm_fd_limit(void)
{
	struct rlimit rl;

	return getrlimit(RLIMIT_NOFILE, &rl) == 0 ? (unsigned long)rl.rlim_cur : 0;
}

long dm_fd_in_use(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	long n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;      /* the directory's own descriptor */
}

int dm_fd_note(enum dm_fd_user who, int e)
{
	if ((e != EMFILE && e != ENFILE) || (unsigned)who >= DM_FD_USERS)
		return 0;
	__atomic_add_fetch(&shortages[who], 1, __ATOMIC_RELAXED);
	return 1;
}

unsigned long dm_fd_shortages(enum dm_fd_user who)
{
	return (unsigned)who < DM_FD_USERS ? __atomic_load_n(&shortages[who], __ATOMIC_RELAXED) : 0;
}

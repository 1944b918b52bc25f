/*
 * seam.c - the libmilter side of the seam, and reply helpers on top of it.
 */
#include <string.h>

#include "seam.h"
#include "text.h"

static const struct dm_seam libmilter_seam = {
	smfi_getpriv, smfi_setpriv, smfi_getsymval, smfi_setreply, smfi_setsymlist,
};

const struct dm_seam *dm_smfi = &libmilter_seam;

int dm_setreply(SMFICTX *ctx, const char *code, const char *xcode, const char *text)
{
	char esc[1100], c[4], x[10];

	if (dm_percent_escape(text, esc, sizeof(esc)) < 0)
		return -1;
	strncpy(c, code, sizeof(c) - 1);
	c[sizeof(c) - 1] = '\0';
	strncpy(x, xcode, sizeof(x) - 1);
	x[sizeof(x) - 1] = '\0';
	return dm_smfi->setreply(ctx, c, x, esc) == MI_SUCCESS ? 0 : -1;
}

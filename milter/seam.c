/*
 * seam.c - the libmilter side of the seam, and reply helpers on top of it.
 */
#include <stdio.h>
#include <string.h>

#include "seam.h"
#include "reply.h"
#include "text.h"

static const struct dm_seam libmilter_seam = {
	smfi_getpriv, smfi_setpriv, smfi_getsymval, smfi_setreply, smfi_setsymlist,
	smfi_addheader, smfi_chgheader, smfi_quarantine,
};

const struct dm_seam *dm_smfi = &libmilter_seam;

void dm_symval(SMFICTX *ctx, const char *name, char *out, size_t outlen, size_t max)
{
	char n[64];

	snprintf(n, sizeof(n), "%s", name);
	dm_cleans(out, outlen, dm_smfi->getsymval(ctx, n), max);
}

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

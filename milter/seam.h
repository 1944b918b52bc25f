/*
 * seam.h - every libmilter call the callbacks make goes through dm_smfi, so
 * unit tests can drive the callbacks without an MTA by swapping the table.
 */
#ifndef DOORMAN_SEAM_H
#define DOORMAN_SEAM_H

#include <libmilter/mfapi.h>

struct dm_seam {
	void *(*getpriv)(SMFICTX *ctx);
	int (*setpriv)(SMFICTX *ctx, void *priv);
	char *(*getsymval)(SMFICTX *ctx, char *name);
	int (*setreply)(SMFICTX *ctx, char *rcode, char *xcode, char *message);
	int (*setsymlist)(SMFICTX *ctx, int stage, char *macros);
};

/* Points at the libmilter implementation unless a test replaces it. */
extern const struct dm_seam *dm_smfi;

/* Set an SMTP reply: text is plain (doubles '%' itself). Returns 0 or -1. */
int dm_setreply(SMFICTX *ctx, const char *code, const char *xcode, const char *text);

#endif

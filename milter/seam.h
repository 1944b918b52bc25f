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
	int (*addheader)(SMFICTX *ctx, char *name, char *value);
	int (*chgheader)(SMFICTX *ctx, char *name, int idx, char *value);   /* value NULL: delete */
	int (*quarantine)(SMFICTX *ctx, char *reason);
};

/* Points at the libmilter implementation unless a test replaces it. */
extern const struct dm_seam *dm_smfi;

/* A macro's value, cleaned and bounded to max; "" when absent. */
void dm_symval(SMFICTX *ctx, const char *name, char *out, size_t outlen, size_t max);

/* Set an SMTP reply: text is plain (doubles '%' itself). Returns 0 or -1. */
int dm_setreply(SMFICTX *ctx, const char *code, const char *xcode, const char *text);

#endif

/*
 * callbacks.h - the libmilter callbacks and the filter description.
 */
#ifndef DOORMAN_CALLBACKS_H
#define DOORMAN_CALLBACKS_H

#include <libmilter/mfapi.h>

extern struct smfiDesc dm_filter;

sfsistat dm_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr);
sfsistat dm_helo(SMFICTX *ctx, char *helohost);
sfsistat dm_envfrom(SMFICTX *ctx, char **argv);
sfsistat dm_envrcpt(SMFICTX *ctx, char **argv);
sfsistat dm_header(SMFICTX *ctx, char *name, char *value);
sfsistat dm_eoh(SMFICTX *ctx);
sfsistat dm_body(SMFICTX *ctx, unsigned char *chunk, size_t len);
sfsistat dm_eom(SMFICTX *ctx);
sfsistat dm_abort(SMFICTX *ctx);
sfsistat dm_close(SMFICTX *ctx);
sfsistat dm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                      unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                      unsigned long *pf2, unsigned long *pf3);

#endif

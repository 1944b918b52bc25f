/*
 * hostcheck.h - doorman -n looks around the host: a run as root, files of
 * the configuration the run user can change, and the MTA's side (Postfix's
 * postconf, Sendmail's sendmail.cf). Warnings only, never an error.
 */
#ifndef DOORMAN_HOSTCHECK_H
#define DOORMAN_HOSTCHECK_H

#include "config.h"

/* Call warn once per problem; returns how many. config_path: the main file. */
int dm_hostcheck(const struct dm_config *cfg, const char *config_path,
                 void (*warn)(void *user, const char *text), void *user);

#endif

/*
 * config_lint.h - checks that are on but cannot act (the forgotten
 * blocklist: [dnsbl] enforced while [dns] zones is empty), and a metrics
 * listener off loopback. Warnings, not errors: doorman -n, the start and
 * each reload say them.
 */
#ifndef DOORMAN_CONFIG_LINT_H
#define DOORMAN_CONFIG_LINT_H

#include <stddef.h>

#include "config.h"

/* Call warn once per problem with a one-line text; returns how many. */
int dm_config_lint(const struct dm_config *cfg, void (*warn)(void *user, const char *text), void *user);

#endif

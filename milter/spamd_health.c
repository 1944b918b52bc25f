/*
 * spamd_health.c - GTUBE through each spamd server, at start, at each
 * reload and with every self-test round (see spamd_health.h).
 *
 * A server that cannot be reached is left to failover and backoff; only a
 * server that gives a verdict, and the wrong one, is taken out of use.
 */
#include <stdio.h>

#include "log.h"
#include "runtime.h"
#include "spamd.h"
#include "spamd_health.h"

#define SELFTEST_MAX_MS 20000

int dm_spamd_selftest_run(const struct dm_config *cfg, FILE *report)
{
	struct spamd_pool *pool = dm_spamd_pool();
	unsigned timeout = cfg->spamd_timeout_ms < SELFTEST_MAX_MS ? cfg->spamd_timeout_ms : SELFTEST_MAX_MS;
	struct spamd_answer a;
	size_t i;
	int misses = 0;

	for (i = 0; i < cfg->nspamd; i++) {
		const struct spamd_backend *b = &cfg->spamd[i];
		enum spamd_selftest t = spamd_selftest(b, cfg->spamd_connect_timeout_ms, timeout, &a);
		int was = -1;

		if (t != SPAMD_UNREACHABLE && pool != NULL && report == NULL)
			was = spamd_pool_set_usable(pool, b->name, t == SPAMD_FLAGS_GTUBE);
		if (t == SPAMD_MISSES_GTUBE) {
			misses++;
			if (was != 0 && report == NULL)
				dm_log(LOG_ERR, "spamd %s does not flag GTUBE (Spam: %s ; %.2f / %.2f): it does not read "
				       "messages as doorman sends them (rspamd, for one, needs a Content-length); no "
				       "message goes to it until a self-test passes", b->name,
				       a.reply.is_spam ? "True" : "False", a.reply.score, a.reply.threshold);
		} else if (t == SPAMD_FLAGS_GTUBE && was == 0) {
			dm_log(LOG_NOTICE, "spamd %s flags GTUBE again: back in use", b->name);
		}
		if (report != NULL)
			fprintf(report, "; spamd %s: %s (%s)\n", b->name,
			        t == SPAMD_FLAGS_GTUBE ? "flags GTUBE" : t == SPAMD_MISSES_GTUBE ?
			        "DOES NOT FLAG GTUBE: no message would go to it" : "unreachable now",
			        t == SPAMD_UNREACHABLE ? a.error : a.reply.is_spam ? "spam" : "not spam");
	}
	return misses;
}

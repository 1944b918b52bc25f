/*
 * runtime.c - the process's runtime state (see runtime.h): the spamd pool
 * and the DNS cache, which outlive configuration snapshots, and the session
 * counters the stop path and the monitor read. Counters are atomic: no lock
 * on the session path. The others read this state; it calls none of them.
 */
#include <stddef.h>

#include "dnscache.h"
#include "runtime.h"
#include "spamd.h"

static struct spamd_pool *pool;
static struct dm_dnscache *cache;
static unsigned sessions;
static int stopping;

static int configure_pool(const struct dm_config *cfg)
{
	struct spamd_pool *p = __atomic_load_n(&pool, __ATOMIC_ACQUIRE);

	if (p != NULL)
		return spamd_pool_configure(p, cfg->spamd, cfg->nspamd, cfg->spamd_max_parallel,
		                            cfg->spamd_backoff_ms);
	if (cfg->nspamd == 0)
		return 0;
	p = spamd_pool_new(cfg->spamd, cfg->nspamd, cfg->spamd_max_parallel, cfg->spamd_backoff_ms);
	if (p == NULL)
		return -1;
	/* set once, never freed while the process runs: sessions hold slots of it */
	__atomic_store_n(&pool, p, __ATOMIC_RELEASE);
	return 0;
}

int dm_runtime_configure(const struct dm_config *cfg)
{
	return configure_pool(cfg);
}

struct spamd_pool *dm_spamd_pool(void)
{
	return __atomic_load_n(&pool, __ATOMIC_ACQUIRE);
}

void dm_session_opened(void)
{
	__atomic_add_fetch(&sessions, 1, __ATOMIC_RELAXED);
}

void dm_session_closed(void)
{
	__atomic_sub_fetch(&sessions, 1, __ATOMIC_RELAXED);
}

unsigned dm_sessions_open(void)
{
	return __atomic_load_n(&sessions, __ATOMIC_RELAXED);
}

void dm_runtime_set_stopping(void)
{
	__atomic_store_n(&stopping, 1, __ATOMIC_RELEASE);
}

int dm_runtime_stopping(void)
{
	return __atomic_load_n(&stopping, __ATOMIC_ACQUIRE);
}

int dm_dns_cache_init(const struct dm_config *cfg)
{
	if (cfg->cache_size == 0)
		return 0;
	cache = dm_dnscache_new(cfg->cache_size, cfg->cache_min_ttl, cfg->cache_max_ttl);
	return cache != NULL ? 0 : -1;
}

struct dm_dnscache *dm_dns_cache(void)
{
	return cache;
}

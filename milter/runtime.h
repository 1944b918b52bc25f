/*
 * runtime.h - state that belongs to the running process, not to one
 * configuration snapshot: the spamd pool (slots in flight, backoff), the
 * DNS cache, the count of open sessions, and whether doorman is stopping.
 */
#ifndef DOORMAN_RUNTIME_H
#define DOORMAN_RUNTIME_H

#include "config.h"

struct dm_dnscache;

/* Configure the process's spamd pool from cfg (created on first use).
 * Call at start and at each reload, before the snapshot is published, then
 * dm_metrics_configure (main.c's configure_process does both).
 * Returns 0, or -1 (out of memory: the pool keeps its old list). */
int dm_runtime_configure(const struct dm_config *cfg);

/* The pool; NULL until a configuration with spamd servers was seen. */
struct spamd_pool *dm_spamd_pool(void);

/* The DNS answer cache, made from cfg at start (cache_size 0: none; a
 * reload does not resize it). Call once, before threads. 0, or -1. */
int dm_dns_cache_init(const struct dm_config *cfg);
struct dm_dnscache *dm_dns_cache(void);

/* Sessions: counted from CONNECT to close, unless refused while stopping. */
void dm_session_opened(void);
void dm_session_closed(void);
unsigned dm_sessions_open(void);

/* Stopping: from now on new sessions are refused (4xx) while the open
 * ones finish. */
void dm_runtime_set_stopping(void);
int dm_runtime_stopping(void);

#endif

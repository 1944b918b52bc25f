/*
 * config.h - doorman's configuration: the main file and the per-domain
 * policies of policy.d/, loaded into one immutable snapshot.
 *
 * Loading is all-or-nothing: every error is collected as "file:line: message"
 * and no snapshot is returned if there is any. A snapshot is never changed
 * after dm_config_load() returns; the milter pins it per connection
 * (milter/snapshot.c) and frees it when the last user lets go.
 */
#ifndef DOORMAN_CONFIG_H
#define DOORMAN_CONFIG_H

#include <stdio.h>

#include "dnsbl.h"
#include "helo.h"
#include "iniparse.h"
#include "netaddr.h"
#include "policy.h"
#include "rhsbl.h"
#include "spamd.h"
#include "reply.h"
#include "text.h"

enum dm_log_target { DM_LOG_SYSLOG = 0, DM_LOG_STDERR };

struct dm_config {
	char *file;
	char *socket;
	unsigned socket_mode;
	char *user;
	char *pidfile;
	char *policy_dir;
	int policy_dir_explicit;         /* set in the file: it must exist */
	char **hostnames;
	size_t nhostnames;
	struct dm_addr *addresses;
	size_t naddresses;
	struct dm_cidr *trusted;
	size_t ntrusted;
	enum dm_log_target log;
	int log_facility;                /* LOG_MAIL ... */
	char *log_facility_name;
	unsigned stop_timeout_ms;        /* at stop, how long open sessions may take to finish */
	char *metrics_listen;            /* "" = off; else "127.0.0.1:9465", "[::1]:9465" (read at start only) */
	char *dns_servers;               /* "" = /etc/resolv.conf; else c-ares servers_ports csv */
	unsigned dns_timeout_ms;
	struct dnsbl_zone *zones;        /* [dns] zones, in the order given */
	size_t nzones;
	struct dnsbl_zone *rhsbl[DM_RHSBL_TARGETS];   /* [dns] rhsbl_helo, rhsbl_client, rhsbl_sender */
	size_t nrhsbl[DM_RHSBL_TARGETS];
	unsigned cache_size;             /* entries; 0 = no cache (read at start only) */
	unsigned cache_min_ttl, cache_max_ttl;
	unsigned selftest_interval;      /* seconds between zone self-tests; 0 = never */
	int want_txt;                    /* some policy's dnsbl reply uses %t */
	int want_rdns;                   /* some policy checks the client's rDNS */
	int want_sender_dns;             /* some policy checks the sender domain exists */
	int want_explain;                /* some policy adds X-Doorman: headers are needed */
	struct spamd_backend spamd[SPAMD_BACKENDS_MAX];   /* [spamd] servers, in order */
	size_t nspamd;
	unsigned spamd_connect_timeout_ms, spamd_timeout_ms, spamd_max_parallel, spamd_backoff_ms;
	unsigned long spamd_max_size;    /* bytes sent to spamd at most */
	struct dm_policy *def;           /* policy.d/default.conf over the built-in defaults */
	struct dm_policy **policies;     /* per domain, sorted by name */
	size_t npolicies;
	unsigned refs;                   /* managed by milter/snapshot.c */
	unsigned long generation;        /* load order (milter/snapshot.c): a newer one is never replaced by an older */
};

#define DM_CONFIG_FILE SYSCONFDIR "/doorman/doorman.conf"
#define DM_METRICS_PORT 9465             /* metrics_listen without a port */

/* Load path and every policy.d/\*.conf. Returns NULL if errs got any error. */
struct dm_config *dm_config_load(const char *path, struct dm_errors *errs);
void dm_config_free(struct dm_config *cfg);

/* Pure parser, one entry point (fuzzable). cfg must come from
 * dm_config_defaults(). */
struct dm_config *dm_config_defaults(void);
int dm_config_parse(struct dm_config *cfg, const char *text, size_t len, const char *file,
                    struct dm_errors *errs);
/* Load cfg->policy_dir (policydir.c) into cfg->def and cfg->policies. */
void dm_policydir_load(struct dm_config *cfg, struct dm_errors *errs);

/* The policy of a recipient domain: the exact domain, then each parent
 * domain, then the default. Never NULL. */
const struct dm_policy *dm_policy_for_domain(const struct dm_config *cfg, const char *domain);

/* Print the effective configuration and every policy in config syntax. */
void dm_config_dump(const struct dm_config *cfg, FILE *out);

#endif

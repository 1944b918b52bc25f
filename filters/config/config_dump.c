/*
 * config_dump.c - doorman -d: the effective configuration and every
 * policy, after defaults and inheritance, in configuration file syntax.
 */
#include <stdio.h>
#include <sys/socket.h>

#include "config.h"

static void dump_list(FILE *out, int width, const char *key, char **items, size_t n)
{
	struct dm_dump_list l;
	size_t i;

	dm_dump_list_begin(&l, out, width, key);
	for (i = 0; i < n; i++)
		dm_dump_list_item(&l, items[i]);
	dm_dump_list_end(&l);
}

void dm_config_dump(const struct dm_config *cfg, FILE *out)
{
	struct dm_dump_list l;
	size_t i;
	int t;
	char buf[64];

	fprintf(out, "; %s\n[doorman]\n", cfg->file ? cfg->file : "(defaults)");
	fprintf(out, "%-16s = %s\n", "socket", cfg->socket);
	fprintf(out, "%-16s = %04o\n", "socket_mode", cfg->socket_mode);
	fprintf(out, "%-16s = %s\n", "user", cfg->user);
	fprintf(out, "%-16s = %s\n", "pidfile", cfg->pidfile);
	fprintf(out, "%-16s = %s\n", "policy_dir", cfg->policy_dir);
	dump_list(out, 16, "hostnames", cfg->hostnames, cfg->nhostnames);
	dm_dump_list_begin(&l, out, 16, "addresses");
	for (i = 0; i < cfg->naddresses; i++)
		dm_dump_list_item(&l, dm_addr_format(&cfg->addresses[i], buf, sizeof(buf)));
	dm_dump_list_end(&l);
	dm_dump_list_begin(&l, out, 16, "trusted_networks");
	for (i = 0; i < cfg->ntrusted; i++) {
		char net[80];

		snprintf(net, sizeof(net), "%s/%u", dm_addr_format(&cfg->trusted[i].addr, buf, sizeof(buf)),
		         cfg->trusted[i].prefix);
		dm_dump_list_item(&l, net);
	}
	dm_dump_list_end(&l);
	fprintf(out, "%-16s = %s\n", "log", cfg->log == DM_LOG_STDERR ? "stderr" : "syslog");
	fprintf(out, "%-16s = %s\n", "log_facility", cfg->log_facility_name);
	fprintf(out, "%-16s = %u\n", "stop_timeout_ms", cfg->stop_timeout_ms);
	fprintf(out, "%-16s = %s\n", "metrics_listen", cfg->metrics_listen);
	fprintf(out, "\n[dns]\n%-16s = %s\n", "servers",
	        cfg->dns_servers[0] ? cfg->dns_servers : "; (from /etc/resolv.conf)");
	fprintf(out, "%-16s = %u\n", "timeout_ms", cfg->dns_timeout_ms);
	fprintf(out, "%-16s =", "zones");
	for (i = 0; i < cfg->nzones; i++)
		fprintf(out, "%s%s", i ? ",\n    " : " ", cfg->zones[i].spec);
	for (t = 0; t < DM_RHSBL_TARGETS; t++) {
		fprintf(out, "\n%-16s =", t == DM_RHSBL_HELO ? "rhsbl_helo" : t == DM_RHSBL_CLIENT ? "rhsbl_client"
		                                                                                : "rhsbl_sender");
		for (i = 0; i < cfg->nrhsbl[t]; i++)
			fprintf(out, "%s%s", i ? ",\n    " : " ", cfg->rhsbl[t][i].spec);
	}
	fprintf(out, "\n%-16s = %u\n", "cache_size", cfg->cache_size);
	fprintf(out, "%-16s = %u\n", "cache_min_ttl", cfg->cache_min_ttl);
	fprintf(out, "%-16s = %u\n", "cache_max_ttl", cfg->cache_max_ttl);
	fprintf(out, "%-16s = %u\n", "selftest_interval", cfg->selftest_interval);
	fprintf(out, "\n[spamd]\n%s", cfg->nspamd ? "" : "; no servers: no content scan\n;");
	dm_dump_list_begin(&l, out, 18, "servers");
	for (i = 0; i < cfg->nspamd; i++)
		dm_dump_list_item(&l, cfg->spamd[i].name);
	dm_dump_list_end(&l);
	fprintf(out, "%-18s = %u\n%-18s = %u\n%-18s = %lu\n%-18s = %u\n%-18s = %u\n",
	        "connect_timeout_ms", cfg->spamd_connect_timeout_ms,
	        "timeout_ms", cfg->spamd_timeout_ms, "max_size", cfg->spamd_max_size,
	        "max_parallel", cfg->spamd_max_parallel, "backoff_ms", cfg->spamd_backoff_ms);
	if (cfg->def != NULL)
		dm_policy_dump(cfg->def, out);
	for (i = 0; i < cfg->npolicies; i++)
		dm_policy_dump(cfg->policies[i], out);
}

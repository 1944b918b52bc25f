/*
 * config.c - the main configuration file (doorman.conf) and the loader that
 * builds one immutable snapshot from it and from policy.d/.
 *
 * Returns a snapshot only when every line of every file is valid; otherwise
 * NULL and one "file:line: message" per problem. Never logs, never exits.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "hostname.h"
#include "hostport.h"

enum ktype { K_STR, K_PATH, K_SOCKET, K_OCTAL, K_NAMES, K_ADDRS, K_CIDRS, K_LOG, K_FACILITY,
             K_DNS_SERVERS, K_MS, K_UINT, K_ZONES, K_SPAMD, K_SIZE, K_LISTEN };

struct key {
	const char *section, *name;
	enum ktype type;
	size_t off;
	unsigned min, max;          /* K_MS, K_UINT bounds */
};

#define O(f) offsetof(struct dm_config, f)
static const struct key main_keys[] = {
	{ "doorman", "socket",           K_SOCKET,      O(socket), 0, 0 },
	{ "doorman", "socket_mode",      K_OCTAL,       O(socket_mode), 0, 0 },
	{ "doorman", "user",             K_STR,         O(user), 0, 0 },
	{ "doorman", "pidfile",          K_PATH,        O(pidfile), 0, 0 },
	{ "doorman", "policy_dir",       K_STR,         O(policy_dir), 0, 0 },
	{ "doorman", "hostnames",        K_NAMES,       O(hostnames), 0, 0 },
	{ "doorman", "addresses",        K_ADDRS,       O(addresses), 0, 0 },
	{ "doorman", "trusted_networks", K_CIDRS,       O(trusted), 0, 0 },
	{ "doorman", "log",              K_LOG,         O(log), 0, 0 },
	{ "doorman", "log_facility",     K_FACILITY,    O(log_facility_name), 0, 0 },
	{ "doorman", "stop_timeout_ms",  K_MS,          O(stop_timeout_ms), 0, 600000 },
	{ "doorman", "metrics_listen",   K_LISTEN,      O(metrics_listen), 0, 0 },
	{ "dns",     "servers",          K_DNS_SERVERS, O(dns_servers), 0, 0 },
	{ "dns",     "timeout_ms",       K_MS,          O(dns_timeout_ms), 100, 20000 },
	{ "dns",     "zones",            K_ZONES,       O(zones), 0, 0 },
	{ "dns",     "rhsbl_helo",       K_ZONES,       O(rhsbl[DM_RHSBL_HELO]), DM_RHSBL_HELO + 1, 0 },
	{ "dns",     "rhsbl_client",     K_ZONES,       O(rhsbl[DM_RHSBL_CLIENT]), DM_RHSBL_CLIENT + 1, 0 },
	{ "dns",     "rhsbl_sender",     K_ZONES,       O(rhsbl[DM_RHSBL_SENDER]), DM_RHSBL_SENDER + 1, 0 },
	{ "dns",     "cache_size",       K_UINT,        O(cache_size), 0, 1000000 },
	{ "dns",     "cache_min_ttl",    K_UINT,        O(cache_min_ttl), 0, 86400 },
	{ "dns",     "cache_max_ttl",    K_UINT,        O(cache_max_ttl), 0, 604800 },
	{ "dns",     "selftest_interval", K_UINT,       O(selftest_interval), 0, 86400 },
	{ "spamd",   "servers",          K_SPAMD,       O(spamd), 0, 0 },
	{ "spamd",   "connect_timeout_ms", K_MS,        O(spamd_connect_timeout_ms), 100, 60000 },
	{ "spamd",   "timeout_ms",       K_MS,          O(spamd_timeout_ms), 1000, 600000 },
	{ "spamd",   "max_size",         K_SIZE,        O(spamd_max_size), 0, 0 },
	{ "spamd",   "max_parallel",     K_UINT,        O(spamd_max_parallel), 1, 1000 },
	{ "spamd",   "backoff_ms",       K_UINT,        O(spamd_backoff_ms), 0, 600000 },
};
#undef O

static const struct { const char *name; int value; } facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

struct parse_ctx {
	struct dm_config *cfg;
	const char *file;
	struct dm_errors *errs;
};

static int set_str(char **dst, const char *v)
{
	char *s = strdup(v);

	if (s == NULL)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

/* Append (continuation) or replace the items of a list key. */
static int list_items(const char *v, char ***items, size_t *n)
{
	return dm_list_split(v, items, n);
}

/* A host name by filters/base/hostname.c's rules; NULL, or why not. */
static const char *hostname_problem(const char *s)
{
	enum dm_hostname_error e = dm_hostname_check(s, strlen(s), NULL, NULL);

	return e == DM_HN_OK ? NULL : dm_hostname_reason(e);
}

static void free_string(void *item)
{
	free(*(char **)item);
}

static void apply_names(struct parse_ctx *c, const char *v, int cont, int line)
{
	struct dm_config *cfg = c->cfg;
	const char *why;
	char **items, **grown;
	size_t n, i;

	if (list_items(v, &items, &n) < 0) {
		dm_errors_add(c->errs, c->file, line, "out of memory");
		return;
	}
	for (i = 0; i < n; i++)
		if ((why = hostname_problem(items[i])) != NULL)
			dm_errors_add(c->errs, c->file, line, "hostnames: '%.100s' is not a hostname (%s)", items[i], why);
	grown = dm_list_grow(cfg->hostnames, &cfg->nhostnames, sizeof(char *), n, cont, free_string);
	if (grown == NULL) {
		dm_list_free(items);
		dm_errors_add(c->errs, c->file, line, "out of memory");
		return;
	}
	cfg->hostnames = grown;
	for (i = 0; i < n; i++)
		grown[cfg->nhostnames++] = dm_lower(items[i]);
	free(items);                 /* the strings moved into the config */
}

static void apply_addrs(struct parse_ctx *c, const char *key, const char *v, int cont, int line,
                        int cidr)
{
	char **items;
	size_t n, i, sz = cidr ? sizeof(struct dm_cidr) : sizeof(struct dm_addr);
	size_t *cnt = cidr ? &c->cfg->ntrusted : &c->cfg->naddresses;
	void **arr = cidr ? (void **)&c->cfg->trusted : (void **)&c->cfg->addresses;
	unsigned char *grown;

	if (list_items(v, &items, &n) < 0) {
		dm_errors_add(c->errs, c->file, line, "out of memory");
		return;
	}
	grown = dm_list_grow(*arr, cnt, sz, n, cont, NULL);
	if (grown == NULL) {
		dm_list_free(items);
		dm_errors_add(c->errs, c->file, line, "out of memory");
		return;
	}
	*arr = grown;
	for (i = 0; i < n; i++) {
		int bad = cidr ? dm_cidr_parse(items[i], (struct dm_cidr *)(void *)(grown + (*cnt) * sz))
		               : dm_addr_parse(items[i], (struct dm_addr *)(void *)(grown + (*cnt) * sz));
		if (bad)
			dm_errors_add(c->errs, c->file, line, "%s: '%.100s' is not %s", key, items[i],
			              cidr ? "an address or network (like 192.0.2.0/24)" : "an IP address");
		else
			(*cnt)++;
	}
	dm_list_free(items);
}

/* c-ares wants an "ip:port,[ipv6]:port" csv; the entries are
 * filters/base/hostport.c's syntax, port 53 by default. */
static void apply_dns_servers(struct parse_ctx *c, const char *v, int cont, int line)
{
	char **items, *out, *grown, ip[64];
	size_t n, i, len;

	if (list_items(v, &items, &n) < 0) {
		dm_errors_add(c->errs, c->file, line, "out of memory");
		return;
	}
	out = strdup(cont && c->cfg->dns_servers ? c->cfg->dns_servers : "");
	for (i = 0; out != NULL && i < n; i++) {
		const char *s = items[i];
		struct dm_hostport hp;

		switch (dm_hostport_parse(s, 53, &hp)) {
		case DM_HP_OK:
			break;
		case DM_HP_NOT_IP:
			dm_errors_add(c->errs, c->file, line, "servers: '%.*s' is not an IP address",
			              (int)(hp.host_len < 100 ? hp.host_len : 100), s + hp.host_off);
			continue;
		case DM_HP_PORT:
			dm_errors_add(c->errs, c->file, line, "servers: bad port in '%.100s'", s);
			continue;
		default:
			dm_errors_add(c->errs, c->file, line, "servers: '%.100s' is not ip, ip:port or [ipv6]:port", s);
			continue;
		}
		dm_addr_format(&hp.addr, ip, sizeof(ip));
		len = strlen(out);
		grown = realloc(out, len + strlen(ip) + 16);
		if (grown == NULL) {
			free(out);
			out = NULL;
			break;
		}
		out = grown;
		snprintf(out + len, strlen(ip) + 16, hp.addr.family == AF_INET6 ? "%s[%s]:%u" : "%s%s:%u",
		         len ? "," : "", ip, hp.port);
	}
	dm_list_free(items);
	if (out == NULL) {
		dm_errors_add(c->errs, c->file, line, "out of memory");
		return;
	}
	free(c->cfg->dns_servers);
	c->cfg->dns_servers = out;
}

/* libmilter socket syntax: unix:/path, local:/path, /path, inet[6]:PORT@HOST. */
static int valid_socket(const char *v)
{
	const char *p, *at;
	char *end;
	long port;

	if (strncmp(v, "unix:", 5) == 0 || strncmp(v, "local:", 6) == 0)
		v = strchr(v, ':') + 1;
	if (v[0] == '/')
		return v[1] != '\0';
	if (strncmp(v, "inet:", 5) != 0 && strncmp(v, "inet6:", 6) != 0)
		return 0;
	p = strchr(v, ':') + 1;
	at = strchr(p, '@');
	port = strtol(p, &end, 10);
	if (!isdigit((unsigned char)*p) || port < 1 || port > 65535)
		return 0;
	return (at == NULL && *end == '\0') || (at == end && at[1] != '\0');
}

#define MAX_ZONES 32

/* [dns] zones (target 0), or a domain list (rhsbl_*: target - 1). */
static void apply_zones(struct parse_ctx *c, const struct key *k, const char *v, int cont, int line)
{
	char **items, err[200];
	size_t n, i, j, max = k->min ? DM_RHSBL_ZONES_MAX : MAX_ZONES;
	struct dnsbl_zone *grown, **zones = k->min ? &c->cfg->rhsbl[k->min - 1] : &c->cfg->zones;
	size_t *nzones = k->min ? &c->cfg->nrhsbl[k->min - 1] : &c->cfg->nzones;

	if (list_items(v, &items, &n) < 0) {
		dm_errors_add(c->errs, c->file, line, "out of memory");
		return;
	}
	grown = dm_list_grow(*zones, nzones, sizeof(*grown), n, cont, NULL);
	if (grown == NULL) {
		dm_list_free(items);
		dm_errors_add(c->errs, c->file, line, "out of memory");
		return;
	}
	*zones = grown;
	for (i = 0; i < n; i++) {
		struct dnsbl_zone *z = &grown[*nzones];
		if (dnsbl_zone_parse(items[i], z, err, sizeof(err)) < 0) {
			dm_errors_add(c->errs, c->file, line, "%s: '%.100s': %s", k->name, items[i], err);
			continue;
		}
		/* the same zone may come back with another filter (dnswl.org style);
		 * the same spec twice would count it twice */
		for (j = 0; j < *nzones; j++)
			if (strcmp(grown[j].spec, z->spec) == 0)
				break;
		if (j < *nzones) {
			dm_errors_add(c->errs, c->file, line, "%s: %s is listed twice", k->name, z->spec);
			continue;
		}
		if (*nzones == max) {
			dm_errors_add(c->errs, c->file, line, "%s: more than %zu zones", k->name, max);
			break;
		}
		(*nzones)++;
	}
	dm_list_free(items);
}

/* A number: K_OCTAL (a mode), K_MS, K_UINT within the key's bounds. */
static void apply_number(struct parse_ctx *c, const struct key *k, unsigned *field, const char *v, int line)
{
	int octal = k->type == K_OCTAL;
	unsigned long u;
	char *end;

	errno = 0;
	u = strtoul(v, &end, octal ? 8 : 10);
	if (octal && (*v == '\0' || *end != '\0' || errno || u > 0777)) {
		dm_errors_add(c->errs, c->file, line, "%s must be an octal mode like 0660, not '%.100s'", k->name, v);
		return;
	}
	if (!octal && (!isdigit((unsigned char)*v) || *end != '\0' || errno || u < k->min || u > k->max)) {
		dm_errors_add(c->errs, c->file, line, "%s must be %s from %u to %u, not '%.100s'", k->name,
		              k->type == K_MS ? "a number of milliseconds" : "a whole number", k->min, k->max, v);
		return;
	}
	*field = (unsigned)u;
}

/* A size: bytes, or with K or M, from 1K to 100M. */
static void apply_size(struct parse_ctx *c, const struct key *k, unsigned long *field, const char *v, int line)
{
	unsigned long u;
	char *end;

	errno = 0;
	u = strtoul(v, &end, 10);
	if (u > 100ul * 1024 * 1024)
		errno = ERANGE;            /* before scaling: no wrap-around */
	else if (*end == 'K' || *end == 'k')
		u *= 1024, end++;
	else if (*end == 'M' || *end == 'm')
		u *= 1024 * 1024, end++;
	if (!isdigit((unsigned char)*v) || *end != '\0' || errno || u < 1024 || u > 100ul * 1024 * 1024) {
		dm_errors_add(c->errs, c->file, line, "%s must be a size from 1K to 100M (bytes, or with K or M), not '%.100s'",
		              k->name, v);
		return;
	}
	*field = u;
}

/* A string: K_STR as it is, K_PATH absolute, K_SOCKET in libmilter's syntax. */
static void apply_string(struct parse_ctx *c, const struct key *k, char **field, const char *v, int line)
{
	if (k->type == K_SOCKET && !valid_socket(v)) {
		dm_errors_add(c->errs, c->file, line,
		              "socket must be unix:PATH, inet:PORT@HOST or inet6:PORT@HOST, not '%.100s'", v);
		return;
	}
	if (k->type == K_PATH && v[0] != '\0' && v[0] != '/') {
		dm_errors_add(c->errs, c->file, line, "%s must be an absolute path, not '%.100s'", k->name, v);
		return;
	}
	if (set_str(field, v) < 0)
		dm_errors_add(c->errs, c->file, line, "out of memory");
}

static void apply_log(struct parse_ctx *c, const struct key *k, const char *v, int line)
{
	size_t i;

	if (k->type == K_LOG) {
		if (strcmp(v, "syslog") == 0)
			c->cfg->log = DM_LOG_SYSLOG;
		else if (strcmp(v, "stderr") == 0)
			c->cfg->log = DM_LOG_STDERR;
		else
			dm_errors_add(c->errs, c->file, line, "log must be syslog or stderr, not '%.100s'", v);
		return;
	}
	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(v, facilities[i].name) == 0) {
			c->cfg->log_facility = facilities[i].value;
			if (set_str(&c->cfg->log_facility_name, v) < 0)
				dm_errors_add(c->errs, c->file, line, "out of memory");
			return;
		}
	dm_errors_add(c->errs, c->file, line, "log_facility must be mail, daemon, user or local0..local7, not '%.100s'", v);
}

/* metrics_listen: empty (off), or filters/base/hostport.c's address[:port],
 * kept in canonical form ("127.0.0.1:9465", "[::1]:9465"). */
static void apply_listen(struct parse_ctx *c, const struct key *k, char **field, const char *v, int line)
{
	struct dm_hostport hp;
	char ip[64], canon[80];

	canon[0] = '\0';
	switch (v[0] == '\0' ? DM_HP_OK : dm_hostport_parse(v, DM_METRICS_PORT, &hp)) {
	case DM_HP_OK:
		if (v[0] != '\0')
			snprintf(canon, sizeof(canon), hp.addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u",
			         dm_addr_format(&hp.addr, ip, sizeof(ip)), hp.port);
		if (set_str(field, canon) < 0)
			dm_errors_add(c->errs, c->file, line, "out of memory");
		return;
	case DM_HP_NOT_IP:
		dm_errors_add(c->errs, c->file, line, "%s: '%.*s' is not an IP address (no host names)", k->name,
		              (int)(hp.host_len < 100 ? hp.host_len : 100), v + hp.host_off);
		return;
	case DM_HP_PORT:
		dm_errors_add(c->errs, c->file, line, "%s: bad port in '%.100s' (1 to 65535)", k->name, v);
		return;
	default:
		dm_errors_add(c->errs, c->file, line,
		              "%s must be an address with an optional port (127.0.0.1:9465, [::1]:9465), not '%.100s'",
		              k->name, v);
		return;
	}
}

static void apply_spamd(struct parse_ctx *c, const char *v, int cont, int line)
{
	char err[200];
	size_t n = 0, base = cont ? c->cfg->nspamd : 0;

	if (spamd_backends_parse(v, c->cfg->spamd + base, SPAMD_BACKENDS_MAX - base, &n, err, sizeof(err)) < 0)
		dm_errors_add(c->errs, c->file, line, "servers: %s", err);
	else
		c->cfg->nspamd = base + n;
}

static int is_list(enum ktype t)
{
	return t == K_NAMES || t == K_ADDRS || t == K_CIDRS || t == K_DNS_SERVERS || t == K_ZONES || t == K_SPAMD;
}

static void apply(struct parse_ctx *c, const struct key *k, const char *v, int cont, int line)
{
	void *field = (char *)c->cfg + k->off;

	if (cont && !is_list(k->type)) {
		dm_errors_add(c->errs, c->file, line,
		              "%s takes one value; this indented line would continue it (remove the indentation)",
		              k->name);
		return;
	}
	switch (k->type) {
	case K_SOCKET:
	case K_STR:
	case K_PATH: apply_string(c, k, field, v, line); break;
	case K_OCTAL:
	case K_MS:
	case K_UINT: apply_number(c, k, field, v, line); break;
	case K_SIZE: apply_size(c, k, field, v, line); break;
	case K_LOG:
	case K_FACILITY: apply_log(c, k, v, line); break;
	case K_ZONES: apply_zones(c, k, v, cont, line); break;
	case K_SPAMD: apply_spamd(c, v, cont, line); break;
	case K_LISTEN: apply_listen(c, k, field, v, line); break;
	case K_NAMES: apply_names(c, v, cont, line); break;
	case K_ADDRS: apply_addrs(c, k->name, v, cont, line, 0); break;
	case K_CIDRS: apply_addrs(c, k->name, v, cont, line, 1); break;
	case K_DNS_SERVERS: apply_dns_servers(c, v, cont, line); break;
	}
}

static void on_main_key(void *user, const char *section, const char *name, const char *value,
                        int cont, int line)
{
	struct parse_ctx *c = user;
	size_t i;
	int section_known = 0;

	for (i = 0; i < sizeof(main_keys) / sizeof(main_keys[0]); i++) {
		if (strcmp(section, main_keys[i].section) != 0)
			continue;
		section_known = 1;
		if (strcmp(name, main_keys[i].name) == 0) {
			apply(c, &main_keys[i], value, cont, line);
			return;
		}
	}
	if (section[0] == '\0')
		dm_errors_add(c->errs, c->file, line, "key '%.100s' outside any [section]", name);
	else if (!section_known)
		dm_errors_add(c->errs, c->file, line, "unknown section [%.100s] (known: [doorman], [dns], [spamd])", section);
	else
		dm_errors_add(c->errs, c->file, line, "unknown key '%.100s' in [%s]", name, section);
}

struct dm_config *dm_config_defaults(void)
{
	struct dm_config *cfg = calloc(1, sizeof(*cfg));
	char host[256];

	if (cfg == NULL)
		return NULL;
	cfg->socket = strdup("unix:" RUNSTATEDIR "/doorman/doorman.sock");
	cfg->socket_mode = 0660;
	cfg->user = strdup("");
	cfg->pidfile = strdup("");
	cfg->policy_dir = strdup("");
	cfg->log = DM_LOG_SYSLOG;
	cfg->log_facility = LOG_MAIL;
	cfg->log_facility_name = strdup("mail");
	cfg->stop_timeout_ms = 10000;
	cfg->metrics_listen = strdup("");
	cfg->dns_servers = strdup("");
	cfg->dns_timeout_ms = 3000;
	cfg->cache_size = 10000;
	cfg->cache_min_ttl = 10;
	cfg->cache_max_ttl = 3600;
	cfg->selftest_interval = 300;
	cfg->spamd_connect_timeout_ms = 1000;
	cfg->spamd_timeout_ms = 60000;
	cfg->spamd_max_size = 512 * 1024;
	cfg->spamd_max_parallel = 5;
	cfg->spamd_backoff_ms = 5000;
	cfg->hostnames = calloc(2, sizeof(char *));
	cfg->trusted = calloc(2, sizeof(struct dm_cidr));
	if (!cfg->socket || !cfg->user || !cfg->pidfile || !cfg->policy_dir ||
	    !cfg->log_facility_name || !cfg->dns_servers || !cfg->hostnames || !cfg->trusted ||
	    !cfg->metrics_listen) {
		dm_config_free(cfg);
		return NULL;
	}
	/* We are at least the machine's own name, when it is fully qualified. */
	if (gethostname(host, sizeof(host)) == 0 && (host[sizeof(host) - 1] = '\0', strchr(host, '.')) &&
	    hostname_problem(host) == NULL) {
		cfg->hostnames[0] = strdup(dm_lower(host));
		if (cfg->hostnames[0] != NULL)
			cfg->nhostnames = 1;
	}
	if (dm_cidr_parse("127.0.0.0/8", &cfg->trusted[0]) == 0 &&
	    dm_cidr_parse("::1/128", &cfg->trusted[1]) == 0)
		cfg->ntrusted = 2;
	return cfg;
}

int dm_config_parse(struct dm_config *cfg, const char *text, size_t len, const char *file,
                    struct dm_errors *errs)
{
	struct parse_ctx c = { cfg, file, errs };

	return dm_ini_parse(text, len, file, on_main_key, &c, errs);
}

void dm_config_free(struct dm_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	free(cfg->file);
	free(cfg->socket);
	free(cfg->user);
	free(cfg->pidfile);
	free(cfg->policy_dir);
	dm_list_free(cfg->hostnames);
	free(cfg->addresses);
	free(cfg->trusted);
	free(cfg->log_facility_name);
	free(cfg->metrics_listen);
	free(cfg->dns_servers);
	free(cfg->zones);
	for (i = 0; i < DM_RHSBL_TARGETS; i++)
		free(cfg->rhsbl[i]);
	dm_policy_free(cfg->def);
	for (i = 0; i < cfg->npolicies; i++)
		dm_policy_free(cfg->policies[i]);
	free(cfg->policies);
	free(cfg);
}

/* What the connect stage must ask DNS for, whatever the recipient's policy. */
static void note_one(struct dm_config *cfg, const struct dm_policy *pol)
{
	int i;

	if (pol == NULL)
		return;
	if (pol->dnsbl_mode != DM_MODE_OFF && strstr(pol->reply[DM_REPLY_DNSBL].text, "%t") != NULL)
		cfg->want_txt = 1;
	if (pol->explain)
		cfg->want_explain = 1;
	for (i = 0; i < DM_RDNS_CHECK_COUNT; i++)
		if (pol->rdns_mode != DM_MODE_OFF && pol->rdns_action[i] != DM_ACT_OFF)
			cfg->want_rdns = 1;
	if (pol->sender_mode != DM_MODE_OFF && pol->sender_action[DM_SENDER_UNKNOWN] != DM_ACT_OFF)
		cfg->want_sender_dns = 1;
	/* the client's domain list needs its confirmed reverse name */
	if (cfg->nrhsbl[DM_RHSBL_CLIENT] > 0 && pol->rhsbl_mode != DM_MODE_OFF &&
	    pol->rhsbl_action[DM_RHSBL_CLIENT] != DM_ACT_OFF)
		cfg->want_rdns = 1;
}

static void note_needs(struct dm_config *cfg)
{
	size_t i;

	note_one(cfg, cfg->def);
	for (i = 0; i < cfg->npolicies; i++)
		note_one(cfg, cfg->policies[i]);
}

struct dm_config *dm_config_load(const char *path, struct dm_errors *errs)
{
	struct dm_config *cfg;
	size_t before = errs->n, len;
	char *text;

	cfg = dm_config_defaults();
	if (cfg == NULL) {
		dm_errors_add(errs, path, 0, "out of memory");
		return NULL;
	}
	cfg->file = strdup(path);
	text = dm_read_file(path, &len, errs);
	if (text != NULL) {
		dm_config_parse(cfg, text, len, path, errs);
		free(text);
	}
	cfg->policy_dir_explicit = cfg->policy_dir[0] != '\0';
	if (cfg->file != NULL && cfg->policy_dir[0] != '/') {
		/* relative (or the default, policy.d): next to the main file, so
		 * that a configuration works wherever it is unpacked */
		const char *slash = strrchr(path, '/'), *rel = cfg->policy_dir[0] ? cfg->policy_dir : "policy.d";
		char *dir;
		if (asprintf(&dir, "%.*s%s%s", slash ? (int)(slash - path) : 0, path, slash ? "/" : "", rel) >= 0) {
			free(cfg->policy_dir);
			cfg->policy_dir = dir;
		}
	}
	if (cfg->cache_min_ttl > cfg->cache_max_ttl)
		dm_errors_add(errs, path, 0, "[dns] cache_min_ttl (%u) is larger than cache_max_ttl (%u)",
		              cfg->cache_min_ttl, cfg->cache_max_ttl);
	if (errs->n == before) {
		dm_policydir_load(cfg, errs);
		note_needs(cfg);
	}
	if (errs->n != before || cfg->file == NULL) {
		dm_config_free(cfg);
		return NULL;
	}
	return cfg;
}

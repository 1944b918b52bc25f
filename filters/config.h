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
#include "spamd.h"
#include "reply.h"
#include "text.h"

/* Ordered by severity: the worst finding wins. */
enum dm_action { DM_ACT_OFF = 0, DM_ACT_SHADOW, DM_ACT_TEMPFAIL, DM_ACT_REJECT };
enum dm_mode { DM_MODE_OFF = 0, DM_MODE_SHADOW, DM_MODE_ENFORCE };

/* Replies: one per HELO check (same index as enum helo_check), then the
 * reply for a HELO lookup that failed for a temporary DNS reason, the DNSBL
 * reply and the two client rDNS replies. */
#define DM_REPLY_HELO_DNS_ERROR HELO_CHECK_COUNT
#define DM_REPLY_DNSBL (HELO_CHECK_COUNT + 1)
#define DM_REPLY_RDNS_NONE (HELO_CHECK_COUNT + 2)
#define DM_REPLY_RDNS_MISMATCH (HELO_CHECK_COUNT + 3)
#define DM_REPLY_SPAM (HELO_CHECK_COUNT + 4)          /* score >= reject_score */
#define DM_REPLY_SPAM_ERROR (HELO_CHECK_COUNT + 5)    /* not scanned, on_error = tempfail */
#define DM_REPLY_COUNT (HELO_CHECK_COUNT + 6)

#define DM_SCORE_OFF 1e9                              /* a score threshold that is "off" */

enum dm_spam_detail { DM_SPAM_CHECK = 0, DM_SPAM_SYMBOLS, DM_SPAM_REPORT };

/* Client rDNS findings. */
enum dm_rdns_check { DM_RDNS_NONE = 0, DM_RDNS_MISMATCH, DM_RDNS_CHECK_COUNT };

struct dm_policy {
	char *name;                                /* "default" or the domain */
	char *file;                                /* where it was defined */
	enum dm_mode helo_mode;
	enum dm_action helo_action[HELO_CHECK_COUNT];
	enum dm_action helo_dns_error;             /* DM_ACT_OFF (pass) or DM_ACT_TEMPFAIL */
	enum dm_mode dnsbl_mode;
	int dnsbl_threshold;                       /* score >= this: dnsbl_action */
	enum dm_action dnsbl_action;
	int allow_threshold;                       /* score <= this: allowlisted */
	enum dm_mode rdns_mode;
	enum dm_action rdns_action[DM_RDNS_CHECK_COUNT];
	enum dm_mode spam_mode;                    /* off: no scan at all */
	double tag_score, reject_score, quarantine_score;   /* DM_SCORE_OFF = off */
	char subject_tag[64];                      /* "" = leave the Subject alone */
	char spamd_user[128];                      /* %d recipient domain, %r recipient */
	int on_error_tempfail;                     /* 0: accept unscanned, 1: 451 */
	int scan_authenticated, scan_allowlisted;
	enum dm_spam_detail spam_detail;           /* tests = yes: SYMBOLS; report = yes: REPORT */
	struct dm_reply reply[DM_REPLY_COUNT];
	char help_url[200];
	char **exempt;                             /* local parts or full addresses, lowercase */
	size_t nexempt;
	/* where each reply came from (file:line), 0 = built in; for error messages */
	int reply_line[DM_REPLY_COUNT];
	char *reply_file[DM_REPLY_COUNT];
};

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
	char *dns_servers;               /* "" = /etc/resolv.conf; else c-ares servers_ports csv */
	unsigned dns_timeout_ms;
	struct dnsbl_zone *zones;        /* [dns] zones, in the order given */
	size_t nzones;
	unsigned cache_size;             /* entries; 0 = no cache (read at start only) */
	unsigned cache_min_ttl, cache_max_ttl;
	unsigned selftest_interval;      /* seconds between zone self-tests; 0 = never */
	int want_txt;                    /* some policy's dnsbl reply uses %t */
	int want_rdns;                   /* some policy checks the client's rDNS */
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

/* Load path and every policy.d/\*.conf. Returns NULL if errs got any error. */
struct dm_config *dm_config_load(const char *path, struct dm_errors *errs);
void dm_config_free(struct dm_config *cfg);

/* Pure parsers, one entry point each (fuzzable). cfg must come from
 * dm_config_defaults(); out from dm_policy_copy() of the base. */
struct dm_config *dm_config_defaults(void);
int dm_config_parse(struct dm_config *cfg, const char *text, size_t len, const char *file,
                    struct dm_errors *errs);
struct dm_policy *dm_policy_builtin(void);
struct dm_policy *dm_policy_copy(const struct dm_policy *base, const char *name, const char *file);
int dm_policy_parse(struct dm_policy *pol, const char *text, size_t len, const char *file,
                    struct dm_errors *errs);
/* Cross-key checks after parsing (reply class vs action); adapts built-in
 * replies to the action, reports explicit ones that contradict it. */
int dm_policy_finish(struct dm_policy *pol, struct dm_errors *errs);
void dm_policy_free(struct dm_policy *pol);

/* Exact domain, then each parent domain, then the default. Never NULL. */
const struct dm_policy *dm_policy_for_domain(const struct dm_config *cfg, const char *domain);

/* 1 if the recipient address (local@domain, no brackets) is exempt. */
int dm_policy_exempt(const struct dm_policy *pol, const char *rcpt);

/* Names for config values and logs. */
const char *dm_action_name(enum dm_action a);
const char *dm_mode_name(enum dm_mode m);
const char *dm_rdns_check_name(enum dm_rdns_check c);   /* "none", "mismatch" */
/* The action that uses reply i of pol (DM_ACT_OFF for the DNS-error reply when it passes). */
enum dm_action dm_policy_reply_action(const struct dm_policy *pol, int i);
/* The config/log key of reply i: "helo_non_fqdn", "dnsbl", "rdns_none" ... */
const char *dm_reply_key(int i, char *buf, size_t len);

/* Print the effective configuration and every policy in config syntax. */
void dm_config_dump(const struct dm_config *cfg, FILE *out);
void dm_policy_dump(const struct dm_policy *pol, FILE *out);

#endif

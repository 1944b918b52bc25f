/*
 * config_lint.c - checks that are on but cannot act.
 *
 * Does: for each check that needs something of the main file ([dnsbl]
 * needs [dns] zones, [spam] needs [spamd] servers), names the policies
 * that turn it on while the main file gives it nothing to work with; says
 * when metrics_listen is not a loopback address (no TLS, no
 * authentication: policy names and traffic for whoever reaches it).
 * Never: fails a configuration (these are warnings), logs, allocates.
 */
#include <stdio.h>
#include <sys/socket.h>
#include <string.h>

#include "config_lint.h"
#include "hostport.h"

#define NAMES_MAX 5

/* "default, a.example, b.example and 4 more": the policies for which on(). */
static size_t policies_with(const struct dm_config *cfg, int (*on)(const struct dm_policy *), char *out,
                            size_t outlen)
{
	size_t i, n = 0, used = 0;
	const struct dm_policy *p;

	out[0] = '\0';
	for (i = 0; i <= cfg->npolicies; i++) {
		p = i == 0 ? cfg->def : cfg->policies[i - 1];
		if (p == NULL || !on(p))
			continue;
		if (n++ < NAMES_MAX && used < outlen)
			used += (size_t)snprintf(out + used, outlen - used, "%s%s", n > 1 ? ", " : "", p->name);
	}
	if (n > NAMES_MAX && used < outlen)
		snprintf(out + used, outlen - used, " and %zu more", n - NAMES_MAX);
	return n;
}

static int dnsbl_on(const struct dm_policy *p)
{
	return p->dnsbl_mode != DM_MODE_OFF;
}

static int spam_on(const struct dm_policy *p)
{
	return p->spam_mode != DM_MODE_OFF;
}

/* 1 for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. */
static int is_loopback(const struct dm_addr *a)
{
	static const unsigned char one6[16] = { [15] = 1 };
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (a->family == AF_INET)
		return a->b[0] == 127;
	return memcmp(a->b, one6, 16) == 0 || (memcmp(a->b, mapped, 12) == 0 && a->b[12] == 127);
}

static int metrics_exposed(const struct dm_config *cfg)
{
	struct dm_hostport hp;

	return cfg->metrics_listen[0] != '\0' &&
	       dm_hostport_parse(cfg->metrics_listen, DM_METRICS_PORT, &hp) == DM_HP_OK && !is_loopback(&hp.addr);
}

int dm_config_lint(const struct dm_config *cfg, void (*warn)(void *user, const char *text), void *user)
{
	char names[300], text[512];
	int n = 0;

	if (cfg->nzones == 0 && policies_with(cfg, dnsbl_on, names, sizeof(names)) > 0) {
		snprintf(text, sizeof(text), "[dnsbl] is on (policy %s) but [dns] zones names no DNS list: "
		         "no client is looked up in a blocklist", names);
		warn(user, text);
		n++;
	}
	if (cfg->nspamd == 0 && policies_with(cfg, spam_on, names, sizeof(names)) > 0) {
		snprintf(text, sizeof(text), "[spam] is on (policy %s) but [spamd] servers names no spamd: "
		         "no message is scanned", names);
		warn(user, text);
		n++;
	}
	if (metrics_exposed(cfg)) {
		snprintf(text, sizeof(text), "metrics_listen = %s is not a loopback address: anyone who reaches it "
		         "reads policy names and traffic counts (no TLS, no authentication); use 127.0.0.1 or "
		         "firewall it to the Prometheus hosts", cfg->metrics_listen);
		warn(user, text);
		n++;
	}
	return n;
}

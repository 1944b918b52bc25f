/*
 * sender.h - the MAIL FROM domain at the door: Postfix's
 * reject_non_fqdn_sender and reject_unknown_sender_domain, asked
 * asynchronously.
 *
 * Two pure judges (is the sender fully qualified; what do its A, AAAA
 * and MX answers say) and the per-session glue that fires the lookups at
 * MAIL FROM on the connect stage's shared resolver and collects them at
 * the first RCPT of the transaction under one deadline. Never logs, never
 * rejects on a DNS failure (dns_temp: tempfail at most, per policy).
 */
#ifndef DOORMAN_SENDER_H
#define DOORMAN_SENDER_H

#include <stdint.h>

#include "mailaddr.h"
#include "resolver.h"

/* Sender findings (bits of struct dm_findings sender). */
enum dm_sender_check {
	DM_SENDER_NON_FQDN = 0,    /* <user> or user@host without a dot */
	DM_SENDER_UNKNOWN,         /* no A, AAAA or MX (or not looked up: capped) */
	DM_SENDER_NULL_MX,         /* RFC 7505 "MX 0 .": the domain sends no mail */
	DM_SENDER_CHECK_COUNT
};

/* Distinct sender domains looked up in one session (RSET loops). A later
 * domain is not looked up and judged as not found (dns=capped): never a
 * free pass, never a DNS error that unknown_on_dns_error could pass. */
#define DM_SENDER_DOMAINS_MAX 4

enum dm_sender_dns {
	DM_SD_FOUND = 0,           /* some A, AAAA or MX */
	DM_SD_NOTFOUND,            /* NXDOMAIN or NODATA for all three */
	DM_SD_NULL_MX,             /* the MX is the root name */
	DM_SD_TEMP                 /* nothing found, some lookup failed or timed out */
};

/* 1 if st/a is a sender reject_non_fqdn_sender lets through: the null
 * sender, an address literal, or a domain with a dot in it. */
int dm_sender_fqdn(enum dm_mailaddr_status st, const struct dm_mailaddr *a);

/* Judge the three answers (NULL: not asked or released = failed). A null
 * MX wins over any address (Postfix 3: the MX is what counts). */
enum dm_sender_dns dm_sender_judge(const struct dm_dns_result *a, const struct dm_dns_result *aaaa,
                                   const struct dm_dns_result *mx);

/* Log names: "found", "notfound", "nullmx", "temp". */
const char *dm_sender_dns_name(enum dm_sender_dns d);
/* Finding names (findings=, X-Doorman): "non_fqdn_sender",
 * "unknown_sender_domain", "null_mx_sender" (whose check= is
 * unknown_sender_domain, as in Postfix one restriction covers both). */
const char *dm_sender_check_name(enum dm_sender_check c);

/* The MAIL FROM domain's stage, per transaction (dm_sender_next, one table in
 * sender.c). */
enum dm_sender_state {
	DM_SENDER_NONE,      /* no MAIL FROM yet (0: a new connection) */
	DM_SENDER_ASKED,     /* MAIL FROM seen: judged, its lookups in flight */
	DM_SENDER_SETTLED,   /* the first RCPT settled them (until the next MAIL FROM) */
	DM_SENDER_STATES
};

enum dm_sender_event {
	DM_SENDER_EV_MAIL,   /* MAIL FROM: a new transaction's sender */
	DM_SENDER_EV_COLLECT, /* its first RCPT */
	DM_SENDER_EVENTS
};

/* The next state; an event that does not apply leaves the state. */
enum dm_sender_state dm_sender_next(enum dm_sender_state s, enum dm_sender_event e);
const char *dm_sender_state_name(enum dm_sender_state s);

/* Per-session state, kept in struct dm_connstage. */
struct dm_sender_stage {
	enum dm_sender_state state;
	unsigned findings;                 /* 1u << enum dm_sender_check */
	int dns_temp;                      /* lookups failed: a DNS error, never "not found" */
	char domain[DM_HOSTNAME_MAX + 1];  /* "" when nothing is looked up */
	char dns[16];                      /* found|notfound|nullmx|timeout|error|capped|none|- */
	char reason[96];
	int q[3];                          /* A, AAAA, MX query indexes; -1 none */
	uint64_t start_ms, deadline_ms;
	unsigned looked;                   /* distinct domains looked up this session */
	char seen[DM_SENDER_DOMAINS_MAX][DM_HOSTNAME_MAX + 1];
	unsigned wait_ms;                  /* time the first RCPT waited for them */
};

#endif

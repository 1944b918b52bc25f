/*
 * connstage.h - the connect stage of one SMTP connection: every DNS question
 * about the client (DNSBL/DNSWL zones, PTR and its forward confirmation) and
 * its HELO name (A/AAAA/MX), fired as early as possible, collected once
 * under one deadline, turned into findings for filters/checks/verdict.c.
 *
 * No libmilter here: the milter glue calls these at connect, HELO, MAIL
 * and the first RCPT. One per connection, one thread at a time.
 */
#ifndef DOORMAN_CONNSTAGE_H
#define DOORMAN_CONNSTAGE_H

#include <stdint.h>

#include "config.h"
#include "dnsbl.h"
#include "helo.h"
#include "resolver.h"
#include "rhsbl.h"
#include "sender.h"
#include "verdict.h"

#define DM_MAX_ZONES 32
/* Distinct HELO names looked up in one session; a later name is not
 * looked up and judged as not found (helo_dns "capped", finding unknown:
 * the policy's [helo] unknown acts, whatever unknown_on_dns_error says). */
#define DM_HELO_NAMES_MAX 3
/* Query indexes a session can hold at once: zones (A and TXT), PTR and
 * its forward lookup, one HELO name's three, the sender domain's three,
 * the domain lists' (one per zone and target). */
#define DM_CONNSTAGE_QUERIES_MAX (2 * DM_MAX_ZONES + 2 + 3 + 3 + DM_RHSBL_TARGETS * DM_RHSBL_ZONES_MAX)

struct dm_dnscache;

/* The connection's HELO stage as one state machine (dm_connstage_next, one
 * table in connstage.c): what the last HELO was, and whether the first
 * RCPT since it settled the findings. A new HELO starts over. */
enum dm_cs_state {
	DM_CS_NO_HELO,       /* no HELO/EHLO yet (0: a new connection) */
	DM_CS_HELO,          /* a HELO name: looked up, or none was needed */
	DM_CS_HELO_CAPPED,   /* a HELO name past DM_HELO_NAMES_MAX: judged without DNS */
	DM_CS_COLLECTED,     /* findings settled (dm_connstage_collect) until the next HELO */
	DM_CS_STATES
};

enum dm_cs_event {
	DM_CS_EV_HELO,       /* HELO/EHLO with a name looked up, the same again, or one needing none */
	DM_CS_EV_HELO_CAPPED, /* HELO/EHLO with a new name once the cap is reached */
	DM_CS_EV_COLLECT,    /* the first RCPT: wait for the answers and settle */
	DM_CS_EVENTS
};

/* The next state; an event that does not apply leaves the state. The
 * MAIL FROM domain has its own machine (sender.h dm_sender_next): it lives
 * per transaction, the HELO stage per HELO. */
enum dm_cs_state dm_connstage_next(enum dm_cs_state s, enum dm_cs_event e);
const char *dm_connstage_state_name(enum dm_cs_state s);

/* Asked at connect for each zone: is it suspended by the self-test? */
typedef int (*dm_zone_suspended_fn)(const char *zone);

struct dm_zone_outcome {
	const struct dnsbl_zone *zone;     /* into the pinned config */
	int q_a, q_txt;                    /* query indexes, -1 none */
	int suspended;                     /* skipped: the self-test suspended it */
	enum dnsbl_verdict verdict;        /* after collect */
	struct dm_addr which;              /* the answer that decided */
};

struct dm_connstage {
	const struct dm_config *cfg;
	struct dm_dnscache *cache;
	struct dm_resolver *res;
	char err[160];                     /* why res could not be made */
	struct dm_addr client;
	int client_known;
	uint64_t deadline_ms;              /* latest batch start + timeout */
	uint64_t dns_start_ms;             /* first query */
	/* DNSBL */
	struct dm_zone_outcome zones[DM_MAX_ZONES];
	size_t nzones;
	/* rDNS */
	int q_ptr, q_fwd;
	char ptr_name[256];
	/* HELO */
	enum dm_cs_state state;            /* the HELO stage: see enum dm_cs_state */
	unsigned helo_count;               /* HELO/EHLO commands seen */
	unsigned helo_names;               /* distinct names looked up (at most DM_HELO_NAMES_MAX) */
	struct helo_result hr;
	char helo_looked[256];             /* the name q_helo[] ask about */
	int q_helo[3];
	/* after collect (state DM_CS_COLLECTED) */
	struct dm_findings findings;
	char listed[200];                  /* blocklist zones that listed: "%z" */
	char txt[200];                     /* "%t", bounded */
	char dnsbl_log[400];               /* "zen(3),bl.x:error_code(127.255.255.254)" */
	char helo_dns[16];                 /* found | notfound | timeout | error | capped | none | - */
	char rdns[16];                     /* ok | none | mismatch | temp | - */
	unsigned dns_ms;                   /* first query sent to last answer */
	unsigned wait_ms;                  /* time collect blocked the SMTP session */
	/* the MAIL FROM domain (filters/rules/sender.c), per transaction */
	struct dm_sender_stage sender;
	/* domain lists (filters/rules/rhsbl.c), per target */
	struct dm_rhsbl_ask rhsbl[DM_RHSBL_TARGETS];
	dm_zone_suspended_fn suspended;    /* from dm_connstage_client; NULL: none */
};

/* Prepare; client NULL when unknown. Never fails: without a resolver every
 * lookup counts as a DNS error (logged by the caller from cs->err). */
void dm_connstage_init(struct dm_connstage *cs, const struct dm_config *cfg, struct dm_dnscache *cache,
                       const struct dm_addr *client);
void dm_connstage_free(struct dm_connstage *cs);

/* At connect: DNSBL queries for every zone not suspended, and the PTR when
 * some policy checks rDNS. suspended is kept for the domain lists too. */
void dm_connstage_client(struct dm_connstage *cs, dm_zone_suspended_fn suspended);

/* At HELO/EHLO (again on every HELO): classify; fire A/AAAA/MX for a new
 * name (the previous name's lookups are dropped; the same name again keeps
 * them), at most DM_HELO_NAMES_MAX names per session. */
void dm_connstage_helo(struct dm_connstage *cs, const char *helo, size_t len);

/* Between callbacks: read answers that arrived, chain the FCrDNS lookup. */
void dm_connstage_poll(struct dm_connstage *cs);

/* At the first RCPT (once per HELO): wait at most until the deadline, then
 * settle cs->findings. */
void dm_connstage_collect(struct dm_connstage *cs);

/* The shared resolver for this session, made on first use: 1, or 0
 * (cs->err says why). */
int dm_connstage_resolver(struct dm_connstage *cs);

/* At MAIL FROM (filters/checks/sender_stage.c): judge the sender's form,
 * fire A, AAAA and MX for its domain when some policy checks it (config
 * want_sender_dns); the previous transaction's lookups are dropped. At
 * most DM_SENDER_DOMAINS_MAX distinct domains per session are looked up. */
void dm_connstage_sender(struct dm_connstage *cs, enum dm_mailaddr_status st, const struct dm_mailaddr *a);

/* At the first RCPT of the transaction, before dm_connstage_collect (which
 * ends every query still in flight): wait at most until MAIL FROM +
 * [dns] timeout_ms, then settle cs->sender (findings, dns, reason) and
 * cs->findings' sender fields. Returns 1 when it settled them now, 0 when
 * they were settled already (a later RCPT) or no MAIL FROM was seen. */
int dm_connstage_sender_collect(struct dm_connstage *cs);

/* Domain lists (filters/checks/rhsbl_stage.c), called from here and
 * sender_stage.c: reset at init; fire a target's queries for name (dropping its earlier ones);
 * whether some are in flight; settle them into cs->findings and dnsbl_log. */
void dm_rhsbl_init(struct dm_connstage *cs);
void dm_rhsbl_fire(struct dm_connstage *cs, enum dm_rhsbl_target t, const char *name);
int dm_rhsbl_pending(struct dm_connstage *cs, enum dm_rhsbl_target t);
void dm_rhsbl_settle(struct dm_connstage *cs, enum dm_rhsbl_target t);
/* Append a settled target's listings and zone errors to cs->dnsbl_log. */
void dm_rhsbl_log(struct dm_connstage *cs, enum dm_rhsbl_target t);

/* The findings so far, for logs and headers: "non_fqdn,unknown",
 * "dns_error", "rdns_none" ... or "none". */
void dm_connstage_findings(const struct dm_connstage *cs, char *out, size_t outlen);

#endif

/*
 * stats.h - what doorman-report learns from the log, in tables of fixed size.
 *
 * Does:    take parsed doorman lines one at a time (stats_add) and count:
 *          traffic, actions per stage and policy domain, checks, top refused
 *          HELO names / clients / networks, DNS list outcomes per zone,
 *          shadow-mode findings with samples, spam scores, spamd and DNS
 *          timings, per spamd server (its GTUBE self-test too), per time
 *          slot; the daemon's health: stops that wait or cut sessions,
 *          descriptors running short, the HELO cap, configuration warnings,
 *          every DNS list suspended.
 * Returns: 0, or -1 with a reason when a line of a known kind carries a
 *          field that is not what doorman(8) says (the line counts as
 *          malformed and nothing of it is counted elsewhere).
 * Never:   grows with the input: every table is bounded at stats_init; what
 *          does not fit goes to "(other)" or is evicted (top tables).
 */
#ifndef DOORMAN_STATS_H
#define DOORMAN_STATS_H

#include <stdint.h>

#include "hist.h"
#include "logline.h"
#include "names.h"
#include "timeline.h"
#include "topk.h"

/* What happened, one per RCPT line or message line. */
enum act {
	A_REJECT, A_DEFER, A_TAG, A_QUARANTINE, A_PASS, A_EXEMPT,
	A_SHADOW_REJECT, A_SHADOW_DEFER, A_SHADOW_TAG, A_SHADOW_QUARANTINE,
	A_UNSCANNED, A_SKIP, A_OTHER, A_COUNT
};
enum stage { S_RCPT, S_DATA, S_COUNT };

#define CAP_POLICIES 512
#define CAP_CHECKS 64
#define CAP_ZONES 64
#define CAP_BACKENDS 32
#define CAP_SHADOW 256
#define CAP_TOP 4096
#define SAMPLES 3
#define SAMPLE_LEN 400
#define SCORE_BUCKETS 21

enum zone_out { Z_LISTED, Z_TIMEOUT, Z_ERROR, Z_ERROR_CODE, Z_BAD_ANSWER, Z_SUSPENDED, Z_OTHER, Z_COUNT };

struct zone_stat {
	long weight;                  /* last weight seen with a listing */
	int has_weight;
	uint64_t out[Z_COUNT];        /* from close lines */
	uint64_t answer_warnings, suspensions, restorations;
	uint64_t untested;            /* self-tests that got no answer */
	int state;                    /* 0 unknown, 1 healthy (restored), 2 suspended,
	                                 3 its last self-test got no answer (in use) */
	int seen;
	uint64_t checked_before;      /* sessions with DNS checks read before its first mention */
	char reason[NAMES_LEN];       /* last suspension reason, or why it could not be tested */
};

struct backend_stat {
	uint64_t verdicts, failures;  /* scan lines naming this server */
	struct hist ms;               /* spamd_ms of its verdicts */
	int has_counters;             /* from the periodic "spamd SERVER:" line */
	long requests, failed, in_flight, skipped_for_ms;
	uint64_t backoffs;            /* warnings that it was backing off */
	uint64_t gtube_misses, gtube_backs;  /* self-test: GTUBE not flagged, flagged again */
	int gtube_out;                /* its last self-test line (since a start) said out of use */
	char gtube_verdict[NAMES_LEN];  /* what it said of GTUBE the last time it missed */
};

struct shadow_stat {
	size_t check, policy;
	enum act would;
	uint64_t count;
	int nsamples;
	char sample[SAMPLES][SAMPLE_LEN];
};

enum spamd_fail { F_TIMEOUT, F_IO, F_CODE, F_MALFORMED, F_OTHER, F_COUNT };

struct stats {
	/* what was read */
	uint64_t lines, doorman_lines, other_lines, outside, malformed, unknown, overlong;
	uint64_t kinds[LL_KIND_COUNT], formats[LL_FMT_COUNT], warnings, errors;
	char malformed_sample[SAMPLES][SAMPLE_LEN];
	char unknown_sample[SAMPLES][SAMPLE_LEN];
	int has_period;
	int64_t first, last;

	/* traffic */
	uint64_t sessions, trusted, messages, checked, shadowed_msgs, other_domain;
	uint64_t rcpt_ok, rcpt_rejected, rcpt_deferred;
	uint64_t starts, reloads, reload_failures, stops, resolver_errors, selftest_errors, mta_refused;
	uint64_t internal_errors, config_errors;

	/* the daemon's health */
	uint64_t stop_drains, stops_cut, sessions_cut;     /* stops that waited; that left sessions open */
	uint64_t fd_near, fd_all, dns_sockets_failed, spamd_sockets_failed;
	long fd_limit;                    /* the last limit named, 0: none */
	uint64_t helo_capped;             /* sessions whose later HELO names were judged without DNS */
	uint64_t config_warnings;
	char config_warning[SAMPLES][SAMPLE_LEN];  /* the last distinct ones, oldest first */
	uint64_t zones_all_suspended, zones_back;
	int zones_all_down;               /* every list suspended at the end of the log */

	uint64_t act[A_COUNT][S_COUNT];
	struct names policies, checks, zones, backends;
	uint64_t (*pol_act)[A_COUNT];     /* [CAP_POLICIES + 1] */
	uint64_t (*check_act)[A_COUNT];   /* [CAP_CHECKS + 1] */
	struct zone_stat *zone;           /* [CAP_ZONES + 1] */
	struct backend_stat *backend;     /* [CAP_BACKENDS + 1] */

	struct topk top_helo, top_client, top_net;

	struct shadow_stat *shadow;       /* [CAP_SHADOW] */
	size_t nshadow;
	uint64_t shadow_overflow;

	uint64_t scores[SCORE_BUCKETS], scored;
	uint64_t spamd_fail[F_COUNT];
	struct hist spamd_ms, dns_ms, wait_ms;

	struct timeline tl;
	const char *domain;               /* --domain, or NULL */
};

int stats_init(struct stats *st);
void stats_free(struct stats *st);
/* Count one doorman line at time t (has_time says if t means anything). */
int stats_add(struct stats *st, const struct logline *l, int has_time, int64_t t, const char **why);
/* A doorman line that did not parse or failed stats_add. */
void stats_malformed(struct stats *st, const struct logline *l, const char *why);

const char *stats_act_name(enum act a);
const char *stats_zone_out_name(enum zone_out z);
const char *stats_fail_name(enum spamd_fail f);
/* Score bucket i as "[lo, hi)" bounds; lo/hi are -1e9/1e9 for open ends. */
void stats_score_bounds(int i, double *lo, double *hi);

#endif

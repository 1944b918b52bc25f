/*
 * msgstate.c - the content stage's transitions (see msgstate.h), as one
 * table: a row per state, a column per event.
 */
#include "msgstate.h"

#define U DM_MSG_UNDECIDED
#define HS DM_MSG_HEAD_SCAN
#define HQ DM_MSG_HEAD_QUIET
#define HF DM_MSG_HEAD_FULL
#define BS DM_MSG_BODY_SCAN
#define BQ DM_MSG_BODY_QUIET
#define BF DM_MSG_BODY_FULL
#define OFF DM_MSG_OFF

static const unsigned char next[DM_MSG_STATES][DM_MSG_EVENTS] = {
	/*            SCAN QUIET FULL HEADERS_END OFF */
	[U]   = {     HS,  HQ,   U,   U,          OFF },  /* the end of the headers comes decided */
	[HS]  = {     HS,  HS,   HF,  BS,         HS },
	[HQ]  = {     HQ,  HQ,   HQ,  BQ,         HQ },
	[HF]  = {     HF,  HF,   HF,  BF,         HF },
	[BS]  = {     BS,  BS,   BF,  BS,         BS },   /* the empty line is sent once */
	[BQ]  = {     BQ,  BQ,   BQ,  BQ,         BQ },
	[BF]  = {     BF,  BF,   BF,  BF,         BF },
	[OFF] = {     OFF, OFF,  OFF, OFF,        OFF },
};

enum dm_msg_state dm_msg_next(enum dm_msg_state s, enum dm_msg_event e)
{
	if ((unsigned)s >= DM_MSG_STATES || (unsigned)e >= DM_MSG_EVENTS)
		return s;
	return (enum dm_msg_state)next[s][e];
}

int dm_msg_sends(enum dm_msg_state s)
{
	return s == DM_MSG_HEAD_SCAN || s == DM_MSG_BODY_SCAN;
}

int dm_msg_in_body(enum dm_msg_state s)
{
	return s == DM_MSG_BODY_SCAN || s == DM_MSG_BODY_QUIET || s == DM_MSG_BODY_FULL || s == DM_MSG_OFF;
}

int dm_msg_full(enum dm_msg_state s)
{
	return s == DM_MSG_HEAD_FULL || s == DM_MSG_BODY_FULL;
}

const char *dm_msg_state_name(enum dm_msg_state s)
{
	static const char *const names[DM_MSG_STATES] = {
		"undecided", "head_scan", "head_quiet", "head_full",
		"body_scan", "body_quiet", "body_full", "off",
	};

	return (unsigned)s < DM_MSG_STATES ? names[s] : "?";
}

/*
 * msgstate.h - a message's content stage as one state machine: whether it
 * is scanned, whether the headers or the body are arriving, whether spamd's
 * max_size was reached. content.c moves a message only through
 * dm_msg_next, so what happens in each state is read here, once.
 *
 * Does:    name the states and the events, and map each pair to the next
 *          state (an event that does not apply to a state leaves it).
 * Returns: states; the predicates say what a state means for the bytes.
 * Never:   touches a message, a session or libmilter: pure, unit-tested
 *          cell by cell in tests/unit/check_callbacks.c.
 */
#ifndef DOORMAN_MSGSTATE_H
#define DOORMAN_MSGSTATE_H

enum dm_msg_state {
	DM_MSG_UNDECIDED,   /* no header yet: whether to scan is open (0: a new message) */
	DM_MSG_HEAD_SCAN,   /* scanned: each header goes to spamd */
	DM_MSG_HEAD_QUIET,  /* not scanned (no_scan says why), or no spamd session: nothing is sent */
	DM_MSG_HEAD_FULL,   /* scanned, max_size reached in the headers: nothing more is sent */
	DM_MSG_BODY_SCAN,   /* the empty line after the headers went: the body goes to spamd */
	DM_MSG_BODY_QUIET,  /* as HEAD_QUIET, in the body */
	DM_MSG_BODY_FULL,   /* scanned, max_size reached: the rest of the body is not sent */
	DM_MSG_OFF,         /* end of message, nothing seen, and the MTA was told to send nothing */
	DM_MSG_STATES
};

enum dm_msg_event {
	DM_MSG_EV_SCAN,        /* decided: scan; the spamd session is prepared */
	DM_MSG_EV_QUIET,       /* decided: no scan, or the session could not be prepared */
	DM_MSG_EV_FULL,        /* spamd's max_size reached: the rest is not sent */
	DM_MSG_EV_HEADERS_END, /* the end of the headers (sent to spamd in HEAD_SCAN only) */
	DM_MSG_EV_OFF,         /* the end of a message negotiated without headers and body */
	DM_MSG_EVENTS
};

enum dm_msg_state dm_msg_next(enum dm_msg_state s, enum dm_msg_event e);

/* Bytes of the message go to spamd (HEAD_SCAN, BODY_SCAN). */
int dm_msg_sends(enum dm_msg_state s);

/* The headers are over (the BODY states, OFF). */
int dm_msg_in_body(enum dm_msg_state s);

/* max_size was reached: the log says truncated=yes. */
int dm_msg_full(enum dm_msg_state s);

const char *dm_msg_state_name(enum dm_msg_state s);

#endif

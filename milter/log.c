/*
 * log.c - syslog or stderr, chosen at start (the target is process-wide:
 * a reload that changes it takes effect at the next start).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "text.h"

static enum dm_log_target log_target = DM_LOG_STDERR;

/* Session ids: the second of the connection and a counter that starts at a
 * point drawn from the start time's microseconds and the pid, so a restart
 * in the same second does not count from the same place. */
static atomic_uint_fast32_t session_seq;
static pthread_once_t session_once = PTHREAD_ONCE_INIT;

static void session_seed(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	atomic_store(&session_seq, (uint_fast32_t)tv.tv_usec ^ ((uint_fast32_t)getpid() * 2654435761u));
}

char *dm_log_session(char *out, size_t outlen)
{
	uint32_t seq;

	pthread_once(&session_once, session_seed);
	seq = (uint32_t)atomic_fetch_add(&session_seq, 1);
	return dm_session_id(out, outlen, (uint64_t)time(NULL), seq);
}

void dm_log_open(enum dm_log_target target, int facility)
{
	log_target = target;
	if (target == DM_LOG_SYSLOG)
		openlog("doorman", LOG_PID | LOG_NDELAY, facility);
}

void dm_log(int prio, const char *fmt, ...)
{
	char line[2048], stamp[32];
	const char *level = "";
	struct timeval tv;
	struct tm tm;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (prio <= LOG_ERR)
		level = "error: ";
	else if (prio == LOG_WARNING)
		level = "warning: ";
	if (log_target == DM_LOG_SYSLOG) {
		syslog(prio, "%s%s", level, line);
		return;
	}
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	flockfile(stderr);
	fprintf(stderr, "%s.%03ld doorman[%ld]: %s%s\n", stamp, (long)(tv.tv_usec / 1000),
	        (long)getpid(), level, line);
	fflush(stderr);
	funlockfile(stderr);
}

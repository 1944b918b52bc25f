/*
 * log.c - syslog or stderr, chosen at start (the target is process-wide:
 * a reload that changes it takes effect at the next start).
 */
#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum dm_log_target log_target = DM_LOG_STDERR;

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

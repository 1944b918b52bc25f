/*
 * clock.c - monotonic milliseconds for deadlines and elapsed times.
 */
#include <time.h>

#include "clock.h"

uint64_t dm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * clock.h - the one clock every deadline in doorman is measured on.
 */
#ifndef DOORMAN_CLOCK_H
#define DOORMAN_CLOCK_H

#include <stdint.h>

/* Monotonic milliseconds (CLOCK_MONOTONIC: never jumps with the date). */
uint64_t dm_now_ms(void);

#endif

/*
 * metrics_http.h - serve /metrics over HTTP on [doorman] metrics_listen
 * (libmicrohttpd, its own thread), and doorman -s, which reads it back.
 */
#ifndef DOORMAN_METRICS_HTTP_H
#define DOORMAN_METRICS_HTTP_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"

/* Open the listening socket of cfg->metrics_listen (nothing when it is
 * empty). Call before forking and dropping privileges. 0, or -1 with the
 * reason in err. */
int dm_metrics_listen(const struct dm_config *cfg, char *err, size_t errlen);

/* The address listened on ("127.0.0.1:9465"), or NULL. */
const char *dm_metrics_listening(void);

/* Start serving on the socket (after fork; signals already blocked, so
 * libmicrohttpd's thread takes none). 0 (also with no socket), or -1 with
 * the reason in err. */
int dm_metrics_serve(char *err, size_t errlen);

/* A reload: log when cfg names another metrics_listen than the one in
 * use (the listener stays until a restart). */
void dm_metrics_reload_note(const struct dm_config *cfg);

/* Stop the thread and close the socket (at exit). */
void dm_metrics_stop(void);

/* doorman -s: read metrics_listen from the main file at path (the policy
 * files are not read), fetch http://<metrics_listen>/metrics (connect,
 * GET, read to EOF, all within 5 seconds), print a summary to out, errors
 * to err. Returns the exit status: 0; 69 (EX_UNAVAILABLE) when the daemon
 * cannot be reached or does not answer with metrics; 78 (EX_CONFIG) when
 * metrics_listen is not set or the main file has errors. */
int dm_metrics_status(const char *path, FILE *out, FILE *err);

#endif

/*
 * main.c - doorman: options, config load, the start-up steps (startup.c
 * does those with root's rights), signals.
 *
 *   doorman [-c FILE] [-p SOCKET] [-f] [-n] [-d] [-s] [-V]
 *
 * Exit codes (sysexits.h): 0; 64 usage; 69 socket in use or not openable;
 * 70 libmilter/c-ares failure; 71 cannot fork or start a thread; 73 cannot
 * write the pidfile; 77 cannot become the configured user; 78 configuration.
 * In the background the starting process waits and exits with the daemon's
 * start-up status.
 * SIGUSR1 reloads the configuration (a bad one is logged and the old one
 * kept). SIGTERM and SIGHUP stop: new sessions are refused with a 4xx while
 * the open ones finish (at most [doorman] stop_timeout_ms), then doorman
 * exits; a second signal, or SIGINT, stops at once.
 *
 * Threads: the main thread loads the configuration and waits for signals
 * (on Linux a signal sent to the process goes to the main thread first when
 * it is waiting for it, so libmilter's own signal thread does not see
 * them); libmilter runs on its own thread, which SIGUSR2 wakes from its
 * 5-second accept poll when it is time to stop.
 */
#include "dm_autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <ares.h>
#include <libmilter/mfapi.h>

#include "callbacks.h"
#include "config.h"
#include "config_lint.h"
#include "zones.h"
#include "fdlimit.h"
#include "hostcheck.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "monitor.h"
#include "resolver.h"
#include "runtime.h"
#include "selftest.h"
#include "snapshot.h"
#include "spamd_health.h"
#include "startup.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "?"
#endif

static const char *config_path = DM_CONFIG_FILE;
static const char *socket_override;

static void usage(void)
{
	fprintf(stderr, "usage: doorman [-c FILE] [-p SOCKET] [-f] [-n] [-d] [-s] [-V]\n"
	        "  -c FILE    configuration file (default %s)\n"
	        "  -p SOCKET  milter socket, overrides the file (unix:PATH, inet:PORT@HOST)\n"
	        "  -f         stay in the foreground\n"
	        "  -n         check the configuration and exit (0 = valid, 78 = errors)\n"
	        "  -d         print the effective configuration and policies and exit\n"
	        "  -s         print the running doorman's counters (from metrics_listen) and exit\n"
	        "  -V         print the version and exit\n", DM_CONFIG_FILE);
}

/* Load and validate; print every error. NULL on error. */
static struct dm_config *load(int to_log)
{
	struct dm_errors errs = { NULL, 0 };
	struct dm_config *cfg = dm_config_load(config_path, &errs);
	size_t i;

	for (i = 0; i < errs.n; i++) {
		if (to_log)
			dm_log(LOG_ERR, "%s", errs.msg[i]);
		else
			fprintf(stderr, "doorman: %s\n", errs.msg[i]);
	}
	dm_errors_free(&errs);
	if (cfg != NULL)
		dm_snapshot_stamp(cfg);
	if (cfg != NULL && socket_override != NULL) {
		char *s = strdup(socket_override);
		if (s == NULL) {
			dm_config_free(cfg);
			return NULL;
		}
		free(cfg->socket);
		cfg->socket = s;
	}
	return cfg;
}

static void warn_stderr(void *user, const char *text)
{
	(void)user;
	fprintf(stderr, "doorman: warning: %s\n", text);
}

static void warn_dump(void *user, const char *text)
{
	fprintf(user, "; warning: %s\n", text);
}

static void warn_log(void *user, const char *text)
{
	(void)user;
	dm_log(LOG_WARNING, "%s", text);
}

/* The process's state for cfg: the spamd pool, then each policy's row of
 * counters (only once the pool took it). 0, or -1 (out of memory). */
static int configure_process(const struct dm_config *cfg)
{
	if (dm_runtime_configure(cfg) < 0)
		return -1;
	dm_metrics_configure(cfg);
	return 0;
}

/* SIGUSR1: load, configure the process's runtime state, publish. */
static void reload(void)
{
	struct dm_config *cfg = load(1);
	size_t npol, nzones;
	unsigned long gen;

	if (cfg == NULL) {
		dm_log(LOG_WARNING, "reload: %s has errors, keeping the running configuration", config_path);
		dm_metrics_reloaded(0);
		return;
	}
	if (configure_process(cfg) < 0) {
		dm_log(LOG_WARNING, "reload: out of memory for the spamd pool, keeping the running configuration");
		dm_config_free(cfg);
		dm_metrics_reloaded(0);
		return;
	}
	dm_metrics_reload_note(cfg);
	npol = cfg->npolicies;
	nzones = cfg->nzones;
	gen = cfg->generation;
	dm_config_lint(cfg, warn_log, NULL);
	dm_snapshot_publish(cfg);          /* cfg may be gone after this */
	dm_selftest_kick();
	dm_metrics_reloaded(1);
	dm_log(LOG_INFO, "reload: configuration %s loaded (%zu domain policies, %zu dnsbl zones, generation %lu)",
	       config_path, npol, nzones, gen);
}

/* ------------------------------------------------ libmilter's own thread */

static pthread_t milter_tid;
static int milter_rc = MI_SUCCESS;
static int milter_done;

static void on_wake(int sig)
{
	(void)sig;      /* only interrupts libmilter's poll() */
}

static void *milter_thread(void *arg)
{
	struct sigaction sa;
	sigset_t set;

	(void)arg;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;          /* no SA_RESTART: poll() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	milter_rc = smfi_main();
	__atomic_store_n(&milter_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* SIGUSR1, SIGTERM, SIGINT and SIGHUP reach the main thread through a
 * handler and a pipe, not sigwait: libmilter's own signal thread sigwaits
 * for SIGTERM, SIGINT and SIGHUP, and a signal blocked everywhere goes to
 * whichever waiter comes first (it would end the accept loop with no
 * drain). A signal the main thread has unblocked is delivered to it. */
static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	if (write(sig_pipe[1], &c, 1) < 0) {
		/* the pipe is full: signals enough are already waiting */
	}
	errno = saved;
}

/* Take the signals above in this (the main) thread from now on. */
static int catch_signals(void)
{
	static const int sigs[] = { SIGUSR1, SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	sigset_t set;
	size_t i;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigfillset(&sa.sa_mask);
	sigemptyset(&set);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&set, sigs[i]);
	}
	return pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0 ? 0 : -1;
}

/* Wait for one of those signals until deadline (dm_now_ms); 0 when none came. */
static int wait_signal(uint64_t deadline)
{
	struct pollfd p = { .fd = sig_pipe[0], .events = POLLIN };
	unsigned char c;
	uint64_t now = dm_now_ms();

	if (read(sig_pipe[0], &c, 1) == 1)
		return c;
	if (now >= deadline)
		return 0;
	if (poll(&p, 1, (int)(deadline - now)) <= 0)
		return 0;
	return read(sig_pipe[0], &c, 1) == 1 ? c : 0;
}

static void *wake_milter(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&milter_done, __ATOMIC_ACQUIRE)) {
		pthread_kill(milter_tid, SIGUSR2);
		usleep(20000);
	}
	return NULL;
}

/* Stop: refuse new sessions, let the open ones finish (bounded, unless
 * now), then end libmilter's loop without waiting for its 5-second poll.
 * Also after libmilter's loop ended by itself: its session threads go on. */
static void stop(int now)
{
	pthread_t waker;
	int woken = 0;
	struct dm_config *cfg = dm_snapshot_pin();
	uint64_t until = dm_now_ms() + (now || cfg == NULL ? 0 : cfg->stop_timeout_ms);
	unsigned open = dm_sessions_open();

	dm_snapshot_unpin(cfg);
	dm_runtime_set_stopping();
	if (open > 0 && !now)
		dm_log(LOG_INFO, "stopping: waiting for %u open sessions (at most %llu ms); new ones are deferred",
		       open, (unsigned long long)(until - dm_now_ms()));
	while (dm_sessions_open() > 0 && dm_now_ms() < until) {
		int sig = wait_signal(dm_now_ms() + 20 < until ? dm_now_ms() + 20 : until);
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
			break;       /* asked again: now */
		if (sig == SIGUSR1)  /* the sessions left keep their configuration */
			dm_log(LOG_NOTICE, "reload: not done, doorman is stopping (%u sessions still open)",
			       dm_sessions_open());
	}
	if (dm_sessions_open() > 0)
		dm_log(LOG_WARNING, "stopping with %u sessions open: the MTA applies its milter default action to them",
		       dm_sessions_open());
	/* smfi_stop() waits for a lock that libmilter's accept loop holds
	 * through its 5-second poll: wake that poll until the loop has ended */
	if (pthread_create(&waker, NULL, wake_milter, NULL) == 0)
		woken = 1;
	smfi_stop();
	if (woken)
		pthread_join(waker, NULL);
}

/* The main thread: reloads and stops, until libmilter's loop ends. */
static void serve(void)
{
	int sig, stopped = 0;

	while (!__atomic_load_n(&milter_done, __ATOMIC_ACQUIRE)) {
		sig = wait_signal(dm_now_ms() + 250);
		if (sig == SIGUSR1) {
			reload();
		} else if (sig == SIGTERM || sig == SIGHUP || sig == SIGINT) {
			stop(sig == SIGINT);
			stopped = 1;
			break;
		}
	}
	if (!stopped)            /* libmilter's loop ended without us */
		stop(0);
	pthread_join(milter_tid, NULL);
}

/* Fork into the background. The parent waits for the child's word (one
 * byte: 0 = running, else an exit code) so that a failure after the fork
 * still reaches the admin's terminal and exit status. Returns the write end
 * of that pipe in the child. */
static int daemonize(void)
{
	int pfd[2], fd;
	unsigned char status = EX_OSERR;
	pid_t pid;

	if (pipe(pfd) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(pfd[1]);
		if (read(pfd[0], &status, 1) != 1)
			status = EX_OSERR;
		_exit(status);
	}
	close(pfd[0]);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return pfd[1];
}

/* Tell the waiting parent how start-up ended. After a good start stderr is
 * closed to /dev/null, unless the log goes there (log = stderr). */
static void report_started(int fd, int status, int keep_stderr)
{
	unsigned char b = (unsigned char)status;
	int null;

	if (fd < 0)
		return;
	if (write(fd, &b, 1) != 1) {
		/* the parent is gone: nobody to tell */
	}
	close(fd);
	if (status == 0 && !keep_stderr && (null = open("/dev/null", O_RDWR)) >= 0) {
		dup2(null, STDERR_FILENO);
		close(null);
	}
}

struct options {
	int foreground, check_only, dump, status;
};

/* Returns -1 to go on, or the exit status. */
static int parse_options(int argc, char **argv, struct options *o)
{
	int opt;

	memset(o, 0, sizeof(*o));
	while ((opt = getopt(argc, argv, "c:p:fndsVh")) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'p': socket_override = optarg; break;
		case 'f': o->foreground = 1; break;
		case 'n': o->check_only = 1; break;
		case 'd': o->dump = 1; break;
		case 's': o->status = 1; break;
		case 'V': printf("doorman %s (c-ares %s)\n", PACKAGE_VERSION, ares_version(NULL)); return 0;
		case 'h': usage(); return 0;
		default: usage(); return EX_USAGE;
		}
	}
	if (optind != argc) {
		usage();
		return EX_USAGE;
	}
	return -1;
}

/* Reloads happen after chdir("/"): make the path absolute, but do not
 * resolve symbolic links (an admin may swap what the link points to). */
static void absolute_config_path(void)
{
	static char abs_config[4096];

	if (config_path[0] != '/' && getcwd(abs_config, sizeof(abs_config) - 1) != NULL &&
	    strlen(abs_config) + strlen(config_path) + 2 <= sizeof(abs_config)) {
		strcat(abs_config, "/");
		strcat(abs_config, config_path);
		config_path = abs_config;
	}
}

/* -n and -d: report on cfg and free it. */
static int check_or_dump(struct dm_config *cfg, int dump)
{
	if (dump) {
		dm_config_dump(cfg, stdout);
		if (dm_config_lint(cfg, warn_dump, stdout) > 0)
			putchar('\n');
		if (cfg->nzones > 0 || cfg->nrhsbl[DM_RHSBL_HELO] + cfg->nrhsbl[DM_RHSBL_CLIENT] +
		                      cfg->nrhsbl[DM_RHSBL_SENDER] > 0) {
			/* the zones' health, as a self-test finds it now */
			dm_log_open(DM_LOG_STDERR, 0);
			printf("\n; zone self-test (127.0.0.2 listed, 127.0.0.1 not; domain lists: test, invalid):\n");
			dm_zonecheck_run(cfg, stdout);
		}
		if (cfg->nspamd > 0) {
			printf("\n; spamd self-test (GTUBE must be spam):\n");
			dm_spamd_selftest_run(cfg, stdout);
		}
	} else {
		dm_config_lint(cfg, warn_stderr, NULL);
		dm_hostcheck(cfg, config_path, warn_stderr, NULL);
		printf("doorman: %s: configuration OK (%zu domain policies)\n", config_path, cfg->npolicies);
	}
	dm_config_free(cfg);
	dm_resolver_library_cleanup();
	return 0;
}

/* Socket, background, user, pidfile: what needs root and the terminal.
 * A unix socket and the pidfile are made after the switch to `user`
 * (startup.c). Returns 0, or the exit status (already told to the waiting
 * parent). */
static int become_daemon(const struct dm_config *cfg, const struct passwd *pw, int foreground, int *parent)
{
	char err[300];
	int rc = 0;

	if (smfi_register(dm_filter) != MI_SUCCESS) {
		fprintf(stderr, "doorman: smfi_register failed\n");
		return EX_SOFTWARE;
	}
	if (dm_metrics_listen(cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "doorman: %s\n", err);
		return EX_UNAVAILABLE;
	}
	if (dm_startup_prepare(cfg, pw) < 0)
		return EX_UNAVAILABLE;
	if (!foreground && (*parent = daemonize()) < 0) {
		fprintf(stderr, "doorman: cannot run in the background: %s\n", strerror(errno));
		return EX_OSERR;
	}
	if (dm_startup_become_user(pw) < 0)
		rc = EX_NOPERM;
	else if (dm_startup_open_socket(cfg, pw) < 0)
		rc = EX_UNAVAILABLE;
	else if (dm_startup_write_pidfile(cfg->pidfile) < 0) {
		if (errno == EPERM || errno == ELOOP)
			fprintf(stderr, "doorman: cannot write %s: it is a symbolic link, a hard link or not a regular "
			        "file of this user (remove it)\n", cfg->pidfile);
		else
			fprintf(stderr, "doorman: cannot write %s: %s\n", cfg->pidfile, strerror(errno));
		rc = EX_CANTCREAT;
	}
	if (rc != 0)
		report_started(*parent, rc, 1);
	return rc;
}

/* Signals blocked (before any thread exists: once they all exist the main
 * thread catches them, catch_signals; libmilter's thread gets SIGUSR2 only), the shared DNS
 * thread, the spamd pool, the DNS cache, the first configuration published,
 * then the helper threads. Returns 0 or an exit status. */
static int start_runtime(struct dm_config *cfg, unsigned long fd_soft, unsigned long fd_hard)
{
	char err[200];
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (dm_resolver_start(err, sizeof(err)) < 0) {
		dm_log(LOG_ERR, "%s", err);
		return EX_OSERR;
	}
	if (configure_process(cfg) < 0) {
		dm_log(LOG_ERR, "no memory for the spamd pool");
		return EX_OSERR;
	}
	if (dm_dns_cache_init(cfg) < 0)
		dm_log(LOG_WARNING, "no memory for the DNS cache: running without it");
	dm_log(LOG_INFO, "starting: doorman %s on %s (%zu domain policies, %zu dnsbl zones, fd limit %lu%s)",
	       PACKAGE_VERSION, cfg->socket, cfg->npolicies, cfg->nzones, fd_soft,
	       fd_soft < fd_hard ? ", could not be raised" : "");
	dm_config_lint(cfg, warn_log, NULL);
	dm_snapshot_publish(cfg);       /* before anything could reload */
	if (dm_selftest_start() < 0)
		dm_log(LOG_WARNING, "cannot start the zone self-test thread");
	if (dm_monitor_start() < 0)
		dm_log(LOG_WARNING, "cannot start the file descriptor monitor");
	if (dm_metrics_serve(err, sizeof(err)) < 0) {
		dm_log(LOG_ERR, "%s", err);
		return EX_OSERR;
	}
	if (pthread_create(&milter_tid, NULL, milter_thread, NULL) != 0) {
		dm_log(LOG_ERR, "cannot start the milter thread");
		return EX_OSERR;
	}
	if (catch_signals() < 0) {
		dm_log(LOG_ERR, "cannot catch signals: %s", strerror(errno));
		return EX_OSERR;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct dm_config *cfg;
	struct passwd *pw = NULL;
	unsigned long fd_soft = 0, fd_hard = 0;
	char sock_path[4096], pid_path[4096];
	int parent = -1, rc, log_stderr;

	if ((rc = parse_options(argc, argv, &o)) >= 0)
		return rc;
	absolute_config_path();
	if (o.status)
		return dm_metrics_status(config_path, stdout, stderr);
	if (dm_resolver_library_init() < 0) {
		fprintf(stderr, "doorman: c-ares initialisation failed\n");
		return EX_SOFTWARE;
	}
	if ((cfg = load(0)) == NULL)
		return EX_CONFIG;
	if (o.check_only || o.dump)
		return check_or_dump(cfg, o.dump);
	if (cfg->user[0] != '\0' && (pw = getpwnam(cfg->user)) == NULL) {
		fprintf(stderr, "doorman: %s: user '%s' does not exist\n", config_path, cfg->user);
		dm_config_free(cfg);
		return EX_CONFIG;
	}
	signal(SIGPIPE, SIG_IGN);
	/* one descriptor per MTA session: take all the system allows (as
	 * Postfix's master does) */
	dm_fd_raise_limit(&fd_soft, &fd_hard);
	if ((rc = become_daemon(cfg, pw, o.foreground, &parent)) != 0) {
		dm_config_free(cfg);
		return rc;
	}
	log_stderr = cfg->log == DM_LOG_STDERR;
	dm_log_open(cfg->log, cfg->log_facility);
	/* a reload may free cfg: keep what the exit path needs */
	snprintf(sock_path, sizeof(sock_path), "%s", dm_unix_path(cfg->socket) ? dm_unix_path(cfg->socket) : "");
	snprintf(pid_path, sizeof(pid_path), "%s", cfg->pidfile);
	if ((rc = start_runtime(cfg, fd_soft, fd_hard)) != 0) {
		report_started(parent, rc, 1);
		return rc;
	}
	report_started(parent, 0, log_stderr);
	serve();
	dm_metrics_stop();
	dm_log(LOG_INFO, "stopping");
	/* Debian's libmilter leaves the socket behind; a stale one would only
	 * confuse whoever looks at it next. */
	if (sock_path[0] != '\0')
		unlink(sock_path);
	if (pid_path[0] != '\0')
		unlink(pid_path);
	return milter_rc == MI_SUCCESS ? 0 : EX_SOFTWARE;
}

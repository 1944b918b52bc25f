/*
 * doorman-report.c - summarise doorman's log lines: what was refused and
 * why, what shadow mode would have refused, DNS list health, spamd and DNS
 * timings, busy hours. Text (default), JSON (--json) and an HTML page
 * (--html FILE).
 *
 * Does:    read each input once (files or stdin; plain, gzip or zstd), parse
 *          each line (logline.c), keep doorman's lines inside --since/--until
 *          and count them (stats.c), then write the reports (report_*.c).
 * Returns: exit 0; 1 when an input could not be read to its end (the report
 *          is still written, from what was read); 2 on a usage error; 3 when
 *          a report cannot be written or memory runs out.
 * Never:   links the daemon's code; stops on a bad line; holds more than its
 *          fixed tables and one read buffer, whatever the size of the input.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dm_autoconf.h"
#include "input.h"
#include "lines.h"
#include "logline.h"
#include "report.h"
#include "stats.h"

#define EXIT_INPUT 1
#define EXIT_USAGE 2
#define EXIT_OUTPUT 3

/* The year of time stamps that have none (BSD syslog): the first line of an
 * input gets `year` (or this year, the previous one for dates after today);
 * a jump of more than six months moves to the next or previous year. */
struct year_guess {
	int fixed, year, last_mon, started;
	int now_year, now_mon, now_day;
};

static void year_start(struct year_guess *y)
{
	y->started = 0;
}

static int year_of(struct year_guess *y, const struct ll_time *t)
{
	if (!y->started) {
		y->started = 1;
		if (y->fixed)
			y->year = y->fixed;
		else if (t->mon > y->now_mon || (t->mon == y->now_mon && t->day > y->now_day + 1))
			y->year = y->now_year - 1;
		else
			y->year = y->now_year;
	} else if (t->mon < y->last_mon - 6) {
		y->year++;
	} else if (t->mon > y->last_mon + 6) {
		y->year--;
	}
	y->last_mon = t->mon;
	return y->year;
}

struct run {
	struct stats st;
	struct report_opts o;
	struct year_guess year;
	const char *session;          /* --session: print this connection's lines, no report */
	unsigned long session_lines;
};

static void one_line(struct run *r, const char *p, size_t n, int cut)
{
	struct logline l;
	const char *why;
	int64_t t = 0;
	int has_time;

	r->st.lines++;
	ll_parse(p, n, &l);
	if (l.kind == LL_OTHER) {
		r->st.other_lines++;
		return;
	}
	r->st.doorman_lines++;
	has_time = l.has_time;
	if (has_time) {
		if (l.t.year == 0)
			l.t.year = year_of(&r->year, &l.t);
		t = ll_time_seconds(&l.t);
	}
	if ((r->o.has_since || r->o.has_until) &&
	    (!has_time || (r->o.has_since && t < r->o.since) || (r->o.has_until && t >= r->o.until))) {
		r->st.outside++;
		return;
	}
	if (r->session != NULL) {
		if (ll_eq(l.session, r->session)) {
			fwrite(p, 1, l.line.n, stdout);
			putchar('\n');
			r->session_lines++;
		}
		return;
	}
	if (cut)        /* what it said is incomplete */
		stats_malformed(&r->st, &l, "longer than 64 KB: cut");
	else if (stats_add(&r->st, &l, has_time, t, &why) < 0)
		stats_malformed(&r->st, &l, why);
}

/* Read one input to its end; 0, or -1 after saying why on stderr. */
static int read_input(struct run *r, const char *path)
{
	struct input in;
	struct lines rd;
	const char *p;
	size_t n;
	int rc = 0, got;

	year_start(&r->year);
	if (input_open(&in, path) < 0) {
		fprintf(stderr, "doorman-report: %s: %s\n", path, in.err);
		input_close(&in);
		return -1;
	}
	if (lines_init(&rd, &in) < 0) {
		fprintf(stderr, "doorman-report: out of memory\n");
		input_close(&in);
		return -1;
	}
	while ((got = lines_next(&rd, &p, &n)) > 0)
		one_line(r, p, n, rd.cut);
	if (got < 0) {
		fprintf(stderr, "doorman-report: %s: %s (the report covers what was read before)\n", path, in.err);
		rc = -1;
	}
	r->st.overlong += rd.overlong;
	lines_free(&rd);
	input_close(&in);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: doorman-report [--json] [--html FILE] [--since WHEN] [--until WHEN]\n"
	        "                      [--domain DOMAIN] [--top N] [--year YEAR] [--session ID] [FILE...]\n"
	        "  FILE       doorman's log (syslog, RFC 5424, journalctl -o short-iso, or doorman's\n"
	        "             stderr), plain, gzip or zstd; none or \"-\": standard input\n"
	        "  --json     JSON on standard output instead of text (schema %d)\n"
	        "  --html F   also write a self-contained HTML page with charts to F\n"
	        "  --since W  only lines at or after W (2026-12-01, 2026-12-01T05:00[:00])\n"
	        "  --until W  only lines before W\n"
	        "  --domain D only recipient and message lines of policy D\n"
	        "  --top N    rows of the top tables (default 10, at most 1000)\n"
	        "  --year Y   year of the first syslog time stamp that has none (default: guessed)\n"
	        "  --session ID  print the lines of one connection (session=ID) instead of a report\n",
	        REPORT_SCHEMA);
}

struct cli {
	int json;
	const char *html;
};

static int parse_when(const char *opt, const char *arg, int64_t *out)
{
	if (ll_parse_when(arg, out) == 0)
		return 0;
	fprintf(stderr, "doorman-report: %s %s: not a date (2026-12-01 or 2026-12-01T05:00)\n", opt, arg);
	return -1;
}

static int parse_int(const char *opt, const char *arg, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "doorman-report: %s %s: a number from %d to %d, please\n", opt, arg, lo, hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* Options into r and c; returns the index of the first input, or -1 / -2
 * (usage error / --help or --version done). */
static int options(int argc, char **argv, struct run *r, struct cli *c)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' }, { "html", required_argument, NULL, 'H' },
		{ "since", required_argument, NULL, 's' }, { "until", required_argument, NULL, 'u' },
		{ "domain", required_argument, NULL, 'd' }, { "top", required_argument, NULL, 'n' },
		{ "year", required_argument, NULL, 'y' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { "session", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	r->o.top = 10;
	while ((ch = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		int bad = 0;
		switch (ch) {
		case 'j': c->json = 1; break;
		case 'H': c->html = optarg; break;
		case 's': bad = parse_when("--since", optarg, &r->o.since); r->o.has_since = 1; break;
		case 'u': bad = parse_when("--until", optarg, &r->o.until); r->o.has_until = 1; break;
		case 'd': r->o.domain = optarg; break;
		case 'n': bad = parse_int("--top", optarg, 1, 1000, &r->o.top); break;
		case 'y': bad = parse_int("--year", optarg, 1970, 9999, &r->year.fixed); break;
		case 'S': r->session = optarg; break;
		case 'h': usage(stdout); return -2;
		case 'V': printf("doorman-report %s\n", PACKAGE_VERSION); return -2;
		default: usage(stderr); return -1;
		}
		if (bad)
			return -1;
	}
	return optind;
}

static int write_html(const char *path, const struct stats *st, const struct report_opts *o)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (f == NULL) {
		fprintf(stderr, "doorman-report: %s: %s\n", path, strerror(errno));
		return -1;
	}
	rc = report_html(f, st, o);
	if (fclose(f) != 0 || rc < 0) {
		fprintf(stderr, "doorman-report: %s: write error\n", path);
		return -1;
	}
	return 0;
}

static void now_date(struct year_guess *y)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	y->now_year = tm.tm_year + 1900;
	y->now_mon = tm.tm_mon + 1;
	y->now_day = tm.tm_mday;
}

int main(int argc, char **argv)
{
	static char *stdin_only[] = { "-" };
	struct run r;
	struct cli c = { 0, NULL };
	int first, i, rc = 0;

	memset(&r, 0, sizeof(r));
	first = options(argc, argv, &r, &c);
	if (first < 0)
		return first == -2 ? 0 : EXIT_USAGE;
	if (stats_init(&r.st) < 0) {
		fprintf(stderr, "doorman-report: out of memory\n");
		return EXIT_OUTPUT;
	}
	now_date(&r.year);
	r.st.domain = r.o.domain;
	r.o.inputs = first < argc ? argv + first : stdin_only;
	r.o.ninputs = first < argc ? (size_t)(argc - first) : 1;
	for (i = 0; (size_t)i < r.o.ninputs; i++)
		if (read_input(&r, r.o.inputs[i]) < 0)
			r.o.input_errors++;
	if (r.o.input_errors)
		rc = EXIT_INPUT;
	if (r.session != NULL) {
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = EXIT_OUTPUT;
		stats_free(&r.st);
		return rc;
	}
	if ((c.json ? report_json(stdout, &r.st, &r.o) : report_text(stdout, &r.st, &r.o)) < 0) {
		fprintf(stderr, "doorman-report: cannot write the report\n");
		rc = EXIT_OUTPUT;
	}
	if (c.html != NULL && write_html(c.html, &r.st, &r.o) < 0)
		rc = EXIT_OUTPUT;
	stats_free(&r.st);
	return rc;
}

/*
 * milterdrive.c - a hostile MTA: drives doorman over the milter protocol
 * with input no well-behaved MTA would pass on, beyond what miltertest can
 * carry (design.md 6: HELO <= ~1023 bytes, header value <= ~1000), and
 * checks what comes back.
 *
 *   milterdrive -s SOCKET -p DOORMAN_PID [-t RCPT] CASE...
 *
 * Each CASE runs one or more milter sessions (OPTNEG as Postfix offers it,
 * then what the case sends, steps doorman negotiated away left out) and
 * prints one line:
 *
 *   case=NAME sessions=N answer=WHAT replies=CODES mods=N bad=N
 *       rss_before_kb=N rss_peak_kb=N rss_after_kb=N fds_before=N fds_after=N ms=N
 *
 * answer: doorman's answer to the hostile step ("continue", "reject 501 ...",
 * "closed" when libmilter dropped the session); replies: the reply letters
 * seen at RCPT and end of message; mods: header changes at end of message;
 * bad: header changes or reply texts that carry a raw CR, LF (other than a
 * fold: LF followed by a blank), NUL or other control character. RSS is
 * sampled from /proc/PID/status while the case runs.
 *
 * Cases: helo64k helo_ctl envelope_ctl header_ctl utf8 rcpt10k headers5000
 * header60k header1m subject60k body100m ehlo20k mta_drop (1,000 sessions
 * that vanish in the middle of the body) sane (an ordinary message, to show
 * doorman still answers). Exit 0 when every case ran, 1 on a usage error or
 * when doorman stopped answering the "sane" case.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *sock_path, *rcpt = "<user@tagonly.example>";
static long pid;
static long rss_peak;
static int skip_hdrs, skip_body, skip_eoh;
static unsigned long n_mods, n_bad;
static char codes[64];
static char answer[160];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long proc_kb(const char *key)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return v;
}

static void sample(void)
{
	long r = proc_kb("VmRSS:");

	if (r > rss_peak)
		rss_peak = r;
}

static long proc_fds(void)
{
	char path[64];
	struct dirent *e;
	long n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int io(int fd, void *buf, size_t len, int out)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = out ? send(fd, p, len, MSG_NOSIGNAL) : read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One packet of any size (libmilter refuses those of 64 KiB and more). */
static int pkt(int fd, char cmd, const void *data, size_t len)
{
	uint32_t l = htonl((uint32_t)len + 1);
	unsigned char h[5];

	memcpy(h, &l, 4);
	h[4] = (unsigned char)cmd;
	if (io(fd, h, 5, 1) < 0)
		return -1;
	return len ? io(fd, (void *)data, len, 1) : 0;
}

/* Is this text clean? Raw control bytes are bad; a LF is allowed only as a
 * fold (followed by a blank), a CR only right before such a LF. */
static int clean(const unsigned char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = s[i];
		if (ch == '\t' || (ch >= 0x20 && ch != 0x7f))
			continue;
		if (ch == '\n' && i + 1 < len && (s[i + 1] == ' ' || s[i + 1] == '\t'))
			continue;
		if (ch == '\r' && i + 2 < len && s[i + 1] == '\n' && (s[i + 2] == ' ' || s[i + 2] == '\t'))
			continue;
		return 0;
	}
	return 1;
}

static char rbuf[1 << 20];

/* Read one reply packet: its letter (data in rbuf, length in *len), -1 when
 * the session was closed. Progress packets are skipped. Header changes and
 * reply texts are checked. */
static int reply(int fd, size_t *len)
{
	for (;;) {
		uint32_t l;
		size_t n;

		if (io(fd, &l, 4, 0) < 0)
			return -1;
		n = ntohl(l);
		if (n == 0 || n > sizeof(rbuf) || io(fd, rbuf, n, 0) < 0)
			return -1;
		*len = n - 1;
		if (rbuf[0] == 'p')
			continue;
		sample();
		return (unsigned char)rbuf[0];
	}
}

static void note_code(int c)
{
	size_t n = strlen(codes);

	if (n + 2 < sizeof(codes)) {
		codes[n] = c < 0 ? 'X' : (char)c;
		codes[n + 1] = '\0';
	}
}

/* The answer to a step: continue, or the reply text (checked, escaped). */
static int step(int fd, char cmd, const void *data, size_t len)
{
	size_t rl;
	int c;

	if (pkt(fd, cmd, data, len) < 0)
		return -1;
	c = reply(fd, &rl);
	if (c == 'y') {
		if (!clean((unsigned char *)rbuf + 1, rl > 0 ? rl - 1 : 0))
			n_bad++;
	}
	return c;
}

static void describe(int c, size_t rl)
{
	size_t i, o = 0;

	if (c < 0) {
		snprintf(answer, sizeof(answer), "closed");
		return;
	}
	if (c != 'y') {
		snprintf(answer, sizeof(answer), "%s", c == 'c' ? "continue" : c == 'r' ? "reject" :
		         c == 't' ? "tempfail" : c == 'a' ? "accept" : c == 's' ? "skip" : "other");
		return;
	}
	for (i = 1; i + 1 < rl + 1 && o + 5 < sizeof(answer); i++) {
		unsigned char ch = (unsigned char)rbuf[i];
		if (ch == 0)
			break;
		if (ch < 0x20 || ch >= 0x7f)
			o += (size_t)snprintf(answer + o, sizeof(answer) - o, "\\x%02x", ch);
		else if (ch == ' ')
			answer[o++] = '_';
		else
			answer[o++] = (char)ch;
	}
	answer[o] = '\0';
}

static int dial(void)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* OPTNEG (all actions, every step offered) and CONNECT from ip. */
static int open_session(const char *ip)
{
	unsigned char opt[12], conn[128];
	uint32_t v[3] = { htonl(6), htonl(0x1ff), htonl(0x1fffff) };
	uint16_t port = htons(25);
	size_t n, rl;
	uint32_t pf;
	int fd = dial();

	if (fd < 0)
		return -1;
	memcpy(opt, v, 12);
	if (pkt(fd, 'O', opt, 12) < 0 || reply(fd, &rl) != 'O' || rl < 12) {
		close(fd);
		return -1;
	}
	memcpy(&pf, rbuf + 9, 4);
	pf = ntohl(pf);
	skip_hdrs = (pf & 0x20) != 0;     /* SMFIP_NOHDRS */
	skip_body = (pf & 0x10) != 0;     /* SMFIP_NOBODY */
	skip_eoh = (pf & 0x40) != 0;      /* SMFIP_NOEOH */
	pkt(fd, 'D', "Cj\0mx.test.example.net", 23);
	n = (size_t)snprintf((char *)conn, sizeof(conn), "client.example.org") + 1;
	conn[n++] = '4';
	memcpy(conn + n, &port, 2);
	n += 2;
	n += (size_t)snprintf((char *)conn + n, sizeof(conn) - n, "%s", ip) + 1;
	if (step(fd, 'C', conn, n) != 'c') {
		close(fd);
		return -1;
	}
	return fd;
}

static int helo(int fd, const char *name)
{
	return step(fd, 'H', name, strlen(name) + 1);
}

static int mail_rcpt(int fd, const char *from, const char *to)
{
	int c;

	pkt(fd, 'D', "Mi\0" "4QDRIVE1", 12);
	if ((c = step(fd, 'M', from, strlen(from) + 1)) != 'c')
		return c;
	c = step(fd, 'R', to, strlen(to) + 1);
	note_code(c);
	return c;
}

/* name\0value\0 (value may hold any byte but NUL... and NUL too: vlen) */
static int header(int fd, const char *name, const char *value, size_t vlen)
{
	size_t nl = strlen(name) + 1;
	char *p;
	int c;

	if (skip_hdrs)
		return 'c';
	p = malloc(nl + vlen + 1);
	if (p == NULL)
		return -1;
	memcpy(p, name, nl);
	memcpy(p + nl, value, vlen);
	p[nl + vlen] = '\0';
	c = step(fd, 'L', p, nl + vlen + 1);
	free(p);
	return c;
}

/* End of headers, body (total bytes, in chunks, going on after a skip when
 * stubborn), end of message: the final reply letter; mods counted. */
static int finish(int fd, size_t body, int stubborn)
{
	static char chunk[65535];
	size_t sent = 0, rl;
	int c, skipped = 0;

	if (!skip_eoh && (c = step(fd, 'N', NULL, 0)) != 'c' && c != 's')
		return c;
	memset(chunk, 'x', sizeof(chunk));
	for (size_t i = 76; i < sizeof(chunk); i += 78) {
		chunk[i] = '\r';
		chunk[i + 1] = '\n';
	}
	while (!skip_body && sent < body && (!skipped || stubborn)) {
		size_t n = body - sent < sizeof(chunk) ? body - sent : sizeof(chunk);
		c = step(fd, 'B', chunk, n);
		if (c == 's')
			skipped = 1;
		else if (c != 'c')
			return c;
		sent += n;
		if ((sent / sizeof(chunk)) % 64 == 0)
			sample();
	}
	pkt(fd, 'D', "Ei\0" "4QDRIVE1", 12);
	if (pkt(fd, 'E', NULL, 0) < 0)
		return -1;
	for (;;) {
		c = reply(fd, &rl);
		if (c == 'h' || c == 'i' || c == 'm') {
			/* [index(4)] name\0 value\0 */
			size_t off = c == 'h' ? 0 : 4, nlen;
			n_mods++;
			if (rl < off + 2) {
				n_bad++;
				continue;
			}
			nlen = strnlen(rbuf + 1 + off, rl - off);
			if (!clean((unsigned char *)rbuf + 1 + off, nlen))
				n_bad++;
			if (off + nlen + 1 < rl) {
				const char *v = rbuf + 1 + off + nlen + 1;
				size_t vlen = strnlen(v, rl - off - nlen - 1);
				if (!clean((const unsigned char *)v, vlen))
					n_bad++;
				/* what changed; the Subject we tagged: how long, how folded */
				fprintf(stderr, "  %c %.40s: %zu bytes\n", c, rbuf + 1 + off, vlen);
				if (strncasecmp(rbuf + 1 + off, "Subject", 8) == 0) {
					size_t folds = 0, k;
					for (k = 0; k < vlen; k++)
						folds += v[k] == '\n';
					fprintf(stderr, "  subject changed: %zu bytes, %zu folds, starts %.20s\n", vlen,
					        folds, v);
				}
			}
			continue;
		}
		if (c == 'q' || c == 'f' || c == 'e' || c == '-' || c == '+')
			continue;
		if (c == 'y' && !clean((unsigned char *)rbuf + 1, rl > 0 ? rl - 1 : 0))
			n_bad++;
		note_code(c);
		return c;
	}
}

static void quit(int fd)
{
	pkt(fd, 'Q', NULL, 0);
	close(fd);
}

/* ---------------------------------------------------------------- cases */

static int run_case(const char *name)
{
	size_t rl = 0;
	int fd, c = 0, sessions = 1;

	codes[0] = '\0';
	answer[0] = '\0';
	if (strcmp(name, "helo64k") == 0) {
		/* 64 KiB: past libmilter's packet limit */
		char *h = malloc(65536 + 16);
		memset(h, 'a', 65536);
		strcpy(h + 65536, ".example.org");
		fd = open_session("172.16.9.1");
		c = helo(fd, h);
		describe(c, rl);
		if (c == 'c')
			mail_rcpt(fd, "<a@sender.example.org>", rcpt), finish(fd, 100, 0);
		free(h);
		quit(fd);
	} else if (strcmp(name, "helo_ctl") == 0) {
		static const char h[] = "mail\r\nRCPT TO:<x@y>\x01\x1b[31m\x7f\xff\xfe.example.org\0after-nul";
		fd = open_session("172.16.9.2");
		c = pkt(fd, 'H', h, sizeof(h)) < 0 ? -1 : reply(fd, &rl);
		describe(c, rl);
		c = mail_rcpt(fd, "<a@sender.example.org>", rcpt);
		rl = 0;
		if (c == 'y')
			describe(c, strlen(rbuf + 1) + 1);
		quit(fd);
	} else if (strcmp(name, "envelope_ctl") == 0) {
		static const char from[] = "<a\r\nb\x01\x1b[2J\xff@sender.example.org>";
		static const char to[] = "<c\r\n\x7f\x08d@tagonly.example>";
		fd = open_session("172.16.9.3");
		helo(fd, "good.sender.example.org");
		pkt(fd, 'D', "Mi\0" "4QDRIVE1", 12);
		c = step(fd, 'M', from, sizeof(from));
		describe(c, 0);
		c = step(fd, 'R', to, sizeof(to));
		note_code(c);
		if (c == 'c')
			finish(fd, 1000, 0);
		quit(fd);
	} else if (strcmp(name, "header_ctl") == 0) {
		static const char v[] = "value\r\nX-Injected: yes\r\n\x01\x1b[31m\xff\0tail";
		fd = open_session("172.16.9.4");
		helo(fd, "good.sender.example.org");
		mail_rcpt(fd, "<a@sender.example.org>", rcpt);
		c = header(fd, "X-Bad\r\nName\x01", v, sizeof(v) - 1);
		describe(c, 0);
		header(fd, "Subject", "tag me\r\nX-Injected: yes\x01\x1b", 26);
		header(fd, "X-Spam-Flag", "YES\r\n\x00", 6);
		finish(fd, 2000, 0);
		quit(fd);
	} else if (strcmp(name, "utf8") == 0) {
		static const char bad[] = "\xc3\x28 \xa0\xa1 \xe2\x28\xa1 \xf0\x28\x8c\xbc \xc0\xaf \xed\xa0\x80 \xf8\x88\x80\x80\x80";
		char h[128];
		fd = open_session("172.16.9.5");
		snprintf(h, sizeof(h), "m\xc3\x28il.\xff\xfe.example.org");
		c = helo(fd, h);
		describe(c, 0);
		mail_rcpt(fd, "<\xc3\x28\xed\xa0\x80@sender.example.org>", rcpt);
		header(fd, "Subject", bad, sizeof(bad) - 1);
		header(fd, "From", bad, sizeof(bad) - 1);
		finish(fd, 3000, 0);
		quit(fd);
	} else if (strcmp(name, "rcpt10k") == 0) {
		char r[64];
		int i, ok = 0;
		fd = open_session("172.16.9.6");
		helo(fd, "good.sender.example.org");
		pkt(fd, 'D', "Mi\0" "4QDRIVE1", 12);
		step(fd, 'M', "<a@sender.example.org>", 23);
		for (i = 0; i < 10000; i++) {
			snprintf(r, sizeof(r), "<user%05d@tagonly.example>", i);
			c = step(fd, 'R', r, strlen(r) + 1);
			ok += c == 'c';
			if (c < 0)
				break;
			if (i % 500 == 0)
				sample();
		}
		snprintf(answer, sizeof(answer), "%d_of_10000_recipients_continue", ok);
		header(fd, "Subject", "many recipients", 15);
		finish(fd, 1000, 0);
		quit(fd);
	} else if (strcmp(name, "headers5000") == 0) {
		char hn[64], hv[64];
		int i, ok = 0;
		fd = open_session("172.16.9.7");
		helo(fd, "good.sender.example.org");
		mail_rcpt(fd, "<a@sender.example.org>", rcpt);
		for (i = 0; i < 5000; i++) {
			/* every other one an X-Spam-* name doorman must consider deleting */
			snprintf(hn, sizeof(hn), i % 2 ? "X-Spam-Junk-%d" : "X-Header-%d", i);
			snprintf(hv, sizeof(hv), "value %d", i);
			c = header(fd, hn, hv, strlen(hv));
			ok += c == 'c';
			if (c < 0)
				break;
			if (i % 500 == 0)
				sample();
		}
		snprintf(answer, sizeof(answer), "%d_of_5000_headers_continue", ok);
		finish(fd, 1000, 0);
		quit(fd);
	} else if (strcmp(name, "header60k") == 0 || strcmp(name, "header1m") == 0 ||
	           strcmp(name, "subject60k") == 0) {
		size_t len = strcmp(name, "header1m") == 0 ? 1 << 20 : 60000;
		char *v = malloc(len);
		for (size_t i = 0; i < len; i++)
			v[i] = (char)('a' + i % 26);
		for (size_t i = 70; i < len; i += 71)
			v[i] = ' ';
		fd = open_session("172.16.9.8");
		helo(fd, "good.sender.example.org");
		mail_rcpt(fd, "<a@sender.example.org>", rcpt);
		c = header(fd, name[0] == 's' ? "Subject" : "X-Long", v, len);
		describe(c, 0);
		if (c == 'c')
			finish(fd, 1000, 0);
		free(v);
		quit(fd);
	} else if (strcmp(name, "body100m") == 0) {
		fd = open_session("172.16.9.9");
		helo(fd, "good.sender.example.org");
		mail_rcpt(fd, "<a@sender.example.org>", rcpt);
		header(fd, "Subject", "a big one", 9);
		/* stubborn: 100 MB even after doorman asked to skip the rest */
		c = finish(fd, 100u << 20, 1);
		describe(c, 0);
		quit(fd);
	} else if (strcmp(name, "ehlo20k") == 0) {
		char h[64];
		int i, ok = 0;
		fd = open_session("172.16.9.10");
		for (i = 0; i < 20000; i++) {
			snprintf(h, sizeof(h), "h%d.flood.example.org", i);
			ok += helo(fd, h) == 'c';
			if (i % 1000 == 0)
				sample();
		}
		snprintf(answer, sizeof(answer), "%d_of_20000_ehlo_continue", ok);
		mail_rcpt(fd, "<a@sender.example.org>", rcpt);
		finish(fd, 100, 0);
		quit(fd);
	} else if (strcmp(name, "mta_drop") == 0) {
		int i, dropped = 0;
		sessions = 1000;
		for (i = 0; i < sessions; i++) {
			char ip[32];
			snprintf(ip, sizeof(ip), "172.17.%d.%d", i / 250, i % 250 + 1);
			if ((fd = open_session(ip)) < 0)
				continue;
			helo(fd, "good.sender.example.org");
			mail_rcpt(fd, "<a@sender.example.org>", rcpt);
			header(fd, "Subject", "dropped", 7);
			if (!skip_eoh)
				step(fd, 'N', NULL, 0);
			if (!skip_body)
				step(fd, 'B', "half a body\r\n", 13);
			close(fd);      /* no abort, no quit: the MTA vanished */
			dropped++;
			if (i % 100 == 0)
				sample();
		}
		snprintf(answer, sizeof(answer), "%d_sessions_dropped_mid_body", dropped);
		usleep(500000);
	} else if (strcmp(name, "sane") == 0) {
		fd = open_session("172.16.9.11");
		if (fd < 0) {
			snprintf(answer, sizeof(answer), "no_session");
			return 1;
		}
		helo(fd, "good.sender.example.org");
		mail_rcpt(fd, "<a@sender.example.org>", rcpt);
		header(fd, "Subject", "hello", 5);
		c = finish(fd, 1000, 0);
		describe(c, 0);
		quit(fd);
		return c < 0;
	} else {
		fprintf(stderr, "milterdrive: unknown case %s\n", name);
		return 2;
	}
	(void)sessions;
	return 0;
}

int main(int argc, char **argv)
{
	int opt, i, rc = 0;

	while ((opt = getopt(argc, argv, "s:p:t:")) != -1) {
		switch (opt) {
		case 's': sock_path = optarg; break;
		case 'p': pid = strtol(optarg, NULL, 10); break;
		case 't': rcpt = optarg; break;
		default: return 1;
		}
	}
	if (sock_path == NULL || pid <= 0 || optind >= argc) {
		fprintf(stderr, "usage: milterdrive -s SOCKET -p DOORMAN_PID [-t RCPT] CASE...\n");
		return 1;
	}
	for (i = optind; i < argc; i++) {
		long before = proc_kb("VmRSS:"), fds0 = proc_fds();
		double t0 = now_ms();
		int r;

		rss_peak = before;
		n_mods = n_bad = 0;
		r = run_case(argv[i]);
		if (r == 2)
			return 1;
		usleep(200000);           /* let doorman finish the close */
		sample();
		printf("case=%s answer=%s replies=%s mods=%lu bad=%lu rss_before_kb=%ld rss_peak_kb=%ld "
		       "rss_after_kb=%ld fds_before=%ld fds_after=%ld ms=%.0f\n",
		       argv[i], answer[0] ? answer : "-", codes[0] ? codes : "-", n_mods, n_bad, before, rss_peak,
		       proc_kb("VmRSS:"), fds0, proc_fds(), now_ms() - t0);
		fflush(stdout);
		rc |= r;
	}
	return rc;
}

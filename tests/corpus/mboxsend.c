/*
 * mboxsend.c - send real mail (one mbox-style message per file: a first
 * line "From SENDER DATE", then the message) to an SMTP server on loopback,
 * each with its own envelope sender, C sessions at once, and write down what
 * the server answered: the sender of tests/e2e/corpus.test and
 * bench/corpus.sh.
 *
 *   mboxsend -p PORT -l LIST -o RESULTS [-c C] [-t PREFIX] [-d DOMAIN]
 *            [-x ADDR] [-n NAME] [-H HELO]
 *
 * LIST has one file name a line; message k (from 1, in LIST's order) goes to
 * the recipient PREFIX + k in 6 digits + "@" DOMAIN (default
 * m000001@dest.example), so that the copy smtp-sink keeps says which it is; from the
 * sender of its From line ("MAILER-DAEMON" and "<>" as the null sender).
 * -x ADDR: each session first claims client ADDR (name NAME, HELO HELO)
 * with XCLIENT. The message goes as it is (LF made CRLF, dot-stuffed), with
 * BODY=8BITMIME. RESULTS gets one line per message: "k CODE MS", CODE the
 * last reply's code (0: the connection failed). A summary goes to stdout:
 *   sent=N ok=N failed=N seconds=S
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static unsigned short port = 25;
static const char *prefix = "m", *domain = "dest.example", *xaddr, *xname = "relay.corpus.example";
static const char *helo = "relay.corpus.example";
static char **files;
static long nfiles, next_k, n_ok, n_fail;
static FILE *results_out;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct conn {
	int fd;
	char buf[4096];
	size_t len;
};

static int send_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read one whole reply (last line "NNN "); returns its code, 0 on error. */
static int reply(struct conn *c)
{
	for (;;) {
		char *nl;
		ssize_t r;

		while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
			size_t ln = (size_t)(nl - c->buf) + 1;
			int last = ln >= 4 && c->buf[3] == ' ', code = atoi(c->buf);

			memmove(c->buf, c->buf + ln, c->len - ln);
			c->len -= ln;
			if (last)
				return code;
		}
		if (c->len == sizeof(c->buf))
			return 0;
		r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (r <= 0)
			return 0;
		c->len += (size_t)r;
	}
}

static int cmd(struct conn *c, const char *line)
{
	char b[1200];

	snprintf(b, sizeof(b), "%s\r\n", line);
	return send_all(c->fd, b, strlen(b)) < 0 ? 0 : reply(c);
}

/* The message after its From line, LF made CRLF, dot-stuffed, ending ".". */
static int send_data(struct conn *c, const char *msg, size_t len)
{
	char *o = malloc(2 * len + 8);
	size_t i, n = 0;
	int bol = 1, rc;

	if (o == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		if (bol && msg[i] == '.')
			o[n++] = '.';
		if (msg[i] == '\n' && (i == 0 || msg[i - 1] != '\r'))
			o[n++] = '\r';
		o[n++] = msg[i];
		bol = msg[i] == '\n';
	}
	if (!bol) {
		o[n++] = '\r';
		o[n++] = '\n';
	}
	memcpy(o + n, ".\r\n", 3);
	rc = send_all(c->fd, o, n + 3);
	free(o);
	return rc;
}

/* "From SENDER DATE": SENDER, or "" for the null sender. */
static void mbox_sender(const char *msg, size_t len, char *out, size_t outlen)
{
	size_t n = 0, i = 5;

	out[0] = '\0';
	if (len < 5 || strncmp(msg, "From ", 5) != 0)
		return;
	while (i < len && msg[i] != ' ' && msg[i] != '\n' && n + 1 < outlen)
		out[n++] = msg[i++];
	out[n] = '\0';
	if (strcmp(out, "MAILER-DAEMON") == 0 || strcmp(out, "<>") == 0)
		out[0] = '\0';
}

static int session(long k, const char *msg, size_t len)
{
	struct sockaddr_in sin;
	struct conn c = { -1, { 0 }, 0 };
	char line[1100], sender[600], rcpt[200];
	const char *body = msg;
	size_t blen = len;
	int code = 0;

	mbox_sender(msg, len, sender, sizeof(sender));
	if (len >= 5 && strncmp(msg, "From ", 5) == 0) {
		const char *nl = memchr(msg, '\n', len);
		body = nl ? nl + 1 : msg + len;
		blen = len - (size_t)(body - msg);
	}
	snprintf(rcpt, sizeof(rcpt), "%s%06ld@%s", prefix, k, domain);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if ((c.fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return 0;
	if (connect(c.fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || reply(&c) != 220)
		goto done;
	snprintf(line, sizeof(line), "EHLO %s", helo);
	if (cmd(&c, line) != 250)
		goto done;
	if (xaddr != NULL) {
		snprintf(line, sizeof(line), "XCLIENT ADDR=%s NAME=%s HELO=%s", xaddr, xname, helo);
		if (cmd(&c, line) != 220)
			goto done;
		snprintf(line, sizeof(line), "EHLO %s", helo);
		if (cmd(&c, line) != 250)
			goto done;
	}
	snprintf(line, sizeof(line), "MAIL FROM:<%s> BODY=8BITMIME", sender);
	if ((code = cmd(&c, line)) != 250)
		goto done;
	snprintf(line, sizeof(line), "RCPT TO:<%s>", rcpt);
	if ((code = cmd(&c, line)) != 250)
		goto done;
	if ((code = cmd(&c, "DATA")) != 354)
		goto done;
	code = send_data(&c, body, blen) < 0 ? 0 : reply(&c);
	cmd(&c, "QUIT");
done:
	close(c.fd);
	return code;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (b = malloc((size_t)n + 1)) != NULL) {
		*len = fread(b, 1, (size_t)n, f);
		b[*len] = '\0';
	}
	fclose(f);
	return b;
}

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		long k;
		size_t len = 0;
		char *msg;
		double t0;
		int code;

		pthread_mutex_lock(&lock);
		k = ++next_k;
		pthread_mutex_unlock(&lock);
		if (k > nfiles)
			return NULL;
		t0 = now_ms();
		msg = slurp(files[k - 1], &len);
		code = msg ? session(k, msg, len) : 0;
		free(msg);
		pthread_mutex_lock(&lock);
		fprintf(results_out, "%ld %d %.0f\n", k, code, now_ms() - t0);
		if (code == 250)
			n_ok++;
		else
			n_fail++;
		pthread_mutex_unlock(&lock);
	}
}

static int read_list(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	long cap = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (nfiles == cap) {
			char **g = realloc(files, (size_t)(cap = cap ? 2 * cap : 256) * sizeof(*files));
			if (g == NULL)
				return -1;
			files = g;
		}
		if ((files[nfiles] = strdup(line)) == NULL)
			return -1;
		nfiles++;
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	const char *list = NULL, *results = NULL;
	pthread_t tid[64];
	int opt, conc = 1, i;
	double t0;

	while ((opt = getopt(argc, argv, "p:l:o:c:t:d:x:n:H:")) != -1) {
		switch (opt) {
		case 'p': port = (unsigned short)atoi(optarg); break;
		case 'l': list = optarg; break;
		case 'o': results = optarg; break;
		case 'c': conc = atoi(optarg); break;
		case 't': prefix = optarg; break;
		case 'd': domain = optarg; break;
		case 'x': xaddr = optarg; break;
		case 'n': xname = optarg; break;
		case 'H': helo = optarg; break;
		default: goto usage;
		}
	}
	if (list == NULL || results == NULL || conc < 1 || conc > 64)
		goto usage;
	if (read_list(list) < 0 || (results_out = fopen(results, "w")) == NULL) {
		perror("mboxsend");
		return 2;
	}
	t0 = now_ms();
	for (i = 0; i < conc; i++)
		pthread_create(&tid[i], NULL, worker, NULL);
	for (i = 0; i < conc; i++)
		pthread_join(tid[i], NULL);
	fclose(results_out);
	printf("sent=%ld ok=%ld failed=%ld seconds=%.2f\n", nfiles, n_ok, n_fail, (now_ms() - t0) / 1e3);
	return n_fail ? 1 : 0;
usage:
	fprintf(stderr, "usage: mboxsend -p PORT -l LIST -o RESULTS [-c C] [-t PREFIX] [-d DOMAIN] [-x ADDR] [-n NAME] [-H HELO]\n");
	return 2;
}

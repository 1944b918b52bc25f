/*
 * fuzz_spamd_reply.c - libFuzzer target for the spamd reply parser
 * (spamd_reply_parse) and the request head builder (spamd_request_head).
 *
 * The first input byte picks the command (CHECK, SYMBOLS, REPORT, or an
 * invalid one); the rest is what spamd sent. Invariants: exactly one
 * outcome; a verdict has code 0, no error, bounded scores and well-formed
 * symbols/report; a spamd error has a code in 64..78; a malformed reply
 * holds no half verdict; every string is terminated and free of controls
 * (the report keeps '\n' only); a CHECK verdict needs every byte, so the
 * same reply cut short is never a verdict. The rest of the input, taken as a
 * spamd user name, never adds a line to the request head.
 */
#include <math.h>

#include "fuzz.h"
#include "spamd_reply.h"

static void check_str(const char *s, size_t size, const char *allow)
{
	FUZZ_ASSERT(memchr(s, '\0', size) != NULL);
	FUZZ_ASSERT(!fuzz_has_ctl(s, strlen(s), allow));
}

static void check_symbols(const struct spamd_result *r)
{
	const char *p = r->symbols;
	size_t names = 0, len = 0;

	if (*p == '\0') {
		FUZZ_ASSERT(r->nsymbols == 0);
		return;
	}
	for (;; p++) {
		if (*p == ',' || *p == '\0') {
			FUZZ_ASSERT(len > 0 && len <= SPAMD_SYMBOL_MAX);
			names++;
			len = 0;
			if (*p == '\0')
				break;
			continue;
		}
		FUZZ_ASSERT((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		            (*p >= '0' && *p <= '9') || *p == '_');
		len++;
	}
	FUZZ_ASSERT(names == r->nsymbols);
}

static void check_result(const struct spamd_result *r, enum spamd_status st, enum spamd_cmd cmd)
{
	FUZZ_ASSERT(st == r->status);
	check_str(r->message, sizeof(r->message), NULL);
	check_str(r->error, sizeof(r->error), NULL);
	check_str(r->symbols, sizeof(r->symbols), NULL);
	check_str(r->report, sizeof(r->report), "\n");
	switch (st) {
	case SPAMD_VERDICT:
		FUZZ_ASSERT(cmd <= SPAMD_CMD_REPORT);
		FUZZ_ASSERT(r->code == 0 && r->major == 1 && r->error[0] == '\0');
		FUZZ_ASSERT(r->is_spam == 0 || r->is_spam == 1);
		FUZZ_ASSERT(!isnan(r->score) && fabs(r->score) <= SPAMD_SCORE_MAX);
		FUZZ_ASSERT(!isnan(r->threshold) && fabs(r->threshold) <= SPAMD_SCORE_MAX);
		check_symbols(r);
		if (cmd != SPAMD_CMD_SYMBOLS)
			FUZZ_ASSERT(r->symbols[0] == '\0' && !r->symbols_truncated);
		if (cmd != SPAMD_CMD_REPORT)
			FUZZ_ASSERT(r->report[0] == '\0' && !r->report_truncated);
		break;
	case SPAMD_ERROR_CODE:
		FUZZ_ASSERT(r->code >= 64 && r->code <= 78);
		FUZZ_ASSERT(strncmp(r->error, "spamd error ", 12) == 0);
		break;
	case SPAMD_MALFORMED:
		FUZZ_ASSERT(strncmp(r->error, "malformed spamd reply", 21) == 0);
		FUZZ_ASSERT(r->is_spam == 0 && r->score == 0 && r->threshold == 0);
		FUZZ_ASSERT(r->symbols[0] == '\0' && r->report[0] == '\0' && r->nsymbols == 0);
		break;
	default:
		FUZZ_ASSERT(!"unknown status");
	}
}

static void check_head(const char *user, enum spamd_cmd cmd)
{
	char out[256];
	size_t n = spamd_request_head(out, sizeof(out), cmd, user), i, lines = 0;

	if (cmd > SPAMD_CMD_REPORT) {
		FUZZ_ASSERT(n == 0 && out[0] == '\0');
		return;
	}
	FUZZ_ASSERT(n > 0 && n < sizeof(out) && strlen(out) == n);
	for (i = 0; i < n; i++) {
		if (out[i] == '\n')
			lines++;
		if (out[i] == '\r')
			FUZZ_ASSERT(out[i + 1] == '\n');
		FUZZ_ASSERT((unsigned char)out[i] >= 0x20 || out[i] == '\r' || out[i] == '\n');
		FUZZ_ASSERT((unsigned char)out[i] < 0x7f);
	}
	FUZZ_ASSERT(lines == (user[0] ? 3u : 2u));
	FUZZ_ASSERT(n >= 4 && memcmp(out + n - 4, "\r\n\r\n", 4) == 0);
	/* too small a buffer: nothing, never a cut head */
	FUZZ_ASSERT(spamd_request_head(out, n, cmd, user) == 0 && out[0] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spamd_result *r = malloc(sizeof(*r));
	enum spamd_cmd cmd;
	enum spamd_status st;
	char *buf = NULL, *user;
	size_t n;

	FUZZ_ASSERT(r != NULL);
	if (size == 0) {
		check_result(r, spamd_reply_parse(NULL, 0, SPAMD_CMD_CHECK, r), SPAMD_CMD_CHECK);
		free(r);
		return 0;
	}
	cmd = (enum spamd_cmd)(data[0] % 4 == 3 ? 7 : data[0] % 4);
	n = size - 1;
	if (n > 0) {
		buf = malloc(n);                 /* exact size: no NUL after the reply */
		FUZZ_ASSERT(buf != NULL);
		memcpy(buf, data + 1, n);
	}
	st = spamd_reply_parse(buf, n, cmd, r);
	check_result(r, st, cmd);
	if (st == SPAMD_VERDICT && cmd == SPAMD_CMD_CHECK)
		FUZZ_ASSERT(spamd_reply_parse(buf, n - 1, cmd, r) != SPAMD_VERDICT);

	user = fuzz_strndup(data + 1, n);
	check_head(user, cmd);
	free(user);
	free(buf);
	free(r);
	return 0;
}

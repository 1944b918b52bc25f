/*
 * fuzz_logline.c - libFuzzer target for doorman-report's log line parser
 * (tools/logline.c, logframe.c, logsentence.c).
 *
 * The input is one line, as doorman-report hands it over (no line end).
 * Invariants: a kind, frame and level in range; a malformed line says why;
 * every slice (message, queue id, client, reply, name, text, numbers, each
 * field's key and value) lies inside the line; the known-key index points
 * at a field of that key; the numbers of a fixed sentence are digits; the
 * time, when there is one, is a calendar time; the line is never written
 * (exact-size buffer, compared after).
 */
#include "logline.h"
#include "fuzz.h"

static void inside(const char *line, size_t len, struct ll_slice s)
{
	if (s.p == NULL)
		return;
	FUZZ_ASSERT(s.p >= line && s.n <= len && (size_t)(s.p - line) <= len - s.n);
}

static void check_fields(const char *line, size_t len, const struct logline *l)
{
	size_t i, k;

	FUZZ_ASSERT(l->nfields <= LL_MAX_FIELDS);
	for (i = 0; i < l->nfields; i++) {
		inside(line, len, l->field[i].key);
		inside(line, len, l->field[i].val);
	}
	for (k = 0; k < LLK_COUNT; k++) {
		struct ll_slice v = ll_get(l, (enum ll_key)k);
		if (l->known[k] == 0) {
			FUZZ_ASSERT(v.p == NULL);
			continue;
		}
		FUZZ_ASSERT(l->known[k] <= l->nfields);
		FUZZ_ASSERT(ll_key_id(l->field[l->known[k] - 1].key.p, l->field[l->known[k] - 1].key.n) == k);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logline l;
	char *line;
	size_t i, j;

	if (size > 1 << 16)
		return 0;
	line = malloc(size ? size : 1);
	FUZZ_ASSERT(line != NULL);
	memcpy(line, data, size);
	ll_parse(line, size, &l);
	FUZZ_ASSERT(memcmp(line, data, size) == 0);
	FUZZ_ASSERT((unsigned)l.kind < LL_KIND_COUNT && (unsigned)l.fmt < LL_FMT_COUNT);
	FUZZ_ASSERT(l.level == LL_INFO || l.level == LL_WARNING || l.level == LL_ERROR);
	FUZZ_ASSERT(l.kind != LL_MALFORMED || l.why != NULL);
	FUZZ_ASSERT(l.kind != LL_RCPT || (unsigned)l.rcpt < LL_RCPT_COUNT);
	FUZZ_ASSERT(ll_kind_name(l.kind)[0] != '?' && ll_format_name(l.fmt) != NULL);
	if (l.has_time)
		FUZZ_ASSERT(l.t.mon >= 1 && l.t.mon <= 12 && l.t.day >= 1 && l.t.day <= 31 &&
		            l.t.hour >= 0 && l.t.hour <= 23 && l.t.min >= 0 && l.t.min <= 59 &&
		            l.t.sec >= 0 && l.t.sec <= 60);
	inside(line, size, l.line);
	inside(line, size, l.msg);
	inside(line, size, l.qid);
	inside(line, size, l.client_name);
	inside(line, size, l.client_ip);
	inside(line, size, l.reply);
	inside(line, size, l.name);
	inside(line, size, l.text);
	for (i = 0; i < LL_MAX_NUMS; i++) {
		inside(line, size, l.num[i]);
		for (j = 0; l.num[i].p != NULL && j < l.num[i].n; j++)
			FUZZ_ASSERT(l.num[i].p[j] >= '0' && l.num[i].p[j] <= '9');
	}
	check_fields(line, size, &l);
	free(line);
	return 0;
}

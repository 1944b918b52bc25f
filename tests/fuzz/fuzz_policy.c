/*
 * fuzz_policy.c - libFuzzer target for the policy parser (dm_policy_parse
 * and dm_policy_finish), as a policy.d/DOMAIN.conf over the built-in
 * default.
 *
 * Invariants: the return values count the errors added, each naming the
 * file; every reply is a 4xx/5xx code with a matching enhanced code and
 * printable text, and after a clean finish a reject has a 5xx reply and a
 * tempfail a 4xx one (the DNS-error reply is always 4xx); thresholds are in
 * range; the exempt list is lowercase, NULL-terminated and counted; every
 * reply expands, with hostile values, to printable bounded text. A policy
 * that parsed without error dumps (dm_policy_dump) to text that parses and
 * finishes again without error and dumps the same.
 */
#include "config.h"
#include "fuzz.h"

#define FILE_NAME "fuzz.example.conf"

static struct dm_policy *builtin;

static void check_errors(const struct dm_errors *e, size_t before, int rc)
{
	size_t i;

	FUZZ_ASSERT(rc >= 0 && (size_t)rc == e->n - before);
	for (i = before; i < e->n; i++)
		FUZZ_ASSERT(strncmp(e->msg[i], FILE_NAME ":", sizeof(FILE_NAME)) == 0);
}

static void check_policy(const struct dm_policy *p, int clean, int finished)
{
	static const struct dm_reply_vars hostile = {
		"h\r\nX-Injected: 1", "%s%n\x01", "reason\n.\r\n", "http://x/%",
		"zone\x7f\xff", "txt\0hidden", "99.9%%",
	};
	char out[512];
	size_t i, j, len;

	FUZZ_ASSERT(p->helo_dns_error == DM_ACT_OFF || p->helo_dns_error == DM_ACT_TEMPFAIL);
	FUZZ_ASSERT(p->dnsbl_threshold >= -1000 && p->dnsbl_threshold <= 1000);
	FUZZ_ASSERT(p->allow_threshold >= -1000 && p->allow_threshold <= 1000);
	FUZZ_ASSERT(p->spamd_user[0] != '\0' && memchr(p->spamd_user, '\0', sizeof(p->spamd_user)));
	FUZZ_ASSERT(memchr(p->subject_tag, '\0', sizeof(p->subject_tag)) != NULL);
	FUZZ_ASSERT(!fuzz_has_ctl(p->subject_tag, strlen(p->subject_tag), NULL));
	FUZZ_ASSERT(!fuzz_has_ctl(p->help_url, strlen(p->help_url), NULL) && strchr(p->help_url, '%') == NULL);
	/* a rejected reply may be left half set: the file is refused anyway */
	for (i = 0; clean && i < DM_REPLY_COUNT; i++) {
		const struct dm_reply *r = &p->reply[i];
		enum dm_action a = dm_policy_reply_action(p, (int)i);

		FUZZ_ASSERT((r->code[0] == '4' || r->code[0] == '5') && strlen(r->code) == 3);
		if (i == DM_REPLY_HELO_DNS_ERROR)
			FUZZ_ASSERT(r->code[0] == '4');
		FUZZ_ASSERT(r->xcode[0] == r->code[0] && r->xcode[1] == '.');
		FUZZ_ASSERT(r->text[0] != '\0' && !fuzz_has_ctl(r->text, strlen(r->text), NULL));
		if (finished && a == DM_ACT_REJECT)
			FUZZ_ASSERT(r->code[0] == '5');
		if (finished && a == DM_ACT_TEMPFAIL)
			FUZZ_ASSERT(r->code[0] == '4');
		len = dm_reply_expand(r, &hostile, out, sizeof(out));
		FUZZ_ASSERT(len == strlen(out) && len < sizeof(out) && !fuzz_has_ctl(out, len, NULL));
	}
	if (finished)
		FUZZ_ASSERT(p->dnsbl_threshold >= 1 && p->allow_threshold < 0);
	FUZZ_ASSERT(p->exempt != NULL && p->exempt[p->nexempt] == NULL);
	for (i = 0; i < p->nexempt; i++) {
		FUZZ_ASSERT(p->exempt[i][0] != '\0');
		for (j = 0; p->exempt[i][j]; j++)
			FUZZ_ASSERT(!(p->exempt[i][j] >= 'A' && p->exempt[i][j] <= 'Z'));
		FUZZ_ASSERT(dm_policy_exempt(p, p->exempt[i]) == 1);
	}
}

static char *dump(const struct dm_policy *p, size_t *len)
{
	char *text = NULL, *nl;
	FILE *f = open_memstream(&text, len);

	FUZZ_ASSERT(f != NULL);
	dm_policy_dump(p, f);
	FUZZ_ASSERT(fclose(f) == 0);
	/* drop the "; policy NAME (FILE)" comment: the file differs */
	FUZZ_ASSERT(text[0] == '\n' && text[1] == ';' && (nl = strchr(text + 1, '\n')) != NULL);
	memmove(text, nl + 1, strlen(nl + 1) + 1);
	*len = strlen(text);
	return text;
}

static size_t longest_line(const char *s)
{
	size_t best = 0, cur = 0;

	for (; *s; s++) {
		cur = *s == '\n' ? 0 : cur + 1;
		if (cur > best)
			best = cur;
	}
	return best;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dm_errors errs = { NULL, 0 };
	struct dm_policy *pol, *again;
	char *text, *d1, *d2;
	size_t l1, l2, before;
	int rc, bad;

	if (size > 64 * 1024)
		return 0;
	if (builtin == NULL) {
		builtin = dm_policy_builtin();
		FUZZ_ASSERT(builtin != NULL);
		FUZZ_ASSERT(dm_policy_finish(builtin, &errs) == 0);
	}
	pol = dm_policy_copy(builtin, "fuzz.example", FILE_NAME);
	FUZZ_ASSERT(pol != NULL);
	text = malloc(size ? size : 1);       /* exact size, not terminated */
	FUZZ_ASSERT(text != NULL);
	memcpy(text, data, size);
	rc = dm_policy_parse(pol, text, size, FILE_NAME, &errs);
	check_errors(&errs, 0, rc);
	check_policy(pol, rc == 0, 0);
	before = errs.n;
	bad = dm_policy_finish(pol, &errs);
	check_errors(&errs, before, bad);
	check_policy(pol, rc == 0, rc == 0 && bad == 0);
	if (rc == 0 && bad == 0) {
		d1 = dump(pol, &l1);
		if (longest_line(d1) <= DM_INI_MAX_LINE) {
			again = dm_policy_copy(builtin, "fuzz.example", FILE_NAME);
			FUZZ_ASSERT(again != NULL);
			rc = dm_policy_parse(again, d1, l1, FILE_NAME, &errs);
			bad = dm_policy_finish(again, &errs);
			if (rc != 0 || bad != 0)
				fprintf(stderr, "dump does not parse again: %s\n---\n%s---\n", errs.msg[0], d1);
			FUZZ_ASSERT(rc == 0 && bad == 0);
			d2 = dump(again, &l2);
			if (strcmp(d1, d2) != 0)
				fprintf(stderr, "dump changed:\n---\n%s---\n%s---\n", d1, d2);
			FUZZ_ASSERT(strcmp(d1, d2) == 0);
			free(d2);
			dm_policy_free(again);
		}
		free(d1);
	}
	dm_errors_free(&errs);
	dm_policy_free(pol);
	free(text);
	return 0;
}

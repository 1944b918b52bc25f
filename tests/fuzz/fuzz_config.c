/*
 * fuzz_config.c - libFuzzer target for the main configuration parser
 * (dm_config_parse over dm_ini_parse and libinih).
 *
 * Invariants: the return value counts the errors added; every error names
 * the file (and a line within the input); every list the parser fills is
 * consistent with its count; DNS servers come out as a c-ares csv; zones
 * carry their canonical spec. A config that parsed without error dumps
 * (dm_config_dump) to text that parses again without error and dumps the
 * same: parse -> dump -> parse is a fixed point. (Dumps with a line over
 * the 199-character limit are not parsed again: see the README in this
 * directory.)
 */
#include "config.h"
#include "fuzz.h"

#define FILE_NAME "fuzz.conf"

static void check_errors(const struct dm_errors *e, size_t before, int rc, size_t lines)
{
	size_t i;

	FUZZ_ASSERT(rc >= 0 && (size_t)rc == e->n - before);
	for (i = before; i < e->n; i++) {
		const char *m = e->msg[i];
		FUZZ_ASSERT(m != NULL && strncmp(m, FILE_NAME ":", sizeof(FILE_NAME)) == 0);
		if (m[sizeof(FILE_NAME)] >= '0' && m[sizeof(FILE_NAME)] <= '9') {
			long line = strtol(m + sizeof(FILE_NAME), NULL, 10);
			FUZZ_ASSERT(line >= 1 && (size_t)line <= lines);
		}
		FUZZ_ASSERT(strchr(m, '\n') == NULL);
	}
}

static void check_config(const struct dm_config *c)
{
	size_t i;

	FUZZ_ASSERT(c->socket && c->user && c->pidfile && c->policy_dir && c->dns_servers && c->log_facility_name);
	FUZZ_ASSERT(c->hostnames != NULL && c->hostnames[c->nhostnames] == NULL);
	for (i = 0; i < c->nhostnames; i++)
		FUZZ_ASSERT(c->hostnames[i][0] != '\0');
	FUZZ_ASSERT(c->naddresses == 0 || c->addresses != NULL);
	for (i = 0; i < c->naddresses; i++)
		FUZZ_ASSERT(c->addresses[i].family != 0);
	for (i = 0; i < c->ntrusted; i++)
		FUZZ_ASSERT(c->trusted[i].addr.family != 0 && c->trusted[i].prefix <= 128);
	FUZZ_ASSERT(c->nzones <= 32);
	for (i = 0; i < c->nzones; i++)
		FUZZ_ASSERT(c->zones[i].name[0] != '\0' && c->zones[i].spec[0] != '\0');
	FUZZ_ASSERT(c->nspamd <= SPAMD_BACKENDS_MAX);
	FUZZ_ASSERT(c->socket_mode <= 0777);
	if (c->dns_servers[0] != '\0')
		FUZZ_ASSERT(strpbrk(c->dns_servers, " \t") == NULL && c->dns_servers[strlen(c->dns_servers) - 1] != ',');
}

static char *dump(const struct dm_config *c, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	FUZZ_ASSERT(f != NULL);
	dm_config_dump(c, f);
	FUZZ_ASSERT(fclose(f) == 0);
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

static size_t count_lines(const uint8_t *d, size_t n)
{
	size_t i, lines = 1;

	for (i = 0; i < n; i++)
		lines += d[i] == '\n';
	return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dm_errors errs = { NULL, 0 };
	struct dm_config *cfg, *again;
	char *text, *d1, *d2;
	size_t l1, l2;
	int rc;

	if (size > 64 * 1024)
		return 0;
	cfg = dm_config_defaults();
	FUZZ_ASSERT(cfg != NULL);
	text = malloc(size ? size : 1);       /* exact size, not terminated */
	FUZZ_ASSERT(text != NULL);
	memcpy(text, data, size);
	rc = dm_config_parse(cfg, text, size, FILE_NAME, &errs);
	check_errors(&errs, 0, rc, count_lines(data, size));
	check_config(cfg);
	if (rc == 0) {
		d1 = dump(cfg, &l1);
		if (longest_line(d1) <= DM_INI_MAX_LINE) {
			again = dm_config_defaults();
			FUZZ_ASSERT(again != NULL);
			rc = dm_config_parse(again, d1, l1, FILE_NAME, &errs);
			if (rc != 0)
				fprintf(stderr, "dump does not parse again: %s\n---\n%s---\n", errs.msg[0], d1);
			FUZZ_ASSERT(rc == 0);
			d2 = dump(again, &l2);
			if (strcmp(d1, d2) != 0)
				fprintf(stderr, "dump changed:\n---\n%s---\n%s---\n", d1, d2);
			FUZZ_ASSERT(strcmp(d1, d2) == 0);
			free(d2);
			dm_config_free(again);
		}
		free(d1);
	}
	dm_errors_free(&errs);
	dm_config_free(cfg);
	free(text);
	return 0;
}

/*
 * fuzz_zonespec.c - libFuzzer target for the DNSBL zone spec parser
 * (dnsbl_zone_parse, dnsbl_zone_format) and the answer classifier.
 *
 * Invariants: a rejected spec leaves a zeroed zone and a printable message;
 * an accepted one has a valid lowercase name, a weight in -100..100 other
 * than 0, a filter that can match a 127/8 answer, and a canonical spec that
 * is no longer than the input and parses back to the very same zone. The
 * query name for a client ends in the zone. dnsbl_classify agrees with a
 * plain reference implementation on answers taken from the input.
 */
#include <sys/socket.h>

#include "dnsbl.h"
#include "fuzz.h"

static int has_bit(const uint8_t *m, unsigned v) { return (m[v >> 3] >> (v & 7)) & 1; }

static size_t trimmed_len(const char *s)
{
	size_t a = 0, b = strlen(s);

	while (s[a] != '\0' && strchr(" \t\r\n\v\f", s[a]) != NULL)
		a++;
	while (b > a && strchr(" \t\r\n\v\f", s[b - 1]) != NULL)
		b--;
	return b - a;
}

static void check_name(const char *n)
{
	size_t i, len = strlen(n);

	FUZZ_ASSERT(len > 0 && len <= DNSBL_NAME_MAX);
	FUZZ_ASSERT(n[0] != '.' && n[len - 1] != '.' && strstr(n, "..") == NULL);
	for (i = 0; i < len; i++)
		FUZZ_ASSERT((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') ||
		            n[i] == '-' || n[i] == '_' || n[i] == '.');
}

/* The reference: listed iff an answer in 127/8, not an error code, passes every octet. */
static enum dnsbl_verdict reference(const struct dnsbl_zone *z, const struct dm_addr *a, size_t n)
{
	size_t i;
	int bad = 0, listed = 0, k, ok;

	for (i = 0; i < n; i++) {
		const unsigned char *b = a[i].b;
		if (a[i].family != AF_INET || b[0] != 127) {
			bad = 1;
			continue;
		}
		if ((b[1] == 255 && b[2] == 255 && b[3] >= 252) || (b[1] == 0 && b[2] == 1 && b[3] == 255))
			return DNSBL_ERROR_CODE;
		for (ok = 1, k = 0; k < 4; k++)
			ok &= !z->has_filter || has_bit(z->allow[k], b[k]);
		listed |= ok;
	}
	return bad ? DNSBL_BAD_ANSWER : listed ? DNSBL_LISTED : DNSBL_NOT_LISTED;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dnsbl_zone zero;
	struct dnsbl_zone z, z2;
	struct dm_addr client, answers[4];
	char err[256], fmt[DNSBL_SPEC_MAX], qname[DNSBL_QNAME_MAX];
	size_t rest, n = fuzz_cut(data, size, &rest), i, na;
	char *spec = fuzz_strndup(data, n);
	int rc;

	rc = dnsbl_zone_parse(spec, &z, err, sizeof(err));
	FUZZ_ASSERT(rc == 0 || rc == -1);
	FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc < 0) {
		FUZZ_ASSERT(memcmp(&z, &zero, sizeof(z)) == 0);
		FUZZ_ASSERT(err[0] != '\0' && !fuzz_has_ctl(err, strlen(err), NULL));
		free(spec);
		return 0;
	}
	FUZZ_ASSERT(err[0] == '\0');
	check_name(z.name);
	FUZZ_ASSERT(z.weight != 0 && z.weight >= -DNSBL_WEIGHT_MAX && z.weight <= DNSBL_WEIGHT_MAX);
	FUZZ_ASSERT(has_bit(z.allow[0], 127));
	FUZZ_ASSERT(strlen(z.spec) <= trimmed_len(spec));
	FUZZ_ASSERT(strncmp(z.spec, z.name, strlen(z.name)) == 0);

	/* canonical form: a fixed point that parses back to the same zone */
	FUZZ_ASSERT(dnsbl_zone_format(&z, fmt, sizeof(fmt)) == 0 && strcmp(fmt, z.spec) == 0);
	FUZZ_ASSERT(dnsbl_zone_parse(z.spec, &z2, err, sizeof(err)) == 0);
	FUZZ_ASSERT(memcmp(&z, &z2, sizeof(z)) == 0);
	/* a buffer one byte short never gets half a spec */
	FUZZ_ASSERT(dnsbl_zone_format(&z, fmt, strlen(z.spec)) == -1 && fmt[0] == '\0');

	/* query names end in the zone, or are refused when too long */
	memset(&client, 0, sizeof(client));
	client.family = (rest < size && (data[rest] & 1)) ? AF_INET6 : AF_INET;
	for (i = 0; i < 16; i++)
		client.b[i] = rest + 1 + i < size ? data[rest + 1 + i] : (uint8_t)i;
	if (dnsbl_query_name(&client, z.name, qname, sizeof(qname)) == 0) {
		size_t ql = strlen(qname), zl = strlen(z.name);
		FUZZ_ASSERT(ql <= DNSBL_NAME_MAX && ql > zl && strcmp(qname + ql - zl, z.name) == 0);
		FUZZ_ASSERT(qname[ql - zl - 1] == '.');
	} else {
		FUZZ_ASSERT(qname[0] == '\0');
	}

	/* answers from the rest of the input, against the reference */
	na = rest < size ? (size - rest) / 5 : 0;
	if (na > 4)
		na = 4;
	for (i = 0; i < na; i++) {
		const uint8_t *p = data + rest + 5 * i;
		memset(&answers[i], 0, sizeof(answers[i]));
		answers[i].family = (p[0] & 0x80) ? AF_INET6 : AF_INET;
		answers[i].b[0] = (p[0] & 0x40) ? p[1] : 127;
		memcpy(answers[i].b + 1, p + 2, 3);
	}
	FUZZ_ASSERT(dnsbl_classify(&z, answers, na, NULL) == reference(&z, answers, na));
	free(spec);
	return 0;
}

/*
 * fuzz_sender.c - libFuzzer target for the sender's domain questions:
 * dm_sender_fqdn over both address readers and dm_rhsbl_query_name
 * (filters/rules/sender.c, filters/rules/rhsbl.c).
 *
 * The input is a MAIL FROM path, any bytes; its domain (or, for a bad
 * address, the raw bytes up to the first NUL) is asked about under a zone.
 * Invariants: the null sender and literals are always fully qualified, a
 * local part alone never; a query name is at most 253 bytes, ends in
 * ".zone", has no upper-case letter and no trailing dot before the zone;
 * a failure leaves "".
 */
#include "fuzz.h"
#include "mailaddr.h"
#include "rhsbl.h"
#include "sender.h"

static void ask(const char *name)
{
	static const char zone[] = "dbl.example.org";
	char q[DNSBL_QNAME_MAX];
	size_t n, z = sizeof(zone) - 1, i;

	if (dm_rhsbl_query_name(name, zone, q, sizeof(q)) < 0) {
		FUZZ_ASSERT(q[0] == '\0');
		return;
	}
	n = strlen(q);
	FUZZ_ASSERT(n <= DNSBL_NAME_MAX && n > z + 1);
	FUZZ_ASSERT(strcmp(q + n - z, zone) == 0 && q[n - z - 1] == '.' && q[n - z - 2] != '.');
	for (i = 0; i < n; i++)
		FUZZ_ASSERT(!(q[i] >= 'A' && q[i] <= 'Z'));
}

static void check(const struct dm_mailaddr *a, enum dm_mailaddr_status st)
{
	int fq = dm_sender_fqdn(st, a);

	if (st == DM_MA_NULL || st == DM_MA_LITERAL || st == DM_MA_BAD)
		FUZZ_ASSERT(fq == 1);
	if (st == DM_MA_NO_DOMAIN)
		FUZZ_ASSERT(fq == 0);
	if (st == DM_MA_OK) {
		FUZZ_ASSERT(fq == (strchr(a->domain, '.') != NULL));
		ask(a->domain);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct dm_mailaddr *a = malloc(sizeof(*a));

	FUZZ_ASSERT(s != NULL && a != NULL);
	memcpy(s, data, size);
	check(a, dm_mailaddr_parse(s, size, a));
	check(a, dm_mailaddr_parse_internal(s, size, a));
	s[size] = '\0';
	ask(s);
	free(s);
	free(a);
	return 0;
}

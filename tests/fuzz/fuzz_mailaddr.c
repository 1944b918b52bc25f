/*
 * fuzz_mailaddr.c - libFuzzer target for the envelope address reader
 * (filters/base/mailaddr.c): the RFC 5321 path and the MTA's internal form.
 *
 * The input is the address text, any bytes. Invariants: never a read past
 * the input; a status in range; an OK domain is a normalized host name
 * (lowercase, no trailing dot, at most 255 characters, normalizing it again
 * changes nothing); a bad address gives a reason; the local part is
 * terminated and bounded; the formatted address keeps the domain whole.
 */
#include "fuzz.h"
#include "mailaddr.h"

static void check(const struct dm_mailaddr *a, enum dm_mailaddr_status st)
{
	char again[DM_HOSTNAME_MAX + 1], out[300];
	size_t n, i;

	FUZZ_ASSERT(st >= DM_MA_OK && st <= DM_MA_BAD);
	FUZZ_ASSERT(memchr(a->local, '\0', sizeof(a->local)) != NULL);
	n = strnlen(a->domain, sizeof(a->domain));
	FUZZ_ASSERT(n < sizeof(a->domain));
	if (st == DM_MA_BAD) {
		FUZZ_ASSERT(a->why != NULL && a->why[0] != '\0');
		return;
	}
	if (st == DM_MA_OK) {
		FUZZ_ASSERT(n > 0 && n <= DM_HOSTNAME_MAX && a->domain[n - 1] != '.');
		for (i = 0; i < n; i++)
			FUZZ_ASSERT(!(a->domain[i] >= 'A' && a->domain[i] <= 'Z') && (unsigned char)a->domain[i] > 0x20 &&
			            (unsigned char)a->domain[i] < 0x7f);
		FUZZ_ASSERT(dm_domain_normalize(a->domain, n, again, sizeof(again), NULL) == 0);
		FUZZ_ASSERT(strcmp(again, a->domain) == 0);
		dm_mailaddr_format(a, st, out, sizeof(out));
		if (n + 2 <= sizeof(out)) {
			FUZZ_ASSERT(strlen(out) > n);
			FUZZ_ASSERT(strcmp(out + strlen(out) - n, a->domain) == 0);
		}
	}
	if (st == DM_MA_LITERAL)
		FUZZ_ASSERT(n >= 3 && a->domain[0] == '[' && a->domain[n - 1] == ']');
	if (st == DM_MA_NULL || st == DM_MA_NO_DOMAIN)
		FUZZ_ASSERT(n == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* exact-size copy: a read past the end is caught */
	char *s = malloc(size ? size : 1);
	struct dm_mailaddr *a = malloc(sizeof(*a));

	FUZZ_ASSERT(s != NULL && a != NULL);
	memcpy(s, data, size);
	check(a, dm_mailaddr_parse(s, size, a));
	check(a, dm_mailaddr_parse_internal(s, size, a));
	free(s);
	free(a);
	return 0;
}

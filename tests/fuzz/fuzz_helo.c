/*
 * fuzz_helo.c - libFuzzer target for the HELO classifier (helo_classify).
 *
 * The first input byte picks the client address and whether "we" have
 * names and addresses; the rest is the HELO argument, NUL and 8-bit bytes
 * included. Invariants: never HELO_UNKNOWN; one reason per finding and none
 * for the others; reasons are printable and never quote the input; the
 * lookup name is lowercase hostname characters without a trailing dot, and
 * only a valid name is looked up; the result ignores ASCII case.
 */
#include <sys/socket.h>

#include "fuzz.h"
#include "helo.h"

static void check_result(const struct helo_result *r, unsigned f)
{
	size_t i, n;
	int c, first = -1;

	FUZZ_ASSERT(f == r->findings);
	FUZZ_ASSERT((f & ~(HELO_BIT(HELO_CHECK_COUNT) - 1u)) == 0);
	FUZZ_ASSERT(!(f & HELO_BIT(HELO_UNKNOWN)));
	for (c = 0; c < HELO_CHECK_COUNT; c++) {
		FUZZ_ASSERT(memchr(r->reasons[c], '\0', sizeof(r->reasons[c])) != NULL);
		FUZZ_ASSERT(!fuzz_has_ctl(r->reasons[c], strlen(r->reasons[c]), NULL));
		FUZZ_ASSERT(((f & HELO_BIT(c)) != 0) == (r->reasons[c][0] != '\0'));
		if (first < 0 && (f & HELO_BIT(c)))
			first = c;
	}
	FUZZ_ASSERT(memchr(r->reason, '\0', sizeof(r->reason)) != NULL);
	if (first < 0)
		FUZZ_ASSERT(r->reason[0] == '\0');
	else
		FUZZ_ASSERT(strcmp(r->reason, r->reasons[first]) == 0);

	n = strnlen(r->name, sizeof(r->name));
	FUZZ_ASSERT(n < sizeof(r->name) && n <= 255);
	for (i = 0; i < n; i++)
		FUZZ_ASSERT((r->name[i] >= 'a' && r->name[i] <= 'z') || (r->name[i] >= '0' && r->name[i] <= '9') ||
		            r->name[i] == '-' || r->name[i] == '.' || r->name[i] == '_');
	FUZZ_ASSERT(n == 0 || r->name[n - 1] != '.');
	if (f & HELO_BIT(HELO_INVALID)) {
		FUZZ_ASSERT(n == 0 && !r->want_lookup);
		FUZZ_ASSERT(f == HELO_BIT(HELO_INVALID));
	}
	if (r->want_lookup)
		FUZZ_ASSERT(n > 0 && !(f & (HELO_BIT(HELO_BARE_IP) | HELO_BIT(HELO_LITERAL_MISMATCH) |
		                            HELO_BIT(HELO_LOCALHOST))));
	if (f & (HELO_BIT(HELO_BARE_IP) | HELO_BIT(HELO_LITERAL_MISMATCH)))
		FUZZ_ASSERT(n == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "mx.example.com", "Example.NET.", "a.b" };
	struct dm_addr self_addrs[2], client;
	struct helo_self self;
	struct helo_result *r1, *r2;
	unsigned f1, f2, sel;
	char *helo, *flipped;
	size_t i, n;

	if (size == 0) {
		r1 = malloc(sizeof(*r1));
		check_result(r1, helo_classify(NULL, 0, NULL, NULL, r1));
		free(r1);
		return 0;
	}
	sel = data[0];
	n = size - 1;
	/* exact-size copies: a read past the end is caught */
	helo = malloc(n ? n : 1);
	flipped = malloc(n ? n : 1);
	r1 = malloc(sizeof(*r1));
	r2 = malloc(sizeof(*r2));
	FUZZ_ASSERT(helo && flipped && r1 && r2);
	memcpy(helo, data + 1, n);

	FUZZ_ASSERT(dm_addr_parse("192.0.2.1", &self_addrs[0]) == 0);
	FUZZ_ASSERT(dm_addr_parse("2001:db8::1", &self_addrs[1]) == 0);
	self.names = names;
	self.nnames = (sel & 1) ? 3 : 0;
	self.addrs = self_addrs;
	self.naddrs = (sel & 2) ? 2 : 0;
	switch ((sel >> 2) & 3) {
	case 0: FUZZ_ASSERT(dm_addr_parse("198.51.100.7", &client) == 0); break;
	case 1: FUZZ_ASSERT(dm_addr_parse("2001:db8::7", &client) == 0); break;
	case 2: client = self_addrs[0]; break;
	default: memset(&client, 0, sizeof(client)); break;
	}

	f1 = helo_classify(helo, n, (sel & 16) ? NULL : &client, (sel & 32) ? NULL : &self, r1);
	check_result(r1, f1);

	/* ASCII case never matters */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)helo[i];
		flipped[i] = (char)((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ? c ^ 0x20 : c);
	}
	f2 = helo_classify(flipped, n, (sel & 16) ? NULL : &client, (sel & 32) ? NULL : &self, r2);
	FUZZ_ASSERT(f1 == f2 && r1->want_lookup == r2->want_lookup && strcmp(r1->name, r2->name) == 0);
	FUZZ_ASSERT(strcmp(r1->reason, r2->reason) == 0);

	free(helo);
	free(flipped);
	free(r1);
	free(r2);
	return 0;
}

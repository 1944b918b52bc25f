/*
 * fuzz_dnsparse.c - libFuzzer target for the DNS answer parser.
 *
 * The first input byte picks the query type (A, AAAA, MX, TXT, PTR; its
 * high bit: an address to look for among the records, as FCrDNS does); the
 * rest is the DNS message as c-ares hands it over. Invariants: one of the
 * three outcomes; an answer has records; addresses only for A/AAAA, of that
 * family, at most DM_DNS_MAX_ADDRS; text terminated; TTLs never above
 * 2^31-1 (RFC 2181 8); the message is never read past alen (exact-size
 * buffer).
 */
#include <sys/socket.h>

#include "dnsparse.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dm_dns_type types[] = { DM_DNS_A, DM_DNS_AAAA, DM_DNS_MX, DM_DNS_TXT, DM_DNS_PTR };
	static const struct dm_addr want4 = { AF_INET, { 192, 0, 2, 1 } };
	static const struct dm_addr want6 = { AF_INET6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	const struct dm_addr *want = NULL;
	struct dm_dns_result *res;
	enum dm_dns_status st;
	enum dm_dns_type type;
	unsigned char *msg;
	size_t i, n;

	if (size == 0 || size > 65536)
		return 0;
	type = types[data[0] % 5];
	n = size - 1;
	msg = malloc(n ? n : 1);
	res = calloc(1, sizeof(*res));
	FUZZ_ASSERT(msg != NULL && res != NULL);
	memcpy(msg, data + 1, n);
	res->type = type;
	if ((data[0] & 0x80) && type == DM_DNS_A)
		want = &want4;
	else if ((data[0] & 0x80) && type == DM_DNS_AAAA)
		want = &want6;

	FUZZ_ASSERT(dm_dns_answer_ttl(msg, (int)n) <= 0x7fffffffu);
	FUZZ_ASSERT(dm_dns_negative_ttl(msg, (int)n) <= 0x7fffffffu);
	st = dm_dns_parse_answer(msg, (int)n, want, res);
	FUZZ_ASSERT(st == DM_DNS_ANSWER || st == DM_DNS_NOTFOUND || st == DM_DNS_ERROR);
	FUZZ_ASSERT(memchr(res->text, '\0', sizeof(res->text)) != NULL);
	FUZZ_ASSERT(res->naddrs <= DM_DNS_MAX_ADDRS);
	if (st == DM_DNS_ANSWER)
		FUZZ_ASSERT(res->nrecords > 0);
	if (type == DM_DNS_A || type == DM_DNS_AAAA) {
		FUZZ_ASSERT(res->naddrs <= res->nrecords && res->text[0] == '\0');
		for (i = 0; i < res->naddrs; i++)
			FUZZ_ASSERT(res->addrs[i].family == (type == DM_DNS_A ? AF_INET : AF_INET6));
		if (st == DM_DNS_ANSWER)
			FUZZ_ASSERT(res->naddrs > 0);
		FUZZ_ASSERT(want == NULL || !res->matched || st == DM_DNS_ANSWER);
	} else {
		/* text may be "": a null MX ("0 .", RFC 7505) or PTR to the root */
		FUZZ_ASSERT(res->naddrs == 0);
	}
	free(res);
	free(msg);
	return 0;
}

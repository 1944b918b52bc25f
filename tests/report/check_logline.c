/*
 * check_logline.c - table-driven Check tests for tools/logline.c.
 *
 * One row per input line: the bytes (with their exact length, so NULs and
 * CRs count), the kind, the frame's format, the time as written (or NULL
 * for none), the pid, and "key=value" expectations separated by '|': keys
 * are the line's fields, or @qid @name @ip @reply @zone @text @rcpt @why
 * @level @msg @session @n1 @n2 @n3 for the parsed slices (@zone is the name slice,
 * @nK the K-th number of a fixed sentence; "key=" expects an empty value,
 * "!key" expects the field to be absent).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logline.h"

struct row {
	const char *in;
	size_t len;
	enum ll_kind kind;
	enum ll_format fmt;
	const char *time;       /* "2026-12-01 05:38:01.123", year 0000 for none written */
	long pid;
	const char *expect;
};

#define R(s, k, f, t, pid, x) { s, sizeof(s) - 1, k, f, t, pid, x }

#define DM "Dec  1 05:38:01 mx doorman[812]: "
#define RCPT_HELO "NOQUEUE: reject: RCPT from host.example[192.0.2.7]: 554 5.7.1 <senderdomain.local>: Helo command rejected: need fully-qualified hostname (reserved TLD .local); from=<a@b.example> to=<c@d.example> helo=<senderdomain.local> policy=default check=helo_non_fqdn"

static const struct row rows[] = {
	/* frames: BSD syslog, journalctl -o short, rsyslog ISO, journalctl -o short-iso, RFC 5424, stderr */
	R(DM RCPT_HELO, LL_RCPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@qid=NOQUEUE|@rcpt=reject|@name=host.example|@ip=192.0.2.7|policy=default|check=helo_non_fqdn|"
	  "helo=senderdomain.local|from=a@b.example|to=c@d.example|"
	  "@reply=554 5.7.1 <senderdomain.local>: Helo command rejected: need fully-qualified hostname (reserved TLD .local)"),
	R("Dec 01 05:38:01 mx doorman[812]: " RCPT_HELO, LL_RCPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "check=helo_non_fqdn"),
	R("Jan 31 23:59:59 mx doorman[1]: stopping", LL_STOPPING, LL_FMT_BSD, "0000-01-31 23:59:59.000", 1, ""),
	R("2026-12-01T05:38:01.123456+01:00 mx doorman[812]: " RCPT_HELO, LL_RCPT, LL_FMT_ISO,
	  "2026-12-01 05:38:01.123", 812, "policy=default"),
	R("2026-12-01T05:38:01+0100 mx doorman[812]: " RCPT_HELO, LL_RCPT, LL_FMT_ISO, "2026-12-01 05:38:01.000", 812,
	  "policy=default"),
	R("2026-12-01T05:38:01Z mx doorman: stopping", LL_STOPPING, LL_FMT_ISO, "2026-12-01 05:38:01.000", -1, ""),
	R("<22>1 2026-12-01T05:38:01.5Z mx doorman 812 - - " RCPT_HELO, LL_RCPT, LL_FMT_RFC5424,
	  "2026-12-01 05:38:01.500", 812, "check=helo_non_fqdn"),
	R("<22>1 2026-12-01T05:38:01Z mx doorman 812 ID47 [ex@1 a=\"x\\]y\" b=\"\"][t@2 c=\"d\"] \xef\xbb\xbfstopping",
	  LL_STOPPING, LL_FMT_RFC5424, "2026-12-01 05:38:01.000", 812, "@msg=stopping"),
	R("1 - mx doorman - - - stopping", LL_STOPPING, LL_FMT_RFC5424, NULL, -1, ""),
	R("<22>1 2026-12-01T05:38:01Z mx postfix 812 - - connect from x", LL_OTHER, LL_FMT_RFC5424, NULL, -1, ""),
	R("2026-12-01T07:59:40.123 doorman[812]: stopping", LL_STOPPING, LL_FMT_STDERR, "2026-12-01 07:59:40.123", 812, ""),
	R("2026-12-01T07:59:40.123 doorman[812]: stopping\r", LL_STOPPING, LL_FMT_STDERR, "2026-12-01 07:59:40.123", 812, ""),
	R("<30>Dec  1 05:38:01 mx doorman[812]: stopping", LL_STOPPING, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),

	/* session ids (every line of a connection ends with session=, the scan
	 * line has it before reason=); lines of earlier versions have none */
	R(DM RCPT_HELO " session=6937a1c4003f2", LL_RCPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@session=6937a1c4003f2|check=helo_non_fqdn|policy=default|to=c@d.example"),
	R(DM RCPT_HELO, LL_RCPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "!@session|!session|check=helo_non_fqdn"),
	R(DM "close: client=a[192.0.2.1] helo=<a.example> helos=1 findings=helo_non_fqdn,helo_unknown,helo_dns_error dns=timeout dnsbl=0 zones=- rdns=- dns_ms=1 wait_ms=0 msgs=1 rcpt_ok=1 rcpt_rejected=0 rcpt_deferred=0 total_ms=5 session=6937a1c4003f2",
	  LL_CLOSE, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@session=6937a1c4003f2|findings=helo_non_fqdn,helo_unknown,helo_dns_error|total_ms=5"),
	R(DM "close: client=localhost[10.1.2.3] trusted=yes total_ms=0 session=00000000fffff", LL_CLOSE, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "@session=00000000fffff|trusted=yes|total_ms=0"),
	R(DM "4XyZ8: scan: client=g[192.0.2.20] helo=<g> from=<a@s> rcpts=1 policy=default dnsbl=0 score=- action=unscanned spamd=- spamd_ms=0 size=6595 total_ms=3 check=spam_error session=6937a1c4003f2 reason=connect to unix:/run/spamd.sock: No such file or directory",
	  LL_SCAN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@session=6937a1c4003f2|check=spam_error|reason=connect to unix:/run/spamd.sock: No such file or directory"),
	R(DM "4XyZ9: scan: client=g[192.0.2.20] helo=<g> from=<a@s> rcpts=1 policy=default dnsbl=0 score=- action=unscanned spamd=- spamd_ms=0 size=1 total_ms=3 check=spam_error reason=x session=6937a1c4003f2",
	  LL_SCAN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "!@session|reason=x session=6937a1c4003f2"),
	R(DM "warning: dnsbl zone err.example answered 127.255.255.254 for client [192.0.2.66]: an error code, not a listing session=6937a1c4003f2",
	  LL_ZONE_ANSWER, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@zone=err.example|@text=127.255.255.254|@ip=192.0.2.66|@session=6937a1c4003f2"),
	R(DM "helo: client=flood.example.org[192.0.2.50] helo=<h4.flood.example.org> is the HELO name number 4 of the session: names after the first 3 distinct ones are judged without DNS (dns=capped) session=6937a1c4003f2",
	  LL_HELO_CAPPED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@text=h4.flood.example.org|@n1=4|@session=6937a1c4003f2"),
	R(DM "4XyZ2: accept: client=g[192.0.2.20] helo=<g> from=<a@s> rcpts=1 policy=default dnsbl=0 total_ms=1 session=abc",
	  LL_ACCEPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@session=abc|total_ms=1"),
	R(DM "4XyZ2: accept: client=g[192.0.2.20] helo=<g> from=<a@s> rcpts=1 policy=default dnsbl=0 total_ms=1 session=ABC",
	  LL_ACCEPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@session=ABC|session=ABC"),
	R(DM "warning: 4XyZ4: spamd timeout: timeout after 60000 ms reading the reply from 127.0.0.1:783 session=6937a1d7001c9",
	  LL_SPAMD_FAILURE, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@qid=4XyZ4|@zone=timeout|@text=timeout after 60000 ms reading the reply from 127.0.0.1:783|@session=6937a1d7001c9"),
	R(DM "error: resolver: ares_init failed session=6937a1d7001c9", LL_RESOLVER_ERROR, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "@text=ares_init failed|@session=6937a1d7001c9"),
	/* a hostile HELO, escaped as the daemon writes it now: one value, no
	 * fake key, nothing ends <...> or the reply early */
	R(DM "NOQUEUE: reject: RCPT from x[192.0.2.66]: 501 5.5.2 <evil.example%20key=x%20to=%3Cvictim@a%3E%3B%20from=%3Cz%3E>: Helo command rejected: Invalid name; from=<a@b> to=<c@d> helo=<evil.example%20key=x%20to=%3Cvictim@a%3E%3B%20from=%3Cz%3E> policy=default check=helo_invalid session=6937a1c4003f2",
	  LL_RCPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "helo=evil.example%20key=x%20to=%3Cvictim@a%3E%3B%20from=%3Cz%3E|!key|to=c@d|from=a@b|@session=6937a1c4003f2|"
	  "@reply=501 5.5.2 <evil.example%20key=x%20to=%3Cvictim@a%3E%3B%20from=%3Cz%3E>: Helo command rejected: Invalid name"),
	R(DM "close: client=x[192.0.2.66] helo=<evil.example%20key=x%20session=1%3E> helos=1 findings=helo_invalid dns=none dnsbl=0 zones=- rdns=- dns_ms=0 wait_ms=0 msgs=1 rcpt_ok=0 rcpt_rejected=1 rcpt_deferred=0 total_ms=2 session=6937a1c4003f2",
	  LL_CLOSE, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "helo=evil.example%20key=x%20session=1%3E|!key|@session=6937a1c4003f2|total_ms=2"),

	/* other programs and lines with no frame */
	R("Dec  1 05:38:01 mx postfix/smtpd[99]: connect from x[192.0.2.1]", LL_OTHER, LL_FMT_BSD, NULL, -1, ""),
	R("Dec  1 05:38:01 doorman postfix/smtpd[99]: reject: RCPT from x", LL_OTHER, LL_FMT_BSD, NULL, -1, ""),
	R("2026-12-01T05:38:01 postfix/smtpd[99]: doorman[1]: stopping", LL_OTHER, LL_FMT_ISO, NULL, -1, ""),
	R("Dec  1 05:38:01 mx doormanx[1]: stopping", LL_OTHER, LL_FMT_BSD, NULL, -1, ""),
	R("Dec  1 05:38:01 mx xdoorman[1]: stopping", LL_OTHER, LL_FMT_BSD, NULL, -1, ""),
	R("Dec  1 05:38:01 mx doorman[]: stopping", LL_OTHER, LL_FMT_BSD, NULL, -1, ""),
	R("Xyz  1 05:38:01 mx postfix[1]: stopping", LL_OTHER, LL_FMT_BSD, NULL, -1, ""),
	R("Xyz  1 05:38:01 mx doorman[1]: stopping", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
	R("2026-12-01 05:38:01 mx doorman[1]: stopping", LL_OTHER, LL_FMT_ISO, NULL, -1, ""),
	R("-- Boot 0123456789abcdef --", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
	R("", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
	R("doorman[812]: stopping", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
	R("Dec 32 05:38:01 mx doorman[1]: stopping", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
	R("2026-02-30T05:38:01 mx doorman[1]: stopping", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
	R("2026-12-01T25:38:01 mx doorman[1]: stopping", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
	R("Dec  1 05:38:01 mx doorman[12x]: stopping", LL_OTHER, LL_FMT_BSD, NULL, -1, ""),
	R("<999999>Dec  1 05:38:01 mx doorman[1]: stopping", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),

	/* every kind of doorman line */
	R(DM "NOQUEUE: defer: RCPT from mail.nowhere.net[198.51.100.3]: 450 4.7.1 <mail.nowhere.net>: Helo command rejected: Host not found; from=<a@nowhere.net> to=<c@d.example> helo=<mail.nowhere.net> policy=default check=helo_unknown",
	  LL_RCPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@rcpt=defer|check=helo_unknown|@ip=198.51.100.3"),
	R(DM "NOQUEUE: shadow: would reject: RCPT from [192.0.2.9][192.0.2.9]: 554 5.7.1 <WIN-PC>: Helo command rejected: need fully-qualified hostname (not a fully-qualified domain name); from=<a@b.example> to=<x@new.example> helo=<WIN-PC> policy=new.example check=helo_non_fqdn",
	  LL_RCPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@rcpt=shadow: would reject|@name=[192.0.2.9]|@ip=192.0.2.9|policy=new.example"),
	R(DM "NOQUEUE: shadow: would defer: RCPT from a[192.0.2.9]: 450 4.7.1 x; from=<> to=<x@new.example> helo=<h> policy=new.example check=helo_unknown",
	  LL_RCPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@rcpt=shadow: would defer|from="),
	R(DM "NOQUEUE: pass: RCPT from h[192.0.2.7]: 554 5.7.1 <x.local>: Helo command rejected; from=<a@b> to=<me@d> helo=<x.local> policy=default check=helo_non_fqdn exempt=auth sasl_username=me",
	  LL_RCPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@rcpt=pass|exempt=auth|sasl_username=me"),
	R(DM "B22A2A7233C: defer: RCPT from mx.sender.net[192.0.2.20]: 452 4.5.3 <e@sub.other.example>: Recipient address has another filtering policy than the first; send it in a separate transaction; from=<a@sender.net> to=<e@sub.other.example> helo=<mx.sender.net> policy=other.example check=policy_split first_policy=default",
	  LL_RCPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@qid=B22A2A7233C|check=policy_split|first_policy=default|"
	  "@reply=452 4.5.3 <e@sub.other.example>: Recipient address has another filtering policy than the first; send it in a separate transaction"),
	R(DM "NOQUEUE: reject: RCPT from [192.0.2.66][192.0.2.66]: 554 5.7.1 Service unavailable; client [192.0.2.66] blocked using bl.example, bl2.example; Listed: see https://bl.example/q?192.0.2.66; from=<s@x> to=<b@txt.example> helo=<good.example> policy=txt.example check=dnsbl",
	  LL_RCPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "check=dnsbl|policy=txt.example|helo=good.example"),
	R(DM "NOQUEUE: reject: RCPT from [2001:db8::66][2001:db8::66]: 554 5.7.1 x; from=<s@x> to=<b@d> helo=<[IPv6:2001:db8::66]> policy=default check=dnsbl",
	  LL_RCPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@ip=2001:db8::66|helo=[IPv6:2001:db8::66]"),
	R(DM "4XyZ2: accept: client=good.sender.example[192.0.2.20] helo=<good.sender.example> from=<a@sender.example> rcpts=1 policy=new.example dnsbl=0 shadowed=helo_non_fqdn total_ms=1",
	  LL_ACCEPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@qid=4XyZ2|@name=good.sender.example|@ip=192.0.2.20|rcpts=1|shadowed=helo_non_fqdn|total_ms=1"),
	R(DM "4XyZ3: accept: client=mail.partner.example[192.0.2.21] helo=<senderdomain.local> from=<s@partner.example> rcpts=1 policy=default dnsbl=-2 allowlisted=yes total_ms=9",
	  LL_ACCEPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "dnsbl=-2|allowlisted=yes"),
	R(DM "4XyZ6: scan: client=mail.c.example[192.0.2.21] helo=<mail.c.example> from=<n@c.example> rcpts=1 policy=new.example dnsbl=0 score=7.2/5.0 action=pass shadow=would_tag tests=BAYES_80,HTML_MESSAGE spamd=127.0.0.1:783 spamd_ms=230 size=9120 shadowed=helo_non_fqdn total_ms=236",
	  LL_SCAN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "score=7.2/5.0|action=pass|shadow=would_tag|tests=BAYES_80,HTML_MESSAGE|spamd=127.0.0.1:783|spamd_ms=230"),
	R(DM "4XyZ8: scan: client=g[192.0.2.20] helo=<g> from=<a@s> rcpts=1 policy=default dnsbl=0 score=- action=unscanned spamd=- spamd_ms=0 size=6595 total_ms=3 reason=connect to unix:/run/spamd.sock: No such file or directory",
	  LL_SCAN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "score=-|action=unscanned|reason=connect to unix:/run/spamd.sock: No such file or directory|total_ms=3"),
	R(DM "4XyZ7: scan: client=g[192.0.2.20] helo=<g> from=<a@s> rcpts=1 policy=default dnsbl=0 score=3.2/5.0 action=pass tests=MISSING_HEADERS spamd=unix:/run/spamd.sock spamd_ms=1027 size=524446 truncated=yes total_ms=1446",
	  LL_SCAN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "truncated=yes|spamd=unix:/run/spamd.sock"),
	R(DM "close: client=[198.51.100.66][198.51.100.66] helo=<mail.spam.example> findings=rdns_none dns=found dnsbl=5 zones=zen.spamhaus.org(3),bl.spamcop.net(2),list.dnswl.org:timeout rdns=none dns_ms=3000 wait_ms=2710 msgs=1 rcpt_ok=0 rcpt_rejected=1 rcpt_deferred=0 total_ms=3012",
	  LL_CLOSE, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@ip=198.51.100.66|zones=zen.spamhaus.org(3),bl.spamcop.net(2),list.dnswl.org:timeout|wait_ms=2710|rcpt_rejected=1|!@qid"),
	R(DM "close: client=[127.0.0.1][127.0.0.1] helo=<> findings=none dns=- dnsbl=0 zones=- rdns=- dns_ms=0 wait_ms=0 msgs=0 rcpt_ok=0 rcpt_rejected=0 rcpt_deferred=0 total_ms=2",
	  LL_CLOSE, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "helo=|dns=-"),
	R(DM "close: client=localhost[10.1.2.3] trusted=yes total_ms=0", LL_CLOSE, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "trusted=yes|@name=localhost|@ip=10.1.2.3"),
	R(DM "close: client=unknown[unknown] helo=<x> findings=none dns=- dnsbl=0 zones=- rdns=- dns_ms=0 wait_ms=0 msgs=0 rcpt_ok=0 rcpt_rejected=0 rcpt_deferred=0 total_ms=0",
	  LL_CLOSE, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@name=unknown|@ip=unknown"),
	R(DM "warning: dnsbl zone err.example answered 127.255.255.254 for client [192.0.2.66]: an error code, not a listing",
	  LL_ZONE_ANSWER, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@zone=err.example|@text=127.255.255.254|@ip=192.0.2.66|@level=warning"),
	R(DM "warning: dnsbl zone bl.example.net suspended: lists 127.0.0.1 (answers everything?)", LL_ZONE_SUSPENDED,
	  LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@zone=bl.example.net|@text=lists 127.0.0.1 (answers everything?)"),
	R(DM "dnsbl zone bl.example.net restored: self-test passed", LL_ZONE_RESTORED, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "@zone=bl.example.net|@level=info"),
	R(DM "warning: dnsbl zone bl.example.net could not be tested: does not answer; in use, tested again in 4 s",
	  LL_ZONE_UNTESTED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@zone=bl.example.net|@text=does not answer|@level=warning"),
	R(DM "warning: dnsbl zone err.example could not be tested: does not answer the query for 127.0.0.1; still suspended",
	  LL_ZONE_UNTESTED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@zone=err.example|@text=does not answer the query for 127.0.0.1"),
	R(DM "dnsbl zone bl.example.net tested: self-test passed", LL_ZONE_TESTED, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "@zone=bl.example.net|@text=self-test passed|@level=info"),
	R(DM "dnsbl zone bl.example.net untested", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@zone=bl.example.net"),
	R(DM "error: zone self-test: cannot ask DNS", LL_SELFTEST_ERROR, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@text=cannot ask DNS|@level=error"),
	R(DM "dns cache: entries=3/10000 hits=1 misses=2 evictions=0", LL_DNS_CACHE, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "entries=3/10000|hits=1"),
	R(DM "spamd unix:/run/spamd.sock: requests=812 failures=3 in_flight=0", LL_SPAMD_COUNTERS, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "@zone=unix:/run/spamd.sock|requests=812|!skipped_for_ms"),
	R(DM "warning: spamd 127.0.0.1:783: requests=812 failures=3 in_flight=0 skipped_for_ms=4210", LL_SPAMD_COUNTERS,
	  LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@zone=127.0.0.1:783|skipped_for_ms=4210"),
	R(DM "warning: 4XyZ4: spamd timeout: timeout after 60000 ms reading the reply from 127.0.0.1:783",
	  LL_SPAMD_FAILURE, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@qid=4XyZ4|@zone=timeout|@text=timeout after 60000 ms reading the reply from 127.0.0.1:783"),
	R(DM "warning: cannot add header X-Spam-Flag", LL_MTA_REFUSED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "warning: cannot set reply 452 4.5.3", LL_MTA_REFUSED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "warning: 4XyZ4: cannot change the Subject", LL_MTA_REFUSED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "warning: cannot start the zone self-test thread", LL_INTERNAL, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "error: cannot start the reload thread", LL_INTERNAL, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "warning: no memory for the DNS cache: running without it", LL_INTERNAL, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, ""),
	R(DM "error: no memory for the spamd pool", LL_INTERNAL, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, ""),
	R(DM "error: /etc/doorman/doorman.conf:3: unknown key foo", LL_CONFIG_ERROR, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "@level=error"),
	R(DM "error: policy.d/a.example.conf:12: bad action", LL_CONFIG_ERROR, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "warning: /etc/doorman/doorman.conf:3: unknown key foo", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "error: file:x: y", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "error: /etc/doorman/doorman.conf: cannot open: No such file or directory", LL_CONFIG_ERROR, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, ""),
	R(DM "error: doorman.conf: x", LL_CONFIG_ERROR, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "error: something: x", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "error: file:12", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "warning: cannot open a door", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "warning: 4XyZ4: cannot quarantine", LL_MTA_REFUSED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@qid=4XyZ4"),
	R(DM "starting: doorman 0.1.0 on unix:/run/doorman/doorman.sock (2 domain policies, 3 dnsbl zones)",
	  LL_STARTING, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "reload: configuration /etc/doorman/doorman.conf loaded (2 domain policies, 3 dnsbl zones)", LL_RELOAD,
	  LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@level=info"),
	R(DM "warning: reload: /etc/doorman/doorman.conf has errors, keeping the running configuration", LL_RELOAD,
	  LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@level=warning"),
	R(DM "error: resolver: ares_init failed", LL_RESOLVER_ERROR, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@text=ares_init failed"),

	/* tolerated: new fields, new kinds */
	R(DM "close: client=a[192.0.2.1] helo=<a.example> helo_names=<a.example,b.example> findings=none dns=found dnsbl=0 zones=- rdns=ok future=1 dns_ms=1 wait_ms=0 msgs=1 rcpt_ok=1 rcpt_rejected=0 rcpt_deferred=0 total_ms=5 later=x",
	  LL_CLOSE, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "helo_names=a.example,b.example|future=1|later=x|rcpt_ok=1"),
	R(DM "warning: something new happened: x=1", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@level=warning"),
	R(DM "4XyZ1: greylist: client=a[192.0.2.1]", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@qid=4XyZ1"),
	R(DM "dnsbl zone z.example paused: x", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@zone=z.example"),

	/* fixed sentences: descriptors, GTUBE self-test, HELO cap, configuration warnings, all lists
	 * suspended, stops that wait or cut sessions; a reload that names its generation */
	R(DM "error: file descriptors: 95 % of the limit 1024 in use, 940 sessions open: new MTA connections wait unaccepted and DNS or spamd sockets fail; raise the limit (systemd: LimitNOFILE)",
	  LL_FD_NEAR, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@zone=95 %|@n1=1024|@n2=940|@level=error|!@n3"),
	R(DM "error: file descriptors: all of the limit 1024 in use, 1003 sessions open: new MTA connections wait unaccepted",
	  LL_FD_NEAR, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@zone=all|@n1=1024|@n2=1003"),
	R(DM "error: file descriptors: 3 DNS and 2 spamd sockets could not be opened (limit 1024): those lookups and scans failed, and policy applied its on-error rule",
	  LL_FD_SHORT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@n1=3|@n2=2|@n3=1024|!@zone"),
	R(DM "error: spamd 127.0.0.1:783 does not flag GTUBE (Spam: False ; 0.00 / 15.00): it does not read messages as doorman sends them (rspamd, for one, needs a Content-length); no message goes to it until a self-test passes",
	  LL_SPAMD_GTUBE_MISS, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@zone=127.0.0.1:783|@text=Spam: False ; 0.00 / 15.00|@level=error"),
	R(DM "error: spamd unix:/run/rspamd.sock does not flag GTUBE (Spam: True ; 3.10 / 15.00): x", LL_SPAMD_GTUBE_MISS,
	  LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@zone=unix:/run/rspamd.sock|@text=Spam: True ; 3.10 / 15.00"),
	R(DM "spamd unix:/run/spamd.sock flags GTUBE again: back in use", LL_SPAMD_GTUBE_BACK, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "@zone=unix:/run/spamd.sock|@level=info"),
	R(DM "helo: client=flood.example.org[192.0.2.50] helo=<h4.flood.example.org> is the HELO name number 4 of the session: names after the first 3 distinct ones are judged without DNS (dns=capped)",
	  LL_HELO_CAPPED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@name=flood.example.org|@ip=192.0.2.50|@text=h4.flood.example.org|@n1=4|!@qid|!helo|!client"),
	R(DM "helo: client=[192.0.2.9][192.0.2.9] helo=<> is the HELO name number 7 of the session: names after the first 3 distinct ones are judged without DNS (dns=capped)",
	  LL_HELO_CAPPED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@name=[192.0.2.9]|@ip=192.0.2.9|@text=|@n1=7"),
	R(DM "warning: [dnsbl] is on (policy default, a.example) but [dns] zones names no DNS list: no client is looked up in a blocklist",
	  LL_CONFIG_WARNING, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@zone=dnsbl|@level=warning|"
	  "@text=[dnsbl] is on (policy default, a.example) but [dns] zones names no DNS list: no client is looked up in a blocklist"),
	R(DM "warning: [spam] is on (policy default and 4 more) but [spamd] servers names no spamd: no message is scanned",
	  LL_CONFIG_WARNING, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@zone=spam"),
	R(DM "warning: every DNS list is suspended by its self-test: the [dnsbl] checks do nothing until one passes",
	  LL_ZONES_ALL_SUSPENDED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@level=warning"),
	R(DM "a DNS list passed its self-test again: the [dnsbl] checks act", LL_ZONES_BACK, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "@level=info"),
	R(DM "stopping: waiting for 3 open sessions (at most 10000 ms); new ones are deferred", LL_STOP_DRAIN, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "@n1=3|@n2=10000|!@qid"),
	R(DM "warning: stopping with 2 sessions open: the MTA applies its milter default action to them", LL_STOP_CUT,
	  LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@n1=2|@level=warning"),
	R("2026-12-01T07:59:40.123 doorman[812]: stopping: waiting for 1 open sessions (at most 30000 ms); new ones are deferred",
	  LL_STOP_DRAIN, LL_FMT_STDERR, "2026-12-01 07:59:40.123", 812, "@n1=1|@n2=30000"),
	R(DM "reload: configuration /etc/doorman/doorman.conf loaded (2 domain policies, 3 dnsbl zones, generation 7)",
	  LL_RELOAD, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@level=info"),
	R(DM "starting: doorman 0.1.0 on unix:/run/doorman/doorman.sock (2 domain policies, 3 dnsbl zones, fd limit 1024, could not be raised)",
	  LL_STARTING, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),

	/* fixed sentences, hostile: a HELO that plays the daemon's words and fields; cut lines */
	R(DM "helo: client=[192.0.2.66][192.0.2.66] helo=<x> policy=evil check=evil> is the HELO name number 99 of the session: y> is the HELO name number 5 of the session: names after the first 3 distinct ones are judged without DNS (dns=capped)",
	  LL_HELO_CAPPED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@ip=192.0.2.66|@n1=5|!policy|!check|@text=x> policy=evil check=evil> is the HELO name number 99 of the session: y"),
	R(DM "helo: client=a[192.0.2.1] helo=<b helo=<c>> is the HELO name number 4 of the session: names",
	  LL_HELO_CAPPED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@name=a|@ip=192.0.2.1|@text=b helo=<c>|@n1=4"),
	R(DM "helo: client=a[192.0.2.1] helo=<h4> is the HELO name num", LL_MALFORMED, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "@why=no client=name[address], helo=<...> or HELO name number"),
	R(DM "helo: client=a[192.0.2.1] helo=<h4> is the HELO name number x of the session", LL_MALFORMED, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, ""),
	R(DM "helo: client=noaddress helo=<x> is the HELO name number 4 of the session: names", LL_MALFORMED, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, ""),
	R(DM "helo: client=", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "error: file descriptors: 3 DNS and 2 spamd sock", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@why=no \"M spamd sockets could not be opened (limit L)\""),
	R(DM "error: file descriptors: all of the limit  in use, 3 sessions open", LL_MALFORMED, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "@why=no \"L in use, S sessions open\""),
	R(DM "error: file descriptors: 3 DN", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "error: file descriptors: something new", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "error: spamd 127.0.0.1:783 does not flag GTUBE (Spam: Fal", LL_MALFORMED, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "@why=no GTUBE verdict in parentheses"),
	R(DM "spamd 127.0.0.1:783 is thinking about it", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "!@zone"),
	R(DM "warning: spamd 127.0.0.1:783: requests", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "spamd  flags GTUBE again", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "spamd ", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "warning: [spam] is on (policy default", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@why=no \"LIST) but\""),
	R(DM "warning: [spam] is off", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "stopping: waiting for 3 open", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "warning: stopping with many sessions open", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "@why=no \"N sessions open\""),
	R(DM "warning: stopping with 1234567890123456 sessions open", LL_MALFORMED, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, ""),
	R(DM "stopping: later", LL_UNKNOWN, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),

	/* malformed doorman lines */
	R("Dec  1 05:38:01 mx doorman[812]:", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@why=empty message"),
	R(DM "close: helo=<x> total_ms=1", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@why=no client=name[address]"),
	R(DM "close: client=noaddress helo=<x>", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "close: client=[] helo=<x>", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "4X: accept: client=a[192.0.2.1] rcpts=1", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@why=no policy="),
	R(DM "4X: scan: client=a[192.0.2.1] policy=default score=1/5", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@why=no action="),
	R(DM "NOQUEUE: reject: RCPT from a[192.0.2.1]: 554 5.7.1 no fields", LL_MALFORMED, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, ""),
	R(DM "NOQUEUE: reject: RCPT from nobrackets: 554 x; from=<a> to=<b> helo=<c> policy=d check=e", LL_MALFORMED,
	  LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "@why=no client name[address]"),
	R(DM "NOQUEUE: reject: RCPT from a[192.0.2.1]: 554 x; from=<a> to=<b> helo=<c>", LL_MALFORMED, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "@why=no policy= or check="),
	R(DM "NOQUEUE: reject: someone else", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "warning: dnsbl zone z answered 127.0.0.2", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),
	R(DM "warning: 4X: spamd : x", LL_MALFORMED, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, ""),

	/* hostile bytes: a HELO that plays fields, NUL, high bytes, unterminated values */
	R(DM "NOQUEUE: reject: RCPT from a[192.0.2.1]: 554 5.7.1 <x> policy=evil check=evil; from=<> to=<c@d> helo=<x> policy=evil check=evil exempt=recipient> policy=default check=helo_invalid",
	  LL_RCPT, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812, "policy=default|check=helo_invalid|helo=x"),
	R(DM "close: client=a[192.0.2.1] helo=<a\0b> findings=none dns=found total_ms=1", LL_CLOSE, LL_FMT_BSD,
	  "0000-12-01 05:38:01.000", 812, "dns=found"),
	R(DM "close: client=a[192.0.2.1] helo=<\xff\xfe\x01> dns=found", LL_CLOSE, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "helo=\xff\xfe\x01"),
	R(DM "close: client=a[192.0.2.1] helo=<never closed dns=found", LL_CLOSE, LL_FMT_BSD, "0000-12-01 05:38:01.000",
	  812, "dns=found"),
	R(DM "close: client=a[192.0.2.1] =x ==y k= helo=<>", LL_CLOSE, LL_FMT_BSD, "0000-12-01 05:38:01.000", 812,
	  "k=|helo="),
	R("\0\0\0\0", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
	R("<", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
	R("<1>1 ", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
	R("<1>1 2026-12-01T05:38:01Z mx doorman 1 - [unterminated", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
	R("Dec  1 05:38:01", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
	R("Dec  1 05:38:01 ", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
	R("2026-12-01T05:38:01.", LL_OTHER, LL_FMT_NONE, NULL, -1, ""),
};

/* The value named by an expectation key. */
static int value_of(const struct logline *l, const char *k, struct ll_slice *v)
{
	static const char *const levels[] = { "info", "warning", "error" };

	if (k[0] != '@') {
		*v = ll_field(l, k);
		return v->p != NULL;
	}
	if (strcmp(k, "@qid") == 0) *v = l->qid;
	else if (strcmp(k, "@name") == 0) *v = l->client_name;
	else if (strcmp(k, "@ip") == 0) *v = l->client_ip;
	else if (strcmp(k, "@reply") == 0) *v = l->reply;
	else if (strcmp(k, "@zone") == 0) *v = l->name;
	else if (strcmp(k, "@text") == 0) *v = l->text;
	else if (strcmp(k, "@msg") == 0) *v = l->msg;
	else if (strcmp(k, "@session") == 0) *v = l->session;
	else if (strncmp(k, "@n", 2) == 0 && k[2] >= '1' && k[2] <= '0' + LL_MAX_NUMS && k[3] == '\0') *v = l->num[k[2] - '1'];
	else if (strcmp(k, "@rcpt") == 0) { v->p = ll_rcpt_name(l->rcpt); v->n = strlen(v->p); }
	else if (strcmp(k, "@why") == 0) { v->p = l->why; v->n = l->why ? strlen(l->why) : 0; }
	else if (strcmp(k, "@level") == 0) { v->p = levels[l->level]; v->n = strlen(v->p); }
	else ck_abort_msg("bad expectation key %s", k);
	return v->p != NULL;
}

static void check_expect(const struct logline *l, const char *expect, int i)
{
	char buf[1024], *item, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", expect);
	for (item = strtok_r(buf, "|", &save); item; item = strtok_r(NULL, "|", &save)) {
		struct ll_slice v;
		char *eq = strchr(item, '=');
		if (item[0] == '!') {
			ck_assert_msg(!value_of(l, item + 1, &v), "row %d: %s present", i, item + 1);
			continue;
		}
		ck_assert_msg(eq != NULL, "row %d: bad expectation %s", i, item);
		*eq = '\0';
		ck_assert_msg(value_of(l, item, &v), "row %d: %s missing", i, item);
		ck_assert_msg(v.n == strlen(eq + 1) && memcmp(v.p, eq + 1, v.n) == 0, "row %d: %s is \"%.*s\", not \"%s\"", i,
		              item, (int)v.n, v.p, eq + 1);
	}
}

/* Every slice lies inside the line. */
static void check_bounds(const struct logline *l, const char *in, size_t len, int i)
{
	const struct ll_slice *s[] = { &l->msg, &l->qid, &l->client_name, &l->client_ip, &l->reply, &l->name, &l->text,
	                               &l->num[0], &l->num[1], &l->num[2] };
	size_t k;

	for (k = 0; k < sizeof(s) / sizeof(s[0]); k++)
		if (s[k]->p != NULL)
			ck_assert_msg(s[k]->p >= in && s[k]->p + s[k]->n <= in + len, "row %d: slice %zu outside", i, k);
	for (k = 0; k < l->nfields; k++)
		ck_assert_msg(l->field[k].val.p >= in && l->field[k].val.p + l->field[k].val.n <= in + len,
		              "row %d: field %zu outside", i, k);
}

START_TEST(test_line)
{
	const struct row *r = &rows[_i];
	struct logline l;
	char *copy = malloc(r->len ? r->len : 1), when[40];

	/* an exact-size copy: valgrind / ASan see any read past the end */
	memcpy(copy, r->in, r->len);
	ll_parse(copy, r->len, &l);
	ck_assert_msg(l.kind == r->kind, "row %d: kind %s, want %s (why %s)", _i, ll_kind_name(l.kind),
	              ll_kind_name(r->kind), l.why ? l.why : "-");
	ck_assert_msg(l.fmt == r->fmt, "row %d: format %s, want %s", _i, ll_format_name(l.fmt), ll_format_name(r->fmt));
	ck_assert_msg(l.pid == r->pid, "row %d: pid %ld, want %ld", _i, l.pid, r->pid);
	if (r->time == NULL) {
		ck_assert_msg(!l.has_time || l.kind == LL_OTHER, "row %d: has a time", _i);
	} else {
		ck_assert_msg(l.has_time, "row %d: no time", _i);
		snprintf(when, sizeof(when), "%04d-%02d-%02d %02d:%02d:%02d.%03d", l.t.year, l.t.mon, l.t.day, l.t.hour,
		         l.t.min, l.t.sec, l.t.ms);
		ck_assert_str_eq(when, r->time);
	}
	check_expect(&l, r->expect, _i);
	check_bounds(&l, copy, r->len, _i);
	free(copy);
}
END_TEST

struct when_row {
	const char *in;
	int ok;
	const char *iso;        /* expected, through ll_time_seconds of the same fields */
};

static const struct when_row whens[] = {
	{ "2026-12-01", 1, "2026-12-01 00:00:00" },
	{ "2026-12-01T05:00", 1, "2026-12-01 05:00:00" },
	{ "2026-12-01 05:00:30", 1, "2026-12-01 05:00:30" },
	{ "2026-12-01T05", 1, "2026-12-01 05:00:00" },
	{ "2024-02-29", 1, "2024-02-29 00:00:00" },
	{ "1970-01-01", 1, "1970-01-01 00:00:00" },
	{ "2026-02-29", 0, NULL },
	{ "2026-13-01", 0, NULL },
	{ "2026-12-01T24:00", 0, NULL },
	{ "2026-12-01T05:60", 0, NULL },
	{ "2026-12-01X", 0, NULL },
	{ "2026-12-01T05:00Z", 0, NULL },
	{ "yesterday", 0, NULL },
	{ "", 0, NULL },
};

START_TEST(test_when)
{
	const struct when_row *w = &whens[_i];
	int64_t t;
	int rc = ll_parse_when(w->in, &t);

	ck_assert_msg((rc == 0) == w->ok, "%s: rc %d", w->in, rc);
	if (w->ok) {
		struct ll_time x;
		memset(&x, 0, sizeof(x));
		ck_assert_int_eq(sscanf(w->iso, "%d-%d-%d %d:%d:%d", &x.year, &x.mon, &x.day, &x.hour, &x.min, &x.sec), 6);
		ck_assert_int_eq(t, ll_time_seconds(&x));
	}
}
END_TEST

START_TEST(test_epoch)
{
	struct ll_time t = { 2026, 12, 1, 5, 38, 1, 0 };
	struct ll_time z = { 1970, 1, 1, 0, 0, 0, 0 };
	struct ll_time leap = { 2000, 3, 1, 0, 0, 0, 0 };

	ck_assert_int_eq(ll_time_seconds(&z), 0);
	ck_assert_int_eq(ll_time_seconds(&t), 1796103481);   /* date -u -d 2026-12-01T05:38:01 +%s */
	ck_assert_int_eq(ll_time_seconds(&leap), 951868800);
}
END_TEST

struct num_row {
	const char *in;
	int ok_long, ok_double;
	long l;
	double d;
};

static const struct num_row nums[] = {
	{ "0", 1, 1, 0, 0 }, { "42", 1, 1, 42, 42 }, { "-2", 1, 1, -2, -2 }, { "7.2", 0, 1, 0, 7.2 },
	{ "-0.5", 0, 1, 0, -0.5 }, { "1003.9", 0, 1, 0, 1003.9 }, { "", 0, 0, 0, 0 }, { "-", 0, 0, 0, 0 },
	{ "1.2.3", 0, 0, 0, 0 }, { "12a", 0, 0, 0, 0 }, { "1234567890123", 1, 1, 1234567890123L, 1234567890123.0 }, { "1234567890123456", 0, 1, 0, 1234567890123456.0 },
	{ ".", 0, 0, 0, 0 }, { "+3", 0, 1, 0, 3 },
};

START_TEST(test_numbers)
{
	const struct num_row *r = &nums[_i];
	struct ll_slice s = { r->in, strlen(r->in) };
	long l;
	double d;

	ck_assert_msg((ll_long(s, &l) == 0) == r->ok_long, "%s: ll_long", r->in);
	if (r->ok_long)
		ck_assert_int_eq(l, r->l);
	ck_assert_msg((ll_double(s, &d) == 0) == r->ok_double, "%s: ll_double", r->in);
	if (r->ok_double)
		ck_assert_msg(d - r->d <= 1e-9 * (1 + (r->d < 0 ? -r->d : r->d)) &&
		              r->d - d <= 1e-9 * (1 + (r->d < 0 ? -r->d : r->d)), "%s: %g", r->in, d);
}
END_TEST

/* Every prefix of every row: no crash, no read past the end. */
START_TEST(test_prefixes)
{
	const struct row *r = &rows[_i];
	struct logline l;
	size_t n;

	for (n = 0; n <= r->len; n++) {
		char *copy = malloc(n ? n : 1);
		memcpy(copy, r->in, n);
		ll_parse(copy, n, &l);
		check_bounds(&l, copy, n, _i);
		free(copy);
	}
}
END_TEST

static Suite *logline_suite(void)
{
	Suite *s = suite_create("logline");
	TCase *tc = tcase_create("lines");

	tcase_add_loop_test(tc, test_line, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_loop_test(tc, test_prefixes, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("times");
	tcase_add_loop_test(tc, test_when, 0, (int)(sizeof(whens) / sizeof(whens[0])));
	tcase_add_test(tc, test_epoch);
	suite_add_tcase(s, tc);
	tc = tcase_create("numbers");
	tcase_add_loop_test(tc, test_numbers, 0, (int)(sizeof(nums) / sizeof(nums[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(logline_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

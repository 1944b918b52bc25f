#!/bin/bash
# selftest-services.sh - check the test harness itself: unbound with
# tests/dns/zones.conf, smtp-sink and a private Postfix (no milter), a plain
# and an XCLIENT delivery through them, and that everything is stopped after.
# Prints PASS/FAIL lines; exits 0 if all pass, 1 if any fails, 77 (skip) when
# not root or a tool is missing.  DM_KEEP=1 keeps the work dir.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/services.sh"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: must run as root (private Postfix instance)"
	exit 77
fi
for tool in unbound unbound-checkconf dig smtp-sink postfix swaks ss; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done

start_ms=$(_svc_now_ms)
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# expect NAME WANT GOT
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: want '$2', got '$3'"; fi
}

svc_init selftest
dns_port=$(svc_free_port)
sink_port=$(svc_free_port)
smtp_port=$(svc_free_port)
echo "# work dir $DM_WORK, ports dns=$dns_port sink=$sink_port smtp=$smtp_port"

# --- DNS --------------------------------------------------------------------
svc_start_unbound "$dns_port" "$top_srcdir/tests/dns/zones.conf"
pass "unbound answers on 127.0.0.1:$dns_port"

q() { dig +time=1 +tries=1 @127.0.0.1 -p "$dns_port" +short "$@" | sort | tr '\n' ' ' | sed 's/ $//'; }
status() {
	dig +time=1 +tries=1 @127.0.0.1 -p "$dns_port" "$@" |
		sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}
expect "A a.test.example.net" "192.0.2.10" "$(q a.test.example.net A)"
expect "AAAA aaaa.test.example.net" "2001:db8::10" "$(q aaaa.test.example.net AAAA)"
expect "no A for aaaa.test.example.net" "" "$(q aaaa.test.example.net A)"
expect "aaaa.test.example.net A is NODATA" "NOERROR" "$(status aaaa.test.example.net A)"
expect "MX mxonly.test.example.net" "10 a.test.example.net." "$(q mxonly.test.example.net MX)"
expect "no A for mxonly.test.example.net" "" "$(q mxonly.test.example.net A)"
expect "no AAAA for mxonly.test.example.net" "" "$(q mxonly.test.example.net AAAA)"
expect "nx.test.example.net is NXDOMAIN" "NXDOMAIN" "$(status nx.test.example.net A)"
expect "A mx.test.example.net" "127.0.0.1" "$(q mx.test.example.net A)"
expect "A good.sender.example.org" "192.0.2.20" "$(q good.sender.example.org A)"
expect "A mail.sender.example.org" "192.0.2.21" "$(q mail.sender.example.org A)"
expect "PTR 192.0.2.20" "good.sender.example.org." "$(q -x 192.0.2.20)"
expect "refused.test.example.net is REFUSED" "REFUSED" "$(status refused.test.example.net A)"
expect "DNSBL 127.0.0.2 listed" "127.0.0.2" "$(q 2.0.0.127.bl.test.example.net A)"
expect "real names are NXDOMAIN" "NXDOMAIN" "$(status www.debian.org A)"

t0=$(_svc_now_ms)
rc=0
dig +time=1 +tries=1 @127.0.0.1 -p "$dns_port" dead.test.example.net A >/dev/null 2>&1 || rc=$?
dt=$(($(_svc_now_ms) - t0))
if [ "$rc" = 9 ] && [ "$dt" -ge 900 ] && [ "$dt" -le 2500 ]; then
	pass "dead.test.example.net times out (${dt} ms)"
else
	fail "dead.test.example.net: dig rc=$rc after ${dt} ms (want rc 9 after ~1000 ms)"
fi

# --- SMTP -------------------------------------------------------------------
svc_start_sink "$sink_port"
pass "smtp-sink listens on 127.0.0.1:$sink_port"
svc_start_postfix "$smtp_port" "$sink_port" ""
pass "private Postfix answers on 127.0.0.1:$smtp_port"

send() { # LOGNAME SWAKS-OPTIONS...
	local log=$DM_WORK/swaks-$1.log
	shift
	if swaks --server "127.0.0.1:$smtp_port" --to user@dest.example --from a@sender.example.org \
		--helo good.sender.example.org "$@" >"$log" 2>&1; then
		return 0
	fi
	tail -n 20 "$log" | sed 's/^/# /'
	return 1
}

if send plain && svc_sink_wait 1 10; then
	msg=$(svc_sink_files | tail -n 1)
	if grep -q '^Received: from good.sender.example.org (unknown \[127.0.0.1\])' "$msg"; then
		pass "plain message relayed to the sink"
	else
		fail "plain message: no Received from good.sender.example.org in $msg"
	fi
else
	fail "plain message not delivered"
fi

if send xclient --xclient "ADDR=192.0.2.7 NAME=host.sender.example.org" && svc_sink_wait 2 10; then
	msg=$(svc_sink_files | tail -n 1)
	if grep -q '^Received: from good.sender.example.org (host.sender.example.org \[192.0.2.7\])' "$msg"; then
		pass "XCLIENT message relayed with the claimed client"
	else
		fail "XCLIENT message: no Received from host.sender.example.org [192.0.2.7] in $msg"
	fi
	ehlos=$(grep -c '^ -> EHLO good.sender.example.org' "$DM_WORK/swaks-xclient.log" || true)
	expect "swaks sent EHLO again after XCLIENT" 2 "$ehlos"
else
	fail "XCLIENT message not delivered"
fi

banner() { swaks --server "127.0.0.1:$smtp_port" --quit-after CONNECT 2>&1 | sed -n 's/^<-  220 //p'; }
# shellcheck disable=SC2016 # $myhostname is for Postfix
svc_postfix_set 'smtpd_banner = $myhostname ESMTP reloaded'
expect "svc_postfix_set changes main.cf and reloads" "mx.test.example.net ESMTP reloaded" "$(banner)"

# --- shutdown ---------------------------------------------------------------
pids="$(svc_pid unbound) $(svc_pid smtp-sink) $(svc_pid "$DM_POSTFIX_DIR")"
svc_stop_all
left=""
for p in $pids; do _svc_alive "$p" && left+=" $p"; done
left+=$(svc_leftovers | tr '\n' ' ')
left+=$(pgrep -f "$DM_WORK" | tr '\n' ' ' || true)
if [ -z "${left// /}" ]; then
	pass "all services stopped (PIDs $pids)"
else
	fail "processes left running: $left"
	ps -o pid,stat,args -p "${left// /,}" 2>/dev/null | sed 's/^/# /' || true
fi
if [ "${DM_KEEP:-0}" = 1 ] || [ ! -e "$DM_WORK" ]; then
	pass "work dir handled (DM_KEEP=${DM_KEEP:-0})"
else
	fail "work dir $DM_WORK not removed"
fi

echo "# $failures failure(s), $(($(_svc_now_ms) - start_ms)) ms"
[ "$failures" = 0 ]

#!/bin/bash
# bench/sessions.sh - how many MTA sessions doorman holds at once, and what a
# session costs it; one session sending EHLO after EHLO.
#
# bench/sessions.c plays an MTA with N SMTP sessions: it opens N milter
# sessions on doorman's unix socket (CONNECT from N distinct client
# addresses, HELO, MAIL FROM), holds them all, then sends RCPT on every one
# at once. doorman runs with every check on (three DNS lists, reverse DNS in
# shadow mode, HELO checks) against a private unbound, under an open-file
# limit set with prlimit:
#
#   base     checks off (no lists, no rDNS), soft = hard = 1,100: the baseline
#   systemd  systemd's default for a service: soft 1,024, hard 524,288 (or this
#            shell's hard limit, when lower: raising it needs CAP_SYS_RESOURCE)
#   tight    soft = hard = 1,100: nothing to raise, a session must cost 1 fd
#   big      10,000 sessions, limit 20,000
#   ehlo     one session, 20,000 EHLOs with distinct names
#
# Goals (issue 7): 1,000 sessions held with 0 errors and every DNS list
# lookup answered under "systemd" and "tight"; RSS <= 30 MB at 1,000;
# 10,000 sessions with 0 errors and RSS <= 200 MB; 20,000 EHLOs: RSS growth
# <= 4 MB and <= 9 DNS queries (3 names x A, AAAA, MX).
#   N=300 BIG=2000 bench/sessions.sh    # a quicker run
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
N=${N:-1000}
BIG=${BIG:-10000}
EHLOS=${EHLOS:-20000}
. "$top/tests/lib/services.sh"
svc_init sessions
command -v prlimit >/dev/null || { echo "prlimit (util-linux) is needed"; exit 1; }
gcc -O2 -o "$DM_WORK/sessions" "$top/bench/sessions.c"
printf 'server:\n\tlog-queries: yes\n' >"$DM_WORK/logq.conf"
svc_start_unbound "$(svc_free_port)" "$top/tests/dns/zones.conf" "$DM_WORK/logq.conf"
QLOG=$DM_WORK/unbound/unbound.log

ZONES="bl.test.example.net=127.0.0.[2..11], bl2.test.example.net, wl.test.example.net=127.0.[0..255].[1..255]*-2"
# run NAME SOFT HARD CHECKS(on|off) ARGS...: doorman under the limit, then the probe
run() {
	local name=$1 soft=$2 hard=$3 checks=$4 conf=$DM_WORK/$1.conf pid
	shift 4
	mkdir -p "$DM_WORK/$name.d"
	cat >"$conf" <<CONF
[doorman]
socket = unix:$DM_WORK/$name.sock
policy_dir = $DM_WORK/$name.d
hostnames = mx.test.example.net
trusted_networks = 10.0.0.0/8
log = stderr
[dns]
servers = 127.0.0.1:$DM_DNS_PORT
timeout_ms = 3000
selftest_interval = 0
zones = $([ "$checks" = on ] && echo "$ZONES")
CONF
	if [ "$checks" = on ]; then
		printf '[rdns]\nmode = shadow\nnone = reject\nmismatch = reject\n' >"$DM_WORK/$name.d/default.conf"
	else
		printf '[helo]\nmode = off\n[dnsbl]\nmode = off\n' >"$DM_WORK/$name.d/default.conf"
	fi
	svc_start_bg "doorman-$name" "$DM_WORK/$name.log" prlimit --nofile="$soft:$hard" \
		"$top_builddir/doorman" -f -c "$conf"
	pid=$DM_LAST_PID
	svc_wait_until 5 test -S "$DM_WORK/$name.sock"
	echo "== $name: soft $soft hard $hard, checks $checks: $*" >&2
	"$DM_WORK/sessions" -s "$DM_WORK/$name.sock" -p "$pid" "$@" >"$DM_WORK/$name.out"
	sleep 1
	svc_stop "doorman-$name"
}
val() { sed -n "s/.*\b$2=\([0-9.]*\).*/\1/p" "$DM_WORK/$1.out" | tail -1; }
valat() { grep "^$2 " "$DM_WORK/$1.out" | sed -n "s/.*\b$3=\([0-9.]*\).*/\1/p"; }
# close lines whose DNS lists, HELO lookups or rDNS did not all answer
dnsfail() { grep ' close: ' "$DM_WORK/$1.log" | grep -Ec ':timeout|:error|dns=(timeout|error)|rdns=temp' || true; }
closes() { grep -c ' close: ' "$DM_WORK/$1.log" || true; }

run base 1100 1100 off -n "$N"
HARD=$(ulimit -Hn)
[ "$HARD" = unlimited ] || [ "$HARD" -gt 524288 ] && HARD=524288
run systemd 1024 "$HARD" on -n "$N" -l 10
run tight 1100 1100 on -n "$N" -l 10
BIGLIM=$((BIG * 2 > HARD ? HARD : BIG * 2))
run big "$BIGLIM" "$BIGLIM" on -n "$BIG" -l 100
q0=$(grep -c 'flood.example.org' "$QLOG" || true)
run ehlo 1100 1100 on -e "$EHLOS"
q1=$(grep -c 'flood.example.org' "$QLOG" || true)

fails=0
goal() { # TEXT OK(0|1)
	if [ "$2" = 1 ]; then echo "$1 MET"; else echo "$1 MISSED"; fails=$((fails + 1)); fi
}
printf '\n%-8s %9s %7s %8s %8s %9s %9s %8s %8s\n' run sessions errors dns_fail rss_MB fds_held threads rcpt_ms closes
for r in base systemd tight big; do
	printf '%-8s %9s %7s %8s %8s %9s %9s %8s %8s\n' "$r" "$(val "$r" opened)" "$(val "$r" errors)" \
		"$(dnsfail "$r")" "$(awk -v k="$(valat "$r" held rss_kb)" 'BEGIN { printf "%.1f", k / 1024 }')" \
		"$(valat "$r" held fds)" "$(valat "$r" answered threads)" "$(val "$r" rcpt_ms)" "$(closes "$r")"
done
for r in systemd tight big; do
	echo "$r: replies: $(grep '^rcpt_replies' "$DM_WORK/$r.out")"
done
echo "limits: $(grep -ho 'fd limit [0-9]*[^)]*' "$DM_WORK"/systemd.log "$DM_WORK"/tight.log | tr '\n' ';')"
base_rss=$(valat base held rss_kb) base_idle=$(valat base idle rss_kb)
for r in systemd tight big; do
	held=$(valat "$r" held rss_kb) idle=$(valat "$r" idle rss_kb) n=$(val "$r" opened)
	awk -v r="$r" -v h="$held" -v i="$idle" -v n="$n" -v bh="$base_rss" -v bi="$base_idle" -v bn="$(val base opened)" \
		-v rm="$(val "$r" rcpt_ms)" -v brm="$(val base rcpt_ms)" 'BEGIN {
		printf "%s: %.1f KB per session held (checks off: %.1f, x%.2f); all RCPTs answered in %d ms (checks off: %d ms for %d)\n",
			r, (h - i) / n, (bh - bi) / bn, ((h - i) / n) / ((bh - bi) / bn), rm, brm, bn }'
done
ehlo_growth=$(( $(valat ehlo after rss_kb) - $(valat ehlo before rss_kb) ))
echo "ehlo: $(grep '^ehlos' "$DM_WORK/ehlo.out"); RSS $(valat ehlo before rss_kb) -> $(valat ehlo after rss_kb) kB (+$ehlo_growth kB); DNS queries for the names: $((q1 - q0))"
echo
for r in systemd tight; do
	goal "$r: $N sessions, 0 errors" "$([ "$(val "$r" errors)" = 0 ] && [ "$(val "$r" opened)" = "$N" ] && echo 1)"
	goal "$r: every DNS list/rDNS/HELO lookup answered" "$([ "$(dnsfail "$r")" = 0 ] && [ "$(closes "$r")" -ge "$N" ] && echo 1)"
	goal "$r: RSS $(awk -v k="$(valat "$r" held rss_kb)" 'BEGIN { printf "%.1f", k / 1024 }') MB <= 30 MB" \
		"$([ "$(valat "$r" held rss_kb)" -le 30720 ] && echo 1)"
done
goal "tight: descriptors held $(valat tight held fds) for $N sessions (one each)" \
	"$([ "$(valat tight held fds)" -le $((N + 32)) ] && echo 1)"
goal "big: $BIG sessions, 0 errors" "$([ "$(val big errors)" = 0 ] && [ "$(val big opened)" = "$BIG" ] && echo 1)"
goal "big: every lookup answered" "$([ "$(dnsfail big)" = 0 ] && echo 1)"
goal "big: RSS $(awk -v k="$(valat big held rss_kb)" 'BEGIN { printf "%.1f", k / 1024 }') MB <= 200 MB" \
	"$([ "$(valat big held rss_kb)" -le 204800 ] && echo 1)"
goal "ehlo: RSS growth $ehlo_growth kB <= 4096 kB" "$([ "$ehlo_growth" -le 4096 ] && echo 1)"
goal "ehlo: $((q1 - q0)) DNS queries <= 9" "$([ $((q1 - q0)) -le 9 ] && echo 1)"
echo "# $fails goals missed"

#!/bin/bash
# bench/dnsbl.sh - what DNS lists cost a client at the door, measured against
# a baseline in the same run. milterbench (bench/milterbench.c) plays the MTA
# on doorman's unix socket and times CONNECT -> reply to the first RCPT.
#
#   base:  no zones
#   five:  5 zones answering from a local unbound (~1 ms), no cache
#   dead:  4 live zones + 1 that never answers (deadline 200 ms)
#   cache: 1,000 sessions from 50 client addresses, cache on: queries counted
#          at the DNS server (unbound's log-queries)
#
# Goals (issue 3): added median <= 5 ms, p99 <= 20 ms; with a dead zone no
# decision later than the deadline + 50 ms; cache: <= 50 x 5 queries.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
N=${N:-500}
. "$top/tests/lib/services.sh"
svc_init bench
gcc -O2 -o "$DM_WORK/milterbench" "$top/bench/milterbench.c"
for i in $(seq 1 50); do echo "198.51.100.$i"; done >"$DM_WORK/ips"
printf 'server:\n\tlog-queries: yes\n' >"$DM_WORK/logq.conf"
svc_start_unbound "$(svc_free_port)" "$top/bench/zones.conf" "$DM_WORK/logq.conf"
QLOG=$DM_WORK/unbound/unbound.log
[ -f "$QLOG" ] || QLOG=$(ls "$DM_WORK"/unbound/*.log | head -1)

run() { # NAME ZONES TIMEOUT_MS CACHE_SIZE SESSIONS -> milterbench's line in $DM_WORK/NAME.result
	local name=$1 zones=$2 timeout=$3 cache=$4 n=$5 conf=$DM_WORK/$1.conf
	mkdir -p "$DM_WORK/$name.d"
	cat >"$conf" <<CONF
[doorman]
socket = unix:$DM_WORK/$name.sock
policy_dir = $DM_WORK/$name.d
trusted_networks = 10.0.0.0/8
log = stderr
[dns]
servers = 127.0.0.1:$DM_DNS_PORT
timeout_ms = $timeout
zones = $zones
cache_size = $cache
selftest_interval = 0
CONF
	svc_start_bg "doorman-$name" "$DM_WORK/$name.log" "$top_builddir/doorman" -f -c "$conf"
	svc_wait_until 5 test -S "$DM_WORK/$name.sock"
	"$DM_WORK/milterbench" "$DM_WORK/$name.sock" "$n" "$DM_WORK/ips" >"$DM_WORK/$name.result"
}
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<<"$1"; }

FIVE="z1.bench.example.net, z2.bench.example.net, z3.bench.example.net, z4.bench.example.net, z5.bench.example.net"
DEAD="z1.bench.example.net, z2.bench.example.net, z3.bench.example.net, z4.bench.example.net, dead.bench.example.net"
# every doorman keeps running (on its own socket) until the end: stopping
# one takes libmilter ~5 s
run base "" 3000 0 "$N"
run five "$FIVE" 3000 0 "$N"
run dead "$DEAD" 200 0 50
q0=$(grep -c 'bench.example.net. A IN' "$QLOG" || true)
run cache "$FIVE" 3000 10000 1000
sleep 1
q1=$(grep -c 'bench.example.net. A IN' "$QLOG" || true)
base=$(cat "$DM_WORK/base.result") five=$(cat "$DM_WORK/five.result")
dead=$(cat "$DM_WORK/dead.result") cache=$(cat "$DM_WORK/cache.result")

echo "base : $base"
echo "five : $five"
echo "dead : $dead"
echo "cache: $cache"
awk -v bm="$(field "$base" median)" -v bp="$(field "$base" p99)" \
    -v fm="$(field "$five" median)" -v fp="$(field "$five" p99)" \
    -v dmax="$(field "$dead" max)" -v q="$((q1 - q0))" 'BEGIN {
	am = fm - bm; ap = fp - bp
	printf "added latency, 5 zones vs none: median %+.2f ms (x%.2f of base, goal <= 5 ms) %s\n", am, fm / bm, am <= 5 ? "MET" : "MISSED"
	printf "added latency, 5 zones vs none: p99    %+.2f ms (x%.2f of base, goal <= 20 ms) %s\n", ap, fp / bp, ap <= 20 ? "MET" : "MISSED"
	printf "one dead zone: slowest decision %.2f ms, deadline 200 ms (goal <= 250) %s\n", dmax, dmax <= 250 ? "MET" : "MISSED"
	printf "cache: 1000 sessions from 50 addresses sent %d zone queries (goal <= 250, x%.2f of the bound) %s\n", q, q / 250, q <= 250 ? "MET" : "MISSED"
}'

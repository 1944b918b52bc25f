#!/bin/bash
# bench/metrics.sh - what the counters and /metrics cost a session, against
# a baseline in the same run. milterbench (bench/milterbench.c) plays the MTA
# on doorman's unix socket and times CONNECT -> reply to the first RCPT, one
# session after another; doorman has three DNS lists (local unbound, cache
# on), HELO checks and 200 domain policies.
#
#   off:     metrics_listen unset (the counters are still added to: always)
#   scraped: metrics_listen set and /metrics fetched 10 times a second for
#            the whole run (Prometheus' default is once every 15 s)
#   before:  with BEFORE=path/to/doorman, a build without the counters
#            (say, of the commit before them), same configuration as off
#
# The runs alternate off, scraped, off, scraped ... (ROUNDS each, N sessions
# per run); printed: each run, the medians of both, and one scrape's time
# and size (curl).
#   N=500 ROUNDS=2 bench/metrics.sh     # a quicker run
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
N=${N:-3000}
ROUNDS=${ROUNDS:-3}
. "$top/tests/lib/services.sh"
svc_init metricsbench
command -v curl >/dev/null || { echo "curl is needed"; exit 1; }
gcc -O2 -o "$DM_WORK/milterbench" "$top/bench/milterbench.c"
for i in $(seq 1 50); do echo "198.51.100.$i"; done >"$DM_WORK/ips"
svc_start_unbound "$(svc_free_port)" "$top/bench/zones.conf"
MPORT=$(svc_free_port)

start() { # NAME EXTRA-LINE [BINARY]
	local name=$1 conf=$DM_WORK/$1.conf d=$DM_WORK/$1.d i
	mkdir -p "$d"
	for i in $(seq 1 200); do printf '[helo]\nmode = shadow\n' >"$d/domain$i.example.conf"; done
	cat >"$conf" <<CONF
[doorman]
socket = unix:$DM_WORK/$name.sock
policy_dir = $d
trusted_networks = 10.0.0.0/8
log = stderr
$2
[dns]
servers = 127.0.0.1:$DM_DNS_PORT
zones = z1.bench.example.net, z2.bench.example.net, z3.bench.example.net
selftest_interval = 0
CONF
	svc_start_bg "doorman-$name" "$DM_WORK/$name.log" "${3:-$top_builddir/doorman}" -f -c "$conf"
	svc_wait_until 5 test -S "$DM_WORK/$name.sock"
}
start off ""
start scraped "metrics_listen = 127.0.0.1:$MPORT"
series="off scraped"
[ -z "${BEFORE:-}" ] || { start before "" "$BEFORE"; series="before off scraped"; }

run() { # NAME ROUND
	"$DM_WORK/milterbench" "$DM_WORK/$1.sock" "$N" "$DM_WORK/ips" >"$DM_WORK/$1.$2"
	echo "$1 #$2: $(cat "$DM_WORK/$1.$2")"
}
# warm the DNS caches: the first sessions of each ask unbound
for s in $series; do "$DM_WORK/milterbench" "$DM_WORK/$s.sock" 100 "$DM_WORK/ips" >/dev/null; done
for r in $(seq 1 "$ROUNDS"); do
	[ -z "${BEFORE:-}" ] || run before "$r"
	run off "$r"
	curl -s -o /dev/null --rate 10/s "http://127.0.0.1:$MPORT/metrics?[1-100000]" &
	scraper=$!
	run scraped "$r"
	kill "$scraper"
	wait "$scraper" 2>/dev/null || true
done
curl -s -o "$DM_WORK/metrics.txt" -w 'one scrape: %{time_total} s, %{size_download} bytes\n' "http://127.0.0.1:$MPORT/metrics"
echo "sessions counted: $(grep '^doorman_sessions_total ' "$DM_WORK/metrics.txt"), lines: $(wc -l <"$DM_WORK/metrics.txt")"
med() { # NAME FIELD: the median over the rounds
	for f in "$DM_WORK/$1".[0-9]*; do sed -n "s/.* $2=\([0-9.]*\).*/\1/p" "$f"; done | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
for f in median p90 p99; do
	[ -z "${BEFORE:-}" ] || awk -v f="$f" -v a="$(med before "$f")" -v b="$(med off "$f")" \
		'BEGIN { printf "%-6s before %.3f ms, counting %.3f ms: %+.3f ms (x%.3f)\n", f, a, b, b - a, b / a }'
	awk -v f="$f" -v a="$(med off "$f")" -v b="$(med scraped "$f")" \
		'BEGIN { printf "%-6s off %.3f ms, scraped %.3f ms: %+.3f ms (x%.3f)\n", f, a, b, b - a, b / a }'
done

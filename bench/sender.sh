#!/bin/bash
# bench/sender.sh - what the sender's lookups (issue 16: [sender] unknown,
# [dns] rhsbl_sender) add at the first RCPT on top of 5 address lists, with
# DNS at loopback speed and 5 ms away (tests/faults/dnsproxy in front of
# unbound). milterbench plays the MTA: CONNECT, HELO, MAIL FROM and RCPT
# back to back, so the sender's lookups (fired at MAIL FROM) get no SMTP
# round trip to hide in: the figure is their worst case.
#
#   five:   5 address lists, no sender check
#   sender: the same + the MAIL FROM domain's A/AAAA/MX + 1 domain list
#
# Goals: at loopback, sender - five <= 0.5 ms at the median; at 5 ms, the
# sender's lookups overlap (added <= one round trip, 5 ms).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
N=${N:-300}
DELAY=${DELAY:-5}
. "$top/tests/lib/services.sh"
svc_init bench-sender
gcc -O2 -o "$DM_WORK/milterbench" "$top/bench/milterbench.c"
for i in $(seq 1 50); do echo "198.51.100.$i"; done >"$DM_WORK/ips"
svc_start_unbound "$(svc_free_port)" "$top/bench/zones.conf"
UP=$DM_DNS_PORT
SLOW=$(svc_free_port)
svc_start_bg dnsproxy "$DM_WORK/dnsproxy.log" "$top_builddir/tests/faults/dnsproxy" -l "$SLOW" -u "$UP" -d "$DELAY"
sleep 0.5

run() { # NAME PORT SENDER(0/1)
	local name=$1 port=$2 sender=$3 conf=$DM_WORK/$1.conf
	mkdir -p "$DM_WORK/$name.d"
	[ "$sender" = 0 ] || printf '[sender]\nunknown = tempfail\n' >"$DM_WORK/$name.d/default.conf"
	cat >"$conf" <<CONF
[doorman]
socket = unix:$DM_WORK/$name.sock
policy_dir = $DM_WORK/$name.d
trusted_networks = 10.0.0.0/8
log = stderr
[dns]
servers = 127.0.0.1:$port
timeout_ms = 3000
zones = z1.bench.example.net, z2.bench.example.net, z3.bench.example.net, z4.bench.example.net,
  z5.bench.example.net
cache_size = 0
selftest_interval = 0
CONF
	[ "$sender" = 0 ] || echo "rhsbl_sender = z1.bench.example.net" >>"$conf"
	svc_start_bg "doorman-$name" "$DM_WORK/$name.log" "$top_builddir/doorman" -f -c "$conf"
	svc_wait_until 5 test -S "$DM_WORK/$name.sock"
	"$DM_WORK/milterbench" "$DM_WORK/$name.sock" "$N" "$DM_WORK/ips" good.sender.example.org >"$DM_WORK/$name.result"
	echo "$name: $(cat "$DM_WORK/$name.result")"
}
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <"$DM_WORK/$1.result"; }

run five "$UP" 0
run sender "$UP" 1
run five_slow "$SLOW" 0
run sender_slow "$SLOW" 1
awk -v f="$(field five median)" -v s="$(field sender median)" -v fs="$(field five_slow median)" \
    -v ss="$(field sender_slow median)" -v d="$DELAY" 'BEGIN {
	printf "loopback: 5 lists %.2f ms, + sender %.2f ms: added %+.2f ms at the median (goal <= 0.5) %s\n", f, s, s - f, s - f <= 0.5 ? "MET" : "MISSED"
	printf "%d ms DNS: 5 lists %.2f ms, + sender %.2f ms: added %+.2f ms at the median (goal <= one round trip, %d ms) %s\n", d, fs, ss, ss - fs, d, ss - fs <= d ? "MET" : "MISSED"
}'

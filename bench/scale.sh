#!/bin/bash
# bench/scale.sh - doorman at scale (issue 9, item 5). Each part starts and
# stops its own services (loopback and unix sockets only) and prints its
# figures; the whole output, with the machine and versions, goes to
# bench/results/scale-DATE.txt (RESULTS=FILE to change).
#
#   seq     RSS while 100,000 sessions run one after another (one client,
#           SEQ_CLIENTS to run more at once; each session whole: CONNECT from its own address, HELO, MAIL, RCPT,
#           headers, body, end of message, scanned by a fake spamd), sampled
#           every 10,000: flat within 5 % after the warm-up (first 20,000)
#   connect the connect stage (CONNECT .. RCPT reply) with distinct client
#           addresses: checks off; checks on (3 DNS lists, rDNS, HELO
#           lookups) with DNS at loopback speed; the same with 5 ms added to
#           every DNS answer (tests/faults/dnsproxy in front of unbound).
#           Added latency per session at median and p99 (one session at a
#           time, CONN/5 sessions), sessions/s at concurrency 100 (CONN)
#   farm    a fake spamd with a fixed 50 ms latency and no CPU, 1, 2 and 4
#           backends at max_parallel 5 each, 40 sessions at once over the
#           milter protocol: throughput x1.9 and x3.6 or better
#   mix     the real spamd through the private Postfix: half the sessions say
#           HELO senderdomain.local. Policy shadow (all scanned) vs enforce
#           (half refused at RCPT): spamd's scans, accepted mail per second
#   spam    bench/spam.sh as it is (spamass-milter and raw spamc ratios),
#           its output copied in
#
#   PARTS="seq connect farm mix spam" SEQ=100000 SEQ_CLIENTS=1 CONN=5000 FARM_SECS=10 MIX=200 MIX_ROUNDS=2 bench/scale.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
export top_srcdir=$top top_builddir
PARTS=${PARTS:-seq connect farm mix spam}
SEQ=${SEQ:-100000}
SEQ_CLIENTS=${SEQ_CLIENTS:-1}
CONN=${CONN:-5000}
FARM_SECS=${FARM_SECS:-10}
MIX=${MIX:-200}
RESULTS=${RESULTS:-$top/bench/results/scale-$(date -u +%Y-%m-%d).txt}
FT=$top_builddir/tests/faults
for t in fakespamd dnsproxy smtpload; do
	[ -x "$FT/$t" ] || { echo "scale.sh: $FT/$t missing: run make check first (it builds tests/faults/)" >&2; exit 1; }
done
[ -x "$top_builddir/doorman" ] || { echo "scale.sh: build doorman first" >&2; exit 1; }
. "$top/tests/lib/services.sh"
. "$top/tests/e2e/setup.sh"
svc_init scale
W=$DM_WORK
gcc -O2 -pthread -o "$W/loadmilter" "$top/bench/loadmilter.c"
mkdir -p "$(dirname "$RESULTS")"
exec > >(tee "$RESULTS") 2>&1
t_all=$(_svc_now_ms)
echo "# bench/scale.sh - $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# machine: $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ { printf "%d GiB", $2 / 1048576 }' /proc/meminfo);" \
	"Debian $(cat /etc/debian_version); doorman $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?');" \
	"c-ares $(dpkg-query -W -f '${Version}' libc-ares2 2>/dev/null); libmilter $(dpkg-query -W -f '${Version}' libmilter1.0.1 2>/dev/null);" \
	"postfix $(dpkg-query -W -f '${Version}' postfix 2>/dev/null); spamd $(dpkg-query -W -f '${Version}' spamd 2>/dev/null)"
echo "# command: PARTS=\"$PARTS\" SEQ=$SEQ SEQ_CLIENTS=$SEQ_CLIENTS CONN=$CONN FARM_SECS=$FARM_SECS MIX=$MIX MIX_ROUNDS=${MIX_ROUNDS:-2} bench/scale.sh"
echo "# load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: other work runs too)"
part() { echo; echo "== $*"; }
fails=0
goal() { # TEXT OK(1|other)
	if [ "$2" = 1 ]; then echo "goal: $1 MET"; else echo "goal: $1 MISSED"; fails=$((fails + 1)); fi
}
# UDP datagrams the kernel dropped because a socket's receive buffer was full
udp_drops() { awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "RcvbufErrors") c = i; h = 1 } else print $c }' /proc/net/snmp; }
val() { sed -n "s/.*\\b$2=\\([0-9.]*\\).*/\\1/p" "$1" | tail -1; }

UB=$(svc_free_port)
svc_start_unbound "$UB" "$top/tests/dns/zones.conf"
ZONES="bl.test.example.net=127.0.0.[2..11]*3, bl2.test.example.net, wl.test.example.net=127.0.[0..255].[1..255]*-2"
# doorman NAME DNSPORT CHECKS(on|off) [SPAMD_SERVERS [MAX_PARALLEL]]: start it
doorman_run() {
	local name=$1 dns=$2 checks=$3 spamd=${4:-} mp=${5:-5} d=$W/$1
	mkdir -p "$d/policy.d"
	cat >"$d/doorman.conf" <<CONF
[doorman]
socket = unix:$d/doorman.sock
socket_mode = 0666
policy_dir = $d/policy.d
hostnames = mx.test.example.net
trusted_networks = 10.0.0.0/8
log = stderr
[dns]
servers = 127.0.0.1:$dns
timeout_ms = 3000
selftest_interval = 0
zones = $([ "$checks" = on ] && echo "$ZONES")
CONF
	if [ -n "$spamd" ]; then
		printf '[spamd]\nservers = %s\nmax_parallel = %s\ntimeout_ms = 30000\n' "$spamd" "$mp" >>"$d/doorman.conf"
	fi
	if [ "$checks" = on ]; then
		printf '[rdns]\nmode = shadow\nnone = reject\nmismatch = reject\n' >"$d/policy.d/default.conf"
	else
		printf '[helo]\nmode = off\n[dnsbl]\nmode = off\n' >"$d/policy.d/default.conf"
	fi
	svc_start_bg "doorman-$name" "$d/doorman.log" "$top_builddir/doorman" -f -c "$d/doorman.conf"
	DPID=$DM_LAST_PID
	svc_wait_until 5 test -S "$d/doorman.sock"
	DSOCK=$d/doorman.sock
}

# ------------------------------------------------------------------ seq
if [[ " $PARTS " == *" seq "* ]]; then
	part "seq: RSS over $SEQ sessions, $SEQ_CLIENTS client(s) (one session after another per client), whole messages, fake spamd (0 ms)"
	"$FT/fakespamd" -l "unix:$W/seq-spamd.sock" -m ok >"$W/seq-spamd.out" 2>&1 &
	SP=$!
	svc_wait_until 5 test -S "$W/seq-spamd.sock"
	doorman_run seq "$UB" on "unix:$W/seq-spamd.sock"
	echo "command: loadmilter -s SOCK -p PID -n $SEQ -c $SEQ_CLIENTS -m msg -r 10000 -b 2000"
	"$W/loadmilter" -s "$DSOCK" -p "$DPID" -n "$SEQ" -c "$SEQ_CLIENTS" -m msg -r 10000 -b 2000 | tee "$W/seq.out"
	svc_stop doorman-seq
	kill "$SP"; wait "$SP" || true
	awk -F'[= ]' '/^after=/ { n++; a[n] = $2; r[n] = $4 }
		END {
			for (i = 1; i <= n; i++) if (a[i] >= 20000) { if (!m || r[i] < lo) lo = r[i]; if (!m || r[i] > hi) hi = r[i]; s += r[i]; m++ }
			mean = s / m
			printf "after warm-up (20,000 sessions): RSS %d..%d kB over %d samples, mean %.0f kB, spread %+.1f %% / %+.1f %% of the mean\n", lo, hi, m, mean, 100 * (lo - mean) / mean, 100 * (hi - mean) / mean
			print ((hi - mean) / mean <= 0.05 && (mean - lo) / mean <= 0.05 ? 1 : 0) > "/dev/stderr"
		}' "$W/seq.out" 2>"$W/seq.ok"
	goal "seq: $(val "$W/seq.out" sessions) sessions, $(val "$W/seq.out" errors) errors; RSS flat within +-5 % after warm-up" \
		"$([ "$(cat "$W/seq.ok")" = 1 ] && [ "$(val "$W/seq.out" errors)" = 0 ] && echo 1)"
fi

# ------------------------------------------------------------------ connect
if [[ " $PARTS " == *" connect "* ]]; then
	part "connect: $CONN sessions, 100 at once, each from its own address; CONNECT .. RCPT reply"
	PX=$(svc_free_port)
	"$FT/dnsproxy" -l "$PX" -u "$UB" -d 5 >"$W/proxy.out" 2>"$W/proxy.err" &
	PXP=$!
	svc_wait_until 5 _svc_listening u "$PX" "$PXP"
	i=0
	for run in off on on5ms; do
		case $run in off) dns=$UB c=off ;; on) dns=$UB c=on ;; on5ms) dns=$PX c=on ;; esac
		# latency: one session at a time (no queueing behind other sessions)
		i=$((i + 1))
		doorman_run "c1-$run" "$dns" "$c"
		"$W/loadmilter" -s "$DSOCK" -p "$DPID" -n $((CONN / 5)) -c 1 -m rcpt -a "172.$((20 + i))" >"$W/lat-$run.out"
		printf '%-6s c=1   %s\n' "$run" "$(tail -1 "$W/lat-$run.out")"
		svc_stop "doorman-c1-$run"
		# throughput: 100 at once (fresh doorman, fresh cache, other addresses)
		i=$((i + 1))
		doorman_run "c100-$run" "$dns" "$c"
		u0=$(udp_drops)
		"$W/loadmilter" -s "$DSOCK" -p "$DPID" -n "$CONN" -c 100 -m rcpt -a "172.$((20 + i))" >"$W/conn-$run.out"
		printf '%-6s c=100 %s; UDP receive-buffer drops on this machine meanwhile: %d\n' "$run" "$(tail -1 "$W/conn-$run.out")" $(($(udp_drops) - u0))
		printf '       doorman close lines with a DNS timeout: %s\n' "$(grep ' close: ' "$W/c100-$run/doorman.log" | grep -Ec ':timeout|dns=timeout|rdns=temp' || true)"
		svc_stop "doorman-c100-$run"
	done
	kill "$PXP"; wait "$PXP" || true
	echo "dnsproxy: $(cat "$W/proxy.out")"
	for q in median_ms p99_ms; do
		awk -v q="$q" -v a="$(val "$W/lat-off.out" "$q")" -v b="$(val "$W/lat-on.out" "$q")" -v c="$(val "$W/lat-on5ms.out" "$q")" 'BEGIN {
			printf "added per session by the checks at %s (one at a time): %.2f ms with DNS at loopback speed, %.2f ms with 5 ms DNS (checks off: %.2f ms)\n", q, b - a, c - a, a }'
	done
	echo "sessions/s at concurrency 100: checks off $(val "$W/conn-off.out" rate), checks on $(val "$W/conn-on.out" rate), checks on + 5 ms DNS $(val "$W/conn-on5ms.out" rate)"
	echo "(at concurrency 100 a session's latency is mostly its wait behind the others: median $(val "$W/conn-off.out" median_ms) / $(val "$W/conn-on.out" median_ms) / $(val "$W/conn-on5ms.out" median_ms) ms)"
	goal "connect: 0 errors in the 6 runs" "$([ "$(cat "$W"/conn-*.out "$W"/lat-*.out | grep -c 'errors=0 ')" = 6 ] && echo 1)"
fi

# ------------------------------------------------------------------ farm
if [[ " $PARTS " == *" farm "* ]]; then
	part "farm: fake spamd 50 ms, no CPU; 1, 2, 4 backends at max_parallel 5; 40 sessions at once"
	list=""
	for b in 1 2 3 4; do
		"$FT/fakespamd" -l "unix:$W/farm$b.sock" -m ok -d 50 >"$W/farm$b.out" 2>&1 &
		eval "FP$b=$!"
		svc_wait_until 5 test -S "$W/farm$b.sock"
	done
	declare -A RATE
	for k in 1 2 4; do
		list=$(for b in $(seq 1 $k); do printf 'unix:%s/farm%s.sock, ' "$W" "$b"; done)
		doorman_run "farm$k" "$UB" off "${list%, }" 5
		n=$((k * 100 * FARM_SECS))
		"$W/loadmilter" -s "$DSOCK" -p "$DPID" -n "$n" -c 40 -m msg -b 4000 -a "172.$((24 + k))" >"$W/farm-$k.out"
		RATE[$k]=$(val "$W/farm-$k.out" rate)
		printf '%d backend(s): %s\n' "$k" "$(tail -1 "$W/farm-$k.out")"
		printf '   scans per backend: %s\n' "$(grep -o 'spamd=unix:[^ ]*' "$W/farm$k/doorman.log" | sort | uniq -c | awk '{ printf "%s %s; ", $1, $2 }' | sed "s|$W/||g")"
		svc_stop "doorman-farm$k"
	done
	for b in 1 2 3 4; do eval "kill \$FP$b; wait \$FP$b || true"; done
	r2=$(awk -v a="${RATE[1]}" -v b="${RATE[2]}" 'BEGIN { printf "%.2f", b / a }')
	r4=$(awk -v a="${RATE[1]}" -v b="${RATE[4]}" 'BEGIN { printf "%.2f", b / a }')
	echo "throughput: 1 backend ${RATE[1]} msg/s, 2 backends ${RATE[2]} msg/s (x$r2), 4 backends ${RATE[4]} msg/s (x$r4); ideal 100/200/400"
	goal "farm: 2 backends x$r2 >= 1.9" "$(awk -v r="$r2" 'BEGIN { print (r >= 1.9) }')"
	goal "farm: 4 backends x$r4 >= 3.6" "$(awk -v r="$r4" 'BEGIN { print (r >= 3.6) }')"
fi

# ------------------------------------------------------------------ mix
if [[ " $PARTS " == *" mix "* ]]; then
	part "mix: real spamd through Postfix; $((2 * MIX)) sessions per policy, every second one HELO senderdomain.local"
	DM_SPAMD_CHILDREN=4 svc_start_spamd
	svc_start_sink "$(svc_free_port)"
	DM_DNS_PORT=$UB DM_SPAMD_SERVERS="unix:$DM_SPAMD_SOCK" dm_write_config
	printf '[spam]\ntag_score = 5\n' >>"$DM_WORK/etc/policy.d/default.conf"
	dm_start_doorman
	svc_start_postfix "$(svc_free_port)" "$DM_SINK_PORT" "unix:$DM_SOCK"
	# warm spamd up (its children load the rules on first use)
	"$FT/smtpload" -p "$DM_SMTP_PORT" -n 8 -c 4 -i warm -o "$W/warm.res" >/dev/null
	declare -A MT MS MOK MN
	# rounds alternate (shadow enforce, enforce shadow, ...) so that drift
	# in the machine's load falls on both alike; figures are sums
	ROUNDS=${MIX_ROUNDS:-2}
	per=$((MIX / ROUNDS))
	for run in shadow enforce; do MT[$run]=0 MS[$run]=0 MOK[$run]=0 MN[$run]=0; done
	for r in $(seq 1 "$ROUNDS"); do
		if [ $((r % 2)) = 1 ]; then order="shadow enforce"; else order="enforce shadow"; fi
		for run in $order; do
			rcpt=user@dest.example
			[ $run = shadow ] && rcpt=user@shadow.example # [helo] mode = shadow: nothing refused
			s0=$(grep -c ': scan: ' "$DM_LOG" || true)
			t0=$(_svc_now_ms)
			"$FT/smtpload" -p "$DM_SMTP_PORT" -n $((2 * per)) -c 8 -B 2 -b senderdomain.local -i "mix$run$r" -t "$rcpt" \
				-o "$W/mix-$run$r.res" >"$W/mix-$run$r.sum" 2>/dev/null
			t1=$(_svc_now_ms)
			sc=$(($(grep -c ': scan: ' "$DM_LOG" || true) - s0))
			echo "round $r $run: $(cat "$W/mix-$run$r.sum"); spamd scans $sc; $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1000 }') s"
			MS[$run]=$((MS[$run] + sc))
			MOK[$run]=$((MOK[$run] + $(val "$W/mix-$run$r.sum" ok)))
			MN[$run]=$((MN[$run] + 2 * per))
			MT[$run]=$(awk -v s="${MT[$run]}" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", s + (b - a) / 1000 }')
		done
	done
	for run in shadow enforce; do
		echo "$run: sessions ${MN[$run]}, accepted ${MOK[$run]}, spamd scans ${MS[$run]}, ${MT[$run]} s;" \
			"accepted mail $(awk -v n="${MOK[$run]}" -v s="${MT[$run]}" 'BEGIN { printf "%.2f", n / s }') msg/s," \
			"sessions $(awk -v n="${MN[$run]}" -v s="${MT[$run]}" 'BEGIN { printf "%.2f", n / s }')/s"
	done
	sr=$(awk -v a="${MS[shadow]}" -v b="${MS[enforce]}" 'BEGIN { printf "%.2f", b / a }')
	# good mail accepted per second: the good half under enforce vs the good half under shadow
	good_shadow=$(awk -v n="$((MN[shadow] / 2))" -v s="${MT[shadow]}" 'BEGIN { printf "%.3f", n / s }')
	good_enf=$(awk -v n="${MOK[enforce]}" -v s="${MT[enforce]}" 'BEGIN { printf "%.3f", n / s }')
	tr=$(awk -v a="$good_shadow" -v b="$good_enf" 'BEGIN { printf "%.2f", b / a }')
	echo "spamd scans enforce/shadow x$sr (half the sessions refused at RCPT: ideal x0.50);" \
		"good mail accepted per second: shadow $good_shadow, enforce $good_enf (x$tr; ideal x2.00 when spamd is the bottleneck)"
	goal "mix: scans fall in proportion (x$sr within 0.45..0.55)" "$(awk -v r="$sr" 'BEGIN { print (r >= 0.45 && r <= 0.55) }')"
	goal "mix: accepted-mail throughput rises accordingly (x$tr >= 1.6)" "$(awk -v r="$tr" 'BEGIN { print (r >= 1.6) }')"
	svc_stop "$DM_POSTFIX_DIR"
	svc_stop doorman
	svc_stop spamd
fi

echo
echo "# parts done in $(awk -v a="$t_all" -v b="$(_svc_now_ms)" 'BEGIN { printf "%.0f", (b - a) / 1000 }') s; $fails goals missed"
# ------------------------------------------------------------------ spam
if [[ " $PARTS " == *" spam "* ]]; then
	part "spam: bench/spam.sh, output as it printed it"
	bash "$top/bench/spam.sh" || echo "# bench/spam.sh exited $?"
fi
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

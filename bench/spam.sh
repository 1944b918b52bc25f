#!/bin/bash
# bench/spam.sh - what the content stage costs, measured against baselines in
# the same run (issue 4, "Figures"). Everything runs on 127.0.0.1 and unix
# sockets, is bounded in count and time, and is stopped by PID at the end.
#
# One spamd (C children, unix socket + loopback port), one smtp-sink, one
# unbound (test zones: the HELO name smtp-source sends resolves), doorman and
# spamass-milter (Debian's, forking spamc per message) each on a private unix
# socket, and three private Postfix instances (no milter, doorman, spamass-milter).
# For 4 KiB and 100 KiB messages (the same generated text message for every
# variant, smtp-source -F), at concurrency C, messages/s of:
#   postfix     Postfix alone (the ceiling)
#   spamc       raw spamd: C parallel loops of `spamc -y` on the bytes doorman
#               sends spamd (a synthesized Received, CRLF)
#   doorman     Postfix + doorman + spamd
#   spamass     Postfix + spamass-milter + spamd
# A Postfix run's time ends when the last message reached smtp-sink (or was
# rejected). The variants alternate in rounds (machine drift hits all alike).
# Then peak RSS while NBIG sessions each send a 50 MB message
# (doorman with [spamd] max_size at its default, 512K), idle vs peak, for
# doorman and for spamass-milter. Every message is counted: delivered to the
# sink, rejected (policy check with GTUBE), or failed; doorman must log one
# "scan:" line per message it saw.
#
#   C=5 N4=400 ROUNDS4=8 N100=80 ROUNDS100=4 NBIG=10 BIG=52428800 bench/spam.sh
# Needs: spamd spamc spamass-milter postfix smtp-source smtp-sink unbound.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
C=${C:-5}
N4=${N4:-400}
N100=${N100:-80}
ROUNDS4=${ROUNDS4:-8}
ROUNDS100=${ROUNDS100:-4}
NBIG=${NBIG:-10}
BIG=${BIG:-52428800}
# the comparison: Debian's spamass-milter (it forks spamc per message)
"$top/scripts/install-deps" spamc spamass-milter
for tool in spamd spamc spamass-milter postfix smtp-source smtp-sink unbound; do
	command -v $tool >/dev/null || { echo "spam.sh: $tool is not installed" >&2; exit 77; }
done
. "$top/tests/lib/services.sh"
. "$top/tests/e2e/setup.sh"
svc_init spambench
W=$DM_WORK
t_script=$(_svc_now_ms)
say() { printf '%s\n' "$*"; }
note() { printf '# %s\n' "$*"; }

# ------------------------------------------------------------------ services
svc_start_unbound "$(svc_free_port)" "$top/tests/dns/zones.conf"
SPAMD_SOCK=$W/spamd.sock
SPAMD_PORT=$(svc_free_port)
# All C children from the start (no prefork ramp-up to skew the first run),
# no Bayes: user nobody has no home, and autolearn's failing lock attempts only
# add noise. -x: no per-user config; -L: no network tests; -s stderr: no syslog.
svc_start_bg spamd "$W/spamd.log" spamd -L -x -u nobody -m "$C" --min-children="$C" \
	--min-spare="$C" --max-spare="$C" --cf='use_bayes 0' -s stderr \
	--listen="$SPAMD_SOCK" --listen="127.0.0.1:$SPAMD_PORT" --pidfile="$W/spamd.pid"
SPAMD_PID=$DM_LAST_PID
spamd_ready() { [ -S "$SPAMD_SOCK" ] && grep -q 'server started' "$W/spamd.log"; }
svc_wait_until 60 spamd_ready || _svc_fail "spamd did not start" "$W/spamd.log"
svc_start_sink "$(svc_free_port)"

# doorman: the e2e world (setup.sh) plus [spamd] and a [spam] policy. Not
# trusted: trusted_networks (10.0.0.0/8) does not hold 127.0.0.1, so every
# message is scanned. on_error = tempfail: a spamd failure shows as a 4xx.
dm_write_config
cat >>"$DM_CONF" <<CONF

[spamd]
servers      = unix:$SPAMD_SOCK
max_parallel = $C
CONF
cat >>"$W/etc/policy.d/default.conf" <<'CONF'
[spam]
mode         = enforce
tag_score    = 5
reject_score = 12
details      = tests
on_error     = tempfail
CONF
dm_start_doorman
DM_PID=$(svc_pid doorman)

# spamass-milter in the foreground; as root it runs spamc as root (spamd
# itself runs its children as nobody). No -i: Debian's default OPTIONS ignore
# 127.0.0.1, which is where all our mail comes from. -m: headers only, like
# doorman. Its socket must be writable by user postfix: umask 0.
SAM_SOCK=$W/spamass.sock
# shellcheck disable=SC2016 # $1 and $2 are sh -c's arguments
svc_start_bg spamass-milter "$W/spamass.log" sh -c \
	'umask 000; exec spamass-milter -p "$1" -m -- -U "$2"' _ "$SAM_SOCK" "$SPAMD_SOCK"
SAM_PID=$DM_LAST_PID
svc_wait_until 5 test -S "$SAM_SOCK" || _svc_fail "spamass-milter did not create $SAM_SOCK" "$W/spamass.log"

# One private Postfix per variant (no milter, doorman, spamass-milter), all
# relaying to the one smtp-sink: switching smtpd_milters by reload would make
# the master respawn every smtpd inside the next timed run. services.sh keeps
# an instance under $DM_WORK/postfix: point DM_WORK at a subdirectory for
# each (the stop records name each instance by its own config directory).
declare -A PFDIR PFLOG PFPORT PFPID
for v in postfix doorman spamass; do
	port=$(svc_free_port)
	mkdir -p "$W/pf-$v"
	chmod 755 "$W/pf-$v"
	case $v in postfix) m="" ;; doorman) m="unix:$DM_SOCK" ;; spamass) m="unix:$SAM_SOCK" ;; esac
	DM_WORK=$W/pf-$v svc_start_postfix "$port" "$DM_SINK_PORT" "$m"
	PFDIR[$v]=$DM_POSTFIX_DIR PFLOG[$v]=$DM_POSTFIX_LOG PFPORT[$v]=$port
	PFPID[$v]=$(tr -dc 0-9 <"$W/pf-$v/postfix/queue/pid/master.pid")
	# smtpd processes stay up between runs (the default max_idle is 100 s)
	svc_postfix_set max_idle=3600s
done
export DM_WORK=$W
SINK_PID=$(svc_pid smtp-sink)
UB_PID=$(svc_pid unbound)
note "spamd $(spamd --version | head -1 | awk '{print $NF}') children=$C; concurrency $C everywhere;" \
	"$(nproc) CPUs; messages: 4 KiB x $N4, 100 KiB x $N100; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ------------------------------------------------------------------ messages
# mkmsg SIZE FILE [GTUBE]: a plain-text English message (license texts) whose
# body is about SIZE bytes; GTUBE puts the test string in.
mkmsg() {
	{
		printf 'From: Alice Example <alice@sender.example.org>\n'
		printf 'To: Bob Example <bob@dest.example.com>\n'
		printf 'Subject: Minutes of the licensing meeting (%s bytes)\n' "$1"
		printf 'Date: %s\n' "$(date -R)"
		printf 'Message-ID: <bench-%s@sender.example.org>\n' "$1"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n'
		[ "${3:-}" = GTUBE ] && printf 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\n\n'
		for _ in 1 2 3 4 5; do cat /usr/share/common-licenses/*; done |
			LC_ALL=C tr -cd '\11\12\40-\176' | sed 's/^\./ ./' | head -c "$1" | sed '$d'
	} >"$2"
}
mkmsg 4096 "$W/m4k.eml"
mkmsg 102400 "$W/m100k.eml"
mkmsg 2048 "$W/gtube.eml" GTUBE

# ------------------------------------------------------------------ helpers
FROM=alice@sender.example.org
TO=bob@dest.example.com
HELO=good.sender.example.org      # A 192.0.2.20 in tests/dns/zones.conf
declare -A RATE SECS OK REJ FAIL SCANS ROUNDS

sink_count() { svc_sink_files | wc -l; } # complete files only: smtp-sink has closed them
pf_count() { grep -c -- "$2" "${PFLOG[$1]}" || true; } # VARIANT REGEX
dm_scans() { grep -c ': scan: ' "$DM_LOG" || true; }
done_yet() { # VARIANT TARGET: delivered + refused since the run began
	[ $(($(sink_count) + $(pf_count "$1" 'milter-reject: END-OF-MESSAGE') - r0)) -ge "$2" ]
}
pf_set() { # VARIANT PARAM=VALUE...: svc_postfix_set on that instance
	local v=$1
	shift
	DM_POSTFIX_DIR=${PFDIR[$v]} DM_POSTFIX_LOG=${PFLOG[$v]} svc_postfix_set "$@"
}

# cpu_snap: CPU ticks used so far by each of our process trees (a process
# belongs to its nearest ancestor among the services we started; everything
# else under this script is "client": smtp-source, the spamc loops, polling),
# plus the whole machine's busy and idle ticks (/proc/stat). Reaped children
# count in their parent's cutime/cstime, so a tree's sum covers the dead too.
cpu_snap() {
	awk -v roots="spamd=$SPAMD_PID postfix=${PFPID[postfix]} postfix=${PFPID[doorman]} postfix=${PFPID[spamass]} sink=$SINK_PID doorman=$DM_PID spamass=$SAM_PID unbound=$UB_PID client=$$" '
	BEGIN {
		n = split(roots, r, " ")
		for (i = 1; i <= n; i++) { split(r[i], kv, "="); root[kv[2]] = kv[1] }
		while (("ls /proc" | getline d) > 0) {
			if (d !~ /^[0-9]+$/) continue
			f = "/proc/" d "/stat"
			if ((getline line < f) > 0) {
				sub(/^[0-9]+ \(.*\) /, "", line)
				split(line, a, " ")
				pp[d] = a[2]; t[d] = a[12] + a[13] + a[14] + a[15]
			}
			close(f)
		}
		for (p in t) {
			q = p; g = ""
			for (k = 0; k < 64 && q > 1; k++) { if (q in root) { g = root[q]; break }; q = pp[q] }
			if (g != "") sum[g] += t[p]
		}
		getline cpu < "/proc/stat"; split(cpu, c, " ")
		printf "spamd=%d postfix=%d sink=%d doorman=%d spamass=%d unbound=%d client=%d busy=%d idle=%d\n",
			sum["spamd"], sum["postfix"], sum["sink"], sum["doorman"], sum["spamass"], sum["unbound"],
			sum["client"], c[2] + c[3] + c[4] + c[7] + c[8] + c[9], c[5] + c[6]
	}'
}
declare -A CPU0 CPU
# cpu_delta KEY MSGS: CPU ms per message for each tree since CPU0[KEY]
cpu_delta() {
	CPU[$1]=$(awk -v a="${CPU0[$1]}" -v b="$(cpu_snap)" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {
		na = split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= na; i++) { split(x[i], p, "="); split(y[i], q, "="); d[p[1]] = (q[2] - p[2]) * 1000 / hz }
		ours = d["spamd"] + d["postfix"] + d["sink"] + d["doorman"] + d["spamass"] + d["unbound"] + d["client"]
		other = d["busy"] - ours; if (other < 0) other = 0
		printf "%7.1f %7.1f %7.1f %7.1f %7.1f %7.1f %5.0f%%", d["spamd"] / n, (d["postfix"] + d["sink"]) / n,
			(d["doorman"] + d["spamass"]) / n, (d["client"] + d["unbound"]) / n, other / n,
			d["busy"] / n, 100 * d["idle"] / (d["busy"] + d["idle"])
	}')
}

# pf_run KEY VARIANT MSGFILE COUNT SESSIONS [smtp-source args]: COUNT messages
# through VARIANT's Postfix. The run ends when smtp-source has exited (every
# message answered) and the last message has reached the sink: the newest
# sink file's mtime, so that the 0.1 s polling adds nothing.
pf_run() {
	local key=$1 v=$2 msg=$3 n=$4 s=$5 t0 t1 ok rej fail sc0 f0 last log=$W/src-$1.log
	local src=(timeout 600 smtp-source -A -s "$s" -m "$n" -M "$HELO" -f "$FROM" -t "$TO")
	shift 5
	[ -n "$msg" ] && src+=(-F "$msg")
	[ "$(sink_count)" = 0 ] || note "$key: the sink is not empty"
	r0=$(pf_count "$v" 'milter-reject: END-OF-MESSAGE')
	f0=$(pf_count "$v" 'milter-reject: END-OF-MESSAGE.* 4[0-9][0-9] ')
	sc0=$(dm_scans)
	CPU0[$key]=$(cpu_snap)
	t0=$(_svc_now_ms)
	"${src[@]}" "$@" "127.0.0.1:${PFPORT[$v]}" >"$log" 2>&1 || note "$key: smtp-source exit $?"
	t1=$(_svc_now_ms)
	svc_wait_until 120 done_yet "$v" "$n" || note "$key: not all $n messages accounted for 120 s after the last was sent"
	last=$(svc_sink_files | xargs -r stat -c %.3Y | sort -n | tail -1 | tr -d .)
	[ -n "$last" ] && [ "$last" -gt "$t1" ] && t1=$last
	cpu_delta "$key" "$n"
	sleep 0.3 # let postlogd write its last lines
	ok=$(sink_count)
	fail=$(($(pf_count "$v" 'milter-reject: END-OF-MESSAGE.* 4[0-9][0-9] ') - f0))
	rej=$(($(pf_count "$v" 'milter-reject: END-OF-MESSAGE') - r0 - fail))
	OK[$key]=$ok REJ[$key]=$rej FAIL[$key]=$((n - ok - rej))
	SECS[$key]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
	RATE[$key]=$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", n * 1000 / (b - a) }')
	SCANS[$key]=$(($(dm_scans) - sc0))
	# keep what arrived for the header checks, out of the sink's way
	mkdir -p "$W/out/$key"
	svc_sink_files | xargs -r mv -t "$W/out/$key"
}

# spamc_run KEY MSGFILE COUNT: raw spamd, C parallel loops of spamc -y (SYMBOLS,
# what doorman asks) with doorman's User:, -x: an error is an exit code.
spamc_run() {
	local key=$1 msg=$2 n=$3 per i t0 t1 bad
	per=$((n / C))
	mkdir -p "$W/spamc-$key"
	CPU0[$key]=$(cpu_snap)
	t0=$(_svc_now_ms)
	local pids=()
	for i in $(seq 1 "$C"); do
		(
			for _ in $(seq 1 "$per"); do
				if spamc -x -y -t 120 -u dest.example.com -U "$SPAMD_SOCK" <"$msg" >/dev/null 2>&1; then
					echo ok
				else
					echo "fail $?"
				fi
			done >"$W/spamc-$key/$i"
		) &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || true; done
	t1=$(_svc_now_ms)
	n=$((per * C))
	cpu_delta "$key" "$n"
	bad=$(cat "$W/spamc-$key"/* | grep -vc '^ok$' || true)
	OK[$key]=$((n - bad)) REJ[$key]=0 FAIL[$key]=$bad SCANS[$key]=-
	SECS[$key]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
	RATE[$key]=$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", n * 1000 / (b - a) }')
}

# as_milter_sees KEY OUT: the bytes doorman streams to spamd for a message of
# run KEY: what smtp-sink captured, without smtp-sink's own lines and without
# Postfix's Received (a milter never sees it), under a Received like the one
# doorman (and spamass-milter) synthesize; CRLF line ends, as doorman sends.
as_milter_sees() {
	local f
	f=$(find "$W/out/$1" -type f | head -1)
	{
		printf 'Received: from %s (unknown [127.0.0.1])\n\tby mx.test.example.net (doorman) with ESMTP id 4BENCH00001;\n\t%s\n' \
			"$HELO" "$(date -R)"
		awk 'BEGIN { hdr = 1 }
			hdr && /^X-(Client-Addr|Client-Proto|Helo-Args|Mail-Args|Rcpt-Args):/ { next }
			hdr && /^Received: / && nrcv < 2 { nrcv++; inrcv = 1; next } # smtp-sink, Postfix
			inrcv && /^[ \t]/ { next }
			{ inrcv = 0; if ($0 == "") hdr = 0; print }' "$f"
	} | sed 's/$/\r/' >"$2"
}

# ------------------------------------------------------------------ throughput
# merge KEY PARTS...: one figure from several runs (messages / seconds summed)
merge() {
	local key=$1 p secs=0 n=0 ok=0 rej=0 fail=0 sc=0
	shift
	for p in "$@"; do
		secs=$(awk -v a="$secs" -v b="${SECS[$p]}" 'BEGIN { printf "%.2f", a + b }')
		ok=$((ok + OK[$p])) rej=$((rej + REJ[$p])) fail=$((fail + FAIL[$p]))
		[ "${SCANS[$p]}" = - ] && sc=- || sc=$((sc + SCANS[$p]))
	done
	n=$((ok + rej + fail))
	OK[$key]=$ok REJ[$key]=$rej FAIL[$key]=$fail SCANS[$key]=$sc SECS[$key]=$secs
	RATE[$key]=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.3f", n / s }')
	CPU[$key]=$(for p in "$@"; do echo "${CPU[$p]}"; done | tr -d % | awk '
		{ for (i = 1; i <= NF; i++) s[i] += $i; nf = NF }
		END { for (i = 1; i < nf; i++) printf "%7.1f ", s[i] / NR; printf "%5.0f%%", s[nf] / NR }')
}
# ROUNDS4/ROUNDS100 rounds, each variant once per round with N/rounds messages, in the
# order spamc doorman spamass, then spamass doorman spamc, and so on: drift
# and bursts of other load on the machine fall on every variant alike.
run_variant() { # KEY VARIANT SIZE COUNT
	if [ "$2" = spamc ]; then
		spamc_run "$1" "$W/spamc-$3.eml" "$4"
	else
		pf_run "$1" "$2" "$W/m$3.eml" "$4" "$C"
	fi
}
# warm-up, not timed: each Postfix has its smtpd, cleanup and smtp processes
for v in postfix doorman spamass; do pf_run "warm-$v" "$v" "$W/m4k.eml" "$C" "$C"; done
for size in 4k 100k; do
	if [ $size = 4k ]; then n=$N4 rounds=$ROUNDS4; else n=$N100 rounds=$ROUNDS100; fi
	ROUNDS[$size]=$rounds
	per=$(((n + rounds * C - 1) / (rounds * C) * C)) # a multiple of C for the spamc loops
	pf_run "$size-postfix" postfix "$W/m$size.eml" "$((rounds * per))" "$C"
	as_milter_sees "$size-postfix" "$W/spamc-$size.eml"
	# warm-up, not timed: every spamd child has scanned this size twice
	spamc_run "$size-warm" "$W/spamc-$size.eml" "$((2 * C))"
	for r in $(seq 1 "$rounds"); do
		if [ $((r % 2)) = 1 ]; then order="spamc doorman spamass"; else order="spamass doorman spamc"; fi
		for v in $order; do run_variant "$size-$v$r" "$v" "$size" "$per"; done
	done
	for v in spamc doorman spamass; do
		# shellcheck disable=SC2046 # one key per round, no blanks
		merge "$size-$v" $(for r in $(seq 1 "$rounds"); do echo "$size-$v$r"; done)
	done
done

# policy: GTUBE through doorman is refused (reject_score 12), counted as such
NG=$C
pf_run gtube-doorman doorman "$W/gtube.eml" "$NG" "$C"

# ------------------------------------------------------------------ peak RSS
# sample NAME PID: VmRSS of PID (and the sum over its children: spamc) every
# 20 ms into $W/rss-NAME until the file $W/rss-NAME.stop exists.
sample() {
	local name=$1 pid=$2 out=$W/rss-$1 k v kids sum c r
	: >"$out"
	while [ ! -e "$out.stop" ] && [ -r "/proc/$pid/status" ]; do
		v=0 sum=0
		while read -r k r _; do [ "$k" = VmRSS: ] && v=$r; done <"/proc/$pid/status"
		kids=$(pgrep -P "$pid" || true)
		for c in $kids; do
			r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$c/status" 2>/dev/null || true)
			sum=$((sum + ${r:-0}))
		done
		echo "$v $sum" >>"$out"
		sleep 0.02
	done
}
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
declare -A IDLE PEAK HWM0 HWM1 KIDS XSPAM
rss_run() { # NAME PID VARIANT
	local name=$1 pid=$2 sp
	pf_set "$3" "message_size_limit=$((BIG + 10485760))"
	sleep 1
	IDLE[$name]=$(status_kb "$pid" VmRSS) HWM0[$name]=$(status_kb "$pid" VmHWM)
	rm -f "$W/rss-$name.stop"
	sample "$name" "$pid" &
	sp=$!
	pf_run "big-$name" "$3" "" "$NBIG" "$NBIG" -l "$BIG"
	touch "$W/rss-$name.stop"
	wait "$sp" || true
	HWM1[$name]=$(status_kb "$pid" VmHWM)
	# the sampled peak or VmHWM, whichever is higher (20 ms sampling can miss a peak)
	PEAK[$name]=$(awk -v h="${HWM1[$name]}" 'BEGIN { m = h + 0 } $1 > m { m = $1 } END { print m }' "$W/rss-$name")
	KIDS[$name]=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$W/rss-$name")
	XSPAM[$name]=0
	for f in "$W/out/big-$name"/*; do
		head -c 65536 "$f" | grep -q '^X-Spam-Status: ' && XSPAM[$name]=$((XSPAM[$name] + 1))
	done
	rm -rf "$W/out/big-$name" # 500 MB of X
}
rss_run doorman "$DM_PID" doorman
rss_run spamass "$SAM_PID" spamass

# ------------------------------------------------------------------ report
say ""
printf '%-15s %4s %4s %4s %4s %6s %7s %5s | %s\n' run msgs ok rej fail secs msg/s scans \
	"CPU ms per message: spamd postfix  milter  client foreign     all  idle"
for key in 4k-postfix 4k-spamc 4k-doorman 4k-spamass 100k-postfix 100k-spamc 100k-doorman \
	100k-spamass gtube-doorman big-doorman big-spamass; do
	printf '%-15s %4s %4s %4s %4s %6s %7s %5s | %s\n' "$key" \
		$((OK[$key] + REJ[$key] + FAIL[$key])) "${OK[$key]}" "${REJ[$key]}" "${FAIL[$key]}" \
		"${SECS[$key]}" "${RATE[$key]}" "${SCANS[$key]}" "                  ${CPU[$key]}"
done
say "(spamc/doorman/spamass rows: ${ROUNDS[4k]} rounds at 4k, ${ROUNDS[100k]} at 100k, msg/s = messages / summed seconds)"
say ""
for size in 4k 100k; do
	for r in $(seq 1 "${ROUNDS[$size]}"); do
		awk -v z="$size" -v r="$r" -v s="${RATE[$size-spamc$r]}" -v d="${RATE[$size-doorman$r]}" \
			-v a="${RATE[$size-spamass$r]}" -v cr="${CPU[$size-spamc$r]}" \
			-v cd="${CPU[$size-doorman$r]}" -v ca="${CPU[$size-spamass$r]}" 'BEGIN {
			split(cr, w, " "); split(cd, x, " "); split(ca, y, " ")
			printf "%-4s round %d: msg/s spamc %6.3f doorman %6.3f spamass %6.3f | doorman/spamass x%.3f doorman/spamc x%.3f | spamd CPU ms/msg %.0f %.0f %.0f\n",
				z, r, s, d, a, d / a, d / s, w[1], x[1], y[1] }'
	done
done
say ""
verdict() { # LABEL VALUE [GOAL]
	awk -v l="$1" -v v="$2" -v g="${3:-}" 'BEGIN {
		if (g == "") printf "%-44s x%.3f\n", l, v
		else printf "%-44s x%.3f (goal >= %s) %s\n", l, v, g, (v >= g + 0 ? "MET" : "MISSED") }'
}
ratio() { awk -v a="${RATE[$1]}" -v b="${RATE[$2]}" 'BEGIN { printf "%.4f", a / b }'; }
# cpu_ratio A B: the same ratio predicted from our own CPU per message (spamd +
# Postfix + milter + client, without the foreign load): on a CPU-bound
# machine throughput is CPUs / CPU per message
cpu_ratio() {
	awk -v a="${CPU[$1]}" -v b="${CPU[$2]}" 'BEGIN { split(a, x, " "); split(b, y, " ")
		printf "%.4f", (y[1] + y[2] + y[3] + y[4]) / (x[1] + x[2] + x[3] + x[4]) }'
}
for size in 4k 100k; do
	verdict "$size: doorman+spamd / spamass-milter+spamd" "$(ratio "$size-doorman" "$size-spamass")" 1.0
	verdict "$size:   predicted from CPU/msg, foreign load left out" "$(cpu_ratio "$size-doorman" "$size-spamass")"
	verdict "$size: doorman+spamd / raw spamc" "$(ratio "$size-doorman" "$size-spamc")" 0.95
	verdict "$size:   predicted from CPU/msg, foreign load left out" "$(cpu_ratio "$size-doorman" "$size-spamc")"
	verdict "$size: spamass-milter+spamd / raw spamc" "$(ratio "$size-spamass" "$size-spamc")"
	verdict "$size: doorman+spamd / Postfix alone" "$(ratio "$size-doorman" "$size-postfix")"
done

# The structural difference, free of spamd's own run-to-run noise: the CPU
# per message spent outside spamd by each path, added to spamd's mean CPU
# per message over all runs of that size.
for size in 4k 100k; do
	echo "${CPU[$size-spamc]} ${CPU[$size-doorman]} ${CPU[$size-spamass]}" | tr -d % | awk -v z="$size" '{
		S = ($1 + $8 + $15) / 3
		xr = $2 + $3 + $4; xd = $9 + $10 + $11; xs = $16 + $17 + $18
		printf "%-4s outside spamd, ms/msg: raw spamc %.1f, doorman path %.1f, spamass path %.1f; spamd %.1f\n", z, xr, xd, xs, S
		printf "%-4s with equal spamd cost: doorman/spamass x%.3f, doorman/raw spamc x%.3f\n", z, (S + xs) / (S + xd), (S + xr) / (S + xd) }'
done

# where doorman's time goes: its own log line per message
for size in 4k 100k; do
	grep ': scan: ' "$DM_LOG" | grep " size=" | awk -v lo="$([ $size = 4k ] && echo 0 || echo 50000)" \
		-v hi="$([ $size = 4k ] && echo 50000 || echo 400000)" -v sz="$size" '
		{ s = t = z = -1
		  for (i = 1; i <= NF; i++) {
			if ($i ~ /^spamd_ms=/) s = substr($i, 10) + 0
			if ($i ~ /^total_ms=/) t = substr($i, 10) + 0
			if ($i ~ /^size=/) z = substr($i, 6) + 0 }
		  if (z >= lo && z < hi && $0 !~ /GTUBE/) { n++; ss[n] = s; tt[n] = t } }
		function med(a, n,   i, j, x) { for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x } return a[int((n + 1) / 2)] }
		END { if (n) printf "doorman %s: %d scans logged (warm-ups too), median spamd_ms=%d total_ms=%d\n", sz, n, med(ss, n), med(tt, n) }'
done
awk '/scantime=/ { for (i = 1; i <= NF; i++) if ($i ~ /scantime=/) { split($i, a, /[=,]/); n++; s += a[2] } }
	END { if (n) printf "spamd: %d scans, mean scantime %.2f s (its own clock)\n", n, s / n }' "$W/spamd.log"

say ""
for name in doorman spamass; do
	label=$name
	[ $name = spamass ] && label=spamass-milter
	g=$((PEAK[$name] - IDLE[$name]))
	printf '%-15s RSS idle %7d kB, peak %7d kB (growth %+d kB), VmHWM %d -> %d kB, its children (spamc) peak %d kB, %d x %d MB\n' \
		"$label" "${IDLE[$name]}" "${PEAK[$name]}" "$g" "${HWM0[$name]}" "${HWM1[$name]}" "${KIDS[$name]}" \
		"$NBIG" $((BIG / 1048576))
	printf '%-15s %d of %d delivered %d MB messages carry X-Spam-Status\n' "" "${XSPAM[$name]}" "$NBIG" \
		$((BIG / 1048576))
done
g=$((PEAK[doorman] - IDLE[doorman]))
awk -v g="$g" -v l="doorman RSS growth, $NBIG x $((BIG / 1048576)) MB" 'BEGIN { printf "%-44s %+d kB (goal <= 2048 kB) %s\n", l, g, (g <= 2048 ? "MET" : "MISSED") }'

# ------------------------------------------------------------------ checks
say ""
checks=0 bad=0
check() { # DESCRIPTION CMD...
	local what=$1
	shift
	checks=$((checks + 1))
	if "$@"; then say "ok   $what"; else say "FAIL $what"; bad=$((bad + 1)); fi
}
all_accounted() { [ "${FAIL[$1]}" -eq 0 ]; }
for key in 4k-postfix 4k-spamc 4k-doorman 4k-spamass 100k-postfix 100k-spamc 100k-doorman \
	100k-spamass big-doorman big-spamass; do
	check "$key: every message delivered (${OK[$key]}), none failed" all_accounted "$key"
done
check "gtube-doorman: all $NG refused 550 per policy" test "${REJ[gtube-doorman]}" -eq "$NG"
for key in 4k-doorman 100k-doorman gtube-doorman big-doorman; do
	total=$((OK[$key] + REJ[$key] + FAIL[$key]))
	check "$key: one doorman scan: line per message (${SCANS[$key]}/$total)" test "${SCANS[$key]}" -eq "$total"
done
# hdr_all GLOB REGEX / hdr_none GLOB REGEX: every / no message delivered in
# the runs whose out/ directories match GLOB has a header line matching REGEX
# shellcheck disable=SC2086 # $1 is a glob
hdr_files() { find "$W"/out/$1 -type f 2>/dev/null; }
hdr_all() { [ -n "$(hdr_files "$1")" ] && [ -z "$(hdr_files "$1" | xargs grep -L -E -- "$2")" ]; }
hdr_none() { [ -n "$(hdr_files "$1")" ] && [ -z "$(hdr_files "$1" | xargs grep -l -E -- "$2")" ]; }
for size in 4k 100k; do
	check "$size-doorman*: doorman's X-Spam-Status: No + X-Spam-Score on every message" \
		hdr_all "$size-doorman[0-9]*" '^X-Spam-Score: '
	check "$size-doorman*: ... and no spamd-made X-Spam-Checker-Version (no spamass-milter)" \
		hdr_none "$size-doorman[0-9]*" '^X-Spam-Checker-Version: '
	check "$size-spamass*: spamass-milter's X-Spam-Checker-Version on every message" \
		hdr_all "$size-spamass[0-9]*" '^X-Spam-Checker-Version: '
	check "$size-spamass*: ... and no doorman header, no doorman scan" \
		test -z "$(hdr_files "$size-spamass[0-9]*" | xargs grep -l '^X-Spam-Score: ')" -a "${SCANS[$size-spamass]}" = 0
	check "$size-postfix: no X-Spam-* header without a milter" hdr_none "$size-postfix" '^X-Spam-'
done
check "doorman: no unscanned/tempfail" test "$(grep -cE 'action=(unscanned|tempfail)' "$DM_LOG" || true)" -eq 0
check "doorman big: truncated=yes on every 50 MB scan" \
	test "$(grep -c 'scan: .*truncated=yes' "$DM_LOG" || true)" -ge "$NBIG"
note "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
note "whole run: $(awk -v a="$t_script" -v b="$(_svc_now_ms)" 'BEGIN { printf "%.0f", (b - a) / 1000 }') s; $checks checks, $bad failed"
[ "$bad" -eq 0 ]

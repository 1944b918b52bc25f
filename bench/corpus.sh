#!/bin/bash
# bench/corpus.sh - doorman on real mail (issue 15, "Figures"): the whole
# SpamAssassin public corpus (N=0; or a fixed sample of N), each message with
# its own envelope sender, at concurrency C, through a private Postfix with
# doorman, through another with spamass-milter (Debian's, spamc per message),
# and straight into spamd with C loops of raw spamc; one spamd for all
# (C children, no network tests, no bayes). Prints messages/s of each, the
# ratios the issue asks for (doorman >= 1.0x spamass-milter, >= 0.95x raw
# spamc), doorman's RSS before and after its run, messages lost, unscanned or
# truncated (past [spamd] max_size), and how many verdicts differ from
# spamass-milter's (tests/lib/corpus.sh). Results also go to OUT if set.
#
#   C=5 N=0 OUT=bench/results/corpus-$(date +%F).txt bench/corpus.sh
# Needs: spamd spamc spamass-milter postfix smtp-sink unbound, and the
# corpus (fetched into /var/cache/doorman-test/corpus by npm pack).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
C=${C:-5}
N=${N:-0}
SEND=$top_builddir/tests/corpus/mboxsend
for tool in spamd spamc spamass-milter postfix smtp-sink unbound; do
	command -v $tool >/dev/null || { echo "corpus.sh: $tool is not installed" >&2; exit 77; }
done
[ -x "$SEND" ] || { echo "corpus.sh: build $SEND first (make tests/corpus/mboxsend)" >&2; exit 77; }
. "$top/tests/lib/services.sh"
. "$top/tests/lib/corpus.sh"
. "$top/tests/e2e/setup.sh"
corpus_fetch || { echo "corpus.sh: the corpus cannot be fetched" >&2; exit 77; }
svc_init corpusbench
W=$DM_WORK
corpus_sample "$N" "$W/list"
N=$(wc -l <"$W/list")
CLIENT=(-x 198.51.100.77 -n relay.corpus.example -H relay.corpus.example)
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

svc_start_unbound "$(svc_free_port)" "$top/tests/dns/zones.conf"
DM_SPAMD_CHILDREN=$C DM_SPAMD_CF='use_bayes 0
bayes_auto_learn 0' svc_start_spamd
DM_SPAMD_SERVERS="unix:$DM_SPAMD_SOCK" dm_write_config
printf 'max_parallel = %s\n' "$C" >>"$DM_CONF"
dm_policy default '[helo]
mode = off
[dnsbl]
mode = off
[rdns]
mode = off
[spam]
reject_score = off'
dm_start_doorman
DM_PID=$(svc_pid doorman)
svc_start_spamass_milter "$DM_SPAMD_SOCK"
svc_start_sink "$(svc_free_port)"
# one Postfix per milter: no reload (and no smtpd respawn) inside a timed run
declare -A PORT
for v in doorman spamass; do
	mkdir -p "$W/pf-$v"
	chmod 755 "$W/pf-$v"
	case $v in doorman) m="unix:$DM_SOCK" ;; spamass) m="unix:$DM_SPAMASS_SOCK" ;; esac
	PORT[$v]=$(svc_free_port)
	DM_WORK=$W/pf-$v svc_start_postfix "${PORT[$v]}" "$DM_SINK_PORT" "$m"
	DM_WORK=$W/pf-$v svc_postfix_set max_idle=3600s "message_size_limit = 40000000" \
		"milter_command_timeout = 60s" "milter_content_timeout = 120s"
done
export DM_WORK=$W

declare -A SECS OKS
run_mta() { # VARIANT PREFIX
	local line
	line=$("$SEND" -p "${PORT[$1]}" -l "$W/list" -o "$W/$1.results" -c "$C" -t "$2" "${CLIENT[@]}" || true)
	SECS[$1]=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$line")
	OKS[$1]=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<<"$line")
	echo "$1: $line"
}
run_spamc() { # C loops of spamc -y over the list (SpamAssassin skips the mbox From line)
	local t0 i pids=()
	t0=$(_svc_now_ms)
	for ((i = 0; i < C; i++)); do
		awk -v c="$C" -v i="$i" '(NR - 1) % c == i' "$W/list" | while IFS= read -r f; do
			spamc -U "$DM_SPAMD_SOCK" -y <"$f" >/dev/null 2>&1 || echo x
		done >"$W/spamc.$i.fail" &
		pids+=($!)
	done
	wait "${pids[@]}"     # these loops only: the services are children too
	SECS[spamc]=$(awk -v ms=$(($(_svc_now_ms) - t0)) 'BEGIN { printf "%.2f", ms / 1000 }')
	OKS[spamc]=$((N - $(cat "$W"/spamc.*.fail | wc -l)))
	echo "spamc: sent=$N ok=${OKS[spamc]} seconds=${SECS[spamc]}"
}

# warm up spamd's children (their first scans load rules), untimed
head -n $((4 * C)) "$W/list" | while IFS= read -r f; do spamc -U "$DM_SPAMD_SOCK" -y <"$f" >/dev/null 2>&1 || true; done
rss0=$(rss "$DM_PID")
run_spamc
run_mta doorman d
sleep 1
rss1=$(rss "$DM_PID")
run_mta spamass s
# what Postfix accepted (it refuses a few corpus senders at MAIL FROM, e.g.
# <x@[1086695621]>: 501 Illegal address syntax, before any milter)
svc_sink_wait $((OKS[doorman] + OKS[spamass])) 300 || true

mkdir -p "$W/d" "$W/s"
for f in $(svc_sink_files); do
	case $(grep -m1 '^X-Rcpt-Args: ' "$f") in
	*"<d"[0-9]*) cp "$f" "$W/d/" ;;
	*"<s"[0-9]*) cp "$f" "$W/s/" ;;
	esac
done
corpus_verdicts "$W/d" d "$W/d.verdicts"
corpus_verdicts "$W/s" s "$W/s.verdicts"
corpus_compare "$W/d.verdicts" "$W/s.verdicts" >"$W/compare"
rate() { awk -v n="${OKS[$1]}" -v s="${SECS[$1]}" 'BEGIN { printf "%.2f", (s > 0 ? n / s : 0) }'; }
{
	echo "# bench/corpus.sh $(date -u +%FT%TZ): $N messages (SpamAssassin public corpus), concurrency $C," \
		"$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "# spamd $(spamd --version | head -1 | awk '{print $NF}'), $C children, -L, use_bayes 0; doorman [spamd] max_parallel $C"
	printf '%-10s %8s %8s %10s\n' variant ok seconds msgs/s
	for v in spamc doorman spamass; do printf '%-10s %8s %8s %10s\n' "$v" "${OKS[$v]}" "${SECS[$v]}" "$(rate $v)"; done
	awk -v d="$(rate doorman)" -v s="$(rate spamass)" -v c="$(rate spamc)" 'BEGIN {
		printf "doorman/spamass-milter = %.2fx (want >= 1.0); doorman/raw spamc = %.2fx (want >= 0.95)\n", d / s, d / c }'
	echo "doorman RSS: ${rss0} kB before, ${rss1} kB after its run: growth $((rss1 - rss0)) kB (want <= 2048)"
	echo "delivered: doorman $(wc -l <"$W/d.verdicts") of $N, spamass-milter $(wc -l <"$W/s.verdicts") of $N;" \
		"doorman scan lines $(grep -c ': scan: ' "$DM_LOG" || true), unscanned $(grep -c 'action=unscanned' "$DM_LOG" || true)," \
		"truncated (past max_size) $(grep -c 'truncated=yes' "$DM_LOG" || true)"
	awk '$2 != 250 { print "refused or failed: message " $1 " (" FILENAME ") reply " $2 }' "$W"/doorman.results "$W"/spamass.results
	head -50 "$W/compare"
} | tee "$W/summary"
[ -z "${OUT:-}" ] || cp "$W/summary" "$OUT"

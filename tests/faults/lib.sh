# shellcheck shell=bash
# lib.sh - what doorman's fault tests share: the tools built in tests/faults/
# (fakespamd, dnsproxy, smtpload, milterdrive), the doorman world of
# tests/e2e/setup.sh with settings changed for faults, and the tally that
# compares what each client was told with what reached smtp-sink.
# Source after tests/lib/services.sh and tests/e2e/setup.sh.
#
# Figures: every line a test prints starting with "figure: " is a result for
# bench/results/ (bench/faults.sh collects them).

FT=$top_builddir/tests/faults
for _t in fakespamd dnsproxy smtpload milterdrive; do
	[ -x "$FT/$_t" ] || { echo "SKIP: $FT/$_t not built (make check builds it)"; exit 77; }
done

figure() { printf 'figure: %s: %s\n' "${FAULT_NAME:-fault}" "$*"; }

# ft_set SECTION KEY VALUE: set KEY in [SECTION] of $DM_CONF (replace or add).
ft_set() {
	awk -v s="[$1]" -v k="$2" -v v="$3" '
		function flush() { if (insec && !done) { print k " = " v; done = 1 } }
		/^\[/ { flush(); insec = ($0 == s) }
		insec && $1 == k && $2 == "=" { if (!done) print k " = " v; done = 1; next }
		{ print }
		END { flush(); if (!done) { print s; print k " = " v } }' "$DM_CONF" >"$DM_CONF.new"
	mv "$DM_CONF.new" "$DM_CONF"
}

# ft_fakespamd NAME LISTEN MODE [fakespamd options]: start a fake spamd.
ft_fakespamd() {
	local name=$1 listen=$2 mode=$3
	shift 3
	svc_start_bg "$name" "$DM_WORK/$name.log" "$FT/fakespamd" -l "$listen" -m "$mode" "$@"
	case $listen in
	unix:*) svc_wait_until 5 test -S "${listen#unix:}" ;;
	*) svc_wait_until 5 _svc_listening t "${listen##*:}" "$DM_LAST_PID" ;;
	esac
}

# ft_kill_tree NAME: SIGKILL a service started here and its children (a
# spamd's preforked children serve its socket too), by their PIDs.
ft_kill_tree() {
	local pid kids
	pid=$(svc_pid "$1") || return 1
	kids=$(pgrep -P "$pid" || true)
	# shellcheck disable=SC2086
	kill -KILL "$pid" $kids 2>/dev/null || true
	svc_wait_until 5 _svc_dead "$pid" || true
	wait "$pid" 2>/dev/null || true
	svc_stop "$1" # marks it stopped
}

# ft_sink_ids PREFIX: the X-Fault-Id of every complete message at the sink
# that belongs to PREFIX, one per line (a duplicate appears twice).
ft_sink_ids() {
	svc_sink_files | xargs -r grep -a -h -m1 "^X-Fault-Id: $1-" | sed 's/^X-Fault-Id: //; s/\r$//'
}

# ft_queue_empty: the private Postfix has nothing left to deliver.
ft_queue_empty() { postqueue -c "$DM_POSTFIX_DIR" -p 2>/dev/null | grep -q 'Mail queue is empty'; }

# ft_tally PREFIX RESULTS: wait until every message the client saw accepted
# is at the sink (60 s at most) and the queue is empty, then print
#   sent= delivered= 4xx= 5xx= failed= lost= duplicated= unexpected=
# and set FT_SENT FT_DELIVERED FT_4XX FT_5XX FT_FAILED FT_LOST FT_DUP FT_UNEXP.
# lost: accepted (250 after the final dot) but not at the sink; duplicated:
# at the sink more than once; unexpected: at the sink although the client
# was told 4xx/5xx or the session failed (the client would send it again).
ft_tally() {
	local prefix=$1 res=$2 ok
	ok=$(awk '$2 ~ /^2/ && $3 == "dot"' "$res" | wc -l)
	_ft_arrived() { [ "$(ft_sink_ids "$prefix" | sort -u | wc -l)" -ge "$ok" ] && ft_queue_empty; }
	svc_wait_until 90 _ft_arrived || echo "# $prefix: not every accepted message arrived within 90 s"
	sleep 1
	ft_sink_ids "$prefix" | sort >"$DM_WORK/$prefix.sink"
	if [ "$(sort -u "$DM_WORK/$prefix.sink" | wc -l)" -lt "$ok" ]; then
		# seen once: fewer ids read back than had arrived; look again
		echo "# $prefix: $(wc -l <"$DM_WORK/$prefix.sink") ids read at the sink for $ok accepted; reading again"
		sleep 3
		ft_sink_ids "$prefix" | sort >"$DM_WORK/$prefix.sink"
	fi
	local counts
	counts=$(awk -v sinkf="$DM_WORK/$prefix.sink" '
		BEGIN { while ((getline id < sinkf) > 0) seen[id]++ }
		{ n++; code[$1] = $2; st[$1] = $3
		  if ($2 ~ /^2/ && $3 == "dot") ok++
		  else if ($2 ~ /^4/) t++
		  else if ($2 ~ /^5/) r++
		  else f++ }
		END {
			for (id in code) {
				acc = code[id] ~ /^2/ && st[id] == "dot"
				if (acc && !(id in seen)) lost++
				if (!acc && (id in seen)) unexp++
			}
			for (id in seen) { d++; if (seen[id] > 1) dup += seen[id] - 1; if (!(id in code)) unexp++ }
			printf "%d %d %d %d %d %d %d %d\n", n, d, t, r, f, lost, dup, unexp
		}' "$res")
	read -r FT_SENT FT_DELIVERED FT_4XX FT_5XX FT_FAILED FT_LOST FT_DUP FT_UNEXP <<<"$counts"
	echo "sent=$FT_SENT delivered=$FT_DELIVERED 4xx=$FT_4XX 5xx=$FT_5XX failed=$FT_FAILED lost=$FT_LOST duplicated=$FT_DUP unexpected=$FT_UNEXP"
}

# ft_rss PID: VmRSS in kB.
ft_rss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }

# ft_clean_log FILE: no raw control character (other than the line end) in
# FILE; prints the offending lines' numbers.
ft_clean_file() {
	! LC_ALL=C grep -nP '[\x00-\x08\x0b-\x1f\x7f]' "$1" | head -5 | grep .
}

#!/bin/bash
# bench/stall.sh - do senders that stall in the middle of their body slow
# down a fast sender's scan? (issue 14, "Figures": 100 stalled milter
# sessions do not delay a fast session's scan by more than 10 % at its
# median; GTUBE from the fast session is rejected in every run.)
#
# One real spamd (C children, unix socket), unbound with the test zones,
# doorman ([spamd] max_parallel = C, timeout_ms = TIMEOUT_MS). bench/stall.c
# plays the MTA, in ROUNDS rounds of two phases taken in turn: "alone",
# FAST/ROUNDS sessions of a 4 KiB message with GTUBE one after another;
# "stalled", STALLERS sessions that send their headers and STALLBYTES of
# body and stop, the same FAST/ROUNDS sessions beside them, then the
# stallers abort. The scan time of a fast session runs from its end of
# message to doorman's answer. Once for each STALLBYTES in SIZES: 4096 (a
# message that fits doorman's 16 KiB buffer: it holds no spamd slot) and
# 65536 (C of them hold a slot while they stream, until a complete message
# takes one over; the others wait for a slot up to timeout_ms, then are
# scored on their first 16 KiB: each stalled phase starts only then, hence
# TIMEOUT_MS 10000 rather than the default 60000). Results go to stdout and
# to bench/results/stall-DATE.txt (RESULTS=FILE to change).
#
#   C=5 STALLERS=100 FAST=80 ROUNDS=4 SIZES="4096 65536" TIMEOUT_MS=10000 bench/stall.sh
# Needs: spamd unbound, a built doorman (./configure && make).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
C=${C:-5}
STALLERS=${STALLERS:-100}
FAST=${FAST:-80}
ROUNDS=${ROUNDS:-4}
SIZES=${SIZES:-4096 65536}
TIMEOUT_MS=${TIMEOUT_MS:-10000}
RESULTS=${RESULTS:-$top/bench/results/stall-$(date -u +%Y-%m-%d).txt}
for tool in spamd unbound gcc; do
	command -v $tool >/dev/null || { echo "stall.sh: $tool is not installed" >&2; exit 77; }
done
. "$top/tests/lib/services.sh"
. "$top/tests/e2e/setup.sh"
svc_init stallbench
W=$DM_WORK
gcc -O2 -Wall -pthread -o "$W/stall" "$top/bench/stall.c"

svc_start_unbound "$(svc_free_port)" "$top/tests/dns/zones.conf"
SPAMD_SOCK=$W/spamd.sock
# as bench/spam.sh: all C children from the start, no Bayes, no network tests
svc_start_bg spamd "$W/spamd.log" spamd -L -x -u nobody -m "$C" --min-children="$C" \
	--min-spare="$C" --max-spare="$C" --cf='use_bayes 0' -s stderr \
	--listen="$SPAMD_SOCK" --pidfile="$W/spamd.pid"
spamd_ready() { [ -S "$SPAMD_SOCK" ] && grep -q 'server started' "$W/spamd.log"; }
svc_wait_until 60 spamd_ready || _svc_fail "spamd did not start" "$W/spamd.log"
dm_write_config
cat >>"$DM_CONF" <<CONF

[spamd]
servers      = unix:$SPAMD_SOCK
max_parallel = $C
timeout_ms   = $TIMEOUT_MS
CONF
dm_start_doorman

# the fast message: 4 KiB of plain English with GTUBE (as bench/spam.sh's)
{
	printf 'From: Alice Example <alice@sender.example.org>\n'
	printf 'To: Bob Example <bob@dest.example.com>\n'
	printf 'Subject: Minutes of the licensing meeting\n'
	printf 'Date: %s\n' "$(date -R)"
	printf 'Message-ID: <stall-bench@sender.example.org>\n'
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n'
	printf 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\n\n'
	for _ in 1 2 3; do cat /usr/share/common-licenses/*; done |
		LC_ALL=C tr -cd '\11\12\40-\176' | head -c 4096 | sed '$d'
} >"$W/fast.eml"

rc=0
{
	echo "# bench/stall.sh - $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "# machine: $(uname -srm), $(nproc) cores; Debian $(cat /etc/debian_version);" \
		"doorman $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?');" \
		"spamd $(dpkg-query -W -f '${Version}' spamd 2>/dev/null); libmilter $(dpkg-query -W -f '${Version}' libmilter1.0.1 2>/dev/null)"
	echo "# command: C=$C STALLERS=$STALLERS FAST=$FAST ROUNDS=$ROUNDS SIZES=\"$SIZES\" TIMEOUT_MS=$TIMEOUT_MS bench/stall.sh"
	echo "# spamd children $C, doorman max_parallel $C, [spamd] timeout_ms $TIMEOUT_MS; load average $(cut -d' ' -f1-3 /proc/loadavg)"
	for b in $SIZES; do
		echo
		echo "== $STALLERS sessions stalled after $b body bytes"
		t0=$(_svc_now_ms)
		"$W/stall" -s "$DM_SOCK" -m "$W/fast.eml" -n "$STALLERS" -b "$b" -f "$FAST" -R "$ROUNDS" || rc=$?
		echo "time: $(($(_svc_now_ms) - t0)) ms; doorman: $(grep -c 'truncated=stalled' "$DM_LOG") truncated=stalled," \
			"$(grep -c 'truncated=busy' "$DM_LOG") truncated=busy, $(grep -c 'action=unscanned' "$DM_LOG") unscanned so far"
	done
	exit "$rc"
} 2>&1 | tee "$RESULTS"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || echo "stall.sh: the driver exited $rc" >&2
svc_stop_all
exit "$rc"

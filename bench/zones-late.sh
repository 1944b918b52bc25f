#!/bin/bash
# bench/zones-late.sh - the resolver late at boot: doorman starts with its
# DNS server not running, unbound starts DELAY seconds later (default 5).
# From the moment unbound answers, a listed client (192.0.2.66, listed by
# bl.test.example.net and bl2.test.example.net in tests/dns/zones.conf)
# opens a session through miltertest every 100 ms; the script prints how
# long after the resolver answered the first one was rejected, and how many
# were let in before. Issue 14's figure: rejected from the first session.
#
#   bash bench/zones-late.sh                       this tree's doorman
#   BEFORE=/path/to/old/doorman bash bench/zones-late.sh   and an older build
#
# The self-test runs as in production (selftest_interval = 300, [dns]
# timeout_ms = 3000). LIMIT (default 30) seconds without a reject ends a run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
DELAY=${DELAY:-5}
LIMIT=${LIMIT:-30}
for tool in miltertest unbound dig; do
	command -v $tool >/dev/null || { echo "zones-late.sh: $tool not installed"; exit 77; }
done
. "$top/tests/lib/services.sh"
svc_init zones-late
export DM_E2E=$top/tests/e2e

# run NAME DOORMAN: one boot; prints one result line
run() {
	local name=$1 bin=$2 dir=$DM_WORK/$1 port t0 t_up n=0 let_in=0 first=
	port=$(svc_free_port)
	mkdir -p "$dir/policy.d"
	cat >"$dir/doorman.conf" <<CONF
[doorman]
socket = unix:$dir/doorman.sock
socket_mode = 0666
policy_dir = $dir/policy.d
trusted_networks = 10.0.0.0/8
log = stderr
[dns]
servers = 127.0.0.1:$port
timeout_ms = 3000
zones = bl.test.example.net=127.0.0.[2..11]*2, bl2.test.example.net
selftest_interval = 300
CONF
	t0=$(_svc_now_ms)
	svc_start_bg "doorman-$name" "$dir/doorman.log" "$bin" -f -c "$dir/doorman.conf"
	svc_wait_until 5 test -S "$dir/doorman.sock"
	sleep "$(awk -v t="$(($(_svc_now_ms) - t0))" -v d="$DELAY" 'BEGIN { s = d - t / 1000; print (s > 0 ? s : 0) }')"
	svc_start_unbound "$port" "$top/tests/dns/zones.conf"
	t_up=$(_svc_now_ms)
	while [ -z "$first" ] && [ $(($(_svc_now_ms) - t_up)) -lt $((LIMIT * 1000)) ]; do
		n=$((n + 1))
		if DM_SOCK=$dir/doorman.sock DM_CLIENT=192.0.2.66 DM_RCPT="<s$n@dest.example>" DM_WANT=replycode \
			miltertest -s "$top/tests/e2e/t-client.lua" >/dev/null 2>&1; then
			first=$(($(_svc_now_ms) - t_up))
		else
			let_in=$((let_in + 1))
			sleep 0.1
		fi
	done
	# the self-test's own verdict, for the log excerpt below
	[ -z "$first" ] || svc_wait_until 20 grep -Eq 'bl2?.test.example.net (tested|restored):' "$dir/doorman.log" || true
	svc_stop unbound
	if [ -n "$first" ]; then
		printf '%s: resolver answered %d ms after doorman started; first listed client rejected %d ms after that, in session %d (%d let in before)\n' \
			"$name" $((t_up - t0)) "$first" "$n" "$let_in"
	else
		printf '%s: resolver answered %d ms after doorman started; no listed client rejected in %d s (%d sessions let in)\n' \
			"$name" $((t_up - t0)) "$LIMIT" "$let_in"
	fi
	grep -E 'dnsbl zone|DNS list' "$dir/doorman.log" | sed 's/^/    log: /' | head -12
}

echo "# bench/zones-late.sh - $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# machine: $(uname -srm), $(nproc) cores (shared with other builds); doorman $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "# DELAY=$DELAY s, LIMIT=$LIMIT s; sessions from 192.0.2.66 every 100 ms once the resolver answers"
[ -z "${BEFORE:-}" ] || run before "$BEFORE"
run after "$top_builddir/doorman"

# shellcheck shell=bash
# services.sh - start and stop private test services (unbound, smtp-sink, a
# private Postfix, doorman itself) on 127.0.0.1 for doorman's end-to-end tests
# and demo.  Source it from a bash script that runs under `set -eu`:
#
#   . "$top_srcdir/tests/lib/services.sh"
#   svc_init mytest                      # work dir, cleanup trap
#   dns=$(svc_free_port); sink=$(svc_free_port); smtp=$(svc_free_port)
#   svc_start_unbound "$dns" "$top_srcdir/tests/dns/zones.conf"
#   svc_start_sink "$sink"
#   svc_start_bg doorman "$DM_WORK/doorman.log" doorman -f -c "$conf"
#   svc_start_postfix "$smtp" "$sink" "unix:$DM_WORK/doorman.sock"
#   swaks --server "127.0.0.1:$smtp" ...
#   svc_sink_wait 1 10                   # one message captured
#
# Every service runs on loopback only and is stopped by the PID recorded when
# it was started (svc_stop NAME, or svc_stop_all, which the EXIT trap runs).
# Call the svc_start_* functions from the main shell, never inside $(...):
# a subshell's records are lost when it ends.

_SVC_LIST=()          # one entry per started service: "kind name pid starttime [log]"
_SVC_RM_WORK=0        # 1 once svc_init created DM_WORK
_SVC_REPORTS=0        # 1 once a sanitizer or valgrind report was found in a log

_svc_msg() { printf 'services: %s\n' "$*" >&2; }

# _svc_fail MESSAGE [LOGFILE...]: print MESSAGE and the tail of each log; return 1.
_svc_fail() {
	local msg=$1 f
	shift
	_svc_msg "FAILED: $msg"
	for f in "$@"; do
		[ -s "$f" ] || continue
		printf '%s\n' "---- tail of $f ----" >&2
		tail -n 30 "$f" >&2
	done
	return 1
}

# Milliseconds since the epoch, without forking.
_svc_now_ms() { local t=${EPOCHREALTIME//[!0-9]/}; echo $((t / 1000)); }

# svc_wait_until TIMEOUT_S CMD...: run CMD every 0.1 s until it succeeds;
# return 1 after TIMEOUT_S seconds (may be fractional, e.g. 0.5).
svc_wait_until() {
	local ms deadline
	ms=$(awk -v s="$1" 'BEGIN { printf "%d", s * 1000 }')
	shift
	deadline=$(($(_svc_now_ms) + ms))
	until "$@"; do
		[ "$(_svc_now_ms)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# _svc_alive PID: the process exists and is not a zombie.
_svc_alive() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	[[ $st != Z* ]]
}
_svc_dead() { ! _svc_alive "$1"; }

# _svc_starttime PID: field 22 of /proc/PID/stat, to detect a recycled PID.
_svc_starttime() {
	local s f
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	read -ra f <<<"${s##*) }" # fields 3... after "pid (comm) "
	echo "${f[19]}"
}

_svc_record() { # KIND NAME PID [LOG]
	_SVC_LIST+=("$1 $2 $3 $(_svc_starttime "$3" || echo 0) ${4:-}")
}

# svc_init NAME: create DM_WORK=/tmp/doorman-NAME.XXXXXX and install the cleanup
# trap (EXIT, INT, TERM).  DM_KEEP=1 keeps the work dir for inspection.
svc_init() {
	DM_WORK=$(mktemp -d "/tmp/doorman-${1:-test}.XXXXXX")
	chmod 755 "$DM_WORK" # user postfix (smtpd, smtp-sink) must traverse it
	export DM_WORK
	_SVC_RM_WORK=1
	trap '_svc_on_exit' EXIT
	trap '_svc_on_signal 130' INT
	trap '_svc_on_signal 143' TERM
}

_svc_on_exit() {
	local rc=$?
	svc_stop_all
	[ "$_SVC_REPORTS" = 0 ] || [ "$rc" -ne 0 ] || rc=1
	exit "$rc"
}

_svc_on_signal() {
	trap - EXIT INT TERM
	_svc_msg "interrupted, stopping services"
	svc_stop_all
	exit "$1"
}

# svc_free_port: print a port that is free on 127.0.0.1 for TCP and UDP, taken
# at random from 20000-59999 (outside the kernel's ephemeral range when
# possible) and never handed out before in this work dir.
svc_free_port() {
	local lo hi p i used given=${DM_WORK:+$DM_WORK/.ports}
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range || { lo=0 hi=0; }
	used=" $(ss -Htanu 2>/dev/null | awk '{ n = split($5, a, ":"); printf "%s ", a[n] }')"
	[ -n "$given" ] && [ -f "$given" ] && used+="$(tr '\n' ' ' <"$given")"
	for i in $(seq 1 400); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if [ "$i" -le 300 ] && [ "$p" -ge "$lo" ] && [ "$p" -le "$hi" ]; then
			continue
		fi
		case "$used " in *" $p "*) continue ;; esac
		[ -n "$given" ] && echo "$p" >>"$given"
		echo "$p"
		return 0
	done
	_svc_fail "svc_free_port: no free port found"
}

# _svc_listening PROTO PORT PID: process PID listens on PORT (t=tcp, u=udp),
# so that a stranger already on the port is not taken for our service.
_svc_listening() {
	case "$(ss -Hlnp"$1" "sport = :$2" 2>/dev/null)" in *"pid=$3,"*) ;; *) return 1 ;; esac
}

# svc_start_bg NAME LOGFILE CMD...: start CMD in the background (stdin
# /dev/null, stdout+stderr to LOGFILE) and record its PID for svc_stop_all.
# Sets DM_LAST_PID.  `svc_pid NAME` prints it later.  DM_SVC_KIND=tree
# (DM_SVC_KIND=tree svc_start_bg ...): stopping it stops its children too,
# for a daemon whose children outlive it (Sendmail's SMTP sessions).
svc_start_bg() {
	local name=$1 log=$2
	shift 2
	mkdir -p "$(dirname "$log")"
	DM_SVC_WORK=${DM_WORK:-} "$@" </dev/null >>"$log" 2>&1 &
	DM_LAST_PID=$!
	_svc_record "${DM_SVC_KIND:-bg}" "$name" "$DM_LAST_PID" "$log"
	sleep 0.05
	_svc_alive "$DM_LAST_PID" || _svc_fail "$name ($*) exited at once" "$log"
}

# svc_pid NAME: print the PID of the most recent live service called NAME.
svc_pid() {
	local i kind name pid st log
	for ((i = ${#_SVC_LIST[@]} - 1; i >= 0; i--)); do
		read -r kind name pid st log <<<"${_SVC_LIST[i]}"
		if [ "$name" = "$1" ] && [ "$pid" != - ]; then
			echo "$pid"
			return 0
		fi
	done
	return 1
}

# _svc_port_unused PORT: nothing listens on PORT (TCP or UDP).  Checked before
# each start: smtp-sink and the Postfix master set SO_REUSEPORT, so a second
# one on a busy port starts fine and silently shares the connections.
_svc_port_unused() {
	[ -z "$(ss -Hlntu "sport = :$1" 2>/dev/null)" ] ||
		_svc_fail "port $1 is already in use: $(ss -Hlntup "sport = :$1" | tr -s ' ' | head -n 2)"
}

# _svc_up_or_gone PID CMD...: CMD succeeds, or PID has exited (stop waiting).
_svc_up_or_gone() {
	local pid=$1
	shift
	"$@" || _svc_dead "$pid"
}

_svc_dns_up() { # PID PORT
	_svc_listening u "$2" "$1" && dig +time=1 +tries=1 @127.0.0.1 -p "$2" . SOA >/dev/null 2>&1
}

# svc_start_unbound PORT ZONEFILE...: unbound on 127.0.0.1:PORT (UDP and
# TCP) serving only the local zones in ZONEFILE...; "." is static, so no query
# ever leaves the machine.  Exports DM_DNS_PORT.
svc_start_unbound() {
	local port=$1 dir=$DM_WORK/unbound z conf
	shift
	_svc_port_unused "$port" || return 1
	mkdir -p "$dir"
	conf=$dir/unbound.conf
	cat >"$conf" <<EOF
server:
	interface: 127.0.0.1
	port: $port
	do-ip4: yes
	do-ip6: no
	do-udp: yes
	do-tcp: yes
	do-daemonize: no
	chroot: ""
	username: ""
	directory: "$dir"
	pidfile: "$dir/unbound.pid"
	logfile: "$dir/unbound.log"
	use-syslog: no
	log-time-ascii: yes
	verbosity: 1
	num-threads: 1
	access-control: 127.0.0.0/8 allow
	module-config: "iterator"
	cache-max-ttl: 300
	cache-max-negative-ttl: 60
	local-zone: "." static
EOF
	for z in "$@"; do
		z=$(realpath "$z") || return 1
		printf '\tinclude: "%s"\n' "$z" >>"$conf"
	done
	printf 'remote-control:\n\tcontrol-enable: no\n' >>"$conf"
	unbound-checkconf "$conf" >"$dir/checkconf.log" 2>&1 ||
		_svc_fail "unbound-checkconf $conf" "$dir/checkconf.log" || return 1
	svc_start_bg unbound "$dir/stderr.log" unbound -d -c "$conf" ||
		_svc_fail "unbound did not start" "$dir/unbound.log" || return 1
	svc_wait_until 5 _svc_up_or_gone "$DM_LAST_PID" _svc_dns_up "$DM_LAST_PID" "$port" || true
	_svc_dns_up "$DM_LAST_PID" "$port" ||
		_svc_fail "unbound on 127.0.0.1:$port does not answer" \
			"$dir/stderr.log" "$dir/unbound.log" || return 1
	export DM_DNS_PORT=$port
}

_svc_sink_up() { _svc_listening t "$2" "$1"; } # PID PORT

# svc_start_sink PORT: Postfix's smtp-sink on 127.0.0.1:PORT, writing every
# message it accepts to its own file in DM_SINK_DIR.  Exports DM_SINK_DIR and
# DM_SINK_PORT.  A capture file is complete once smtp-sink has closed it: use
# svc_sink_wait.
svc_start_sink() {
	local port=$1 dir=$DM_WORK/sink
	_svc_port_unused "$port" || return 1
	mkdir -p "$dir"
	chown postfix "$dir"
	# -d TEMPLATE: one file per message, name = strftime(TEMPLATE) + random hex
	svc_start_bg smtp-sink "$DM_WORK/sink.log" \
		smtp-sink -u postfix -4 -h sink.test.example.net -d "$dir/%Y%m%d-%H%M%S." \
		"127.0.0.1:$port" 64 || return 1
	svc_wait_until 5 _svc_up_or_gone "$DM_LAST_PID" _svc_sink_up "$DM_LAST_PID" "$port" || true
	_svc_sink_up "$DM_LAST_PID" "$port" ||
		_svc_fail "smtp-sink does not listen on 127.0.0.1:$port" "$DM_WORK/sink.log" || return 1
	export DM_SINK_DIR=$dir DM_SINK_PORT=$port
}

# svc_sink_files: print the complete capture files, oldest first.
svc_sink_files() {
	local pid f open=" "
	pid=$(svc_pid smtp-sink) || return 1
	for f in /proc/"$pid"/fd/*; do open+="$(readlink "$f" 2>/dev/null) "; done
	# shellcheck disable=SC2045 # smtp-sink's names: date.hex, no blanks
	for f in $(ls -1tr "$DM_SINK_DIR" 2>/dev/null); do
		case "$open" in *" $DM_SINK_DIR/$f "*) continue ;; esac
		echo "$DM_SINK_DIR/$f"
	done
}

# svc_sink_wait COUNT TIMEOUT_S: wait until at least COUNT complete messages
# are in DM_SINK_DIR.
_svc_sink_count() { [ "$(svc_sink_files | wc -l)" -ge "$1" ]; }
svc_sink_wait() {
	svc_wait_until "$2" _svc_sink_count "$1" ||
		_svc_fail "fewer than $1 message(s) in $DM_SINK_DIR after $2 s" \
			"$DM_WORK/sink.log" "${DM_POSTFIX_LOG:-}"
}

# svc_wait_file GLOB TIMEOUT_S: wait until a file matching GLOB exists.
_svc_glob_exists() { compgen -G "$1" >/dev/null; }
svc_wait_file() {
	svc_wait_until "$2" _svc_glob_exists "$1" || _svc_fail "no file $1 after $2 s"
}

# svc_wait_log FILE REGEX TIMEOUT_S: wait until FILE has a line matching the
# extended REGEX (e.g. a Postfix "status=sent" line, a doorman log line).
_svc_log_has() { grep -Eq -- "$2" "$1" 2>/dev/null; }
svc_wait_log() {
	svc_wait_until "$3" _svc_log_has "$1" "$2" || _svc_fail "no /$2/ in $1 after $3 s" "$1"
}

# _svc_smtp_banner PORT: 127.0.0.1:PORT answers with a 220 greeting.
_svc_smtp_banner() {
	local line
	# shellcheck disable=SC2016
	line=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		IFS= read -r l <&3; printf "QUIT\r\n" >&3; printf "%s" "$l"' _ "$1" 2>/dev/null) || return 1
	[[ $line == 220* ]]
}

_svc_postfix_up() { _svc_listening t "$2" "$1" && _svc_smtp_banner "$2"; } # PID PORT

# svc_start_postfix PORT SINK_PORT MILTER: a private Postfix instance whose
# smtpd listens on 127.0.0.1:PORT and relays everything to smtp-sink on
# 127.0.0.1:SINK_PORT; MILTER is the smtpd_milters value ("" for none, e.g.
# unix:/path/doorman.sock or inet:127.0.0.1:PORT).  XCLIENT is allowed from
# 127.0.0.0/8.  Exports DM_POSTFIX_DIR (its config_directory), DM_POSTFIX_LOG
# (its maillog_file) and DM_SMTP_PORT.  Change settings afterwards with
# svc_postfix_set.
svc_start_postfix() {
	local port=$1 sink=$2 milter=$3 top=$DM_WORK/postfix
	local etc=$top/etc queue=$top/queue log=$top/log/maillog
	_svc_port_unused "$port" || return 1
	mkdir -p "$etc" "$queue" "$top/data" "$top/log"
	chown root:root "$etc" "$queue" "$top/log"
	chown postfix "$top/data"
	cat >"$etc/main.cf" <<EOF
# private test instance (doorman tests/lib/services.sh)
compatibility_level = 3.6
queue_directory = $queue
data_directory = $top/data
mail_owner = postfix
syslog_name = postfix-doorman
maillog_file = $log
maillog_file_prefixes = $top/log
myhostname = mx.test.example.net
mydomain = test.example.net
myorigin = \$myhostname
mydestination =
mynetworks = 127.0.0.0/8
inet_interfaces = loopback-only
inet_protocols = ipv4
relay_domains = static:ALL
local_recipient_maps =
alias_maps =
alias_database =
local_transport = error:5.1.1 no local delivery in the test instance
default_transport = smtp:[127.0.0.1]:$sink
relay_transport = smtp:[127.0.0.1]:$sink
relayhost =
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_milters = $milter
non_smtpd_milters =
milter_default_action = tempfail
milter_protocol = 6
smtpd_banner = \$myhostname ESMTP doorman-test
smtpd_error_sleep_time = 0s
in_flow_delay = 0s
biff = no
delay_warning_time = 0h
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 5s
maximal_queue_lifetime = 60s
bounce_queue_lifetime = 60s
smtp_connect_timeout = 5s
EOF
	cat >"$etc/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:$port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	: >"$log"
	# Postfix rereads a config file modified within the last second, 300 ms
	# at a time (1.5 s per command): backdate ours.
	touch -d '-1 minute' "$etc/main.cf" "$etc/master.cf"
	export DM_POSTFIX_DIR=$etc DM_POSTFIX_LOG=$log DM_SMTP_PORT=$port
	if ! postfix -c "$etc" start >"$top/start.log" 2>&1; then
		postfix -c "$etc" check >>"$top/start.log" 2>&1 || true
		_svc_fail "postfix -c $etc start" "$top/start.log" "$log" || return 1
	fi
	local pid
	pid=$(tr -dc 0-9 <"$queue/pid/master.pid" 2>/dev/null) && [ -n "$pid" ] ||
		_svc_fail "no $queue/pid/master.pid after postfix start" "$top/start.log" "$log" || return 1
	_SVC_LIST+=("postfix $etc $pid $(_svc_starttime "$pid" || echo 0)")
	svc_wait_until 5 _svc_up_or_gone "$pid" _svc_postfix_up "$pid" "$port" || true
	_svc_postfix_up "$pid" "$port" ||
		_svc_fail "no SMTP banner on 127.0.0.1:$port" "$top/start.log" "$log" || return 1
}

# svc_postfix_set PARAM=VALUE...: change main.cf of the private Postfix
# (postconf -e) and reload it; waits for the master's "reload" log line.
svc_postfix_set() {
	local n
	n=$(grep -c 'master.*: reload' "$DM_POSTFIX_LOG" || true)
	postconf -c "$DM_POSTFIX_DIR" -e "$@" || return 1
	touch -d '-1 minute' "$DM_POSTFIX_DIR/main.cf"
	postfix -c "$DM_POSTFIX_DIR" reload >/dev/null 2>&1 ||
		_svc_fail "postfix reload" "$DM_POSTFIX_LOG" || return 1
	svc_wait_until 5 _svc_reloaded "$((n + 1))" ||
		_svc_fail "postfix did not reload" "$DM_POSTFIX_LOG"
}
_svc_reloaded() { [ "$(grep -c 'master.*: reload' "$DM_POSTFIX_LOG")" -ge "$1" ]; }

# _svc_kill PID STARTTIME: SIGTERM, up to DM_STOP_WAIT seconds (default 5;
# more under valgrind, whose leak check runs at exit), then SIGKILL.  Skips a
# PID that has meanwhile been recycled for another process.
_svc_kill() {
	local pid=$1 st=$2
	_svc_alive "$pid" || return 0
	[ "$st" = 0 ] || [ "$(_svc_starttime "$pid")" = "$st" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	if ! svc_wait_until "${DM_STOP_WAIT:-5}" _svc_dead "$pid"; then
		_svc_msg "PID $pid ignored SIGTERM for ${DM_STOP_WAIT:-5} s, sending SIGKILL (no leak report)"
		kill -KILL "$pid" 2>/dev/null || true
		svc_wait_until 2 _svc_dead "$pid" || _svc_msg "PID $pid survived SIGKILL"
	fi
	wait "$pid" 2>/dev/null || true # reap our own children quietly
	return 0
}

# _svc_stop_entry INDEX: stop one recorded service, check its log for
# sanitizer reports (a leak report comes at exit) and mark it stopped.
_svc_stop_entry() {
	local kind name pid st log kid kids=""
	read -r kind name pid st log <<<"${_SVC_LIST[$1]}"
	[ "$pid" != - ] || return 0
	if [ "$kind" = postfix ] || [ "$kind" = tree ]; then
		# the master's children (smtpd, qmgr...) should go with it; make sure
		for kid in $(pgrep -P "$pid" || true); do
			kids+=" $kid:$(_svc_starttime "$kid" || echo 0)"
		done
		if [ "$kind" = postfix ]; then
			postfix -c "$name" stop >/dev/null 2>&1 || _svc_msg "postfix -c $name stop failed"
		fi
		_svc_kill "$pid" "$st"
		for kid in $kids; do _svc_kill "${kid%:*}" "${kid#*:}"; done
	else
		_svc_kill "$pid" "$st"
	fi
	[ -z "$log" ] || _svc_check_report "$log"
	_SVC_LIST[$1]="$kind $name - -"
}

# svc_stop NAME: stop the services recorded under NAME (e.g. doorman before
# starting a new one on the same socket; a postfix instance is named by its
# config directory).
svc_stop() {
	local i kind name rest
	for ((i = ${#_SVC_LIST[@]} - 1; i >= 0; i--)); do
		read -r kind name rest <<<"${_SVC_LIST[i]}"
		[ "$name" = "$1" ] && _svc_stop_entry "$i"
	done
	return 0
}

# _svc_check_report LOG: look for AddressSanitizer/LeakSanitizer/UBSan reports
# and valgrind errors in a stopped service's log (a sanitized doorman writes
# them to its stderr); print them and set _SVC_REPORTS=1, which fails the test.
_svc_check_report() {
	local pat='ERROR: (Address|Leak|Thread|Memory)Sanitizer|SUMMARY: [A-Za-z]+Sanitizer|: runtime error: |ERROR SUMMARY: [1-9]|definitely lost: [1-9]'
	[ -f "$1" ] && grep -Eq -- "$pat" "$1" || return 0
	_SVC_REPORTS=1
	_svc_msg "FAILED: sanitizer or valgrind report in $1:"
	grep -E -B2 -A25 -- "$pat" "$1" | head -n 120 >&2
}

# svc_stop_all: stop everything started here, newest first; then remove
# DM_WORK unless DM_KEEP=1.  Idempotent.
svc_stop_all() {
	local - i
	set +e
	for ((i = ${#_SVC_LIST[@]} - 1; i >= 0; i--)); do _svc_stop_entry "$i"; done
	if [ "$_SVC_RM_WORK" = 1 ] && [ -d "${DM_WORK:-}" ]; then
		if [ "${DM_KEEP:-0}" = 1 ]; then
			_svc_msg "kept work dir $DM_WORK"
		else
			rm -rf "$DM_WORK"
		fi
		_SVC_RM_WORK=0
	fi
	return 0
}

# svc_leftovers: print PIDs of live processes that belong to this work dir:
# DM_WORK in their command line, or started by svc_start_bg (which marks their
# environment with DM_SVC_WORK), or a Postfix whose MAIL_CONFIG is below it.
svc_leftovers() {
	local d p args envs
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
		args=() envs=()
		mapfile -d '' args 2>/dev/null <"$d/cmdline" || continue
		mapfile -d '' envs 2>/dev/null <"$d/environ" || true
		case " ${args[*]} " in *"$DM_WORK"*) ;; *)
			case " ${envs[*]} " in
			*" DM_SVC_WORK=$DM_WORK "* | *" MAIL_CONFIG=$DM_WORK/"*) ;;
			*) continue ;;
			esac
		esac
		_svc_alive "$p" && echo "$p"
	done
	return 0
}

# svc_start_spamd: Debian's spamd (no network tests, no per-user config) on a
# private unix socket and 127.0.0.1:<free port>; waits (up to 60 s) until it
# has started. Exports DM_SPAMD_SOCK, DM_SPAMD_PORT, DM_SPAMD_LOG.
# DM_SPAMD_CF: configuration lines (one a line) for spamd's --cf; DM_SPAMD_NET=1
# leaves network tests on (then DM_SPAMD_CF names a dns_server).
svc_start_spamd() {
	local dir=$DM_WORK/spamd port local_only=-L line
	local -a cf=()
	port=$(svc_free_port)
	mkdir -p "$dir"
	[ -z "${DM_SPAMD_NET:-}" ] || local_only=
	while IFS= read -r line; do
		[ -z "$line" ] || cf+=("--cf=$line")
	done <<<"${DM_SPAMD_CF:-}"
	DM_SPAMD_SOCK=$dir/spamd.sock DM_SPAMD_PORT=$port DM_SPAMD_LOG=$dir/spamd.log
	export DM_SPAMD_SOCK DM_SPAMD_PORT DM_SPAMD_LOG
	# shellcheck disable=SC2086 # an empty local_only is no word
	svc_start_bg spamd "$DM_SPAMD_LOG" spamd $local_only -x -u nobody -m "${DM_SPAMD_CHILDREN:-3}" -s stderr \
		--listen="$DM_SPAMD_SOCK" --listen="127.0.0.1:$port" --pidfile="$dir/spamd.pid" \
		"${cf[@]}" || return 1
	_svc_spamd_ready() { [ -S "$DM_SPAMD_SOCK" ] && grep -q 'server started' "$DM_SPAMD_LOG"; }
	svc_wait_until 60 _svc_spamd_ready || _svc_fail "spamd did not start" "$DM_SPAMD_LOG"
}

# svc_start_spamass_milter SPAMD_SOCK: Debian's spamass-milter (what doorman
# replaces) on a unix socket that Postfix can write to, running spamc against
# spamd's unix socket; -m: headers only, the body and Subject stay. Exports
# DM_SPAMASS_SOCK.
svc_start_spamass_milter() {
	local dir=$DM_WORK/spamass
	mkdir -p "$dir"
	DM_SPAMASS_SOCK=$dir/spamass.sock
	export DM_SPAMASS_SOCK
	svc_start_bg spamass-milter "$dir/spamass.log" sh -c 'umask 0; exec "$@"' spamass-milter \
		spamass-milter -p "$DM_SPAMASS_SOCK" -m -- -U "$1" || return 1
	svc_wait_until 10 test -S "$DM_SPAMASS_SOCK" ||
		_svc_fail "spamass-milter did not create $DM_SPAMASS_SOCK" "$dir/spamass.log"
}

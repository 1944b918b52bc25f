# shellcheck shell=bash
# sendmail.sh - a private Sendmail on 127.0.0.1 for doorman's end-to-end tests
# and `scripts/demo sendmail`, in the style of services.sh (source that first,
# then this; call svc_init before starting anything):
#
#   . "$top_srcdir/tests/lib/services.sh"
#   . "$top_srcdir/tests/lib/sendmail.sh"
#   sm_available || { echo "SKIP: $SM_WHY"; exit 77; }
#   svc_init mytest
#   svc_start_sink "$(svc_free_port)"
#   svc_start_sendmail "$(svc_free_port)" "$DM_SINK_PORT" "unix:$DM_SOCK"
#   swaks --server "127.0.0.1:$DM_SENDMAIL_PORT" --local-interface 127.0.0.66 ...
#
# Debian's sendmail-bin conflicts with postfix, so it is not installed:
# scripts/install-sendmail (run by scripts/install-deps) unpacks its packages
# into /var/cache/doorman-test/sendmail/root ($DM_SENDMAIL_ROOT). The daemon
# runs in the foreground (-bD) from that root with a .cf built here from an .mc
# with m4 and the unpacked cf/ tree; queue, pid and status files live in
# $DM_WORK/sendmail. It is stopped by its PID like every other service, and
# so are its children (SMTP sessions, queue runs), which a SIGTERM to the
# daemon leaves running.
#
# Sendmail has no XCLIENT: a test client's address is the loopback address it
# connects from (swaks --local-interface 127.0.0.N); Linux routes all of
# 127.0.0.0/8 to lo. Sendmail asks the system resolver (not the test unbound)
# for the client's PTR; an address without one is shown as [127.0.0.N].
# Sendmail logs only to syslog, which nothing runs here: its stderr (start-up
# errors) is in $DM_WORK/sendmail/stderr.log.

: "${DM_SENDMAIL_ROOT:=/var/cache/doorman-test/sendmail/root}"

# sm_available: the unpacked Sendmail is there and runs; else SM_WHY says why.
sm_available() {
	local bin=$DM_SENDMAIL_ROOT/usr/libexec/sendmail/sendmail
	SM_WHY=""
	if [ ! -x "$bin" ]; then
		SM_WHY="no Sendmail in $DM_SENDMAIL_ROOT (scripts/install-deps unpacks it there)"
	elif ! command -v m4 >/dev/null; then
		SM_WHY="m4 not installed (scripts/install-deps installs it)"
	elif ldd "$bin" 2>/dev/null | grep -q 'not found'; then
		SM_WHY="$bin lacks libraries: $(ldd "$bin" | grep 'not found' | tr -s ' \t' ' ')"
	fi
	[ -z "$SM_WHY" ]
}

# _sm_mc DIR PORT SINK_PORT MILTER: print the test .mc.  What differs from a
# real site is marked; the rest is what doorman(8) recommends.
_sm_mc() {
	local dir=$1 port=$2 sink=$3 milter=$4 cf=$DM_SENDMAIL_ROOT/usr/share/sendmail/cf
	cat <<EOF
divert(-1)
# private test instance (doorman tests/lib/sendmail.sh)
divert(0)dnl
include(\`$cf/m4/cf.m4')dnl
VERSIONID(\`doorman test instance')dnl
OSTYPE(\`linux')dnl
dnl --- private files, no DNS of its own, no ident, relay all to smtp-sink
define(\`confDOMAIN_NAME', \`mx.test.example.net')dnl
define(\`QUEUE_DIR', \`$dir/queue')dnl
define(\`confPID_FILE', \`$dir/sendmail.pid')dnl
define(\`STATUS_FILE', \`$dir/sendmail.st')dnl
define(\`HELP_FILE', \`$DM_SENDMAIL_ROOT/etc/mail/helpfile')dnl
define(\`ALIAS_FILE', \`$dir/aliases')dnl
define(\`confSERVICE_SWITCH_FILE', \`$dir/service.switch')dnl
define(\`confHOSTS_FILE', \`$dir/hosts')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
dnl the work dir is under /tmp (world-writable, sticky): Sendmail refuses such
dnl a path to the milter socket unless it trusts the sticky bit
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
define(\`confTO_IDENT', \`0s')dnl
define(\`confTO_RESOLVER_RETRANS', \`1s')dnl
define(\`confTO_RESOLVER_RETRY', \`1')dnl
define(\`confQUEUE_LA', \`200')dnl
define(\`confREFUSE_LA', \`250')dnl
define(\`confDELAY_LA', \`0')dnl
define(\`confMAX_QUEUE_RUN_SIZE', \`100')dnl
define(\`confSMTP_LOGIN_MSG', \`\$j ESMTP doorman-test Sendmail')dnl
define(\`confDEF_USER_ID', \`mail:mail')dnl
define(\`SMART_HOST', \`[127.0.0.1]')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $sink')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $sink')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`promiscuous_relay')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`no_default_msa')dnl
DAEMON_OPTIONS(\`Family=inet, Name=MTA-test, Port=$port, Addr=127.0.0.1')dnl
dnl --- doorman, as doorman(8) says
${SM_MACROS:-}dnl
INPUT_MAIL_FILTER(\`doorman', \`S=$milter, F=T, T=C:10s;S:10s;R:90s;E:5m')dnl
MAILER(\`smtp')dnl
EOF
}

_sm_up() { _svc_listening t "$2" "$1" && _svc_smtp_banner "$2"; } # PID PORT

# svc_start_sendmail PORT SINK_PORT MILTER: Sendmail listening on
# 127.0.0.1:PORT, relaying every message to smtp-sink on 127.0.0.1:SINK_PORT,
# with doorman attached at MILTER (libmilter syntax, e.g. unix:/path/sock).
# SM_MACROS (optional): more .mc lines (e.g. confMILTER_MACROS_* defines).
# Exports DM_SENDMAIL_DIR, DM_SENDMAIL_PORT, DM_SENDMAIL_CF.
svc_start_sendmail() {
	local port=$1 sink=$2 milter=$3 dir=$DM_WORK/sendmail
	local bin=$DM_SENDMAIL_ROOT/usr/libexec/sendmail/sendmail
	_svc_port_unused "$port" || return 1
	mkdir -p "$dir/queue"
	chmod 700 "$dir/queue"
	printf 'hosts\tfiles\naliases\tfiles\npasswd\tfiles\n' >"$dir/service.switch"
	printf '127.0.0.1\tlocalhost mx.test.example.net\n' >"$dir/hosts"
	: >"$dir/aliases"
	_sm_mc "$dir" "$port" "$sink" "$milter" >"$dir/sendmail.mc"
	m4 "$dir/sendmail.mc" >"$dir/sendmail.cf" 2>"$dir/m4.log" ||
		_svc_fail "m4 $dir/sendmail.mc" "$dir/m4.log" || return 1
	export DM_SENDMAIL_DIR=$dir DM_SENDMAIL_PORT=$port DM_SENDMAIL_CF=$dir/sendmail.cf
	# -bD: daemon in the foreground, so that the PID is the daemon's.
	# Before it reads any .cf, Sendmail wants a host name with a dot and
	# sleeps 60 s when the system's has none: give it one in a UTS namespace
	# of its own (unshare and sh exec, the PID stays the daemon's).
	local run=("$bin" -C "$dir/sendmail.cf" -bD -q1h) wait=${DM_SENDMAIL_START_WAIT:-10}
	case "$(hostname)" in
	*.*) ;;
	*)
		if unshare --uts true 2>/dev/null; then
			# shellcheck disable=SC2016
			run=(unshare --uts sh -c 'hostname mx.test.example.net && exec "$@"' sh "${run[@]}")
		else
			_svc_msg "host name $(hostname) has no dot and unshare --uts fails: Sendmail waits 60 s first"
			wait=75
		fi
		;;
	esac
	DM_SVC_KIND=tree svc_start_bg sendmail "$dir/stderr.log" "${run[@]}" || return 1
	svc_wait_until "$wait" _svc_up_or_gone "$DM_LAST_PID" _sm_up "$DM_LAST_PID" "$port" || true
	_sm_up "$DM_LAST_PID" "$port" ||
		_svc_fail "no Sendmail banner on 127.0.0.1:$port" "$dir/stderr.log" || return 1
}

# sm_quarantined ID: the message is held in the quarantine, and its reason
# line (q) is printed.
sm_quarantined() {
	local hf=$DM_SENDMAIL_DIR/queue/hf$1
	[ -f "$hf" ] && sed -n 's/^q//p' "$hf" | grep .
}

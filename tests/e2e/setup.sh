# shellcheck shell=bash
# setup.sh - the private world every end-to-end test and the demo share:
# unbound with tests/dns/zones.conf, a doorman config under $DM_WORK/etc and
# doorman itself on a unix socket. Source after tests/lib/services.sh and
# svc_init. Sets DM_CONF, DM_SOCK, DM_LOG.
#
# Policies shared by the scripts: default (built-in defaults), shadow.example
# (HELO checks in shadow mode), strict.example (unknown HELO rejected: a
# second policy, for the 452 split), dnsfail.example (tempfail when the HELO
# lookup fails), tagonly.example, quarantine.example, errtf.example,
# report.example (content stage). DM_SPAMD_SERVERS (optional) sets [spamd].
# DM_ZONES (optional) sets [dns] zones; DM_SELFTEST the self-test interval
# (default 0: none, so that a dead zone stays in use). A script carries its
# own settings with dm_policy DOMAIN TEXT (a policy file of its own) and
# DM_EXTRA_CONF (lines added to doorman.conf), after dm_write_config.

dm_write_config() {
	local etc=$DM_WORK/etc
	mkdir -p "$etc/policy.d"
	DM_CONF=$etc/doorman.conf
	DM_SOCK=$DM_WORK/doorman.sock
	DM_LOG=$DM_WORK/doorman.log
	cat >"$DM_CONF" <<CONF
; doorman test configuration (written by tests/e2e/setup.sh)
[doorman]
socket           = unix:$DM_SOCK
socket_mode      = 0666
policy_dir       = $etc/policy.d
hostnames        = mx.test.example.net
addresses        = 198.51.100.25, 2001:db8::25
trusted_networks = 10.0.0.0/8
log              = stderr

[dns]
servers    = 127.0.0.1:$DM_DNS_PORT
timeout_ms = ${DM_DNS_TIMEOUT_MS:-1500}
zones      = ${DM_ZONES:-}
selftest_interval = ${DM_SELFTEST:-0}
CONF
	if [ -n "${DM_SPAMD_SERVERS:-}" ]; then
		printf '\n[spamd]\nservers = %s\ntimeout_ms = 30000\nbackoff_ms = 60000\n' "$DM_SPAMD_SERVERS" >>"$DM_CONF"
	fi
	cat >"$etc/policy.d/default.conf" <<'CONF'
[replies]
help_url = https://mx.test.example.net/policy
CONF
	cat >"$etc/policy.d/shadow.example.conf" <<'CONF'
[helo]
mode = shadow
CONF
	cat >"$etc/policy.d/strict.example.conf" <<'CONF'
[helo]
unknown = reject
[replies]
helo_unknown = 550 5.7.1 <%h>: Helo command rejected: Host not found
CONF
	cat >"$etc/policy.d/dnsfail.example.conf" <<'CONF'
[helo]
unknown_on_dns_error = tempfail
CONF
	# content stage: tag only, quarantine, tempfail when spamd fails, a report
	printf '[spam]\nreject_score = off\n' >"$etc/policy.d/tagonly.example.conf"
	printf '[spam]\nreject_score = off\nquarantine_score = 10\n' >"$etc/policy.d/quarantine.example.conf"
	printf '[spam]\non_error = tempfail\n' >"$etc/policy.d/errtf.example.conf"
	printf '[spam]\nreject_score = off\ndetails = report\n' >"$etc/policy.d/report.example.conf"
	[ -z "${DM_EXTRA_CONF:-}" ] || printf '%s\n' "$DM_EXTRA_CONF" >>"$DM_CONF"
	export DM_CONF DM_SOCK DM_LOG
}

# dm_policy DOMAIN TEXT: a policy file of the calling script's own
# (policy.d/DOMAIN.conf; "default" for default.conf), written before
# doorman starts or reloads.
dm_policy() {
	printf '%s\n' "$2" >"$DM_WORK/etc/policy.d/$1.conf"
}

# dm_policies_t_spam: what t-spam.lua needs beyond the standard policies:
# explain.example, where X-Doorman explains the verdict (its second message)
dm_policies_t_spam() {
	dm_policy explain.example '[helo]
mode = shadow
[spam]
explain = yes
reject_score = off'
}

dm_start_doorman() {
	"$top_builddir/doorman" -c "$DM_CONF" -n >/dev/null || return 1
	# DM_WRAPPER: run doorman under e.g. "valgrind --error-exitcode=99 --leak-check=full"
	# shellcheck disable=SC2086
	svc_start_bg doorman "$DM_LOG" ${DM_WRAPPER:-} "$top_builddir/doorman" -f -c "$DM_CONF"
	svc_wait_until "${DM_START_WAIT:-5}" test -S "$DM_SOCK" || _svc_fail "doorman did not create $DM_SOCK" "$DM_LOG"
}

# dm_log_has PATTERN: doorman's log has a line matching the extended regex.
dm_log_has() {
	grep -Eq -- "$1" "$DM_LOG"
}

# Count failures, print one line per check.
DM_FAILS=0
DM_PASSES=0
dm_expect() { # DESCRIPTION CMD...
	local what=$1
	shift
	if "$@"; then
		DM_PASSES=$((DM_PASSES + 1))
		echo "ok: $what"
	else
		DM_FAILS=$((DM_FAILS + 1))
		echo "FAIL: $what"
	fi
}
dm_summary() {
	echo "$DM_PASSES passed, $DM_FAILS failed"
	[ "$DM_FAILS" -eq 0 ]
}

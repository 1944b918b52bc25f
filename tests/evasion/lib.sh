# shellcheck shell=bash
# lib.sh - the evasion suite's SMTP client and its policies: a spammer who
# has read doorman's source, talking SMTP by hand (several EHLOs, RSET,
# pipelining, BDAT, quoted and long addresses) where swaks cannot. Source
# after tests/lib/services.sh and tests/e2e/setup.sh.
#
#   ev_smtp PORT ID [CLIENT_ADDR] <<'EOF'   one session; the transcript goes to
#   EHLO a.example                          $EV_OUT/ID (">> " sent, "<< " read)
#   PIPE 3                                  the next 3 lines sent at once, then
#   MAIL FROM:<a@b.example>                 their 3 replies read
#   RCPT TO:<c@vault.example>
#   RCPT TO:<postmaster@vault.example>
#   DATA FILE                               DATA, FILE (LF -> CRLF, dot-stuffed), "."
#   BDAT FILE                               FILE in one "BDAT n LAST" chunk
#   EOF
# With CLIENT_ADDR, the session first claims that client address by XCLIENT
# (Postfix's smtpd_authorized_xclient_hosts) and says EHLO again.

EV_OUT=${EV_OUT:-$DM_WORK/evasion}
trap '' PIPE     # a server that hangs up makes a write fail, not the script die
mkdir -p "$EV_OUT"
GTUBE_MSG=/usr/share/doc/spamassassin/examples/sample-spam.txt

_ev_reply() { # read one (multi-line) reply from fd 3
	local l
	while IFS= read -r -t 60 l <&3; do
		l=${l%$'\r'}
		printf '<< %s\n' "$l"
		case $l in [0-9][0-9][0-9]-*) ;; *) return 0 ;; esac
	done
	echo "<< (no reply)"
	return 1
}

_ev_send() { # LINE: send one command and read its reply
	printf '%s\r\n' "$1" >&3
	printf '>> %s\n' "$1"
	_ev_reply
}

_ev_crlf() { # FILE: the message with CRLF line ends, dot-stuffed, ending in CRLF
	sed -e 's/\r$//' -e 's/^\./../' -e 's/$/\r/' "$1"
	[ -z "$(tail -c 1 "$1")" ] || printf '\r\n'
}

ev_smtp() {
	local port=$1 id=$2 addr=${3:-} line n i l2 buf f last tmp
	exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
	{
		_ev_reply
		if [ -n "$addr" ]; then
			_ev_send "EHLO xclient.example" >/dev/null
			_ev_send "XCLIENT ADDR=$addr NAME=[UNAVAILABLE]"
		fi
		while IFS= read -r line; do
			case $line in
			"PIPE "*)
				n=${line#PIPE }
				buf=""
				for ((i = 0; i < n; i++)); do
					IFS= read -r l2
					buf+="$l2"$'\r\n'
					printf '>> %s\n' "$l2"
				done
				printf '%s' "$buf" >&3
				for ((i = 0; i < n; i++)); do _ev_reply || break; done
				;;
			"DATA "*)
				f=${line#DATA }
				last=$(_ev_send DATA)
				printf '%s\n' "$last"
				case $last in *"<< 354"*) ;; *) continue ;; esac
				_ev_crlf "$f" >&3
				printf '.\r\n' >&3
				printf '>> (message %s)\n' "$f"
				_ev_reply
				;;
			"BDAT "*)
				f=${line#BDAT }
				tmp=$(mktemp)
				{ sed -e 's/\r$//' -e 's/$/\r/' "$f"; [ -z "$(tail -c 1 "$f")" ] || printf '\r\n'; } >"$tmp"
				printf 'BDAT %s LAST\r\n' "$(stat -c %s "$tmp")" >&3
				cat "$tmp" >&3
				rm -f "$tmp"
				printf '>> BDAT %s LAST (message %s)\n' "$(stat -c %s "$f")" "$f"
				_ev_reply
				;;
			*) _ev_send "$line" ;;
			esac
		done
		_ev_send QUIT
	} >"$EV_OUT/$id" 2>&1
	exec 3>&-
	return 0
}

# ev_said ID TEXT: the session's transcript has TEXT (fixed string).
ev_said() { grep -Fq -- "$2" "$EV_OUT/$1"; }
# ev_count ID TEXT: how many lines of the transcript have TEXT.
ev_count() { grep -Fc -- "$2" "$EV_OUT/$1" || true; }

# ev_policies: a lax default (no HELO checks, spam only tagged) and strict
# domains (HELO checks enforced, spam rejected): a way past a strict domain
# is any input that lands on the default policy.
ev_policies() {
	dm_policy default '[helo]
mode = off
[spam]
reject_score = off
[replies]
help_url = https://mx.test.example.net/policy'
	local strict='[helo]
mode = enforce
[spam]
reject_score = 12'
	dm_policy vault.example "$strict"
	dm_policy "b$(printf '\303\274')cher.example" "$strict"
}

#!/bin/bash
# bench/report.sh - doorman-report's throughput against `grep -c reject` on the
# same file, side by side: a realistic mail log of ~1 GB (SIZE_MB) in /tmp,
# Postfix's lines and doorman's as they interleave in /var/log/mail.log
# (sessions accepted, scanned, refused by HELO/DNSBL/spam checks, shadow
# lines, close lines with DNS list outcomes, periodic counters), a week of
# BSD syslog time stamps.
#
# Both read the file from the page cache (it is read once before timing);
# each runs RUNS times (default 3) and the best run counts.
# Goal (issue 8): doorman-report's throughput >= 0.5 x grep's.
# Prints both rates, the ratio and MET or MISSED; removes the file.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
SIZE_MB=${SIZE_MB:-1024}
RUNS=${RUNS:-3}
report=$top_builddir/doorman-report
[ -x "$report" ] || { echo "bench/report.sh: build doorman-report first ($report)" >&2; exit 1; }

log=$(mktemp /tmp/doorman-report-bench.XXXXXX)
trap 'rm -f "$log" "$log.out"' EXIT

# One session per iteration: Postfix's lines and doorman's, ~2,000 bytes.
gen() {
	awk -v limit=$((SIZE_MB * 1024 * 1024)) 'BEGIN {
	srand(8);
	split("mail.example.org mx1.partner.example smtp.bulk.example out.relay.example senderdomain.local WIN-PC mail.spam.example nx.example.net [192.0.2.99] localhost", helos, " ");
	split("default default default new.example strict.example default", pols, " ");
	split("zen.example bl.example list.dnswl.example dead.example", zones, " ");
	t = 0; pid = 4000; q = 100000; bytes = 0;
	while (bytes < limit) {
		t += int(rand() * 3);
		day = 1 + int(t / 86400) % 7; s = t % 86400;
		ts = sprintf("Dec  %d %02d:%02d:%02d mx ", day, int(s / 3600), int(s / 60) % 60, s % 60);
		r = rand();
		ip = (r < 0.05) ? sprintf("2001:db8:%x::%x", int(rand() * 4096), int(rand() * 65536)) \
		               : sprintf("%d.%d.%d.%d", 192 + int(rand() * 12), int(rand() * 256), int(rand() * 256), 1 + int(rand() * 254));
		name = (rand() < 0.4) ? "unknown" : sprintf("host-%d.isp%d.example", int(rand() * 100000), int(rand() * 50));
		helo = (rand() < 0.6) ? helos[1 + int(rand() * 10)] : sprintf("mx%d.sender%d.example", int(rand() * 9), int(rand() * 5000));
		pol = pols[1 + int(rand() * 6)];
		qid = sprintf("4%XA%d", q++, pid);
		from = sprintf("user%d@sender%d.example", int(rand() * 1000), int(rand() * 5000));
		to = sprintf("rcpt%d@%s", int(rand() * 100), pol == "default" ? "d.example" : pol);
		dnsms = int(rand() * rand() * 800); zl = "-"; score = 0;
		if (rand() < 0.3) zl = zones[1 + int(rand() * 2)] "(" 1 + int(rand() * 3) ")";
		if (rand() < 0.02) zl = (zl == "-" ? "" : zl ",") "dead.example:timeout";
		out = ts "postfix/smtpd[" pid "]: connect from " name "[" ip "]\n";
		kind = rand();
		if (kind < 0.12) {
			out = out ts "doorman[812]: NOQUEUE: reject: RCPT from " name "[" ip "]: 554 5.7.1 <" helo ">: Helo command rejected: need fully-qualified hostname (not a fully-qualified domain name); from=<" from "> to=<" to "> helo=<" helo "> policy=" pol " check=helo_non_fqdn\n";
			out = out ts "postfix/smtpd[" pid "]: NOQUEUE: reject: RCPT from " name "[" ip "]: 554 5.7.1 <" to ">: Helo command rejected: need fully-qualified hostname; from=<" from "> to=<" to "> proto=ESMTP helo=<" helo ">\n";
			rej = 1; ok = 0;
		} else if (kind < 0.20) {
			out = out ts "doorman[812]: NOQUEUE: reject: RCPT from " name "[" ip "]: 554 5.7.1 Service unavailable; client [" ip "] blocked using zen.example; from=<" from "> to=<" to "> helo=<" helo "> policy=" pol " check=dnsbl\n";
			out = out ts "postfix/smtpd[" pid "]: NOQUEUE: reject: RCPT from " name "[" ip "]: 554 5.7.1 Service unavailable; client [" ip "] blocked using zen.example; from=<" from "> to=<" to "> proto=ESMTP helo=<" helo ">\n";
			rej = 1; ok = 0;
		} else if (kind < 0.24) {
			out = out ts "doorman[812]: NOQUEUE: shadow: would reject: RCPT from " name "[" ip "]: 554 5.7.1 <" helo ">: Helo command rejected: need fully-qualified hostname (reserved TLD .local); from=<" from "> to=<" to "> helo=<" helo "> policy=new.example check=helo_non_fqdn\n";
			rej = 0; ok = 1;
		} else {
			rej = 0; ok = 1;
		}
		if (ok) {
			score = int(rand() * rand() * 300) / 10 - 1;
			act = score >= 12 ? "reject" : score >= 5 ? "tag" : "pass";
			out = out ts "postfix/smtpd[" pid "]: " qid ": client=" name "[" ip "]\n";
			out = out ts "postfix/cleanup[" pid + 1 "]: " qid ": message-id=<" q "." int(rand() * 1e9) "@" "sender.example>\n";
			out = out ts "doorman[812]: " qid ": scan: client=" name "[" ip "] helo=<" helo "> from=<" from "> rcpts=1 policy=" pol " dnsbl=0 score=" sprintf("%.1f", score) "/5.0 action=" act " tests=BAYES_50,HTML_MESSAGE,SPF_PASS spamd=unix:/run/spamd.sock spamd_ms=" int(80 + rand() * rand() * 2000) " size=" int(2000 + rand() * 50000) " total_ms=" int(90 + rand() * 900) "\n";
			if (act != "reject") {
				out = out ts "postfix/qmgr[1200]: " qid ": from=<" from ">, size=" int(2000 + rand() * 50000) ", nrcpt=1 (queue active)\n";
				out = out ts "postfix/smtp[" pid + 2 "]: " qid ": to=<" to ">, relay=inbox.example[203.0.113.8]:25, delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 7F3A1)\n";
				out = out ts "postfix/qmgr[1200]: " qid ": removed\n";
			} else {
				out = out ts "postfix/cleanup[" pid + 1 "]: " qid ": milter-reject: END-OF-MESSAGE from " name "[" ip "]: 5.7.1 Message rejected as spam; from=<" from "> to=<" to "> proto=ESMTP helo=<" helo ">\n";
			}
		}
		out = out ts "doorman[812]: close: client=" name "[" ip "] helo=<" helo "> findings=none dns=found dnsbl=0 zones=" zl " rdns=ok dns_ms=" dnsms " wait_ms=" int(dnsms / 3) " msgs=1 rcpt_ok=" ok " rcpt_rejected=" rej " rcpt_deferred=0 total_ms=" int(100 + rand() * 3000) "\n";
		out = out ts "postfix/smtpd[" pid "]: disconnect from " name "[" ip "] ehlo=1 mail=1 rcpt=" ok "/1 data=" ok " quit=1 commands=" 4 + ok "\n";
		if (q % 1000 == 0)
			out = out ts "doorman[812]: spamd unix:/run/spamd.sock: requests=" q " failures=0 in_flight=1\n" ts "doorman[812]: dns cache: entries=900/10000 hits=" q " misses=" int(q / 3) " evictions=0\n";
		printf "%s", out;
		bytes += length(out);
		pid = 4000 + (pid + 7) % 30000;
	}
	}'
}

# Output goes to a file, not /dev/null: GNU grep stops at the first match
# when its output is /dev/null.
best() { # CMD... -> best wall time in seconds over RUNS runs
	local i t0 t1 b=""
	for ((i = 0; i < RUNS; i++)); do
		t0=$(date +%s.%N)
		"$@" >"$log.out"
		t1=$(date +%s.%N)
		b=$(awk -v a="$t0" -v z="$t1" -v b="$b" 'BEGIN { d = z - a; if (b == "" || d < b + 0) b = d; print b }')
	done
	echo "$b"
}

echo "generating ~${SIZE_MB} MB in $log ..."
gen >"$log"
bytes=$(stat -c %s "$log")
lines=$(wc -l <"$log")
cat "$log" >/dev/null
echo "file: $bytes bytes, $lines lines ($(grep -c 'doorman\[' "$log") of doorman)"
echo "grep -c reject: $(grep -c reject "$log") lines"

tg=$(best grep -c reject "$log")
tr=$(best "$report" "$log")
awk -v tg="$tg" -v tr="$tr" -v b="$bytes" 'BEGIN {
	mb = b / 1048576; ratio = tg / tr;
	printf "grep -c reject:  %.2f s, %.0f MB/s\n", tg, mb / tg;
	printf "doorman-report:  %.2f s, %.0f MB/s\n", tr, mb / tr;
	verdict = "MISSED"; if (ratio >= 0.5) verdict = "MET";
	printf "ratio (report throughput / grep throughput): %.2f, goal 0.50: %s\n", ratio, verdict;
}'
# peak memory: the high-water mark of the resident set, read just before exit
"$report" "$log" >/dev/null &
pid=$!
hwm=0
while kill -0 "$pid" 2>/dev/null; do
	h=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
	[ -n "$h" ] && hwm=$h
	sleep 0.05
done
wait "$pid"
echo "doorman-report peak RSS: ${hwm} KB (input ${bytes} bytes)"

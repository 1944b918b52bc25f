#!/bin/bash
# bench/faults.sh - run the fault suite (issue 9: tests/faults/, the quick
# cases of make check and make check-faults) and write its figures, with the
# machine, the versions, the command and the time it took, to
# bench/results/faults-DATE.txt (RESULTS=FILE to change). Needs a configured
# build tree (./configure); run as root, like the tests. RUN=0: only collect
# the figures from the logs of the last run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
RESULTS=${RESULTS:-$top/bench/results/faults-$(date -u +%Y-%m-%d).txt}
QUICK="tests/faults/spamd-bad.test tests/faults/hostile-milter.test"
t0=$(date +%s) t1=$t0 t2=$t0 rc=0
if [ "${RUN:-1}" = 1 ]; then
	make -j"$(nproc)" check TESTS="$QUICK" >/dev/null 2>&1 || echo "# quick fault tests failed: see tests/faults/*.log" >&2
	t1=$(date +%s)
	make -j"$(nproc)" check-faults >/dev/null 2>&1 || rc=$?
	t2=$(date +%s)
fi
{
	echo "# bench/faults.sh - $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "# machine: $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ { printf "%d GiB", $2 / 1048576 }' /proc/meminfo);" \
		"Debian $(cat /etc/debian_version); doorman $(git rev-parse --short HEAD 2>/dev/null || echo '?');" \
		"c-ares $(dpkg-query -W -f '${Version}' libc-ares2 2>/dev/null); libmilter $(dpkg-query -W -f '${Version}' libmilter1.0.1 2>/dev/null);" \
		"postfix $(dpkg-query -W -f '${Version}' postfix 2>/dev/null); spamd $(dpkg-query -W -f '${Version}' spamd 2>/dev/null); unbound $(dpkg-query -W -f '${Version}' unbound 2>/dev/null)"
	echo "# command: bench/faults.sh (make -j$(nproc) check TESTS='$QUICK'; make -j$(nproc) check-faults)"
	[ "${RUN:-1}" = 1 ] || echo "# (RUN=0: figures collected from the logs of an earlier run)"
	echo "# time: quick cases $((t1 - t0)) s, make check-faults $((t2 - t1)) s (exit $rc); load average now $(cut -d' ' -f1-3 /proc/loadavg)"
	for f in $QUICK $(sed -n 's/^FAULT_SLOW_TESTS = //p; /^\t*tests\/faults.*\.test/p' Makefile.am | tr -d '\\' | tr ' \t' '\n\n' | grep '^tests/faults/.*\.test$' | sort -u); do
		log=${f%.test}.log
		echo
		echo "== $f: $(sed -n 's/^:test-result: //p' "${f%.test}.trs" 2>/dev/null | head -1) ($(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" 2>/dev/null | tail -1))"
		grep -h '^figure: ' "$log" 2>/dev/null | sed 's/^figure: [^:]*: /  /'
		grep -h '^FAIL: ' "$log" 2>/dev/null | sed 's/^/  /'
	done
} | tee "$RESULTS"
exit "$rc"

#!/bin/sh
# make check: unit tests (ASan+UBSan build), the fuzz corpus replay, badhelo against glibc
# (tests/qregex_diff), then the integration
# suites with real tcpserver, swaks, dnsmasq and exim. Ends with "N passed, N failed".
B=${1:-build} S=${2:-build/san}
SUITES="run.sh dns.sh helostat.sh faults.sh"
out=$(mktemp) || exit 111
trap 'rm -f "$out"' EXIT
passed=0 failed=0

# count STATUS: adds the "N passed, N failed" of $out; a suite that failed without
# saying so counts as one failure.
count() {
  p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$out" | tail -1)
  f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$out" | tail -1)
  p=${p:-0} f=${f:-0}
  [ "$1" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  passed=$((passed + p)) failed=$((failed + f))
  echo "== $2: $p passed, $f failed"
}

echo "== unit tests ($S/unit_tests, ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1 "$S/unit_tests" --report_level=short --color_output=no >"$out" 2>&1
status=$?
cat "$out"
p=$(sed -n 's/^ *\([0-9]*\) test cases\{0,1\} out of [0-9]* passed.*/\1/p' "$out" | head -1)
f=$(sed -n 's/^ *\([0-9]*\) test cases\{0,1\} out of [0-9]* failed.*/\1/p' "$out" | head -1)
printf '%s passed, %s failed\n' "${p:-0}" "${f:-0}" >"$out"
count "$status" "unit tests"

echo "== the house plan: tests/layout.sh"
sh tests/layout.sh "$B" >"$out" 2>&1
status=$?
cat "$out"
count "$status" "layout"

if [ -x "$S/fuzz_replay" ]; then
  echo "== fuzz corpus replay"
  ASAN_OPTIONS=detect_leaks=1 "$S/fuzz_replay" tests/fuzz/corpus tests/fuzz/regressions >"$out" 2>&1
  status=$?
  cat "$out"
  if [ "$status" -eq 0 ]; then echo "1 passed, 0 failed" >"$out"; else echo "0 passed, 1 failed" >"$out"; fi
  count "$status" "fuzz replay"
fi

if [ -x "$B/qregex_diff/qregex_diff" ]; then
  echo "== badhelo against glibc: $B/qregex_diff/qregex_diff (each pattern line is a test)"
  "$B/qregex_diff/qregex_diff" >"$out" 2>&1
  status=$?
  grep -v '^left out: \|^gave up: ' "$out"
  count "$status" "qregex_diff"
fi

for suite in $SUITES; do
  echo "== integration: tests/integration/$suite"
  sh "tests/integration/$suite" "$B" "$S" >"$out" 2>&1
  status=$?
  cat "$out"
  count "$status" "$suite"
done

# The relay binary under valgrind (a dynamically linked build: valgrind cannot follow a
# static glibc's malloc), for the core suite; any report fails it. Missing, it fails too.
if ! command -v valgrind >/dev/null || ! [ -x "$B/dyn/helowrap" ]; then
  echo "== valgrind: cannot run: $(command -v valgrind >/dev/null || echo "no valgrind (apt-get install valgrind)") $([ -x "$B/dyn/helowrap" ] || echo "no $B/dyn/helowrap (make $B/dyn/helowrap)")"
  failed=$((failed + 1))
else
  echo "== integration under valgrind: tests/integration/run.sh"
  sh tests/valgrind-wrap.sh "$B/dyn" "$B/valgrind"
  HELOWRAP_COMM=memcheck-amd64- sh tests/integration/run.sh "$B" "$B/valgrind" >"$out" 2>&1
  status=$?
  cat "$out"
  count "$status" "run.sh under valgrind"
  echo "== integration under valgrind: tests/integration/faults.sh"
  VALGRIND=1 sh tests/integration/faults.sh "$B" "$S" >"$out" 2>&1
  status=$?
  cat "$out"
  count "$status" "faults.sh under valgrind"
  reports=$(find "$B/valgrind/logs" -type f -size +0)
  if [ -n "$reports" ]; then
    for r in $reports; do echo "--- $r"; cat "$r"; done
    failed=$((failed + 1))
    echo "== valgrind: reports above"
  else
    passed=$((passed + 1))
    echo "== valgrind: $(find "$B/valgrind/logs" -type f | wc -l) helowrap processes, no report"
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

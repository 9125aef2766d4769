#!/bin/sh
# make check: unit tests (ASan+UBSan build), then the integration suite with real
# tcpserver, swaks, dnsmasq and exim. Ends with one line "N passed, N failed".
B=${1:-build} S=${2:-build/san}
out=$(mktemp) || exit 111
trap 'rm -f "$out"' EXIT

echo "== unit tests ($S/unit_tests, ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1 "$S/unit_tests" --report_level=short --color_output=no >"$out" 2>&1
unit_status=$?
cat "$out"
unit_passed=$(sed -n 's/^ *\([0-9]*\) test cases\{0,1\} out of [0-9]* passed.*/\1/p' "$out" | head -1)
unit_failed=$(sed -n 's/^ *\([0-9]*\) test cases\{0,1\} out of [0-9]* failed.*/\1/p' "$out" | head -1)
unit_passed=${unit_passed:-0}
unit_failed=${unit_failed:-0}
[ "$unit_status" -ne 0 ] && [ "$unit_failed" -eq 0 ] && unit_failed=1  # crashed

echo "== integration tests"
sh tests/integration/run.sh "$B" "$S" >"$out" 2>&1
int_status=$?
cat "$out"
int_passed=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$out" | tail -1)
int_failed=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$out" | tail -1)
int_passed=${int_passed:-0}
int_failed=${int_failed:-0}
[ "$int_status" -ne 0 ] && [ "$int_failed" -eq 0 ] && int_failed=1

echo "== summary: unit $unit_passed passed, $unit_failed failed; integration $int_passed passed, $int_failed failed"
passed=$((unit_passed + int_passed))
failed=$((unit_failed + int_failed))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

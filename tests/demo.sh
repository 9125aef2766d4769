#!/usr/bin/env bash
# make demo: helowrap in front of qmailsim (a stand-in for qmail-smtpd) under
# tcpserver on a loopback port; one client that passes and one that badhelo
# blocks.  Usage: sh tests/demo.sh BUILD
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/lib.sh
. "$HERE/integration/lib.sh"

case ${1:-build} in /*) BUILD=$1 ;; *) BUILD=$PWD/${1:-build} ;; esac
HW=$BUILD/helowrap
QSIM=$BUILD/qmailsim
for f in "$HW" "$QSIM"; do
  [ -x "$f" ] || { echo "demo: missing $f (make all build/qmailsim)" >&2; exit 1; }
done
unset NOBADHELO LOGREGEX HELO_DNS_CHECK NOHELODNSCHECK RELAYCLIENT

mk_tmp
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

CTL=$TMP/control
mkdir -p "$CTL"
printf '# names nobody should HELO with\n^localhost$\n# no dot at all\n!\\.\n' >"$CTL/badhelo"

heading() { printf '\n=== %s\n' "$*"; }

heading "control/badhelo"
sed 's/^/    /' "$CTL/badhelo"

srv_start demo env LOGREGEX=1 "$HW" -c "$CTL" "$QSIM" || exit 1
heading "server: tcpserver -RHl0 127.0.0.1 $PORT env LOGREGEX=1 helowrap -c control qmailsim"

heading "client 1: swaks --helo mail.example.org (passes)"
swaks_run "$TMP/good.out" --helo mail.example.org --from alice@example.org --to bob@example.org \
  --suppress-data --hide-informational
sed 's/^/    /' "$TMP/good.out"
echo "    (swaks exit $SWRC)"

heading "client 2: swaks --helo localhost --pipeline (blocked by badhelo)"
swaks_run "$TMP/bad.out" --helo localhost --from mallory@example.org --to bob@example.org,carol@example.org \
  --pipeline --suppress-data --hide-informational
sed 's/^/    /' "$TMP/bad.out"
echo "    (swaks exit $SWRC: no recipient accepted)"

wait_sessions 10
srv_stop

heading "helowrap's log (stderr; multilog would add a timestamp)"
grep -a '^helowrap: ' "$SRVLOG" | sed 's/^/    /'
echo

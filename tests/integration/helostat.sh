#!/usr/bin/env bash
# Integration tests of helostat and helocheck -b (the operator tools).
#
#   sh tests/integration/helostat.sh BUILD SAN
#
# The sample logs are made here from real sessions: swaks and a small perl client talk
# to tcpserver running SAN/helowrap (BUILD/helowrap when SAN has none) in front of
# BUILD/qmailsim, with the DNS checks asking a dnsmasq of our own on 127.0.0.1, and
# tcpserver's stderr goes through a real multilog t.  One log has $LOGHELO and
# $LOGREGEX and is rotated half-way (multilog's ALRM) and the rotated @*.s gzipped; the
# other is an old-style log (badhelo lines only).  A synthetic log of three days
# (306,007 lines, TAI64N and tai64nlocal stamps, malformed lines) checks exact counts,
# the time windows and the gzip and standard-input paths.  BUILD/helostat and
# BUILD/helocheck are the programs under test.
#
# Each case prints "ok - NAME" or "not ok - NAME" with "#" diagnostics; the last line is
# "N passed, N failed"; the exit status is 1 if any failed.  KEEP_TMP=1 keeps the
# temporary directory (the sample logs are in it).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/integration/lib.sh
. "$HERE/lib.sh"

BUILD=$(abspath "${1:-build}")
SAN=$(abspath "${2:-build/san}")
QSIM=$BUILD/qmailsim
HS=$BUILD/helostat
HC=$BUILD/helocheck
if [ -x "$SAN/helowrap" ]; then HW=$SAN/helowrap; else HW=$BUILD/helowrap; fi
PROVIDERS=$ROOT/tests/data/provider-helos.txt
DNSMASQ=${DNSMASQ:-/usr/sbin/dnsmasq}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1
unset NOBADHELO LOGREGEX LOGHELO HELO_DNS_CHECK NOHELODNSCHECK RELAYCLIENT TCPREMOTEIP \
  TCPLOCALIP TCPREMOTEHOST TCPLOCALHOST SMTPHELOHOST DNSCACHEIP NSCACHEIP NAMESERVERS \
  RES_OPTIONS LOCALDOMAIN QMAILSIM_HOST QMAILSIM_EHLO_EXTRA QMAILSIM_EHLO_LAST \
  QMAILSIM_RECORD QMAILSIM_MSGDIR QMAILSIM_DIE_AFTER
export LC_ALL=C
export TZ=UTC0 # helostat shows local time: make it UTC here

mk_tmp
DNSPID=
stop_dns() {
  if [ -n "$DNSPID" ]; then
    kill -TERM "$DNSPID" 2>/dev/null
    wait "$DNSPID" 2>/dev/null
  fi
}
trap 'stop_dns; cleanup' EXIT
trap 'exit 130' INT TERM HUP

echo "# helostat: $HS"
echo "# helocheck: $HC"
echo "# helowrap: $HW"
echo "# tmp: $TMP"

# hs ARGS...: helostat with a time limit and no standard input unless given
hs() { timeout 120 "$HS" "$@"; }
# records TYPE FILE: the records of one type in helostat -t output
records() { grep -a "^$1	" "$2"; }
# same DESC FILE WANTFILE: FILE's lines are exactly WANTFILE's
same() {
  if ! diff -u "$3" "$2" >"$TMP/diff.out" 2>&1; then
    fail "$1 differs (- want, + got):"
    while IFS= read -r l; do DIAG+=("  $l"); done < <(head -n 30 "$TMP/diff.out")
  fi
}
want() { printf '%s\n' "$@" >"$TMP/want"; }
wants() { printf '%s\n' "$@" | sort >"$TMP/want"; } # the same, sorted

# --- dnsmasq ----------------------------------------------------------------------------
start_dns() {
  local try port user=()
  [ "$(id -u)" = 0 ] && user=(--user=root --group=root)
  for try in $(seq 1 20); do
    : "attempt $try"
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    : >"$TMP/dnsmasq.log"
    "$DNSMASQ" --keep-in-foreground --no-resolv --no-hosts --conf-file=/dev/null \
      --bind-interfaces --listen-address=127.0.0.1 --port="$port" --pid-file= "${user[@]}" \
      --local=/test/ --log-facility="$TMP/dnsmasq.log" \
      --host-record=a4.test,127.0.0.1 --host-record=mail.bigcompany.test,127.0.0.1 \
      --host-record=other.test,192.0.2.1 \
      </dev/null >"$TMP/dnsmasq.out" 2>&1 &
    DNSPID=$!
    for _ in $(seq 1 100); do
      kill -0 "$DNSPID" 2>/dev/null || break
      if grep -aq 'using only locally-known addresses for test' "$TMP/dnsmasq.log"; then
        DNSPORT=$port
        return 0
      fi
      sleep 0.05
    done
    kill -TERM "$DNSPID" 2>/dev/null
    wait "$DNSPID" 2>/dev/null
    DNSPID=
  done
  return 1
}

# --- the sample logs from real sessions --------------------------------------------------
CTL=$TMP/control
mkdir -p "$CTL"
printf '# installed\n^bad\\.\n^unused\\.example$\n!\\.\n' >"$CTL/badhelo"
LOGA=$TMP/log-a
LOGB=$TMP/log-b
LONG=$(head -c 17000 /dev/zero | tr '\0' a)
A64=$(head -c 64 /dev/zero | tr '\0' a)
SETUP_OK=1

helo_session() { # helo_session NAME: a swaks client with two recipients
  swaks_run "$TMP/swaks.out" --helo "$1" --from a@example.org --to x@example.org,y@example.org \
    --suppress-data --hide-all
}

multilog_pid() { # the multilog of the server started last
  local job=${SRV_JOBS[-1]}
  if [ "$(cat "/proc/$job/comm" 2>/dev/null)" = multilog ]; then echo "$job"; else pgrep -P "$job" -x multilog; fi
}

rotate() { # rotate DIR: multilog makes current an @*.s file now (ALRM)
  local ml i
  ml=$(multilog_pid)
  [ -n "$ml" ] || return 1
  kill -ALRM "$ml" || return 1
  for i in $(seq 1 100); do
    ls "$1"/@*.s >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}

make_logs() {
  start_dns || { echo "# cannot start dnsmasq"; return 1; }
  srv_start a --multilog "$LOGA" env LOGHELO= LOGREGEX= HELO_DNS_CHECK=BL NSCACHEIP=127.0.0.1 \
    "RES_OPTIONS=port:$DNSPORT" "$HW" -c "$CTL" "$QSIM" || return 1
  local n
  for n in a4.test a4.test a4.test bad.example nodot other.test mail.bigcompany.test; do
    helo_session "$n"
  done
  wait_sessions_in "$LOGA/current" 20 || return 1
  rotate "$LOGA" || { echo "# multilog did not rotate"; return 1; }
  for n in bad.example nx.test x_y.test '[127.0.0.1]'; do
    helo_session "$n"
  done
  rawc "$TMP/nohelo.out" 's:MAIL FROM:<a@example.org>\r\n' r 's:RCPT TO:<x@example.org>\r\n' r \
    's:QUIT\r\n' r
  rawc "$TMP/long.out" "s:EHLO $LONG\\r\\n" r 's:MAIL FROM:<a@example.org>\r\n' r \
    's:RCPT TO:<x@example.org>\r\n' r 's:QUIT\r\n' r
  wait_sessions_in "$LOGA/current" 20 || return 1
  srv_stop
  local s
  s=$(ls "$LOGA"/@*.s)
  gzip -c "$s" >"$TMP/rotated.gz" && mv -f "$TMP/rotated.gz" "$s" || return 1

  srv_start b --multilog "$LOGB" "$HW" -c "$CTL" "$QSIM" || return 1
  helo_session bad.example
  helo_session good.example.org
  wait_sessions_in "$LOGB/current" 20 || return 1
  srv_stop
}

if ! make_logs; then
  SETUP_OK=0
  echo "# could not make the sample logs"
fi

# --- cases on the sample logs ---------------------------------------------------------
need_setup() {
  [ "$SETUP_OK" = 1 ] || fail "no sample logs (dnsmasq, tcpserver or multilog failed)"
  [ -x "$HS" ] || fail "missing $HS"
  [ "$SETUP_OK" = 1 ] && [ -x "$HS" ]
}

case_real_names() {
  begin "helostat: HELO names of real sessions, over a gzipped @*.s and current"
  if need_setup; then
    hs -t "$LOGA" </dev/null >"$TMP/a.tab" 2>"$TMP/a.err"
    expect_eq "exit status" "$?" 0
    check "the rotated file is gzip" eq "$(head -c 2 "$LOGA"/@*.s | od -An -tx1 | tr -d ' ')" 1f8b
    records helo "$TMP/a.tab" >"$TMP/got"
    want "helo	3	0	a4.test	127.0.0.1" \
      "helo	2	2	bad.example	127.0.0.1	badhelo ^bad\\.	2" \
      "helo	1	1	[127.0.0.1]	127.0.0.1	N	1" \
      "helo	1	1	$A64	127.0.0.1	badhelo (longer than 16384 bytes)	1" \
      "helo	1	1	nodot	127.0.0.1	badhelo !\\.	1" \
      "helo	1	1	nx.test	127.0.0.1	A	1" \
      "helo	1	1	other.test	127.0.0.1	B	1" \
      "helo	1	1	x_y.test	127.0.0.1	G	1" \
      "helo	1	0	mail.bigcompany.test	127.0.0.1"
    same "helo records" "$TMP/got" "$TMP/want"
    check "no malformed, none outside" eq "$(records stats "$TMP/a.tab" | cut -f4,6)" "0	0"
    check "stderr empty" eq "$(cat "$TMP/a.err")" ""
    show "$TMP/a.tab" "$LOGA/current"
  fi
  finish
}

case_real_refused() {
  begin "helostat: refused clients and rules of real sessions, -c lists the idle pattern"
  if need_setup; then
    hs -t -c "$CTL" "$LOGA" </dev/null >"$TMP/a.tab" 2>&1
    records refused "$TMP/a.tab" | cut -f4- | sort >"$TMP/got"
    wants "127.0.0.1	$A64	badhelo (longer than 16384 bytes)	1	1" \
      "127.0.0.1	(unknown)	nohelo	1	1" \
      "127.0.0.1	[127.0.0.1]	N	1	2" \
      "127.0.0.1	bad.example	badhelo ^bad\\.	2	4" \
      "127.0.0.1	nodot	badhelo !\\.	1	2" \
      "127.0.0.1	nx.test	A	1	2" \
      "127.0.0.1	other.test	B	1	2" \
      "127.0.0.1	x_y.test	G	1	2"
    same "refused records" "$TMP/got" "$TMP/want"
    records rule "$TMP/a.tab" >"$TMP/got"
    want "rule	4	0	0	-	ok" "rule	1	1	2	-	G" "rule	1	1	2	-	A" "rule	1	1	2	-	N" \
      "rule	1	1	2	-	B" "rule	0	1	1	-	nohelo" "rule	2	2	4	2	badhelo ^bad\\." \
      "rule	0	0	0	3	badhelo ^unused\\.example\$" "rule	1	1	2	4	badhelo !\\." \
      "rule	1	1	1	-	badhelo (longer than 16384 bytes)"
    same "rule records" "$TMP/got" "$TMP/want"
    records refused "$TMP/a.tab" | cut -f2,3 | grep -avc '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9:]\{8\}	[0-9]\{4\}-' >"$TMP/n"
    check "every refusal has its times" eq "$(cat "$TMP/n")" 0
    hs -c "$CTL" "$LOGA" </dev/null >"$TMP/a.txt" 2>&1
    check "table: the idle pattern never matched" has "$TMP/a.txt" '^ +badhelo \^unused\\\.example\$ \(line 3\) +0 +0 +0 +never matched$'
    check "table: bar chart" has "$TMP/a.txt" '^ +3  #{20} +0  a4\.test +127\.0\.0\.1$'
    check "table: refused client" has "$TMP/a.txt" '^  [0-9-]{10} [0-9:]{8}  127\.0\.0\.1 +2 +4  bad\.example +badhelo \^bad\\\. \(line 2\)$'
    show "$TMP/a.txt"
  fi
  finish
}

case_old_log() {
  begin "helostat: an old-style log (no \$LOGHELO, no \$LOGREGEX) ranks by refusals"
  if need_setup; then
    hs -t "$LOGB" </dev/null >"$TMP/b.tab" 2>&1
    want "helo	1	1	bad.example	127.0.0.1	badhelo	1" \
      "rule	0	1	2	-	badhelo"
    grep -aE '^(helo|rule)	' "$TMP/b.tab" >"$TMP/got"
    same "records" "$TMP/got" "$TMP/want"
    check "refused record" eq "$(records refused "$TMP/b.tab" | cut -f4-)" "127.0.0.1	bad.example	badhelo	1	2"
    hs "$LOGB" </dev/null >"$TMP/b.txt" 2>&1
    check "table says the patterns are not logged" has "$TMP/b.txt" 'do not say which pattern matched: set \$LOGREGEX or \$LOGHELO'
    check "table ranks by refusals" has "$TMP/b.txt" '^HELO names by connections refused'
    show "$TMP/b.txt"
  fi
  finish
}

case_inputs() {
  begin "helostat: files, stdin, tai64nlocal, gzip on a pipe, two directories"
  if need_setup; then
    hs -t "$LOGA"/@*.s "$LOGA"/current </dev/null >"$TMP/files.tab" 2>&1
    hs -t "$LOGA" </dev/null >"$TMP/dir.tab" 2>&1
    check "files = directory" cmp -s "$TMP/files.tab" "$TMP/dir.tab"
    { gzip -dc "$LOGA"/@*.s; cat "$LOGA/current"; } | hs -t >"$TMP/stdin.tab" 2>&1
    check "stdin = directory" cmp -s "$TMP/stdin.tab" "$TMP/dir.tab"
    { gzip -dc "$LOGA"/@*.s; cat "$LOGA/current"; } | tai64nlocal | hs -t >"$TMP/local.tab" 2>&1
    check "tai64nlocal = tai64n" cmp -s "$TMP/local.tab" "$TMP/dir.tab"
    cat "$LOGA"/@*.s | hs -t -H >"$TMP/gzpipe.tab" 2>&1
    check "gzip on a pipe: the rotated file's names" eq "$(records helo "$TMP/gzpipe.tab" | cut -f2-4 | sort | tr '\n' ' ')" \
      "1	0	mail.bigcompany.test 1	1	bad.example 1	1	nodot 1	1	other.test 3	0	a4.test "
    hs -t "$LOGA" "$LOGB" </dev/null >"$TMP/ab.tab" 2>&1
    check "two directories: bad.example 3 times" eq "$(records helo "$TMP/ab.tab" | grep -a '	bad\.example	' | cut -f2,3)" "2	3"
    hs -t </dev/null >"$TMP/empty.tab" 2>&1
    expect_eq "empty stdin: exit" "$?" 0
    check "empty stdin: a stats record only" eq "$(cat "$TMP/empty.tab")" "stats	0	0	0	0	0	-	-"
    show "$TMP/dir.tab" "$TMP/local.tab"
  fi
  finish
}

case_errors() {
  begin "helostat: malformed lines counted, unreadable and damaged files skipped (111)"
  if need_setup; then
    { cat "$LOGA/current"
      printf '@4000000zzzzzzzzzzzzzzzzz helowrap: pid 1 from 1.2.3.4 helo: <x> ok\n'
      printf 'helowrap: pid 12 from 1.2.3.4 helo: <cut.example'
      printf '\nhelowrap: pid 12 from 1.2.3.4 badhelo: <a> at 9.9.9.9\n'
      head -c 70000 /dev/zero | tr '\0' x; printf '\n'
      printf 'helowrap: pid 13 from 1.2.3.4 helo: <after.example> ok\n'
    } >"$TMP/junk.log"
    hs -t "$TMP/junk.log" </dev/null >"$TMP/junk.tab" 2>"$TMP/junk.err"
    expect_eq "exit status" "$?" 0
    check "4 malformed" eq "$(records stats "$TMP/junk.tab" | cut -f4)" 4
    check "the line after them counted" has "$TMP/junk.tab" '^helo	1	0	after\.example	1\.2\.3\.4$'
    hs -t "$TMP/nonexistent" "$LOGA" </dev/null >"$TMP/miss.tab" 2>"$TMP/miss.err"
    expect_eq "missing file: exit status" "$?" 111
    check "missing file: diagnostic" eq "$(cat "$TMP/miss.err")" "helostat: warning: unable to open $TMP/nonexistent: No such file or directory"
    check "missing file: the rest reported" cmp -s "$TMP/miss.tab" "$TMP/dir.tab"
    head -c 200 "$LOGA"/@*.s >"$TMP/cut.gz"
    hs -t "$TMP/cut.gz" </dev/null >"$TMP/cut.tab" 2>"$TMP/cut.err"
    expect_eq "cut gzip: exit status" "$?" 111
    check "cut gzip: diagnostic" eq "$(cat "$TMP/cut.err")" "helostat: warning: $TMP/cut.gz: gzip data cut short: the lines up to there are counted"
    cp "$LOGA"/@*.s "$TMP/bad.gz" # with its CRC-32 (the 4 bytes before the last 4) zeroed
    head -c 4 /dev/zero | dd of="$TMP/bad.gz" bs=1 seek=$(($(wc -c <"$TMP/bad.gz") - 8)) conv=notrunc 2>/dev/null
    hs -t "$TMP/bad.gz" </dev/null >/dev/null 2>"$TMP/bad.err"
    expect_eq "damaged gzip: exit status" "$?" 111
    check "damaged gzip: diagnostic" eq "$(cat "$TMP/bad.err")" "helostat: warning: $TMP/bad.gz: damaged gzip data: incorrect data check"
    # without gzip in PATH: zlib reads it, nothing says "damaged"
    PATH=/nonexistent "$HS" -t "$LOGA"/@*.s </dev/null >"$TMP/nogzip.tab" 2>"$TMP/nogzip.err"
    expect_eq "no gzip in PATH: exit status" "$?" 0
    check "no gzip in PATH: nothing on stderr" eq "$(cat "$TMP/nogzip.err")" ""
    hs -q </dev/null >/dev/null 2>"$TMP/usage.err"
    expect_eq "bad option: exit" "$?" 100
    check "usage line" has "$TMP/usage.err" '^helostat: usage: helostat '
    hs -s tomorrow </dev/null >/dev/null 2>&1
    expect_eq "bad time: exit" "$?" 100
    hs -n x </dev/null >/dev/null 2>&1
    expect_eq "bad -n: exit" "$?" 100
    show "$TMP/junk.tab" "$TMP/junk.err" "$TMP/cut.err"
  fi
  finish
}

case_rotated() {
  begin "helostat DIR: @*.s.gz, @*.u, concatenated gzip members and current, in time order"
  if need_setup; then
    local d=$TMP/rotated l1=@400000006b048a1600000000 l2=@400000006b048a1700000000
    local l3=@400000006b048a1800000000 n
    mkdir -p "$d"
    gzip -dc "$LOGA"/@*.s >"$TMP/rot.all"
    n=$(wc -l <"$TMP/rot.all")
    # the rotated log in four parts, made newest first (readdir order proves nothing)
    cp "$LOGA/current" "$d/current"
    { sed -n "$((n / 2 + 1)),$((n * 3 / 4))p" "$TMP/rot.all" | gzip -c
      sed -n "$((n * 3 / 4 + 1)),\$p" "$TMP/rot.all" | gzip -c; } >"$d/$l3.s.gz" # 2 members
    sed -n "$((n / 4 + 1)),$((n / 2))p" "$TMP/rot.all" >"$d/$l2.u"
    sed -n "$((n / 4 + 1)),$((n / 2))p" "$TMP/rot.all" | gzip -c >"$d/$l2.u.gz" # gzip at work
    sed -n "1,$((n / 4))p" "$TMP/rot.all" | gzip -c >"$d/$l1.s.gz"
    : >"$d/lock"
    : >"$d/state"
    echo notes >"$d/notes.txt"
    hs -t "$d" </dev/null >"$TMP/rot.tab" 2>"$TMP/rot.err"
    expect_eq "exit status" "$?" 0
    check "= the original directory's report" cmp -s "$TMP/rot.tab" "$TMP/dir.tab"
    check "skipped files named" eq "$(cat "$TMP/rot.err")" \
      "helostat: warning: $d/$l2.u.gz skipped: $l2.u holds the same log (still being compressed?)
helostat: warning: $d/notes.txt skipped: not a multilog log file"
    { gzip -dc "$d/$l1.s.gz"; cat "$d/$l2.u"; gzip -dc "$d/$l3.s.gz"; cat "$d/current"; } |
      cmp -s - <({ cat "$TMP/rot.all" "$LOGA/current"; }) || fail "the parts do not make the log"
    show "$TMP/rot.tab" "$TMP/rot.err"
  fi
  finish
}

case_missing_control() {
  begin "helostat -c and helocheck -b: a -c directory that does not exist is an error"
  if need_setup; then
    hs -t -c "$TMP/no-such-control" "$LOGA" </dev/null >"$TMP/noctl.tab" 2>"$TMP/noctl.err"
    expect_eq "helostat: exit status" "$?" 111
    check "helostat: diagnostic" eq "$(cat "$TMP/noctl.err")" \
      "helostat: fatal: unable to read $TMP/no-such-control: No such file or directory"
    check "helostat: no report" eq "$(cat "$TMP/noctl.tab")" ""
    timeout 60 "$HC" -c "$TMP/no-such-control" -b - -w "$PROVIDERS" <"$TMP/dir.tab" >"$TMP/noctl.out" 2>"$TMP/noctl.err"
    expect_eq "helocheck -b: exit status" "$?" 111
    check "helocheck -b: diagnostic" eq "$(cat "$TMP/noctl.err")" \
      "helocheck: fatal: unable to read controls: $TMP/no-such-control: No such file or directory"
    check "helocheck -b: no verdicts" eq "$(cat "$TMP/noctl.out")" ""
    mkdir -p "$TMP/empty-control"
    timeout 60 "$HC" -c "$TMP/empty-control" -b - -w "$PROVIDERS" <"$TMP/dir.tab" >"$TMP/emptyctl.out" 2>&1
    expect_eq "helocheck -b, a directory without badhelo: exit status" "$?" 0
    check "helocheck -b, without badhelo: every name passes" has "$TMP/emptyctl.out" '^no patterns in .*: badhelo is off, every name passes$'
  fi
  finish
}

case_helocheck_ip() {
  begin "helocheck: an impossible client address is a usage error (100)"
  if [ -x "$HC" ]; then
    local ip rc
    for ip in 111.222.333.444 127.0.0.002 notanip 1.2.3 '' 192.0.2.1x; do
      HELO_DNS_CHECK=BL timeout 30 "$HC" -c "$CTL" mail.example.org "$ip" </dev/null >"$TMP/ip.out" 2>"$TMP/ip.err"
      rc=$?
      expect_eq "'$ip': exit status" "$rc" 100
      check "'$ip': usage line" eq "$(cat "$TMP/ip.err")" "helocheck: usage: not an IPv4 or IPv6 address: $ip"
      check "'$ip': no verdict" eq "$(cat "$TMP/ip.out")" ""
    done
    TCPREMOTEIP=111.222.333.444 timeout 30 "$HC" -c "$CTL" mail.example.org </dev/null >/dev/null 2>&1
    expect_eq "\$TCPREMOTEIP=111.222.333.444: exit status" "$?" 100
    for ip in 192.0.2.1 2001:db8::1 ::ffff:192.0.2.1; do
      timeout 30 "$HC" -c "$CTL" bad.example "$ip" </dev/null >"$TMP/ip.out" 2>&1
      expect_eq "'$ip': exit status" "$?" 0
      check "'$ip': badhelo verdict" has "$TMP/ip.out" '^reply to RCPT: 553 '
    done
  else
    fail "missing $HC"
  fi
  finish
}

case_real_window() {
  begin "helostat: -s today / -u yesterday on the real logs"
  if need_setup; then
    hs -t -s today "$LOGA" </dev/null >"$TMP/today.tab" 2>&1
    check "today: all" eq "$(records helo "$TMP/today.tab")" "$(records helo "$TMP/dir.tab")"
    hs -t -u yesterday "$LOGA" </dev/null >"$TMP/yday.tab" 2>&1
    check "until yesterday: no event counted" eq "$(records stats "$TMP/yday.tab" | cut -f3)" 0
    check "until yesterday: all outside" eq "$(records stats "$TMP/yday.tab" | cut -f6)" \
      "$(records stats "$TMP/dir.tab" | cut -f3)"
    check "until yesterday: no names" eq "$(records helo "$TMP/yday.tab" | wc -l)" 0
  fi
  finish
}

# --- the synthetic log ---------------------------------------------------------------
# Three days: the day before yesterday and yesterday with TAI64N stamps, today as
# tai64nlocal writes it (TZ is UTC). 30000 connections a day, one a second from midnight,
# pid 1000 + k % 20000, IP 192.0.2.(k % 250); by k % 10: 0-6 mx0..mx6.good.example (ok),
# 7 bad1.example (badhelo ^bad\., 2 RCPTs refused), 8 x_y.example (G, 1 RCPT),
# 9 nodot (badhelo !\., 1 RCPT); tcpserver's pid and end lines around each; 7 malformed
# lines at the end of the first day.
gen_synthetic() {
  perl -e '
    use strict; use warnings;
    my $now = time; my $today = $now - $now % 86400;
    sub tai { sprintf "@%016x%08x", 4611686018427387914 + $_[0], 0 }
    sub lstamp { my @t = gmtime $_[0];
      sprintf "%04d-%02d-%02d %02d:%02d:%02d.000000000", $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0] }
    my @names = map { "mx$_.good.example" } 0 .. 6;
    for my $d (0 .. 2) {
      my $base = $today - (2 - $d) * 86400;
      for my $k (0 .. 29999) {
        my $t = $base + $k; my $s = $d == 2 ? lstamp($t) : tai($t);
        my $pid = 1000 + $k % 20000; my $ip = "192.0.2." . ($k % 250);
        my $p = "$s helowrap: pid $pid from $ip ";
        my $c = $k % 10;
        print "$s tcpserver: pid $pid from $ip\n";
        if ($c < 7) { print "${p}helo: <$names[$c]> ok\n" }
        elsif ($c == 7) { print "${p}helo: <bad1.example> badhelo ^bad\\.\n",
          "${p}badhelo: <bad1.example> at $ip matches pattern: ^bad\\.\n" x 2 }
        elsif ($c == 8) { print "${p}helo: <x_y.example> G\n",
          "${p}blocked with: malformed HELO/EHLO hostname [$ip]\n" }
        else { print "${p}helo: <nodot> badhelo !\\.\n", "${p}badhelo: <nodot> at $ip\n" }
        print "$s tcpserver: end $pid status 0\n";
      }
      if ($d == 0) {
        print "\@4000000zzzzzzzzzzzzzzzzz helowrap: pid 1 from 1.2.3.4 helo: <x> ok\n",
          "\@40000000 helowrap: pid 1 from 1.2.3.4 helo: <x> ok\n",
          tai($base), "helowrap: pid 1 from 1.2.3.4 helo: <x> ok\n",
          "helowrap: pid x from 1.2.3.4 helo: <x> ok\n",
          "helowrap: pid 1 from 1.2.3.4 helo: <x>\n",
          "helowrap: pid 1 from 1.2.3.4 badhelo: <x> at 4.3.2.1\n",
          "CHKUSER accepted rcpt: from <a\@b::> remote <broken> rcpt <x\@y> : found\n";
      }
    }' >"$TMP/big.log"
}

day_of() { date -u -d "@$(($(date +%s) / 86400 * 86400 - $1 * 86400))" +%Y-%m-%d; }

case_synthetic() {
  begin "helostat: exact counts on a synthetic log of three days (306,007 lines)"
  if [ -x "$HS" ] && gen_synthetic; then
    hs -t "$TMP/big.log" </dev/null >"$TMP/big.tab" 2>"$TMP/big.err"
    expect_eq "exit status" "$?" 0
    check "lines" eq "$(wc -l <"$TMP/big.log")" 306007
    check "stats" eq "$(records stats "$TMP/big.tab" | cut -f2-6)" "306007	126000	7	180000	0"
    check "first time" eq "$(records stats "$TMP/big.tab" | cut -f7)" "$(day_of 2) 00:00:00"
    check "last time" eq "$(records stats "$TMP/big.tab" | cut -f8)" "$(day_of 0) 08:19:59"
    records helo "$TMP/big.tab" | head -n 3 >"$TMP/got"
    want "helo	9000	9000	bad1.example	192.0.2.247	badhelo ^bad\\.	9000" \
      "helo	9000	9000	nodot	192.0.2.249	badhelo !\\.	9000" \
      "helo	9000	9000	x_y.example	192.0.2.248	G	9000"
    same "top names" "$TMP/got" "$TMP/want"
    check "10 names" eq "$(records helo "$TMP/big.tab" | wc -l)" 10
    check "mx3" eq "$(records helo "$TMP/big.tab" | grep -a mx3 | cut -f2,3)" "9000	0"
    check "75 refused clients" eq "$(records refused "$TMP/big.tab" | wc -l)" 75
    check "one client" eq "$(records refused "$TMP/big.tab" | grep -a '	192\.0\.2\.7	' | cut -f4-)" \
      "192.0.2.7	bad1.example	badhelo ^bad\\.	360	720"
    records rule "$TMP/big.tab" >"$TMP/got"
    want "rule	63000	0	0	-	ok" "rule	9000	9000	9000	-	G" \
      "rule	9000	9000	9000	-	badhelo !\\." "rule	9000	9000	18000	-	badhelo ^bad\\."
    same "rules" "$TMP/got" "$TMP/want"
    hs -t -n 3 "$TMP/big.log" </dev/null >"$TMP/n3.tab" 2>&1
    check "-n 3: 3 names" eq "$(records helo "$TMP/n3.tab" | wc -l)" 3
    check "-n 3: 3 clients" eq "$(records refused "$TMP/n3.tab" | wc -l)" 3
    check "-n 3: the most recent" eq "$(records refused "$TMP/n3.tab" | head -n 1 | cut -f3)" "$(day_of 0) 08:19:59"
    hs -n 0 "$TMP/big.log" </dev/null >"$TMP/big.txt" 2>&1
    check "table: all 75 clients" has "$TMP/big.txt" '^Refused clients, most recent first: 75$'
    check "table: malformed" has "$TMP/big.txt" '^helostat: 306007 lines: 126000 counted, 180000 other, 7 malformed \(skipped\)$'
    show "$TMP/big.err" "$TMP/big.txt"
  else
    fail "cannot generate the synthetic log or no $HS"
  fi
  finish
}

case_synthetic_windows() {
  begin "helostat: -s/-u windows: dates, times, today, yesterday, year"
  if [ -s "$TMP/big.log" ]; then
    mx0() { hs -t -H "$@" "$TMP/big.log" </dev/null | grep -a '	mx0\.good\.example	' | cut -f2; }
    check "-s today" eq "$(mx0 -s today)" 3000
    check "-s yesterday -u yesterday" eq "$(mx0 -s yesterday -u yesterday)" 3000
    check "-u yesterday" eq "$(mx0 -u yesterday)" 6000
    check "-s yesterday" eq "$(mx0 -s yesterday)" 6000
    check "-s DAY -u DAY" eq "$(mx0 -s "$(day_of 2)" -u "$(day_of 2)")" 3000
    check "-s 'DAY 04:00' (in tai64nlocal part)" eq "$(mx0 -s "$(day_of 0) 04:00")" \
      "$((3000 - 14400 / 10))"
    check "-s 'DAY HH:MM:SS' -u 'DAY HH:MM:SS'" eq "$(mx0 -s "$(day_of 1) 00:00:00" -u "$(day_of 1) 00:00:09")" 1
    check "-u 'DAY HH:MM' ends with that minute" eq "$(mx0 -u "$(day_of 2) 00:00")" 6
    local in_year=0 d
    for d in 0 1 2; do [ "$(day_of "$d" | cut -c1-4)" = "$(date -u +%Y)" ] && in_year=$((in_year + 3000)); done
    check "-s year" eq "$(mx0 -s year)" "$in_year"
    hs -t -s today "$TMP/big.log" </dev/null >"$TMP/w.tab"
    check "-s today: outside" eq "$(records stats "$TMP/w.tab" | cut -f3,6)" "42000	84000"
  else
    fail "no synthetic log"
  fi
  finish
}

case_synthetic_gzip() {
  begin "helostat: gzip input (file, redirected stdin, pipe) = plain input"
  if [ -s "$TMP/big.tab" ]; then
    gzip -c "$TMP/big.log" >"$TMP/big.gz"
    hs -t "$TMP/big.gz" </dev/null >"$TMP/gz.tab" 2>&1
    check "file" cmp -s "$TMP/gz.tab" "$TMP/big.tab"
    hs -t <"$TMP/big.gz" >"$TMP/gz2.tab" 2>&1
    check "redirected stdin" cmp -s "$TMP/gz2.tab" "$TMP/big.tab"
    cat "$TMP/big.gz" | hs -t >"$TMP/gz3.tab" 2>&1
    check "pipe" cmp -s "$TMP/gz3.tab" "$TMP/big.tab"
    show "$TMP/gz3.tab"
  else
    fail "no synthetic log report"
  fi
  finish
}

case_chkuser() {
  begin "helostat: qmail-smtpd/chkuser remote <HELO:HOST:IP> lines"
  if [ -x "$HS" ]; then
    {
      for i in 1 2 3; do
        printf '@400000006b048a1604b99a34 CHKUSER accepted rcpt: from <a@b.example::> remote <mail.example.org:mail.example.org:192.0.2.1> rcpt <x%s@example.com> : found existing recipient\n' "$i"
      done
      printf '@400000006b048a1604b99a35 CHKUSER accepted sender: from <s@x.example::> remote <[IPv6:2001:db8::5]::2001:db8::5> rcpt <> : sender accepted\n'
      printf '@400000006b048a1604b99a36 CHKUSER rejected rcpt: from <a@b::> remote <mail.example.org:mail.example.org:192.0.2.2> rcpt <nobody@example.com> : not existing recipient\n'
      printf '@400000006b048a1604b99a36 CHKUSER accepted rcpt: from <a@b::> remote <nocolon> rcpt <x@y> : found\n'
    } | hs -t >"$TMP/chk.tab" 2>&1
    want "helo	4	0	mail.example.org	192.0.2.2" "helo	1	0	[IPv6:2001:db8::5]	2001:db8::5"
    records helo "$TMP/chk.tab" >"$TMP/got"
    same "helo records" "$TMP/got" "$TMP/want"
    check "one malformed" eq "$(records stats "$TMP/chk.tab" | cut -f4)" 1
  else
    fail "missing $HS"
  fi
  finish
}

# --- helocheck -b ------------------------------------------------------------------------
case_whatif() {
  begin "helocheck -b: a careless 'mail' line in a candidate badhelo is flagged"
  if need_setup; then
    local cand=$TMP/candidate
    mkdir -p "$cand"
    printf '# candidate\n^bad\\.\nmail\n([\n!\\.\n' >"$cand/badhelo"
    hs -t "$LOGA" </dev/null | timeout 60 "$HC" -c "$cand" -b - -w "$PROVIDERS" >"$TMP/whatif.out" 2>&1
    expect_eq "exit status" "${PIPESTATUS[1]}" 0
    check "mail.bigcompany.test refused by line 3" has "$TMP/whatif.out" '^refused  mail\.bigcompany\.test  \(badhelo line 3: mail\)$'
    check "a4.test passes" has "$TMP/whatif.out" '^ok       a4\.test$'
    check "each name once" eq "$(grep -ac '  bad\.example  ' "$TMP/whatif.out")" 1
    check "summary" has "$TMP/whatif.out" '^summary: 9 distinct names, 4 refused \(44%\), badhelo only \(no DNS checks\)$'
    check "provider warning" has "$TMP/whatif.out" "^warning: badhelo line 3: mail: matches mail-yw1-f169\\.google\\.com, a large provider's HELO name \\(and [0-9]+ more in the list\\)$"
    check "share warning" has "$TMP/whatif.out" '^warning: badhelo line 3: mail: matches 11% of the names seen \(1 of 9; more than 10%\)$'
    check "invalid line reported with its number" has "$TMP/whatif.out" '^warning: badhelo: invalid pattern on line 4 \(Invalid regular expression\): \(\[$'
    local qr=$TMP/qregex
    mkdir -p "$qr"
    printf 'dsl-\\d+\n!\\d\na{ 1}\n[[:ALPHA:]]\n' >"$qr/badhelo"
    printf 'dsl-42.example\nmail.example.com\n' | timeout 60 "$HC" -c "$qr" -b - -w "$PROVIDERS" -p 100 >"$TMP/qregex.out" 2>&1
    check "qregex meaning: !\\d refuses everyone" has "$TMP/qregex.out" '^refused  mail\.example\.com  \(badhelo line 2: !\\d\)$'
    check "qregex meaning: \\d never matches" has "$TMP/qregex.out" '^warning: badhelo line 1: dsl-\\d\+: \\d never matches under qregex: write \[0-9\]$'
    check "qregex meaning: ! line refuses all" has "$TMP/qregex.out" '^warning: badhelo line 2: !\\d: this ! line refuses every client$'
    check "qregex meaning: a{ 1} invalid" has "$TMP/qregex.out" '^warning: badhelo: invalid pattern on line 3 \(Invalid content of \\\{\\\}\): a\{ 1\}$'
    check "qregex meaning: [[:ALPHA:]] invalid" has "$TMP/qregex.out" '^warning: badhelo: invalid pattern on line 4 \(Invalid character class name\): \[\[:ALPHA:\]\]$'
    timeout 60 "$HC" -c "$CTL" -b - -w "$PROVIDERS" -p 50 <"$TMP/a.tab" >"$TMP/installed.out" 2>&1
    check "installed badhelo: no warning" hasnt "$TMP/installed.out" '^warning'
    check "installed badhelo: idle line" has "$TMP/installed.out" '^  badhelo line 3: \^unused\\\.example\$: refuses 0 \(0%\)$'
    printf 'mail.example.net 192.0.2.1\n# comment\n\nsmtp.example.com\n' >"$TMP/names"
    timeout 60 "$HC" -c "$cand" -b "$TMP/names" -w "$PROVIDERS" -p 60 </dev/null >"$TMP/names.out" 2>&1
    check "NAME IP lines" eq "$(grep -a '^refused\|^ok' "$TMP/names.out" | tr -s ' ' | tr '\n' '|')" \
      "refused mail.example.net (badhelo line 3: mail)|ok smtp.example.com|"
    timeout 60 "$HC" -b "$TMP/names" x </dev/null >/dev/null 2>&1
    expect_eq "-b with a name: usage" "$?" 100
    timeout 60 "$HC" -c "$cand" -b "$TMP/names" -w "$TMP/nonexistent" </dev/null >/dev/null 2>&1
    expect_eq "-w missing: 111" "$?" 111
    show "$TMP/whatif.out"
  fi
  finish
}

for c in real_names real_refused old_log inputs errors rotated missing_control real_window \
  synthetic synthetic_windows synthetic_gzip chkuser whatif helocheck_ip; do
  "case_$c"
done

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]

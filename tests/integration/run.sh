#!/usr/bin/env bash
# Integration tests for helowrap: real clients (swaks, a raw perl client) and
# real servers (qmailsim, exim4) on loopback under tcpserver.
#
#   sh tests/integration/run.sh BUILD SAN
#
# BUILD/qmailsim is the test server, SAN/helowrap (ASan+UBSan) the program
# under test (BUILD/helowrap when SAN has none; $HELOWRAP overrides), and
# BUILD/helowrap (release) is used for the memory measurement.  Each case
# prints "ok - NAME" or "not ok - NAME" with "#" diagnostics; the last line is
# "N passed, N failed".  KEEP_TMP=1 keeps the temporary directory.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/lib.sh
. "$HERE/lib.sh"

BUILD=$(abspath "${1:-build}")
SAN=$(abspath "${2:-build/san}")
QSIM=$BUILD/qmailsim
if [ -n "${HELOWRAP:-}" ]; then
  HW=$(abspath "$HELOWRAP")
elif [ -x "$SAN/helowrap" ]; then
  HW=$SAN/helowrap
else
  HW=$BUILD/helowrap
fi
HWREL=$BUILD/helowrap
[ -x "$HWREL" ] || HWREL=$HW

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1
# The tests set what they need; nothing from the caller's environment.
unset NOBADHELO LOGREGEX HELO_DNS_CHECK NOHELODNSCHECK RELAYCLIENT TCPREMOTEIP \
  TCPLOCALIP TCPREMOTEHOST TCPLOCALHOST SMTPHELOHOST DNSCACHEIP NSCACHEIP \
  NAMESERVERS RES_OPTIONS QMAILSIM_HOST QMAILSIM_EHLO_EXTRA QMAILSIM_EHLO_LAST \
  QMAILSIM_RECORD QMAILSIM_MSGDIR QMAILSIM_DIE_AFTER
export LC_ALL=C

mk_tmp
trap 'exim_cleanup; cleanup' EXIT
trap 'exit 130' INT TERM HUP

echo "# helowrap: $HW"
echo "# qmailsim: $QSIM"
echo "# tmp: $TMP"

# Control directories.
CTL=$TMP/ctl # ^bad\.  and  !\.
mkdir -p "$CTL"
printf '# helowrap tests\n^bad\\.\n\n!\\.\n' >"$CTL/badhelo"
CTLNEG=$TMP/ctl-neg # only !\.
mkdir -p "$CTLNEG"
printf '!\\.\n' >"$CTLNEG/badhelo"
CTLNONE=$TMP/ctl-none # no badhelo
mkdir -p "$CTLNONE"
CTLCOMM=$TMP/ctl-comments # comments and blank lines only
mkdir -p "$CTLCOMM"
printf '# nothing here\n\n   \n\t\n#^bad\\.\n' >"$CTLCOMM/badhelo"
CTLDIR=$TMP/ctl-unreadable # badhelo is a directory
mkdir -p "$CTLDIR/badhelo"
CTLBADRE=$TMP/ctl-badre # an invalid pattern first
mkdir -p "$CTLBADRE"
printf '([\n^bad\\.   \t\n' >"$CTLBADRE/badhelo"

DENIED='553 sorry, your HELO host name has been denied (#5.7.1)'
DENIED_RE='553 sorry, your HELO host name has been denied \(#5\.7\.1\)'

have_bins() {
  local ok=0
  [ -x "$QSIM" ] || { fail "missing $QSIM (make build/qmailsim)"; ok=1; }
  [ -x "$HW" ] || { fail "missing $HW"; ok=1; }
  return $ok
}

# fixed whole-line count
cntx() { grep -aFxc -- "$2" "$1" 2>/dev/null; }

# the pid of the (only, or Nth) session in $SRVLOG
session_pid() { sed -n 's/^tcpserver: pid \([0-9]*\) from .*/\1/p' "$SRVLOG" | sed -n "${1:-1}p"; }

# exit status of the session with pid $1, from tcpserver's log (which has the
# raw wait status: exit code * 256, or the signal number)
session_status() {
  local w
  w=$(sed -n "s/^tcpserver: end $1 status \\([0-9]*\\)\$/\\1/p" "$SRVLOG")
  case $w in
    '') ;;
    *) if [ $((w % 256)) = 0 ]; then echo $((w / 256)); else echo "signal $((w % 128))"; fi ;;
  esac
}

nmsgs() { find "$1" -maxdepth 1 -name 'msg.*' ! -name '*.tmp' 2>/dev/null | wc -l; }

# the log lines of helowrap (not tcpserver's)
hwlines() { grep -a -v '^tcpserver: ' "$1" 2>/dev/null; }

# no_cntrl LOG: helowrap's log lines have no control characters
no_cntrl() { ! hwlines "$1" | tr -d '\n' | grep -aq '[[:cntrl:]]'; }

sessions_end() { wait_sessions 10 || fail "session(s) did not end within 10 s (helowrap hangs?)"; }

# ---------------------------------------------------------------------------
case_0() {
  begin "0. qmailsim answers like qmail-smtpd (no helowrap)"
  [ -x "$QSIM" ] || { fail "missing $QSIM"; finish; return; }
  local d=$TMP/0
  mkdir -p "$d/msg"
  srv_start q0 env QMAILSIM_RECORD="$d/rec" QMAILSIM_MSGDIR="$d/msg" QMAILSIM_EHLO_EXTRA='SIZE 1000' "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/out" r 's:EHLO x.example\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@notours.test>\r\nDATA\r\nRCPT TO:<b@y>\r\nDATA\r\n' r r r r r r \
    's:..one\r\n.\r\nRCPT TO:<c@y>\r\nhelo\0junk\r\nVRFY x\r\nHELP\r\nRSET\r\nSTARTTLS\r\nNOOP\r\nQUIT\r\n' e
  sessions_end
  srv_stop
  expect_eq "replies" "$(codes "$d/out")" "220 250 250 553 503 250 354 250 503 250 252 214 250 502 250 221"
  check "EHLO reply" has "$d/out" $'^250-qmailsim.test\r$'
  check "EHLO SIZE" has "$d/out" $'^250-SIZE 1000\r$'
  check "EHLO last" has "$d/out" $'^250 8BITMIME\r$'
  check "message stored unstuffed" cmp -s <(cat "$d"/msg/msg.* 2>/dev/null) <(printf '.one\r\n')
  check "record has all bytes" has "$d/rec" 'STARTTLS'
  expect_eq "exit status" "$(session_status "$(session_pid)")" 0
  show "$d/out" "$SRVLOG"
  finish
}

# ---------------------------------------------------------------------------
case_a() {
  begin "a. good HELO: message accepted, stored byte for byte (with and without PIPELINING)"
  have_bins || { finish; return; }
  local d=$TMP/a mode ref got
  mkdir -p "$d/ref"
  {
    printf 'Subject: helowrap test\nFrom: a@example.org\nTo: b@example.org\n\n'
    printf '.leading dot\n..two leading dots\n.\n. dot space\n'
    printf '8-bit: caf\xc3\xa9 \xe9 \xff\n'
    head -c 2000 /dev/zero | tr '\0' x
    printf '\n\nlast line\n'
  } >"$d/data"
  perl -pe 's/\n/\r\n/' "$d/data" >"$d/expect"
  # reference: the same swaks session straight into qmailsim
  srv_start a-ref env QMAILSIM_MSGDIR="$d/ref" "$QSIM" || { fail "no server"; finish; return; }
  swaks_run "$d/ref.out" --helo mail.example.org --from a@example.org --to b@example.org --data "@$d/data"
  sessions_end
  srv_stop
  ref=$(find "$d/ref" -name 'msg.*' | head -n 1)
  { [ "$SWRC" = 0 ] && [ -n "$ref" ]; } || fail "reference session without helowrap failed (swaks exit $SWRC)"
  for mode in plain pipeline; do
    mkdir -p "$d/$mode"
    srv_start "a-$mode" env QMAILSIM_RECORD="$d/$mode/rec" QMAILSIM_MSGDIR="$d/$mode" "$HW" -c "$CTL" "$QSIM" || { fail "no server"; continue; }
    if [ $mode = pipeline ]; then
      swaks_run "$d/$mode.out" --helo mail.example.org --from a@example.org --to b@example.org,c@example.org --data "@$d/data" --pipeline
    else
      swaks_run "$d/$mode.out" --helo mail.example.org --from a@example.org --to b@example.org,c@example.org --data "@$d/data"
    fi
    sessions_end
    srv_stop
    expect_eq "$mode: swaks exit" "$SWRC" 0
    check "$mode: no error reply in the transcript" hasnt "$d/$mode.out" '^<\*\*'
    expect_eq "$mode: 250 ok for MAIL and 2 RCPT" "$(cnt "$d/$mode.out" '^<-  250 ok$')" 3
    check "$mode: 250 after end of data" has "$d/$mode.out" '^<-  250 ok 1700000000 qp [0-9]+$'
    expect_eq "$mode: messages stored" "$(nmsgs "$d/$mode")" 1
    got=$(find "$d/$mode" -name 'msg.*' | head -n 1)
    if [ -n "$got" ]; then
      [ -n "$ref" ] && { cmp -s "$got" "$ref" || fail "$mode: stored body differs from the one stored without helowrap"; }
      # swaks sends the file with CR LF line ends (and one more CR LF before the dot)
      if ! cmp -s "$got" "$d/expect" && ! cmp -s "$got" <(cat "$d/expect"; printf '\r\n'); then
        fail "$mode: stored body is not the data file with CR LF line ends"
        DIAG+=("  $(cmp "$got" "$d/expect" 2>&1)")
      fi
    fi
    check "$mode: nothing logged for an unblocked client" eq "$(hwlines "$SRVLOG")" ""
    san_clean "$SRVLOG"
    show "$d/$mode.out" "$SRVLOG"
  done
  finish
}

# ---------------------------------------------------------------------------
case_b() {
  begin "b. badhelo: each RCPT refused with 553, server gets NOOP, one log line per RCPT"
  have_bins || { finish; return; }
  local d=$TMP/b mode pid ml
  mkdir -p "$d/msg"
  for mode in plain pipeline; do
    srv_start "b-$mode" env QMAILSIM_RECORD="$d/$mode.rec" QMAILSIM_MSGDIR="$d/msg" "$HW" -c "$CTL" "$QSIM" || { fail "no server"; continue; }
    if [ $mode = pipeline ]; then
      swaks_run "$d/$mode.out" --helo bad.example.org --from a@example.org --to b@example.org,c@example.org,d@example.org --pipeline
    else
      swaks_run "$d/$mode.out" --helo bad.example.org --from a@example.org --to b@example.org,c@example.org,d@example.org
    fi
    sessions_end
    srv_stop
    expect_eq "$mode: swaks exit (24 = no RCPT accepted)" "$SWRC" 24
    expect_eq "$mode: 553 replies" "$(cnt "$d/$mode.out" "^<\*\* $DENIED_RE\$")" 3
    check "$mode: no message accepted" hasnt "$d/$mode.out" '250 ok 1700000000'
    expect_eq "$mode: RCPT lines reaching qmailsim" "$(count_verb "$d/$mode.rec" rcpt)" 0
    expect_eq "$mode: NOOP lines reaching qmailsim" "$(count_verb "$d/$mode.rec" noop)" 3
    pid=$(session_pid)
    expect_eq "$mode: log lines" "$(cntx "$SRVLOG" "helowrap: pid $pid from 127.0.0.1 badhelo: <bad.example.org> at 127.0.0.1")" 3
    expect_eq "$mode: other helowrap log lines" "$(hwlines "$SRVLOG" | grep -av 'badhelo: <bad.example.org>')" ""
    san_clean "$SRVLOG"
    show "$d/$mode.out" "$SRVLOG"
  done
  expect_eq "messages stored" "$(nmsgs "$d/msg")" 0

  # LOGREGEX, logged through multilog
  ml=$d/multilog
  if srv_start b-logregex --multilog "$ml" env LOGREGEX=1 QMAILSIM_RECORD="$d/lr.rec" "$HW" -c "$CTL" "$QSIM"; then
    swaks_run "$d/lr1.out" --helo bad.example.org --from a@example.org --to b@example.org
    swaks_run "$d/lr2.out" --helo dotless --from a@example.org --to b@example.org,c@example.org --pipeline
    wait_sessions_in "$ml/current" 10 || fail "logregex: sessions did not end"
    srv_stop
    tai64nlocal <"$ml/current" >"$d/ml.txt"
    cut -d' ' -f3- "$d/ml.txt" >"$d/ml.lines"
    expect_eq "logregex: swaks exits" "$SWRC" 24
    expect_eq "logregex: ^bad\\. line" "$(grep -ac "^helowrap: pid [0-9]* from 127\.0\.0\.1 badhelo: <bad\.example\.org> at 127\.0\.0\.1 matches pattern: \^bad\\\\\.\$" "$d/ml.lines")" 1
    expect_eq "logregex: !\\. lines" "$(grep -ac "^helowrap: pid [0-9]* from 127\.0\.0\.1 badhelo: <dotless> at 127\.0\.0\.1 matches pattern: !\\\\\.\$" "$d/ml.lines")" 2
    # the usual one-liner: pid and IP are fields 5 and 7 after tai64nlocal
    expect_eq "logregex: cut -d' ' -f 5,7" \
      "$(grep -a ' helowrap: ' "$d/ml.txt" | cut -d' ' -f 5,7 | sort -u | tr '\n' ' ')" \
      "$(sed -n 's/^.* tcpserver: pid \([0-9]*\) from \(.*\)$/\1 \2/p' "$d/ml.txt" | sort -u | tr '\n' ' ')"
    expect_eq "logregex: RCPT lines reaching qmailsim" "$(count_verb "$d/lr.rec" rcpt)" 0
    san_clean "$d/ml.txt"
    show "$d/lr2.out" "$d/ml.txt"
  else
    fail "no multilog server"
  fi
  finish
}

# ---------------------------------------------------------------------------
case_c() {
  begin "c. negated pattern !\\.: dotless HELO blocked, dotted not; no HELO is not judged"
  have_bins || { finish; return; }
  local d=$TMP/c
  mkdir -p "$d/msg"
  srv_start c env QMAILSIM_RECORD="$d/rec" QMAILSIM_MSGDIR="$d/msg" "$HW" -c "$CTLNEG" "$QSIM" || { fail "no server"; finish; return; }
  swaks_run "$d/dotless.out" --helo localhost --from a@example.org --to b@example.org
  local rc1=$SWRC
  swaks_run "$d/dotted.out" --helo mail.example.org --from a@example.org --to b@example.org
  local rc2=$SWRC
  rawc "$d/nohelo.out" r 's:MAIL FROM:<a@example.org>\r\n' r 's:RCPT TO:<b@example.org>\r\n' r 's:QUIT\r\n' e
  sessions_end
  srv_stop
  expect_eq "dotless: swaks exit" "$rc1" 24
  expect_eq "dotless: 553" "$(cnt "$d/dotless.out" "^<\*\* $DENIED_RE\$")" 1
  expect_eq "dotted: swaks exit" "$rc2" 0
  check "dotted: accepted" has "$d/dotted.out" '^<-  250 ok 1700000000 qp'
  expect_eq "no HELO: replies" "$(codes "$d/nohelo.out")" "220 250 250 221"
  expect_eq "messages stored" "$(nmsgs "$d/msg")" 1
  expect_eq "RCPT lines reaching qmailsim" "$(count_verb "$d/rec" rcpt)" 2
  expect_eq "log lines" "$(hwlines "$SRVLOG" | grep -ac 'badhelo: <localhost> at 127.0.0.1$')" 1
  san_clean "$SRVLOG"
  show "$d/dotless.out" "$d/nohelo.out" "$SRVLOG"
  finish
}

# ---------------------------------------------------------------------------
case_d() {
  begin "d. badhelo off (NOBADHELO, no file, comments only): nothing blocked, program exec'd directly"
  have_bins || { finish; return; }
  local d=$TMP/d v ctl envs parent
  mkdir -p "$d"
  for v in nobadhelo missing comments control; do
    envs=()
    case $v in
      nobadhelo) ctl=$CTL envs=(NOBADHELO=) ;;
      missing) ctl=$CTLNONE ;;
      comments) ctl=$CTLCOMM ;;
      control) ctl=$CTL ;;
    esac
    # shellcheck disable=SC2016
    srv_start "d-$v" env "${envs[@]}" QMAILSIM_RECORD="$d/$v.rec" "$HW" -c "$ctl" \
      sh -c 'cat /proc/$PPID/comm >"$0"; exec "$@"' "$d/$v.parent" "$QSIM" || { fail "no server"; continue; }
    if [ $v = control ]; then
      swaks_run "$d/$v.out" --helo mail.example.org --from a@example.org --to b@example.org --quit-after RCPT
    else
      swaks_run "$d/$v.out" --helo bad.example.org --from a@example.org --to b@example.org,c@example.org --quit-after RCPT --pipeline
    fi
    sessions_end
    srv_stop
    parent=$(cat "$d/$v.parent" 2>/dev/null)
    expect_eq "$v: swaks exit" "$SWRC" 0
    if [ $v = control ]; then
      # badhelo on: helowrap relays, it is the program's parent
      expect_eq "$v: parent of the program" "$parent" "${HELOWRAP_COMM:-helowrap}"
    else
      expect_eq "$v: 250 for RCPT" "$(cnt "$d/$v.out" '^<-  250 ok$')" 3
      expect_eq "$v: RCPT lines reaching qmailsim" "$(count_verb "$d/$v.rec" rcpt)" 2
      expect_eq "$v: parent of the program (fast path: exec, no helowrap process)" "$parent" tcpserver
      expect_eq "$v: helowrap log lines" "$(hwlines "$SRVLOG")" ""
    fi
    san_clean "$SRVLOG"
    show "$d/$v.out" "$SRVLOG"
  done
  finish
}

# ---------------------------------------------------------------------------
case_e() {
  begin "e. unreadable control file: 421 unable to read controls (#4.3.0), exit 111"
  have_bins || { finish; return; }
  local d=$TMP/e pid
  mkdir -p "$d"
  srv_start e env QMAILSIM_RECORD="$d/rec" "$HW" -c "$CTLDIR" "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/raw.out" e
  swaks_run "$d/swaks.out" --helo mail.example.org --from a@example.org --to b@example.org
  sessions_end
  srv_stop
  check "raw client gets exactly the 421 line" eq "$(cat -v "$d/raw.out")" "421 unable to read controls (#4.3.0)^M"
  expect_eq "swaks exit (21 = bad banner)" "$SWRC" 21
  check "swaks sees 421" has "$d/swaks.out" '^<\*\* 421 unable to read controls \(#4\.3\.0\)$'
  pid=$(session_pid 1)
  expect_eq "exit status" "$(session_status "$pid")" 111
  check "one-line diagnostic logged" has "$SRVLOG" "helowrap"
  check "the program was not started" eq "$(test -e "$d/rec" && echo started)" ""
  san_clean "$SRVLOG"
  show "$d/raw.out" "$d/swaks.out" "$SRVLOG"
  finish
}

# ---------------------------------------------------------------------------
# ehlo_lines RAWFILE: the EHLO reply (2nd reply) lines, CR removed
ehlo_lines() {
  perl -e 'local $/; my $d = <STDIN>; my @l = split /\n/, $d; my @r; my $n = 0;
    for (@l) { if ($n == 1) { push @r, $_ } $n++ if /^\d{3}(?: |\r?$)/; last if $n == 2 }
    print map { "$_\n" } @r' <"$1" | tr -d '\r'
}

# ehlo_check DESC RAWFILE KEYWORD... : well formed, exactly these keywords in order
ehlo_check() {
  local desc=$1 f=$2
  shift 2
  local lines want got
  lines=$(ehlo_lines "$f")
  want=$(printf '%s\n' "$@")
  got=$(printf '%s\n' "$lines" | sed -n '2,$p' | cut -c5-)
  [ "$got" = "$want" ] || fail "$desc: keywords: got [$(printf '%s' "$got" | tr '\n' ' ')], want [$(printf '%s' "$want" | tr '\n' ' ')]"
  [ "$(printf '%s\n' "$lines" | sed -n 1p)" = "250-qmailsim.test" ] || fail "$desc: first line"
  [ "$(printf '%s\n' "$lines" | sed '$d' | grep -vc '^250-')" = 0 ] || fail "$desc: a line before the last is not 250-"
  printf '%s\n' "$lines" | tail -n 1 | grep -q '^250 ' || fail "$desc: last line is not '250 ...'"
  perl -e 'local $/; $_ = <STDIN>; exit(/(?<!\r)\n/ ? 1 : 0)' <"$f" || fail "$desc: a reply line without CR"
}

case_f() {
  begin "f. EHLO keywords that change the framing are hidden, the reply stays well formed"
  have_bins || { finish; return; }
  local d=$TMP/f
  mkdir -p "$d"
  # 1. extras in the middle
  srv_start f1 env QMAILSIM_EHLO_EXTRA='CHUNKING,PRDR,PIPECONNECT,SIZE 1000,STARTTLS' "$HW" -c "$CTL" "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/1.out" r 's:EHLO mail.example.org\r\n' r 's:QUIT\r\n' e
  swaks_run "$d/1.swaks" --helo mail.example.org --from a@example.org --to b@example.org --pipeline
  sessions_end
  srv_stop
  ehlo_check "middle" "$d/1.out" PIPELINING 'SIZE 1000' STARTTLS 8BITMIME
  expect_eq "swaks exit" "$SWRC" 0
  check "swaks sees no CHUNKING/PRDR/PIPECONNECT" hasnt "$d/1.swaks" '^<-  250[- ](CHUNKING|PRDR|PIPECONNECT)'
  check "swaks sees STARTTLS" has "$d/1.swaks" '^<-  250[- ]STARTTLS$'
  san_clean "$SRVLOG"
  show "$d/1.out" "$d/1.swaks" "$SRVLOG"
  # 2. the removed keyword is the last line
  srv_start f2 env QMAILSIM_EHLO_LAST=CHUNKING "$HW" -c "$CTL" "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/2.out" r 's:EHLO mail.example.org\r\n' r 's:QUIT\r\n' e
  sessions_end
  srv_stop
  ehlo_check "last" "$d/2.out" PIPELINING 8BITMIME
  expect_eq "last: replies" "$(codes "$d/2.out")" "220 250 221"
  san_clean "$SRVLOG"
  show "$d/2.out"
  # 3. everything that is kept, several removed ones, two removed at the end
  srv_start f3 env QMAILSIM_EHLO_EXTRA='BINARYMIME,AUTH LOGIN PLAIN,ENHANCEDSTATUSCODES,XCLIENT NAME ADDR,SMTPUTF8,DSN,HELP,chunking' \
    QMAILSIM_EHLO_LAST='PRDR,CHUNKING' "$HW" -c "$CTL" "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/3.out" r 's:EHLO mail.example.org\r\n' r 's:EHLO bad.example.org\r\n' r 's:QUIT\r\n' e
  sessions_end
  srv_stop
  ehlo_check "mixed" "$d/3.out" PIPELINING 'AUTH LOGIN PLAIN' ENHANCEDSTATUSCODES SMTPUTF8 DSN HELP 8BITMIME
  expect_eq "mixed: replies" "$(codes "$d/3.out")" "220 250 250 221"
  san_clean "$SRVLOG"
  show "$d/3.out"
  finish
}

# ---------------------------------------------------------------------------
# no_bare_lf_after_data RECORD: no LF without CR after the first DATA line
no_bare_lf_after_data() {
  perl -e 'local $/; open my $f, "<", $ARGV[0] or exit 0; binmode $f; my $d = <$f>; $d //= "";
    my $i = index(lc $d, "\ndata\r\n"); exit 0 if $i < 0; my $rest = substr($d, $i + 7);
    exit($rest =~ /(?<!\r)\n/ ? 1 : 0)' "$1"
}

case_g() {
  begin "g. bare LF in a message: 451, nothing queued, the server never gets the bare LF"
  have_bins || { finish; return; }
  local d=$TMP/g
  mkdir -p "$d/msg"
  srv_start g env QMAILSIM_RECORD="$d/rec" QMAILSIM_MSGDIR="$d/msg" "$HW" -c "$CTL" "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/1.out" r 's:EHLO mail.example.org\r\n' r 's:MAIL FROM:<a@example.org>\r\n' r 's:RCPT TO:<b@example.org>\r\n' r \
    's:DATA\r\n' r 's:Subject: x\r\n\r\nline one\r\nbare\nLF\r\n.\r\nQUIT\r\n' e
  # SMTP smuggling: the client pipelines past DATA and hides a second message behind "\n.\r\n"
  rawc "$d/2.out" r 's:EHLO mail.example.org\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n' r r r r \
    's:Subject: y\r\n\r\nhello\n.\r\nMAIL FROM:<smuggled@evil.test>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\nSubject: evil\r\n\r\nevil\r\n.\r\nQUIT\r\n' e
  sessions_end
  srv_stop
  expect_eq "1: replies" "$(codes "$d/1.out")" "220 250 250 250 354 451"
  check "1: 451 text" has "$d/1.out" $'^451 See https://cr.yp.to/docs/smtplf.html.\r$'
  expect_eq "2: replies" "$(codes "$d/2.out")" "220 250 250 250 354 451"
  expect_eq "messages stored" "$(nmsgs "$d/msg")" 0
  check "no bare LF reached qmailsim after DATA" no_bare_lf_after_data "$d/rec"
  check "smuggled commands did not reach qmailsim" hasnt "$d/rec" 'smuggled|evil'
  san_clean "$SRVLOG"
  show "$d/1.out" "$d/2.out" "$d/rec" "$SRVLOG"
  finish
}

# ---------------------------------------------------------------------------
case_h() {
  begin "h. raw pipelined burst: one reply per command, in order; RCPTs refused; none reach the server"
  have_bins || { finish; return; }
  local d=$TMP/h
  mkdir -p "$d"
  srv_start h env QMAILSIM_RECORD="$d/rec" "$HW" -c "$CTL" "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/1.out" r 's:EHLO bad\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nrcpt to:<c@x>\r\nRCPT\r\nDATA\r\nQUIT\r\n' e
  # odd spellings of RCPT, a second transaction after RSET, a NUL in the verb
  rawc "$d/2.out" r 's:HELO bad.example.org\r\nMAIL FROM:<a@x>\r\nRcPt TO:<b@x>\r\nRCPT\0TO:<c@x>\r\nrcpt\r\nRCPT  TO:<d@x>\nRSET\r\nMAIL FROM:<a@x>\r\nRCPT TO:<e@x>\r\nDATA\r\nQUIT\r\n' e
  sessions_end
  srv_stop
  expect_eq "1: replies" "$(codes "$d/1.out")" "220 250 250 553 553 553 503 221"
  expect_eq "1: 553 text" "$(tr -d '\r' <"$d/1.out" | grep -aFxc "$DENIED")" 3
  check "1: the EHLO reply is intact" has "$d/1.out" $'^250-PIPELINING\r$'
  expect_eq "2: replies" "$(codes "$d/2.out")" "220 250 250 553 553 553 553 250 250 553 503 221"
  expect_eq "RCPT lines reaching qmailsim" "$(count_verb "$d/rec" rcpt)" 0
  expect_eq "NOOP lines reaching qmailsim" "$(count_verb "$d/rec" noop)" 8
  expect_eq "log lines" "$(hwlines "$SRVLOG" | grep -ac ' badhelo: <bad\(\.example\.org\)\?> at 127\.0\.0\.1$')" 8
  san_clean "$SRVLOG"
  show "$d/1.out" "$d/2.out" "$SRVLOG"
  finish
}

# ---------------------------------------------------------------------------
EXIM=/usr/sbin/exim4
EXIM_SENDER=helowrap-test-$$@example.org
# removes the messages this run queued (its senders all start with helowrap-test-PID)
exim_cleanup() {
  [ -x "$EXIM" ] || return 0
  local id
  for id in $("$EXIM" -bp 2>/dev/null | awk -v s="<${EXIM_SENDER%@*}" 'index($4, s) == 1 { print $3 }'); do
    "$EXIM" -Mrm "$id" >/dev/null 2>&1
  done
}

case_i() {
  local name="i. exim4 -bs behind helowrap: CHUNKING/PRDR/PIPECONNECT hidden, good client accepted, bad refused"
  begin "$name"
  if ! [ -x "$EXIM" ]; then
    fail "no $EXIM: apt-get install exim4-daemon-light"
    finish
    return
  fi
  have_bins || { finish; return; }
  local d=$TMP/i kw
  mkdir -p "$d"
  printf 'EHLO mail.example.org\r\nQUIT\r\n' | timeout 20 "$EXIM" -bs -odq -oMa 127.0.0.1 >"$d/direct.out" 2>&1
  kw=$(tr -d '\r' <"$d/direct.out" | sed -n 's/^250[- ]//p' | sed 1d | tr '\n' ' ')
  echo "# exim4 direct EHLO: $kw"
  check "exim4 run directly advertises CHUNKING (else this case tests nothing)" has "$d/direct.out" '^250[- ]CHUNKING'
  srv_start i "$HW" -c "$CTL" "$EXIM" -bs -odq -oMa 127.0.0.1 || { fail "no server"; finish; return; }
  swaks_run "$d/good.out" --helo mail.example.org --from "$EXIM_SENDER" --to b@example.org,c@example.org --pipeline
  local rc1=$SWRC
  swaks_run "$d/bad.out" --helo bad.example.org --from "$EXIM_SENDER" --to b@example.org,c@example.org
  local rc2=$SWRC
  rawc "$d/raw.out" r 's:EHLO mail.example.org\r\n' r 's:QUIT\r\n' e
  sessions_end
  srv_stop
  exim_cleanup
  echo "# exim4 EHLO through helowrap: $(awk '/^ -> EHLO/ { on = 1; next } on && /^<-  250-/ { n++; if (n > 1) print substr($0, 9); next } on && /^<-  250 / { print substr($0, 9); exit }' "$d/good.out" | tr '\n' ' ')"
  expect_eq "good: swaks exit" "$rc1" 0
  check "good: no CHUNKING/PRDR/PIPECONNECT" hasnt "$d/good.out" '^<-  250[- ](CHUNKING|PRDR|PIPE_?CONNECT)'
  for kw in PIPELINING 8BITMIME 'SIZE [0-9]+' STARTTLS; do
    grep -aEq "^<-  250[- ]$kw\$" "$d/good.out" || fail "good: $kw not advertised"
  done
  check "good: accepted after data" has "$d/good.out" '^<-  250 OK id='
  expect_eq "bad: swaks exit" "$rc2" 24
  expect_eq "bad: 553 replies" "$(cnt "$d/bad.out" "^<\*\* $DENIED_RE\$")" 2
  local lines
  lines=$(ehlo_lines "$d/raw.out")
  { [ "$(printf '%s\n' "$lines" | sed '$d' | grep -vc '^250-')" = 0 ] && printf '%s\n' "$lines" | tail -n 1 | grep -q '^250 '; } ||
    fail "raw: EHLO reply not well formed"
  san_clean "$SRVLOG"
  show "$d/good.out" "$d/bad.out" "$SRVLOG"
  finish
}

# ---------------------------------------------------------------------------
# The issue 9 attacks on exim (SPEC 3.3a, 3.8): a client blocked by badhelo smuggles a
# RCPT past helowrap in a line exim splits, or in the bytes exim swallows after BDAT.

# exim_queued SENDER: how many messages from SENDER to victim@example.org exim queued
# (its spool, as exim -bp lists it), and how many its mainlog says it received
exim_queued() {
  "$EXIM" -bp 2>/dev/null | awk -v s="<$1>" '$4 == s { m = 1; next } m && $1 == "victim@example.org" { n++ } { m = 0 } END { print n + 0 }'
}
exim_received() {
  local log=/var/log/exim4/mainlog
  if [ -r "$log" ]; then grep -acF " <= $1 " "$log"; else echo "?"; fi
}

# exim_attack CASE KIND MESSAGE WANT: runs the attack (exim_attack_input KIND) against
# exim alone, then through helowrap; WANT: the replies through helowrap, one per line
exim_attack() {
  local name=$1 kind=$2 want=$3 d=$TMP/$2 alone hw lines
  begin "$name"
  if ! [ -x "$EXIM" ]; then
    fail "no $EXIM: apt-get install exim4-daemon-light"
    finish
    return
  fi
  have_bins || { finish; return; }
  mkdir -p "$d/ctl"
  printf '^dsl-\n' >"$d/ctl/badhelo"
  alone=${EXIM_SENDER%@*}-$kind-alone@example.org
  hw=${EXIM_SENDER%@*}-$kind-helowrap@example.org
  exim_attack_input "$kind" "$alone" >"$d/alone.in"
  exim_attack_input "$kind" "$hw" >"$d/hw.in"
  lines=$(tr -cd '\n' <"$d/hw.in" | wc -c)
  # exim alone: the attack is real (exim queues the message). On pipes, as behind
  # helowrap (on a socket exim would also refuse the pipelined DATA; a client that waits
  # for each reply gets as far)
  timeout 20 "$EXIM" -bs -odq -oMa 127.0.0.1 <"$d/alone.in" >"$d/alone.out" 2>&1
  echo "# $kind, exim alone: $(codes "$d/alone.out")"
  expect_eq "exim alone queues the message for victim@example.org (else this case tests nothing)" "$(exim_queued "$alone")" 1
  # through helowrap: refused, one reply per line
  srv_start "$kind-hw" "$HW" -c "$d/ctl" "$EXIM" -bs -odq -oMa 127.0.0.1 || { fail "no server"; finish; return; }
  rawc "$d/hw.out" "f:$d/hw.in" e
  sessions_end
  srv_stop
  echo "# $kind, through helowrap: $(codes "$d/hw.out")"
  expect_eq "through helowrap: messages queued for victim@example.org" "$(exim_queued "$hw")" 0
  expect_eq "through helowrap: messages exim's mainlog received" "$(exim_received "$hw")" 0
  expect_eq "through helowrap: replies ($lines lines and the greeting: one reply each)" "$(codes "$d/hw.out")" "$want"
  expect_eq "through helowrap: reply lines count" "$(codes "$d/hw.out" | wc -w)" $((lines + 1))
  exim_cleanup
  san_clean "$SRVLOG"
  show "$d/alone.out" "$d/hw.out" "$SRVLOG"
  finish
}

# exim_attack_input KIND SENDER: the client's lines. exim stops a session after three
# protocol errors, so the message is a single "." (and exim alone still queues it).
exim_attack_input() {
  case $1 in
    longline) # exim cuts at 16,384 bytes and runs the rest of the line as a command
      perl -e 'print "EHLO dsl-1.example\r\nMAIL FROM:<$ARGV[0]>\r\nNOOP ", "x" x 16380,
        "RCPT TO:<victim\@example.org>\r\nDATA\r\n.\r\nQUIT\r\n"' "$2" ;;
    bdat) # exim swallows the 3 bytes it was announced, even when it refuses BDAT
      perl -e 'print "EHLO dsl-1.example\r\nMAIL FROM:<$ARGV[0]>\r\nBDAT 3\r\n",
        "XYZRCPT TO:<victim\@example.org>\r\nDATA\r\n.\r\nQUIT\r\n"' "$2" ;;
  esac
}

case_o() {
  # helowrap: the long line is not forwarded (NOOP in its place, 500); DATA: 503 (no RCPT)
  exim_attack "o. exim4 -bs: a RCPT hidden past exim's 16,384-byte line limit is never forwarded, nothing queued, one reply per line" \
    longline "220 250 250 500 503 500 221"
}

case_p() {
  # helowrap: BDAT answered 502 and not forwarded; exim gets XYZRCPT (500); DATA: 503
  exim_attack "p. exim4 -bs: a RCPT hidden behind BDAT never reaches exim, nothing queued, one reply per line" \
    bdat "220 250 250 502 500 503 500 221"
}

# ---------------------------------------------------------------------------
case_q() {
  begin "q. control/timeoutsmtpd unreadable: 421 and exit 111 when helowrap relays; not read when it execs the program"
  have_bins || { finish; return; }
  local d=$TMP/q pid
  mkdir -p "$d/ctl/timeoutsmtpd" # a directory: it exists but cannot be read
  printf '^bad\\.\n' >"$d/ctl/badhelo"
  srv_start q env QMAILSIM_RECORD="$d/rec" "$HW" -c "$d/ctl" "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/relay.out" e
  sessions_end
  pid=$(session_pid 1)
  expect_eq "relaying: exit status" "$(session_status "$pid")" 111
  srv_stop
  check "relaying: the client gets exactly the 421 line" eq "$(cat -v "$d/relay.out")" "421 unable to read controls (#4.3.0)^M"
  check "relaying: the diagnostic names the file" has "$SRVLOG" "fatal: unable to read controls: .*/timeoutsmtpd: Is a directory"
  check "relaying: the program was not started" eq "$(test -e "$d/rec" && echo started)" ""
  san_clean "$SRVLOG"
  show "$d/relay.out" "$SRVLOG"
  # badhelo off: the fast path execs qmailsim, which knows nothing of timeoutsmtpd
  srv_start q-exec env NOBADHELO= "$HW" -c "$d/ctl" "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/exec.out" r 's:QUIT\r\n' e
  sessions_end
  srv_stop
  expect_eq "fast path: replies" "$(codes "$d/exec.out")" "220 221"
  san_clean "$SRVLOG"
  show "$d/exec.out" "$SRVLOG"
  finish
}

# ---------------------------------------------------------------------------
case_j() {
  begin "j. helowrap's exit status is the program's; no process is left behind"
  have_bins || { finish; return; }
  local d=$TMP/j q hwrc qrc t0 t1 stray
  mkdir -p "$d"
  q=$d/qmailsim-j
  ln -s "$QSIM" "$q"
  stray_check() {
    stray=$(grep -l '(qmailsim-j)' /proc/[0-9]*/stat 2>/dev/null | tr '\n' ' ')
    [ -z "$stray" ] || fail "$1: qmailsim still there after helowrap exited: $stray"
  }
  norm() { sed 's/ qp [0-9]*/ qp N/' "$1"; }
  # same input to helowrap (relaying: badhelo on, nothing blocked) and to qmailsim alone
  local n input
  n=0
  for input in 'HELO mail.example.org\r\nNOOP\r\nQUIT\r\n' \
    'EHLO mail.example.org\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\nhi\r\n.\r\nVRFY x\r\n' \
    'HELO mail.example.org\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\nhi\r\n'; do
    n=$((n + 1))
    printf '%b' "$input" >"$d/in$n"
    TCPREMOTEIP=127.0.0.1 timeout 20 "$HW" -c "$CTL" "$q" <"$d/in$n" >"$d/hw$n.out" 2>"$d/hw$n.err"
    hwrc=$?
    stray_check "input $n"
    timeout 20 "$q" <"$d/in$n" >"$d/q$n.out" 2>&1
    qrc=$?
    expect_eq "input $n: exit status (qmailsim alone: $qrc)" "$hwrc" "$qrc"
    [ "$(norm "$d/hw$n.out")" = "$(norm "$d/q$n.out")" ] || fail "input $n: output differs from qmailsim alone"
    san_clean "$d/hw$n.err"
    show "$d/hw$n.out" "$d/hw$n.err"
  done
  # fast path (no badhelo): exec
  TCPREMOTEIP=127.0.0.1 timeout 20 "$HW" -c "$CTLNONE" "$q" <"$d/in1" >"$d/fast.out" 2>"$d/fast.err"
  expect_eq "fast path: exit status" "$?" 0
  san_clean "$d/fast.err"
  # the program exits while the client stays connected: helowrap delivers its output and exits
  t0=$(date +%s)
  TCPREMOTEIP=127.0.0.1 QMAILSIM_DIE_AFTER=3 timeout 20 "$HW" -c "$CTL" "$q" \
    < <(printf 'HELO mail.example.org\r\nNOOP\r\nNOOP\r\nNOOP\r\n'; sleep 6) >"$d/die.out" 2>"$d/die.err"
  hwrc=$?
  t1=$(date +%s)
  stray_check "program exits first"
  expect_eq "program exits first: exit status" "$hwrc" 1
  expect_eq "program exits first: replies delivered" "$(codes "$d/die.out")" "220 250 250"
  [ $((t1 - t0)) -lt 5 ] || fail "program exits first: helowrap waited for the client ($((t1 - t0)) s)"
  san_clean "$d/die.err"
  show "$d/die.out" "$d/die.err"
  # killed by a signal: 111; immediate exit 7: 7
  printf 'HELO mail.example.org\r\nQUIT\r\n' | TCPREMOTEIP=127.0.0.1 timeout 20 "$HW" -c "$CTL" sh -c 'kill -KILL $$' >"$d/kill.out" 2>"$d/kill.err"
  expect_eq "program killed by SIGKILL: exit status" "${PIPESTATUS[1]}" 111
  san_clean "$d/kill.err"
  printf 'HELO mail.example.org\r\nQUIT\r\n' | TCPREMOTEIP=127.0.0.1 timeout 20 "$HW" -c "$CTL" sh -c 'exit 7' >"$d/seven.out" 2>"$d/seven.err"
  expect_eq "program exits 7: exit status" "${PIPESTATUS[1]}" 7
  san_clean "$d/seven.err"
  # under tcpserver: the session's status is the program's
  srv_start j "$HW" -c "$CTL" "$q" || { fail "no server"; finish; return; }
  rawc "$d/t1.out" r 's:HELO mail.example.org\r\nQUIT\r\n' e
  rawc "$d/t2.out" r 's:HELO mail.example.org\r\n' r
  sessions_end
  stray_check "tcpserver sessions"
  expect_eq "tcpserver: status after QUIT" "$(session_status "$(session_pid 1)")" 0
  expect_eq "tcpserver: status after client EOF" "$(session_status "$(session_pid 2)")" 1
  srv_stop
  san_clean "$SRVLOG"
  finish
}

# ---------------------------------------------------------------------------
case_k() {
  begin "k. usage errors: exit 100 and a usage line"
  have_bins || { finish; return; }
  local d=$TMP/k n rc
  mkdir -p "$d"
  n=0
  for args in '' '-c' "-c $CTL" '-x prog' "-t"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    timeout 20 "$HW" $args </dev/null >"$d/$n.out" 2>"$d/$n.err"
    rc=$?
    expect_eq "helowrap $args: exit status" "$rc" 100
    has "$d/$n.err" '^helowrap: usage:' || fail "helowrap $args: no 'helowrap: usage:' line: $(head -c 200 "$d/$n.err")"
    san_clean "$d/$n.err"
  done
  check "usage text as in SPEC 2.4" has "$d/1.err" '^helowrap: usage: helowrap \[ -c control \] \[ -t timeout \] prog$'
  show "$d/1.err"
  finish
}

# ---------------------------------------------------------------------------
maxrss() { # maxrss KB of: CMD... (stdin/stdout/stderr as given by the caller)
  /usr/bin/time -f %M -o "$RSSFILE" "$@"
}

case_l() {
  begin "l. hostile input (1 MB line, NUL bytes, 200000 pipelined commands): no crash, bounded memory"
  have_bins || { finish; return; }
  local d=$TMP/l rc rss
  mkdir -p "$d"
  {
    printf 'EHLO bad.example.org\r\nMAIL FROM:<a@x>\r\nRCPT TO:<'
    head -c 1048576 /dev/zero | tr '\0' x
  } >"$d/in1"
  {
    printf 'EHLO bad.example.org\r\nNOOP '
    head -c 1048576 /dev/zero | tr '\0' y
    printf '\r\nQUIT\r\n'
  } >"$d/in2"
  printf 'HELO bad.example.org\r\nMAIL FROM:<a@x>\r\nRCPT\0 TO:<b@x>\r\nrcpt\0\0\0\r\nNOOP \0\0\r\n\0RCPT TO:<c@x>\r\nQUIT\r\n' >"$d/in3"
  {
    printf 'HELO mail.example.org\r\n'
    yes 'NOOP' | head -n 200000 | sed 's/$/\r/'
    printf 'QUIT\r\n'
  } >"$d/in4"
  # 1: the 1 MB RCPT line of a blocked client, then EOF
  env QMAILSIM_RECORD="$d/rec1" TCPREMOTEIP=127.0.0.1 timeout 20 "$HW" -c "$CTL" "$QSIM" <"$d/in1" >"$d/out1" 2>"$d/err1"
  rc=$?
  expect_eq "1 MB RCPT line: exit status (qmailsim's at EOF)" "$rc" 1
  expect_eq "1 MB RCPT line: RCPT lines reaching qmailsim" "$(count_verb "$d/rec1" rcpt)" 0
  check "1 MB RCPT line: no part of it reached qmailsim" hasnt "$d/rec1" 'xxxxxxxxxxxxxxxx'
  san_clean "$d/err1"
  # 2: a 1 MB NOOP line is never forwarded (SPEC 3.3a): NOOP in its place, a local 500
  env QMAILSIM_RECORD="$d/rec2" TCPREMOTEIP=127.0.0.1 timeout 20 "$HW" -c "$CTL" "$QSIM" <"$d/in2" >"$d/out2" 2>"$d/err2"
  rc=$?
  expect_eq "1 MB NOOP line: exit status" "$rc" 0
  expect_eq "1 MB NOOP line: replies" "$(codes "$d/out2")" "220 250 500 221"
  check "1 MB NOOP line: the 500 is helowrap's" has "$d/out2" $'^500 sorry, line too long \\(#5\\.5\\.2\\)\r$'
  check "1 MB NOOP line: qmailsim got NOOP in its place" cmp -s "$d/rec2" <(printf 'EHLO bad.example.org\r\nNOOP\r\nQUIT\r\n')
  san_clean "$d/err2"
  # 3: NUL bytes
  env QMAILSIM_RECORD="$d/rec3" TCPREMOTEIP=127.0.0.1 timeout 20 "$HW" -c "$CTL" "$QSIM" <"$d/in3" >"$d/out3" 2>"$d/err3"
  rc=$?
  expect_eq "NUL bytes: exit status" "$rc" 0
  # "\0RCPT TO:" is no RCPT for qmail-smtpd (502); refusing it is harmless over-blocking (SPEC 3.3)
  case $(codes "$d/out3") in
    "220 250 250 553 553 250 502 221" | "220 250 250 553 553 250 553 221") ;;
    *) fail "NUL bytes: replies: got '$(codes "$d/out3")', want '220 250 250 553 553 250 502|553 221'" ;;
  esac
  expect_eq "NUL bytes: RCPT lines reaching qmailsim" "$(count_verb "$d/rec3" rcpt)" 0
  san_clean "$d/err3"
  # 4: 200000 pipelined NOOPs
  env TCPREMOTEIP=127.0.0.1 timeout 20 "$HW" -c "$CTL" "$QSIM" <"$d/in4" >"$d/out4" 2>"$d/err4"
  rc=$?
  expect_eq "200000 NOOPs: exit status" "$rc" 0
  expect_eq "200000 NOOPs: replies" "$(tr -d '\r' <"$d/out4" | grep -ac '^250 ok$')" 200000
  san_clean "$d/err4"
  # 5: over TCP, the client sends 1 MB without LF and disconnects
  srv_start l env QMAILSIM_RECORD="$d/rec5" "$HW" -c "$CTL" "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/out5" r 's:EHLO bad.example.org\r\n' r 's:MAIL FROM:<a@x>\r\n' r "f:$d/in1"
  sessions_end
  srv_stop
  expect_eq "TCP 1 MB then close: RCPT lines reaching qmailsim" "$(count_verb "$d/rec5" rcpt)" 0
  san_clean "$SRVLOG"
  # peak memory, release build (the sanitizer's shadow memory would dominate)
  RSSFILE=$d/rss
  for n in 1 2 4; do
    maxrss env TCPREMOTEIP=127.0.0.1 timeout 20 "$HWREL" -c "$CTL" "$QSIM" <"$d/in$n" >/dev/null 2>"$d/rss.err$n"
    rc=$?
    [ "$rc" = 124 ] && fail "input $n, release build: timed out after 20 s"
    rss=$(tail -n 1 "$RSSFILE")
    case $rss in
      '' | *[!0-9]*) fail "input $n: no RSS measurement: $(cat "$RSSFILE")" ;;
      *) [ "$rss" -lt 20480 ] || fail "input $n: peak RSS ${rss} KB >= 20 MB" ;;
    esac
    echo "# peak RSS (helowrap and qmailsim) for input $n: ${rss} KB"
  done
  show "$d/out3" "$d/err1" "$d/err3" "$SRVLOG"
  finish
}

# ---------------------------------------------------------------------------
case_m() {
  begin "m. verdict follows the latest HELO/EHLO; RSET keeps it; invalid pattern skipped; log escapes control characters"
  have_bins || { finish; return; }
  local d=$TMP/m
  mkdir -p "$d"
  srv_start m env QMAILSIM_RECORD="$d/rec" "$HW" -c "$CTL" "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/1.out" r 's:HELO bad.example.org\r\n' r 's:MAIL FROM:<a@x>\r\n' r 's:RCPT TO:<b@x>\r\n' r \
    's:HELO mail.example.org\r\n' r 's:MAIL FROM:<a@x>\r\n' r 's:RCPT TO:<c@x>\r\n' r \
    's:EHLO dotless\r\n' r 's:MAIL FROM:<a@x>\r\n' r 's:RCPT TO:<d@x>\r\n' r 's:RSET\r\n' r \
    's:MAIL FROM:<a@x>\r\n' r 's:RCPT TO:<e@x>\r\n' r 's:QUIT\r\n' e
  # control characters in the HELO name are logged as '?'
  rawc "$d/3.out" r 's:HELO bad.x\x01y\x7fz\rw\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nQUIT\r\n' e
  sessions_end
  srv_stop
  expect_eq "replies" "$(codes "$d/1.out")" "220 250 250 553 250 250 250 250 250 553 250 250 553 221"
  expect_eq "RCPT lines reaching qmailsim" "$(count_verb "$d/rec" rcpt)" 1
  expect_eq "control characters: replies" "$(codes "$d/3.out")" "220 250 250 553 221"
  expect_eq "control characters: logged as ?" "$(hwlines "$SRVLOG" | grep -ac ' badhelo: <bad\.x?y?z?w> at 127\.0\.0\.1$')" 1
  check "log lines have no control characters" no_cntrl "$SRVLOG"
  san_clean "$SRVLOG"
  show "$d/1.out" "$SRVLOG"
  srv_start m2 env QMAILSIM_RECORD="$d/rec2" "$HW" -c "$CTLBADRE" "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/2.out" r 's:HELO bad.example.org\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nHELO mail.example.org\r\nMAIL FROM:<a@x>\r\nRCPT TO:<d@x>\r\nQUIT\r\n' e
  sessions_end
  srv_stop
  expect_eq "invalid pattern: replies" "$(codes "$d/2.out")" "220 250 250 553 553 250 250 250 221"
  expect_eq "invalid pattern: logged once per connection" "$(hwlines "$SRVLOG" | grep -aFc '([')" 1
  san_clean "$SRVLOG"
  show "$d/2.out" "$SRVLOG"
  finish
}

# ---------------------------------------------------------------------------
case_n() {
  begin "n. barriers: a pipelined body is message, not commands; STARTTLS of a blocked client gets 454"
  have_bins || { finish; return; }
  local d=$TMP/n
  mkdir -p "$d/msg"
  srv_start n-good env QMAILSIM_RECORD="$d/good.rec" QMAILSIM_MSGDIR="$d/msg" "$HW" -c "$CTL" "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/1.out" r 's:HELO mail.example.org\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\nRCPT TO:<c@x>\r\nhello\r\n.\r\nQUIT\r\n' e
  rawc "$d/2.out" r 's:EHLO mail.example.org\r\nSTARTTLS\r\nQUIT\r\n' e
  sessions_end
  srv_stop
  expect_eq "good, pipelined DATA: replies" "$(codes "$d/1.out")" "220 250 250 250 354 250 221"
  check "good, pipelined DATA: body stored as sent" cmp -s <(cat "$d"/msg/msg.* 2>/dev/null) <(printf 'RCPT TO:<c@x>\r\nhello\r\n')
  expect_eq "good, STARTTLS forwarded (qmailsim: 502)" "$(codes "$d/2.out")" "220 250 502 221"
  san_clean "$SRVLOG"
  show "$d/1.out" "$d/2.out"
  srv_start n-bad env QMAILSIM_RECORD="$d/bad.rec" "$HW" -c "$CTL" "$QSIM" || { fail "no server"; finish; return; }
  rawc "$d/3.out" r 's:HELO bad.example.org\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\nRCPT TO:<c@x>\r\n.\r\nQUIT\r\n' e
  rawc "$d/4.out" r 's:EHLO bad.example.org\r\nSTARTTLS\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nQUIT\r\n' e
  sessions_end
  srv_stop
  expect_eq "blocked, DATA refused: the next lines are commands" "$(codes "$d/3.out")" "220 250 250 553 503 553 502 221"
  expect_eq "blocked, STARTTLS: replies" "$(codes "$d/4.out")" "220 250 454 250 553 221"
  check "blocked, STARTTLS: 454 text" has "$d/4.out" $'^454 TLS not available due to local problem \\(#4\\.3\\.0\\)\r$'
  expect_eq "blocked: RCPT lines reaching qmailsim" "$(count_verb "$d/bad.rec" rcpt)" 0
  expect_eq "blocked: STARTTLS lines reaching qmailsim" "$(count_verb "$d/bad.rec" starttls)" 0
  san_clean "$SRVLOG"
  show "$d/3.out" "$d/4.out" "$SRVLOG"
  finish
}

run_case() {
  local t0=$SECONDS
  "$1"
  [ $((SECONDS - t0)) -lt 15 ] || echo "#   ($1 took $((SECONDS - t0)) s)"
}

for c in ${RUN_CASES:-0 a b c d e f g h i j k l m n o p q}; do
  run_case "case_$c"
done

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]

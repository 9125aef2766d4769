#!/usr/bin/env bash
# Integration tests of the HELO DNS checks (SPEC §5) against a real DNS server.
#
#   sh tests/integration/dns.sh BUILD SAN
#
# It starts its own dnsmasq on 127.0.0.1 (a free high port, --no-resolv, the
# domains test and tld local, so nothing is ever forwarded off the host), two
# small perl UDP servers (a blackhole that never answers, and one that answers
# SERVFAIL to everything, behind dnsmasq for servfail.test), and for each case
# a real tcpserver (on ::1 too when it is ucspi-tcp-ipv6's; with Debian's plain
# ucspi-tcp, which has no IPv6, a perl stand-in serves ::1) in
# front of SAN/helowrap (ASan+UBSan; BUILD/helowrap when SAN has none) and
# BUILD/qmailsim, with real swaks or a small perl client as the SMTP client.
# helowrap finds dnsmasq through udns's NSCACHEIP=127.0.0.1 RES_OPTIONS=port:P.
#
# Each case prints "ok - NAME" or "not ok - NAME" with "#" diagnostics; the
# last line is "N passed, N failed"; the exit status is 1 if any failed.
# KEEP_TMP=1 keeps the temporary directory.
# shellcheck disable=SC2016,SC2012,SC2054  # sh -c scripts in single quotes; ls of msg.PID.N; dnsmasq's comma lists
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/lib.sh
. "$HERE/lib.sh"

BUILD=$(abspath "${1:-build}")
SAN=$(abspath "${2:-build/san}")
QSIM=$BUILD/qmailsim
HC=$BUILD/helocheck
if [ -x "$SAN/helowrap" ]; then HW=$SAN/helowrap; else HW=$BUILD/helowrap; fi
DNSMASQ=${DNSMASQ:-/usr/sbin/dnsmasq}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1
# The cases set what they need; nothing from the caller's environment.
unset NOBADHELO LOGREGEX HELO_DNS_CHECK NOHELODNSCHECK RELAYCLIENT TCPREMOTEIP \
  TCPLOCALIP TCPREMOTEHOST TCPLOCALHOST SMTPHELOHOST DNSCACHEIP NSCACHEIP \
  NAMESERVERS RES_OPTIONS LOCALDOMAIN QMAILSIM_HOST QMAILSIM_EHLO_EXTRA \
  QMAILSIM_EHLO_LAST QMAILSIM_RECORD QMAILSIM_MSGDIR QMAILSIM_DIE_AFTER
export LC_ALL=C

TMP=$(mktemp -d "${TMPDIR:-/tmp}/helowrap-dns.XXXXXX") || exit 1
BG_PIDS=()   # dnsmasq and the perl UDP servers; the SMTP servers are lib.sh's

dns_cleanup() {
  local p
  for p in "${BG_PIDS[@]}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null; done
  for p in "${BG_PIDS[@]}"; do [ -n "$p" ] && wait "$p" 2>/dev/null; done
  [ -n "${KEEP_TMP:-}" ] && echo "# kept $TMP"
  cleanup
}
trap dns_cleanup EXIT
trap 'exit 130' INT TERM HUP

# ucspi-tcp-ipv6's tcpserver binds ::1 and prints the port (-1); Debian's plain
# ucspi-tcp exits at once ("no IP address for ::1").
if [ -n "$(timeout 1 tcpserver -1 ::1 0 true </dev/null 2>/dev/null)" ]; then
  TCPSERVER6=real
else
  TCPSERVER6=perl
fi

# --- cases (begin, fail, show, finish, san_clean, codes: lib.sh) -------------------
# log lines of helowrap in FILE from IP, without the "helowrap: pid PID from IP " prefix
log_of() {
  local ip=${3:-127.0.0.1}
  grep -a "^helowrap: pid [0-9][0-9]* from $ip " "$1" | sed "s/^helowrap: pid [0-9][0-9]* from [^ ]* //"
}
# haslog FILE TEXT [IP]: a log line that is exactly the prefix and TEXT
haslog() { log_of "$1" "$2" "${3:-}" | grep -axqF -- "$2" || fail "no log line: $2"; }
hasntlog() { ! log_of "$1" "$2" "${3:-}" | grep -aqF -- "$2" || fail "unexpected log line: $2"; }

# command verbs (upper case) of the command lines in qmailsim's record FILE,
# skipping message bodies (from a DATA line to the "." line)
verbs() {
  [ -f "$1" ] || return 0
  perl -e 'local $/; open my $f, "<", $ARGV[0] or exit 0; binmode $f; my $d = <$f>; $d //= "";
    my $body = 0; my @v;
    for my $l (split /\n/, $d) { $l =~ s/\r$//;
      if ($body) { $body = 0 if $l eq "."; next }
      my ($v) = split / /, $l, 2; $v = uc($v // ""); push @v, $v; $body = 1 if $v eq "DATA" }
    print join(" ", @v), "\n"' "$1"
}
expect_verbs() {
  local got
  got=$(verbs "$1")
  [ "$got" = "$2" ] || fail "qmailsim received: '$got', want '$2'"
}

# --- helper programs -------------------------------------------------------------
cat >"$TMP/udp.pl" <<'PERL'
# udp.pl MODE PORTFILE: a UDP server on 127.0.0.1, port chosen by the kernel and
# written to PORTFILE. MODE blackhole: reads and never answers. MODE servfail:
# answers every query with SERVFAIL (question echoed, no records). MODE half:
# answers every A query with 127.0.0.1 at once and never answers the others. MODE tc:
# answers every A query truncated (TC) with the records 192.0.2.1 and 192.0.2.2, and
# 127.0.0.1 too when the name's first label is "with"; every other query with NODATA;
# logs "query TYPE NAME edns SIZE" (the EDNS0 UDP size asked for, or "none") on stderr.
use strict;
use warnings;
use IO::Socket::INET;
my ($mode, $portfile) = @ARGV;
my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'udp')
  or die "udp.pl: bind: $!\n";
open my $pf, '>', "$portfile.tmp" or die "udp.pl: $portfile: $!\n";
print $pf $s->sockport, "\n";
close $pf;
rename "$portfile.tmp", $portfile or die "udp.pl: rename: $!\n";
for (;;) {
  my $q = '';
  my $peer = $s->recv($q, 4096);
  next unless defined $peer && length($q) >= 12;
  next if $mode eq 'blackhole';
  my (undef, $flags) = unpack 'nn', $q;
  if ($mode eq 'tc') {
    my ($p, @labels) = (12);
    while ($p < length $q) {
      my $n = ord substr($q, $p, 1);
      push @labels, lc substr($q, $p + 1, $n) if $n;
      $p += 1 + $n;
      last if $n == 0;
    }
    next if $p + 4 > length $q;
    my ($qtype) = unpack 'n', substr($q, $p, 2);
    my ($arcount) = unpack 'n', substr($q, 10, 2);
    my $edns = 'none';
    $edns = unpack 'n', substr($q, $p + 7, 2)
      if $arcount && length $q >= $p + 9 && substr($q, $p + 4, 3) eq "\0\0\x29";
    print STDERR "query $qtype ", join('.', @labels), " edns $edns\n";
    my @addrs = $qtype == 1 ? ([192, 0, 2, 1], [192, 0, 2, 2]) : ();
    push @addrs, [127, 0, 0, 1] if $qtype == 1 && @labels && $labels[0] eq 'with';
    $q = substr($q, 0, $p + 4);  # header and question only
    my $tc = $qtype == 1 ? 0x0200 : 0;
    substr($q, 2, 2) = pack 'n', 0x8000 | ($flags & 0x7900) | 0x0400 | $tc | 0x0080;
    substr($q, 4, 8) = pack 'nnnn', 1, scalar @addrs, 0, 0;
    $q .= pack('nnnNn', 0xc00c, 1, 1, 60, 4) . pack('C4', @$_) for @addrs;
    $s->send($q, 0, $peer);
    next;
  }
  if ($mode eq 'half') {
    my $p = 12;
    while ($p < length $q) {
      my $n = ord substr($q, $p, 1);
      $p += 1 + $n;
      last if $n == 0;
    }
    next if $p + 4 > length $q;
    my ($qtype) = unpack 'n', substr($q, $p, 2);
    next unless $qtype == 1;
    $q = substr($q, 0, $p + 4);  # header and question only
    substr($q, 2, 2) = pack 'n', 0x8000 | ($flags & 0x7900) | 0x0400 | 0x0080;
    substr($q, 4, 8) = pack 'nnnn', 1, 1, 0, 0;
    $q .= pack('nnnNn', 0xc00c, 1, 1, 60, 4) . pack('C4', 127, 0, 0, 1);
    $s->send($q, 0, $peer);
    next;
  }
  # QR, the query's opcode and RD, RA, RCODE 2 (SERVFAIL); no answer records
  substr($q, 2, 2) = pack 'n', 0x8000 | ($flags & 0x7900) | 0x0080 | 2;
  substr($q, 6, 6) = pack 'nnn', 0, 0, 0;
  $s->send($q, 0, $peer);
}
PERL

cat >"$TMP/client.pl" <<'PERL'
# client.pl HOST PORT TIMES STEP...: a raw SMTP client. s:TEXT sends TEXT
# (\r \n \t \0 \\ \xHH escapes) in one write; r reads one complete reply; e
# reads to EOF. Everything received goes to stdout; TIMES gets one line per
# reply line received, "SECONDS LINE", seconds since the connection.
use strict;
use warnings;
use IO::Socket::IP;
use Time::HiRes qw(time);
my ($host, $port, $times) = splice @ARGV, 0, 3;
my $s = IO::Socket::IP->new(PeerHost => $host, PeerPort => $port, Proto => 'tcp')
  or do { print STDERR "client: connect: $!\n"; exit 2 };
binmode $s;
binmode STDOUT;
$| = 1;
$SIG{PIPE} = 'IGNORE';
$SIG{ALRM} = sub { print STDERR "client: timeout\n"; exit 3 };
open my $tf, '>', $times or die "client: $times: $!\n";
my $t0 = time;
my ($buf, $part, $eof) = ('', '', 0);
sub fill {
  return 0 if $eof;
  alarm 20;
  my $n = sysread($s, my $chunk, 65536);
  alarm 0;
  if (!$n) { $eof = 1; return 0 }
  my $now = sprintf '%.3f', time - $t0;
  print $chunk;
  $buf .= $chunk;
  $part .= $chunk;
  while ($part =~ s/^([^\n]*\n)//) { my $l = $1; $l =~ s/\r?\n$//; print $tf "$now $l\n" }
  return 1;
}
sub reply {
  for (;;) {
    while ($buf =~ s/^([^\n]*)\n//) { return 1 if $1 =~ /^\d{3}(?: |\r?$)/ }
    if (!fill()) { print STDERR "client: EOF before a complete reply\n"; return 0 }
  }
}
sub unesc {
  my $t = shift;
  $t =~ s/\\(x([0-9a-fA-F]{2})|.)/defined $2 ? chr(hex $2) : $1 eq 'r' ? "\r" : $1 eq 'n' ? "\n"
    : $1 eq 't' ? "\t" : $1 eq '0' ? "\0" : $1/ge;
  return $t;
}
for my $step (@ARGV) {
  if ($step =~ /^s:(.*)$/s) {
    my $d = unesc($1);
    alarm 20;
    my $off = 0;
    while ($off < length $d) {
      my $w = syswrite($s, $d, length($d) - $off, $off);
      last unless defined $w;
      $off += $w;
    }
    alarm 0;
  } elsif ($step eq 'r') { reply() }
  elsif ($step eq 'e') { 1 while fill() }
  else { die "client: bad step $step\n" }
}
close $s;
close $tf;
exit 0;
PERL

cat >"$TMP/tcpserver6.pl" <<'PERL'
# tcpserver6.pl PORTFILE PROG...: tcpserver's job on [::1] when the installed tcpserver
# is Debian's plain ucspi-tcp, which has no IPv6: for each connection, fork, put the socket on fds 0 and 1, set
# PROTO=TCP6, TCPREMOTEIP, TCPLOCALIP and the ports, exec PROG. Logs like
# "tcpserver -v": "tcpserver: pid N from IP" and "tcpserver: end N status S".
use strict;
use warnings;
use IO::Socket::IP;
use POSIX qw(:sys_wait_h);
my $portfile = shift @ARGV;
my $l = IO::Socket::IP->new(LocalHost => '::1', LocalPort => 0, Listen => 20, ReuseAddr => 1)
  or die "tcpserver6: bind: $!\n";
$| = 1;
select STDERR; $| = 1; select STDOUT;
$SIG{CHLD} = sub {
  while ((my $pid = waitpid(-1, WNOHANG)) > 0) { print STDERR "tcpserver: end $pid status $?\n" }
};
open my $pf, '>', "$portfile.tmp" or die "tcpserver6: $portfile: $!\n";
print $pf $l->sockport, "\n";
close $pf;
rename "$portfile.tmp", $portfile or die "tcpserver6: rename: $!\n";
print STDERR "tcpserver: status: 0/20\n";
for (;;) {
  my $c = $l->accept or next;
  my $pid = fork;
  if (!defined $pid) { close $c; next }
  if ($pid == 0) {
    $SIG{CHLD} = 'DEFAULT';
    close $l;
    @ENV{qw(PROTO TCPREMOTEIP TCPREMOTEPORT TCPLOCALIP TCPLOCALPORT)} =
      ('TCP6', $c->peerhost, $c->peerport, $c->sockhost, $c->sockport);
    open STDIN, '<&', $c or exit 111;
    open STDOUT, '>&', $c or exit 111;
    close $c;
    exec @ARGV or exit 111;
  }
  print STDERR "tcpserver: pid $pid from ", $c->peerhost, "\n";
  close $c;
}
PERL

# udp_server MODE: starts udp.pl, sets UDPPORT
udp_server() {
  local pf=$TMP/udp-$1.port
  perl "$TMP/udp.pl" "$1" "$pf" </dev/null >/dev/null 2>"$TMP/udp-$1.log" &
  BG_PIDS+=("$!")
  for _ in $(seq 1 100); do
    [ -s "$pf" ] && break
    sleep 0.05
  done
  UDPPORT=$(cat "$pf" 2>/dev/null)
  [ -n "$UDPPORT" ]
}

# --- the zone ----------------------------------------------------------------------
ZONE=(
  --host-record=a4.test,127.0.0.1
  --host-record=a6.test,::1
  --host-record=both.test,127.0.0.1,::1
  --host-record=other.test,192.0.2.1
  --txt-record=nodata.test,"no address here"
  --host-record=ours.test,198.51.100.7
  --host-record=ours6.test,2001:db8::7
  --host-record=loop.test,127.0.0.1
  --host-record=substr.test,198.51.100.71
  --host-record=test.tld,198.51.100.99
)

# many.test: 100 A records, 127.0.0.1 among them (too many for 1,232 bytes, few enough
# for 4,096); big.test: 300 (too many even for 4,096: dnsmasq answers truncated)
{
  echo "127.0.0.1 many.test"
  for i in $(seq 1 99); do echo "10.1.0.$i many.test"; done
  for i in $(seq 0 299); do echo "10.2.$((i / 256)).$((i % 256)) big.test"; done
} >"$TMP/many.hosts"

DNSLOG=$TMP/dnsmasq.log
# start_dnsmasq: on a free random port; sets DNSPORT
start_dnsmasq() {
  local try port pid user=()
  [ "$(id -u)" = 0 ] && user=(--user=root --group=root)
  for try in $(seq 1 20); do
    : "attempt $try"
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    : >"$DNSLOG"
    "$DNSMASQ" --keep-in-foreground --no-resolv --no-hosts --conf-file=/dev/null \
      --bind-interfaces --listen-address=127.0.0.1 --port="$port" --pid-file= "${user[@]}" \
      --local=/test/ --local=/tld/ --server="/servfail.test/127.0.0.1#$SFPORT" \
      --log-queries --log-facility="$DNSLOG" "${ZONE[@]}" \
      --addn-hosts="$TMP/many.hosts" --edns-packet-max=4096 \
      </dev/null >"$TMP/dnsmasq.out" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      if grep -aq 'using only locally-known addresses for test' "$DNSLOG"; then
        DNSPORT=$port
        BG_PIDS+=("$pid")
        return 0
      fi
      sleep 0.05
    done
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  return 1
}

# dns_mark: remember where the query log is; dns_queries_since: the queries logged
# since the mark, after a marker query has made it through the log
dns_mark() { DNSMARK=$(wc -l <"$DNSLOG"); }
dns_queries_since() {
  local marker=marker-$RANDOM$RANDOM.test
  HELO_DNS_CHECK=A NSCACHEIP=127.0.0.1 RES_OPTIONS=port:$DNSPORT \
    timeout 30 "$HC" -c "$CTL" "$marker" 127.0.0.1 >/dev/null 2>&1
  for _ in $(seq 1 100); do
    grep -aq "query\[[A-Z]*\] $marker " "$DNSLOG" && break
    sleep 0.05
  done
  tail -n +"$((DNSMARK + 1))" "$DNSLOG" | grep -a 'query\[' | grep -av "$marker"
}
expect_no_queries() {
  local q
  q=$(dns_queries_since)
  [ -z "$q" ] || fail "DNS queries were made: $(echo "$q" | head -n 3 | tr '\n' '|')"
}

# --- SMTP servers -------------------------------------------------------------------
# serve [-6] [-t N] [ENV=VALUE | -u NAME]...: starts tcpserver for the current case
# in front of `env QMAILSIM_RECORD=... DNS... ENV... helowrap -c $CTL [-t N] qmailsim`.
# Sets PORT, HOST, D (the case's directory), LOG (tcpserver's and helowrap's
# stderr), REC (what qmailsim received) and MSGS (the messages it stored).
N_CASE=0
serve() {
  local six=0 hwopt=() pidf job cmd
  while :; do
    case $1 in
      -6) six=1; shift ;;
      -t) hwopt+=(-t "$2"); shift 2 ;;
      -c) CTLDIR=$2; shift 2 ;;
      *) break ;;
    esac
  done
  N_CASE=$((N_CASE + 1))
  D=$TMP/case$N_CASE
  mkdir -p "$D/msg"
  LOG=$D/server.log
  SRVLOG=$LOG  # for lib.sh's wait_sessions
  REC=$D/record
  MSGS=$D/msg
  cmd=(env "QMAILSIM_RECORD=$REC" "QMAILSIM_MSGDIR=$MSGS" NSCACHEIP=127.0.0.1
    "RES_OPTIONS=port:$DNSPORT" "$@" "$HW" -c "${CTLDIR:-$CTL}" "${hwopt[@]}" "$QSIM")
  CTLDIR=
  show "$LOG"
  pidf=$D/server.pgid
  if [ "$six" = 1 ] && [ "$TCPSERVER6" = real ]; then
    # ucspi-tcp-ipv6's tcpserver: -1 prints the port it chose for port 0
    setsid sh -c 'echo $$ >"$0"; exec "$@"' "$pidf" \
      tcpserver -1 -v -RHl0 ::1 0 "${cmd[@]}" </dev/null >"$D/port6" 2>>"$LOG" &
    job=$!
    for _ in $(seq 1 200); do
      [ -s "$D/port6" ] && [ -s "$pidf" ] && grep -aq 'tcpserver: status: ' "$LOG" && break
      kill -0 "$job" 2>/dev/null || break
      sleep 0.05
    done
  elif [ "$six" = 1 ]; then
    setsid sh -c 'echo $$ >"$0"; exec "$@"' "$pidf" perl "$TMP/tcpserver6.pl" "$D/port6" \
      "${cmd[@]}" </dev/null >/dev/null 2>>"$LOG" &
    job=$!
    for _ in $(seq 1 200); do
      [ -s "$D/port6" ] && [ -s "$pidf" ] && break
      sleep 0.05
    done
  fi
  if [ "$six" = 1 ]; then
    PORT=$(cat "$D/port6" 2>/dev/null)
    HOST=::1
    SRVPG=$(cat "$pidf" 2>/dev/null)
    if [ -n "$SRVPG" ]; then
      SRV_JOBS+=("$job")
      SRV_GROUPS+=("$SRVPG")
    fi
    [ -n "$PORT" ] || { fail "cannot start the IPv6 server"; return 1; }
    return 0
  fi
  HOST=127.0.0.1
  srv_start "${D#"$TMP"/}/server" "${cmd[@]}" && return 0
  fail "cannot start tcpserver"
  return 1
}

# unserve: waits until every session has ended, stops the server, checks the log
unserve() {
  wait_sessions || fail "a session did not end ($(grep -ac 'tcpserver: pid ' "$LOG") started," \
    "$(grep -ac 'tcpserver: end ' "$LOG") ended)"
  srv_stop
  san_clean "$LOG"
}

# sw OUT SWAKSARGS...: real swaks against the current server, output in $D/OUT
sw() {
  local out=$D/$1
  shift
  show "$out"
  timeout 30 swaks --server "$HOST" --port "$PORT" --timeout 25 --from a@x.test --to b@x.test \
    "$@" </dev/null >"$out" 2>&1
  SWRC=$?
  [ "$SWRC" = 124 ] && fail "swaks timed out"
}

# raw OUT STEP...: the perl client; received bytes in $D/OUT, reply times in $D/OUT.times
raw() {
  local out=$D/$1
  shift
  show "$out"
  timeout 30 perl "$TMP/client.pl" "$HOST" "$PORT" "$out.times" "$@" >"$out" 2>"$out.err"
  RAWRC=$?
  [ "$RAWRC" = 0 ] || fail "raw client exit $RAWRC: $(head -c 200 "$out.err")"
}

# expect_codes OUT CODES: the final reply codes (lib.sh's codes) of a raw transcript
expect_codes() {
  local got
  got=$(codes "$D/$1")
  [ "$got" = "$2" ] || fail "reply codes: '$got', want '$2'"
}

# The reply swaks got for RCPT: the server line after "RCPT TO:" in its transcript.
rcpt_reply() {
  awk '/ -> RCPT TO:/ { want = 1; next } want && /^ *<[-~*]* / { sub(/^ *<[-~*]* +/, ""); print; exit }' "$D/$1" | tr -d '\r'
}
# the final lines of the replies swaks received, without swaks's "<-" marks, one a line
sw_replies() {
  grep -aE '^ *<[-~*]* +[0-9]{3}( |$)' "$D/$1" | sed -E 's/^ *<[-~*]* +//' | tr -d '\r'
}
# expect_replies OUT LINE...: the final reply lines swaks received, in order
expect_replies() {
  local out=$1 got want
  shift
  got=$(sw_replies "$out")
  want=$(printf '%s\n' "$@")
  [ "$got" = "$want" ] || fail "replies: $(echo "$got" | tr '\n' '|'), want $(echo "$want" | tr '\n' '|')"
}
expect_rcpt() {
  local got
  got=$(rcpt_reply "$1")
  [ "$got" = "$2" ] || fail "RCPT reply: '$got', want '$2'"
}

# --- control directories -----------------------------------------------------------
CTL=$TMP/ctl # me, locals, moreipme; no badhelo
mkdir -p "$CTL"
printf 'self.test\n' >"$CTL/me"
printf 'localdom.test\nOtherLocal.test\n' >"$CTL/locals"
printf '198.51.100.7\n2001:db8::7\n' >"$CTL/moreipme"
CTLBAD=$TMP/ctl-bad # the same and a badhelo
cp -r "$CTL" "$CTLBAD"
printf '^bad\\.\n' >"$CTLBAD/badhelo"

echo "# helowrap: $HW"
echo "# helocheck: $HC"
echo "# tmp: $TMP"

# --- prerequisites ----------------------------------------------------------------
missing=
for p in "$HW" "$HC" "$QSIM"; do [ -x "$p" ] || missing="$missing $p"; done
for p in "$DNSMASQ" tcpserver swaks perl setsid timeout; do
  command -v "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "not ok - prerequisites"
  echo "#   missing:$missing"
  echo "0 passed, 1 failed"
  exit 1
fi

udp_server blackhole && BHPORT=$UDPPORT
udp_server servfail && SFPORT=$UDPPORT
udp_server half && HALFPORT=$UDPPORT
udp_server tc && TCPORT=$UDPPORT
if [ -z "${BHPORT:-}" ] || [ -z "${SFPORT:-}" ] || [ -z "${HALFPORT:-}" ] ||
  [ -z "${TCPORT:-}" ] || ! start_dnsmasq; then
  echo "not ok - start the DNS servers"
  sed 's/^/#   /' "$TMP/dnsmasq.out" "$DNSLOG" "$TMP"/udp-*.log 2>/dev/null | head -n 20
  echo "0 passed, 1 failed"
  exit 1
fi
echo "# dnsmasq on 127.0.0.1:$DNSPORT, blackhole :$BHPORT, servfail :$SFPORT, half :$HALFPORT, tc :$TCPORT"

R_MAL='553 sorry, malformed HELO/EHLO hostname (#5.7.1)'
R_NOTSOLVE='553 sorry, invalid host name in HELO/EHLO command. (#5.7.1)'
R_LOCALHOST="553 sorry, localhost HELO/EHLO doesn't match IP (#5.7.1)"
R_OURS="553 sorry, HELO doesn't match IP (#5.7.1)"
R_MISMATCH='553 sorry, HELO/EHLO command must provide FQDN that match your IP address. (#5.7.1)'
R_NOHELO='553 sorry, no HELO/EHLO hostname has been sent. (#5.7.1)'
R_TEMP='451 temporary failure checking HELO/EHLO host name (#4.4.3)'
B_MAL='blocked with: malformed HELO/EHLO hostname [127.0.0.1]'
B_NOTSOLVE='blocked with: invalid host name in HELO/EHLO command. [127.0.0.1]'
B_LOCALHOST="blocked with: localhost HELO/EHLO doesn't match IP [127.0.0.1]"
B_OURS="blocked with: HELO doesn't match IP [127.0.0.1]"
B_MISMATCH='blocked with: HELO/EHLO command must provide FQDN that match your IP address. [127.0.0.1]'

# refused DESC EHLO REPLY [SERVE ARGS...]: begins a case in which swaks's RCPT gets
# REPLY and qmailsim gets a NOOP in its place. The caller adds checks and finishes.
refused() {
  local desc=$1 ehlo=$2 reply=$3
  shift 3
  begin "$desc"
  serve "$@" || return
  sw s --ehlo "$ehlo"
  unserve
  expect_rcpt s "$reply"
  expect_verbs "$REC" "EHLO MAIL NOOP QUIT"
}
# accepted DESC EHLO [SERVE ARGS...]: begins a case in which the RCPT reaches qmailsim
# and the message is delivered
accepted() {
  local desc=$1 ehlo=$2
  shift 2
  begin "$desc"
  serve "$@" || return
  sw s --ehlo "$ehlo"
  unserve
  expect_rcpt s "250 ok"
  expect_verbs "$REC" "EHLO MAIL RCPT DATA QUIT"
}
# no_blocks: helowrap blocked nothing
no_blocks() { hasntlog "$LOG" "blocked with:"; }
# exec_direct: helowrap exec'ed the program (the message was stored by tcpserver's child)
exec_direct() {
  local pid
  pid=$(sed -n 's/^tcpserver: pid \([0-9]*\) from .*/\1/p' "$LOG" | head -n 1)
  if [ -z "$pid" ] || [ ! -f "$MSGS/msg.$pid.1" ]; then
    fail "qmailsim did not run as tcpserver's child $pid: $(ls "$MSGS" | tr '\n' ' ')"
  fi
}
watched() {
  local pid
  pid=$(sed -n 's/^tcpserver: pid \([0-9]*\) from .*/\1/p' "$LOG" | head -n 1)
  if [ -z "$pid" ] || [ -f "$MSGS/msg.$pid.1" ] || [ -z "$(ls "$MSGS")" ]; then
    fail "expected helowrap to relay (tcpserver's child $pid): $(ls "$MSGS" | tr '\n' ' ')"
  fi
}

# --- 1. off ------------------------------------------------------------------------------
dns_mark
accepted "unset HELO_DNS_CHECK: no DNS query, badhelo still relayed" other.test -c "$CTLBAD"
watched
expect_no_queries
[ -z "$(log_of "$LOG")" ] || fail "helowrap logged: $(log_of "$LOG" | head -n 2)"
finish

dns_mark
accepted "unset HELO_DNS_CHECK, NOBADHELO, no badhelo file: helowrap execs the program" nodot \
  NOBADHELO=
exec_direct
expect_no_queries
[ -z "$(log_of "$LOG")" ] || fail "helowrap logged: $(log_of "$LOG" | head -n 2)"
finish

dns_mark
accepted "NOHELODNSCHECK: no checks, no DNS query" other.test HELO_DNS_CHECK=BL NOHELODNSCHECK=
exec_direct
expect_no_queries
[ -z "$(log_of "$LOG")" ] || fail "helowrap logged: $(log_of "$LOG" | head -n 2)"
finish

dns_mark
accepted "R and RELAYCLIENT: checks off, no DNS query" other.test HELO_DNS_CHECK=BLR RELAYCLIENT=
exec_direct
expect_no_queries
finish

dns_mark
accepted "G alone: a valid name passes without any DNS query" nx.test HELO_DNS_CHECK=G
expect_no_queries
[ -z "$(log_of "$LOG")" ] || fail "helowrap logged: $(log_of "$LOG" | head -n 2)"
finish

# --- 2. default flags GNLR -----------------------------------------------------------------
dns_mark
refused "empty HELO_DNS_CHECK (GNLR): EHLO nodot is malformed" nodot "$R_MAL" HELO_DNS_CHECK=
haslog "$LOG" "malformed HELO/EHLO [nodot] from [127.0.0.1]"
haslog "$LOG" "$B_MAL"
q=$(dns_queries_since)
case $q in *nodot*) fail "a malformed name was looked up: $q" ;; esac
finish

refused "GNLR: EHLO localhost.localdomain" localhost.localdomain "$R_LOCALHOST" HELO_DNS_CHECK=
haslog "$LOG" "invalid HELO/EHLO [localhost.localdomain] from [127.0.0.1]"
haslog "$LOG" "$B_LOCALHOST"
finish

refused "GNLR: EHLO [127.0.0.1] (loopback literal)" "[127.0.0.1]" "$R_LOCALHOST" HELO_DNS_CHECK=
haslog "$LOG" "invalid HELO/EHLO [[127.0.0.1]] from [127.0.0.1]"
haslog "$LOG" "$B_LOCALHOST"
finish

refused "GNLR: EHLO ours.test resolves to a moreipme address" ours.test "$R_OURS" HELO_DNS_CHECK=
haslog "$LOG" "HELO [ours.test] is a local domain but IP [127.0.0.1] is not a RELAYCLIENT"
haslog "$LOG" "$B_OURS"
finish

refused "GNLR: EHLO ours6.test (AAAA in moreipme)" ours6.test "$R_OURS" HELO_DNS_CHECK=
haslog "$LOG" "HELO [ours6.test] is a local domain but IP [127.0.0.1] is not a RELAYCLIENT"
finish

refused "GNLR: EHLO [198.51.100.7] (literal of a moreipme address)" "[198.51.100.7]" "$R_OURS" \
  HELO_DNS_CHECK=
haslog "$LOG" "HELO [[198.51.100.7]] is a local domain but IP [127.0.0.1] is not a RELAYCLIENT"
finish

refused "GNLR: EHLO control/me" self.test "$R_OURS" HELO_DNS_CHECK=
haslog "$LOG" "HELO [self.test] is a local domain but IP [127.0.0.1] is not a RELAYCLIENT"
haslog "$LOG" "$B_OURS"
finish

refused "GNLR: EHLO control/me in upper case with a trailing dot" SELF.Test. "$R_OURS" HELO_DNS_CHECK=
haslog "$LOG" "HELO [SELF.Test.] is a local domain but IP [127.0.0.1] is not a RELAYCLIENT"
finish

refused "GNLR: EHLO a line of control/locals" otherlocal.test "$R_OURS" HELO_DNS_CHECK=
haslog "$LOG" "HELO [otherlocal.test] is a local domain but IP [127.0.0.1] is not a RELAYCLIENT"
finish

accepted "GNLR: EHLO ours.test with RELAYCLIENT (and R): checks off" ours.test HELO_DNS_CHECK= \
  RELAYCLIENT=
no_blocks
finish

accepted "GNL without R, RELAYCLIENT set: N skipped for a relay client" ours.test \
  HELO_DNS_CHECK=GNL RELAYCLIENT=
no_blocks
finish

refused "GNL without R, RELAYCLIENT set: G still applies" nodot "$R_MAL" HELO_DNS_CHECK=GNL \
  RELAYCLIENT=
finish

refused "V (old name of N): EHLO ours.test" ours.test "$R_OURS" HELO_DNS_CHECK=V
finish

accepted "N compares whole addresses: substr.test (198.51.100.71) is not 198.51.100.7" substr.test \
  HELO_DNS_CHECK=GNL
no_blocks
finish

accepted "GNLR: EHLO nx.test (no A flag) is only logged" nx.test HELO_DNS_CHECK=
haslog "$LOG" "HELO [nx.test] from [127.0.0.1] doesn't solve"
no_blocks
finish

accepted "GNLR: EHLO loop.test (resolves to loopback) is logged, not blocked" loop.test \
  HELO_DNS_CHECK=
log_of "$LOG" | grep -q 'loop\.test' || fail "no log line names loop.test"
no_blocks
finish

accepted "GNLR: EHLO other.test (no B) is only logged" other.test HELO_DNS_CHECK=
haslog "$LOG" "HELO [other.test] doesn't match IP [127.0.0.1]"
no_blocks
finish

# --- 3. A -------------------------------------------------------------------------------------
refused "A: EHLO nx.test (NXDOMAIN)" nx.test "$R_NOTSOLVE" HELO_DNS_CHECK=AL
haslog "$LOG" "HELO [nx.test] from [127.0.0.1] doesn't solve"
haslog "$LOG" "$B_NOTSOLVE"
finish

refused "A: EHLO nodata.test (NODATA)" nodata.test "$R_NOTSOLVE" HELO_DNS_CHECK=AL
haslog "$LOG" "HELO [nodata.test] from [127.0.0.1] doesn't solve"
haslog "$LOG" "$B_NOTSOLVE"
finish

refused "I (old name of A): EHLO nx.test, no log without L" nx.test "$R_NOTSOLVE" HELO_DNS_CHECK=I
hasntlog "$LOG" "doesn't solve"
haslog "$LOG" "$B_NOTSOLVE"
finish

refused "A implies G: EHLO nodot" nodot "$R_MAL" HELO_DNS_CHECK=A
finish

accepted "A: EHLO a4.test (A only)" a4.test HELO_DNS_CHECK=AL
no_blocks
finish

accepted "A: EHLO a6.test (AAAA only)" a6.test HELO_DNS_CHECK=AL
no_blocks
finish

# --- 4. B ---------------------------------------------------------------------------------------
accepted "B: EHLO a4.test from 127.0.0.1" a4.test HELO_DNS_CHECK=BL
no_blocks
hasntlog "$LOG" "doesn't match"
finish

accepted "B: EHLO both.test from 127.0.0.1" both.test HELO_DNS_CHECK=BL
no_blocks
finish

accepted "B: EHLO A4.TEST. (case, trailing dot)" A4.TEST. HELO_DNS_CHECK=BL
no_blocks
finish

refused "B: EHLO other.test resolves elsewhere" other.test "$R_MISMATCH" HELO_DNS_CHECK=BL
haslog "$LOG" "HELO [other.test] doesn't match IP [127.0.0.1]"
haslog "$LOG" "$B_MISMATCH"
finish

refused "B: EHLO a6.test (AAAA only) from an IPv4 client" a6.test "$R_MISMATCH" HELO_DNS_CHECK=BL
haslog "$LOG" "HELO [a6.test] doesn't match IP [127.0.0.1]"
finish

refused "B implies A: EHLO nx.test" nx.test "$R_NOTSOLVE" HELO_DNS_CHECK=BL
finish

refused "B: address literal [192.0.2.9] is not the client" "[192.0.2.9]" "$R_MISMATCH" \
  HELO_DNS_CHECK=BL
haslog "$LOG" "HELO [[192.0.2.9]] doesn't match IP [127.0.0.1]"
haslog "$LOG" "$B_MISMATCH"
finish

accepted "B with R and RELAYCLIENT: EHLO other.test passes" other.test HELO_DNS_CHECK=BR RELAYCLIENT=
[ -z "$(log_of "$LOG")" ] || fail "helowrap logged: $(log_of "$LOG" | head -n 2)"
finish

refused "B without R, RELAYCLIENT set: EHLO other.test still refused" other.test "$R_MISMATCH" \
  HELO_DNS_CHECK=BL RELAYCLIENT=
finish

# --- 5. IPv6 --------------------------------------------------------------------------------------
# What these cases need is a precondition, not an option: when it is missing they fail and
# say what to install or enable.
ipv6_missing() {
  grep -q '^0\{31\}1 .* lo$' /proc/net/if_inet6 2>/dev/null ||
    { echo "no IPv6 loopback: ::1 is not on lo (sysctl -w net.ipv6.conf.lo.disable_ipv6=0)"; return; }
  perl -MIO::Socket::IP -e 'IO::Socket::IP->new(LocalHost => "::1", LocalPort => 0, Listen => 1) or exit 1' 2>/dev/null ||
    { echo "cannot listen on ::1"; return; }
  perl -MIO::Socket::INET6 -e 1 2>/dev/null ||
    echo "swaks has no IPv6 without IO::Socket::INET6: apt-get install libio-socket-inet6-perl"
}
IPV6_MISSING=$(ipv6_missing)
echo "# IPv6 server: $([ "$TCPSERVER6" = real ] && echo "tcpserver (ucspi-tcp-ipv6)" || echo "tcpserver6.pl (the installed tcpserver has no IPv6)")"
if [ -z "$IPV6_MISSING" ]; then
  accepted "IPv6 client ::1: EHLO a6.test passes B" a6.test -6 HELO_DNS_CHECK=BL
  log_of "$LOG" x '::1' | grep -aqF 'resolves to loopback [::1]' || fail "no log line from ::1"
  hasntlog "$LOG" "doesn't match" '::1'
  no_blocks
  finish
  accepted "IPv6 client ::1: EHLO both.test passes B" both.test -6 HELO_DNS_CHECK=BL
  hasntlog "$LOG" "doesn't match" '::1'
  finish
  refused "IPv6 client ::1: EHLO a4.test (A only) is refused by B" a4.test "$R_MISMATCH" -6 \
    HELO_DNS_CHECK=BL
  haslog "$LOG" "HELO [a4.test] doesn't match IP [::1]" '::1'
  haslog "$LOG" "blocked with: HELO/EHLO command must provide FQDN that match your IP address. [::1]" '::1'
  finish
else
  for t in "EHLO a6.test passes B" "EHLO both.test passes B" "EHLO a4.test (A only) is refused by B"; do
    begin "IPv6 client ::1: $t"
    fail "$IPV6_MISSING"
    finish
  done
fi

# helocheck NAME IP FLAGS: runs helocheck against dnsmasq, output in $D/hc.out
hc() {
  N_CASE=$((N_CASE + 1))
  D=$TMP/case$N_CASE
  mkdir -p "$D"
  show "$D/hc.out"
  env HELO_DNS_CHECK="$3" NSCACHEIP=127.0.0.1 "RES_OPTIONS=port:$DNSPORT" "${@:4}" \
    timeout 30 "$HC" -c "$CTL" "$1" "$2" >"$D/hc.out" 2>&1
  HCRC=$?
}
hc_reply() {
  local got
  got=$(sed -n 's/^reply to RCPT: //p' "$D/hc.out")
  [ "$got" = "$1" ] || fail "helocheck reply: '$got', want '$1'"
  [ "$HCRC" = 0 ] || fail "helocheck exit $HCRC"
}

begin "helocheck: a6.test from ::1 passes B"
hc a6.test ::1 BL
hc_reply "250 ok"
finish
begin "helocheck: a4.test from ::1 is refused by B"
hc a4.test ::1 BL
hc_reply "$R_MISMATCH"
finish
begin "helocheck: both.test from ::ffff:127.0.0.1 (IPv4-mapped) passes B"
hc both.test ::ffff:127.0.0.1 BL
hc_reply "250 ok"
finish
begin "helocheck: a6.test from ::ffff:127.0.0.1 (IPv4-mapped, no A) is refused by B"
hc a6.test ::ffff:127.0.0.1 BL
hc_reply "$R_MISMATCH"
finish
begin "helocheck: B and the literal [IPv6:::ffff:192.0.2.9] equals the client 192.0.2.9"
hc "[IPv6:::ffff:192.0.2.9]" 192.0.2.9 BL
hc_reply "250 ok"
finish

begin "helocheck: N and \$TCPLOCALIP: a name resolving to it is ours"
hc other.test 192.0.2.50 GNL TCPLOCALIP=192.0.2.1
hc_reply "$R_OURS"
finish
begin "helocheck: N and [IPv6:2001:DB8::7] (moreipme, tag in any case)"
hc "[ipv6:2001:DB8::7]" 192.0.2.50 GNL
hc_reply "$R_OURS"
finish
begin "helocheck: B and an untagged bracketed IPv6 literal equal to the client"
hc "[2001:db8::9]" 2001:db8:0::9 BL
hc_reply "250 ok"
finish
begin "helocheck: B and [::1] from ::1 is loopback (N)"
hc "[IPv6:::1]" ::1 BL
hc_reply "$R_LOCALHOST"
finish

# --- 6. P ---------------------------------------------------------------------------------------------
accepted "P: BLP with EHLO other.test passes but is logged" other.test HELO_DNS_CHECK=BLP
haslog "$LOG" "HELO [other.test] doesn't match IP [127.0.0.1]"
no_blocks
finish

accepted "P: ALP with EHLO nx.test passes but is logged" nx.test HELO_DNS_CHECK=ALP
haslog "$LOG" "HELO [nx.test] from [127.0.0.1] doesn't solve"
no_blocks
finish

# --- 7. H ------------------------------------------------------------------------------------------------
printf 'Subject: helo header test\r\nX-Test: 1\r\n\r\nline one\r\n.dot line\r\nlast line\r\n' >"$TMP/data.txt"
# baseline: what swaks sends of data.txt, as qmailsim stores it without a header
begin "H: baseline message without a header"
serve HELO_DNS_CHECK=HL
sw s --ehlo a4.test --data "@$TMP/data.txt"
unserve
expect_verbs "$REC" "EHLO MAIL RCPT DATA QUIT"
BASE=$TMP/baseline.msg
cp "$MSGS"/msg.* "$BASE" 2>/dev/null || fail "no message stored"
grep -aq 'X-Helo-Check' "$BASE" && fail "a header was added for a name that matches"
finish

# expect_header_msg FILE HEADER: FILE is "HEADER CR LF" followed by the baseline message
expect_header_msg() {
  if [ ! -f "$1" ]; then
    fail "no message $1"
    return
  fi
  cmp -s "$1" <(printf '%s\r\n' "$2"; cat "$BASE") ||
    fail "message $(basename "$1") is not the header + the message sent: $(head -c 120 "$1" | cat -v)"
}

begin "H: HL and EHLO nx.test: X-Helo-Check header, message otherwise unchanged"
serve HELO_DNS_CHECK=HL
sw s --ehlo nx.test --data "@$TMP/data.txt"
unserve
expect_rcpt s "250 ok"
expect_verbs "$REC" "EHLO MAIL RCPT DATA QUIT"
expect_header_msg "$(ls "$MSGS"/msg.* 2>/dev/null | head -n 1)" \
  "X-Helo-Check: HELO [nx.test] from [127.0.0.1] doesn't solve"
haslog "$LOG" "HELO [nx.test] from [127.0.0.1] doesn't solve"
finish

begin "H: BHLP and EHLO other.test: doesn't-match header"
serve HELO_DNS_CHECK=BHLP
sw s --ehlo other.test --data "@$TMP/data.txt"
unserve
expect_rcpt s "250 ok"
expect_header_msg "$(ls "$MSGS"/msg.* 2>/dev/null | head -n 1)" \
  "X-Helo-Check: HELO [other.test] doesn't match IP [127.0.0.1]"
finish

begin "H: two messages in one session both get the header"
serve HELO_DNS_CHECK=HL
# data.txt dot-stuffed, with \r \n escapes for the client
body=$(sed 's/^\./../; s/\r$/\\r/; s/$/\\n/' "$TMP/data.txt" | tr -d '\n')
raw t r 's:EHLO nx.test\r\n' r 's:MAIL FROM:<a@x.test>\r\n' r 's:RCPT TO:<b@x.test>\r\n' r \
  's:DATA\r\n' r "s:${body}.\\r\\n" r 's:MAIL FROM:<c@x.test>\r\n' r \
  's:RCPT TO:<d@x.test>\r\n' r 's:DATA\r\n' r "s:${body}.\\r\\n" r 's:QUIT\r\n' e
unserve
expect_codes t "220 250 250 250 354 250 250 250 354 250 221"
expect_verbs "$REC" "EHLO MAIL RCPT DATA MAIL RCPT DATA QUIT"
n=0
for m in "$MSGS"/msg.*; do
  [ -f "$m" ] || continue
  n=$((n + 1))
  cmp -s "$m" <(printf '%s\r\n' "X-Helo-Check: HELO [nx.test] from [127.0.0.1] doesn't solve"
    cat "$TMP/data.txt") ||
    fail "message $(basename "$m") is not the header + the message sent: $(head -c 120 "$m" | cat -v)"
done
[ "$n" = 2 ] || fail "$n messages stored, want 2"
finish

begin "H: control characters in the HELO name become ? in the header and the log"
serve HELO_DNS_CHECK=GHLP
raw t r 's:EHLO x\rX-Evil: yes\x01.nx.test\r\n' r 's:MAIL FROM:<a@x.test>\r\n' r \
  's:RCPT TO:<b@x.test>\r\n' r 's:DATA\r\n' r 's:Subject: x\r\n\r\nbody\r\n.\r\n' r 's:QUIT\r\n' e
unserve
expect_codes t "220 250 250 250 354 250 221"
m=$(ls "$MSGS"/msg.* 2>/dev/null | head -n 1)
if [ -n "$m" ]; then
  cmp -s "$m" <(printf 'X-Helo-Check: HELO [x?X-Evil: yes?.nx.test] from [127.0.0.1] doesn'"'"'t solve\r\nSubject: x\r\n\r\nbody\r\n') ||
    fail "message: $(head -c 200 "$m" | cat -v)"
else
  fail "no message stored"
fi
grep -aq "$(printf '\001')" "$LOG" && fail "a raw control character in the log"
haslog "$LOG" "malformed HELO/EHLO [x?X-Evil: yes?.nx.test] from [127.0.0.1]"
finish

# --- 8. temporary failures ------------------------------------------------------------------------------------
# reply_time FILE CODE [N]: seconds at which the Nth final reply line with CODE arrived
reply_time() {
  awk -v c="$2" -v n="${3:-1}" '$2 ~ "^"c"( |$)" && ++k == n { print $1; exit }' "$D/$1.times"
}
between() { awk -v t="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(t != "" && t >= lo && t <= hi) }'; }

begin "tempfail: no DNS answer, -t 2, AL: RCPT answered after ~2 s and let go"
serve -t 2 HELO_DNS_CHECK=AL "RES_OPTIONS=port:$BHPORT"
raw t r 's:EHLO a4.test\r\n' r 's:MAIL FROM:<a@x.test>\r\n' r 's:RCPT TO:<b@x.test>\r\n' r \
  's:QUIT\r\n' e
unserve
expect_codes t "220 250 250 250 221"
tr=$(awk '$2 == "250" && ++k == 3 { print $1; exit }' "$D/t.times") # EHLO's last line, MAIL, RCPT
between "$tr" 1.5 6 || fail "RCPT answered at ${tr}s, want 1.5-6"
haslog "$LOG" "HELO [a4.test] DNS CHECK for IP [127.0.0.1] temporary failed, but let it go"
expect_verbs "$REC" "EHLO MAIL RCPT QUIT"
no_blocks
finish

begin "tempfail: no DNS answer, -t 2, ALT: 451"
serve -t 2 HELO_DNS_CHECK=ALT "RES_OPTIONS=port:$BHPORT"
sw s --ehlo a4.test
unserve
expect_rcpt s "$R_TEMP"
expect_verbs "$REC" "EHLO MAIL NOOP QUIT"
log_of "$LOG" | grep -aqF "HELO [a4.test] DNS CHECK for IP [127.0.0.1] temporary failed" ||
  fail "no temporary-failure log line"
hasntlog "$LOG" "but let it go"
finish

begin "tempfail: SERVFAIL (through dnsmasq), AL: let go at once"
serve HELO_DNS_CHECK=AL
raw t r 's:EHLO x.servfail.test\r\n' r 's:MAIL FROM:<a@x.test>\r\n' r 's:RCPT TO:<b@x.test>\r\n' r \
  's:QUIT\r\n' e
unserve
expect_codes t "220 250 250 250 221"
tr=$(awk '$2 == "250" && ++k == 3 { print $1; exit }' "$D/t.times")
between "$tr" 0 1.5 || fail "RCPT answered at ${tr}s, want < 1.5 (SERVFAIL is an answer)"
haslog "$LOG" "HELO [x.servfail.test] DNS CHECK for IP [127.0.0.1] temporary failed, but let it go"
finish

begin "tempfail: SERVFAIL, BLT: 451"
serve HELO_DNS_CHECK=BLT
sw s --ehlo x.servfail.test
unserve
expect_rcpt s "$R_TEMP"
expect_verbs "$REC" "EHLO MAIL NOOP QUIT"
finish

begin "verdict waits for both answers: A at once, AAAA never, -t 3"
serve -t 3 HELO_DNS_CHECK=BL "RES_OPTIONS=port:$HALFPORT"
raw t r 's:EHLO half.test\r\n' r 's:MAIL FROM:<a@x.test>\r\n' r 's:RCPT TO:<b@x.test>\r\n' r \
  's:QUIT\r\n' e
unserve
expect_codes t "220 250 250 250 221"
tr=$(awk '$2 == "250" && ++k == 3 { print $1; exit }' "$D/t.times")
between "$tr" 2.5 7 || fail "RCPT answered at ${tr}s, want 2.5-7 (not on the A answer alone)"
no_blocks
finish

# --- 9. pipelining while DNS is slow ---------------------------------------------------------------------------
begin "pipelined EHLO MAIL RCPT QUIT while DNS is slow: RCPT held, replies in order"
serve -t 2 HELO_DNS_CHECK=AL "RES_OPTIONS=port:$BHPORT"
raw t r 's:EHLO a4.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nQUIT\r\n' e
unserve
expect_codes t "220 250 250 250 221"
tm=$(awk '$2 == "250" && ++k == 2 { print $1; exit }' "$D/t.times")
tr=$(awk '$2 == "250" && ++k == 3 { print $1; exit }' "$D/t.times")
between "$tm" 0 1.5 || fail "MAIL answered at ${tm}s, want < 1.5 (only the RCPT is held)"
between "$tr" 1.5 6 || fail "RCPT answered at ${tr}s, want 1.5-6"
expect_verbs "$REC" "EHLO MAIL RCPT QUIT"
finish

begin "swaks --pipeline while DNS is slow (AL): session completes, message delivered"
serve -t 2 HELO_DNS_CHECK=AL "RES_OPTIONS=port:$BHPORT"
sw s --ehlo a4.test --pipeline
unserve
[ "$SWRC" = 0 ] || fail "swaks exit $SWRC"
expect_replies s "220 qmailsim.test ESMTP" "250 8BITMIME" "250 ok" "250 ok" "354 go ahead" \
  "250 ok 1700000000 qp $(ls "$MSGS" | sed -n 's/^msg\.\([0-9]*\)\.1$/\1/p')" "221 qmailsim.test"
expect_verbs "$REC" "EHLO MAIL RCPT DATA QUIT"
[ -n "$(ls "$MSGS")" ] || fail "no message stored"
finish

begin "swaks --pipeline while DNS is slow (ALT): 451 in order, RCPT never reaches the server"
serve -t 2 HELO_DNS_CHECK=ALT "RES_OPTIONS=port:$BHPORT"
sw s --ehlo a4.test --pipeline
unserve
expect_replies s "220 qmailsim.test ESMTP" "250 8BITMIME" "250 ok" "$R_TEMP" "503 RCPT first (#5.5.1)" \
  "221 qmailsim.test"
case $(verbs "$REC") in *RCPT*) fail "RCPT reached qmailsim: $(verbs "$REC")" ;; esac
[ -z "$(ls "$MSGS")" ] || fail "a message was stored"
finish

begin "swaks --pipeline, B, EHLO other.test: refused"
serve HELO_DNS_CHECK=BL
sw s --ehlo other.test --pipeline
unserve
expect_replies s "220 qmailsim.test ESMTP" "250 8BITMIME" "250 ok" "$R_MISMATCH" \
  "503 RCPT first (#5.5.1)" "221 qmailsim.test"
case $(verbs "$REC") in *RCPT*) fail "RCPT reached qmailsim: $(verbs "$REC")" ;; esac
finish

begin "a new EHLO starts a new check (AL: nx.test, then a4.test)"
serve HELO_DNS_CHECK=AL
raw t r 's:EHLO nx.test\r\nEHLO a4.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nQUIT\r\n' e
unserve
expect_codes t "220 250 250 250 250 221"
expect_verbs "$REC" "EHLO EHLO MAIL RCPT QUIT"
finish

begin "a new HELO starts a new check (BL: a4.test passes, then other.test is refused)"
serve HELO_DNS_CHECK=BL
raw t r 's:HELO a4.test\r\n' r 's:MAIL FROM:<a@x.test>\r\n' r 's:RCPT TO:<b@x.test>\r\n' r \
  's:RSET\r\n' r 's:HELO other.test\r\n' r 's:MAIL FROM:<a@x.test>\r\n' r 's:RCPT TO:<b@x.test>\r\n' r \
  's:rcpt to:<c@x.test>\r\n' r 's:QUIT\r\n' e
unserve
expect_codes t "220 250 250 250 250 250 250 553 553 221"
expect_verbs "$REC" "HELO MAIL RCPT RSET HELO MAIL NOOP NOOP QUIT"
[ "$(log_of "$LOG" | grep -c 'doesn.t match IP')" -ge 1 ] || fail "no doesn't-match line"
finish

# --- 10. D, no HELO -----------------------------------------------------------------------------------------------
accepted "D: debug lines" a4.test HELO_DNS_CHECK=BLD
nd=$(log_of "$LOG" | grep -c '^debug: ')
[ "$nd" -ge 3 ] || fail "$nd debug lines, want several"
log_of "$LOG" | grep '^debug: ' | grep -qF 'a4.test' || fail "no debug line names the HELO"
log_of "$LOG" | grep '^debug: ' | grep -qF 'BLD' || fail "no debug line gives the flags"
finish

begin "no HELO before RCPT with DNS checks on"
serve HELO_DNS_CHECK=BL
raw t r 's:MAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nQUIT\r\n' e
unserve
expect_codes t "220 250 553 221"
grep -aqF "$R_NOHELO" "$D/t" || fail "not the no-HELO reply"
haslog "$LOG" "No HELO sent from [127.0.0.1]"
haslog "$LOG" "blocked with: no HELO/EHLO hostname has been sent. [127.0.0.1]"
expect_verbs "$REC" "MAIL NOOP QUIT"
finish

begin "no HELO before RCPT, default flags"
serve HELO_DNS_CHECK=
raw t r 's:MAIL FROM:<a@x.test>\r\n' r 's:RCPT TO:<b@x.test>\r\n' r 's:QUIT\r\n' e
unserve
expect_codes t "220 250 553 221"
grep -aqF "$R_NOHELO" "$D/t" || fail "not the no-HELO reply"
finish

# --- 11. TCPREMOTEIP unset, DNSCACHEIP ------------------------------------------------------------------------------------------
begin "TCPREMOTEIP unset: logged with L, no checks"
N_CASE=$((N_CASE + 1))
D=$TMP/case$N_CASE
mkdir -p "$D"
show "$D/out" "$D/err"
dns_mark
printf 'EHLO other.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nQUIT\r\n' >"$D/in"
env -u TCPREMOTEIP HELO_DNS_CHECK=BL NSCACHEIP=127.0.0.1 "RES_OPTIONS=port:$DNSPORT" \
  timeout 30 "$HW" -c "$CTL" "$QSIM" <"$D/in" >"$D/out" 2>"$D/err"
rc=$?
[ "$rc" = 0 ] || fail "helowrap exit $rc"
expect_codes out "220 250 250 250 221"
grep -aqE '^helowrap: pid [0-9]+ from [^ ]+ TCPREMOTEIP not set, let it go\.$' "$D/err" ||
  fail "no 'TCPREMOTEIP not set, let it go.' line"
expect_no_queries
san_clean "$D/err"
finish

begin "DNSCACHEIP overrides NSCACHEIP (port from RES_OPTIONS)"
dns_mark
serve HELO_DNS_CHECK=BL NSCACHEIP=127.0.0.2 DNSCACHEIP=127.0.0.1
sw s --ehlo other.test
sw s2 --ehlo a4.test
unserve
expect_rcpt s "$R_MISMATCH"
expect_rcpt s2 "250 ok"
tail -n +"$((DNSMARK + 1))" "$DNSLOG" | grep -aq 'query\[A\] other.test' || fail "dnsmasq was not asked"
finish

begin "control: NSCACHEIP=127.0.0.2 alone finds no server (temporary failure)"
serve -t 2 HELO_DNS_CHECK=BL NSCACHEIP=127.0.0.2
sw s --ehlo other.test
unserve
expect_rcpt s "250 ok"
haslog "$LOG" "HELO [other.test] DNS CHECK for IP [127.0.0.1] temporary failed, but let it go"
finish

begin "DNSCACHEIP that is not an address: 421 and exit 111"
serve HELO_DNS_CHECK=BL DNSCACHEIP=not-an-ip
raw t r e
unserve
expect_codes t "421"
grep -aqF '421 unable to read controls (#4.3.0)' "$D/t" || fail "not qmail's 421"
grep -aqE 'tcpserver: end [0-9]+ status (111|28416)$' "$LOG" || fail "helowrap did not exit 111"
[ ! -s "$REC" ] || fail "qmailsim ran"
finish

# --- 12. helocheck --------------------------------------------------------------------------------------------------------
begin "helocheck: helodnscheck's documented test (BLRD, test.tld, 192.0.2.1)"
N_CASE=$((N_CASE + 1))
D=$TMP/case$N_CASE
mkdir -p "$D"
show "$D/hc.out"
HELO_DNS_CHECK=BLRD SMTPHELOHOST=test.tld TCPREMOTEIP=192.0.2.1 NSCACHEIP=127.0.0.1 \
  RES_OPTIONS=port:$DNSPORT timeout 30 "$HC" -c "$CTL" >"$D/hc.out" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "helocheck exit $rc"
[ "$(log_of "$D/hc.out" x 192.0.2.1 | grep -c '^debug: ')" -ge 3 ] || fail "no debug lines"
haslog "$D/hc.out" "HELO [test.tld] doesn't match IP [192.0.2.1]" 192.0.2.1
haslog "$D/hc.out" "blocked with: HELO/EHLO command must provide FQDN that match your IP address. [192.0.2.1]" 192.0.2.1
grep -axqF "reply to RCPT: $R_MISMATCH" "$D/hc.out" || fail "no reply line"
finish

begin "helocheck: the same with arguments, and a name that matches"
hc test.tld 198.51.100.99 BLRD
hc_reply "250 ok"
hasntlog "$D/hc.out" "doesn't match" 198.51.100.99
finish

begin "helocheck: R and RELAYCLIENT: no check applies"
hc other.test 127.0.0.1 BLRD RELAYCLIENT=
[ "$HCRC" = 0 ] || fail "helocheck exit $HCRC"
grep -q 'no check applies' "$D/hc.out" || fail "no 'no check applies' line"
finish

begin "helocheck: bad option exits 100"
N_CASE=$((N_CASE + 1))
D=$TMP/case$N_CASE
mkdir -p "$D"
show "$D/hc.out"
timeout 30 "$HC" -x >"$D/hc.out" 2>&1
rc=$?
[ "$rc" = 100 ] || fail "exit $rc, want 100"
grep -q 'usage' "$D/hc.out" || fail "no usage line"
finish

# --- 13. one-letter top-level labels, bare addresses, large answers ------------------------------------
dns_mark
refused "GNLR: EHLO mail.example.c (one-letter top-level label) is malformed" mail.example.c \
  "$R_MAL" HELO_DNS_CHECK=
haslog "$LOG" "malformed HELO/EHLO [mail.example.c] from [127.0.0.1]"
expect_no_queries
finish

begin "helocheck: B and a.b (one-letter top-level label) is malformed"
hc a.b 192.0.2.50 BL
hc_reply "$R_MAL"
finish

dns_mark
refused "N: bare address 198.51.100.7 (in moreipme) is ours, no DNS query" 198.51.100.7 "$R_OURS" \
  HELO_DNS_CHECK=NL
haslog "$LOG" "HELO [198.51.100.7] is a local domain but IP [127.0.0.1] is not a RELAYCLIENT"
haslog "$LOG" "$B_OURS"
expect_no_queries
finish

begin "helocheck: N and a bare \$TCPLOCALIP is ours"
hc 192.0.2.1 192.0.2.50 NL TCPLOCALIP=192.0.2.1
hc_reply "$R_OURS"
finish
begin "helocheck: N and a bare IPv6 address in moreipme (2001:DB8:0::7) is ours"
hc 2001:DB8:0::7 192.0.2.50 NL
hc_reply "$R_OURS"
finish
begin "helocheck: N and a bare loopback address resolves to loopback: logged, let go (as helodnscheck)"
hc 127.0.0.1 192.0.2.50 NL
hc_reply "250 ok"
haslog "$D/hc.out" "HELO [127.0.0.1] resolves to loopback [127.0.0.1], let it go" 192.0.2.50
finish
begin "helocheck: N and the address literal [127.0.0.1] is refused (SPEC 9)"
hc '[127.0.0.1]' 192.0.2.50 NL
hc_reply "$R_LOCALHOST"
finish
begin "helocheck: N and a bare address that is not ours passes, logged as not the client's"
hc 198.51.100.70 192.0.2.50 NL
hc_reply "250 ok"
haslog "$D/hc.out" "HELO [198.51.100.70] doesn't match IP [192.0.2.50]" 192.0.2.50
finish
begin "helocheck: GNLR and a bare address: G finds it malformed first"
hc 198.51.100.7 192.0.2.50 ""
hc_reply "$R_MAL"
finish

accepted "BLT: EHLO many.test (100 A records, 127.0.0.1 among them) passes" many.test \
  HELO_DNS_CHECK=BLT
no_blocks
hasntlog "$LOG" "temporary failed"
hasntlog "$LOG" "doesn't match"
finish

begin "helocheck: many.test, all 100 A records in one EDNS0 answer"
hc many.test 10.1.0.99 BDT
hc_reply "250 ok"
n=$(log_of "$D/hc.out" x 10.1.0.99 | grep -c '^debug: address ')
[ "$n" = 100 ] || fail "$n addresses, want 100"
log_of "$D/hc.out" x 10.1.0.99 | grep -aq '^debug: A: found, AAAA: no data' ||
  fail "no untruncated A answer"
finish

begin "helocheck: RES_OPTIONS udpbuf:512 does not turn EDNS0 off"
hc udpbuf.tc.test 192.0.2.50 AL "RES_OPTIONS=port:$TCPORT udpbuf:512"
hc_reply "250 ok"
grep -aq '^query 1 udpbuf\.tc\.test edns 4096$' "$TMP/udp-tc.log" ||
  fail "no A query with an EDNS0 UDP size of 4096: $(grep -a udpbuf "$TMP/udp-tc.log" | head -n 2)"
finish

begin "helocheck: big.test (300 A records, truncated even at 4096 bytes) resolves for A"
hc big.test 192.0.2.50 ADT
hc_reply "250 ok"
log_of "$D/hc.out" x 192.0.2.50 | grep -aq '^debug: A: found (truncated), AAAA: no data' ||
  fail "no truncated A answer"
n=$(log_of "$D/hc.out" x 192.0.2.50 | grep -c '^debug: address 10\.2\.')
if [ "$n" -le 200 ] || [ "$n" -ge 300 ]; then fail "$n addresses held, want 201-299"; fi
finish

begin "helocheck: big.test, client not among the records held: BT gives 451"
hc big.test 10.9.9.9 BLT
hc_reply "$R_TEMP"
haslog "$D/hc.out" "HELO [big.test] DNS CHECK for IP [10.9.9.9] temporary failed" 10.9.9.9
finish

accepted "BLT: a truncated answer that holds the client's IP passes (EHLO with.tc.test)" \
  with.tc.test -t 5 HELO_DNS_CHECK=BLT "RES_OPTIONS=port:$TCPORT"
no_blocks
hasntlog "$LOG" "temporary failed"
grep -aq '^query 1 with\.tc\.test edns 4096$' "$TMP/udp-tc.log" ||
  fail "no A query with an EDNS0 UDP size of 4096: $(grep -a with "$TMP/udp-tc.log" | head -n 2)"
finish

refused "BLT: a truncated answer without the client's IP: 451 (EHLO without.tc.test)" \
  without.tc.test "$R_TEMP" -t 5 HELO_DNS_CHECK=BLT "RES_OPTIONS=port:$TCPORT"
haslog "$LOG" "HELO [without.tc.test] DNS CHECK for IP [127.0.0.1] temporary failed"
finish

begin "helocheck: a truncated answer without the client's IP, without T: let go"
hc without.tc.test 192.0.2.50 BL "RES_OPTIONS=port:$TCPORT"
hc_reply "250 ok"
haslog "$D/hc.out" "HELO [without.tc.test] DNS CHECK for IP [192.0.2.50] temporary failed, but let it go" \
  192.0.2.50
finish

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]

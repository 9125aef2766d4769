# Helpers for the helowrap integration tests (sourced by run.sh, dns.sh, faults.sh,
# helostat.sh and demo.sh; bash).
#
# Servers: srv_start NAME [--multilog DIR] CMD... starts `tcpserver -v -RHl0
# 127.0.0.1 PORT CMD...` in its own process group on a free random port and
# sets PORT, SRVLOG (tcpserver's and the program's stderr) and SRVPG; srv_stop
# waits for the open sessions to end and kills the group.  cleanup (EXIT trap)
# kills every group still running and removes $TMP.
#
# Clients: swaks_run OUT ARGS... (real swaks, result in SWRC); rawc OUT STEP...
# (a small perl client: s:TEXT sends TEXT with \r \n \0 \t \\ \xHH escapes in
# one write, f:FILE sends a file, r reads one complete reply, e reads to EOF,
# w shuts down the sending side; everything received goes to OUT raw; RAWRC).
#
# Cases: begin NAME; check DESC CMD...; fail DESC; show FILE...; finish.

# shellcheck disable=SC2016,SC2034  # sh -c scripts in single quotes; SWRC/RAWRC are for callers
TMP=${TMP:-}
SRV_GROUPS=()
SRV_JOBS=()
PASSED=0
FAILED=0
SANRE='AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|ThreadSanitizer|MemorySanitizer|runtime error:|==[0-9]+==(ERROR|WARNING)'

abspath() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }

mk_tmp() {
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/helowrap-test.XXXXXX") || exit 1
  write_client
}

cleanup() {
  local pg
  for pg in "${SRV_GROUPS[@]}"; do
    [ -n "$pg" ] && kill -TERM -- "-$pg" 2>/dev/null
  done
  for pg in "${SRV_JOBS[@]}"; do
    [ -n "$pg" ] && wait "$pg" 2>/dev/null
  done
  if [ -n "$TMP" ] && [ -d "$TMP" ] && [ -z "${KEEP_TMP:-}" ]; then
    rm -rf "$TMP"
  fi
}

port_in_use() {
  # LISTEN sockets (state 0A) on the port, in /proc/net/tcp{,6}
  local hex
  hex=$(printf '%04X' "$1")
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p=":$hex" '$2 ~ p"$" && $4 == "0A" { f = 1 } END { exit !f }'
}

# srv_start NAME [--multilog DIR] CMD...
srv_start() {
  local name=$1 mlog='' try port pidf watch i job pg
  shift
  if [ "$1" = --multilog ]; then
    mlog=$2
    shift 2
  fi
  SRVLOG=$TMP/$name.log
  pidf=$TMP/$name.pgid
  for try in $(seq 1 20); do
    : "attempt $try"
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_in_use "$port" && continue
    rm -f "$pidf"
    : >"$SRVLOG"
    if [ -n "$mlog" ]; then
      mkdir -p "$mlog"
      rm -f "$mlog/current"
      (setsid sh -c 'echo $$ >"$0"; exec "$@"' "$pidf" \
        tcpserver -v -RHl0 127.0.0.1 "$port" "$@" </dev/null 2>&1 >/dev/null |
        multilog t "$mlog") &
      job=$!
      watch=$mlog/current
    else
      setsid sh -c 'echo $$ >"$0"; exec "$@"' "$pidf" \
        tcpserver -v -RHl0 127.0.0.1 "$port" "$@" </dev/null >/dev/null 2>>"$SRVLOG" &
      job=$!
      watch=$SRVLOG
    fi
    pg=
    for i in $(seq 1 200); do
      [ -z "$pg" ] && [ -s "$pidf" ] && pg=$(cat "$pidf")
      if [ -n "$pg" ] && [ -f "$watch" ] && grep -aq 'tcpserver: status: ' "$watch"; then
        PORT=$port
        SRVPG=$pg
        SRV_JOBS+=("$job")
        SRV_GROUPS+=("$pg")
        return 0
      fi
      if [ -f "$watch" ] && grep -aq 'unable to bind' "$watch"; then break; fi
      if ! kill -0 "$job" 2>/dev/null; then break; fi
      sleep 0.05
    done
    [ -n "$pg" ] && kill -TERM -- "-$pg" 2>/dev/null
    wait "$job" 2>/dev/null
  done
  echo "# cannot start tcpserver for $name" >&2
  PORT=
  SRVPG=
  return 1
}

# wait_sessions [SECONDS]: until every "tcpserver: pid" has its "tcpserver: end"
wait_sessions() {
  local n=$((${1:-10} * 20)) i started ended
  for i in $(seq 1 "$n"); do
    started=$(grep -ac 'tcpserver: pid ' "$SRVLOG")
    ended=$(grep -ac 'tcpserver: end ' "$SRVLOG")
    [ "$started" = "$ended" ] && return 0
    sleep 0.05
  done
  return 1
}

srv_stop() {
  local pg=$SRVPG i k
  [ -z "$pg" ] && return 0
  kill -TERM -- "-$pg" 2>/dev/null
  for _ in $(seq 1 100); do
    kill -0 -- "-$pg" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL -- "-$pg" 2>/dev/null
  for k in "${!SRV_GROUPS[@]}"; do
    if [ "${SRV_GROUPS[$k]}" = "$pg" ]; then
      wait "${SRV_JOBS[$k]}" 2>/dev/null
      unset 'SRV_GROUPS[k]' 'SRV_JOBS[k]'
    fi
  done
  SRVPG=
}

# With --multilog the server's lines are in DIR/current, not in $SRVLOG:
# wait_sessions_in FILE [SECONDS] waits for the sessions logged in FILE.
wait_sessions_in() {
  local save=$SRVLOG r
  SRVLOG=$1
  wait_sessions "${2:-10}"
  r=$?
  SRVLOG=$save
  return $r
}

swaks_run() {
  local out=$1
  shift
  timeout 20 swaks --server "127.0.0.1:$PORT" --timeout 15 "$@" </dev/null >"$out" 2>&1
  SWRC=$?
}

write_client() {
  cat >"$TMP/client.pl" <<'PERL'
use strict;
use warnings;
use IO::Socket::INET;
use Socket qw(SHUT_WR);
my $port = shift @ARGV;
my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp')
  or do { print STDERR "client: connect: $!\n"; exit 2 };
binmode $s;
binmode STDOUT;
$SIG{PIPE} = 'IGNORE';
$SIG{ALRM} = sub { print STDERR "client: timeout\n"; exit 3 };
my $buf = '';
my $eof = 0;
sub fill {
  return 0 if $eof;
  alarm 15;
  my $n = sysread($s, my $chunk, 65536);
  alarm 0;
  if (!defined $n) { print STDERR "client: read: $!\n"; $eof = 1; return 0 }
  if ($n == 0) { $eof = 1; return 0 }
  syswrite STDOUT, $chunk;
  $buf .= $chunk;
  return 1;
}
sub reply {
  for (;;) {
    while ($buf =~ s/^([^\n]*)\n//) {
      return 1 if $1 =~ /^\d{3}(?: |\r?$)/;
    }
    if (!fill()) { print STDERR "client: EOF before a complete reply\n"; return 0 }
  }
}
sub unesc {
  my $t = shift;
  $t =~ s/\\(x([0-9a-fA-F]{2})|.)/
    defined $2 ? chr(hex $2) : $1 eq 'r' ? "\r" : $1 eq 'n' ? "\n" : $1 eq '0' ? "\0" : $1 eq 't' ? "\t" : $1/ge;
  return $t;
}
sub send_all {
  my $d = shift;
  my $off = 0;
  alarm 15;
  while ($off < length $d) {
    my $w = syswrite($s, $d, length($d) - $off, $off);
    if (!defined $w) { print STDERR "client: write: $!\n"; last }
    $off += $w;
  }
  alarm 0;
}
for my $step (@ARGV) {
  if ($step =~ /^s:(.*)$/s) { send_all(unesc($1)) }
  elsif ($step =~ /^f:(.*)$/s) {
    open my $f, '<', $1 or die "client: $1: $!\n";
    binmode $f;
    local $/;
    my $d = <$f>;
    send_all(defined $d ? $d : '');
  }
  elsif ($step eq 'r') { reply() }
  elsif ($step eq 'e') { 1 while fill() }
  elsif ($step eq 'w') { shutdown($s, SHUT_WR) }
  elsif ($step =~ /^p:(.*)$/) { select(undef, undef, undef, $1) }
  else { die "client: bad step $step\n" }
}
close $s;
exit 0;
PERL
}

# rawc OUT STEP...
rawc() {
  local out=$1
  shift
  timeout 20 perl "$TMP/client.pl" "$PORT" "$@" >"$out" 2>"$out.err"
  RAWRC=$?
}

# reply codes in a raw transcript, one line each (final lines of replies)
codes() {
  tr -d '\r' <"$1" | grep -aE '^[0-9]{3}( |$)' | cut -c1-3 | tr '\n' ' ' | sed 's/ $//'
}

# verbs of the command lines in a qmailsim record, as qmail-smtpd parses them
# (line up to LF, one CR dropped, a NUL ends it, verb up to the first space),
# lower case, one per line; a last line without LF counts too.
record_verbs() {
  [ -f "$1" ] || return 0
  perl -e 'local $/; open my $f, "<", $ARGV[0] or exit 0; binmode $f; my $d = <$f>;
    $d = "" unless defined $d; my @l = split /\n/, $d, -1; pop @l if @l && $l[-1] eq "";
    for my $l (@l) { $l =~ s/\r$//; $l =~ s/\0.*//s; my ($v) = split / /, $l, 2; print lc($v // ""), "\n" }' "$1"
}

count_verb() {
  record_verbs "$1" | grep -cx "$2"
}

begin() {
  CASE=$1
  CASE_FAIL=0
  DIAG=()
  SHOW=()
}

fail() {
  CASE_FAIL=1
  DIAG+=("$*")
}

# check DESC CMD... : CMD must succeed
check() {
  local desc=$1
  shift
  "$@" || fail "$desc"
}

show() { SHOW+=("$@"); }

has() { grep -aEq -- "$2" "$1" 2>/dev/null; }
hasnt() { ! grep -aEq -- "$2" "$1" 2>/dev/null; }
cnt() { grep -aEc -- "$2" "$1" 2>/dev/null; }
eq() { [ "$1" = "$2" ]; }

# expect_eq DESC GOT WANT
expect_eq() {
  [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# san_clean FILE... : no sanitizer output
san_clean() {
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    if grep -aEq "$SANRE" "$f"; then
      fail "sanitizer report in ${f#"$TMP"/}:"
      while IFS= read -r l; do DIAG+=("  $l"); done < <(grep -aE -A12 "$SANRE" "$f" | head -n 30)
    fi
  done
}

finish() {
  local d f
  if [ "$CASE_FAIL" = 0 ]; then
    echo "ok - $CASE"
    PASSED=$((PASSED + 1))
  else
    echo "not ok - $CASE"
    for d in "${DIAG[@]}"; do printf '#   %s\n' "$d"; done
    for f in "${SHOW[@]}"; do
      [ -f "$f" ] || continue
      printf '#   --- %s\n' "${f#"$TMP"/}"
      head -c 4000 "$f" | cut -c1-200 | cat -v | head -n 40 | sed 's/^/#     /'
    done
    FAILED=$((FAILED + 1))
  fi
}

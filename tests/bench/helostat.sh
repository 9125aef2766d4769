#!/usr/bin/env bash
# Log-reading benchmark (not part of make check):
#
#   sh tests/bench/helostat.sh [ BUILD ] [ SIZE_MB ]
#
# Generates a multilog-style log of SIZE_MB megabytes (default 1024) in a temporary
# directory: TAI64N-stamped lines of tcpserver -v, helowrap ($LOGHELO and refusal lines,
# badhelo and DNS) and chkuser, 7000 distinct HELO names, each client always using its
# own name. Then, on the same file, warm in the page cache:
#   helostat FILE                    (all three reports)
#   cat FILE | grep ' helo: <' | cut -d' ' -f8 | sort | uniq -c | sort -rn | head
# (the tophelos way; field 8 is "<NAME>" after the TAI64N stamp; the space before "helo"
# keeps out the "badhelo: <" lines), the best of three runs each, and prints both times
# (wall and CPU), their ratio, and helostat's peak RSS on the whole file and on its first
# tenth, to show that it streams: the memory depends on the distinct names, not on the
# size. Exit status 1 if helostat was not the faster.
# The log is deleted at the end.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

case ${1:-build} in /*) BUILD=$1 ;; *) BUILD=$PWD/${1:-build} ;; esac
SIZE_MB=${2:-1024}
HS=$BUILD/helostat
[ -x "$HS" ] || { echo "bench: missing $HS (make $HS)" >&2; exit 1; }
export LC_ALL=C

DIR=$(mktemp -d "${TMPDIR:-/tmp}/helostat-bench.XXXXXX") || exit 1
trap 'rm -rf "$DIR"' EXIT
trap 'exit 130' INT TERM HUP

need_kb=$((SIZE_MB * 1024 * 23 / 10))  # the log, its first tenth, the pipeline's sort files
avail_kb=$(df -Pk "$DIR" | awk 'NR == 2 { print $4 }')
if [ "${avail_kb:-0}" -lt "$need_kb" ]; then
  echo "bench: $DIR has ${avail_kb} KB free, ${need_kb} KB needed for a ${SIZE_MB} MB log" >&2
  exit 1
fi

LOG=$DIR/current
echo "# generating a ${SIZE_MB} MB log in $LOG"
t0=$(date +%s.%N)
perl -e '
  use strict; use warnings;
  my $limit = $ARGV[0] * 1024 * 1024;
  my @good = map { sprintf "mail%d.example%d.com", $_ % 97, $_ } 0 .. 4999;
  my @bad = map { ($_ % 3 == 0) ? "dsl-$_" : ($_ % 3 == 1) ? "bad$_.example.net" : "x_y$_.example" } 0 .. 1999;
  my @ip = map { sprintf "%d.%d.%d.%d", 11 + $_ % 200, ($_ * 7) % 256, ($_ * 13) % 256, 1 + $_ % 250 } 0 .. 6999;
  my $t = 1767225600;   # 2026-01-01 00:00:00 UTC
  my ($n, $size, $pid, $buf) = (0, 0, 1000, "");
  while ($size < $limit) {
    $t += 1 if $n % 3 == 0;
    my $ns = ($n * 7919) % 1000000000;
    my $s = sprintf "@%016x%08x", 4611686018427387914 + $t, $ns;
    $pid = 1000 + ($pid + 17) % 30000;
    my $c = $n % 7000;
    my $ip = $ip[$c];
    my $p = "$s helowrap: pid $pid from $ip ";
    my $l = "$s tcpserver: status: 3/40\n$s tcpserver: pid $pid from $ip\n"
      . "$s tcpserver: ok $pid mx.example.org:192.0.2.25:25 :${ip}::" . (30000 + $n % 30000) . "\n";
    if ($c < 5000) {
      my $h = $good[$c];
      $l .= "${p}helo: <$h> ok\n";
      $l .= "$s CHKUSER accepted rcpt: from <user$c\@${h}::> remote <${h}:${h}:${ip}> rcpt <info\@example.org> : found existing recipient\n"
        for 1 .. 1 + $n % 2;
      $l .= "$s CHKUSER rejected rcpt: from <user$c\@${h}::> remote <${h}:${h}:${ip}> rcpt <nobody\@example.org> : not existing recipient\n"
        if $n % 5 == 0;
    } else {
      my $h = $bad[$c - 5000];
      if ($h =~ /^dsl/) {
        $l .= "${p}helo: <$h> badhelo !\\.\n" . "${p}badhelo: <$h> at $ip matches pattern: !\\.\n" x 2;
      } elsif ($h =~ /^bad/) {
        $l .= "${p}helo: <$h> badhelo ^bad[0-9]+\\.\n" . "${p}badhelo: <$h> at $ip matches pattern: ^bad[0-9]+\\.\n";
      } else {
        $l .= "${p}malformed HELO/EHLO [$h] from [$ip]\n${p}helo: <$h> G\n"
          . "${p}blocked with: malformed HELO/EHLO hostname [$ip]\n" x 3;
      }
    }
    $l .= "$s tcpserver: end $pid status 0\n$s tcpserver: status: 2/40\n";
    $buf .= $l;
    $size += length $l;
    $n++;
    if (length $buf > 1 << 20) { print $buf; $buf = "" }
  }
  print $buf;
' "$SIZE_MB" >"$LOG" || exit 1
t1=$(date +%s.%N)
LINES=$(wc -l <"$LOG")
BYTES=$(wc -c <"$LOG")
printf '# %d lines, %d bytes, generated in %.1f s\n' "$LINES" "$BYTES" "$(echo "$t1 - $t0" | bc)"
head -c $((BYTES / 10)) "$LOG" >"$DIR/tenth"

# peak RSS (KB) of: CMD... with stdout to /dev/null
peak_rss() {
  if /usr/bin/time -v true >/dev/null 2>&1; then
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }'
    return
  fi
  "$@" >/dev/null 2>&1 &
  local pid=$! hwm=0 v
  while kill -0 "$pid" 2>/dev/null; do
    v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    [ -n "$v" ] && hwm=$v
    sleep 0.05
  done
  wait "$pid"
  echo "$hwm"
}

# run CMD: wall and CPU (user + system, children included) seconds of the shell command
# CMD, output discarded; sets WALL and CPU
run() {
  local a b t0 t1
  t0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
  a=$(date +%s.%N)
  bash -c "$1" >/dev/null 2>&1
  b=$(date +%s.%N)
  t1=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
  WALL=$(echo "$b - $a" | bc)
  CPU=$(echo "scale=2; ($t1 - $t0) / $(getconf CLK_TCK)" | bc)
}

# best CMD: the fastest of 3 runs; sets BEST (wall) and BEST_CPU, RUNS (all walls)
best() {
  local i
  BEST=
  RUNS=
  for i in 1 2 3; do
    run "$1"
    RUNS="$RUNS $(printf '%.2f' "$WALL")"
    if [ -z "$BEST" ] || [ "$(echo "$WALL < $BEST" | bc)" = 1 ]; then
      BEST=$WALL
      BEST_CPU=$CPU
    fi
  done
}

cat "$LOG" >/dev/null  # warm the page cache for both
PIPE="grep ' helo: <' | cut -d' ' -f8 | sort | uniq -c | sort -rn | head"
PIPELINE="cat '$LOG' | $PIPE"
echo "# top 3 by the pipeline:"
bash -c "$PIPELINE" | head -n 3 | sed 's/^/#   /'
echo "# top 3 by helostat -t -H -n 3:"
"$HS" -t -H -n 3 "$LOG" | grep '^helo' | cut -f2,4 | sed 's/^/#   /'

best "'$HS' '$LOG'"
hs_wall=$BEST hs_cpu=$BEST_CPU hs_runs=$RUNS
best "$PIPELINE"
pipe_wall=$BEST pipe_cpu=$BEST_CPU pipe_runs=$RUNS
rss_full=$(peak_rss "$HS" "$LOG")
rss_tenth=$(peak_rss "$HS" "$DIR/tenth")

echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
printf 'helostat:  %6.2f s wall, %6.2f s CPU  (runs:%s)  all three reports\n' "$hs_wall" "$hs_cpu" "$hs_runs"
printf 'pipeline:  %6.2f s wall, %6.2f s CPU  (runs:%s)  cat | %s\n' "$pipe_wall" "$pipe_cpu" \
  "$pipe_runs" "$PIPE"
printf 'ratio:     %6.2f  (pipeline wall time / helostat wall time; > 1: helostat is faster)\n' \
  "$(echo "scale=4; $pipe_wall / $hs_wall" | bc)"
printf 'throughput: helostat %.0f MB/s\n' "$(echo "scale=4; $BYTES / 1048576 / $hs_wall" | bc)"
printf 'peak RSS of helostat: %s KB on %d MB, %s KB on its first tenth\n' "$rss_full" \
  "$((BYTES / 1048576))" "$rss_tenth"
[ "$(echo "$hs_wall < $pipe_wall" | bc)" = 1 ] || {
  echo "bench: helostat was not faster than the pipeline" >&2
  exit 1
}

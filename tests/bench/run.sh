#!/usr/bin/env bash
# helowrap benchmarks (issue 5): `make bench`, or sh tests/bench/run.sh BUILD
#
# Measures helowrap against the direct run of the same work, in the same
# invocation, alternating the runs, and prints median, min and max of several
# repetitions and the ratio to the direct run (the median, min and max of the
# ratios of each repetition to the direct run of the same repetition).  There is no pass/fail threshold: the exit
# status is 0 unless the harness itself broke (a tool did not build, a server did
# not start, or a single SMTP reply was not the expected one: a benchmark that
# silently fails is worthless).
#
#  1. sessions: SESSIONS (200) sequential sessions of 10 pipelined messages (2 KB,
#     3 recipients) by tests/bench/smtpload.cc through tcpserver -RHl0 -c 100 ->
#     [helowrap ->] BUILD/qmailsim: helowrap's fast path (no badhelo, no DNS
#     checks: it execs the server), a 100-line badhelo (the client's HELO passes),
#     and the badhelo plus HELO_DNS_CHECK=GNLRB against a dnsmasq on loopback
#     (client.test -> 127.0.0.1).  All configurations run in the same repetition,
#     interleaved 10 sessions at a time (so that a busy machine slows all of them
#     alike).  Wall time per session; CPU per session is user+sys of everything
#     tcpserver ran (its cutime+cstime), the steadier number on a busy machine.  With
#     $QMAIL_SMTPD naming a qmail-smtpd binary, the same again with it as the
#     server (it must accept RCPT TO:<rcptN@bench.test> and queue the messages).
#  2. big message: one BIG_MB (200) MB message, smtpload running the server (or
#     helowrap and the server) on a socketpair: wall time, CPU of the whole process
#     tree (wait4), helowrap's own CPU, helowrap's peak RSS.  Note: qmailsim
#     keeps the body in memory and reads it byte by byte (not stored: no
#     QMAILSIM_MSGDIR), so its own CPU dominates the direct run.
#  3. badhelo size: tests/bench/badhelo_bench.cc, per connection (read the file,
#     a fresh BadHelo, match one name) for 100, 1,000 and 10,000 patterns, in
#     microseconds and as the ratio to reading the file alone.
#  4. memory: peak RSS (VmHWM) of the helowrap process during one session of the
#     session benchmark; on the fast path, ru_maxrss of helowrap up to its exec.
#
# Knobs (environment): BENCH_REPS (5), BENCH_SESSIONS (200), BENCH_BIG_MB (200),
# BENCH_BADHELO_MIN_S (0.2 seconds per badhelo measurement), BENCH_ONLY (a
# space-separated subset of: sessions big badhelo memory), KEEP_TMP=1.
# shellcheck disable=SC2016  # sh -c scripts in single quotes
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u

abspath() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
BUILD=$(abspath "${1:-build}")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
HW=$BUILD/helowrap
QSIM=$BUILD/qmailsim
HC=$BUILD/helocheck
REPS=${BENCH_REPS:-5}
SESSIONS=${BENCH_SESSIONS:-200}
MSGS=10
PER_ROUND=10        # sessions per configuration in each round of the interleaving
[ "$SESSIONS" -lt "$PER_ROUND" ] && PER_ROUND=$SESSIONS
SESSIONS=$((SESSIONS / PER_ROUND * PER_ROUND))
BODY=2048
RCPTS=3
BIG_MB=${BENCH_BIG_MB:-200}
BH_MIN_S=${BENCH_BADHELO_MIN_S:-0.2}
ONLY=${BENCH_ONLY:-sessions big badhelo memory}
QMAIL_SMTPD=${QMAIL_SMTPD:-}
DNSMASQ=${DNSMASQ:-$(command -v dnsmasq || echo /usr/sbin/dnsmasq)}
CXX=${CXX:-g++}

# Nothing from the caller's environment changes what helowrap or qmailsim do.
unset NOBADHELO LOGREGEX LOGHELO HELO_DNS_CHECK NOHELODNSCHECK RELAYCLIENT TCPREMOTEIP \
  TCPLOCALIP TCPREMOTEHOST TCPLOCALHOST TCPREMOTEINFO SMTPHELOHOST DNSCACHEIP NSCACHEIP \
  NAMESERVERS RES_OPTIONS LOCALDOMAIN QMAILSIM_HOST QMAILSIM_EHLO_EXTRA \
  QMAILSIM_EHLO_LAST QMAILSIM_RECORD QMAILSIM_MSGDIR QMAILSIM_DIE_AFTER
export LC_ALL=C

TMP=$(mktemp -d "${TMPDIR:-/tmp}/helowrap-bench.XXXXXX") || exit 1
RES=$TMP/res        # one file per measured series, one value per line
mkdir -p "$RES" "$TMP/bin"
SRV_PIDS=()         # tcpserver process groups (setsid: group id = pid)
BG_PIDS=()          # dnsmasq
BROKEN=0

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  local p f
  trap - INT TERM HUP
  [ -n "${JOB:-}" ] && kill -TERM "$JOB" 2>/dev/null
  for f in "$TMP"/*.pid; do [ -s "$f" ] && SRV_PIDS+=("$(cat "$f")"); done
  for p in "${SRV_PIDS[@]}"; do
    [ -n "$p" ] && { kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null; }
  done
  for p in "${BG_PIDS[@]}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null; done
  wait 2>/dev/null
  if [ -n "${KEEP_TMP:-}" ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

say() { printf '# %s\n' "$*"; }

# bgrun CMD...: runs CMD in the background and waits for it, so that a signal's
# trap runs at once (and cleanup ends CMD); stdout in $TMP/job.out, stderr in
# $TMP/job.err
JOB=
bgrun() {
  local rc
  "$@" </dev/null >"$TMP/job.out" 2>"$TMP/job.err" &
  JOB=$!
  wait "$JOB"
  rc=$?
  JOB=
  return $rc
}
broken() {
  printf '# HARNESS ERROR: %s\n' "$*" >&2
  BROKEN=1
}
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

for f in "$HW" "$QSIM" "$HC"; do
  [ -x "$f" ] || { echo "bench: $f missing (make all $BUILD/qmailsim)" >&2; exit 2; }
done

# --- tools ---------------------------------------------------------------------
say "building the benchmark tools"
(cd "$ROOT" && $CXX -std=c++17 -O2 -Wall -Wextra -Werror -Isrc -o "$TMP/bin/smtpload" \
  tests/bench/smtpload.cc) >"$TMP/cc1.log" 2>&1 &
cc1=$!
# badhelo_bench links the library objects of BUILD (the code helowrap is built
# from), from an archive so that only what BadHelo needs is taken; a source whose
# object is missing or older is compiled here
mkdir -p "$TMP/obj"
(
  set -e
  objs=()
  for f in "$ROOT"/src/base/*.cc "$ROOT"/src/check/*.cc; do
    r=${f#"$ROOT"/src/} && r=${r%.cc} && b=${r//\//_}
    if [ -f "$BUILD/obj/$r.o" ] && [ "$BUILD/obj/$r.o" -nt "$f" ]; then
      objs+=("$BUILD/obj/$r.o")
    else
      $CXX -std=c++17 -O2 -Wall -Wextra -Werror -I"$ROOT/src" -c -o "$TMP/obj/$b.o" "$f"
      objs+=("$TMP/obj/$b.o")
    fi
  done
  ar rcs "$TMP/obj/libhelowrap.a" "${objs[@]}"
  $CXX -std=c++17 -O2 -Wall -Wextra -Werror -I"$ROOT/src" -o "$TMP/bin/badhelo_bench" \
    "$ROOT/tests/bench/badhelo_bench.cc" "$TMP/obj/libhelowrap.a" -lboost_regex -ludns
) >"$TMP/cc2.log" 2>&1 &
cc2=$!
wait "$cc1" || { cat "$TMP/cc1.log" >&2; echo "bench: smtpload did not build" >&2; exit 2; }
wait "$cc2" || { cat "$TMP/cc2.log" >&2; echo "bench: badhelo_bench did not build" >&2; exit 2; }
LOAD=$TMP/bin/smtpload
BHB=$TMP/bin/badhelo_bench

# control directories: none (fast path) and a 100-line badhelo
mkdir -p "$TMP/ctl-none" "$TMP/ctl-bh"
"$BHB" gen 100 >"$TMP/ctl-bh/badhelo" || exit 2

# kv KEY LINE: the value of key=value in LINE
kv() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
add() { printf '%s\n' "$2" >>"$RES/$1"; }

port_in_use() {  # LISTEN (TCP, state 0A) or bound (UDP) on 127.0.0.1/any
  local hex
  hex=$(printf '%04X' "$1")
  cat /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 2>/dev/null |
    awk -v p=":$hex" '$2 ~ p"$" { f = 1 } END { exit !f }'
}
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  return 1
}

# srv_start NAME [VAR=VALUE...] -- CMD...: tcpserver in its own session on a free
# port; sets PORT and SRVPID (tcpserver's pid, also its process group).
srv_start() {
  local name=$1 envs=() port pidf log pid i nsrv
  shift
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  pidf=$TMP/$name.pid
  log=$TMP/$name.log
  for _ in $(seq 1 20); do
    port=$(free_port) || break
    rm -f "$pidf"
    nsrv=${#SRV_PIDS[@]}
    setsid sh -c 'echo $$ >"$0"; exec "$@"' "$pidf" env "${envs[@]}" \
      tcpserver -RHl0 -c 100 127.0.0.1 "$port" "$@" </dev/null >/dev/null 2>>"$log" &
    SRV_PIDS+=("$!")  # at once, for cleanup (setsid does not fork here: pid = group)
    pid=
    for i in $(seq 1 100); do
      [ -z "$pid" ] && [ -s "$pidf" ] && pid=$(cat "$pidf") && SRV_PIDS+=("$pid")
      if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then break; fi  # bind failed
      if [ -n "$pid" ] && [ "$i" -gt 2 ] && port_in_use "$port"; then
        PORT=$port
        SRVPID=$pid
        return 0
      fi
      sleep 0.05
    done
    [ -n "$pid" ] && kill -TERM -- "-$pid" 2>/dev/null
    wait 2>/dev/null
    SRV_PIDS=("${SRV_PIDS[@]:0:$nsrv}")
    rm -f "$pidf"
  done
  broken "cannot start tcpserver for $name"
  return 1
}

DNSPORT=
start_dnsmasq() {
  local port pid user=() log=$TMP/dnsmasq.log
  [ -x "$DNSMASQ" ] || { say "dnsmasq not found: the DNS configuration is skipped"; return 1; }
  [ "$(id -u)" = 0 ] && user=(--user=root --group=root)
  for _ in $(seq 1 20); do
    port=$(free_port) || break
    : >"$log"
    "$DNSMASQ" --keep-in-foreground --port="$port" --listen-address=127.0.0.1 \
      --bind-interfaces --no-resolv --no-hosts --conf-file=/dev/null --pid-file= "${user[@]}" \
      --local=/test/ --host-record=client.test,127.0.0.1 --log-facility="$log" \
      </dev/null >"$TMP/dnsmasq.out" 2>&1 &
    pid=$!
    BG_PIDS+=("$pid")
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      if grep -aq 'using only locally-known addresses for test' "$log"; then
        DNSPORT=$port
        return 0
      fi
      sleep 0.05
    done
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    unset 'BG_PIDS[-1]'
  done
  broken "cannot start dnsmasq"
  return 1
}

DNSENV=()
setup_dns() {
  start_dnsmasq || return 1
  DNSENV=(HELO_DNS_CHECK=GNLRB NSCACHEIP=127.0.0.1 RES_OPTIONS="port:$DNSPORT")
  # helowrap's own decision code must see client.test resolve and pass B, and a
  # name that does not resolve fail: else the benchmark would time the wrong path
  local out
  out=$(env HELO_DNS_CHECK=GNLRBD NSCACHEIP=127.0.0.1 RES_OPTIONS="port:$DNSPORT" \
    "$HC" client.test 127.0.0.1 2>&1)
  case $out in
    *"B: client is among the addresses"*"reply to RCPT: 250"*) ;;
    *) broken "dnsmasq does not answer as expected: $out"; return 1 ;;
  esac
  out=$(env HELO_DNS_CHECK=GNLRB NSCACHEIP=127.0.0.1 RES_OPTIONS="port:$DNSPORT" \
    "$HC" nx.test 127.0.0.1 2>&1)
  case $out in
    *"reply to RCPT: 553"*) ;;
    *) broken "a name that does not resolve was not refused: $out"; return 1 ;;
  esac
}

# --- 1. sessions -----------------------------------------------------------------
# configurations: NAME|downstream|label; servers started per configuration
SESS_CFGS=()
declare -A SPORT SPID

sess_server() {  # NAME [VAR=VALUE...] -- CMD...
  local name=$1
  shift
  srv_start "sess-$name" "$@" || return 1
  SPORT[$name]=$PORT
  SPID[$name]=$SRVPID
}

# sess_run KEYSUFFIX NAME...: one interleaved run of SESSIONS sessions on each
# configuration; values appended to sess.NAME.ms and sess.NAME.cpu (per session)
sess_run() {
  local out rc c args=() line name
  for c in "$@"; do args+=("$c=${SPORT[$c]}:${SPID[$c]}"); done
  bgrun "$LOAD" tcp $((SESSIONS / PER_ROUND)) "$PER_ROUND" "$MSGS" "$BODY" "$RCPTS" client.test \
    "${args[@]}"
  rc=$?
  out=$(cat "$TMP/job.out")
  if [ $rc != 0 ] || [ -z "$out" ]; then
    broken "sessions: $out $(head -c 600 "$TMP/job.err")"
    return 1
  fi
  while IFS= read -r line; do
    name=$(kv name "$line")
    add "sess.$name.ms" "$(awk -v w="$(kv wall "$line")" -v n="$(kv sessions "$line")" 'BEGIN { printf "%.4f", w * 1000 / n }')"
    add "sess.$name.cpu" "$(awk -v c="$(kv cpu "$line")" -v n="$(kv sessions "$line")" 'BEGIN { printf "%.4f", c * 1000 / n }')"
  done <<<"$out"
}

bench_sessions() {
  local ds dsname rep c sfx
  say "sessions: $SESSIONS sessions x $MSGS messages ($BODY bytes, $RCPTS recipients), $REPS repetitions"
  local dns_ok=0
  setup_dns && dns_ok=1
  for ds in qmailsim qmail-smtpd; do
    if [ "$ds" = qmailsim ]; then
      dsname=$QSIM
      sfx=
    else
      if [ -z "$QMAIL_SMTPD" ] || [ ! -x "$QMAIL_SMTPD" ]; then
        say "qmail-smtpd: skipped (\$QMAIL_SMTPD does not name an executable qmail-smtpd)"
        continue
      fi
      dsname=$QMAIL_SMTPD
      sfx=-q
    fi
    sess_server "direct$sfx" -- "$dsname" || return 1
    SESS_CFGS+=("direct$sfx")
    sess_server "fast$sfx" -- "$HW" -c "$TMP/ctl-none" "$dsname" || return 1
    sess_server "badhelo$sfx" -- "$HW" -c "$TMP/ctl-bh" "$dsname" || return 1
    SESS_CFGS+=("fast$sfx" "badhelo$sfx")
    if [ $dns_ok = 1 ]; then
      sess_server "dns$sfx" "${DNSENV[@]}" -- \
        "$HW" -c "$TMP/ctl-bh" "$dsname" || return 1
      SESS_CFGS+=("dns$sfx")
    fi
  done
  # warm-up (page cache, dnsmasq cache), not counted
  for c in "${!SPORT[@]}"; do
    "$LOAD" tcp 1 5 "$MSGS" "$BODY" "$RCPTS" client.test "$c=${SPORT[$c]}" >/dev/null 2>&1
  done
  for rep in $(seq 1 "$REPS"); do
    sess_run "${SESS_CFGS[@]}" || return 1
    say "sessions: repetition $rep/$REPS done"
  done
  # the DNS configuration must have had its answers in every session (L logs this
  # line for client.test -> 127.0.0.1), never a temporary failure
  local c2 want n
  for c2 in dns dns-q; do
    [ -f "$TMP/sess-$c2.log" ] || continue
    want=$((REPS * SESSIONS + 5))  # with the 5 warm-up sessions
    n=$(grep -ac 'resolves to loopback' "$TMP/sess-$c2.log")
    if grep -aq 'temporary failed' "$TMP/sess-$c2.log"; then
      broken "$c2: DNS temporary failures in the log"
    elif [ "$n" != "$want" ]; then
      broken "$c2: $n of $want sessions logged their DNS answer"
    fi
  done
  for c2 in fast badhelo fast-q badhelo-q; do
    [ -s "$TMP/sess-$c2.log" ] && broken "$c2: helowrap logged: $(head -n 3 "$TMP/sess-$c2.log")"
  done
  return 0
}

# --- 2. big message --------------------------------------------------------------
bench_big() {
  local rep out bytes=$((BIG_MB * 1000 * 1000))
  say "big message: one message of $BIG_MB MB, $REPS repetitions"
  for rep in $(seq 1 "$REPS"); do
    bgrun "$LOAD" exec 1 "$bytes" "$RCPTS" client.test -- "$QSIM" ||
      { broken "big message direct: $(cat "$TMP/job.out") $(head -c 600 "$TMP/job.err")"; return 1; }
    out=$(cat "$TMP/job.out")
    add big.direct.wall "$(kv wall "$out")"
    add big.direct.cpu "$(kv cpu "$out")"
    add big.direct.rss "$(kv vmhwm_kb "$out")"
    bgrun "$LOAD" exec 1 "$bytes" "$RCPTS" client.test -- "$HW" -c "$TMP/ctl-bh" "$QSIM" ||
      { broken "big message helowrap: $(cat "$TMP/job.out") $(head -c 600 "$TMP/job.err")"; return 1; }
    out=$(cat "$TMP/job.out")
    [ "$(kv comm "$out")" = helowrap ] || broken "big message: the process is $(kv comm "$out"), not helowrap"
    add big.hw.wall "$(kv wall "$out")"
    add big.hw.cpu "$(kv cpu "$out")"
    add big.hw.self "$(kv self_cpu "$out")"
    add big.hw.rss "$(kv vmhwm_kb "$out")"
    say "big message: repetition $rep/$REPS done"
  done
}

# --- 3. badhelo size -------------------------------------------------------------
bench_badhelo() {
  local n out
  say "badhelo: 100, 1000, 10000 patterns, $REPS repetitions of >= ${BH_MIN_S}s each"
  for n in 100 1000 10000; do
    "$BHB" gen "$n" >"$TMP/badhelo.$n" || { broken "badhelo gen $n"; return 1; }
    bgrun "$BHB" run "$TMP/badhelo.$n" "$REPS" "$BH_MIN_S" ||
      { broken "badhelo $n: $(cat "$TMP/job.err")"; return 1; }
    out=$(cat "$TMP/job.out")
    printf '%s\n' "$out" | awk -v d="$RES" -v n="$n" '{ print $2 >> (d "/bh." n "." $1) }'
  done
}

# --- 4. memory ---------------------------------------------------------------------
bench_memory() {
  local rep out
  say "memory: peak RSS of helowrap in one session, $REPS repetitions"
  [ -n "$DNSPORT" ] || setup_dns
  for rep in $(seq 1 "$REPS"); do
    out=$("$LOAD" exec "$MSGS" "$BODY" "$RCPTS" client.test -- "$QSIM" 2>"$TMP/load.err") ||
      { broken "memory direct: $out"; return 1; }
    add mem.direct "$(kv vmhwm_kb "$out")"
    # fast path: helowrap execs the server, so its own peak is ru_maxrss of a run
    # whose exec fails (everything helowrap does before the exec, plus the 421)
    out=$(env TCPREMOTEIP=127.0.0.1 TCPLOCALIP=127.0.0.1 \
      "$LOAD" maxrss -- "$HW" -c "$TMP/ctl-none" "$TMP/no-such-server" 2>/dev/null)
    [ "$(kv status "$out")" = 111 ] || { broken "memory fast path: $out"; return 1; }
    add mem.fast "$(kv maxrss_kb "$out")"
    out=$(env TCPREMOTEIP=127.0.0.1 TCPLOCALIP=127.0.0.1 \
      "$LOAD" exec "$MSGS" "$BODY" "$RCPTS" client.test -- "$HW" -c "$TMP/ctl-bh" "$QSIM" \
      2>"$TMP/load.err") || { broken "memory badhelo: $out $(cat "$TMP/load.err")"; return 1; }
    [ "$(kv comm "$out")" = helowrap ] || broken "memory: the process is $(kv comm "$out"), not helowrap"
    add mem.badhelo "$(kv vmhwm_kb "$out")"
    if [ -n "$DNSPORT" ]; then
      out=$(env TCPREMOTEIP=127.0.0.1 TCPLOCALIP=127.0.0.1 "${DNSENV[@]}" \
        "$LOAD" exec "$MSGS" "$BODY" "$RCPTS" client.test -- "$HW" -c "$TMP/ctl-bh" "$QSIM" \
        2>"$TMP/load.err") || { broken "memory dns: $out $(cat "$TMP/load.err")"; return 1; }
      add mem.dns "$(kv vmhwm_kb "$out")"
    fi
  done
}

# --- run -------------------------------------------------------------------------
T0=$(date +%s)
want sessions && { bench_sessions || broken "session benchmark stopped"; }
want big && { bench_big || broken "big-message benchmark stopped"; }
want badhelo && { bench_badhelo || broken "badhelo benchmark stopped"; }
want memory && { bench_memory || broken "memory benchmark stopped"; }

# --- table -----------------------------------------------------------------------
# row LABEL METRIC UNIT KEY [BASEKEY]: median/min/max of KEY; ratio: the median (and
# the range) of KEY[i] / BASEKEY[i] when both have one value per repetition.
row() {
  local label=$1 metric=$2 unit=$3 key=$RES/$4 base=${5:+$RES/$5}
  [ -s "$key" ] || return 0
  awk -v label="$label" -v metric="$metric" -v unit="$unit" -v base="$base" '
    function med(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function fmt(x) { return x >= 100 ? sprintf("%.0f", x) : x >= 10 ? sprintf("%.1f", x) : x >= 1 ? sprintf("%.2f", x) : sprintf("%.3f", x) }
    FNR == 1 { f++ }
    f == 1 { v[++n] = $1 + 0 }
    f == 2 { b[++m] = $1 + 0 }
    END {
      for (i = 1; i <= n; i++) s[i] = v[i]
      md = med(s, n); lo = s[1]; hi = s[n]
      r = "-"
      if (m == n && m > 0) {
        k = 0
        for (i = 1; i <= n; i++) if (b[i] > 0) q[++k] = v[i] / b[i]
        if (k > 0) { rm = med(q, k); r = sprintf("%.3f [%.3f-%.3f]", rm, q[1], q[k]) }
      }
      printf "%-44s %-22s %-6s %10s %10s %10s  %s\n", label, metric, unit, fmt(md), fmt(lo), fmt(hi), r
    }' "$key" ${base:+"$base"}
}

echo
echo "helowrap benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $REPS repetitions, $(($(date +%s) - T0)) s"
printf '%-44s %-22s %-6s %10s %10s %10s  %s\n' configuration metric unit median min max "ratio vs direct [min-max]"
printf '%s\n' "$(printf '%.0s-' $(seq 1 128))"
for ds in "" -q; do
  [ -s "$RES/sess.direct$ds.ms" ] || continue
  dl=qmailsim
  [ -n "$ds" ] && dl=qmail-smtpd
  row "sessions: direct $dl" "wall per session" ms "sess.direct$ds.ms"
  row "sessions: direct $dl" "CPU per session" ms "sess.direct$ds.cpu"
  for c in fast badhelo dns; do
    case $c in
      fast) l="fast path" ;;
      badhelo) l="badhelo 100" ;;
      dns) l="badhelo+GNLRB" ;;
    esac
    row "sessions: helowrap $l > $dl" "wall per session" ms "sess.$c$ds.ms" "sess.direct$ds.ms"
    row "sessions: helowrap $l > $dl" "CPU per session" ms "sess.$c$ds.cpu" "sess.direct$ds.cpu"
  done
done
row "big ${BIG_MB}MB: direct qmailsim" "wall" s big.direct.wall
row "big ${BIG_MB}MB: direct qmailsim" "CPU (tree)" s big.direct.cpu
row "big ${BIG_MB}MB: helowrap badhelo" "wall" s big.hw.wall big.direct.wall
row "big ${BIG_MB}MB: helowrap badhelo" "CPU (tree)" s big.hw.cpu big.direct.cpu
row "big ${BIG_MB}MB: helowrap badhelo" "CPU of helowrap alone" s big.hw.self big.direct.cpu
row "big ${BIG_MB}MB: helowrap badhelo" "peak RSS of helowrap" KB big.hw.rss
for n in 100 1000 10000; do
  row "badhelo $n lines" "read file only" us "bh.$n.read"
  row "badhelo $n lines" "read+load+match none" us "bh.$n.nomatch" "bh.$n.read"
  row "badhelo $n lines" "read+load+match last" us "bh.$n.lastline" "bh.$n.read"
done
row "memory: direct qmailsim" "peak RSS (VmHWM)" KB mem.direct
row "memory: helowrap fast path" "peak RSS before exec" KB mem.fast mem.direct
row "memory: helowrap badhelo 100" "peak RSS of helowrap" KB mem.badhelo mem.direct
row "memory: helowrap badhelo+GNLRB" "peak RSS of helowrap" KB mem.dns mem.direct
echo
echo "notes: ratios are per repetition against the direct run of that repetition (sessions are"
echo "interleaved 10 at a time; big message: the direct run just before; badhelo: against"
echo "reading the file alone; memory: against qmailsim's own peak RSS).  Session CPU is user+sys"
echo "of every process tcpserver ran.  qmailsim keeps each message body in memory while it"
echo "reads it byte by byte (its peak RSS is the message size), so the big message's direct CPU"
echo "is mostly qmailsim's; 'CPU of helowrap alone' is helowrap's own user+sys."
if [ "$BROKEN" != 0 ]; then
  echo "bench: the harness reported errors (see HARNESS ERROR above): these numbers are not valid" >&2
  exit 1
fi
exit 0

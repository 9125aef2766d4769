#!/usr/bin/env bash
# helowrap benchmarks (issues 5 and 13): `make bench`, or sh tests/bench/run.sh BUILD
#
# Measures helowrap against the least that any program of its two architectures
# can cost, in one run, on the same sessions, interleaved, and prints the median,
# min and max of several repetitions and ratios (the median and range of the
# per-repetition ratios).  There is no pass/fail threshold: the targets of issue 13
# are printed as met or not met, and the exit status is 0 unless the harness itself
# broke (a tool did not build, a server did not start, or a single SMTP reply was
# not the expected one: a benchmark that silently fails is worthless).
#
# The downstream is BUILD/qmailsim (the project's qmail-like test server) or
# $QMAIL_SMTPD (a qmail-smtpd binary that accepts RCPT TO:<rcptN@bench.test> and
# queues the messages).  Columns, each a tcpserver -RHl0 -c 100 on loopback:
#   direct      the downstream alone
#   execfloor   tests/bench/exec_floor.c (static: only execv) -> downstream
#   rblsmtpd    ucspi-tcp's rblsmtpd with $RBLSMTPD empty (one exec) -> downstream
#   fast        helowrap, no badhelo, no DNS check: its fast path (one exec)
#   relayfloor  tests/bench/relay_floor.c (static: fork, two pipes, poll/read/write)
#   seed        helowrap relaying, badhelo = run-examples/control/badhelo
#   seedgnlr    the same with HELO_DNS_CHECK=GNLR against a dnsmasq on loopback
#               (client.test -> 127.0.0.1)
#   bh1 bh100 bh1000 bh10000   helowrap with a badhelo of 1 ... 10,000 patterns
#               (tests/bench/badhelo_bench.cc gen; short session only)
# Workloads, run in turn in each repetition, each interleaving its columns
# PER_ROUND sessions at a time (so that a busy machine slows all of them alike):
#   short   BENCH_SHORT (300) sessions EHLO MAIL RCPT QUIT (spam traffic)
#   ten     BENCH_TEN (100) sessions of 10 pipelined messages (2 KB, 3 recipients)
#   big     BENCH_BIG_N (2) sessions of one BENCH_BIG_MB (20) MB message
# Wall time per session, and CPU per session: user+sys of everything tcpserver ran
# (its cutime+cstime), the steadier number on a busy machine.
# Also: memory (peak RSS of the wrapper process in every column: VmHWM during the
# big message for the relays, ru_maxrss up to the exec for the exec wrappers) and
# badhelo in-process (badhelo_bench run: read the file, a fresh BadHelo, match).
#
# Knobs (environment): BENCH_REPS (5), BENCH_SHORT, BENCH_TEN, BENCH_BIG_N,
# BENCH_BIG_MB, BENCH_BADHELO_MIN_S (0.2), BENCH_ONLY (a space-separated subset of:
# sessions memory badhelo), KEEP_TMP=1, CC (cc), CXX (g++).
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
QMAIL_SMTPD=${QMAIL_SMTPD:-}
DS=${QMAIL_SMTPD:-$QSIM}
DSNAME=qmailsim
[ -n "$QMAIL_SMTPD" ] && DSNAME=qmail-smtpd
RBLSMTPD_PROG=${RBLSMTPD_BIN:-$(command -v rblsmtpd || echo /usr/bin/rblsmtpd)}
SEED=$ROOT/run-examples/control/badhelo
REPS=${BENCH_REPS:-5}
N_SHORT=${BENCH_SHORT:-300}
N_TEN=${BENCH_TEN:-100}
N_BIG=${BENCH_BIG_N:-2}
BIG_MB=${BENCH_BIG_MB:-20}
BH_MIN_S=${BENCH_BADHELO_MIN_S:-0.2}
ONLY=${BENCH_ONLY:-sessions memory badhelo}
DNSMASQ=${DNSMASQ:-$(command -v dnsmasq || echo /usr/sbin/dnsmasq)}
CXX=${CXX:-g++}
CC=${CC:-cc}
# Nothing from the caller's environment changes what helowrap or qmailsim do.
unset NOBADHELO LOGREGEX LOGHELO HELO_DNS_CHECK NOHELODNSCHECK RELAYCLIENT TCPREMOTEIP \
  TCPLOCALIP TCPREMOTEHOST TCPLOCALHOST TCPREMOTEINFO SMTPHELOHOST DNSCACHEIP NSCACHEIP \
  NAMESERVERS RES_OPTIONS LOCALDOMAIN RBLSMTPD QMAILSIM_HOST QMAILSIM_EHLO_EXTRA \
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
[ -x "$DS" ] || { echo "bench: the downstream $DS is not executable" >&2; exit 2; }

# --- tools ---------------------------------------------------------------------
say "building the benchmark tools"
(cd "$ROOT" && $CXX -std=c++17 -O2 -Wall -Wextra -Werror -Isrc -o "$TMP/bin/smtpload" \
  tests/bench/smtpload.cc) >"$TMP/cc1.log" 2>&1 &
cc1=$!
# the floors: static C, as helowrap is static
for f in exec_floor relay_floor; do
  $CC -O2 -static -Wall -Wextra -Werror -o "$TMP/bin/$f" "$HERE/$f.c" >>"$TMP/cc0.log" 2>&1 ||
    { cat "$TMP/cc0.log" >&2; echo "bench: $f did not build" >&2; exit 2; }
done
# badhelo_bench links the check and base archives of BUILD (the code helowrap is built
# from: `make bench` builds them), so that only what BadHelo needs is taken
for a in libcheck.a libbase.a; do
  [ -f "$BUILD/obj/$a" ] || { echo "bench: $BUILD/obj/$a missing (make all)" >&2; exit 2; }
done
$CXX -std=c++17 -O2 -Wall -Wextra -Werror -I"$ROOT/src" -o "$TMP/bin/badhelo_bench" \
  "$ROOT/tests/bench/badhelo_bench.cc" "$BUILD/obj/libcheck.a" "$BUILD/obj/libbase.a" \
  -lboost_regex >"$TMP/cc2.log" 2>&1 &
cc2=$!
wait "$cc1" || { cat "$TMP/cc1.log" >&2; echo "bench: smtpload did not build" >&2; exit 2; }
wait "$cc2" || { cat "$TMP/cc2.log" >&2; echo "bench: badhelo_bench did not build" >&2; exit 2; }
LOAD=$TMP/bin/smtpload
BHB=$TMP/bin/badhelo_bench
EXECFLOOR=$TMP/bin/exec_floor
RELAYFLOOR=$TMP/bin/relay_floor

# control directories: none (fast path), the seed, and 1 ... 10,000 patterns
mkdir -p "$TMP/ctl-none" "$TMP/ctl-seed"
cp "$SEED" "$TMP/ctl-seed/badhelo" || exit 2
for n in 1 100 1000 10000; do
  mkdir -p "$TMP/ctl-$n"
  if [ "$n" = 1 ]; then
    printf '^helo\\.last-rule\\.example$\n' >"$TMP/ctl-$n/badhelo"
  else
    "$BHB" gen "$n" >"$TMP/ctl-$n/badhelo" || exit 2
  fi
done

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
  DNSENV=(HELO_DNS_CHECK=GNLR NSCACHEIP=127.0.0.1 RES_OPTIONS="port:$DNSPORT")
  # helowrap's own decision code must see client.test resolve (to loopback: logged
  # by L) and pass, and a name that does not resolve be looked up and logged: else
  # the benchmark would time the wrong path
  local out
  out=$(env HELO_DNS_CHECK=GNLRD NSCACHEIP=127.0.0.1 RES_OPTIONS="port:$DNSPORT" \
    "$HC" client.test 127.0.0.1 2>&1)
  case $out in
    *"B: client is among the addresses"*"reply to RCPT: 250"*) ;;
    *) broken "dnsmasq does not answer as expected: $out"; return 1 ;;
  esac
  out=$(env "${DNSENV[@]}" "$HC" nx.test 127.0.0.1 2>&1)
  case $out in
    *"doesn't solve"*"reply to RCPT: 250"*) ;;
    *) broken "a name that does not resolve was not logged: $out"; return 1 ;;
  esac
}

# --- sessions ----------------------------------------------------------------------
declare -A SPORT SPID LABEL
COLS=()       # every column, in table order
MAINCOLS=()   # the columns of the ten and big workloads (not the badhelo sizes)

# column NAME LABEL MAIN(1/0) [VAR=VALUE...] -- CMD...: a tcpserver for one column
column() {
  local name=$1 label=$2 main=$3
  shift 3
  srv_start "sess-$name" "$@" || return 1
  SPORT[$name]=$PORT
  SPID[$name]=$SRVPID
  LABEL[$name]=$label
  COLS+=("$name")
  [ "$main" = 1 ] && MAINCOLS+=("$name")
  return 0
}

# workload parameters: SESSIONS MSGS BODY RCPTS PER_ROUND
declare -A WL
WL[short]="$N_SHORT 1 0 1 10"
WL[ten]="$N_TEN 10 2048 3 10"
WL[big]="$N_BIG 1 $((BIG_MB * 1000 * 1000)) 1 1"

# wl_run WORKLOAD COL...: one interleaved run; per-session values appended to
# WORKLOAD.COL.ms and WORKLOAD.COL.cpu
wl_run() {
  local wl=$1 out rc c args=() line name n msgs body rcpts per
  shift
  read -r n msgs body rcpts per <<<"${WL[$wl]}"
  [ "$n" -lt "$per" ] && per=$n
  for c in "$@"; do args+=("$c=${SPORT[$c]}:${SPID[$c]}"); done
  bgrun "$LOAD" tcp $((n / per)) "$per" "$msgs" "$body" "$rcpts" client.test "${args[@]}"
  rc=$?
  out=$(cat "$TMP/job.out")
  if [ $rc != 0 ] || [ -z "$out" ]; then
    broken "$wl sessions: $out $(head -c 600 "$TMP/job.err")"
    return 1
  fi
  while IFS= read -r line; do
    name=$(kv name "$line")
    add "$wl.$name.ms" "$(awk -v w="$(kv wall "$line")" -v n="$(kv sessions "$line")" 'BEGIN { printf "%.5f", w * 1000 / n }')"
    add "$wl.$name.cpu" "$(awk -v c="$(kv cpu "$line")" -v n="$(kv sessions "$line")" 'BEGIN { printf "%.5f", c * 1000 / n }')"
  done <<<"$out"
}

bench_sessions() {
  local rep c n
  say "sessions: short $N_SHORT, ten $N_TEN, big $N_BIG x $BIG_MB MB per column, $REPS repetitions; downstream $DS"
  local dns_ok=0
  setup_dns && dns_ok=1
  column direct "$DSNAME alone" 1 -- "$DS" || return 1
  column execfloor "exec floor" 1 -- "$EXECFLOOR" "$DS" || return 1
  if [ -x "$RBLSMTPD_PROG" ]; then
    column rblsmtpd "rblsmtpd (one exec)" 1 RBLSMTPD= -- "$RBLSMTPD_PROG" "$DS" || return 1
  else
    say "rblsmtpd not found: its column is skipped"
  fi
  column fast "helowrap fast path" 1 -- "$HW" -c "$TMP/ctl-none" "$DS" || return 1
  column relayfloor "relay floor" 1 -- "$RELAYFLOOR" "$DS" || return 1
  column seed "helowrap badhelo (seed)" 1 -- "$HW" -c "$TMP/ctl-seed" "$DS" || return 1
  if [ $dns_ok = 1 ]; then
    column seedgnlr "helowrap badhelo+GNLR" 1 "${DNSENV[@]}" -- "$HW" -c "$TMP/ctl-seed" "$DS" ||
      return 1
  fi
  for n in 1 100 1000 10000; do
    column "bh$n" "helowrap badhelo $n" 0 -- "$HW" -c "$TMP/ctl-$n" "$DS" || return 1
  done
  # warm-up (page cache, dnsmasq cache), not counted
  for c in "${COLS[@]}"; do
    "$LOAD" tcp 1 3 1 0 1 client.test "$c=${SPORT[$c]}" >/dev/null 2>&1
  done
  for rep in $(seq 1 "$REPS"); do
    wl_run short "${COLS[@]}" || return 1
    wl_run ten "${MAINCOLS[@]}" || return 1
    wl_run big "${MAINCOLS[@]}" || return 1
    say "sessions: repetition $rep/$REPS done"
  done
  # the DNS column must have had its answer in every session (L logs this line
  # for client.test -> 127.0.0.1), never a temporary failure; the others log nothing
  local want got
  if [ -f "$TMP/sess-seedgnlr.log" ]; then
    read -r n _ <<<"${WL[short]}"; want=$((REPS * n + 3))
    read -r n _ <<<"${WL[ten]}"; want=$((want + REPS * n))
    read -r n _ <<<"${WL[big]}"; want=$((want + REPS * n))
    got=$(grep -ac 'resolves to loopback' "$TMP/sess-seedgnlr.log")
    if grep -aq 'temporary failed' "$TMP/sess-seedgnlr.log"; then
      broken "seedgnlr: DNS temporary failures in the log"
    elif [ "$got" != "$want" ]; then
      broken "seedgnlr: $got of $want sessions logged their DNS answer"
    fi
  fi
  for c in "${COLS[@]}"; do
    [ "$c" = seedgnlr ] && continue
    [ -s "$TMP/sess-$c.log" ] && broken "$c: logged: $(head -n 3 "$TMP/sess-$c.log")"
  done
  return 0
}

# --- memory --------------------------------------------------------------------------
# Peak RSS of the wrapper process: for a relay, VmHWM just before QUIT of a session
# with one BIG_MB message; for an exec wrapper, ru_maxrss of a run whose exec fails
# (everything it does before the exec).  The downstream's own peak for reference.
bench_memory() {
  local rep out c bytes=$((BIG_MB * 1000 * 1000))
  say "memory: peak RSS of the wrapper process, $REPS repetitions"
  [ -n "$DNSPORT" ] || setup_dns
  for rep in $(seq 1 "$REPS"); do
    out=$("$LOAD" exec 1 "$bytes" 1 client.test -- "$DS" 2>"$TMP/load.err") ||
      { broken "memory direct: $out"; return 1; }
    add mem.direct "$(kv vmhwm_kb "$out")"
    for c in execfloor rblsmtpd fast; do
      case $c in
        execfloor) set -- "$EXECFLOOR" ;;
        rblsmtpd) [ -x "$RBLSMTPD_PROG" ] || continue; set -- env RBLSMTPD= "$RBLSMTPD_PROG" ;;
        fast) set -- "$HW" -c "$TMP/ctl-none" ;;
      esac
      out=$(env TCPREMOTEIP=127.0.0.1 TCPLOCALIP=127.0.0.1 \
        "$LOAD" maxrss -- "$@" "$TMP/no-such-server" 2>/dev/null)
      [ "$(kv status "$out")" = 111 ] || { broken "memory $c: $out"; return 1; }
      add "mem.$c" "$(kv maxrss_kb "$out")"
    done
    for c in relayfloor seed seedgnlr bh10000; do
      case $c in
        relayfloor) set -- "$RELAYFLOOR" ;;
        seed) set -- "$HW" -c "$TMP/ctl-seed" ;;
        seedgnlr) [ -n "$DNSPORT" ] || continue; set -- env "${DNSENV[@]}" "$HW" -c "$TMP/ctl-seed" ;;
        bh10000) set -- "$HW" -c "$TMP/ctl-10000" ;;
      esac
      out=$(env TCPREMOTEIP=127.0.0.1 TCPLOCALIP=127.0.0.1 \
        "$LOAD" exec 1 "$bytes" 1 client.test -- "$@" "$DS" 2>"$TMP/load.err") ||
        { broken "memory $c: $out $(cat "$TMP/load.err")"; return 1; }
      case $(kv comm "$out") in
        helowrap | relay_floor) ;;
        *) broken "memory $c: the process is $(kv comm "$out"), not the relay" ;;
      esac
      add "mem.$c" "$(kv vmhwm_kb "$out")"
    done
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


# --- run -------------------------------------------------------------------------
T0=$(date +%s)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
want sessions && { bench_sessions || broken "session benchmark stopped"; }
want memory && { bench_memory || broken "memory benchmark stopped"; }
want badhelo && { bench_badhelo || broken "badhelo benchmark stopped"; }

# --- table -----------------------------------------------------------------------
# st MODE KEY [BASEKEY]: "median min max" of KEY (MODE plain), of KEY[i]/BASE[i]
# (ratio) or of KEY[i]-BASE[i] (diff), one value per repetition; nothing when a
# series is missing or the two differ in length
st() {
  local mode=$1 key=$RES/$2 base=${3:+$RES/$3}
  [ -s "$key" ] || return 0
  [ -n "$base" ] && { [ -s "$base" ] || return 0; }
  awk -v mode="$mode" '
    function sort(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    }
    FNR == 1 { f++ }
    f == 1 { v[++n] = $1 + 0 }
    f == 2 { b[++m] = $1 + 0 }
    END {
      if (mode != "plain" && m != n) exit
      k = 0
      for (i = 1; i <= n; i++) {
        if (mode == "ratio") { if (b[i] > 0) q[++k] = v[i] / b[i] }
        else if (mode == "diff") q[++k] = v[i] - b[i]
        else q[++k] = v[i]
      }
      if (k == 0) exit
      sort(q, k)
      md = k % 2 ? q[(k + 1) / 2] : (q[k / 2] + q[k / 2 + 1]) / 2
      printf "%.6g %.6g %.6g\n", md, q[1], q[k]
    }' "$key" ${base:+"$base"}
}
f3() { awk -v x="$1" 'BEGIN { printf(x >= 100 ? "%.0f" : x >= 10 ? "%.1f" : x >= 1 ? "%.2f" : "%.3f", x) }'; }
# fmt_r "MED MIN MAX": "1.234 [1.200-1.300]"
fmt_r() {
  [ -n "$1" ] || { printf -- '-'; return; }
  local a b c
  read -r a b c <<<"$1"
  printf '%.3f [%.3f-%.3f]' "$a" "$b" "$c"
}
fmt_v() {
  [ -n "$1" ] || { printf -- '-'; return; }
  local a b c
  read -r a b c <<<"$1"
  printf '%s [%s-%s]' "$(f3 "$a")" "$(f3 "$b")" "$(f3 "$c")"
}

wl_table() {  # WORKLOAD TITLE
  local wl=$1 c
  [ -s "$RES/$wl.direct.cpu" ] || return 0
  echo
  echo "$2"
  printf '  %-26s %-22s %-22s %-22s %s\n' column "CPU ms/session" "CPU / $DSNAME alone" \
    "wall ms/session" "wall / $DSNAME alone"
  for c in "${COLS[@]}"; do
    [ -s "$RES/$wl.$c.cpu" ] || continue
    printf '  %-26s %-22s %-22s %-22s %s\n' "${LABEL[$c]}" "$(fmt_v "$(st plain "$wl.$c.cpu")")" \
      "$(fmt_r "$(st ratio "$wl.$c.cpu" "$wl.direct.cpu")")" \
      "$(fmt_v "$(st plain "$wl.$c.ms")")" "$(fmt_r "$(st ratio "$wl.$c.ms" "$wl.direct.ms")")"
  done
}

# verdict MEASURED LIMIT: met / not met (MEASURED: the median)
verdict() {
  [ -n "$1" ] || { echo "not measured"; return; }
  awk -v x="${1%% *}" -v l="$2" 'BEGIN { print (x <= l ? "met" : "not met") }'
}

LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "helowrap benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $LOAD0 at the start, $LOAD1 at the end,"
echo "$REPS repetitions, $(($(date +%s) - T0)) s; downstream: $DS"
echo "Every value: median [min-max] over the repetitions; a ratio is the median [min-max] of the"
echo "per-repetition ratios.  CPU: user+sys of every process of the session (all that tcpserver ran)."
wl_table short "short session: EHLO MAIL RCPT QUIT ($N_SHORT sessions per column and repetition)"
wl_table ten "10-message session: 10 pipelined messages of 2 KB, 3 RCPTs each ($N_TEN sessions)"
wl_table big "one ${BIG_MB} MB message ($N_BIG sessions)"

if [ -s "$RES/short.fast.cpu" ]; then
  echo
  echo "headline: helowrap / the floor of its architecture, CPU of all processes (wall below)"
  printf '  %-40s %-22s %-22s %s\n' "" short "10 messages" "${BIG_MB} MB"
  for m in cpu ms; do
    for p in fast:execfloor seed:relayfloor seedgnlr:relayfloor; do
      c=${p%%:*} f=${p##*:}
      [ -s "$RES/short.$c.$m" ] || continue
      printf '  %-40s %-22s %-22s %s\n' "${LABEL[$c]#helowrap } / ${LABEL[$f]}$([ $m = ms ] && echo ' (wall)')" \
        "$(fmt_r "$(st ratio "short.$c.$m" "short.$f.$m")")" \
        "$(fmt_r "$(st ratio "ten.$c.$m" "ten.$f.$m")")" \
        "$(fmt_r "$(st ratio "big.$c.$m" "big.$f.$m")")"
    done
  done
  echo "  (the floors themselves, CPU / $DSNAME alone on the short session: exec floor" \
    "$(fmt_r "$(st ratio short.execfloor.cpu short.direct.cpu)"), relay floor" \
    "$(fmt_r "$(st ratio short.relayfloor.cpu short.direct.cpu)"))"
fi

if [ -s "$RES/short.bh1.cpu" ]; then
  echo
  echo "badhelo size, short session: CPU and wall per connection above the 1-line badhelo (ms)"
  for n in 100 1000 10000; do
    printf '  %-26s CPU %-24s wall %s\n' "$n lines" "$(fmt_v "$(st diff "short.bh$n.cpu" short.bh1.cpu)")" \
      "$(fmt_v "$(st diff "short.bh$n.ms" short.bh1.ms)")"
  done
fi

if [ -s "$RES/bh.100.read" ]; then
  echo
  echo "badhelo in-process (badhelo_bench: each connection reads the file, builds a BadHelo, matches one name), us"
  for n in 100 1000 10000; do
    printf '  %-14s read only %-24s read+load+match none %-24s match last %s\n' "$n lines" \
      "$(fmt_v "$(st plain "bh.$n.read")")" "$(fmt_v "$(st plain "bh.$n.nomatch")")" \
      "$(fmt_v "$(st plain "bh.$n.lastline")")"
  done
fi

if [ -s "$RES/mem.direct" ]; then
  echo
  echo "memory: peak RSS of the wrapper process, KB (relays: during one ${BIG_MB} MB message; exec wrappers: up to the exec)"
  printf '  %-26s %s\n' "$DSNAME alone (itself)" "$(fmt_v "$(st plain mem.direct)")"
  for c in execfloor rblsmtpd fast relayfloor seed seedgnlr bh10000; do
    [ -s "$RES/mem.$c" ] && printf '  %-26s %s\n' "${LABEL[$c]:-$c}" "$(fmt_v "$(st plain "mem.$c")")"
  done
fi

# --- targets (issue 13): printed, never a pass/fail of make bench -------------------
echo
echo "targets (issue 13; CPU of all processes, the median of the per-repetition ratios):"
target() {  # TEXT VALUE LIMIT
  printf '  %-62s %-8s %s\n' "$1" "$(printf '%s' "${2%% *}" | awk '{ printf ($1 == "" ? "-" : "%.3f"), $1 }')" \
    "$(verdict "$2" "$3")"
}
target "fast path <= 1.03 x exec floor, short session" "$(st ratio short.fast.cpu short.execfloor.cpu)" 1.03
for c in seed seedgnlr; do
  l=${LABEL[$c]:-$c}
  l=${l#helowrap }
  target "$l <= 1.10 x relay floor, short session" "$(st ratio "short.$c.cpu" short.relayfloor.cpu)" 1.10
  target "$l <= 1.00 x relay floor, 10-message session" "$(st ratio "ten.$c.cpu" ten.relayfloor.cpu)" 1.00
  target "$l <= 1.00 x relay floor, ${BIG_MB} MB message" "$(st ratio "big.$c.cpu" big.relayfloor.cpu)" 1.00
done
target "badhelo 10,000 lines: <= 1 ms CPU per connection above 1 line" "$(st diff short.bh10000.cpu short.bh1.cpu)" 1
maxrss=$(cat "$RES"/mem.{execfloor,rblsmtpd,fast,relayfloor,seed,seedgnlr} 2>/dev/null | sort -n | tail -n 1)
target "peak RSS <= 2 MB (2048 KB) in every column (the largest, KB)" "$maxrss" 2048
target "(badhelo of 10,000 lines: peak RSS <= 2048 KB)" "$(st plain mem.bh10000)" 2048
if [ "$BROKEN" != 0 ]; then
  echo "bench: the harness reported errors (see HARNESS ERROR above): these numbers are not valid" >&2
  exit 1
fi
exit 0

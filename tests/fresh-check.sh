#!/bin/sh
# tests/fresh-check.sh [ plain | ipv6 ]  (make fresh-check [FRESH_VARIANT=ipv6]), as root:
# what a new administrator gets on a fresh machine. It bootstraps a minimal Debian 12
# (debootstrap --variant=minbase bookworm) in a directory outside the repository
# ($FRESH_DIR, default /var/tmp/helowrap-fresh), mounts /proc, /dev, /dev/pts and /sys in
# it, copies in a clone of the repository's committed HEAD, installs only make (and, for
# the variant ipv6, ucspi-tcp-ipv6 first), then runs `make check` as root with CI=true and
# no standard input, as the README says. The variant ipv6 then checks that
# ucspi-tcp-ipv6 is still installed (make check must never replace it). Everything is
# unmounted and removed on exit. The apt sources are this machine's.
#
# The last line is "fresh-check VARIANT: N passed, N failed[, ...]"; exit 0 only when
# make check passed with no skipped case.
set -u
VARIANT=${1:-plain}
case $VARIANT in
  plain | ipv6) ;;
  *) echo "fresh-check: usage: fresh-check.sh [ plain | ipv6 ]" >&2; exit 100 ;;
esac
[ "$(id -u)" = 0 ] || { echo "fresh-check: fatal: needs root (debootstrap, mount, chroot)" >&2; exit 100; }
command -v debootstrap >/dev/null ||
  { echo "fresh-check: fatal: no debootstrap: apt-get install debootstrap" >&2; exit 111; }

REPO=$(cd "$(dirname "$0")/.." && pwd) || exit 111
REV=$(git -C "$REPO" rev-parse HEAD) || { echo "fresh-check: fatal: $REPO is not a git checkout" >&2; exit 111; }
BASE=${FRESH_DIR:-/var/tmp/helowrap-fresh}
mkdir -p "$BASE" || exit 111
BASE=$(cd "$BASE" && pwd -P) || exit 111
case $BASE/ in
  "$(cd "$REPO" && pwd -P)"/*) echo "fresh-check: fatal: $BASE is inside the repository" >&2; exit 100 ;;
esac
DIR=$BASE/$VARIANT.$$
LOG=$BASE/$VARIANT.$$.log
SUITE=bookworm

# The archive this machine installs from: the first URIs of its deb822 sources, or the
# first deb line of sources.list.
MIRROR=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
  grep -v security | head -n 1)
[ -n "$MIRROR" ] || MIRROR=$(awk '$1 == "deb" && $0 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian

say() { echo "fresh-check $VARIANT: $*"; }

# Processes still running in the chroot (a server a failed test left) keep it busy.
kill_inside() {
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$DIR" ] && kill -KILL "${p#/proc/}" 2>/dev/null
  done
}

mounted() { awk -v d="$DIR" '$2 == d || index($2, d "/") == 1 { f = 1 } END { exit !f }' /proc/mounts; }

cleanup() {
  kill_inside
  for m in sys dev/pts dev proc; do
    mountpoint -q "$DIR/$m" 2>/dev/null && { umount "$DIR/$m" 2>/dev/null || umount -l "$DIR/$m"; }
  done
  if mounted; then
    say "still mounted under $DIR: not removed" >&2
  else
    rm -rf --one-file-system "$DIR"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

say "debootstrap --variant=minbase $SUITE $DIR $MIRROR (log: $LOG)"
if ! debootstrap --variant=minbase "$SUITE" "$DIR" "$MIRROR" >"$LOG" 2>&1; then
  tail -n 20 "$LOG" >&2
  say "debootstrap failed"
  exit 111
fi

# apt as on this machine; no service starts in the chroot (exim4's postinst would
# start a daemon on this machine's network).
if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
  rm -f "$DIR/etc/apt/sources.list"
  cp /etc/apt/sources.list.d/*.sources "$DIR/etc/apt/sources.list.d/"
fi
cp /etc/resolv.conf "$DIR/etc/resolv.conf" 2>/dev/null
[ -s "$DIR/etc/hosts" ] || printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$DIR/etc/hosts"
printf '#!/bin/sh\nexit 101\n' >"$DIR/usr/sbin/policy-rc.d"
chmod 755 "$DIR/usr/sbin/policy-rc.d"

mount -t proc proc "$DIR/proc" &&
  mount --bind /dev "$DIR/dev" &&
  mount --bind /dev/pts "$DIR/dev/pts" &&
  mount -t sysfs sysfs "$DIR/sys" || { say "mount failed"; exit 111; }

git clone -q --no-checkout "$REPO" "$DIR/root/helowrap" &&
  git -C "$DIR/root/helowrap" checkout -q "$REV" || { say "git clone failed"; exit 111; }
say "repository at $(git -C "$REPO" log -1 --format='%h %s' "$REV")"

first=make
[ "$VARIANT" = ipv6 ] && first="ucspi-tcp-ipv6 make"
# shellcheck disable=SC2016  # expanded inside the chroot
chroot "$DIR" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 CI=true DEBIAN_FRONTEND=noninteractive FIRST="$first" /bin/sh -c '
    apt-get update -qq >/dev/null &&
    echo "fresh-check: installing $FIRST" &&
    apt-get install -y -qq --no-install-recommends $FIRST >/dev/null || exit 111
    cd /root/helowrap && make check
  ' </dev/null >>"$LOG" 2>&1
rc=$?

summary=$(grep -a '^[0-9]* passed, [0-9]* failed' "$LOG" | tail -n 1)
skips=$(grep -ac '^ok - .*# SKIP' "$LOG")
grep -a '^install-deps: \|^fresh-check: \|^== ' "$LOG"
[ -n "$summary" ] || { tail -n 30 "$LOG"; summary="make check did not finish"; }
result="$summary, $skips skipped (make check exit $rc)"
status=0
[ "$rc" = 0 ] && [ "$skips" = 0 ] || status=1
if [ "$VARIANT" = ipv6 ]; then
  if chroot "$DIR" dpkg-query -W -f '${Status}' ucspi-tcp-ipv6 2>/dev/null | grep -q ' installed$'; then
    result="$result, ucspi-tcp-ipv6 still installed"
  else
    result="$result, ucspi-tcp-ipv6 REMOVED"
    status=1
  fi
fi
say "log: $LOG"
say "$result"
exit $status

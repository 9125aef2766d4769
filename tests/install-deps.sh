#!/bin/sh
# install-deps.sh PKG...: installs the Debian packages named that are missing (as root),
# one line each saying what and why. A package counts as present when it is installed or
# when an installed package Provides it (ucspi-tcp-ipv6 provides ucspi-tcp). Nothing is
# ever removed: apt-get runs with --no-remove, so a package that would replace one of the
# administrator's fails the install instead.

# why PKG: what the project uses it for
why() {
  case $1 in
    g++) echo "the C++17 compiler" ;;
    make) echo "the build" ;;
    libboost-regex-dev) echo "Boost.Regex: the badhelo patterns" ;;
    libboost-test-dev) echo "Boost.Test: the unit tests" ;;
    libudns-dev) echo "udns: the HELO DNS checks" ;;
    zlib1g-dev) echo "zlib: helostat reads gzip-compressed logs" ;;
    ucspi-tcp) echo "tcpserver, tcprules: the integration tests and the demo" ;;
    swaks) echo "the SMTP client of the integration tests" ;;
    libio-socket-inet6-perl) echo "swaks over IPv6 (swaks only recommends it)" ;;
    perl) echo "the tests' clients and servers (a minimal Debian has only perl-base)" ;;
    dnsmasq-base) echo "the DNS server of the DNS check tests" ;;
    daemontools) echo "multilog, tai64nlocal: the log tests" ;;
    exim4-daemon-light) echo "exim4 -bs: a real SMTP server behind helowrap" ;;
    valgrind) echo "helowrap under valgrind in make check" ;;
    time) echo "/usr/bin/time: the peak RSS measurements" ;;
    procps) echo "pgrep: the log tests" ;;
    gzip) echo "compressed rotated logs in the helostat tests" ;;
    bc) echo "the benchmarks' arithmetic" ;;
    clang | libclang-rt-*) echo "libFuzzer: make fuzz" ;;
    debootstrap) echo "make fresh-check: a minimal Debian to test in" ;;
    git) echo "make fresh-check: a clone of this repository for the fresh Debian" ;;
    *) echo "named in the Makefile" ;;
  esac
}

# present PKG: installed, or provided by an installed package
present() {
  dpkg-query -W -f '${Status}\n' "$1" 2>/dev/null | grep -q ' installed$' && return 0
  dpkg-query -W -f '${Status}\t${Provides}\n' 2>/dev/null |
    awk -F'\t' -v p="$1" '$1 ~ / installed$/ {
      n = split($2, a, /, */)
      for (i = 1; i <= n; i++) { sub(/ .*/, "", a[i]); if (a[i] == p) found = 1 }
    } END { exit !found }'
}

missing=
for p in "$@"; do
  present "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing Debian packages:$missing" >&2
  echo "install-deps: run as root, or: apt-get install --no-install-recommends$missing" >&2
  exit 1
fi
for p in $missing; do
  echo "install-deps: installing $p: $(why "$p")"
done
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || { echo "install-deps: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086  # one word per package
if ! apt-get install -y -qq --no-install-recommends --no-remove $missing >/dev/null; then
  echo "install-deps: apt-get install failed (it removes nothing: a package that would" \
    "replace an installed one is refused):$missing" >&2
  exit 1
fi

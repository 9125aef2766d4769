#!/bin/sh
# The house plan (README "How the code is laid out"), checked: each folder of src/ includes
# only itself and the folders below it, and each program holds only the libraries it uses.
# Usage: sh tests/layout.sh [BUILD]. Ends with "N passed, N failed".
B=${1:-build}
cd "$(dirname "$0")/.." || exit 111
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

# The folders each folder may include from.
allowed() {
  case $1 in
    base) echo "base" ;;
    check) echo "base check" ;;
    relay) echo "base check relay" ;;
    stat) echo "base check stat" ;;
    helocheck) echo "base check relay helocheck" ;;
  esac
}

for dir in src/*/; do
  layer=$(basename "$dir")
  may=$(allowed "$layer")
  if [ -z "$may" ]; then not_ok "src/$layer is a folder the plan does not know"; continue; fi
  bad=$(grep -H '^#include "' "$dir"*.h "$dir"*.cc 2>/dev/null | while IFS= read -r line; do
    target=$(printf '%s\n' "$line" | sed 's/.*#include "\([^/"]*\)\/.*/\1/;t;s/.*/(no folder)/')
    case " $may " in *" $target "*) ;; *) printf '%s\n' "$line" ;; esac
  done)
  if [ -z "$bad" ]; then ok "src/$layer includes only from: $may"
  else not_ok "src/$layer includes from above it:"; printf '%s\n' "$bad" | sed 's/^/#   /'; fi
done
[ -z "$(ls src/*.cc src/*.h 2>/dev/null)" ] && ok "no source outside a folder" ||
  not_ok "sources outside a folder: $(ls src/*.cc src/*.h 2>/dev/null | tr '\n' ' ')"

# What each static program holds: helostat neither udns nor Boost.Regex; helowrap not
# helostat's log reading; helocheck not zlib. Symbols are read from the unstripped build.
holds() { nm -C "$B/$1" 2>/dev/null | grep -q "$2"; }
for prog in helowrap helocheck helostat; do
  [ -x "$B/$prog" ] || { not_ok "$B/$prog missing (make $prog)"; continue; }
done
if [ -x "$B/helostat" ]; then
  holds helostat ' dns_submit_a4$' && not_ok "helostat holds udns" || ok "helostat holds no udns"
  holds helostat 'boost::re_detail' && not_ok "helostat holds Boost.Regex" ||
    ok "helostat holds no Boost.Regex"
  holds helostat ' inflate$' && ok "helostat holds zlib (gzip logs)" || not_ok "helostat lacks zlib"
fi
if [ -x "$B/helowrap" ]; then
  holds helowrap 'LogStats::' && not_ok "helowrap holds helostat's counting" ||
    ok "helowrap holds none of helostat's code"
  holds helowrap ' inflate$' && not_ok "helowrap holds zlib" || ok "helowrap holds no zlib"
  holds helowrap ' dns_submit_a4$' && ok "helowrap holds udns" || not_ok "helowrap lacks udns"
fi
if [ -x "$B/helocheck" ]; then
  holds helocheck ' inflate$' && not_ok "helocheck holds zlib" || ok "helocheck holds no zlib"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

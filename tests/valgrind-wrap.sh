#!/bin/sh
# valgrind-wrap.sh BUILD DIR: makes DIR/helowrap, a stand-in for BUILD/helowrap that runs
# it under valgrind, each process's report in DIR/logs/vg.PID (empty when clean), so that
# an integration suite given DIR as its SAN directory runs the relay under valgrind.
B=$(cd "$1" && pwd) || exit 111
mkdir -p "$2/logs" || exit 111
D=$(cd "$2" && pwd)
rm -f "$D"/logs/vg.*
cat >"$D/helowrap" <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \\
  --show-leak-kinds=definite --trace-children=no --log-file=$D/logs/vg.%p $B/helowrap "\$@"
WRAP
chmod +x "$D/helowrap"

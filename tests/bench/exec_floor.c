/* exec_floor - the least an exec wrapper can do: execv its arguments (make bench).
 *   exec_floor PROG [ARGS...]
 * Built static, like helowrap.  Exits 111 if PROG cannot be run. */
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) return 100;
  execv(argv[1], argv + 1);
  return 111;
}

/* relay_floor - the least a relay can do (make bench): run PROG on two pipes and
 * copy bytes both ways with poll/read/write until PROG's output ends; no parsing.
 *   relay_floor PROG [ARGS...]      (fd 0 and 1: the client, as under tcpserver)
 * Built static, like helowrap.  Exits with PROG's status, 111 on a failure. */
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

static int copy(int from, int to) { /* 1: copied, 0: end of input or error */
  static char buf[65536];
  ssize_t n = read(from, buf, sizeof buf), off = 0;
  if (n <= 0) return 0;
  while (off < n) {
    ssize_t w = write(to, buf + off, (size_t)(n - off));
    if (w <= 0) return 0;
    off += w;
  }
  return 1;
}

int main(int argc, char **argv) {
  int in[2], out[2], status;
  if (argc < 2 || pipe(in) || pipe(out)) return 111;
  pid_t pid = fork();
  if (pid == -1) return 111;
  if (pid == 0) {
    dup2(in[0], 0); dup2(out[1], 1);
    close(in[0]); close(in[1]); close(out[0]); close(out[1]);
    execv(argv[1], argv + 1);
    _exit(111);
  }
  close(in[0]); close(out[1]);
  struct pollfd p[2] = {{0, POLLIN, 0}, {out[0], POLLIN, 0}};
  for (;;) {
    if (poll(p, 2, -1) < 0) continue;
    if (p[1].revents && !copy(out[0], 1)) break;            /* PROG's output ended */
    if (p[0].revents && !copy(0, in[1])) { close(in[1]); in[1] = -1; p[0].fd = -1; }
  }
  if (in[1] != -1) close(in[1]);
  close(out[0]);
  while (waitpid(pid, &status, 0) == -1) {}
  return WIFEXITED(status) ? WEXITSTATUS(status) : 111;
}

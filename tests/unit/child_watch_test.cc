#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <csignal>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "relay/child_watch.h"

namespace {

// Forks a child that runs `body`; the watch must be started before, as helowrap does.
template <typename Body>
pid_t spawn(Body body) {
  pid_t pid = fork();
  if (pid == 0) {
    body();
    _exit(0);
  }
  return pid;
}

bool readable_within(int fd, int ms) {
  pollfd p = {fd, POLLIN, 0};
  int r;
  do r = poll(&p, 1, ms);
  while (r == -1 && errno == EINTR);
  return r == 1;
}

bool is_reaped(pid_t pid) {
  int status;
  return waitpid(pid, &status, WNOHANG) == -1 && errno == ECHILD;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(child_watch)

BOOST_AUTO_TEST_CASE(an_exit_wakes_the_loop_and_the_child_is_reaped_at_once) {
  ChildWatch watch;
  BOOST_REQUIRE(watch.start());
  int go[2];
  BOOST_REQUIRE(pipe(go) == 0);
  pid_t pid = spawn([&] {
    close(go[1]);  // else the read below never sees the end of input
    char c;
    (void)!read(go[0], &c, 1);
    _exit(7);
  });
  BOOST_REQUIRE(pid > 0);
  close(go[0]);
  BOOST_TEST(!readable_within(watch.fd(), 50));  // still running
  BOOST_TEST(!watch.reap(pid));
  BOOST_TEST(!watch.exited());
  close(go[1]);  // the child exits
  BOOST_REQUIRE(readable_within(watch.fd(), 5000));
  BOOST_TEST(watch.reap(pid));
  BOOST_TEST(watch.exited());
  BOOST_TEST(is_reaped(pid));  // no zombie left for later
  BOOST_TEST(!readable_within(watch.fd(), 0));  // the wake-up was consumed
  BOOST_TEST(watch.wait(pid) == 7);  // without waiting again
}

BOOST_AUTO_TEST_CASE(a_child_killed_by_a_signal_counts_as_111) {
  ChildWatch watch;
  BOOST_REQUIRE(watch.start());
  pid_t pid = spawn([] { pause(); });
  BOOST_REQUIRE(pid > 0);
  kill(pid, SIGKILL);
  BOOST_REQUIRE(readable_within(watch.fd(), 5000));
  BOOST_TEST(watch.reap(pid));
  BOOST_TEST(watch.wait(pid) == 111);
}

BOOST_AUTO_TEST_CASE(wait_blocks_for_a_child_still_running) {
  ChildWatch watch;
  BOOST_REQUIRE(watch.start());
  pid_t pid = spawn([] {
    usleep(100 * 1000);
    _exit(3);
  });
  BOOST_REQUIRE(pid > 0);
  BOOST_TEST(watch.wait(pid) == 3);
  BOOST_TEST(is_reaped(pid));
}

BOOST_AUTO_TEST_CASE(sigchld_is_back_to_its_default_afterwards) {
  {
    ChildWatch watch;
    BOOST_REQUIRE(watch.start());
  }
  struct sigaction now {};
  sigaction(SIGCHLD, nullptr, &now);
  BOOST_TEST((now.sa_handler == SIG_DFL));
}

BOOST_AUTO_TEST_SUITE_END()

// SPEC §4.1 and §5.1: which checks a connection gets, from its environment and controls.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

#include "check/policy.h"

namespace {

struct ControlDir {
  ControlDir() {
    char t[] = "/tmp/helowrap-policy-XXXXXX";
    BOOST_REQUIRE(mkdtemp(t));
    path = t;
  }
  ~ControlDir() {
    std::string cmd = "rm -rf '" + path + "'";
    BOOST_TEST(std::system(cmd.c_str()) == 0);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(path + "/" + name) << text;
  }
  std::string path;
};

struct Env {
  std::map<std::string, std::string> vars;
  EnvLookup lookup() const {
    return [this](const char* n) {
      auto it = vars.find(n);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

Policy load(const ControlDir& d, const Env& e) {
  Policy p;
  PolicyError err;
  BOOST_REQUIRE(load_policy(d.path, e.lookup(), p, err));
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(policy)

BOOST_AUTO_TEST_CASE(badhelo_on_off) {
  ControlDir d;
  Env e;
  BOOST_TEST(!load(d, e).watching());  // no badhelo file: fast path
  d.write("badhelo", "# comments only\n\n");
  BOOST_TEST(!load(d, e).watching());
  d.write("badhelo", "^bad\n");
  BOOST_TEST((load(d, e).badhelo != nullptr));
  e.vars["NOBADHELO"] = "";
  BOOST_TEST(!load(d, e).watching());
}

BOOST_AUTO_TEST_CASE(unreadable_control_is_an_error) {
  ControlDir d;
  BOOST_REQUIRE(mkdir((d.path + "/badhelo").c_str(), 0700) == 0);
  Policy p;
  PolicyError err;
  BOOST_TEST(!load_policy(d.path, Env{}.lookup(), p, err));
  BOOST_TEST(err.file == d.path + "/badhelo");
}

BOOST_AUTO_TEST_CASE(dns_flags_from_environment) {
  ControlDir d;
  Env e;
  e.vars["TCPREMOTEIP"] = "192.0.2.1";
  BOOST_TEST(!load(d, e).dns.has_value());  // unset: off
  e.vars["HELO_DNS_CHECK"] = "";
  Policy p = load(d, e);
  BOOST_REQUIRE(p.dns.has_value());
  BOOST_TEST(p.dns->flags.text == "GNLR");
  e.vars["NOHELODNSCHECK"] = "";
  BOOST_TEST(!load(d, e).dns.has_value());
  e.vars.erase("NOHELODNSCHECK");
  e.vars["RELAYCLIENT"] = "";
  BOOST_TEST(!load(d, e).dns.has_value());  // R and RELAYCLIENT
  e.vars["HELO_DNS_CHECK"] = "BL";
  p = load(d, e);
  BOOST_REQUIRE(p.dns.has_value());  // no R: RELAYCLIENT only skips N
  BOOST_TEST(p.dns->relayclient);
  e.vars.erase("RELAYCLIENT");
  e.vars.erase("TCPREMOTEIP");
  p = load(d, e);
  BOOST_TEST(!p.dns.has_value());
  BOOST_REQUIRE(p.log.size() == 1u);
  BOOST_TEST(p.log[0] == "TCPREMOTEIP not set, let it go.");
}

BOOST_AUTO_TEST_CASE(n_reads_me_locals_moreipme_and_tcplocalip) {
  ControlDir d;
  d.write("me", "MX.Example.ORG\n");
  d.write("locals", "example.org\nlocalhost\n");
  d.write("moreipme", "198.51.100.7\n2001:db8::7\nnot-an-ip\n");
  Env e;
  e.vars["TCPREMOTEIP"] = "192.0.2.1";
  e.vars["TCPLOCALIP"] = "203.0.113.5";
  e.vars["HELO_DNS_CHECK"] = "N";
  Policy p = load(d, e);
  BOOST_REQUIRE(p.dns.has_value());
  BOOST_TEST(p.dns->local_names == (std::vector<std::string>{"mx.example.org", "example.org", "localhost"}),
             boost::test_tools::per_element());
  BOOST_REQUIRE(p.dns->local_addresses.size() == 3u);
  BOOST_TEST((p.dns->local_addresses[2] == *IpAddr::parse("203.0.113.5")));
}

BOOST_AUTO_TEST_SUITE_END()

#include "glibc_oracle.h"

#include <regex.h>  // glibc's: this file is compiled without Boost's include paths

int glibc_compile(const std::string& pattern, void** compiled) {
  regex_t* r = new regex_t;
  int e = regcomp(r, pattern.c_str(), REG_EXTENDED | REG_ICASE);
  if (e) {
    delete r;
    *compiled = nullptr;
    return e;
  }
  *compiled = r;
  return 0;
}

bool glibc_matches(void* compiled, const std::string& name) {
  return regexec(static_cast<regex_t*>(compiled), name.c_str(), 0, nullptr, 0) == 0;
}

void glibc_free(void* compiled) {
  regfree(static_cast<regex_t*>(compiled));
  delete static_cast<regex_t*>(compiled);
}

int glibc_espace() { return REG_ESPACE; }

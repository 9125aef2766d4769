// qregex's decision, made by glibc itself (its own <regex.h>, kept out of every file that
// sees Boost's headers).
#pragma once
#include <string>

// regcomp(pattern, REG_EXTENDED|REG_ICASE) as qregex calls it: 0 or the REG_* error code.
// On success `compiled` is set, for glibc_matches() and glibc_free().
int glibc_compile(const std::string& pattern, void** compiled);
// regexec(compiled, name, 0, NULL, 0) == 0
bool glibc_matches(void* compiled, const std::string& name);
void glibc_free(void* compiled);
int glibc_espace();  // REG_ESPACE

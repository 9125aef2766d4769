// The differential test's corpus, generated (deterministically) rather than stored.
#pragma once
#include <string>
#include <vector>

std::vector<std::string> corpus_patterns();  // badhelo lines, each without its '!'
std::vector<std::string> corpus_names();      // HELO names

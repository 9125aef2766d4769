// The differential test's corpus, generated (deterministically) rather than stored.
#pragma once
#include <string>
#include <vector>

std::vector<std::string> corpus_patterns();  // badhelo lines, each without its '!'
std::vector<std::string> corpus_names();      // HELO names
// Lines on which helowrap is known to decide otherwise than glibc for some names, on
// purpose (README, "Differences"): compared and shown, not counted as failures.
std::vector<std::string> corpus_known_differences();

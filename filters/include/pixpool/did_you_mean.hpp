#pragma once
/// "did you mean gaussian_blur?": the closest of some known names to a
/// misspelled one. One rule for every name a user types: filters here, and
/// the CLI's commands, options and config keys.

#include <string>
#include <vector>

namespace pixpool {

/// The known names within a small edit distance of `typed` (a third of its
/// length, at least 1, at most 3), closest first; empty when none is close.
std::vector<std::string> closest_names(const std::string& typed, const std::vector<std::string>& known);

/// " (did you mean X?)" / " (did you mean X or Y?)", or "" when nothing is close.
std::string did_you_mean(const std::string& typed, const std::vector<std::string>& known);

}  // namespace pixpool

#include <pixpool/did_you_mean.hpp>

#include <algorithm>

namespace pixpool {

namespace {

/// Levenshtein distance, one row at a time.
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = up;
        }
    }
    return row[b.size()];
}

}  // namespace

std::vector<std::string> closest_names(const std::string& typed, const std::vector<std::string>& known) {
    const std::size_t limit = std::clamp<std::size_t>(typed.size() / 3, 1, 3);
    std::vector<std::pair<std::size_t, std::string>> close;
    for (const std::string& name : known) {
        const std::size_t d = edit_distance(typed, name);
        // A prefix counts too: --qual for --quality.
        const bool prefix = typed.size() >= 3 && name.rfind(typed, 0) == 0;
        if (d <= limit || prefix) close.emplace_back(prefix ? 0 : d, name);
    }
    std::stable_sort(close.begin(), close.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> names;
    for (auto& [d, name] : close) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    return names;
}

std::string did_you_mean(const std::string& typed, const std::vector<std::string>& known) {
    std::vector<std::string> names = closest_names(typed, known);
    if (names.empty()) return "";
    if (names.size() > 3) names.resize(3);
    std::string text = " (did you mean " + names[0];
    for (std::size_t i = 1; i < names.size(); ++i) text += (i + 1 == names.size() ? " or " : ", ") + names[i];
    return text + "?)";
}

}  // namespace pixpool

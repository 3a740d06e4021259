/// Values: validated parameter text by name, read back as typed values.
/// Parsing (params.cpp) stores only normalised text, so reading never fails
/// except when a filter asks for a parameter its table does not fill.

#include "pixpool/filters.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace pixpool::filters {

const std::string* Values::find(std::string_view name) const {
    for (const auto& [key, text] : items_) {
        if (key == name) return &text;
    }
    return nullptr;
}

bool Values::has(std::string_view name) const { return find(name) != nullptr; }

namespace {
/// A filter reading a value it did not declare (or an optional one without
/// checking has()) is a programming error, not a user error.
const std::string& require(const std::string* text, std::string_view name) {
    if (!text) throw std::logic_error("filter parameter '" + std::string(name) + "' has no value");
    return *text;
}
}  // namespace

double Values::number(std::string_view name) const {
    const std::string& text = require(find(name), name);
    double value = 0;
    // from_chars is locale-independent: "2.5" reads the same under any LC_NUMERIC.
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        throw std::logic_error("filter parameter '" + std::string(name) + "' is not a number: " + text);
    return value;
}

int Values::integer(std::string_view name) const {
    return static_cast<int>(std::lround(number(name)));
}

bool Values::boolean(std::string_view name) const {
    return require(find(name), name) == "true";
}

const std::string& Values::choice(std::string_view name) const {
    return require(find(name), name);
}

void Values::set(std::string name, std::string text) {
    for (auto& item : items_) {
        if (item.first == name) {
            item.second = std::move(text);
            return;
        }
    }
    items_.emplace_back(std::move(name), std::move(text));
}

}  // namespace pixpool::filters

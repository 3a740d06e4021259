/// Spec parsing and validation: "NAME[:key=value[,key=value...]]" becomes a
/// Step whose Values hold every parameter in canonical text (numbers
/// normalised, booleans as true/false, defaults filled in). Every error names
/// the filter, the parameter and what would have been accepted.

#include "filter_kit.hpp"

#include <pixpool/did_you_mean.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace pixpool::filters {
namespace kit {

Param number(std::string name, std::string help, std::string default_value, double min, double max) {
    return Param{std::move(name), std::move(help), ParamType::Number, std::move(default_value), min, max, {}};
}

Param integer(std::string name, std::string help, std::string default_value, double min, double max) {
    return Param{std::move(name), std::move(help), ParamType::Integer, std::move(default_value), min, max, {}};
}

Param boolean(std::string name, std::string help, std::string default_value) {
    return Param{std::move(name), std::move(help), ParamType::Boolean, std::move(default_value), 0, 0, {}};
}

Param choice(std::string name, std::string help, std::string default_value,
             std::vector<std::string> choices) {
    return Param{std::move(name), std::move(help), ParamType::Choice, std::move(default_value), 0, 0,
                 std::move(choices)};
}

std::string format_number(double value) {
    if (value == 0) value = 0;  // no "-0"
    // Whole numbers as integers ("100000", not to_chars' shorter "1e+05").
    if (value == std::floor(value) && std::abs(value) < 1e15) return std::to_string(static_cast<long long>(value));
    // Plain decimals ("0.0001") read better than the shortest form ("1e-04")
    // unless they get long; both read back as the same double.
    char buffer[400];
    auto fixed = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    if (fixed.ec == std::errc() && fixed.ptr - buffer <= 12) return std::string(buffer, fixed.ptr);
    auto general = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, general.ptr);
}

[[noreturn]] void fail(const std::string& filter, const std::string& what) {
    throw FilterError(filter + ": " + what);
}

void require_odd(const std::string& filter, const Values& values, const char* name) {
    if (values.has(name) && values.integer(name) % 2 == 0)
        fail(filter, std::string(name) + " must be odd, got " + values.choice(name));
}

}  // namespace kit

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

/// What a parameter accepts, as shown in errors and in describe_filters().
std::string accepted(const Param& param) {
    auto range = "[" + kit::format_number(param.min) + ", " + kit::format_number(param.max) + "]";
    switch (param.type) {
        case ParamType::Integer: return "an integer in " + range;
        case ParamType::Number: return "a number in " + range;
        case ParamType::Boolean: return "true or false";
        case ParamType::Choice: return "one of " + join(param.choices);
    }
    return {};
}

/// Reads a finite number written in C locale form, with an optional '+'.
bool read_number(std::string_view text, double& value) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return false;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

/// Canonical text of `raw` for `param`, or an empty string if it is not accepted.
std::string canonical(const Param& param, std::string_view raw) {
    double value = 0;
    switch (param.type) {
        case ParamType::Integer:
            if (!read_number(raw, value) || value != std::floor(value)) return {};
            [[fallthrough]];
        case ParamType::Number:
            if (!read_number(raw, value) || value < param.min || value > param.max) return {};
            return kit::format_number(value);
        case ParamType::Boolean: {
            const std::string word = lower(raw);
            if (word == "true" || word == "yes" || word == "on" || word == "1") return "true";
            if (word == "false" || word == "no" || word == "off" || word == "0") return "false";
            return {};
        }
        case ParamType::Choice:
            for (const auto& option : param.choices)
                if (lower(raw) == lower(option)) return option;
            return {};
    }
    return {};
}

/// " (did you mean gaussian_blur?)" when some filter names are a few edits
/// from `name`, closest first; else every filter name, so the user can pick.
std::string suggestions(std::string_view name) {
    std::vector<std::string> names;
    for (const auto& filter : registry()) names.push_back(filter.name);
    const std::string near = did_you_mean(std::string(name), names);
    if (!near.empty()) return near;
    std::sort(names.begin(), names.end());
    return " (filters: " + join(names) + ")";
}

const Param* find_param(const Filter& filter, std::string_view name) {
    for (const auto& param : filter.params)
        if (param.name == name) return &param;
    return nullptr;
}

std::string param_names(const Filter& filter) {
    std::vector<std::string> names;
    for (const auto& param : filter.params) names.push_back(param.name);
    return names.empty() ? filter.name + " takes no parameters" : "parameters: " + join(names);
}

}  // namespace

Step make_step(std::string_view name, const std::vector<std::pair<std::string, std::string>>& args) {
    const Filter* filter = find(trim(name));
    if (!filter) throw FilterError("unknown filter '" + std::string(trim(name)) + "'" + suggestions(trim(name)));
    Values given;
    for (const auto& [raw_key, raw_value] : args) {
        const std::string key(trim(raw_key));
        const Param* param = find_param(*filter, key);
        if (!param) kit::fail(filter->name, "unknown parameter '" + key + "' (" + param_names(*filter) + ")");
        if (given.has(key)) kit::fail(filter->name, key + " is given twice");
        const std::string value = canonical(*param, trim(raw_value));
        if (value.empty())
            kit::fail(filter->name, key + " must be " + accepted(*param) + ", got '" + std::string(trim(raw_value)) + "'");
        given.set(key, value);
    }
    // Declaration order, defaults filled in: equal configurations give equal text.
    Step step;
    step.filter = filter;
    for (const auto& param : filter->params) {
        if (given.has(param.name)) step.values.set(param.name, given.choice(param.name));
        else if (!param.default_value.empty()) step.values.set(param.name, canonical(param, param.default_value));
    }
    if (filter->check) filter->check(filter->name, step.values);
    return step;
}

Step parse_step(std::string_view spec) {
    spec = trim(spec);
    const size_t colon = spec.find(':');
    const std::string_view name = spec.substr(0, colon);
    if (trim(name).empty()) throw FilterError("empty filter name in '" + std::string(spec) + "'");
    std::vector<std::pair<std::string, std::string>> args;
    std::string_view rest = colon == std::string_view::npos ? std::string_view() : spec.substr(colon + 1);
    while (!trim(rest).empty()) {
        const size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        const size_t equals = item.find('=');
        if (equals == std::string_view::npos)
            throw FilterError(std::string(trim(name)) + ": expected key=value, got '" + std::string(trim(item)) + "'");
        args.emplace_back(item.substr(0, equals), item.substr(equals + 1));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return make_step(name, args);
}

std::string describe_filter(const Filter& filter) {
    std::string out = filter.name + "\n    " + filter.help + "\n";
    for (const auto& param : filter.params) {
        out += "    " + param.name + ": " + accepted(param);
        out += param.default_value.empty() ? "; optional" : "; default " + param.default_value;
        out += "\n        " + param.help + "\n";
    }
    return out;
}

std::string describe_filters() {
    std::string out;
    for (const auto& filter : registry()) out += describe_filter(filter) + "\n";
    return out;
}

}  // namespace pixpool::filters

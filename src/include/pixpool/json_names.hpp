#pragma once
/// File names in JSON (the resume journal, --report): names are bytes on
/// POSIX, JSON strings are Unicode. A name that is valid UTF-8 is written as
/// it is. One that is not (bytes such as \xff\xfe from old archives and Samba
/// shares) is written twice: readable, with U+FFFD in place of each bad
/// byte, under its usual key, and exactly, as base64 of its bytes, under the
/// key + "_base64". A reader takes the base64 field when there is one.

#include <optional>
#include <string>
#include <string_view>

namespace pixpool {

/// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates).
bool is_utf8(std::string_view text);

/// `text` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD.
std::string utf8_or_replacement(std::string_view text);

/// RFC 4648 base64, with padding.
std::string to_base64(std::string_view bytes);

/// The bytes of RFC 4648 base64 text; nullopt when it is not base64.
std::optional<std::string> from_base64(std::string_view text);

}  // namespace pixpool

namespace pixpool {

/// Puts `name` into the JSON object `row` under `key` as described above
/// (any nlohmann::json type; templated so this header needs no JSON library).
template <class Json>
void put_name(Json& row, const std::string& key, const std::string& name) {
    if (is_utf8(name)) {
        row[key] = name;
        return;
    }
    row[key] = utf8_or_replacement(name);
    row[key + "_base64"] = to_base64(name);
}

/// The name put by put_name; nullopt when `row` holds none of the right type.
template <class Json>
std::optional<std::string> get_name(const Json& row, const std::string& key) {
    if (!row.is_object()) return std::nullopt;
    const auto exact = row.find(key + "_base64");
    if (exact != row.end()) {
        if (!exact->is_string()) return std::nullopt;
        return from_base64(exact->template get<std::string>());
    }
    const auto text = row.find(key);
    if (text == row.end() || !text->is_string()) return std::nullopt;
    return text->template get<std::string>();
}

}  // namespace pixpool

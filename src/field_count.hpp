#pragma once
/// How many fields an aggregate has, at compile time, so that a list of its
/// fields written out by hand (a JSON field list) can be checked against
/// the struct itself: C++17 has no reflection. The count is the largest N
/// for which `T{x1, ..., xN}` compiles, each x converting to any type.

#include <cstddef>
#include <type_traits>
#include <utility>

namespace pixpool::detail {

/// Converts to whatever the field it initialises is (never called).
struct AnyField {
    template <class T>
    constexpr operator T() const;
};

template <class T, class Indices, class = void>
struct BracesTake : std::false_type {};
template <class T, std::size_t... I>
struct BracesTake<T, std::index_sequence<I...>, std::void_t<decltype(T{(void(I), AnyField{})...})>>
    : std::true_type {};

template <class T, std::size_t N = 0>
constexpr std::size_t field_count() {
    static_assert(std::is_aggregate_v<T>, "field_count needs an aggregate");
    if constexpr (BracesTake<T, std::make_index_sequence<N + 1>>::value) {
        return field_count<T, N + 1>();
    } else {
        return N;
    }
}

/// The number of names in "a, b, c" (a macro's stringised argument list).
constexpr std::size_t count_names(const char* list) {
    std::size_t names = 1;
    for (; *list; ++list) names += *list == ',';
    return names;
}

}  // namespace pixpool::detail

/// Fuzzes the filter-spec parser ("NAME[:key=value,...]", what -f takes).
/// Contract: any text either parses or throws FilterError; a parsed step's
/// canonical text parses again to the same text (the resume journal compares
/// these texts, so a drifting canonical form would redo or skip wrongly).

#include <pixpool/filters.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace pf = pixpool::filters;
    const std::string spec(reinterpret_cast<const char*>(data), size);
    std::string text;
    try {
        text = pf::parse_step(spec).text();
    } catch (const pf::FilterError&) {
        return 0;  // refused with a message: what the CLI shows the user
    }
    const std::string again = pf::parse_step(text).text();  // must not throw
    if (again != text) {
        std::fprintf(stderr, "canonical text is not stable: '%s' -> '%s'\n", text.c_str(), again.c_str());
        std::abort();
    }
    return 0;
}

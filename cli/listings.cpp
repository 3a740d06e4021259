/// `pixpool filters [NAME]` and `pixpool formats`: the filter and format
/// tables as text, on stdout.

#include "commands.hpp"

#include <pixpool/did_you_mean.hpp>
#include <pixpool/filters.hpp>
#include <pixpool/formats.hpp>

#include <cstdio>
#include <iostream>

namespace pixpool::cli {

int filters_command(const std::string& name) {
    if (name.empty()) {
        std::cout << filters::describe_filters();
        return kOk;
    }
    const filters::Filter* filter = filters::find(name);
    if (!filter) {
        std::vector<std::string> names;
        for (const auto& known : filters::registry()) names.push_back(known.name);
        throw UsageError("unknown filter '" + name + "'" + did_you_mean(name, names) +
                         "; 'pixpool filters' lists them all");
    }
    std::cout << filters::describe_filter(*filter);
    return kOk;
}

int formats_command() {
    std::printf("%-13s %-18s %-6s %-6s %-7s %-6s %s\n", "format", "extensions", "read", "write", "16-bit", "alpha",
                "metadata");
    auto yes = [](bool value) { return value ? "yes" : "no"; };
    for (const Format& format : formats()) {
        std::string extensions;
        for (const auto& ext : format.extensions) extensions += (extensions.empty() ? "" : ",") + ext;
        std::printf("%-13s %-18s %-6s %-6s %-7s %-6s %s\n", format.name.c_str(), extensions.c_str(),
                    yes(format.readable), yes(format.writable), yes(format.sixteen_bit), yes(format.alpha),
                    format.metadata ? "ICC, EXIF, XMP" : "none");
    }
    std::printf("\nExtensions are matched in any case. --format takes any extension of a writable format.\n");
    return kOk;
}

}  // namespace pixpool::cli

/// `pixpool filters [NAME]` and `pixpool formats`: the filter and format
/// tables as text, on stdout.

#include "commands.hpp"

#include <pixpool/did_you_mean.hpp>
#include <pixpool/filters.hpp>
#include <pixpool/formats.hpp>

#include <algorithm>
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

namespace {

/// One row of `pixpool formats`, its columns as text.
std::vector<std::string> format_row(const Format& format) {
    auto yes = [](bool value) { return std::string(value ? "yes" : "no"); };
    std::string extensions;
    for (const auto& ext : format.extensions) extensions += (extensions.empty() ? "" : ",") + ext;
    return {format.name, extensions, yes(format.readable), yes(format.writable), yes(format.sixteen_bit),
            yes(format.alpha), format.metadata ? "ICC EXIF XMP" : "none"};
}

}  // namespace

int formats_command() {
    std::vector<std::vector<std::string>> rows = {{"format", "extensions", "read", "write", "16-bit", "alpha",
                                                   "metadata"}};
    for (const Format& format : formats()) rows.push_back(format_row(format));
    // Each column as wide as its widest cell, so no long list of aliases
    // (Netpbm's) pushes its row out of line.
    std::vector<std::size_t> widths(rows.front().size(), 0);
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        std::cout << line << "\n";
    }
    std::cout << "\n"
                 "Extensions match in any case.\n"
                 "write: --format takes any extension of the format (--format jpeg names outputs\n"
                 "  .jpeg). Without --format each output keeps its input's format, even one\n"
                 "  --format does not offer (a GIF becomes a PNG).\n"
                 "16-bit: 16 bits per channel are kept (else scaled to 8). alpha: an alpha\n"
                 "  channel is kept (else dropped, not blended).\n"
                 "metadata: what an output carries: the ICC profile always, EXIF (orientation\n"
                 "  reset) and XMP with --keep-metadata; none: the pixels only.\n";
    return kOk;
}

}  // namespace pixpool::cli

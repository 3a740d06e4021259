#include "preflight.hpp"

#include <pixpool/filters.hpp>
#include <pixpool/batch.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace pixpool::cli {

namespace {

bool has_subfolder(const fs::path& folder) {
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_directory(ec) && it->path().filename().string().rfind('.', 0) != 0) return true;
    }
    return false;
}

bool same_folder(const std::string& a, const std::string& b) {
    std::error_code ec;
    return !a.empty() && !b.empty() && fs::equivalent(a, b, ec);
}

/// Why `input` contributed no file.
std::string why_empty(const std::string& input, const BatchFlags& flags) {
    const BatchOptions& b = flags.batch;
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
        if (same_folder(input, b.out_dir)) {
            return "the output folder " + b.out_dir + " is the input folder (its files are never read back): "
                   "choose another -o, or --in-place";
        }
        if (!b.input.recursive && has_subfolder(input)) {
            return input + " holds no images itself, only subfolders: add -r to descend into them";
        }
        if (!b.input.extensions.empty()) return input + " holds no files with the extensions given by --ext";
        return input + " holds no image files (see 'pixpool formats')";
    }
    if (input.find_first_of("*?[") != std::string::npos) {
        return "the pattern '" + input + "' matched no image file";
    }
    return input + " gave no file";
}

}  // namespace

std::string no_inputs_message(const BatchFlags& flags) {
    const InputOptions& in = flags.batch.input;
    std::string why;
    for (const std::string& input : in.paths) why += (why.empty() ? "" : "; ") + why_empty(input, flags);
    if (!in.files_from.empty()) {
        why += (why.empty() ? "" : "; ") + std::string("--files-from ") + in.files_from + " listed no path";
    }
    return "no inputs: " + why;
}

void check_no_filter_as_input(const BatchFlags& flags) {
    for (const std::string& input : flags.batch.input.paths) {
        std::error_code ec;
        if (input == "-" || fs::exists(fs::symlink_status(input, ec))) continue;
        if (!filters::find(input.substr(0, input.find(':')))) continue;
        throw UsageError("input '" + input + "' does not exist but is a filter: each -f takes one filter, so "
                         "chain them as -f A -f " + input);
    }
}

void check_output_folder_writable(const std::string& out_dir) {
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    if (ec) throw UsageError("cannot create the output folder " + out_dir + ": " + ec.message());
    std::string probe = (fs::path(out_dir) / ".pixpool-write-test-XXXXXX").string();
    const int fd = ::mkstemp(probe.data());
    if (fd < 0) {
        throw UsageError("cannot write in the output folder " + out_dir + ": " + std::strerror(errno));
    }
    ::close(fd);
    ::unlink(probe.c_str());
}

}  // namespace pixpool::cli

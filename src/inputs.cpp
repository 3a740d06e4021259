/// Expanding what the user named into the list of input files: folders,
/// globs and path lists, de-duplicated and sorted.

#include "inputs.hpp"

#include "detail.hpp"
#include "working_folder.hpp"

#include <pixpool/formats.hpp>

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace pixpool {

namespace {

bool is_hidden(const fs::path& path) {
    const std::string name = path.filename().string();
    return !name.empty() && name.front() == '.';
}

bool has_wildcard(const std::string& text) { return text.find_first_of("*?[") != std::string::npos; }

/// The key under which two spellings of one path ("a/../b.jpg", "./b.jpg") are the same.
std::string identity_of(const fs::path& path) { return detail::absolute_key(path).string(); }

/// Walks folders and globs, collecting files. Hidden entries are skipped
/// (editor and OS debris, version control, our own temporary files), and so
/// are excluded folders (an output folder inside an input folder).
class Walker {
public:
    Walker(const InputOptions& options, std::vector<InputFile>& found, std::vector<InputFile>* unsupported)
        : options_(options), found_(found), unsupported_(unsupported) {
        for (const auto& dir : options.exclude) excluded_.insert(identity_of(dir));
    }

    /// Every wanted file under `root`; `match` (glob segments below root)
    /// filters relative paths when not empty.
    void walk(const fs::path& root, bool recursive, const std::vector<std::string>& match = {}) {
        if (excluded_.count(identity_of(root))) return;
        std::error_code ec;
        auto options = fs::directory_options::skip_permission_denied;
        fs::recursive_directory_iterator it(root, options, ec), end;
        if (ec) throw ImageError(root.string() + ": cannot list folder: " + ec.message());
        for (; it != end; it.increment(ec)) {
            if (ec) break;
            const fs::path& path = it->path();
            bool folder = it->is_directory(ec);
            if (is_hidden(path) || (folder && excluded_.count(identity_of(path)))) {
                if (folder) it.disable_recursion_pending();
                continue;
            }
            fs::path relative = path.lexically_relative(root);
            if (folder && !recursive) it.disable_recursion_pending();
            if (folder && (recursive || !has_image_extension(path.string(), options_.extensions))) continue;
            if (!match.empty() && !matches(match, relative)) continue;
            // The entry's type comes with the listing (d_type): no system call per file.
            InputFile file{path.string(), relative.parent_path().string(), it->is_symlink(ec)};
            if (has_image_extension(file.path, options_.extensions)) {
                found_.push_back(std::move(file));
            } else if (unsupported_ && options_.extensions.empty()) {
                unsupported_->push_back(std::move(file));
            }
        }
    }

private:
    /// Glob segments against path segments; "**" matches any number of folders.
    static bool matches(const std::vector<std::string>& pattern, const fs::path& relative) {
        std::vector<std::string> parts;
        for (const auto& part : relative) parts.push_back(part.string());
        return match_from(pattern, 0, parts, 0);
    }
    static bool match_from(const std::vector<std::string>& pattern, std::size_t p, const std::vector<std::string>& parts,
                           std::size_t i) {
        if (p == pattern.size()) return i == parts.size();
        if (pattern[p] == "**") {
            for (std::size_t skip = i; skip <= parts.size(); ++skip) {
                if (match_from(pattern, p + 1, parts, skip)) return true;
            }
            return false;
        }
        return i < parts.size() && ::fnmatch(pattern[p].c_str(), parts[i].c_str(), FNM_PERIOD) == 0 &&
               match_from(pattern, p + 1, parts, i + 1);
    }

    const InputOptions& options_;
    std::vector<InputFile>& found_;
    std::vector<InputFile>* unsupported_;
    std::set<std::string> excluded_;
};

/// 'photos/**/*.jpg' -> walk photos/ matching {"**", "*.jpg"}.
void expand_glob(const std::string& pattern, Walker& walker) {
    fs::path base;
    std::vector<std::string> rest;
    for (const auto& part : fs::path(pattern)) {
        if (rest.empty() && !has_wildcard(part.string())) {
            base /= part;
        } else {
            rest.push_back(part.string());
        }
    }
    std::error_code ec;
    if (base.empty()) base = ".";
    if (fs::is_directory(base, ec)) walker.walk(base, /*recursive=*/true, rest);
}

std::vector<std::string> read_path_list(const std::string& source, bool null_separated) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (source != "-") {
        file.open(source, std::ios::binary);
        if (!file) throw std::runtime_error("cannot read the list of files " + source);
        in = &file;
    }
    std::vector<std::string> paths;
    std::string entry;
    while (std::getline(*in, entry, null_separated ? '\0' : '\n')) {
        if (!null_separated && !entry.empty() && entry.back() == '\r') entry.pop_back();
        if (!entry.empty()) paths.push_back(entry);
    }
    return paths;
}

}  // namespace

bool has_image_extension(const std::string& path, const std::vector<std::string>& extensions) {
    const std::string ext = detail::lower_extension(path);
    if (extensions.empty()) return format_of_path(path) != nullptr;
    return std::any_of(extensions.begin(), extensions.end(), [&](std::string wanted) {
        if (!wanted.empty() && wanted.front() == '.') wanted.erase(0, 1);
        return detail::lower_extension("x." + wanted) == ext;
    });
}

std::string unsupported_reason(const std::string& path) {
    const std::string ext = fs::path(path).extension().string();
    return ext.empty() || ext == "." ? "unsupported format (no extension)" : "unsupported format " + ext;
}

namespace {

/// Sorted by path, each file once (by identity: two spellings of one file are one input).
std::vector<InputFile> sorted_unique(std::vector<InputFile> found) {
    std::sort(found.begin(), found.end(), [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
    std::set<std::string> seen;
    std::vector<InputFile> unique;
    for (InputFile& file : found) {
        if (seen.insert(identity_of(file.path)).second) unique.push_back(std::move(file));
    }
    return unique;
}

}  // namespace

std::vector<InputFile> collect_inputs(const InputOptions& options, std::vector<InputFile>* unsupported) {
    const detail::WorkingFolder working_folder;  // one getcwd() for the walk, not one per file
    std::vector<InputFile> found, others;
    Walker walker(options, found, unsupported ? &others : nullptr);
    std::vector<std::string> named = options.paths;
    if (!options.files_from.empty()) {
        for (auto& path : read_path_list(options.files_from, options.null_separated)) named.push_back(std::move(path));
    }
    for (const std::string& input : named) {
        std::error_code ec;
        if (fs::is_directory(input, ec)) {
            walker.walk(input, options.recursive);
        } else if (has_wildcard(input) && !fs::exists(fs::symlink_status(input, ec))) {
            expand_glob(input, walker);
        } else {
            found.push_back({input, "", fs::is_symlink(input, ec)});  // a file, or missing: its task says what is wrong
        }
    }
    if (unsupported) *unsupported = sorted_unique(std::move(others));
    return sorted_unique(std::move(found));
}

}  // namespace pixpool

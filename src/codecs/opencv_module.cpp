/// Finding and loading pixpool-opencv-codecs.so (see opencv_module.hpp).

#include "opencv_module.hpp"

#include <pixpool/image_job.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace pixpool::detail {
namespace {

struct Loaded {
    const OpenCvCodecs* codecs = nullptr;
    std::string why_not;  ///< when codecs is null
};

/// dlopen's reason, or what else is wrong with the module at `where`.
const OpenCvCodecs* open_module(const std::string& where, std::string& why_not) {
    void* handle = ::dlopen(where.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* reason = ::dlerror();
        why_not = reason ? reason : where + ": cannot be opened";
        return nullptr;
    }
    using Entry = const OpenCvCodecs* (*)();
    auto entry = reinterpret_cast<Entry>(::dlsym(handle, kOpenCvModuleEntry));
    const OpenCvCodecs* codecs = entry ? entry() : nullptr;
    if (!codecs) {
        why_not = where + " has no " + kOpenCvModuleEntry;
    } else if (std::strcmp(codecs->abi, PIXPOOL_MODULE_ABI) != 0) {
        why_not = where + " was built with another OpenCV, compiler or pixpool (its ABI " + codecs->abi +
                  ", this one " + PIXPOOL_MODULE_ABI + ")";
        codecs = nullptr;
    }
    if (!codecs) ::dlclose(handle);
    return codecs;
}

/// True when `path` lies inside `folder`.
bool inside(const std::filesystem::path& path, const std::filesystem::path& folder) {
    const auto [end, _] = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
    return end == folder.end();
}

/// Where to look, in order (see opencv_module.hpp), each folder once.
std::vector<std::string> candidate_folders() {
    if (const char* dir = std::getenv("PIXPOOL_MODULE_DIR"); dir && *dir) return {dir};
    std::vector<std::filesystem::path> folders{PIXPOOL_MODULE_INSTALL_DIR};
    std::error_code ec;
    const std::filesystem::path program = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        // pixpool-video lives in <libexecdir>/pixpool, pixpool in <bindir>.
        const std::filesystem::path beside = program.parent_path();
        const std::string libexec = std::string("/") + PIXPOOL_LIBEXEC_SUFFIX;
        const std::string folder = beside.string();
        const bool in_libexec = folder.size() >= libexec.size() &&
                                folder.compare(folder.size() - libexec.size(), libexec.size(), libexec) == 0;
        folders.push_back(beside / (in_libexec ? PIXPOOL_MODULE_FROM_LIBEXECDIR : PIXPOOL_MODULE_FROM_BINDIR));
        // The build tree's module, only for the programs built there.
        if (inside(program.lexically_normal(), PIXPOOL_BUILD_TREE)) folders.push_back(PIXPOOL_MODULE_BUILD_DIR);
    }
    std::vector<std::string> unique;
    for (const auto& folder : folders) {
        const std::string name = folder.lexically_normal().string();
        if (std::find(unique.begin(), unique.end(), name) == unique.end()) unique.push_back(name);
    }
    return unique;
}

Loaded load() {
    Loaded loaded;
    std::string missing, refused;
    for (const std::string& folder : candidate_folders()) {
        const std::string where = folder + "/" + kOpenCvModuleFile;
        std::error_code ec;
        if (!std::filesystem::exists(where, ec)) {
            missing += (missing.empty() ? "" : ", ") + folder;
            continue;
        }
        std::string why_not;
        loaded.codecs = open_module(where, why_not);
        if (loaded.codecs) return loaded;
        refused += (refused.empty() ? "" : "; ") + why_not;
    }
    loaded.why_not = refused.empty() ? "not found in " + missing + " (PIXPOOL_MODULE_DIR names its folder)" : refused;
    // Its hundred libraries map memory, which a worker's --max-memory counts.
    rlimit data{};
    if (!refused.empty() && ::getrlimit(RLIMIT_DATA, &data) == 0 && data.rlim_cur != RLIM_INFINITY)
        loaded.why_not += " (this process may map at most " + std::to_string(data.rlim_cur >> 20) +
                          " MB, --max-memory; loading the module needs more)";
    return loaded;
}

}  // namespace

const OpenCvCodecs& opencv_codecs(const std::string& path, const char* doing) {
    static const Loaded loaded = load();  // a pool worker is single-threaded; a host's threads are safe too
    if (!loaded.codecs)
        throw ImageError(path + ": cannot " + doing + ": OpenCV's codecs (" + kOpenCvModuleFile +
                         ") cannot be loaded: " + loaded.why_not);
    return *loaded.codecs;
}

}  // namespace pixpool::detail

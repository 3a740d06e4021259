/// Finding and loading pixpool-opencv-codecs.so (see opencv_module.hpp).

#include "opencv_module.hpp"

#include <pixpool/image_job.hpp>

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>
#include <string>
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
    } else if (std::strcmp(codecs->version, PIXPOOL_VERSION) != 0) {
        why_not = where + " is from pixpool " + codecs->version + ", this is " + PIXPOOL_VERSION;
        codecs = nullptr;
    }
    if (!codecs) ::dlclose(handle);
    return codecs;
}

/// Where to look, in order (see opencv_module.hpp).
std::vector<std::string> candidate_folders() {
    if (const char* dir = std::getenv("PIXPOOL_MODULE_DIR"); dir && *dir) return {dir};
    std::vector<std::string> folders;
    std::error_code ec;
    const std::filesystem::path program = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (const char* relative : {PIXPOOL_MODULE_FROM_BINDIR, PIXPOOL_MODULE_FROM_LIBEXECDIR})
            folders.push_back((program.parent_path() / relative).lexically_normal().string());
    }
    folders.push_back(PIXPOOL_MODULE_INSTALL_DIR);
    folders.push_back(PIXPOOL_MODULE_BUILD_DIR);
    return folders;
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

#include "working_folder.hpp"

namespace fs = std::filesystem;

namespace pixpool::detail {
namespace {

/// This thread's batch's working folder, or null outside a batch. Per thread:
/// a threaded host may run two batches at once.
thread_local const fs::path* t_folder = nullptr;

}  // namespace

WorkingFolder::WorkingFolder() : outer_(t_folder) {
    std::error_code ec;
    folder_ = fs::current_path(ec);
    if (!ec) t_folder = &folder_;
}

WorkingFolder::~WorkingFolder() { t_folder = outer_; }

fs::path absolute_key(const fs::path& path) {
    if (path.is_absolute()) return path.lexically_normal();
    if (t_folder) return (*t_folder / path).lexically_normal();
    std::error_code ec;
    const fs::path absolute = fs::absolute(path, ec);
    return (ec ? path : absolute).lexically_normal();
}

}  // namespace pixpool::detail

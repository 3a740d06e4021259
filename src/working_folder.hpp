#pragma once
/// Absolute paths without a getcwd() per path. The master turns every input
/// and output into an absolute, normalised key (to tell two spellings of one
/// file apart, to keep outputs inside -o, for the journal), several times per
/// file; std::filesystem::absolute asks the kernel for the working folder each
/// time. A batch reads it once: while a WorkingFolder lives, absolute_key()
/// on the same thread uses that one answer.

#include <filesystem>
#include <string>

namespace pixpool::detail {

/// Reads the working folder once, for this thread, for as long as it lives
/// (a batch: the master is single-threaded and never changes folder).
class WorkingFolder {
public:
    WorkingFolder();
    ~WorkingFolder();
    WorkingFolder(const WorkingFolder&) = delete;
    WorkingFolder& operator=(const WorkingFolder&) = delete;

private:
    std::filesystem::path folder_;
    const std::filesystem::path* outer_;
};

/// `path` made absolute against the working folder and lexically normalised
/// ("a/../b.jpg" and "./b.jpg" give one key). Symlinks are not resolved.
std::filesystem::path absolute_key(const std::filesystem::path& path);

}  // namespace pixpool::detail

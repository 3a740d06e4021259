#pragma once
/// Which files a batch reads (private: the batch plans with it).
///
/// Inputs are files, folders (their image files; `recursive` descends),
/// quoted glob patterns expanded by pixpool itself ('photos/**/*.jpg'), and
/// lists of paths read from a file or stdin (`find -print0` style with
/// `null_separated`). The result is de-duplicated and sorted, so a batch is
/// the same whatever order the shell or `find` produced.

#include <pixpool/batch.hpp>

#include <string>
#include <vector>

namespace pixpool {

/// One input file, and where it sits below the folder or glob it came from,
/// so that an input tree can be mirrored under the output folder.
struct InputFile {
    std::string path;          ///< as the user spelled it, joined with the names found
    std::string relative_dir;  ///< "" for files named directly; "a/b" for photos/a/b/x.jpg found in photos/
    bool symlink = false;      ///< the name is a symlink (the planner then resolves it to check it is no output)

    bool operator==(const InputFile& other) const { return path == other.path && relative_dir == other.relative_dir; }
};

/// Expands the inputs. Folder and glob entries that are not regular files but
/// carry an image extension (a dangling symlink, a symlink loop, a folder
/// named x.jpg when not recursing) are kept, so their task reports the
/// problem per file. Other files found in folders and globs are of formats
/// pixpool does not read: they go to `unsupported` (when given) so the batch
/// can say it skipped them, unless `extensions` chose the files (then the
/// rest were left out on purpose). Throws std::runtime_error for a
/// files_from list that cannot be read.
std::vector<InputFile> collect_inputs(const InputOptions& options, std::vector<InputFile>* unsupported = nullptr);

/// "unsupported format .xyz" (or "unsupported format (no extension)"): why a
/// file in `unsupported` was not read.
std::string unsupported_reason(const std::string& path);

/// True when a file named `path` is an image type pixpool reads (or, with a
/// non-empty `extensions`, one of those), case-insensitive.
bool has_image_extension(const std::string& path, const std::vector<std::string>& extensions = {});

}  // namespace pixpool

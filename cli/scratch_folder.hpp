#pragma once
/// A fresh temporary folder, removed with everything in it when done: for
/// bench's outputs, an image read from stdin, one written to stdout.

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace pixpool::cli {

class ScratchFolder {
public:
    ScratchFolder() {
        namespace fs = std::filesystem;
        std::string templ = (fs::temp_directory_path() / "pixpool-XXXXXX").string();
        if (!::mkdtemp(templ.data())) {
            throw std::runtime_error("cannot create a temporary folder in " + fs::temp_directory_path().string());
        }
        path_ = templ;
    }
    ~ScratchFolder() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace pixpool::cli

#pragma once
/// Test helpers: a fresh temporary folder per test, removed afterwards,
/// small file utilities and a way to check an exception's exact message.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace pixpool::test_util {

namespace fs = std::filesystem;

/// mkdtemp under the system temp folder, so parallel tests never share files.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "pixpool-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const fs::path& path() const { return path_; }
    /// `name` inside the folder, as a string for the pixpool API.
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

inline std::string sample(const std::string& name) {
    return std::string(PIXPOOL_SOURCE_DIR) + "/sample_images/" + name;
}

inline std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

/// Names in `dir` (not recursive) that contain `part`.
inline std::vector<std::string> names_containing(const fs::path& dir, const std::string& part) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (name.find(part) != std::string::npos) names.push_back(name);
    }
    return names;
}

/// The message of the `Error` that `run` throws; fails the test if none.
template <typename Error, typename Run>
std::string error_of(Run run) {
    try {
        run();
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "nothing thrown";
    return "";
}

}  // namespace pixpool::test_util

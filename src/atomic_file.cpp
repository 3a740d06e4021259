#include "atomic_file.hpp"

#include "detail.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace pixpool::detail {
namespace {

std::string folder_of(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    return parent.empty() ? "." : parent.string();
}

/// A fresh short name in `folder` for this process.
std::string temporary_name(const std::string& folder) {
    static std::mt19937 random(std::random_device{}());
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(random()));
    return (fs::path(folder) / (temporary_prefix(::getpid()) + suffix)).string();
}

/// Links the open unnamed file `fd` in as `name`. Returns 0 or an errno.
int link_unnamed(int fd, const std::string& name) {
    const std::string self = "/proc/self/fd/" + std::to_string(fd);
    return ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0 ? 0 : errno;
}

/// Closes `fd`, keeping a delayed write error (NFS, full disk) as the result.
int close_keeping_error(int fd, int err) { return ::close(fd) != 0 && err == 0 ? errno : err; }

/// The O_TMPFILE way. Returns 0, an errno, or -1 when the filesystem (or
/// /proc) does not allow it, so the caller takes the other way.
int write_unnamed(const std::string& path, const void* data, std::size_t size) {
    const int fd = ::open(folder_of(path).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);  // 0666 minus umask
    if (fd < 0) return errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL ? -1 : errno;
    int err = write_all(fd, data, size);
    if (err == 0) err = link_unnamed(fd, path);
    if (err == EEXIST) {  // replacing an output: link under a short name, then rename over it
        std::string temp;
        do err = link_unnamed(fd, temp = temporary_name(folder_of(path)));
        while (err == EEXIST);
        if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) {
            err = errno;
            ::unlink(temp.c_str());
        }
    }
    if (err == ENOENT && !fs::exists("/proc/self/fd")) err = -1;  // no /proc to link through
    return close_keeping_error(fd, err);
}

/// The other way: a short named temporary, then a rename.
int write_named(const std::string& path, const void* data, std::size_t size) {
    std::string temp = (fs::path(folder_of(path)) / (temporary_prefix(::getpid()) + "XXXXXX")).string();
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) return errno;
    int err = write_all(fd, data, size);
    // mkstemp makes 0600; an output gets the usual 0666 minus umask (reading
    // the umask sets it; a worker is single-threaded).
    const mode_t mask = ::umask(0);
    ::umask(mask);
    if (err == 0 && ::fchmod(fd, 0666 & ~mask) != 0) err = errno;
    err = close_keeping_error(fd, err);
    if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) err = errno;
    if (err != 0) ::unlink(temp.c_str());
    return err;
}

/// The pid in a temporary's name ("...pixpool-tmp-4711-..."), or 0.
pid_t writer_of(const std::string& name) {
    const std::string marker = "pixpool-tmp-";
    const std::size_t at = name.find(marker);
    if (at == std::string::npos) return 0;
    char* end = nullptr;
    const long pid = std::strtol(name.c_str() + at + marker.size(), &end, 10);
    return pid > 0 && end && *end == '-' ? static_cast<pid_t>(pid) : 0;
}

}  // namespace

int write_file_atomically(const std::string& path, const void* data, std::size_t size) {
    const int err = write_unnamed(path, data, size);
    return err == -1 ? write_named(path, data, size) : err;
}

std::string temporary_prefix(pid_t pid) { return ".pixpool-tmp-" + std::to_string(pid) + "-"; }

void remove_temporaries_of(const std::string& folder, pid_t pid) {
    if (pid <= 0) return;
    const std::string prefix = temporary_prefix(pid);
    std::error_code ec;
    for (fs::directory_iterator it(folder.empty() ? "." : folder, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().filename().string().rfind(prefix, 0) == 0) fs::remove(it->path(), ec);
    }
}

void remove_stale_temporaries(const std::string& folder) {
    std::error_code ec;
    for (fs::directory_iterator it(folder.empty() ? "." : folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.empty() || name.front() != '.') continue;
        const pid_t pid = writer_of(name);
        if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) fs::remove(it->path(), ec);
    }
}

}  // namespace pixpool::detail

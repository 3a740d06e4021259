#include "input_file.hpp"

#include "detail.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pixpool::detail {
namespace {

/// Closes the descriptor on every path out of read_input_file.
struct Descriptor {
    int fd;
    ~Descriptor() {
        if (fd >= 0) ::close(fd);
    }
};

std::int64_t nanoseconds(const timespec& t) { return std::int64_t(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

FileIdentity identity_from(const struct stat& info) {
    return {static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino),
            static_cast<std::uint64_t>(info.st_size), nanoseconds(info.st_mtim), nanoseconds(info.st_ctim)};
}

/// What a non-regular file is, in the user's words.
const char* kind_of(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a file";
}

/// Reads the `size` bytes fstat gave: the file the identity describes. One
/// that shrinks while read ends where it ends; one that grows is read up to
/// that size (no extra read() to look for an end that usually is there).
/// Returns 0 or an errno.
int read_all(int fd, std::size_t size, std::vector<unsigned char>& bytes) {
    bytes.resize(size);
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    return 0;
}

}  // namespace

InputBytes read_input_file(const std::string& path) {
    Descriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
    if (file.fd < 0) throw errno_error(path, "cannot read", errno);
    struct stat info {};
    if (::fstat(file.fd, &info) != 0) throw errno_error(path, "cannot read", errno);
    if (S_ISDIR(info.st_mode)) throw ImageError(path + ": is a directory");
    if (!S_ISREG(info.st_mode)) throw ImageError(path + ": not a regular file: " + kind_of(info.st_mode));
    if (info.st_size == 0) throw ImageError(path + ": cannot decode: the file is empty");

    InputBytes input;
    input.path = path;
    input.identity = identity_from(info);
    if (const int err = read_all(file.fd, static_cast<std::size_t>(info.st_size), input.bytes))
        throw errno_error(path, "cannot read", err);
    if (input.bytes.empty()) throw ImageError(path + ": cannot decode: the file is empty");
    return input;
}

bool identity_of_path(const std::string& path, FileIdentity& identity) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return false;
    identity = identity_from(info);
    return true;
}

}  // namespace pixpool::detail

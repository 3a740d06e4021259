#include "worker_stderr.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <pixpool/pool.hpp>

namespace pixpool::detail {

namespace {

/// A line that never ends (a worker writing without newlines) is handed on
/// in pieces of this size, so it cannot grow the master's memory.
constexpr std::size_t kLongestLine = 64 * 1024;

}  // namespace

WorkerStderr::WorkerStderr(std::function<void(const std::string&)> on_line) : on_line_(std::move(on_line)) {
    if (!on_line_) return;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw PoolError(std::string("pool: cannot create the workers' stderr pipe: ") + std::strerror(errno));
    }
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    read_end_ = fds[0];
    write_end_ = fds[1];
}

WorkerStderr::~WorkerStderr() {
    if (read_end_ >= 0) ::close(read_end_);
    if (write_end_ >= 0) ::close(write_end_);
}

void WorkerStderr::drain() {
    if (read_end_ < 0) return;
    char buffer[8192];
    ssize_t n;
    while ((n = ::read(read_end_, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
        if (n > 0) partial_.append(buffer, static_cast<std::size_t>(n));
    }
    std::size_t from = 0;
    for (std::size_t end; (end = partial_.find('\n', from)) != std::string::npos; from = end + 1) {
        on_line_(partial_.substr(from, end - from));
    }
    partial_.erase(0, from);
    while (partial_.size() >= kLongestLine) {
        on_line_(partial_.substr(0, kLongestLine));
        partial_.erase(0, kLongestLine);
    }
}

void WorkerStderr::flush() {
    drain();
    if (partial_.empty()) return;
    std::string last;
    last.swap(partial_);
    on_line_(last);
}

}  // namespace pixpool::detail

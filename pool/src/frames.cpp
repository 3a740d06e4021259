#include "frames.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pixpool::detail {

namespace {

bool wait_writable(int fd) {
    pollfd p{fd, POLLOUT, 0};
    while (true) {
        int n = ::poll(&p, 1, -1);
        if (n > 0) return (p.revents & (POLLERR | POLLNVAL)) == 0;
        if (n < 0 && errno != EINTR) return false;
    }
}

bool read_exact(int fd, char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::read(fd, data, size);
        if (n > 0) {
            data += n;
            size -= static_cast<std::size_t>(n);
        } else if (n == 0 || errno != EINTR) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool send_frame(int fd, const std::string& bytes) {
    if (bytes.size() > kMaxFrameBytes) return false;
    auto length = static_cast<std::uint32_t>(bytes.size());
    std::size_t total = sizeof length + bytes.size();
    std::size_t sent = 0;
    while (sent < total) {
        iovec parts[2];
        int count = 0;
        if (sent < sizeof length) {
            parts[count++] = {reinterpret_cast<char*>(&length) + sent, sizeof length - sent};
            parts[count++] = {const_cast<char*>(bytes.data()), bytes.size()};
        } else {
            parts[count++] = {const_cast<char*>(bytes.data()) + (sent - sizeof length),
                              total - sent};
        }
        msghdr message{};
        message.msg_iov = parts;
        message.msg_iovlen = static_cast<std::size_t>(count);
        ssize_t n = ::sendmsg(fd, &message, MSG_NOSIGNAL);
        if (n >= 0) {
            sent += static_cast<std::size_t>(n);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!wait_writable(fd)) return false;
        } else if (errno != EINTR) {
            return false;
        }
    }
    return true;
}

std::optional<std::string> receive_frame(int fd) {
    std::uint32_t length = 0;
    if (!read_exact(fd, reinterpret_cast<char*>(&length), sizeof length)) return std::nullopt;
    if (length > kMaxFrameBytes) return std::nullopt;
    std::string bytes(length, '\0');
    if (!read_exact(fd, bytes.data(), length)) return std::nullopt;
    return bytes;
}

FrameReader::Fill FrameReader::fill(int fd) {
    char chunk[64 * 1024];
    bool progressed = false;
    while (true) {
        ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n > 0) {
            buffer_.append(chunk, static_cast<std::size_t>(n));
            progressed = true;
            if (static_cast<std::size_t>(n) < sizeof chunk) return Fill::Progress;
        } else if (n == 0) {
            return Fill::Closed;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return progressed ? Fill::Progress : Fill::WouldBlock;
        } else {
            return Fill::Closed;
        }
    }
}

std::optional<std::string> FrameReader::next() {
    std::uint32_t length = 0;
    if (buffer_.size() < sizeof length) return std::nullopt;
    std::memcpy(&length, buffer_.data(), sizeof length);
    if (buffer_.size() < sizeof length + length) return std::nullopt;
    std::string frame = buffer_.substr(sizeof length, length);
    buffer_.erase(0, sizeof length + length);
    return frame;
}

void put_u64(std::string& out, std::uint64_t value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

std::uint64_t get_u64(const std::string& in, std::size_t offset) {
    std::uint64_t value = 0;
    if (in.size() >= offset + sizeof value) std::memcpy(&value, in.data() + offset, sizeof value);
    return value;
}

}  // namespace pixpool::detail

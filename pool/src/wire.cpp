#include "wire.hpp"

#include <pixpool/pool.hpp>

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace pixpool::detail {

namespace {

void write_header(char* out, std::uint64_t length, Kind kind, std::uint64_t id, std::uint64_t next) {
    std::memcpy(out, &length, 8);
    out[8] = static_cast<char>(kind);
    std::memcpy(out + 9, &id, 8);
    std::memcpy(out + 17, &next, 8);
}

}  // namespace

void Outbox::push(Kind kind, std::uint64_t id, std::shared_ptr<const std::string> body, std::uint64_t next) {
    Outgoing& out = queue_.emplace_back();
    write_header(out.header, body ? body->size() : 0, kind, id, next);
    out.body = std::move(body);
}

Outbox::Flush Outbox::flush(int fd) {
    while (!queue_.empty()) {
        Outgoing& out = queue_.front();
        std::size_t body_size = out.body ? out.body->size() : 0;
        iovec parts[2];
        int count = 0;
        if (out.sent < kHeaderBytes) parts[count++] = {out.header + out.sent, kHeaderBytes - out.sent};
        std::size_t body_sent = out.sent > kHeaderBytes ? out.sent - kHeaderBytes : 0;
        if (body_size > body_sent) {
            parts[count++] = {const_cast<char*>(out.body->data()) + body_sent, body_size - body_sent};
        }
        msghdr message{};
        message.msg_iov = parts;
        message.msg_iovlen = static_cast<std::size_t>(count);
        ssize_t n = ::sendmsg(fd, &message, MSG_NOSIGNAL);  // MSG_NOSIGNAL: a dead peer is EPIPE, not SIGPIPE
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return Flush::Pending;
            return Flush::Broken;
        }
        out.sent += static_cast<std::size_t>(n);
        if (out.sent == kHeaderBytes + body_size) queue_.pop_front();
    }
    return Flush::Done;
}

Inbox::Read Inbox::read_once(int fd) {
    while (true) {
        ssize_t n;
        std::size_t asked;
        if (in_body_ && begin_ == end_ && current_.body.size() - body_got_ >= staging_.size()) {
            // A big body goes straight where it belongs, with no staging copy.
            asked = current_.body.size() - body_got_;
            n = ::read(fd, current_.body.data() + body_got_, asked);
            if (n > 0) body_got_ += static_cast<std::size_t>(n);
        } else {
            if (begin_ == end_) begin_ = end_ = 0;
            if (end_ == staging_.size()) {  // move the unparsed tail to the front
                std::memmove(staging_.data(), staging_.data() + begin_, end_ - begin_);
                end_ -= begin_;
                begin_ = 0;
            }
            asked = staging_.size() - end_;
            n = ::read(fd, staging_.data() + end_, asked);
            if (n > 0) end_ += static_cast<std::size_t>(n);
        }
        if (n > 0 && !parse()) return Read::Closed;
        if (n > 0) return static_cast<std::size_t>(n) < asked ? Read::Emptied : Read::Some;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Read::Nothing;
        return Read::Closed;  // EOF or ECONNRESET: everything sent before is already read
    }
}

bool Inbox::parse() {
    while (true) {
        if (in_body_) {
            std::size_t take = std::min(end_ - begin_, current_.body.size() - body_got_);
            std::memcpy(current_.body.data() + body_got_, staging_.data() + begin_, take);
            begin_ += take;
            body_got_ += take;
            if (body_got_ < current_.body.size()) return true;
            complete_.push_back(std::move(current_));
            current_ = Message{};
            in_body_ = false;
        }
        if (end_ - begin_ < kHeaderBytes) return true;
        std::uint64_t length = 0;
        std::memcpy(&length, staging_.data() + begin_, 8);
        if (length > kMaxMessageBytes + 4096) return false;  // not one of ours: treat the peer as gone
        current_.kind = static_cast<Kind>(staging_[begin_ + 8]);
        std::memcpy(&current_.id, staging_.data() + begin_ + 9, 8);
        std::memcpy(&current_.next, staging_.data() + begin_ + 17, 8);
        current_.body.resize(static_cast<std::size_t>(length));
        body_got_ = 0;
        in_body_ = true;
        begin_ += kHeaderBytes;
    }
}

bool Inbox::pop(Message& out) {
    if (complete_.empty()) return false;
    out = std::move(complete_.front());
    complete_.pop_front();
    return true;
}

void Inbox::take_arrived(int fd) {
    if (in_body_ && begin_ == end_) return;  // a big body is read when the worker waits for it
    if (begin_ == end_) begin_ = end_ = 0;
    if (end_ == staging_.size()) return;
    ssize_t n = ::recv(fd, staging_.data() + end_, staging_.size() - end_, MSG_DONTWAIT);
    if (n > 0) {
        end_ += static_cast<std::size_t>(n);
        parse();
    }
}

bool send_message(int fd, Kind kind, std::uint64_t id, const std::string& body, std::uint64_t next) {
    Outbox box;
    box.push(kind, id, std::shared_ptr<const std::string>(&body, [](const std::string*) {}), next);
    return box.flush(fd) == Outbox::Flush::Done;
}

}  // namespace pixpool::detail

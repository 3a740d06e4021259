/// Fuzzes the pool's message reader (pool/src/wire.cpp, Inbox): the bytes a
/// worker sends its master over their socket, as a worker that a decoder
/// bug has scribbled over might send them.
/// Contract: never crashes; every message it delivers is what the sender
/// wrote: the delivered messages, sent again with the pool's own sender,
/// are exactly the start of the input; a message over the size limit ends
/// the conversation (Closed) instead of being waited for.

#include "wire.hpp"

#include <pixpool/pool.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

[[noreturn]] void broken(const char* what) {
    std::fprintf(stderr, "pool wire contract broken: %s\n", what);
    std::abort();
}

struct SocketPair {
    int end[2] = {-1, -1};
    SocketPair() {
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, end) != 0) std::abort();
    }
    ~SocketPair() {
        for (int fd : end)
            if (fd >= 0) ::close(fd);
    }
    void close_writer() {
        ::close(end[1]);
        end[1] = -1;
    }
};

/// True when a header in `data` declares a body of over 1 MiB that the
/// reader would accept. Such inputs are skipped: Inbox sizes the body to the
/// declared length (up to 1 GiB) as soon as the header is in, which costs
/// seconds per input under ASan without telling anything new (a known cost,
/// see docs/fuzzing.md). Lengths over the limit stay in: they are refused
/// before any allocation.
bool declares_a_big_body(const std::uint8_t* data, std::size_t size) {
    for (std::size_t at = 0; size - at >= pixpool::detail::kHeaderBytes;) {
        std::uint64_t length = 0;
        std::memcpy(&length, data + at, sizeof length);
        if (length > pixpool::kMaxMessageBytes + 4096) return false;
        if (length > (std::uint64_t{1} << 20)) return true;
        if (size - at - pixpool::detail::kHeaderBytes < length) return false;
        at += pixpool::detail::kHeaderBytes + length;
    }
    return false;
}

/// Everything that arrives on `fd` until the peer is gone.
std::string drain(int fd) {
    std::string bytes;
    char chunk[4096];
    for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) > 0;) bytes.append(chunk, static_cast<std::size_t>(n));
    return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace pd = pixpool::detail;
    if (declares_a_big_body(data, size)) return 0;
    // The input fits a socket's buffer (libFuzzer's default -max_len is 4096),
    // so the whole of it is written before the reader starts.
    SocketPair worker;
    if (::write(worker.end[1], data, size) != static_cast<ssize_t>(size)) std::abort();
    worker.close_writer();

    SocketPair resent;
    pd::Inbox inbox;
    pd::Message message;
    for (pd::Inbox::Read r = pd::Inbox::Read::Some; r != pd::Inbox::Read::Closed;) {
        r = inbox.read_once(worker.end[0]);
        if (r == pd::Inbox::Read::Nothing) broken("Nothing on a blocking socket");
        while (inbox.pop(message)) {
            if (!pd::send_message(resent.end[1], message.kind, message.id, message.body, message.next))
                std::abort();
        }
    }
    resent.close_writer();
    const std::string again = drain(resent.end[0]);
    if (again.size() > size || std::memcmp(again.data(), data, again.size()) != 0)
        broken("a delivered message is not what was sent");
    return 0;
}

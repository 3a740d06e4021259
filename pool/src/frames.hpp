#pragma once
/// Length-prefixed frames over a stream socket: a 4-byte length in host order
/// (both ends are the same binary on the same machine), then that many bytes.
/// The worker side uses blocking calls; the master reads without blocking and
/// collects partial frames in a FrameReader, so a slow or dying worker never
/// stalls the poll loop.

#include <cstdint>
#include <optional>
#include <string>

namespace pixpool::detail {

constexpr std::uint32_t kMaxFrameBytes = 1u << 30;

/// Sends one whole frame. Waits (poll for POLLOUT) when a non-blocking socket
/// is full. Returns false when the peer is gone (EPIPE, ECONNRESET...).
bool send_frame(int fd, const std::string& bytes);

/// Blocking receive of one whole frame; nullopt on EOF or error.
std::optional<std::string> receive_frame(int fd);

/// Collects frames from a non-blocking socket.
class FrameReader {
public:
    enum class Fill { Progress, WouldBlock, Closed };
    /// Reads what is available now.
    Fill fill(int fd);
    /// A complete frame, if one has arrived.
    std::optional<std::string> next();
    void clear() { buffer_.clear(); }

private:
    std::string buffer_;
};

/// Little helpers to pack fixed-size fields in front of a payload.
void put_u64(std::string& out, std::uint64_t value);
std::uint64_t get_u64(const std::string& in, std::size_t offset);

}  // namespace pixpool::detail

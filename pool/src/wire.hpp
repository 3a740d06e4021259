#pragma once
/// Messages between the master and a worker over a stream socket. Each is a
/// 25-byte header (body length, kind, task id, `next`; host order: both ends
/// are the same binary on the same machine) and the body.
///
/// The master's ends are non-blocking: an Outbox holds what is still to be
/// written and writes as far as the socket allows, an Inbox collects what
/// arrives, so sending and receiving never wait on each other and a full
/// socket never stalls the poll loop. A worker uses the same two classes on
/// a blocking socket, one task at a time.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace pixpool::detail {

enum class Kind : std::uint8_t {
    // master -> worker
    Task = 1,    ///< id, payload
    Config = 2,  ///< spawned workers: the pool's spawn_config
    // worker -> master
    Ok = 10,           ///< id, the handler's result; `next`: the task it starts now, 0 if none
    Failed = 11,       ///< id, the error text; `next` as for Ok
    Started = 14,      ///< id: the worker starts this task (when no result could say so)
    StartFailed = 12,  ///< why the worker could not start
    Ready = 13,        ///< the worker started and takes tasks
};

struct Message {
    Kind kind = Kind::Task;
    std::uint64_t id = 0;
    std::uint64_t next = 0;
    std::string body;
};

constexpr std::size_t kHeaderBytes = 25;

class Outbox {
public:
    /// Queues one message; `body` is shared, not copied (a task's payload
    /// stays with its task for a retry).
    void push(Kind kind, std::uint64_t id, std::shared_ptr<const std::string> body, std::uint64_t next = 0);
    enum class Flush { Done, Pending, Broken };
    /// Writes as much as `fd` takes now (blocking fd: everything).
    Flush flush(int fd);
    bool empty() const { return queue_.empty(); }
    void clear() { queue_.clear(); }

private:
    struct Outgoing {
        char header[kHeaderBytes];
        std::shared_ptr<const std::string> body;
        std::size_t sent = 0;  ///< of header + body
    };
    std::deque<Outgoing> queue_;
};

class Inbox {
public:
    /// One read of what `fd` has now (a blocking fd waits for something).
    /// Closed on EOF, a read error or a message over the size limit: the
    /// peer is gone, and all it sent before has been read.
    /// Some: bytes came and more may be waiting; Emptied: bytes came and the
    /// read was short, so the socket held no more at that moment (a stream
    /// socket's read stops short only when its queue is empty): a poll loop
    /// need not ask again, saving the read that would say EAGAIN.
    enum class Read { Some, Emptied, Nothing, Closed };
    Read read_once(int fd);
    /// Worker side: takes in what has already arrived, without waiting.
    void take_arrived(int fd);
    /// The next complete message, if one is in.
    bool pop(Message& out);

private:
    std::vector<char> staging_ = std::vector<char>(256 * 1024);
    std::size_t begin_ = 0, end_ = 0;  ///< unparsed bytes in staging_
    bool in_body_ = false;              ///< header parsed, body being read
    Message current_;
    std::size_t body_got_ = 0;
    std::deque<Message> complete_;
    bool parse();
};

/// Worker side: one whole message out on a blocking socket.
bool send_message(int fd, Kind kind, std::uint64_t id, const std::string& body, std::uint64_t next = 0);

}  // namespace pixpool::detail

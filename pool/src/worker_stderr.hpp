#pragma once
/// PoolOptions::worker_stderr: one pipe that is every worker's stderr. The
/// master's poll loop drains it (never blocking: the read end is
/// non-blocking) and hands on each line, so nothing a worker prints reaches
/// the host's stderr behind its back.

#include <functional>
#include <string>

namespace pixpool::detail {

class WorkerStderr {
public:
    /// Without `on_line` there is no pipe: workers share the host's stderr.
    explicit WorkerStderr(std::function<void(const std::string&)> on_line);
    ~WorkerStderr();
    WorkerStderr(const WorkerStderr&) = delete;
    WorkerStderr& operator=(const WorkerStderr&) = delete;

    /// What becomes descriptor 2 in each worker (and fork server); -1: none.
    int write_end() const { return write_end_; }
    /// What the master polls; -1: none.
    int read_end() const { return read_end_; }
    /// Reads what is there now and hands on each complete line.
    void drain();
    /// Once every worker is gone: drain, and hand on a last unfinished line.
    void flush();

private:
    std::function<void(const std::string&)> on_line_;
    int read_end_ = -1, write_end_ = -1;
    std::string partial_;
};

}  // namespace pixpool::detail

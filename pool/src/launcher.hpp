#pragma once
/// How a pool gets its workers: one Launcher per pool, by start method
/// (fork.cpp, spawn.cpp, fork_server.cpp). The master asks it for a worker
/// for a slot, and later for that worker's wait status.

#include <pixpool/pool.hpp>

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

namespace pixpool::detail {

struct StartedWorker {
    pid_t pid = -1;
    int fd = -1;  ///< the master's end of the worker's socket, non-blocking, close-on-exec
    /// Spawn: the config the worker reads first, to send before any task.
    std::shared_ptr<const std::string> config;
};

class Launcher {
public:
    virtual ~Launcher() = default;
    /// Starts one worker for `slot`. Throws PoolError when it cannot.
    virtual StartedWorker start(int slot) = 0;
    /// The wait status once `pid` has ended and is reaped; nullopt while it runs.
    virtual std::optional<int> ended(pid_t pid) = 0;
    /// Non-empty when `pid`'s wait status will never come because the process
    /// that was to report it (a fork server) died, and took the worker with it
    /// (PR_SET_PDEATHSIG): says why. The master then takes the end of the
    /// worker's socket, or its pidfd, as the worker's end.
    virtual std::string lost(pid_t) const { return {}; }
    /// The master is done with `pid`: what the launcher kept of it can go.
    virtual void forget(pid_t) {}
    /// A descriptor that becomes readable when the launcher has news (a fork
    /// server's exit reports, or its end), and what to do then; -1 if none.
    virtual int events_fd() const { return -1; }
    virtual void on_events() {}
};

/// `worker_stderr`: the descriptor that becomes stderr in every worker (see
/// worker_stderr.hpp), or -1 to leave them the host's.
std::unique_ptr<Launcher> make_launcher(const PoolOptions& options, int worker_stderr);

/// The error for forking a host that runs threads.
std::string threaded_host_error(int threads, const char* what);

// One per start method.
std::unique_ptr<Launcher> make_fork_launcher(const PoolOptions& options, int worker_stderr);
std::unique_ptr<Launcher> make_spawn_launcher(const PoolOptions& options, int worker_stderr);
std::unique_ptr<Launcher> make_fork_server_launcher(const PoolOptions& options, int worker_stderr);

/// A socketpair for one worker: [0] the master's (non-blocking), [1] the worker's.
void worker_socketpair(int fds[2]);

/// waitpid without blocking: the status if `pid` has ended.
std::optional<int> try_wait(pid_t pid);

}  // namespace pixpool::detail

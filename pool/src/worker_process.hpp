#pragma once
/// One worker process: how it is started (fork + socketpair), what it runs
/// (the worker loop), and how its end is described to a human.

#include <pixpool/pool.hpp>

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace pixpool::detail {

/// What a worker sends back, first byte of every frame it writes.
enum class Reply : char { Ok = 0, Failed = 1, StartFailed = 2, Ready = 3 };

struct StartedWorker {
    pid_t pid = -1;
    int fd = -1;  ///< the master's end of the socket, non-blocking, close-on-exec
};

/// The worker loop, shared by both start methods: `start` runs once (the
/// initializer, or building a spawned worker's handler) and returns the
/// handler; then tasks are served until the master closes the socket.
[[noreturn]] void serve(int fd, pid_t master, const std::function<Handler()>& start);

/// SIGINT ignored (Ctrl-C reaches the whole process group; the master
/// decides), other signals default, nothing blocked, death with the master.
void set_up_worker_signals(pid_t master);

/// Caps the worker's memory (RLIMIT_DATA); 0 leaves it alone.
void limit_worker_memory(std::size_t bytes);

/// Spawns one worker for `slot` (StartMethod::Spawn); see spawn.cpp.
StartedWorker spawn_worker(int slot, const PoolOptions& options);

/// Starts one worker for `slot` by the pool's start method. The child never returns: it runs the
/// initializer, then the worker loop, and leaves with _exit. Throws
/// PoolError when socketpair or fork fails.
StartedWorker start_worker(int slot, const PoolOptions& options);

/// Closes, in a freshly forked child, every master-side socket of every pool
/// of this process, so a worker's EOF is seen as soon as the master closes.
void forget_master_sockets_in_child();
void remember_master_socket(int fd);
void forget_master_socket(int fd);  ///< call before close() in the master

/// "exited with status 3", "killed by SIGSEGV (Segmentation fault)" from a
/// waitpid status.
std::string describe_exit(int wait_status);

/// waitpid that retries on EINTR; returns the wait status. Waits at most
/// `grace_ms` for the child to leave by itself, then sends SIGKILL.
int reap(pid_t pid, int grace_ms);

}  // namespace pixpool::detail

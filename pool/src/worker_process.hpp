#pragma once
/// One worker process from the inside: how a new child makes itself clean
/// (after reproc and ninja), the loop it runs (after CPython's worker()), and
/// how its end is told to a human and to code.

#include <pixpool/pool.hpp>

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace pixpool::detail {

/// Every signal blocked in the calling thread for its lifetime, so that no
/// handler of the host runs in a child between fork() and its own setup.
class SignalsBlocked {
public:
    SignalsBlocked();
    ~SignalsBlocked();
    SignalsBlocked(const SignalsBlocked&) = delete;
    SignalsBlocked& operator=(const SignalsBlocked&) = delete;

private:
    sigset_t saved_;
};

/// In a new child: every handler back to its default, SIGINT ignored
/// (Ctrl-C reaches the whole process group; the master decides), nothing
/// blocked, death with `parent` (PR_SET_PDEATHSIG), and every descriptor
/// closed but 0, 1, 2, `fd` and `keep`.
void become_worker(int fd, pid_t parent, const std::vector<int>& keep);

/// In a new child: `fd` becomes its stderr (PoolOptions::worker_stderr);
/// -1 leaves the one it inherited.
void use_as_stderr(int fd);

/// Closes every descriptor from 3 up except those in `keep` (close_range).
void close_descriptors_except(std::vector<int> keep);

/// Caps the worker's memory (RLIMIT_DATA); 0 leaves it alone.
void limit_worker_memory(std::size_t bytes);

/// The worker loop, shared by every start method: `start` runs once (the
/// initializer, or building a spawned worker's handler) and returns the
/// handler; then tasks are served until the master closes the socket.
[[noreturn]] void serve(int fd, pid_t parent, const std::function<Handler()>& start);

/// Threads of this process (/proc/self/task), or 0 if that cannot be read.
int count_threads();

/// "exited with status 3", "killed by SIGSEGV (Segmentation fault)".
std::string describe_exit(int wait_status);
/// Python's exitcode: the status, or minus the signal.
int exit_code(int wait_status);

}  // namespace pixpool::detail

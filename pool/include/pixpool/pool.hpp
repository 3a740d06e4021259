#pragma once
/// pixpool::Pool: a pool of forked worker processes that run one handler on
/// byte-string tasks, in the spirit of Python's multiprocessing.Pool.
///
/// The master stays single-threaded: one poll loop over one socket per worker.
/// Nothing here knows about images; a task is an id and some bytes, a result
/// is the id, a status, some bytes (the value or the error text), the worker
/// that ran it and how long it took.
///
///   pixpool::PoolOptions options;
///   options.handler = [](const std::string& payload) { return payload + "!"; };
///   pixpool::Pool pool(options);              // forks the workers now
///   auto results = pool.map({"a", "b", "c"}); // in input order
///
/// The master always knows which task each worker holds: when a worker dies
/// (a crash, a kill, out of memory) or runs past the timeout, only that task
/// fails (status Crashed or TimedOut), a fresh worker takes its place and the
/// pool goes on. Destroying a pool shuts it down and reaps every child.

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace pixpool {

enum class Status {
    Ok,        ///< the handler returned; `value` is what it returned
    Failed,    ///< the handler threw; `value` is the exception's message
    Crashed,   ///< the worker died while running the task; `value` says how
    TimedOut,  ///< the task ran past the timeout; its worker was killed
    Cancelled, ///< never finished: the pool was terminated or interrupted first
};

const char* to_string(Status status);

struct Result {
    std::uint64_t task_id = 0;
    Status status = Status::Cancelled;
    std::string value;       ///< the handler's return value, or the error text
    int worker_id = -1;      ///< which worker slot ran it (0..workers-1), -1 if none
    pid_t pid = 0;           ///< that worker's pid, 0 if none
    double seconds = 0;      ///< time from dispatch to result, as the master saw it
    int attempts = 0;        ///< how many workers were given this task

    bool ok() const { return status == Status::Ok; }
};

/// Runs in the worker. Return the result's bytes; throw to fail the task
/// (the exception's what() becomes the error text).
using Handler = std::function<std::string(const std::string& payload)>;

/// Runs once in each worker right after it is forked, before any task.
/// Throwing makes that worker exit; see PoolOptions::crash_budget.
using Initializer = std::function<void(int worker_id)>;

/// How workers are started (after Python's start methods).
enum class StartMethod {
    /// fork() the calling process: fastest, and the handler may be any
    /// callable. Only safe from a process that has started no thread (a
    /// thread holding a lock at the fork leaves it locked in the child
    /// forever). The pixpool CLI uses this.
    Fork,
    /// posix_spawn() this same executable afresh. Safe in a host that already
    /// runs threads (OpenCV's pool, async loggers, a GUI). The executable must
    /// call run_if_spawned_worker() first thing in main(), and the handler is
    /// one registered by name with register_spawned_worker().
    Spawn,
};

struct PoolOptions {
    Handler handler;                    ///< required for Fork
    Initializer initializer;            ///< optional
    int workers = 0;                    ///< 0: the CPUs this process may use
    std::size_t max_tasks_per_worker = 0;  ///< 0: no limit; else a worker is replaced after this many
    double timeout_seconds = 0;         ///< 0: none; else a task running longer is killed
    int retries = 0;                    ///< extra attempts, on a fresh worker, for a task whose worker crashed
    /// 0: no limit. Else each worker's data segment and anonymous memory are
    /// capped (RLIMIT_DATA), so a runaway allocation fails inside the handler
    /// (std::bad_alloc, or the library's own error) and becomes that task's
    /// error instead of exhausting the machine.
    std::size_t max_memory_bytes = 0;
    /// How many workers may die before taking any task (e.g. an initializer
    /// that throws) before the pool gives up with PoolError. 0: 2 * workers + 2.
    int crash_budget = 0;
    /// Optional: a counter that a SIGINT/SIGTERM handler increments. At 1 the
    /// pool stops dispatching (queued tasks become Cancelled) and lets running
    /// tasks finish; at 2 or more it kills the workers at once.
    const volatile std::sig_atomic_t* interrupts = nullptr;

    StartMethod start_method = StartMethod::Fork;
    std::string spawn_worker;  ///< Spawn: the registered name; handler and initializer are not used
    std::string spawn_config;  ///< Spawn: bytes handed to that worker's factory
};

/// Spawn: builds a worker's handler from the pool's spawn_config, once, in
/// the spawned worker. Throwing counts as the worker failing to start.
using SpawnedWorker = std::function<Handler(const std::string& config, int worker_id)>;

/// Spawn: makes `name` known. Register in every process of the program
/// (before run_if_spawned_worker() and before creating a Spawn pool).
void register_spawned_worker(const std::string& name, SpawnedWorker make);

/// Spawn: call first thing in main(). In a process spawned as a worker it
/// serves tasks and never returns; anywhere else it returns at once.
void run_if_spawned_worker();

/// A problem with the pool itself (cannot fork, every new worker dies at
/// start, misuse such as submitting after close()).
class PoolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Pool;

/// The result of one submitted task. The master has no threads, so waiting
/// for a result drives the pool's poll loop until that result is in.
class [[nodiscard]] TaskFuture {
public:
    TaskFuture() = default;
    bool valid() const { return pool_ != nullptr; }
    bool ready() const;
    /// Waits (driving the pool) and returns the result; callable once.
    Result get();
    std::uint64_t id() const { return id_; }

private:
    friend class Pool;
    TaskFuture(Pool* pool, std::uint64_t id) : pool_(pool), id_(id) {}
    Pool* pool_ = nullptr;
    std::uint64_t id_ = 0;
};

/// The CPUs this process may run on (sched_getaffinity), at least 1.
int usable_cpus();

class Pool {
public:
    /// Forks the workers. Call before the process starts any thread.
    explicit Pool(PoolOptions options);
    /// Same as close() then join() if the pool is still open, else reaps
    /// whatever is left. Never leaves a child behind.
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    /// Queues one task; returns its future.
    [[nodiscard]] TaskFuture submit(std::string payload);

    /// Runs every payload; results in input order.
    std::vector<Result> map(const std::vector<std::string>& payloads);

    /// Runs every payload, calling `on_result(index, result)` as each result
    /// arrives, in completion order (multiprocessing's imap_unordered);
    /// `index` is the payload's position in `payloads`. Every payload gets
    /// exactly one call, even when cancelled by an interrupt.
    void map_unordered(const std::vector<std::string>& payloads,
                       const std::function<void(std::size_t index, const Result&)>& on_result);

    /// Takes no more tasks. Workers exit once the queue is drained (by join).
    void close();
    /// After close(): runs the queue to the end, then ends and reaps every worker.
    void join();
    /// Kills every worker now; unfinished tasks become Cancelled. Reaps all.
    void terminate();

    int workers() const;
    /// Tasks waiting for a worker, and tasks a worker is running now.
    std::size_t tasks_queued() const;
    std::size_t tasks_running() const;
    /// Pids of the live workers (for tests and diagnostics).
    std::vector<pid_t> worker_pids() const;

    /// Drives the poll loop once: waits up to `timeout` for any event, handles
    /// it. Returns false when nothing is queued or running.
    bool poll_once(std::chrono::milliseconds timeout);

private:
    friend class TaskFuture;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pixpool

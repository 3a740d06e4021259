#pragma once
/// pixpool::Pool: a pool of worker processes that run one handler on
/// byte-string tasks, in the spirit of Python's multiprocessing.Pool.
///
///   pixpool::PoolOptions options;
///   options.handler = [](const std::string& payload) { return payload + "!"; };
///   pixpool::Pool pool(options);              // starts the workers now
///   auto results = pool.map({"a", "b", "c"}); // in input order
///
/// The master stays single-threaded: one poll loop over one non-blocking
/// socket per worker; waiting for a result drives it. Tasks and results of
/// any size up to kMaxMessageBytes flow both ways at once, so a big payload
/// never waits on a big result.
///
/// The master always knows which task each worker holds, and reads all a
/// worker sent before calling it dead: a worker that dies (a crash, a kill,
/// out of memory) or runs past the timeout costs exactly its running task
/// (Crashed or TimedOut, retried `retries` times on a fresh worker), a fresh
/// worker takes its place and the pool goes on. Destroying a pool shuts it
/// down and reaps every child.

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

/// The largest payload or result (1 GiB). A bigger payload is refused by
/// submit(); a bigger result fails its task with an error saying so.
constexpr std::size_t kMaxMessageBytes = std::size_t{1} << 30;

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
    double seconds = 0;      ///< time from start to result, as the master saw it
    int attempts = 0;        ///< how many workers started this task
    /// Crashed or TimedOut: how the worker ended, as Python's exitcode:
    /// the exit status, or minus the signal that killed it. 0 otherwise.
    int exit_code = 0;

    bool ok() const { return status == Status::Ok; }
};

/// Runs in the worker. Return the result's bytes; throw to fail the task
/// (the exception's what() becomes the error text).
using Handler = std::function<std::string(const std::string& payload)>;

/// Runs once in each worker after it starts, before any task.
/// Throwing makes that worker exit; see PoolOptions::crash_budget.
using Initializer = std::function<void(int worker_id)>;

/// How workers are started (Python's three start methods).
enum class StartMethod {
    /// fork() the calling process for every worker: fastest, and the handler
    /// may be any callable. Refused (PoolError) in a process that runs
    /// threads, because a thread holding a lock at the fork leaves it locked
    /// in the child forever; that includes replacement workers forked after
    /// the host started threads. The pixpool CLI uses this.
    Fork,
    /// posix_spawn() this same executable for every worker. Safe in any host.
    /// The executable calls run_if_spawned_worker() first thing in main(),
    /// and the handler is one registered by name (register_spawned_worker).
    Spawn,
    /// One small server process per pool forks every worker, including
    /// replacements. The server is forked from the host when the pool is
    /// created in a host without threads (any handler callable works), and
    /// spawned like Spawn otherwise (then the handler is the registered
    /// one). Safe in any host, and a replacement costs a fork, not an exec.
    /// A server that dies takes its workers with it (their running tasks
    /// are Crashed, and retried) and is started again the same way, at most
    /// three times a minute; one that cannot be (now in a threaded host with
    /// no registered handler) makes the pool give up with PoolError.
    ForkServer,
};

struct PoolOptions {
    Handler handler;                    ///< the task handler (Fork, and a forked ForkServer)
    Initializer initializer;            ///< optional, same start methods as `handler`
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
    /// Optional: a counter that a SIGINT/SIGTERM/SIGHUP/SIGQUIT handler
    /// increments. At 1 the pool stops dispatching (queued tasks become
    /// Cancelled) and lets running tasks finish; at 2 or more it kills the
    /// workers at once. Those signals wake the poll loop at once: while a
    /// call of the pool runs they are blocked, and let through only inside
    /// its wait (ppoll). A map_unordered callback runs with them blocked;
    /// they are delivered when it returns to the wait.
    const volatile std::sig_atomic_t* interrupts = nullptr;
    /// Descriptors of the host that stay open in workers, at the same
    /// numbers. Every other descriptor but 0, 1 and 2 is closed in a worker.
    std::vector<int> inherit_fds;
    /// Optional: gets what the workers write to their stderr, line by line
    /// (without the newline). Set, every worker's stderr is one pipe that the
    /// poll loop drains, so nothing a worker prints reaches the host's
    /// stderr directly: a host drawing a status line on a terminal prints
    /// each line itself, above it. Lines written whole (one write of up to
    /// 4 KiB, as a logger does) never interleave. Called from within the
    /// pool's calls; it must not call the pool or throw.
    std::function<void(const std::string& line)> worker_stderr;

    StartMethod start_method = StartMethod::Fork;
    std::string spawn_worker;  ///< Spawn, spawned ForkServer: the registered name
    std::string spawn_config;  ///< ...and the bytes handed to that worker's factory
};

/// Spawn: builds a worker's handler from the pool's spawn_config, once, in
/// the spawned worker. Throwing counts as the worker failing to start.
using SpawnedWorker = std::function<Handler(const std::string& config, int worker_id)>;

/// Spawn, ForkServer: makes `name` known. Register in every process of the
/// program (before run_if_spawned_worker() and before creating the pool).
void register_spawned_worker(const std::string& name, SpawnedWorker make);

/// Spawn, ForkServer: call first thing in main(). In a process spawned as a
/// worker or a fork server it serves and never returns; anywhere else it
/// returns at once.
void run_if_spawned_worker();

/// A problem with the pool itself (cannot fork, every new worker dies at
/// start, misuse such as submitting after close(), a destroyed pool).
class PoolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

namespace detail {
class Master;
}

/// The result of one submitted task. The master has no threads, so waiting
/// for a result drives the pool's poll loop until that result is in. A future
/// whose pool was destroyed is no longer valid(), and get() throws PoolError.
class [[nodiscard]] TaskFuture {
public:
    TaskFuture() = default;
    /// A future dropped before get() lets its pool forget the result.
    ~TaskFuture();
    TaskFuture(TaskFuture&& other) noexcept;
    TaskFuture& operator=(TaskFuture&& other) noexcept;
    TaskFuture(const TaskFuture&) = delete;
    TaskFuture& operator=(const TaskFuture&) = delete;
    bool valid() const;
    bool ready() const;
    /// Waits (driving the pool) and returns the result; callable once.
    Result get();
    std::uint64_t id() const { return id_; }

private:
    friend class Pool;
    TaskFuture(std::weak_ptr<detail::Master> master, std::uint64_t id) : master_(std::move(master)), id_(id) {}
    std::weak_ptr<detail::Master> master_;
    std::uint64_t id_ = 0;
};

/// The CPUs this process may run on (sched_getaffinity), at least 1.
int usable_cpus();

class Pool {
public:
    /// Starts the workers.
    explicit Pool(PoolOptions options);
    /// Same as close() then join() if the pool is still open, else reaps
    /// whatever is left. Never leaves a child behind.
    ~Pool();
    Pool(Pool&&) noexcept;
    Pool& operator=(Pool&&) noexcept;
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    /// Queues one task; returns its future.
    [[nodiscard]] TaskFuture submit(std::string payload);

    /// Runs every payload; results in input order.
    std::vector<Result> map(const std::vector<std::string>& payloads);

    /// Runs every payload, calling `on_result(index, result)` as each result
    /// arrives, in completion order (multiprocessing's imap_unordered);
    /// `index` is the payload's position in `payloads`. Every payload gets
    /// exactly one call, even when cancelled by an interrupt. If on_result
    /// throws, this call's queued tasks are dropped, its running ones are
    /// let finish unseen, and the exception reaches the caller; the pool
    /// stays usable.
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
    detail::Master& master() const;
    std::shared_ptr<detail::Master> master_;
};

}  // namespace pixpool

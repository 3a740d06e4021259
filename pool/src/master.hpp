#pragma once
/// The master side of the pool: a queue of tasks, one socket per worker, and
/// one poll loop that dispatches, collects results and notices deaths. The
/// master has no threads; every wait drives this loop. Pool (pool.cpp) is the
/// public face of one Master.

#include <pixpool/pool.hpp>

#include "frames.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pixpool::detail {

using Clock = std::chrono::steady_clock;

struct Worker {
    int slot = 0;
    pid_t pid = -1;
    int fd = -1;
    FrameReader reader;
    bool ready = false;  ///< said so after its initializer; only then is it given tasks
    /// Tasks sent to this worker, in order: the front one is running, the
    /// ones behind it (up to kMaxHeld in all) wait in its socket, so the worker
    /// goes on without waiting for the master to read a result and send more.
    std::deque<std::uint64_t> held;
    Clock::time_point started;  ///< when the front task started
    bool busy() const { return !held.empty(); }
    std::size_t tasks_done = 0;
    std::string start_error;  ///< what a worker that could not start said
};

struct TaskState {
    std::string payload;
    int attempts = 0;
    const std::function<void(const Result&)>* on_result = nullptr;
};

/// Tasks one busy worker may hold: the running one and the ones queued in its
/// socket behind it. More hides the master's latency better; fewer keeps the
/// tail balanced and loses less to a first interrupt.
constexpr std::size_t kMaxHeld = 3;

class Master {
public:
    PoolOptions options;
    std::vector<Worker> workers;
    std::deque<std::uint64_t> queue;
    std::unordered_map<std::uint64_t, TaskState> tasks;  ///< queued or running
    std::unordered_map<std::uint64_t, Result> finished;  ///< waiting for TaskFuture::get
    std::uint64_t next_id = 1;
    bool closed = false;
    bool stopped = false;    ///< workers ended (join, terminate, interrupt)
    std::string broken;      ///< why the pool gave up, if it did
    int start_deaths = 0;

    explicit Master(PoolOptions o);

    void start(Worker& w);

    /// Closes the master's end and reaps the process. Returns its wait status.
    int end(Worker& w, bool kill_now);

    bool active() const;

    std::uint64_t enqueue(std::string payload, const std::function<void(const Result&)>* on_result);

    void finish(std::uint64_t id, Result result);

    void cancel_queue(const std::string& why);

    std::string who(const Worker& w) const;

    /// Idle workers get a task first. Then, once every worker is busy and
    /// there is work enough for all, each gets more, round by round, up to
    /// kMaxHeld, to start as soon as it finishes. At the tail nothing is held
    /// back behind a busy worker. (A first interrupt lets held tasks run too:
    /// they are already sent.)
    void dispatch();

    /// A worker that is to be replaced after max_tasks_per_worker is given no more.
    bool has_quota(const Worker& w) const;

    void send(Worker& w);

    /// Tasks a worker held but never started go back to the queue's front,
    /// in order, with the attempt not counted.
    void give_back_unstarted(Worker& w);

    void on_frame(Worker& w, const std::string& frame);

    void on_readable(Worker& w);

    /// The worker's socket closed: it is dead or dying. Its task, if any,
    /// fails (or goes back to the queue for a retry), and a fresh worker
    /// takes the slot.
    void gone(Worker& w);

    void restart(Worker& w);

    void give_up(std::string why);

    /// Kills (or, with kill_now false, asks to leave) every worker.
    void stop_all(bool kill_now, const std::string& why_running);

    void check_timeouts();

    void check_interrupts();

    int poll_timeout_ms(std::chrono::milliseconds limit) const;

    bool poll_once(std::chrono::milliseconds limit);

    Result wait_for(std::uint64_t id);

    void join();
};

}  // namespace pixpool::detail

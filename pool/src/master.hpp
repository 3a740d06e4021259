#pragma once
/// The master side of the pool: a queue of tasks, one socket per worker, and
/// one poll loop that writes tasks as sockets allow, reads results whenever
/// they come, and notices deaths. The master has no threads; every wait
/// drives this loop. Pool (pool.cpp) forwards to one Master.

#include <pixpool/pool.hpp>

#include "launcher.hpp"
#include "wire.hpp"
#include "worker_stderr.hpp"

#include <chrono>
#include <csignal>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace pixpool::detail {

using Clock = std::chrono::steady_clock;

/// Tasks one busy worker may hold: the running one and the ones queued in its
/// socket behind it. More hides the master's latency better; fewer keeps the
/// tail balanced and loses less to a first interrupt.
constexpr std::size_t kMaxHeld = 3;

class Master {
public:
    explicit Master(PoolOptions options);
    ~Master();
    Master(const Master&) = delete;
    Master& operator=(const Master&) = delete;

    /// One map_unordered call: its results wait here until the call hands
    /// them to its callback, outside the poll loop.
    struct Call {
        std::deque<std::pair<std::size_t, Result>> arrived;
        std::size_t outstanding = 0;
        bool abandoned = false;  ///< its callback threw: results are dropped
    };

    std::uint64_t submit(std::string payload);
    /// The callback may move the result away.
    void map_unordered(const std::vector<std::string>& payloads,
                       const std::function<void(std::size_t, Result&)>& on_result);
    Result wait_for(std::uint64_t id);
    bool ready(std::uint64_t id) const { return finished_.count(id) > 0; }
    /// Its future is gone: drop the result, now or when it comes.
    void forget(std::uint64_t id);

    void close() { closed_ = true; }
    bool is_closed() const { return closed_; }
    /// Runs the queue to its end, then ends and reaps every worker.
    void join();
    /// Kills every worker now; every unfinished task becomes Cancelled.
    void terminate(const std::string& why);
    bool stopped() const { return stopped_; }

    bool poll_once(std::chrono::milliseconds limit);

    int workers() const { return static_cast<int>(workers_.size()); }
    std::size_t tasks_queued() const { return queue_.size(); }
    std::size_t tasks_running() const;
    std::vector<pid_t> worker_pids() const;

private:
    struct Worker {
        int slot = 0;
        pid_t pid = -1;
        int fd = -1;     ///< -1 once its socket closed
        int pidfd = -1;  ///< readable when the process ends; -1 where unsupported
        bool exited = false;  ///< its pidfd fired: the process is gone
        Inbox inbox;
        Outbox outbox;
        bool ready = false;  ///< said so after its initializer; only then is it given tasks
        /// Tasks sent to this worker, in order; the front one may be running.
        std::deque<std::uint64_t> held;
        std::uint64_t running = 0;  ///< the task it said it started, 0 if none
        Clock::time_point started;  ///< when `running` started
        std::uint64_t timed_out = 0;  ///< the task it was killed for
        bool ending = false;          ///< closed or killed: waiting for its wait status
        Clock::time_point kill_at;    ///< ending: SIGKILL if still there by then
        std::size_t tasks_done = 0;
        std::string start_error;  ///< what a worker that could not start said
        bool busy() const { return !held.empty(); }
    };

    struct Task {
        std::shared_ptr<const std::string> payload;
        int attempts = 0;
        std::shared_ptr<Call> call;  ///< map_unordered's, or null for a future
        std::size_t index = 0;       ///< position in that call's payloads
        bool unwanted = false;       ///< its future was dropped: the result goes nowhere
    };

    PoolOptions options_;
    WorkerStderr worker_stderr_;  ///< before launcher_: a fork server is started with it
    std::unique_ptr<Launcher> launcher_;
    std::vector<Worker> workers_;
    std::deque<std::uint64_t> queue_;
    std::unordered_map<std::uint64_t, Task> tasks_;       ///< queued or running
    std::unordered_map<std::uint64_t, Result> finished_;  ///< waiting for TaskFuture::get
    std::uint64_t next_id_ = 1;
    bool closed_ = false;
    bool stopped_ = false;  ///< workers ended (join, terminate, interrupt)
    std::string broken_;    ///< why the pool gave up, if it did
    std::string stop_reason_;  ///< what the tasks left at the end are told
    int start_deaths_ = 0;
    std::sig_atomic_t interrupts_seen_ = 0;  ///< the counter when last checked
    /// While a call loops on poll_once (InterruptsHeld, interrupts_held.cpp):
    /// how many hold the interrupt signals blocked, and the mask from before,
    /// which ppoll waits under.
    int interrupt_holds_ = 0;
    sigset_t waiting_mask_{};
    class InterruptsHeld;

    std::uint64_t enqueue(std::shared_ptr<const std::string> payload, std::shared_ptr<Call> call, std::size_t index);
    void finish(std::uint64_t id, Result result);
    void cancel_queue(const std::string& why);
    void forget_call(const std::shared_ptr<Call>& call);
    bool active() const;
    std::string who(const Worker& w) const;

    void start(Worker& w);
    void dispatch();
    bool has_quota(const Worker& w) const;
    void send(Worker& w);
    void flush(Worker& w);
    /// Takes in what the worker sent. `drain`: until the socket says EAGAIN
    /// or EOF (a worker's end, a timeout check); otherwise until a short read.
    void read(Worker& w, bool drain = true);
    void on_message(Worker& w, Message& m);
    void close_socket(Worker& w);
    void begin_end(Worker& w, bool kill_now);
    void kill_worker(const Worker& w);
    bool try_account(Worker& w);
    /// `lost`: why its true wait status will never come, if so (Launcher::lost).
    void account(Worker& w, int status, const std::string& lost);
    void give_back_unstarted(Worker& w);
    void restart(Worker& w);
    void fill_empty_slots();
    void give_up(std::string why);
    void stop_all(bool kill_now, const std::string& why_running);
    void reap_all();
    void check_timeouts();
    void check_interrupts();
    int poll_timeout_ms(std::chrono::milliseconds limit) const;
};

}  // namespace pixpool::detail

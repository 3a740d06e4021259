/// How a worker's end is accounted for (the rest of Master is in
/// master.cpp). A worker is only declared dead once its wait status is in
/// and everything it wrote before dying has been read: a result already in
/// the socket is delivered, the task it said it started (and only that one)
/// is Crashed or TimedOut, the ones it held unstarted go back to the queue.

#include "master.hpp"

#include "worker_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace pixpool::detail {

void Master::close_socket(Worker& w) {
    if (w.fd < 0) return;
    ::close(w.fd);
    w.fd = -1;
    w.outbox.clear();
}

/// Asks a worker to leave (its socket closed: it exits on EOF), or kills it
/// at once; either way it is SIGKILLed if still there two seconds later.
/// A killed worker's socket stays open until all it wrote is read.
void Master::begin_end(Worker& w, bool kill_now) {
    if (w.pid <= 0) return;
    if (kill_now) {
        kill_worker(w);
    } else {
        close_socket(w);
    }
    if (!w.ending) {
        w.ending = true;
        w.kill_at = Clock::now() + std::chrono::seconds(2);
    }
}

/// SIGKILL, through the pidfd while one is held: a fork server's worker is
/// not our child, so by now its pid may have been reaped and reused.
void Master::kill_worker(const Worker& w) {
    if (w.exited) return;
    if (!launcher_->lost(w.pid).empty()) return;  // killed with its fork server, and reaped by another
#ifdef SYS_pidfd_send_signal
    if (w.pidfd >= 0) {
        ::syscall(SYS_pidfd_send_signal, w.pidfd, SIGKILL, nullptr, 0);
        return;
    }
#endif
    ::kill(w.pid, SIGKILL);
}

namespace {

bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return fd >= 0 && ::poll(&p, 1, 0) == 1;
}

}  // namespace

bool Master::try_account(Worker& w) {
    if (w.pid <= 0) return true;
    std::optional<int> status = launcher_->ended(w.pid);
    const std::string lost = status ? std::string() : launcher_->lost(w.pid);
    if (!lost.empty()) {
        // No status will come. The worker was killed with its server; it is
        // gone, with all it wrote in its socket, once that socket reaches its
        // end (or we closed ours) or its pidfd fires.
        read(w);
        if (w.fd < 0 || w.exited || readable(w.pidfd)) status = SIGKILL;  // the wait status PR_SET_PDEATHSIG gives
    }
    if (!status) {
        if (w.ending && Clock::now() >= w.kill_at) {
            kill_worker(w);
            w.kill_at = Clock::now() + std::chrono::seconds(2);
        }
        return false;
    }
    read(w);  // it is gone: what it wrote is all in the socket
    close_socket(w);
    if (w.pidfd >= 0) ::close(w.pidfd);
    w.pidfd = -1;
    launcher_->forget(w.pid);
    account(w, *status, lost);
    return true;
}

void Master::give_back_unstarted(Worker& w) {
    for (auto it = w.held.rbegin(); it != w.held.rend(); ++it) {
        if (*it != w.running) queue_.push_front(*it);
    }
    w.held.clear();
}

void Master::account(Worker& w, int status, const std::string& lost) {
    std::string name = who(w);
    pid_t pid = w.pid;
    w.pid = -1;
    w.ending = false;
    std::uint64_t id = w.running;
    w.running = 0;
    if (stopped_) {  // the pool is ending: nothing is retried or replaced
        for (std::uint64_t held : w.held) {
            Result r;
            r.value = stop_reason_;
            r.worker_id = w.slot;
            r.pid = pid;
            finish(held, std::move(r));
        }
        w.held.clear();
        return;
    }
    bool started_one = id != 0 || w.tasks_done > 0;
    w.running = id;  // give_back_unstarted keeps it out of the queue
    give_back_unstarted(w);
    w.running = 0;
    if (id != 0) {
        Result r;
        r.worker_id = w.slot;
        r.pid = pid;
        r.seconds = std::chrono::duration<double>(Clock::now() - w.started).count();
        r.exit_code = exit_code(status);
        if (w.timed_out == id) {
            char text[64];
            std::snprintf(text, sizeof text, "timed out after %g s", options_.timeout_seconds);
            r.status = Status::TimedOut;
            r.value = text;
            finish(id, std::move(r));
        } else if (tasks_[id].attempts <= options_.retries) {
            queue_.push_front(id);  // tried again first, on a fresh worker
        } else {
            r.status = Status::Crashed;
            r.value = name + (lost.empty() ? " " + describe_exit(status) : " lost: " + lost);
            finish(id, std::move(r));
        }
    }
    if (!started_one && lost.empty()) {  // a server that keeps dying is bounded by its launcher
        ++start_deaths_;
        if (start_deaths_ > options_.crash_budget) {
            std::string why = w.start_error.empty() ? describe_exit(status) : w.start_error;
            give_up("pool: " + std::to_string(start_deaths_) + " new workers died before taking a task (last: " +
                    why + ")");
            return;
        }
    }
    restart(w);
}

void Master::restart(Worker& w) {
    if (stopped_ || !broken_.empty()) return;
    // Interrupted, nothing new starts: the slot stays empty (dispatch fills it
    // if work comes after all), and a fork server killed by the same hangup
    // is not started again only to be stopped.
    if (options_.interrupts && *options_.interrupts > 0) return;
    try {
        start(w);
    } catch (const PoolError& e) {
        give_up(e.what());
    }
}

/// Slots an interrupt left empty, filled if work comes after all (the
/// host took the interrupt back).
void Master::fill_empty_slots() {
    for (Worker& w : workers_) {
        if (w.pid <= 0 && !queue_.empty()) restart(w);
    }
}

void Master::give_up(std::string why) {
    broken_ = why;
    cancel_queue("not started: " + why);
    if (!stopped_) stop_all(true, "cancelled: " + why);
}

/// Kills every worker, or with kill_now false asks each to leave, then
/// reaps them all, delivering any result they had already sent; what is
/// left unfinished becomes Cancelled with `why_running`.
void Master::stop_all(bool kill_now, const std::string& why_running) {
    stopped_ = true;
    stop_reason_ = why_running;
    for (Worker& w : workers_) begin_end(w, kill_now);
    reap_all();
    worker_stderr_.flush();  // every worker is gone: this is all they wrote
}

void Master::reap_all() {
    while (true) {
        std::vector<pollfd> fds;
        for (Worker& w : workers_) {
            if (w.pid > 0 && !try_account(w) && w.pidfd >= 0) fds.push_back({w.pidfd, POLLIN, 0});
        }
        bool left = std::any_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.pid > 0; });
        if (!left) return;
        if (launcher_->events_fd() >= 0) fds.push_back({launcher_->events_fd(), POLLIN, 0});
        const int wait_ms = fds.size() == workers_.size() ? 100 : 5;
        // A worker blocked writing to a full stderr pipe could not exit.
        if (worker_stderr_.read_end() >= 0) fds.push_back({worker_stderr_.read_end(), POLLIN, 0});
        ::poll(fds.data(), fds.size(), wait_ms);
        worker_stderr_.drain();
        launcher_->on_events();
    }
}

}  // namespace pixpool::detail

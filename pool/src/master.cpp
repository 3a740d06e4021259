/// The master's poll loop and bookkeeping (see master.hpp); how a worker's
/// end is accounted for is in worker_end.cpp.

#include "master.hpp"
#include "interrupts_held.hpp"

#include "worker_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace pixpool::detail {

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
    int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (fd >= 0) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
#else
    (void)pid;
    return -1;
#endif
}

}  // namespace

Master::Master(PoolOptions o) : options_(std::move(o)), worker_stderr_(options_.worker_stderr) {
    int count = options_.workers > 0 ? options_.workers : usable_cpus();
    if (options_.crash_budget <= 0) options_.crash_budget = 2 * count + 2;
    launcher_ = make_launcher(options_, worker_stderr_.write_end());
    workers_.resize(static_cast<std::size_t>(count));
    try {
        for (int i = 0; i < count; ++i) {
            workers_[static_cast<std::size_t>(i)].slot = i;
            start(workers_[static_cast<std::size_t>(i)]);
        }
    } catch (...) {
        stop_all(true, "cancelled: the pool could not start");
        throw;
    }
}

Master::~Master() {
    if (!stopped_) stop_all(true, "cancelled: pool destroyed");
}

std::uint64_t Master::submit(std::string payload) {
    return enqueue(std::make_shared<const std::string>(std::move(payload)), nullptr, 0);
}

std::uint64_t Master::enqueue(std::shared_ptr<const std::string> payload, std::shared_ptr<Call> call,
                              std::size_t index) {
    if (closed_) throw PoolError("pool: submit after close()");
    if (!broken_.empty()) throw PoolError(broken_);
    if (payload->size() > kMaxMessageBytes) {
        throw PoolError("pool: a payload of " + std::to_string(payload->size()) + " bytes is over the limit of " +
                        std::to_string(kMaxMessageBytes) + " bytes");
    }
    std::uint64_t id = next_id_++;
    if (call) ++call->outstanding;
    tasks_[id] = Task{std::move(payload), 0, std::move(call), index};
    queue_.push_back(id);
    return id;
}

void Master::map_unordered(const std::vector<std::string>& payloads,
                           const std::function<void(std::size_t, Result&)>& on_result) {
    auto call = std::make_shared<Call>();
    try {
        for (std::size_t i = 0; i < payloads.size(); ++i) {
            enqueue(std::make_shared<const std::string>(payloads[i]), call, i);
        }
        InterruptsHeld held(*this);
        while (true) {
            while (!call->arrived.empty()) {
                auto [index, result] = std::move(call->arrived.front());
                call->arrived.pop_front();
                on_result(index, result);
            }
            if (!broken_.empty()) throw PoolError(broken_);
            if (call->outstanding == 0) break;
            poll_once(std::chrono::milliseconds(1000));
        }
    } catch (...) {
        forget_call(call);
        throw;
    }
}

/// A call that ends early (its callback threw): its queued tasks are
/// dropped, its running ones finish unseen.
void Master::forget_call(const std::shared_ptr<Call>& call) {
    call->abandoned = true;
    call->arrived.clear();
    auto mine = [&](std::uint64_t id) {
        auto it = tasks_.find(id);
        if (it == tasks_.end() || it->second.call != call) return false;
        tasks_.erase(it);
        --call->outstanding;
        return true;
    };
    queue_.erase(std::remove_if(queue_.begin(), queue_.end(), mine), queue_.end());
}

void Master::finish(std::uint64_t id, Result result) {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return;
    Task task = std::move(it->second);
    tasks_.erase(it);
    result.task_id = id;
    result.attempts = task.attempts;
    if (!task.call) {
        if (!task.unwanted) finished_[id] = std::move(result);
        return;
    }
    --task.call->outstanding;
    if (!task.call->abandoned) task.call->arrived.emplace_back(task.index, std::move(result));
}

void Master::forget(std::uint64_t id) {
    if (finished_.erase(id) > 0) return;
    auto it = tasks_.find(id);
    if (it != tasks_.end() && !it->second.call) it->second.unwanted = true;
}

void Master::cancel_queue(const std::string& why) {
    while (!queue_.empty()) {
        std::uint64_t id = queue_.front();
        queue_.pop_front();
        Result r;
        r.status = Status::Cancelled;
        r.value = why;
        finish(id, std::move(r));
    }
}

Result Master::wait_for(std::uint64_t id) {
    InterruptsHeld held(*this);
    while (true) {
        auto it = finished_.find(id);
        if (it != finished_.end()) {
            Result r = std::move(it->second);
            finished_.erase(it);
            if (r.status == Status::Cancelled && !broken_.empty()) throw PoolError(broken_);
            return r;
        }
        if (!tasks_.count(id)) throw PoolError("pool: no pending result for task " + std::to_string(id));
        poll_once(std::chrono::milliseconds(1000));
    }
}

bool Master::active() const {
    return !queue_.empty() || std::any_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.busy(); });
}

std::size_t Master::tasks_running() const {
    return static_cast<std::size_t>(
        std::count_if(workers_.begin(), workers_.end(), [](const Worker& w) { return w.running != 0; }));
}

std::vector<pid_t> Master::worker_pids() const {
    std::vector<pid_t> pids;
    for (const Worker& w : workers_) {
        if (w.pid > 0) pids.push_back(w.pid);
    }
    return pids;
}

std::string Master::who(const Worker& w) const {
    return "worker " + std::to_string(w.slot) + " (pid " + std::to_string(w.pid) + ")";
}

void Master::start(Worker& w) {
    StartedWorker started = launcher_->start(w.slot);
    int slot = w.slot;
    w = Worker{};
    w.slot = slot;
    w.pid = started.pid;
    w.fd = started.fd;
    w.pidfd = open_pidfd(started.pid);
    if (started.config) {
        w.outbox.push(Kind::Config, 0, std::move(started.config));
        flush(w);
    }
}

/// Idle workers get a task first. Then, once every worker is busy and
/// there is work enough for all, each gets more, round by round, up to
/// kMaxHeld, to start as soon as it finishes. At the tail nothing is held
/// back behind a busy worker.
void Master::dispatch() {
    if (stopped_ || !broken_.empty()) return;
    auto takes = [&](const Worker& w) { return w.ready && w.fd >= 0 && !w.ending && has_quota(w); };
    fill_empty_slots();
    for (Worker& w : workers_) {
        if (queue_.empty()) return;
        if (w.held.empty() && takes(w)) send(w);
    }
    bool all_busy = std::all_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.busy(); });
    if (!all_busy) return;
    for (std::size_t depth = 1; depth < kMaxHeld; ++depth) {
        for (Worker& w : workers_) {
            if (queue_.size() < workers_.size()) return;
            if (w.held.size() == depth && takes(w)) send(w);
        }
    }
}

/// A worker that is to be replaced after max_tasks_per_worker is given no more.
bool Master::has_quota(const Worker& w) const {
    return options_.max_tasks_per_worker == 0 || w.tasks_done + w.held.size() < options_.max_tasks_per_worker;
}

void Master::send(Worker& w) {
    std::uint64_t id = queue_.front();
    queue_.pop_front();
    w.held.push_back(id);
    w.outbox.push(Kind::Task, id, tasks_[id].payload);
    flush(w);
}

/// Writes what the socket takes now. A worker that stopped reading is not
/// declared dead here: its end is seen by reading, after all it sent.
void Master::flush(Worker& w) {
    if (w.fd < 0 || w.outbox.empty()) return;
    if (w.outbox.flush(w.fd) == Outbox::Flush::Broken) w.outbox.clear();
}

void Master::read(Worker& w, bool drain) {
    while (w.fd >= 0) {
        Inbox::Read got = w.inbox.read_once(w.fd);
        // A task's lines were written before its result was sent, so they are
        // in the pipe by now: the worker may have run a task it held since
        // this round's drain.
        if (got != Inbox::Read::Nothing) worker_stderr_.drain();
        Message m;
        while (w.inbox.pop(m)) on_message(w, m);
        if (got == Inbox::Read::Nothing || (got == Inbox::Read::Emptied && !drain)) return;
        if (got == Inbox::Read::Closed) {
            close_socket(w);
            begin_end(w, false);
        }
    }
}

void Master::on_message(Worker& w, Message& m) {
    auto start_running = [&](std::uint64_t id) {
        w.running = id;
        w.started = Clock::now();
        ++tasks_[id].attempts;
    };
    switch (m.kind) {
        case Kind::StartFailed: w.start_error = std::move(m.body); return;
        case Kind::Ready: w.ready = true; return;
        case Kind::Started:
            if (!w.held.empty() && w.held.front() == m.id) start_running(m.id);
            return;
        case Kind::Ok:
        case Kind::Failed: break;
        default: return;
    }
    if (w.held.empty() || w.held.front() != m.id) return;
    Result r;
    r.status = m.kind == Kind::Ok ? Status::Ok : Status::Failed;
    r.value = std::move(m.body);
    r.worker_id = w.slot;
    r.pid = w.pid;
    r.seconds = w.running == m.id ? seconds_since(w.started) : 0;
    w.held.pop_front();
    w.running = 0;
    ++w.tasks_done;
    start_deaths_ = 0;
    if (m.next != 0 && !w.held.empty() && w.held.front() == m.next) start_running(m.next);
    finish(m.id, std::move(r));
    if (options_.max_tasks_per_worker > 0 && w.tasks_done >= options_.max_tasks_per_worker && w.held.empty()) {
        close_socket(w);  // it leaves on EOF; a fresh one takes the slot once it is reaped
        begin_end(w, false);
    }
}

void Master::check_timeouts() {
    if (options_.timeout_seconds <= 0) return;
    for (Worker& w : workers_) {
        if (w.running == 0 || w.ending || seconds_since(w.started) < options_.timeout_seconds) continue;
        read(w);  // it may have just finished
        if (w.running == 0 || w.ending || seconds_since(w.started) < options_.timeout_seconds) continue;
        w.timed_out = w.running;
        begin_end(w, true);
    }
}

void Master::check_interrupts() {
    if (!options_.interrupts) return;
    interrupts_seen_ = *options_.interrupts;
    if (interrupts_seen_ == 0) return;
    cancel_queue("not started: interrupted");
    if (*options_.interrupts >= 2 && !stopped_) stop_all(true, "interrupted");
}

int Master::poll_timeout_ms(std::chrono::milliseconds limit) const {
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(limit);
    auto until = [&](Clock::time_point t) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now());
        wait = std::min(wait, std::max(left + std::chrono::milliseconds(1), std::chrono::milliseconds(0)));
    };
    for (const Worker& w : workers_) {
        if (w.pid <= 0) continue;
        if (w.ending) until(w.pidfd >= 0 || launcher_->events_fd() >= 0 ? w.kill_at : Clock::now() + std::chrono::milliseconds(5));
        if (w.running != 0 && options_.timeout_seconds > 0) {
            until(w.started + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(options_.timeout_seconds)));
        }
    }
    return static_cast<int>(std::max<std::int64_t>(0, wait.count()));
}

bool Master::poll_once(std::chrono::milliseconds limit) {
    check_interrupts();
    if (!broken_.empty()) throw PoolError(broken_);
    dispatch();
    if (!active()) return false;
    std::vector<pollfd> fds;
    std::vector<std::pair<Worker*, bool>> owners;  // (worker, is its pidfd)
    for (Worker& w : workers_) {
        if (w.pid <= 0) continue;
        if (w.fd >= 0) {
            fds.push_back({w.fd, static_cast<short>(POLLIN | (w.outbox.empty() ? 0 : POLLOUT)), 0});
            owners.emplace_back(&w, false);
        }
        if (w.pidfd >= 0) {
            fds.push_back({w.pidfd, POLLIN, 0});
            owners.emplace_back(&w, true);
        }
    }
    if (worker_stderr_.read_end() >= 0) fds.push_back({worker_stderr_.read_end(), POLLIN, 0});
    if (launcher_->events_fd() >= 0) fds.push_back({launcher_->events_fd(), POLLIN, 0});
    int timeout = poll_timeout_ms(limit);
    int n;
    if (options_.interrupts) {
        // The interrupt signals get through only inside ppoll, so one that
        // comes after the counter was checked still wakes this wait at once.
        InterruptsHeld held(*this);  // already held when a call loops on this
        if (*options_.interrupts != interrupts_seen_) timeout = 0;  // one came since the check
        timespec ts{timeout / 1000, (timeout % 1000) * 1000000L};
        n = ::ppoll(fds.data(), fds.size(), &ts, &waiting_mask_);
    } else {
        n = ::poll(fds.data(), fds.size(), timeout);
    }
    if (n < 0 && errno != EINTR) throw PoolError(std::string("pool: poll: ") + std::strerror(errno));
    if (n > 0 && launcher_->events_fd() >= 0 && fds.back().revents) launcher_->on_events();
    worker_stderr_.drain();  // before the results: a file's log lines come before it is done
    for (std::size_t i = 0; n > 0 && i < owners.size(); ++i) {
        if (fds[i].revents == 0) continue;
        auto [w, is_pidfd] = owners[i];
        if (is_pidfd) {
            ::close(w->pidfd);  // it fired: the process has ended; no need to poll it again
            w->pidfd = -1;
            w->exited = true;
            if (!w->ending) {
                w->ending = true;
                w->kill_at = Clock::now() + std::chrono::seconds(2);
            }
        } else if (w->fd == fds[i].fd) {
            if (fds[i].revents & POLLOUT) flush(*w);
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) read(*w, /*drain=*/false);  // poll says when there is more
        }
    }
    for (Worker& w : workers_) {
        if (w.pid > 0 && w.ending) try_account(w);
    }
    check_timeouts();
    check_interrupts();
    dispatch();  // a pool that broke says so at the next call, after this one's results are taken
    return active();
}

void Master::join() {
    InterruptsHeld held(*this);
    while (poll_once(std::chrono::milliseconds(1000))) {
    }
    if (!stopped_) stop_all(false, "cancelled: pool joined");
}

void Master::terminate(const std::string& why) {
    closed_ = true;
    cancel_queue("not started: " + why);
    if (!stopped_) stop_all(true, "cancelled: " + why);
}

}  // namespace pixpool::detail

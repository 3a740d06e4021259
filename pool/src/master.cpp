/// The master's poll loop and bookkeeping (see master.hpp).

#include "master.hpp"

#include "worker_process.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pixpool::detail {

namespace {

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

Master::Master(PoolOptions o) : options(std::move(o)) {
    if (options.start_method == StartMethod::Fork && !options.handler) {
        throw PoolError("pool: no handler given");
    }
    int count = options.workers > 0 ? options.workers : usable_cpus();
    if (options.crash_budget <= 0) options.crash_budget = 2 * count + 2;
    ::signal(SIGPIPE, SIG_IGN);  // a dead worker's socket must give EPIPE, not kill the master
    workers.resize(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        workers[static_cast<std::size_t>(i)].slot = i;
        start(workers[static_cast<std::size_t>(i)]);
    }
}

void Master::start(Worker& w) {
    StartedWorker started = start_worker(w.slot, options);
    w.pid = started.pid;
    w.fd = started.fd;
    w.reader.clear();
    w.ready = false;
    w.held.clear();
    w.tasks_done = 0;
    w.start_error.clear();
}

/// Closes the master's end and reaps the process. Returns its wait status.
int Master::end(Worker& w, bool kill_now) {
    if (w.pid <= 0) return 0;
    if (kill_now) ::kill(w.pid, SIGKILL);
    forget_master_socket(w.fd);
    ::close(w.fd);
    int status = reap(w.pid, kill_now ? 0 : 2000);
    w.fd = -1;
    w.pid = -1;
    return status;
}

bool Master::active() const {
    return !queue.empty() ||
           std::any_of(workers.begin(), workers.end(), [](const Worker& w) { return w.busy(); });
}

std::uint64_t Master::enqueue(std::string payload, const std::function<void(const Result&)>* on_result) {
    if (closed) throw PoolError("pool: submit after close()");
    if (!broken.empty()) throw PoolError(broken);
    std::uint64_t id = next_id++;
    tasks[id] = TaskState{std::move(payload), 0, on_result};
    queue.push_back(id);
    return id;
}

void Master::finish(std::uint64_t id, Result result) {
    auto it = tasks.find(id);
    if (it == tasks.end()) return;
    const auto* callback = it->second.on_result;
    result.task_id = id;
    if (result.attempts == 0) result.attempts = it->second.attempts;
    tasks.erase(it);
    if (callback) {
        (*callback)(result);
    } else {
        finished[id] = std::move(result);
    }
}

void Master::cancel_queue(const std::string& why) {
    while (!queue.empty()) {
        std::uint64_t id = queue.front();
        queue.pop_front();
        finish(id, Result{id, Status::Cancelled, why});
    }
}

std::string Master::who(const Worker& w) const {
    return "worker " + std::to_string(w.slot) + " (pid " + std::to_string(w.pid) + ")";
}

/// Idle workers get a task first. Then, once every worker is busy and
/// there is work enough for all, each gets more, round by round, up to
/// kMaxHeld, to start as soon as it finishes. At the tail nothing is held
/// back behind a busy worker. (A first interrupt lets held tasks run too:
/// they are already sent.)
void Master::dispatch() {
    if (stopped || !broken.empty()) return;
    for (Worker& w : workers) {
        if (queue.empty()) return;
        if (w.ready && w.pid > 0 && w.held.empty() && has_quota(w)) send(w);
    }
    bool all_busy = std::all_of(workers.begin(), workers.end(), [](const Worker& w) { return w.busy(); });
    if (!all_busy) return;
    for (std::size_t depth = 1; depth < kMaxHeld; ++depth) {
        for (Worker& w : workers) {
            if (queue.size() < workers.size()) return;
            if (w.held.size() == depth && has_quota(w)) send(w);
        }
    }
}

/// A worker that is to be replaced after max_tasks_per_worker is given no more.
bool Master::has_quota(const Worker& w) const {
    return options.max_tasks_per_worker == 0 || w.tasks_done + w.held.size() < options.max_tasks_per_worker;
}

void Master::send(Worker& w) {
    std::uint64_t id = queue.front();
    TaskState& task = tasks[id];
    std::string frame;
    put_u64(frame, id);
    frame += task.payload;
    if (!send_frame(w.fd, frame)) {
        gone(w);  // it died; the task stays queued
        return;
    }
    queue.pop_front();
    ++task.attempts;
    if (w.held.empty()) w.started = Clock::now();
    w.held.push_back(id);
}

/// Tasks a worker held but never started go back to the queue's front,
/// in order, with the attempt not counted.
void Master::give_back_unstarted(Worker& w) {
    while (w.held.size() > 1) {
        std::uint64_t id = w.held.back();
        w.held.pop_back();
        --tasks[id].attempts;
        queue.push_front(id);
    }
}

void Master::on_frame(Worker& w, const std::string& frame) {
    if (frame.size() < 9) return;
    auto kind = static_cast<Reply>(frame[0]);
    std::uint64_t id = get_u64(frame, 1);
    std::string text = frame.substr(9);
    if (kind == Reply::StartFailed) {
        w.start_error = std::move(text);
        return;
    }
    if (kind == Reply::Ready) {
        w.ready = true;
        return;
    }
    if (!w.busy() || id != w.held.front()) return;
    Result result{id, kind == Reply::Ok ? Status::Ok : Status::Failed, std::move(text),
                  w.slot, w.pid, seconds_since(w.started), 0};
    w.held.pop_front();
    w.started = Clock::now();  // the next held task, if any, starts now
    ++w.tasks_done;
    start_deaths = 0;
    finish(id, std::move(result));
    if (options.max_tasks_per_worker > 0 && w.tasks_done >= options.max_tasks_per_worker) {
        end(w, false);
        restart(w);
    }
}

void Master::on_readable(Worker& w) {
    FrameReader::Fill fill = w.reader.fill(w.fd);
    while (auto frame = w.reader.next()) on_frame(w, *frame);
    if (fill == FrameReader::Fill::Closed) gone(w);
}

/// The worker's socket closed: it is dead or dying. Its task, if any,
/// fails (or goes back to the queue for a retry), and a fresh worker
/// takes the slot.
void Master::gone(Worker& w) {
    std::string name = who(w);
    pid_t pid = w.pid;
    int status = end(w, false);
    if (w.busy()) {
        give_back_unstarted(w);
        std::uint64_t id = w.held.front();
        w.held.clear();
        if (tasks[id].attempts <= options.retries) {
            queue.push_front(id);
        } else {
            Result r{id, Status::Crashed, name + " " + describe_exit(status), w.slot,
                     pid, seconds_since(w.started), 0};
            finish(id, std::move(r));
        }
    } else if (w.tasks_done == 0) {
        ++start_deaths;
        if (start_deaths > options.crash_budget) {
            std::string why = w.start_error.empty() ? describe_exit(status) : w.start_error;
            give_up("pool: " + std::to_string(start_deaths) +
                    " new workers died before taking a task (last: " + why + ")");
            return;
        }
    }
    restart(w);
}

void Master::restart(Worker& w) {
    if (stopped || !broken.empty()) return;
    start(w);
}

void Master::give_up(std::string why) {
    broken = why;
    cancel_queue("not started: " + why);
    stop_all(true, "cancelled: " + why);
}

/// Kills (or, with kill_now false, asks to leave) every worker.
void Master::stop_all(bool kill_now, const std::string& why_running) {
    stopped = true;
    for (Worker& w : workers) {
        std::deque<std::uint64_t> held;
        held.swap(w.held);
        pid_t pid = w.pid;
        end(w, kill_now);
        for (std::uint64_t id : held) finish(id, Result{id, Status::Cancelled, why_running, w.slot, pid});
    }
}

void Master::check_timeouts() {
    if (options.timeout_seconds <= 0) return;
    for (Worker& w : workers) {
        if (!w.busy() || seconds_since(w.started) < options.timeout_seconds) continue;
        give_back_unstarted(w);
        std::uint64_t id = w.held.front();
        w.held.clear();
        Result r{id, Status::TimedOut, "", w.slot, w.pid, seconds_since(w.started), 0};
        char text[64];
        std::snprintf(text, sizeof text, "timed out after %g s", options.timeout_seconds);
        r.value = text;
        end(w, true);
        finish(id, std::move(r));
        restart(w);
    }
}

void Master::check_interrupts() {
    if (!options.interrupts || *options.interrupts == 0) return;
    cancel_queue("not started: interrupted");
    if (*options.interrupts >= 2 && !stopped) stop_all(true, "interrupted");
}

int Master::poll_timeout_ms(std::chrono::milliseconds limit) const {
    auto wait = limit;
    if (options.interrupts) wait = std::min(wait, std::chrono::milliseconds(200));
    if (options.timeout_seconds > 0) {
        for (const Worker& w : workers) {
            if (!w.busy()) continue;
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::duration<double>(options.timeout_seconds) - (Clock::now() - w.started));
            wait = std::min(wait, std::max(left + std::chrono::milliseconds(1),
                                           std::chrono::milliseconds(0)));
        }
    }
    return static_cast<int>(std::max<std::int64_t>(0, wait.count()));
}

bool Master::poll_once(std::chrono::milliseconds limit) {
    check_interrupts();
    if (!broken.empty()) throw PoolError(broken);
    dispatch();
    if (!active()) return false;
    std::vector<pollfd> fds;
    std::vector<Worker*> owners;
    for (Worker& w : workers) {
        if (w.pid <= 0) continue;
        fds.push_back({w.fd, POLLIN, 0});
        owners.push_back(&w);
    }
    int n = ::poll(fds.data(), fds.size(), poll_timeout_ms(limit));
    if (n < 0 && errno != EINTR) throw PoolError(std::string("poll: ") + std::strerror(errno));
    for (std::size_t i = 0; n > 0 && i < fds.size(); ++i) {
        if (fds[i].revents != 0 && owners[i]->pid > 0) on_readable(*owners[i]);
    }
    check_timeouts();
    check_interrupts();
    if (!broken.empty()) throw PoolError(broken);
    dispatch();
    return active();
}

Result Master::wait_for(std::uint64_t id) {
    while (true) {
        auto it = finished.find(id);
        if (it != finished.end()) {
            Result r = std::move(it->second);
            finished.erase(it);
            return r;
        }
        if (!tasks.count(id)) throw PoolError("pool: no pending result for task " + std::to_string(id));
        poll_once(std::chrono::milliseconds(1000));
    }
}

void Master::join() {
    while (poll_once(std::chrono::milliseconds(1000))) {
    }
    if (!stopped) stop_all(false, "cancelled: pool joined");
}

}  // namespace pixpool::detail

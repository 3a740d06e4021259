/// Pool's public face: the verbs of pool.hpp, each a few lines over one
/// detail::Master (master.cpp), which owns the workers and the poll loop.
/// Futures hold the master weakly, so one that outlives its pool says so.

#include <pixpool/pool.hpp>

#include "master.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>

namespace pixpool {

const char* to_string(Status status) {
    switch (status) {
        case Status::Ok: return "ok";
        case Status::Failed: return "failed";
        case Status::Crashed: return "crashed";
        case Status::TimedOut: return "timed out";
        case Status::Cancelled: return "cancelled";
    }
    return "unknown";
}

int usable_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
    long n = ::sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? static_cast<int>(n) : 1;
}

TaskFuture::~TaskFuture() {
    if (auto master = master_.lock()) master->forget(id_);
}

TaskFuture::TaskFuture(TaskFuture&& other) noexcept : master_(std::move(other.master_)), id_(other.id_) {
    other.master_.reset();
}

TaskFuture& TaskFuture::operator=(TaskFuture&& other) noexcept {
    if (this != &other) {
        if (auto master = master_.lock()) master->forget(id_);
        master_ = std::move(other.master_);
        id_ = other.id_;
        other.master_.reset();
    }
    return *this;
}

bool TaskFuture::valid() const { return id_ != 0 && !master_.expired(); }

bool TaskFuture::ready() const {
    auto master = master_.lock();
    return master && master->ready(id_);
}

Result TaskFuture::get() {
    auto master = master_.lock();
    if (!master) {
        throw PoolError(id_ == 0 ? "pool: get() on an empty TaskFuture"
                                 : "pool: get() on a TaskFuture whose pool was destroyed (or already taken)");
    }
    master_.reset();
    return master->wait_for(id_);
}

Pool::Pool(PoolOptions options) : master_(std::make_shared<detail::Master>(std::move(options))) {}

Pool::~Pool() {
    if (!master_) return;  // moved from
    if (!master_->stopped()) {
        try {
            master_->close();
            master_->join();
        } catch (...) {
        }
    }
    if (!master_->stopped()) master_->terminate("pool destroyed");
}

Pool::Pool(Pool&&) noexcept = default;

Pool& Pool::operator=(Pool&& other) noexcept {
    if (this != &other) {
        Pool old(std::move(*this));  // ends this pool's workers
        master_ = std::move(other.master_);
    }
    return *this;
}

detail::Master& Pool::master() const {
    if (!master_) throw PoolError("pool: used after being moved from");
    return *master_;
}

TaskFuture Pool::submit(std::string payload) {
    std::uint64_t id = master().submit(std::move(payload));
    return TaskFuture(master_, id);
}

std::vector<Result> Pool::map(const std::vector<std::string>& payloads) {
    std::vector<Result> results(payloads.size());
    master().map_unordered(payloads, [&](std::size_t index, Result& r) { results[index] = std::move(r); });
    return results;
}

void Pool::map_unordered(const std::vector<std::string>& payloads,
                         const std::function<void(std::size_t, const Result&)>& on_result) {
    master().map_unordered(payloads, [&](std::size_t index, Result& r) { on_result(index, r); });
}

void Pool::close() { master().close(); }

void Pool::join() {
    if (!master().is_closed()) throw PoolError("pool: join() before close()");
    master().join();
}

void Pool::terminate() { master().terminate("pool terminated"); }

int Pool::workers() const { return master().workers(); }
std::size_t Pool::tasks_queued() const { return master().tasks_queued(); }
std::size_t Pool::tasks_running() const { return master().tasks_running(); }
std::vector<pid_t> Pool::worker_pids() const { return master().worker_pids(); }
bool Pool::poll_once(std::chrono::milliseconds timeout) { return master().poll_once(timeout); }

}  // namespace pixpool

/// Pool's public face: the verbs of pool.hpp, each a few lines over one
/// detail::Master (master.cpp), which owns the workers and the poll loop.

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

struct Pool::Impl : detail::Master {
    using Master::Master;
};

bool TaskFuture::ready() const { return pool_ && pool_->impl_->finished.count(id_) > 0; }

Result TaskFuture::get() {
    if (!pool_) throw PoolError("pool: get() on an empty TaskFuture");
    Pool* pool = pool_;
    pool_ = nullptr;
    return pool->impl_->wait_for(id_);
}

Pool::Pool(PoolOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Pool::~Pool() {
    if (!impl_->stopped) {
        try {
            impl_->closed = true;
            impl_->join();
        } catch (...) {
        }
    }
    if (!impl_->stopped) impl_->stop_all(true, "cancelled: pool destroyed");
}

TaskFuture Pool::submit(std::string payload) {
    return TaskFuture(this, impl_->enqueue(std::move(payload), nullptr));
}

std::vector<Result> Pool::map(const std::vector<std::string>& payloads) {
    std::vector<TaskFuture> futures;
    futures.reserve(payloads.size());
    for (const auto& p : payloads) futures.push_back(submit(p));
    std::vector<Result> results;
    results.reserve(payloads.size());
    for (auto& f : futures) results.push_back(f.get());
    return results;
}

void Pool::map_unordered(const std::vector<std::string>& payloads,
                         const std::function<void(std::size_t, const Result&)>& on_result) {
    std::size_t remaining = payloads.size();
    std::uint64_t first_id = impl_->next_id;  // ids are handed out consecutively below
    std::function<void(const Result&)> deliver = [&](const Result& r) {
        --remaining;
        on_result(static_cast<std::size_t>(r.task_id - first_id), r);
    };
    for (const auto& p : payloads) impl_->enqueue(p, &deliver);
    while (remaining > 0 && impl_->poll_once(std::chrono::milliseconds(1000))) {
    }
}

void Pool::close() { impl_->closed = true; }

void Pool::join() {
    if (!impl_->closed) throw PoolError("pool: join() before close()");
    impl_->join();
}

void Pool::terminate() {
    impl_->closed = true;
    impl_->cancel_queue("not started: pool terminated");
    if (!impl_->stopped) impl_->stop_all(true, "cancelled: pool terminated");
}

int Pool::workers() const { return static_cast<int>(impl_->workers.size()); }

std::size_t Pool::tasks_queued() const { return impl_->queue.size(); }

std::size_t Pool::tasks_running() const {
    return static_cast<std::size_t>(std::count_if(impl_->workers.begin(), impl_->workers.end(),
                                                  [](const detail::Worker& w) { return w.busy(); }));
}

std::vector<pid_t> Pool::worker_pids() const {
    std::vector<pid_t> pids;
    for (const auto& w : impl_->workers) {
        if (w.pid > 0) pids.push_back(w.pid);
    }
    return pids;
}

bool Pool::poll_once(std::chrono::milliseconds timeout) { return impl_->poll_once(timeout); }

}  // namespace pixpool

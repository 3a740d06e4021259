/// The master's side of the frame pool: slots taken and given back, frames
/// queued on pixpool::Pool as slot ids, results gathered in either order.
/// Single-threaded like the pool: waiting means driving its poll loop.

#include <pixpool/frames.hpp>

#include "frame_messages.hpp"
#include "frame_worker.hpp"
#include "latency.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <stdexcept>

namespace pixpool {

using frames_detail::SharedSlots;
using Clock = std::chrono::steady_clock;

namespace {

/// A frame submitted and not yet gathered.
struct Pending {
    std::uint64_t sequence = 0;  ///< submission order
    std::uint64_t id = 0;
    double timestamp = 0;
    Clock::time_point submitted;
    std::size_t slot = 0;
    std::shared_ptr<void> lease;
    TaskFuture future;
};

/// The lease of slot `index`: whoever holds the last copy gives it back.
std::shared_ptr<void> lease_slot(const std::shared_ptr<SharedSlots>& slots, std::size_t index) {
    return std::shared_ptr<void>(nullptr, [slots, index](void*) { slots->give_back(index); });
}

}  // namespace

struct FramePool::Impl {
    FrameOptions options;
    std::shared_ptr<SharedSlots> slots;
    std::unique_ptr<Pool> pool;
    std::deque<Pending> pending;              ///< submission order
    std::map<std::uint64_t, Frame> finished;  ///< by sequence
    std::deque<std::uint64_t> completion;     ///< sequences, as they finished
    std::uint64_t next_sequence = 0;
    std::uint64_t next_out = 0;               ///< Submission order: the next to hand out
    frames_detail::LatencyLog latencies;

    void gather() {
        for (auto it = pending.begin(); it != pending.end();) {
            if (!it->future.ready()) {
                ++it;
                continue;
            }
            finish(*it, it->future.get());
            it = pending.erase(it);
        }
    }

    void finish(Pending& frame, const Result& result) {
        Frame done;
        done.id = frame.id;
        done.timestamp = frame.timestamp;
        done.status = result.status;
        done.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - frame.submitted).count();
        latencies.add(done.latency_ms);
        if (result.ok()) {
            const auto shape = frames_detail::decode_shape(result.value);
            done.image = cv::Mat(shape.rows, shape.cols, shape.type, slots->slot(frame.slot));
            done.lease_ = std::move(frame.lease);
        } else if (result.status == Status::Failed) {
            done.error = result.value;  // already "frame <id>: ..."
        } else {
            done.error = "frame " + std::to_string(frame.id) + ": " + result.value;
        }
        completion.push_back(frame.sequence);
        finished.emplace(frame.sequence, std::move(done));
    }

    /// Drives the pool once; false when nothing is running, so nothing can change.
    bool drive() {
        if (pending.empty()) return false;
        pool->poll_once(std::chrono::milliseconds(100));
        gather();
        return true;
    }

    std::optional<std::size_t> take_slot(bool wait) {
        for (;;) {
            if (auto slot = slots->take()) return slot;
            if (!wait) {
                if (!pending.empty()) {
                    pool->poll_once(std::chrono::milliseconds(0));
                    gather();
                }
                return slots->take();
            }
            if (!drive()) {
                throw PoolError("frame pool: all " + std::to_string(slots->address().count) +
                                " slots are held by results not yet released; call next() and let go of frames");
            }
        }
    }

    void queue(std::size_t slot, std::shared_ptr<void> lease, const cv::Mat& image, std::uint64_t id,
               double timestamp, Clock::time_point submitted) {
        const frames_detail::FrameTask task{id, static_cast<std::uint32_t>(slot), image.rows, image.cols,
                                            image.type()};
        Pending frame{next_sequence++, id, timestamp, submitted, slot, std::move(lease), {}};
        frame.future = pool->submit(frames_detail::encode(task));
        pending.push_back(std::move(frame));
    }

    bool submit_copy(const cv::Mat& image, std::uint64_t id, double timestamp, bool wait) {
        const auto submitted = Clock::now();
        check_frame(image.rows, image.cols, image.type());
        const auto slot = take_slot(wait);
        if (!slot) return false;
        auto lease = lease_slot(slots, *slot);
        cv::Mat in_slot(image.rows, image.cols, image.type(), slots->slot(*slot));
        image.copyTo(in_slot);  // the one copy in
        queue(*slot, std::move(lease), image, id, timestamp, submitted);
        return true;
    }

    void check_frame(int rows, int cols, int type) const {
        if (rows <= 0 || cols <= 0) throw std::invalid_argument("frame pool: an empty frame");
        const std::size_t bytes = std::size_t(rows) * cols * CV_ELEM_SIZE(type);
        if (bytes > slots->address().slot_bytes) {
            throw std::invalid_argument("frame pool: a " + std::to_string(cols) + "x" + std::to_string(rows) +
                                        " frame is " + std::to_string(bytes) + " bytes, over max_frame_bytes (" +
                                        std::to_string(options.max_frame_bytes) + ")");
        }
    }

    std::optional<Frame> take_finished() {
        if (options.order == FrameOrder::Submission) {
            auto it = finished.find(next_out);
            if (it == finished.end()) return std::nullopt;
            ++next_out;
            Frame frame = std::move(it->second);
            finished.erase(it);
            return frame;
        }
        if (completion.empty()) return std::nullopt;
        auto it = finished.find(completion.front());
        completion.pop_front();
        Frame frame = std::move(it->second);
        finished.erase(it);
        return frame;
    }
};

FramePool::FramePool(FrameOptions options) : impl_(std::make_unique<Impl>()) {
    auto& self = *impl_;
    const int workers = options.workers > 0 ? options.workers : usable_cpus();
    if (options.capacity == 0) options.capacity = 2 * static_cast<std::size_t>(workers) + 2;
    self.options = options;
    frames_detail::FrameJob job{filters::Chain::parse(options.filter_specs), options.process, nullptr};
    // The slots exist before any worker: whatever forks the workers, they find them.
    self.slots = std::make_shared<SharedSlots>(options.capacity, options.max_frame_bytes);
    job.slots = std::make_shared<frames_detail::WorkerSlots>(self.slots->address());

    PoolOptions pool_options;
    pool_options.workers = workers;
    pool_options.timeout_seconds = options.timeout_seconds;
    pool_options.start_method = options.start_method;
    pool_options.interrupts = options.interrupts;
    pool_options.worker_stderr = options.worker_stderr;
    pool_options.initializer = [](int) { frames_detail::prepare_frame_worker(); };
    pool_options.handler = [job](const std::string& payload) mutable {
        return frames_detail::process_frame(job, payload);
    };
    self.pool = std::make_unique<Pool>(std::move(pool_options));
}

FramePool::~FramePool() = default;
FramePool::FramePool(FramePool&&) noexcept = default;
FramePool& FramePool::operator=(FramePool&&) noexcept = default;

void FramePool::submit(const cv::Mat& frame, std::uint64_t id, double timestamp) {
    impl_->submit_copy(frame, id, timestamp, true);
}

bool FramePool::try_submit(const cv::Mat& frame, std::uint64_t id, double timestamp) {
    return impl_->submit_copy(frame, id, timestamp, false);
}

FrameSlot FramePool::acquire(int rows, int cols, int type) {
    impl_->check_frame(rows, cols, type);
    const std::size_t slot = *impl_->take_slot(true);
    FrameSlot handed;
    handed.lease_ = lease_slot(impl_->slots, slot);
    handed.image = cv::Mat(rows, cols, type, impl_->slots->slot(slot));
    return handed;
}

std::optional<FrameSlot> FramePool::try_acquire(int rows, int cols, int type) {
    impl_->check_frame(rows, cols, type);
    const auto slot = impl_->take_slot(false);
    if (!slot) return std::nullopt;
    FrameSlot handed;
    handed.lease_ = lease_slot(impl_->slots, *slot);
    handed.image = cv::Mat(rows, cols, type, impl_->slots->slot(*slot));
    return handed;
}

void FramePool::submit(FrameSlot slot, std::uint64_t id, double timestamp) {
    const auto submitted = Clock::now();
    const auto index = static_cast<std::size_t>((slot.image.datastart - impl_->slots->slot(0)) /
                                                impl_->slots->address().slot_bytes);
    if (slot.lease_.use_count() == 0 || slot.image.data != impl_->slots->slot(index)) {
        throw std::invalid_argument("frame pool: submit(FrameSlot) takes a slot from this pool's acquire(), "
                                    "with its image still in place");
    }
    impl_->queue(index, std::move(slot.lease_), slot.image, id, timestamp, submitted);
}

std::optional<Frame> FramePool::next() {
    for (;;) {
        impl_->gather();
        if (auto frame = impl_->take_finished()) return frame;
        if (!impl_->drive()) return std::nullopt;
    }
}

std::optional<Frame> FramePool::try_next() {
    if (!impl_->pending.empty()) impl_->pool->poll_once(std::chrono::milliseconds(0));
    impl_->gather();
    return impl_->take_finished();
}

std::size_t FramePool::in_flight() const { return impl_->pending.size() + impl_->finished.size(); }
std::size_t FramePool::capacity() const { return impl_->options.capacity; }
int FramePool::workers() const { return impl_->pool->workers(); }
std::vector<pid_t> FramePool::worker_pids() const { return impl_->pool->worker_pids(); }
FrameLatency FramePool::latency() const { return impl_->latencies.summary(); }

}  // namespace pixpool

#pragma once
/// pixpool::FramePool: cv::Mat frames (a video's, a camera's) through worker
/// processes running a filter chain, with the pixels in shared memory.
///
///   pixpool::FrameOptions options;
///   options.filter_specs = {"gaussian_blur:sigma=3", "sharpen"};
///   pixpool::FramePool pool(options);       // makes the slots, forks the workers
///   pool.submit(frame, index);              // one copy in; blocks while `capacity` frames are in flight
///   while (auto done = pool.next()) {       // in submission order (or as they finish)
///       if (done->ok()) use(done->image);   // a view of shared memory: no copy out
///   }
///
/// Each frame travels in a slot of one memfd mapped by the master and by
/// every worker; the pool's messages carry only the slot and the sizes. A
/// worker that dies or runs past the timeout fails the frame it held (with
/// the frame's id), a fresh worker takes its place and the stream goes on.

#include <pixpool/pool.hpp>

#include <opencv2/core.hpp>

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pixpool {

/// Which frame next() returns.
enum class FrameOrder {
    Submission,  ///< the oldest submitted first, like multiprocessing's imap
    Completion,  ///< whichever finished first, like imap_unordered
};

struct FrameOptions {
    std::vector<std::string> filter_specs;  ///< "NAME[:k=v,...]", applied in order in the workers
    /// Optional, runs in the worker after the chain (Fork and ForkServer only:
    /// it is inherited, not sent). Throwing fails that frame.
    std::function<cv::Mat(const cv::Mat&)> process;
    int workers = 0;                        ///< 0: the CPUs this process may use
    /// Frames in flight at most (one slot each): submitted and not yet
    /// released by the caller. 0: 2 * workers + 2.
    std::size_t capacity = 0;
    /// The largest frame in or out, in bytes (rows * cols * channels * depth).
    /// Slots are sparse: only the pages a frame touches use memory.
    std::size_t max_frame_bytes = std::size_t(64) << 20;
    FrameOrder order = FrameOrder::Submission;
    double timeout_seconds = 0;             ///< per frame; 0: none
    /// Fork, or ForkServer for a host that will run threads later (a video
    /// decoder): replacement workers then never come from a threaded process.
    StartMethod start_method = StartMethod::Fork;
    /// Optional: a counter a SIGINT/SIGTERM handler increments (as for
    /// PoolOptions): at 1 queued frames come back Cancelled and running ones
    /// finish; at 2 the workers are killed and every frame in flight is Cancelled.
    const volatile std::sig_atomic_t* interrupts = nullptr;
    /// Optional: each line the workers write to stderr, instead of their
    /// writing it to the terminal themselves (see PoolOptions::worker_stderr).
    std::function<void(const std::string& line)> worker_stderr;
};

/// A processed frame. Its image is a view of the frame's slot: valid while
/// this Frame lives (even past the FramePool); clone() it to keep it longer.
/// Destroying the Frame gives the slot back.
class Frame {
public:
    std::uint64_t id = 0;          ///< the caller's id, as submitted
    double timestamp = 0;          ///< the caller's timestamp, as submitted
    Status status = Status::Cancelled;
    std::string error;             ///< empty when ok; else "frame <id>: <reason>"
    cv::Mat image;                 ///< the result (any size and type the chain made); empty unless ok
    double latency_ms = 0;         ///< from submit to the result in the master

    bool ok() const { return status == Status::Ok; }

    Frame() = default;
    Frame(Frame&&) noexcept = default;
    Frame& operator=(Frame&&) noexcept = default;

private:
    friend class FramePool;
    std::shared_ptr<void> lease_;  ///< gives the slot back when the last holder lets go
};

/// A slot handed to the caller to fill in place (no copy in at all).
class FrameSlot {
public:
    cv::Mat image;  ///< rows x cols of the type asked for, in shared memory

    FrameSlot(FrameSlot&&) noexcept = default;
    FrameSlot& operator=(FrameSlot&&) noexcept = default;

private:
    friend class FramePool;
    FrameSlot() = default;
    std::shared_ptr<void> lease_;
};

/// Per-frame latency (submit to result) over every frame so far.
struct FrameLatency {
    std::size_t frames = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    double max_ms = 0;
};

class FramePool {
public:
    /// Checks the chain (throws filters::FilterError), makes the slots, then
    /// starts the workers. Call before this process starts any thread.
    explicit FramePool(FrameOptions options);
    /// Waits for the frames in flight and reaps every worker.
    ~FramePool();
    FramePool(FramePool&&) noexcept;
    FramePool& operator=(FramePool&&) noexcept;

    /// Copies `frame` into a free slot and queues it. Blocks (driving the
    /// pool) while every slot is in flight. Throws PoolError when no slot can
    /// ever free up because the caller holds them all (call next() first),
    /// and std::invalid_argument for an empty frame or one over max_frame_bytes.
    void submit(const cv::Mat& frame, std::uint64_t id, double timestamp = 0);
    /// Same, but returns false at once instead of blocking.
    [[nodiscard]] bool try_submit(const cv::Mat& frame, std::uint64_t id, double timestamp = 0);

    /// A free slot shaped rows x cols of `type` to fill; blocks like submit.
    [[nodiscard]] FrameSlot acquire(int rows, int cols, int type);
    std::optional<FrameSlot> try_acquire(int rows, int cols, int type);
    /// Queues a slot from acquire(), with the caller's id and timestamp.
    void submit(FrameSlot slot, std::uint64_t id, double timestamp = 0);

    /// The next result in FrameOptions::order, waiting for it (driving the
    /// pool); nullopt when no frame is in flight.
    std::optional<Frame> next();
    /// Same, never waiting: nullopt when that result is not in yet.
    std::optional<Frame> try_next();

    /// Frames submitted and not yet returned by next().
    std::size_t in_flight() const;
    std::size_t capacity() const;
    int workers() const;
    std::vector<pid_t> worker_pids() const;
    FrameLatency latency() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pixpool

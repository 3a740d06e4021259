/// Frames through the pool: every depth and channel count, both orders,
/// bounded capacity, zero-copy slots, ids and timestamps carried through.

#include "frame_test_support.hpp"

#include <pixpool/filters.hpp>

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <set>

namespace {

using frames_test::run_stream;
using frames_test::stamp_of;
using frames_test::stamped_frame;
using pixpool::FrameOptions;
using pixpool::FramePool;

/// Blur and mirror with OpenCV directly: the filters take 8 and 16 bits
/// only, and frames of every depth must travel.
cv::Mat blur_and_mirror(const cv::Mat& frame) {
    cv::Mat blurred, mirrored;
    cv::GaussianBlur(frame, blurred, cv::Size(5, 5), 1.5);
    cv::flip(blurred, mirrored, 1);
    return mirrored;
}

TEST(FramePool, EveryDepthAndChannelCountMatchesTheSameWorkInline) {
    FrameOptions options;
    options.process = blur_and_mirror;
    options.workers = 2;
    FramePool pool(options);
    for (int depth : {CV_8U, CV_16U, CV_32F}) {
        for (int channels : {1, 3, 4}) {
            const cv::Mat input = stamped_frame(7, 37, 53, CV_MAKETYPE(depth, channels));  // odd sizes
            pool.submit(input, 1);
            auto done = pool.next();
            ASSERT_TRUE(done && done->ok()) << (done ? done->error : "no frame");
            const cv::Mat expected = blur_and_mirror(input);
            ASSERT_EQ(done->image.type(), expected.type());
            ASSERT_EQ(done->image.size(), expected.size());
            EXPECT_EQ(cv::norm(done->image, expected, cv::NORM_INF), 0) << "depth " << depth << " x" << channels;
        }
    }
}

TEST(FramePool, TheFilterChainRunsInTheWorkers) {
    FrameOptions options;
    options.filter_specs = {"gaussian_blur:sigma=1.5", "flip:axis=horizontal"};
    options.workers = 2;
    FramePool pool(options);
    const auto chain = pixpool::filters::Chain::parse(options.filter_specs);
    for (int type : {CV_8UC1, CV_8UC3, CV_16UC4}) {
        const cv::Mat input = stamped_frame(3, 37, 53, type);
        pool.submit(input, 1);
        auto done = pool.next();
        ASSERT_TRUE(done && done->ok()) << (done ? done->error : "no frame");
        EXPECT_EQ(cv::norm(done->image, chain.apply(input), cv::NORM_INF), 0) << "type " << type;
    }
}

TEST(FramePool, SubmissionOrderKeepsOrderIdsAndTimestamps) {
    FrameOptions options;
    options.workers = 2;
    options.capacity = 4;
    options.filter_specs = {"invert"};
    FramePool pool(options);
    const auto frames = run_stream(pool, 60);
    ASSERT_EQ(frames.size(), 60u);
    for (int i = 0; i < 60; ++i) {
        ASSERT_EQ(frames[i].status, pixpool::Status::Ok) << frames[i].error;
        EXPECT_EQ(frames[i].id, 1000u + i);
        EXPECT_DOUBLE_EQ(frames[i].timestamp, i / 25.0);
        EXPECT_EQ(frames[i].stamp, 255 - i % 256);  // inverted stamp, read back
    }
}

TEST(FramePool, CompletionOrderReturnsEveryFrameOnce) {
    FrameOptions options;
    options.workers = 2;
    options.order = pixpool::FrameOrder::Completion;
    // Uneven work, so completion order differs from submission order.
    options.process = [](const cv::Mat& frame) {
        if (stamp_of(frame) % 3 == 0) ::usleep(20000);
        return frame;
    };
    FramePool pool(options);
    const auto frames = run_stream(pool, 30);
    std::set<std::uint64_t> ids;
    for (const auto& frame : frames) {
        ASSERT_EQ(frame.status, pixpool::Status::Ok) << frame.error;
        EXPECT_EQ(frame.stamp + 1000u, frame.id);
        ids.insert(frame.id);
    }
    EXPECT_EQ(ids.size(), 30u);
}

TEST(FramePool, TrySubmitRefusesWhenEverySlotIsInFlight) {
    FrameOptions options;
    options.workers = 1;
    options.capacity = 2;
    options.process = [](const cv::Mat& frame) {
        ::usleep(100000);
        return frame;
    };
    FramePool pool(options);
    EXPECT_TRUE(pool.try_submit(stamped_frame(0), 0));
    EXPECT_TRUE(pool.try_submit(stamped_frame(1), 1));
    EXPECT_FALSE(pool.try_submit(stamped_frame(2), 2));
    EXPECT_EQ(pool.in_flight(), 2u);
    { auto first = pool.next(); ASSERT_TRUE(first && first->ok()); }  // released: its slot is free again
    EXPECT_TRUE(pool.try_submit(stamped_frame(2), 2));
}

TEST(FramePool, SubmitFailsClearlyWhenTheCallerHoldsEverySlot) {
    FrameOptions options;
    options.workers = 1;
    options.capacity = 2;
    FramePool pool(options);
    pool.submit(stamped_frame(0), 0);
    pool.submit(stamped_frame(1), 1);
    auto a = pool.next();
    auto b = pool.next();
    ASSERT_TRUE(a && b);
    EXPECT_THROW(pool.submit(stamped_frame(2), 2), pixpool::PoolError);
}

TEST(FramePool, ResultsAreViewsOfSharedMemoryAndOutliveThePool) {
    std::optional<pixpool::Frame> kept;
    {
        FrameOptions options;
        options.workers = 1;
        options.filter_specs = {"invert"};
        FramePool pool(options);
        pool.submit(stamped_frame(5), 5);
        kept = pool.next();
    }
    ASSERT_TRUE(kept && kept->ok());
    EXPECT_TRUE(frames_test::in_shared_slots(kept->image.data));  // no copy out
    EXPECT_EQ(stamp_of(kept->image), 250);
}

TEST(FramePool, AcquiredSlotIsFilledInPlace) {
    FrameOptions options;
    options.workers = 1;
    options.filter_specs = {"invert"};
    FramePool pool(options);
    pixpool::FrameSlot slot = pool.acquire(20, 30, CV_8UC1);
    EXPECT_TRUE(frames_test::in_shared_slots(slot.image.data));
    slot.image.setTo(10);
    pool.submit(std::move(slot), 42, 1.5);
    auto done = pool.next();
    ASSERT_TRUE(done && done->ok()) << done->error;
    EXPECT_EQ(done->id, 42u);
    EXPECT_EQ(cv::countNonZero(done->image != 245), 0);
}

TEST(FramePool, ChainMayChangeTheSizeWithinMaxFrameBytes) {
    FrameOptions options;
    options.workers = 1;
    options.filter_specs = {"resize:scale=2,upscale=true"};
    options.max_frame_bytes = 48 * 64 * 3 * 4;
    FramePool pool(options);
    pool.submit(stamped_frame(0), 0);
    auto done = pool.next();
    ASSERT_TRUE(done && done->ok()) << done->error;
    EXPECT_EQ(done->image.size(), cv::Size(128, 96));

    pool.submit(stamped_frame(1, 60, 80), 1);  // fits in, but its result does not
    auto too_big = pool.next();
    ASSERT_TRUE(too_big);
    EXPECT_EQ(too_big->status, pixpool::Status::Failed);
    EXPECT_NE(too_big->error.find("frame 1: "), std::string::npos) << too_big->error;
    EXPECT_NE(too_big->error.find("max_frame_bytes"), std::string::npos) << too_big->error;
    EXPECT_THROW(pool.submit(stamped_frame(2, 200, 200), 2), std::invalid_argument);
}

TEST(FramePool, AnErrorInTheWorkerFailsThatFrameOnly) {
    FrameOptions options;
    options.workers = 1;
    options.process = [](const cv::Mat& frame) {
        if (stamp_of(frame) == 0) throw std::runtime_error("no good");
        return frame;
    };
    FramePool pool(options);
    pool.submit(stamped_frame(0), 10);
    pool.submit(stamped_frame(1), 11);
    auto gray = pool.next();
    auto colour = pool.next();
    ASSERT_TRUE(gray && colour);
    EXPECT_EQ(gray->status, pixpool::Status::Failed);
    EXPECT_EQ(gray->error, "frame 10: no good");
    EXPECT_TRUE(colour->ok()) << colour->error;
}

TEST(FramePool, LatencyPercentilesCoverEveryFrame) {
    FrameOptions options;
    options.workers = 2;
    FramePool pool(options);
    run_stream(pool, 40);
    const pixpool::FrameLatency latency = pool.latency();
    EXPECT_EQ(latency.frames, 40u);
    EXPECT_GT(latency.p50_ms, 0);
    EXPECT_LE(latency.p50_ms, latency.p99_ms);
    EXPECT_LE(latency.p99_ms, latency.max_ms);
}

}  // namespace

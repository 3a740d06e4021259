/// A worker that dies or hangs on a frame fails that frame, with its id,
/// and a fresh worker carries the stream on.

#include "frame_test_support.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>

namespace {

using frames_test::run_stream;
using frames_test::stamp_of;
using frames_test::stamped_frame;

/// Frame 13 kills its worker: that frame alone fails, and the replacement
/// (forked by `method`: from here, or by the fork server) finds the slots.
void crash_costs_one_frame(pixpool::StartMethod method) {
    pixpool::FrameOptions options;
    options.workers = 2;
    options.start_method = method;
    options.process = [](const cv::Mat& frame) {
        if (stamp_of(frame) == 13) std::abort();
        return frame;
    };
    pixpool::FramePool pool(options);
    const auto before = pool.worker_pids();
    const auto frames = run_stream(pool, 40);
    ASSERT_EQ(frames.size(), 40u);
    for (int i = 0; i < 40; ++i) {
        EXPECT_EQ(frames[i].id, 1000u + i);
        if (i == 13) {
            EXPECT_EQ(frames[i].status, pixpool::Status::Crashed);
            EXPECT_EQ(frames[i].error.rfind("frame 1013: ", 0), 0u) << frames[i].error;
        } else {
            ASSERT_EQ(frames[i].status, pixpool::Status::Ok) << frames[i].error;
            EXPECT_EQ(frames[i].stamp, i);
        }
    }
    EXPECT_NE(pool.worker_pids(), before);
    EXPECT_EQ(pool.worker_pids().size(), 2u);
}

TEST(FramePoolFaults, WorkerCrashFailsOneFrameAndIsReplaced) { crash_costs_one_frame(pixpool::StartMethod::Fork); }

TEST(FramePoolFaults, WorkerCrashUnderAForkServerFailsOneFrameAndIsReplaced) {
    crash_costs_one_frame(pixpool::StartMethod::ForkServer);
}

TEST(FramePoolFaults, HungFrameTimesOutAndTheStreamGoesOn) {
    pixpool::FrameOptions options;
    options.workers = 2;
    options.timeout_seconds = 0.5;
    options.process = [](const cv::Mat& frame) {
        if (stamp_of(frame) == 4) ::sleep(30);
        return frame;
    };
    pixpool::FramePool pool(options);
    const auto frames = run_stream(pool, 12);
    ASSERT_EQ(frames.size(), 12u);
    for (int i = 0; i < 12; ++i) {
        if (i == 4) {
            EXPECT_EQ(frames[i].status, pixpool::Status::TimedOut);
            EXPECT_EQ(frames[i].error.rfind("frame 1004: ", 0), 0u) << frames[i].error;
        } else {
            EXPECT_EQ(frames[i].status, pixpool::Status::Ok) << frames[i].error;
        }
    }
}

}  // namespace

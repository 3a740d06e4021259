#pragma once
/// Frames for the frame pool tests: each stamped with its index, so order
/// and identity can be read back from the pixels after a round trip.

#include <pixpool/frames.hpp>

#include <opencv2/core.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace frames_test {

/// A rows x cols frame of `type`, filled with a pattern and its index in the
/// first pixel's first channel (mod 256, so it fits every depth).
inline cv::Mat stamped_frame(int index, int rows = 48, int cols = 64, int type = CV_8UC3) {
    cv::Mat frame(rows, cols, type);
    cv::randu(frame, 0, 200);
    frame.setTo(cv::Scalar::all(0), frame == 0);
    cv::Mat first_channel_of_first_pixel(1, 1, CV_MAKETYPE(frame.depth(), 1), frame.data);
    first_channel_of_first_pixel.setTo(index % 256);
    return frame;
}

inline int stamp_of(const cv::Mat& frame) {
    cv::Mat pixel(1, 1, CV_MAKETYPE(frame.depth(), 1), frame.data);
    cv::Mat as_int;
    pixel.convertTo(as_int, CV_32S);
    return as_int.at<int>(0, 0);
}

/// What a test keeps of a result after letting its slot go.
struct Seen {
    std::uint64_t id = 0;
    double timestamp = 0;
    pixpool::Status status = pixpool::Status::Cancelled;
    std::string error;
    int stamp = -1;  ///< the result's first value; -1 unless ok
};

/// Submits `count` frames stamped 0..count-1 with ids 1000+i and timestamps
/// i/25, taking results whenever the pool is full, as a video loop would;
/// returns what next() gave, in its order.
inline std::vector<Seen> run_stream(pixpool::FramePool& pool, int count, int rows = 48, int cols = 64,
                                    int type = CV_8UC3) {
    std::vector<Seen> seen;
    auto take = [&](pixpool::Frame frame) {
        seen.push_back({frame.id, frame.timestamp, frame.status, frame.error, frame.ok() ? stamp_of(frame.image) : -1});
    };
    for (int i = 0; i < count; ++i) {
        if (pool.in_flight() == pool.capacity()) take(std::move(*pool.next()));
        pool.submit(stamped_frame(i, rows, cols, type), 1000 + i, i / 25.0);
    }
    while (auto frame = pool.next()) take(std::move(*frame));
    return seen;
}

/// True when `address` lies in this process's mapping of the frames' memfd.
inline bool in_shared_slots(const void* address) {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    const auto at = reinterpret_cast<std::uintptr_t>(address);
    while (std::getline(maps, line)) {
        if (line.find("memfd:pixpool-frames") == std::string::npos) continue;
        std::uintptr_t from = 0, to = 0;
        std::sscanf(line.c_str(), "%lx-%lx", &from, &to);
        if (at >= from && at < to) return true;
    }
    return false;
}

}  // namespace frames_test

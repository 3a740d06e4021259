#pragma once
/// Per-frame latencies and their percentiles. Private to the frames module.

#include <pixpool/frames.hpp>

#include <vector>

namespace pixpool::frames_detail {

class LatencyLog {
public:
    void add(double ms) { samples_.push_back(ms); }
    /// p50 and p99 by nearest rank over every sample so far.
    FrameLatency summary() const;

private:
    std::vector<double> samples_;
};

}  // namespace pixpool::frames_detail

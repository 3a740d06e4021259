#include "latency.hpp"

#include <algorithm>
#include <cmath>

namespace pixpool::frames_detail {

FrameLatency LatencyLog::summary() const {
    FrameLatency out;
    out.frames = samples_.size();
    if (samples_.empty()) return out;
    std::vector<double> sorted = samples_;
    std::sort(sorted.begin(), sorted.end());
    auto rank = [&](double p) {
        const auto at = static_cast<std::size_t>(std::ceil(p * sorted.size()));
        return sorted[std::min(sorted.size(), std::max<std::size_t>(at, 1)) - 1];
    };
    out.p50_ms = rank(0.50);
    out.p99_ms = rank(0.99);
    out.max_ms = sorted.back();
    return out;
}

}  // namespace pixpool::frames_detail

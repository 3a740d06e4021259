#pragma once
/// What the pool's byte-string tasks and results carry for a frame: only
/// the slot and the shape, never pixels. Private to the frames module.

#include <cstddef>
#include <cstdint>
#include <string>

namespace pixpool::frames_detail {

/// Master to worker: "the frame `id` is in slot `slot`, rows x cols of `type`".
struct FrameTask {
    std::uint64_t id = 0;
    std::uint32_t slot = 0;
    std::int32_t rows = 0;
    std::int32_t cols = 0;
    std::int32_t type = 0;
};

/// Worker to master: "the result is in the same slot, rows x cols of `type`".
struct FrameShape {
    std::int32_t rows = 0;
    std::int32_t cols = 0;
    std::int32_t type = 0;
};

std::string encode(const FrameTask& task);
std::string encode(const FrameShape& shape);
/// Both throw std::runtime_error on bytes of the wrong size.
FrameTask decode_task(const std::string& bytes);
FrameShape decode_shape(const std::string& bytes);

}  // namespace pixpool::frames_detail

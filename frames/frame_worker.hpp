#pragma once
/// What a worker does with one frame, and how it sets itself up. Private.

#include "shared_slots.hpp"

#include <pixpool/filters.hpp>

#include <opencv2/core.hpp>

#include <functional>
#include <memory>
#include <string>

namespace pixpool::frames_detail {

/// Everything a worker needs, made in the master and inherited by the workers.
struct FrameJob {
    filters::Chain chain;
    std::function<cv::Mat(const cv::Mat&)> process;  ///< optional, after the chain
    std::shared_ptr<WorkerSlots> slots;              ///< mapped in each worker on first use
};

/// Worker only: OpenCV's own threads and OpenCL off, so N workers mean N
/// busy cores, and glibc keeping frame-sized blocks on the heap so each
/// frame's buffers reuse pages instead of faulting in fresh ones.
void prepare_frame_worker();

/// The pool's handler: runs the job on the frame a FrameTask names, leaves
/// the result in the same slot and returns its FrameShape. Throws
/// std::runtime_error "frame <id>: <reason>".
std::string process_frame(FrameJob& job, const std::string& payload);

}  // namespace pixpool::frames_detail

#include "frame_worker.hpp"

#include "frame_messages.hpp"

#include <opencv2/core/ocl.hpp>

#include <malloc.h>

#include <stdexcept>

namespace pixpool::frames_detail {
namespace {

/// Puts `result` at the start of the slot. A result that is already there
/// (an empty chain) stays; one that overlaps the slot elsewhere (a crop's
/// view of the input) is cloned first, since copyTo cannot overlap.
void place_in_slot(cv::Mat result, unsigned char* slot, std::size_t slot_bytes, std::uint64_t id) {
    const std::size_t bytes = result.total() * result.elemSize();
    if (bytes > slot_bytes) {
        throw std::runtime_error("frame " + std::to_string(id) + ": the result, " + std::to_string(result.cols) +
                                 "x" + std::to_string(result.rows) + ", is " + std::to_string(bytes) +
                                 " bytes, over max_frame_bytes (" + std::to_string(slot_bytes) + ")");
    }
    if (result.data == slot && result.isContinuous()) return;
    const bool overlaps = result.datastart < slot + slot_bytes && result.dataend > slot;
    if (overlaps) result = result.clone();
    cv::Mat target(result.rows, result.cols, result.type(), slot);
    result.copyTo(target);
}

}  // namespace

void prepare_frame_worker() {
    cv::setNumThreads(0);
    cv::ocl::setUseOpenCL(false);
    ::mallopt(M_MMAP_MAX, 0);
    ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

std::string process_frame(FrameJob& job, const std::string& payload) {
    const FrameTask task = decode_task(payload);
    unsigned char* slot = job.slots->slot(task.slot);
    const cv::Mat input(task.rows, task.cols, task.type, slot);
    cv::Mat result;
    try {
        result = job.chain.apply(input);
        if (job.process) result = job.process(result);
    } catch (const cv::Exception& e) {
        throw std::runtime_error("frame " + std::to_string(task.id) + ": filter failed: " + e.err);
    } catch (const std::exception& e) {
        throw std::runtime_error("frame " + std::to_string(task.id) + ": " + e.what());
    }
    if (result.empty()) throw std::runtime_error("frame " + std::to_string(task.id) + ": the result is empty");
    place_in_slot(result, slot, job.slots->slot_bytes(), task.id);
    return encode(FrameShape{result.rows, result.cols, result.type()});
}

}  // namespace pixpool::frames_detail

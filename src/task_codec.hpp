#pragma once
/// The pool's wire format for the image job: an ImageTask goes to a worker as
/// bytes and an ImageOutcome comes back as bytes. Private: only the batch and
/// its tests speak it.

#include <pixpool/image_job.hpp>

#include <string>

namespace pixpool {

std::string encode_task(const ImageTask& task);
ImageTask decode_task(const std::string& bytes);  ///< throws ImageError on malformed bytes
std::string encode_outcome(const ImageOutcome& outcome);
ImageOutcome decode_outcome(const std::string& bytes);

}  // namespace pixpool

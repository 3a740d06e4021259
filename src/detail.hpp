#pragma once
/// Small helpers shared by the image job's .cpp files. Not part of the public
/// API (it lives beside the sources, not under include/).

#include <pixpool/image_job.hpp>

#include <cstring>
#include <string>
#include <vector>

namespace pixpool::detail {

/// "<file>: <action>: <errno text>", the shape of every I/O error the user
/// sees, so messages from reading and writing look alike.
inline ImageError errno_error(const std::string& file, const char* action, int err) {
    return ImageError(file + ": " + action + ": " + std::strerror(err));
}

struct InputBytes;

/// pixpool::read_image on bytes already read (see there): the header check,
/// the decoding and the orientation all from the one buffer.
cv::Mat read_image(const InputBytes& input, const ReadOptions& options, std::string* warnings);

/// A JPEG's YCbCr planes (decode_input_planes) encoded as a 4:2:0 JPEG with
/// `metadata` and written as write_image_atomically writes.
void write_jpeg_planes_atomically(const std::vector<cv::Mat>& planes, const std::string& path,
                                  const OutputOptions& output, const ImageMetadata& metadata);

/// Writes all of `size` bytes to `fd`, retrying short writes and EINTR.
/// Returns 0 or the errno of the failure.
int write_all(int fd, const void* data, std::size_t size);

/// The extension of `path` without the dot, lower-cased ("a/B.JPG" -> "jpg").
std::string lower_extension(const std::string& path);

}  // namespace pixpool::detail

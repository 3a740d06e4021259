#pragma once
/// Small helpers shared by the image job's .cpp files. Not part of the public
/// API (it lives beside the sources, not under include/).

#include <pixpool/image_job.hpp>

#include <cstring>
#include <string>

namespace pixpool::detail {

/// "<file>: <action>: <errno text>", the shape of every I/O error the user
/// sees, so messages from reading and writing look alike.
inline ImageError errno_error(const std::string& file, const char* action, int err) {
    return ImageError(file + ": " + action + ": " + std::strerror(err));
}

/// The extension of `path` without the dot, lower-cased ("a/B.JPG" -> "jpg").
std::string lower_extension(const std::string& path);

}  // namespace pixpool::detail

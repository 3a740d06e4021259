#pragma once
/// The one door to OpenCV's imgcodecs, for PNG, TIFF, BMP and the rarer
/// formats pixpool has no codec of its own for. imgcodecs links about a
/// hundred libraries (GDAL, OpenEXR, JPEG 2000 ...) whose loading would cost
/// every run a few hundred system calls and a twentieth of a second of CPU,
/// so it lives in a module of its own, pixpool-opencv-codecs.so, which a
/// process loads the first time it meets such a file. A run on JPEG, WebP,
/// HEIF and GIF never loads it.
///
/// Where the module is looked for: in $PIXPOOL_MODULE_DIR alone when that is
/// set; else in the <libdir>/pixpool it was configured to install to, in
/// <libdir>/pixpool relative to the running program (so an installed pixpool
/// still finds it once moved), and, for programs run from the build tree,
/// in the build tree's lib/pixpool. Private to
/// pixpool_src; the module's side is opencv_module_entry.cpp.

#include <opencv2/core.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pixpool::detail {

/// The module's table of entry points; both sides are built together, so
/// the C++ types may cross. Each returns false with `error` set (OpenCV's
/// one-line reason) when OpenCV throws.
struct OpenCvCodecs {
    /// What the module and the library must share to work together: a hash
    /// of this header, the pixpool and OpenCV versions and the compiler
    /// (src/CMakeLists.txt). A module of another build is refused.
    const char* abi;
    bool (*decode)(std::string_view bytes, int flags, cv::Mat& out, std::string& error);
    bool (*encode)(const std::string& ext, const cv::Mat& image, const std::vector<int>& params,
                   std::vector<uchar>& out, std::string& error);
};

/// The module's file name, and the C name of its one exported function,
/// `const OpenCvCodecs* pixpool_opencv_codecs()`.
inline constexpr const char* kOpenCvModuleFile = "pixpool-opencv-codecs.so";
inline constexpr const char* kOpenCvModuleEntry = "pixpool_opencv_codecs";

/// The module, loaded on first use (once per process). Throws ImageError
/// "<path>: cannot <doing>: OpenCV's codecs (pixpool-opencv-codecs.so) cannot
/// be loaded: <why>" when it cannot be found or is from another version.
const OpenCvCodecs& opencv_codecs(const std::string& path, const char* doing);

}  // namespace pixpool::detail

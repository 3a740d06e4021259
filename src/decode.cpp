/// Reading one image from disk with OpenCV, turning every way it can go wrong
/// into an ImageError that names the file and the reason.

#include "detail.hpp"

#include <opencv2/imgcodecs.hpp>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pixpool {
namespace {

/// cv::imread says only "empty" for every failure, so ask the system first:
/// opening the file ourselves yields errno's reason (missing, permission) and
/// tells a folder apart from a file.
void check_readable_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw detail::errno_error(path, "cannot read", errno);
    struct stat info {};
    const int stat_result = ::fstat(fd, &info);
    const int stat_errno = errno;
    ::close(fd);
    if (stat_result != 0) throw detail::errno_error(path, "cannot read", stat_errno);
    if (S_ISDIR(info.st_mode)) throw ImageError(path + ": is a directory");
}

}  // namespace

cv::Mat read_image(const std::string& path) {
    check_readable_file(path);
    cv::Mat image;
    try {
        image = cv::imread(path, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        // e.what() is a multi-line report with OpenCV's source path; e.err is
        // the one-line reason a user can act on.
        throw ImageError(path + ": cannot decode: " + e.err);
    } catch (const std::bad_alloc&) {
        throw ImageError(path + ": cannot decode: out of memory");
    }
    if (image.empty()) throw ImageError(path + ": cannot decode (not an image or unsupported format)");
    return image;
}

}  // namespace pixpool

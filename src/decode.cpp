/// Reading one image: Exiv2 reads the header (declared size, EXIF
/// orientation) so that a decompression bomb is refused before a pixel is
/// allocated; OpenCV decodes the file with the codec's warnings caught and
/// tied to the file. Every way it can go
/// wrong becomes an ImageError that names the file and the reason.

#include "detail.hpp"
#include "image_header.hpp"
#include "stderr_capture.hpp"

#include <opencv2/imgcodecs.hpp>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pixpool {
namespace {

/// cv::imread says only "empty" for every failure, so ask the system first:
/// opening the file ourselves yields errno's reason (missing, permission) and
/// tells a folder or an empty file apart.
void check_readable_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw detail::errno_error(path, "cannot read", errno);
    struct stat info {};
    const int stat_result = ::fstat(fd, &info);
    const int stat_errno = errno;
    ::close(fd);
    if (stat_result != 0) throw detail::errno_error(path, "cannot read", stat_errno);
    if (S_ISDIR(info.st_mode)) throw ImageError(path + ": is a directory");
    if (info.st_size == 0) throw ImageError(path + ": cannot decode: the file is empty");
}

/// "900" or "0.03": whole megapixels once they are many.
std::string megapixels(double pixels) {
    char text[32];
    std::snprintf(text, sizeof text, pixels >= 1e7 ? "%.0f" : "%.2f", pixels / 1e6);
    return text;
}

void refuse_bombs(const std::string& path, const detail::ImageHeader& header, std::uint64_t max_pixels) {
    // Compared by division: a header may declare sizes whose product overflows.
    if (max_pixels == 0 || header.width == 0 || header.height <= max_pixels / header.width) return;
    throw ImageError(path + ": refused: " + std::to_string(header.width) + "x" + std::to_string(header.height) +
                     " is " + megapixels(double(header.width) * double(header.height)) +
                     " megapixels, over the limit of " + megapixels(double(max_pixels)) + " (--max-pixels)");
}

/// The codecs' messages as one line, for an error: libpng prints one line
/// per warning, and an error must stay one entry of the summary.
std::string one_line(const std::string& messages) {
    std::string line;
    std::size_t start = 0;
    while (start <= messages.size()) {
        std::size_t end = messages.find('\n', start);
        if (end == std::string::npos) end = messages.size();
        std::string part = messages.substr(start, end - start);
        while (!part.empty() && (part.back() == '\r' || part.back() == ' ')) part.pop_back();
        if (!part.empty()) line += (line.empty() ? "" : "; ") + part;
        start = end + 1;
    }
    return line;
}

/// Decodes from the file, not from memory: OpenCV's in-memory JPEG source
/// silently pads a truncated file, while libjpeg's file source warns.
cv::Mat decode(const std::string& path, std::string& warnings) {
    detail::StderrCapture messages;
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
    warnings = messages.take();
    if (image.empty()) {
        throw ImageError(path + ": cannot decode (" +
                         (warnings.empty() ? "not an image or unsupported format" : one_line(warnings)) + ")");
    }
    return image;
}

/// OpenCV's TIFF decoder reads some TIFFs through libtiff's RGBA interface,
/// which applies the orientation tag itself. When the decoded size is the
/// header's size turned a quarter, that has happened; turning again would
/// undo it.
bool already_upright(const cv::Mat& image, const detail::ImageHeader& header) {
    const bool quarter_turn = header.orientation >= 5;
    return quarter_turn && header.width != header.height && std::uint64_t(image.cols) == header.height &&
           std::uint64_t(image.rows) == header.width;
}

}  // namespace

cv::Mat read_image(const std::string& path, const ReadOptions& options, std::string* warnings) {
    check_readable_file(path);
    const detail::ImageHeader header = detail::read_header(path);
    refuse_bombs(path, header, options.max_pixels);
    std::string messages;
    cv::Mat image = decode(path, messages);
    if (!messages.empty()) {
        if (options.fail_on_warning) throw ImageError(path + ": decoder warning: " + one_line(messages));
        if (warnings) *warnings += (warnings->empty() ? "" : "\n") + messages;
    }
    if (options.auto_orient && header.orientation != 1 && !already_upright(image, header)) {
        static const filters::Filter* auto_orient = filters::find("auto_orient");
        filters::Values values;
        values.set("orientation", std::to_string(header.orientation));
        image = auto_orient->apply(image, values);
    }
    return image;
}

}  // namespace pixpool

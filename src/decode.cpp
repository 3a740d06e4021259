/// Reading one image from the bytes read once (input_file.hpp): the header
/// (declared size, EXIF orientation) is read so that a decompression bomb is
/// refused before a pixel is allocated; OpenCV decodes the same bytes with
/// the codec's warnings caught and tied to the file. Every way it can go
/// wrong becomes an ImageError that names the file and the reason.

#include "detail.hpp"
#include "header_size.hpp"
#include "image_header.hpp"
#include "stderr_capture.hpp"

#include <opencv2/imgcodecs.hpp>

#include <cerrno>
#include <cstdio>
#include <sys/mman.h>
#include <unistd.h>

namespace pixpool {
namespace {

/// "900", "0.03" or "0.0010": whole megapixels once they are many, never a bare 0.00.
std::string megapixels(double pixels) {
    char text[32];
    std::snprintf(text, sizeof text, pixels >= 1e7 ? "%.0f" : pixels >= 1e4 ? "%.2f" : "%.4f", pixels / 1e6);
    return text;
}

void refuse_bombs(const std::string& path, const detail::ImageHeader& header, std::uint64_t max_pixels) {
    if (header.jpeg_scans > detail::kMaxJpegScans) {
        throw ImageError(path + ": refused: " + std::to_string(header.jpeg_scans) + " JPEG scans, over the limit of " +
                         std::to_string(detail::kMaxJpegScans) + " (each costs a pass over the whole image)");
    }
    if (max_pixels == 0) return;
    // Without the size there is no knowing what the decoder will allocate.
    // (An unknown format, or a codec that cannot read its own header, fails
    // in the decoder before any allocation, with a better message.)
    if (header.size_unreadable)
        throw ImageError(path + ": refused: cannot read the image size from the header (--max-pixels 0 lifts the limit)");
    // Compared by division: a header may declare sizes whose product overflows.
    if (header.width == 0 || header.height <= max_pixels / header.width) return;
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

/// The bytes as a file of their own, in memory (memfd), for OpenCV to
/// decode by name: its in-memory JPEG source (cv::imdecode) silently pads a
/// truncated file with grey and drops libjpeg's "Premature end of JPEG
/// file", while its file source keeps the warning. The descriptor is
/// closed when the Memfd goes.
class Memfd {
public:
    Memfd(std::string_view bytes, const std::string& path) : fd_(::memfd_create("pixpool-input", MFD_CLOEXEC)) {
        if (fd_ < 0) throw detail::errno_error(path, "cannot decode: memfd_create", errno);
        if (const int err = detail::write_all(fd_, bytes.data(), bytes.size())) {
            ::close(fd_);
            throw detail::errno_error(path, "cannot decode: memfd", err);
        }
    }
    ~Memfd() { ::close(fd_); }
    Memfd(const Memfd&) = delete;
    Memfd& operator=(const Memfd&) = delete;
    std::string name() const { return "/proc/self/fd/" + std::to_string(fd_); }

private:
    int fd_;
};

cv::Mat decode(const detail::InputBytes& input, std::string& warnings) {
    const std::string& path = input.path;
    detail::StderrCapture messages;
    cv::Mat image;
    try {
        // A PNG's text chunks past the first few are never read (zTXt bombs).
        const std::string_view bytes(reinterpret_cast<const char*>(input.bytes.data()), input.bytes.size());
        const std::string capped = detail::png_with_text_capped(bytes, detail::kTextChunksRead);
        Memfd file(capped.empty() ? bytes : std::string_view(capped), path);
        image = cv::imread(file.name(), cv::IMREAD_UNCHANGED);
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

namespace detail {

cv::Mat read_image(const InputBytes& input, const ReadOptions& options, std::string* warnings) {
    const std::string& path = input.path;
    const ImageHeader header = read_header(input);
    refuse_bombs(path, header, options.max_pixels);
    std::string messages;
    cv::Mat image = decode(input, messages);
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

}  // namespace detail

cv::Mat read_image(const std::string& path, const ReadOptions& options, std::string* warnings) {
    return detail::read_image(detail::read_input_file(path), options, warnings);
}

}  // namespace pixpool

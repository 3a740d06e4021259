/// Picks the codec for an image in memory by its magic number (never by
/// its name: a PNG called .jpg is still a PNG), and decodes the formats
/// pixpool has no direct codec for with cv::imdecode, in OpenCV's module.

#include "codecs.hpp"
#include "opencv_module.hpp"
#include "stderr_capture.hpp"

#include <libheif/heif.h>
#include <opencv2/imgcodecs.hpp>  // IMREAD_UNCHANGED only: the codecs are in the module

#include <cstring>
#include <new>

namespace pixpool::detail {
namespace {

bool starts_with(std::string_view bytes, std::string_view magic, std::size_t at = 0) {
    return bytes.size() >= at + magic.size() && bytes.compare(at, magic.size(), magic) == 0;
}

}  // namespace

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

Codec sniff(std::string_view bytes) {
    if (starts_with(bytes, "\xFF\xD8\xFF")) return Codec::jpeg;
    if (starts_with(bytes, "RIFF") && starts_with(bytes, "WEBP", 8)) return Codec::webp;
    if (starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a")) return Codec::gif;
    if (starts_with(bytes, "ftyp", 4) &&
        heif_check_filetype(reinterpret_cast<const uint8_t*>(bytes.data()),
                            static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20))) != heif_filetype_no)
        return Codec::heif;
    return Codec::other;
}

/// libpng, libtiff and the rest print their warnings on stderr, so they are
/// caught there for the few formats without a codec of pixpool's own.
DecodedImage decode_other(const DecodeRequest& request) {
    const OpenCvCodecs& opencv = opencv_codecs(request.path, "decode");
    DecodedImage out;
    StderrCapture messages;
    std::string error;
    if (!opencv.decode(request.bytes, cv::IMREAD_UNCHANGED, out.pixels, error))
        throw ImageError(request.path + ": cannot decode: " + error);
    out.warnings = messages.take();
    if (out.pixels.empty()) {
        throw ImageError(request.path + ": cannot decode (" +
                         (out.warnings.empty() ? "not an image or unsupported format" : one_line(out.warnings)) +
                         ")");
    }
    out.stored = out.pixels.size();
    return out;
}

DecodedImage decode_any(const DecodeRequest& request) {
    if (request.bytes.empty()) throw ImageError(request.path + ": cannot decode: the file is empty");
    try {
        switch (sniff(request.bytes)) {
            case Codec::jpeg: return decode_jpeg(request);
            case Codec::webp: return decode_webp(request);
            case Codec::heif: return decode_heif(request);
            case Codec::gif: return decode_gif(request);
            case Codec::other: break;
        }
        return decode_other(request);
    } catch (const cv::Exception& e) {
        throw ImageError(request.path + ": cannot decode: " + e.err);
    } catch (const std::bad_alloc&) {
        throw ImageError(request.path + ": cannot decode: out of memory");
    }
}

}  // namespace pixpool::detail

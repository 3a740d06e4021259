/// Reading one image from the bytes read once (input_file.hpp): the codec
/// for its format (src/codecs/) reads the header first, so a decompression
/// bomb is refused before a pixel is allocated, and decodes with its
/// warnings tied to the file. Formats without a codec of pixpool's own have
/// their header read by Exiv2 (or their own small header parsers) first,
/// then go to OpenCV. Every way it can go wrong becomes an ImageError that
/// names the file and the reason.

#include "codecs/codecs.hpp"
#include "decoded_input.hpp"
#include "detail.hpp"
#include "header_size.hpp"
#include "image_header.hpp"
#include "shrink_on_load.hpp"

#include <string_view>
#include <utility>

namespace pixpool {
namespace detail {
namespace {

/// OpenCV's TIFF decoder reads some TIFFs through libtiff's RGBA interface,
/// which applies the orientation tag itself. When the decoded size is the
/// header's size turned a quarter, that has happened; turning again would
/// undo it.
bool already_upright(const cv::Mat& image, const ImageHeader& header) {
    const bool quarter_turn = header.orientation >= 5;
    return quarter_turn && header.width != header.height && std::uint64_t(image.cols) == header.height &&
           std::uint64_t(image.rows) == header.width;
}

/// What the header check adds to the size: a JPEG with absurdly many scans
/// (each a pass over the whole image) and, under a pixel limit, a format
/// OpenCV reads by itself whose size cannot be read.
void refuse_from_header(const std::string& path, const ImageHeader& header, std::uint64_t max_pixels) {
    if (header.jpeg_scans > kMaxJpegScans) {
        throw ImageError(path + ": refused: " + std::to_string(header.jpeg_scans) + " JPEG scans, over the limit of " +
                         std::to_string(kMaxJpegScans) + " (each costs a pass over the whole image)");
    }
    // Without the size there is no knowing what the decoder will allocate.
    // (An unknown format, or a codec that cannot read its own header, fails
    // in the decoder before any allocation, with a better message.)
    if (max_pixels != 0 && header.size_unreadable)
        throw ImageError(path +
                         ": refused: cannot read the image size from the header (--max-pixels 0 lifts the limit)");
    refuse_bombs(path, header.width, header.height, max_pixels);
}

/// The formats pixpool decodes through OpenCV: their size (and EXIF
/// orientation) come from the header, read before OpenCV allocates
/// anything; a PNG's text chunks past the first few never reach libpng.
DecodedImage decode_with_header_first(const InputBytes& input, DecodeRequest request) {
    const ImageHeader header = read_header(input);
    refuse_from_header(request.path, header, request.max_pixels);
    const std::string capped = png_with_text_capped(request.bytes, kTextChunksRead);
    if (!capped.empty()) request.bytes = capped;
    DecodedImage decoded = decode_any(request);
    decoded.orientation = already_upright(decoded.pixels, header) ? 1 : header.orientation;
    return decoded;
}

/// A JPEG's scans are counted by a walk over its markers before libjpeg
/// starts (a progressive JPEG has about ten).
void refuse_slow_jpeg(const std::string& path, std::string_view bytes) {
    ImageHeader header;
    header.jpeg_scans = count_jpeg_scans(bytes);
    refuse_from_header(path, header, 0);
}

}  // namespace

namespace {

/// The codec's warnings go to `warnings`, or fail the file with fail_on_warning.
void take_warnings(const DecodedImage& decoded, const InputBytes& input, const ReadOptions& options,
                   std::string* warnings) {
    if (decoded.warnings.empty()) return;
    if (options.fail_on_warning) throw ImageError(input.path + ": decoder warning: " + one_line(decoded.warnings));
    if (warnings) *warnings += (warnings->empty() ? "" : "\n") + decoded.warnings;
}

std::string_view bytes_of(const InputBytes& input) {
    return {reinterpret_cast<const char*>(input.bytes.data()), input.bytes.size()};
}

}  // namespace

DecodedInput decode_input(const InputBytes& input, const ReadOptions& options, const filters::Chain* chain,
                          std::string* warnings) {
    const std::string_view bytes = bytes_of(input);
    const SmallestSize smallest =
        chain && options.shrink_on_load ? plan_shrink_on_load(*chain, options.auto_orient) : SmallestSize{};
    const DecodeRequest request{bytes, input.path, options.max_pixels, smallest};
    const Codec codec = sniff(bytes);
    if (codec == Codec::jpeg) refuse_slow_jpeg(input.path, bytes);
    DecodedImage decoded = codec == Codec::other ? decode_with_header_first(input, request) : decode_any(request);
    take_warnings(decoded, input, options, warnings);
    const int orientation = options.auto_orient ? decoded.orientation : 1;
    DecodedInput out;
    if (chain) {
        ChainStart start = finish_shrink_on_load(*chain, decoded.pixels, decoded.stored, decoded.scale, orientation);
        out.image = std::move(start.image);
        out.rest = std::move(start.rest);
    } else {
        out.image = turned_upright(decoded.pixels, orientation);
    }
    out.icc = std::move(decoded.icc);
    out.icc_known = decoded.icc_known;
    out.jpeg_quality = decoded.jpeg_quality;
    return out;
}

bool decode_input_planes(const InputBytes& input, const ReadOptions& options, DecodedInput& out,
                         std::string* warnings) {
    const std::string_view bytes = bytes_of(input);
    if (sniff(bytes) != Codec::jpeg) return false;
    refuse_slow_jpeg(input.path, bytes);
    DecodedImage decoded;
    if (!decode_jpeg_planes({bytes, input.path, options.max_pixels, {}}, options.auto_orient, decoded)) return false;
    take_warnings(decoded, input, options, warnings);
    out.planes = std::move(decoded.planes);
    out.icc = std::move(decoded.icc);
    out.icc_known = decoded.icc_known;
    out.jpeg_quality = decoded.jpeg_quality;
    return true;
}

cv::Mat read_image(const InputBytes& input, const ReadOptions& options, std::string* warnings) {
    return decode_input(input, options, nullptr, warnings).image;
}

}  // namespace detail

cv::Mat read_image(const std::string& path, const ReadOptions& options, std::string* warnings) {
    return detail::read_image(detail::read_input_file(path), options, warnings);
}

}  // namespace pixpool

/// HEIC/HEIF and AVIF from memory with libheif (iPhone photos are HEIC).
/// The primary image is decoded with its container transformations (irot,
/// imir, clap) applied, so the pixels come out upright: the EXIF
/// orientation in a HEIF only restates them and must not be applied again.
/// The ICC profile is taken from the container.

#include "codecs.hpp"
#include "heif_handles.hpp"
#include "heif_metadata.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::detail {
namespace {

void check(const heif_error& error, const std::string& path) {
    if (error.code != heif_error_Ok)
        throw ImageError(path + ": cannot decode: " +
                         (error.message && *error.message ? error.message : "damaged HEIF"));
}

/// Interleaved RGB(A) planes from libheif to OpenCV's BGR(A); values above
/// 8 bits are stretched to the full 16-bit range, as a 16-bit PNG holds them.
cv::Mat to_opencv(const heif_image* image, bool alpha, int bits, cv::Size size) {
    int stride = 0;
    const uint8_t* plane = heif_image_get_plane_readonly(image, heif_channel_interleaved, &stride);
    const int depth = bits > 8 ? CV_16U : CV_8U;
    const cv::Mat rgb(size, CV_MAKETYPE(depth, alpha ? 4 : 3), const_cast<uint8_t*>(plane), std::size_t(stride));
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, alpha ? cv::COLOR_RGBA2BGRA : cv::COLOR_RGB2BGR);
    if (bits > 8 && bits < 16) bgr.convertTo(bgr, CV_16U, 65535.0 / double((1 << bits) - 1));
    return bgr;
}

}  // namespace

DecodedImage decode_heif(const DecodeRequest& request) {
    const std::string& path = request.path;
    Heif<heif_context> context(heif_context_alloc());
    if (!context) throw ImageError(path + ": cannot decode: out of memory");
    // A worker is one busy core: grid tiles (an iPhone photo is 48 of them)
    // are decoded in this thread, not in a thread per tile.
    heif_context_set_max_decoding_threads(context.get(), 0);
    check(heif_context_read_from_memory_without_copy(context.get(), request.bytes.data(), request.bytes.size(),
                                                     nullptr),
          path);
    heif_image_handle* raw_handle = nullptr;
    check(heif_context_get_primary_image_handle(context.get(), &raw_handle), path);
    Heif<heif_image_handle> handle(raw_handle);

    DecodedImage out;
    out.stored = cv::Size(heif_image_handle_get_width(handle.get()), heif_image_handle_get_height(handle.get()));
    refuse_bombs(path, std::uint64_t(std::max(0, out.stored.width)), std::uint64_t(std::max(0, out.stored.height)),
                 request.max_pixels);
    out.icc = heif_icc_profile(handle.get());
    out.icc_known = true;

    const bool alpha = heif_image_handle_has_alpha_channel(handle.get());
    const int bits = std::max(8, heif_image_handle_get_luma_bits_per_pixel(handle.get()));
    const heif_chroma chroma = bits > 8
                                   ? (alpha ? heif_chroma_interleaved_RRGGBBAA_LE : heif_chroma_interleaved_RRGGBB_LE)
                                   : (alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB);
    Heif<heif_decoding_options> options(heif_decoding_options_alloc());
    heif_image* raw_image = nullptr;
    check(heif_decode_image(handle.get(), &raw_image, heif_colorspace_RGB, chroma, options.get()), path);
    Heif<heif_image> image(raw_image);
    const cv::Size decoded(heif_image_get_width(image.get(), heif_channel_interleaved),
                           heif_image_get_height(image.get(), heif_channel_interleaved));
    out.pixels = to_opencv(image.get(), alpha, bits, decoded);
    return out;
}

}  // namespace pixpool::detail

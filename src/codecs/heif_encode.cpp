/// AVIF (AV1, libaom) and HEIC (HEVC, x265) output in memory with libheif,
/// where this libheif has the encoder. The ICC profile, EXIF and XMP go into
/// the container.

#include "heif_encode.hpp"
#include "heif_handles.hpp"

#include <opencv2/imgproc.hpp>

#include <cstring>

namespace pixpool::detail {
namespace {

void check(const heif_error& error, const std::string& path, const char* format) {
    if (error.code != heif_error_Ok)
        throw ImageError(path + ": cannot encode as " + format + ": " +
                         (error.message && *error.message ? error.message : "libheif failed"));
}

heif_compression_format compression_of(const std::string& format) {
    return format == "avif" ? heif_compression_AV1 : heif_compression_HEVC;
}

/// 8-bit BGR(A) or gray to libheif's interleaved RGB(A).
Heif<heif_image> to_heif(const cv::Mat& image, const std::string& path, const char* format) {
    cv::Mat rgb;
    const bool alpha = image.channels() == 4;
    cv::Mat eight = image;
    if (eight.depth() == CV_16U) eight.convertTo(eight, CV_8U, 1.0 / 257.0);
    const int conversion = image.channels() == 1 ? cv::COLOR_GRAY2RGB : alpha ? cv::COLOR_BGRA2RGBA : cv::COLOR_BGR2RGB;
    cv::cvtColor(eight, rgb, conversion);
    heif_image* raw = nullptr;
    check(heif_image_create(rgb.cols, rgb.rows, heif_colorspace_RGB,
                            alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, &raw),
          path, format);
    Heif<heif_image> out(raw);
    check(heif_image_add_plane(raw, heif_channel_interleaved, rgb.cols, rgb.rows, 8), path, format);
    int stride = 0;
    uint8_t* plane = heif_image_get_plane(raw, heif_channel_interleaved, &stride);
    for (int y = 0; y < rgb.rows; ++y)
        std::memcpy(plane + std::size_t(y) * stride, rgb.ptr(y), rgb.cols * rgb.elemSize());
    return out;
}

heif_error append(heif_context*, const void* data, size_t size, void* into) {
    auto& bytes = *static_cast<std::vector<unsigned char>*>(into);
    bytes.insert(bytes.end(), static_cast<const unsigned char*>(data), static_cast<const unsigned char*>(data) + size);
    return heif_error{heif_error_Ok, heif_suberror_Unspecified, ""};
}

}  // namespace

bool can_encode_heif(const std::string& format) {
    return heif_have_encoder_for_format(compression_of(format)) != 0;
}

std::vector<unsigned char> encode_heif(const cv::Mat& image, const HeifOutput& output, const std::string& path) {
    const char* format = output.format == "avif" ? "avif" : "heic";
    if (!can_encode_heif(output.format))
        throw ImageError(path + ": cannot encode as " + format + ": this libheif has no encoder for it");
    Heif<heif_context> context(heif_context_alloc());
    heif_encoder* raw_encoder = nullptr;
    check(heif_context_get_encoder_for_format(context.get(), compression_of(output.format), &raw_encoder), path,
          format);
    Heif<heif_encoder> encoder(raw_encoder);
    check(heif_encoder_set_lossy_quality(raw_encoder, output.quality), path, format);
    // libaom's default effort takes seconds per photo; "speed" 8 is within a
    // few percent of its size at a fraction of the time. One thread: a
    // worker is one core.
    if (output.format == "avif") {
        heif_encoder_set_parameter_integer(raw_encoder, "speed", 8);
        heif_encoder_set_parameter_integer(raw_encoder, "threads", 1);
    }
    Heif<heif_image> picture = to_heif(image, path, format);
    if (!output.icc.empty())
        check(heif_image_set_raw_color_profile(picture.get(), "prof", output.icc.data(), output.icc.size()), path,
              format);
    Heif<heif_encoding_options> options(heif_encoding_options_alloc());
    options->image_orientation = static_cast<heif_orientation>(output.orientation);
    heif_image_handle* raw_handle = nullptr;
    check(heif_context_encode_image(context.get(), picture.get(), raw_encoder, options.get(), &raw_handle), path,
          format);
    Heif<heif_image_handle> handle(raw_handle);
    if (!output.exif.empty())
        check(heif_context_add_exif_metadata(context.get(), raw_handle, output.exif.data(), int(output.exif.size())),
              path, format);
    if (!output.xmp.empty())
        check(heif_context_add_XMP_metadata(context.get(), raw_handle, output.xmp.data(), int(output.xmp.size())),
              path, format);
    std::vector<unsigned char> bytes;
    heif_writer writer{1, append};
    check(heif_context_write(context.get(), &writer, &bytes), path, format);
    return bytes;
}

}  // namespace pixpool::detail

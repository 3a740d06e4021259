/// Writing a WebP with libwebp, as OpenCV 4.6's WebPEncoder writes one
/// (the settings of libwebp's one-call WebPEncodeBGR & co: the default
/// preset at `quality`, 70 for lossless; gray turned BGR first), through
/// WebPConfig and WebPPicture so that a failure says why.

#include "codecs.hpp"

#include <opencv2/imgproc.hpp>

#include <webp/encode.h>

#include <algorithm>

namespace pixpool::detail {
namespace {

const char* error_text(WebPEncodingError error) {
    switch (error) {
        case VP8_ENC_ERROR_OUT_OF_MEMORY:
        case VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY: return "out of memory";
        case VP8_ENC_ERROR_BAD_DIMENSION: return "the image's size is beyond WebP's";
        case VP8_ENC_ERROR_PARTITION0_OVERFLOW:
            return "the first partition is over WebP's 512 KiB (try a lower quality)";
        case VP8_ENC_ERROR_PARTITION_OVERFLOW: return "a partition is over WebP's 16 MiB";
        case VP8_ENC_ERROR_FILE_TOO_BIG: return "the file would be over WebP's 4 GiB";
        default: return "libwebp failed";
    }
}

/// libwebp's one-call encoders give 70 as the quality of lossless
/// (LOSSLESS_DEFAULT_QUALITY), a middle effort.
constexpr float kLosslessQuality = 70.f;

}  // namespace

std::vector<uchar> encode_webp(const cv::Mat& image, int quality, bool lossless, const std::string& path) {
    const int channels = image.channels();
    if (image.depth() != CV_8U || (channels != 1 && channels != 3 && channels != 4))
        throw ImageError(path + ": cannot encode as webp: WebP takes 8-bit gray, BGR or BGRA (CV_8UC1, CV_8UC3, "
                         "CV_8UC4), not " + cv::typeToString(image.type()));
    // As OpenCV: quality over 100 means lossless, under 1 is 1.
    lossless = lossless || quality > 100;
    cv::Mat bgr = image;
    if (channels == 1) cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);  // libwebp takes no gray
    WebPConfig config;
    WebPPicture picture;
    WebPMemoryWriter writer;
    if (!WebPConfigPreset(&config, WEBP_PRESET_DEFAULT, lossless ? kLosslessQuality : float(std::max(quality, 1))) ||
        !WebPPictureInit(&picture))
        throw ImageError(path + ": cannot encode as webp: libwebp's headers do not match the library");
    config.lossless = lossless;
    picture.use_argb = lossless;
    picture.width = bgr.cols;
    picture.height = bgr.rows;
    picture.writer = WebPMemoryWrite;
    picture.custom_ptr = &writer;
    WebPMemoryWriterInit(&writer);
    const int stride = static_cast<int>(bgr.step[0]);
    const bool encoded = (channels == 4 ? WebPPictureImportBGRA(&picture, bgr.data, stride)
                                        : WebPPictureImportBGR(&picture, bgr.data, stride)) &&
                         WebPEncode(&config, &picture);
    const WebPEncodingError error = picture.error_code;
    WebPPictureFree(&picture);
    std::vector<uchar> bytes;
    try {
        if (encoded) bytes.assign(writer.mem, writer.mem + writer.size);
    } catch (...) {  // out of memory for the copy: libwebp's buffer is still ours to free
        WebPMemoryWriterClear(&writer);
        throw;
    }
    WebPMemoryWriterClear(&writer);
    if (!encoded) throw ImageError(path + ": cannot encode as webp: " + error_text(error));
    return bytes;
}

}  // namespace pixpool::detail

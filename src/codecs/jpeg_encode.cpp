/// Writing a JPEG with libjpeg-turbo, set up as OpenCV 4.6's JpegEncoder
/// sets it up for IMWRITE_JPEG_QUALITY and IMWRITE_JPEG_PROGRESSIVE
/// (jpeg_set_defaults: 4:2:0, JFIF, no restart interval, no optimised
/// Huffman tables; jpeg_set_quality limited to baseline tables; simple
/// progression), from either of two inputs:
/// - encode_jpeg: BGR or gray pixels, through libjpeg-turbo's own BGR
///   conversion and chroma downsampling, one row pointer per Mat row;
/// - encode_jpeg_planes: YCbCr planes through the raw data interface, with
///   no colour conversion and no downsampling, as the planes are already
///   what a 4:2:0 JPEG stores.

#include "codecs.hpp"
#include "jpeg_errors.hpp"

#include <opencv2/core.hpp>

#include <cstdlib>
#include <functional>

namespace pixpool::detail {
namespace {

/// What libjpeg is given to compress, beyond OpenCV's settings.
struct JpegInput {
    cv::Size size;
    int components = 3;
    J_COLOR_SPACE color_space = JCS_EXT_BGR;
    bool raw_420 = false;  ///< YCbCr planes, already 4:2:0, through jpeg_write_raw_data
    /// Writes every row once jpeg_start_compress is done. It runs between
    /// the setjmp and any longjmp, so it keeps no object with a destructor
    /// alive across a libjpeg call.
    std::function<void(jpeg_compress_struct&)> write_rows;
};

struct Compression {
    jpeg_compress_struct info{};
    JpegErrors errors;
    unsigned char* buffer = nullptr;  ///< libjpeg's memory destination; ours to free
    unsigned long size = 0;
};

/// Only libjpeg's frames (and write_rows) lie between the setjmp and any
/// longjmp; nothing here keeps a local object alive across a libjpeg call.
bool run_libjpeg(Compression& job, const JpegInput& input, int quality, bool progressive) {
    jpeg_compress_struct& info = job.info;
    use_jpeg_errors(reinterpret_cast<j_common_ptr>(&info), job.errors);
    if (setjmp(job.errors.escape)) return false;
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, &job.buffer, &job.size);
    info.image_width = static_cast<JDIMENSION>(input.size.width);
    info.image_height = static_cast<JDIMENSION>(input.size.height);
    info.input_components = input.components;
    info.in_color_space = input.color_space;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    if (progressive) jpeg_simple_progression(&info);
    if (input.raw_420) {
        info.comp_info[0].h_samp_factor = info.comp_info[0].v_samp_factor = 2;
        for (int c = 1; c < 3; ++c) info.comp_info[c].h_samp_factor = info.comp_info[c].v_samp_factor = 1;
        info.raw_data_in = TRUE;
    }
    jpeg_start_compress(&info, TRUE);
    input.write_rows(info);
    jpeg_finish_compress(&info);
    return true;
}

std::vector<uchar> compress(const JpegInput& input, int quality, bool progressive, const std::string& path) {
    Compression job;
    bool encoded = false;
    try {
        encoded = run_libjpeg(job, input, quality, progressive);
    } catch (...) {
        jpeg_destroy_compress(&job.info);
        std::free(job.buffer);
        throw;
    }
    jpeg_destroy_compress(&job.info);
    std::vector<uchar> bytes;
    try {
        if (encoded) bytes.assign(job.buffer, job.buffer + job.size);
    } catch (...) {  // out of memory for the copy: libjpeg's buffer is still ours to free
        std::free(job.buffer);
        throw;
    }
    std::free(job.buffer);
    if (!encoded) throw ImageError(path + ": cannot encode as jpg: " + job.errors.error);
    return bytes;
}

/// libjpeg's raw interface takes whole MCUs: 16x16 of Y and 8x8 of each
/// chroma plane. The edge is repeated into the padding, as libjpeg's own
/// downsampler does, so the last blocks hold no step to ring at.
void pad_to_mcus(const std::vector<cv::Mat>& planes, cv::Mat (&padded)[3]) {
    const int mcu_cols = (planes[0].cols + 15) / 16;
    const int mcu_rows = (planes[0].rows + 15) / 16;
    for (int c = 0; c < 3; ++c) {
        const int per_mcu = c == 0 ? 16 : 8;
        cv::copyMakeBorder(planes[c], padded[c], 0, mcu_rows * per_mcu - planes[c].rows, 0,
                           mcu_cols * per_mcu - planes[c].cols, cv::BORDER_REPLICATE);
    }
}

}  // namespace

std::vector<uchar> encode_jpeg(const cv::Mat& image, int quality, bool progressive, const std::string& path) {
    if (image.depth() != CV_8U || (image.channels() != 1 && image.channels() != 3))
        throw ImageError(path + ": cannot encode as jpg: JPEG takes 8-bit gray or BGR (CV_8UC1, CV_8UC3), not " +
                         cv::typeToString(image.type()));
    std::vector<JSAMPROW> rows(static_cast<std::size_t>(image.rows));
    for (int y = 0; y < image.rows; ++y) rows[std::size_t(y)] = const_cast<JSAMPROW>(image.ptr(y));
    JpegInput input;
    input.size = image.size();
    input.components = image.channels();
    input.color_space = image.channels() == 1 ? JCS_GRAYSCALE : JCS_EXT_BGR;
    input.write_rows = [&rows](jpeg_compress_struct& info) {
        while (info.next_scanline < info.image_height)
            jpeg_write_scanlines(&info, rows.data() + info.next_scanline, info.image_height - info.next_scanline);
    };
    return compress(input, quality, progressive, path);
}

std::vector<uchar> encode_jpeg_planes(const std::vector<cv::Mat>& planes, int quality, bool progressive,
                                      const std::string& path) {
    cv::Mat padded[3];
    pad_to_mcus(planes, padded);
    std::vector<JSAMPROW> rows[3] = {std::vector<JSAMPROW>(16), std::vector<JSAMPROW>(8), std::vector<JSAMPROW>(8)};
    JpegInput input;
    input.size = planes[0].size();
    input.color_space = JCS_YCbCr;
    input.raw_420 = true;
    input.write_rows = [&padded, &rows](jpeg_compress_struct& info) {
        JSAMPARRAY sources[3] = {rows[0].data(), rows[1].data(), rows[2].data()};
        while (info.next_scanline < info.image_height) {
            const int row = static_cast<int>(info.next_scanline);  // in Y rows; one MCU row per write
            for (int c = 0; c < 3; ++c) {
                const int first = c == 0 ? row : row / 2;
                for (std::size_t r = 0; r < rows[c].size(); ++r) rows[c][r] = padded[c].ptr(first + int(r));
            }
            jpeg_write_raw_data(&info, sources, 16);
        }
    };
    return compress(input, quality, progressive, path);
}

}  // namespace pixpool::detail

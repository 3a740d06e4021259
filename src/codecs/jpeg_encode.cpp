/// Writing a JPEG from its YCbCr planes through libjpeg's raw data
/// interface: no colour conversion and no chroma downsampling, as the
/// planes are already what a 4:2:0 JPEG stores.

#include "codecs.hpp"
#include "jpeg_errors.hpp"

#include <opencv2/core.hpp>

#include <cstdlib>

namespace pixpool::detail {
namespace {

struct EncodeJob {
    jpeg_compress_struct info{};
    JpegErrors errors;
    unsigned char* buffer = nullptr;  ///< libjpeg's memory destination; ours to free
    unsigned long size = 0;
    cv::Mat padded[3];                ///< each plane grown to whole MCUs
    std::vector<JSAMPROW> rows[3];
};

/// libjpeg's raw interface takes whole MCUs: 16x16 of Y and 8x8 of each
/// chroma plane. The edge is repeated into the padding, as libjpeg's own
/// downsampler does, so the last blocks hold no step to ring at.
void pad_to_mcus(EncodeJob& job, const std::vector<cv::Mat>& planes) {
    const int mcu_cols = (planes[0].cols + 15) / 16;
    const int mcu_rows = (planes[0].rows + 15) / 16;
    for (int c = 0; c < 3; ++c) {
        const int per_mcu = c == 0 ? 16 : 8;
        cv::copyMakeBorder(planes[c], job.padded[c], 0, mcu_rows * per_mcu - planes[c].rows, 0,
                           mcu_cols * per_mcu - planes[c].cols, cv::BORDER_REPLICATE);
        job.rows[c].resize(per_mcu);
    }
}

/// Only libjpeg's frames lie between the setjmp and any longjmp; nothing
/// here keeps a local object alive across a libjpeg call.
bool run_libjpeg(EncodeJob& job, cv::Size size, int quality, bool progressive) {
    jpeg_compress_struct& info = job.info;
    use_jpeg_errors(reinterpret_cast<j_common_ptr>(&info), job.errors);
    if (setjmp(job.errors.escape)) return false;
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, &job.buffer, &job.size);
    info.image_width = static_cast<JDIMENSION>(size.width);
    info.image_height = static_cast<JDIMENSION>(size.height);
    info.input_components = 3;
    info.in_color_space = JCS_YCbCr;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    if (progressive) jpeg_simple_progression(&info);
    info.comp_info[0].h_samp_factor = info.comp_info[0].v_samp_factor = 2;
    for (int c = 1; c < 3; ++c) info.comp_info[c].h_samp_factor = info.comp_info[c].v_samp_factor = 1;
    info.raw_data_in = TRUE;
    jpeg_start_compress(&info, TRUE);
    JSAMPARRAY sources[3] = {job.rows[0].data(), job.rows[1].data(), job.rows[2].data()};
    while (info.next_scanline < info.image_height) {
        const int row = static_cast<int>(info.next_scanline);  // in Y rows; one MCU row per write
        for (int c = 0; c < 3; ++c) {
            const int first = c == 0 ? row : row / 2;
            for (std::size_t r = 0; r < job.rows[c].size(); ++r) job.rows[c][r] = job.padded[c].ptr(first + int(r));
        }
        jpeg_write_raw_data(&info, sources, 16);
    }
    jpeg_finish_compress(&info);
    return true;
}

}  // namespace

std::vector<uchar> encode_jpeg_planes(const std::vector<cv::Mat>& planes, int quality, bool progressive,
                                      const std::string& path) {
    EncodeJob job;
    pad_to_mcus(job, planes);
    bool encoded = false;
    try {
        encoded = run_libjpeg(job, planes[0].size(), quality, progressive);
    } catch (...) {
        jpeg_destroy_compress(&job.info);
        std::free(job.buffer);
        throw;
    }
    jpeg_destroy_compress(&job.info);
    std::vector<uchar> bytes;
    if (encoded) bytes.assign(job.buffer, job.buffer + job.size);
    std::free(job.buffer);
    if (!encoded) throw ImageError(path + ": cannot encode as jpg: " + job.errors.error);
    return bytes;
}

}  // namespace pixpool::detail

/// JPEG from memory with libjpeg-turbo's own API. pixpool's error manager
/// turns libjpeg's warnings ("Premature end of JPEG file", "Corrupt JPEG
/// data: ...") into the file's warning text and its errors into the file's
/// error, so nothing is printed and no stderr has to be captured. libjpeg's
/// memory source warns on a truncated file (OpenCV's own memory source pads
/// it silently, which is why pixpool once decoded from the file instead).
///
/// The header is read first: the declared size is checked against the pixel
/// limit, the EXIF orientation and ICC profile are taken from the saved
/// markers, the quality is estimated from the quantisation tables, and
/// shrink-on-load picks libjpeg's DCT scaling (1/2, 1/4, 1/8).

#include "codecs.hpp"

#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <jpeglib.h>

#include <csetjmp>
#include <cstring>
#include <vector>

namespace pixpool::detail {
namespace {

/// Everything libjpeg's callbacks touch lives here, outside the function
/// that calls setjmp, so a longjmp back leaves no local in doubt.
struct JpegJob {
    jpeg_decompress_struct info{};
    jpeg_error_mgr errors{};
    std::jmp_buf escape{};
    std::string error;
    std::string warnings;
    int warning_count = 0;
    std::vector<JSAMPLE> cmyk_row;  ///< one row as libjpeg gives CMYK, before conversion
};

JpegJob& job_of(j_common_ptr info) {
    // `errors` is the job's second member; its address leads back to the job.
    return *reinterpret_cast<JpegJob*>(reinterpret_cast<char*>(info->err) - offsetof(JpegJob, errors));
}

std::string message_of(j_common_ptr info) {
    char text[JMSG_LENGTH_MAX] = {};
    (*info->err->format_message)(info, text);
    return text;
}

[[noreturn]] void on_error(j_common_ptr info) {
    JpegJob& job = job_of(info);
    job.error = message_of(info);
    std::longjmp(job.escape, 1);
}

/// Level -1 is a warning; higher levels are trace messages, never shown.
/// As libjpeg's own handler does, only the first warning is kept: the ones
/// after it follow from it ("Premature end of JPEG file", then "Corrupt JPEG
/// data: premature end of data segment"), and a damaged file can warn once
/// per segment, thousands of times.
void on_message(j_common_ptr info, int level) {
    if (level >= 0) return;
    JpegJob& job = job_of(info);
    if (job.warning_count++ == 0) job.warnings = message_of(info);
}

/// The EXIF block of the first APP1 marker that holds one.
std::string_view exif_block(const jpeg_decompress_struct& info) {
    static const char kExif[] = "Exif\0\0";
    for (jpeg_saved_marker_ptr m = info.marker_list; m; m = m->next) {
        if (m->marker == JPEG_APP0 + 1 && m->data_length > 6 && std::memcmp(m->data, kExif, 6) == 0)
            return {reinterpret_cast<const char*>(m->data) + 6, m->data_length - 6};
    }
    return {};
}

/// Adobe CMYK/YCCK as libjpeg gives it (inverted when an Adobe marker says
/// so, as Photoshop writes it) to BGR, the way OpenCV's own decoder does.
void cmyk_row_to_bgr(const JSAMPLE* cmyk, uchar* bgr, JDIMENSION width, bool inverted) {
    for (JDIMENSION x = 0; x < width; ++x, cmyk += 4, bgr += 3) {
        const int k = inverted ? cmyk[3] : 255 - cmyk[3];
        for (int c = 0; c < 3; ++c) {
            const int v = inverted ? cmyk[c] : 255 - cmyk[c];
            bgr[2 - c] = static_cast<uchar>(v * k / 255);
        }
    }
}

/// Reads the header, checks it, then decodes into `out`. Returns false with
/// job.error set when libjpeg gave up. Only libjpeg's frames lie between
/// the setjmp and any longjmp, and this function keeps no local object
/// alive across a libjpeg call, so no destructor is skipped.
bool run_libjpeg(JpegJob& job, const DecodeRequest& request, DecodedImage& out) {
    jpeg_decompress_struct& info = job.info;
    info.err = jpeg_std_error(&job.errors);
    job.errors.error_exit = on_error;
    job.errors.emit_message = on_message;
    if (setjmp(job.escape)) return false;

    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(request.bytes.data()),
                 static_cast<unsigned long>(request.bytes.size()));
    jpeg_save_markers(&info, JPEG_APP0 + 1, 0xFFFF);  // EXIF (orientation)
    jpeg_save_markers(&info, JPEG_APP0 + 2, 0xFFFF);  // ICC profile
    jpeg_read_header(&info, TRUE);
    refuse_bombs(request.path, info.image_width, info.image_height, request.max_pixels);

    out.stored = cv::Size(static_cast<int>(info.image_width), static_cast<int>(info.image_height));
    if (info.quant_tbl_ptrs[0]) out.jpeg_quality = estimate_jpeg_quality(info.quant_tbl_ptrs[0]->quantval);
    if (!exif_block(info).empty()) out.orientation = exif_orientation(exif_block(info));
    JOCTET* icc = nullptr;
    unsigned int icc_size = 0;
    if (jpeg_read_icc_profile(&info, &icc, &icc_size) && icc) {
        out.icc.assign(reinterpret_cast<const char*>(icc), icc_size);
        std::free(icc);
    }
    out.icc_known = true;

    if (request.smallest) {
        info.scale_num = 1;
        const cv::Size at_least = request.smallest(out.stored, out.orientation);
        info.scale_denom = static_cast<unsigned>(shrink_denominator(out.stored, at_least));
    }
    const bool cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    const bool gray = info.num_components == 1;
    info.out_color_space = gray ? JCS_GRAYSCALE : cmyk ? JCS_CMYK : JCS_EXT_BGR;
    jpeg_start_decompress(&info);

    out.pixels.create(static_cast<int>(info.output_height), static_cast<int>(info.output_width),
                      gray ? CV_8UC1 : CV_8UC3);
    job.cmyk_row.resize(cmyk ? std::size_t(info.output_width) * 4 : 0);
    while (info.output_scanline < info.output_height) {
        uchar* row = out.pixels.ptr(static_cast<int>(info.output_scanline));
        JSAMPROW target = cmyk ? job.cmyk_row.data() : row;
        jpeg_read_scanlines(&info, &target, 1);
        if (cmyk) cmyk_row_to_bgr(job.cmyk_row.data(), row, info.output_width, info.saw_Adobe_marker);
    }
    jpeg_finish_decompress(&info);
    out.scale = {1.0 / info.scale_denom, 1.0 / info.scale_denom};
    return true;
}

}  // namespace

DecodedImage decode_jpeg(const DecodeRequest& request) {
    JpegJob job;
    DecodedImage out;
    bool decoded = false;
    try {
        decoded = run_libjpeg(job, request, out);
    } catch (...) {
        jpeg_destroy_decompress(&job.info);
        throw;
    }
    jpeg_destroy_decompress(&job.info);
    // A warning that came first says why better than what libjpeg gave up
    // on after it ("Premature end of JPEG file" before "missing SOS marker").
    if (!decoded)
        throw ImageError(request.path + ": cannot decode (" + (job.warnings.empty() ? job.error : job.warnings) + ")");
    out.warnings = job.warnings;
    return out;
}

}  // namespace pixpool::detail

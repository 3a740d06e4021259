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
/// shrink-on-load picks libjpeg's DCT scaling (1/2, 1/4, 1/8). A 4:2:0
/// JPEG can also be decoded to its own YCbCr planes (libjpeg's raw data
/// interface), skipping the chroma upsampling and colour conversion.

#include "codecs.hpp"
#include "jpeg_errors.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace pixpool::detail {
namespace {

/// Everything libjpeg's callbacks touch lives here, outside the function
/// that calls setjmp, so a longjmp back leaves no local in doubt.
struct JpegJob {
    jpeg_decompress_struct info{};
    JpegErrors errors;
    std::vector<JSAMPLE> cmyk_row;  ///< one row as libjpeg gives CMYK, before conversion
    std::vector<JSAMPROW> rows[3];  ///< per plane, the rows of one raw read
};

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

/// 4:2:0 YCbCr, as cameras and phones write it: Y at full size, Cb and Cr
/// at half the size each way. pixpool's filters that allow it run on these
/// planes as stored, and its encoder writes them back the same way.
bool is_ycbcr_420(const jpeg_decompress_struct& info) {
    if (info.jpeg_color_space != JCS_YCbCr || info.num_components != 3) return false;
    const jpeg_component_info* c = info.comp_info;
    return c[0].h_samp_factor == 2 && c[0].v_samp_factor == 2 && c[1].h_samp_factor == 1 &&
           c[1].v_samp_factor == 1 && c[2].h_samp_factor == 1 && c[2].v_samp_factor == 1;
}

/// Reads the header and checks it: the pixel limit, then what the file
/// says of itself (size, quality, orientation, ICC profile) into `out`.
void read_header(JpegJob& job, const DecodeRequest& request, DecodedImage& out) {
    jpeg_decompress_struct& info = job.info;
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
}

/// Decodes the pixels, as BGR (or gray), into out.pixels.
void read_pixels(JpegJob& job, const DecodeRequest& request, DecodedImage& out) {
    jpeg_decompress_struct& info = job.info;
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
}

/// Decodes a 4:2:0 JPEG's planes as stored into out.planes, each padded to
/// whole MCUs as libjpeg's raw interface writes them (decode_jpeg_planes
/// cuts them to size).
void read_planes(JpegJob& job, DecodedImage& out) {
    jpeg_decompress_struct& info = job.info;
    info.raw_data_out = TRUE;
    info.out_color_space = JCS_YCbCr;
    jpeg_start_decompress(&info);
    const int mcu_rows = static_cast<int>(info.total_iMCU_rows);
    const int mcu_cols = static_cast<int>(info.MCUs_per_row);
    out.planes.resize(3);
    for (int c = 0; c < 3; ++c) {
        const int per_mcu = (c == 0 ? 2 : 1) * DCTSIZE;
        out.planes[c].create(mcu_rows * per_mcu, mcu_cols * per_mcu, CV_8UC1);
        job.rows[c].resize(per_mcu);
    }
    JSAMPARRAY targets[3] = {job.rows[0].data(), job.rows[1].data(), job.rows[2].data()};
    while (info.output_scanline < info.output_height) {
        const int row = static_cast<int>(info.output_scanline);  // in Y rows; one MCU row per read
        for (int c = 0; c < 3; ++c) {
            const int first = c == 0 ? row : row / 2;
            for (std::size_t r = 0; r < job.rows[c].size(); ++r) job.rows[c][r] = out.planes[c].ptr(first + int(r));
        }
        jpeg_read_raw_data(&info, targets, 2 * DCTSIZE);
    }
    jpeg_finish_decompress(&info);
}

enum class Want { pixels, planes };

/// Reads the header, then the pixels or (when the file is 4:2:0 YCbCr and,
/// with `upright`, needs no turning) the planes. Returns false with the job's
/// error set when libjpeg gave up. Only libjpeg's frames lie between the
/// setjmp and any longjmp, and these functions keep no local object alive
/// across a libjpeg call, so no destructor is skipped.
bool run_libjpeg(JpegJob& job, const DecodeRequest& request, Want want, bool upright, DecodedImage& out) {
    use_jpeg_errors(reinterpret_cast<j_common_ptr>(&job.info), job.errors);
    if (setjmp(job.errors.escape)) return false;
    read_header(job, request, out);
    if (want == Want::pixels) {
        read_pixels(job, request, out);
    } else if (is_ycbcr_420(job.info) && !(upright && out.orientation != 1)) {
        read_planes(job, out);
    }
    return true;
}

DecodedImage decode(const DecodeRequest& request, Want want, bool upright) {
    JpegJob job;
    DecodedImage out;
    bool decoded = false;
    try {
        decoded = run_libjpeg(job, request, want, upright, out);
    } catch (...) {
        jpeg_destroy_decompress(&job.info);
        throw;
    }
    jpeg_destroy_decompress(&job.info);
    // A warning that came first says why better than what libjpeg gave up
    // on after it ("Premature end of JPEG file" before "missing SOS marker").
    const JpegErrors& errors = job.errors;
    if (!decoded)
        throw ImageError(request.path + ": cannot decode (" + (errors.warnings.empty() ? errors.error : errors.warnings) +
                         ")");
    out.warnings = errors.warnings;
    return out;
}

}  // namespace

DecodedImage decode_jpeg(const DecodeRequest& request) { return decode(request, Want::pixels, false); }

bool decode_jpeg_planes(const DecodeRequest& request, bool upright, DecodedImage& out) {
    out = decode(request, Want::planes, upright);
    if (out.planes.empty()) return false;
    const cv::Size chroma((out.stored.width + 1) / 2, (out.stored.height + 1) / 2);
    // Cut to the planes' own sizes, into images of their own, so a filter
    // reflecting at the border sees the edge, not libjpeg's padding.
    out.planes[0] = out.planes[0](cv::Rect({0, 0}, out.stored)).clone();
    for (int c = 1; c < 3; ++c) out.planes[c] = out.planes[c](cv::Rect({0, 0}, chroma)).clone();
    return true;
}

}  // namespace pixpool::detail

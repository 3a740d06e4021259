/// WebP from memory with libwebp. The demuxer finds the first frame (so an
/// animated WebP gives its first frame instead of an error), the EXIF
/// orientation and the ICC profile; WebPDecoderConfig decodes straight into
/// the cv::Mat, at a reduced size when shrink-on-load asks for one
/// (libwebp's own rescaler, run while decoding).

#include "codecs.hpp"

#include <webp/decode.h>
#include <webp/demux.h>

#include <cmath>
#include <memory>

namespace pixpool::detail {
namespace {

struct DeleteDemux {
    void operator()(WebPDemuxer* demux) const { WebPDemuxDelete(demux); }
};

const char* status_text(VP8StatusCode status) {
    switch (status) {
        case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
        case VP8_STATUS_INVALID_PARAM: return "invalid parameter";
        case VP8_STATUS_BITSTREAM_ERROR: return "damaged WebP data";
        case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported WebP feature";
        case VP8_STATUS_SUSPENDED: return "decoding suspended";
        case VP8_STATUS_USER_ABORT: return "decoding aborted";
        case VP8_STATUS_NOT_ENOUGH_DATA: return "the WebP data is truncated";
        default: return "damaged WebP data";
    }
}

std::string chunk(WebPDemuxer* demux, const char* fourcc) {
    WebPChunkIterator it{};
    std::string bytes;
    if (WebPDemuxGetChunk(demux, fourcc, 1, &it))
        bytes.assign(reinterpret_cast<const char*>(it.chunk.bytes), it.chunk.size);
    WebPDemuxReleaseChunkIterator(&it);
    return bytes;
}

/// The size to decode at: all of it, or scaled down to no less than `at_least`.
cv::Size decode_size(cv::Size stored, cv::Size at_least) {
    if (at_least.width >= stored.width || at_least.height >= stored.height) return stored;
    const double f = std::max(double(at_least.width) / stored.width, double(at_least.height) / stored.height);
    return {int(std::ceil(stored.width * f)), int(std::ceil(stored.height * f))};
}

}  // namespace

DecodedImage decode_webp(const DecodeRequest& request) {
    const WebPData data{reinterpret_cast<const uint8_t*>(request.bytes.data()), request.bytes.size()};
    WebPDemuxState state{};
    std::unique_ptr<WebPDemuxer, DeleteDemux> demux(WebPDemuxPartial(&data, &state));
    if (!demux || state < WEBP_DEMUX_PARSED_HEADER)
        throw ImageError(request.path + ": cannot decode: damaged WebP container");
    DecodedImage out;
    out.stored = cv::Size(int(WebPDemuxGetI(demux.get(), WEBP_FF_CANVAS_WIDTH)),
                          int(WebPDemuxGetI(demux.get(), WEBP_FF_CANVAS_HEIGHT)));
    refuse_bombs(request.path, std::uint64_t(out.stored.width), std::uint64_t(out.stored.height), request.max_pixels);
    const std::string exif = chunk(demux.get(), "EXIF");
    // A WebP's EXIF chunk may still carry the JPEG APP1's "Exif\0\0" header.
    const std::size_t skip = exif.compare(0, 6, std::string("Exif\0\0", 6)) == 0 ? 6 : 0;
    if (exif.size() > skip) out.orientation = exif_orientation(std::string_view(exif).substr(skip));
    out.icc = chunk(demux.get(), "ICCP");
    out.icc_known = true;

    WebPIterator frame{};
    if (!WebPDemuxGetFrame(demux.get(), 1, &frame)) {
        WebPDemuxReleaseIterator(&frame);
        throw ImageError(request.path + ": cannot decode: " + status_text(VP8_STATUS_NOT_ENOUGH_DATA));
    }
    WebPDecoderConfig config;
    WebPInitDecoderConfig(&config);
    VP8StatusCode status = WebPGetFeatures(frame.fragment.bytes, frame.fragment.size, &config.input);
    const cv::Size full(frame.width, frame.height);
    out.stored = full;
    const bool alpha = config.input.has_alpha;
    // With alpha, shrinking stays with the resize filter, which weighs colours
    // by their alpha; a second, unweighted area resize after libwebp's would not.
    const bool shrink = request.smallest && !alpha;
    const cv::Size size = shrink ? decode_size(full, request.smallest(out.stored, out.orientation)) : full;
    out.scale = {double(size.width) / full.width, double(size.height) / full.height};
    if (status == VP8_STATUS_OK) {
        out.pixels.create(size, alpha ? CV_8UC4 : CV_8UC3);
        config.options.use_scaling = size != full;
        config.options.scaled_width = size.width;
        config.options.scaled_height = size.height;
        config.output.colorspace = alpha ? MODE_BGRA : MODE_BGR;
        config.output.is_external_memory = 1;
        config.output.u.RGBA.rgba = out.pixels.data;
        config.output.u.RGBA.stride = int(out.pixels.step[0]);
        config.output.u.RGBA.size = out.pixels.total() * out.pixels.elemSize();
        status = WebPDecode(frame.fragment.bytes, frame.fragment.size, &config);
        WebPFreeDecBuffer(&config.output);
    }
    WebPDemuxReleaseIterator(&frame);
    if (status != VP8_STATUS_OK) throw ImageError(request.path + ": cannot decode: " + status_text(status));
    if (state != WEBP_DEMUX_DONE) out.warnings = "WebP: the file is truncated after the first frame";
    return out;
}

}  // namespace pixpool::detail

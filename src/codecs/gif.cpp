/// GIF from memory with giflib: the first frame only (an animation's later
/// frames are not decoded at all), placed on the logical screen. The
/// result is BGR, or BGRA when the frame has a transparent colour or does
/// not cover the whole screen (the uncovered part is transparent).

#include "codecs.hpp"

#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace pixpool::detail {
namespace {

struct MemoryReader {
    std::string_view bytes;
    std::size_t offset = 0;
};

int read_from_memory(GifFileType* gif, GifByteType* into, int wanted) {
    auto& reader = *static_cast<MemoryReader*>(gif->UserData);
    const std::size_t n =
        std::min<std::size_t>(std::size_t(std::max(wanted, 0)), reader.bytes.size() - reader.offset);
    std::memcpy(into, reader.bytes.data() + reader.offset, n);
    reader.offset += n;
    return static_cast<int>(n);
}

struct CloseGif {
    void operator()(GifFileType* gif) const { DGifCloseFile(gif, nullptr); }
};
using GifFile = std::unique_ptr<GifFileType, CloseGif>;

std::string gif_error(int code) {
    const char* text = GifErrorString(code);
    return text ? text : "damaged GIF (error " + std::to_string(code) + ")";
}

[[noreturn]] void fail(GifFileType* gif, const std::string& path) {
    throw ImageError(path + ": cannot decode: " + gif_error(gif->Error));
}

/// Reads extension blocks up to the first image; keeps the transparent
/// colour from a graphics control block. False at the end of the file.
bool skip_to_first_image(GifFileType* gif, int& transparent, const std::string& path) {
    for (;;) {
        GifRecordType type = UNDEFINED_RECORD_TYPE;
        if (DGifGetRecordType(gif, &type) == GIF_ERROR) fail(gif, path);
        if (type == IMAGE_DESC_RECORD_TYPE) return true;
        if (type == TERMINATE_RECORD_TYPE) return false;
        if (type != EXTENSION_RECORD_TYPE) continue;
        int code = 0;
        GifByteType* block = nullptr;
        if (DGifGetExtension(gif, &code, &block) == GIF_ERROR) fail(gif, path);
        GraphicsControlBlock control{};
        if (code == GRAPHICS_EXT_FUNC_CODE && block && DGifExtensionToGCB(block[0], block + 1, &control) == GIF_OK)
            transparent = control.TransparentColor;
        while (block) {
            if (DGifGetExtensionNext(gif, &block) == GIF_ERROR) fail(gif, path);
        }
    }
}

/// The rows of the frame in the order they are stored: interlaced GIFs
/// store every 8th row from 0, every 8th from 4, every 4th from 2, every
/// 2nd from 1.
std::vector<int> row_order(int height, bool interlaced) {
    std::vector<int> rows;
    if (!interlaced) {
        for (int y = 0; y < height; ++y) rows.push_back(y);
        return rows;
    }
    const int start[] = {0, 4, 2, 1}, step[] = {8, 8, 4, 2};
    for (int pass = 0; pass < 4; ++pass)
        for (int y = start[pass]; y < height; y += step[pass]) rows.push_back(y);
    return rows;
}

}  // namespace

DecodedImage decode_gif(const DecodeRequest& request) {
    MemoryReader reader{request.bytes};
    int error = 0;
    GifFile gif(DGifOpen(&reader, read_from_memory, &error));
    if (!gif) throw ImageError(request.path + ": cannot decode: " + gif_error(error));
    refuse_bombs(request.path, std::uint64_t(std::max(0, gif->SWidth)), std::uint64_t(std::max(0, gif->SHeight)),
                 request.max_pixels);

    int transparent = NO_TRANSPARENT_COLOR;
    if (!skip_to_first_image(gif.get(), transparent, request.path))
        throw ImageError(request.path + ": cannot decode: the GIF holds no image");
    if (DGifGetImageDesc(gif.get()) == GIF_ERROR) fail(gif.get(), request.path);
    const GifImageDesc& frame = gif->Image;
    const ColorMapObject* colours = frame.ColorMap ? frame.ColorMap : gif->SColorMap;
    if (!colours || frame.Width <= 0 || frame.Height <= 0)
        throw ImageError(request.path + ": cannot decode: the GIF's first frame has no colour table or no size");
    refuse_bombs(request.path, std::uint64_t(frame.Width), std::uint64_t(frame.Height), request.max_pixels);

    const cv::Size screen(std::max(gif->SWidth, 1), std::max(gif->SHeight, 1));
    const cv::Rect placed = cv::Rect(frame.Left, frame.Top, frame.Width, frame.Height) & cv::Rect({}, screen);
    const bool alpha = transparent != NO_TRANSPARENT_COLOR || placed.size() != screen;

    DecodedImage out;
    out.stored = screen;
    out.icc_known = true;  // GIF has no ICC profile pixpool reads
    out.pixels = cv::Mat::zeros(screen, alpha ? CV_8UC4 : CV_8UC3);
    std::vector<GifPixelType> line(std::size_t(frame.Width));
    for (int y : row_order(frame.Height, frame.Interlace)) {
        if (DGifGetLine(gif.get(), line.data(), frame.Width) == GIF_ERROR) {
            out.warnings = "GIF: " + gif_error(gif->Error) + " (the first frame is incomplete)";
            break;
        }
        const int row = frame.Top + y;
        if (row < placed.y || row >= placed.y + placed.height) continue;
        uchar* pixel = out.pixels.ptr(row) + std::size_t(placed.x) * out.pixels.channels();
        for (int x = placed.x - frame.Left; x < placed.x - frame.Left + placed.width; ++x) {
            const int index = line[std::size_t(x)];
            const GifColorType colour = index < colours->ColorCount ? colours->Colors[index] : GifColorType{0, 0, 0};
            pixel[0] = colour.Blue;
            pixel[1] = colour.Green;
            pixel[2] = colour.Red;
            if (alpha) pixel[3] = index == transparent ? 0 : 255;
            pixel += out.pixels.channels();
        }
    }
    return out;
}

}  // namespace pixpool::detail

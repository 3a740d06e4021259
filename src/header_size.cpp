/// Declared sizes through the codecs' own header readers, each from memory,
/// each with its messages kept off stderr and its errors caught.

#include "header_size.hpp"

#include <cstdio>  // jpeglib.h needs FILE
#include <csetjmp>
#include <jpeglib.h>
#include <png.h>
#include <tiffio.h>
#include <webp/decode.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace pixpool::detail {
namespace {

bool starts_with(std::string_view bytes, std::string_view magic) {
    return bytes.size() >= magic.size() && bytes.compare(0, magic.size(), magic) == 0;
}

const unsigned char* data_of(std::string_view bytes) { return reinterpret_cast<const unsigned char*>(bytes.data()); }

// ---------------------------------------------------------------- JPEG

struct JpegErrors {
    jpeg_error_mgr manager;
    std::jmp_buf jump;
};

DeclaredSize jpeg_size(std::string_view bytes) {
    jpeg_decompress_struct info {};
    JpegErrors errors {};
    info.err = jpeg_std_error(&errors.manager);
    errors.manager.error_exit = [](j_common_ptr common) {
        std::longjmp(reinterpret_cast<JpegErrors*>(common->err)->jump, 1);
    };
    errors.manager.output_message = [](j_common_ptr) {};
    DeclaredSize size;
    if (setjmp(errors.jump) == 0) {
        jpeg_create_decompress(&info);
        jpeg_mem_src(&info, data_of(bytes), static_cast<unsigned long>(bytes.size()));
        if (jpeg_read_header(&info, TRUE) == JPEG_HEADER_OK) size = {info.image_width, info.image_height};
    }
    jpeg_destroy_decompress(&info);
    return size;
}

// ---------------------------------------------------------------- PNG

struct PngSource {
    std::string_view bytes;
    std::size_t at = 0;
};

DeclaredSize png_size(std::string_view bytes) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    if (!png) return {};
    png_infop info = png_create_info_struct(png);
    PngSource source{bytes};
    DeclaredSize size;
    if (info && setjmp(png_jmpbuf(png)) == 0) {
        png_set_error_fn(png, nullptr, [](png_structp p, png_const_charp) { png_longjmp(p, 1); },
                         [](png_structp, png_const_charp) {});
        png_set_read_fn(png, &source, [](png_structp p, png_bytep out, png_size_t n) {
            auto* src = static_cast<PngSource*>(png_get_io_ptr(p));
            if (src->bytes.size() - src->at < n) png_error(p, "truncated");
            std::memcpy(out, src->bytes.data() + src->at, n);
            src->at += n;
        });
        // Only IHDR matters here: every other ancillary chunk (text, iCCP,
        // a zTXt bomb) is skipped unread.
        png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, nullptr, -1);
        png_read_info(png, info);
    }
    // IHDR is the first chunk: when a later one is broken its size is still
    // what the decoder would allocate.
    if (info) size = {png_get_image_width(png, info), png_get_image_height(png, info)};
    png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
    return size;
}

// ---------------------------------------------------------------- TIFF

struct TiffSource {
    std::string_view bytes;
    toff_t at = 0;
};

tmsize_t tiff_read(thandle_t handle, void* out, tmsize_t n) {
    auto* src = static_cast<TiffSource*>(handle);
    if (src->at >= src->bytes.size() || n < 0) return 0;
    const auto count = std::min<std::size_t>(static_cast<std::size_t>(n), src->bytes.size() - src->at);
    std::memcpy(out, src->bytes.data() + src->at, count);
    src->at += count;
    return static_cast<tmsize_t>(count);
}

toff_t tiff_seek(thandle_t handle, toff_t offset, int whence) {
    auto* src = static_cast<TiffSource*>(handle);
    const toff_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? src->at : src->bytes.size();
    src->at = base + offset;
    return src->at;
}

DeclaredSize tiff_size(std::string_view bytes) {
    TiffSource source{bytes};
    TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
    const auto quiet = [](TIFF*, void*, const char*, const char*, va_list) { return 1; };
    TIFFOpenOptionsSetErrorHandlerExtR(options, quiet, nullptr);
    TIFFOpenOptionsSetWarningHandlerExtR(options, quiet, nullptr);
    TIFF* tiff = TIFFClientOpenExt(
        "input", "rm", &source, tiff_read, [](thandle_t, void*, tmsize_t) -> tmsize_t { return 0; }, tiff_seek,
        [](thandle_t) { return 0; }, [](thandle_t h) -> toff_t { return static_cast<TiffSource*>(h)->bytes.size(); },
        nullptr, nullptr, options);
    TIFFOpenOptionsFree(options);
    DeclaredSize size;
    if (!tiff) return size;
    std::uint32_t width = 0, height = 0;
    if (TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &width) == 1 && TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &height) == 1)
        size = {width, height};
    TIFFClose(tiff);
    return size;
}

DeclaredSize webp_size(std::string_view bytes) {
    int width = 0, height = 0;
    if (!WebPGetInfo(data_of(bytes), bytes.size(), &width, &height)) return {};
    return {static_cast<std::uint64_t>(width), static_cast<std::uint64_t>(height)};
}

/// The header reader of the codec the magic number names, if pixpool links it.
DeclaredSize (*codec_reader(std::string_view bytes))(std::string_view) {
    if (starts_with(bytes, "\xFF\xD8\xFF")) return jpeg_size;
    if (starts_with(bytes, "\x89PNG\r\n\x1A\n")) return png_size;
    if (starts_with(bytes, "RIFF") && bytes.size() >= 12 && bytes.compare(8, 4, "WEBP") == 0) return webp_size;
    if (starts_with(bytes, std::string_view("II*\0", 4)) || starts_with(bytes, std::string_view("MM\0*", 4)) ||
        starts_with(bytes, std::string_view("II+\0", 4)) || starts_with(bytes, std::string_view("MM\0+", 4)))
        return tiff_size;
    return nullptr;
}

}  // namespace

DeclaredSize declared_size(std::string_view bytes) {
    if (const auto reader = codec_reader(bytes)) {
        DeclaredSize size = reader(bytes);
        size.reader = HeaderReader::codec;
        return size;
    }
    return opencv_format_size(bytes);
}

std::size_t count_jpeg_scans(std::string_view bytes) {
    std::size_t scans = 0;
    const auto at = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    std::size_t i = 2;  // after SOI
    while (i + 3 < bytes.size()) {
        if (at(i) != 0xFF) {
            ++i;  // entropy-coded data of the scan before
            continue;
        }
        const unsigned char marker = at(i + 1);
        if (marker == 0x00 || marker == 0xFF || (marker >= 0xD0 && marker <= 0xD7)) {
            i += marker == 0xFF ? 1 : 2;  // a stuffed zero, a fill byte or a restart marker inside a scan
            continue;
        }
        if (marker == 0xD9) break;  // EOI
        if (marker == 0xDA) ++scans;
        i += 2 + ((std::size_t(at(i + 2)) << 8) | at(i + 3));  // the segment; a scan's data follows it
    }
    return scans;
}

namespace {

/// Whether a text chunk (its data, from the keyword on) holds metadata Exiv2
/// reads: EXIF, IPTC or XMP as "Raw profile type ..." (ImageMagick's way) or
/// XMP as "XML:com.adobe.xmp".
bool holds_metadata(std::string_view data) {
    return starts_with(data, "Raw profile type ") || starts_with(data, "XML:com.adobe.xmp");
}

}  // namespace

std::string png_with_text_capped(std::string_view bytes, std::size_t keep, bool metadata_only) {
    constexpr std::size_t kSignature = 8;
    if (!starts_with(bytes, "\x89PNG\r\n\x1A\n")) return {};
    std::string out(bytes.substr(0, kSignature));
    std::size_t texts = 0;
    bool dropped = false;
    for (std::size_t at = kSignature; at < bytes.size();) {
        if (bytes.size() - at < 12) {  // a torn chunk: left for the decoder to judge
            out.append(bytes.substr(at));
            break;
        }
        const auto byte = [&](std::size_t i) { return std::uint64_t(static_cast<unsigned char>(bytes[i])); };
        const std::uint64_t length = (byte(at) << 24) | (byte(at + 1) << 16) | (byte(at + 2) << 8) | byte(at + 3);
        const std::string_view type = bytes.substr(at + 4, 4);
        const std::size_t whole = static_cast<std::size_t>(std::min<std::uint64_t>(length + 12, bytes.size() - at));
        const bool text = type == "tEXt" || type == "zTXt" || type == "iTXt";
        const bool wanted =
            !text || (texts++ < keep && (!metadata_only || holds_metadata(bytes.substr(at + 8, whole - 8))));
        if (wanted) out.append(bytes.substr(at, whole));
        dropped = dropped || !wanted;
        at += whole;
    }
    return dropped ? out : std::string();
}

}  // namespace pixpool::detail

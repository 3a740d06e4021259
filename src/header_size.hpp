#pragma once
/// The size an image declares, read before any pixel is decoded, so that
/// --max-pixels holds for every format: with the codec's own header reader
/// where pixpool links the codec (libjpeg, libpng, libwebp, libtiff), and
/// for the formats OpenCV decodes by itself (BMP, Netpbm, PAM, PFM,
/// Radiance HDR, Sun raster, JPEG 2000, OpenEXR) by following its
/// readHeader step by step, so the two cannot disagree.
///
/// Every function takes the file's bytes and never throws (they are fuzzed).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pixpool::detail {

/// Who reads a format's header, which says what an unreadable one means.
enum class HeaderReader {
    none,    ///< no decoder knows these bytes: the decoder says "not an image"
    codec,   ///< the decoding library itself: it fails on that header too
    opencv,  ///< OpenCV's own code, followed here: an unreadable header must be refused
};

struct DeclaredSize {
    std::uint64_t width = 0;
    std::uint64_t height = 0;
    HeaderReader reader = HeaderReader::none;
    bool known() const { return width > 0 && height > 0; }
};

/// The declared size; !known() when the header cannot be read or the format
/// is none of the above.
DeclaredSize declared_size(std::string_view bytes);

/// The formats OpenCV reads with its own code (header_size_text.cpp);
/// !known() for the others.
DeclaredSize opencv_format_size(std::string_view bytes);

/// How many scans (SOS markers) a JPEG has, counted by walking its markers
/// without decoding; a progressive JPEG has about ten, and each scan costs
/// a pass over the whole image, so 20,000 empty ones take seconds.
std::size_t count_jpeg_scans(std::string_view bytes);

/// A PNG with only the first `keep` of its text chunks (tEXt, zTXt, iTXt):
/// libpng inflates every zTXt while reading the header, so 200 chunks of
/// 4 MB each cost seconds before the first pixel. With `metadata_only`,
/// also without the text chunks that hold no EXIF, IPTC or XMP (a comment):
/// Exiv2 refuses a whole file for one text over 128 KB, and pixpool
/// carries no comments anyway. Empty when there is nothing to drop (not a
/// PNG, or nothing over the cap), so the usual file is never copied.
std::string png_with_text_capped(std::string_view bytes, std::size_t keep, bool metadata_only = false);

}  // namespace pixpool::detail

/// Metadata from an input to its output with Exiv2. Reading: the ICC profile,
/// and on request the EXIF, XMP and IPTC, cleaned of what no longer describes the
/// output (orientation, thumbnail, pixel size, TIFF layout); a HEIF's are
/// found by libheif, then cleaned the same way. Writing: into the encoded
/// bytes in memory (Exiv2 on a MemIo), so the output file is still written
/// once and renamed into place; AVIF and HEIC outputs get theirs from the
/// encoder (write.cpp) instead.

#include "metadata.hpp"

#include "codecs/codecs.hpp"
#include "codecs/heif_metadata.hpp"
#include "header_size.hpp"
#include "image_header.hpp"
#include "input_file.hpp"

#include <pixpool/formats.hpp>

#include <exiv2/exiv2.hpp>

#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>

namespace pixpool {
namespace {

/// Exiv2 reports what it dislikes on stderr unless told not to; a worker's
/// stderr is for its logger. Problems surface as exceptions instead.
void quiet_exiv2() {
    static const bool done = [] {
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
        Exiv2::XmpParser::initialize();
        return true;
    }();
    (void)done;
}

/// EXIF tags that describe the input's pixels or its file layout, not the
/// picture: wrong for an output that OpenCV encoded afresh (and, on a TIFF
/// output, harmful: they would fight its own strips). The ICC profile and
/// XMP inside TIFF tags travel on their own.
const char* const kLayoutTags[] = {
    "Exif.Image.NewSubfileType", "Exif.Image.SubfileType", "Exif.Image.ImageWidth", "Exif.Image.ImageLength",
    "Exif.Image.BitsPerSample", "Exif.Image.Compression", "Exif.Image.PhotometricInterpretation",
    "Exif.Image.FillOrder", "Exif.Image.StripOffsets", "Exif.Image.SamplesPerPixel", "Exif.Image.RowsPerStrip",
    "Exif.Image.StripByteCounts", "Exif.Image.PlanarConfiguration", "Exif.Image.Predictor",
    "Exif.Image.TileWidth", "Exif.Image.TileLength", "Exif.Image.TileOffsets", "Exif.Image.TileByteCounts",
    "Exif.Image.SubIFDs", "Exif.Image.ExtraSamples", "Exif.Image.SampleFormat",
    "Exif.Image.JPEGInterchangeFormat", "Exif.Image.JPEGInterchangeFormatLength", "Exif.Image.InterColorProfile",
    "Exif.Image.XMLPacket", "Exif.Image.ImageResources", "Exif.Photo.PixelXDimension",
    "Exif.Photo.PixelYDimension",
};

/// XMP properties that restate the input's size or orientation.
const char* const kXmpSizeTags[] = {
    "Xmp.tiff.ImageWidth", "Xmp.tiff.ImageLength", "Xmp.exif.PixelXDimension", "Xmp.exif.PixelYDimension",
};

std::string exif_for_output(Exiv2::ExifData exif, Exiv2::ByteOrder order, bool upright) {
    if (exif.empty()) return {};
    Exiv2::ExifThumb(exif).erase();
    for (const char* key : kLayoutTags) {
        auto it = exif.findKey(Exiv2::ExifKey(key));
        if (it != exif.end()) exif.erase(it);
    }
    if (upright) {
        auto it = exif.findKey(Exiv2::ExifKey("Exif.Image.Orientation"));
        if (it != exif.end()) *it = static_cast<uint16_t>(1);  // a SHORT, the tag's own type
    }
    if (exif.empty()) return {};
    Exiv2::Blob blob;
    Exiv2::ExifParser::encode(blob, order == Exiv2::invalidByteOrder ? Exiv2::littleEndian : order, exif);
    return std::string(blob.begin(), blob.end());
}

std::string xmp_for_output(Exiv2::XmpData xmp, bool upright) {
    if (xmp.empty()) return {};
    for (const char* key : kXmpSizeTags) {
        auto it = xmp.findKey(Exiv2::XmpKey(key));
        if (it != xmp.end()) xmp.erase(it);
    }
    if (upright) {
        auto it = xmp.findKey(Exiv2::XmpKey("Xmp.tiff.Orientation"));
        if (it != xmp.end()) it->setValue("1");
    }
    std::string packet;
    if (Exiv2::XmpParser::encode(packet, xmp, Exiv2::XmpParser::omitPacketWrapper) != 0)
        throw Exiv2::Error(Exiv2::kerErrorMessage, "cannot encode XMP");
    return packet;
}

/// The IPTC datasets as IPTC IIM bytes; "" when there are none.
std::string iptc_for_output(Exiv2::Image& image) {
    if (image.iptcData().empty()) return {};
    const Exiv2::DataBuf blob = Exiv2::IptcParser::encode(image.iptcData());
    return std::string(reinterpret_cast<const char*>(blob.pData_), static_cast<std::size_t>(blob.size_));
}

/// Puts IPTC IIM bytes on `image`, where its format holds IPTC (not WebP).
void embed_iptc(Exiv2::Image& image, const std::string& iptc) {
    if (iptc.empty() || !(image.checkMode(Exiv2::mdIptc) & Exiv2::amWrite)) return;
    Exiv2::IptcData data;
    if (Exiv2::IptcParser::decode(data, reinterpret_cast<const Exiv2::byte*>(iptc.data()),
                                  static_cast<uint32_t>(iptc.size())) != 0)
        throw Exiv2::Error(Exiv2::kerErrorMessage, "cannot decode the input's IPTC");
    image.setIptcData(data);
}

/// The ICC profile's data colour space, the 4 bytes at offset 16 ("RGB ",
/// "GRAY", "CMYK", ...), trimmed; "" if the profile is too short to say.
std::string icc_colour_space(const std::string& icc) {
    if (icc.size() < 20) return "";
    std::string space = icc.substr(16, 4);
    while (!space.empty() && space.back() == ' ') space.pop_back();
    return space;
}

/// The input's EXIF, to be merged into the output's own: on a TIFF output
/// that has its layout tags, which are kept.
void merge_exif(Exiv2::ExifData& into, const std::string& blob) {
    Exiv2::ExifData from;
    Exiv2::ExifParser::decode(from, reinterpret_cast<const Exiv2::byte*>(blob.data()),
                              static_cast<uint32_t>(blob.size()));
    for (const Exiv2::Exifdatum& datum : from) {
        auto it = into.findKey(Exiv2::ExifKey(datum.key()));
        if (it != into.end()) {
            it->setValue(&datum.value());
        } else {
            into.add(datum);
        }
    }
}

// Two bugs of Exiv2 0.27 (Debian 12) in writing ICC profiles, worked around
// here until Exiv2 0.28.1+ is the floor.

/// PNG: Exiv2 writes the iCCP chunk with the profile name it read from the
/// file, empty for a fresh file, and libpng and browsers reject an iCCP
/// chunk without a name (Exiv2 issue #2354). So a named placeholder iCCP
/// (a 4-byte profile) goes in after IHDR first: Exiv2 reads its name, and
/// replaces its profile with ours.
void add_png_icc_placeholder(std::vector<unsigned char>& png) {
    static const unsigned char chunk[] = {
        0x00, 0x00, 0x00, 0x19, 'i', 'C', 'C', 'P', 'I', 'C', 'C', ' ', 'P', 'r', 'o', 'f', 'i', 'l', 'e', 0x00, 0x00,
        0x78, 0x9c, 0x63, 0x60, 0x60, 0x60, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01, 0xfb, 0x90, 0xda, 0xe5};
    // 8-byte signature, then IHDR: length 13, "IHDR", 13 bytes, CRC.
    constexpr std::size_t after_ihdr = 8 + 4 + 4 + 13 + 4;
    if (png.size() < after_ihdr || std::memcmp(png.data() + 12, "IHDR", 4) != 0) return;
    png.insert(png.begin() + after_ihdr, std::begin(chunk), std::end(chunk));
}

/// WebP: Exiv2 labels the ICC profile's chunk "VP8X" instead of "ICCP"
/// (Exiv2 issue #2734, fixed in 0.28.1); libwebp's demuxer, and so
/// browsers, refuse a file with a second VP8X. Renames it.
void fix_webp_icc_chunk(std::vector<unsigned char>& webp) {
    std::size_t at = 12;  // "RIFF" size "WEBP", then chunks: id, size (LE), data padded to even
    bool seen_vp8x = false;
    while (at + 8 <= webp.size()) {
        unsigned char* id = webp.data() + at;
        const std::uint32_t size = id[4] | id[5] << 8 | id[6] << 16 | std::uint32_t(id[7]) << 24;
        if (std::memcmp(id, "VP8X", 4) == 0) {
            if (seen_vp8x) std::memcpy(id, "ICCP", 4);
            seen_vp8x = true;
        }
        at += 8 + std::size_t(size) + (size & 1);
    }
}

/// What of an input Exiv2 has opened its output carries (read_metadata).
ImageMetadata exiv2_input_metadata(Exiv2::Image& image, bool exif_and_xmp, bool upright) {
    ImageMetadata metadata;
    image.readMetadata();
    if (const Exiv2::DataBuf* icc = image.iccProfile(); icc && icc->size_ > 0) {
        metadata.icc.assign(reinterpret_cast<const char*>(icc->pData_), static_cast<std::size_t>(icc->size_));
    }
    if (exif_and_xmp) {
        metadata.exif = exif_for_output(image.exifData(), image.byteOrder(), upright);
        metadata.xmp = xmp_for_output(image.xmpData(), upright);
        metadata.iptc = iptc_for_output(image);
    }
    return metadata;
}

/// The same for a HEIC/HEIF or AVIF input, whose metadata libheif finds
/// (Exiv2 0.27 reads it as a QuickTime video: made-up Xmp.video tags, no
/// profile). libheif turns the pixels upright whatever --no-auto-orient
/// says, so the orientation is always reset. A HEIF holds no IPTC.
ImageMetadata heif_input_metadata(std::string_view bytes, bool exif_and_xmp) {
    const detail::HeifMetadata found = detail::read_heif_metadata(bytes);
    ImageMetadata metadata;
    metadata.icc = found.icc;
    if (!exif_and_xmp) return metadata;
    if (!found.exif.empty()) {
        Exiv2::ExifData exif;
        const Exiv2::ByteOrder order = Exiv2::ExifParser::decode(
            exif, reinterpret_cast<const Exiv2::byte*>(found.exif.data()), static_cast<uint32_t>(found.exif.size()));
        metadata.exif = exif_for_output(exif, order, /*upright=*/true);
    }
    if (!found.xmp.empty()) {
        Exiv2::XmpData xmp;
        if (Exiv2::XmpParser::decode(xmp, found.xmp) != 0)
            throw Exiv2::Error(Exiv2::kerErrorMessage, "cannot decode the XMP");
        metadata.xmp = xmp_for_output(xmp, /*upright=*/true);
    }
    return metadata;
}

}  // namespace

namespace detail {

ImageMetadata read_metadata(const InputBytes& input, bool exif_and_xmp, bool upright, std::string* warnings) {
    quiet_exiv2();
    const std::string_view bytes(reinterpret_cast<const char*>(input.bytes.data()), input.bytes.size());
    const bool heif = sniff(bytes) == Codec::heif;
    // Exiv2 reads from these bytes without copying them: `capped` must
    // outlive `image`.
    std::string capped;
    Exiv2::Image::AutoPtr image;
    if (!heif) {
        // A PNG's text chunks beyond the first few are not read (a zTXt bomb),
        // nor those that hold no metadata (a long comment Exiv2 would refuse).
        capped = detail::png_with_text_capped(bytes, detail::kTextChunksRead, /*metadata_only=*/true);
        try {
            image = capped.empty()
                        ? Exiv2::ImageFactory::open(input.bytes.data(), static_cast<long>(input.bytes.size()))
                        : Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte*>(capped.data()),
                                                    static_cast<long>(capped.size()));
        } catch (const std::exception&) {
            return {};  // not a format Exiv2 knows: the decoder says what is wrong, if anything
        }
    }
    try {
        return heif ? heif_input_metadata(bytes, exif_and_xmp) : exiv2_input_metadata(*image, exif_and_xmp, upright);
    } catch (const std::exception& e) {
        if (exif_and_xmp) throw ImageError(input.path + ": cannot read metadata: " + e.what());
        if (warnings)
            *warnings += std::string(warnings->empty() ? "" : "\n") +
                         "metadata not read (colour profile not kept): " + e.what();
        return {};
    }
}

}  // namespace detail

ImageMetadata read_metadata(const std::string& path, bool exif_and_xmp, bool upright, std::string* warnings) {
    detail::InputBytes input;
    try {
        input = detail::read_input_file(path);
    } catch (const ImageError&) {
        return {};  // unreadable: the decoder says why
    }
    return detail::read_metadata(input, exif_and_xmp, upright, warnings);
}

namespace detail {

bool format_holds_metadata(const std::string& ext) {
    const Format* format = find_format(ext);
    return format && format->metadata;
}

std::string icc_mismatch(const std::string& icc, int channels) {
    if (icc.empty()) return "";
    const std::string space = icc_colour_space(icc);
    const std::string wanted = channels == 1 ? "GRAY" : "RGB";
    if (space == wanted) return "";
    return "it is for " + (space.empty() ? std::string("an unknown colour space") : space) + ", the output is " +
           wanted;
}

void embed_metadata(std::vector<unsigned char>& encoded, const std::string& ext, int channels,
                    const ImageMetadata& metadata, const std::string& path) {
    const bool with_icc = !metadata.icc.empty() && icc_mismatch(metadata.icc, channels).empty();
    const Format* format = find_format(ext);
    if (!format || !format->metadata || format->metadata_by_encoder ||
        (!with_icc && metadata.exif.empty() && metadata.xmp.empty() && metadata.iptc.empty()))
        return;
    quiet_exiv2();
    const bool png = ext == "png";
    const bool webp = ext == "webp";
    if (with_icc && png) add_png_icc_placeholder(encoded);
    try {
        auto image = Exiv2::ImageFactory::open(encoded.data(), static_cast<long>(encoded.size()));
        // What the encoder wrote stays (a TIFF's own layout tags); ours goes on top.
        image->readMetadata();
        if (with_icc) {
            Exiv2::DataBuf icc(reinterpret_cast<const Exiv2::byte*>(metadata.icc.data()),
                               static_cast<long>(metadata.icc.size()));
            image->setIccProfile(icc, /*bTestValid=*/true);
        }
        if (!metadata.exif.empty()) merge_exif(image->exifData(), metadata.exif);
        if (!metadata.xmp.empty()) {
            image->setXmpPacket(metadata.xmp);
            image->writeXmpFromPacket(true);
        }
        embed_iptc(*image, metadata.iptc);
        image->writeMetadata();

        Exiv2::BasicIo& io = image->io();
        if (io.open() != 0) throw Exiv2::Error(Exiv2::kerErrorMessage, "cannot reopen the encoded image");
        const long size = io.size();
        const Exiv2::DataBuf bytes = io.read(size);
        io.close();
        if (bytes.size_ != size) throw Exiv2::Error(Exiv2::kerErrorMessage, "short read of the encoded image");
        encoded.assign(bytes.pData_, bytes.pData_ + bytes.size_);
        if (with_icc && webp) fix_webp_icc_chunk(encoded);
    } catch (const std::exception& e) {
        throw ImageError(path + ": cannot write metadata: " + e.what());
    }
}

}  // namespace detail
}  // namespace pixpool
